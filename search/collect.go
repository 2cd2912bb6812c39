package search

import (
	"math/bits"
	"slices"
	"sync"
)

// filter is a request's filters as numbers of the table: -1 accepts any
// value.
type filter struct {
	regions  []bool // by region number: in the region filtered on; nil: any region
	dept     int32
	typ      int32
	audience int32
	theme    int32
	svc      int32  // one service
	flags    uint16 // every one of these classifications
	none     bool   // a value no item has: nothing matches
}

// accepts reports whether item i of group g passes the filters on what
// items hold of their own (the group's shared values: see passes).
func (f *filter) accepts(g *group, i int) bool {
	return g.Members[i].Flags&f.flags == f.flags && (f.dept < 0 || g.Members[i].Dept == f.dept) &&
		(f.regions == nil || f.regions[g.Members[i].Region]) && (f.svc < 0 || g.Members[i].Svc == f.svc)
}

// onItems reports whether the filter reads what items hold of their own
// (accepts), onGroups whether it reads what a group's items share
// (passes): a search without filters checks neither.
func (f *filter) onItems() bool {
	return f.flags != 0 || f.dept >= 0 || f.regions != nil || f.svc >= 0
}

func (f *filter) onGroups() bool { return f.typ >= 0 || f.audience >= 0 || f.theme >= 0 }

// ranking orders the matching items: those of the region the query named
// (tier) first, then by score, then by how near they are to the citizen's
// region (near), then by code.
type ranking struct {
	tier int32  // region number, or -1
	near []int8 // by region number: nearness to the citizen's region; nil: none
	// up lists each region's ancestors with items (by number), for the
	// region facet; nil: none.
	up [][]int32
}

// Nearness of an item's region to the citizen's: the region itself, one of
// its ancestors (the city serves its counties' citizens too), one of its
// descendants, or elsewhere.
const (
	nearOther int8 = iota
	nearBelow
	nearAbove
	nearSame
)

func (rk *ranking) nearOf(region int32) int8 {
	if rk.near == nil {
		return nearOther
	}
	return rk.near[region]
}

// collection is what collect found for a query and filters: the total,
// the first k rows in order, and the facet counts of every matching row
// (items, or services when grouped).
type collection struct {
	total     int
	k         int
	ordered   []candidate
	facets    map[string][]FacetValue // labelled, filled by the index
	flags     [16]int32
	types     *counter
	regions   *counter
	depts     *counter
	audiences *counter
	themes    *counter
}

// candidate is a matching row in the running for the page: an item, or
// a service represented by one of its items.
type candidate struct {
	score float64
	tier  bool
	near  int8
	row   int32 // the item (a service's representative)
	// Of a service: how many of its items match, in how many regions.
	items, regions int32
}

func newCollection(t *table, k int) *collection {
	return &collection{k: k,
		types: getCounter(len(t.Types.Vals)), regions: getCounter(len(t.Regions.Vals)),
		depts: getCounter(len(t.Depts.Vals)), audiences: getCounter(len(t.Audiences.Vals)),
		themes: getCounter(len(t.Themes.Vals)),
	}
}

// collect expands the matched groups into their items, keeps those that
// pass the filter, counts the facets of all of them and keeps the best k
// in order; the caller holds the index's read lock.
func (ix *Index) collectItems(t *table, m *matchSet, f filter, rk ranking, k int) *collection {
	c := newCollection(t, k)
	if f.none {
		return c
	}
	top := topK{k: k, t: t}
	ix.eachItem(t, m, &f, func(sg scoredGroup, g *group, i int) {
		c.total++
		for b := g.Members[i].Flags; b != 0; b &= b - 1 {
			c.flags[bits.TrailingZeros16(b)]++
		}
		region := g.Members[i].Region
		c.regions.add(region, 1)
		c.depts.add(g.Members[i].Dept, 1)
		c.types.add(g.Type, 1)
		for _, a := range g.Audience {
			c.audiences.add(a, 1)
		}
		for _, th := range g.Themes {
			c.themes.add(th, 1)
		}
		cand := candidate{score: sg.score, tier: region == rk.tier, near: rk.nearOf(region), row: g.Members[i].Item}
		if !top.full() || !top.loses(cand) {
			top.offer(cand)
		}
	})
	c.ordered = top.sorted()
	c.rollUpRegions(rk.up, f.regions)
	return c
}

