package interchange

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"zhinan/catalog"
)

// Limits of a worksheet (Excel's, which excelize enforces).
const (
	xlsxMaxRows      = 1 << 20 // rows of a worksheet, the header included
	xlsxMaxCols      = 1 << 14 // columns of a worksheet (A … XFD)
	xlsxMaxCellChars = 32767   // UTF-16 code units of a cell
)

// Limits of reading a workbook, against zip bombs: a zip archive can hold a
// thousand times its size, and a cell may repeat a shared string of 32,767
// characters in every row.
const (
	// MaxXLSXUnzippedBytes bounds the files of an XLSX workbook together,
	// unzipped (as the archive declares them, which reading enforces), and
	// separately the text of the cells read from its worksheet. A workbook
	// exported by zhinan takes about 5 KB per item unzipped, so the limit
	// holds some 50,000 items; larger catalogues are imported as CSV or
	// JSON Lines, which are read record by record.
	MaxXLSXUnzippedBytes = 256 << 20
	// xlsxMaxFiles bounds the files in the archive (a workbook has a few
	// dozen).
	xlsxMaxFiles = 10000
)

// oleMagic starts an old binary Excel (.xls) or an encrypted workbook.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// xlsxError is a problem of a whole workbook, already in Chinese.
type xlsxError string

func (e xlsxError) Error() string { return string(e) }

// DecodeXLSX decodes items from the first worksheet of an XLSX workbook:
// one row per item under a header row, with the columns and cells of CSV
// (see DecodeCSV and "Spreadsheet cells" in sheet.go). Problems carry the
// worksheet's row number. The sheets 情形 and 一件事, when the workbook
// has them, give the items their situations (situation_sheet.go) and
// bundle records after the items (bundle_sheet.go); their records and
// problems are of the file "<file> 工作表“<sheet>”". The workbook is read whole and may be at most
// MaxFileBytes, and at most MaxXLSXUnzippedBytes unzipped; a file that is
// not an XLSX workbook (not a zip archive, an old .xls, an encrypted file)
// is one problem and no records. Cell values are read unformatted, so a
// number shown as "30.00" reads as 30.
//
// The worksheet is read as a stream, row by row, keeping only the cells
// under the header: a row whose text exceeds MaxRecordBytes, or a list cell
// with more elements than a guide may have (catalog.MaxMaterials …), is a problem
// and yields no record, and reading stops once the cells read hold more
// than MaxXLSXUnzippedBytes of text.
func DecodeXLSX(r io.Reader, file string) catalog.Decoded {
	var out catalog.Decoded
	fail := func(line int, msg string) catalog.Decoded {
		out.Problems = append(out.Problems, catalog.Problem{File: file, Line: line, Message: msg})
		return out
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return fail(0, fmt.Sprintf(msgReadFailed, err))
	}
	if len(data) > MaxFileBytes {
		return fail(0, fmt.Sprintf(msgXLSXTooLarge, MaxFileBytes))
	}
	if bytes.HasPrefix(data, oleMagic) {
		return fail(0, msgOldXLS)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail(0, fmt.Sprintf(msgNotXLSX, err))
	}
	wb, err := openWorkbook(zr)
	if err != nil {
		var xe xlsxError
		if errors.As(err, &xe) {
			return fail(0, xe.Error())
		}
		return fail(0, fmt.Sprintf(msgNotXLSX, err))
	}
	sst, err := wb.sharedStrings()
	if err != nil {
		return fail(0, fmt.Sprintf(msgSheetUnreadable, wb.sheetName, err))
	}
	items := &itemSink{file: file}
	sr := &sheetReader{out: &out, file: file, sheetName: wb.sheetName, sst: sst, sink: items}
	if err := sr.read(wb.sheet); err != nil {
		return fail(sr.row, fmt.Sprintf(msgSheetUnreadable, wb.sheetName, err))
	}
	if items.table == nil && !sr.stopped {
		return fail(1, msgNoHeader)
	}
	if sr.stopped {
		return out
	}
	// The 情形 and 一件事 sheets, when the workbook has them.
	var sits *situationReader
	var bundles *bundleReader
	text := sr.text // the text limit holds for the workbook's sheets together
	for _, g := range []*groupSheet{situationSheet, bundleSheet} {
		part, ok := wb.named[g.name]
		if !ok {
			continue
		}
		gs := &groupSink{sheet: g, file: fmt.Sprintf(sheetFile, file, g.name)}
		sr := &sheetReader{out: &out, file: gs.file, sheetName: g.name, sst: sst, sink: gs, text: text}
		// A sheet that cannot be read whole leaves its items incomplete:
		// the workbook yields no records.
		err := errors.New(msgXLSXNoSheetPart)
		if part != nil {
			err = sr.read(part)
		}
		if err != nil {
			out.Records = nil
			out.Problems = append(out.Problems, catalog.Problem{File: gs.file, Line: sr.row, Message: fmt.Sprintf(msgSheetUnreadable, g.name, err)})
			return out
		}
		if sr.stopped {
			out.Records = nil
			return out
		}
		text = sr.text
		if g == situationSheet && gs.situations != nil {
			sits = gs.situations
		}
		if g == bundleSheet && gs.bundles != nil {
			bundles = gs.bundles
		}
	}
	if sits != nil {
		sits.attach(&out, file)
	}
	if bundles != nil {
		bundles.finish(&out)
	}
	return out
}

