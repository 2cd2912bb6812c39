package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Copying a store into another (zhinan migrate-store: from a data
// directory's SQLite to PostgreSQL) copies every table of the schema, as
// tablesOf lists it, column by column by name: whatever the store holds,
// including tables added by later migrations, without a list to keep up
// to date. The destination must be a store this build has migrated and
// that holds nothing yet (see checkEmpty); the whole copy is one
// transaction of the destination, so a copy that fails leaves it as it
// was. The source is read in one transaction as well (on SQLite that
// transaction holds the write lock, so nothing changes the source while it
// is read; on PostgreSQL it is a read-only snapshot).
//
// Each table's rows stream from the source into multi-row INSERTs
// (rowInserter), a batch at a time, so the copy needs memory for one batch
// whatever the store's size. Values are converted to what the
// destination's column types take (SQLite may hand back booleans as
// integers and timestamps as text; PostgreSQL keeps microseconds).
//
// The copy verifies itself: every row read from the source is hashed, and
// after the commit the destination's tables are read back, counted and
// hashed the same way (see tableSum). CopyTo returns both sides' counts
// and sums, and ErrCopyDiffers when any differ.

// Errors of CopyTo. Their texts are for users (zhinan migrate-store).
var (
	// ErrDestinationNotEmpty: the destination holds data; nothing was
	// copied.
	ErrDestinationNotEmpty = errors.New(MsgCopyNotEmpty)
	// ErrSchemaDiffers: the two stores' schemas differ; nothing was
	// copied.
	ErrSchemaDiffers = errors.New(MsgCopySchema)
	// ErrCopyDiffers: the copy was committed, but the destination read
	// back differs from the source.
	ErrCopyDiffers = errors.New(MsgCopyDiffers)
)

// CopyResult is what CopyTo read from the source and found in the
// destination, table by table.
type CopyResult struct {
	// SchemaVersion is the schema version of both stores.
	SchemaVersion int
	// Tables are the tables copied, by name: every table of the schema but
	// schema_migrations.
	Tables []TableCopy
}

// TableCopy is one table's rows on both sides of a copy.
type TableCopy struct {
	Table string
	// Source is how many rows were read from the source; Destination how
	// many the destination holds, counted after the commit.
	Source, Destination int64
	// SourceSum and DestinationSum are the tables' row sums (see
	// tableSum), hexadecimal.
	SourceSum, DestinationSum string
}

// Equal reports whether the destination holds the rows of the source.
func (t TableCopy) Equal() bool {
	return t.Source == t.Destination && t.SourceSum == t.DestinationSum
}

// Differences returns the tables whose copy differs from the source.
func (r *CopyResult) Differences() []string {
	var out []string
	for _, t := range r.Tables {
		if !t.Equal() {
			out = append(out, t.Table)
		}
	}
	return out
}

// Rows returns the rows of every table, read from the source.
func (r *CopyResult) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Source
	}
	return n
}

