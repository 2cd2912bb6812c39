package store

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// The store runs on SQLite (the embedded default) and on PostgreSQL (for
// deployments with several replicas). Nearly all of its SQL is written
// once for both; what only one engine understands is listed here, spelled
// in this file, postgres.go or the file named beside it, and nowhere else:
//
//   - DDL: the auto-incrementing key (autoID), and text compared byte by
//     byte on PostgreSQL as on SQLite (execDDL);
//   - the import's stage: an attached SQLite file on SQLite, a temporary
//     table filled with COPY on PostgreSQL (stagedTable, bulk.go,
//     postgres.go);
//   - waking followers: NOTIFY in the transaction that advances the change
//     sequence, delivered when it commits (notifyChange);
//   - writers one at a time: the sequence row locked FOR UPDATE on
//     PostgreSQL (lockWriters, sequence.go), IMMEDIATE transactions on
//     SQLite (store.go);
//   - one migrating or seeding process at a time: an advisory lock
//     (advisoryLock, migrate.go, Exclusive);
//   - the size on disk (size.go) and which errors mean "busy" (IsBusy);
//   - after a copy wrote rows with their keys, moving the key sequences
//     past them (resetSerial, copy.go);
//   - which text PostgreSQL can hold at all: a lookup by a key it cannot
//     is answered "none" before it reaches the database (storableText).

// Dialect names, as gorm's dialectors report them.
const (
	dialectSQLite   = "sqlite"
	dialectPostgres = "postgres"
)

// dialect is the engine a store or transaction runs on.
type dialect struct{ name string }

// dialectOf returns the engine of db.
func dialectOf(db *gorm.DB) dialect { return dialect{name: db.Dialector.Name()} }

func (d dialect) postgres() bool { return d.name == dialectPostgres }

// autoID is the column definition of an auto-incrementing primary key.
func (d dialect) autoID() string {
	if d.postgres() {
		return "BIGSERIAL PRIMARY KEY"
	}
	return "INTEGER PRIMARY KEY AUTOINCREMENT"
}

// execDDL runs the schema statements stmts, written in SQLite's spelling
// but for autoID, in the engine's. On PostgreSQL every TEXT column is
// TEXT COLLATE "C": text is ordered and compared by its bytes (UTF-8, so
// by code point), as SQLite does, whatever collation the database was
// created with — lists and reports come out in the same order on both
// engines, and the coverage report gives the same bytes.
func (d dialect) execDDL(tx *gorm.DB, stmts ...string) error {
	if d.postgres() {
		for i, s := range stmts {
			stmts[i] = textColumn.ReplaceAllString(s, `$1 TEXT COLLATE "C"`)
		}
	}
	return execAll(tx, stmts...)
}

// textColumn matches the type TEXT of a column definition.
var textColumn = regexp.MustCompile(`(\w) TEXT\b`)

// stagedTable is the qualified name of an import's staged rows inside the
// swap transaction: the table of the attached stage file on SQLite, the
// connection's temporary table on PostgreSQL.
func (d dialect) stagedTable() string {
	if d.postgres() {
		return "pg_temp.staged"
	}
	return "stage.staged"
}

// changeChannel is the PostgreSQL notification channel on which a commit
// that advanced the change sequence wakes every replica's follower.
const changeChannel = "zhinan_change"

// notifyChange queues, inside tx, the notification that the change
// sequence advanced; PostgreSQL delivers it when (and only if) tx commits.
// SQLite has no notifications: followers there poll.
func (d dialect) notifyChange(tx *gorm.DB) error {
	if !d.postgres() {
		return nil
	}
	return tx.Exec(`SELECT pg_notify(?, '')`, changeChannel).Error
}

// PostgreSQL error codes that mean "try again": the lock wait ran out
// (lock_timeout), or the engine chose this transaction to give way.
var pgRetryCodes = map[string]bool{
	"55P03": true, // lock_not_available
	"40001": true, // serialization_failure
	"40P01": true, // deadlock_detected
}

// IsBusy reports whether err is the database's answer to a writer that
// waited lockWait for another connection's write transaction (or was
// chosen to give way to one): nothing was written and the same request may
// succeed a little later.
func IsBusy(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pgRetryCodes[pe.Code]
	}
	return false
}

// isPostgresURL reports whether db names a PostgreSQL database.
func isPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// tablesOf returns the tables of the store's schema, by name.
func tablesOf(db *gorm.DB) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if dialectOf(db).postgres() {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	var out []string
	err := db.Raw(q).Scan(&out).Error
	return out, err
}

// columnsOf returns the columns of table, in table order.
func columnsOf(db *gorm.DB, table string) ([]string, error) {
	q := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	if dialectOf(db).postgres() {
		q = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
	}
	var out []string
	err := db.Raw(q, table).Scan(&out).Error
	return out, err
}

// resetSerial moves the sequence that numbers column of table (a
// BIGSERIAL key: see autoID) past the largest value the table holds, so
// that the next row inserted without a key gets a new one after rows were
// written with their keys (a copy, copy.go). The sequence's next value is
// MAX(column)+1, or 1 for an empty table. A column without a sequence is
// left alone. SQLite needs nothing: AUTOINCREMENT's counter
// (sqlite_sequence) follows the largest key ever inserted by itself.
func (d dialect) resetSerial(tx *gorm.DB, table, column string) error {
	if !d.postgres() {
		return nil
	}
	var seq []string
	err := tx.Raw(`SELECT s FROM (SELECT pg_get_serial_sequence(?, ?) AS s) q WHERE s IS NOT NULL`,
		quoteIdent(table), column).Scan(&seq).Error
	if err != nil || len(seq) == 0 {
		return err
	}
	return tx.Exec(`SELECT setval(?::regclass, COALESCE(MAX(`+quoteIdent(column)+`), 0) + 1, false) FROM `+quoteIdent(table),
		seq[0]).Error
}

// storableText reports whether every one of texts is text PostgreSQL can
// hold: valid UTF-8 without NUL (SQLite's text holds any bytes). A lookup
// by a key that is not — an item code, region or user name a client sent
// malformed — is answered "none" without asking the database: PostgreSQL
// would fail the query (invalid byte sequence, SQLSTATE 22021), and no
// stored row can hold such a key on either engine, since what is stored
// passed the catalogue's text checks.
func storableText(texts ...string) bool {
	for _, s := range texts {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}