// StreamXLSX decodes the workbook as DecodeXLSX does — whole: its sheets
// of situations and bundles complete the items of the first — then hands
// its records and problems to sink. The error is sink's.
func StreamXLSX(r io.Reader, file string, sink catalog.Sink) error {
	d := DecodeXLSX(r, file)
	for _, p := range d.Problems {
		sink.Problem(p)
	}
	for _, rec := range d.Records {
		if err := sink.Record(rec); err != nil {
			return err
		}
	}
	return nil
}

// workbook is the parts of an XLSX archive DecodeXLSX reads.
type workbook struct {
	files     map[string]*zip.File // by partName
	sheetName string               // of the first worksheet
	sheet     *zip.File            // the first worksheet
	sst       *zip.File            // the shared strings, nil when there are none
	// named are the other worksheets of the names DecodeXLSX reads (情形,
	// 一件事), nil when the part is missing.
	named map[string]*zip.File
}

// partName normalises a part's name in the archive: forward slashes, no
// leading slash, lower case (Excel matches part names without case).
func partName(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// openWorkbook checks the sizes the archive declares and finds the first
// worksheet and the shared strings through the package's relationships.
func openWorkbook(zr *zip.Reader) (*workbook, error) {
	if len(zr.File) > xlsxMaxFiles {
		return nil, xlsxError(fmt.Sprintf(msgXLSXTooManyFiles, len(zr.File), xlsxMaxFiles))
	}
	wb := &workbook{files: make(map[string]*zip.File, len(zr.File))}
	var total uint64
	for _, f := range zr.File {
		// Each size is checked before the sum, which cannot overflow.
		if f.UncompressedSize64 > MaxXLSXUnzippedBytes || total+f.UncompressedSize64 > MaxXLSXUnzippedBytes {
			return nil, xlsxError(fmt.Sprintf(msgXLSXUnzippedTooLarge, MaxXLSXUnzippedBytes>>20))
		}
		total += f.UncompressedSize64
		wb.files[partName(f.Name)] = f
	}
	book := "xl/workbook.xml"
	if rels, ok := wb.files["_rels/.rels"]; ok {
		targets, err := relationships(rels, "")
		if err != nil {
			return nil, err
		}
		if t, ok := targets.byType["officeDocument"]; ok {
			book = t
		}
	}
	bookFile, ok := wb.files[book]
	if !ok {
		return nil, errors.New(msgXLSXNoWorkbook)
	}
	sheets, err := listSheets(bookFile)
	if err != nil {
		return nil, err
	}
	if len(sheets) == 0 {
		return nil, xlsxError(msgNoSheet)
	}
	name, id := sheets[0].name, sheets[0].id
	wb.sheetName = name
	dir, base := path.Split(book)
	sheet, sst := "xl/worksheets/sheet1.xml", "xl/sharedstrings.xml"
	var targets *relTargets
	if rels, ok := wb.files[dir+"_rels/"+base+".rels"]; ok {
		if targets, err = relationships(rels, dir); err != nil {
			return nil, err
		}
		sheet, sst = targets.byID[id], targets.byType["sharedStrings"]
	}
	if wb.sheet = wb.files[sheet]; wb.sheet == nil {
		return nil, xlsxError(fmt.Sprintf(msgSheetUnreadable, name, msgXLSXNoSheetPart))
	}
	wb.sst = wb.files[sst]
	wb.named = map[string]*zip.File{}
	for i, sh := range sheets[1:] {
		n := strings.TrimSpace(sh.name)
		if n != sheetSituations && n != sheetBundles {
			continue
		}
		if _, seen := wb.named[n]; seen {
			continue // the first of a name
		}
		part := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+2)
		if targets != nil {
			part = targets.byID[sh.id]
		}
		wb.named[n] = wb.files[part]
	}
	return wb, nil
}

