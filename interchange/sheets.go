package interchange

import (
	"fmt"
	"strings"

	"zhinan/catalog"
)

// The sheets of a workbook besides the item sheet: 情形 (situations, one row
// per option of a question, situation_sheet.go) and 一件事 (bundles, one row
// per step, bundle_sheet.go). Both are tables of groups: a row belongs to a
// group by its key columns (an item's code and a question's id; a bundle's
// code), the group's own columns (the question and 多选; a bundle's name,
// description …) are written on its first row, and every other row of the
// group leaves them empty or repeats them exactly. The other columns are
// the row's own (an option; a step). Rows of a group need not be
// adjacent; groups come in the order of their first rows.

// cellKind is how a cell of a group sheet is written and read.
type cellKind int

const (
	cellText   cellKind = iota // as typed
	cellInt                    // an integer, as the item sheet's
	cellBool                   // 是 or 否, as the item sheet's
	cellList                   // one value per line, escaped as the item sheet's lists
	cellStruct                 // structured list: elements per line, sub-fields " | "
)

// sheetColumn is one column of a group sheet.
type sheetColumn struct {
	key    string   // the field it holds; accepted as a header too
	header string   // its Chinese header
	kind   cellKind //
	parts  []string // sub-fields of a structured list (nil: any number, at least one)
	limit  int      // most elements of a list cell (0: not a list)
	group  bool     // a column of the group, on its first row
	long   bool     // long text or a list (XLSX wraps it and widens the column)
}

// groupSheet is the layout of one group sheet.
type groupSheet struct {
	name     string // the worksheet's name
	columns  []sheetColumn
	required []string // keys of the columns it must have
	index    map[string]int
}

func newGroupSheet(name string, columns []sheetColumn, required ...string) *groupSheet {
	g := &groupSheet{name: name, columns: columns, required: required, index: map[string]int{}}
	for i, c := range columns {
		g.index[c.header] = i
		g.index[c.key] = i
	}
	return g
}

// header returns the header row: the Chinese header of every column.
func (g *groupSheet) header() []string {
	h := make([]string, len(g.columns))
	for i, c := range g.columns {
		h[i] = c.header
	}
	return h
}

// groupTable reads the rows of a group sheet under its header row.
type groupTable struct {
	sheet *groupSheet
	file  string // the records' and problems' file: the workbook and the sheet
	cols  []int  // for each position of the header: the column, -1 under a blank header
}

// newGroupTable reads the header row; a problem means the workbook yields
// no records.
func (g *groupSheet) newTable(file string, header []string) (*groupTable, *catalog.Problem) {
	cols, _, msg := layoutHeader(header, g.index, g.required,
		func(c int) string { return g.columns[c].key },
		func(key string) string { return g.columns[g.index[key]].header })
	if msg != "" {
		return nil, &catalog.Problem{File: file, Line: 1, Message: msg}
	}
	return &groupTable{sheet: g, file: file, cols: cols}, nil
}

// cells arranges a row (by header position) by column; a cell under a
// blank header is reported (its 1-based position), not kept.
func (t *groupTable) cells(row []string) (cells []string, stray int) {
	cells = make([]string, len(t.sheet.columns))
	for i, v := range row {
		switch {
		case v == "":
		case i >= len(t.cols) || t.cols[i] < 0:
			if stray == 0 && strings.TrimSpace(v) != "" {
				stray = i + 1
			}
		default:
			cells[t.cols[i]] = v
		}
	}
	return cells, stray
}

// rowDecoder collects the problems of one row of a group sheet, each
// naming the column and the field path of the value.
type rowDecoder struct {
	sheet    *groupSheet
	problems []catalog.Problem
}

// noCode reports a row of a group sheet without its code (in column c);
// such a row is read no further.
func (d *rowDecoder) noCode(code string, c int) bool {
	if strings.TrimSpace(code) != "" {
		return false
	}
	d.fail(c, "code", msgSheetNoCode)
	return true
}

// finish adds the row's problems to problems, each named by file, line
// and code, after the value stray under no header (its column from 1; 0:
// none), and reports whether there were any.
func (d *rowDecoder) finish(problems *[]catalog.Problem, file string, line int, code string, stray int) bool {
	if stray > 0 {
		d.problems = append(d.problems, catalog.Problem{Message: fmt.Sprintf(msgNoHeaderForValue, stray)})
	}
	for i := range d.problems {
		d.problems[i].File, d.problems[i].Line, d.problems[i].Code = file, line, code
	}
	*problems = append(*problems, d.problems...)
	return len(d.problems) > 0
}

// tooMany refuses a row that would add entry n+1 to a list of at most max
// (field, in column c) of a group: the first such row has the problem
// (over set), any later one only marks the group bad.
func (d *rowDecoder) tooMany(over, bad *bool, c int, field string, max, n int) {
	if *over {
		*bad = true
		return
	}
	*over = true
	d.fail(c, field, fmt.Sprintf(catalog.MsgTooMany, max, n+1))
}

