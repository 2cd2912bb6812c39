package catalog

// The Chinese texts of the domain: field and classification labels, the
// messages of structural validation (validate.go), of the guide-quality
// rules (quality.go) and of interchange records (record.go). Format verbs
// are documented per string; field names are inserted with Label, never
// spelled here. Stored values (item types, levels …) are not labels: they
// are in values.go.

// FieldLabels gives the Chinese name of every interchange field, and of
// an edition's note and rejection reason; CSV and XLSX use them as column
// headers and messages use them to name a field.
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
	"situations":      "情形",
	"credit_code":     "统一社会信用代码",
	"phone":           "联系电话",
	"levels":          "行使层级",
	"parent":          "上级行政区划",
	"note":            "修改说明", // an edition's change note
	"reason":          "退回理由", // why a reviewer rejected an edition
}

// subLabels names the fields of list elements.
var subLabels = map[string]string{
	"name": "名称", "required": "是否必要", "form": "材料形式", "copies": "份数", "source": "来源渠道",
	"notes": "填报说明", "description": "环节说明", "days": "环节时限（工作日）", "title": "依据名称",
	"clause": "条款号", "text": "条款内容", "standard": "收费标准", "basis": "收费依据", "q": "问题", "a": "解答",
	// situations (情形) and their options
	"id": "标识", "question": "问题", "multiple": "可多选", "options": "选项", "label": "选项内容",
	"add": "增加材料", "remove": "免交材料", "note": "提示", "promised_days": "承诺办结时限",
	"visits": "到办事现场次数", "online_depth": "网办深度", "fee": "收费", "fee.charged": "是否收费",
	"fee.items": "收费项目", "steps": "办理流程",
}

// Classification labels (docs/contract.md#classifications), keyed by flag id.
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

// OnlineDepthLabels names the levels of online handling (网办深度).
var OnlineDepthLabels = []string{"不可网办", "信息公开", "在线预约/表格下载", "在线申报/预审", "全程网办"}

// MsgLine names a line or row of an input file (Problem.Error).
const MsgLine = "第%d行"

// msgListItem names the n-th element of a list field: 申请材料第3项.
const msgListItem = "%s第%d项"

// msgProblemColon separates where a problem is from what it is
// (Problem.Error).
const msgProblemColon = "："

// Messages of interchange records (record.go) that the store's import
// shares.
const (
	// MsgUnknownRegion: a region code that no region has; %s is the code.
	MsgUnknownRegion = "行政区划代码 %s 不存在"
)

// Structural validation messages (FieldError.Message).
const (
	// MsgItemMissing: there is no item at all.
	MsgItemMissing = "缺少事项内容"
	// MsgRequired: a required field is empty.
	MsgRequired = "不能为空"
	// MsgCodeFormat: the item code's characters or length are wrong.
	MsgCodeFormat = "应为1至64位的数字、英文字母或连字符“-”"
	// MsgBaseCodeLen: the base code has the wrong length; the required and
	// the given number of characters.
	MsgBaseCodeLen = "应为%d个字符，实为%d个"
	// MsgBaseCodeChars: the base code holds other than letters and digits.
	MsgBaseCodeChars = "只能包含数字和英文字母"
	// MsgRegionFormat: the region code is not 6 digits.
	MsgRegionFormat = "应为6位数字的行政区划代码"
	// MsgTooLong: a text exceeds its length limit; %d is the limit in
	// characters.
	MsgTooLong = "不能超过%d个字"
	// MsgOneOf: a value outside an enumeration; %s is the allowed values
	// joined with ListSep.
	MsgOneOf = "应为以下之一：%s"
	// MsgNonNegative: a number below zero.
	MsgNonNegative = "应为不小于0的整数"
	// MsgAtMost: a number above its limit; %d is the limit.
	MsgAtMost = "不能大于%d"
	// MsgOnlineDepth: the online depth is outside 0..4; %s lists the levels
	// with their meaning.
	MsgOnlineDepth = "应为0至4之间的整数（%s）"
	// MsgURL: the online address is not an absolute http or https URL.
	MsgURL = "应为以 http:// 或 https:// 开头的完整网址"
	// MsgBadUTF8: the text is not valid UTF-8.
	MsgBadUTF8 = "不是有效的UTF-8文本"
	// MsgControlChar: the text holds an invisible control character; %U is
	// the character.
	MsgControlChar = "含有不可见的控制字符（%U）"
	// MsgFormatChar: the text holds an invisible format character (a
	// zero-width space, a direction mark or override such as U+202E …); %U
	// is the character.
	MsgFormatChar = "含有不可见的格式字符（%U），请删除"
	// MsgLineSeparator: the text holds a Unicode line or paragraph
	// separator; %U is the character.
	MsgLineSeparator = "含有 Unicode 行分隔符或段分隔符（%U），请改用普通换行"
	// MsgNonCharacter: the text holds a Unicode noncharacter (U+FFFE …); %U
	// is the character.
	MsgNonCharacter = "含有无效的 Unicode 字符（%U）"
	// MsgEmptyElement: an empty element of a list of words (themes,
	// ask_phrases).
	MsgEmptyElement = "不能为空字符串"
	// MsgTooMany: a list has more elements than allowed; the limit and the
	// number given.
	MsgTooMany = "不能超过%d项，实为%d项"
	// MsgRepeated: a list element repeats an earlier one; %d is the earlier
	// one's 1-based position.
	MsgRepeated = "与第%d项重复"
	// MsgOneLine: a name, title or short phrase (an ask phrase) holds a
	// line break or tab.
	MsgOneLine = "应为一行文字，不能含有换行或制表符"
	// MsgValidation: ValidationError.Error's head; %d is the number of
	// problems, followed by each problem joined with ListSep2.
	MsgValidation = "办事指南有%d处错误："
	// MsgInvalidItem: a ValidationError that lists no field.
	MsgInvalidItem = "办事指南不符合要求"
	// MsgFieldError: FieldError.Error: the field's Chinese label, the field
	// path and the message.
	MsgFieldError = "%s(%s)：%s"
)

