package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// The evaluator runs the text queries of query.go over the postings of
// the bleve index's segments, and scores the matches as bleve's own
// searchers do (TF-IDF: the same idf, query norm, coordination and
// sums), without bleve's searcher and collector machinery. bleve walks
// every matching document through a chain of searchers, sorts all of
// them and loads each one's stored id; here a query is a few merges of
// sorted postings per segment, and a document's group is read from an
// array kept per segment (segments are immutable). The cost is that of
// reading the postings of the query's terms, which on a catalogue where
// every county words its guide differently is what a broad word
// (身份证) costs anyway: once per term, not once per searcher per
// document.
//
// TestEvaluatorIsBleve checks, query by query of every suite, that the
// matches and their scores are bleve's.

// errUnsupportedQuery means query.go built a query the evaluator does not
// know; a test covers every query the plan makes.
var errUnsupportedQuery = errors.New("search: query type not supported by the evaluator")

// evalCheckEvery is how many postings are read between checks of the
// request's context, so that a cancelled request stops soon.
const evalCheckEvery = 1 << 14

// nodeKind is the kind of a compiled query node: the searcher bleve
// builds for it.
type nodeKind uint8

const (
	nodeNone   nodeKind = iota // bleve's MatchNoneSearcher
	nodeTerm                   // one term of one field
	nodeConj                   // every child matches; scores add up
	nodeDisj                   // at least min children match; sum × matched/total
	nodeBool                   // must (if any), less mustNot, plus should's score
	nodePhrase                 // the children (one per position) match at consecutive positions
)

// evalNode is a query compiled for evaluation.
type evalNode struct {
	kind  nodeKind
	field string
	term  []byte
	boost float64
	// Of a term: its document frequency, idf and query weight (boost ×
	// idf × query norm), set by prepare.
	df      uint64
	idf     float64
	qweight float64
	kids    []*evalNode
	// times says how often each child stands in a conjunction (nil: once
	// each): a query that repeats a word is read once per word.
	times []int
	min   int
	// Of a boolean query: must, should and mustNot (each may be nil).
	must, should, mustNot *evalNode
	// Of a phrase: the terms at each position (a position's child is a
	// term, or a disjunction of its terms).
	positions [][]string
	signature string // see sig
	// titleLevel tells that the node reads name fields only: it is
	// matched over the names (titles.go).
	titleLevel bool
}

// sig identifies what a node matches and how it scores.
func (n *evalNode) sig() string {
	if n == nil {
		return "-"
	}
	if n.signature != "" {
		return n.signature
	}
	// Written with strconv rather than fmt: a question's graded matching
	// compiles hundreds of nodes.
	b := make([]byte, 0, 64)
	b = strconv.AppendInt(b, int64(n.kind), 10)
	b = append(b, '|')
	b = append(b, n.field...)
	b = append(b, '|')
	b = strconv.AppendQuote(b, string(n.term))
	b = append(b, '|')
	b = strconv.AppendFloat(b, n.boost, 'g', -1, 64)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(n.min), 10)
	b = append(b, '|')
	for _, p := range n.positions {
		b = append(b, '[')
		for _, t := range p {
			b = strconv.AppendQuote(b, t)
		}
		b = append(b, ']')
	}
	b = append(b, '(')
	for i, k := range n.kids {
		if n.times != nil {
			b = strconv.AppendInt(b, int64(n.times[i]), 10)
			b = append(b, "×"...)
		}
		b = append(b, k.sig()...)
		b = append(b, ',')
	}
	b = append(b, ")["...)
	b = append(b, n.must.sig()...)
	b = append(b, ';')
	b = append(b, n.should.sig()...)
	b = append(b, ';')
	b = append(b, n.mustNot.sig()...)
	b = append(b, ']')
	n.signature = string(b)
	return n.signature
}

// collapse makes each child of a conjunction stand once, counted in
// times.
func (n *evalNode) collapse() *evalNode {
	seen := map[string]int{}
	var kids []*evalNode
	var times []int
	for _, k := range n.kids {
		if i, ok := seen[k.sig()]; ok {
			times[i]++
			continue
		}
		seen[k.sig()] = len(kids)
		kids = append(kids, k)
		times = append(times, 1)
	}
	if len(kids) < len(n.kids) {
		n.kids, n.times = kids, times
	}
	return n
}

// compileQuery turns a bleve query into evaluation nodes, following the
// Searcher methods of bleve's query types (which searcher each builds,
// and when one collapses to another).
func compileQuery(q query.Query, m mapping.IndexMapping) (*evalNode, error) {
	switch q := q.(type) {
	case *query.MatchNoneQuery:
		return &evalNode{kind: nodeNone}, nil
	case *query.TermQuery:
		return &evalNode{kind: nodeTerm, field: q.FieldVal, term: []byte(q.Term), boost: q.BoostVal.Value()}, nil
	case *query.MatchQuery:
		tokens, err := analyze(m, q.Analyzer, q.FieldVal, q.Match)
		if err != nil {
			return nil, err
		}
		if len(tokens) == 0 {
			return &evalNode{kind: nodeNone}, nil
		}
		if q.Operator != query.MatchQueryOperatorAnd || q.Fuzziness != 0 {
			return nil, fmt.Errorf("%w: match query operator %d, fuzziness %d", errUnsupportedQuery, q.Operator, q.Fuzziness)
		}
		n := &evalNode{kind: nodeConj}
		for _, t := range tokens {
			n.kids = append(n.kids, &evalNode{kind: nodeTerm, field: q.FieldVal, term: append([]byte(nil), t.Term...), boost: q.BoostVal.Value()})
		}
		return n.collapse(), nil
	case *query.MatchPhraseQuery:
		tokens, err := analyze(m, q.Analyzer, q.FieldVal, q.MatchPhrase)
		if err != nil {
			return nil, err
		}
		if len(tokens) == 0 {
			return &evalNode{kind: nodeNone}, nil
		}
		if q.Fuzziness != 0 {
			return nil, fmt.Errorf("%w: phrase fuzziness %d", errUnsupportedQuery, q.Fuzziness)
		}
		return phraseNode(q.FieldVal, phrasePositions(tokens), q.BoostVal.Value()), nil
	case *query.ConjunctionQuery:
		return compileList(nodeConj, q.Conjuncts, 0, m)
	case *query.DisjunctionQuery:
		return compileList(nodeDisj, q.Disjuncts, int(q.Min), m)
	case *query.BooleanQuery:
		return compileBoolean(q, m)
	}
	return nil, fmt.Errorf("%w: %T", errUnsupportedQuery, q)
}

