package report

// The Chinese texts of the reports, in one place.
const (
	labelRollup = "（合计）"
	labelOwn    = "（本级）"
)

// RateLabels name the rates (docs/contract.md#coverage-ratios).
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
	"bundles":        "涉及一件事数",
	"bundle_items":   "一件事覆盖事项数",
	"below_target":   "未达目标",
}

// Texts of the report outputs (format.go).
const (
	// labelYes and labelNo show a boolean cell.
	labelYes = "是"
	labelNo  = "否"
	// labelNoRate shows a rate a group does not have (no on-application
	// item) in the terminal table; CSV and XLSX leave the cell empty.
	labelNoRate = "—"
	// labelNoRows stands under the header of an empty terminal table.
	labelNoRows = "（无数据）"
	// csvPercentSuffix ends a percent column's CSV header: CSV cells hold
	// the bare number (91.36), as the JSON does.
	csvPercentSuffix = "（%）"
	// labelChartData names the hidden sheet that holds a chart's rows when
	// the chart shows only some rows of its table.
	labelChartData = "图表数据"
	// listSep joins the rate names in the 未达目标 column.
	listSep = "、"
	// coverageTitle is a coverage table's title (and sheet name): the
	// grouping and the as-of date in China time.
	coverageTitle = "覆盖率（按%s，截至%s）"
	// coverageTitleBundles is the title of a report as of today, which
	// also gives the number of published bundles (一件事).
	coverageTitleBundles = "覆盖率（按%s，截至%s，一件事%d件）"
	// coverageChartTitle is the chart's title: the groups and the rates.
	coverageChartTitle = "各%s%s"
	// labelRegion heads a department's region column.
	labelRegion = "所属区划"
	// listComma separates the parts of a title.
	listComma = "，"
	// labelFilterDepartment and labelFilterBelow name the filters of a
	// filtered coverage report in its title.
	labelFilterDepartment = "部门："
	labelFilterBelow      = "仅未达目标"
)

// byLabels name the groupings of a coverage report in titles.
var byLabels = map[string]string{
	"region":     "地区",
	"department": "部门",
	"type":       "事项类型",
}

// chartGroupLabels name the bars' groups in a chart title; a by-region
// chart shows the 本级 rows.
var chartGroupLabels = map[string]string{
	"region":     "地区（本级）",
	"department": "部门",
	"type":       "事项类型",
}

// ---- 三级四同 conformance (conformance.go) ----

// Table names of the conformance report.
const (
	tableDeviations    = "不一致事项"
	tableUnimplemented = "无实施事项的目录"
	tableOrphans       = "无目录的事项"
	tableVariances     = "区县差异"
	// labelAbsentValue shows a value an item does not give in the
	// variance table.
	labelAbsentValue = "（未填写）"
)

// conformanceLabels head the columns of the conformance tables, by id.
var conformanceLabels = map[string]string{
	"base_code":     "基本编码",
	"entry_name":    "目录事项名称",
	"code":          "实施编码",
	"name":          "事项名称",
	"type":          "事项类型",
	"levels":        "行使层级",
	"region":        "行政区划代码",
	"region_name":   "行政区划",
	"department":    "实施主体",
	"field":         "不一致要素",
	"item_value":    "事项取值",
	"entry_value":   "目录取值",
	"missing":       "缺少的目录依据",
	"extra":         "目录外的依据",
	"regions":       "实施区划数",
	"value":         "取值",
	"norm":          "通行取值",
	"value_regions": "采用区划数",
	"region_names":  "采用的行政区划",
	// variance_field is the field column of the variance table.
	"variance_field": "差异要素",
}

// ---- Guide quality (quality.go) ----

// Table names and chart title of the quality report.
const (
	tableFindings         = "指南质量问题"
	tableDepartmentScores = "部门得分"
	tableRuleCounts       = "规则统计"
	chartDepartmentScores = "各部门指南质量得分（无问题事项占比）"
)

// Table name of the bundle gaps in the quality report (bundles.go).
const tableBundleGaps = "一件事缺项"

// bundleGapLabels head the columns of the bundle gap table, by id.
var bundleGapLabels = map[string]string{
	"bundle":      "一件事编码",
	"bundle_name": "一件事名称",
	"region":      "行政区划代码",
	"region_name": "行政区划",
	"step":        "环节序号",
	"stage":       "阶段",
	"step_name":   "环节名称",
	"base_code":   "基本编码",
	"or":          "可替代的基本编码",
}

// qualityLabels head the columns of the quality tables, by id.
var qualityLabels = map[string]string{
	"code":        "实施编码",
	"name":        "事项名称",
	"region":      "行政区划代码",
	"region_name": "行政区划",
	"department":  "实施主体",
	"rule":        "规则",
	"rule_title":  "规则名称",
	"field":       "字段",
	"field_label": "字段名称",
	"message":     "问题说明",
	"rank":        "排名",
	"items":       "事项数",
	"passed":      "无问题事项数",
	"findings":    "问题数",
	"score":       "得分（无问题事项占比）",
}

// ---- Feedback (feedback.go) ----

// Texts of the feedback report.
const (
	// feedbackTitle is the figures' table title: the grouping and the
	// range (RangeText).
	feedbackTitle = "好差评与办不成事（按%s，%s）"
	// unansweredTitle is the unanswered searches' table title: how many
	// a week.
	unansweredTitle = "每周未解决的搜索（每周前%d个）"
	// labelHallDesk names the row of department 0 and of no region: the
	// ratings and tickets of bundles (一件事) and the 办不成事 reports that
	// name no item, all the hall's.
	labelHallDesk = "政务服务大厅（一件事、办不成事窗口）"
	// labelNoTarget names, by item, the 办不成事 reports that name no item.
	labelNoTarget = "办不成事窗口（未指明事项）"
	// labelTotal names the summary row.
	labelTotal = "合计"
	// The range of a report (RangeText).
	rangeFromTo = "%s至%s"
	rangeFrom   = "%s起"
	rangeTo     = "截至%s"
	rangeAll    = "全部时间"
)

// feedbackByLabels name the groupings of a feedback report in titles.
var feedbackByLabels = map[string]string{
	"department": "部门",
	"item":       "事项",
	"region":     "地区",
}

// feedbackKindLabels name what a row of a report by item is of.
var feedbackKindLabels = map[string]string{
	"item":   "事项",
	"bundle": "一件事",
}

// feedbackLabels head the columns of the feedback tables, by id (the
// 办不成事 kinds' come from package feedback).
var feedbackLabels = map[string]string{
	"group":             "分组",
	"name":              "名称",
	"kind":              "类型",
	"region":            "所属区划",
	"region_name":       "区划名称",
	"ratings":           "评价数",
	"satisfied":         "满意数",
	"satisfaction_rate": "满意率",
	"bad":               "差评数",
	"tickets":           "工单数",
	"settled":           "已办结",
	"fixed":             "已整改",
	"fix_rate":          "整改率",
	"judged":            "应按时办理",
	"on_time":           "按时办理",
	"on_time_rate":      "按时办理率",
	"open_overdue":      "逾期未办",
	"week":              "周（周一）",
	"query":             "搜索词",
	"searches":          "搜索次数",
	"empty":             "无结果次数",
	"opened":            "打开结果次数",
	"unanswered":        "未解决次数",
}
