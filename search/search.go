package search

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"html"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"zhinan/catalog"
)

// Hit is one item of a result page.
type Hit struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Department string   `json:"department"`
	Region     string   `json:"region"`
	RegionName string   `json:"region_name"`
	Type       string   `json:"type"`
	Flags      []string `json:"flags"`
	// Highlight is the name as safe HTML: escaped, with the matched
	// parts in <mark>.
	Highlight string `json:"highlight"`
	// Service identifies the item's service (its catalogue entry and name):
	// the service filter of a search.
	Service string `json:"service"`
	// Of a grouped row: how many items of the service match, in how many
	// regions.
	Items   int     `json:"items,omitempty"`
	Regions int     `json:"regions,omitempty"`
	Score   float64 `json:"-"`
}

// FacetValue is one value of a facet with its count for the current query
// and filters.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Result is one page of results with the facet counts of the whole result.
// Total, the rows and the facet counts count services when grouped, items
// otherwise (Counts says which).
type Result struct {
	Total  int                     `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Counts string                  `json:"counts"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	// Region is the region the query named (汉阴 身份证), if any.
	Region string `json:"region,omitempty"`

	enc *encoded // shared by the copies the cache hands out
}

// encoded is a result's JSON without took_ms, made once.
type encoded struct {
	once   sync.Once
	body   []byte
	digest [sha256.Size]byte // of body
	err    error
}

// JSON returns the result as the API's JSON object: JSONParts' head and
// rest joined.
func (r *Result) JSON() ([]byte, error) {
	head, rest, err := r.JSONParts()
	if err != nil {
		return nil, err
	}
	return append(head, rest...), nil
}

// JSONParts returns the result's JSON object in two parts: head opens it
// with took_ms, rest is all that follows up to the closing brace. Rest is
// encoded once per result and shared by the cached copies of it (callers
// must not modify it), so that a repeated search costs neither encoding
// nor a copy of its body.
func (r *Result) JSONParts() (head, rest []byte, err error) {
	enc, err := r.encoded()
	if err != nil {
		return nil, nil, err
	}
	head = make([]byte, 0, 32)
	head = append(head, `{"took_ms":`...)
	head = strconv.AppendFloat(head, r.TookMS, 'f', -1, 64)
	if len(enc.body) > 2 {
		head = append(head, ',')
	}
	return head, enc.body[1:], nil
}

// Digest is the SHA-256 of the result's JSON without took_ms, made once
// per result and shared by its cached copies: the same digest, the same
// answer.
func (r *Result) Digest() ([sha256.Size]byte, error) {
	enc, err := r.encoded()
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return enc.digest, nil
}

// encoded returns the result's shared encoding, made on first use.
func (r *Result) encoded() (*encoded, error) {
	enc := r.enc
	if enc == nil {
		enc = &encoded{}
	}
	enc.once.Do(func() {
		enc.body, enc.err = json.Marshal((*resultNoTook)(r))
		enc.digest = sha256.Sum256(enc.body)
	})
	return enc, enc.err
}

