// Package store is the catalogue's database: the gorm store of regions,
// departments, catalogue entries, items and their editions, accounts,
// sessions and the change log, and the source of truth from which the
// search index and every report are derived. It holds
//
//   - opening a data directory and its numbered, ordered migrations
//     (store.go, migrate.go);
//   - one file per table or concern: regions.go, departments.go,
//     entries.go, items.go, editions.go, published.go (reading published
//     items), views.go, sequence.go (the change sequence), settings.go,
//     users.go, sessions.go, password.go, changelog.go (操作日志);
//   - the edit workflow (workflow.go, access.go, queue.go), import
//     (import.go, import_stage.go: stage, then swap; bulk.go), the reading
//     side of export (export.go), coverage counts (coverage.go), the size
//     of the database files (size.go), copying a whole store to another
//     (copy.go, zhinan migrate-store);
//   - the two engines, SQLite and PostgreSQL: what only one of them
//     understands is spelled in dialect.go and postgres.go, and nowhere
//     else.
//
// The SQL rule: gorm for single-table CRUD (a row by key, a filtered list,
// an update of one row); raw SQL for joins, aggregates and bulk writes,
// portable to PostgreSQL. The joins and column lists raw SQL shares are
// written once, in columns.go. The rows are the store's own types: the
// domain values of package catalog are what the rest of the program sees.
//
// Both engines from the first commit: a new table or query is written in
// the portable subset, and its tests run on SQLite (go test) and on
// PostgreSQL (ZHINAN_TEST_DB=postgres://… go test, as CI does); a table
// is copied by migrate-store without further work (copy.go reads the
// schema).
//
// It imports catalog, gorm and the database driver, and must not import
// gin or bleve (nor the search, interchange, report or web packages): it
// knows nothing of HTTP, the index or file formats.
package store
