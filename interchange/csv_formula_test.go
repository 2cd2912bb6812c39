package interchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// formulaCells are text values a spreadsheet would take for formulas,
// and their neighbours that must read back unchanged.
var formulaCells = []struct{ value, written string }{
	{"=HYPERLINK(\"http://evil.example\",\"点此\")", "'=HYPERLINK(\"http://evil.example\",\"点此\")"},
	{"+86 0915 123", "'+86 0915 123"},
	{"-2+3", "'-2+3"},
	{"@SUM(A1)", "'@SUM(A1)"},
	{"\tcmd", "'\tcmd"},
	{"\rcmd", "'\rcmd"},
	{"'=already quoted", "''=already quoted"},
	{"''@two quotes", "'''@two quotes"},
	{"'plain quote", "'plain quote"},
	{"'", "'"},
	{"a=b", "a=b"},
	{"普通文字", "普通文字"},
}

// TestCSVNeutralisesFormulas: CSV export puts a quote before every cell a
// spreadsheet would run as a formula; import takes exactly that quote
// away, so the items and the bytes survive a round trip.
func TestCSVNeutralisesFormulas(t *testing.T) {
	var items []*catalog.Item
	for i, fc := range formulaCells {
		it := codecMinimalItem()
		it.Code = "F-" + string(rune('A'+i))
		it.Name = fc.value
		it.Location = fc.value
		it.AskPhrases = []string{fc.value}
		items = append(items, it)
	}
	path := encodeItems(t, "csv", items)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, fc := range formulaCells {
		row := rows[i+1]
		for _, field := range []string{"name", "location"} {
			if got := row[columnIndex[field]]; got != fc.written {
				t.Errorf("%s %q written %q, want %q", field, fc.value, got, fc.written)
			}
		}
		// A list cell escapes its line breaks first ("\r" is written \r).
		if got, want := row[columnIndex["ask_phrases"]], NeutraliseCSVCell(escapeCell(fc.value)); got != want {
			t.Errorf("ask_phrases %q written %q, want %q", fc.value, got, want)
		}
	}
	d, err := DecodeFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	requireNoProblems(t, d)
	requireSameItems(t, decodedItems(t, d), items)
	again := encodeItems(t, "csv", decodedItems(t, d))
	if data2, _ := os.ReadFile(again); !bytes.Equal(data, data2) {
		t.Error("second CSV encoding differs")
	}
	// A hand-typed quote before a formula is the spreadsheet's text
	// marker: it reads as the text after it.
	hand := csvHeader + "\nA,000111222000,'=1+1,公共服务,610900,某局\n"
	d = DecodeCSV(bytes.NewReader([]byte(hand)), "hand.csv")
	requireNoProblems(t, d)
	if got := decodedItems(t, d)[0].Name; got != "=1+1" {
		t.Errorf("hand-typed '=1+1 reads %q", got)
	}
	// XLSX stores text as text: no quote there.
	x := decodeXLSXItems(t, encodeItems(t, "xlsx", items))
	requireSameItems(t, x, items)
}

// decodeXLSXItems decodes the items of an XLSX file written by encodeItems.
func decodeXLSXItems(t *testing.T, path string) []*catalog.Item {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := DecodeXLSX(f, filepath.Base(path))
	requireNoProblems(t, d)
	return decodedItems(t, d)
}

// TestCSVFormulaExportImportExport: a published guide whose texts start
// like formulas survives export → import into an empty store → export as
// the same bytes.
func TestCSVFormulaExportImportExport(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	it := catalogtest.GuideVariant(7)
	it.Name = "=HYPERLINK(\"http://evil.example\",\"办理\")"
	it.Conditions = "-1 以下情形不予受理"
	it.Location = "@大厅"
	it.Hours = "'=引号开头"
	it.ConsultPhone = "+86-0915-1234567"
	mustImport(t, st, catalogtest.ItemRecords(it))
	var first bytes.Buffer
	if _, err := Export(ctx, &first, "csv", st, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(first.Bytes(), []byte(",=HYPERLINK")) || !bytes.Contains(first.Bytes(), []byte(`"'=HYPERLINK(`)) {
		t.Fatalf("the formula is exported as it is:\n%s", first.String())
	}
	path := filepath.Join(t.TempDir(), "export.csv")
	writeFile(t, path, first.Bytes())
	d, err := DecodeFile(path, "")
	if err != nil || len(d.Problems) > 0 {
		t.Fatalf("decode export: %v %v", err, d.Problems)
	}
	if got := decodedItems(t, d)[0]; got.Name != it.Name || got.Hours != it.Hours || got.Location != it.Location {
		t.Fatalf("read back %q %q %q", got.Name, got.Hours, got.Location)
	}
	st2 := openTestStore(t)
	mustImport(t, st2, d)
	var second bytes.Buffer
	if _, err := Export(ctx, &second, "csv", st2, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("export → import → export differs:\n%s\n---\n%s", first.String(), second.String())
	}
}

// TestCSVCellQuoteIsUndoneExactly: restoreCSVCell undoes
// NeutraliseCSVCell for every value, also those starting with quotes or a
// line break, and a "\r\n" start keeps its quote after the CSV reader
// turned it into "\n".
func TestCSVCellQuoteIsUndoneExactly(t *testing.T) {
	for _, s := range []string{"", "'", "''", "a", "'a", "=", "'=", "''=", "\n", "'\n", "\nx", "-", "'-1", "+", "@", "\t", "\r", "x=1", "'''"} {
		if got := restoreCSVCell(NeutraliseCSVCell(s)); got != s {
			t.Errorf("%q → %q → %q", s, NeutraliseCSVCell(s), got)
		}
	}
	if got := restoreCSVCell("'\nx"); got != "\nx" {
		t.Errorf(`"\r\nx" written '"\r\nx", read '"\nx" → %q`, got)
	}
}

// FuzzCSVCellQuote: no written cell starts like a formula, and import
// gets every value back.
func FuzzCSVCellQuote(f *testing.F) {
	for _, s := range []string{"", "'", "=1", "''-", "\n", "a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w := NeutraliseCSVCell(s)
		if w != "" && formulaTrigger(w[0]) {
			t.Fatalf("%q written %q", s, w)
		}
		if got := restoreCSVCell(w); got != s {
			t.Fatalf("%q → %q → %q", s, w, got)
		}
	})
}
