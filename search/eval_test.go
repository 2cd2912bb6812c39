package search

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	zap "github.com/blevesearch/zapx/v17"

	"zhinan/catalog"
)

// TestEvaluatorIsBleve holds the evaluator (eval.go) to bleve's own
// search: for every query text of the suites (judged relevance queries,
// the questions, the benchmark's query set and the reference queries) over
// the seed catalogue and over a varied catalogue, the query the plan makes
// and every per-field query of graded matching find the same groups with
// the same scores (to 1e-9 of the score) when the evaluator runs them as
// when bleve does over an index whose documents hold their names' fields
// (referenceIndex: the evaluator's index leaves them to the titles index);
// on the varied catalogue after the postings were warmed.
func TestEvaluatorIsBleve(t *testing.T) {
	texts := evalTestTexts(t)
	f := seedFixture(t)
	t.Run("seed", func(t *testing.T) { compareEvaluator(t, f.index, texts) })
	if testing.Short() {
		return
	}
	items := 1500
	if raceEnabled {
		items = 600
	}
	// In two segments (newRefFixture), which shared evaluations share out.
	defer func(n int64) { floorSegmentSize = n }(floorSegmentSize)
	floorSegmentSize = 100
	rf := newRefFixture(t, items, 7)
	// The varied catalogue's postings are warmed first (as Run does), so
	// that what is compared there is read from the warmed cache.
	rf.ix.warmPostings(context.Background())
	if n := rf.ix.postings.size(); n == 0 {
		t.Fatal("the warm-up decoded no postings")
	}
	t.Run("varied", func(t *testing.T) { compareEvaluator(t, rf.ix, texts) })
	// The same evaluations shared by the segments' runs on other cores
	// (shareOut): every query, whatever it reads, with a helper per
	// segment but the first while slots are free.
	t.Run("varied, shared", func(t *testing.T) {
		defer func(n uint64) { sharedEvalMinPostings = n }(sharedEvalMinPostings)
		sharedEvalMinPostings = 0
		rf.ix.mu.Lock()
		slots := rf.ix.evalSlots
		rf.ix.evalSlots = make(chan struct{}, 4)
		snap, err := rf.ix.snapshot()
		rf.ix.mu.Unlock()
		defer func() { rf.ix.mu.Lock(); rf.ix.evalSlots = slots; rf.ix.mu.Unlock() }()
		if err != nil {
			t.Fatal(err)
		}
		segs := len(snap.Segments())
		snap.Close()
		if segs < 2 {
			t.Fatalf("the varied index has %d segment: nothing to share", segs)
		}
		t.Logf("%d segments", segs)
		compareEvaluator(t, rf.ix, texts)
	})
}

