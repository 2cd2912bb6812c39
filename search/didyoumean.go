package search

import (
	"strings"
	"unicode/utf8"
)

// maxDidYouMean is how many alternatives DidYouMean offers.
const maxDidYouMean = 5

// DidYouMean offers item names for a query that found nothing: names that
// sound like the query (same pinyin, so homophone typos), then the official
// terms of the everyday phrases the query contains.
func (ix *Index) DidYouMean(q string) []string {
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > MaxQueryRunes {
		return nil
	}
	q = strings.ReplaceAll(normalize(q), " ", "")
	if q == "" {
		return nil
	}
	var key string
	if isLatin(q) {
		key = q
	} else {
		key = strings.Join(syllables(q), "")
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(out) < maxDidYouMean {
			seen[s] = true
			out = append(out, s)
		}
	}
	if key != "" {
		for _, n := range ix.sug.snapshot() {
			if strings.Contains(n.pinyin, key) || isLatin(q) && strings.HasPrefix(n.initials, key) {
				add(n.name)
			}
		}
	}
	for _, rule := range rankingRules().synonyms {
		if strings.Contains(q, rule.phrase) {
			for _, o := range rule.official {
				add(o)
			}
		}
	}
	return out
}

// PopularNames are the item names the best bets pin for the most common
// queries, in file order: what citizens most often come for.
func PopularNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range dataLines(bestBetsText) {
		_, right, _ := strings.Cut(line, "=>")
		if names := splitList(right, "|"); len(names) > 0 && !seen[names[0]] {
			seen[names[0]] = true
			out = append(out, names[0])
		}
	}
	return out
}
