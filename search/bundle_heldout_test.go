package search

import (
	"bufio"
	"os"
	"strings"
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

type heldOutCase struct {
	line      int
	query     string
	expected  []string // bundle codes; "-" for no bundle
	ambiguous bool
}

func readBundleHeldOut(t *testing.T) []heldOutCase {
	t.Helper()
	f, err := os.Open(bundleHeldOutFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []heldOutCase
	ambiguous := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "## ") {
			ambiguous = strings.HasPrefix(line, "## ambiguous")
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, exp, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(q) == "" || strings.TrimSpace(exp) == "" {
			t.Fatalf("%s:%d: want query<TAB>expected, got %q", bundleHeldOutFile, n, line)
		}
		c := heldOutCase{line: n, query: q, ambiguous: ambiguous}
		for _, e := range strings.Split(exp, "|") {
			c.expected = append(c.expected, strings.TrimSpace(e))
		}
		if !ambiguous && len(c.expected) != 1 {
			t.Fatalf("%s:%d: alternatives only under \"## ambiguous\"", bundleHeldOutFile, n)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// heldOutBundles are the seed bundles as the web server hands them to the
// matcher (web/bundles.go newBundleSet): published, each step labelled by
// its own name, else its catalogue entry's name, else its base code.
func heldOutBundles(t *testing.T, f *fixture) []catalog.PublishedBundle {
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
// below the floors above.
func TestBundleHeldOut(t *testing.T) {
	f := seedFixture(t)
	bundles := heldOutBundles(t, f)
	known := map[string]bool{"-": true}
	for _, b := range bundles {
		known[b.Code] = true
	}
	bs := NewBundles(bundles)
	cases := readBundleHeldOut(t)

	var pos, hits, neg, falseShows, amb, ambOK int
	perCode := map[string][2]int{} // code -> {hits, total}
	for _, c := range cases {
		for _, e := range c.expected {
			if !known[e] {
				t.Fatalf("%s:%d: unknown bundle code %q", bundleHeldOutFile, c.line, e)
			}
		}
		var got []string
		for _, m := range f.index.MatchBundles(bs, c.query) {
			got = append(got, m.Bundle.Code)
		}
		first := "-"
		if len(got) > 0 {
			first = got[0]
		}
		shown := strings.Join(got, ",")
		if shown == "" {
			shown = "(none)"
		}
		switch {
		case c.ambiguous:
			amb++
			ok := false
			for _, e := range c.expected {
				ok = ok || e == first
			}
			if ok {
				ambOK++
			} else {
				t.Logf("ambiguous  %-28q want %-26s got %s", c.query, strings.Join(c.expected, "|"), shown)
			}
		case c.expected[0] == "-":
			neg++
			if len(got) > 0 {
				falseShows++
				t.Logf("FALSE SHOW %-28q want -                          got %s", c.query, shown)
			}
		default:
			pos++
			code := c.expected[0]
			s := perCode[code]
			s[1]++
			if first == code {
				hits++
				s[0]++
			} else {
				t.Logf("MISS       %-28q want %-26s got %s", c.query, code, shown)
			}
			perCode[code] = s
		}
	}
	for _, b := range bundles {
		if perCode[b.Code][1] < 4 {
			t.Errorf("bundle %s has %d held-out queries, want at least 4", b.Code, perCode[b.Code][1])
		}
	}
	if pos == 0 || neg == 0 {
		t.Fatalf("held-out set has %d positive and %d negative queries", pos, neg)
	}
	hit1 := float64(hits) / float64(pos)
	falseShow := float64(falseShows) / float64(neg)
	for _, b := range bundles {
		s := perCode[b.Code]
		t.Logf("  %-15s %d/%d", b.Code, s[0], s[1])
	}
	t.Logf("bundle held-out: hit@1 %.3f (%d/%d positive), false-show %.3f (%d/%d negative), ambiguous %d/%d acceptable",
		hit1, hits, pos, falseShow, falseShows, neg, ambOK, amb)
	if hit1 < bundleHeldOutMinHit1 {
		t.Errorf("hit@1 %.3f below the floor %.2f", hit1, bundleHeldOutMinHit1)
	}
	if falseShow > bundleHeldOutMaxFalseShow {
		t.Errorf("false-show rate %.3f above the ceiling %.2f", falseShow, bundleHeldOutMaxFalseShow)
	}
}
