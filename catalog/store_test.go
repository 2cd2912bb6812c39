package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"
)

// testRegions are the regions the store tests need.
var testRegions = []Region{
	{Code: "610000", Name: "陕西省", Level: "省"},
	{Code: "610900", Name: "安康市", Level: "市", Parent: "610000"},
	{Code: "610902", Name: "汉滨区", Level: "县", Parent: "610900"},
	{Code: "610921", Name: "汉阴县", Level: "县", Parent: "610900"},
}

// openTestStore opens a real SQLite store in a temporary data directory.
func openTestStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.EnsureRegions(context.Background(), testRegions); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

// guideVariant returns a complete guide with its own code and name.
func guideVariant(i int) *Item {
	it := completeGuide()
	it.Code = fmt.Sprintf("TEST%04d", i)
	it.Name = fmt.Sprintf("%s%d", it.Name, i)
	return it
}

func itemRecords(items ...*Item) Decoded {
	var d Decoded
	for i, it := range items {
		d.Records = append(d.Records, Record{File: "t.jsonl", Line: i + 1, Kind: KindItem, Item: it})
	}
	return d
}

func mustImport(t *testing.T, st *Store, d Decoded) *ImportResult {
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
	a, b := guideVariant(1), guideVariant(2)
	res := mustImport(t, st, itemRecords(a, b))
	if res.Created != 2 || res.Updated != 0 || res.Unchanged != 0 {
		t.Fatalf("first import: %+v", res)
	}
	if len(res.NewDepartments) != 1 || res.NewDepartments[0].Name != a.Department {
		t.Fatalf("department not reported as created: %+v", res.NewDepartments)
	}
	seq1, _ := st.Seq(ctx)

	// Same content again: nothing changes, no new edition, no new sequence.
	res = mustImport(t, st, itemRecords(guideVariant(1), guideVariant(2)))
	if res.Unchanged != 2 || res.Created+res.Updated != 0 {
		t.Fatalf("re-import: %+v", res)
	}
	if seq2, _ := st.Seq(ctx); seq2 != seq1 {
		t.Fatalf("unchanged import advanced the change sequence %d → %d", seq1, seq2)
	}

	// One changed guide: a new published edition, the old one superseded.
	changed := guideVariant(1)
	changed.PromisedDays = Int(10)
	res = mustImport(t, st, itemRecords(changed, guideVariant(2)))
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
	it := &Item{Code: "MIN-1", BaseCode: "000000000001", Name: "最少字段事项", Type: "公共服务", Region: "610921", Department: "汉阴县民政局"}
	mustImport(t, st, itemRecords(it))
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
	full := guideVariant(3)
	mustImport(t, st, itemRecords(full))
	p, _ = st.Published(context.Background(), full.Code)
	if fmt.Sprint(p.Flags) != fmt.Sprint(Flags(full)) || len(p.Flags) == 0 {
		t.Fatalf("flags %v, want %v", p.Flags, Flags(full))
	}
	if _, err := st.Published(context.Background(), "NOPE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	mustImport(t, st, itemRecords(guideVariant(1)))
	before := exportString(t, st)

	bad := guideVariant(2)
	bad.Type = "行政许可证" // not an enumeration value
	unknownRegion := guideVariant(3)
	unknownRegion.Region = "999999"
	dup := guideVariant(4)
	dup2 := guideVariant(4)
	good := guideVariant(5)
	changed := guideVariant(1)
	changed.Name = "改名"
	in := itemRecords(changed, bad, unknownRegion, dup, dup2, good)
	in.Problems = []Problem{{File: "t.jsonl", Line: 7, Message: "JSON 格式错误"}}

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
	zone := Region{Code: "610971", Name: "安康高新区", Level: "县", Parent: "610900"}
	dept := Department{Name: "安康高新区行政审批服务局", Region: "610971", Phone: "0915-3261234"}
	entry := Entry{BaseCode: "071000100000", Name: "居民身份证换领", Type: "行政确认", Levels: []string{"县级"}}
	it := guideVariant(1)
	it.Region, it.Department = zone.Code, dept.Name
	// Items first in the file: references are applied before items anyway.
	d := itemRecords(it)
	d.Records = append(d.Records,
		Record{Line: 2, Kind: KindDepartment, Department: &dept},
		Record{Line: 3, Kind: KindRegion, Region: &zone},
		Record{Line: 4, Kind: KindEntry, Entry: &entry})
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

func TestExportImportExportIsIdentical(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			ctx := context.Background()
			st, _ := openTestStore(t)
			minimal := &Item{Code: "MIN-1", BaseCode: "000000000001", Name: "最少<b>字段</b>事项 & 符号", Type: "公共服务", Region: "610921", Department: "汉阴县民政局"}
			mustImport(t, st, itemRecords(guideVariant(1), guideVariant(2), minimal))
			var first bytes.Buffer
			if _, err := st.Export(ctx, &first, format, ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := dir + "/export." + format
			writeFile(t, path, first.Bytes())
			d, err := DecodeFile(path, "")
			if err != nil || len(d.Problems) > 0 {
				t.Fatalf("decode export: %v %v", err, d.Problems)
			}
			st2, _ := openTestStore(t)
			mustImport(t, st2, d)
			var second bytes.Buffer
			if _, err := st2.Export(ctx, &second, format, ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			if format == "xlsx" {
				// An XLSX file carries timestamps; compare its values.
				d2 := DecodeXLSX(bytes.NewReader(second.Bytes()), "second.xlsx")
				a, b := itemsJSON(t, recordItems(d)), itemsJSON(t, recordItems(d2))
				if len(d2.Problems) > 0 || a != b || len(recordItems(d)) != 3 {
					t.Fatalf("xlsx values differ after a round trip: %v\n%s\n---\n%s", d2.Problems, a, b)
				}
				return
			}
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Fatalf("export → import → export differs:\n%s\n---\n%s", first.String(), second.String())
			}
		})
	}
}