// CopyTo copies every table of s into dst, a store with the same schema
// version and no data, in one transaction of dst, and verifies the copy.
//
// A freshly opened store is not quite empty, and dst may hold what one
// holds: the change sequence at zero (migration 1 writes it) and the
// reference regions every command adds to a store it opens. Those two
// tables are emptied and take the source's rows (the source has the
// reference regions, and a missing one is added back by the next command
// that opens the store); any other row in dst refuses the copy with
// ErrDestinationNotEmpty, as different schemas refuse it with
// ErrSchemaDiffers, before anything is written.
//
// After the rows, on PostgreSQL, the sequences of the auto-incrementing
// keys are set past the largest key copied (dialect.resetSerial), so that
// dst gives new rows new ids. The result has every table's row counts and
// row sums on both sides; when they differ, CopyTo returns the result and
// ErrCopyDiffers. progress, when not nil, is called after each table is
// copied, with its source count and sum.
func (s *Store) CopyTo(ctx context.Context, dst *Store, progress func(TableCopy)) (*CopyResult, error) {
	if s == dst {
		return nil, errors.New("copy a store into itself")
	}
	plan, version, err := planCopy(s.db.WithContext(ctx), dst.db.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	res := &CopyResult{SchemaVersion: version, Tables: make([]TableCopy, len(plan))}
	// A read-only snapshot on PostgreSQL; SQLite ignores the options and
	// begins the transaction as every transaction of the store does, with
	// the write lock.
	snapshot := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	err = s.db.WithContext(ctx).Transaction(func(src *gorm.DB) error {
		return dst.bulkTransaction(ctx, "", func(tx *gorm.DB) error {
			if err := checkEmpty(tx, plan); err != nil {
				return err
			}
			for i, t := range plan {
				n, sum, err := copyTable(src, tx, t)
				if err != nil {
					return fmt.Errorf("copy table %s: %w", t.name, err)
				}
				res.Tables[i] = TableCopy{Table: t.name, Source: n, SourceSum: sum}
				if progress != nil {
					progress(res.Tables[i])
				}
			}
			d := dialectOf(tx)
			for _, t := range plan {
				for i, c := range t.columns {
					if t.kinds[i] != kindInt {
						continue
					}
					if err := d.resetSerial(tx, t.name, c); err != nil {
						return fmt.Errorf("reset the key sequence of %s.%s: %w", t.name, c, err)
					}
				}
			}
			return nil
		})
	}, snapshot)
	if err != nil {
		return nil, err
	}
	// Read the destination back, as committed.
	for i, t := range plan {
		n, sum, err := tableSum(dst.db.WithContext(ctx), t)
		if err != nil {
			return nil, fmt.Errorf("verify table %s: %w", t.name, err)
		}
		res.Tables[i].Destination, res.Tables[i].DestinationSum = n, sum
	}
	if diff := res.Differences(); len(diff) > 0 {
		return res, fmt.Errorf("%w：%s", ErrCopyDiffers, strings.Join(diff, "、"))
	}
	return res, nil
}

// copyPlan is one table to copy.
type copyPlan struct {
	name    string
	columns []string // in the source's order
	// kinds are the kinds of the destination's columns.
	kinds []valueKind
}

// prefilled are the tables a freshly opened store fills by itself, which
// the copy empties and fills with the source's rows (see CopyTo); the
// function reports whether the destination's rows are those of a fresh
// store.
var prefilled = map[string]func(tx *gorm.DB) (bool, error){
	"sequences": func(tx *gorm.DB) (bool, error) {
		var n int64
		err := tx.Raw(`SELECT COUNT(*) FROM sequences WHERE value <> 0`).Scan(&n).Error
		return n == 0, err
	},
	"regions": func(*gorm.DB) (bool, error) { return true, nil },
}

// planCopy checks that src and dst have the same schema, and returns the
// tables to copy (every table but schema_migrations, by name) with their
// columns, and the schema version.
func planCopy(src, dst *gorm.DB) ([]copyPlan, int, error) {
	var versions [2]int
	var tables [2][]string
	for i, db := range []*gorm.DB{src, dst} {
		if err := db.Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&versions[i]).Error; err != nil {
			return nil, 0, fmt.Errorf("read schema version: %w", err)
		}
		all, err := tablesOf(db)
		if err != nil {
			return nil, 0, fmt.Errorf("list tables: %w", err)
		}
		tables[i] = slices.DeleteFunc(all, func(t string) bool { return t == "schema_migrations" })
		slices.Sort(tables[i])
	}
	if versions[0] != versions[1] {
		return nil, 0, fmt.Errorf("%w："+MsgCopyVersions, ErrSchemaDiffers, versions[0], versions[1])
	}
	if !slices.Equal(tables[0], tables[1]) {
		return nil, 0, fmt.Errorf("%w："+MsgCopyTables, ErrSchemaDiffers,
			strings.Join(tables[0], ", "), strings.Join(tables[1], ", "))
	}
	plan := make([]copyPlan, len(tables[0]))
	for i, t := range tables[0] {
		cs, err := columnsOf(src, t)
		if err != nil {
			return nil, 0, fmt.Errorf("list columns of %s: %w", t, err)
		}
		cd, err := columnsOf(dst, t)
		if err != nil {
			return nil, 0, fmt.Errorf("list columns of %s: %w", t, err)
		}
		if !slices.Equal(slices.Sorted(slices.Values(cs)), slices.Sorted(slices.Values(cd))) {
			return nil, 0, fmt.Errorf("%w："+MsgCopyColumns, ErrSchemaDiffers, t,
				strings.Join(cs, ", "), strings.Join(cd, ", "))
		}
		kinds, err := columnKinds(dst, t, cs)
		if err != nil {
			return nil, 0, fmt.Errorf("read column types of %s: %w", t, err)
		}
		plan[i] = copyPlan{name: t, columns: cs, kinds: kinds}
	}
	return plan, versions[0], nil
}

