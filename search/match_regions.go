package search

import (
	"cmp"
	"math/bits"
	"slices"
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
// set, which is in group order (sortByGroup): bit g of bits is set when
// group g matched, and its place is the number of set bits before it
// (rank holds that number before each word). It is made when a region
// filter first reads the set by group.
type groupLookup struct {
	once sync.Once
	bits []uint64
	rank []int32
}

// lookupBytes is what the lookup of a match set takes in a table of
// groups.
func lookupBytes(groups int) int {
	return 12 * ((groups + 63) / 64)
}

// lookup returns the groups of m by number, of table t, making them once.
func (m *matchSet) lookup(t *table) *groupLookup {
	l := &m.byGroup
	l.once.Do(func() {
		l.bits = make([]uint64, (len(t.Groups)+63)/64)
		for _, sg := range m.groups {
			l.bits[sg.group>>6] |= 1 << (sg.group & 63)
		}
		l.rank = make([]int32, len(l.bits))
		n := int32(0)
		for w, b := range l.bits {
			l.rank[w] = n
			n += int32(bits.OnesCount64(b))
		}
	})
	return l
}

// rankOf returns the number of matching groups before group g, which
// matched.
func (l *groupLookup) rankOf(g int32) int32 {
	w := g >> 6
	return l.rank[w] + int32(bits.OnesCount64(l.bits[w]&(1<<(g&63)-1)))
}

// find returns the place of group g in the match set, or -1.
func (l *groupLookup) find(g int32) int {
	w := int(g >> 6)
	if w >= len(l.bits) {
		return -1 // a group added after the match: its text did not match
	}
	if l.bits[w]&(1<<(g&63)) == 0 {
		return -1
	}
	return int(l.rankOf(g))
}

// eachItem calls fn for every matching item of m that passes the filter f
// (a nil f.regions: all of them), with its group and score (scoreOf). When f names
// regions holding fewer items than m's groups hold, as far as the
// catalogue's items per group tell, only their items are read.
func (ix *Index) eachItem(t *table, m *matchSet, f *filter, fn func(sg scoredGroup, g *group, i int)) {
	if !ix.readsByRegion(t, m, f) {
		eachItemOf(t, m, m.groups, f, fn)
		return
	}
	rr := ix.regionRows(t)
	l := m.lookup(t)
	for r, ok := range f.regions {
		if !ok {
			continue
		}
		for _, h := range rr.hits[rr.off[r]:rr.off[r+1]] {
			at := l.find(h.group)
			if at < 0 {
				continue
			}
			g := &t.Groups[h.group]
			if g.passes(f) && f.accepts(g, int(h.pos)) {
				fn(m.scoreOf(m.groups[at], g.Type), g, int(h.pos))
			}
		}
	}
}

// readsByRegion reports whether eachItem reads m's items by region: a
// region filter on a large match set, when its regions hold fewer items
// than the set.
func (ix *Index) readsByRegion(t *table, m *matchSet, f *filter) bool {
	if f.regions == nil || !m.large {
		return false
	}
	rr := ix.regionRows(t)
	in := 0
	for r, ok := range f.regions {
		if ok {
			in += int(rr.off[r+1] - rr.off[r])
		}
	}
	return in*max(t.liveGroups, 1) < len(m.groups)*t.live
}

// eachItemOf calls fn with every item of the groups (of m) that passes f.
func eachItemOf(t *table, m *matchSet, groups []scoredGroup, f *filter, fn func(sg scoredGroup, g *group, i int)) {
	items, onGroups := f.onItems(), f.onGroups()
	for _, sg := range groups {
		g := &t.Groups[sg.group]
		if onGroups && !g.passes(f) {
			continue
		}
		sg = m.scoreOf(sg, g.Type)
		for i := range g.Members {
			if !items || f.accepts(g, i) {
				fn(sg, g, i)
			}
		}
	}
}

// regionIndexMin is the number of matching items from which a region
// filter may read the items by region: below it a scan costs less. (A
// variable so that the reference test can take the indexed path on its
// small catalogue.)
var regionIndexMin = 2048

// sortByGroup sorts a match set by group number (groups is the table's
// count of groups), so that collecting its items reads the table's groups
// and their items in the order they lie in memory: at a million varied
// items this halves the collection of a broad word's half a million
// groups. A large set is sorted by radix, a digit of radixBits bits a
// pass.
func sortByGroup(gs []scoredGroup, groups int) {
	if len(gs) < 1024 {
		slices.SortFunc(gs, func(a, b scoredGroup) int { return cmp.Compare(a.group, b.group) })
		return
	}
	buf := make([]scoredGroup, len(gs))
	src, dst := gs, buf
	var count [1 << radixBits]int
	for shift := 0; shift < bits.Len(uint(max(groups-1, 1))); shift += radixBits {
		clear(count[:])
		for _, g := range src {
			count[uint32(g.group)>>shift&(1<<radixBits-1)]++
		}
		at := 0
		for i, n := range count {
			count[i] = at
			at += n
		}
		for _, g := range src {
			d := uint32(g.group) >> shift & (1<<radixBits - 1)
			dst[count[d]] = g
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &gs[0] {
		copy(gs, src)
	}
}

// radixBits is the digit of sortByGroup: two passes up to four million
// groups.
const radixBits = 11