// sheetRef is a worksheet of a workbook: its name and relationship id.
type sheetRef struct{ name, id string }

// listSheets returns the worksheets of the workbook, in order.
func listSheets(f *zip.File) ([]sheetRef, error) {
	var out []sheetRef
	err := scanXML(f, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "sheet" {
			return nil
		}
		var s sheetRef
		for _, a := range se.Attr {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				s.name = a.Value
			case a.Name.Local == "id" && a.Name.Space != "":
				s.id = a.Value
			}
		}
		if len(out) >= xlsxMaxFiles {
			return errStopScan
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// relTargets are the targets of a part's relationships, as part names.
type relTargets struct {
	byID   map[string]string
	byType map[string]string // by the last segment of the type, the first of each
}

// relationships reads a relationships part; targets are resolved against
// dir, the folder of the part they belong to.
func relationships(f *zip.File, dir string) (*relTargets, error) {
	t := &relTargets{byID: map[string]string{}, byType: map[string]string{}}
	err := scanXML(f, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "Relationship" {
			return nil
		}
		var id, typ, target, mode string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				id = a.Value
			case "Type":
				typ = a.Value[strings.LastIndexByte(a.Value, '/')+1:]
			case "Target":
				target = a.Value
			case "TargetMode":
				mode = a.Value
			}
		}
		if mode == "External" || target == "" {
			return nil
		}
		if strings.HasPrefix(target, "/") {
			target = path.Clean(target)
		} else {
			target = path.Join("/"+dir, target)
		}
		target = partName(target)
		t.byID[id] = target
		if _, ok := t.byType[typ]; !ok {
			t.byType[typ] = target
		}
		return nil
	})
	return t, err
}

// newXMLDecoder decodes an XML part, in UTF-8 or any encoding it declares
// (UTF-16 …), as excelize does.
func newXMLDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(bufio.NewReader(r))
	d.CharsetReader = charset.NewReaderLabel
	return d
}

// errStopScan ends scanXML early without an error.
var errStopScan = errors.New("stop")

// scanXML calls fn with every start element of the XML part f, until fn
// returns an error (errStopScan: stop without one).
func scanXML(f *zip.File, fn func(d *xml.Decoder, se xml.StartElement) error) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newXMLDecoder(rc)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				if err == errStopScan {
					return nil
				}
				return err
			}
		}
	}
}

// sharedStringTable is the shared strings of a workbook, held as one text:
// string i is text[ends[i-1]:ends[i]].
type sharedStringTable struct {
	text string
	ends []uint32 // the text is at most MaxXLSXUnzippedBytes
}

