package interchange

import (
	"fmt"
	"strconv"
	"strings"

	"zhinan/catalog"
)

// The spreadsheet model of an item, shared by CSV (csv.go) and XLSX
// (xlsx.go, xlsx_write.go): its columns and how each cell is written and
// read.
//
// Spreadsheet cells (CSV and XLSX).
//
// A spreadsheet has one row per item; its first row is the header, naming
// each column by the Chinese label of its field (catalog.FieldLabels; the
// interchange field name, e.g. "legal_days", is accepted too). On export the
// columns are every item field in docs/contract.md#guide-fields order, fee and result split into
// their parts:
//
//	实施编码 基本编码 事项名称 事项类型 行使层级 行政区划代码 实施主体 服务对象 主题分类
//	设定依据 受理条件 申请材料 办理流程 法定办结时限 承诺办结时限 办件类型 到办事现场次数
//	必须现场办理原因 网办深度 网上办理地址 是否进驻政务大厅 可在镇村便民服务中心办理 支持物流快递
//	支持预约办理 支持网上支付 跨省通办 告知承诺制 通办范围 是否收费 收费项目 办理结果名称
//	办理结果类型 办理结果样本 办理地点 办理时间 咨询电话 监督投诉电话 常见问题 常见问法
//	情形引导
//
// 情形引导 (situations), the JSON list of the item's situations, is a
// column of CSV only: XLSX writes situations on the sheet 情形
// (situation_sheet.go), and reads the column too when a workbook has it.
//
// On import the columns may come in any order and only 实施编码, 基本编码,
// 事项名称, 事项类型, 行政区划代码 and 实施主体 are required; an unknown or
// repeated header is a problem of row 1 and the file yields no records.
//
// Cell values (an empty cell is always an absent value):
//
//   - text: as is, line breaks included;
//   - numbers (法定办结时限, 承诺办结时限, 到办事现场次数, 网办深度): digits; on
//     import also the national platform's "30(工作日)" / "15(自然日)" (the
//     number is kept) and "无" (absent), and for 网办深度 its label (全程网办 …);
//   - booleans: 是 or 否 (on import also true/false, yes/no, y/n, 1/0);
//   - 是否收费 (是/否) and 收费项目 make up fee: both empty means no fee
//     information; 收费项目 needs 是否收费. 办理结果名称/类型/样本 make up
//     result: all three empty means no result;
//   - lists: one element per line inside the cell. 服务对象, 主题分类 and
//     常见问法 hold one value per line. The structured lists hold one element
//     per line with its sub-fields separated by " | ", in this fixed order
//     (trailing empty sub-fields may be left out):
//     设定依据 basis: 依据名称 | 条款号 | 条款内容 (title | clause | text);
//     申请材料 materials: 名称 | 是否必要 | 材料形式 | 份数 | 来源渠道 | 填报说明
//     (name | required | form | copies | source | notes);
//     办理流程 steps: 名称 | 环节说明 | 环节时限（工作日） (name | description | days);
//     收费项目 fee items: 名称 | 收费标准 | 收费依据 (name | standard | basis);
//     常见问题 faq: 问题 | 解答 (q | a).
//     Within an element a backslash is written "\\", a line break "\n", a
//     carriage return "\r" and a vertical bar "\|"; any other backslash is
//     kept as it is. One space on each side of a separating "|" belongs to
//     the separator. Empty lines are ignored.
//
// In a CSV file (UTF-8, comma-separated, written with a byte order mark so
// that Excel reads it as UTF-8) the row number of a problem counts records,
// the header being row 1, as a spreadsheet numbers its rows. A carriage
// return before a line break inside a text cell is dropped on import.