// evalTestTexts gathers the query texts of every suite, each once.
func evalTestTexts(t *testing.T) []string {
	seen := map[string]bool{}
	var out []string
	add := func(q string) {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	for _, path := range []string{"testdata/relevance.jsonl", "testdata/questions.jsonl", "testdata/questions-tuning.jsonl", "testdata/questions-gd.jsonl"} {
		js, err := LoadJudgments(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			add(j.Q)
		}
	}
	lines, err := LoadQuerySet("testdata/bench-queries.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		add(l.Req.Q)
	}
	for _, q := range refQueries {
		add(q)
	}
	// What the plan makes of odd input: query syntax, Latin, digits,
	// repeated words (one conjunction child standing several times).
	for _, q := range []string{"+身份证 -护照", "\"结婚登记\"", "sfz", "gjj tiqu", "12345", "a", "身 份 证 补 办", "身份证 身份证 补办 身份证", "证明证明证明", "居民身份证居民身份证居民身份证"} {
		add(q)
	}
	return out
}

func compareEvaluator(t *testing.T, ix *Index, texts []string) {
	ctx := context.Background()
	ref := referenceIndex(t, ix)
	compared := 0
	for _, text := range texts {
		ix.mu.RLock()
		p := ix.parse(text)
		qs := map[string]query.Query{"text": textQuery(p)}
		for gi, g := range p.groups {
			for _, f := range []struct {
				name string
				fs   fieldSet
			}{{"name", inName}, {"ask", inAsk}, {"faq", inFAQ}, {"body", inBody}} {
				qs[fmt.Sprintf("group %d %s", gi, f.name)] = groupQuery(p, g, f.fs)
			}
		}
		for name, q := range qs {
			got, err := ix.evaluate(ctx, q)
			if err != nil {
				ix.mu.RUnlock()
				t.Fatalf("%q %s: evaluate: %v", text, name, err)
			}
			want, err := bleveGroups(ctx, ix, ref, q)
			if err != nil {
				ix.mu.RUnlock()
				t.Fatalf("%q %s: bleve: %v", text, name, err)
			}
			if msg := sameScoredGroups(got, want); msg != "" {
				t.Errorf("%q %s: the evaluator differs from bleve: %s", text, name, msg)
			}
			compared++
		}
		ix.mu.RUnlock()
	}
	t.Logf("%d query texts, %d queries compared", len(texts), compared)
}

// referenceIndex builds a bleve index of ix's published items as the
// index was built before the name fields went to the titles index: each
// group's document with its name's fields. bleve's own search over it is
// what the evaluator's results and scores are compared with.
func referenceIndex(t *testing.T, ix *Index) bleve.Index {
	t.Helper()
	ctx := context.Background()
	bi, err := bleve.NewUsing(filepath.Join(t.TempDir(), "reference"), newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, bleveConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bi.Close() })
	batch := bi.NewBatch()
	seen := map[groupID]bool{}
	ix.mu.RLock()
	err = ix.store.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
		gt := textOf(p, ix.regions.localDepartment(p.Region, p.Department))
		if seen[gt.id] {
			return nil
		}
		seen[gt.id] = true
		doc, text := makeNameFields(gt.title), makeDocument(gt)
		doc.Ask, doc.FAQ, doc.Body = text.Ask, text.FAQ, text.Body
		return batch.Index(gt.id.String(), doc)
	})
	ix.mu.RUnlock()
	if err == nil {
		err = bi.Batch(batch)
	}
	if err != nil {
		t.Fatal(err)
	}
	return bi
}

// bleveGroups runs q with bleve's own search over the reference index
// ref, every hit, as the search did before the evaluator.
func bleveGroups(ctx context.Context, ix *Index, ref bleve.Index, q query.Query) ([]scoredGroup, error) {
	t := ix.t
	sr := bleve.NewSearchRequestOptions(q, max(len(t.Groups), 1), 0, false)
	res, err := ref.SearchInContext(ctx, sr)
	if err != nil {
		return nil, err
	}
	var out []scoredGroup
	for _, h := range res.Hits {
		id, _ := parseGroupID([]byte(h.ID))
		if gi, ok := t.byGroup.find(t, id); ok && len(t.Groups[gi].Members) > 0 {
			out = append(out, scoredGroup{gi, h.Score})
		}
	}
	return out, nil
}

// sameScoredGroups compares two match lists as sets of groups with
// scores; "" when they agree.
func sameScoredGroups(got, want []scoredGroup) string {
	byGroup := func(s []scoredGroup) []scoredGroup {
		s = append([]scoredGroup(nil), s...)
		sort.Slice(s, func(i, j int) bool { return s[i].group < s[j].group })
		return s
	}
	g, w := byGroup(got), byGroup(want)
	if len(g) != len(w) {
		return fmt.Sprintf("%d groups, bleve %d", len(g), len(w))
	}
	for i := range g {
		if g[i].group != w[i].group {
			return fmt.Sprintf("group %d where bleve has %d", g[i].group, w[i].group)
		}
		if d := math.Abs(g[i].score - w[i].score); d > 1e-9*math.Max(1, math.Abs(w[i].score)) {
			return fmt.Sprintf("group %d scores %v, bleve %v", g[i].group, g[i].score, w[i].score)
		}
	}
	return ""
}

