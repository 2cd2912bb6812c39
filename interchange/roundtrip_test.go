package interchange

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
	"zhinan/internal/testdb"
	"zhinan/store"
)

// openTestStore opens a real store with the regions of catalogtest:
// SQLite in a temporary data directory, or an empty PostgreSQL database when
// ZHINAN_TEST_DB names a server (see internal/testdb).
func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.OpenDB(testdb.URL(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.EnsureRegions(context.Background(), catalogtest.Regions); err != nil {
		t.Fatal(err)
	}
	return st
}

// mustImport imports d into st.
func mustImport(t *testing.T, st *store.Store, d catalog.Decoded) {
	t.Helper()
	if res, err := st.Import(context.Background(), d, store.ImportOptions{}); err != nil {
		t.Fatalf("import: %v (problems %v)", err, res)
	}
}

func TestExportImportExportIsIdentical(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			ctx := context.Background()
			st := openTestStore(t)
			minimal := &catalog.Item{Code: "MIN-1", BaseCode: "000000000001", Name: "最少<b>字段</b>事项 & 符号", Type: "公共服务", Region: "610921", Department: "汉阴县民政局"}
			mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1), catalogtest.GuideVariant(2), minimal))
			var first bytes.Buffer
			if _, err := Export(ctx, &first, format, st, catalog.ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := dir + "/export." + format
			writeFile(t, path, first.Bytes())
			d, err := DecodeFile(path, "")
			if err != nil || len(d.Problems) > 0 {
				t.Fatalf("decode export: %v %v", err, d.Problems)
			}
			st2 := openTestStore(t)
			mustImport(t, st2, d)
			var second bytes.Buffer
			if _, err := Export(ctx, &second, format, st2, catalog.ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			if format == "xlsx" {
				// An XLSX file carries timestamps; compare its values.
				d2 := DecodeXLSX(bytes.NewReader(second.Bytes()), "second.xlsx")
				a, b := itemsJSON(t, recordItems(d)), itemsJSON(t, recordItems(d2))
				if len(d2.Problems) > 0 || a != b || len(recordItems(d)) != 3 {
					t.Fatalf("xlsx values differ after a round trip: %v\n%s\n---\n%s", d2.Problems, a, b)
				}
				return
			}
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Fatalf("export → import → export differs:\n%s\n---\n%s", first.String(), second.String())
			}
		})
	}
}

// TestAskPhrasesSurviveEveryFormat: an item with ask phrases (text that
// needs escaping in a cell included) imported from each format is exported
// with the same phrases, in order, and the whole guide comes back equal.
func TestAskPhrasesSurviveEveryFormat(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			ctx := context.Background()
			it := catalogtest.GuideVariant(7)
			it.AskPhrases = []string{"房本加名字", "执照遗失补办", "证照|竖线", `C:\反斜杠`, "“引号”,逗号"}
			var file bytes.Buffer
			enc, err := NewEncoder(&file, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := enc.Write(catalog.Record{Kind: catalog.KindItem, Item: it}); err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			path := t.TempDir() + "/items." + format
			writeFile(t, path, file.Bytes())
			d, err := DecodeFile(path, "")
			if err != nil || len(d.Problems) > 0 {
				t.Fatalf("decode: %v %v", err, d.Problems)
			}
			st := openTestStore(t)
			mustImport(t, st, d)
			var out bytes.Buffer
			if n, err := Export(ctx, &out, format, st, catalog.ExportFilter{}); err != nil || n != 1 {
				t.Fatalf("export: %d items, %v", n, err)
			}
			writeFile(t, path, out.Bytes())
			back, err := DecodeFile(path, "")
			items := recordItems(back) // JSON Lines also has the department
			if err != nil || len(back.Problems) > 0 || len(items) != 1 {
				t.Fatalf("decode export: %v %v, %d items", err, back.Problems, len(items))
			}
			got := &items[0]
			if !reflect.DeepEqual(got.AskPhrases, it.AskPhrases) {
				t.Fatalf("ask phrases %q, want %q", got.AskPhrases, it.AskPhrases)
			}
			if a, b := itemsJSON(t, []catalog.Item{*got}), itemsJSON(t, []catalog.Item{*it}); a != b {
				t.Fatalf("exported guide differs:\n%s\nwant\n%s", a, b)
			}
		})
	}
}

func TestExportFilters(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	a, b := catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)
	b.Region, b.Department = "610921", "汉阴县公安局"
	mustImport(t, st, catalogtest.ItemRecords(a, b))
	for _, tc := range []struct {
		f    catalog.ExportFilter
		want int
	}{
		{catalog.ExportFilter{}, 2},
		{catalog.ExportFilter{Region: "610921"}, 1},
		{catalog.ExportFilter{Department: a.Department}, 1},
		{catalog.ExportFilter{Department: "不存在的部门"}, 0},
	} {
		var buf bytes.Buffer
		n, err := Export(ctx, &buf, "jsonl", st, tc.f)
		if err != nil || n != tc.want {
			t.Errorf("%+v: %d items, %v; want %d", tc.f, n, err, tc.want)
		}
	}
}

func recordItems(d catalog.Decoded) []catalog.Item {
	var out []catalog.Item
	for _, r := range d.Records {
		if r.Item != nil {
			out = append(out, *r.Item)
		}
	}
	return out
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func itemsJSON(t *testing.T, items []catalog.Item) string {
	t.Helper()
	var buf bytes.Buffer
	for i := range items {
		buf.Write(catalog.AppendGuide(nil, &items[i]))
		buf.WriteByte('\n')
	}
	return buf.String()
}
