package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestStoreSizeBytes: the size of the store is that of its SQLite files.
func TestStoreSizeBytes(t *testing.T) {
	st, dir := openTestStore(t)
	n, err := st.SizeBytes(context.Background())
	if err != nil {
		t.Fatal(err)
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