func compileList(kind nodeKind, qs []query.Query, min int, m mapping.IndexMapping) (*evalNode, error) {
	n := &evalNode{kind: kind, min: min}
	for _, c := range qs {
		k, err := compileQuery(c, m)
		if err != nil {
			return nil, err
		}
		n.kids = append(n.kids, k)
	}
	if len(n.kids) == 0 {
		return &evalNode{kind: nodeNone}, nil
	}
	if kind == nodeConj {
		n.collapse()
	}
	return n, nil
}

// compileBoolean follows BooleanQuery.Searcher: a part that is a
// MatchNoneSearcher is dropped, and a query with only a must or only a
// should part is that part.
func compileBoolean(q *query.BooleanQuery, m mapping.IndexMapping) (*evalNode, error) {
	part := func(p query.Query) (*evalNode, error) {
		if p == nil {
			return nil, nil
		}
		n, err := compileQuery(p, m)
		if err != nil || n.kind == nodeNone {
			return nil, err
		}
		return n, nil
	}
	if q.Filter != nil {
		return nil, fmt.Errorf("%w: boolean filter", errUnsupportedQuery)
	}
	must, err := part(q.Must)
	if err != nil {
		return nil, err
	}
	should, err := part(q.Should)
	if err != nil {
		return nil, err
	}
	mustNot, err := part(q.MustNot)
	if err != nil {
		return nil, err
	}
	switch {
	case must == nil && should == nil && mustNot == nil:
		return &evalNode{kind: nodeNone}, nil
	case must != nil && should == nil && mustNot == nil:
		return must, nil
	case must == nil && should != nil && mustNot == nil:
		return should, nil
	case must == nil && should == nil:
		return nil, fmt.Errorf("%w: boolean query with only must-not", errUnsupportedQuery)
	}
	return &evalNode{kind: nodeBool, must: must, should: should, mustNot: mustNot}, nil
}

// phraseNode follows NewMultiPhraseSearcher: a position of one term is
// that term, of several a disjunction (min 1) of them; the positions are
// a conjunction checked for consecutive positions.
func phraseNode(field string, positions [][]string, boost float64) *evalNode {
	n := &evalNode{kind: nodePhrase, field: field, positions: positions}
	for _, terms := range positions {
		switch {
		case len(terms) == 1 && terms[0] != "":
			n.kids = append(n.kids, &evalNode{kind: nodeTerm, field: field, term: []byte(terms[0]), boost: boost})
		case len(terms) > 1:
			d := &evalNode{kind: nodeDisj, min: 1}
			for _, t := range terms {
				if t != "" {
					d.kids = append(d.kids, &evalNode{kind: nodeTerm, field: field, term: []byte(t), boost: boost})
				}
			}
			n.kids = append(n.kids, d)
		}
	}
	return n
}

// phrasePositions groups a phrase's tokens by position, as bleve's
// tokenStreamToPhrase does.
func phrasePositions(tokens analysis.TokenStream) [][]string {
	first, last := math.MaxInt, 0
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	if last < first {
		return nil
	}
	out := make([][]string, last-first+1)
	for _, t := range tokens {
		out[t.Position-first] = append(out[t.Position-first], string(t.Term))
	}
	return out
}

func analyze(m mapping.IndexMapping, name, field, text string) (analysis.TokenStream, error) {
	if name == "" {
		name = m.AnalyzerNameForPath(field)
	}
	a := m.AnalyzerNamed(name)
	if a == nil {
		return nil, fmt.Errorf("no analyzer named %q", name)
	}
	return a.Analyze([]byte(text)), nil
}

// weight is the node's sum of squared weights, as bleve's searchers'
// Weight methods compute it.
func (n *evalNode) weight() float64 {
	switch n.kind {
	case nodeTerm:
		w := n.boost * n.idf
		return w * w
	case nodeBool:
		w := 0.0
		if n.must != nil {
			w += n.must.weight()
		}
		if n.should != nil {
			w += n.should.weight()
		}
		return w
	}
	w := 0.0
	for i, k := range n.kids {
		if n.times != nil {
			w += float64(n.times[i]) * k.weight()
		} else {
			w += k.weight()
		}
	}
	return w
}

// terms calls fn for every term node, must-not parts included.
func (n *evalNode) terms(fn func(*evalNode)) {
	if n == nil {
		return
	}
	if n.kind == nodeTerm {
		fn(n)
		return
	}
	for _, k := range n.kids {
		k.terms(fn)
	}
	n.must.terms(fn)
	n.should.terms(fn)
	n.mustNot.terms(fn)
}