func (t *sharedStringTable) get(i int) (string, bool) {
	if t == nil || i < 0 || i >= len(t.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.text[start:t.ends[i]], true
}

// sharedStrings reads the workbook's shared strings, nil when it has none.
func (wb *workbook) sharedStrings() (*sharedStringTable, error) {
	if wb.sst == nil {
		return nil, nil
	}
	var (
		text strings.Builder
		ends []uint32
	)
	err := scanXML(wb.sst, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "si" {
			return nil
		}
		s, err := richText(d)
		if err != nil {
			return err
		}
		text.WriteString(s)
		ends = append(ends, uint32(text.Len()))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &sharedStringTable{text: text.String(), ends: ends}, nil
}

// richText reads the text of a string item (a shared string's si, an
// inline string's is) whose start element was just read: its t elements,
// directly or in runs, without phonetic readings (rPh), unescaped as
// unescapeXstring does.
func richText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth, inText := 1, false
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "rPh" {
				if err := d.Skip(); err != nil {
					return "", err
				}
				continue
			}
			depth++
			inText = t.Name.Local == "t"
		case xml.EndElement:
			depth--
			inText = false
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	return unescapeXstring(b.String()), nil
}

// unescapeXstring decodes the _xHHHH_ escapes of spreadsheet strings
// (ECMA-376 ST_Xstring) as excelize does: _x000D_ is a carriage return,
// _x005F_ an underscore (so _x005F_x000D_ reads as the text "_x000D_"), a
// surrogate is dropped.
func unescapeXstring(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '_' && i+7 <= len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				if r := rune(n); utf8.ValidRune(r) {
					b.WriteRune(r)
				}
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// sheetReader streams the rows of a worksheet into records and problems
// through its sink, which reads the header row and each row under it.
type sheetReader struct {
	out       *catalog.Decoded
	file      string
	sheetName string
	sst       *sharedStringTable
	sink      rowSink
	header    bool // the header row has been read
	width     int  // cells of the header row
	row       int  // the row being read
	text      int  // bytes of the text of the cells read (of every sheet read before too)
	stopped   bool // reading stopped at a limit or a wrong header, with a problem
}

// rowSink is what the rows of one worksheet are turned into: items, the
// options of situations, bundle steps.
type rowSink interface {
	// header reads the header row; a problem means the workbook yields no
	// records.
	header(cells []string) *catalog.Problem
	// data reads a row of width cells under the header; beyond is the
	// column of the first non-blank cell right of the header (0: none).
	data(out *catalog.Decoded, line int, row []string, beyond int)
}

// xlsxCell is one non-empty cell of a row: its column (from 1) and value.
type xlsxCell struct {
	col   int
	value string
}

// read reads the worksheet f. A syntax error, or a cell or row where there
// can be none, is an error; limits are problems (stopped).
func (sr *sheetReader) read(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := newXMLDecoder(rc)
	var cells []xlsxCell
	for !sr.stopped {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return nil
			}
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			n := sr.row + 1
			if v, ok := attr(t, "r"); ok {
				if n, err = strconv.Atoi(v); err != nil || n < 1 {
					return fmt.Errorf(msgXLSXBadRow, v)
				}
			}
			if n > xlsxMaxRows {
				sr.stop(n, fmt.Sprintf(msgXLSXTooManyRows, xlsxMaxRows))
				return nil
			}
			sr.row = n
			var size int
			cells, size, err = sr.readRow(d, cells[:0])
			if err != nil {
				return err
			}
			sr.rowDone(cells, size)
		}
	}
	return nil
}

// stop ends reading with a problem on row n.
func (sr *sheetReader) stop(n int, msg string) {
	sr.out.Problems = append(sr.out.Problems, catalog.Problem{File: sr.file, Line: n, Message: msg})
	sr.stopped = true
}

