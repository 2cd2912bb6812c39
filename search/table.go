package search

import (
	"crypto/sha256"
	"encoding/hex"
	"math/bits"
	"slices"
	"strings"

	"zhinan/catalog"
)

// table is the in-memory half of the index. The same catalogue item reads
// alike in every region that implements it (三级四同: one name, one basis,
// one list of materials), so the text of the catalogue is indexed once per
// distinct guide text — a group — in bleve, and every item is a compact
// row here: its group, region, department and classifications. Filters,
// facet counts, region ranking and ordering are computed over the rows of
// the groups bleve matched. A catalogue whose items all read differently
// has one group per item and works the same.
type table struct {
	Seq       int64 // the store sequence the rows are caught up to
	Groups    []group
	Rows      []row
	Regions   interner
	Depts     interner
	Types     interner
	Audiences interner
	Themes    interner
	// Services numbers the services: the items of one catalogue entry
	// that bear one name (serviceKey), shown as one row of a grouped
	// search.
	Services interner

	byCode  map[string]int32 // item code → row
	byGroup map[string]int32 // group id → index in Groups
	free    []int32          // rows of removed items, for reuse
	live    int              // rows in use
	// liveGroups counts the groups with items: the guide texts of the
	// catalogue as it is (an empty group's document is not in bleve).
	liveGroups int
	// nameKeys lists, by the exactKey of their name, the groups bearing it.
	nameKeys map[string][]int32
	// nameRank orders the groups by name for browsing: equal names rank
	// equal; recomputed when groups are added.
	nameRank []float64
}

// group is one distinct guide text and the items that share it. The
// items' own values are kept by the group, column by column, so that
// counting the facets of a group's items reads memory in order.
type group struct {
	ID       string // the bleve document id: a digest of the text
	Title    string // the item name as written
	Type     int32
	Audience []int32
	Themes   []int32
	Items    []int32  // rows
	Regions  []int32  // region number of Items[i]
	Depts    []int32  // department number of Items[i]
	Flags    []uint16 // classifications of Items[i]: bit j is catalog.FlagIDs[j]
	Svcs     []int32  // service number of Items[i]
	// needsDoc is set when bleve may lack the group's document (the table
	// was saved after the index); it is indexed again when touched.
	needsDoc bool
}

// row is one item: where its values are.
type row struct {
	Code  string
	Group int32 // -1: a free row
	Pos   int32 // position in its group's columns
}

// interner numbers the distinct values of one dimension.
type interner struct {
	Vals []string
	idx  map[string]int32
}

func (in *interner) id(s string) int32 {
	if i, ok := in.idx[s]; ok {
		return i
	}
	if in.idx == nil {
		in.idx = map[string]int32{}
	}
	i := int32(len(in.Vals))
	in.Vals = append(in.Vals, s)
	in.idx[s] = i
	return i
}

// lookup returns a value's number, or -1 when no item has it.
func (in *interner) lookup(s string) int32 {
	if i, ok := in.idx[s]; ok {
		return i
	}
	return -1
}

func (in *interner) reindex() {
	in.idx = make(map[string]int32, len(in.Vals))
	for i, v := range in.Vals {
		in.idx[v] = int32(i)
	}
}

func newTable() *table {
	return &table{byCode: map[string]int32{}, byGroup: map[string]int32{}, nameKeys: map[string][]int32{}}
}

// flagBits turns classification ids into bits.
func flagBits(ids []string) uint16 {
	var b uint16
	for _, id := range ids {
		if i := flagIndex(id); i >= 0 {
			b |= 1 << i
		}
	}
	return b
}

func flagIndex(id string) int {
	for i, f := range catalog.FlagIDs {
		if f == id {
			return i
		}
	}
	return -1
}

// flagIDs turns bits back into classification ids, in display order.
func flagIDs(b uint16) []string {
	out := make([]string, 0, bits.OnesCount16(b))
	for i, id := range catalog.FlagIDs {
		if b&(1<<i) != 0 {
			out = append(out, id)
		}
	}
	return out
}

// groupText is what an item's group is made of: the fields the search
// matches as text, and the ones that are the same wherever the item is
// implemented.
type groupText struct {
	id       string
	title    string
	ask      string // ask-phrases
	faq      string // FAQ questions
	body     string // department (without its region's name), materials, conditions, basis, themes
	typ      string
	audience []string
	themes   []string
}

// textOf returns the group text of a published item: what is searched
// (name, ask-phrases and FAQ questions, body) and what items share. dept is its
// department's name without the names of its region and ancestors
// (汉阴县公安局 → 公安局), so that the same item of two counties reads
// alike.
func textOf(p *catalog.Published, dept string) groupText {
	var b strings.Builder
	b.WriteString(dept)
	for _, m := range p.Materials {
		b.WriteString("\n")
		b.WriteString(m.Name)
	}
	b.WriteString("\n")
	b.WriteString(p.Conditions)
	for _, bs := range p.Basis {
		b.WriteString("\n")
		b.WriteString(bs.Title)
	}
	for _, th := range p.Themes {
		b.WriteString("\n")
		b.WriteString(th)
	}
	var ask strings.Builder
	for _, a := range p.AskPhrases {
		ask.WriteString(a)
		ask.WriteString("\n")
	}
	var faq strings.Builder
	for _, f := range p.FAQ {
		faq.WriteString(f.Q)
		faq.WriteString("\n")
	}
	g := groupText{title: p.Name, ask: ask.String(), faq: faq.String(), body: b.String(), typ: p.Type, audience: p.Audience, themes: p.Themes}
	h := sha256.New()
	for _, s := range []string{g.title, g.typ, strings.Join(g.audience, "\x1f"), strings.Join(g.themes, "\x1f"), g.ask, g.faq, g.body} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	g.id = hex.EncodeToString(h.Sum(nil)[:16])
	return g
}

