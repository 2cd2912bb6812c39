package search

import "sync"

// matchRegions indexes the matching items of a query text by region, so
// that a request filtered on a region visits that region's matches only,
// not every match of the text: at a million items a common word matches
// hundreds of thousands of them, of which a county holds a few thousand.
// It is built the first time a region filter asks for it and shared by
// every later request of the text (the match set is cached by text).
type matchRegions struct {
	once sync.Once
	off  []int32    // the items of region r are hits[off[r]:off[r+1]]
	hits []matchHit // by region, and within it in match order
}

// matchHit is one matching item: its group's place in the match set and
// its position in the group's members.
type matchHit struct{ match, pos int32 }

// regionIndex returns the matches of m by region of table t, building
// them once.
func (m *matchSet) regionIndex(t *table) *matchRegions {
	mr := &m.regions
	mr.once.Do(func() {
		off := make([]int32, len(t.Regions.Vals)+1)
		n := 0
		for _, sg := range m.groups {
			for _, mb := range t.Groups[sg.group].Members {
				off[mb.Region+1]++
			}
			n += len(t.Groups[sg.group].Members)
		}
		for r := 1; r < len(off); r++ {
			off[r] += off[r-1]
		}
		next := append([]int32(nil), off[:len(off)-1]...)
		hits := make([]matchHit, n)
		for j, sg := range m.groups {
			for i, mb := range t.Groups[sg.group].Members {
				hits[next[mb.Region]] = matchHit{int32(j), int32(i)}
				next[mb.Region]++
			}
		}
		mr.off, mr.hits = off, hits
	})
	return mr
}

// eachItem calls fn for every matching item of m that passes the filter f
// (a nil f.regions: all of them), with its group and score. When f names
// regions holding fewer than half the matching items, only theirs are
// visited.
func (m *matchSet) eachItem(t *table, f *filter, fn func(sg scoredGroup, g *group, i int)) {
	if f.regions != nil && m.items >= regionIndexMin {
		mr := m.regionIndex(t)
		in := 0
		for r, ok := range f.regions {
			if ok {
				in += int(mr.off[r+1] - mr.off[r])
			}
		}
		if 2*in < len(mr.hits) {
			for r, ok := range f.regions {
				if !ok {
					continue
				}
				for _, h := range mr.hits[mr.off[r]:mr.off[r+1]] {
					sg := m.groups[h.match]
					g := &t.Groups[sg.group]
					if g.passes(f) && f.accepts(g, int(h.pos)) {
						fn(sg, g, int(h.pos))
					}
				}
			}
			return
		}
	}
	for _, sg := range m.groups {
		g := &t.Groups[sg.group]
		if !g.passes(f) {
			continue
		}
		for i := range g.Members {
			if f.accepts(g, i) {
				fn(sg, g, i)
			}
		}
	}
}

// regionIndexMin is the number of matching items from which a region
// filter reads the matches by region: below it a scan costs less than
// building the index. (A variable so that the reference test can take the
// indexed path on its small catalogue.)
var regionIndexMin = 2048