// Structural validation messages of situations (情形引导, situation_check.go).
const (
	// MsgSituationID: a question's or an option's id is malformed; %d is
	// MaxSituationIDLen.
	MsgSituationID = "应为1至%d位的英文字母、数字、连字符“-”或下划线“_”"
	// MsgTooFewOptions: a question with too few options; the least number
	// and the number given.
	MsgTooFewOptions = "至少应有%d个选项，实为%d个"
	// MsgDuplicateQuestionID: %d is the 1-based position of the earlier
	// question with the same id.
	MsgDuplicateQuestionID = "与第%d个问题的标识重复"
	// MsgDuplicateOptionID: %d is the 1-based position of the earlier
	// option of the same question with the same id.
	MsgDuplicateOptionID = "与本问题第%d个选项的标识重复"
	// MsgUnknownMaterial: an option adds or removes a material the guide
	// does not list; %s is the name given.
	MsgUnknownMaterial = "引用的材料“%s”不在申请材料中"
	// MsgAmbiguousMaterial: an option names a material several materials
	// of the guide are called; the number of them and the name.
	MsgAmbiguousMaterial = "申请材料中有%d项名为“%s”，无法确定所指，请先将材料改为不同的名称"
	// MsgAddAndRemove: an option both adds and removes a material; %s is
	// its name.
	MsgAddAndRemove = "同一选项不能既增加又免交材料“%s”"
	// MsgUnreachableRemoved: a material no answer keeps, because every
	// option of a single-choice question removes it; %s is the question.
	MsgUnreachableRemoved = "在任何情形下都无需提交：问题“%s”的每个选项都免交此材料"
	// MsgUnreachableAdded: a conditional material no answer keeps, because
	// every option that adds it removes it too.
	MsgUnreachableAdded = "在任何情形下都无需提交：增加此材料的选项同时免交此材料"
)

// Texts of the diff of two editions (diff.go): an option's fee items and
// steps are each compared and shown as one text.
const (
	// msgDiffPart: a name and its text (a fee item's standard, a step's
	// description).
	msgDiffPart = "%s：%s"
	// msgDiffBasis: a fee item's text and its basis.
	msgDiffBasis = "%s（依据：%s）"
	// msgDiffDays: a step's text and its days.
	msgDiffDays = "%s（%d个工作日）"
)

// Separators of enumerations and message lists.
const (
	// ListSep separates the values of an enumeration in a message.
	ListSep = "、"
	// ListSep2 separates whole messages.
	ListSep2 = "；"
)