// setNorm gives every term below n the query norm (bleve's SetQueryNorm:
// the outermost searcher's norm is the one that stays).
func (n *evalNode) setNorm(norm float64) {
	n.terms(func(t *evalNode) { t.qweight = t.boost * t.idf * norm })
}

// segField names one field's dictionary of one segment.
type segField struct {
	seg   int
	field string
}

// evalRun is one evaluation: the snapshot it reads and the segments'
// dictionaries it opened.
type evalRun struct {
	ctx    context.Context
	segs   []*scorch.SegmentSnapshot
	dicts  map[segField]segment.TermDictionary
	reads  int
	groups []*segGroups // by segment: document number → group
	cache  *postingsCache
	// titles is the name index; byTitle the matches over the names of the
	// name-only parts evaluated so far (see titles.go).
	titles  *titleIndex
	byTitle map[*evalNode]matches
	slots   map[*evalNode][]int32 // see titleSlots
	*evalBuffers
}

// evalBuffers are the lists an evaluation works in, kept for the next
// one (see floats).
type evalBuffers struct {
	f64        [][]float64
	u32        [][]uint32
	denseScore []float64
	denseCount []int32
}

// maxPooledBuffers bounds the free lists an evaluation hands on.
const maxPooledBuffers = 16

var evalPool = sync.Pool{New: func() any { return &evalBuffers{} }}

// matches is a set of documents of one segment with their scores, in
// document order. docs is a cached postings list's unless own: never
// written then; scores are always the match's own.
type matches struct {
	docs   []uint32
	scores []float64
	own    bool
}

// evaluate runs q over the index and returns the groups it matches with
// bleve's scores, in no particular order; groups without items (a
// document whose removal has not reached bleve yet) are left out. The
// caller holds ix.mu for reading, and a work slot (see withSlot).
func (ix *Index) evaluate(ctx context.Context, q query.Query) ([]scoredGroup, error) {
	var out []scoredGroup
	err := ix.reading(func() error {
		var err error
		out, err = ix.evaluateUnguarded(ctx, q)
		return err
	})
	return out, err
}

// reading runs fn, which reads the index's segments: a panic or memory
// fault inside it is returned as ErrIndexDamaged and makes the index
// degraded.
func (ix *Index) reading(fn func() error) error {
	err := guard("search the index", fn)
	if isFault(err) {
		return ix.readFault(err)
	}
	if err == nil {
		ix.readOK()
	}
	return err
}

func (ix *Index) evaluateUnguarded(ctx context.Context, q query.Query) ([]scoredGroup, error) {
	root, err := compileQuery(q, ix.bi.Mapping())
	if err != nil {
		return nil, err
	}
	if root.kind == nodeNone {
		return nil, nil
	}
	e, err := ix.openEval(ctx)
	if err != nil {
		return nil, err
	}
	defer e.close()
	per, err := e.eval(root, nil)
	defer e.release(per)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, m := range per {
		n += len(m.docs)
	}
	// Every segment's matches first, so that the result is made once at
	// its size.
	out := make([]scoredGroup, 0, n)
	for si, m := range per {
		groups := e.run.groups[si].groups
		for i, d := range m.docs {
			if gi := groups[d]; e.live(gi) {
				out = append(out, scoredGroup{gi, m.scores[i]})
			}
		}
	}
	return out, nil
}

// evalSnapshot is one snapshot of the index and one evaluation run over
// it, which several queries may read: their documents are then numbered
// alike (see docBase).
type evalSnapshot struct {
	snap    *scorch.IndexSnapshot
	run     *evalRun
	t       *table
	mapping mapping.IndexMapping
	total   uint64
	// someEmpty: some groups have no items, and whether a group has items
	// is read (only then).
	someEmpty bool
	// slots are the index's work slots, of which helpers take free ones
	// (see shareOut); order is the segments, largest first.
	slots chan struct{}
	order []int
}

// openEval opens the live generation's current snapshot for evaluation;
// the caller closes it, and holds ix.mu for reading until then.
func (ix *Index) openEval(ctx context.Context) (*evalSnapshot, error) {
	snap, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	e := &evalSnapshot{snap: snap, run: ix.newRun(ctx, snap), t: ix.t, mapping: ix.bi.Mapping(), slots: ix.helperSlots()}
	if e.total, err = snap.DocCount(); err == nil {
		e.run.titles, err = ix.titles(ix.t, ix.bi.Mapping())
	}
	if err != nil {
		e.close()
		return nil, err
	}
	e.run.groups = ix.segmentGroups(e.run.segs)
	e.someEmpty = e.t.liveGroups < len(e.t.Groups)
	return e, nil
}

func (e *evalSnapshot) close() {
	e.run.done()
	e.snap.Close()
}

// live reports whether a document's group gi (from its segment's
// document → group map) is one of the table's groups with items.
func (e *evalSnapshot) live(gi int32) bool {
	return gi >= 0 && (!e.someEmpty || len(e.t.Groups[gi].Members) > 0)
}

// docBase returns where each segment's documents start when the
// snapshot's documents are numbered one after the other, and the number
// of them all: matches read in that numbering, segment by segment in
// document order, visit lists indexed by it in order.
func (e *evalSnapshot) docBase() ([]int, int) {
	base := make([]int, len(e.run.segs))
	n := 0
	for si, ss := range e.run.segs {
		base[si] = n
		n += int(ss.Segment().Count())
	}
	return base, n
}

