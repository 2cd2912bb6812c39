package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"zhinan/catalog"
)

// fieldTerms counts each term's documents as reading the term's postings
// does, in every field: the typo vocabulary prefers the more frequent of
// two words that sound alike, and the warm-up decodes the most frequent
// terms first. (In a merged segment, zap's dictionary iterator counts
// every term after one with a single document as having one.)
func TestFieldTermsCountDocuments(t *testing.T) {
	st, dir, items := smallStore(t, 150)
	ix := openIndex(t, dir, st)
	for i := range items[:60] { // a second segment, of new texts
		items[i].Name += "（变更）"
	}
	importItems(t, st, items[:60]...)
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Reopened, the index reads its segments from their files, and the
	// force merge below merges those files.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openIndex(t, dir, st)
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	if err := adv.(*scorch.Scorch).ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "one merged segment", func() bool {
		snap, err := ix.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		return len(snap.Segments()) == 1
	})
	snap := readSnapshot(t, ix)
	for _, field := range warmFields {
		checked, many := 0, 0
		err := ix.fieldTerms(field, func(string) bool { return true }, func(term string, docs uint64) {
			var want uint64
			var pl segment.PostingsList
			for _, ss := range snap.Segments() {
				d, err := ss.Segment().Dictionary(field)
				if err != nil {
					t.Fatal(err)
				}
				if pl, err = d.PostingsList([]byte(term), ss.Deleted(), pl); err != nil {
					t.Fatal(err)
				}
				want += pl.Count()
			}
			if docs != want {
				t.Errorf("%s %q: %d documents counted, the postings hold %d", field, term, docs, want)
			}
			checked++
			if want > 1 {
				many++
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if many == 0 {
			t.Errorf("%s: no term in more than one document among %d", field, checked)
		}
	}
}

// TestTitleTermsCountDocuments: the terms of the name fields, which the
// documents no longer hold, are counted from the titles index as bleve
// counts them over documents that hold their names' fields (the reference
// index of compareEvaluator): the same terms with the same numbers of
// documents, after items moved to new texts and names and county copies of
// known names came in.
func TestTitleTermsCountDocuments(t *testing.T) {
	st, dir, items := smallStore(t, 150)
	ix := openIndex(t, dir, st)
	for i := range items[:40] { // new names
		items[i].Name += "（变更）"
	}
	for i := range items[40:80] { // new texts of known names
		items[40+i].Conditions += "本县申请人另需提供村委会出具的说明。"
	}
	copies := append([]catalog.Item(nil), items[80:120]...)
	for i := range copies { // a second text of a name: a county's own copy
		copies[i].Code += "9"
		copies[i].Conditions += "本县另需提供户籍证明。"
	}
	importItems(t, st, append(items[:80], copies...)...)
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	ref := referenceIndex(t, ix)
	adv, err := ref.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	segs := r.(*scorch.IndexSnapshot).Segments()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, tf := range documentFields {
		if !tf.title {
			continue
		}
		want := map[string]uint64{}
		if err := segmentsTerms(segs, tf.name, func(string) bool { return true }, func(term string, docs uint64) { want[term] = docs }); err != nil {
			t.Fatal(err)
		}
		got := map[string]uint64{}
		var order []string
		if err := ix.titleTerms(tf.name, func(string) bool { return true }, func(term string, docs uint64) {
			got[term] = docs
			order = append(order, term)
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.IsSorted(order) {
			t.Errorf("%s: terms not in order", tf.name)
		}
		many := 0
		for term, n := range want {
			if got[term] != n {
				t.Errorf("%s %q: %d documents counted, bleve counts %d", tf.name, term, got[term], n)
			}
			if n > 1 {
				many++
			}
		}
		for term := range got {
			if _, ok := want[term]; !ok {
				t.Errorf("%s %q: counted, bleve has no document with it", tf.name, term)
			}
		}
		if many == 0 {
			t.Errorf("%s: no term in more than one document among %d", tf.name, len(want))
		}
	}
}