// itemColumn is one spreadsheet column of an item.
type itemColumn struct {
	field string // interchange field path, a key of catalog.FieldLabels
	// header is the column's Chinese header when it is not the label of
	// field (catalog.Label).
	header string
	num    bool // an integer (XLSX writes it as a number)
	long   bool // long text or a list (XLSX wraps it and widens the column)
	// csvOnly: XLSX export writes the field on a sheet of its own (情形)
	// instead of this column; XLSX import still reads the column.
	csvOnly bool
	get     func(*catalog.Item) string
	set     func(it *catalog.Item, cell string, d *cellDecoder) // called for a non-empty cell
}

// label returns the column's header.
func (c itemColumn) label() string {
	if c.header != "" {
		return c.header
	}
	return catalog.Label(c.field)
}

// cellDecoder collects the problems of one row.
type cellDecoder struct {
	problems []catalog.Problem
}

func (d *cellDecoder) fail(field, msg string) {
	d.problems = append(d.problems, catalog.Problem{Field: field, Message: msg})
}

// requiredColumns are the columns a spreadsheet must have.
var requiredColumns = []string{"code", "base_code", "name", "type", "region", "department"}

// Sub-field orders of the structured lists in a cell (names as in the JSON
// form).
var (
	basisParts    = []string{"title", "clause", "text"}
	materialParts = []string{"name", "required", "form", "copies", "source", "notes"}
	stepParts     = []string{"name", "description", "days"}
	feeItemParts  = []string{"name", "standard", "basis"}
	faqParts      = []string{"q", "a"}
)

func textColumn(field string, long bool, p func(*catalog.Item) *string) itemColumn {
	return itemColumn{field: field, long: long,
		get: func(it *catalog.Item) string { return *p(it) },
		set: func(it *catalog.Item, s string, _ *cellDecoder) { *p(it) = s },
	}
}

func intColumn(field string, p func(*catalog.Item) **int) itemColumn {
	return itemColumn{field: field, num: true,
		get: func(it *catalog.Item) string { return formatInt(*p(it)) },
		set: func(it *catalog.Item, s string, d *cellDecoder) {
			if n, ok := d.int(field, s); ok {
				*p(it) = n
			}
		},
	}
}

func boolColumn(field string, p func(*catalog.Item) **bool) itemColumn {
	return itemColumn{field: field,
		get: func(it *catalog.Item) string { return formatBool(*p(it)) },
		set: func(it *catalog.Item, s string, d *cellDecoder) {
			if b, ok := parseCellBool(s); ok {
				*p(it) = &b
			} else {
				d.fail(field, fmt.Sprintf(msgCellBool, s))
			}
		},
	}
}

func valuesColumn(field string, p func(*catalog.Item) *[]string) itemColumn {
	return itemColumn{field: field, long: true,
		get: func(it *catalog.Item) string { return formatValuesCell(*p(it)) },
		set: func(it *catalog.Item, s string, _ *cellDecoder) { *p(it) = parseValuesCell(s) },
	}
}

// structColumn is a column of a structured list: encode gives each
// element's sub-fields in the order of parts; decode builds the list from
// each line's sub-fields (as many as parts at most), reporting under path
// field[i].sub.
func structColumn(field string, parts []string, encode func(*catalog.Item) [][]string,
	decode func(it *catalog.Item, elems [][]string, d *cellDecoder, field string)) itemColumn {
	return itemColumn{field: field, long: true,
		get: func(it *catalog.Item) string { return formatStructCell(encode(it)) },
		set: func(it *catalog.Item, s string, d *cellDecoder) {
			elems, msg := splitStructCell(s, parts)
			if msg != "" {
				d.fail(field, msg)
				return
			}
			decode(it, elems, d, field)
		},
	}
}

// splitStructCell splits a structured list cell into its elements, each
// with exactly len(parts) sub-fields; msg says why it cannot (a line with
// too many).
func splitStructCell(s string, parts []string) (elems [][]string, msg string) {
	for i, line := range cellLines(s) {
		subs := splitCellLine(line)
		if len(subs) > len(parts) {
			names := make([]string, len(parts))
			for j, p := range parts {
				names[j] = catalog.SubLabel(p)
			}
			return nil, fmt.Sprintf(msgCellParts, i+1, len(subs), len(parts), strings.Join(names, " | "))
		}
		for len(subs) < len(parts) {
			subs = append(subs, "")
		}
		elems = append(elems, subs)
	}
	return elems, ""
}