// rollUpRegions adds each region's item count to its ancestors' (within
// the region filter in, if any), so that a region's count is what
// filtering on it returns.
func (c *collection) rollUpRegions(up [][]int32, in []bool) {
	if up == nil {
		return
	}
	own := append([]int32(nil), c.regions.touched...)
	counts := make([]int32, len(own))
	for i, r := range own {
		counts[i] = c.regions.n[r]
	}
	for i, r := range own {
		for _, a := range up[r] {
			if in == nil || in[a] {
				c.regions.add(a, counts[i])
			}
		}
	}
}

// collectServices is collect with one row per service: the matching
// items of a service are represented by one of them — the one of the
// region the query named, else the one nearest the citizen's region, else
// the best scored — and the service ranks by its best score. Facets count
// services: a service counts for a value when one of its matching items
// has it (for a region: in it or below it), so that adding that filter
// returns it.
func (ix *Index) collectServices(t *table, m *matchSet, f filter, rk ranking, k int) *collection {
	c := newCollection(t, k)
	if f.none {
		return c
	}
	w := getServiceWork(len(t.Services.Vals))
	defer w.release()
	// The values of the small dimensions a service's matching items have
	// are gathered as bit sets in pass 1, while the items are read in
	// the order of their groups; else pass 2 reads them from the groups.
	masks := serviceMasks && fitsMasks(t)
	// Without filters, the services that match with all their items are
	// counted from their totals (whole_services.go).
	if masks && !f.onItems() && !f.onGroups() && rk.up != nil {
		if st := ix.serviceTotals(t, rk.up); st != nil && ix.wholeServices(t, m, rk, st, w, c) {
			return c
		}
		w.reset()
	}
	// Pass 1: each service's best score and representative, and its
	// matching items.
	ix.gatherServices(t, m, &f, rk, masks, w)
	// Pass 2: the matching items in order of service (a counting sort),
	// so that each service's distinct values are counted once.
	at := int32(0)
	for _, s := range w.touched {
		a := &w.acc[s]
		a.next = at
		at += a.items
	}
	if cap(w.sorted) < len(w.hits) {
		w.sorted = make([]svcHit, len(w.hits))
	}
	byService := w.sorted[:len(w.hits)]
	for _, h := range w.hits {
		a := &w.acc[h.svc]
		byService[a.next] = h
		a.next++
	}
	top := topK{k: k, t: t}
	from := int32(0)
	for _, s := range w.touched {
		a := &w.acc[s]
		items := byService[from : from+a.items]
		from += a.items
		mark := w.nextMark()
		regions := int32(0)
		for _, h := range items {
			if r := h.region; w.own.first(r, mark) {
				regions++
				if w.region.first(r, mark) {
					c.regions.add(r, 1)
				}
				if rk.up != nil {
					for _, a := range rk.up[r] {
						if (f.regions == nil || f.regions[a]) && w.region.first(a, mark) {
							c.regions.add(a, 1)
						}
					}
				}
			}
			if d := h.dept; w.dept.first(d, mark) {
				c.depts.add(d, 1)
			}
			if masks {
				continue
			}
			g := &t.Groups[h.group]
			if w.typ.first(g.Type, mark) {
				c.types.add(g.Type, 1)
			}
			for _, au := range g.Audience {
				if w.audience.first(au, mark) {
					c.audiences.add(au, 1)
				}
			}
			for _, th := range g.Themes {
				if w.theme.first(th, mark) {
					c.themes.add(th, 1)
				}
			}
		}
		for b := a.flags; b != 0; b &= b - 1 {
			c.flags[bits.TrailingZeros16(b)]++
		}
		if masks {
			for b := a.types; b != 0; b &= b - 1 {
				c.types.add(int32(bits.TrailingZeros64(b)), 1)
			}
			for b := a.audiences; b != 0; b &= b - 1 {
				c.audiences.add(int32(bits.TrailingZeros32(b)), 1)
			}
			for b := a.themes; b != 0; b &= b - 1 {
				c.themes.add(int32(bits.TrailingZeros64(b)), 1)
			}
		}
		c.total++
		cand := a.rep
		cand.score, cand.items, cand.regions = a.best, a.items, regions
		if top.full() && top.loses(cand) {
			continue
		}
		top.offer(cand)
	}
	c.ordered = top.sorted()
	return c
}