// checkEmpty refuses, with ErrDestinationNotEmpty, a destination holding
// any row but those of a fresh store, and empties the tables a fresh store
// fills (prefilled).
func checkEmpty(tx *gorm.DB, plan []copyPlan) error {
	var full []string
	for _, t := range plan {
		if isFresh, ok := prefilled[t.name]; ok {
			fresh, err := isFresh(tx)
			if err != nil {
				return err
			}
			if !fresh {
				full = append(full, t.name)
			}
			continue
		}
		var found []int
		if err := tx.Raw(`SELECT 1 FROM ` + quoteIdent(t.name) + ` LIMIT 1`).Scan(&found).Error; err != nil {
			return err
		}
		if len(found) > 0 {
			full = append(full, t.name)
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%w："+MsgCopyFullTables, ErrDestinationNotEmpty, strings.Join(full, "、"))
	}
	for _, t := range plan {
		if _, ok := prefilled[t.name]; ok {
			if err := tx.Exec(`DELETE FROM ` + quoteIdent(t.name)).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// copyTable streams the rows of table t from src into tx and returns how
// many it copied and their sum.
func copyTable(src, tx *gorm.DB, t copyPlan) (int64, string, error) {
	names := quoteIdents(t.columns)
	rows, err := src.Raw(`SELECT ` + strings.Join(names, ", ") + ` FROM ` + quoteIdent(t.name)).Rows()
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	srcKinds, err := kindsOf(rows)
	if err != nil {
		return 0, "", err
	}
	postgres := dialectOf(tx).postgres()
	w := newRowInserter(tx, quoteIdent(t.name), names, "")
	defer w.close()
	cols := len(t.columns)
	scanned := make([]any, cols)
	ptrs := make([]any, cols)
	for i := range scanned {
		ptrs[i] = &scanned[i]
	}
	batch := make([]any, 0, w.per*cols)
	flush := func() error {
		n := len(batch) / cols
		err := w.insert(n, func(i int, dst []any) []any { return append(dst, batch[i*cols:(i+1)*cols]...) })
		clear(batch)
		batch = batch[:0]
		return err
	}
	var sum tableDigest
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		for i, v := range scanned {
			if srcKinds[i] == kindTime {
				// A timestamp SQLite could not read comes back as the
				// zero time: refuse it rather than copy a wrong value.
				if tv, ok := v.(time.Time); ok && tv.IsZero() {
					return 0, "", fmt.Errorf("column %s: unreadable timestamp", t.columns[i])
				}
			}
			cv, err := convertValue(v, t.kinds[i], postgres)
			if err != nil {
				return 0, "", fmt.Errorf("column %s: %w", t.columns[i], err)
			}
			batch = append(batch, cv)
		}
		if err := sum.addRow(scanned, srcKinds); err != nil {
			return 0, "", fmt.Errorf("%s: %w", t.name, err)
		}
		n++
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return 0, "", err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return 0, "", err
		}
	}
	return n, sum.String(), nil
}

// tableSum reads every row of table t in db and returns how many there are
// and their sum.
func tableSum(db *gorm.DB, t copyPlan) (int64, string, error) {
	rows, err := db.Raw(`SELECT ` + strings.Join(quoteIdents(t.columns), ", ") + ` FROM ` + quoteIdent(t.name)).Rows()
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	kinds, err := kindsOf(rows)
	if err != nil {
		return 0, "", err
	}
	vals := make([]any, len(t.columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var sum tableDigest
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		if err := sum.addRow(vals, kinds); err != nil {
			return 0, "", err
		}
		n++
	}
	return n, sum.String(), rows.Err()
}

// valueKind is what a column holds, whatever the engine calls its type.
type valueKind int

const (
	kindText valueKind = iota
	kindInt
	kindBool
	kindTime
	kindFloat
	kindBytes
)

// kindOfType maps a column's database type, as the driver names it
// (SQLite: the declared type, e.g. BOOLEAN, TIMESTAMP, BIGINT; PostgreSQL:
// BOOL, TIMESTAMP, INT8 …), to its kind.
func kindOfType(dbType string) valueKind {
	t := strings.ToUpper(dbType)
	switch {
	case strings.Contains(t, "BOOL"):
		return kindBool
	case strings.Contains(t, "TIME") || t == "DATE":
		return kindTime
	case strings.Contains(t, "INT") || strings.Contains(t, "SERIAL"):
		return kindInt
	case strings.Contains(t, "REAL") || strings.Contains(t, "FLOA") || strings.Contains(t, "DOUB") ||
		strings.Contains(t, "NUMERIC") || strings.Contains(t, "DECIMAL"):
		return kindFloat
	case t == "BLOB" || t == "BYTEA":
		return kindBytes
	}
	return kindText
}

// kindsOf returns the kinds of the columns of rows.
func kindsOf(rows *sql.Rows) ([]valueKind, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := make([]valueKind, len(types))
	for i, ct := range types {
		out[i] = kindOfType(ct.DatabaseTypeName())
	}
	return out, nil
}

// columnKinds returns the kinds of the columns of table in db.
func columnKinds(db *gorm.DB, table string, columns []string) ([]valueKind, error) {
	rows, err := db.Raw(`SELECT ` + strings.Join(quoteIdents(columns), ", ") + ` FROM ` + quoteIdent(table) + ` WHERE 1 = 0`).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return kindsOf(rows)
}

// convertValue converts v, as a driver read it, to what a column of kind
// k takes. Times are written in UTC, and to PostgreSQL (postgres) in its
// precision, microseconds.
func convertValue(v any, k valueKind, postgres bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case float64:
			return x != 0, nil
		case string:
			return parseBool(x)
		case []byte:
			return parseBool(string(x))
		}
	case kindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case float64:
			if x == math.Trunc(x) {
				return int64(x), nil
			}
		case string:
			return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		case []byte:
			return strconv.ParseInt(strings.TrimSpace(string(x)), 10, 64)
		}
	case kindTime:
		t, err := timeValue(v)
		if err != nil {
			return nil, err
		}
		t = t.UTC()
		if postgres {
			t = t.Truncate(time.Microsecond)
		}
		return t, nil
	case kindFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case string:
			return strconv.ParseFloat(strings.TrimSpace(x), 64)
		}
	case kindBytes:
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	default:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	}
	return nil, fmt.Errorf("cannot store %T %v in a %s column", v, v, kindNames[k])
}