func attr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// readRow reads the cells of the row whose start element was just read,
// appending its non-empty ones to cells, and the bytes of their text.
func (sr *sheetReader) readRow(d *xml.Decoder, cells []xlsxCell) ([]xlsxCell, int, error) {
	col, size := 0, 0
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, 0, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "row" {
				return cells, size, nil
			}
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := d.Skip(); err != nil {
					return nil, 0, err
				}
				continue
			}
			col++
			ref, hasRef := attr(t, "r")
			if hasRef {
				if col = columnOf(ref); col == 0 {
					return nil, 0, fmt.Errorf(msgXLSXBadCell, ref)
				}
			} else {
				ref = fmt.Sprintf(msgXLSXColumn, col)
			}
			if col > xlsxMaxCols {
				return nil, 0, fmt.Errorf(msgXLSXTooManyCells, ref, xlsxMaxCols)
			}
			v, err := sr.cellValue(d, t)
			if err != nil {
				return nil, 0, err
			}
			if v != "" {
				size += len(v)
				cells = append(cells, xlsxCell{col, v})
			}
		}
	}
}

// columnOf returns the column (from 1) of a cell reference such as "AB12",
// 0 when it is not one.
func columnOf(ref string) int {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > xlsxMaxCols {
			return xlsxMaxCols + 1
		}
	}
	if i == 0 {
		return 0
	}
	for j := i; j < len(ref); j++ {
		if ref[j] < '0' || ref[j] > '9' {
			return 0
		}
	}
	return col
}

// cellValue reads the cell whose start element was just read and returns
// its value as excelize does with RawCellValue: a shared string, an inline
// string, or the stored value as written (a number unformatted, a boolean
// 1 or 0).
func (sr *sheetReader) cellValue(d *xml.Decoder, se xml.StartElement) (string, error) {
	typ, _ := attr(se, "t")
	var v, inline string
	hasInline := false
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local != "c" {
				continue
			}
			switch {
			case typ == "s" && v != "":
				i, err := strconv.Atoi(strings.TrimSpace(v))
				s, ok := sr.sst.get(i)
				if err != nil || !ok {
					return "", fmt.Errorf(msgXLSXBadSharedString, v)
				}
				return s, nil
			case typ == "inlineStr" && hasInline:
				return inline, nil
			}
			return v, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				var b strings.Builder
				if err := charData(d, &b); err != nil {
					return "", err
				}
				v = b.String()
			case "is":
				if inline, err = richText(d); err != nil {
					return "", err
				}
				hasInline = true
			default: // a formula, extensions
				if err := d.Skip(); err != nil {
					return "", err
				}
			}
		}
	}
}

// charData writes the text of the element whose start was just read, up to
// its end.
func charData(d *xml.Decoder, b *strings.Builder) error {
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			b.Write(t)
		}
	}
	return nil
}

// rowDone turns a row read into a record or problems: the first non-blank
// row is the header.
func (sr *sheetReader) rowDone(cells []xlsxCell, size int) {
	// Every row's text counts, kept or not: the work on a row is
	// proportional to it, and a cell can repeat a long shared string.
	sr.text += size
	if sr.text > MaxXLSXUnzippedBytes {
		sr.stop(sr.row, fmt.Sprintf(msgXLSXTextTooLarge, MaxXLSXUnzippedBytes>>20))
		return
	}
	if !sr.header {
		if blankCells(cells) {
			return // blank rows above the header
		}
		width := 0
		for _, c := range cells {
			width = max(width, c.col)
		}
		header := sr.lay(cells, width)
		if p := sr.sink.header(header); p != nil {
			// Nothing is imported from a file whose header is wrong.
			p.Line = sr.row
			sr.out.Problems = append(sr.out.Problems, *p)
			sr.out.Records = nil
			sr.stopped = true
			return
		}
		sr.header, sr.width = true, len(header)
		return
	}
	if size > MaxRecordBytes {
		sr.out.Problems = append(sr.out.Problems, catalog.Problem{File: sr.file, Line: sr.row,
			Message: fmt.Sprintf(msgLineTooLong, size, MaxRecordBytes)})
		return
	}
	// Cells right of the header are not kept: the first non-blank one is
	// a problem.
	beyond := 0
	for _, c := range cells {
		if c.col > sr.width && strings.TrimSpace(c.value) != "" {
			beyond = c.col
			break
		}
	}
	row := sr.lay(cells, sr.width)
	if blankRow(row) && beyond == 0 {
		return
	}
	sr.sink.data(sr.out, sr.row, row, beyond)
}

