package search

// The Chinese texts of the search package, in one place.
const (
	MsgQueryEncoding = "搜索词不是有效的 UTF-8 文本"
	MsgQueryControl  = "搜索词不能包含控制字符"
	MsgQueryTooLong  = "搜索词最多 %d 个字，当前 %d 个字"
	MsgPageRange     = "页码应为 1 到 %d 之间的整数"
	MsgSizeRange     = "每页条数应为 1 到 %d 之间的整数"
	MsgTooManyFlags  = "分类条件最多 %d 个"
	MsgFilterInvalid = "筛选条件无效"
	MsgGroupInvalid  = "group 应为 service（按服务合并）或 none（按办理地逐条）"
)

// Facet dimension labels.
var facetLabels = map[string]string{
	"flag":       "办理方式",
	"type":       "事项类型",
	"region":     "行政区划",
	"department": "实施主体",
	"audience":   "服务对象",
	"theme":      "主题分类",
}
