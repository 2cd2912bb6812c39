package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxSuggestions is the most names Suggest returns.
const MaxSuggestions = 10

// suggester completes item names from a prefix typed in characters, full
// pinyin or initials. It keeps the distinct names of the indexed items
// (few: the same item is implemented in many regions) with how many items
// bear each name.
type suggester struct {
	mu    sync.RWMutex
	names []suggestName // by name
	memo  map[string]suggestName
}

type suggestName struct {
	name     string
	norm     string
	pinyin   string // syllables joined without spaces
	initials string
	count    int
}

func newSuggester() *suggester { return &suggester{memo: map[string]suggestName{}} }

// reset replaces the names: name → how many items bear it.
func (s *suggester) reset(counts map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]suggestName, 0, len(counts))
	for n, c := range counts {
		sn, ok := s.memo[n]
		if !ok {
			syl := syllables(n)
			sn = suggestName{name: n, norm: normalize(n), pinyin: strings.Join(syl, ""), initials: strings.Join(initials(syl), "")}
			s.memo[n] = sn
		}
		sn.count = c
		names = append(names, sn)
	}
	if len(s.memo) > 2*len(counts)+1000 { // forget names no item bears
		clear(s.memo)
		for _, sn := range names {
			s.memo[sn.name] = sn
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].name < names[j].name })
	s.names = names
}

// snapshot returns the names; the slice is never modified.
func (s *suggester) snapshot() []suggestName {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.names
}

// Suggest returns up to MaxSuggestions item names for what the user has
// typed so far: names starting with it (in characters, full pinyin or
// initials) first, then names containing it; more common and shorter
// names first within each.
func (ix *Index) Suggest(_ context.Context, q string) ([]string, error) {
	if !utf8.ValidString(q) {
		return nil, &RequestError{"q", MsgQueryEncoding}
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryRunes {
		return nil, &RequestError{"q", fmt.Sprintf(MsgQueryTooLong, MaxQueryRunes, n)}
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
