package store

import (
	"os"
	"path/filepath"
	"testing"

	"zhinan/catalog/catalogtest"
)

// TestImportTrimsWAL: once an import has swapped its items in, the
// write-ahead log it grew past walKeepBytes is truncated, and what the
// import wrote is in the database.
func TestImportTrimsWAL(t *testing.T) {
	defer func(keep int64) { walKeepBytes = keep }(walKeepBytes)
	walKeepBytes = 0
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.EnsureRegions(t.Context(), catalogtest.Regions); err != nil {
		t.Fatal(err)
	}
	wal := filepath.Join(dir, DatabaseFile) + "-wal"
	grown := func() int64 {
		t.Helper()
		fi, err := os.Stat(wal)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if grown() == 0 {
		t.Fatal("the regions left no write-ahead log: the test would see nothing")
	}
	res := mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)))
	if res.Created != 2 {
		t.Fatalf("import %+v, want 2 created", res)
	}
	if n := grown(); n != 0 {
		t.Errorf("write-ahead log of %d bytes after the import, want it truncated", n)
	}
	if n, err := st.CountItems(t.Context()); err != nil || n != 2 {
		t.Errorf("%d items (%v), want 2", n, err)
	}
}
