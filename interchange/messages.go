package interchange

// The Chinese texts of the interchange codecs (codec.go, jsonstream.go,
// jsonl.go, national.go, sheet.go, csv.go, xlsx.go, xlsx_write.go): what a
// user reads about a file. Each constant carries an English gloss; format
// verbs are those of package fmt. The words that are data in the files
// themselves (是/否 in a cell, the national platform's values) are in
// values.go.

// Reading files.
const (
	// "cannot read file %s: %v"
	msgFileUnreadable = "无法读取文件 %s：%v"
	// "the file does not exist"
	msgNoSuchFile = "文件不存在"
	// "no permission to read it"
	msgPermission = "没有读取权限"
	// "it is a directory"
	msgIsDirectory = "这是一个目录"
	// "unknown file type %q: use .jsonl, .json, .csv or .xlsx"
	msgUnknownExtension = "无法识别的文件类型“%s”：应为 .jsonl、.json、.csv 或 .xlsx"
	// "unknown dialect %q: leave it empty or use national"
	msgUnknownDialect = "无法识别的格式方言“%s”：应为空或 national"
	// "the national platform dialect is JSON only (.jsonl or .json), not %s"
	msgNationalNotJSON = "国家平台格式只支持 .jsonl 或 .json 文件，不支持 %s"
	// "reading stopped: %v" (an I/O error in the middle of a file)
	msgReadFailed = "读取中断：%v"
	// "unknown export format %q: use jsonl, csv or xlsx"
	msgUnknownFormat = "无法识别的导出格式“%s”：应为 jsonl、csv 或 xlsx"
)

// Lines and records.
const (
	// "the line has %d bytes, over the limit of %d bytes for one record; skipped"
	msgLineTooLong = "该行有 %d 字节，超过单条记录 %d 字节的上限，已跳过"
	// "not valid UTF-8 (at character %d); save the file as UTF-8"
	msgInvalidUTF8 = "不是有效的 UTF-8 编码（第%d个字符处），请将文件保存为 UTF-8 编码"
	// "JSON syntax error at character %d, near “%s”"
	msgJSONSyntax = "JSON 格式错误：第%d个字符处，附近为“%s”"
	// "JSON incomplete: the record ends after character %d"
	msgJSONTruncated = "JSON 不完整：记录在第%d个字符后意外结束"
	// "each record must be a JSON object, found %s"
	msgNotObject = "每条记录应为一个 JSON 对象，实际为%s"
	// "the file has more than %d bytes, the limit for a JSON array file; use JSON Lines"
	msgArrayTooLarge = "文件超过 %d 字节，这是 JSON 数组文件的上限；更大的文件请用 JSON Lines（每行一条记录）"
	// "JSON array: stopped reading here, the rest of the file cannot be read"
	msgArrayAbandoned = "（JSON 数组格式错误后无法继续读取文件的其余部分）"
	// "text after the end of the JSON array"
	msgArrayTrailing = "JSON 数组结束后还有多余内容"
	// "unknown record kind %q: use region, department, entry, bundle or item"
	msgUnknownKind = "未知的记录类型“%s”：应为 region、department、entry、bundle 或 item"
	// "unknown field %q; records must use the field names of the interchange format"
	msgUnknownField = "未知字段“%s”，请使用交换格式规定的字段名"
	// "the field appears more than once; it may appear only once"
	msgDuplicateField = "字段重复出现，只能出现一次"
	// " — did you mean %q (%s)?"
	msgDidYouMean = "；是否应为“%s”（%s）？"
)

// Value types, as named in type errors.
const (
	// "must be text, found %s"
	msgWantText = "应为文本，实际为%s"
	// "must be an integer, found %s"
	msgWantInt = "应为整数，实际为%s"
	// "must be true or false, found %s"
	msgWantBool = "应为 true 或 false，实际为%s"
	// "must be a list (JSON array), found %s"
	msgWantList = "应为列表（JSON 数组），实际为%s"
	// "must be an object, found %s"
	msgWantObject = "应为对象，实际为%s"
	// "must be text or a list of text, found %s"
	msgWantTextOrList = "应为文本或文本列表，实际为%s"

	jsonTypeText   = "文本 %s"   // "text %s"
	jsonTypeNumber = "数字 %s"   // "number %s"
	jsonTypeBool   = "布尔值 %s"  // "boolean %s"
	jsonTypeNull   = "空值 null" // "null"
	jsonTypeList   = "列表"      // "a list"
	jsonTypeObject = "对象"      // "an object"

	ellipsis = "…" // marks a value cut short in a message
)

// National platform dialect.
const (
	// "%s: %s" — names the source field of the national platform, then the message
	msgNationalField = "源字段 %s：%s"
	// "unrecognised time limit %q: expected e.g. 30(工作日), 15(自然日) or 无"
	msgNationalDays = "无法识别的时限“%s”：应为如 30(工作日)、15(自然日) 或 无"
	// "unrecognised number of visits %q: expected an integer"
	msgNationalVisits = "无法识别的到现场次数“%s”：应为整数"
	// "unrecognised courier service %q: expected 是, 否 or 不支持"
	msgNationalExpress = "无法识别的物流快递取值“%s”：应为 是、否 或 不支持"
	// "unrecognised service object %q: expected 自然人 or a kind of 法人, 企业, 组织 or 机关"
	msgNationalAudience = "无法识别的服务对象“%s”：应为 自然人，或含 法人、企业、组织、机关 的对象"
)

