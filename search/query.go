package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Named limits of a search request.
const (
	MaxQueryRunes = 200 // longest query accepted
	DefaultSize   = 10  // hits per page when size is not given
	MaxSize       = 50  // most hits per page
	MaxPage       = 100 // deepest page
	MaxFlags      = 9   // most flag filters (there are 9 classifications)
	MaxFilterLen  = 100 // longest filter value
)

// Request is one search: a query in everyday words (empty browses) and
// filters. Region includes the region's children.
type Request struct {
	Q          string
	Region     string
	Department string
	Type       string
	Audience   string
	Theme      string
	Flags      []string
	// Prefer ranks the items of this region first among equally relevant
	// ones, without filtering (the site's own city when no region is chosen),
	// unless the query names a region itself.
	Prefer string
	Page   int // 1-based; 0 means 1
	Size   int // 0 means DefaultSize
}

// RequestError is a request the search refuses: which parameter and why,
// in Chinese. The web layer answers it with 400.
type RequestError struct {
	Field   string
	Message string
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Message }

// Validate checks a request against the named limits and fills defaults.
func (r *Request) Validate() error {
	if !utf8.ValidString(r.Q) {
		return &RequestError{"q", MsgQueryEncoding}
	}
	for _, c := range r.Q {
		if unicode.IsControl(c) {
			return &RequestError{"q", MsgQueryControl}
		}
	}
	if n := utf8.RuneCountInString(r.Q); n > MaxQueryRunes {
		return &RequestError{"q", fmt.Sprintf(MsgQueryTooLong, MaxQueryRunes, n)}
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.Page < 1 || r.Page > MaxPage {
		return &RequestError{"page", fmt.Sprintf(MsgPageRange, MaxPage)}
	}
	if r.Size < 1 || r.Size > MaxSize {
		return &RequestError{"size", fmt.Sprintf(MsgSizeRange, MaxSize)}
	}
	if len(r.Flags) > MaxFlags {
		return &RequestError{"flag", fmt.Sprintf(MsgTooManyFlags, MaxFlags)}
	}
	for _, f := range append([]string{r.Region, r.Department, r.Type, r.Audience, r.Theme, r.Prefer}, r.Flags...) {
		if !utf8.ValidString(f) || utf8.RuneCountInString(f) > MaxFilterLen {
			return &RequestError{"filter", MsgFilterInvalid}
		}
	}
	return nil
}

// plan is a parsed query: groups of alternatives that must all match,
// plus the hints that only rank.
type plan struct {
	text   string     // the normalized query without region and filler words
	exact  string     // the whole query as an exact-name key
	groups [][]string // every group must match; any alternative of a group does
	region string     // a region named in the query
	pins   []string   // best-bet item names
	browse bool       // empty query
	none   bool       // a query with nothing searchable in it (only punctuation)
}

// syntaxChars are characters of bleve's query language; zhinan never
// parses the query language, and treats them as spaces.
const syntaxChars = `+-:*"~^()[]{}!\/?&|<>=,.;，。；：！？、（）【】《》“”‘’`

// spaced replaces syntax characters and spaces of a normalized text by
// single spaces.
func spaced(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(syntaxChars, r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// exactKey is what an item name is matched as a whole by: normalized,
// without punctuation and spaces, so that 住房公积金提取（购房） is typed as
// 住房公积金提取购房 and names that differ only in brackets are one name.
func exactKey(s string) string { return strings.ReplaceAll(spaced(normalize(s)), " ", "") }

// parse turns a query into a plan.
func (ix *Index) parse(q string) plan {
	q = normalize(q)
	typed := strings.TrimSpace(q) != ""
	q = spaced(q)
	if q == "" {
		// Only punctuation or query syntax is searched as text, and no
		// item name is made of it; an empty query browses.
		return plan{browse: !typed, none: typed}
	}
	p := plan{exact: strings.ReplaceAll(q, " ", "")}
	rules := rankingRules()
	if bb, ok := rules.bestBets[strings.ReplaceAll(q, " ", "")]; ok {
		p.pins = bb
	}
	p.region, q = ix.regions.detect(q)

	seg, _ := segmenter()
	var groups [][]string
	var words []string
	addRule := func(phrase string, i int) {
		groups = append(groups, append([]string{phrase}, rules.synonyms[i].official...))
		words = append(words, phrase)
	}
	// Everyday phrases become groups with their official alternatives.
	rest := q
	for i, rule := range rules.synonyms {
		for {
			at := strings.Index(rest, rule.phrase)
			if at < 0 {
				break
			}
			addRule(rule.phrase, i)
			rest = rest[:at] + " " + rest[at+len(rule.phrase):]
		}
	}
	var plain []string
	for _, field := range strings.Fields(rest) {
		// An everyday phrase in pinyin, initials or with a homophone typo.
		if i, ok := ruleBySound(rules, field); ok {
			addRule(field, i)
			continue
		}
		if isLatin(field) {
			plain = append(plain, field)
			continue
		}
		plain = append(plain, cutPrecise(seg, field)...)
	}
	var kept []string
	for _, w := range plain {
		if !rules.stop[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 && len(groups) == 0 {
		kept = plain // nothing but filler words: search for them
	}
	for _, w := range kept {
		groups = append(groups, []string{w})
		words = append(words, w)
	}
	p.groups = groups
	p.text = strings.Join(words, "")
	return p
}

// ruleBySound finds the synonym rule whose phrase sounds like field.
func ruleBySound(r *rules, field string) (int, bool) {
	if isLatin(field) {
		if syl, ok := splitPinyin(field); ok {
			if i, ok := r.byPinyin[strings.Join(syl, "")]; ok {
				return i, true
			}
		}
		i, ok := r.byInit[field]
		return i, ok
	}
	syl := syllables(field)
	if len(syl) < 2 || len(syl) != len([]rune(field)) {
		return 0, false
	}
	i, ok := r.byPinyin[strings.Join(syl, "")]
	return i, ok
}

// Field boosts: a match in the name outranks one in the body; a precise
// word outranks a sub-word (动产 in 不动产); a phrase of the whole query and
// an exact name outrank everything but best bets. (The region named in the
// query ranks first, and the preferred region breaks ties: see rank.)
const (
	boostExact     = 20
	boostPin       = 100
	boostPhrase    = 4
	boostPrecise   = 3
	boostWord      = 2
	boostBigram    = 1.5
	boostPinyin    = 1.2
	boostInitials  = 1
	boostBody      = 0.3
	boostAltOfficl = 0.9 // an official term added by a synonym ranks a little below the words typed
)

// textQuery turns the plan of a typed query into the bleve query over the
// groups: every group of words must match; phrases, exact names and best
// bets rank higher. Filters and regions apply to the items, in the table.
func textQuery(p plan) query.Query {
	if p.none || len(p.groups) == 0 && len(p.pins) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	var groups []query.Query
	for _, g := range p.groups {
		var alts []query.Query
		for i, a := range g {
			q := alternative(a)
			if i > 0 {
				setBoost(q, boostAltOfficl)
			}
			alts = append(alts, q)
		}
		groups = append(groups, bleve.NewDisjunctionQuery(alts...))
	}
	var text query.Query = bleve.NewMatchNoneQuery()
	if len(groups) > 0 {
		text = bleve.NewConjunctionQuery(groups...)
	}
	if len(p.pins) > 0 {
		text = bleve.NewDisjunctionQuery(text, pinQuery(p.pins))
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(text)
	var should []query.Query
	if p.text != "" {
		should = append(should, boosted(phrase("name_cjk", p.text, cjk.AnalyzerName), boostPhrase))
		should = append(should, boosted(term("name_exact", p.text), boostExact))
		if p.exact != p.text {
			should = append(should, boosted(term("name_exact", p.exact), boostExact))
		}
		if syl := syllables(p.text); len(syl) > 1 {
			should = append(should, boosted(phrase("name_py", strings.Join(syl, " "), analyzerSpaces), boostPhrase/2))
		}
	}
	if len(p.pins) > 0 {
		should = append(should, pinQuery(p.pins))
	}
	if len(should) > 0 {
		bq.AddShould(should...)
		bq.Should.(*query.DisjunctionQuery).SetMin(0)
	}
	return bq
}

// alternative is the query for one word or phrase of a group. A phrase
// of several words (from a synonym rule) needs all its words; a word
// matches in the name (precise word, search-mode word, bigram phrase,
// pinyin) or in the body.
func alternative(a string) query.Query {
	seg, _ := segmenter()
	if !isLatin(a) {
		var words []string
		for _, w := range cutPrecise(seg, a) {
			if !rankingRules().stop[w] {
				words = append(words, w)
			}
		}
		if len(words) > 1 {
			var qs []query.Query
			for _, w := range words {
				qs = append(qs, word(w))
			}
			return bleve.NewDisjunctionQuery(
				boosted(phrase("name_cjk", a, cjk.AnalyzerName), boostPhrase),
				bleve.NewConjunctionQuery(qs...))
		}
		if len(words) == 1 {
			return word(words[0])
		}
	}
	return word(a)
}

// word is the query for one word.
func word(a string) query.Query {
	if isLatin(a) {
		var alts []query.Query
		if syl, ok := splitPinyin(a); ok {
			alts = append(alts,
				boosted(term("word_py", a), boostPinyin*2),
				boosted(phrase("name_py", strings.Join(syl, " "), analyzerSpaces), boostPinyin*1.5))
		}
		if len(a) >= 2 {
			letters := strings.Join(strings.Split(a, ""), " ")
			alts = append(alts,
				boosted(term("word_ini", a), boostInitials*2),
				boosted(phrase("name_ini", letters, analyzerSpaces), boostInitials))
		}
		alts = append(alts, boosted(term("name", a), boostWord))
		return bleve.NewDisjunctionQuery(alts...)
	}
	alts := []query.Query{
		boosted(term("name_precise", a), boostPrecise),
		boosted(term("name", a), boostWord),
		boosted(allBigrams("body", a), boostBody),
	}
	if utf8.RuneCountInString(a) >= 2 {
		alts = append(alts, boosted(phrase("name_cjk", a, cjk.AnalyzerName), boostBigram))
	}
	if syl := syllables(a); len(syl) > 0 {
		alts = append(alts, boosted(phrase("name_py", strings.Join(syl, " "), analyzerSpaces), boostPinyin))
	}
	var q query.Query = bleve.NewDisjunctionQuery(alts...)
	if longer := rankingRules().exclude[a]; len(longer) > 0 {
		bq := bleve.NewBooleanQuery()
		bq.AddMust(q)
		for _, l := range longer {
			bq.AddMustNot(phrase("name_cjk", l, cjk.AnalyzerName), allBigrams("body", l))
		}
		q = bq
	}
	return q
}

func pinQuery(names []string) query.Query {
	var qs []query.Query
	for i, n := range names {
		// Earlier names in the list are pinned higher.
		qs = append(qs, boosted(term("name_exact", exactKey(n)), boostPin*float64(len(names)-i)))
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func term(field, v string) query.Query {
	q := bleve.NewTermQuery(v)
	q.SetField(field)
	return q
}

func phrase(field, text, analyzer string) query.Query {
	q := bleve.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	return q
}

// allBigrams matches text whose every bigram occurs in the field: cheaper
// than a phrase (no positions are read, and the body keeps none), precise
// enough for the low-weighted body of long texts.
func allBigrams(field, text string) query.Query {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = cjk.AnalyzerName
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

func boosted(q query.Query, b float64) query.Query {
	setBoost(q, b)
	return q
}

func setBoost(q query.Query, b float64) {
	if bq, ok := q.(query.BoostableQuery); ok {
		bq.SetBoost(b)
	}
}
