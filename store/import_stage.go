package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zhinan/catalog"
)

// An import writes its items in two steps, so that a long import holds
// the catalogue's write lock only for a short while and stays
// all-or-nothing:
//
//  1. stage: with no transaction open on the catalogue, the items that are
//     new or differ from their published edition get their canonical guide
//     JSON, digest and classification columns, written to a scratch SQLite
//     file in the data directory (the stage). This is most of an import's
//     work; other writers (saves, logins) go on meanwhile.
//  2. swap: one transaction of the catalogue copies the staged rows into
//     editions and items with INSERT … SELECT, supersedes the editions they
//     replace and advances the change sequence. It either commits whole or
//     leaves the catalogue as it was; a killed import leaves a stage file
//     behind, which the next Open removes once it is stale.
//
// Which items are unchanged is decided against the catalogue as it was
// when staging began; edition numbers and item counts are taken at the
// swap, so a concurrent edit is never overwritten by a stale number.

// stageFilePattern names stage files in the data directory.
const stageFilePattern = "import-*.stage"

// staleStageAge is the age after which a stage file left in the data
// directory (by a killed import) is removed by Open: a running import
// writes its stage file continuously and swaps within seconds after.
const staleStageAge = time.Hour

// stageColumns are the columns of the staged table, small ones first so
// that the swap's joins read them without reading the guide: an item's
// identity, its department's name and its edition's type and
// classification columns.
var stageColumns = append(append([]string{"ord", "code", "base_code", "name", "region", "department", "type",
	"on_application"}, editionFlagColumns...), "digest", "guide")

// stageTable creates the staged table: stageColumns, the booleans
// BOOLEAN, ord the key, the rest TEXT.
var stageTable = func() string {
	defs := make([]string, len(stageColumns))
	for i, c := range stageColumns {
		switch stageColumnKind(c) {
		case "ord":
			defs[i] = c + " BIGINT PRIMARY KEY"
		case "bool":
			defs[i] = c + " BOOLEAN NOT NULL"
		default:
			defs[i] = c + " TEXT NOT NULL"
		}
	}
	return "CREATE TABLE staged (\n\t" + strings.Join(defs, ",\n\t") + ")"
}()

// stageColumnKind is "ord" for the key, "bool" for the booleans and
// "text" for the other staged columns.
func stageColumnKind(c string) string {
	switch {
	case c == "ord":
		return "ord"
	case c == "on_application" || slices.Contains(editionFlagColumns, c):
		return "bool"
	}
	return "text"
}

// itemConflict makes the swap's INSERT of an item that exists update it:
// every column but the code and created_at takes the new value.
var itemConflict = func() string {
	var set []string
	for _, c := range itemColumns {
		if c != "code" && c != "created_at" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return " ON CONFLICT (code) DO UPDATE SET " + strings.Join(set, ", ")
}()

// testHookStaged, when set by a test, runs between the two steps.
var testHookStaged func()

// itemStage is the stage of an import: the file holding the staged rows
// and how many there are.
type itemStage struct {
	path string
	rows int
}

// remove deletes the stage file.
func (st *itemStage) remove() {
	if st != nil && st.path != "" {
		os.Remove(st.path)
	}
}

// removeStaleStages deletes the stage files of imports that were killed
// (see staleStageAge).
func removeStaleStages(dir string) {
	paths, _ := filepath.Glob(filepath.Join(dir, stageFilePattern))
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > staleStageAge {
			os.Remove(p)
		}
	}
}

