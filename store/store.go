package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zhinan/catalog"
)

// DatabaseFile is the name of the SQLite database inside a data directory.
const DatabaseFile = "zhinan.db"

// lockWait is how long a writer waits for another connection's write
// transaction (an import's swap, another server's save) before giving up
// with an error IsBusy recognises: well within the server's write
// timeout, so that a request that cannot write is answered (503) rather
// than dropped.
const lockWait = 10 * time.Second

// Store is the catalogue's database: the source of truth from which the
// search index and every report are derived.
type Store struct {
	db  *gorm.DB
	dir string // the data directory; "" when opened on a dialector
	// pg is the connection configuration of a PostgreSQL store (nil on
	// SQLite), for the connection that listens for changes.
	pg *pgx.ConnConfig
	// Now is the store's clock; tests replace it to write history.
	Now func() time.Time
	// Calendar is the working-day calendar feedback deadlines count by
	// (serve --holidays); nil is catalog.BuiltinCalendar.
	Calendar *catalog.Calendar
}

// OpenDB opens the store db names: a postgres:// (or postgresql://) URL
// opens that PostgreSQL database, with dir as the local data directory
// (see OpenPostgres); "" opens the SQLite database in the data directory
// dir (see Open).
func OpenDB(db, dir string) (*Store, error) {
	switch {
	case db == "":
		return Open(dir)
	case isPostgresURL(db):
		return OpenPostgres(db, dir)
	}
	return nil, fmt.Errorf(MsgDatabaseURL, redactURL(db))
}

// redactURL is db with any password replaced by xxxxx, for a message.
func redactURL(db string) string {
	if u, err := url.Parse(db); err == nil {
		return u.Redacted()
	}
	return "…"
}

// Open opens (creating if needed) the SQLite database in the data
// directory dir and brings its schema up to date. SQLite runs in WAL mode
// with a busy timeout, so an import in one process and a server in another
// can share the directory.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, DatabaseFile)
	if err := createDatabase(path); err != nil {
		return nil, err
	}
	dsn := "file:" + path +
		fmt.Sprintf("?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=%d&_txlock=immediate&_foreign_keys=on",
			lockWait.Milliseconds())
	s, err := OpenDialector(sqlite.Open(dsn))
	if err != nil {
		return nil, err
	}
	s.dir = dir
	removeStaleStages(dir)
	return s, nil
}

// pageSize is the page size, in bytes, of a database the store creates
// (SQLite's default is 4 KiB). A guide is a few KiB of JSON: with 4 KiB
// pages nearly every edition spills into overflow pages, and an import of
// a million varied items swapped its 6 GB in 73-74 s; with 16 KiB pages
// in 50 s. A database created before keeps its page size.
const pageSize = 16 << 10

// createDatabase creates the SQLite database file at path, in WAL mode
// with pages of pageSize bytes, unless it exists: the page size of a
// database is set before its first table, and cannot change once it is in
// WAL mode.
func createDatabase(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	db, err := gorm.Open(sqlite.Open("file:"+path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	defer sqlDB.Close()
	for _, pragma := range []string{fmt.Sprintf("PRAGMA page_size = %d", pageSize), "PRAGMA journal_mode = WAL"} {
		if err := db.Exec(pragma).Error; err != nil {
			return fmt.Errorf("create database: %w", err)
		}
	}
	return nil
}

// OpenDialector opens a store on a gorm dialector of SQLite or
// PostgreSQL and brings its schema up to date.
func OpenDialector(d gorm.Dialector) (*Store, error) {
	db, err := gorm.Open(d, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                now,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if d.Name() == dialectSQLite {
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	if err := migrate(db); err != nil {
		return nil, err
	}
	return &Store{db: db, Now: now}, nil
}

// now is the store's clock: UTC, to the microsecond, the precision
// PostgreSQL keeps (SQLite would keep nanoseconds), so that a time read
// back equals the time written on both engines.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Postgres reports whether the store runs on PostgreSQL.
func (s *Store) Postgres() bool { return s.pg != nil }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.db.WithContext(ctx).Raw(`SELECT 1`).Scan(&n).Error
}

// notFound maps gorm's not-found error to catalog.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return catalog.ErrNotFound
	}
	return err
}
