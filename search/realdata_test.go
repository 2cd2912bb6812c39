package search

import (
	"context"
	"testing"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/store"
)

const realData = "../testdata/gdzwfw-2021/items.jsonl"

// The real 广东 export (written by nobody here) searches as it is: every
// item is found by its own name, first among the items of other names
// (names that differ only in brackets are one name), and browsing counts
// the classifications the store holds.
func TestRealDataSearch(t *testing.T) {
	d, err := interchange.DecodeFile(realData, "national")
	if err != nil {
		t.Fatalf("the real data is part of the repository: %v", err)
	}
	ctx := context.Background()
	st, dir := emptyStore(t)
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, dir, st)
	t.Run("questions", func(t *testing.T) { realDataQuestions(t, ix) })
	n, _ := ix.DocCount()
	t.Logf("%d items in %d groups", n, ix.Groups())

	flags := map[string]int{}
	var names []string
	err = st.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
		for _, f := range p.Flags {
			flags[f]++
		}
		if len(names) < 2000 {
			names = append(names, p.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != len(d.Records) {
		t.Fatalf("index holds %d items, the file %d", n, len(d.Records))
	}
	browse, err := ix.Search(ctx, Request{Group: GroupNone})
	if err != nil {
		t.Fatal(err)
	}
	if browse.Total != int(n) {
		t.Fatalf("browsing finds %d of %d items", browse.Total, n)
	}
	for _, fv := range browse.Facets["flag"] {
		if fv.Count != flags[fv.Value] {
			t.Errorf("facet %s: %d, the store has %d", fv.Value, fv.Count, flags[fv.Value])
		}
	}
	for i := 0; i < len(names); i += 40 {
		name := names[i]
		res, err := ix.Search(ctx, Request{Q: name})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || exactKey(res.Hits[0].Name) != exactKey(name) {
			got := "nothing"
			if len(res.Hits) > 0 {
				got = res.Hits[0].Name
			}
			t.Errorf("%q: first hit %s", name, got)
		}
	}
}

// Real-data thresholds: questions over a catalogue nobody here wrote and
// whose guides carry no ask-phrases (the export has none).
const (
	minRealHitAt3 = 0.70
	maxRealZero   = 0.10
)

// realDataQuestions asks the questions written over the real export
// (testdata/questions-gd.jsonl), split into halves like the seed suite.
func realDataQuestions(t *testing.T, ix *Index) {
	tune, test := splitQuestions(t, "testdata/questions-gd.jsonl")
	if len(tune)+len(test) < 60 {
		t.Fatalf("%d real-data questions, want at least 60", len(tune)+len(test))
	}
	ft := runQuestions(t, ix, tune, false)
	ft.log(t, "real data, tuning half")
	fh := runQuestions(t, ix, test, true)
	fh.log(t, "real data, TEST HALF  ")
	if got := fh.hitAt3(); got < minRealHitAt3 {
		t.Errorf("real data, test half: hit@3 %.3f below %.2f", got, minRealHitAt3)
	}
	if got := fh.zeroRate(); got > maxRealZero {
		t.Errorf("real data, test half: %.1f %% found nothing, more than %.0f %%", 100*got, 100*maxRealZero)
	}
}
