package audit

// The Chinese texts of the reports, in one place.
const (
	labelRollup = "（合计）"
	labelOwn    = "（本级）"
)

// RateLabels name the rates (SPEC §4).
var RateLabels = map[string]string{
	"online_rate":      "网上可办率",
	"full_online_rate": "全程网办率",
	"one_visit_rate":   "最多跑一次比例",
	"zero_visit_rate":  "零跑路比例",
	"immediate_rate":   "即办比例",
	"in_hall_rate":     "进驻率",
	"nearby_rate":      "就近办比例",
}

// CountLabels name the counts of a coverage row.
var CountLabels = map[string]string{
	"group":          "分组",
	"name":           "名称",
	"rollup":         "合计行",
	"items":          "事项数",
	"on_application": "依申请事项数",
	"online":         "网上可办",
	"full_online":    "全程网办",
	"one_visit":      "最多跑一次",
	"zero_visit":     "零跑路",
	"immediate":      "即办",
	"in_hall":        "进驻大厅",
	"nearby":         "就近办",
	"below_target":   "未达目标",
}
