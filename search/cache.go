package search

import (
	"strconv"
	"sync"
)

// Cache budgets, in approximate bytes of the entries kept. Every cache is
// cleared whenever the index changes, so a cached entry is never stale.
const (
	resultCacheBytes     = 48 << 20 // result pages of repeated requests, with their JSON
	collectionCacheBytes = 32 << 20 // items and facets of repeated queries and filters, for other pages
	matchCacheBytes      = 16 << 20 // matched groups of repeated query texts (at least; see matchBudget)
)

// matchBytesPerGroup is what the match cache may hold per guide text of
// the catalogue. A common word matches most of a catalogue, and a match
// set kept serves every other filter and page of its text: at a million
// items a fixed budget held no such set, and each request of a common
// word searched the whole index again.
const matchBytesPerGroup = 128

// matchBudget is the match cache's budget for a catalogue of groups guide
// texts.
func matchBudget(groups int) int { return max(matchCacheBytes, matchBytesPerGroup*groups) }

// sized is a cache entry that knows about how much memory it holds.
type sized interface{ bytes() int }

// boundedCache keeps recent entries by key within a budget of bytes,
// evicting arbitrary entries when it is full.
type boundedCache[V sized] struct {
	mu     sync.Mutex
	budget int
	used   int
	share  int // an entry may take at most budget/share
	m      map[string]cached[V]
}

// cached is an entry with the size it was counted at.
type cached[V any] struct {
	v V
	n int
}

type (
	resultCache     = boundedCache[*Result]
	matchCache      = boundedCache[*matchSet]
	collectionCache = boundedCache[*collection]
)

func newCache[V sized](budget, share int) *boundedCache[V] {
	return &boundedCache[V]{budget: budget, share: share, m: map[string]cached[V]{}}
}

func (c *boundedCache[V]) get(k string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	return e.v, ok
}

func (c *boundedCache[V]) put(k string, v V) {
	n := v.bytes() + len(k)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n > c.budget/c.share {
		return // one entry may not crowd out the rest
	}
	if old, ok := c.m[k]; ok {
		c.used -= old.n
		delete(c.m, k)
	}
	c.evict(n)
	c.m[k] = cached[V]{v, n}
	c.used += n
}

// evict drops entries until n more bytes fit in the budget.
func (c *boundedCache[V]) evict(n int) {
	for key, old := range c.m {
		if c.used+n <= c.budget {
			break
		}
		c.used -= old.n
		delete(c.m, key)
	}
}

// resize sets the budget, dropping entries when it shrinks.
func (c *boundedCache[V]) resize(budget int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if budget != c.budget {
		c.budget = budget
		c.evict(0)
	}
}

func (c *boundedCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.used = 0
}

// Approximate sizes of cache entries.

// A result's JSON, made once it is asked for, is counted in: about as
// large again as its hits and facets.
func (r *Result) bytes() int { return 2 * (256 + 320*len(r.Hits) + facetBytes(r.Facets)) }

func (c *collection) bytes() int { return 256 + 24*cap(c.ordered) + facetBytes(c.facets) }

// A match set counts its groups and, when a region filter may read it by
// group, their lookup, whether or not it is made yet.
func (m *matchSet) bytes() int {
	n := 512 + 16*cap(m.groups)
	if m.large {
		n += lookupBytes(m.tableGroups)
	}
	return n
}

func facetBytes(fs map[string][]FacetValue) int {
	n := 0
	for _, vs := range fs {
		n += 96 * len(vs)
	}
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }
