package search

import (
	"math/bits"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
)

// The name fields (name, precise words, bigrams, exact name, pinyin,
// initials) are made from the item's name alone, and every county's copy
// of a catalogue entry bears the same name: in a catalogue of a million
// items a few thousand names would stand in the name fields of every
// document. So the documents bleve holds have no name fields
// (makeDocument): the names are indexed here, once per distinct name, in a
// small postings index made the way bleve indexes a document. The
// evaluator matches the parts of a query that only read name fields over
// it and hands each matching name's score to the documents bearing it;
// a name term's statistics are counted over the documents bearing the
// names that have it (titleDocFreq), and the typo vocabulary reads the
// name terms with the same counts (titleTerms). The scores are those
// bleve gave when every document held its name's fields: a term's
// frequency, positions and field norm in a name are those of every
// document bearing it (TestEvaluatorIsBleve compares with bleve's search
// over such an index).

// titleField reports whether a document field is made from the name alone.
func titleField(f string) bool {
	for _, tf := range documentFields {
		if tf.name == f {
			return tf.title
		}
	}
	return false
}

// titleIndex is the postings of the name fields over the distinct names
// of a table: a name's number is its place in names. Names are only
// added (groups are never renamed), so a newer titleIndex extends an
// older one; the lists an older one handed out are never written.
type titleIndex struct {
	t          *table
	groups     int      // len(t.Groups) covered
	names      []string // by number
	byName     map[string]int32
	groupTitle []int32 // by group: its name's number
	postings   map[postingsKey]*decodedPostings
}

// titleHolder keeps the title index of the live table.
type titleHolder struct {
	mu sync.Mutex
	ti *titleIndex
}

// titles returns the title index of table t, extended to its groups; the
// caller holds ix.mu for reading.
func (ix *Index) titles(t *table, m mapping.IndexMapping) (*titleIndex, error) {
	h := &ix.titleIdx
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.ti
	if old != nil && old.t == t && old.groups == len(t.Groups) {
		return old, nil
	}
	ti := &titleIndex{t: t, byName: map[string]int32{}, postings: map[postingsKey]*decodedPostings{}}
	if old != nil && old.t == t {
		ti.groups, ti.names, ti.groupTitle = old.groups, old.names, old.groupTitle
		if !old.newNames(t) {
			// The usual change (an edited guide is a new group of a known
			// name): the maps are shared, never written.
			ti.byName, ti.postings = old.byName, old.postings
		} else {
			for k, v := range old.byName {
				ti.byName[k] = v
			}
			for k, v := range old.postings {
				cp := *v
				ti.postings[k] = &cp
			}
		}
	}
	for gi := ti.groups; gi < len(t.Groups); gi++ {
		title := t.Groups[gi].Title
		n, ok := ti.byName[title]
		if !ok {
			n = int32(len(ti.names))
			ti.names = append(ti.names, title)
			ti.byName[title] = n
			if err := ti.add(n, title, m); err != nil {
				return nil, err
			}
		}
		ti.groupTitle = append(ti.groupTitle, n)
	}
	ti.groups = len(t.Groups)
	h.ti = ti
	return ti, nil
}

// newNames reports whether t has groups beyond those ti covers bearing a
// name ti does not have.
func (ti *titleIndex) newNames(t *table) bool {
	for gi := ti.groups; gi < len(t.Groups); gi++ {
		if _, ok := ti.byName[t.Groups[gi].Title]; !ok {
			return true
		}
	}
	return false
}

// add analyses the name fields of name n as bleve does when it indexes a
// document (a field's length is its number of tokens; its norm
// 1/√length, as a float32) and appends n to the postings of their terms.
func (ti *titleIndex) add(n int32, title string, m mapping.IndexMapping) error {
	doc := makeNameFields(title)
	for _, tf := range documentFields {
		if !tf.title {
			continue
		}
		field := tf.name
		tokens, err := analyze(m, "", field, tf.value(&doc))
		if err != nil {
			return err
		}
		if len(tokens) == 0 {
			continue
		}
		positions := phraseFields[field]
		type termAt struct {
			freq uint32
			pos  []uint32
		}
		terms := map[string]*termAt{}
		var order []string
		for _, tk := range tokens {
			ta := terms[string(tk.Term)]
			if ta == nil {
				ta = &termAt{}
				terms[string(tk.Term)] = ta
				order = append(order, string(tk.Term))
			}
			ta.freq++
			ta.pos = append(ta.pos, uint32(tk.Position))
		}
		for _, term := range order {
			ta := terms[term]
			key := postingsKey{field: field, term: term, positions: positions}
			d := ti.postings[key]
			if d == nil {
				d = &decodedPostings{}
				ti.postings[key] = d
			}
			d.add(uint64(n), uint64(ta.freq), uint64(len(tokens)), 0)
			if positions {
				d.pos.add(ta.pos)
			}
		}
	}
	return nil
}

