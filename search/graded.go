package search

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/search/query"

	"zhinan/catalog"
)

// Graded matching. Strict matching needs every group of a query to match;
// a question with one word no guide uses ("孩子出生后要办哪些事" when no
// guide says 事) then finds nothing. When strict matching finds fewer
// services than a page, the groups are matched one by one and the guides
// are ranked by how much of the query's meaning they cover: a group
// counts fully when it matches the name, less in the ask-phrases, less in
// the FAQ questions, least in the body; a group that many guides match counts less than a
// rare one, and a group found only in bodies can count only as much as it
// does there. Words no guide has count for nothing. Guides covering less
// than minCoverage, or matching no word of the query in their name or
// ask-phrases (FAQ questions and bodies are long texts with many an
// incidental word: 手机, 拍照), are left out, so that nonsense still finds
// nothing.
const (
	// coverName, coverAsk, coverFAQ and coverBody are how much a group
	// counts when it matches in the name, the ask-phrases, the FAQ
	// questions, or only the body.
	coverName = 1.0
	coverAsk  = 0.8
	coverFAQ  = 0.6
	coverBody = 0.35
	// minCoverage is the least share of the query a graded match covers,
	// and minShareOfBest the least share of what the best match covers.
	minCoverage    = 0.35
	minShareOfBest = 0.7
	// minKnownShare is the least share of a query's words (by weight) that
	// some guide has for a guide to be found by its ask-phrases: a question
	// mostly about other things (手机屏幕碎了在哪修) is not one for the
	// catalogue unless it names a service.
	minKnownShare = 0.5
	// maxGradedGroups bounds the groups matched one by one.
	maxGradedGroups = 8
	// gradedMinNames: strict matching with fewer distinct names than this
	// is completed by graded matching.
	gradedMinNames = DefaultSize
)

// needsGrading reports whether strict matching found too little.
func (t *table) needsGrading(p plan, strict []scoredGroup) bool {
	if len(p.groups) == 0 || len(p.pins) > 0 {
		return false
	}
	names := map[string]bool{}
	for _, sg := range strict {
		if len(t.Groups[sg.group].Members) == 0 {
			continue // a document whose deletion has not reached bleve yet
		}
		names[t.Groups[sg.group].Title] = true
		if len(names) >= gradedMinNames {
			return false
		}
	}
	return true
}

// graded matches the groups of p one by one and returns the guides that
// cover enough of the query: first those strict matching found (in its
// order), then the others, best covered first (the score is the share
// covered plus a fraction for the text score, so that coverage decides).
// A strict match too is left out when no word of a question is in its
// name or ask-phrases; a bare term (a material) finds guides by their body.
//
// The per-field queries read one snapshot, and what they find is gathered
// by document in the snapshot's numbering (docBase), not by group: each
// query's matches come segment by segment in document order, so the
// workspace is read and written in order, while a segment's documents lie
// in no particular order of groups (bleve writes a batch in the order its
// analysis finishes). A common word of a varied catalogue (证明 in half a
// million bodies at a million items) is then a sweep through memory, not
// as many cache misses as guides.
func (ix *Index) graded(ctx context.Context, p plan, strict []scoredGroup) ([]scoredGroup, error) {
	t := ix.t
	groups := p.groups[:min(len(p.groups), maxGradedGroups)]
	var w *gradedWorkspace
	var total, known, unknown float64
	err := ix.reading(func() error {
		e, err := ix.openEval(ctx)
		if err != nil {
			return err
		}
		defer e.close()
		base, docs := e.docBase()
		w = getGradedWork(docs, len(t.Groups))
		total, known, unknown, err = w.gather(e, base, p, groups)
		return err
	})
	if w != nil {
		defer w.release(strict)
	}
	if err != nil || total == 0 {
		return nil, err
	}
	// A question mostly about things no guide speaks of finds only guides
	// whose name it names.
	onlyNamed := known < minKnownShare*(known+unknown)
	maxScore, bestCover := 0.0, 0.0
	for _, d := range w.accList {
		a := &w.accs[d]
		maxScore = max(maxScore, a.score)
		if a.named {
			bestCover = max(bestCover, a.cover/total)
		}
	}
	maxStrict := 0.0
	for _, sg := range strict {
		w.strict[sg.group] = sg.score
		w.isStrict[sg.group] = true
		maxStrict = max(maxStrict, sg.score)
	}
	var out []scoredGroup
	for _, d := range w.accList {
		a := &w.accs[d]
		if (a.named || !p.asked) && w.isStrict[a.group] && (!onlyNamed || a.inName) {
			out = append(out, scoredGroup{group: a.group, score: strictFirst + w.strict[a.group]/maxStrict})
			continue
		}
		c := a.cover / total
		if c < minCoverage || c < minShareOfBest*bestCover || !a.named || onlyNamed && !a.inName {
			continue
		}
		out = append(out, scoredGroup{group: a.group, score: c + textShare*a.score/maxScore})
	}
	slices.SortFunc(out, func(a, b scoredGroup) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.group, b.group)
	})
	return out, nil
}