// eval runs a compiled query over every segment and returns each
// segment's matches, which the caller gives back with release (also
// after an error). each, when not nil, is called with every segment's
// matches as soon as they are made, on the goroutine that made them: at
// once for different segments.
func (e *evalSnapshot) eval(root *evalNode, each func(si int, m matches)) ([]matches, error) {
	run := e.run
	// The statistics of every term over the whole index, then the query
	// norm: what bleve's term searchers compute when they are built. A
	// term of a name field is counted over the documents bearing the
	// names that have it (the documents themselves have no name fields).
	var statErr error
	root.terms(func(t *evalNode) {
		if statErr != nil {
			return
		}
		t.df = 0
		if titleField(t.field) {
			t.df = run.titleDocFreq(t.field, t.term)
			t.idf = 1.0 + math.Log(float64(e.total)/float64(t.df+1.0))
			return
		}
		for si := range run.segs {
			n, err := run.docFreq(si, t.field, t.term)
			if err != nil {
				statErr = err
				return
			}
			t.df += n
		}
		t.idf = 1.0 + math.Log(float64(e.total)/float64(t.df+1.0))
	})
	if statErr != nil {
		return nil, statErr
	}
	root.setNorm(1.0 / math.Sqrt(root.weight()))
	root.markTitleLevel()
	per := make([]matches, len(run.segs))
	var slots chan struct{}
	if e.sharesEval(root) {
		slots = e.slots
	}
	// Segment by segment, the largest first, on this core and on idle
	// ones: each helper evaluates with a run of its own over the same
	// snapshot (evalRun.helper).
	order := e.largestFirst()
	runs := []*evalRun{run}
	defer func() {
		for _, h := range runs[1:] {
			h.done()
		}
	}()
	err := shareOut(slots, len(order), func(workers int) {
		for len(runs) < workers {
			runs = append(runs, run.helper())
		}
	}, func(w, i int) error {
		si := order[i]
		var err error
		if per[si], err = runs[w].eval(si, root, nil); err == nil && each != nil {
			each(si, per[si])
		}
		return err
	})
	return per, err
}

// sharedEvalMinPostings is the fewest postings a query's terms of the
// documents' own fields have in all (their document frequencies; the
// name fields are matched over the names) for its segments to be shared
// out (see shareOut): below it reading them costs less than starting
// helpers. (A variable so that tests share the evaluations of their small
// catalogues.)
var sharedEvalMinPostings uint64 = 100_000

// sharesEval reports whether root's evaluation is worth sharing.
func (e *evalSnapshot) sharesEval(root *evalNode) bool {
	if len(e.run.segs) < 2 {
		return false
	}
	postings := uint64(0)
	root.terms(func(t *evalNode) {
		if !t.titleLevel {
			postings += t.df
		}
	})
	return postings >= sharedEvalMinPostings
}

// largestFirst returns the snapshot's segment numbers, the segment with
// the most documents first, made once per snapshot.
func (e *evalSnapshot) largestFirst() []int {
	if e.order == nil {
		e.order = make([]int, len(e.run.segs))
		for i := range e.order {
			e.order[i] = i
		}
		slices.SortStableFunc(e.order, func(a, b int) int {
			return cmp.Compare(e.run.segs[b].Segment().Count(), e.run.segs[a].Segment().Count())
		})
	}
	return e.order
}

// release gives the buffers of per's matches back.
func (e *evalSnapshot) release(per []matches) {
	for _, m := range per {
		e.run.release(m)
	}
}

// size is the number of documents of segment si (of names, for the
// names' segment).
func (r *evalRun) size(si int) int {
	if si == r.titleSeg() {
		return len(r.titles.names)
	}
	return int(r.segs[si].Segment().Count())
}

// withSlot runs fn in one of the index's work slots, as many as there are
// cores: matching a text and collecting a query's items each hold lists
// and workspaces as long as the catalogue (at a million varied items a
// graded match's workspace alone is 33 MB), and more of them at once
// would not finish sooner, only hold more memory.
func (ix *Index) withSlot(ctx context.Context, fn func() error) error {
	select {
	case ix.evalSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-ix.evalSlots }()
	return fn()
}

// newRun starts an evaluation over snap; done ends it.
func (ix *Index) newRun(ctx context.Context, snap *scorch.IndexSnapshot) *evalRun {
	return &evalRun{ctx: ctx, segs: snap.Segments(), dicts: map[segField]segment.TermDictionary{}, cache: ix.postings,
		evalBuffers: evalPool.Get().(*evalBuffers)}
}

// helper returns a run that evaluates other segments of r's snapshot
// at the same time as r: r's segments, groups, postings cache and names,
// and dictionaries, matches over the names and buffers of its own.
func (r *evalRun) helper() *evalRun {
	return &evalRun{ctx: r.ctx, segs: r.segs, dicts: map[segField]segment.TermDictionary{}, groups: r.groups,
		cache: r.cache, titles: r.titles, evalBuffers: evalPool.Get().(*evalBuffers)}
}

// done hands the run's buffers on to the next one.
func (r *evalRun) done() {
	for _, m := range r.byTitle {
		r.release(m)
	}
	b := r.evalBuffers
	b.f64, b.u32 = b.f64[:min(len(b.f64), maxPooledBuffers)], b.u32[:min(len(b.u32), maxPooledBuffers)]
	evalPool.Put(b)
	r.evalBuffers = nil
}

// snapshot returns the live generation's current snapshot, which the
// caller closes; the caller holds ix.mu for reading.
func (ix *Index) snapshot() (*scorch.IndexSnapshot, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, fmt.Errorf("search index reader of type %T", r)
	}
	return snap, nil
}

