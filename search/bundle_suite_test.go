package search

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"zhinan/catalog"
)

// The bundle relevance sets (bundle-tune.tsv, bundle-heldout.tsv) share one
// format and one measure, read and scored here.

// bundleCase is one query of a bundle relevance set. Format: lines
// query<TAB>expected, where expected is a bundle code or "-" for no
// bundle; "#" lines are comments; lines under a "## ambiguous" heading may
// list acceptable answers separated by "|" and are logged, not counted.
type bundleCase struct {
	line      int
	query     string
	expected  []string
	ambiguous bool
}

func readBundleCases(t testing.TB, file string) []bundleCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []bundleCase
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
			t.Fatalf("%s:%d: want query<TAB>expected, got %q", file, n, line)
		}
		c := bundleCase{line: n, query: q, ambiguous: ambiguous}
		for _, e := range strings.Split(exp, "|") {
			c.expected = append(c.expected, strings.TrimSpace(e))
		}
		if !ambiguous && len(c.expected) != 1 {
			t.Fatalf("%s:%d: alternatives only under \"## ambiguous\"", file, n)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// bundleScore is the measure of one set.
type bundleScore struct {
	pos, hits, neg, falseShows, amb, ambOK int
	perCode                                map[string][2]int // code -> {hits, positive queries}
	bundles                                []catalog.PublishedBundle
}

// scoreBundleSet runs every query of file through the matcher over bundles
// and logs each miss and false show.
func scoreBundleSet(t *testing.T, f *fixture, bundles []catalog.PublishedBundle, file string) *bundleScore {
	t.Helper()
	known := map[string]bool{"-": true}
	for _, b := range bundles {
		known[b.Code] = true
	}
	bs := NewBundles(bundles)
	sc := &bundleScore{perCode: map[string][2]int{}, bundles: bundles}
	for _, c := range readBundleCases(t, file) {
		for _, e := range c.expected {
			if !known[e] {
				t.Fatalf("%s:%d: unknown bundle code %q", file, c.line, e)
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
			sc.amb++
			ok := false
			for _, e := range c.expected {
				ok = ok || e == first
			}
			if ok {
				sc.ambOK++
			} else {
				t.Logf("ambiguous  %-28q want %-26s got %s", c.query, strings.Join(c.expected, "|"), shown)
			}
		case c.expected[0] == "-":
			sc.neg++
			if len(got) > 0 {
				sc.falseShows++
				t.Logf("FALSE SHOW %-28q want -                          got %s", c.query, shown)
			}
		default:
			sc.pos++
			code := c.expected[0]
			s := sc.perCode[code]
			s[1]++
			if first == code {
				sc.hits++
				s[0]++
			} else {
				t.Logf("MISS       %-28q want %-26s got %s", c.query, code, shown)
			}
			sc.perCode[code] = s
		}
	}
	if sc.pos == 0 || sc.neg == 0 {
		t.Fatalf("%s has %d positive and %d negative queries", file, sc.pos, sc.neg)
	}
	return sc
}

// check logs the figures and fails below the floor of hit@1 or above the
// ceiling of false shows.
func (sc *bundleScore) check(t *testing.T, name string, minHit1, maxFalseShow float64) {
	t.Helper()
	hit1 := float64(sc.hits) / float64(sc.pos)
	falseShow := float64(sc.falseShows) / float64(sc.neg)
	for _, b := range sc.bundles {
		s := sc.perCode[b.Code]
		t.Logf("  %-15s %d/%d", b.Code, s[0], s[1])
	}
	t.Logf("%s: hit@1 %.3f (%d/%d positive), false-show %.3f (%d/%d negative), ambiguous %d/%d acceptable",
		name, hit1, sc.hits, sc.pos, falseShow, sc.falseShows, sc.neg, sc.ambOK, sc.amb)
	if hit1 < minHit1 {
		t.Errorf("hit@1 %.3f below the floor %.2f", hit1, minHit1)
	}
	if falseShow > maxFalseShow {
		t.Errorf("false-show rate %.3f above the ceiling %.2f", falseShow, maxFalseShow)
	}
}

// BenchmarkMatchBundles measures the bundle matcher a results page runs on
// every typed query (first page), over the queries of the tuning set in
// turn: over the seed bundles, and over catalog.MaxBundles of them (the seed
// bundles repeated under other codes), the most a catalogue may hold. Its
// cost adds to each search's.
func BenchmarkMatchBundles(b *testing.B) {
	f := seedFixture(b)
	seed := heldOutBundles(b, f)
	cases := readBundleCases(b, bundleTuneFile)
	most := make([]catalog.PublishedBundle, 0, catalog.MaxBundles)
	for i := 0; len(most) < catalog.MaxBundles; i++ {
		bd := seed[i%len(seed)]
		bd.Code = fmt.Sprintf("%s-%d", bd.Code, i)
		most = append(most, bd)
	}
	for _, set := range []struct {
		name    string
		bundles []catalog.PublishedBundle
	}{{"seeds", seed}, {"max", most}} {
		b.Run(set.name, func(b *testing.B) {
			bs := NewBundles(set.bundles)
			for i := 0; b.Loop(); i++ {
				f.index.MatchBundles(bs, cases[i%len(cases)].query)
			}
		})
	}
}
