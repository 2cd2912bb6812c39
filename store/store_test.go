package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
	"zhinan/interchange"
	"zhinan/internal/testdb"
)

// openTestStore opens a real store: SQLite in a temporary data directory,
// or a new PostgreSQL database when ZHINAN_TEST_DB names a server.
func openTestStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := OpenDB(testdb.URL(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.EnsureRegions(context.Background(), catalogtest.Regions); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

func mustImport(t *testing.T, st *Store, d catalog.Decoded) *ImportResult {
	t.Helper()
	res, err := st.Import(context.Background(), d, ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v (problems %v)", err, res)
	}
	return res
}

func TestImportCreatesUpdatesAndKeepsUnchanged(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	a, b := catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)
	res := mustImport(t, st, catalogtest.ItemRecords(a, b))
	if res.Created != 2 || res.Updated != 0 || res.Unchanged != 0 {
		t.Fatalf("first import: %+v", res)
	}
	if len(res.NewDepartments) != 1 || res.NewDepartments[0].Name != a.Department {
		t.Fatalf("department not reported as created: %+v", res.NewDepartments)
	}
	seq1, _ := st.Seq(ctx)

	// Same content again: nothing changes, no new edition, no new sequence.
	res = mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)))
	if res.Unchanged != 2 || res.Created+res.Updated != 0 {
		t.Fatalf("re-import: %+v", res)
	}
	if seq2, _ := st.Seq(ctx); seq2 != seq1 {
		t.Fatalf("unchanged import advanced the change sequence %d → %d", seq1, seq2)
	}

	// One changed guide: a new published edition, the old one superseded.
	changed := catalogtest.GuideVariant(1)
	changed.PromisedDays = catalog.Int(10)
	res = mustImport(t, st, catalogtest.ItemRecords(changed, catalogtest.GuideVariant(2)))
	if res.Updated != 1 || res.Unchanged != 1 {
		t.Fatalf("changed import: %+v", res)
	}
	p, err := st.Published(ctx, changed.Code)
	if err != nil {
		t.Fatal(err)
	}
	if p.Edition != 2 || *p.PromisedDays != 10 {
		t.Fatalf("published edition %d promised %v, want edition 2 promised 10", p.Edition, *p.PromisedDays)
	}
	var states []string
	st.db.Raw(`SELECT state FROM editions WHERE item_code = ? ORDER BY number`, changed.Code).Scan(&states)
	if fmt.Sprint(states) != "[superseded published]" {
		t.Fatalf("edition states %v", states)
	}
	changes, err := st.ChangesSince(ctx, seq1, 10)
	if err != nil || len(changes) != 1 || changes[0].Code != changed.Code {
		t.Fatalf("changes since %d: %v %v", seq1, changes, err)
	}
}

func TestPublishedHasFlagsAndKeepsAbsentFieldsAbsent(t *testing.T) {
	st, _ := openTestStore(t)
	it := &catalog.Item{Code: "MIN-1", BaseCode: "000000000001", Name: "最少字段事项", Type: "公共服务", Region: "610921", Department: "汉阴县民政局"}
	mustImport(t, st, catalogtest.ItemRecords(it))
	p, err := st.Published(context.Background(), "MIN-1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Visits != nil || p.InHall != nil || p.LegalDays != nil {
		t.Fatalf("absent fields came back set: %+v", p.Item)
	}
	if len(p.Flags) != 0 {
		t.Fatalf("flags of an item without fields: %v", p.Flags)
	}
	full := catalogtest.GuideVariant(3)
	mustImport(t, st, catalogtest.ItemRecords(full))
	p, _ = st.Published(context.Background(), full.Code)
	if fmt.Sprint(p.Flags) != fmt.Sprint(catalog.Flags(full)) || len(p.Flags) == 0 {
		t.Fatalf("flags %v, want %v", p.Flags, catalog.Flags(full))
	}
	if _, err := st.Published(context.Background(), "NOPE"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1)))
	before := exportString(t, st)

	bad := catalogtest.GuideVariant(2)
	bad.Type = "行政许可证" // not an enumeration value
	unknownRegion := catalogtest.GuideVariant(3)
	unknownRegion.Region = "999999"
	dup := catalogtest.GuideVariant(4)
	dup2 := catalogtest.GuideVariant(4)
	good := catalogtest.GuideVariant(5)
	changed := catalogtest.GuideVariant(1)
	changed.Name = "改名"
	in := catalogtest.ItemRecords(changed, bad, unknownRegion, dup, dup2, good)
	in.Problems = []catalog.Problem{{File: "t.jsonl", Line: 7, Message: "JSON 格式错误"}}

	res, err := st.Import(ctx, in, ImportOptions{})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	if res.Rejected != 4 || res.Written {
		t.Fatalf("rejected %d written %v, want 4 and false", res.Rejected, res.Written)
	}
	fields := map[string]int{}
	for _, p := range res.Problems {
		fields[p.Field] = p.Line
	}
	if fields["type"] != 2 || fields["region"] != 3 || fields["code"] != 5 {
		t.Fatalf("problems do not name line and field: %+v", res.Problems)
	}
	if after := exportString(t, st); after != before {
		t.Fatal("a rejected import changed the store")
	}

	// Dry run with --skip-invalid: counts, but nothing written.
	res, err = st.Import(ctx, in, ImportOptions{SkipInvalid: true, DryRun: true})
	if err != nil || res.Created != 2 || res.Updated != 1 || res.Written {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if after := exportString(t, st); after != before {
		t.Fatal("a dry run changed the store")
	}

	// --skip-invalid imports the valid ones.
	res, err = st.Import(ctx, in, ImportOptions{SkipInvalid: true})
	if err != nil || res.Created != 2 || res.Updated != 1 || res.Rejected != 4 || !res.Written {
		t.Fatalf("skip invalid: %+v %v", res, err)
	}
}

func TestImportReferenceRecords(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	zone := catalog.Region{Code: "610971", Name: "安康高新区", Level: "县", Parent: "610900"}
	dept := catalog.Department{Name: "安康高新区行政审批服务局", Region: "610971", Phone: "0915-3261234"}
	entry := catalog.Entry{BaseCode: "071000100000", Name: "居民身份证换领", Type: "行政确认", Levels: []string{"县级"}}
	it := catalogtest.GuideVariant(1)
	it.Region, it.Department = zone.Code, dept.Name
	// Items first in the file: references are applied before items anyway.
	d := catalogtest.ItemRecords(it)
	d.Records = append(d.Records,
		catalog.Record{Line: 2, Kind: catalog.KindDepartment, Department: &dept},
		catalog.Record{Line: 3, Kind: catalog.KindRegion, Region: &zone},
		catalog.Record{Line: 4, Kind: catalog.KindEntry, Entry: &entry})
	res := mustImport(t, st, d)
	if res.Regions != 1 || res.Departments != 1 || res.Entries != 1 || len(res.NewDepartments) != 0 {
		t.Fatalf("%+v", res)
	}
	// The same records again are not errors and change nothing.
	res = mustImport(t, st, d)
	if res.Regions+res.Departments+res.Entries+res.Created+res.Updated != 0 {
		t.Fatalf("re-import changed something: %+v", res)
	}
	ds, _ := st.Departments(ctx, "610971")
	if len(ds) != 1 || ds[0].Phone != dept.Phone {
		t.Fatalf("departments %+v", ds)
	}
	es, _ := st.Entries(ctx)
	if len(es) != 1 || es[0].Name != entry.Name || es[0].Levels[0] != "县级" {
		t.Fatalf("entries %+v", es)
	}
}

func TestPublishedTimesUseTheStoreClock(t *testing.T) {
	st, _ := openTestStore(t)
	at := time.Date(2021, 6, 30, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return at }
	mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1)))
	p, _ := st.Published(context.Background(), catalogtest.GuideVariant(1).Code)
	if !p.UpdatedAt.Equal(at) {
		t.Fatalf("updated_at %v, want %v", p.UpdatedAt, at)
	}
}

func exportString(t *testing.T, st *Store) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := interchange.Export(context.Background(), &buf, "jsonl", st, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestImportManyBatches imports more items than one write batch holds,
// then again with some changed, some unchanged and some new, and checks
// the counts, the editions and that the change sequence follows the input
// order of the items written.
func TestImportManyBatches(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	n := 2*itemsPerBatch + 37
	var first []*catalog.Item
	for i := 0; i < n; i++ {
		first = append(first, catalogtest.GuideVariant(i))
	}
	in := catalogtest.ItemRecords(first...)
	if res := mustImport(t, st, in); res.Created != n {
		t.Fatalf("first import: %+v", res)
	}
	for i, r := range in.Records {
		if r.Item != first[i] {
			t.Fatalf("import changed the caller's record %d", i)
		}
	}
	seq1, _ := st.Seq(ctx)

	var second []*catalog.Item
	want := map[string]int{} // code → published edition
	changed := 0
	for i := 0; i < n+50; i++ {
		it := catalogtest.GuideVariant(i)
		switch {
		case i >= n:
			want[it.Code] = 1
		case i%3 == 0:
			it.PromisedDays = catalog.Int(7)
			want[it.Code] = 2
			changed++
		default:
			want[it.Code] = 1
		}
		second = append(second, it)
	}
	res := mustImport(t, st, catalogtest.ItemRecords(second...))
	if res.Created != 50 || res.Updated != changed || res.Unchanged != n-changed {
		t.Fatalf("second import: %+v", res)
	}
	var rows []struct {
		Code      string
		Published int
		Seq       int64
		State     string
	}
	st.db.Raw(`SELECT i.code, i.published, i.seq, e.state FROM items i ` + joinPublished).Scan(&rows)
	if len(rows) != n+50 {
		t.Fatalf("%d items stored, want %d", len(rows), n+50)
	}
	seqs := map[string]int64{}
	for _, r := range rows {
		if r.Published != want[r.Code] || r.State != catalog.StatePublished {
			t.Fatalf("%s: published edition %d (%s), want %d", r.Code, r.Published, r.State, want[r.Code])
		}
		seqs[r.Code] = r.Seq
	}
	next := seq1 + 1
	for i, it := range second {
		if i < n && i%3 != 0 {
			continue
		}
		if seqs[it.Code] != next {
			t.Fatalf("%s: seq %d, want %d", it.Code, seqs[it.Code], next)
		}
		next++
	}
	var superseded int
	st.db.Raw(`SELECT COUNT(*) FROM editions WHERE state = ?`, catalog.StateSuperseded).Scan(&superseded)
	if superseded != changed {
		t.Fatalf("%d superseded editions, want %d", superseded, changed)
	}
}

// A database URL zhinan cannot open is refused with a message that names
// it without its password.
func TestOpenDBRefusesUnknownURL(t *testing.T) {
	_, err := OpenDB("postgre://admin:s3cret@db.example:5432/zhinan", t.TempDir())
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "db.example") {
		t.Fatalf("OpenDB of a misspelt URL: %v", err)
	}
}
