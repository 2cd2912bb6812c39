// Package layering holds the test of zhinan's import rules: which of its
// packages may depend on which others and on which libraries. The rules
// are those the packages' doc comments state:
//
//   - catalog, the domain, is the bottom layer: it imports no other zhinan
//     package, and neither gorm, gin, bleve nor any database driver;
//   - store, the gorm store, imports catalog and the database, never gin
//     or bleve, nor interchange, search, report or web;
//   - interchange, the file formats, imports catalog, never store, gorm,
//     gin, bleve or a database driver;
//   - search imports catalog and bleve and reads the store through an
//     interface: never store, gorm, gin or a driver;
//   - report imports catalog, feedback, store and interchange, never gin, bleve,
//     search or web, and reaches the database only through store;
//   - web reaches the database only through store and the index only
//     through search; nothing but cmd/zhinan and bench imports it.
//
// It has no code: go test ./internal/layering checks the rules with the go
// command (go list), so that a future violation fails.
package layering
