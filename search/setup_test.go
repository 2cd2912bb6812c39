package search

import (
	"context"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"zhinan/catalog"
	"zhinan/seeds"
	"zhinan/store"
)

// seedIndex is a real store and a real bleve index over the seed
// catalogue, built once for the package's tests in a temporary data dir.
var seedIndex = sync.OnceValues(func() (*fixture, error) {
	return newFixture()
})

type fixture struct {
	dir   string
	store *store.Store
	index *Index
	cat   *seeds.Catalogue
}

var fixtureDir string

func newFixture() (*fixture, error) {
	ctx := context.Background()
	dir := fixtureDir
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	regions, err := seeds.Regions()
	if err != nil {
		return nil, err
	}
	if err := st.EnsureRegions(ctx, regions); err != nil {
		return nil, err
	}
	cat, err := seeds.Load()
	if err != nil {
		return nil, err
	}
	if _, err := st.Import(ctx, cat.Records(), store.ImportOptions{}); err != nil {
		return nil, err
	}
	ix, err := Open(ctx, dir, st)
	if err != nil {
		return nil, err
	}
	return &fixture{dir: dir, store: st, index: ix, cat: cat}, nil
}

func seedFixture(t testing.TB) *fixture {
	t.Helper()
	f, err := seedIndex()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// itemsByCode returns the seed items by code.
func (f *fixture) itemsByCode() map[string]catalog.Item {
	items := make(map[string]catalog.Item, len(f.cat.Items))
	for _, it := range f.cat.Items {
		items[it.Code] = it
	}
	return items
}

// regionsOf returns a region and those of its ancestors that have seed
// items (within the region filter, if any): the region facet values an
// item of region counts for.
func (f *fixture) regionsOf(region, filter string) []string {
	has := map[string]bool{}
	for _, it := range f.cat.Items {
		has[it.Region] = true
	}
	var out []string
	for _, code := range f.index.regions.path(region) {
		if has[code] {
			out = append(out, code)
		}
		if code == filter {
			break
		}
	}
	return out
}

// readSnapshot holds ix's read lock and returns a snapshot of its live
// generation, both released when the test ends.
func readSnapshot(t testing.TB, ix *Index) *scorch.IndexSnapshot {
	t.Helper()
	ix.mu.RLock()
	t.Cleanup(ix.mu.RUnlock)
	snap, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return snap
}
