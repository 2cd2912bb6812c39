package interchange

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhinan/catalog"
)

func TestXLSXRoundTrip(t *testing.T) {
	items := codecItems()
	odd := codecMinimalItem()
	odd.Code = "AK-0005"
	odd.Conditions = "_x000D_ literal, tab\there, CR\rLF, “引号”, =1+1"
	odd.Hours = "  leading and trailing spaces  "
	odd.Themes = []string{"a|b", `c\d`}
	items = append(items, odd)
	path := encodeItems(t, "xlsx", items)

	t.Run("workbook", func(t *testing.T) {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		if sheet != sheetName {
			t.Errorf("sheet %q, want %q", sheet, sheetName)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("panes %+v (%v), want the header row frozen", panes, err)
		}
		styleID, err := f.GetCellStyle(sheet, "A1")
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(styleID)
		if err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("header style %+v (%v), want bold", style, err)
		}
		if v, _ := f.GetCellValue(sheet, "AL1"); v != "常见问题" {
			t.Errorf("header AL1 %q", v)
		}
		if v, _ := f.GetCellValue(sheet, "AM1"); v != "常见问法" {
			t.Errorf("last header %q", v)
		}
		// Numbers are numeric cells (no type attribute), text is text.
		col, _ := excelize.ColumnNumberToName(columnIndex["legal_days"] + 1)
		if typ, _ := f.GetCellType(sheet, col+"2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("legal_days cell type %v, want number", typ)
		}
		if typ, _ := f.GetCellType(sheet, "A2"); typ != excelize.CellTypeInlineString {
			t.Errorf("code cell type %v, want text", typ)
		}
	})

	d, err := DecodeFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	requireNoProblems(t, d)
	requireSameItems(t, decodedItems(t, d), items)
	for i, r := range d.Records {
		if r.Line != i+2 {
			t.Errorf("record %d on row %d", i, r.Line)
		}
	}
}

func TestDecodeXLSXNotAWorkbook(t *testing.T) {
	valid, err := os.ReadFile(encodeItems(t, "xlsx", []*catalog.Item{codecMinimalItem()}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		data     []byte
		fragment string
	}{
		{"text", []byte("实施编码,基本编码\n"), "不是有效的 XLSX 工作簿"},
		{"empty", nil, "不是有效的 XLSX 工作簿"},
		{"truncated zip", valid[:len(valid)/2], "不是有效的 XLSX 工作簿"},
		{"old xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), ".xls"},
		{"too large", make([]byte, MaxFileBytes+1), "上限"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecodeXLSX(bytes.NewReader(tt.data), "x.xlsx")
			if len(d.Records) != 0 || len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, tt.fragment) || d.Problems[0].File != "x.xlsx" {
				t.Fatalf("records %d problems %+v, want one containing %q", len(d.Records), d.Problems, tt.fragment)
			}
		})
	}
}

