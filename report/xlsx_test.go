package report

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxDump lists every sheet of a workbook: its name and visibility, each
// cell's raw value and number format, and its charts' XML.
func xlsxDump(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		visible, _ := f.GetSheetVisible(sheet)
		fmt.Fprintf(&b, "[%s] visible=%v\n", sheet, visible)
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				style, _ := f.GetCellStyle(sheet, cell)
				st, _ := f.GetStyle(style)
				format := ""
				if st != nil && st.CustomNumFmt != nil {
					format = *st.CustomNumFmt
				} else if st != nil && st.NumFmt != 0 {
					format = "numFmt " + strconv.Itoa(st.NumFmt)
				}
				fmt.Fprintf(&b, "%s=%q %s\n", cell, v, format)
			}
		}
	}
	parts := zipParts(t, data)
	var charts []string
	for path := range parts {
		if strings.HasPrefix(path, "xl/charts/") {
			charts = append(charts, path)
		}
	}
	sort.Strings(charts)
	for _, path := range charts {
		fmt.Fprintf(&b, "%s\n%s\n", path, parts[path])
	}
	return b.String()
}

// zipParts returns the parts of an XLSX package by path.
func zipParts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// TestCoverageXLSXEqualsJSON reads the XLSX of a report back and finds the
// JSON's numbers in its cells: counts as integers, rates as real fractions
// (the JSON's percentage / 100) with the percent format, no rate as an
// empty cell.
func TestCoverageXLSXEqualsJSON(t *testing.T) {
	rep := goldenReports(t)["region"]
	var js, xl bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(&xl, rep.Tables()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(xl.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	table := rep.Tables()[0]
	if sheet != table.Name {
		t.Fatalf("sheet %q, want %q", sheet, table.Name)
	}
	rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if len(rows) != len(doc.Rows)+1 || len(doc.Rows) < 6 {
		t.Fatalf("%d sheet rows for %d JSON rows", len(rows), len(doc.Rows))
	}
	sawNull := false
	for i, jr := range doc.Rows {
		for c, col := range table.Columns {
			cell := ""
			if c < len(rows[i+1]) {
				cell = rows[i+1][c]
			}
			ref, _ := excelize.CoordinatesToCellName(c+1, i+2)
			v, inJSON := jr[col.ID]
			switch col.Kind {
			case KindPercent:
				if v == nil {
					sawNull = true
					if cell != "" {
						t.Errorf("%s: %q for a null rate", ref, cell)
					}
					continue
				}
				got, err := strconv.ParseFloat(cell, 64)
				if err != nil || got != Fraction(v.(float64)) || got > 1 {
					t.Errorf("%s %s: cell %q, JSON %v", ref, col.ID, cell, v)
				}
				style, _ := f.GetCellStyle(sheet, ref)
				st, _ := f.GetStyle(style)
				if st == nil || st.NumFmt != percentNumFmt {
					t.Errorf("%s: not formatted as a percentage", ref)
				}
				// What a spreadsheet shows.
				shown, _ := f.GetCellValue(sheet, ref)
				if want := strconv.FormatFloat(v.(float64), 'f', 2, 64) + "%"; shown != want {
					t.Errorf("%s shows %q, want %q", ref, shown, want)
				}
			case KindInt:
				if got, err := strconv.Atoi(cell); err != nil || float64(got) != v.(float64) {
					t.Errorf("%s %s: cell %q, JSON %v", ref, col.ID, cell, v)
				}
			case KindBool:
				if want := map[bool]string{true: "是", false: "否"}[v.(bool)]; cell != want {
					t.Errorf("%s: %q, want %q", ref, cell, want)
				}
			default:
				if col.ID == "below_target" || !inJSON {
					continue
				}
				if cell != v.(string) {
					t.Errorf("%s %s: %q, JSON %q", ref, col.ID, cell, v)
				}
			}
		}
	}
	if !sawNull {
		t.Error("the golden data has no group without a rate")
	}
}

// TestXLSXLayout checks the formatting of a sheet: frozen bold header,
// fitted widths (汉字 double), the chart beside the data reading the 本级
// rows from a hidden sheet.
func TestXLSXLayout(t *testing.T) {
	rep := goldenReports(t)["region"]
	tables := rep.Tables()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tables); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := tables[0].Name
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Fatalf("header not frozen: %+v %v", panes, err)
	}
	style, _ := f.GetCellStyle(sheet, "A1")
	if st, _ := f.GetStyle(style); st == nil || st.Font == nil || !st.Font.Bold {
		t.Fatal("header not bold")
	}
	// 名称 holds 安康市（合计）: 7 汉字, 14 columns wide, plus margin.
	if w, _ := f.GetColWidth(sheet, "B"); w < 14 || w > 20 {
		t.Errorf("名称 width %v", w)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 8 || w > 12 {
		t.Errorf("分组 width %v", w)
	}
	// The charted rows: the 本级 rows with rates, here consecutive, so the
	// chart reads the table's own cells.
	var first, last int
	for i, r := range rep.Rows {
		if !r.Rollup && r.OnApplication > 0 {
			if first == 0 {
				first = i + 2
			}
			last = i + 2
		}
	}
	if l := f.GetSheetList(); len(l) != 1 || first == 0 || last-first < 2 {
		t.Fatalf("sheets %v, charted rows %d–%d", l, first, last)
	}
	parts := zipParts(t, buf.Bytes())
	chart := html.UnescapeString(parts["xl/charts/chart1.xml"])
	ref := func(col string) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheet, col, first, col, last)
	}
	for _, s := range []string{`<barDir val="bar">`, `<grouping val="clustered">`, `<varyColors val="0">`, "各地区（本级）网上可办率、最多跑一次比例、进驻率",
		ref("B"), ref("G"), ref("K"), ref("Q")} {
		if !strings.Contains(chart, s) {
			t.Errorf("chart lacks %s", s)
		}
	}
	if c := strings.Count(chart, "<ser>"); c != 3 {
		t.Errorf("%d series, want 3", c)
	}
	drawing := parts["xl/drawings/drawing1.xml"]
	col := strconv.Itoa(len(tables[0].Columns) + 1) // zero-based column of the anchor
	if !strings.Contains(drawing, "<xdr:col>"+col+"</xdr:col>") {
		t.Errorf("chart not beside the data (column %s): %.300s", col, drawing)
	}
	// The same tables give the same bytes.
	var again bytes.Buffer
	if err := WriteXLSX(&again, tables); err != nil {
		t.Fatal(err)
	}
	if xlsxDump(t, again.Bytes()) != xlsxDump(t, buf.Bytes()) {
		t.Error("two writes of the same tables differ")
	}
}