// stageItems writes the valid item records that are new or changed to a
// stage file and counts the unchanged ones in res. Records are let go of
// (recs[i] cleared) once written. With nothing to write it returns a stage
// of no rows and no file.
func (s *Store) stageItems(ctx context.Context, recs []catalog.Record, res *ImportResult) (*itemStage, error) {
	if len(recs) == 0 {
		return &itemStage{}, nil
	}
	existing, err := loadExistingItems(s.db.WithContext(ctx), recs)
	if err != nil {
		return nil, err
	}
	unchanged := unchangedItems(recs, existing)
	var todo []int // indexes in recs of the items written, in input order
	for i := range recs {
		if unchanged[i] {
			res.Unchanged++
			recs[i] = catalog.Record{}
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return &itemStage{}, nil
	}

	dir := s.dir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, stageFilePattern)
	if err != nil {
		return nil, fmt.Errorf("create import stage: %w", err)
	}
	f.Close()
	st := &itemStage{path: f.Name(), rows: len(todo)}
	if err := writeStage(ctx, st.path, recs, todo); err != nil {
		st.remove()
		return nil, err
	}
	return st, nil
}

// writeStage writes the records recs[todo[k]] to the stage file path as
// rows ord = k+1, in one transaction of the stage alone.
func writeStage(ctx context.Context, path string, recs []catalog.Record, todo []int) error {
	// The stage is scratch: no journal, no syncing. A crash loses only it.
	db, err := gorm.Open(sqlite.Open("file:"+path+"?_journal_mode=OFF&_synchronous=OFF"), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		return fmt.Errorf("open import stage: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	sqlDB.SetMaxOpenConns(1)
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(stageTable).Error; err != nil {
			return fmt.Errorf("create import stage: %w", err)
		}
		return stageRows(tx, recs, todo)
	})
}

// stageBatch is a batch of staged rows ready to be written: those of the
// records whose indexes are todo[from:to].
type stageBatch struct {
	from, to int
	rows     []editionRow // the classification columns, digest and guide
	arena    []byte       // holds the rows' Guide
}

// stageRows writes the staged rows batch by batch. Batches are built on a
// goroutine, one ahead of the one written; it is stopped and waited for
// when writing fails. The canonical JSON of a batch's guides is written
// into an arena of the batch, reused once the batch is written: at most
// three batches are in flight (one built, one waiting, one written).
func stageRows(tx *gorm.DB, recs []catalog.Record, todo []int) error {
	batches := make(chan stageBatch, 1)
	arenas := make(chan []byte, 3)
	stop, done := make(chan struct{}), make(chan struct{})
	defer func() {
		close(stop)
		<-done
	}()
	go func() {
		defer close(done)
		defer close(batches)
		for from := 0; from < len(todo); from += itemsPerBatch {
			var arena []byte
			select {
			case <-stop:
				return
			case arena = <-arenas:
			default:
			}
			to := min(from+itemsPerBatch, len(todo))
			b := stageBatch{from: from, to: to, rows: make([]editionRow, 0, to-from)}
			for k := from; k < to; k++ {
				it := recs[todo[k]].Item
				start := len(arena)
				arena = catalog.AppendGuide(arena, it)
				guide := arena[start:]
				// The guide shares the arena's memory; the arena is not
				// written again before the batch is (see arenaString).
				b.rows = append(b.rows, editionOf(it, arenaString(guide), digest(guide), 0, "", 0, time.Time{}))
			}
			b.arena = arena
			select {
			case batches <- b:
			case <-stop:
				return
			}
		}
	}()
	w := newRowInserter(tx, "staged", stageColumns, "")
	defer w.close()
	for b := range batches {
		err := w.insert(len(b.rows), func(i int, args []any) []any {
			e := &b.rows[i]
			it := recs[todo[b.from+i]].Item
			args = append(args, b.from+i+1, e.ItemCode, it.BaseCode, it.Name, e.Region, it.Department, e.Type,
				e.OnApplication)
			return append(append(args, e.flags()...), e.Digest, e.Guide)
		})
		if err != nil {
			return fmt.Errorf("stage items: %w", err)
		}
		for _, i := range todo[b.from:b.to] {
			recs[i] = catalog.Record{}
		}
		clear(b.rows)
		arenas <- b.arena[:0]
	}
	return nil
}

