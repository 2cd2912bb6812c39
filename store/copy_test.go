package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
	"zhinan/feedback"
	"zhinan/internal/testdb"
)

// copyItems is how many items the copy tests import: more than one batch
// of the copy's INSERTs (importBatch), so that full and partial batches are
// written.
const copyItems = 2*importBatch + 50

// copySource is a SQLite store holding rows in every table, with the
// handles the copy tests need.
type copySource struct {
	st                *Store
	editor, reviewer  Actor
	bundler           Actor
	editorPW, tokenED string
	seq               int64
}

// fillCopySource fills a SQLite store with something in every table:
// imported items with an entry, a workflow with edition history (a
// superseded, a published, a rejected edition and a new item's draft),
// accounts (one disabled), sessions, change-log entries, views, settings.
// Its clock has nanoseconds, which PostgreSQL keeps only to the
// microsecond.
func fillCopySource(t *testing.T) *copySource {
	t.Helper()
	ctx := context.Background()
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var mu sync.Mutex
	clock := time.Date(2024, 3, 1, 9, 0, 0, 123456789, time.UTC)
	st.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Minute + time.Nanosecond)
		return clock
	}
	if err := st.EnsureRegions(ctx, catalogtest.Regions); err != nil {
		t.Fatal(err)
	}
	var items []*catalog.Item
	for i := 1; i <= copyItems; i++ {
		items = append(items, catalogtest.GuideVariant(i))
	}
	d := catalogtest.ItemRecords(items...)
	guide := catalogtest.CompleteGuide()
	d.Records = append(d.Records, catalog.Record{File: "t.jsonl", Line: len(items) + 1, Kind: catalog.KindEntry,
		Entry: &catalog.Entry{BaseCode: guide.BaseCode, Name: guide.Name, Type: guide.Type, Levels: []string{"县级"}}})
	mustImport(t, st, d)

	const pw = "correct horse battery"
	add := func(nu NewUser) *catalog.User {
		t.Helper()
		nu.Password = pw
		u, err := st.AddUser(ctx, nu)
		if err != nil {
			t.Fatalf("add user %s: %v", nu.Name, err)
		}
		return u
	}
	editor := add(NewUser{Name: "hb-editor", Role: catalog.RoleEditor, Department: catalogtest.Department, Region: "610902"})
	reviewer := add(NewUser{Name: "city-reviewer", Role: catalog.RoleReviewer, Region: "610900"})
	add(NewUser{Name: "admin", Role: catalog.RoleAdmin, Demo: true})
	add(NewUser{Name: "auditor", Role: catalog.RoleAuditor})
	if _, err := st.SetDisabled(ctx, "auditor", true); err != nil {
		t.Fatal(err)
	}
	src := &copySource{st: st, editor: Actor{User: editor, Remote: "10.0.0.1"}, reviewer: Actor{User: reviewer, Remote: "10.0.0.2"}, editorPW: pw}
	if _, _, err := st.CreateSession(ctx, reviewer, SessionCookie); err != nil {
		t.Fatal(err)
	}
	if src.tokenED, _, err = st.CreateSession(ctx, editor, SessionToken); err != nil {
		t.Fatal(err)
	}
	if err := st.LogChange(ctx, ChangeEntry{UserName: editor.Name, Action: OpLogin, Remote: "10.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	// A system token, used once (api_tokens).
	if _, _, err := st.AddToken(ctx, NewToken{Name: "province", Role: catalog.RoleAuditor, ExpiresAt: st.Now().Add(90 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.TouchToken(ctx, "province", st.Now(), "10.0.0.3"); err != nil {
		t.Fatal(err)
	}

	// Edition history: TEST0001 edited and published again (edition 1
	// superseded), TEST0002 edited and rejected, NEW0001 created.
	edit := func(code string) int {
		t.Helper()
		w, err := st.Draft(ctx, src.editor, code)
		if err != nil {
			t.Fatal(err)
		}
		it := w.Item
		it.Name += "（修订）"
		if code == "TEST0001" {
			// A location naming no hall or window: a publishing warning
			// the reviewer overrides, so edition_overrides has a row.
			it.Location = "汉滨区"
		}
		n, err := st.SaveDraft(ctx, src.editor, code, w.Edition, &it, "修订名称")
		if err != nil {
			t.Fatalf("save %s: %v", code, err)
		}
		if err := st.Submit(ctx, src.editor, code, n, ""); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := st.PublishWith(ctx, src.reviewer, "TEST0001", edit("TEST0001"),
		map[string]string{catalog.CheckLocation: "窗口调整中，暂按区县公布"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Reject(ctx, src.reviewer, "TEST0002", edit("TEST0002"), "名称不规范"); err != nil {
		t.Fatal(err)
	}
	created := catalogtest.CompleteGuide()
	created.Code = "NEW0001"
	if _, err := st.CreateItem(ctx, src.editor, created, "新建"); err != nil {
		t.Fatal(err)
	}
	// A bundle published, then edited again (bundles, bundle_editions).
	bundler := add(NewUser{Name: "bundler", Role: catalog.RoleBundle})
	src.bundler = Actor{User: bundler, Remote: "10.0.0.3"}
	b := &catalog.Bundle{Code: "birth", Name: "出生一件事", Steps: []catalog.BundleStep{{BaseCode: guide.BaseCode, Stage: 1}}}
	if _, err := st.SaveBundle(ctx, src.bundler, "birth", 0, b, "新建"); err != nil {
		t.Fatal(err)
	}
	if err := st.SubmitBundle(ctx, src.bundler, "birth", 1, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.PublishBundle(ctx, src.reviewer, "birth", 1); err != nil {
		t.Fatal(err)
	}
	b.Description = "修订"
	if _, err := st.SaveBundle(ctx, src.bundler, "birth", 1, b, "修订"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddViews(ctx, map[string]int64{"TEST0001": 5, "TEST0002": 3}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddSearchCounts(ctx, []SearchCount{{Week: "2024-02-26", Query: "房本加名字", Searches: 3, Empty: 1, Opened: 1}}); err != nil {
		t.Fatal(err)
	}
	// A 差评 with its ticket, taken up (ratings, tickets).
	filed, err := st.Rate(ctx, &feedback.Rating{Target: feedback.Target{Kind: feedback.TargetItem, Code: "TEST0001"},
		Level: 2, Reasons: []feedback.Reason{feedback.ReasonGuideWrong}, Comment: "材料清单与窗口不一致"})
	if err != nil || filed == nil {
		t.Fatalf("rate: %v, %v", filed, err)
	}
	if _, err := st.MoveTicket(ctx, src.editor, filed.ID, feedback.Move{To: feedback.StateWorking, Reply: "已受理"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(ctx, "seeded", "1"); err != nil {
		t.Fatal(err)
	}
	if src.seq, err = st.Seq(ctx); err != nil {
		t.Fatal(err)
	}
	return src
}

// openCopyDestination opens a new store on the test run's engine, as a
// command opens one: with the reference regions, and one region more that
// the copy replaces.
func openCopyDestination(t *testing.T) *Store {
	t.Helper()
	dst, err := OpenDB(testdb.URL(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dst.Close() })
	extra := append(slices.Clone(catalogtest.Regions), catalog.Region{Code: "990000", Name: "测试省", Level: "省"})
	if err := dst.EnsureRegions(context.Background(), extra); err != nil {
		t.Fatal(err)
	}
	return dst
}

// copiedTables are the tables a copy must cover: every table of the schema
// but schema_migrations.
func copiedTables(t *testing.T, st *Store) []string {
	t.Helper()
	all, err := tablesOf(st.db)
	if err != nil {
		t.Fatal(err)
	}
	all = slices.DeleteFunc(all, func(s string) bool { return s == "schema_migrations" })
	slices.Sort(all)
	return all
}

// dumpTable returns the rows of table, each as its columns (in name order)
// and values, sorted. Timestamps are UTC, to precision.
func dumpTable(t *testing.T, st *Store, table string, precision time.Duration) []string {
	t.Helper()
	cols, err := columnsOf(st.db, table)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(cols)
	rows, err := st.db.Raw(`SELECT ` + strings.Join(quoteIdents(cols), ", ") + ` FROM ` + quoteIdent(table)).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				v = x.UTC().Truncate(precision).Format(time.RFC3339Nano)
			case []byte:
				v = string(x)
			case int64:
				if kindOfType(types[i].DatabaseTypeName()) == kindBool {
					v = x != 0
				}
			}
			fmt.Fprintf(&b, "%s=%#v; ", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// maxID returns the largest id of table.
func maxID(t *testing.T, st *Store, table string) int64 {
	t.Helper()
	var n int64
	if err := st.db.Raw(`SELECT COALESCE(MAX(id), 0) FROM ` + table).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCopyCopiesEveryTable copies a SQLite store with rows in every table
// into a new store on the test run's engine and compares every table row
// by row. A table added to the schema fails it until the fixture fills
// the table (the copy itself copies whatever tablesOf lists).
func TestCopyCopiesEveryTable(t *testing.T) {
	ctx := context.Background()
	src := fillCopySource(t)
	dst := openCopyDestination(t)
	tables := copiedTables(t, src.st)
	if got := copiedTables(t, dst); !slices.Equal(got, tables) {
		t.Fatalf("destination tables %v, source %v", got, tables)
	}
	var progressed []string
	res, err := src.st.CopyTo(ctx, dst, func(tc TableCopy) { progressed = append(progressed, tc.Table) })
	if err != nil {
		t.Fatal(err)
	}
	if res.SchemaVersion != SchemaVersion {
		t.Errorf("schema version %d, want %d", res.SchemaVersion, SchemaVersion)
	}
	var got []string
	for _, tc := range res.Tables {
		got = append(got, tc.Table)
		if tc.Source == 0 {
			t.Errorf("table %s is empty in the fixture: fill it in fillCopySource, so that its copy is compared", tc.Table)
		}
		if !tc.Equal() || tc.SourceSum == "" {
			t.Errorf("table %s: %d rows (sum %s) copied as %d (sum %s)", tc.Table, tc.Source, tc.SourceSum, tc.Destination, tc.DestinationSum)
		}
	}
	if !slices.Equal(got, tables) || !slices.Equal(progressed, tables) {
		t.Fatalf("copied tables %v (progress %v), schema tables %v", got, progressed, tables)
	}
	if len(res.Differences()) != 0 {
		t.Fatalf("differences: %v", res.Differences())
	}
	// PostgreSQL keeps timestamps to the microsecond, SQLite as given.
	precision := time.Nanosecond
	if dst.Postgres() {
		precision = time.Microsecond
	}
	for _, table := range tables {
		want, have := dumpTable(t, src.st, table, precision), dumpTable(t, dst, table, precision)
		if len(want) != len(have) {
			t.Errorf("table %s: %d rows, copied %d", table, len(want), len(have))
			continue
		}
		for i := range want {
			if want[i] != have[i] {
				t.Errorf("table %s row %d:\nsource      %s\ndestination %s", table, i, want[i], have[i])
				break
			}
		}
	}
	if a, b := exportLines(t, src.st), exportLines(t, dst); !slices.Equal(a, b) || len(a) < copyItems {
		t.Errorf("exports differ: %d lines from the source, %d from the copy", len(a), len(b))
	}
	// The reference region the destination had beyond the source's is
	// gone with the rest of its regions: the copy's are the source's.
	if _, err := dst.Region(ctx, "990000"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("destination kept its own region 990000: %v", err)
	}

	// The copy goes on working: accounts sign in, sessions hold, new rows
	// get new ids and the change sequence continues (at the source's
	// time, when the sessions have not expired).
	dst.Now = src.st.Now
	if _, err := dst.Authenticate(ctx, "hb-editor", src.editorPW); err != nil {
		t.Fatalf("sign in on the copy: %v", err)
	}
	if u, _, err := dst.SessionUser(ctx, src.tokenED); err != nil || u.Name != "hb-editor" {
		t.Fatalf("session on the copy: %v %v", u, err)
	}
	maxUser, maxAudit, maxEdition, maxDept := maxID(t, dst, "users"), maxID(t, dst, "audit_log"), maxID(t, dst, "editions"), maxID(t, dst, "departments")
	nu, err := dst.AddUser(ctx, NewUser{Name: "new-auditor", Role: catalog.RoleAuditor, Password: "another long password"})
	if err != nil {
		t.Fatalf("add a user to the copy: %v", err)
	}
	if int64(nu.ID) != maxUser+1 {
		t.Errorf("new user id %d, want %d", nu.ID, maxUser+1)
	}
	// A draft of a published item is a new edition.
	w, err := dst.Draft(ctx, src.editor, "TEST0003")
	if err != nil {
		t.Fatal(err)
	}
	it := w.Item
	it.Name = "复制后修改"
	if _, err := dst.SaveDraft(ctx, src.editor, "TEST0003", w.Edition, &it, "复制后"); err != nil {
		t.Fatalf("edit on the copy: %v", err)
	}
	if got := maxID(t, dst, "editions"); got != maxEdition+1 {
		t.Errorf("new edition id %d, want %d", got, maxEdition+1)
	}
	if got := maxID(t, dst, "audit_log"); got <= maxAudit {
		t.Errorf("change log ids end at %d after an edit, were %d", got, maxAudit)
	}
	seq, err := dst.Seq(ctx)
	if err != nil || seq != src.seq+1 {
		t.Fatalf("change sequence %d (%v), want %d", seq, err, src.seq+1)
	}
	changes, err := dst.ChangesSince(ctx, src.seq, 10)
	if err != nil || len(changes) != 1 || changes[0].Code != "TEST0003" {
		t.Fatalf("changes since the copy: %v %v", changes, err)
	}
	// A bundle saved on the copy gets a new edition id.
	maxBundleEdition := maxID(t, dst, "bundle_editions")
	w2, err := dst.BundleDraft(ctx, src.bundler, "birth")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.SaveBundle(ctx, src.reviewer, "birth", w2.Edition, &w2.Bundle, ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("a reviewer saved a bundle on the copy: %v", err)
	}
	if _, err := dst.SaveBundle(ctx, Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, "birth", w2.Edition, &w2.Bundle, "复制后"); err != nil {
		t.Fatalf("save a bundle on the copy: %v", err)
	}
	if got := maxID(t, dst, "bundle_editions"); got != maxBundleEdition+1 {
		t.Errorf("new bundle edition id %d, want %d", got, maxBundleEdition+1)
	}
	if p, err := dst.PublishedBundle(ctx, "birth"); err != nil || p.Edition != 1 {
		t.Errorf("published bundle on the copy: %+v %v", p, err)
	}
	dep := catalog.Department{Name: "复制后新建局", Region: "610921"}
	if _, err := dst.Import(ctx, catalog.Decoded{Records: []catalog.Record{{File: "d.jsonl", Line: 1, Kind: catalog.KindDepartment, Department: &dep}}}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := maxID(t, dst, "departments"); got != maxDept+1 {
		t.Errorf("new department id %d, want %d", got, maxDept+1)
	}
}

// exportLines returns the lines of the store's JSON Lines export, sorted
// (the engines may order rows by different collations).
func exportLines(t *testing.T, st *Store) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(exportString(t, st)), "\n")
	slices.Sort(lines)
	return lines
}

// TestCopyRefusesADestinationWithData: a destination holding catalogue
// data is refused before anything is written, and left as it was.
func TestCopyRefusesADestinationWithData(t *testing.T) {
	ctx := context.Background()
	src := fillCopySource(t)
	dst := openCopyDestination(t)
	mustImport(t, dst, catalogtest.ItemRecords(catalogtest.GuideVariant(9001)))
	tables := copiedTables(t, dst)
	before := map[string][]string{}
	for _, table := range tables {
		before[table] = dumpTable(t, dst, table, time.Nanosecond)
	}
	res, err := src.st.CopyTo(ctx, dst, nil)
	if !errors.Is(err, ErrDestinationNotEmpty) || res != nil {
		t.Fatalf("copy into a store with data: %v %v", res, err)
	}
	for _, table := range []string{"items", "editions", "audit_log"} {
		if !strings.Contains(err.Error(), table) {
			t.Errorf("the refusal does not name table %s: %v", table, err)
		}
	}
	for _, table := range tables {
		if after := dumpTable(t, dst, table, time.Nanosecond); !slices.Equal(after, before[table]) {
			t.Errorf("refused copy changed table %s", table)
		}
	}
}

// TestCopyRefusesAnotherSchemaVersion: stores of different schema
// versions are refused.
func TestCopyRefusesAnotherSchemaVersion(t *testing.T) {
	src := fillCopySource(t)
	dst := openCopyDestination(t)
	if err := dst.db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', ?)`,
		SchemaVersion+1, time.Now().UTC()).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := src.st.CopyTo(context.Background(), dst, nil); !errors.Is(err, ErrSchemaDiffers) {
		t.Fatalf("copy into a newer schema: %v", err)
	}
	if n, err := dst.CountItems(context.Background()); err != nil || n != 0 {
		t.Fatalf("refused copy wrote %d items (%v)", n, err)
	}
}

// TestTableDigest: a table's sum does not depend on the order of its rows
// nor on how the engine hands back a value, and changes with any value.
func TestTableDigest(t *testing.T) {
	kinds := []valueKind{kindInt, kindBool, kindTime, kindText}
	at := time.Date(2024, 3, 1, 9, 0, 0, 123456789, time.UTC)
	sum := func(rows ...[]any) string {
		var d tableDigest
		for _, r := range rows {
			if err := d.addRow(r, kinds); err != nil {
				t.Fatal(err)
			}
		}
		return d.String()
	}
	a := []any{int64(1), true, at, "甲"}
	b := []any{int64(2), false, nil, "乙"}
	// As SQLite may hand them back: a boolean as an integer, a time as
	// text in another zone, with nanoseconds PostgreSQL does not keep.
	aSQLite := []any{int64(1), int64(1), "2024-03-01 17:00:00.123456999+08:00", []byte("甲")}
	if sum(a, b) != sum(b, a) || sum(a, b) != sum(b, aSQLite) {
		t.Error("the sum depends on row order or value representation")
	}
	for _, other := range [][]any{
		{int64(1), false, at, "甲"},
		{int64(1), true, at.Add(time.Microsecond), "甲"},
		{int64(1), true, at, "甲 "},
		{int64(1), true, nil, "甲"},
	} {
		if sum(a, b) == sum(other, b) {
			t.Errorf("row %v sums as %v", other, a)
		}
	}
	if sum(a, b) == sum(a, b, b) || sum(a) == sum() {
		t.Error("a doubled or missing row keeps the sum")
	}
	// Values are framed: moving text across a column boundary changes it.
	two := []valueKind{kindText, kindText}
	var x, y tableDigest
	x.addRow([]any{"ab", "c"}, two)
	y.addRow([]any{"a", "bc"}, two)
	if x.String() == y.String() {
		t.Error("values are not framed")
	}
}

func TestConvertValue(t *testing.T) {
	at := time.Date(2024, 3, 1, 9, 0, 0, 123456789, time.UTC)
	for _, tc := range []struct {
		v        any
		k        valueKind
		postgres bool
		want     any
	}{
		{int64(1), kindBool, true, true},
		{int64(0), kindBool, true, false},
		{"true", kindBool, true, true},
		{true, kindInt, false, int64(1)},
		{"42", kindInt, true, int64(42)},
		{at, kindTime, false, at},
		{at, kindTime, true, at.Truncate(time.Microsecond)},
		{"2024-03-01 17:00:00.123456789+08:00", kindTime, false, at},
		{[]byte("文本"), kindText, true, "文本"},
		{nil, kindTime, true, nil},
	} {
		got, err := convertValue(tc.v, tc.k, tc.postgres)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("convertValue(%#v, %s, %v) = %#v, %v; want %#v", tc.v, kindNames[tc.k], tc.postgres, got, err, tc.want)
		}
	}
	if _, err := convertValue("not a time", kindTime, true); err == nil {
		t.Error("a text that is no timestamp converted")
	}
}
