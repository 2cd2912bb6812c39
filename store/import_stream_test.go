package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// The problems of an import come in one order whatever the order of the
// input's records: decoding, regions, departments, entries, bundles, then
// items in input order, each item's own problems first, then its unknown
// region, then its duplicate code — also when the item was read before
// the input was complete (its region checked again at the end).
func TestImportProblemOrder(t *testing.T) {
	st, _ := openTestStore(t)
	rec := func(line int, r catalog.Record) catalog.Record {
		r.File, r.Line = "t.jsonl", line
		return r
	}
	item := func(line int, code, region, typ string) catalog.Record {
		it := catalogtest.GuideVariant(line)
		it.Code, it.Region = code, region
		if typ != "" {
			it.Type = typ
		}
		return rec(line, catalog.Record{Kind: catalog.KindItem, Item: it})
	}
	var in catalog.Decoded
	// More items than a batch, so that the first ones are checked before
	// the records after them are read.
	in.Records = append(in.Records,
		item(1, "BAD-1", "999999", "不是类型"), // type, then region
		item(2, "SAME", "610902", ""),
		item(3, "SAME", "999998", ""), // region, then duplicate
	)
	for i := 4; i < itemsPerBatch+10; i++ {
		in.Records = append(in.Records, item(i, fmt.Sprintf("OK-%d", i), "610902", ""))
	}
	n := len(in.Records)
	in.Records = append(in.Records,
		item(n+1, "SAME", "999997", ""), // region, then duplicate, read at the end
		rec(n+2, catalog.Record{Kind: catalog.KindEntry, Entry: &catalog.Entry{BaseCode: "x", Name: "条目", Type: "行政许可"}}),
		rec(n+3, catalog.Record{Kind: catalog.KindDepartment, Department: &catalog.Department{Name: "某局", Region: "999996"}}),
		rec(n+4, catalog.Record{Kind: catalog.KindRegion, Region: &catalog.Region{Code: "610999", Name: "新区", Level: "镇"}}),
	)
	in.Problems = []catalog.Problem{{File: "t.jsonl", Line: n + 5, Message: "JSON 格式错误"}}
	res, err := st.Import(context.Background(), in, ImportOptions{})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("import: %v", err)
	}
	type lf struct {
		line  int
		field string
	}
	want := []lf{{n + 5, ""}, {n + 4, "level"}, {n + 3, "region"}, {n + 2, "base_code"},
		{1, "type"}, {1, "region"}, {3, "region"}, {3, "code"}, {n + 1, "region"}, {n + 1, "code"}}
	var got []lf
	for _, p := range res.Problems {
		got = append(got, lf{p.Line, p.Field})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("problems in the order %v, want %v", got, want)
	}
	if res.Rejected != 7 {
		t.Fatalf("rejected %d, want 7", res.Rejected)
	}
}

// An importer closed before it is finished writes nothing and leaves no
// stage file, though it has staged items; an importer is finished once.
func TestImporterAbandoned(t *testing.T) {
	ctx := context.Background()
	st, dir := openTestStore(t)
	im, err := st.NewImporter(ctx, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2*itemsPerBatch; i++ {
		r := catalog.Record{File: "t.jsonl", Line: i + 1, Kind: catalog.KindItem, Item: catalogtest.GuideVariant(i)}
		if err := im.Record(r); err != nil {
			t.Fatal(err)
		}
	}
	if files := stageFiles(t, dir); len(files) != 1 {
		t.Fatalf("stage files while importing: %v", files)
	}
	im.Close()
	if files := stageFiles(t, dir); len(files) != 0 || countItems(t, st) != 0 {
		t.Fatalf("an abandoned import left %v and %d items", files, countItems(t, st))
	}
	if _, err := im.Finish(); err == nil {
		t.Fatal("an abandoned import finished")
	}

	im, err = st.NewImporter(ctx, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Record(catalog.Record{File: "t.jsonl", Line: 1, Kind: catalog.KindItem, Item: catalogtest.GuideVariant(1)}); err != nil {
		t.Fatal(err)
	}
	if res, err := im.Finish(); err != nil || res.Created != 1 {
		t.Fatalf("finish: %+v %v", res, err)
	}
	if err := im.Record(catalog.Record{Kind: catalog.KindItem, Item: catalogtest.GuideVariant(2)}); err == nil {
		t.Fatal("a finished import took a record")
	}
	if _, err := im.Finish(); err == nil {
		t.Fatal("an import finished twice")
	}
}

// A cancelled context stops an import as it reads: Record returns the
// error, and nothing is written.
func TestImporterCancelled(t *testing.T) {
	st, dir := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	im, err := st.NewImporter(ctx, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	var rerr error
	for i := 0; i < 3*itemsPerBatch && rerr == nil; i++ {
		if i == itemsPerBatch+1 {
			cancel()
		}
		rerr = im.Record(catalog.Record{File: "t.jsonl", Line: i + 1, Kind: catalog.KindItem, Item: catalogtest.GuideVariant(i)})
	}
	if !errors.Is(rerr, context.Canceled) {
		t.Fatalf("record after cancel: %v", rerr)
	}
	im.Close()
	if files := stageFiles(t, dir); len(files) != 0 || countItems(t, st) != 0 {
		t.Fatalf("a cancelled import left %v and %d items", files, countItems(t, st))
	}
}