// swapStaged copies the staged rows (dialect.stagedTable) into the
// catalogue inside the swap transaction tx: it creates the departments
// the items name that do not exist, supersedes the published
// editions of the staged items, inserts their new published editions and
// inserts or updates their item rows, with change sequence numbers in
// input order.
func swapStaged(tx *gorm.DB, st *itemStage, now time.Time, author, note string, res *ImportResult) error {
	if st.rows == 0 {
		return nil
	}
	staged := dialectOf(tx).stagedTable()
	if err := createNamedDepartments(tx, staged, res); err != nil {
		return err
	}
	var updated int
	if err := tx.Raw(`SELECT COUNT(*) FROM ` + staged + ` s JOIN items m ON m.code = s.code`).Scan(&updated).Error; err != nil {
		return fmt.Errorf("count updated items: %w", err)
	}
	res.Updated += updated
	res.Created += st.rows - updated
	first, err := nextSeq(tx, st.rows)
	if err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ?
		WHERE state = ? AND item_code IN (SELECT code FROM `+staged+`)`,
		catalog.StateSuperseded, now, catalog.StatePublished).Error; err != nil {
		return fmt.Errorf("supersede editions: %w", err)
	}
	// An item's new edition follows its latest one as the swap finds it.
	from := ` FROM ` + staged + ` s
		JOIN departments d ON d.region = s.region AND d.name = s.department
		LEFT JOIN items m ON m.code = s.code`
	if err := tx.Exec(`INSERT INTO editions (`+strings.Join(editionColumns, ", ")+`)
		SELECT s.code, COALESCE(m.latest, 0) + 1, ?, s.guide, s.digest, ?, ?, ?, '', ?, NULL, ?, NULL, `+
		columnList("s.", editionDerivedColumns, map[string]string{"department_id": "d.id"})+from+` ORDER BY s.ord`,
		catalog.StatePublished, note, author, author, now, now).Error; err != nil {
		return fmt.Errorf("insert editions: %w", err)
	}
	// WHERE true: SQLite's parser needs it before ON CONFLICT after a join.
	if err := tx.Exec(`INSERT INTO items (`+strings.Join(itemColumns, ", ")+`)
		SELECT s.code, s.base_code, s.name, s.region, d.id, COALESCE(m.latest, 0) + 1,
			COALESCE(m.latest, 0) + 1, CAST(? AS BIGINT) + s.ord - 1, ?, ?`+from+` WHERE true ORDER BY s.ord`+itemConflict,
		first, now, now).Error; err != nil {
		return fmt.Errorf("store items: %w", err)
	}
	return nil
}

// createNamedDepartments creates, in order of first mention, the
// departments staged items name that do not exist in their region.
func createNamedDepartments(tx *gorm.DB, staged string, res *ImportResult) error {
	var missing []departmentRow
	err := tx.Raw(`SELECT s.department AS name, s.region FROM ` + staged + ` s
		WHERE NOT EXISTS (SELECT 1 FROM departments d WHERE d.region = s.region AND d.name = s.department)
		GROUP BY s.region, s.department ORDER BY MIN(s.ord)`).Scan(&missing).Error
	if err != nil {
		return fmt.Errorf("find new departments: %w", err)
	}
	if len(missing) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(missing, importBatch).Error; err != nil {
		return fmt.Errorf("create departments: %w", err)
	}
	for _, d := range missing {
		res.NewDepartments = append(res.NewDepartments, catalog.Department{Name: d.Name, Region: d.Region})
	}
	res.Departments += len(missing)
	return nil
}

// importLockPatience is how long an import waits, in rounds of the
// store's lockWait, for other writers' transactions to let it swap.
const importLockPatience = 10 * time.Minute

// retryBusy runs fn until it does not fail for want of the write lock,
// for at most importLockPatience.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(importLockPatience)
	for {
		err := fn()
		if !IsBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}