// get returns the postings of a term of a name field over the names.
func (ti *titleIndex) get(field string, term []byte, positions bool) *decodedPostings {
	return ti.postings[postingsKey{field: field, term: string(term), positions: positions}]
}

// segTitles maps the documents of one segment to names: each document's
// name number, and the documents of each name in order.
type segTitles struct {
	docTitle []int32  // by document: its name's number, -1 when it has no group
	off      []int32  // the documents of name n are docs[off[n]:off[n+1]]
	docs     []uint32 // by name, in document order
}

// titlesOf returns the name maps of segment si, made once per segment
// and table (with sg's groups).
func (r *evalRun) titlesOf(si int) *segTitles {
	sg := r.groups[si]
	sg.titlesOnce.Do(func() {
		ti := r.titles
		st := &segTitles{docTitle: make([]int32, len(sg.groups)), off: make([]int32, len(ti.names)+1)}
		for d, gi := range sg.groups {
			st.docTitle[d] = -1
			if gi >= 0 && int(gi) < len(ti.groupTitle) {
				n := ti.groupTitle[gi]
				st.docTitle[d] = n
				st.off[n+1]++
			}
		}
		for n := 1; n < len(st.off); n++ {
			st.off[n] += st.off[n-1]
		}
		st.docs = make([]uint32, st.off[len(st.off)-1])
		next := append([]int32(nil), st.off[:len(st.off)-1]...)
		for d, n := range st.docTitle {
			if n >= 0 {
				st.docs[next[n]] = uint32(d)
				next[n]++
			}
		}
		sg.titles = st
	})
	return sg.titles
}

// titleDocFreq returns how many documents bear a name that has a term of
// a name field: what bleve counted when every document held its name's
// fields.
func (r *evalRun) titleDocFreq(field string, term []byte) uint64 {
	d := r.titles.get(field, term, phraseFields[field])
	if d == nil {
		return 0
	}
	var n uint64
	for si := range r.segs {
		st := r.titlesOf(si)
		for _, name := range d.docs {
			if int(name)+1 < len(st.off) {
				n += uint64(st.off[name+1] - st.off[name])
			}
		}
	}
	return n
}

// titleTerms calls visit, in term order, with every term of a name field
// that keep accepts and the number of documents bearing a name that has
// it (a group with items has its document), as fieldTerms counts a field
// of the documents; the caller holds ix.mu for reading.
func (ix *Index) titleTerms(field string, keep func(string) bool, visit func(string, uint64)) error {
	t := ix.t
	ti, err := ix.titles(t, ix.bi.Mapping())
	if err != nil {
		return err
	}
	docs := make([]uint64, len(ti.names))
	for gi := range t.Groups {
		if len(t.Groups[gi].Members) > 0 {
			docs[ti.groupTitle[gi]]++
		}
	}
	var terms []string
	for k := range ti.postings {
		if k.field == field && keep(k.term) {
			terms = append(terms, k.term)
		}
	}
	slices.Sort(terms)
	for _, term := range terms {
		var n uint64
		for _, name := range ti.get(field, []byte(term), phraseFields[field]).docs {
			n += docs[name]
		}
		if n > 0 {
			visit(term, n)
		}
	}
	return nil
}

// titleMatches returns the matches of n, a query part reading name fields
// only, over the names: evaluated once per run, whatever the segment.
func (r *evalRun) titleMatches(n *evalNode) (matches, error) {
	if m, ok := r.byTitle[n]; ok {
		return m, nil
	}
	m, err := r.eval(r.titleSeg(), n, nil)
	if err != nil {
		return matches{}, err
	}
	if r.byTitle == nil {
		r.byTitle = map[*evalNode]matches{}
	}
	r.byTitle[n] = m
	return m, nil
}

// titleSeg is the segment number that stands for the names.
func (r *evalRun) titleSeg() int { return len(r.segs) }