// addGroup adds a group (known not to exist) and returns its index.
func (t *table) addGroup(g groupText) int32 {
	gr := group{ID: g.id, Title: g.title, Type: t.Types.id(g.typ)}
	for _, a := range g.audience {
		gr.Audience = append(gr.Audience, t.Audiences.id(a))
	}
	for _, th := range g.themes {
		gr.Themes = append(gr.Themes, t.Themes.id(th))
	}
	i := int32(len(t.Groups))
	t.Groups = append(t.Groups, gr)
	t.byGroup[g.id] = i
	k := exactKey(g.title)
	t.nameKeys[k] = append(t.nameKeys[k], i)
	t.nameRank = nil
	return i
}

// serviceKey is what makes items one service: the same catalogue entry
// (base code) and the same name, compared as exactKey does. 业务办理项 of
// one entry with suffixed names (食品经营许可（新办）/（变更）) are services
// of their own.
func serviceKey(baseCode, name string) string { return baseCode + "/" + exactKey(name) }

// put stores an item's row in group gi.
func (t *table) put(code string, gi int32, region, dept, svc string, flags uint16) {
	ri, ok := t.byCode[code]
	if ok && t.Rows[ri].Group != gi {
		t.unlink(ri)
	}
	if !ok {
		if n := len(t.free); n > 0 {
			ri, t.free = t.free[n-1], t.free[:n-1]
		} else {
			ri = int32(len(t.Rows))
			t.Rows = append(t.Rows, row{Group: -1})
		}
		t.byCode[code] = ri
		t.live++
	}
	r := &t.Rows[ri]
	r.Code = code
	g := &t.Groups[gi]
	if r.Group != gi {
		if len(g.Items) == 0 {
			t.liveGroups++
		}
		r.Group, r.Pos = gi, int32(len(g.Items))
		g.Items = append(g.Items, ri)
		g.Regions = append(g.Regions, 0)
		g.Depts = append(g.Depts, 0)
		g.Flags = append(g.Flags, 0)
		g.Svcs = append(g.Svcs, 0)
	}
	g.Regions[r.Pos], g.Depts[r.Pos], g.Flags[r.Pos] = t.Regions.id(region), t.Depts.id(dept), flags
	g.Svcs[r.Pos] = t.Services.id(svc)
}

// remove drops an item's row, if any.
func (t *table) remove(code string) {
	ri, ok := t.byCode[code]
	if !ok {
		return
	}
	t.unlink(ri)
	delete(t.byCode, code)
	t.Rows[ri] = row{Group: -1}
	t.free = append(t.free, ri)
	t.live--
}

// unlink takes a row out of its group: the group's last item takes its
// place in the columns.
func (t *table) unlink(ri int32) {
	r := &t.Rows[ri]
	g := &t.Groups[r.Group]
	i, last := r.Pos, int32(len(g.Items)-1)
	g.Items[i], g.Regions[i], g.Depts[i], g.Flags[i] = g.Items[last], g.Regions[last], g.Depts[last], g.Flags[last]
	g.Svcs[i] = g.Svcs[last]
	t.Rows[g.Items[i]].Pos = i
	g.Items, g.Regions, g.Depts, g.Flags = g.Items[:last], g.Regions[:last], g.Depts[:last], g.Flags[:last]
	g.Svcs = g.Svcs[:last]
	if last == 0 {
		t.liveGroups--
	}
	r.Group = -1
}

// hasName reports whether an item bears a name of exactKey key.
func (t *table) hasName(key string) bool {
	for _, gi := range t.nameKeys[key] {
		if len(t.Groups[gi].Items) > 0 {
			return true
		}
	}
	return false
}

// emptyGroups returns those of groups that have no item, marking them as
// lacking their document (see Index.dropEmptyGroups).
func (t *table) emptyGroups(groups map[int32]bool) []int32 {
	var out []int32
	for gi := range groups {
		if gi >= 0 && len(t.Groups[gi].Items) == 0 {
			t.Groups[gi].needsDoc = true
			out = append(out, gi)
		}
	}
	slices.Sort(out)
	return out
}

// rankNames orders the groups by name for browsing, when groups were added.
func (t *table) rankNames() {
	if len(t.nameRank) == len(t.Groups) {
		return
	}
	// Many groups bear one name (every county's copy of an entry): the
	// distinct names are normalized and sorted, not every group's.
	byTitle := map[string]string{} // title → normalized
	for i := range t.Groups {
		title := t.Groups[i].Title
		if _, ok := byTitle[title]; !ok {
			byTitle[title] = normalize(title)
		}
	}
	names := make([]string, 0, len(byTitle))
	for _, n := range byTitle {
		names = append(names, n)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	rankOf := make(map[string]float64, len(names))
	for r, n := range names {
		rankOf[n] = -float64(r)
	}
	rank := make([]float64, len(t.Groups))
	for i := range t.Groups {
		rank[i] = rankOf[byTitle[t.Groups[i].Title]]
	}
	t.nameRank = rank
}

// consistent reports whether the group's columns are of one length.
func (g *group) consistent() bool {
	n := len(g.Items)
	return len(g.Regions) == n && len(g.Depts) == n && len(g.Flags) == n && len(g.Svcs) == n
}

// names returns each item name with how many items bear it.
func (t *table) names() map[string]int {
	out := map[string]int{}
	for i := range t.Groups {
		if n := len(t.Groups[i].Items); n > 0 {
			out[t.Groups[i].Title] += n
		}
	}
	return out
}
