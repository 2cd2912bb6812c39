package search

import (
	"strconv"
	"sync"
)

// resultCacheSize bounds the result cache; it is cleared whenever the index
// changes, so a cached page is never stale.
const resultCacheSize = 4096

// resultCache keeps recent result pages for repeated queries.
type resultCache struct {
	mu sync.Mutex
	m  map[string]*Result
}

func newResultCache() *resultCache { return &resultCache{m: map[string]*Result{}} }

func (c *resultCache) get(k string) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[k]
	return r, ok
}

func (c *resultCache) put(k string, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= resultCacheSize {
		for key := range c.m { // evict an arbitrary entry
			delete(c.m, key)
			break
		}
	}
	c.m[k] = r
}

func (c *resultCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}

func itoa(n int) string { return strconv.Itoa(n) }
