package search

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// Ranking data lives in data files, not code: synonyms.txt maps citizens'
// words to official terms, intents.txt what they say happened or want to
// official actions, bestbets.txt pins items first for common queries,
// fillers.txt and stopwords.txt list question and filler words.

//go:embed data/synonyms.txt
var synonymsText string

//go:embed data/bestbets.txt
var bestBetsText string

//go:embed data/stopwords.txt
var stopwordsText string

//go:embed data/exclusions.txt
var exclusionsText string

//go:embed data/fillers.txt
var fillersText string

//go:embed data/intents.txt
var intentsText string

//go:embed data/enforcement.txt
var enforcementText string

// synonymRule maps one everyday phrase to the official terms added to a
// query as alternatives.
type synonymRule struct {
	phrase   string
	official []string
}

// intentRule maps everyday cues to official terms: it fires when every
// part has a cue in the query.
type intentRule struct {
	parts    [][]string // each part's cues, longest first
	official []string
}

type rules struct {
	synonyms []synonymRule       // longest phrase first
	intents  []intentRule        // in file order
	fillers  []string            // question and filler phrases, longest first
	enforce  []string            // cues of questions about enforcement
	byPinyin map[string]int      // joined syllables of a phrase → index in synonyms
	byInit   map[string]int      // initials of a phrase (3 letters or more) → index
	bestBets map[string][]string // normalized query → item names
	stop     map[string]bool
	exclude  map[string][]string // query word → longer words it must not match in
}

var rankingRules = sync.OnceValue(func() *rules {
	r := &rules{bestBets: map[string][]string{}, stop: map[string]bool{}, exclude: map[string][]string{},
		byPinyin: map[string]int{}, byInit: map[string]int{}}
	seen := map[string]int{}
	for _, line := range dataLines(synonymsText) {
		left, right, ok := strings.Cut(line, "=>")
		if !ok {
			panic("search/data/synonyms.txt: no => in: " + line)
		}
		official := splitList(right, ",")
		for _, p := range splitList(left, ",") {
			p = normalize(p)
			if i, dup := seen[p]; dup {
				r.synonyms[i].official = appendNew(r.synonyms[i].official, official...)
				continue
			}
			seen[p] = len(r.synonyms)
			r.synonyms = append(r.synonyms, synonymRule{phrase: p, official: official})
		}
	}
	sort.SliceStable(r.synonyms, func(i, j int) bool { return len(r.synonyms[i].phrase) > len(r.synonyms[j].phrase) })
	for _, line := range dataLines(bestBetsText) {
		left, right, ok := strings.Cut(line, "=>")
		if !ok {
			panic("search/data/bestbets.txt: no => in: " + line)
		}
		r.bestBets[normalize(strings.TrimSpace(left))] = splitList(right, "|")
	}
	for _, w := range dataLines(stopwordsText) {
		r.stop[w] = true
	}
	for _, w := range dataLines(enforcementText) {
		r.enforce = append(r.enforce, normalize(w))
	}
	for _, w := range dataLines(fillersText) {
		if w = normalize(w); len([]rune(w)) < 2 {
			panic("search/data/fillers.txt: a filler phrase has two characters or more: " + w)
		}
		r.fillers = append(r.fillers, w)
	}
	sort.SliceStable(r.fillers, func(i, j int) bool { return len(r.fillers[i]) > len(r.fillers[j]) })
	for _, line := range dataLines(intentsText) {
		left, right, ok := strings.Cut(line, "=>")
		if !ok {
			panic("search/data/intents.txt: no => in: " + line)
		}
		rule := intentRule{official: splitList(right, ",")}
		for _, part := range strings.Split(left, "+") {
			cues := splitList(normalize(part), "|")
			if len(cues) == 0 || len(rule.official) == 0 {
				panic("search/data/intents.txt: an empty part in: " + line)
			}
			sort.SliceStable(cues, func(i, j int) bool { return len(cues[i]) > len(cues[j]) })
			rule.parts = append(rule.parts, cues)
		}
		r.intents = append(r.intents, rule)
	}
	for _, line := range dataLines(exclusionsText) {
		left, right, ok := strings.Cut(line, "=>")
		if !ok {
			panic("search/data/exclusions.txt: no => in: " + line)
		}
		w := strings.TrimSpace(left)
		r.exclude[w] = append(r.exclude[w], splitList(right, ",")...)
	}
	// Everyday phrases typed in pinyin or with a homophone typo (yibao, 低宝)
	// find their rule by sound.
	for i, rule := range r.synonyms {
		syl := syllables(rule.phrase)
		if len(syl) < 2 || len(syl) != len([]rune(rule.phrase)) {
			continue
		}
		if _, dup := r.byPinyin[strings.Join(syl, "")]; !dup {
			r.byPinyin[strings.Join(syl, "")] = i
		}
		if ini := strings.Join(initials(syl), ""); len(ini) >= 3 {
			if _, dup := r.byInit[ini]; !dup {
				r.byInit[ini] = i
			}
		}
	}
	return r
})

// asksEnforcement reports whether a query is about enforcement.
func (r *rules) asksEnforcement(q string) bool {
	for _, c := range r.enforce {
		if strings.Contains(q, c) {
			return true
		}
	}
	return false
}

func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		found := false
		for _, have := range list {
			if have == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}