// formatValuesCell writes a list one value per line, each escaped.
func formatValuesCell(list []string) string {
	lines := make([]string, len(list))
	for i, v := range list {
		lines[i] = escapeCell(v)
	}
	return strings.Join(lines, "\n")
}

// parseValuesCell reads a list cell written by formatValuesCell (nil for
// no value).
func parseValuesCell(s string) []string {
	var out []string
	for _, line := range cellLines(s) {
		out = append(out, unescapeCell(line))
	}
	return out
}

// itemColumns are the spreadsheet columns in export order.
var itemColumns = []itemColumn{
	textColumn("code", false, func(it *catalog.Item) *string { return &it.Code }),
	textColumn("base_code", false, func(it *catalog.Item) *string { return &it.BaseCode }),
	textColumn("name", false, func(it *catalog.Item) *string { return &it.Name }),
	textColumn("type", false, func(it *catalog.Item) *string { return &it.Type }),
	textColumn("level", false, func(it *catalog.Item) *string { return &it.Level }),
	textColumn("region", false, func(it *catalog.Item) *string { return &it.Region }),
	textColumn("department", false, func(it *catalog.Item) *string { return &it.Department }),
	valuesColumn("audience", func(it *catalog.Item) *[]string { return &it.Audience }),
	valuesColumn("themes", func(it *catalog.Item) *[]string { return &it.Themes }),
	structColumn("basis", basisParts,
		func(it *catalog.Item) [][]string {
			out := make([][]string, len(it.Basis))
			for i, b := range it.Basis {
				out[i] = []string{b.Title, b.Clause, b.Text}
			}
			return out
		},
		func(it *catalog.Item, elems [][]string, _ *cellDecoder, _ string) {
			for _, e := range elems {
				it.Basis = append(it.Basis, catalog.Basis{Title: e[0], Clause: e[1], Text: e[2]})
			}
		}),
	textColumn("conditions", true, func(it *catalog.Item) *string { return &it.Conditions }),
	structColumn("materials", materialParts,
		func(it *catalog.Item) [][]string {
			out := make([][]string, len(it.Materials))
			for i, m := range it.Materials {
				out[i] = []string{m.Name, m.Required, m.Form, formatInt(m.Copies), m.Source, m.Notes}
			}
			return out
		},
		func(it *catalog.Item, elems [][]string, d *cellDecoder, field string) {
			for i, e := range elems {
				m := catalog.Material{Name: e[0], Required: e[1], Form: e[2], Source: e[4], Notes: e[5]}
				if e[3] != "" {
					m.Copies, _ = d.int(fmt.Sprintf("%s[%d].copies", field, i), e[3])
				}
				it.Materials = append(it.Materials, m)
			}
		}),
	structColumn("steps", stepParts,
		func(it *catalog.Item) [][]string {
			out := make([][]string, len(it.Steps))
			for i, s := range it.Steps {
				out[i] = []string{s.Name, s.Description, formatInt(s.Days)}
			}
			return out
		},
		func(it *catalog.Item, elems [][]string, d *cellDecoder, field string) {
			for i, e := range elems {
				s := catalog.Step{Name: e[0], Description: e[1]}
				if e[2] != "" {
					s.Days, _ = d.int(fmt.Sprintf("%s[%d].days", field, i), e[2])
				}
				it.Steps = append(it.Steps, s)
			}
		}),
	intColumn("legal_days", func(it *catalog.Item) **int { return &it.LegalDays }),
	intColumn("promised_days", func(it *catalog.Item) **int { return &it.PromisedDays }),
	textColumn("handling", false, func(it *catalog.Item) *string { return &it.Handling }),
	intColumn("visits", func(it *catalog.Item) **int { return &it.Visits }),
	textColumn("visit_reason", true, func(it *catalog.Item) *string { return &it.VisitReason }),
	intColumn("online_depth", func(it *catalog.Item) **int { return &it.OnlineDepth }),
	textColumn("online_url", false, func(it *catalog.Item) *string { return &it.OnlineURL }),
	boolColumn("in_hall", func(it *catalog.Item) **bool { return &it.InHall }),
	boolColumn("nearby", func(it *catalog.Item) **bool { return &it.Nearby }),
	boolColumn("express", func(it *catalog.Item) **bool { return &it.Express }),
	boolColumn("appointment", func(it *catalog.Item) **bool { return &it.Appointment }),
	boolColumn("online_payment", func(it *catalog.Item) **bool { return &it.OnlinePayment }),
	boolColumn("cross_province", func(it *catalog.Item) **bool { return &it.CrossProvince }),
	boolColumn("commitment", func(it *catalog.Item) **bool { return &it.Commitment }),
	textColumn("scope", false, func(it *catalog.Item) *string { return &it.Scope }),
	{field: "fee.charged",
		get: func(it *catalog.Item) string {
			if it.Fee == nil {
				return ""
			}
			return formatBool(&it.Fee.Charged)
		},
		set: func(it *catalog.Item, s string, d *cellDecoder) {
			if b, ok := parseCellBool(s); ok {
				feeOf(it).Charged = b
			} else {
				d.fail("fee.charged", fmt.Sprintf(msgCellBool, s))
			}
		}},
	structColumn("fee.items", feeItemParts,
		func(it *catalog.Item) [][]string {
			if it.Fee == nil {
				return nil
			}
			out := make([][]string, len(it.Fee.Items))
			for i, f := range it.Fee.Items {
				out[i] = []string{f.Name, f.Standard, f.Basis}
			}
			return out
		},
		func(it *catalog.Item, elems [][]string, _ *cellDecoder, _ string) {
			if len(elems) == 0 {
				return
			}
			fee := feeOf(it)
			for _, e := range elems {
				fee.Items = append(fee.Items, catalog.FeeItem{Name: e[0], Standard: e[1], Basis: e[2]})
			}
		}),
	resultColumn("result.name", func(r *catalog.Result) *string { return &r.Name }),
	resultColumn("result.type", func(r *catalog.Result) *string { return &r.Type }),
	resultColumn("result.sample", func(r *catalog.Result) *string { return &r.Sample }),
	textColumn("location", true, func(it *catalog.Item) *string { return &it.Location }),
	textColumn("hours", true, func(it *catalog.Item) *string { return &it.Hours }),
	textColumn("consult_phone", false, func(it *catalog.Item) *string { return &it.ConsultPhone }),
	textColumn("complaint_phone", false, func(it *catalog.Item) *string { return &it.ComplaintPhone }),
	structColumn("faq", faqParts,
		func(it *catalog.Item) [][]string {
			out := make([][]string, len(it.FAQ))
			for i, f := range it.FAQ {
				out[i] = []string{f.Q, f.A}
			}
			return out
		},
		func(it *catalog.Item, elems [][]string, _ *cellDecoder, _ string) {
			for _, e := range elems {
				it.FAQ = append(it.FAQ, catalog.FAQ{Q: e[0], A: e[1]})
			}
		}),
	valuesColumn("ask_phrases", func(it *catalog.Item) *[]string { return &it.AskPhrases }),
	situationsColumn,
}