// TestDecodeXLSXHandMade reads a workbook made the way a user would: shared
// strings, numbers typed as numbers and formatted, booleans, a blank row,
// a second sheet that is ignored.
func TestDecodeXLSXHandMade(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	header := []any{"实施编码", "基本编码", "事项名称", "事项类型", "行政区划代码", "实施主体", "法定办结时限", "是否进驻政务大厅", "申请材料", "受理条件"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow(sheet, "A2", &[]any{"A", "000111222000", "事项甲", "公共服务", 610900, "某局", 30, true, "申请表 | 必要 | 原件 | 2\n身份证", "条件\n第二行"}); err != nil {
		t.Fatal(err)
	}
	// Row 3 blank; row 4 with a formatted number and problems.
	if err := f.SetSheetRow(sheet, "A4", &[]any{"B", "000111222000", "事项乙", "公共服务", "610900", "某局", 20, "是"}); err != nil {
		t.Fatal(err)
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	f.SetCellStyle(sheet, "G4", "G4", style)
	if err := f.SetSheetRow(sheet, "A5", &[]any{"C", "000111222000", "事项丙", "公共服务", "610900", "某局", "二十", "也许"}); err != nil {
		t.Fatal(err)
	}
	set("L5", "beyond the header")
	f.NewSheet("说明")
	f.SetCellValue("说明", "A1", "ignored")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	d := DecodeXLSX(&buf, "hand.xlsx")

	want := []*catalog.Item{
		{Code: "A", BaseCode: "000111222000", Name: "事项甲", Type: "公共服务", Region: "610900", Department: "某局",
			LegalDays: catalog.Int(30), InHall: catalog.Bool(true), Conditions: "条件\n第二行",
			Materials: []catalog.Material{{Name: "申请表", Required: "必要", Form: "原件", Copies: catalog.Int(2)}, {Name: "身份证"}}},
		{Code: "B", BaseCode: "000111222000", Name: "事项乙", Type: "公共服务", Region: "610900", Department: "某局",
			LegalDays: catalog.Int(20), InHall: catalog.Bool(true)},
	}
	requireSameItems(t, decodedItems(t, d), want)
	if d.Records[0].Line != 2 || d.Records[1].Line != 4 {
		t.Errorf("rows %d %d, want 2 4", d.Records[0].Line, d.Records[1].Line)
	}
	var got []string
	for _, p := range d.Problems {
		got = append(got, p.Field)
		if p.Line != 5 || p.Code != "C" {
			t.Errorf("problem %+v, want row 5 of item C", p)
		}
	}
	if !reflect.DeepEqual(got, []string{"legal_days", "in_hall", ""}) {
		t.Errorf("problem fields %q", got)
	}
}

func TestDecodeXLSXHeaderProblems(t *testing.T) {
	tests := []struct {
		name     string
		rows     [][]any
		fragment string
	}{
		{"empty sheet", nil, "文件为空"},
		{"unknown column", [][]any{{"实施编码", "基本编码", "事项名称", "事项类型", "行政区划代码", "实施主体", "颜色"}, {"A"}}, "“颜色”"},
		{"missing columns", [][]any{{"实施编码", "事项名称"}, {"A", "x"}}, "基本编码（base_code）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := excelize.NewFile()
			for i, row := range tt.rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				f.SetSheetRow("Sheet1", cell, &row)
			}
			var buf bytes.Buffer
			f.WriteTo(&buf)
			d := DecodeXLSX(&buf, "h.xlsx")
			if len(d.Records) != 0 || len(d.Problems) != 1 || d.Problems[0].Line != 1 || !strings.Contains(d.Problems[0].Message, tt.fragment) {
				t.Fatalf("records %d problems %+v, want one on row 1 with %q", len(d.Records), d.Problems, tt.fragment)
			}
		})
	}
}

func TestXLSXEncoderRefusesWhatACellCannotHold(t *testing.T) {
	long := codecMinimalItem()
	long.Conditions = strings.Repeat("条", 32768)
	control := codecMinimalItem()
	control.Name = "bell\a"
	tests := []struct {
		name     string
		it       *catalog.Item
		fragment string
	}{
		{"too long", long, "32767"},
		{"control character", control, "控制字符"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := NewEncoder(io.Discard, "xlsx")
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			err = enc.Write(catalog.Record{Item: tt.it})
			if err == nil || !strings.Contains(err.Error(), tt.fragment) || !strings.Contains(err.Error(), tt.it.Code) {
				t.Fatalf("error %v, want one naming the item and %q", err, tt.fragment)
			}
		})
	}
}

func TestXLSXEncoderSkipsOtherRecordsAndWritesHeaderOnly(t *testing.T) {
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, "xlsx")
	if err := enc.Write(catalog.Record{Kind: catalog.KindRegion, Region: &catalog.Region{Code: "610900", Name: "安康市", Level: "市"}}); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "empty.xlsx")
	os.WriteFile(path, buf.Bytes(), 0o644)
	d, err := DecodeFile(path, "")
	if err != nil || len(d.Records) != 0 || len(d.Problems) != 0 {
		t.Fatalf("records %d problems %+v err %v, want an empty valid workbook", len(d.Records), d.Problems, err)
	}
	if err := enc.Write(catalog.Record{Item: codecMinimalItem()}); err == nil {
		t.Error("write after close: no error")
	}
}

// BenchmarkXLSXEncode measures streaming rows into a workbook; memory per
// row stays flat because rows go to a temporary file.
func BenchmarkXLSXEncode(b *testing.B) {
	it := codecRichItem()
	enc, err := NewEncoder(io.Discard, "xlsx")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := enc.Write(catalog.Record{Item: it}); err != nil {
			b.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		b.Fatal(err)
	}
}