// Guide-quality messages (Finding.Message), by rule of docs/contract.md#guide-quality-rules.
const (
	// MsgQMissing (rule 1): a required element is absent; %s is its label.
	MsgQMissing = "未填写%s"
	// MsgQFeeNoItems (rule 1): a charged item lists no fee.
	MsgQFeeNoItems = "收费事项应列出收费项目及收费标准"
	// MsgQPromisedOverLegal (rule 2): promised and legal days, in that order.
	MsgQPromisedOverLegal = "承诺办结时限（%d个工作日）超过法定办结时限（%d个工作日）"
	// MsgQImmediateNotZero (rule 3): an immediate item promises %d days.
	MsgQImmediateNotZero = "即办件的承诺办结时限应为0（当场办结），实为%d个工作日"
	// MsgQZeroNotImmediate (rule 3): done on the spot but not marked 即办件.
	MsgQZeroNotImmediate = "承诺办结时限为0（当场办结）的事项，办件类型应为即办件"
	// MsgQZeroVisitNoMeans (rule 4): no visit, yet neither online nor by
	// courier.
	MsgQZeroVisitNoMeans = "到办事现场次数为0，但既不能在线申报（网办深度未达到3）也不支持物流快递"
	// MsgQFullOnlineVisits (rule 5): fully online yet %d visits.
	MsgQFullOnlineVisits = "网办深度为全程网办，到办事现场次数应为0，实为%d次"
	// MsgQVisitReason (rule 6): %d visits without a reason.
	MsgQVisitReason = "到办事现场%d次，应说明必须现场办理的原因"
	// MsgQSamePhone (rule 7): the complaint phone repeats the consulting one.
	MsgQSamePhone = "监督投诉电话不应与咨询电话相同"
	// MsgQPlaceholder (rule 8): %s lists the placeholder phrases found.
	MsgQPlaceholder = "含有占位或含糊表述（%s），应写明具体内容"
	// MsgQStepDays (rule 9): the sum of step days and the promised days.
	MsgQStepDays = "各环节时限合计%d个工作日，超过承诺办结时限%d个工作日"
	// MsgQPaymentFree (rule 10): online payment offered but nothing charged.
	MsgQPaymentFree = "支持网上支付，但事项不收费"
	// MsgQDuplicateMaterial (rule 11): %d is the 1-based position of the
	// earlier material with the same name %s.
	MsgQDuplicateMaterial = "与申请材料第%d项重名：%s"
	// MsgQMaterialForm (rule 11): a material without form; %s lists forms.
	MsgQMaterialForm = "未填写材料形式（%s）"
	// MsgQMaterialSource (rule 11): a material without source; %s lists
	// sources.
	MsgQMaterialSource = "未填写来源渠道（%s）"
	// MsgQLocation (rule 12): the location names no hall, window or room.
	MsgQLocation = "办理地点应写明具体的大厅、窗口或房间（如“汉滨区政务服务中心一楼8号窗口”），不能只写区域或街道"
	// MsgQSituations (rule 13): the materials depend on the applicant's
	// case but the guide has no situations; %s lists the phrases found.
	MsgQSituations = "申请材料写有“%s”等因情形而异的表述，建议设置情形引导：申请人回答几个问题后，只看到自己需要提交的材料"
)

// ruleTitles names the guide-quality rules of docs/contract.md#guide-quality-rules by id (index 0 unused).
var ruleTitles = [...]string{
	"",
	"要素齐全",
	"承诺时限不超过法定时限",
	"即办件与承诺时限一致",
	"零跑路须可网办或快递",
	"全程网办须零跑路",
	"多次跑须说明原因",
	"投诉电话不同于咨询电话",
	"无占位表述",
	"环节时限之和不超过承诺时限",
	"网上支付须为收费事项",
	"材料不重名且有形式和来源",
	"办理地点具体到大厅窗口",
	"因情形而异的材料设情形引导",
}