func feeOf(it *catalog.Item) *catalog.Fee {
	if it.Fee == nil {
		it.Fee = new(catalog.Fee)
	}
	return it.Fee
}

func resultColumn(field string, p func(*catalog.Result) *string) itemColumn {
	return itemColumn{field: field,
		get: func(it *catalog.Item) string {
			if it.Result == nil {
				return ""
			}
			return *p(it.Result)
		},
		set: func(it *catalog.Item, s string, _ *cellDecoder) {
			if it.Result == nil {
				it.Result = new(catalog.Result)
			}
			*p(it.Result) = s
		},
	}
}

// itemCells returns the cells of it in the order of itemColumns.
func itemCells(it *catalog.Item) []string {
	row := make([]string, len(itemColumns))
	for i, c := range itemColumns {
		row[i] = c.get(it)
	}
	return row
}

// itemHeader returns the header row of CSV: the Chinese label of every
// column.
func itemHeader() []string {
	h := make([]string, len(itemColumns))
	for i, c := range itemColumns {
		h[i] = c.label()
	}
	return h
}

// xlsxItemColumns are the indices in itemColumns of the columns of the
// XLSX item sheet: all but those written on sheets of their own.
var xlsxItemColumns = func() []int {
	var out []int
	for i, c := range itemColumns {
		if !c.csvOnly {
			out = append(out, i)
		}
	}
	return out
}()

func formatInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func formatBool(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return cellYes
	}
	return cellNo
}

func parseCellBool(s string) (bool, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case cellYes:
		return true, true
	case cellNo:
		return false, true
	}
	b, ok := cellBoolWords[strings.ToLower(s)]
	return b, ok
}

// int reads an integer cell: digits (with an optional sign), the national
// platform's "30(工作日)" form, "无" (absent), or for online_depth one of
// catalog.OnlineDepthLabels. ok is false when there is a problem (reported).
func (d *cellDecoder) int(field, s string) (*int, bool) {
	n, ok := parseCellInt(s, field == "online_depth")
	if !ok {
		d.fail(field, fmt.Sprintf(msgCellInt, strings.TrimSpace(s)))
	}
	return n, ok
}

// parseCellInt reads an integer cell as cellDecoder.int does; depth
// accepts the labels of the online depth too. ok is false when s is no
// integer.
func parseCellInt(s string, depth bool) (*int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == nationalNone {
		return nil, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return &n, true
	}
	if n, ok := parseDays(s); ok {
		return &n, true
	}
	if depth {
		for i, l := range catalog.OnlineDepthLabels {
			if s == l {
				return catalog.Int(i), true
			}
		}
	}
	return nil, false
}

// escapeCell escapes one list element or sub-field for a cell line.
func escapeCell(s string) string {
	if !strings.ContainsAny(s, "\\\n\r|") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ { // byte-wise: every escaped character is ASCII
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '|':
			b.WriteString(`\|`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeCell undoes escapeCell; an unknown escape is kept as written.
func unescapeCell(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '|':
			b.WriteByte('|')
		default:
			b.WriteByte('\\')
			continue
		}
		i++
	}
	return b.String()
}

// formatStructCell writes structured list elements one per line, their
// sub-fields escaped and separated by " | ", trailing empty ones left out.
func formatStructCell(elems [][]string) string {
	lines := make([]string, len(elems))
	for i, parts := range elems {
		n := len(parts)
		for n > 1 && parts[n-1] == "" {
			n--
		}
		esc := make([]string, n)
		for j := range n {
			esc[j] = escapeCell(parts[j])
		}
		lines[i] = strings.Join(esc, " | ")
	}
	return strings.Join(lines, "\n")
}

// cellLines splits a list cell into its non-empty lines, accepting "\r\n".
func cellLines(s string) []string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return out
}

// splitCellLine splits one line of a structured list cell at each unescaped
// "|", drops one space on either side of each separator, and unescapes the
// sub-fields.
func splitCellLine(line string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			parts = append(parts, line[start:i])
			start = i + 1
		}
	}
	parts = append(parts, line[start:])
	for i := range parts {
		if i > 0 {
			parts[i] = strings.TrimPrefix(parts[i], " ")
		}
		if i < len(parts)-1 {
			parts[i] = strings.TrimSuffix(parts[i], " ")
		}
		parts[i] = unescapeCell(parts[i])
	}
	return parts
}

// tableReader turns spreadsheet rows into items, given the header row.
type tableReader struct {
	file   string
	cols   []int // for each position of the header: index in itemColumns, or -1 for a blank header
	byName map[string]int
}

