package search

import (
	"cmp"
	"context"
	"math"
	"math/bits"
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
// as many cache misses as guides. A guide's entry keeps, for each group
// of the query, the best field that matched it, as a few bits: one entry
// of 24 bytes per guide, written once per field that finds it.
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
		w = getGradedWork(docs, len(base), len(t.Groups))
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
	maxStrict := 0.0
	for _, sg := range strict {
		w.strict[sg.group] = sg.score
		w.isStrict[sg.group] = true
		maxStrict = max(maxStrict, sg.score)
	}
	// Only a guide a full-weight word names (in its name or ask-phrases)
	// can be kept, or a strict match when the query is no question; the
	// others count only towards the best score.
	var fullWeight uint32 // bit gi×fieldBits: group gi is a full-weight word
	for gi := range w.weights {
		if p.weights[gi] >= weightWord {
			fullWeight |= 1 << (gi * fieldBits)
		}
	}
	// Segment by segment, shared out among idle cores when there are many
	// guides.
	var slots chan struct{}
	guides := 0
	for _, l := range w.accLists {
		guides += len(l)
	}
	if guides >= sharedGradedMinGuides {
		slots = ix.helperSlots()
	}
	_ = shareOut(slots, len(w.accLists), nil, func(_, si int) error {
		w.candidates(si, fullWeight, total, !p.asked)
		return nil
	})
	maxScore, bestCover := 0.0, 0.0
	for si := range w.accLists {
		maxScore, bestCover = max(maxScore, w.maxScore[si]), max(bestCover, w.bestCover[si])
	}
	var out []scoredGroup
	for _, d := range slices.Concat(w.cands...) {
		a := &w.accs[d]
		named, inName := a.fields&accNamed != 0, a.fields&accInName != 0
		if (named || !p.asked) && w.isStrict[a.group] && (!onlyNamed || inName) {
			out = append(out, scoredGroup{group: a.group, score: strictFirst + w.strict[a.group]/maxStrict})
			continue
		}
		c := a.cover / total
		if c < minCoverage || c < minShareOfBest*bestCover || !named || onlyNamed && !inName {
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

// sharedGradedMinGuides is the fewest guides graded matching noted for
// their candidates to be picked on idle cores too (see shareOut). (A
// variable so that the reference test shares its small ones.)
var sharedGradedMinGuides = 1 << 16

// candidates picks the guides of segment si that may be kept: those a
// full-weight word names (in their name or ask-phrases), whose coverage
// it sums, and with strictToo the strict matches. It notes the segment's
// best score and best coverage (of total).
func (w *gradedWorkspace) candidates(si int, fullWeight uint32, total float64, strictToo bool) {
	maxScore, bestCover := 0.0, 0.0
	cands := w.cands[si][:0]
	for _, d := range w.accLists[si] {
		a := &w.accs[d]
		maxScore = max(maxScore, a.score)
		if a.fields>>2&fullWeight != 0 { // a full-weight group matched in the name or the ask-phrases
			w.cover(a)
			bestCover = max(bestCover, a.cover/total)
			a.fields |= accNamed
			if a.fields>>2&^a.fields&fullWeight != 0 {
				a.fields |= accInName
			}
			cands = append(cands, d)
		} else if strictToo && w.isStrict[a.group] {
			cands = append(cands, d)
		}
	}
	w.cands[si], w.maxScore[si], w.bestCover[si] = cands, maxScore, bestCover
}

// gradedFields are the fields each group of a query is matched in, best
// first (not by sound: see correctSounds), how much a match counts, and
// the field's code in a guide's entry.
var gradedFields = [...]struct {
	fs    fieldSet
	cover float64
	code  uint32
}{{inName, coverName, codeName}, {inAsk, coverAsk, codeAsk}, {inFAQ, coverFAQ, codeFAQ}, {inBody, coverBody, codeBody}}

// A guide's entry notes, for each group gi of the query, the best field
// that matched it in bits gi×fieldBits and up, as a code: 0 when none did;
// the highest of the three bits is set for the name and the ask-phrases,
// the lowest then for the ask-phrases alone, so that which groups named a
// guide is read from all of them at once. The bits above the groups' are
// set once it is known whether a full-weight word of the query matched
// the name or the ask-phrases (accNamed), and the name (accInName).
const (
	codeBody   = 0b001
	codeFAQ    = 0b010
	codeName   = 0b100
	codeAsk    = 0b101
	fieldBits  = 3
	fieldMask  = 1<<fieldBits - 1
	groupsMask = 1<<(fieldBits*maxGradedGroups) - 1
	accNamed   = 1 << 30
	accInName  = 1 << 31
)

// coverOf is how much a match counts by its code.
var coverOf = func() (c [fieldMask + 1]float64) {
	for _, f := range gradedFields {
		c[f.code] = f.cover
	}
	return c
}()

// The groups' bits fit below accNamed.
var _ [30 - fieldBits*maxGradedGroups]struct{}

// gather matches each of groups in every field and notes in w.accs, by
// guide, the best field each group matched and the sum of their scores;
// it returns the query's total weight and the weights of its groups some
// guide has (known) or none has (unknown), and keeps each group's weight
// in w.weights.
func (w *gradedWorkspace) gather(e *evalSnapshot, base []int, p plan, groups [][]string) (total, known, unknown float64, err error) {
	n := float64(max(e.t.liveGroups, 1))
	w.weights = append(w.weights[:0], make([]float64, len(groups))...)
	for gi, g := range groups {
		guides := 0 // guides the group matches in any field
		best := 0.0 // the best coverage the group reaches in any guide
		for _, f := range gradedFields {
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
			per, err := e.eval(root, func(si int, m matches) {
				w.found[si], w.added[si] = w.addSegment(e, base[si], si, m, gi, f.code)
			})
			if err == nil {
				for si := range per {
					if w.found[si] {
						best = max(best, f.cover)
					}
					guides += w.added[si]
				}
			}
			e.release(per)
			if err != nil {
				return 0, 0, 0, err
			}
		}
		if guides == 0 {
			// A word no guide has tells nothing about which is meant, but a
			// real word of the language that no guide uses (屏幕, 英语) says
			// the question may be about something else.
			unknown += p.weights[gi] * unknownWeight(g[0])
			continue
		}
		known += p.weights[gi]
		// A group that matches many guides says less about which one is
		// meant; one found only in bodies can count only as much.
		w.weights[gi] = p.weights[gi] * math.Log(1+n/float64(guides))
		total += w.weights[gi] * best
	}
	return total, known, unknown, nil
}

// addSegment notes one field's matches of group gi in segment si, whose
// documents start at base: a guide the group did not match in a better
// field gets the field's code and adds its score. It reports whether the
// field matched a guide there, and how many guides it was the group's
// best field for. Different segments' matches are noted at once (see
// evalSnapshot.eval): each writes its own documents' entries and list.
func (w *gradedWorkspace) addSegment(e *evalSnapshot, base, si int, m matches, gi int, code uint32) (found bool, added int) {
	shift := uint(gi * fieldBits)
	groups := e.run.groups[si].groups
	list := w.accLists[si]
	for i, d := range m.docs {
		g := groups[d]
		if !e.live(g) {
			continue
		}
		found = true
		doc := int32(base) + int32(d)
		a := &w.accs[doc]
		if a.fields == 0 {
			a.group = g
			list = append(list, doc)
		}
		if a.fields>>shift&fieldMask == 0 {
			a.fields |= code << shift
			a.score += m.scores[i]
			added++
		}
	}
	w.accLists[si] = list
	return found, added
}

// cover sums what a guide covers of the query, group by group in the
// query's order.
func (w *gradedWorkspace) cover(a *gradedAcc) {
	a.cover = 0
	for f := a.fields & groupsMask; f != 0; {
		gi := bits.TrailingZeros32(f) / fieldBits
		shift := uint(gi * fieldBits)
		a.cover += w.weights[gi] * coverOf[f>>shift&fieldMask]
		f &^= fieldMask << shift
	}
}

// gradedAcc is what graded matching gathers of one guide.
type gradedAcc struct {
	score, cover float64
	fields       uint32 // see fieldBits
	group        int32
}

// gradedWorkspace holds graded matching's per-guide entries by document
// of the snapshot (see graded), strict and isStrict by group. A
// question's words may each match most guides of a varied catalogue, and
// maps of them cost more than the matching.
type gradedWorkspace struct {
	accs []gradedAcc
	// By segment: the documents with an entry, the guides that may be
	// kept, the best score and coverage among them, and whether the field
	// being noted matched a guide and for how many it was the best.
	accLists, cands     [][]int32
	maxScore, bestCover []float64
	found               []bool
	added               []int
	weights             []float64 // by group of the query
	strict              []float64
	isStrict            []bool
}

var gradedWork sync.Pool

// getGradedWork returns a cleared workspace for docs documents in segs
// segments and groups groups.
func getGradedWork(docs, segs, groups int) *gradedWorkspace {
	w, _ := gradedWork.Get().(*gradedWorkspace)
	if w == nil {
		w = &gradedWorkspace{}
	}
	if len(w.accs) < docs {
		w.accs = make([]gradedAcc, docs)
	}
	for len(w.accLists) < segs {
		w.accLists, w.cands = append(w.accLists, nil), append(w.cands, nil)
	}
	w.accLists, w.cands = w.accLists[:segs], w.cands[:segs]
	w.maxScore, w.bestCover = make([]float64, segs), make([]float64, segs)
	w.found, w.added = make([]bool, segs), make([]int, segs)
	if len(w.strict) < groups {
		w.strict, w.isStrict = make([]float64, groups), make([]bool, groups)
	}
	return w
}

// release clears what graded matching set and gives the workspace back.
func (w *gradedWorkspace) release(strict []scoredGroup) {
	for si, l := range w.accLists {
		for _, d := range l {
			w.accs[d] = gradedAcc{}
		}
		w.accLists[si], w.cands[si] = l[:0], w.cands[si][:0]
	}
	for _, sg := range strict {
		w.strict[sg.group], w.isStrict[sg.group] = 0, false
	}
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

// exOfficioTypes marks by type number the ex-officio types, whose groups
// rank lower for a query not about enforcement (see matchSet.scoreOf).
func (t *table) exOfficioTypes() []bool {
	exOfficio := make([]bool, len(t.Types.Vals))
	for i, typ := range t.Types.Vals {
		exOfficio[i] = !catalog.OnApplication(typ)
	}
	return exOfficio
}