// postings returns the postings list of a term in segment si, without
// the segment's deleted documents; nil when the field has no dictionary.
func (r *evalRun) postings(si int, field string, term []byte) (segment.PostingsList, error) {
	key := segField{si, field}
	d, ok := r.dicts[key]
	if !ok {
		var err error
		if d, err = r.segs[si].Segment().Dictionary(field); err != nil {
			return nil, err
		}
		r.dicts[key] = d
	}
	if d == nil {
		return nil, nil
	}
	return d.PostingsList(term, r.segs[si].Deleted(), nil)
}

// docFreq returns how many live documents of segment si have a term:
// the length of its cached postings, else the postings list's count
// (which does not read the list), so that terms a search never reaches
// (after a conjunction came out empty) are not read.
func (r *evalRun) docFreq(si int, field string, term []byte) (uint64, error) {
	ss := r.segs[si]
	key := postingsKey{seg: ss.Segment(), deleted: ss.Deleted(), field: field, term: string(term), positions: phraseFields[field]}
	if n, ok := r.cache.docFreq(key); ok {
		return n, nil
	}
	pl, err := r.postings(si, field, term)
	if err != nil || pl == nil {
		return 0, err
	}
	n := pl.Count()
	r.cache.putDocFreq(key, n)
	return n, nil
}

// decoded returns the postings of a term in segment si, from the cache
// or read now (and offered to the cache).
func (r *evalRun) decoded(si int, field string, term []byte, positions bool) (*decodedPostings, error) {
	if si == r.titleSeg() {
		return r.titles.get(field, term, positions), nil
	}
	ss := r.segs[si]
	key := postingsKey{seg: ss.Segment(), deleted: ss.Deleted(), field: field, term: string(term), positions: positions}
	if d, ok := r.cache.get(key); ok {
		return d, nil
	}
	pl, err := r.postings(si, field, term)
	if err != nil || pl == nil {
		return nil, err
	}
	d, err := r.decode(pl, positions)
	if err != nil {
		return nil, err
	}
	r.cache.put(key, d)
	return d, nil
}

// decode reads a postings list.
func (r *evalRun) decode(pl segment.PostingsList, positions bool) (*decodedPostings, error) {
	n := int(pl.Count())
	d := &decodedPostings{docs: make([]uint32, 0, n)}
	var ps []uint32
	it := pl.Iterator(true, true, positions, nil)
	if zit, ok := it.(*zap.PostingsIterator); ok && !positions {
		return r.decodeZap(zit, d, n)
	}
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			break
		}
		if r.reads++; r.reads%evalCheckEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
		}
		d.addPosting(p, n)
		if positions {
			ps = ps[:0]
			for _, l := range p.Locations() {
				ps = append(ps, uint32(l.Pos()))
			}
			d.pos.add(ps)
		}
	}
	return d, nil
}

// decodeZap is decode's loop for a zap v17 list without positions, the
// commonest: the postings' methods called directly, not through
// segment.Posting.
func (r *evalRun) decodeZap(it *zap.PostingsIterator, d *decodedPostings, n int) (*decodedPostings, error) {
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return d, nil
		}
		if r.reads++; r.reads%evalCheckEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
		}
		zp, ok := p.(*zap.Posting)
		if !ok {
			return nil, fmt.Errorf("search: zap posting of type %T", p)
		}
		d.add(zp.Number(), zp.Frequency(), zp.NormUint64(), n)
	}
}

// addPosting appends p to d, a list of n postings: packed when p holds
// its field's length, as a zap posting does (see decodedPostings), else
// with the norm it gives.
func (d *decodedPostings) addPosting(p segment.Posting, n int) {
	if zp, ok := p.(*zap.Posting); ok {
		d.add(zp.Number(), zp.Frequency(), zp.NormUint64(), n)
		return
	}
	d.addNorm(p.Number(), p.Frequency(), float32(p.Norm()), n)
}

// phraseFields are the fields queried by phrase (with positions); the
// others are matched by term.
var phraseFields = map[string]bool{"name_cjk": true, "name_py": true, "name_ini": true}

// eval returns the matches of n in segment si among the documents
// within (sorted; nil: every document). The caller owns the result (see
// matches) and gives it back with release when done. A conjunction reads
// its narrowest part first and the others only within what that matched,
// so that a rare word (犯罪) spares reading where a common one (证明)
// occurs; a document's score does not depend on within.
func (r *evalRun) eval(si int, n *evalNode, within []uint32) (matches, error) {
	if err := r.ctx.Err(); err != nil {
		return matches{}, err
	}
	if n.titleLevel && si != r.titleSeg() {
		return r.expand(si, n, within)
	}
	switch n.kind {
	case nodeNone:
		return matches{}, nil
	case nodeTerm:
		return r.term(si, n, nil, within)
	case nodeConj:
		return r.conj(si, n, within)
	case nodeDisj:
		return r.disj(si, n, within)
	case nodeBool:
		return r.boolean(si, n, within)
	case nodePhrase:
		return r.phrase(si, n, within)
	}
	return matches{}, fmt.Errorf("%w: node kind %d", errUnsupportedQuery, n.kind)
}

// The buffers of one evaluation: the long lists of a broad word are made
// once per run and reused by every node, not made anew by each.

func (r *evalRun) floats(n int) []float64 { return takeBuffer(&r.f64, n) }

func (r *evalRun) uints(n int) []uint32 { return takeBuffer(&r.u32, n) }

// takeBuffer takes an empty list of capacity n or more from free, or
// makes one.
func takeBuffer[T any](free *[][]T, n int) []T {
	fs := *free
	for i := len(fs) - 1; i >= 0; i-- {
		if b := fs[i]; cap(b) >= n {
			fs[i] = fs[len(fs)-1]
			*free = fs[:len(fs)-1]
			return b[:0]
		}
	}
	return make([]T, 0, n)
}

