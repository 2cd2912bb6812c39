package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/gorm"
)

// bulkCacheKiB is the page cache, in KiB, of the connection that swaps an
// import in (see import_stage.go): room for the index pages being written.
// The table pages, written once, spill to the WAL when the cache is full
// rather than all being held in memory until commit.
const bulkCacheKiB = 64 << 10

// walKeepBytes is the size of the SQLite write-ahead log above which a
// bulk transaction truncates it once committed. SQLite checkpoints the log
// into the database as it goes but keeps the file at its largest: a swap
// of a million items leaves a 6 GB log behind, which nothing else would
// shrink. A variable so that a test can lower it.
var walKeepBytes int64 = 64 << 20

// bulkTransaction runs fn in one transaction tuned for writing many rows,
// with the import stage file stage (when not "") readable as
// dialect.stagedTable. It pins a connection for the transaction and
// prepares it for the engine: on SQLite the stage file is attached and,
// for the transaction only, statement journals are kept in memory (every
// multi-row INSERT of a transaction otherwise writes the prior content of
// the pages it touches to a temporary file) and the page cache enlarged;
// on PostgreSQL the stage is copied into a temporary table first, before
// the transaction takes any lock. The connection is restored before it
// goes back to the pool, or closed when it cannot be. On SQLite a
// write-ahead log left larger than walKeepBytes is truncated afterwards.
func (s *Store) bulkTransaction(ctx context.Context, stage string, fn func(tx *gorm.DB) error) error {
	err := s.bulkConnection(ctx, stage, fn)
	if err == nil && s.pg == nil && s.dir != "" {
		s.trimWAL(ctx)
	}
	return err
}

// trimWAL checkpoints the SQLite write-ahead log and truncates it to
// nothing when it has grown past walKeepBytes. It is best effort: a reader
// of an older snapshot in another process (a server reading while the
// import swapped) keeps the log as it is until a later checkpoint.
func (s *Store) trimWAL(ctx context.Context) {
	fi, err := os.Stat(filepath.Join(s.dir, DatabaseFile) + "-wal")
	if err != nil || fi.Size() <= walKeepBytes {
		return
	}
	_ = s.db.WithContext(context.WithoutCancel(ctx)).Exec(`PRAGMA wal_checkpoint(TRUNCATE)`).Error
}

// bulkConnection is bulkTransaction on its pinned connection.
func (s *Store) bulkConnection(ctx context.Context, stage string, fn func(tx *gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	return db.Connection(func(pinned *gorm.DB) error {
		conn := pinned.Session(&gorm.Session{NewDB: true})
		var setup, restore []string
		var err error
		if dialectOf(conn).postgres() {
			if stage != "" {
				err = loadPostgresStage(ctx, conn, stage)
				restore = append(restore, `DROP TABLE IF EXISTS pg_temp.staged`)
			}
		} else {
			var cache int64
			if err := conn.Raw(`PRAGMA cache_size`).Scan(&cache).Error; err != nil {
				return err
			}
			setup = []string{`PRAGMA temp_store = MEMORY`, fmt.Sprintf(`PRAGMA cache_size = %d`, -bulkCacheKiB)}
			restore = []string{`PRAGMA temp_store = DEFAULT`, fmt.Sprintf(`PRAGMA cache_size = %d`, cache)}
			err = execAll(conn, setup...)
			if err == nil && stage != "" {
				err = conn.Exec(`ATTACH DATABASE ? AS stage`, stage).Error
				restore = append(restore, `DETACH DATABASE stage`)
			}
		}
		if err == nil {
			err = conn.Transaction(func(tx *gorm.DB) error {
				if err := lockWriters(tx); err != nil {
					return err
				}
				return fn(tx)
			})
		}
		// A connection that cannot be restored is closed rather than
		// returned to the pool with the bulk settings or the stage.
		if rerr := execAll(conn.WithContext(context.WithoutCancel(ctx)), restore...); rerr != nil {
			if sc, ok := conn.Statement.ConnPool.(*sql.Conn); ok {
				_ = sc.Raw(func(any) error { return driver.ErrBadConn })
			}
			if err == nil {
				err = rerr
			}
		}
		return err
	})
}

// maxInsertArgs bounds the bound values of one INSERT statement, below the
// limits of SQLite (32,766) and PostgreSQL (65,535).
const maxInsertArgs = 30000

// rowInserter writes rows into table with multi-row INSERT statements of
// up to importBatch rows; the statement of a full batch is prepared once
// and reused by every call of insert until close. suffix follows each
// statement's VALUES list (e.g. ON CONFLICT).
type rowInserter struct {
	tx      *gorm.DB
	columns int
	per     int
	head    string
	tuple   string
	suffix  string
	full    *sql.Stmt
	vals    []any
}

func newRowInserter(tx *gorm.DB, table string, columns []string, suffix string) *rowInserter {
	per := max(1, min(importBatch, maxInsertArgs/len(columns)))
	return &rowInserter{
		tx:      tx,
		columns: len(columns),
		per:     per,
		head:    "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ",
		tuple:   "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")",
		suffix:  suffix,
		vals:    make([]any, 0, per*len(columns)),
	}
}

// statement returns the INSERT statement of rows rows.
func (w *rowInserter) statement(rows int) string {
	// gorm writes the placeholders in the database's own spelling.
	text := w.head + strings.TrimSuffix(strings.Repeat(w.tuple+", ", rows), ", ") + w.suffix
	dry := w.tx.Session(&gorm.Session{DryRun: true, NewDB: true}).Exec(text, make([]any, rows*w.columns)...)
	return dry.Statement.SQL.String()
}

// insert writes n rows; args appends the values of row i, in the order of
// the columns. A batch of fewer than importBatch rows (the last one) has a
// statement of its own.
func (w *rowInserter) insert(n int, args func(i int, dst []any) []any) error {
	ctx := w.tx.Statement.Context
	for start := 0; start < n; start += w.per {
		end := min(start+w.per, n)
		w.vals = w.vals[:0]
		for i := start; i < end; i++ {
			w.vals = args(i, w.vals)
		}
		if end-start < w.per {
			if _, err := w.tx.Statement.ConnPool.ExecContext(ctx, w.statement(end-start), w.vals...); err != nil {
				return err
			}
			continue
		}
		if w.full == nil {
			var err error
			if w.full, err = w.tx.Statement.ConnPool.PrepareContext(ctx, w.statement(w.per)); err != nil {
				return err
			}
		}
		if _, err := w.full.ExecContext(ctx, w.vals...); err != nil {
			return err
		}
	}
	clear(w.vals) // let go of the values of the last batch
	return nil
}

// close closes the prepared statement.
func (w *rowInserter) close() {
	if w.full != nil {
		w.full.Close()
		w.full = nil
	}
}
