package interchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"zhinan/catalog"
)

// DecodeCSV decodes items from CSV: UTF-8 (a byte order mark is accepted),
// comma-separated, quoted as RFC 4180, "\n" or "\r\n" line endings; one row
// per item under a header row, cells as described under "Spreadsheet
// cells" in sheet.go and in docs/interchange.md. Unknown headers or a missing
// required column are one problem on row 1 and no records. Every other
// problem — a row with the wrong number of fields, a CSV syntax error,
// invalid UTF-8, a cell that is not a number or a yes/no where one belongs,
// a row longer than MaxRecordBytes — is reported with its row (the header
// being row 1), and decoding goes on with the next row.
func DecodeCSV(r io.Reader, file string) catalog.Decoded {
	var d catalog.Decoded
	StreamCSV(r, file, &d)
	return d
}

// StreamCSV decodes as DecodeCSV does, handing each record and problem to
// sink as its row is read. The error is sink's, which stops decoding.
func StreamCSV(r io.Reader, file string, sink catalog.Sink) error {
	cr := newCSVRecordReader(r)
	var table *tableReader
	problems := 0
	problem := func(p catalog.Problem) {
		problems++
		sink.Problem(p)
	}
	for {
		raw, size, ok := cr.next()
		if !ok {
			break
		}
		row := cr.row
		fail := func(msg string) {
			problem(catalog.Problem{File: file, Line: row, Message: msg})
		}
		if raw == nil {
			fail(fmt.Sprintf(msgLineTooLong, size, MaxRecordBytes))
			if table == nil {
				return nil
			}
			continue
		}
		if !utf8.Valid(raw) {
			fail(fmt.Sprintf(msgInvalidUTF8, invalidUTF8At(raw)))
			if table == nil {
				return nil
			}
			continue
		}
		cells, err := parseCSVRecord(raw)
		if err != nil {
			fail(err.Error())
			if table == nil {
				return nil
			}
			continue
		}
		if table == nil {
			if cells == nil {
				continue // blank lines before the header
			}
			var p *catalog.Problem
			if table, p = newTableReader(file, cells); p != nil {
				p.Line = row
				problem(*p)
				return nil
			}
			continue
		}
		if blankRow(cells) {
			continue
		}
		for i, c := range cells {
			cells[i] = restoreCSVCell(c)
		}
		if len(cells) != len(table.cols) {
			problem(catalog.Problem{File: file, Line: row, Code: table.cell(cells, "code"),
				Message: fmt.Sprintf(msgFieldCount, len(cells), len(table.cols))})
			continue
		}
		rec, probs, ok := table.row(row, cells)
		switch {
		case len(probs) > 0:
			for _, p := range probs {
				problem(p)
			}
		case ok:
			if err := sink.Record(rec); err != nil {
				return err
			}
		}
	}
	if cr.err != nil {
		problem(catalog.Problem{File: file, Line: cr.row + 1, Message: fmt.Sprintf(msgReadFailed, cr.err)})
	}
	if table == nil && problems == 0 {
		problem(catalog.Problem{File: file, Line: 1, Message: msgNoHeader})
	}
	return nil
}

// parseCSVRecord parses one record's bytes; nil cells for a blank record.
func parseCSVRecord(raw []byte) ([]string, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	cells, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			msg := pe.Err.Error()
			switch {
			case errors.Is(pe.Err, csv.ErrBareQuote):
				msg = msgCSVBareQuote
			case errors.Is(pe.Err, csv.ErrQuote):
				msg = msgCSVQuote
			}
			return nil, fmt.Errorf(msgCSVSyntax, pe.Column, msg)
		}
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	return cells, nil
}

// csvRecordReader splits CSV input into records — lines, except that a
// line break inside a quoted field continues the record — so that each
// record can be size-checked and parsed on its own, and a bad or huge
// record does not stop the file. A record longer than MaxRecordBytes is
// consumed without being kept.
type csvRecordReader struct {
	br  *bufio.Reader
	buf []byte
	row int // number of the record last returned, 1-based
	err error

	inQuotes, quotePending, fieldStart bool
}

func newCSVRecordReader(r io.Reader) *csvRecordReader {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
	}
	return &csvRecordReader{br: br}
}

