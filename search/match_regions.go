package search

import (
	"math/bits"
	"sync"
)

// A request filtered on a region visits that region's items only, not
// every match of its text: at a million items a common word matches
// hundreds of thousands of groups, of which a county holds a few
// thousand. The table lists its items by region (regionRows, made when a
// region filter first asks after the items changed), and a large match
// set tells its groups by number (groupLookup), so the filter reads its
// regions' items and keeps those whose group matched.

// regionRows lists the items of a table by region: the items of region r
// are hits[off[r]:off[r+1]], in group order.
type regionRows struct {
	t     *table
	edits uint64 // the table's edits it was made at
	off   []int32
	hits  []regionHit
}

// regionHit is an item: its group and its position in the group's
// members.
type regionHit struct{ group, pos int32 }

// regionRowsHolder keeps the live table's regionRows.
type regionRowsHolder struct {
	mu sync.Mutex
	rr *regionRows
}

// regionRows returns the items of table t by region, made anew when t's
// items changed since; the caller holds ix.mu for reading.
func (ix *Index) regionRows(t *table) *regionRows {
	h := &ix.byRegion
	h.mu.Lock()
	defer h.mu.Unlock()
	if rr := h.rr; rr != nil && rr.t == t && rr.edits == t.edits {
		return rr
	}
	off := make([]int32, len(t.Regions.Vals)+1)
	for gi := range t.Groups {
		for _, mb := range t.Groups[gi].Members {
			off[mb.Region+1]++
		}
	}
	for r := 1; r < len(off); r++ {
		off[r] += off[r-1]
	}
	next := append([]int32(nil), off[:len(off)-1]...)
	hits := make([]regionHit, off[len(off)-1])
	for gi := range t.Groups {
		for i, mb := range t.Groups[gi].Members {
			hits[next[mb.Region]] = regionHit{int32(gi), int32(i)}
			next[mb.Region]++
		}
	}
	h.rr = &regionRows{t: t, edits: t.edits, off: off, hits: hits}
	return h.rr
}

// groupLookup tells whether a group matched and where it is in the match
// set, whose groups are in group order: bit g of bits is set when group g
// matched, and its place is the number of set bits before it (rank holds
// the count before each word).
type groupLookup struct {
	bits []uint64
	rank []int32
}

// at returns the place of group g in the match set, or -1.
func (l *groupLookup) at(g int32) int {
	w := int(g >> 6)
	if w >= len(l.bits) {
		return -1 // a group added after the match: its text did not match
	}
	b := uint64(1) << (g & 63)
	if l.bits[w]&b == 0 {
		return -1
	}
	return int(l.rank[w]) + bits.OnesCount64(l.bits[w]&(b-1))
}

// index puts the groups of a large match set in group order (a counting
// sort through the bits) and makes their lookup; the groups of one
// match are distinct.
func (m *matchSet) index(t *table) {
	if len(m.groups) < regionIndexMin {
		return
	}
	l := &groupLookup{bits: make([]uint64, (len(t.Groups)+63)/64)}
	for _, sg := range m.groups {
		l.bits[sg.group>>6] |= 1 << (sg.group & 63)
	}
	l.rank = make([]int32, len(l.bits))
	n := int32(0)
	for w, b := range l.bits {
		l.rank[w] = n
		n += int32(bits.OnesCount64(b))
	}
	sorted := make([]scoredGroup, len(m.groups))
	for _, sg := range m.groups {
		sorted[l.at(sg.group)] = sg
	}
	m.groups, m.lookup = sorted, l
}

// eachItem calls fn for every matching item of m that passes the filter f
// (a nil f.regions: all of them), with its group and score. When f names
// regions holding fewer items than m's groups hold, as far as the
// catalogue's items per group tell, only their items are read.
func (ix *Index) eachItem(t *table, m *matchSet, f *filter, fn func(sg scoredGroup, g *group, i int)) {
	if f.regions != nil && m.lookup != nil {
		rr := ix.regionRows(t)
		in := 0
		for r, ok := range f.regions {
			if ok {
				in += int(rr.off[r+1] - rr.off[r])
			}
		}
		if in*max(t.liveGroups, 1) < len(m.groups)*t.live {
			for r, ok := range f.regions {
				if !ok {
					continue
				}
				for _, h := range rr.hits[rr.off[r]:rr.off[r+1]] {
					at := m.lookup.at(h.group)
					if at < 0 {
						continue
					}
					g := &t.Groups[h.group]
					if g.passes(f) && f.accepts(g, int(h.pos)) {
						fn(m.groups[at], g, int(h.pos))
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

// regionIndexMin is the number of matching groups from which a match set
// gets a lookup and a region filter may read the items by region: below
// it a scan costs less. (A variable so that the reference test can take
// the indexed path on its small catalogue.)
var regionIndexMin = 2048