// Spreadsheets (CSV and XLSX).
const (
	// "the file is empty: the first row must be the header row"
	msgNoHeader = "文件为空：第一行应为表头（各列的中文名称）"
	// "unknown columns: %s"
	msgUnknownColumns = "未知的列：%s"
	// "missing required columns: %s"
	msgMissingColumns = "缺少必需的列：%s"
	// "column %q appears more than once"
	msgDuplicateColumn = "列“%s”重复出现"
	// "the row has %d fields but the header has %d"
	msgFieldCount = "该行有 %d 列，而表头有 %d 列"
	// "column %d has a value but no header"
	msgNoHeaderForValue = "第%d列有内容但没有表头"
	// "CSV syntax error at column %d: %s"
	msgCSVSyntax = "CSV 格式错误（第%d列）：%s"
	// "a quote appears inside an unquoted field"
	msgCSVBareQuote = "未加引号的单元格中出现了引号"
	// "a quoted field is not closed, or text follows its closing quote"
	msgCSVQuote = "带引号的单元格没有正确结束，或结束引号后还有文字"
	// "must be 是 or 否, found %q"
	msgCellBool = "应为“是”或“否”，实际为“%s”"
	// "must be an integer, found %q"
	msgCellInt = "应为整数，实际为“%s”"
	// "line %d of the cell has %d parts separated by |, at most %d are allowed (%s)"
	msgCellParts = "单元格第%d行有 %d 个用 | 分隔的部分，最多 %d 个（%s）"
	// "column %q: %s" — a problem of a cell of the 情形 or 一件事 sheet
	msgInColumn = "列“%s”：%s"
	// "differs from row %d: the cells of one question (one bundle) are given on its first row; leave them empty on the others or repeat them exactly"
	msgGroupDiffers = "与第%d行不一致：同一问题（同一件事）的这一列只需填在第一行，其他行留空或填写完全相同的内容"
	// "empty: every row names its item (bundle) by its code"
	msgSheetNoCode = "不能为空：每一行都应填写所属事项（一件事）的编码"
	// "the item sheet of %s has no item of this code"
	msgSituationNoItem = "%s 的事项表中没有该实施编码的事项"
	// "the item's situations are given both in its %s column and on this sheet"
	msgSituationsTwice = "该事项的情形已在事项表的“%s”列中填写，不能在本表重复填写"
	// "%s sheet %q" — the file of a record or problem of a sheet other than the item sheet
	sheetFile = "%s 工作表“%s”"
	// "收费项目 is filled in, so 是否收费 must be 是 or 否"
	msgFeeChargedMissing = "填写了收费项目时，“是否收费”应填“是”或“否”"
	// "the file is not an XLSX workbook (an XLSX file is a zip archive): %v"
	msgNotXLSX = "不是有效的 XLSX 工作簿（XLSX 文件是 zip 压缩包），请在 Excel 或 WPS 中另存为 .xlsx：%v"
	// "this is an old Excel 97–2003 (.xls) or encrypted file; save it as .xlsx without a password"
	msgOldXLS = "这是旧版 Excel 97-2003（.xls）文件或加密文件，请另存为不加密的 .xlsx"
	// "the file has more than %d bytes, the limit for an XLSX file"
	msgXLSXTooLarge = "文件超过 %d 字节，这是 XLSX 文件的上限"
	// "the workbook has no worksheet"
	msgNoSheet = "工作簿中没有工作表"
	// "cannot read worksheet %q: %v"
	msgSheetUnreadable = "无法读取工作表“%s”：%v"
	// "item %s: %s has %d characters, more than the %d a spreadsheet cell can hold" (%s first: subjectItem or subjectBundle)
	msgCellTooLong = "%s：%s 有 %d 个字符，超过电子表格单元格 %d 个字符的上限"
	// "item %s: %s contains a control character that XLSX cannot store"
	msgCellControl = "%s：%s 含有 XLSX 无法保存的控制字符"
	// "item %s", "bundle %s": what a cell belongs to
	subjectItem   = "事项 %s"
	subjectBundle = "一件事 %s"
	// "more than %d items: a worksheet holds at most %d rows"
	msgTooManyRows = "事项超过 %d 个：一个工作表最多 %d 行"
	// "sheet %q: more than %d rows, the most a worksheet holds"
	msgSheetTooManyRows = "工作表“%s”超过 %d 行的上限"
	// "the record of kind %q is empty"
	msgEncodeEmptyRecord = "类型为“%s”的记录没有内容"
	// "the encoder is closed"
	msgEncoderClosed = "导出已结束，不能再写入"
	// "、" — the enumeration comma that joins names in a message
	listSep = "、"
	// "；" — the semicolon that joins sentences in a message
	sentenceSep = "；"
	// "“%s”" — a name in Chinese quotation marks
	quotedName = "“%s”"
	// "%s (%s)" — a Chinese label with its interchange field name
	labelAndField = "%s（%s）"
)

// Reading XLSX workbooks (xlsx.go).

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
