package interchange

// The words that are data in the interchange files, not messages: the
// values of the national platform's fields and of spreadsheet cells. A
// decoder matches them; an encoder writes them.

// National platform vocabulary.
const (
	nationalNone          = "无"       // "none": the platform's placeholder for an absent value
	nationalNoWindow      = "无线下办理窗口" // "no offline window": no location
	nationalLocationLabel = "办理地点"    // "place of handling", a prefix before a colon
	nationalWorkdays      = "工作日"     // "working days"
	nationalNaturalDays   = "自然日"     // "calendar days"
	nationalYes           = "是"       // "yes"
	nationalNo            = "否"       // "no"
	nationalNotSupported  = "不支持"     // "not supported"
	nationalSupported     = "支持"      // "supported"
	nationalPerson        = "自然人"     // natural person
	nationalOrganisation  = "法人"      // legal person (the zhinan audience value)
	nationalMaterialReq   = "必要"      // material required
	nationalMaterialForm  = "原件"      // original document
	nationalMaterialSrc   = "申请人自备"   // provided by the applicant
	nationalOnline        = "是"       // ONLINECHECK "yes"
	nationalColonFull     = "："       // full-width colon
	nationalParenOpenFull = "（"       // full-width opening parenthesis
	nationalParenEndFull  = "）"       // full-width closing parenthesis
)

// nationalLegalPersonMarks are the words that make a service object a legal
// person (法人, 企业 enterprise, 组织 organisation, 机关 government body).
var nationalLegalPersonMarks = []string{"法人", "企业", "组织", "机关"}

// Cell vocabulary of CSV and XLSX.
const (
	cellYes   = "是"  // yes
	cellNo    = "否"  // no
	sheetName = "事项" // name of the exported worksheet ("items")
)

// cellBoolWords are the accepted spellings of yes and no in a cell, besides
// cellYes and cellNo; the comparison ignores ASCII case.
var cellBoolWords = map[string]bool{"true": true, "false": false, "1": true, "0": false, "y": true, "n": false, "yes": true, "no": false}

// Sheets of an XLSX workbook besides the item sheet, and the headers of
// their columns and of the item table's 情形引导 column (the headers the
// guide fields share with the item sheet are catalog.Label's).
const (
	sheetSituations = "情形"  // situations (情形引导), one row per option
	sheetBundles    = "一件事" // bundles (一件事一次办), one row per step

	headerSituations = "情形引导" // the item table's column of situations (CSV), as JSON

	headerCode       = "实施编码"  // the item's code
	headerQuestionID = "问题编号"  // a question's id
	headerQuestion   = "问题"    // a question
	headerMultiple   = "多选"    // whether several options may be chosen
	headerOptionID   = "选项编号"  // an option's id
	headerLabel      = "选项"    // an option's label
	headerAdd        = "增加材料"  // materials the option adds
	headerRemove     = "减少材料"  // materials the option removes
	headerNote       = "提示"    // the note told to who chooses the option
	headerExtraSteps = "增加环节"  // steps the option adds
	headerBundleCode = "一件事编码" // a bundle's code

	headerBundleName        = "一件事名称"    // a bundle's name
	headerBundleDescription = "一件事说明"    // its description
	headerBundleForm        = "一表申请"     // the merged application form
	headerBundleLinks       = "同一材料"     // material links: 名称 | 其他名称 | …
	headerStage             = "阶段"       // a step's stage
	headerOr                = "可替代的基本编码" // alternative entries of a step
	headerStepName          = "环节名称"     // a step's label
)
