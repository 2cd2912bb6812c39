package audit

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
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
	"time"

	"github.com/xuri/excelize/v2"

	"zhinan/catalog"
	"zhinan/seeds"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// GoldenNow is the fixed clock of the golden store: 2025-12-31 10:00 in
// China.
var goldenNow = time.Date(2025, 12, 31, 2, 0, 0, 0, time.UTC)

// goldenBatch is a run of n items of one region, department and type; the
// first full of them are 全程网办, the first online 网上可办, and so on.
type goldenBatch struct {
	region, dept, typ                                 string
	n, full, online, zero, one, immediate, hall, near int
}

// goldenBatches make a small 安康 catalogue with distinct rates: a city
// level, two counties, a department with only ex-officio items (no rate)
// and a county with only ex-officio items.
var goldenBatches = []goldenBatch{
	{"610900", "市行政审批服务局", "行政许可", 40, 6, 37, 5, 30, 8, 36, 0},
	{"610900", "市公安局", "公共服务", 25, 10, 22, 10, 20, 12, 25, 5},
	{"610900", "市城市管理执法局", "行政处罚", 6, 0, 0, 0, 0, 0, 0, 0},
	{"610902", "汉滨区民政局", "行政给付", 18, 2, 12, 2, 9, 4, 15, 10},
	{"610902", "汉滨区民政局", "公共服务", 7, 1, 3, 1, 7, 0, 2, 7},
	{"610921", "汉阴县公安局", "行政确认", 22, 9, 21, 9, 22, 11, 22, 22},
	{"610921", "汉阴县公安局", "行政检查", 5, 0, 0, 0, 0, 0, 0, 0},
	{"610923", "宁陕县自然资源局", "行政强制", 4, 0, 0, 0, 0, 0, 0, 0},
}

// goldenLines returns the golden catalogue as JSON Lines.
func goldenLines() string {
	var b strings.Builder
	seq := 0
	for _, g := range goldenBatches {
		for i := 0; i < g.n; i++ {
			seq++
			depth, visits, handling := 1, 2, "承诺件"
			switch {
			case i < g.full:
				depth = 4
			case i < g.online:
				depth = 3
			}
			switch {
			case i < g.zero:
				visits = 0
			case i < g.one:
				visits = 1
			}
			if i < g.immediate {
				handling = catalog.Immediate
			}
			line, _ := json.Marshal(map[string]any{
				"code": fmt.Sprintf("GOLD-%s-%03d", g.region, seq), "base_code": fmt.Sprintf("%012d", seq),
				"name": fmt.Sprintf("黄金事项%d", seq), "type": g.typ, "region": g.region, "department": g.dept,
				"online_depth": depth, "visits": visits, "handling": handling, "in_hall": i < g.hall, "nearby": i < g.near,
			})
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// goldenStore is a store holding the golden catalogue, imported through
// the real import path with the clock fixed at goldenNow.
func goldenStore(t testing.TB) *catalog.Store {
	t.Helper()
	ctx := context.Background()
	st, err := catalog.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return goldenNow }
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	d := catalog.DecodeJSONL(strings.NewReader(goldenLines()), "golden.jsonl")
	if len(d.Problems) > 0 {
		t.Fatal(d.Problems)
	}
	if _, err := st.Import(ctx, d, catalog.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

var goldenTargets = Targets{"one_visit_rate": 60, "online_rate": 90, "in_hall_rate": 70}

// goldenReports are the golden coverage reports by name.
func goldenReports(t testing.TB) map[string]*Coverage {
	st := goldenStore(t)
	out := map[string]*Coverage{}
	for name, req := range map[string]Request{
		"region":     {By: catalog.ByRegion},
		"city":       {By: catalog.ByRegion, Region: "610900"},
		"department": {By: catalog.ByDepartment, Region: "610900"},
		"type":       {By: catalog.ByType},
	} {
		rep, err := BuildCoverage(context.Background(), st, req, goldenTargets)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rep
	}
	return out
}

// checkGolden compares got with testdata/NAME, rewriting it under -update.
func checkGolden(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./audit -run TestCoverageGolden -update)", err)
	}
	return want
}

// TestCoverageGolden writes the golden reports in every format and
// compares them with testdata/coverage-NAME.{txt,csv,json,xlsx} (run with
// -update after an intended change). Text, CSV and JSON compare bytes;
// XLSX compares the cell values and number formats of every sheet and the
// chart.
func TestCoverageGolden(t *testing.T) {
	for name, rep := range goldenReports(t) {
		tables := rep.Tables()
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				var got bytes.Buffer
				var err error
				if format == FormatJSON {
					err = WriteJSON(&got, rep)
				} else {
					err = WriteTables(&got, format, tables)
				}
				if err != nil {
					t.Fatal(err)
				}
				ext := format
				if format == FormatTable {
					ext = "txt"
				}
				file := "coverage-" + name + "." + ext
				want := checkGolden(t, file, got.Bytes())
				if format != FormatXLSX {
					if !bytes.Equal(got.Bytes(), want) {
						t.Fatalf("%s differs from testdata/%s:\n%s", format, file, got.String())
					}
					return
				}
				a, b := xlsxDump(t, got.Bytes()), xlsxDump(t, want)
				if a != b {
					t.Fatalf("xlsx differs from testdata/%s:\n%s\nwant:\n%s", file, a, b)
				}
			})
		}
	}
}

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
// JSON's numbers in its cells: counts as integers, rates as the very
// numbers with the percent format, no rate as an empty cell.
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
				if err != nil || got != v.(float64) {
					t.Errorf("%s %s: cell %q, JSON %v", ref, col.ID, cell, v)
				}
				style, _ := f.GetCellStyle(sheet, ref)
				st, _ := f.GetStyle(style)
				if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != PercentFormat {
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
	if fmt.Sprint(rows) != "[[名称 比例 另一比例] [甲 50 25] [丙 33.33]]" {
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

func TestTextAlignsCJK(t *testing.T) {
	r := Percent(719, 787)
	tables := []Table{{
		Name:    "示例",
		Columns: []Column{{ID: "name", Label: "名称", Kind: KindText}, {ID: "n", Label: "事项数", Kind: KindInt}, {ID: "r", Label: "网上可办率", Kind: KindPercent}, {ID: "b", Label: "合计行", Kind: KindBool}},
		Rows:    [][]any{{"安康市（本级）", 787, r, false}, {"ab", 5, Rate(nil), true}},
	}}
	var b bytes.Buffer
	if err := WriteText(&b, tables); err != nil {
		t.Fatal(err)
	}
	want := "示例\n" +
		"名称            事项数  网上可办率  合计行\n" +
		"--------------  ------  ----------  ------\n" +
		"安康市（本级）     787      91.36%  否\n" +
		"ab                   5           —  是\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	for s, w := range map[string]int{"安康": 4, "ab": 2, "（）": 4, "91.36%": 6, "—": 1, "é": 1, "e\u0301": 1} {
		if got := displayWidth(s); got != w {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, w)
		}
	}
	b.Reset()
	WriteText(&b, []Table{{Name: "空", Columns: tables[0].Columns}})
	if !strings.Contains(b.String(), labelNoRows) {
		t.Errorf("empty table: %q", b.String())
	}
}