// gather matches each of groups in every field and adds what each guide
// covers into w.accs; it returns the query's total weight and the weights
// of its groups some guide has (known) or none has (unknown).
func (w *gradedWorkspace) gather(e *evalSnapshot, base []int, p plan, groups [][]string) (total, known, unknown float64, err error) {
	n := float64(max(e.t.liveGroups, 1))
	for gi, g := range groups {
		w.hitList = w.hitList[:0]
		best := 0.0 // the best coverage the group reaches in any guide
		for _, f := range []struct {
			fs    fieldSet
			cover float64
		}{{inName, coverName}, {inAsk, coverAsk}, {inFAQ, coverFAQ}, {inBody, coverBody}} { // not by sound: see correctSounds
			q := groupQuery(p, g, f.fs)
			if _, none := q.(*query.MatchNoneQuery); none {
				continue
			}
			root, err := compileQuery(q, e.mapping)
			if err != nil {
				return 0, 0, 0, err
			}
			if root.kind == nodeNone {
				continue
			}
			per, err := e.eval(root)
			if err == nil && w.addField(e, base, per, f.cover) {
				best = max(best, f.cover)
			}
			e.release(per)
			if err != nil {
				return 0, 0, 0, err
			}
		}
		if len(w.hitList) == 0 {
			// A word no guide has tells nothing about which is meant, but a
			// real word of the language that no guide uses (屏幕, 英语) says
			// the question may be about something else.
			unknown += p.weights[gi] * unknownWeight(g[0])
			continue
		}
		known += p.weights[gi]
		// A group that matches many guides says less about which one is
		// meant; one found only in bodies can count only as much.
		wt := p.weights[gi] * math.Log(1+n/float64(len(w.hitList)))
		total += wt * best
		for _, d := range w.hitList {
			h := w.hits[d]
			w.hits[d] = fieldHit{}
			a := &w.accs[d]
			if !a.seen {
				a.seen, a.group = true, h.group
				w.accList = append(w.accList, d)
			}
			a.cover += wt * h.cover
			a.score += h.score
			if h.cover >= coverAsk && p.weights[gi] >= weightWord {
				a.named = true
				a.inName = a.inName || h.cover == coverName
			}
		}
	}
	return total, known, unknown, nil
}

// addField records one field's matches of the group at hand (the fields
// come best first): for each guide the best field it matched in, with
// that field's score. It reports whether the field matched a guide.
func (w *gradedWorkspace) addField(e *evalSnapshot, base []int, per []matches, cover float64) bool {
	found := false
	for si, m := range per {
		groups := e.run.groups[si].groups
		b := int32(base[si])
		for i, d := range m.docs {
			gi := groups[d]
			if !e.live(gi) {
				continue
			}
			found = true
			doc := b + int32(d)
			have := &w.hits[doc]
			if !have.seen {
				w.hitList = append(w.hitList, doc)
				*have = fieldHit{cover: cover, score: m.scores[i], group: gi, seen: true}
			} else if have.cover < cover {
				have.cover, have.score = cover, max(have.score, m.scores[i])
			}
		}
	}
	return found
}

// gradedAcc is what graded matching gathers of one guide.
type gradedAcc struct {
	cover, score float64
	group        int32
	named        bool // a word or a rule matched the name or the ask-phrases
	inName       bool // a word or a rule matched the name
	seen         bool
}

// gradedWorkspace holds graded matching's per-guide lists: hits and accs
// by document of the snapshot (see graded), strict and isStrict by group.
// A question's words may each match most guides of a varied catalogue,
// and maps of them cost more than the matching.
type gradedWorkspace struct {
	hits     []fieldHit
	hitList  []int32
	accs     []gradedAcc
	accList  []int32
	strict   []float64
	isStrict []bool
}

var gradedWork sync.Pool

// getGradedWork returns a cleared workspace for docs documents and groups
// groups.
func getGradedWork(docs, groups int) *gradedWorkspace {
	w, _ := gradedWork.Get().(*gradedWorkspace)
	if w == nil {
		w = &gradedWorkspace{}
	}
	if len(w.hits) < docs {
		w.hits, w.accs = make([]fieldHit, docs), make([]gradedAcc, docs)
	}
	if len(w.strict) < groups {
		w.strict, w.isStrict = make([]float64, groups), make([]bool, groups)
	}
	return w
}

// release clears what graded matching set (hits are cleared as they are
// read) and gives the workspace back.
func (w *gradedWorkspace) release(strict []scoredGroup) {
	for _, d := range w.accList {
		w.accs[d] = gradedAcc{}
	}
	for _, d := range w.hitList {
		w.hits[d] = fieldHit{}
	}
	for _, sg := range strict {
		w.strict[sg.group], w.isStrict[sg.group] = 0, false
	}
	w.accList, w.hitList = w.accList[:0], w.hitList[:0]
	gradedWork.Put(w)
}

// textShare is how much the text score adds to a graded match's coverage:
// it orders guides that cover the query alike.
const textShare = 0.3

// strictFirst lifts the scores of strict matches above every graded one
// (whose scores stay below 1 + textShare).
const strictFirst = 2

// unknownWeight is how much a word no guide has counts in the share of
// known words: a word of the dictionary fully, other runs of characters
// (一个多月, typos no correction found) half, since questions carry them.
func unknownWeight(w string) float64 {
	seg, _ := segmenter()
	if _, _, ok := seg.Find(w); ok {
		return 1
	}
	return 0.5
}

// exOfficioWeight scales the scores of ex-officio items (处罚, 强制, 检查,
// 征收) for questions that are not about enforcement (see
// data/enforcement.txt): citizens apply for services.
const exOfficioWeight = 0.6

// lowerExOfficio ranks the ex-officio groups of a match lower.
func (t *table) lowerExOfficio(groups []scoredGroup) {
	exOfficio := make([]bool, len(t.Types.Vals))
	for i, typ := range t.Types.Vals {
		exOfficio[i] = !catalog.OnApplication(typ)
	}
	for i := range groups {
		if exOfficio[t.Groups[groups[i].group].Type] {
			groups[i].score *= exOfficioWeight
		}
	}
}

// fieldHit is how a guide matched one group: the best field's coverage
// and the text score.
type fieldHit struct {
	cover, score float64
	group        int32
	seen         bool
}