var kindNames = map[valueKind]string{kindText: "text", kindInt: "integer", kindBool: "boolean",
	kindTime: "timestamp", kindFloat: "real", kindBytes: "binary"}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true":
		return true, nil
	case "0", "f", "false":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}

// timeLayouts are the text forms of timestamps a driver may hand back
// unparsed (those SQLite's driver writes and reads, and RFC 3339).
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// timeValue returns v as a time.
func timeValue(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case int64:
		return time.Unix(x, 0), nil
	case []byte:
		return timeValue(string(x))
	case string:
		s := strings.TrimSpace(x)
		for _, l := range timeLayouts {
			if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("not a timestamp: %q", x)
	}
	return time.Time{}, fmt.Errorf("not a timestamp: %T", v)
}

// tableDigest is the sum of a table's rows: the sum, modulo 2^256, of the
// SHA-256 of every row, each value written in one form for both engines
// (canonicalValue). Being a sum, it does not depend on the order the rows
// are read in (which differs between engines and collations), and it
// needs no memory but its own whatever the table's size; equal tables have
// equal sums, and a row that differs, is missing or is doubled changes the
// sum (but for a chance of 2^-256 — this is a check of a copy, not a
// defence against a forger).
type tableDigest struct {
	sum [32]byte
	buf []byte
}

// addRow adds a row of values of the given kinds.
func (d *tableDigest) addRow(vals []any, kinds []valueKind) error {
	d.buf = d.buf[:0]
	for i, v := range vals {
		var err error
		if d.buf, err = canonicalValue(d.buf, v, kinds[i]); err != nil {
			return err
		}
	}
	h := sha256.Sum256(d.buf)
	carry := uint16(0)
	for i := len(d.sum) - 1; i >= 0; i-- {
		s := uint16(d.sum[i]) + uint16(h[i]) + carry
		d.sum[i], carry = byte(s), s>>8
	}
	return nil
}

// String is the sum in hexadecimal.
func (d *tableDigest) String() string { return hex.EncodeToString(d.sum[:]) }

// canonicalValue appends to buf the form of v, a value of a column of kind
// k as either engine's driver reads it, that equal values have on both
// engines: a tag, the length and the text of the value. Times are UTC, to
// the microsecond (PostgreSQL's precision).
func canonicalValue(buf []byte, v any, k valueKind) ([]byte, error) {
	var tag byte
	var text string
	if v == nil {
		tag = 'N'
	} else {
		cv, err := convertValue(v, k, true)
		if err != nil {
			return nil, err
		}
		switch x := cv.(type) {
		case bool:
			tag, text = 'b', strconv.FormatBool(x)
		case int64:
			tag, text = 'i', strconv.FormatInt(x, 10)
		case float64:
			tag, text = 'f', strconv.FormatFloat(x, 'g', -1, 64)
		case time.Time:
			tag, text = 't', x.Format("2006-01-02T15:04:05.000000Z")
		case []byte:
			tag, text = 'x', string(x)
		case string:
			tag, text = 's', x
		}
	}
	buf = append(buf, tag)
	buf = binary.AppendUvarint(buf, uint64(len(text)))
	return append(buf, text...), nil
}

// quoteIdent quotes a table or column name for SQL (both engines take
// double quotes), so that a name that is also a keyword is still a name.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteIdents(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteIdent(n)
	}
	return out
}
