package search

import (
	"math/bits"
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
	flags    uint16 // every one of these classifications
	none     bool   // a value no item has: nothing matches
}

// ranking orders the matching items: those of the region the query named
// (tier) first, then by score, then those of the preferred region among
// equal scores, then by code.
type ranking struct {
	tier   int32 // region number, or -1
	prefer int32 // region number, or -1
}

// collection is what collect found for a query and filters: the total,
// the first k items in order, and the facet counts of every matching item.
// It serves every page within k.
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

// candidate is a matching item in the running for the page.
type candidate struct {
	score float64
	tier  bool
	pref  bool
	row   int32
}

// collect expands the matched groups into their items, keeps those that
// pass the filter, counts the facets of all of them and keeps the best k
// in order; the caller holds the index's read lock.
func (t *table) collect(m *matchSet, f filter, rk ranking, k int) *collection {
	c := &collection{k: k,
		types: getCounter(len(t.Types.Vals)), regions: getCounter(len(t.Regions.Vals)),
		depts: getCounter(len(t.Depts.Vals)), audiences: getCounter(len(t.Audiences.Vals)),
		themes: getCounter(len(t.Themes.Vals)),
	}
	if f.none {
		return c
	}
	top := topK{k: k, t: t}
	for _, sg := range m.groups {
		g := &t.Groups[sg.group]
		if !g.passes(f) {
			continue
		}
		n := int32(0)
		for i, fl := range g.Flags {
			region, dept := g.Regions[i], g.Depts[i]
			if fl&f.flags != f.flags || f.dept >= 0 && dept != f.dept || f.regions != nil && !f.regions[region] {
				continue
			}
			n++
			for b := fl; b != 0; b &= b - 1 {
				c.flags[bits.TrailingZeros16(b)]++
			}
			c.regions.add(region, 1)
			c.depts.add(dept, 1)
			cand := candidate{score: sg.score, tier: region == rk.tier, pref: region == rk.prefer, row: g.Items[i]}
			if top.full() && top.loses(cand) {
				continue
			}
			top.offer(cand)
		}
		if n == 0 {
			continue
		}
		c.total += int(n)
		c.types.add(g.Type, n)
		for _, a := range g.Audience {
			c.audiences.add(a, n)
		}
		for _, th := range g.Themes {
			c.themes.add(th, n)
		}
	}
	c.ordered = top.sorted()
	return c
}

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

// top returns the numbers of the size most frequent values, most frequent
// first, ties by name; name gives a number's value.
func (c *counter) top(size int, name func(int32) string) []int32 {
	worse := func(a, b int32) bool { // a ranks after b
		if c.n[a] != c.n[b] {
			return c.n[a] < c.n[b]
		}
		return name(a) > name(b)
	}
	var h []int32 // heap with the worst kept at its root
	down := func(i int) {
		for {
			l, w := 2*i+1, i
			if l < len(h) && worse(h[l], h[w]) {
				w = l
			}
			if r := l + 1; r < len(h) && worse(h[r], h[w]) {
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
		if len(h) < size {
			h = append(h, v)
			for i := len(h) - 1; i > 0 && worse(h[i], h[(i-1)/2]); i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
			continue
		}
		if size > 0 && worse(h[0], v) {
			h[0] = v
			down(0)
		}
	}
	out := make([]int32, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = h[0]
		h[0] = h[len(h)-1]
		h = h[:len(h)-1]
		down(0)
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
func (g *group) passes(f filter) bool {
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
	if a.pref != b.pref {
		return a.pref
	}
	return tk.t.Rows[a.row].Code < tk.t.Rows[b.row].Code
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