// next returns the next record without its final line break; raw is nil
// when the record is longer than MaxRecordBytes (size says how long).
func (c *csvRecordReader) next() (raw []byte, size int, ok bool) {
	c.buf = c.buf[:0]
	c.inQuotes, c.quotePending, c.fieldStart = false, false, true
	over, read := false, false
	for {
		chunk, err := c.br.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
		}
		size += len(chunk)
		ended := c.scan(chunk)
		if !over {
			if len(c.buf)+len(chunk) > MaxRecordBytes+2 {
				over, c.buf = true, c.buf[:0]
			} else {
				c.buf = append(c.buf, chunk...)
			}
		}
		if err == nil && !ended {
			continue // a line break inside quotes
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			c.err = err
			return nil, 0, false
		}
		if !read {
			return nil, 0, false
		}
		break
	}
	c.row++
	raw = c.buf
	if bytes.HasSuffix(raw, []byte("\n")) {
		raw, size = raw[:len(raw)-1], size-1
		if bytes.HasSuffix(raw, []byte("\r")) {
			raw, size = raw[:len(raw)-1], size-1
		}
	}
	if over || size > MaxRecordBytes {
		return nil, size, true
	}
	return raw, size, true
}

// scan follows the quoting of RFC 4180 through chunk and reports whether
// it ends with a line break outside quotes (the end of a record).
func (c *csvRecordReader) scan(chunk []byte) bool {
	ended := false
	for _, b := range chunk {
		ended = false
		if c.inQuotes {
			if !c.quotePending {
				if b == '"' {
					c.quotePending = true
				}
				continue
			}
			c.quotePending = false
			if b == '"' {
				continue // an escaped quote
			}
			c.inQuotes = false
		}
		switch b {
		case ',':
			c.fieldStart = true
		case '\n':
			c.fieldStart, ended = true, true
		case '"':
			c.inQuotes = c.fieldStart
			c.fieldStart = false
		default:
			c.fieldStart = false
		}
	}
	return ended
}

// csvEncoder writes items as CSV rows under the header row, preceded by a
// UTF-8 byte order mark; other records are skipped.
type csvEncoder struct {
	w      io.Writer
	cw     *csv.Writer
	header bool
}

func newCSVEncoder(w io.Writer) *csvEncoder {
	return &csvEncoder{w: w, cw: csv.NewWriter(w)}
}

func (e *csvEncoder) writeHeader() error {
	if e.header {
		return nil
	}
	e.header = true
	if _, err := e.w.Write(utf8BOM); err != nil {
		return err
	}
	return e.cw.Write(itemHeader())
}

// Write writes rec as one row when it is an item.
func (e *csvEncoder) Write(rec catalog.Record) error {
	if rec.Item == nil || (rec.Kind != "" && rec.Kind != catalog.KindItem) {
		return nil
	}
	if err := e.writeHeader(); err != nil {
		return err
	}
	cells := itemCells(rec.Item)
	for i, c := range cells {
		cells[i] = NeutraliseCSVCell(c)
	}
	return e.cw.Write(cells)
}

// CSV formula neutralisation. A spreadsheet opening a CSV file takes a
// cell beginning with = + - @ (or a tab or carriage return before them)
// for a formula, which may run commands or leak data (CSV injection). So
// CSV export writes such a cell with a single quote before it (OWASP),
// which Excel shows as the text it is; CSV import removes exactly that
// quote again, so export → import → export gives the same bytes. XLSX
// stores text cells as text and needs none of this.

// formulaTrigger reports whether a cell starting with b may be taken for
// a formula. A line break is included so that a cell written "\r\n…"
// (which reads back as "\n…") keeps its quote decision.
func formulaTrigger(b byte) bool {
	switch b {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	return false
}

// formulaLike reports whether s, after any leading single quotes, starts
// with a formula trigger: such cells get one more quote on export, so a
// value that itself starts with quotes before a trigger reads back whole.
func formulaLike(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && formulaTrigger(s[0])
}

// NeutraliseCSVCell returns the cell as CSV writes it: with a single quote
// before it when a spreadsheet could take it for a formula.
func NeutraliseCSVCell(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// restoreCSVCell undoes NeutraliseCSVCell: it removes one leading quote
// when the rest is a cell export would have neutralised. A hand-typed
// '=1+1 therefore reads as =1+1, as in a spreadsheet.
func restoreCSVCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}

// Close writes the header if no item was written and flushes.
func (e *csvEncoder) Close() error {
	if err := e.writeHeader(); err != nil {
		return err
	}
	e.cw.Flush()
	return e.cw.Error()
}
