package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
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
//  1. stage: while the input is read (Importer), with no transaction open
//     on the catalogue, the items that are new or differ from their
//     published edition get their canonical guide JSON, digest and
//     classification columns, written a batch at a time to a scratch SQLite
//     file in the data directory (the stage) by a stageWriter. This is most
//     of an import's work; other writers (saves, logins) go on meanwhile.
//  2. swap: one transaction of the catalogue copies the staged rows into
//     editions and items with INSERT … SELECT, supersedes the editions they
//     replace and advances the change sequence. It either commits whole or
//     leaves the catalogue as it was; a killed import leaves a stage file
//     behind, which the next Open removes once it is stale.
//
// Which items are unchanged is decided against the catalogue as it was
// when their batch was read; edition numbers and item counts are taken at
// the swap, so a concurrent edit is never overwritten by a stale number.

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

// stageBatchesInFlight bounds the batches of an import in memory: one
// being built, one waiting for the stage writer, one being written.
const stageBatchesInFlight = 3

// stageBatch is a batch of items to stage, with their canonical guide JSON
// and digests: rows ord = first, first+1 …
type stageBatch struct {
	first   int
	items   []*catalog.Item
	guides  []string // the canonical JSON of each, in arenas
	digests []string
	// arenas hold the guides, one per goroutine that wrote them; they are
	// written again only once the batch is written (see arenaString).
	arenas [][]byte
}

// build fills the batch with the items of recs and their guides and
// digests, computed on every core: each goroutine takes a contiguous share
// of the items and writes their JSON into an arena of its own.
func (b *stageBatch) build(recs []catalog.Record) {
	n := len(recs)
	b.items, b.guides, b.digests = b.items[:0], b.guides[:0], b.digests[:0]
	for _, r := range recs {
		b.items = append(b.items, r.Item)
	}
	b.guides = append(b.guides, make([]string, n)...)
	b.digests = append(b.digests, make([]string, n)...)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/50))
	for len(b.arenas) < workers {
		b.arenas = append(b.arenas, nil)
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		from, to := w*per, min(n, (w+1)*per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			arena := b.arenas[w][:0]
			for i := from; i < to; i++ {
				start := len(arena)
				arena = catalog.AppendGuide(arena, b.items[i])
				guide := arena[start:]
				b.guides[i], b.digests[i] = arenaString(guide), digest(guide)
			}
			b.arenas[w] = arena
		}()
	}
	wg.Wait()
}

// reset lets go of the batch's items and guides, keeping its memory.
func (b *stageBatch) reset() {
	clear(b.items)
	clear(b.guides)
	b.items, b.guides, b.digests = b.items[:0], b.guides[:0], b.digests[:0]
}

// stageWriter writes an import's stage file while the import reads its
// input: created with the first row to write, it writes the batches it is
// given on a goroutine of its own, in one transaction of the stage alone,
// and hands each batch back (free) once written.
type stageWriter struct {
	path string
	rows int // the rows given to write: the ord of the last
	db   *gorm.DB
	tx   *gorm.DB

	batches chan *stageBatch
	stopped bool // batches is closed
	free    chan *stageBatch
	failed  chan struct{} // closed when writing fails, err set
	done    chan struct{} // closed when the goroutine ends
	err     error
}

// newStageWriter creates a stage file in dir (the system's temporary
// directory when "") and begins writing it.
func newStageWriter(ctx context.Context, dir string, free chan *stageBatch) (*stageWriter, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, stageFilePattern)
	if err != nil {
		return nil, fmt.Errorf("create import stage: %w", err)
	}
	f.Close()
	sw := &stageWriter{path: f.Name(), free: free, batches: make(chan *stageBatch, 1),
		failed: make(chan struct{}), done: make(chan struct{})}
	// The stage is scratch: no journal, no syncing. A crash loses only it.
	sw.db, err = gorm.Open(sqlite.Open("file:"+sw.path+"?_journal_mode=OFF&_synchronous=OFF"), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		os.Remove(sw.path)
		return nil, fmt.Errorf("open import stage: %w", err)
	}
	if sqlDB, err := sw.db.DB(); err == nil {
		sqlDB.SetMaxOpenConns(1)
	}
	// The stage holds the guides as the editions do: pages of the same size.
	if err := sw.db.Exec(fmt.Sprintf("PRAGMA page_size = %d", pageSize)).Error; err != nil {
		sw.close()
		return nil, fmt.Errorf("open import stage: %w", err)
	}
	sw.tx = sw.db.WithContext(ctx).Begin()
	if err := sw.tx.Error; err != nil {
		sw.close()
		return nil, fmt.Errorf("open import stage: %w", err)
	}
	if err := sw.tx.Exec(stageTable).Error; err != nil {
		sw.close()
		return nil, fmt.Errorf("create import stage: %w", err)
	}
	go sw.run(sw.batches)
	return sw, nil
}