// release gives m's buffers back for reuse.
func (r *evalRun) release(m matches) {
	if cap(m.scores) > 0 {
		r.f64 = append(r.f64, m.scores)
	}
	if m.own && cap(m.docs) > 0 {
		r.u32 = append(r.u32, m.docs)
	}
}

// dense returns a segment-sized score and count array, zeroed.
func (r *evalRun) dense(size int) ([]float64, []int32) {
	if cap(r.denseScore) < size {
		r.denseScore, r.denseCount = make([]float64, size), make([]int32, size)
	}
	return r.denseScore[:size], r.denseCount[:size]
}

// term scores the postings of a term as TermQueryScorer does, among the
// documents within (nil: all). With pos, it also gives each document's
// positions of the term.
func (r *evalRun) term(si int, n *evalNode, pos *positions, within []uint32) (matches, error) {
	d, err := r.decoded(si, n.field, n.term, pos != nil)
	if err != nil || d == nil {
		return matches{}, err
	}
	score := func(i int) float64 {
		s := d.tfNorm(i) * n.idf
		if n.qweight != 1.0 {
			s *= n.qweight
		}
		return s
	}
	if within == nil {
		m := matches{docs: d.docs, scores: r.floats(len(d.docs))[:len(d.docs)]}
		for i := range d.docs {
			m.scores[i] = score(i)
		}
		if pos != nil {
			*pos = d.pos
		}
		return m, nil
	}
	n0 := min(len(d.docs), len(within))
	m := matches{docs: r.uints(n0), scores: r.floats(n0), own: true}
	var ps positions
	if pos != nil && len(d.docs) > 0 {
		// Room for the positions of n0 documents of average length.
		ps.off = make([]uint32, 1, n0+1)
		ps.val = make([]uint32, 0, len(d.pos.val)*n0/len(d.docs)+n0)
	}
	keep := func(i int) {
		m.docs = append(m.docs, d.docs[i])
		m.scores = append(m.scores, score(i))
		if pos != nil {
			ps.add(d.pos.at(i))
		}
	}
	if len(within)*8 < len(d.docs) {
		// Few candidates: look each up.
		lo := 0
		for _, w := range within {
			i, found := slices.BinarySearch(d.docs[lo:], w)
			lo += i
			if lo == len(d.docs) {
				break
			}
			if found {
				keep(lo)
			}
		}
	} else {
		j := 0
		for i, doc := range d.docs {
			for j < len(within) && within[j] < doc {
				j++
			}
			if j == len(within) {
				break
			}
			if within[j] == doc {
				keep(i)
			}
		}
	}
	if pos != nil {
		*pos = ps
	}
	return m, nil
}

// conj intersects the children's matches and adds up their scores,
// reading the children from the narrowest (by document frequency) on,
// each within what the ones before matched.
func (r *evalRun) conj(si int, n *evalNode, within []uint32) (matches, error) {
	order := make([]int, len(n.kids))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(n.kids[a].estimate(), n.kids[b].estimate()) })
	var acc matches
	for i, ki := range order {
		if i > 0 {
			within = acc.docs
		}
		m, err := r.eval(si, n.kids[ki], within)
		if err != nil {
			r.release(acc)
			return matches{}, err
		}
		if n.times != nil && n.times[ki] > 1 {
			t := float64(n.times[ki])
			for j := range m.scores {
				m.scores[j] *= t
			}
		}
		if i == 0 {
			acc = m
		} else {
			next := r.intersect(acc, m)
			r.release(acc)
			r.release(m)
			acc = next
		}
		if len(acc.docs) == 0 {
			r.release(acc)
			return matches{}, nil
		}
	}
	return acc, nil
}

// estimate bounds how many documents n matches, from its terms'
// document frequencies.
func (n *evalNode) estimate() uint64 {
	switch n.kind {
	case nodeTerm:
		return n.df
	case nodeConj, nodePhrase:
		e := uint64(math.MaxUint64)
		for _, k := range n.kids {
			e = min(e, k.estimate())
		}
		if len(n.kids) == 0 {
			return 0
		}
		return e
	case nodeDisj:
		e := uint64(0)
		for _, k := range n.kids {
			e += k.estimate()
		}
		return e
	case nodeBool:
		if n.must != nil {
			return n.must.estimate()
		}
		return n.should.estimate()
	}
	return 0
}

func (r *evalRun) intersect(a, b matches) matches {
	n := min(len(a.docs), len(b.docs))
	out := matches{docs: r.uints(n), scores: r.floats(n), own: true}
	i, j := 0, 0
	for i < len(a.docs) && j < len(b.docs) {
		switch {
		case a.docs[i] < b.docs[j]:
			i++
		case a.docs[i] > b.docs[j]:
			j++
		default:
			out.docs = append(out.docs, a.docs[i])
			out.scores = append(out.scores, a.scores[i]+b.scores[j])
			i++
			j++
		}
	}
	return out
}

