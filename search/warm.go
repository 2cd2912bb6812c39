package search

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Warm reads what the first searches of a generation would otherwise
// wait for: the typo vocabulary (warmVocabulary), each segment's groups
// and the index of the names (warmLookups), and the postings of the
// catalogue's most frequent terms (warmPostings). At a million items the
// first three took the first search of a name a second. Run calls Warm
// in the background whenever a generation becomes live; a caller that
// searches without Run (the benchmark's in-process part) calls it to
// search as a server does.
func (ix *Index) Warm(ctx context.Context) {
	ix.warmVocabulary()
	ix.warmLookups()
	ix.warmPostings(ctx)
}

// warmVocabulary reads the live generation's typo vocabulary when it has
// none yet, so that the first search a typo check reaches does not wait
// for the reading (0.2 s at a million items).
func (ix *Index) warmVocabulary() {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi != nil && ix.t != nil {
		ix.vocabulary()
	}
}

// warmLookups prepares what every search of the live generation reads:
// the groups of each segment's documents (segmentGroups), the postings
// index of the names (titles), the items by region (regionRows) and the
// services' totals (serviceTotals).
func (ix *Index) warmLookups() {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil || ix.t == nil {
		return
	}
	// A damaged index is found and reported by the searches.
	_ = guard("warm the search index", func() error {
		if _, err := ix.titles(ix.t, ix.bi.Mapping()); err != nil {
			return err
		}
		snap, err := ix.snapshot()
		if err != nil {
			return err
		}
		defer snap.Close()
		ix.segmentGroups(snap.Segments())
		ix.regionRows(ix.t)
		ix.serviceTotals(ix.t, ix.regionsAbove(ix.t))
		return nil
	})
}

// Warming the postings cache. The first search of a broad word reads its
// postings from the segment's compressed form, which on a catalogue where
// every guide is its own text is most of what that search costs. When a
// generation becomes live, Run decodes the postings of the catalogue's
// most frequent terms into the cache, most frequent first, until
// warmShare of its budget is used; searches find them decoded from then
// on, and the rest of the budget is left to the words searches bring.

// warmShare is the share of the postings cache the warm-up fills.
const warmShare = 0.5

// warmMinDocs is the fewest documents a term is in for the warm-up to
// decode it, at least: a rare term is cheap to read when asked for.
const warmMinDocs = 32

// warmFields are the fields whose terms are warmed: those of the
// documents (the name fields are in the titles index, titles.go).
var warmFields = []string{"body", "ask", "faq"}

// warmSampleDocs is the fewest live documents of the segment whose terms
// stand for the index's when the warm-up chooses what to decode.
const warmSampleDocs = 20_000

// warmSample returns the segments whose dictionaries choose the terms the
// warm-up decodes, and the factor that scales their document counts to
// the whole index's. Counting a term's documents reads its postings: done
// for every term of every segment, it read (and kept mapped) 870 MB of
// the index at a million items, to decode the few terms the cache holds.
// The smallest segment with warmSampleDocs live documents or more is a
// sample large enough to tell which terms most guides have; an index with
// no such segment is small, and read whole.
func warmSample(segs []*scorch.SegmentSnapshot) ([]*scorch.SegmentSnapshot, float64) {
	counts := make([]uint64, len(segs))
	for i, ss := range segs {
		counts[i] = ss.Count()
	}
	i, scale := sampleSegment(counts)
	if i < 0 {
		return segs, 1
	}
	return segs[i : i+1], scale
}

// sampleSegment returns which of the segments of counts live documents
// warmSample reads and the factor to scale its counts by, or -1 (and 1)
// when none holds warmSampleDocs.
func sampleSegment(counts []uint64) (int, float64) {
	var all uint64
	pick := -1
	for i, n := range counts {
		all += n
		if n >= warmSampleDocs && (pick < 0 || n < counts[pick]) {
			pick = i
		}
	}
	if pick < 0 {
		return -1, 1
	}
	return pick, float64(all) / float64(counts[pick])
}

// warmPostings warms the postings cache for the live generation. It holds
// ix.mu for reading one field's dictionary or one term at a time, and
// stops when the generation is replaced, the index closes or ctx ends.
func (ix *Index) warmPostings(ctx context.Context) {
	start := time.Now()
	type candidate struct {
		field, term string
		docs        uint64
	}
	var cands []candidate
	var gen string
	for _, field := range warmFields {
		ix.mu.RLock()
		if ix.bi == nil || gen != "" && ix.gen != gen {
			ix.mu.RUnlock()
			return
		}
		gen = ix.gen
		err := guard("warm the search index", func() error {
			snap, err := ix.snapshot()
			if err != nil {
				return err
			}
			defer snap.Close()
			sample, scale := warmSample(snap.Segments())
			least := float64(max(warmMinDocs, ix.t.live/1000))
			return segmentsTerms(sample, field, func(string) bool { return true }, func(term string, docs uint64) {
				if est := float64(docs) * scale; est >= least {
					cands = append(cands, candidate{field, term, uint64(est)})
				}
			})
		})
		ix.mu.RUnlock()
		if err != nil {
			return // a damaged index is found and reported by the searches
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.docs, a.docs), cmp.Compare(a.field, b.field), cmp.Compare(a.term, b.term))
	})
	limit := int(float64(ix.postings.budget) * warmShare)
	warmed := 0
	for _, c := range cands {
		if ctx.Err() != nil || ix.postings.size() >= limit {
			break
		}
		ix.mu.RLock()
		if ix.bi == nil || ix.gen != gen {
			ix.mu.RUnlock()
			return
		}
		err := guard("warm the search index", func() error {
			snap, err := ix.snapshot()
			if err != nil {
				return err
			}
			defer snap.Close()
			run := ix.newRun(ctx, snap)
			defer run.done()
			for si := range run.segs {
				if _, err := run.decoded(si, c.field, []byte(c.term), phraseFields[c.field]); err != nil {
					return err
				}
			}
			return nil
		})
		ix.mu.RUnlock()
		if err != nil {
			return
		}
		warmed++
	}
	slog.Info("search postings warmed", "terms", warmed, "MiB", ix.postings.size()>>20, "took", time.Since(start).Round(time.Millisecond))
}