// gatherServices is collectServices' first pass: it notes in w each
// service's best score and representative, its matching items and the bit
// sets of their small dimensions (with masks). A large match set read in
// the order of its groups is cut into slices that helpers on idle cores
// share (see shareOut), each helper gathering in a workspace of its own,
// merged into w afterwards. A service's best score, representative
// (represents is a total order), item count and bit sets do not depend on
// the order in which its items are seen, nor does anything pass 2 makes
// of them.
func (ix *Index) gatherServices(t *table, m *matchSet, f *filter, rk ranking, masks bool, w *serviceWork) {
	parts := len(m.groups) / max(1, sharedGatherMinGroups/2)
	if parts < 2 || ix.readsByRegion(t, m, f) {
		ix.eachItem(t, m, f, w.visitor(t, rk, masks))
		return
	}
	parts = min(parts, maxGatherSlices)
	works := []*serviceWork{w}
	defer func() {
		for _, hw := range works[1:] {
			hw.release()
		}
	}()
	visitors := []func(scoredGroup, *group, int){w.visitor(t, rk, masks)}
	_ = shareOut(ix.helperSlots(), parts, func(workers int) {
		for len(works) < workers {
			hw := getServiceWork(len(t.Services.Vals))
			works = append(works, hw)
			visitors = append(visitors, hw.visitor(t, rk, masks))
		}
	}, func(wk, i int) error {
		eachItemOf(t, m, m.groups[i*len(m.groups)/parts:(i+1)*len(m.groups)/parts], f, visitors[wk])
		return nil
	})
	for _, hw := range works[1:] {
		w.merge(t, hw)
	}
}

// sharedGatherMinGroups is the fewest matching groups gatherServices
// shares out, in slices of half as many or more: below it gathering them
// costs less than starting a helper. (A variable so that the reference
// test shares its small ones.)
var sharedGatherMinGroups = 16384

// maxGatherSlices bounds the slices a match set is gathered in.
const maxGatherSlices = 16

// visitor returns the function that notes a matching item in w.
func (w *serviceWork) visitor(t *table, rk ranking, masks bool) func(sg scoredGroup, g *group, i int) {
	return func(sg scoredGroup, g *group, i int) {
		region := g.Members[i].Region
		cand := candidate{score: sg.score, tier: region == rk.tier, near: rk.nearOf(region), row: g.Members[i].Item}
		s := g.Members[i].Svc
		a := &w.acc[s]
		if a.items == 0 {
			w.touched = append(w.touched, s)
			a.rep, a.best = cand, cand.score
		} else {
			a.best = max(a.best, cand.score)
			if t.represents(cand, a.rep) {
				a.rep = cand
			}
		}
		a.items++
		a.flags |= g.Members[i].Flags
		if masks {
			a.types |= 1 << g.Type
			for _, au := range g.Audience {
				a.audiences |= 1 << au
			}
			for _, th := range g.Themes {
				a.themes |= 1 << th
			}
		}
		w.hits = append(w.hits, svcHit{svc: s, group: sg.group, region: region, dept: g.Members[i].Dept})
	}
}

// merge adds what o gathered to w, as if w had seen o's items too.
func (w *serviceWork) merge(t *table, o *serviceWork) {
	for _, s := range o.touched {
		b, a := &o.acc[s], &w.acc[s]
		if a.items == 0 {
			w.touched = append(w.touched, s)
			*a = *b
			continue
		}
		a.best = max(a.best, b.best)
		if t.represents(b.rep, a.rep) {
			a.rep = b.rep
		}
		a.items += b.items
		a.flags |= b.flags
		a.types |= b.types
		a.audiences |= b.audiences
		a.themes |= b.themes
	}
	w.hits = append(w.hits, o.hits...)
}

