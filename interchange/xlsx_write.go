package interchange

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"zhinan/catalog"
)

// xlsxEncoder streams items into the sheet 事项, their situations into the
// sheet 情形 and bundles into the sheet 一件事 (excelize's StreamWriter
// keeps rows in a temporary file, not in memory) and writes the workbook on
// Close. Header rows are bold and frozen; list and long text columns are
// wide and wrap. Numbers are numeric cells, everything else text. The three
// sheets are always written, empty ones with their header only.
type xlsxEncoder struct {
	w          io.Writer
	f          *excelize.File
	items      *xlsxSheet
	situations *xlsxSheet
	bundles    *xlsxSheet
	bold       int // style id of header cells
	wrap       int // style id of wrapped cells
	closed     bool
}

// xlsxSheet is one sheet being written: its stream and its last row.
type xlsxSheet struct {
	name string
	sw   *excelize.StreamWriter
	row  int
}

func newXLSXEncoder(w io.Writer) (*xlsxEncoder, error) {
	f := excelize.NewFile()
	e := &xlsxEncoder{w: w, f: f}
	if err := e.start(); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

// start names the sheets, sets up styles, widths and panes, and writes the
// header rows.
func (e *xlsxEncoder) start() error {
	if err := e.f.SetSheetName(e.f.GetSheetName(0), sheetName); err != nil {
		return err
	}
	var err error
	if e.bold, err = e.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	if e.wrap, err = e.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return err
	}
	header, long := make([]string, len(xlsxItemColumns)), make([]bool, len(xlsxItemColumns))
	for i, c := range xlsxItemColumns {
		header[i], long[i] = itemColumns[c].label(), itemColumns[c].long
	}
	if e.items, err = e.sheet(sheetName, header, long); err != nil {
		return err
	}
	for _, g := range []*groupSheet{situationSheet, bundleSheet} {
		long := make([]bool, len(g.columns))
		for i, c := range g.columns {
			long[i] = c.long
		}
		if _, err := e.f.NewSheet(g.name); err != nil {
			return err
		}
		s, err := e.sheet(g.name, g.header(), long)
		if err != nil {
			return err
		}
		if g == situationSheet {
			e.situations = s
		} else {
			e.bundles = s
		}
	}
	return nil
}

// sheet starts the stream of an existing sheet: column widths, the frozen
// bold header row.
func (e *xlsxEncoder) sheet(name string, header []string, long []bool) (*xlsxSheet, error) {
	sw, err := e.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i := range header {
		width := 16.0
		if long[i] {
			width = 40
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: e.bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return &xlsxSheet{name: name, sw: sw, row: 1}, nil
}

// cellValue returns what a text cell of a row is written as: nil when
// empty, a number in a number column, wrapped text in a long column.
func (e *xlsxEncoder) cellValue(s string, num, long bool) any {
	switch {
	case s == "":
		return nil
	case num:
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	if long {
		return excelize.Cell{StyleID: e.wrap, Value: s}
	}
	return s
}

// add appends one row to the sheet.
func (s *xlsxSheet) add(values []any) error {
	s.row++
	ref, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(ref, values)
}

// Write appends rec as one row of the item sheet and its situations as rows
// of the 情形 sheet when it is an item, as rows of the 一件事 sheet when it is
// a bundle; other records are skipped. A cell longer than a spreadsheet
// cell can hold, or with a control character XML cannot carry, is an
// error: the value would not survive the trip.
func (e *xlsxEncoder) Write(rec catalog.Record) error {
	if e.closed {
		return errors.New(msgEncoderClosed)
	}
	switch {
	case rec.Kind == catalog.KindBundle && rec.Bundle != nil:
		return e.groupRows(e.bundles, bundleSheet, fmt.Sprintf(subjectBundle, rec.Bundle.Code), bundleRows(rec.Bundle))
	case rec.Item == nil || (rec.Kind != "" && rec.Kind != catalog.KindItem):
		return nil
	}
	if e.items.row >= xlsxMaxRows {
		return fmt.Errorf(msgTooManyRows, xlsxMaxRows-1, xlsxMaxRows)
	}
	subject := fmt.Sprintf(subjectItem, rec.Item.Code)
	cells := itemCells(rec.Item)
	values := make([]any, len(xlsxItemColumns))
	for i, ci := range xlsxItemColumns {
		c := itemColumns[ci]
		if err := checkXLSXText(subject, c.label(), cells[ci]); err != nil {
			return err
		}
		values[i] = e.cellValue(cells[ci], c.num, c.long)
	}
	if err := e.items.add(values); err != nil {
		return err
	}
	return e.groupRows(e.situations, situationSheet, subject, situationRows(rec.Item))
}

// groupRows appends rows of a group sheet.
func (e *xlsxEncoder) groupRows(s *xlsxSheet, g *groupSheet, subject string, rows [][]string) error {
	if s.row+len(rows) > xlsxMaxRows {
		return fmt.Errorf(msgSheetTooManyRows, s.name, xlsxMaxRows)
	}
	for _, row := range rows {
		values := make([]any, len(row))
		for i, cell := range row {
			c := g.columns[i]
			if err := checkXLSXText(subject, c.header, cell); err != nil {
				return err
			}
			values[i] = e.cellValue(cell, c.kind == cellInt, c.long)
		}
		if err := s.add(values); err != nil {
			return err
		}
	}
	return nil
}

// checkXLSXText refuses what a worksheet cell cannot hold unchanged.
// subject names what the cell belongs to (subjectItem, subjectBundle),
// label its column.
func checkXLSXText(subject, label, s string) error {
	units := 0
	for _, r := range s {
		if r == utf8.RuneError || !xmlChar(r) {
			return fmt.Errorf(msgCellControl, subject, label)
		}
		units += utf16.RuneLen(r)
	}
	if units > xlsxMaxCellChars {
		return fmt.Errorf(msgCellTooLong, subject, label, units, xlsxMaxCellChars)
	}
	return nil
}

// xmlChar reports whether r may appear in XML 1.0 text.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// Close ends the worksheet and writes the workbook to the writer.
func (e *xlsxEncoder) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	defer e.f.Close()
	for _, s := range []*xlsxSheet{e.items, e.situations, e.bundles} {
		if err := s.sw.Flush(); err != nil {
			return err
		}
	}
	_, err := e.f.WriteTo(e.w)
	return err
}