// run writes the batches given until there are no more or writing fails.
func (sw *stageWriter) run(batches <-chan *stageBatch) {
	defer close(sw.done)
	w := newRowInserter(sw.tx, "staged", stageColumns, "")
	defer w.close()
	for b := range batches {
		err := w.insert(len(b.items), func(i int, args []any) []any {
			it := b.items[i]
			e := editionOf(it, b.guides[i], b.digests[i], 0, "", 0, time.Time{})
			args = append(args, b.first+i, e.ItemCode, it.BaseCode, it.Name, e.Region, it.Department, e.Type,
				e.OnApplication)
			return append(append(args, e.flags()...), e.Digest, e.Guide)
		})
		if err != nil {
			sw.err = fmt.Errorf("stage items: %w", err)
			close(sw.failed)
			for range batches { // let the import hand over what it has
			}
			return
		}
		b.reset()
		select {
		case sw.free <- b:
		default:
		}
	}
}

// write hands b, whose first row is the next, to the writing goroutine.
func (sw *stageWriter) write(b *stageBatch) error {
	last := b.first + len(b.items) - 1 // b is the writer's once given
	select {
	case sw.batches <- b:
		sw.rows = last
		return nil
	case <-sw.failed:
		return sw.err
	}
}

// stop waits for every batch given to be written.
func (sw *stageWriter) stop() error {
	if !sw.stopped {
		sw.stopped = true
		close(sw.batches)
		<-sw.done
	}
	return sw.err
}

// finish completes the stage: it waits for the batches to be written,
// takes the rows unstage (ords, ascending) out and numbers the others
// 1, 2 … again in their order, commits and closes the file.
func (sw *stageWriter) finish(unstage []int) (*itemStage, error) {
	err := sw.stop()
	if err == nil {
		err = unstageRows(sw.tx, unstage)
	}
	if err == nil {
		err = sw.tx.Commit().Error
	}
	sw.tx = nil
	if cerr := sw.close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(sw.path)
		return nil, err
	}
	return &itemStage{path: sw.path, rows: sw.rows - len(unstage)}, nil
}

// abandon stops writing and removes the stage file.
func (sw *stageWriter) abandon() {
	sw.stop()
	if sw.tx != nil {
		sw.tx.Rollback()
		sw.tx = nil
	}
	sw.close()
	os.Remove(sw.path)
}

// close closes the stage's database.
func (sw *stageWriter) close() error {
	if sw.db == nil {
		return nil
	}
	sqlDB, err := sw.db.DB()
	sw.db = nil
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// unstageRows deletes the staged rows of the ords unstage (ascending) and
// renumbers the rows after them so that ords stay 1 … n in input order
// (the swap numbers the items' change sequence by ord). The rows between
// the j-th and the next deleted ord move down by j: first every row after
// the first deleted one takes its ord negated, then each such range its
// place, so that no two rows ever share an ord.
func unstageRows(tx *gorm.DB, unstage []int) error {
	if len(unstage) == 0 {
		return nil
	}
	for from := 0; from < len(unstage); from += 500 {
		if err := tx.Exec(`DELETE FROM staged WHERE ord IN ?`, unstage[from:min(from+500, len(unstage))]).Error; err != nil {
			return fmt.Errorf("unstage items: %w", err)
		}
	}
	if err := tx.Exec(`UPDATE staged SET ord = -ord WHERE ord > ?`, unstage[0]).Error; err != nil {
		return fmt.Errorf("unstage items: %w", err)
	}
	for j, d := range unstage {
		q, args := `UPDATE staged SET ord = -ord - ? WHERE ord < ?`, []any{j + 1, -d}
		if j+1 < len(unstage) {
			q, args = q+` AND ord > ?`, append(args, -unstage[j+1])
		}
		if err := tx.Exec(q, args...).Error; err != nil {
			return fmt.Errorf("unstage items: %w", err)
		}
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
	// The published changes, before the item rows take the new editions:
	// an item with a published edition is updated, any other created.
	if err := tx.Exec(`INSERT INTO item_feed (seq, code, edition, kind, at)
		SELECT CAST(? AS BIGINT) + s.ord - 1, s.code, COALESCE(m.latest, 0) + 1,
			CASE WHEN COALESCE(m.published, 0) > 0 THEN ? ELSE ? END, ?`+from+` ORDER BY s.ord`,
		first, FeedUpdated, FeedCreated, now).Error; err != nil {
		return fmt.Errorf("write change feed: %w", err)
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
