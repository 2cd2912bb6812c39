package catalog

// This file is the one place where the domain's Chinese vocabulary lives:
// enumeration values of the guide standard, field labels, classification
// labels and the message texts users see. Code elsewhere refers to these
// names; it does not spell Chinese itself.

// Item types (事项类型), in the order of the standard.
var Types = []string{
	"行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查",
	"行政确认", "行政奖励", "行政裁决", "行政备案", "其他行政权力", "公共服务",
}

// exOfficioTypes are the types handled on the department's own initiative
// (依职权); every other type is on application (依申请).
var exOfficioTypes = map[string]bool{"行政处罚": true, "行政强制": true, "行政检查": true, "行政征收": true}

// OnApplication reports whether items of type t are handled on application
// (依申请), the denominator of every coverage rate.
func OnApplication(t string) bool { return !exOfficioTypes[t] && contains(Types, t) }

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

// OnlineDepthLabels names the levels of online handling (网办深度).
var OnlineDepthLabels = []string{"不可网办", "信息公开", "在线预约/表格下载", "在线申报/预审", "全程网办"}

// Themes lists the usual theme classifications (主题分类). Imported items
// may carry others; they are kept as given.
var Themes = []string{
	"生育收养", "户籍办理", "身份证件", "婚姻登记", "教育科研", "就业创业", "社会保障", "医疗卫生",
	"住房保障", "公积金", "不动产", "交通出行", "出境入境", "民族宗教", "司法公证", "退役安置",
	"养老服务", "残疾人", "社会救助", "死亡殡葬", "文化体育", "设立变更", "准营准办", "纳税缴费",
	"规划建设", "环保绿化", "农林牧渔", "安全生产", "消防", "质量技术", "知识产权", "其他",
}

// FieldLabels gives the Chinese name of every interchange field; CSV and
// XLSX use them as column headers and messages use them to name a field.
var FieldLabels = map[string]string{
	"kind":            "记录类型",
	"code":            "实施编码",
	"base_code":       "基本编码",
	"name":            "事项名称",
	"type":            "事项类型",
	"level":           "行使层级",
	"region":          "行政区划代码",
	"department":      "实施主体",
	"audience":        "服务对象",
	"themes":          "主题分类",
	"basis":           "设定依据",
	"conditions":      "受理条件",
	"materials":       "申请材料",
	"steps":           "办理流程",
	"legal_days":      "法定办结时限",
	"promised_days":   "承诺办结时限",
	"handling":        "办件类型",
	"visits":          "到办事现场次数",
	"visit_reason":    "必须现场办理原因",
	"online_depth":    "网办深度",
	"online_url":      "网上办理地址",
	"in_hall":         "是否进驻政务大厅",
	"nearby":          "可在镇村便民服务中心办理",
	"express":         "支持物流快递",
	"appointment":     "支持预约办理",
	"online_payment":  "支持网上支付",
	"cross_province":  "跨省通办",
	"commitment":      "告知承诺制",
	"scope":           "通办范围",
	"fee":             "收费",
	"fee.charged":     "是否收费",
	"fee.items":       "收费项目",
	"result":          "办理结果",
	"result.name":     "办理结果名称",
	"result.type":     "办理结果类型",
	"result.sample":   "办理结果样本",
	"location":        "办理地点",
	"hours":           "办理时间",
	"consult_phone":   "咨询电话",
	"complaint_phone": "监督投诉电话",
	"faq":             "常见问题",
	"ask_phrases":     "常见问法",
	"credit_code":     "统一社会信用代码",
	"phone":           "联系电话",
	"levels":          "行使层级",
	"parent":          "上级行政区划",
}

// Label returns the Chinese name of an interchange field, or the field
// itself when it has none. A list element such as "materials[2].form" is
// named by its list and position: "申请材料第3项材料形式".
func Label(field string) string {
	if l, ok := FieldLabels[field]; ok {
		return l
	}
	return labelPath(field)
}

// subLabels names the fields of list elements.
var subLabels = map[string]string{
	"name": "名称", "required": "是否必要", "form": "材料形式", "copies": "份数", "source": "来源渠道",
	"notes": "填报说明", "description": "环节说明", "days": "环节时限（工作日）", "title": "依据名称",
	"clause": "条款号", "text": "条款内容", "standard": "收费标准", "basis": "收费依据", "q": "问题", "a": "解答",
}

// SubLabel returns the Chinese name of a field of a list element
// (materials, steps, basis, fee items, FAQ).
func SubLabel(field string) string {
	if l, ok := subLabels[field]; ok {
		return l
	}
	return field
}

// Classification labels (SPEC §3), keyed by flag id.
var classificationLabels = map[string]string{
	FlagImmediate:     "马上办（即来即办）",
	FlagOnline:        "网上办（网上可办）",
	FlagFullOnline:    "全程网办",
	FlagNearby:        "就近办",
	FlagOneVisit:      "最多跑一次（一次办）",
	FlagZeroVisit:     "零跑路",
	FlagInHall:        "进驻大厅",
	FlagCrossProvince: "跨省通办",
	FlagCommitment:    "告知承诺",
}

// Short classification labels for badges and chips.
var classificationShort = map[string]string{
	FlagImmediate:     "马上办",
	FlagOnline:        "网上办",
	FlagFullOnline:    "全程网办",
	FlagNearby:        "就近办",
	FlagOneVisit:      "最多跑一次",
	FlagZeroVisit:     "零跑路",
	FlagInHall:        "进驻大厅",
	FlagCrossProvince: "跨省通办",
	FlagCommitment:    "告知承诺",
}

// Application modes.
const (
	LabelOnApplication = "依申请"
	LabelExOfficio     = "依职权"
)

// MsgLine names a line or row of an input file.
const MsgLine = "第%d行"

// Store and import messages.
const (
	MsgUnknownRegion = "行政区划代码 %s 不存在"
	MsgDuplicateCode = "实施编码 %s 重复：%s 第%d行已有同一编码"
	MsgRegionCode    = "应为6位数字的行政区划代码"
	MsgBaseCode      = "基本编码应为12位"
	MsgMissing       = "不能为空"
	// msgListItem names the n-th element of a list field: 申请材料第3项.
	msgListItem = "%s第%d项"
)

// Account messages.
const (
	MsgUserName          = "用户名应为2到32个字母、数字、汉字或 _ . -"
	MsgPasswordShort     = "密码至少 %d 个字符"
	MsgPasswordLong      = "密码不能超过 %d 字节"
	MsgSessionsEnded     = "结束会话 %d 个"
	MsgEditorDepartment  = "编辑账号必须指定所属部门和行政区划"
	MsgUnknownDepartment = "行政区划 %[2]s 下没有实施主体“%[1]s”"
)
