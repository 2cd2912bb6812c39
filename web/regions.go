package web

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"zhinan/catalog"
	"zhinan/store"
)

// regionCache holds the regions for names and the region chooser; a code
// it does not know makes it reload from the store (at most every
// regionReload), since regions are imported rarely.
type regionCache struct {
	store *store.Store
	mu    sync.RWMutex
	by    map[string]catalog.Region
	kids  map[string][]catalog.Region
	at    time.Time
}

const regionReload = time.Minute

func newRegionCache(ctx context.Context, st *store.Store) (*regionCache, error) {
	rc := &regionCache{store: st}
	return rc, rc.load(ctx)
}

func (rc *regionCache) load(ctx context.Context) error {
	rs, err := rc.store.Regions(ctx)
	if err != nil {
		return err
	}
	by := make(map[string]catalog.Region, len(rs))
	kids := map[string][]catalog.Region{}
	for _, r := range rs {
		by[r.Code] = r
		kids[r.Parent] = append(kids[r.Parent], r)
	}
	for _, k := range kids {
		sort.Slice(k, func(i, j int) bool { return k[i].Code < k[j].Code })
	}
	rc.mu.Lock()
	rc.by, rc.kids, rc.at = by, kids, time.Now()
	rc.mu.Unlock()
	return nil
}

func (rc *regionCache) lookup(code string) (catalog.Region, bool) {
	rc.mu.RLock()
	r, ok := rc.by[code]
	stale := time.Since(rc.at) > regionReload
	rc.mu.RUnlock()
	if ok || !stale || code == "" {
		return r, ok
	}
	if err := rc.load(context.Background()); err != nil {
		slog.Error("reload regions", "err", err)
		return r, false
	}
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	r, ok = rc.by[code]
	return r, ok
}

func (rc *regionCache) exists(code string) bool { _, ok := rc.lookup(code); return ok }

func (rc *regionCache) get(code string) catalog.Region { r, _ := rc.lookup(code); return r }

// name returns a region's name, or its code when unknown.
func (rc *regionCache) name(code string) string {
	if r, ok := rc.lookup(code); ok {
		return r.Name
	}
	return code
}

// family returns a region followed by its children.
func (rc *regionCache) family(code string) []catalog.Region {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	r, ok := rc.by[code]
	if !ok {
		return nil
	}
	return append([]catalog.Region{r}, rc.kids[code]...)
}

// within reports whether region code is ancestor or lies below it.
func (rc *regionCache) within(code, ancestor string) bool {
	for i := 0; code != "" && i < 8; i++ { // regions are at most a few levels deep
		if code == ancestor {
			return true
		}
		code = rc.get(code).Parent
	}
	return false
}

// viewCounter counts item page views in memory; Server.Run writes them to
// the store in batches, so a page view never waits for a write.
type viewCounter struct {
	mu sync.Mutex
	m  map[string]int64
}

func (v *viewCounter) add(code string) {
	v.mu.Lock()
	v.m[code]++
	v.mu.Unlock()
}

func (v *viewCounter) take() map[string]int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	m := v.m
	v.m = map[string]int64{}
	return m
}
