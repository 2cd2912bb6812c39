package search

import (
	"strconv"
	"sync"
)

// Cache sizes. Both caches are cleared whenever the index changes, so a
// cached entry is never stale.
const (
	resultCacheSize = 4096 // result pages of repeated requests
	matchCacheSize  = 1024 // matched groups of repeated query texts
)

// boundedCache keeps up to max recent entries by key.
type boundedCache[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]V
}

type (
	resultCache = boundedCache[*Result]
	matchCache  = boundedCache[*matchSet]
)

func newResultCache() *resultCache {
	return &resultCache{max: resultCacheSize, m: map[string]*Result{}}
}
func newMatchCache() *matchCache { return &matchCache{max: matchCacheSize, m: map[string]*matchSet{}} }

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
