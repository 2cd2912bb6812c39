package search

import (
	"strconv"
	"sync"
)

// Cache sizes. Both caches are cleared whenever the index changes, so a
// cached entry is never stale.
const (
	resultCacheSize     = 4096 // result pages of repeated requests
	collectionCacheSize = 1024 // items and facets of repeated queries and filters, for other pages
	matchCacheSize      = 1024 // matched groups of repeated query texts
)

// boundedCache keeps up to max recent entries by key.
type boundedCache[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]V
}

type (
	resultCache     = boundedCache[*Result]
	matchCache      = boundedCache[*matchSet]
	collectionCache = boundedCache[*collection]
)

func newCache[V any](max int) *boundedCache[V] {
	return &boundedCache[V]{max: max, m: map[string]V{}}
}

func (c *boundedCache[V]) get(k string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *boundedCache[V]) put(k string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for key := range c.m { // evict an arbitrary entry
			delete(c.m, key)
			break
		}
	}
	c.m[k] = v
}

func (c *boundedCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

func itoa(n int) string { return strconv.Itoa(n) }