// TestAskPhrasesSurviveEveryFormat: an item with ask phrases (text that
// needs escaping in a cell included) imported from each format is exported
// with the same phrases, in order, and the whole guide comes back equal.
func TestAskPhrasesSurviveEveryFormat(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			ctx := context.Background()
			it := guideVariant(7)
			it.AskPhrases = []string{"房本加名字", "执照遗失补办", "证照|竖线", `C:\反斜杠`, "“引号”,逗号"}
			var file bytes.Buffer
			enc, err := NewEncoder(&file, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := enc.Write(Record{Kind: KindItem, Item: it}); err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			path := t.TempDir() + "/items." + format
			writeFile(t, path, file.Bytes())
			d, err := DecodeFile(path, "")
			if err != nil || len(d.Problems) > 0 {
				t.Fatalf("decode: %v %v", err, d.Problems)
			}
			st, _ := openTestStore(t)
			mustImport(t, st, d)
			var out bytes.Buffer
			if n, err := st.Export(ctx, &out, format, ExportFilter{}); err != nil || n != 1 {
				t.Fatalf("export: %d items, %v", n, err)
			}
			writeFile(t, path, out.Bytes())
			back, err := DecodeFile(path, "")
			items := recordItems(back) // JSON Lines also has the department
			if err != nil || len(back.Problems) > 0 || len(items) != 1 {
				t.Fatalf("decode export: %v %v, %d items", err, back.Problems, len(items))
			}
			got := &items[0]
			if !reflect.DeepEqual(got.AskPhrases, it.AskPhrases) {
				t.Fatalf("ask phrases %q, want %q", got.AskPhrases, it.AskPhrases)
			}
			if a, b := itemsJSON(t, []Item{*got}), itemsJSON(t, []Item{*it}); a != b {
				t.Fatalf("exported guide differs:\n%s\nwant\n%s", a, b)
			}
		})
	}
}

func TestExportFilters(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	a, b := guideVariant(1), guideVariant(2)
	b.Region, b.Department = "610921", "汉阴县公安局"
	mustImport(t, st, itemRecords(a, b))
	for _, tc := range []struct {
		f    ExportFilter
		want int
	}{
		{ExportFilter{}, 2},
		{ExportFilter{Region: "610921"}, 1},
		{ExportFilter{Department: a.Department}, 1},
		{ExportFilter{Department: "不存在的部门"}, 0},
	} {
		var buf bytes.Buffer
		n, err := st.Export(ctx, &buf, "jsonl", tc.f)
		if err != nil || n != tc.want {
			t.Errorf("%+v: %d items, %v; want %d", tc.f, n, err, tc.want)
		}
	}
}

func TestPublishedTimesUseTheStoreClock(t *testing.T) {
	st, _ := openTestStore(t)
	at := time.Date(2021, 6, 30, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return at }
	mustImport(t, st, itemRecords(guideVariant(1)))
	p, _ := st.Published(context.Background(), guideVariant(1).Code)
	if !p.UpdatedAt.Equal(at) {
		t.Fatalf("updated_at %v, want %v", p.UpdatedAt, at)
	}
}

func exportString(t *testing.T, st *Store) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := st.Export(context.Background(), &buf, "jsonl", ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func recordItems(d Decoded) []Item {
	var out []Item
	for _, r := range d.Records {
		if r.Item != nil {
			out = append(out, *r.Item)
		}
	}
	return out
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func itemsJSON(t *testing.T, items []Item) string {
	t.Helper()
	var buf bytes.Buffer
	for i := range items {
		b, err := canonicalJSON(&items[i])
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
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
	var first []*Item
	for i := 0; i < n; i++ {
		first = append(first, guideVariant(i))
	}
	in := itemRecords(first...)
	if res := mustImport(t, st, in); res.Created != n {
		t.Fatalf("first import: %+v", res)
	}
	for i, r := range in.Records {
		if r.Item != first[i] {
			t.Fatalf("import changed the caller's record %d", i)
		}
	}
	seq1, _ := st.Seq(ctx)

	var second []*Item
	want := map[string]int{} // code → published edition
	changed := 0
	for i := 0; i < n+50; i++ {
		it := guideVariant(i)
		switch {
		case i >= n:
			want[it.Code] = 1
		case i%3 == 0:
			it.PromisedDays = Int(7)
			want[it.Code] = 2
			changed++
		default:
			want[it.Code] = 1
		}
		second = append(second, it)
	}
	res := mustImport(t, st, itemRecords(second...))
	if res.Created != 50 || res.Updated != changed || res.Unchanged != n-changed {
		t.Fatalf("second import: %+v", res)
	}
	var rows []struct {
		Code      string
		Published int
		Seq       int64
		State     string
	}
	st.db.Raw(`SELECT i.code, i.published, i.seq, e.state FROM items i
		JOIN editions e ON e.item_code = i.code AND e.number = i.published`).Scan(&rows)
	if len(rows) != n+50 {
		t.Fatalf("%d items stored, want %d", len(rows), n+50)
	}
	seqs := map[string]int64{}
	for _, r := range rows {
		if r.Published != want[r.Code] || r.State != StatePublished {
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
	st.db.Raw(`SELECT COUNT(*) FROM editions WHERE state = ?`, StateSuperseded).Scan(&superseded)
	if superseded != changed {
		t.Fatalf("%d superseded editions, want %d", superseded, changed)
	}
}
