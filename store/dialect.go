package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// The store runs on SQLite (the embedded default) and on PostgreSQL (for
// deployments with several replicas). Nearly all of its SQL is written
// once for both; what only one engine understands is spelled here, and
// nowhere else:
//
//   - DDL: the auto-incrementing key (autoID);
//   - the import's stage: an attached SQLite file on SQLite, a temporary
//     table filled with COPY on PostgreSQL (stagedTable, bulk.go,
//     postgres.go);
//   - waking followers: NOTIFY in the transaction that advances the change
//     sequence, delivered when it commits (notifyChange);
//   - one migrating process at a time: an advisory lock (migrate.go);
//   - the size on disk (size.go) and which errors mean "busy" (IsBusy).

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
