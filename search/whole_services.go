package search

import (
	"log/slog"
	"math/bits"
	"sync"
	"time"
)

// A broad word matches whole services: at a million varied items 身份证
// matches 461,812 items, every item of 166 services, and so do the other
// words of the benchmark's mix. A grouped collection without filters then
// needs of each matching group only its service, its score and the item
// that would represent it; what it counts for a service (its regions and
// their ancestors, departments, classifications, items) is what the
// service holds, counted once in advance. Reading each matching group's
// header and items from the table cost two cache misses a group and most
// of such a collection's time; the groups' services, representatives
// and item counts lie side by side in 12 bytes a group instead.

// serviceTotals is what a grouped collection counts of each service when
// all its items match, and each group's service, made for a table when a
// collection first asks after its items changed (like regionRows).
type serviceTotals struct {
	t      *table
	edits  uint64 // the table's edits it was made at
	groups []groupService
	// By service: its items, its distinct regions, those regions and
	// their ancestors with items (regions[regionOff[s]:regionOff[s+1]]),
	// its departments (depts[deptOff[s]:deptOff[s+1]]), and the bit sets of
	// its classifications, types, audiences and themes.
	items, ownRegions  []int32
	regionOff, regions []int32
	deptOff, depts     []int32
	flags              []uint16
	types, themes      []uint64
	audiences          []uint32
}

// groupService is a group's service, the item that represents it (the
// one with the smallest code), its item count, and its type. svc is -1
// when its items belong to several services or a count does not fit.
type groupService struct {
	svc, rep int32
	items    uint16
	typ      uint16
}

// serviceTotalsHolder keeps the live table's serviceTotals.
type serviceTotalsHolder struct {
	mu sync.Mutex
	st *serviceTotals
	// building: a rebuild runs; next: no rebuild starts before then.
	building bool
	next     time.Time
}

// totalsPause is how many times its last build's duration a rebuild of
// the services' totals waits after it: while an import changes the items
// batch after batch, rebuilding after every batch would keep a core busy.
const totalsPause = 4

// serviceTotals returns the services' totals of table t (up is
// regionsAbove of t), or nil when they are not at hand; the caller holds
// ix.mu for reading. The first totals of a table are made when first
// asked for (the warm-up does); after the items changed, the totals are
// made anew on a goroutine of their own, and until then collections
// count their items (a million varied items take a quarter of a second).
// They are nil too when the small dimensions do not fit the bit sets
// (see collectServices).
func (ix *Index) serviceTotals(t *table, up [][]int32) *serviceTotals {
	if !fitsMasks(t) {
		return nil
	}
	h := &ix.totals
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.st
	switch {
	case st != nil && st.t == t && st.edits == t.edits && len(st.items) == len(t.Services.Vals):
		return st
	case st == nil || st.t != t:
		h.st = newServiceTotals(t, up)
		return h.st
	}
	if !h.building && time.Now().After(h.next) {
		h.building = true
		go ix.rebuildServiceTotals(t)
	}
	return nil
}

// rebuildServiceTotals makes the totals of table t anew, if it is still
// the live table.
func (ix *Index) rebuildServiceTotals(t *table) {
	began := time.Now()
	var st *serviceTotals
	failed := false
	func() {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		// A search asked for them: a fault here must not end the process.
		// The collections count item by item meanwhile, as they do.
		defer func() {
			if r := recover(); r != nil {
				st, failed = nil, true
				slog.Error("search: the services' totals were not made", "panic", r)
			}
		}()
		if ix.t == t {
			st = newServiceTotals(t, ix.regionsAbove(t))
		}
	}()
	h := &ix.totals
	h.mu.Lock()
	defer h.mu.Unlock()
	if st != nil && h.st != nil && h.st.t == t {
		h.st = st
	}
	h.building, h.next = false, time.Now().Add(totalsPause*time.Since(began))
	if failed {
		h.next = time.Now().Add(totalsRetry)
	}
}

// totalsRetry is how long a failed rebuild of the services' totals waits
// before the next.
const totalsRetry = time.Minute

// fitsMasks reports whether the values of a table's small dimensions fit
// the bit sets of a grouped collection.
func fitsMasks(t *table) bool {
	return len(t.Types.Vals) <= 64 && len(t.Audiences.Vals) <= 32 && len(t.Themes.Vals) <= 64
}

