package interchange

import (
	"fmt"

	"zhinan/catalog"
)

// Bundles (一件事) in XLSX: the sheet 一件事, one row per step of a bundle.
// The bundle's own cells (name, description, themes, ask phrases, form,
// material links) are on its first row; each row's 阶段, 基本编码,
// 可替代的基本编码 and 环节名称 are one step. A bundle without steps is one
// row without step cells. CSV holds items only.

// The columns of the 一件事 sheet, in order.
const (
	bunCode = iota
	bunName
	bunDescription
	bunThemes
	bunAskPhrases
	bunForm
	bunLinks
	bunStage
	bunBaseCode
	bunOr
	bunStepName
)

// bundleSheet is the 一件事 sheet.
var bundleSheet = newGroupSheet(sheetBundles, []sheetColumn{
	{key: "code", header: headerBundleCode},
	{key: "name", header: headerBundleName, group: true},
	{key: "description", header: headerBundleDescription, group: true, long: true},
	{key: "themes", header: catalog.Label("themes"), kind: cellList, limit: catalog.MaxThemes, group: true, long: true},
	{key: "ask_phrases", header: catalog.Label("ask_phrases"), kind: cellList, limit: catalog.MaxAskPhrases, group: true, long: true},
	{key: "form", header: headerBundleForm, group: true},
	{key: "links", header: headerBundleLinks, kind: cellStruct, limit: catalog.MaxBundleLinks, group: true, long: true},
	{key: "stage", header: headerStage, kind: cellInt},
	{key: "base_code", header: catalog.Label("base_code")},
	{key: "or", header: headerOr, kind: cellList, limit: catalog.MaxBundleOr, long: true},
	{key: "step_name", header: headerStepName},
}, "code", "name", "base_code")

// bundleRows returns the rows of the 一件事 sheet for b, cells by column.
func bundleRows(b *catalog.Bundle) [][]string {
	first := make([]string, len(bundleSheet.columns))
	first[bunName], first[bunDescription], first[bunForm] = b.Name, b.Description, b.Form
	first[bunThemes], first[bunAskPhrases] = formatValuesCell(b.Themes), formatValuesCell(b.AskPhrases)
	links := make([][]string, len(b.Links))
	for i, l := range b.Links {
		links[i] = append([]string{l.Name}, l.Same...)
	}
	first[bunLinks] = formatStructCell(links)
	rows := [][]string{first}
	for i, s := range b.Steps {
		row := first
		if i > 0 {
			row = make([]string, len(bundleSheet.columns))
			rows = append(rows, row)
		}
		row[bunStage] = formatInt(&s.Stage)
		row[bunBaseCode], row[bunOr], row[bunStepName] = s.BaseCode, formatValuesCell(s.Or), s.Name
	}
	for _, row := range rows {
		row[bunCode] = b.Code
	}
	return rows
}

// bundleReader gathers the rows of a 一件事 sheet by bundle.
type bundleReader struct {
	table    *groupTable
	bundles  map[string]*bundleRowsRead
	order    []string
	problems []catalog.Problem
}

// bundleRowsRead is one bundle read from the sheet.
type bundleRowsRead struct {
	b                             catalog.Bundle
	row                           int
	name, description, form       groupValue
	themes, askPhrases, linksCell groupValue
	bad                           bool
	over                          bool // more steps than a bundle may have (reported once)
}

func newBundleReader(t *groupTable) *bundleReader {
	return &bundleReader{table: t, bundles: map[string]*bundleRowsRead{}}
}

// row reads one row of the sheet (cells by column); stray is the position
// of a value under no header (0: none).
func (r *bundleReader) row(line int, cells []string, stray int) {
	d := &rowDecoder{sheet: bundleSheet}
	code := cells[bunCode]
	defer func() {
		if b := r.bundles[code]; d.finish(&r.problems, r.table.file, line, code, stray) && b != nil {
			b.bad = true
		}
	}()
	if d.noCode(code, bunCode) {
		return
	}
	b := r.bundles[code]
	if b == nil {
		b = &bundleRowsRead{b: catalog.Bundle{Code: code}, row: line}
		r.bundles[code] = b
		r.order = append(r.order, code)
	}
	if d.agree(&b.name, cells, bunName, line, "name", sameCell) {
		b.b.Name = b.name.cell
	}
	if d.agree(&b.description, cells, bunDescription, line, "description", sameCell) {
		b.b.Description = b.description.cell
	}
	if d.agree(&b.form, cells, bunForm, line, "form", sameCell) {
		b.b.Form = b.form.cell
	}
	if cells[bunThemes] != "" && d.agree(&b.themes, cells, bunThemes, line, "themes", sameCell) {
		b.b.Themes = d.list(cells, bunThemes, "themes")
	}
	if cells[bunAskPhrases] != "" && d.agree(&b.askPhrases, cells, bunAskPhrases, line, "ask_phrases", sameCell) {
		b.b.AskPhrases = d.list(cells, bunAskPhrases, "ask_phrases")
	}
	if cells[bunLinks] != "" && d.agree(&b.linksCell, cells, bunLinks, line, "links", sameCell) {
		b.b.Links = nil
		for _, e := range d.structs(cells, bunLinks, "links") {
			l := catalog.MaterialLink{Name: e[0]}
			if len(e) > 1 {
				l.Same = e[1:]
			}
			b.b.Links = append(b.b.Links, l)
		}
	}
	if blankRow(cells[bunStage:]) {
		return // no step on this row
	}
	if len(b.b.Steps) >= catalog.MaxBundleSteps {
		d.tooMany(&b.over, &b.bad, bunBaseCode, "steps", catalog.MaxBundleSteps, len(b.b.Steps))
		return
	}
	path := fmt.Sprintf("steps[%d]", len(b.b.Steps))
	s := catalog.BundleStep{BaseCode: cells[bunBaseCode], Name: cells[bunStepName]}
	if n := d.int(cells, bunStage, path+".stage"); n != nil {
		s.Stage = *n
	}
	s.Or = d.list(cells, bunOr, path+".or")
	b.b.Steps = append(b.b.Steps, s)
}

// finish appends the bundles read, in the order of their first rows, and
// the problems; a bundle with a problem in any row yields no record.
func (r *bundleReader) finish(out *catalog.Decoded) {
	out.Problems = append(out.Problems, r.problems...)
	for _, code := range r.order {
		b := r.bundles[code]
		if b.bad {
			continue
		}
		out.Records = append(out.Records, catalog.Record{File: r.table.file, Line: b.row, Kind: catalog.KindBundle, Bundle: &b.b})
	}
}
