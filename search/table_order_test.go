package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// A dimension's ranks follow the order of its values as values are added
// between rankings (a live index adds departments and regions).
func TestValueRanksFollowTheValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var in interner
	for round := range 6 {
		for range 1 + rng.IntN(40) {
			in.id(fmt.Sprintf("汉阴县%03d局", rng.IntN(200)))
		}
		in.rankValues()
		want := slices.Clone(in.Vals)
		slices.Sort(want)
		if len(in.rank) != len(in.Vals) || len(in.sorted) != len(in.Vals) {
			t.Fatalf("round %d: %d ranks, %d sorted for %d values", round, len(in.rank), len(in.sorted), len(in.Vals))
		}
		for r, v := range in.sorted {
			if in.Vals[v] != want[r] || in.rank[v] != int32(r) {
				t.Fatalf("round %d: place %d holds %q (rank %d), want %q", round, r, in.Vals[v], in.rank[v], want[r])
			}
		}
	}
}

// codeLess orders rows as their codes do, through a fresh table's rows in
// code order, a table loaded with rows out of order, and rows removed and
// reused for other codes.
func TestCodeLessFollowsTheCodes(t *testing.T) {
	tb := newTable()
	tb.addGroup(groupText{id: groupID{1}, title: "事项"})
	for i := range 300 {
		tb.put(fmt.Sprintf("C%04d", 2*i), 0, "610921", "dept", "svc", 0)
	}
	tb.rank(true)
	if tb.codesInOrder != 300 {
		t.Fatalf("a table built in code order has %d rows in order, want 300", tb.codesInOrder)
	}
	check := func(step string) {
		t.Helper()
		for a := range tb.Rows {
			for b := range tb.Rows {
				if tb.Rows[a].Group < 0 || tb.Rows[b].Group < 0 {
					continue
				}
				want := strings.Compare(tb.Rows[a].Code, tb.Rows[b].Code) < 0
				if got := tb.codeLess(int32(a), int32(b)); got != want {
					t.Fatalf("%s: codeLess(%s, %s) = %v", step, tb.Rows[a].Code, tb.Rows[b].Code, got)
				}
			}
		}
	}
	check("built")
	rng := rand.New(rand.NewPCG(5, 6))
	for step := range 200 {
		tb.remove(fmt.Sprintf("C%04d", 2*rng.IntN(300)))
		tb.put(fmt.Sprintf("C%04d", 2*rng.IntN(300)+1), 0, "610921", "dept", "svc", 0) // reuses the free row
		tb.rank(false)
		if step%20 == 0 {
			check(fmt.Sprintf("step %d", step))
		}
	}
	tb.rank(true)
	check("ranked afresh")
	// Rows out of order from the first: nothing is taken on trust.
	var live []int32
	for i := range tb.Rows {
		if tb.Rows[i].Group >= 0 {
			live = append(live, int32(i))
		}
	}
	a, b := live[0], live[1]
	if tb.Rows[a].Code < tb.Rows[b].Code {
		tb.Rows[a].Code, tb.Rows[b].Code = tb.Rows[b].Code, tb.Rows[a].Code
	}
	if tb.rank(true); tb.codesInOrder > b {
		t.Fatalf("rows out of order at row %d: %d rows taken as in order", b, tb.codesInOrder)
	}
	check("swapped")
}

// A facet's values come most frequent first, ties in the order of the
// values, cut at the facet's size: whether few values were counted (sorted
// whole) or many (kept in a heap).
func TestFacetTopOrdersByCountThenValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var in interner
	for len(in.Vals) < 3000 {
		in.id(fmt.Sprintf("%d局", rng.IntN(1_000_000)))
	}
	in.rankValues()
	for _, tc := range []struct{ values, size int }{{5, 10}, {40, 10}, {41, 10}, {900, 200}, {3000, 500}, {3000, 1}} {
		c := getCounter(len(in.Vals))
		for _, v := range rng.Perm(len(in.Vals))[:tc.values] {
			c.add(int32(v), int32(1+rng.IntN(3)))
		}
		want := slices.Clone(c.touched)
		slices.SortFunc(want, func(a, b int32) int {
			if c.n[a] != c.n[b] {
				return int(c.n[b] - c.n[a])
			}
			return strings.Compare(in.Vals[a], in.Vals[b])
		})
		want = want[:min(tc.size, len(want))]
		if got := c.top(tc.size, &in); !slices.Equal(got, want) {
			t.Errorf("%d values, size %d: top %v, want %v", tc.values, tc.size, got[:min(5, len(got))], want[:min(5, len(want))])
		}
		c.release()
	}
}

// A match set comes out in group order, scores beside their groups, small
// or large (sorted by radix), in a table of few groups or millions.
func TestSortByGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range []struct{ n, groups int }{{0, 1}, {1, 1}, {10, 100}, {1023, 5000}, {1024, 1024}, {5000, 3_000_000}, {70_000, 100_000}} {
		gs := make([]scoredGroup, 0, tc.n)
		for _, g := range rng.Perm(tc.groups)[:tc.n] {
			gs = append(gs, scoredGroup{group: int32(g), score: float64(g) / 7})
		}
		sortByGroup(gs, tc.groups)
		for i, g := range gs {
			if i > 0 && gs[i-1].group >= g.group || g.score != float64(g.group)/7 {
				t.Fatalf("%d of %d groups: place %d holds group %d (score %v) after %d", tc.n, tc.groups, i, g.group, g.score, gs[max(i-1, 0)].group)
			}
		}
		if len(gs) != tc.n {
			t.Fatalf("%d groups came out of %d", len(gs), tc.n)
		}
	}
}
