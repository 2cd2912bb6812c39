package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one ordered, explicit schema change. Migrations are never
// edited once released: a change to the schema is a new migration.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB, d dialect) error
}

// migrations lists every schema version in order.
var migrations = []migration{
	{1, "catalogue", func(tx *gorm.DB, d dialect) error {
		return d.execDDL(tx,
			`CREATE TABLE sequences (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
			`INSERT INTO sequences (name, value) VALUES ('change', 0)`,
			`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
			`CREATE TABLE regions (
				code TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				level TEXT NOT NULL,
				parent TEXT NOT NULL DEFAULT '')`,
			`CREATE INDEX regions_parent ON regions (parent)`,
			`CREATE TABLE departments (
				id `+d.autoID()+`,
				name TEXT NOT NULL,
				region TEXT NOT NULL,
				credit_code TEXT NOT NULL DEFAULT '',
				phone TEXT NOT NULL DEFAULT '',
				UNIQUE (region, name))`,
			`CREATE TABLE entries (
				base_code TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				type TEXT NOT NULL,
				basis TEXT NOT NULL DEFAULT '',
				levels TEXT NOT NULL DEFAULT '')`,
			`CREATE TABLE items (
				code TEXT PRIMARY KEY,
				base_code TEXT NOT NULL,
				name TEXT NOT NULL,
				region TEXT NOT NULL,
				department_id BIGINT NOT NULL,
				published INTEGER NOT NULL DEFAULT 0,
				latest INTEGER NOT NULL DEFAULT 0,
				seq BIGINT NOT NULL,
				created_at TIMESTAMP NOT NULL,
				updated_at TIMESTAMP NOT NULL)`,
			`CREATE INDEX items_seq ON items (seq)`,
			`CREATE INDEX items_region ON items (region)`,
			`CREATE INDEX items_department ON items (department_id)`,
			`CREATE INDEX items_base_code ON items (base_code)`,
			`CREATE TABLE editions (
				id `+d.autoID()+`,
				item_code TEXT NOT NULL,
				number INTEGER NOT NULL,
				state TEXT NOT NULL,
				guide TEXT NOT NULL,
				digest TEXT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				author TEXT NOT NULL DEFAULT '',
				reviewer TEXT NOT NULL DEFAULT '',
				reason TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMP NOT NULL,
				submitted_at TIMESTAMP NULL,
				published_at TIMESTAMP NULL,
				superseded_at TIMESTAMP NULL,
				region TEXT NOT NULL,
				department_id BIGINT NOT NULL,
				type TEXT NOT NULL,
				on_application BOOLEAN NOT NULL,
				online BOOLEAN NOT NULL,
				full_online BOOLEAN NOT NULL,
				one_visit BOOLEAN NOT NULL,
				zero_visit BOOLEAN NOT NULL,
				immediate BOOLEAN NOT NULL,
				in_hall BOOLEAN NOT NULL,
				nearby BOOLEAN NOT NULL,
				UNIQUE (item_code, number))`,
			`CREATE INDEX editions_published ON editions (published_at, superseded_at)`,
			`CREATE INDEX editions_state ON editions (state)`,
		)
	}},
	{2, "item views", func(tx *gorm.DB, d dialect) error {
		return d.execDDL(tx,
			`CREATE TABLE item_views (
				code TEXT PRIMARY KEY,
				views BIGINT NOT NULL DEFAULT 0)`,
			`CREATE INDEX item_views_views ON item_views (views)`,
		)
	}},
	{3, "accounts and audit log", func(tx *gorm.DB, d dialect) error {
		return d.execDDL(tx,
			`CREATE TABLE users (
				id `+d.autoID()+`,
				name TEXT NOT NULL UNIQUE,
				password_hash TEXT NOT NULL,
				role TEXT NOT NULL,
				department_id BIGINT NOT NULL DEFAULT 0,
				region TEXT NOT NULL DEFAULT '',
				demo BOOLEAN NOT NULL DEFAULT FALSE,
				disabled BOOLEAN NOT NULL DEFAULT FALSE,
				created_at TIMESTAMP NOT NULL)`,
			`CREATE TABLE sessions (
				token_hash TEXT PRIMARY KEY,
				user_id BIGINT NOT NULL,
				kind TEXT NOT NULL,
				created_at TIMESTAMP NOT NULL,
				expires_at TIMESTAMP NOT NULL)`,
			`CREATE INDEX sessions_user ON sessions (user_id)`,
			`CREATE TABLE audit_log (
				id `+d.autoID()+`,
				at TIMESTAMP NOT NULL,
				user_name TEXT NOT NULL DEFAULT '',
				action TEXT NOT NULL,
				item_code TEXT NOT NULL DEFAULT '',
				edition INTEGER NOT NULL DEFAULT 0,
				detail TEXT NOT NULL DEFAULT '',
				remote TEXT NOT NULL DEFAULT '')`,
			`CREATE INDEX audit_log_at ON audit_log (at)`,
			`CREATE INDEX audit_log_item ON audit_log (item_code)`,
			`CREATE INDEX audit_log_user ON audit_log (user_name)`,
		)
	}},
	{4, "bundles", func(tx *gorm.DB, d dialect) error {
		return d.execDDL(tx,
			`CREATE TABLE bundles (
				code TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				published INTEGER NOT NULL DEFAULT 0,
				latest INTEGER NOT NULL DEFAULT 0,
				seq BIGINT NOT NULL,
				created_at TIMESTAMP NOT NULL,
				updated_at TIMESTAMP NOT NULL)`,
			`CREATE INDEX bundles_seq ON bundles (seq)`,
			`CREATE TABLE bundle_editions (
				id `+d.autoID()+`,
				bundle_code TEXT NOT NULL,
				number INTEGER NOT NULL,
				state TEXT NOT NULL,
				body TEXT NOT NULL,
				digest TEXT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				author TEXT NOT NULL DEFAULT '',
				reviewer TEXT NOT NULL DEFAULT '',
				reason TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMP NOT NULL,
				submitted_at TIMESTAMP NULL,
				published_at TIMESTAMP NULL,
				superseded_at TIMESTAMP NULL,
				UNIQUE (bundle_code, number))`,
			`CREATE INDEX bundle_editions_state ON bundle_editions (state)`,
		)
	}},
	{5, "publish overrides", func(tx *gorm.DB, d dialect) error {
		// The reasons a reviewer gave for publishing an edition despite
		// publishing-check warnings, one row per warning rule
		// (docs/contract.md#publishing-checks).
		return d.execDDL(tx,
			`CREATE TABLE edition_overrides (
				item_code TEXT NOT NULL,
				number INTEGER NOT NULL,
				rule TEXT NOT NULL,
				reason TEXT NOT NULL,
				PRIMARY KEY (item_code, number, rule))`,
		)
	}},
	{6, "feedback", func(tx *gorm.DB, d dialect) error {
		// 好差评, 指南有误 and 办不成事 (docs/contract.md#feedback): the
		// ratings, the tickets departments answer, and the counts of
		// searches by query text that find nothing or are not followed.
		return d.execDDL(tx,
			`CREATE TABLE ratings (
				id `+d.autoID()+`,
				target_kind TEXT NOT NULL,
				target_code TEXT NOT NULL,
				region TEXT NOT NULL DEFAULT '',
				department_id BIGINT NOT NULL DEFAULT 0,
				level INTEGER NOT NULL,
				reasons TEXT NOT NULL DEFAULT '',
				comment TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMP NOT NULL)`,
			`CREATE INDEX ratings_target ON ratings (target_kind, target_code)`,
			`CREATE INDEX ratings_created ON ratings (created_at)`,
			`CREATE TABLE tickets (
				id `+d.autoID()+`,
				token TEXT NOT NULL UNIQUE,
				kind TEXT NOT NULL,
				state TEXT NOT NULL,
				rating_id BIGINT NOT NULL DEFAULT 0,
				target_kind TEXT NOT NULL DEFAULT '',
				target_code TEXT NOT NULL DEFAULT '',
				target_name TEXT NOT NULL DEFAULT '',
				region TEXT NOT NULL DEFAULT '',
				department_id BIGINT NOT NULL DEFAULT 0,
				level INTEGER NOT NULL DEFAULT 0,
				reasons TEXT NOT NULL DEFAULT '',
				section TEXT NOT NULL DEFAULT '',
				fail_kind TEXT NOT NULL DEFAULT '',
				what TEXT NOT NULL DEFAULT '',
				contact TEXT NOT NULL DEFAULT '',
				filed_by TEXT NOT NULL DEFAULT '',
				reply TEXT NOT NULL DEFAULT '',
				outcome TEXT NOT NULL DEFAULT '',
				edition INTEGER NOT NULL DEFAULT 0,
				handled_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMP NOT NULL,
				deadline TIMESTAMP NOT NULL,
				contacted_at TIMESTAMP NULL,
				settled_at TIMESTAMP NULL,
				visited_at TIMESTAMP NULL,
				updated_at TIMESTAMP NOT NULL)`,
			`CREATE INDEX tickets_department ON tickets (department_id, state)`,
			`CREATE INDEX tickets_created ON tickets (created_at)`,
			`CREATE INDEX tickets_target ON tickets (target_kind, target_code)`,
			`CREATE TABLE search_queries (
				week TEXT NOT NULL,
				query TEXT NOT NULL,
				searches BIGINT NOT NULL DEFAULT 0,
				empty BIGINT NOT NULL DEFAULT 0,
				opened BIGINT NOT NULL DEFAULT 0,
				PRIMARY KEY (week, query))`,
		)
	}},
	{7, "system tokens", func(tx *gorm.DB, d dialect) error {
		// API tokens of other systems (docs/api.md#authentication-with-tokens):
		// a named pseudo-account with a role and scope, known by the
		// SHA-256 of its secret only (store/tokens.go).
		return d.execDDL(tx,
			`CREATE TABLE api_tokens (
				id `+d.autoID()+`,
				name TEXT NOT NULL UNIQUE,
				secret_hash TEXT NOT NULL UNIQUE,
				role TEXT NOT NULL,
				department_id BIGINT NOT NULL DEFAULT 0,
				region TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL DEFAULT '',
				created_at TIMESTAMP NOT NULL,
				expires_at TIMESTAMP NULL,
				revoked_at TIMESTAMP NULL,
				last_used_at TIMESTAMP NULL,
				last_used_from TEXT NOT NULL DEFAULT '')`,
		)
	}},
	{8, "change feed", func(tx *gorm.DB, d dialect) error {
		// The published changes of items (docs/api.md#change-feed): one
		// row per publication or withdrawal, keyed by the change
		// sequence value of the write that made it. Items published
		// before this version enter it once, as created, at their last
		// write's value, which is below every later one.
		return d.execDDL(tx,
			`CREATE TABLE item_feed (
				seq BIGINT PRIMARY KEY,
				code TEXT NOT NULL,
				edition INTEGER NOT NULL DEFAULT 0,
				kind TEXT NOT NULL,
				at TIMESTAMP NOT NULL)`,
			`CREATE INDEX item_feed_code ON item_feed (code)`,
			`INSERT INTO item_feed (seq, code, edition, kind, at)
				SELECT i.seq, i.code, i.published, 'created', COALESCE(e.published_at, i.updated_at)
				FROM items i JOIN editions e ON e.item_code = i.code AND e.number = i.published
				WHERE i.published > 0`,
		)
	}},
}

