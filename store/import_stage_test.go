package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// countItems returns how many items the store holds.
func countItems(t *testing.T, st *Store) int {
	t.Helper()
	var n int
	if err := st.db.Raw(`SELECT COUNT(*) FROM items`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// stageFiles lists the stage files in dir.
func stageFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, stageFilePattern))
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// holdWriteLock begins a write transaction on the store's database from
// a connection of its own, as another process would (on SQLite the
// database's write lock, on PostgreSQL the sequence row's); release ends
// it.
func holdWriteLock(t *testing.T, st *Store) (release func()) {
	t.Helper()
	sqlDB, err := st.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := sqlDB.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE sequences SET value = value WHERE name = 'change'`); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			tx.Rollback()
		}
	}
	t.Cleanup(release)
	return release
}

// An import does its long work with no lock on the catalogue: while it
// stages, another writer saves at once and readers see nothing of it;
// then the swap makes every item visible together.
func TestImportLetsOthersWriteWhileStaging(t *testing.T) {
	st, dir := openTestStore(t)
	n := itemsPerBatch + 10
	var items []*catalog.Item
	for i := 0; i < n; i++ {
		items = append(items, catalogtest.GuideVariant(i))
	}
	staged := false
	testHookStaged = func() {
		staged = true
		if files := stageFiles(t, dir); len(files) != 1 {
			t.Errorf("stage files while staged: %v", files)
		}
		if got := countItems(t, st); got != 0 {
			t.Errorf("%d items visible before the swap", got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := st.SetSetting(ctx, "probe", "written during staging"); err != nil {
			t.Errorf("a write during staging: %v", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("a write during staging waited %v", d)
		}
	}
	t.Cleanup(func() { testHookStaged = nil })
	res := mustImport(t, st, catalogtest.ItemRecords(items...))
	if !staged || res.Created != n || countItems(t, st) != n {
		t.Fatalf("staged %v, result %+v, %d items stored", staged, res, countItems(t, st))
	}
	if v, _ := st.Setting(context.Background(), "probe"); v != "written during staging" {
		t.Fatalf("the write during staging was lost: %q", v)
	}
	if files := stageFiles(t, dir); len(files) != 0 {
		t.Fatalf("stage files left after the import: %v", files)
	}
}

// A swap that fails (here: the import is cancelled) leaves the catalogue
// as it was and removes its stage; the same import then succeeds.
func TestImportFailedSwapLeavesNothing(t *testing.T) {
	st, dir := openTestStore(t)
	before := exportString(t, st)
	var items []*catalog.Item
	for i := 0; i < 50; i++ {
		items = append(items, catalogtest.GuideVariant(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	testHookStaged = cancel
	t.Cleanup(func() { testHookStaged = nil })
	res, err := st.Import(ctx, catalogtest.ItemRecords(items...), ImportOptions{})
	testHookStaged = nil
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("cancelled import: %v, %+v", err, res)
	}
	if after := exportString(t, st); after != before || countItems(t, st) != 0 {
		t.Fatalf("a failed swap changed the catalogue")
	}
	if files := stageFiles(t, dir); len(files) != 0 {
		t.Fatalf("stage files left after a failed import: %v", files)
	}
	if res := mustImport(t, st, catalogtest.ItemRecords(items...)); res.Created != 50 {
		t.Fatalf("import after the failed one: %+v", res)
	}
}

// A writer that finds the write lock held by another connection gives up
// after lockWait with an error IsBusy recognises, having written nothing;
// an import's swap instead waits its turn and then commits.
func TestLockedStore(t *testing.T) {
	st, _ := openTestStore(t)
	release := holdWriteLock(t, st)

	start := time.Now()
	err := st.SetSetting(context.Background(), "k", "v")
	waited := time.Since(start)
	if !IsBusy(err) {
		t.Fatalf("write under another's lock: %v", err)
	}
	if waited < lockWait-time.Second || waited > lockWait+5*time.Second {
		t.Fatalf("the write gave up after %v, want about %v", waited, lockWait)
	}
	if IsBusy(errors.New("database is locked")) || IsBusy(nil) {
		t.Fatal("IsBusy recognises errors that are not the database's")
	}

	// The import's swap starts under the lock and commits once it is
	// released, after more than one lockWait.
	holdFor := lockWait + 2*time.Second
	testHookStaged = func() { time.AfterFunc(holdFor, release) }
	t.Cleanup(func() { testHookStaged = nil })
	start = time.Now()
	res := mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)))
	if res.Created != 2 || time.Since(start) < holdFor {
		t.Fatalf("import under another's lock: %+v after %v", res, time.Since(start))
	}
	if v, _ := st.Setting(context.Background(), "k"); v != "" {
		t.Fatalf("the refused write was stored: %q", v)
	}
}

// Open removes the stage files that killed imports left behind, once they
// are stale, and keeps those of imports that may still be running.
func TestOpenRemovesStaleStages(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "import-1.stage")
	fresh := filepath.Join(dir, "import-2.stage")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-staleStageAge - time.Minute)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale stage kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("fresh stage removed: %v", err)
	}
}

// An import is one change-log entry, written with it: who imported, what
// changed and the note. A dry run and a rejected import leave none.
func TestImportIsInTheChangeLog(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	imports := func() []ChangeEntry {
		t.Helper()
		log, err := st.ChangeLog(ctx, ChangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []ChangeEntry
		for _, e := range log {
			if e.Action == OpImport {
				out = append(out, e)
			}
		}
		return out
	}
	in := catalogtest.ItemRecords(catalogtest.GuideVariant(1), catalogtest.GuideVariant(2))
	if _, err := st.Import(ctx, in, ImportOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	bad := catalogtest.GuideVariant(3)
	bad.Type = "不是事项类型"
	if _, err := st.Import(ctx, catalogtest.ItemRecords(bad), ImportOptions{}); !errors.Is(err, ErrRejected) {
		t.Fatalf("invalid import: %v", err)
	}
	if got := imports(); len(got) != 0 {
		t.Fatalf("a dry run or a rejected import is in the change log: %+v", got)
	}
	if _, err := st.Import(ctx, in, ImportOptions{Author: "ops", Note: "导入 a.jsonl"}); err != nil {
		t.Fatal(err)
	}
	got := imports()
	if len(got) != 1 || got[0].UserName != "ops" || !strings.HasPrefix(got[0].Detail, "新增 2 项，更新 0 项") ||
		!strings.HasSuffix(got[0].Detail, "导入 a.jsonl") {
		t.Fatalf("change log of an import: %+v", got)
	}
}
