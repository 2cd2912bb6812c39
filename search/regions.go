package search

import (
	"context"
	_ "embed"
	"sort"
	"strings"
	"sync"

	"zhinan/catalog"
)

//go:embed data/regions.txt
var regionAliasText string

// regionTable knows every region's ancestors and the names a query may use
// for the regions that have items.
type regionTable struct {
	mu     sync.RWMutex
	byCode map[string]catalog.Region
	used   map[string]bool // regions with items in the index
	names  []regionName    // longest first
}

type regionName struct{ name, code string }

func (ix *Index) loadRegions(ctx context.Context) error {
	rs, err := ix.store.Regions(ctx)
	if err != nil {
		return err
	}
	rt := &regionTable{byCode: make(map[string]catalog.Region, len(rs)), used: map[string]bool{}}
	for _, r := range rs {
		rt.byCode[r.Code] = r
	}
	if ix.regions != nil {
		ix.regions.mu.RLock()
		for c := range ix.regions.used {
			rt.used[c] = true
		}
		ix.regions.mu.RUnlock()
	}
	rt.rebuildNames()
	ix.regions = rt
	return nil
}

// ensureRegions reloads the region table when an item names a region it
// does not know yet (a region imported after the index opened), and
// records the regions that have items.
func (ix *Index) ensureRegions(ctx context.Context, pubs map[string]*catalog.Published) error {
	rt := ix.regions
	rt.mu.RLock()
	missing, fresh := false, false
	for _, p := range pubs {
		if _, ok := rt.byCode[p.Region]; !ok {
			missing = true
		}
		if !rt.used[p.Region] {
			fresh = true
		}
	}
	rt.mu.RUnlock()
	if missing {
		if err := ix.loadRegions(ctx); err != nil {
			return err
		}
		rt = ix.regions
	}
	if fresh {
		rt.mu.Lock()
		for _, p := range pubs {
			rt.used[p.Region] = true
		}
		rt.rebuildNames()
		rt.mu.Unlock()
	}
	return nil
}

// useAll records regions that have items (those of a table loaded or
// built).
func (rt *regionTable) useAll(codes []string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, c := range codes {
		rt.used[c] = true
	}
	rt.rebuildNames()
}

// localDepartment returns a department's name without the names of its
// region and the region's ancestors (汉阴县公安局 → 公安局,
// 西安市生态环境局长安区分局 → 生态环境局分局): what the same department of
// every county is called, so that the same item of two counties reads
// alike. A name that would be left empty is kept whole.
func (rt *regionTable) localDepartment(region, dept string) string {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	local := dept
	for c, n := 0, region; n != "" && c < 8; c, n = c+1, rt.byCode[n].Parent {
		r, ok := rt.byCode[n]
		if !ok {
			break
		}
		for _, name := range regionNames(r.Name, nil) {
			if strings.Contains(local, name) {
				local = strings.ReplaceAll(local, name, "")
			}
		}
	}
	if local == "" {
		return dept
	}
	return local
}

// rebuildNames recomputes the names of the regions with items; the caller
// holds the lock (or owns rt).
func (rt *regionTable) rebuildNames() {
	aliases := map[string][]string{}
	for _, line := range dataLines(regionAliasText) {
		f := strings.Fields(line)
		aliases[f[0]] = append(aliases[f[0]], f[1:]...)
	}
	rt.names = rt.names[:0]
	for code := range rt.used {
		r, ok := rt.byCode[code]
		if !ok {
			continue
		}
		for _, n := range regionNames(r.Name, aliases[code]) {
			rt.names = append(rt.names, regionName{n, code})
		}
	}
	sort.Slice(rt.names, func(i, j int) bool {
		a, b := rt.names[i], rt.names[j]
		if len(a.name) != len(b.name) {
			return len(a.name) > len(b.name)
		}
		return a.name < b.name
	})
}

// regionNames returns a region's official name, its short name without
// the administrative suffix (汉阴县 → 汉阴) and its aliases.
func regionNames(name string, aliases []string) []string {
	out := append([]string{name}, aliases...)
	for _, suffix := range []string{"自治县", "县", "区", "市", "省"} {
		if short := strings.TrimSuffix(name, suffix); short != name && len([]rune(short)) >= 2 {
			out = append(out, short)
			break
		}
	}
	return out
}

// path returns the region and its ancestors, nearest first.
func (rt *regionTable) path(code string) []string {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	var out []string
	for c := code; c != "" && len(out) < 8; c = rt.byCode[c].Parent {
		out = append(out, c)
	}
	return out
}

// name returns a region's name, or its code when unknown.
func (rt *regionTable) name(code string) string {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if r, ok := rt.byCode[code]; ok {
		return r.Name
	}
	return code
}

// detect finds a region named in the query (the longest name wins) and
// returns its code and the query without it.
func (rt *regionTable) detect(q string) (code, rest string) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, n := range rt.names {
		if i := strings.Index(q, n.name); i >= 0 {
			rest = strings.TrimSpace(q[:i] + " " + q[i+len(n.name):])
			if rest == "" {
				return "", q // a query that is only a region name searches for it
			}
			return n.code, rest
		}
	}
	return "", q
}