func newServiceTotals(t *table, up [][]int32) *serviceTotals {
	ns := len(t.Services.Vals)
	st := &serviceTotals{t: t, edits: t.edits, groups: make([]groupService, len(t.Groups)),
		items: make([]int32, ns), ownRegions: make([]int32, ns),
		flags: make([]uint16, ns), types: make([]uint64, ns), themes: make([]uint64, ns), audiences: make([]uint32, ns)}
	// Each service's items in a list of their own (a counting sort), so
	// that its distinct values are found with marks.
	off := make([]int32, ns+1)
	for gi := range t.Groups {
		g := &t.Groups[gi]
		gs := groupService{svc: -1, rep: -1, typ: uint16(g.Type)}
		if len(g.Members) > 0 && len(g.Members) <= 0xffff && g.Type <= 0xffff {
			gs.svc, gs.items = g.Members[0].Svc, uint16(len(g.Members))
		}
		for _, mb := range g.Members {
			off[mb.Svc+1]++
			if mb.Svc != gs.svc {
				gs.svc = -1
			}
			if gs.rep < 0 || t.codeLess(mb.Item, gs.rep) {
				gs.rep = mb.Item
			}
			s := mb.Svc
			st.items[s]++
			st.flags[s] |= mb.Flags
			st.types[s] |= 1 << g.Type
			for _, au := range g.Audience {
				st.audiences[s] |= 1 << au
			}
			for _, th := range g.Themes {
				st.themes[s] |= 1 << th
			}
		}
		st.groups[gi] = gs
	}
	for s := range ns {
		off[s+1] += off[s]
	}
	next := append([]int32(nil), off[:ns]...)
	type place struct{ Region, Dept int32 }
	byService := make([]place, off[ns])
	for gi := range t.Groups {
		for _, mb := range t.Groups[gi].Members {
			byService[next[mb.Svc]] = place{mb.Region, mb.Dept}
			next[mb.Svc]++
		}
	}
	var own, region, dept seenMarks
	st.regionOff, st.deptOff = make([]int32, ns+1), make([]int32, ns+1)
	for s := range ns {
		mark := uint32(s + 1)
		for _, mb := range byService[off[s]:off[s+1]] {
			if r := mb.Region; own.first(r, mark) {
				st.ownRegions[s]++
				if region.first(r, mark) {
					st.regions = append(st.regions, r)
				}
				for _, a := range up[r] {
					if region.first(a, mark) {
						st.regions = append(st.regions, a)
					}
				}
			}
			if d := mb.Dept; dept.first(d, mark) {
				st.depts = append(st.depts, d)
			}
		}
		st.regionOff[s+1], st.deptOff[s+1] = int32(len(st.regions)), int32(len(st.depts))
	}
	return st
}

// wholeServices is collectServices for a request without filters, when
// every matching service matches with all its items: each matching group
// is read from st, and each service counted from its totals. Without a
// region to rank by, a service's best scored item represents it. With
// one (the query names a region, or the request prefers one), an item of
// the region, of one above it or below it comes first: the items of those
// regions are read from the table's items by region (regionRows), and when
// they are more than the matching items the collection counts item by
// item instead. It reports false, having counted nothing in c, when it
// does not count the collection.
func (ix *Index) wholeServices(t *table, m *matchSet, rk ranking, st *serviceTotals, w *serviceWork, c *collection) bool {
	var near []int32 // the regions nearer than others, when there is a region to rank by
	nearItems := 0
	if rk.near != nil {
		rr := ix.regionRows(t)
		for r, n := range rk.near {
			if n != nearOther || int32(r) == rk.tier {
				near = append(near, int32(r))
				nearItems += int(rr.off[r+1] - rr.off[r])
			}
		}
	}
	for _, sg := range m.groups {
		if int(sg.group) >= len(st.groups) {
			return false
		}
		gs := st.groups[sg.group]
		if gs.svc < 0 {
			if gs.rep < 0 {
				continue // a group without items
			}
			return false
		}
		sg = m.scoreOf(sg, int32(gs.typ))
		// Without a region to rank by, the best scored item represents
		// its service, of equal ones the one with the smallest code (see
		// represents).
		a := &w.acc[gs.svc]
		if a.items == 0 {
			w.touched = append(w.touched, gs.svc)
			a.rep, a.best = candidate{score: sg.score, near: nearOther, row: gs.rep}, sg.score
		} else if sg.score > a.best || sg.score == a.best && t.codeLess(gs.rep, a.rep.row) {
			a.rep.score, a.rep.row, a.best = sg.score, gs.rep, sg.score
		}
		a.items += int32(gs.items)
	}
	matched := 0
	for _, s := range w.touched {
		if w.acc[s].items != st.items[s] {
			return false
		}
		matched += int(st.items[s])
	}
	if nearItems > matched {
		return false
	}
	// The items of the nearer regions (every one of them matched, with
	// its service) represent their services before the others.
	if len(near) > 0 {
		rr, l := ix.regionRows(t), m.lookup(t)
		for _, r := range near {
			for _, h := range rr.hits[rr.off[r]:rr.off[r+1]] {
				at := l.find(h.group)
				if at < 0 {
					continue
				}
				g := &t.Groups[h.group]
				mb := g.Members[h.pos]
				cand := candidate{score: m.scoreOf(m.groups[at], g.Type).score, tier: r == rk.tier, near: rk.near[r], row: mb.Item}
				if a := &w.acc[mb.Svc]; t.represents(cand, a.rep) {
					a.rep = cand
				}
			}
		}
	}
	top := topK{k: c.k, t: t}
	for _, s := range w.touched {
		a := &w.acc[s]
		for _, r := range st.regions[st.regionOff[s]:st.regionOff[s+1]] {
			c.regions.add(r, 1)
		}
		for _, d := range st.depts[st.deptOff[s]:st.deptOff[s+1]] {
			c.depts.add(d, 1)
		}
		for b := st.flags[s]; b != 0; b &= b - 1 {
			c.flags[bits.TrailingZeros16(b)]++
		}
		for b := st.types[s]; b != 0; b &= b - 1 {
			c.types.add(int32(bits.TrailingZeros64(b)), 1)
		}
		for b := st.audiences[s]; b != 0; b &= b - 1 {
			c.audiences.add(int32(bits.TrailingZeros32(b)), 1)
		}
		for b := st.themes[s]; b != 0; b &= b - 1 {
			c.themes.add(int32(bits.TrailingZeros64(b)), 1)
		}
		c.total++
		cand := a.rep
		cand.score, cand.items, cand.regions = a.best, a.items, st.ownRegions[s]
		if top.full() && top.loses(cand) {
			continue
		}
		top.offer(cand)
	}
	c.ordered = top.sorted()
	return true
}
