package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
)

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
