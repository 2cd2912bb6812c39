package search

import (
	"fmt"
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