// fail reports a problem of column c; field is the value's field path.
func (d *rowDecoder) fail(c int, field, msg string) {
	d.problems = append(d.problems, catalog.Problem{Field: field,
		Message: fmt.Sprintf(msgInColumn, d.sheet.columns[c].header, msg)})
}

// int reads the integer cell of column c (nil when empty).
func (d *rowDecoder) int(cells []string, c int, field string) *int {
	n, ok := parseCellInt(cells[c], d.sheet.columns[c].key == "online_depth")
	if !ok {
		d.fail(c, field, fmt.Sprintf(msgCellInt, strings.TrimSpace(cells[c])))
	}
	return n
}

// bool reads the yes/no cell of column c; ok is false when it is empty or
// reported.
func (d *rowDecoder) bool(cells []string, c int, field string) (v, ok bool) {
	if cells[c] == "" {
		return false, false
	}
	v, ok = parseCellBool(cells[c])
	if !ok {
		d.fail(c, field, fmt.Sprintf(msgCellBool, cells[c]))
	}
	return v, ok
}

// list reads the list cell of column c, at most the column's limit.
func (d *rowDecoder) list(cells []string, c int, field string) []string {
	if !d.within(cells, c, field) {
		return nil
	}
	return parseValuesCell(cells[c])
}

// within reports whether the list cell of column c has at most the
// column's limit of elements (counted before it is split).
func (d *rowDecoder) within(cells []string, c int, field string) bool {
	col := d.sheet.columns[c]
	if n := countCellLines(cells[c]); col.limit > 0 && n > col.limit {
		d.fail(c, field, fmt.Sprintf(catalog.MsgTooMany, col.limit, n))
		return false
	}
	return true
}

// structs reads the structured list cell of column c: elements with the
// column's sub-fields, or with at least one when the column has no fixed
// parts.
func (d *rowDecoder) structs(cells []string, c int, field string) [][]string {
	if cells[c] == "" || !d.within(cells, c, field) {
		return nil
	}
	col := d.sheet.columns[c]
	if col.parts == nil {
		var out [][]string
		for _, line := range cellLines(cells[c]) {
			out = append(out, splitCellLine(line))
		}
		return out
	}
	elems, msg := splitStructCell(cells[c], col.parts)
	if msg != "" {
		d.fail(c, field, msg)
	}
	return elems
}

// steps reads a cell of steps (名称 | 环节说明 | 环节时限).
func (d *rowDecoder) steps(cells []string, c int, field string) []catalog.Step {
	var out []catalog.Step
	for i, e := range d.structs(cells, c, field) {
		s := catalog.Step{Name: e[0], Description: e[1]}
		if e[2] != "" {
			n, ok := parseCellInt(e[2], false)
			if !ok {
				d.fail(c, fmt.Sprintf("%s[%d].days", field, i), fmt.Sprintf(msgCellInt, strings.TrimSpace(e[2])))
			}
			s.Days = n
		}
		out = append(out, s)
	}
	return out
}

// feeItems reads a cell of fee items (名称 | 收费标准 | 收费依据).
func (d *rowDecoder) feeItems(cells []string, c int, field string) []catalog.FeeItem {
	var out []catalog.FeeItem
	for _, e := range d.structs(cells, c, field) {
		out = append(out, catalog.FeeItem{Name: e[0], Standard: e[1], Basis: e[2]})
	}
	return out
}

// groupValue is a group column's value as its first non-empty cell gave
// it, and the row that did.
type groupValue struct {
	cell string
	row  int
}

// agree records the group column's cell of this row: the first non-empty
// one is the group's, a later one must be the same (same(a, b) compares
// two cells). It returns false, reported, when it differs.
func (d *rowDecoder) agree(v *groupValue, cells []string, c, row int, field string, same func(a, b string) bool) bool {
	cell := cells[c]
	switch {
	case cell == "":
	case v.row == 0:
		*v = groupValue{cell: cell, row: row}
	case !same(v.cell, cell):
		d.fail(c, field, fmt.Sprintf(msgGroupDiffers, v.row))
		return false
	}
	return true
}

func sameCell(a, b string) bool { return a == b }

func sameBool(a, b string) bool {
	x, ok1 := parseCellBool(a)
	y, ok2 := parseCellBool(b)
	return ok1 && ok2 && x == y
}

// stepsCell and feeItemsCell write the structured lists of an option.
func stepsCell(steps []catalog.Step) string {
	elems := make([][]string, len(steps))
	for i, s := range steps {
		elems[i] = []string{s.Name, s.Description, formatInt(s.Days)}
	}
	return formatStructCell(elems)
}

func feeItemsCell(items []catalog.FeeItem) string {
	elems := make([][]string, len(items))
	for i, f := range items {
		elems[i] = []string{f.Name, f.Standard, f.Basis}
	}
	return formatStructCell(elems)
}
