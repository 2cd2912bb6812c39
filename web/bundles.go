package web

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zhinan/catalog"
	"zhinan/search"
	"zhinan/store"
)

// bundleCheck is how often the bundle cache asks the store whether bundles
// changed (store.BundlesVersion, one cheap query): a bundle published on
// another replica shows here at most this late, and no request waits for
// a query of its own.
const bundleCheck = 3 * time.Second

// bundleCache holds the published bundles (一件事一次办) the pages and the
// search share: by code, by the catalogue entries their steps name, and
// the search's matcher over them. It is replaced as a whole when the
// store's bundle version changes.
type bundleCache struct {
	store *store.Store
	mu    sync.Mutex // one refresh at a time
	cur   atomic.Pointer[bundleSet]
}

// bundleSet is one version of the published bundles.
type bundleSet struct {
	version int64
	checked time.Time
	list    []catalog.PublishedBundle // by code
	byCode  map[string]*catalog.PublishedBundle
	byBase  map[string][]int // base code (of a step or an alternative) → indexes into list
	entries map[string]string
	matcher *search.Bundles
}

func newBundleCache(st *store.Store) *bundleCache { return &bundleCache{store: st} }

// get returns the current bundles, refreshed when bundleCheck has passed
// and the store's version moved. While one request refreshes, the others
// use the last set; a failed refresh keeps it too (and is logged), so that
// only the very first load can fail.
func (bc *bundleCache) get(ctx context.Context) (*bundleSet, error) {
	cur := bc.cur.Load()
	if cur != nil && time.Since(cur.checked) < bundleCheck {
		return cur, nil
	}
	if cur != nil {
		if !bc.mu.TryLock() {
			return cur, nil
		}
	} else {
		bc.mu.Lock()
	}
	defer bc.mu.Unlock()
	if now := bc.cur.Load(); now != nil && time.Since(now.checked) < bundleCheck {
		return now, nil
	}
	next, err := bc.load(ctx, cur)
	if err != nil {
		if cur != nil {
			slog.Error("refresh the bundles", "err", err)
			return cur, nil
		}
		return nil, err
	}
	bc.cur.Store(next)
	return next, nil
}

// load reads the bundles when their version differs from cur's, else
// renews cur's check time.
func (bc *bundleCache) load(ctx context.Context, cur *bundleSet) (*bundleSet, error) {
	v, err := bc.store.BundlesVersion(ctx)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.version == v {
		same := *cur
		same.checked = time.Now()
		return &same, nil
	}
	list, err := bc.store.PublishedBundles(ctx)
	if err != nil {
		return nil, err
	}
	entries := map[string]string{}
	if len(list) > 0 {
		es, err := bc.store.Entries(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			entries[e.BaseCode] = e.Name
		}
	}
	return newBundleSet(v, list, entries), nil
}

func newBundleSet(version int64, list []catalog.PublishedBundle, entries map[string]string) *bundleSet {
	list = slices.Clone(list)
	slices.SortFunc(list, func(a, b catalog.PublishedBundle) int { return strings.Compare(a.Code, b.Code) })
	bs := &bundleSet{version: version, checked: time.Now(), list: list, entries: entries,
		byCode: make(map[string]*catalog.PublishedBundle, len(list)), byBase: map[string][]int{}}
	// The matcher sees each step by its label: its own name, else its
	// entry's.
	named := make([]catalog.PublishedBundle, len(list))
	for i := range list {
		b := &list[i]
		bs.byCode[b.Code] = b
		named[i] = *b
		named[i].Steps = slices.Clone(b.Steps)
		for j, st := range b.Steps {
			named[i].Steps[j].Name = bs.stepLabel(st)
			for _, code := range append([]string{st.BaseCode}, st.Or...) {
				if ix := bs.byBase[code]; len(ix) == 0 || ix[len(ix)-1] != i {
					bs.byBase[code] = append(ix, i)
				}
			}
		}
	}
	bs.matcher = search.NewBundles(named)
	return bs
}

// stepLabel is how a step is called when no item names it: its own name,
// else its entry's, else its base code.
func (bs *bundleSet) stepLabel(st catalog.BundleStep) string {
	if st.Name != "" {
		return st.Name
	}
	if n := bs.entries[st.BaseCode]; n != "" {
		return n
	}
	return st.BaseCode
}

// bundlesOf returns the published bundles with a step whose entry (its base
// code or one of its alternatives) is baseCode, by code; nil when there are
// none or the bundles cannot be read (the error is logged: a page that
// shows them as an extra shows nothing then).
func (s *Server) bundlesOf(ctx context.Context, baseCode string) []catalog.PublishedBundle {
	set, err := s.bundles.get(ctx)
	if err != nil {
		slog.Error("read the bundles", "err", err)
		return nil
	}
	var out []catalog.PublishedBundle
	for _, i := range set.byBase[baseCode] {
		out = append(out, set.list[i])
	}
	return out
}

// expire makes the next get ask the store's version again.
func (bc *bundleCache) expire() {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if cur := bc.cur.Load(); cur != nil {
		old := *cur
		old.checked = time.Time{}
		bc.cur.Store(&old)
	}
}
