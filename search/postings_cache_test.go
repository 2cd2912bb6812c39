package search

import (
	"fmt"
	"math"
	"testing"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// TestPostingsCacheBudget: the cache never holds more than its budget,
// an entry read since the sweep last passed it outlives one that was not,
// one list too large for a quarter of the budget is not kept, and the
// postings of segments no longer in use are dropped.
func TestPostingsCacheBudget(t *testing.T) {
	list := func(n int) *decodedPostings {
		return &decodedPostings{docs: make([]uint32, n), stats: make([]uint32, n)}
	}
	one := list(1000)
	size := one.bytes() + 200 // about what an entry of a short term costs
	c := newPostingsCache(10 * size)
	key := func(i int) postingsKey { return postingsKey{field: "body", term: fmt.Sprint("t", i)} }
	for i := range 8 {
		c.put(key(i), list(1000))
	}
	if _, ok := c.get(key(0)); !ok {
		t.Fatal("an entry within the budget is gone")
	}
	// key(0) was read: it survives the next sweep; key(1), the oldest
	// unread one, does not.
	for i := 8; i < 12; i++ {
		c.put(key(i), list(1000))
	}
	if c.size() > c.budget {
		t.Errorf("the cache holds %d bytes, over its budget of %d", c.size(), c.budget)
	}
	if _, ok := c.get(key(0)); !ok {
		t.Error("the entry read since the last sweep was evicted")
	}
	if _, ok := c.get(key(1)); ok {
		t.Error("the oldest unread entry was kept")
	}
	c.put(key(99), list(10*1000))
	if _, ok := c.get(key(99)); ok {
		t.Error("a list larger than a quarter of the budget was kept")
	}
	// Entries keyed by a segment no longer live are dropped.
	var seg segment.Segment
	c.keepSegments(map[segment.Segment]bool{seg: false})
	if c.size() != 0 {
		t.Errorf("%d bytes left after every segment went", c.size())
	}
}

// TestPostingsWidenMidList: a list that meets a frequency or a field
// length too large to pack after packed postings keeps every posting's
// √frequency × norm, those before as those after.
func TestPostingsWidenMidList(t *testing.T) {
	type posting struct{ freq, length uint64 }
	for _, tc := range []struct {
		name  string
		posts []posting
	}{
		{"frequency over 255", []posting{{1, 12}, {3, 900}, {2, 5000}, {300, 40}, {1, 7}}},
		{"field over 2²⁴ tokens", []posting{{2, 30}, {1, maxStatLen + 1}, {4, 2}}},
	} {
		var d decodedPostings
		for i, p := range tc.posts {
			d.add(uint64(i), p.freq, p.length, len(tc.posts))
		}
		if d.wide == nil {
			t.Fatalf("%s: the list stayed packed", tc.name)
		}
		for i, p := range tc.posts {
			want := math.Sqrt(float64(p.freq)) * float64(float32(1/math.Sqrt(float64(p.length))))
			if got := d.tfNorm(i); d.docs[i] != uint32(i) || got != want {
				t.Errorf("%s: posting %d (document %d): √frequency × norm %v, want %v", tc.name, i, d.docs[i], got, want)
			}
		}
	}
}