// columnIndex maps header names (Chinese labels and field names) to
// indices in itemColumns.
var columnIndex = func() map[string]int {
	m := make(map[string]int, 2*len(itemColumns))
	for i, c := range itemColumns {
		m[c.label()] = i
		m[c.field] = i
	}
	return m
}()

// newTableReader reads the header row. A problem means the file yields no
// records: unknown or repeated headers, or missing required columns.
func newTableReader(file string, header []string) (*tableReader, *catalog.Problem) {
	cols, byName, msg := layoutHeader(header, columnIndex, requiredColumns,
		func(c int) string { return itemColumns[c].field },
		func(f string) string { return itemColumns[columnIndex[f]].label() })
	if msg != "" {
		return nil, &catalog.Problem{File: file, Line: 1, Message: msg}
	}
	return &tableReader{file: file, cols: cols, byName: byName}, nil
}

// layoutHeader reads the header row of a sheet whose columns index maps
// by header (Chinese label or field name): cols gives for each position
// the column's index, -1 under a blank header; byName the position of
// each column by its field (key). msg, when not empty, says what is wrong:
// unknown or repeated headers, missing required columns.
func layoutHeader(header []string, index map[string]int, required []string,
	key func(c int) string, label func(key string) string) (cols []int, byName map[string]int, msg string) {
	cols, byName = make([]int, len(header)), map[string]int{}
	var unknown, repeated []string
	seen := map[int]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			cols[i] = -1
			continue
		}
		c, ok := index[h]
		switch {
		case !ok:
			unknown = append(unknown, fmt.Sprintf(quotedName, h))
		case seen[c]:
			repeated = append(repeated, h)
		}
		seen[c] = true
		cols[i] = c
		if ok {
			byName[key(c)] = i
		}
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf(msgUnknownColumns, strings.Join(unknown, listSep)))
	}
	for _, h := range repeated {
		msgs = append(msgs, fmt.Sprintf(msgDuplicateColumn, h))
	}
	var missing []string
	for _, f := range required {
		if _, ok := byName[f]; !ok {
			missing = append(missing, fmt.Sprintf(labelAndField, label(f), f))
		}
	}
	if len(missing) > 0 {
		msgs = append(msgs, fmt.Sprintf(msgMissingColumns, strings.Join(missing, listSep)))
	}
	return cols, byName, strings.Join(msgs, sentenceSep)
}

// row decodes one data row. Cells beyond the header must be empty; rows
// with every cell empty are skipped (ok false, no problems).
func (t *tableReader) row(line int, cells []string) (rec catalog.Record, problems []catalog.Problem, ok bool) {
	if blankRow(cells) {
		return catalog.Record{}, nil, false
	}
	d := &cellDecoder{}
	it := &catalog.Item{}
	for i, cell := range cells {
		if cell == "" {
			continue
		}
		if i >= len(t.cols) || t.cols[i] < 0 {
			if strings.TrimSpace(cell) != "" {
				d.fail("", fmt.Sprintf(msgNoHeaderForValue, i+1))
			}
			continue
		}
		itemColumns[t.cols[i]].set(it, cell, d)
	}
	if it.Fee != nil && len(it.Fee.Items) > 0 && t.cell(cells, "fee.charged") == "" {
		d.fail("fee.charged", msgFeeChargedMissing)
	}
	if len(d.problems) > 0 {
		for i := range d.problems {
			d.problems[i].File, d.problems[i].Line, d.problems[i].Code = t.file, line, it.Code
		}
		return catalog.Record{}, d.problems, true
	}
	return catalog.Record{File: t.file, Line: line, Kind: catalog.KindItem, Item: it}, nil, true
}

// blankRow reports whether every cell is empty or white space.
func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cell returns the row's cell of the given field, or "" when there is none.
func (t *tableReader) cell(cells []string, field string) string {
	if i, ok := t.byName[field]; ok && i < len(cells) {
		return cells[i]
	}
	return ""
}
