package search

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"

	"github.com/go-ego/gse"
)

//go:embed data/dict.txt
var govDictText string

// govWordFreq is the frequency given to government terms without one, high
// enough that the segmenter prefers them to splits into ordinary words.
const govWordFreq = 50000

// segmenter is the Chinese word segmenter shared by indexing and queries.
// Loading its dictionary takes about a second, so it is loaded once.
var segmenter = sync.OnceValues(func() (*gse.Segmenter, error) {
	seg := &gse.Segmenter{SkipLog: true}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, err
	}
	for _, line := range dataLines(govDictText) {
		f := strings.Fields(line)
		freq := float64(govWordFreq)
		if len(f) > 1 {
			if v, err := strconv.ParseFloat(f[1], 64); err == nil {
				freq = v
			}
		}
		if err := seg.AddToken(f[0], freq); err != nil {
			return nil, err
		}
	}
	return seg, nil
})

// cutSearch splits text into words in search mode: every dictionary word
// and its dictionary sub-words (公积金 → 公积 积金 公积金), for indexing.
func cutSearch(seg *gse.Segmenter, text string) []string {
	return keepWords(seg.CutSearch(normalize(text), true))
}

// cutQuery splits a query into dictionary words, without guessing new
// words from character statistics: a question's odd pairs (我刚, 摆个)
// stay single characters rather than become words no guide has.
func cutQuery(seg *gse.Segmenter, text string) []string {
	return keepWords(seg.Cut(normalize(text), false))
}

// cutPrecise splits text into its most likely words, for the precise
// name field (and query alternatives matched against it).
func cutPrecise(seg *gse.Segmenter, text string) []string {
	return keepWords(seg.Cut(normalize(text), true))
}

// keepWords drops tokens that are only punctuation or spaces.
func keepWords(toks []string) []string {
	out := toks[:0]
	for _, t := range toks {
		t = strings.TrimSpace(t)
		if t == "" || !hasWordRune(t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// memoSize bounds a memo; a full memo starts over. Keys longer than
// memoMaxKey bytes are not kept.
const (
	memoSize   = 1 << 14
	memoMaxKey = 256
)

// memo caches a pure function of a string, for index-time text work that
// repeats (item names). It is safe for concurrent use; the zero value is
// ready.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (c *memo[V]) get(k string, f func(string) V) V {
	if len(k) > memoMaxKey {
		return f(k)
	}
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = f(k)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= memoSize {
		c.m = make(map[string]V, 256)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}