// represents reports whether item a represents its service better than
// item b: in the region the query named, nearer the citizen's region,
// better scored, then the smaller code. The last rule makes the choice
// depend on the catalogue alone, not on the order in which the index
// took the items in (rows of a live index are numbered as items arrive,
// those of a fresh build in code order): replicas with different
// histories behind one load balancer answer the same, and page 2 from
// another replica continues page 1.
func (t *table) represents(a, b candidate) bool {
	if a.tier != b.tier {
		return a.tier
	}
	if a.near != b.near {
		return a.near > b.near
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return t.codeLess(a.row, b.row)
}

// serviceWork is the scratch space of a grouped collection, reused
// through a pool: per service its representative and item count, the
// matching items, and marks that tell a value already counted for the
// service at hand.
type serviceWork struct {
	acc                                     []serviceAcc
	touched                                 []int32
	hits                                    []svcHit
	sorted                                  []svcHit
	mark                                    uint32
	own, region, dept, typ, audience, theme seenMarks // own: the items' regions; region: and their ancestors
}

type serviceAcc struct {
	rep           candidate
	best          float64
	items, next   int32
	flags         uint16
	audiences     uint32 // bit sets of the values of its matching items
	types, themes uint64
}

// serviceMasks lets a grouped collection gather the small dimensions as
// bit sets (a variable so that the reference test can check the other
// way too).
var serviceMasks = true

// svcHit is a matching item of a grouped collection, with the values
// pass 2 counts, so that it reads them in order rather than from the
// item's group.
type svcHit struct {
	svc, group, region, dept int32
}

// seenMarks remembers, by value number, the mark of the last service that
// counted the value. Marks only grow, so nothing needs clearing between
// services or collections.
type seenMarks []uint32

// first reports whether value v is seen for the first time under mark,
// and marks it.
func (m *seenMarks) first(v int32, mark uint32) bool {
	if int(v) >= len(*m) {
		*m = append(*m, make([]uint32, int(v)+1-len(*m))...)
	}
	if (*m)[v] == mark {
		return false
	}
	(*m)[v] = mark
	return true
}

var serviceWorks sync.Pool

func getServiceWork(services int) *serviceWork {
	w, _ := serviceWorks.Get().(*serviceWork)
	if w == nil {
		w = &serviceWork{}
	}
	if len(w.acc) < services {
		w.acc = make([]serviceAcc, services)
	}
	return w
}

func (w *serviceWork) nextMark() uint32 {
	w.mark++
	if w.mark == 0 { // wrapped: start the marks afresh
		for _, m := range []*seenMarks{&w.own, &w.region, &w.dept, &w.typ, &w.audience, &w.theme} {
			clear(*m)
		}
		w.mark = 1
	}
	return w.mark
}

// release resets what the collection touched and gives the work back to
// the pool; oversized lists are dropped rather than kept.
func (w *serviceWork) release() {
	w.reset()
	if cap(w.hits) > maxPooledHits {
		w.hits, w.sorted = nil, nil
	}
	serviceWorks.Put(w)
}

// reset clears what a collection noted in w.
func (w *serviceWork) reset() {
	for _, s := range w.touched {
		w.acc[s] = serviceAcc{}
	}
	w.touched, w.hits, w.sorted = w.touched[:0], w.hits[:0], w.sorted[:0]
}

// maxPooledHits bounds the item lists a pooled serviceWork keeps.
const maxPooledHits = 1 << 20

// dropCounts gives the counters back once the facets are labelled: a
// cached collection keeps only what serves pages.
func (c *collection) dropCounts() {
	for _, cn := range []*counter{c.types, c.regions, c.depts, c.audiences, c.themes} {
		cn.release()
	}
	c.types, c.regions, c.depts, c.audiences, c.themes = nil, nil, nil, nil, nil
}

// counter counts the values of one dimension by number and remembers
// which it touched, so that reading and resetting it cost what was
// counted, not the size of the dimension (a million items have hundreds
// of thousands of departments). Counters are reused through a pool.
type counter struct {
	n       []int32
	touched []int32
}

var counters sync.Pool

func getCounter(size int) *counter {
	c, _ := counters.Get().(*counter)
	if c == nil {
		c = &counter{}
	}
	if len(c.n) < size {
		c.n = make([]int32, size)
	}
	return c
}

func (c *counter) add(i, n int32) {
	if c.n[i] == 0 {
		c.touched = append(c.touched, i)
	}
	c.n[i] += n
}

// release resets the counter and gives it back to the pool.
func (c *counter) release() {
	for _, i := range c.touched {
		c.n[i] = 0
	}
	c.touched = c.touched[:0]
	counters.Put(c)
}

// top returns the numbers of the size most frequent values of in, most
// frequent first, ties in the order of the values. Each value is sorted
// as one number, its count (inverted) above its rank among the values;
// when many values were counted, a heap keeps the best size of them.
func (c *counter) top(size int, in *interner) []int32 {
	if size <= 0 {
		return nil
	}
	key := func(v int32) uint64 { return uint64(^uint32(c.n[v]))<<32 | uint64(uint32(in.rank[v])) }
	var keys []uint64
	if len(c.touched) <= 4*size {
		keys = make([]uint64, len(c.touched))
		for i, v := range c.touched {
			keys[i] = key(v)
		}
		slices.Sort(keys)
		keys = keys[:min(size, len(keys))]
	} else {
		// A heap with the worst kept at its root.
		h := make([]uint64, 0, size)
		down := func(i int) {
			for {
				l, w := 2*i+1, i
				if l < len(h) && h[l] > h[w] {
					w = l
				}
				if r := l + 1; r < len(h) && h[r] > h[w] {
					w = r
				}
				if w == i {
					return
				}
				h[i], h[w] = h[w], h[i]
				i = w
			}
		}
		for _, v := range c.touched {
			k := key(v)
			if len(h) < size {
				h = append(h, k)
				for i := len(h) - 1; i > 0 && h[i] > h[(i-1)/2]; i = (i - 1) / 2 {
					h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
				}
				continue
			}
			if k < h[0] {
				h[0] = k
				down(0)
			}
		}
		slices.Sort(h)
		keys = h
	}
	out := make([]int32, len(keys))
	for i, k := range keys {
		out[i] = in.sorted[uint32(k)]
	}
	return out
}

// serves reports whether the collection holds the items of a page that
// ends at end (every item, or the first k).
func (c *collection) serves(end int) bool { return end <= c.k || len(c.ordered) == c.total }

// collectStep rounds the items a collection keeps up, so that the next
// pages and other page sizes are served by it too.
const collectStep = 50

// passes reports whether a group passes the filters on what its items
// share: type, audience and theme.
func (g *group) passes(f *filter) bool {
	return (f.typ < 0 || g.Type == f.typ) && (f.audience < 0 || hasNum(g.Audience, f.audience)) &&
		(f.theme < 0 || hasNum(g.Themes, f.theme))
}

func hasNum(list []int32, v int32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// topK keeps the k best candidates seen: a heap with the worst at its
// root, so that most candidates are turned away by one comparison.
type topK struct {
	k int
	t *table
	h []candidate
}

// better reports whether a ranks before b.
func (tk *topK) better(a, b candidate) bool {
	if a.tier != b.tier {
		return a.tier
	}
	if a.score != b.score {
		return a.score > b.score
	}
	if a.near != b.near {
		return a.near > b.near
	}
	return tk.t.codeLess(a.row, b.row)
}

func (tk *topK) full() bool { return len(tk.h) >= tk.k }

// loses reports, without comparing codes, whether c cannot enter the full
// heap: it ranks after the worst kept by tier or score.
func (tk *topK) loses(c candidate) bool {
	w := &tk.h[0]
	if c.tier != w.tier {
		return w.tier
	}
	return c.score < w.score
}

func (tk *topK) offer(c candidate) {
	if tk.k <= 0 {
		return
	}
	if len(tk.h) < tk.k {
		tk.h = append(tk.h, c)
		tk.up(len(tk.h) - 1)
		return
	}
	if !tk.better(c, tk.h[0]) {
		return
	}
	tk.h[0] = c
	tk.down(0)
}

// The heap is ordered so that a parent is worse than its children.
func (tk *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !tk.better(tk.h[p], tk.h[i]) {
			return
		}
		tk.h[p], tk.h[i] = tk.h[i], tk.h[p]
		i = p
	}
}

func (tk *topK) down(i int) {
	n := len(tk.h)
	for {
		l, w := 2*i+1, i
		if l < n && tk.better(tk.h[w], tk.h[l]) {
			w = l
		}
		if r := l + 1; r < n && tk.better(tk.h[w], tk.h[r]) {
			w = r
		}
		if w == i {
			return
		}
		tk.h[i], tk.h[w] = tk.h[w], tk.h[i]
		i = w
	}
}

// sorted returns the kept candidates, best first.
func (tk *topK) sorted() []candidate {
	out := make([]candidate, len(tk.h))
	for i := len(tk.h) - 1; i >= 0; i-- {
		out[i] = tk.h[0]
		last := len(tk.h) - 1
		tk.h[0] = tk.h[last]
		tk.h = tk.h[:last]
		tk.down(0)
	}
	return out
}
