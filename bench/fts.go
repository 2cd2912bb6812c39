package bench

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	_ "modernc.org/sqlite" // the FTS5 baseline only; the store keeps its own driver

	"zhinan/catalog"
)

// ftsIndex is the baseline: SQLite FTS5 with the trigram tokenizer over
// the same corpus (name, and a body of materials and conditions), from
// the pure-Go modernc.org/sqlite driver, which is built with FTS5.
type ftsIndex struct {
	db *sql.DB
	// descendants maps a region code to itself and every region below it,
	// for the region filter of judged queries.
	descendants map[string][]string
}

// ftsSchema is the baseline table. code, region and flags are stored but
// not tokenized.
const ftsSchema = `CREATE VIRTUAL TABLE docs USING fts5(code UNINDEXED, region UNINDEXED, flags UNINDEXED, name, body, tokenize='trigram')`

// buildFTS creates dir/fts.db and loads the items of recs into it.
func buildFTS(ctx context.Context, dir string, recs []catalog.Record, regions []catalog.Region) (*ftsIndex, int, error) {
	db, err := sql.Open("sqlite", filepath.Join(dir, "fts.db"))
	if err != nil {
		return nil, 0, err
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{`PRAGMA journal_mode=OFF`, `PRAGMA synchronous=OFF`, ftsSchema} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, 0, fmt.Errorf("fts5: %s: %w", s, err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, 0, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO docs(code, region, flags, name, body) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		tx.Rollback()
		db.Close()
		return nil, 0, err
	}
	n := 0
	var body strings.Builder
	for _, r := range recs {
		it := r.Item
		if it == nil {
			continue
		}
		body.Reset()
		for _, m := range it.Materials {
			body.WriteString(m.Name)
			body.WriteString("\n")
		}
		body.WriteString(it.Conditions)
		flags := " " + strings.Join(catalog.Flags(it), " ") + " "
		if _, err := ins.ExecContext(ctx, it.Code, it.Region, flags, it.Name, body.String()); err != nil {
			tx.Rollback()
			db.Close()
			return nil, 0, err
		}
		n++
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, 0, err
	}
	f := &ftsIndex{db: db, descendants: map[string][]string{}}
	children := map[string][]string{}
	for _, r := range regions {
		children[r.Parent] = append(children[r.Parent], r.Code)
	}
	var walk func(code string) []string
	walk = func(code string) []string {
		out := []string{code}
		for _, c := range children[code] {
			out = append(out, walk(c)...)
		}
		return out
	}
	for _, r := range regions {
		f.descendants[r.Code] = walk(r.Code)
	}
	return f, n, nil
}

func (f *ftsIndex) Close() error { return f.db.Close() }

// ftsQuery is a query text with optional filters.
type ftsQuery struct {
	Q      string
	Region string
	Flags  []string
	Limit  int
}

// search runs q the way a plain FTS5 deployment would: every
// whitespace-separated term of three characters or more must match as a
// trigram phrase in name or body, ranked by bm25; terms shorter than three
// characters cannot use the trigram index and are matched with LIKE
// '%term%' on name and body (a scan). It returns the hits in rank order.
func (f *ftsIndex) search(ctx context.Context, q ftsQuery) ([]hitName, error) {
	var match []string
	var where []string
	var args []any
	for _, t := range strings.Fields(q.Q) {
		if utf8.RuneCountInString(t) >= 3 {
			match = append(match, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
			continue
		}
		where = append(where, `(name LIKE ? OR body LIKE ?)`)
		like := "%" + strings.NewReplacer(`%`, ``, `_`, ``).Replace(t) + "%"
		args = append(args, like, like)
	}
	if len(match) > 0 {
		where = append([]string{`docs MATCH ?`}, where...)
		args = append([]any{strings.Join(match, " ")}, args...)
	}
	if q.Region != "" {
		codes := f.descendants[q.Region]
		if len(codes) == 0 {
			codes = []string{q.Region}
		}
		where = append(where, `region IN (`+strings.TrimSuffix(strings.Repeat("?,", len(codes)), ",")+`)`)
		for _, c := range codes {
			args = append(args, c)
		}
	}
	for _, fl := range q.Flags {
		where = append(where, `flags LIKE ?`)
		args = append(args, "% "+fl+" %")
	}
	s := `SELECT name, region FROM docs`
	if len(where) > 0 {
		s += ` WHERE ` + strings.Join(where, ` AND `)
	}
	if len(match) > 0 {
		s += ` ORDER BY rank`
	}
	s += fmt.Sprintf(` LIMIT %d`, max(1, q.Limit))
	rows, err := f.db.QueryContext(ctx, s, args...)
	if err != nil {
		return nil, fmt.Errorf("fts5 %q: %w", q.Q, err)
	}
	defer rows.Close()
	var out []hitName
	for rows.Next() {
		var h hitName
		if err := rows.Scan(&h.Name, &h.Region); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