// expand returns the matches of n, a query part reading name fields only,
// in segment si among the documents within (nil: all): the documents
// bearing a matching name, each with its name's score.
func (r *evalRun) expand(si int, n *evalNode, within []uint32) (matches, error) {
	tm, err := r.titleMatches(n)
	if err != nil || len(tm.docs) == 0 {
		return matches{}, err
	}
	st := r.titlesOf(si)
	if within != nil {
		// Each candidate's name looked up in a list by name number (the
		// names are few: hundreds at a million items).
		at := r.titleSlots(n, tm)
		out := matches{docs: r.uints(len(within)), scores: r.floats(len(within)), own: true}
		for _, d := range within {
			t := st.docTitle[d]
			if t < 0 {
				continue
			}
			if i := at[t]; i > 0 {
				out.docs = append(out.docs, d)
				out.scores = append(out.scores, tm.scores[i-1])
			}
		}
		return out, nil
	}
	// Each matching name's documents are a sorted list, and a document
	// bears one name: the lists are merged, or, when they cover much of
	// the segment, marked in a segment-sized array that is then walked.
	total, lists := 0, 0
	for _, t := range tm.docs {
		if int(t)+1 < len(st.off) && st.off[t+1] > st.off[t] {
			total += int(st.off[t+1] - st.off[t])
			lists++
		}
	}
	out := matches{docs: r.uints(total), scores: r.floats(total), own: true}
	size := len(st.docTitle)
	if total*bits.Len(uint(lists)) > size/4 {
		score, count := r.dense(size)
		for i, t := range tm.docs {
			if int(t)+1 < len(st.off) {
				for _, d := range st.docs[st.off[t]:st.off[t+1]] {
					score[d], count[d] = tm.scores[i], 1
				}
			}
		}
		for d := range uint32(size) {
			if count[d] > 0 {
				out.docs = append(out.docs, d)
				out.scores = append(out.scores, score[d])
				score[d], count[d] = 0, 0
			}
		}
		return out, nil
	}
	// Merged two by two, from the names' lists on, between out and a
	// second buffer.
	next := matches{docs: r.uints(total), scores: r.floats(total), own: true}
	var runs []int // ends of the sorted runs in out
	for i, t := range tm.docs {
		if int(t)+1 < len(st.off) && st.off[t+1] > st.off[t] {
			for _, d := range st.docs[st.off[t]:st.off[t+1]] {
				out.docs = append(out.docs, d)
				out.scores = append(out.scores, tm.scores[i])
			}
			runs = append(runs, len(out.docs))
		}
	}
	for len(runs) > 1 {
		next.docs, next.scores = next.docs[:0], next.scores[:0]
		merged := make([]int, 0, (len(runs)+1)/2)
		from := 0
		for k := 0; k < len(runs); k += 2 {
			if k+1 == len(runs) {
				next.docs = append(next.docs, out.docs[from:runs[k]]...)
				next.scores = append(next.scores, out.scores[from:runs[k]]...)
			} else {
				mergeRuns(&next, out, from, runs[k], runs[k+1])
			}
			if k+1 < len(runs) {
				from = runs[k+1]
			}
			merged = append(merged, len(next.docs))
		}
		runs = merged
		out, next = next, out
	}
	r.release(next)
	return out, nil
}

// mergeRuns appends to dst the sorted runs m[a:b] and m[b:c] merged.
func mergeRuns(dst *matches, m matches, a, b, c int) {
	i, j := a, b
	for i < b && j < c {
		if m.docs[i] < m.docs[j] {
			dst.docs, dst.scores = append(dst.docs, m.docs[i]), append(dst.scores, m.scores[i])
			i++
		} else {
			dst.docs, dst.scores = append(dst.docs, m.docs[j]), append(dst.scores, m.scores[j])
			j++
		}
	}
	dst.docs, dst.scores = append(dst.docs, m.docs[i:b]...), append(dst.scores, m.scores[i:b]...)
	dst.docs, dst.scores = append(dst.docs, m.docs[j:c]...), append(dst.scores, m.scores[j:c]...)
}

// titleSlots returns, by name number, 1 + the place of the name in tm,
// the matches of n over the names (0: not matched); made once per run.
func (r *evalRun) titleSlots(n *evalNode, tm matches) []int32 {
	if at, ok := r.slots[n]; ok {
		return at
	}
	at := make([]int32, len(r.titles.names))
	for i, t := range tm.docs {
		at[t] = int32(i + 1)
	}
	if r.slots == nil {
		r.slots = map[*evalNode][]int32{}
	}
	r.slots[n] = at
	return at
}

// markTitleLevel sets titleLevel on every node of the tree that reads
// name fields only.
func (n *evalNode) markTitleLevel() bool {
	switch n.kind {
	case nodeNone:
		n.titleLevel = false
	case nodeTerm, nodePhrase:
		n.titleLevel = titleField(n.field)
		for _, k := range n.kids {
			k.markTitleLevel()
		}
	case nodeBool:
		all := true
		for _, k := range []*evalNode{n.must, n.should, n.mustNot} {
			if k != nil && !k.markTitleLevel() {
				all = false
			}
		}
		n.titleLevel = all
	default:
		all := len(n.kids) > 0
		for _, k := range n.kids {
			if !k.markTitleLevel() {
				all = false
			}
		}
		n.titleLevel = all
	}
	return n.titleLevel
}