// itemSink reads the item sheet.
type itemSink struct {
	file  string
	table *tableReader
}

func (s *itemSink) header(cells []string) *catalog.Problem {
	var p *catalog.Problem
	s.table, p = newTableReader(s.file, cells)
	return p
}

// data checks the list cells' lengths before splitting them, then decodes
// the row (tableReader.row).
func (s *itemSink) data(out *catalog.Decoded, line int, row []string, beyond int) {
	var probs []catalog.Problem
	for i, c := range row {
		if c == "" || i >= len(s.table.cols) || s.table.cols[i] < 0 {
			continue
		}
		field := itemColumns[s.table.cols[i]].field
		if field == situationsColumn.field {
			continue // JSON, not lines
		}
		if max, ok := catalog.ListLimit(field); ok {
			if n := countCellLines(c); n > max {
				probs = append(probs, catalog.Problem{Field: field, Message: fmt.Sprintf(catalog.MsgTooMany, max, n)})
			}
		}
	}
	if len(probs) == 0 {
		rec, ps, ok := s.table.row(line, row)
		if beyond == 0 {
			switch {
			case len(ps) > 0:
				out.Problems = append(out.Problems, ps...)
			case ok:
				out.Records = append(out.Records, rec)
			}
			return
		}
		probs = ps
	}
	if beyond > 0 {
		probs = append(probs, catalog.Problem{Message: fmt.Sprintf(msgNoHeaderForValue, beyond)})
	}
	code := s.table.cell(row, "code")
	for i := range probs {
		probs[i].File, probs[i].Line, probs[i].Code = s.file, line, code
	}
	out.Problems = append(out.Problems, probs...)
}

// groupSink reads a 情形 or 一件事 sheet.
type groupSink struct {
	sheet      *groupSheet
	file       string
	table      *groupTable
	situations *situationReader
	bundles    *bundleReader
}

func (s *groupSink) header(cells []string) *catalog.Problem {
	var p *catalog.Problem
	if s.table, p = s.sheet.newTable(s.file, cells); p != nil {
		return p
	}
	if s.sheet == situationSheet {
		s.situations = newSituationReader(s.table)
	} else {
		s.bundles = newBundleReader(s.table)
	}
	return nil
}

func (s *groupSink) data(_ *catalog.Decoded, line int, row []string, beyond int) {
	cells, stray := s.table.cells(row)
	if stray == 0 {
		stray = beyond
	}
	if s.situations != nil {
		s.situations.row(line, cells, stray)
	} else {
		s.bundles.row(line, cells, stray)
	}
}

// lay places the cells of a row in a slice of width columns; cells right
// of it are left out.
func (sr *sheetReader) lay(cells []xlsxCell, width int) []string {
	row := make([]string, width)
	for _, c := range cells {
		if c.col <= width {
			row[c.col-1] = c.value
		}
	}
	return row
}

// blankCells reports whether every cell is white space.
func blankCells(cells []xlsxCell) bool {
	for _, c := range cells {
		if strings.TrimSpace(c.value) != "" {
			return false
		}
	}
	return true
}

// countCellLines counts the elements of a list cell, as cellLines splits
// it, without splitting it.
func countCellLines(s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(line) != "" {
			n++
		}
	}
	return n
}
