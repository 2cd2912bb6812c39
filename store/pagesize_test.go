package store

import (
	"context"
	"path/filepath"
	"testing"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"zhinan/catalog/catalogtest"
)

// TestDatabasePageSize: a new data directory's database has pages of
// pageSize bytes and is in WAL mode; a database made before with SQLite's
// default pages opens as it is, and imports into it as into a new one. An
// import into either stages its items and swaps them in.
func TestDatabasePageSize(t *testing.T) {
	ctx := context.Background()
	pragma := func(st *Store, name string) string {
		t.Helper()
		var v string
		if err := st.db.Raw("PRAGMA " + name).Scan(&v).Error; err != nil {
			t.Fatal(err)
		}
		return v
	}
	older := t.TempDir()
	db, err := gorm.Open(sqlite.Open("file:"+filepath.Join(older, DatabaseFile)+"?_journal_mode=WAL"), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("CREATE TABLE made_before (x INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
	for _, c := range []struct {
		dir, pageSize string
	}{{t.TempDir(), "16384"}, {older, "4096"}} {
		st, err := Open(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := pragma(st, "page_size"); got != c.pageSize {
			t.Errorf("%s: page size %s, want %s", c.dir, got, c.pageSize)
		}
		if got := pragma(st, "journal_mode"); got != "wal" {
			t.Errorf("%s: journal mode %s, want wal", c.dir, got)
		}
		if err := st.EnsureRegions(ctx, catalogtest.Regions); err != nil {
			t.Fatal(err)
		}
		res := mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)))
		if res.Created != 2 {
			t.Errorf("%s: import %+v, want 2 created", c.dir, res)
		}
		if n, err := st.CountItems(ctx); err != nil || n != 2 {
			t.Errorf("%s: %d items (%v), want 2", c.dir, n, err)
		}
		st.Close()
	}
}
