package catalog

// This file holds the stored values of the guide standard: the Chinese
// words that are data — what an item's type, level or handling is, what a
// quality rule looks for in a text — not labels shown to a user. A value
// here is written to the database and to interchange files as it is; the
// labels and messages users read are in messages.go.

// Types are the item types (事项类型), in the order of the standard.
var Types = []string{
	"行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查",
	"行政确认", "行政奖励", "行政裁决", "行政备案", "其他行政权力", "公共服务",
}

// exOfficioTypes are the types handled on the department's own initiative
// (依职权); every other type is on application (依申请).
var exOfficioTypes = map[string]bool{"行政处罚": true, "行政强制": true, "行政检查": true, "行政征收": true}

// Enumerations of the guide standard.
var (
	Levels           = []string{"国家级", "省级", "市级", "县级", "乡级", "村级"}
	Audiences        = []string{"自然人", "法人"}
	Handlings        = []string{"即办件", "承诺件"}
	Scopes           = []string{"全国", "跨省", "全省", "全市", "全县", "本级"}
	MaterialRequired = []string{"必要", "非必要", "容缺后补"}
	MaterialForms    = []string{"原件", "复印件", "原件和复印件", "电子证照"}
	MaterialSources  = []string{"申请人自备", "政府部门核发", "其他"}
	ResultTypes      = []string{"证照", "批文", "其他"}
	RegionLevels     = []string{"省", "市", "县", "乡", "村"}
)

// Immediate is the handling value of items done on the spot.
const Immediate = "即办件"

// Themes lists the usual theme classifications (主题分类). Imported items
// may carry others; they are kept as given.
var Themes = []string{
	"生育收养", "户籍办理", "身份证件", "婚姻登记", "教育科研", "就业创业", "社会保障", "医疗卫生",
	"住房保障", "公积金", "不动产", "交通出行", "出境入境", "民族宗教", "司法公证", "退役安置",
	"养老服务", "残疾人", "社会救助", "死亡殡葬", "文化体育", "设立变更", "准营准办", "纳税缴费",
	"规划建设", "环保绿化", "农林牧渔", "安全生产", "消防", "质量技术", "知识产权", "其他",
}

// Placeholders are phrases that stand in for content a guide should spell
// out (quality rule 8). Every free-text field is checked for each of them.
var Placeholders = []string{"按规定执行", "详见", "其他材料", "相关材料", "等相关", "见附件", "另行通知", "相关规定"}

// LocationMarkers are the words of which a location must contain one to
// name a hall, window or room rather than only a district (quality rule
// 12).
var LocationMarkers = []string{"大厅", "窗口", "室", "楼", "中心", "号"}

// AbsentTexts are values that say nothing; quality rule 1 reads a text
// field holding only one of them as missing.
var AbsentTexts = []string{"无", "暂无"}