// Messages of the publishing checks (publish_check.go,
// docs/contract.md#publishing-checks).
const (
	// MsgPublishMissing: an element a published guide must state is
	// absent; %s is its label.
	MsgPublishMissing = "发布前须填写%s"
	// MsgPublishOptionOverLegal: a situation option's promised days exceed
	// the legal days; the option (问题：选项), its days and the legal days.
	MsgPublishOptionOverLegal = "情形“%s”的承诺办结时限（%d个工作日）超过法定办结时限（%d个工作日）"
	// MsgPublishPathStepDays: on the path of the answers listed (%s), the
	// steps add up to more than that path's promised days.
	MsgPublishPathStepDays = "选择“%s”时，各环节时限合计%d个工作日，超过该情形的承诺办结时限%d个工作日"
	// MsgPublishPlaceholder: a required text holds placeholders; the
	// field's label and the placeholders found.
	MsgPublishPlaceholder = "%s含有占位内容（%s），发布前应写明实际内容"
	// MsgPublishOnlineURL: online depth ≥ 3 without an online address; the
	// depth and its name.
	MsgPublishOnlineURL = "网办深度为%d（%s），应填写网上办理地址"
	// MsgPublishOptionOnlineURL: a situation option sets online depth ≥ 3
	// but the guide has no online address; the option, the depth and its
	// name.
	MsgPublishOptionOnlineURL = "情形“%s”的网办深度为%d（%s），应填写网上办理地址"
	// MsgOverrideMissing: a warning rule without the reviewer's reason; %s
	// is the rule's title.
	MsgOverrideMissing = "存在“%s”提醒，发布须填写放行理由"
	// MsgOverrideUnknown: a reason for a rule that is no warning of this
	// edition.
	MsgOverrideUnknown = "本版本没有此项提醒，无需填写放行理由（阻止发布的问题不能放行）"
	// MsgPublishBlocked: PublishRefusal.Error's head when errors block
	// publishing; %d is their number, followed by each joined with
	// ListSep2.
	MsgPublishBlocked = "不能发布：有%d个问题须修改："
	// MsgPublishNeedsReasons: PublishRefusal.Error's head when warnings
	// lack reasons; %d is the number of warning rules.
	MsgPublishNeedsReasons = "不能发布：有%d项提醒须逐项填写放行理由："
	// MsgOverrideLog: one override in the change log of a publish; the
	// rule's title, its id and the reason.
	MsgOverrideLog = "放行“%s”（%s）：%s"
)

// checkTitles names the publishing check rules.
var checkTitles = map[string]string{
	CheckMissing:           "发布必备要素缺失",
	CheckPromisedOverLegal: "承诺时限超过法定时限",
	CheckStepsOverPromised: "环节时限之和超过承诺时限",
	CheckPlaceholder:       "必备要素含占位内容",
	CheckOnlineURL:         "可网办事项缺少网上办理地址",
	CheckIncomplete:        "要素不齐全",
	CheckHandling:          "即办件与承诺时限不一致",
	CheckZeroVisit:         "零跑路但不能网办或快递",
	CheckFullOnline:        "全程网办但须到现场",
	CheckVisitReason:       "多次跑未说明原因",
	CheckVagueText:         "含有含糊表述",
	CheckMaterialInfo:      "材料重名或缺少形式、来源",
	CheckLocation:          "办理地点不具体",
}

// Messages of bundles (一件事一次办, bundle_check.go).
const (
	// MsgBundleMissing: a bundle record without its content.
	MsgBundleMissing = "缺少一件事内容"
	// MsgBundleCodeFormat: %d is MaxBundleCodeLen.
	MsgBundleCodeFormat = "应为1至%d位的数字、英文字母、连字符“-”或下划线“_”"
	// MsgUnknownEntry: %s is a base code no catalogue entry has.
	MsgUnknownEntry = "基本目录中没有编码为 %s 的事项"
	// MsgBundleEntryTwice: %d is the 1-based step that already uses the
	// entry.
	MsgBundleEntryTwice = "该事项已在第%d步中使用"
	// MsgBundleStage: %d is MaxBundleSteps.
	MsgBundleStage = "应为1至%d之间的整数（同一阶段的步骤可并联办理）"
	// MsgTooManyBundles: %d is MaxBundles.
	MsgTooManyBundles = "一件事已达上限（最多%d件），请先合并或停用不再需要的一件事"
)

// Messages of the working-day calendar (calendar.go).
const (
	// MsgCalendarLine: %d is the 1-based line, %s what is wrong with it.
	MsgCalendarLine = "节假日日历第%d行：%s"
	// MsgCalendarDate: a date or range that does not read.
	MsgCalendarDate = "日期应写作 2026-10-01，或区间 2026-10-01..2026-10-07"
	// MsgCalendarKind: the second field is neither 休 nor 班.
	MsgCalendarKind = "第二项应为“休”（放假）或“班”（调休上班）"
	// MsgCalendarRange: %d is MaxCalendarRange.
	MsgCalendarRange = "区间应从早到晚，且不超过%d天"
	// MsgCalendarTwice: %s is the date, %d the line that gave it first.
	MsgCalendarTwice = "%s 已在第%d行写过"
	// MsgCalendarLines: %d is MaxCalendarLines.
	MsgCalendarLines = "超过%d行"
	// MsgCalendarLong: %d is MaxCalendarLineBytes.
	MsgCalendarLong = "一行超过%d字节"
)
