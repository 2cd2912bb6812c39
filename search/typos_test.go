package search

import (
	"context"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	segment "github.com/blevesearch/scorch_segment_api/v2"
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
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	snap, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
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
