package search

import (
	"testing"

	"zhinan/catalog"
)

// bundleHeldOutFile is the held-out relevance set for bundle search, written
// blind to the matcher's rules (see its header). It measures; it must never
// be used to tune the rules, synonyms or intents.
const bundleHeldOutFile = "testdata/bundle-heldout.tsv"

// Floors for TestBundleHeldOut: the first run's figures minus a margin, so
// the test catches a regression, not the set's honest misses.
//
// Measured 2026-12-05 on the first run (queries unchanged since):
// hit@1 = 0.353 (24/68 positive queries), false-show = 0.043 (1/23 negative
// queries: 公积金提取 shows house-resale), ambiguous 6/6 acceptable. Most
// misses show no bundle at all. The floors allow about three positive
// queries lost and two more false shows before failing; raise them when the
// matcher improves, never by editing the queries.
//
// After the matcher was reworked on the tuning set (bundle-tune.tsv, written
// by a third author; this set was not opened): hit@1 = 0.471 (32/68),
// false-show = 0 (0/23), ambiguous 6/6. After a second round on the tuning
// set (step names in the query's own words, descriptions, everyday ask
// phrases): hit@1 = 0.809 (55/68), false-show = 0.043 (1/23), ambiguous 6/6.
const (
	bundleHeldOutMinHit1      = 0.76
	bundleHeldOutMaxFalseShow = 0.09
)

// heldOutBundles are the seed bundles as the web server hands them to the
// matcher (web/bundles.go newBundleSet): published, each step labelled by
// its own name, else its catalogue entry's name, else its base code.
func heldOutBundles(t testing.TB, f *fixture) []catalog.PublishedBundle {
	t.Helper()
	entries := make(map[string]string, len(f.cat.Entries))
	for _, e := range f.cat.Entries {
		entries[e.BaseCode] = e.Name
	}
	out := make([]catalog.PublishedBundle, 0, len(f.cat.Bundles))
	for _, b := range f.cat.Bundles {
		pb := catalog.PublishedBundle{Bundle: b, Edition: 1}
		pb.Steps = append([]catalog.BundleStep(nil), b.Steps...)
		for j, st := range pb.Steps {
			if st.Name == "" {
				if n := entries[st.BaseCode]; n != "" {
					pb.Steps[j].Name = n
				} else {
					pb.Steps[j].Name = st.BaseCode
				}
			}
		}
		out = append(out, pb)
	}
	if len(out) == 0 {
		t.Fatal("no seed bundles")
	}
	return out
}

// TestBundleHeldOut measures bundle search on the held-out set: hit@1 over
// the positive queries (the expected bundle is the first match) and the
// false-show rate over the negative ones (any bundle shown). It fails only
// below the floors above, or when a bundle has fewer than 4 queries.
func TestBundleHeldOut(t *testing.T) {
	f := seedFixture(t)
	bundles := heldOutBundles(t, f)
	sc := scoreBundleSet(t, f, bundles, bundleHeldOutFile)
	for _, b := range bundles {
		if sc.perCode[b.Code][1] < 4 {
			t.Errorf("bundle %s has %d held-out queries, want at least 4", b.Code, sc.perCode[b.Code][1])
		}
	}
	sc.check(t, "bundle held-out", bundleHeldOutMinHit1, bundleHeldOutMaxFalseShow)
}
