package search

import (
	"context"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
)

// MaxSuggestions is the most names Suggest returns.
const MaxSuggestions = 10

// suggester completes item names from a prefix typed in characters, full
// pinyin or initials. It keeps the distinct names of the indexed items
// (few: the same item is implemented in many regions) with how many items
// bear each name.
type suggester struct {
	mu     sync.RWMutex
	byCode map[string]string // item code → name
	count  map[string]int    // name → items
	dirty  bool
	names  []suggestName // built lazily from count
}

type suggestName struct {
	name     string
	norm     string
	pinyin   string // syllables joined without spaces
	initials string
	count    int
}

func newSuggester() *suggester {
	return &suggester{byCode: map[string]string{}, count: map[string]int{}}
}

func (s *suggester) add(code, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byCode[code]; ok {
		if old == name {
			return
		}
		s.dec(old)
	}
	s.byCode[code] = name
	s.count[name]++
	s.dirty = true
}

func (s *suggester) remove(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byCode[code]; ok {
		s.dec(old)
		delete(s.byCode, code)
		s.dirty = true
	}
}

func (s *suggester) dec(name string) {
	if s.count[name]--; s.count[name] <= 0 {
		delete(s.count, name)
	}
}

// loadSuggestions reads every indexed item's name and region from the
// index: the names feed suggestions, the regions the region detection.
func (ix *Index) loadSuggestions() error {
	ix.mu.RLock()
	bi := ix.bi
	ix.mu.RUnlock()
	sug := newSuggester()
	const page = 10000
	after := []string{""}
	for {
		sr := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
		sr.Fields = []string{"title", "region"}
		sr.SortBy([]string{"_id"})
		if after[0] != "" {
			sr.SetSearchAfter(after)
		}
		res, err := bi.Search(sr)
		if err != nil {
			return err
		}
		ix.regions.mu.Lock()
		for _, h := range res.Hits {
			name, _ := h.Fields["title"].(string)
			sug.add(h.ID, name)
			if region, _ := h.Fields["region"].(string); region != "" {
				ix.regions.used[region] = true
			}
		}
		ix.regions.rebuildNames()
		ix.regions.mu.Unlock()
		if len(res.Hits) < page {
			break
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
	ix.sug = sug
	return nil
}

// build recomputes the name list when names changed.
func (s *suggester) snapshot() []suggestName {
	s.mu.RLock()
	if !s.dirty && s.names != nil {
		defer s.mu.RUnlock()
		return s.names
	}
	s.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]suggestName, 0, len(s.count))
	for n, c := range s.count {
		syl := syllables(n)
		names = append(names, suggestName{name: n, norm: normalize(n), pinyin: strings.Join(syl, ""),
			initials: strings.Join(initials(syl), ""), count: c})
	}
	sort.Slice(names, func(i, j int) bool { return names[i].name < names[j].name })
	s.names, s.dirty = names, false
	return names
}

// Suggest returns up to MaxSuggestions item names for what the user has
// typed so far: names starting with it (in characters, full pinyin or
// initials) first, then names containing it; more common and shorter
// names first within each.
func (ix *Index) Suggest(_ context.Context, q string) ([]string, error) {
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > MaxQueryRunes {
		return nil, &RequestError{"q", MsgQueryEncoding}
	}
	q = strings.ReplaceAll(normalize(strings.TrimSpace(q)), " ", "")
	if q == "" {
		return []string{}, nil
	}
	latin := isLatin(q)
	type cand struct {
		n    suggestName
		rank int
	}
	var cands []cand
	for _, n := range ix.sug.snapshot() {
		rank := -1
		switch {
		case !latin && strings.HasPrefix(n.norm, q):
			rank = 0
		case latin && (strings.HasPrefix(n.pinyin, q) || strings.HasPrefix(n.initials, q)):
			rank = 0
		case !latin && strings.Contains(n.norm, q):
			rank = 1
		case latin && (strings.Contains(n.pinyin, q) || strings.Contains(n.initials, q)):
			rank = 1
		}
		if rank >= 0 {
			cands = append(cands, cand{n, rank})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.n.count != b.n.count {
			return a.n.count > b.n.count
		}
		if la, lb := utf8.RuneCountInString(a.n.name), utf8.RuneCountInString(b.n.name); la != lb {
			return la < lb
		}
		return a.n.name < b.n.name
	})
	out := make([]string, 0, MaxSuggestions)
	for _, c := range cands {
		if len(out) == MaxSuggestions {
			break
		}
		out = append(out, c.n.name)
	}
	return out, nil
}