// TestChartDataSheet: a chart of rows that are not consecutive reads them
// from a hidden sheet.
func TestChartDataSheet(t *testing.T) {
	tables := []Table{{
		Name:    "表",
		Columns: []Column{{ID: "n", Label: "名称", Kind: KindText}, {ID: "r", Label: "比例", Kind: KindPercent}, {ID: "s", Label: "另一比例", Kind: KindPercent}},
		Rows:    [][]any{{"甲", Percent(1, 2), Percent(1, 4)}, {"乙（合计）", Percent(2, 3), Rate(nil)}, {"丙", Percent(1, 3), Rate(nil)}},
		Chart:   &Chart{Title: "图", LabelColumn: "n", Columns: []string{"r", "s"}, Rows: []int{0, 2}},
	}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tables); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list := f.GetSheetList()
	if len(list) != 2 || list[1] != labelChartData {
		t.Fatalf("sheets %v", list)
	}
	if v, _ := f.GetSheetVisible(list[1]); v {
		t.Error("the chart data sheet is visible")
	}
	rows, _ := f.GetRows(list[1], excelize.Options{RawCellValue: true})
	if fmt.Sprint(rows) != "[[名称 比例 另一比例] [甲 0.5 0.25] [丙 0.3333]]" {
		t.Fatalf("chart data %v", rows)
	}
	chart := html.UnescapeString(zipParts(t, buf.Bytes())["xl/charts/chart1.xml"])
	for _, s := range []string{"'图表数据'!$A$2:$A$3", "'图表数据'!$B$2:$B$3", "'图表数据'!$C$2:$C$3", "'图表数据'!$B$1"} {
		if !strings.Contains(chart, s) {
			t.Errorf("chart lacks %s", s)
		}
	}
	if idx, _ := f.GetSheetIndex("表"); idx != 0 || f.GetActiveSheetIndex() != 0 {
		t.Error("the table's sheet is not the active one")
	}
}

func TestSheetNames(t *testing.T) {
	long := strings.Repeat("长", 40)
	got := sheetNames([]Table{{Name: "a/b"}, {Name: "A/B"}, {Name: ""}, {Name: long}, {Name: long}, {Name: "'引号'"}})
	want := []string{"a_b", "A_B(2)", "Sheet3", strings.Repeat("长", 31), strings.Repeat("长", 28) + "(2)", "引号"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q", got)
	}
	// Several tables, one with a consecutive chart: no hidden sheet.
	tables := []Table{
		{Name: "一", Columns: []Column{{ID: "n", Label: "名称", Kind: KindText}, {ID: "r", Label: "比例", Kind: KindPercent}},
			Rows: [][]any{{"甲", Percent(1, 2)}, {"乙", Percent(2, 3)}}, Chart: &Chart{Title: "图", LabelColumn: "n", Columns: []string{"r"}}},
		{Name: "二", Columns: []Column{{ID: "n", Label: "名称", Kind: KindText}}},
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, tables); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenReader(&b)
	defer f.Close()
	if l := f.GetSheetList(); strings.Join(l, ",") != "一,二" {
		t.Fatalf("sheets %v", l)
	}
	if v, _ := f.GetCellValue("一", "B3"); v != "66.67%" {
		t.Fatalf("B3 %q", v)
	}
}

// TestRenderXLSX converts a coverage workbook to PDF with LibreOffice
// (testdata/render-xlsx.sh) when soffice is installed: the workbook opens
// in a spreadsheet program and prints, chart and all.
func TestRenderXLSX(t *testing.T) {
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice (LibreOffice) is not installed; see testdata/render-xlsx.sh")
	}
	if testing.Short() {
		t.Skip("rendering with LibreOffice takes seconds")
	}
	rep := goldenReports(t)["region"]
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "c.xlsx")
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rep.Tables()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xlsx, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", filepath.Join("testdata", "render-xlsx.sh"), xlsx, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("render: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "c.pdf"))
	if err != nil {
		t.Fatalf("no PDF: %v\n%s", err, out)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Fatalf("PDF of %d bytes", len(pdf))
	}
}
