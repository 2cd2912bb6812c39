package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// TestStoreSizeBytes: the size of the store is that of its SQLite files,
// or on PostgreSQL the database's, which grows with what it holds.
func TestStoreSizeBytes(t *testing.T) {
	st, dir := openTestStore(t)
	n, err := st.SizeBytes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Postgres() {
		var items []*catalog.Item
		for i := range 500 {
			items = append(items, catalogtest.GuideVariant(i))
		}
		mustImport(t, st, catalogtest.ItemRecords(items...))
		after, err := st.SizeBytes(context.Background())
		if err != nil || n == 0 || after <= n {
			t.Fatalf("PostgreSQL database size %d, after an import %d (%v)", n, after, err)
		}
		return
	}
	var want int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(filepath.Join(dir, DatabaseFile+suffix)); err == nil {
			want += fi.Size()
		}
	}
	if n != want || n == 0 {
		t.Fatalf("SizeBytes = %d, the files hold %d", n, want)
	}
}