// disj unites the children's matches: a document matching c of the t
// children scores the sum of their scores × c/t (bleve's coordination),
// and needs at least min of them. The sums are made in a segment-sized
// array, child by child (the order bleve adds them in).
func (r *evalRun) disj(si int, n *evalNode, within []uint32) (matches, error) {
	kids := make([]matches, 0, len(n.kids))
	defer func() {
		for _, m := range kids {
			r.release(m)
		}
	}()
	total := 0
	for _, k := range n.kids {
		m, err := r.eval(si, k, within)
		if err != nil {
			return matches{}, err
		}
		if len(m.docs) > 0 {
			kids = append(kids, m)
			total += len(m.docs)
		}
	}
	switch {
	case len(kids) == 0:
		return matches{}, nil
	case len(kids) == 1 && n.min <= 1:
		m := kids[0]
		kids = kids[:0]
		coord := 1 / float64(len(n.kids))
		for i := range m.scores {
			m.scores[i] *= coord
		}
		return m, nil
	}
	size := r.size(si)
	score, count := r.dense(size)
	touched := r.uints(total)
	for _, m := range kids {
		for i, d := range m.docs {
			if count[d] == 0 {
				touched = append(touched, d)
			}
			score[d] += m.scores[i]
			count[d]++
		}
	}
	out := matches{docs: r.uints(len(touched)), scores: r.floats(len(touched)), own: true}
	all := float64(len(n.kids))
	take := func(d uint32) {
		if int(count[d]) >= n.min {
			out.docs = append(out.docs, d)
			out.scores = append(out.scores, score[d]*(float64(count[d])/all))
		}
		score[d], count[d] = 0, 0
	}
	if len(touched) > size/32 {
		// Many documents: walk the segment in order.
		for d := range uint32(size) {
			if count[d] > 0 {
				take(d)
			}
		}
	} else {
		slices.Sort(touched)
		for _, d := range touched {
			take(d)
		}
	}
	r.u32 = append(r.u32, touched)
	return out, nil
}

// boolean follows BooleanSearcher: the documents of must (or of should,
// without must) less those of mustNot; should's score is added where it
// matches.
func (r *evalRun) boolean(si int, n *evalNode, within []uint32) (matches, error) {
	var base, should matches
	var err error
	if n.must != nil {
		if base, err = r.eval(si, n.must, within); err != nil {
			return matches{}, err
		}
		if len(base.docs) == 0 {
			return base, nil // nothing to add should's score to
		}
		within = base.docs
	}
	if n.should != nil {
		if should, err = r.eval(si, n.should, within); err != nil {
			r.release(base)
			return matches{}, err
		}
	}
	if n.must != nil {
		addWhere(base, should)
		r.release(should)
	} else {
		base = should
	}
	if n.mustNot != nil && len(base.docs) > 0 {
		not, err := r.eval(si, n.mustNot, base.docs)
		if err != nil {
			r.release(base)
			return matches{}, err
		}
		next := r.subtract(base, not)
		r.release(base)
		r.release(not)
		base = next
	}
	return base, nil
}

// addWhere adds b's scores to a's documents that b has too.
func addWhere(a, b matches) {
	j := 0
	for i, d := range a.docs {
		for j < len(b.docs) && b.docs[j] < d {
			j++
		}
		if j < len(b.docs) && b.docs[j] == d {
			a.scores[i] += b.scores[j]
		}
	}
}

func (r *evalRun) subtract(a, b matches) matches {
	out := matches{docs: r.uints(len(a.docs)), scores: r.floats(len(a.docs)), own: true}
	j := 0
	for i, d := range a.docs {
		for j < len(b.docs) && b.docs[j] < d {
			j++
		}
		if j < len(b.docs) && b.docs[j] == d {
			continue
		}
		out.docs = append(out.docs, d)
		out.scores = append(out.scores, a.scores[i])
	}
	return out
}

// phrase matches the documents where the phrase's terms follow one
// another, scored as the conjunction of its positions.
func (r *evalRun) phrase(si int, n *evalNode, within []uint32) (matches, error) {
	if len(n.kids) == 0 {
		return matches{}, nil
	}
	// Each position: its matches and, per matching document, the
	// positions where one of its terms stands.
	type slot struct {
		m   matches
		pos positions
	}
	slots := make([]slot, 0, len(n.kids))
	defer func() {
		for _, s := range slots {
			r.release(s.m)
		}
	}()
	for _, k := range n.kids {
		var s slot
		var err error
		if k.kind == nodeTerm {
			if s.m, err = r.term(si, k, &s.pos, within); err != nil {
				return matches{}, err
			}
		} else {
			// A disjunction of the terms standing at one position.
			var acc matches
			var count []int32
			var accPos positions
			for _, t := range k.kids {
				var pos positions
				m, err := r.term(si, t, &pos, within)
				if err != nil {
					return matches{}, err
				}
				accPos = unitePositions(acc.docs, accPos, m.docs, pos)
				acc, count = unite(acc, count, m)
			}
			total := float64(len(k.kids))
			for j := range acc.docs {
				acc.scores[j] *= float64(count[j]) / total
			}
			s.m, s.pos = acc, accPos
		}
		slots = append(slots, s)
		if len(s.m.docs) == 0 {
			return matches{}, nil
		}
		within = s.m.docs
	}
	out := matches{docs: r.uints(0), scores: r.floats(0), own: true}
	idx := make([]int, len(slots))
	for i, d := range slots[0].m.docs {
		all := true
		score := slots[0].m.scores[i]
		for k := 1; k < len(slots); k++ {
			s := &slots[k]
			for idx[k] < len(s.m.docs) && s.m.docs[idx[k]] < d {
				idx[k]++
			}
			if idx[k] == len(s.m.docs) || s.m.docs[idx[k]] != d {
				all = false
				break
			}
			score += s.m.scores[idx[k]]
		}
		if !all {
			continue
		}
		if !consecutive(slots[0].pos.at(i), func(k int) []uint32 { return slots[k].pos.at(idx[k]) }, len(slots)) {
			continue
		}
		out.docs = append(out.docs, d)
		out.scores = append(out.scores, score)
	}
	return out, nil
}