// TestEvaluatorFollowsCatchUp: once the index has caught up with new
// guides — a county's own wording of a known service (a new text bearing
// a known name) and a service of a new name — the evaluator, whose name
// index (titles.go) was made before, still finds what bleve finds with
// bleve's scores, and the new name is found by its name.
func TestEvaluatorFollowsCatchUp(t *testing.T) {
	st, dir, items := smallStore(t, 40)
	ix := openIndex(t, dir, st)
	texts := []string{items[0].Name, items[1].Name, items[2].Name, "身份证", "证明", "登记"}
	compareEvaluator(t, ix, texts)

	reworded := items[0]
	reworded.Code += "9"
	reworded.Conditions += "本县申请人另需提供村委会出具的说明。"
	renamed := items[1]
	renamed.Code += "9"
	renamed.Name = "古籍修复技艺传承人认定"
	// One change at a time: a new text of a known name (the name index
	// grows its group list only), then a new name.
	for _, it := range []catalog.Item{reworded, renamed} {
		importItems(t, st, it)
		if err := ix.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		compareEvaluator(t, ix, append(texts, renamed.Name, "古籍修复"))
	}
	if got := codes(t, ix, renamed.Name); len(got) == 0 || got[0] != renamed.Code {
		t.Errorf("%s: hits %v, want %s first", renamed.Name, got, renamed.Code)
	}
	res, err := ix.Search(context.Background(), Request{Q: items[0].Name, Group: GroupNone, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.Code)
	}
	if !contains(got, reworded.Code) || !contains(got, items[0].Code) {
		t.Errorf("%s, one row per item: hits %v lack %s or its reworded copy %s", items[0].Name, got, items[0].Code, reworded.Code)
	}
}

// TestTextTakenAgain: a guide's text is changed and then changed back, so
// that its first text's document is deleted from bleve and indexed again
// while the older segment, read by searches in between, still holds the
// deleted one. A search of the name finds the item once, and the
// evaluator still finds what bleve finds.
func TestTextTakenAgain(t *testing.T) {
	st, dir, items := smallStore(t, 12)
	ix := openIndex(t, dir, st)
	it := items[3]
	search := func(step string) {
		t.Helper()
		res, err := ix.Search(context.Background(), Request{Q: it.Name, Group: GroupNone, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range res.Hits {
			if h.Code == it.Code {
				n++
			}
		}
		if n != 1 || res.Total != len(res.Hits) {
			t.Errorf("%s: %s found %d times (want once), total %d for %d hits", step, it.Name, n, res.Total, len(res.Hits))
		}
		compareEvaluator(t, ix, []string{it.Name, "身份证"})
	}
	search("before")
	changed := it
	changed.Conditions += "本县申请人另需提供村委会出具的说明。"
	for i, v := range []catalog.Item{changed, it} {
		importItems(t, st, v)
		if err := ix.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		search(fmt.Sprintf("after change %d", i+1))
	}
}

// The norms and frequencies a decoded posting keeps are bleve's: √frequency
// × norm of every posting of every body term of the seed index, packed
// and wide, against what the zap posting gives, and the table against
// the square root for every length it holds.
func TestPostingNormIsBleves(t *testing.T) {
	for n, got := range normTable {
		if want := float32(1.0 / math.Sqrt(float64(n))); got != want && !(math.IsInf(float64(got), 1) && math.IsInf(float64(want), 1)) {
			t.Fatalf("norm of length %d: %v, want %v", n, got, want)
		}
	}
	f := seedFixture(t)
	ix := f.index
	snap := readSnapshot(t, ix)
	fast, all := 0, 0
	for _, ss := range snap.Segments() {
		dict, err := ss.Segment().Dictionary("body")
		if err != nil || dict == nil {
			t.Fatalf("body dictionary: %v", err)
		}
		it := dict.AutomatonIterator(nil, nil, nil)
		for de, err := it.Next(); de != nil && err == nil; de, err = it.Next() {
			pl, err := dict.PostingsList([]byte(de.Term), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var packed, wide decodedPostings
			var want []float64
			pi := pl.Iterator(true, true, false, nil)
			for p, err := pi.Next(); p != nil && err == nil; p, err = pi.Next() {
				all++
				if _, ok := p.(*zap.Posting); ok {
					fast++
				}
				packed.addPosting(p, 0)
				wide.addNorm(p.Number(), p.Frequency(), float32(p.Norm()), 0)
				want = append(want, math.Sqrt(float64(p.Frequency()))*p.Norm())
			}
			if packed.wide != nil && len(want) > 0 {
				t.Fatalf("term %q: the postings are not packed", de.Term)
			}
			for i, w := range want {
				if got, gotWide := packed.tfNorm(i), wide.tfNorm(i); got != w || gotWide != w {
					t.Fatalf("term %q, document %d: √frequency × norm %v packed, %v wide, want %v", de.Term, packed.docs[i], got, gotWide, w)
				}
			}
		}
	}
	if all == 0 || fast != all {
		t.Fatalf("%d of %d postings read by the table", fast, all)
	}
}
