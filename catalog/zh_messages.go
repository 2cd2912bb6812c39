package catalog

// The Chinese texts of structural validation (validate.go) and of the
// guide-quality rules (quality.go). Format verbs are documented per string;
// field names are inserted with Label, never spelled here.

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

// Separators of enumerations and message lists.
const (
	// ListSep separates the values of an enumeration in a message.
	ListSep = "、"
	// ListSep2 separates whole messages.
	ListSep2 = "；"
)

// Guide-quality messages (Finding.Message), by rule of SPEC §8.
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
)

// Placeholders are phrases that stand in for content a guide should spell
// out (rule 8). Every free-text field is checked for each of them.
var Placeholders = []string{"按规定执行", "详见", "其他材料", "相关材料", "等相关", "见附件", "另行通知", "相关规定"}

// LocationMarkers are the words of which a location must contain one to
// name a hall, window or room rather than only a district (rule 12).
var LocationMarkers = []string{"大厅", "窗口", "室", "楼", "中心", "号"}

// AbsentTexts are values that say nothing; rule 1 reads a text field holding
// only one of them as missing.
var AbsentTexts = []string{"无", "暂无"}

// ruleTitles names the guide-quality rules of SPEC §8 by id (index 0 unused).
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
}

// ---- Edition workflow (workflow.go) ----

// MsgCodeMismatch: a saved draft names another item code than the item
// being edited; %s is the code of the item being edited.
const MsgCodeMismatch = "与正在编辑的事项实施编码 %s 不一致，实施编码不能修改"

// Labels of the workflow's own input fields, used to name them in field
// errors (FieldError.Error, Label).
func init() {
	FieldLabels["note"] = "修改说明"
	FieldLabels["reason"] = "退回理由"
}

// ---- Reading XLSX workbooks (xlsx.go) ----

const (
	// msgXLSXUnzippedTooLarge: the files of the workbook unzip to more than
	// the limit; %d is the limit in MiB.
	msgXLSXUnzippedTooLarge = "XLSX 文件解压后超过 %d MiB 的上限（可能是恶意构造的压缩文件）；如果确是正常数据，请拆分成几个文件，或另存为 CSV 后导入"
	// msgXLSXTooManyFiles: the archive holds too many files; the number and
	// the limit.
	msgXLSXTooManyFiles = "XLSX 文件包含 %d 个内部文件，超过 %d 个的上限，不是正常的工作簿"
	// msgXLSXTextTooLarge: the cells read hold more text than the limit; %d
	// is the limit in MiB.
	msgXLSXTextTooLarge = "工作表单元格的文字合计超过 %d MiB 的上限，已停止读取；请拆分成几个文件，或另存为 CSV 后导入"
	// msgXLSXTooManyRows: a row number beyond the worksheet's last; %d is
	// the number of rows a worksheet has.
	msgXLSXTooManyRows = "行号超过工作表 %d 行的上限，已停止读取"
	// msgXLSXTooManyCells: a cell beyond the worksheet's last column; its
	// reference (or msgXLSXColumn) and the number of columns.
	msgXLSXTooManyCells = "单元格“%s”超过工作表 %d 列的上限"
	// msgXLSXColumn: a cell without a reference, by its column number.
	msgXLSXColumn = "第%d列"
	// msgXLSXBadCell: a cell reference that names no cell; %s is the
	// reference.
	msgXLSXBadCell = "无法识别的单元格位置“%s”"
	// msgXLSXBadRow: a row number that is not one; %s is the value.
	msgXLSXBadRow = "无法识别的行号“%s”"
	// msgXLSXBadSharedString: a cell refers to a shared string that does
	// not exist; %s is the reference.
	msgXLSXBadSharedString = "单元格引用了不存在的共享字符串 %s"
	// msgXLSXNoWorkbook: the archive has no workbook part.
	msgXLSXNoWorkbook = "缺少工作簿内容（xl/workbook.xml）"
	// msgXLSXNoSheetPart: the first worksheet's part is missing.
	msgXLSXNoSheetPart = "工作表内容缺失"
)