func TestCSVSections(t *testing.T) {
	one := Table{Name: "甲", Columns: []Column{{ID: "a", Label: "名称", Kind: KindText}, {ID: "r", Label: "比例", Kind: KindPercent}},
		Rows: [][]any{{"x,\"y\"", Percent(1, 3)}, {"z", Rate(nil)}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, []Table{one}); err != nil {
		t.Fatal(err)
	}
	if want := "\ufeff名称,比例（%）\n\"x,\"\"y\"\"\",33.33\nz,\n"; b.String() != want {
		t.Fatalf("one table: %q", b.String())
	}
	two := one
	two.Name = "乙"
	b.Reset()
	if err := WriteCSV(&b, []Table{one, two}); err != nil {
		t.Fatal(err)
	}
	recs := strings.Split(strings.TrimPrefix(b.String(), "\ufeff"), "\n\n")
	if len(recs) != 2 || !strings.HasPrefix(recs[0], "甲\n名称") || !strings.HasPrefix(recs[1], "乙\n名称") {
		t.Fatalf("sections: %q", b.String())
	}
	r := csv.NewReader(strings.NewReader(recs[1]))
	r.FieldsPerRecord = -1
	if all, err := r.ReadAll(); err != nil || len(all) != 4 {
		t.Fatalf("section 2: %v %v", all, err)
	}
}

// TestCSVReportNeutralisesFormulas: text cells a spreadsheet would run as
// formulas (a department or item name typed "=…", "+…", "-…", "@…", or
// starting with a tab or carriage return) get a quote before them in
// report CSV; counts and rates stay bare numbers; XLSX is left alone.
func TestCSVReportNeutralisesFormulas(t *testing.T) {
	cols := []Column{{ID: "name", Label: "名称", Kind: KindText}, {ID: "items", Label: "事项数", Kind: KindInt},
		{ID: "rate", Label: "比例", Kind: KindPercent}, {ID: "rollup", Label: "合计行", Kind: KindBool}}
	tbl := Table{Name: "=表", Columns: cols, Rows: [][]any{
		{`=HYPERLINK("http://evil.example","x")`, 3, Percent(1, 3), false},
		{"+1", 0, Percent(0, 1), true},
		{"-1", 12, Rate(nil), false},
		{"@SUM(A1)", 1, Percent(1, 1), false},
		{"\tx", 1, Percent(1, 1), false},
		{"\rx", 1, Percent(1, 1), false},
		{"普通部门", 5, Percent(2, 3), false},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, []Table{tbl}); err != nil {
		t.Fatal(err)
	}
	all, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"名称", "事项数", "比例（%）", "合计行"},
		{`'=HYPERLINK("http://evil.example","x")`, "3", "33.33", "否"},
		{"'+1", "0", "0.00", "是"},
		{"'-1", "12", "", "否"},
		{"'@SUM(A1)", "1", "100.00", "否"},
		{"'\tx", "1", "100.00", "否"},
		{"'\rx", "1", "100.00", "否"},
		{"普通部门", "5", "66.67", "否"},
	}
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Fatalf("CSV cells\n got %q\nwant %q", all, want)
	}
	b.Reset()
	if err := WriteCSV(&b, []Table{tbl, tbl}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimPrefix(b.String(), "\ufeff"), "'=表\n") {
		t.Errorf("section title not neutralised: %q", b.String()[:20])
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
