package search

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
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
	// some guide has: a question mostly about other things (明朝一共有几个皇帝)
	// is not one for the catalogue.
	minKnownShare = 0.5
	// unknownWeight is how much a word no guide has counts in that share:
	// less than a known one, since questions carry everyday words.
	unknownWeight = 0.5
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
// A strict match too is left out when no word of the query is in its name
// or ask-phrases.
func (ix *Index) graded(ctx context.Context, p plan, strict []scoredGroup) ([]scoredGroup, error) {
	t := ix.t
	type acc struct {
		cover, score float64
		named        bool // a word or a rule matched the name or the ask-phrases
	}
	docs := map[int32]*acc{}
	groups := p.groups[:min(len(p.groups), maxGradedGroups)]
	total, typed, known := 0.0, 0.0, 0.0
	n := float64(max(len(t.Groups), 1))
	for gi, g := range groups {
		hits := map[int32]fieldHit{}
		best := 0.0 // the best coverage the group reaches in any guide
		for _, f := range []struct {
			fs    fieldSet
			cover float64
		}{{inName, coverName}, {inAsk, coverAsk}, {inFAQ, coverFAQ}, {inBody, coverBody}} { // not by sound: see correctSounds
			q := groupQuery(g, f.fs)
			if _, none := q.(*query.MatchNoneQuery); none {
				continue
			}
			sr := bleve.NewSearchRequestOptions(q, len(t.Groups), 0, false)
			res, err := ix.bi.SearchInContext(ctx, sr)
			if err != nil {
				return nil, err
			}
			for _, h := range res.Hits {
				d, ok := t.byGroup[h.ID]
				if !ok {
					continue
				}
				best = max(best, f.cover)
				if have, seen := hits[d]; !seen || have.cover < f.cover {
					hits[d] = fieldHit{cover: f.cover, score: max(have.score, h.Score)}
				}
			}
		}
		typed += p.weights[gi]
		if len(hits) == 0 {
			continue // a word no guide has tells nothing about which is meant
		}
		known += p.weights[gi]
		// A group that matches many guides says less about which one is
		// meant; one found only in bodies can count only as much.
		w := p.weights[gi] * math.Log(1+n/float64(len(hits)))
		total += w * best
		for d, h := range hits {
			a := docs[d]
			if a == nil {
				a = &acc{}
				docs[d] = a
			}
			a.cover += w * h.cover
			a.score += h.score
			if h.cover >= coverAsk && p.weights[gi] >= weightWord {
				a.named = true
			}
		}
	}
	if total == 0 || known < minKnownShare*(known+unknownWeight*(typed-known)) {
		return nil, nil
	}
	maxScore := 0.0
	for _, a := range docs {
		maxScore = max(maxScore, a.score)
	}
	bestCover := 0.0
	for _, a := range docs {
		if a.named {
			bestCover = max(bestCover, a.cover/total)
		}
	}
	strictScore := map[int32]float64{}
	maxStrict := 0.0
	for _, sg := range strict {
		strictScore[sg.group] = sg.score
		maxStrict = max(maxStrict, sg.score)
	}
	var out []scoredGroup
	for d, a := range docs {
		if s, ok := strictScore[d]; ok && a.named {
			out = append(out, scoredGroup{group: d, score: strictFirst + s/maxStrict})
			continue
		}
		c := a.cover / total
		if c < minCoverage || c < minShareOfBest*bestCover || !a.named {
			continue
		}
		out = append(out, scoredGroup{group: d, score: c + 0.1*a.score/maxScore})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].group < out[j].group
	})
	return out, nil
}

// strictFirst lifts the scores of strict matches above every graded one
// (whose scores stay below 1.1).
const strictFirst = 2

// fieldHit is how a guide matched one group: the best field's coverage
// and the text score.
type fieldHit struct{ cover, score float64 }
