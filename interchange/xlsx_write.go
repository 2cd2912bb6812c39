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

// xlsxEncoder streams items into one worksheet (excelize's StreamWriter
// keeps rows in a temporary file, not in memory) and writes the workbook on
// Close. The header row is bold and frozen; list and long text columns are
// wide and wrap. Numbers are numeric cells, everything else text.
type xlsxEncoder struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
	wrap   int // style id of wrapped cells
	closed bool
}

func newXLSXEncoder(w io.Writer) (*xlsxEncoder, error) {
	f := excelize.NewFile()
	e := &xlsxEncoder{w: w, f: f, row: 1}
	if err := e.start(); err != nil {
		f.Close()
		return nil, err
	}
	return e, nil
}

// start names the sheet, sets up styles, widths and panes, and writes the
// header row.
func (e *xlsxEncoder) start() error {
	if err := e.f.SetSheetName(e.f.GetSheetName(0), sheetName); err != nil {
		return err
	}
	bold, err := e.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if e.wrap, err = e.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return err
	}
	if e.sw, err = e.f.NewStreamWriter(sheetName); err != nil {
		return err
	}
	for i, c := range itemColumns {
		width := 16.0
		if c.long {
			width = 40
		}
		if err := e.sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := e.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(itemColumns))
	for i, h := range itemHeader() {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return e.sw.SetRow("A1", header)
}

// Write appends rec as one row when it is an item. A cell longer than a
// spreadsheet cell can hold, or with a control character XML cannot carry,
// is an error: the value would not survive the trip.
func (e *xlsxEncoder) Write(rec catalog.Record) error {
	if e.closed {
		return errors.New(msgEncoderClosed)
	}
	if rec.Item == nil || (rec.Kind != "" && rec.Kind != catalog.KindItem) {
		return nil
	}
	if e.row >= xlsxMaxRows {
		return fmt.Errorf(msgTooManyRows, xlsxMaxRows-1, xlsxMaxRows)
	}
	cells := itemCells(rec.Item)
	values := make([]any, len(cells))
	for i, s := range cells {
		if s == "" {
			continue
		}
		c := itemColumns[i]
		if err := checkXLSXText(rec.Item.Code, c.field, s); err != nil {
			return err
		}
		if c.num {
			if n, err := strconv.Atoi(s); err == nil {
				values[i] = n
				continue
			}
		}
		if c.long {
			values[i] = excelize.Cell{StyleID: e.wrap, Value: s}
		} else {
			values[i] = s
		}
	}
	e.row++
	ref, err := excelize.CoordinatesToCellName(1, e.row)
	if err != nil {
		return err
	}
	return e.sw.SetRow(ref, values)
}

// checkXLSXText refuses what a worksheet cell cannot hold unchanged.
func checkXLSXText(code, field, s string) error {
	units := 0
	for _, r := range s {
		if r == utf8.RuneError || !xmlChar(r) {
			return fmt.Errorf(msgCellControl, code, catalog.Label(field))
		}
		units += utf16.RuneLen(r)
	}
	if units > xlsxMaxCellChars {
		return fmt.Errorf(msgCellTooLong, code, catalog.Label(field), units, xlsxMaxCellChars)
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
	if err := e.sw.Flush(); err != nil {
		return err
	}
	_, err := e.f.WriteTo(e.w)
	return err
}