func execAll(tx *gorm.DB, stmts ...string) error {
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", firstLine(s), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// SchemaVersion is the schema version this build of zhinan writes.
var SchemaVersion = migrations[len(migrations)-1].version

// migrate brings the database to SchemaVersion, one migration per
// transaction, recording each in schema_migrations. A database written by a
// newer zhinan is refused rather than touched. On PostgreSQL, where
// several replicas may start at once, one process migrates at a time
// (an advisory lock held on the connection that migrates).
func migrate(db *gorm.DB) error {
	if !dialectOf(db).postgres() {
		return migrateOn(db)
	}
	return db.Connection(func(conn *gorm.DB) error {
		if err := advisoryLock(context.Background(), conn, migrateLock); err != nil {
			return fmt.Errorf("wait for other replicas' migration: %w", err)
		}
		defer conn.Exec(`SELECT pg_advisory_unlock(hashtext(?))`, migrateLock)
		return migrateOn(conn)
	})
}

// migrateLock names the advisory lock of migrations on PostgreSQL.
const migrateLock = "zhinan migrate"

func migrateOn(db *gorm.DB) error {
	d := dialectOf(db)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`).Error; err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := db.Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current).Error; err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > SchemaVersion {
		return fmt.Errorf("database schema version %d is newer than this build (%d): upgrade zhinan", current, SchemaVersion)
	}
	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := m.up(tx, d); err != nil {
				return err
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UTC()).Error
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}
