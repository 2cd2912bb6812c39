package interchange_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/seeds"
	"zhinan/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// openStore opens an empty store holding the seed regions: SQLite in a
// temporary data directory, or an empty PostgreSQL database when
// ZHINAN_TEST_DB names a server (see internal/testdb).
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, _ := openStoreDir(t)
	return st
}

// TestExportGolden exports one department of the seed catalogue in every
// format and compares it with the golden files in testdata/ (run with
// -update after an intended change). JSON Lines and CSV compare bytes;
// XLSX, which carries timestamps, compares the decoded values.
func TestExportGolden(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, cat.Records(), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	filter := catalog.ExportFilter{Region: "610921", Department: "汉阴县公安局"}
	for _, format := range interchange.Formats {
		t.Run(format, func(t *testing.T) {
			var got bytes.Buffer
			n, err := interchange.Export(ctx, &got, format, st, filter)
			if err != nil || n == 0 {
				t.Fatalf("export: %d items, %v", n, err)
			}
			golden := filepath.Join("testdata", "export-hanyin-police."+format)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./catalog -run TestExportGolden -update)", err)
			}
			if format != "xlsx" {
				if !bytes.Equal(got.Bytes(), want) {
					t.Fatalf("%s export differs from %s", format, golden)
				}
				return
			}
			a := interchange.DecodeXLSX(bytes.NewReader(got.Bytes()), "got.xlsx")
			b := interchange.DecodeXLSX(bytes.NewReader(want), golden)
			if len(a.Problems)+len(b.Problems) > 0 || len(a.Records) != n || len(b.Records) != n {
				t.Fatalf("xlsx: %d/%d records, problems %v %v", len(a.Records), len(b.Records), a.Problems, b.Problems)
			}
			for i := range a.Records {
				var x, y bytes.Buffer
				ex, _ := interchange.NewEncoder(&x, "jsonl")
				ey, _ := interchange.NewEncoder(&y, "jsonl")
				ex.Write(a.Records[i])
				ey.Write(b.Records[i])
				if x.String() != y.String() {
					t.Fatalf("xlsx row %d differs:\n%s\n%s", i+2, x.String(), y.String())
				}
			}
		})
	}
}
