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

	byCode  codeKeys  // item code → row
	byGroup groupKeys // group id → index in Groups
	free    []int32   // rows of removed items, for reuse
	live    int       // rows in use
	// liveGroups counts the groups with items: the guide texts of the
	// catalogue as it is (an empty group's document is not in bleve).
	liveGroups int
	// nameKeys lists, by the exactKey of their name, the groups bearing it.
	nameKeys map[string][]int32
	// nameRank orders the groups by name for browsing: equal names rank
	// equal; recomputed when groups are added.
	nameRank []float64
	// edits counts the changes to the groups' items (put, unlink): the
	// items by region (regionRows) are made anew when it moved on.
	edits uint64
	// codesInOrder tells that the live rows below it are numbered in the
	// order of their codes (a fresh build takes the items in code order),
	// so that ranking compares their numbers instead of their codes; a
	// row given a new code shortens it.
	codesInOrder int32
}

// group is one distinct guide text and the items that share it, with
// each item's own values beside it, so that counting the facets of a
// group's items reads memory in order. A catalogue whose every guide reads
// differently has a million groups at a million items: the header is kept
// small (112 bytes) and holds few pointers for the collector to follow.
type group struct {
	ID    groupID // the bleve document id, in hex: a digest of the text
	Title string  // the item name as written
	Type  int32
	// needsDoc is set when bleve may lack the group's document (the table
	// was saved after the index); it is indexed again when touched.
	needsDoc bool
	Audience []int32
	Themes   []int32
	Members  []member // the items
}

// member is an item of a group and its own values.
type member struct {
	Item   int32  // row
	Region int32  // region number
	Dept   int32  // department number
	Svc    int32  // service number
	Flags  uint16 // classifications: bit j is catalog.FlagIDs[j]
}

// groupID is a group's digest; bleve knows the group's document by its
// hex form (String).
type groupID [16]byte

func (id groupID) String() string { return hex.EncodeToString(id[:]) }

// parseGroupID reads the hex form of a group id.
func parseGroupID(b []byte) (groupID, bool) {
	var id groupID
	if hex.DecodedLen(len(b)) != len(id) {
		return id, false
	}
	_, err := hex.Decode(id[:], b)
	return id, err == nil
}

// row is one item: where its values are.
type row struct {
	Code  string
	Group int32 // -1: a free row
	Pos   int32 // position in its group's members
}

// interner numbers the distinct values of one dimension.
type interner struct {
	Vals []string
	idx  map[string]int32
	// rank gives each value's place in the order of the values (see
	// rankValues), so that facets break ties without comparing strings.
	rank []int32
	// sorted lists the value numbers in the order of the values.
	sorted []int32
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

// rankValues brings rank and sorted up to the values added since they
// were made: the new values are sorted and merged in.
func (in *interner) rankValues() {
	if len(in.rank) == len(in.Vals) {
		return
	}
	added := make([]int32, 0, len(in.Vals)-len(in.rank))
	for i := len(in.rank); i < len(in.Vals); i++ {
		added = append(added, int32(i))
	}
	less := func(a, b int32) int { return strings.Compare(in.Vals[a], in.Vals[b]) }
	slices.SortFunc(added, less)
	merged := make([]int32, 0, len(in.Vals))
	i, j := 0, 0
	for i < len(in.sorted) || j < len(added) {
		if j == len(added) || (i < len(in.sorted) && less(in.sorted[i], added[j]) < 0) {
			merged = append(merged, in.sorted[i])
			i++
		} else {
			merged = append(merged, added[j])
			j++
		}
	}
	in.sorted = merged
	in.rank = slices.Grow(in.rank[:0], len(merged))[:len(merged)]
	for r, v := range merged {
		in.rank[v] = int32(r)
	}
}

func (in *interner) reindex() {
	in.idx = make(map[string]int32, len(in.Vals))
	for i, v := range in.Vals {
		in.idx[v] = int32(i)
	}
}

func newTable() *table {
	return &table{byCode: newCodeKeys(), nameKeys: map[string][]int32{}}
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
	id       groupID
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
	copy(g.id[:], h.Sum(nil))
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
	t.byGroup.add(t, i)
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
	ri, ok := t.byCode.find(t, code)
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
		t.Rows[ri].Code = code
		t.codesInOrder = min(t.codesInOrder, ri)
		t.byCode.add(t, ri)
		t.live++
	}
	t.edits++
	r := &t.Rows[ri]
	r.Code = code
	g := &t.Groups[gi]
	if r.Group != gi {
		if len(g.Members) == 0 {
			t.liveGroups++
		}
		r.Group, r.Pos = gi, int32(len(g.Members))
		g.Members = append(g.Members, member{Item: ri})
	}
	g.Members[r.Pos] = member{Item: ri, Region: t.Regions.id(region), Dept: t.Depts.id(dept), Svc: t.Services.id(svc), Flags: flags}
}

// remove drops an item's row, if any.
func (t *table) remove(code string) {
	ri, ok := t.byCode.find(t, code)
	if !ok {
		return
	}
	t.unlink(ri)
	t.byCode.delete(t, code)
	t.Rows[ri] = row{Group: -1}
	t.free = append(t.free, ri)
	t.live--
}

// unlink takes a row out of its group: the group's last item takes its
// place.
func (t *table) unlink(ri int32) {
	t.edits++
	r := &t.Rows[ri]
	g := &t.Groups[r.Group]
	i, last := r.Pos, int32(len(g.Members)-1)
	g.Members[i] = g.Members[last]
	t.Rows[g.Members[i].Item].Pos = i
	g.Members = g.Members[:last]
	if last == 0 {
		t.liveGroups--
	}
	r.Group = -1
}

// hasName reports whether an item bears a name of exactKey key.
func (t *table) hasName(key string) bool {
	for _, gi := range t.nameKeys[key] {
		if len(t.Groups[gi].Members) > 0 {
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
		if gi >= 0 && len(t.Groups[gi].Members) == 0 {
			t.Groups[gi].needsDoc = true
			out = append(out, gi)
		}
	}
	slices.Sort(out)
	return out
}

// rank brings the table's orders up to its contents, once it was built
// or loaded (fresh) or changed: the groups by name (rankNames), each
// dimension's values, and, of a fresh table, how many rows are in code
// order.
func (t *table) rank(fresh bool) {
	t.rankNames()
	for _, in := range t.interners() {
		in.rankValues()
	}
	if fresh {
		t.codesInOrder = t.rowsInCodeOrder()
	}
}

// rowsInCodeOrder returns how many rows from the first are numbered in
// the order of their codes (free rows have none and are passed over).
func (t *table) rowsInCodeOrder() int32 {
	last, seen := "", false
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.Group < 0 {
			continue
		}
		if seen && r.Code <= last {
			return int32(i)
		}
		last, seen = r.Code, true
	}
	return int32(len(t.Rows))
}

// codeLess reports whether row a's code sorts before row b's.
func (t *table) codeLess(a, b int32) bool {
	if a < t.codesInOrder && b < t.codesInOrder {
		return a < b
	}
	return t.Rows[a].Code < t.Rows[b].Code
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

// names returns each item name with how many items bear it.
func (t *table) names() map[string]int {
	out := map[string]int{}
	for i := range t.Groups {
		if n := len(t.Groups[i].Members); n > 0 {
			out[t.Groups[i].Title] += n
		}
	}
	return out
}
