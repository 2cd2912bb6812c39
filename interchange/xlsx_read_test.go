package interchange

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhinan/catalog"
)

// The workbook reader against hostile and unusual workbooks, built part by
// part.

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`

// part is one file of a hand-made workbook; body, when set, writes its
// content in pieces (a large part is never held whole).
type part struct {
	name    string
	content string
	body    func(w func(string))
}

// basicParts are the parts of a one-sheet workbook, the worksheet and the
// shared strings left to the caller.
func basicParts() []part {
	return []part{
		{name: "[Content_Types].xml", content: xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`},
		{name: "_rels/.rels", content: xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", content: xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="事项" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", content: xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
	}
}

func zipParts(t testing.TB, parts []part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if p.body != nil {
			p.body(func(s string) { w.Write([]byte(s)) })
		} else {
			w.Write([]byte(p.content))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	sheetHead = xmlHead + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// inlineCell is a cell holding text inline.
func inlineCell(s string) string { return `<c t="inlineStr"><is><t>` + s + `</t></is></c>` }

// headerRow is a header row of the required columns and more.
func headerRow(more ...string) string {
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for _, h := range append([]string{"实施编码", "基本编码", "事项名称", "事项类型", "行政区划代码", "实施主体"}, more...) {
		b.WriteString(inlineCell(h))
	}
	b.WriteString(`</row>`)
	return b.String()
}

// requiredCells are the required cells of item i of a row.
func requiredCells(i int) string {
	return inlineCell(fmt.Sprintf("Z-%d", i)) + inlineCell("000111222000") + inlineCell("事项") +
		inlineCell("行政许可") + `<c><v>610900</v></c>` + inlineCell("某局")
}

// sharedStringsPart holds the given shared strings.
func sharedStringsPart(strs ...string) part {
	var b strings.Builder
	b.WriteString(xmlHead + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, s := range strs {
		b.WriteString(`<si><t xml:space="preserve">` + s + `</t></si>`)
	}
	b.WriteString(`</sst>`)
	return part{name: "xl/sharedStrings.xml", content: b.String()}
}

// sheetPart streams a worksheet of the header and rows data rows.
func sheetPart(header string, rows int, row func(i int) string) part {
	return part{name: "xl/worksheets/sheet1.xml", body: func(w func(string)) {
		w(sheetHead + header)
		for i := range rows {
			w(fmt.Sprintf(`<row r="%d">`, i+2) + row(i) + `</row>`)
		}
		w(sheetTail)
	}}
}

func oneProblem(t *testing.T, d catalog.Decoded, fragment string) catalog.Problem {
	t.Helper()
	for _, p := range d.Problems {
		if strings.Contains(p.Message, fragment) {
			return p
		}
	}
	t.Fatalf("no problem with %q among %d (first %v), %d records", fragment, len(d.Problems), d.Problems[:min(3, len(d.Problems))], len(d.Records))
	return catalog.Problem{}
}

// TestDecodeXLSXRefusesWhatUnzipsTooLarge: the sizes the archive declares
// are added up before anything is read; above MaxXLSXUnzippedBytes the
// workbook is one problem, however small the file.
func TestDecodeXLSXRefusesWhatUnzipsTooLarge(t *testing.T) {
	raw := func(declared uint64, content string) []byte {
		var body bytes.Buffer
		fw, _ := flate.NewWriter(&body, flate.BestCompression)
		fw.Write([]byte(content))
		fw.Close()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range append(basicParts(), sharedStringsPart("x")) {
			w, _ := zw.Create(p.name)
			w.Write([]byte(p.content))
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CompressedSize64: uint64(body.Len()), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body.Bytes())
		zw.Close()
		return buf.Bytes()
	}
	d := DecodeXLSX(bytes.NewReader(raw(MaxXLSXUnzippedBytes+1, sheetHead+sheetTail)), "bomb.xlsx")
	if p := oneProblem(t, d, "解压后超过 256 MiB"); len(d.Problems) != 1 || len(d.Records) != 0 || p.File != "bomb.xlsx" {
		t.Fatalf("problems %+v records %d", d.Problems, len(d.Records))
	}

	// An archive that understates a size is cut off where it said it ends.
	rows := sheetHead + headerRow() + strings.Repeat(`<row>`+requiredCells(1)+`</row>`, 20000) + sheetTail
	d = DecodeXLSX(bytes.NewReader(raw(4096, rows)), "lie.xlsx")
	if len(d.Problems) != 1 || len(d.Records) > 20 || !strings.Contains(d.Problems[0].Message, "无法读取工作表") {
		t.Fatalf("understated size: problems %+v records %d", d.Problems, len(d.Records))
	}

	// So many files is no workbook.
	many := basicParts()
	for i := range xlsxMaxFiles {
		many = append(many, part{name: fmt.Sprintf("xl/media/%d.bin", i)})
	}
	d = DecodeXLSX(bytes.NewReader(zipParts(t, many)), "many.xlsx")
	oneProblem(t, d, "内部文件")
}

// TestDecodeXLSXSharedStringAmplification: a cell refers to a shared
// string by number, so a few bytes of worksheet can stand for 32,767
// characters in every row. A list cell with more elements than a guide may
// have is a problem before it is split, a row over MaxRecordBytes of text
// is a problem, and reading stops once the rows read hold
// MaxXLSXUnzippedBytes of text: what a small file can make the reader
// build is bounded.
func TestDecodeXLSXSharedStringAmplification(t *testing.T) {
	// 1,638 materials in one shared string, in every row.
	materialsCell := strings.Repeat("材料甲 | 必要 | 原件 | 1\n", 1638)
	data := zipParts(t, append(basicParts(), sharedStringsPart(materialsCell),
		sheetPart(headerRow("申请材料"), 500, func(i int) string { return requiredCells(i) + `<c t="s"><v>0</v></c>` })))
	if len(data) > 16<<10 {
		t.Fatalf("the workbook takes %d bytes", len(data))
	}
	d := DecodeXLSX(bytes.NewReader(data), "sst.xlsx")
	if len(d.Records) != 0 || len(d.Problems) != 500 {
		t.Fatalf("records %d, problems %d", len(d.Records), len(d.Problems))
	}
	if p := d.Problems[499]; p.Line != 501 || p.Field != "materials" || p.Code != "Z-499" || p.Message != "不能超过100项，实为1638项" {
		t.Fatalf("problem %+v", p)
	}

	// Seven cells of 149,000 bytes in every row: each row holds just under
	// MaxRecordBytes, and the rows together pass MaxXLSXUnzippedBytes
	// after some 257 rows.
	long := strings.Repeat("长", 149000/3)
	columns := []string{"受理条件", "必须现场办理原因", "办理地点", "办理时间", "咨询电话", "监督投诉电话", "通办范围"}
	data = zipParts(t, append(basicParts(), sharedStringsPart(long, "短"),
		sheetPart(headerRow(columns...), 400, func(i int) string {
			return requiredCells(i) + strings.Repeat(`<c t="s"><v>0</v></c>`, len(columns))
		})))
	d = DecodeXLSX(bytes.NewReader(data), "text.xlsx")
	p := oneProblem(t, d, "合计超过 256 MiB")
	if want := MaxXLSXUnzippedBytes/(7*len(long)+len("事项行政许可某局Z-000111222000610900")) + 2; p.Line < want-2 || p.Line > want+1 ||
		len(d.Records) != p.Line-2 || len(d.Problems) != 1 {
		t.Fatalf("stopped on row %d (want about %d), %d records, problems %+v", p.Line, want, len(d.Records), d.Problems)
	}
	if d.Records[0].Item.Conditions != long || d.Records[0].Item.Scope != long {
		t.Fatal("the long cells were not read")
	}

	// A row of more than MaxRecordBytes of text is skipped.
	data = zipParts(t, append(basicParts(), sharedStringsPart(long, "短"),
		sheetPart(headerRow(columns...), 3, func(i int) string {
			if i == 1 {
				return requiredCells(i) + strings.Repeat(`<c t="s"><v>0</v></c>`, 7) + `<c r="AZ3" t="s"><v>0</v></c>`
			}
			return requiredCells(i) + `<c t="s"><v>1</v></c>`
		})))
	d = DecodeXLSX(bytes.NewReader(data), "row.xlsx")
	if len(d.Records) != 2 || len(d.Problems) != 1 || d.Problems[0].Line != 3 || !strings.Contains(d.Problems[0].Message, "超过单条记录") {
		t.Fatalf("records %d problems %+v", len(d.Records), d.Problems)
	}
}

// TestDecodeXLSXCellsRightOfTheHeader: a cell far right of the header (at
// XFD) is one problem for its row and is not kept; a cell beyond the last
// column of a worksheet makes the sheet unreadable.
func TestDecodeXLSXCellsRightOfTheHeader(t *testing.T) {
	data := zipParts(t, append(basicParts(), sharedStringsPart("x"),
		sheetPart(headerRow(), 2000, func(i int) string {
			return requiredCells(i) + fmt.Sprintf(`<c r="XFD%d" t="s"><v>0</v></c><c r="XFC%[1]d"><v>1</v></c>`, i+2)
		})))
	d := DecodeXLSX(bytes.NewReader(data), "wide.xlsx")
	if len(d.Records) != 0 || len(d.Problems) != 2000 {
		t.Fatalf("records %d problems %d", len(d.Records), len(d.Problems))
	}
	if p := d.Problems[7]; p.Line != 9 || p.Code != "Z-7" || p.Message != "第16384列有内容但没有表头" {
		t.Fatalf("problem %+v", p)
	}
	data = zipParts(t, append(basicParts(), sheetPart(headerRow(), 1, func(int) string { return `<c r="XFE2"><v>1</v></c>` })))
	d = DecodeXLSX(bytes.NewReader(data), "beyond.xlsx")
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, "XFE2") || d.Problems[0].Line != 2 {
		t.Fatalf("problems %+v", d.Problems)
	}
	data = zipParts(t, append(basicParts(), part{name: "xl/worksheets/sheet1.xml",
		content: sheetHead + headerRow() + `<row r="1048576">` + requiredCells(1) + `</row><row r="1048577">` + requiredCells(2) + `</row>` + sheetTail}))
	d = DecodeXLSX(bytes.NewReader(data), "rows.xlsx")
	if p := oneProblem(t, d, "行号超过工作表 1048576 行"); p.Line != 1048577 || len(d.Records) != 1 || d.Records[0].Line != 1048576 {
		t.Fatalf("problem %+v, records %d", p, len(d.Records))
	}
}

// TestDecodeXLSXReadsCellsAsExcelize: values are read as excelize reads
// them unformatted — shared strings with rich text runs and phonetic
// readings, inline strings, _xHHHH_ escapes, formula results, booleans,
// errors, numbers with a number format, cells and rows without a
// reference — in a workbook whose first sheet is not sheet1.xml and whose
// parts are named in other letter cases, with absolute targets.
func TestDecodeXLSXReadsCellsAsExcelize(t *testing.T) {
	sst := xmlHead + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">` +
		`<si><t>实施编码</t></si>` +
		`<si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="preserve">文本 </t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si>` +
		`<si><t>_x000D_换行_x005F_x000D_与_x0041__xD800_尾&amp;&lt;</t></si>` +
		`</sst>`
	header := `<row r="1"><c r="A1" t="s"><v>0</v></c>` + `<c r="B1" t="inlineStr"><is><t>基本编码</t></is></c>` +
		`<c t="inlineStr"><is><t>事项名称</t></is></c><c t="inlineStr"><is><t>事项类型</t></is></c>` +
		`<c t="inlineStr"><is><t>行政区划代码</t></is></c><c t="inlineStr"><is><t>实施主体</t></is></c>` +
		`<c t="inlineStr"><is><t>受理条件</t></is></c><c t="inlineStr"><is><t>办理地点</t></is></c>` +
		`<c t="inlineStr"><is><t>办理时间</t></is></c><c t="inlineStr"><is><t>法定办结时限</t></is></c>` +
		`<c t="inlineStr"><is><t>是否进驻政务大厅</t></is></c><c t="inlineStr"><is><t>咨询电话</t></is></c></row>`
	row := `<row><c t="str"><f>A1</f><v>X-1</v></c><c><v>111222333000</v></c>` +
		`<c t="s"><v>1</v></c><c t="inlineStr"><is><r><t>行政</t></r><r><t>许可</t></r></is></c>` +
		`<c s="1"><v>610900</v></c><c t="inlineStr"><is><t>某_x005F_局</t></is></c>` +
		`<c t="s"><v> 2 </v></c><c t="e"><v>#N/A</v></c><c t="inlineStr"><v>直接值</v></c>` +
		`<c s="1"><v>20</v></c><c t="b"><v>1</v></c><c t="n"><v>1.5E3</v></c></row>`
	parts := []part{
		{name: "[Content_Types].xml", content: xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/SharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`},
		{name: "_rels/.rels", content: basicParts()[1].content},
		{name: "xl/workbook.xml", content: xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="2" r:id="rId7"/><sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", content: xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="SharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.cn/" TargetMode="External"/></Relationships>`},
		{name: "xl/styles.xml", content: xmlHead + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>`},
		{name: "xl/SharedStrings.xml", content: sst},
		{name: "xl/worksheets/sheet1.xml", content: sheetHead + `<row r="1"><c t="inlineStr"><is><t>不是这张表</t></is></c></row>` + sheetTail},
		{name: "xl/worksheets/sheet2.xml", content: sheetHead + header + row + sheetTail},
	}
	data := zipParts(t, parts)

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := f.GetRows("数据", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 || want[1][2] != "富文本 " || want[1][6] != "\r换行_x000D_与A尾&<" {
		t.Fatalf("excelize reads %q", want)
	}
	d := DecodeXLSX(bytes.NewReader(data), "cells.xlsx")
	requireNoProblems(t, d)
	if len(d.Records) != 1 {
		t.Fatalf("records %d", len(d.Records))
	}
	it := d.Records[0].Item
	got := []string{it.Code, it.BaseCode, it.Name, it.Type, it.Region, it.Department, it.Conditions, it.Location, it.Hours,
		fmt.Sprint(*it.LegalDays), fmt.Sprint(*it.InHall), it.ConsultPhone}
	wantRow := slices.Clone(want[1])
	wantRow[9], wantRow[10] = "20", "true"
	if !slices.Equal(got, wantRow) || d.Records[0].Line != 2 {
		t.Fatalf("decoded %q on row %d\nexcelize   %q", got, d.Records[0].Line, wantRow)
	}
}

// TestUnescapeXstring: the _xHHHH_ escapes as excelize decodes them.
func TestUnescapeXstring(t *testing.T) {
	for in, want := range map[string]string{
		"plain":               "plain",
		"_x000D_":             "\r",
		"a_x000d_b":           "a\rb",
		"_x005F_x000D_":       "_x000D_",
		"_x005F_":             "_",
		"_x00_":               "_x00_",
		"_xZZZZ_":             "_xZZZZ_",
		"_x0041__x0042_":      "AB",
		"_xD800_":             "",
		"__x0041_":            "_A",
		"_x004":               "_x004",
		"表_x4E2D_文":           "表中文",
		"_x005F_x005F_x0041_": "_x005FA",
	} {
		if got := unescapeXstring(in); got != want {
			t.Errorf("unescapeXstring(%q) = %q, want %q", in, got, want)
		}
	}
}