// resultNoTook is Result as encoded by JSON: took_ms is written fresh.
// JSON converts a *Result to it, so the compiler keeps the two field lists
// equal.
type resultNoTook struct {
	Total  int                     `json:"total"`
	TookMS float64                 `json:"-"`
	Counts string                  `json:"counts"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	Region string                  `json:"region,omitempty"`
	enc    *encoded
}

// FacetFields are the facet dimensions, in display order.
var FacetFields = []string{"flag", "type", "region", "department", "audience", "theme"}

// facetSizes bounds how many values each facet returns.
var facetSizes = map[string]int{"flag": 9, "type": 12, "region": 200, "department": 500, "audience": 2, "theme": 100}

// FacetLabel returns the Chinese name of a facet dimension.
func FacetLabel(field string) string { return facetLabels[field] }

// Search runs a request. A *RequestError means the request was refused.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	key := r.cacheKey()
	// The read lock is held until the result is cached, so that a change
	// of the index (which clears the caches under the write lock) never
	// leaves a stale result behind.
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, ErrClosed
	}
	if res, ok := ix.cache.get(key); ok {
		out := *res
		out.TookMS = ms(time.Since(start))
		return &out, nil
	}
	ix.working.Add(1)
	defer ix.working.Add(-1)
	m, err := ix.match(ctx, r.Q)
	if err != nil {
		return nil, err
	}
	c, err := ix.collection(ctx, m, &r)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: c.total, Counts: CountsItems, Facets: c.facets, Region: m.plan.region, enc: &encoded{}}
	if r.grouped() {
		out.Counts = CountsServices
	}
	marks := highlightTerms(m.plan)
	from, to := min((r.Page-1)*r.Size, len(c.ordered)), min(r.Page*r.Size, len(c.ordered))
	out.Hits = make([]Hit, 0, to-from)
	for _, cd := range c.ordered[from:to] {
		h := ix.hit(ix.t, cd.row, cd.score, marks)
		h.Items, h.Regions = int(cd.items), int(cd.regions)
		out.Hits = append(out.Hits, h)
	}
	ix.cache.put(key, out)
	// The cached result is shared from now on: the caller gets a copy
	// with its own took_ms, as cache hits do.
	own := *out
	own.TookMS = ms(time.Since(start))
	return &own, nil
}

// collection returns the items and facets of a query's matches under the
// request's filters, from the cache when it holds them for the page asked
// (the same query and filters at another page or size); the caller holds
// ix.mu for reading.
func (ix *Index) collection(ctx context.Context, m *matchSet, r *Request) (*collection, error) {
	key := r.filterKey()
	end := r.Page * r.Size
	if c, ok := ix.collections.get(key); ok && c.serves(end) {
		return c, nil
	}
	var c *collection
	err := ix.withSlot(ctx, func() error {
		if cached, ok := ix.collections.get(key); ok && cached.serves(end) {
			c = cached
			return nil
		}
		c = ix.collect(m, r)
		return nil
	})
	return c, err
}

// collect collects the items and facets of a query's matches under the
// request's filters and caches them; the caller holds ix.mu for reading
// and a work slot.
func (ix *Index) collect(m *matchSet, r *Request) *collection {
	key := r.filterKey()
	end := r.Page * r.Size
	t := ix.t
	rk := ranking{tier: -1}
	if m.plan.region != "" {
		rk.tier = t.Regions.lookup(m.plan.region)
		rk.near = ix.nearness(t, m.plan.region)
	} else if r.Prefer != "" {
		rk.near = ix.nearness(t, r.Prefer)
	}
	k := (end + collectStep - 1) / collectStep * collectStep
	rk.up = ix.regionsAbove(t)
	var c *collection
	if r.grouped() {
		c = ix.collectServices(t, m, ix.filterOf(t, r), rk, k)
	} else {
		c = ix.collectItems(t, m, ix.filterOf(t, r), rk, k)
	}
	c.facets = ix.facets(t, c)
	c.dropCounts()
	ix.collections.put(key, c)
	return c
}

// matchSet is what a query text matches: its plan and the groups bleve
// found, with their scores (for browsing: every group, by name).
type matchSet struct {
	plan   plan
	groups []scoredGroup
	// byGroup tells the matching groups by number, so that a region
	// filter reads its regions' items and keeps the matching ones
	// (match_regions.go); made when first needed.
	byGroup     groupLookup
	tableGroups int // the table's groups when matched, which size byGroup
	// large says that the groups hold regionIndexMin items or more, as
	// far as the catalogue's items per group tell: a region filter may
	// read them by region.
	large bool
	// exOfficio marks by type number the types whose scores count
	// exOfficioWeight of themselves (the ex-officio ones), applied as the
	// items are read (scoreOf); nil for a query about enforcement.
	exOfficio []bool
}

// scoreOf returns a matching group's score as collecting counts it: an
// ex-officio group's (of type typ) lowered, unless the query is about
// enforcement.
func (m *matchSet) scoreOf(sg scoredGroup, typ int32) scoredGroup {
	if int(typ) < len(m.exOfficio) && m.exOfficio[typ] {
		sg.score *= exOfficioWeight
	}
	return sg
}

type scoredGroup struct {
	group int32
	score float64
}

// match runs the text of a query against the groups; the caller holds
// ix.mu for reading. Matches are cached by query text: the same words with
// other filters or pages reuse them.
func (ix *Index) match(ctx context.Context, q string) (*matchSet, error) {
	if m, ok := ix.matches.get(q); ok {
		return m, nil
	}
	var m *matchSet
	err := ix.withSlot(ctx, func() error {
		// Another request may have matched the text while this one waited.
		if cached, ok := ix.matches.get(q); ok {
			m = cached
			return nil
		}
		var err error
		m, err = ix.matchText(ctx, q)
		return err
	})
	return m, err
}

// matchText matches a query text and caches the match set; the caller
// holds ix.mu for reading and a work slot.
func (ix *Index) matchText(ctx context.Context, q string) (*matchSet, error) {
	t := ix.t
	m := &matchSet{plan: ix.parse(q), tableGroups: len(t.Groups)}
	switch {
	case m.plan.browse:
		m.groups = make([]scoredGroup, len(t.Groups))
		for i := range t.Groups {
			m.groups[i] = scoredGroup{int32(i), t.nameRank[i]}
		}
	case !m.plan.none:
		var err error
		if m.groups, err = ix.evaluate(ctx, textQuery(m.plan)); err != nil {
			return nil, err
		}
		if t.needsGrading(m.plan, m.groups) {
			if m.groups, err = ix.graded(ctx, m.plan, m.groups); err != nil {
				return nil, err
			}
		}
		if !m.plan.enforcement {
			m.exOfficio = t.exOfficioTypes()
		}
		// In group order, collecting reads the table in its order.
		sortByGroup(m.groups, len(t.Groups))
	}
	m.large = len(m.groups)*t.live >= regionIndexMin*max(t.liveGroups, 1)
	ix.matches.resize(matchBudget(t.liveGroups))
	ix.matches.put(q, m)
	return m, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// filterOf turns a request's filters into numbers of the table t.
func (ix *Index) filterOf(t *table, r *Request) filter {
	f := filter{dept: -1, typ: -1, audience: -1, theme: -1, svc: -1}
	num := func(in *interner, v string, dst *int32) {
		if v == "" {
			return
		}
		if *dst = in.lookup(v); *dst < 0 {
			f.none = true
		}
	}
	num(&t.Depts, r.Department, &f.dept)
	num(&t.Types, r.Type, &f.typ)
	num(&t.Audiences, r.Audience, &f.audience)
	num(&t.Themes, r.Theme, &f.theme)
	num(&t.Services, r.Service, &f.svc)
	for _, id := range r.Flags {
		i := flagIndex(id)
		if i < 0 {
			f.none = true
			continue
		}
		f.flags |= 1 << i
	}
	if r.Region != "" {
		f.regions = ix.regionMask(t, r.Region)
	}
	return f
}

// regionMask tells, by region number of table t, which regions lie in
// region (itself or below it).
func (ix *Index) regionMask(t *table, region string) []bool {
	key := region + "\x00" + strconv.Itoa(len(t.Regions.Vals))
	if m, ok := ix.masks.Load(key); ok {
		return m.([]bool)
	}
	mask := make([]bool, len(t.Regions.Vals))
	for i, code := range t.Regions.Vals {
		for _, c := range ix.regions.path(code) {
			if c == region {
				mask[i] = true
				break
			}
		}
	}
	ix.masks.Store(key, mask)
	return mask
}

// regionsAbove lists, by region number of table t, the numbers of the
// region's ancestors that have items too: a region's facet count takes in
// its descendants', as its filter does.
func (ix *Index) regionsAbove(t *table) [][]int32 {
	key := "up\x00" + strconv.Itoa(len(t.Regions.Vals))
	if m, ok := ix.masks.Load(key); ok {
		return m.([][]int32)
	}
	up := make([][]int32, len(t.Regions.Vals))
	for i, code := range t.Regions.Vals {
		for _, a := range ix.regions.path(code)[1:] {
			if n := t.Regions.lookup(a); n >= 0 {
				up[i] = append(up[i], n)
			}
		}
	}
	ix.masks.Store(key, up)
	return up
}

// nearness tells, by region number of table t, how near each region is to
// region (see ranking).
func (ix *Index) nearness(t *table, region string) []int8 {
	key := "near\x00" + region + "\x00" + strconv.Itoa(len(t.Regions.Vals))
	if m, ok := ix.masks.Load(key); ok {
		return m.([]int8)
	}
	near := make([]int8, len(t.Regions.Vals))
	above := ix.regions.path(region) // region, then its ancestors
	for i, code := range t.Regions.Vals {
		if code == region {
			near[i] = nearSame
			continue
		}
		for _, a := range above[min(1, len(above)):] {
			if a == code {
				near[i] = nearAbove
			}
		}
		if near[i] != nearOther {
			continue
		}
		for _, c := range ix.regions.path(code)[1:] {
			if c == region {
				near[i] = nearBelow
				break
			}
		}
	}
	ix.masks.Store(key, near)
	return near
}

func (ix *Index) hit(t *table, ri int32, score float64, marks []string) Hit {
	rw := &t.Rows[ri]
	g := &t.Groups[rw.Group]
	mb := &g.Members[rw.Pos]
	region := t.Regions.Vals[mb.Region]
	return Hit{
		Code:       rw.Code,
		Name:       g.Title,
		Department: t.Depts.Vals[mb.Dept],
		Region:     region,
		RegionName: ix.regions.name(region),
		Type:       t.Types.Vals[g.Type],
		Flags:      flagIDs(mb.Flags),
		Highlight:  highlight(g.Title, marks),
		Service:    t.Services.Vals[mb.Svc],
		Score:      score,
	}
}

// facets labels the counts of a collection: most frequent first, ties by
// value; classifications in their display order.
func (ix *Index) facets(t *table, c *collection) map[string][]FacetValue {
	out := make(map[string][]FacetValue, len(FacetFields))
	list := func(field string, in *interner, cn *counter, label func(string) string) {
		vs := []FacetValue{}
		for _, i := range cn.top(facetSizes[field], in) {
			v := in.Vals[i]
			vs = append(vs, FacetValue{Value: v, Label: label(v), Count: int(cn.n[i])})
		}
		out[field] = vs
	}
	same := func(v string) string { return v }
	flags := []FacetValue{}
	for i, id := range catalog.FlagIDs {
		if n := c.flags[i]; n > 0 {
			flags = append(flags, FacetValue{Value: id, Label: catalog.FlagShort(id), Count: int(n)})
		}
	}
	out["flag"] = flags
	list("type", &t.Types, c.types, same)
	list("region", &t.Regions, c.regions, ix.regions.name)
	list("department", &t.Depts, c.depts, same)
	list("audience", &t.Audiences, c.audiences, same)
	list("theme", &t.Themes, c.themes, same)
	return out
}

// highlightTerms are the strings whose occurrences in a name are marked:
// every word of the query and every alternative a synonym added.
func highlightTerms(p plan) []string {
	var out []string
	for _, g := range p.groups {
		out = append(out, g...)
	}
	if p.text != "" {
		out = append(out, p.text)
	}
	return out
}

// highlight escapes name and wraps the parts matched by terms in <mark>:
// characters directly, Latin terms by pinyin syllables or initials.
func highlight(name string, terms []string) string {
	rs := []rune(name)
	marked := make([]bool, len(rs))
	lower := []rune(normalize(name))
	if len(lower) != len(rs) {
		lower = rs
	}
	var syl, ini []string
	for _, t := range terms {
		tr := []rune(t)
		if isLatin(t) {
			if syl == nil {
				syl = charSyllables(rs)
				ini = make([]string, len(syl))
				for i, s := range syl {
					if s != "" {
						ini[i] = s[:1]
					}
				}
			}
			if parts, ok := splitPinyin(t); ok {
				markSequence(marked, syl, parts)
			}
			markSequence(marked, ini, strings.Split(t, ""))
			continue
		}
		for i := 0; i+len(tr) <= len(lower); i++ {
			if string(lower[i:i+len(tr)]) == t {
				for j := i; j < i+len(tr); j++ {
					marked[j] = true
				}
			}
		}
	}
	var b strings.Builder
	open := false
	for i, r := range rs {
		if marked[i] != open {
			if open {
				b.WriteString("</mark>")
			} else {
				b.WriteString("<mark>")
			}
			open = marked[i]
		}
		b.WriteString(html.EscapeString(string(r)))
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}

// charSyllables returns the pinyin of each rune ("" for non-Han runes).
func charSyllables(rs []rune) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if s := syllables(string(r)); len(s) == 1 {
			out[i] = s[0]
		}
	}
	// Words of the override table read differently in context.
	whole := string(rs)
	for w, py := range pinyinOverrides() {
		for off := 0; ; {
			i := strings.Index(whole[off:], w)
			if i < 0 {
				break
			}
			at := utf8.RuneCountInString(whole[:off+i])
			copy(out[at:], py)
			off += i + len(w)
		}
	}
	return out
}

// markSequence marks every run of seq that equals parts.
func markSequence(marked []bool, seq, parts []string) {
	if len(parts) == 0 {
		return
	}
	for i := 0; i+len(parts) <= len(seq); i++ {
		ok := true
		for j, p := range parts {
			if seq[i+j] != p {
				ok = false
				break
			}
		}
		if ok {
			for j := range parts {
				marked[i+j] = true
			}
		}
	}
}

// cacheKey identifies a request's result page.
func (r *Request) cacheKey() string {
	return r.filterKey() + "\x00" + itoa(r.Page) + "\x00" + itoa(r.Size)
}

// filterKey identifies a request but for its page.
func (r *Request) filterKey() string {
	flags := append([]string(nil), r.Flags...)
	sort.Strings(flags)
	return strings.Join([]string{r.Q, r.Region, r.Department, r.Type, r.Audience, r.Theme, r.Prefer,
		r.Service, strconv.FormatBool(r.grouped()), strings.Join(flags, ",")}, "\x00")
}