// unite merges two matches of a phrase position's terms, adding scores
// and counting the terms each document has.
func unite(acc matches, count []int32, m matches) (matches, []int32) {
	if len(m.docs) == 0 {
		return acc, count
	}
	if len(acc.docs) == 0 {
		c := make([]int32, len(m.docs))
		for i := range c {
			c[i] = 1
		}
		return m, c
	}
	out := matches{docs: make([]uint32, 0, len(acc.docs)+len(m.docs)), scores: make([]float64, 0, len(acc.docs)+len(m.docs)), own: true}
	oc := make([]int32, 0, len(acc.docs)+len(m.docs))
	i, j := 0, 0
	for i < len(acc.docs) || j < len(m.docs) {
		switch {
		case j == len(m.docs) || i < len(acc.docs) && acc.docs[i] < m.docs[j]:
			out.docs, out.scores, oc = append(out.docs, acc.docs[i]), append(out.scores, acc.scores[i]), append(oc, count[i])
			i++
		case i == len(acc.docs) || m.docs[j] < acc.docs[i]:
			out.docs, out.scores, oc = append(out.docs, m.docs[j]), append(out.scores, m.scores[j]), append(oc, 1)
			j++
		default:
			out.docs, out.scores, oc = append(out.docs, acc.docs[i]), append(out.scores, acc.scores[i]+m.scores[j]), append(oc, count[i]+1)
			i++
			j++
		}
	}
	return out, oc
}

// consecutive reports whether some position p of the first slot has the
// k-th slot at p+k for every k.
func consecutive(first []uint32, at func(k int) []uint32, slots int) bool {
next:
	for _, p := range first {
		for k := 1; k < slots; k++ {
			found := false
			for _, q := range at(k) {
				if q == p+uint32(k) {
					found = true
					break
				}
			}
			if !found {
				continue next
			}
		}
		return true
	}
	return false
}

// unitePositions merges the per-document positions of two sorted
// document lists, as unite merges their matches.
func unitePositions(ad []uint32, ap positions, bd []uint32, bp positions) positions {
	if len(bd) == 0 {
		return ap
	}
	if len(ad) == 0 {
		return bp
	}
	var out positions
	i, j := 0, 0
	for i < len(ad) || j < len(bd) {
		switch {
		case j == len(bd) || i < len(ad) && ad[i] < bd[j]:
			out.add(ap.at(i))
			i++
		case i == len(ad) || bd[j] < ad[i]:
			out.add(bp.at(j))
			j++
		default:
			out.add(append(append([]uint32(nil), ap.at(i)...), bp.at(j)...))
			i++
			j++
		}
	}
	return out
}

// segGroups maps the documents of one segment to groups of the table:
// segments never change, so the map is made once per segment (and table)
// and shared by every query. A document whose group the table did not yet
// have when it was read is read again once the table has more groups. A
// segGroups is never changed once made (a newer one replaces it), so
// queries read it without a lock.
type segGroups struct {
	groups     []int32 // by document number; -1: not (yet) a group of the table
	unresolved []uint32
	resolvedAt int // len(t.Groups) when the unresolved ones were last read
	// titles maps the documents to names, made when first needed.
	titlesOnce sync.Once
	titles     *segTitles
}

// resolved returns sg with the ids of its documents without a group read
// again against t (sg itself when there are none or t has no new group).
func (sg *segGroups) resolved(t *table, ss *scorch.SegmentSnapshot) *segGroups {
	if len(sg.unresolved) == 0 || sg.resolvedAt == len(t.Groups) {
		return sg
	}
	out := &segGroups{groups: append([]int32(nil), sg.groups...), resolvedAt: len(t.Groups)}
	deleted := ss.Deleted()
	for _, d := range sg.unresolved {
		if deleted != nil && deleted.Contains(d) {
			continue // never searched again
		}
		hexID, err := ss.Segment().DocID(uint64(d))
		id, parsed := parseGroupID(hexID)
		if gi, ok := t.byGroup.find(t, id); err == nil && parsed && ok {
			out.groups[d] = gi
			continue
		}
		out.unresolved = append(out.unresolved, d)
	}
	return out
}

// groupMaps keeps the segGroups of the live table's segments.
type groupMaps struct {
	mu   sync.Mutex
	t    *table
	segs map[segment.Segment]*segGroups
}

// segmentGroups returns the document → group maps of segs, making the
// missing ones and forgetting those of segments no longer in use; the
// caller holds ix.mu for reading (the table does not change).
func (ix *Index) segmentGroups(segs []*scorch.SegmentSnapshot) []*segGroups {
	gm := &ix.groupMaps
	gm.mu.Lock()
	defer gm.mu.Unlock()
	t := ix.t
	if gm.t != t || gm.segs == nil {
		gm.t, gm.segs = t, map[segment.Segment]*segGroups{}
	}
	out := make([]*segGroups, len(segs))
	live := make(map[segment.Segment]bool, len(segs))
	for i, ss := range segs {
		s := ss.Segment()
		live[s] = true
		sg := gm.segs[s]
		if sg == nil {
			n := int(s.Count())
			sg = &segGroups{groups: make([]int32, n), unresolved: make([]uint32, n), resolvedAt: -1}
			for d := range n {
				sg.groups[d] = -1
				sg.unresolved[d] = uint32(d)
			}
		}
		sg = sg.resolved(t, ss)
		gm.segs[s] = sg
		out[i] = sg
	}
	dropped := false
	for s := range gm.segs {
		if !live[s] {
			delete(gm.segs, s)
			dropped = true
		}
	}
	if dropped {
		ix.postings.keepSegments(live)
	}
	return out
}
