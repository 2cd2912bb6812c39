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
	// Service keeps the items of one service (a Hit's Service).
	Service string
	// Prefer is the citizen's region, without filtering: the item of this
	// region (else of the nearest region above it) represents a service,
	// and among equally relevant rows those near it rank first (the site's
	// own city when no region is chosen), unless the query names a region
	// itself.
	Prefer string
	// Group is GroupServices (the default, also when empty): one row per
	// service; or GroupNone: one row per item.
	Group string
	Page  int // 1-based; 0 means 1
	Size  int // 0 means DefaultSize
}

// The ways results are grouped (the API's group parameter).
const (
	GroupServices = "service"
	GroupNone     = "none"
)

// What facet counts count (Result.Counts).
const (
	CountsServices = "services"
	CountsItems    = "items"
)

// grouped reports whether the request asks for one row per service.
func (r *Request) grouped() bool { return r.Group != GroupNone }

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
	if r.Group != "" && r.Group != GroupServices && r.Group != GroupNone {
		return &RequestError{"group", MsgGroupInvalid}
	}
	if len(r.Flags) > MaxFlags {
		return &RequestError{"flag", fmt.Sprintf(MsgTooManyFlags, MaxFlags)}
	}
	for _, f := range append([]string{r.Region, r.Department, r.Type, r.Audience, r.Theme, r.Prefer, r.Service}, r.Flags...) {
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
	// weights tells how much of the query's meaning each group carries,
	// for graded matching: a word or a rule 1, a lone character less.
	weights []float64
	region  string // a region named in the query
	// names are the alternatives that are whole item names (official
	// terms of rules): they match that item's name exactly.
	names map[string]bool
	// asked tells a question (filler or stop words were dropped) from a
	// bare term: a term may find guides by their body alone (a material,
	// 清算报告), a question only guides it names.
	asked bool
	// enforcement tells a question about fines, seizures or inspections:
	// only then do ex-officio items rank with the others.
	enforcement bool
	pins        []string // best-bet item names
	// keys are the groups' alternatives as exact keys (exactKey), made
	// once per query for the bundle matcher, which compares them with
	// every bundle's texts.
	keys   [][]string
	browse bool // empty query
	none   bool // a query with nothing searchable in it (only punctuation)
}

// Weights of the groups of a query (see plan.weights).
const (
	weightWord = 1.0
	weightChar = 0.3 // a lone character: 补, 办 — often noise, rarely the point
)

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

// parse turns a query into a plan: the region it names is taken out,
// question and filler phrases are dropped, everyday phrases and intents
// become groups of official alternatives, and the rest is split into
// words, less the stop words.
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
	p.enforcement = rules.asksEnforcement(q)
	if bb, ok := rules.bestBets[p.exact]; ok {
		p.pins = bb
	}
	p.region, q = ix.regions.detect(q)
	if asked := rules.dropFillers(q); asked != "" {
		p.asked = asked != q
		q = ix.correctSounds(asked) // else nothing but filler words: search for them
		if bb, ok := rules.bestBets[strings.ReplaceAll(q, " ", "")]; ok && p.pins == nil {
			p.pins = bb
		}
	}

	seg, _ := segmenter()
	var words []string
	add := func(phrase string, alts []string, w float64) {
		for _, a := range alts {
			if ix.t != nil && ix.t.hasName(exactKey(a)) {
				if p.names == nil {
					p.names = map[string]bool{}
				}
				p.names[a] = true
			}
		}
		p.groups = append(p.groups, append([]string{phrase}, alts...))
		p.weights = append(p.weights, w)
		words = append(words, phrase)
	}
	// Everyday phrases become groups with their official alternatives,
	// then intents (丢了 → 补领 …) do.
	rest := q
	for i, rule := range rules.synonyms {
		for {
			at := strings.Index(rest, rule.phrase)
			if at < 0 {
				break
			}
			add(rule.phrase, rules.synonyms[i].official, weightWord)
			rest = rest[:at] + " " + rest[at+len(rule.phrase):]
		}
	}
	for _, rule := range rules.intents {
		cues, left, ok := rule.match(rest)
		if ok {
			add(strings.Join(cues, ""), rule.official, weightWord)
			rest = left
		}
	}
	var plain []string
	for _, field := range strings.Fields(rest) {
		// An everyday phrase in pinyin, initials or with a homophone typo.
		if i, ok := ruleBySound(rules, field); ok {
			add(field, rules.synonyms[i].official, weightWord)
			continue
		}
		if isLatin(field) {
			plain = append(plain, field)
			continue
		}
		plain = append(plain, cutQuery(seg, field)...)
	}
	var kept []string
	for _, w := range plain {
		if !rules.stop[w] {
			kept = append(kept, w)
		} else {
			p.asked = true
		}
	}
	if len(kept) == 0 && len(p.groups) == 0 {
		kept = plain // nothing but filler words: search for them
	}
	for _, w := range kept {
		weight := weightWord
		if !isLatin(w) && utf8.RuneCountInString(w) == 1 {
			weight = weightChar
		}
		add(w, nil, weight)
	}
	p.text = strings.Join(words, "")
	return p
}

// dropFillers removes question and filler phrases from a query.
func (r *rules) dropFillers(q string) string {
	for _, f := range r.fillers {
		if strings.Contains(q, f) {
			q = strings.ReplaceAll(q, f, " ")
		}
	}
	return strings.Join(strings.Fields(q), " ")
}

// maxIntentGap is how many characters may stand between the cues of two
// parts of an intent rule (开一家小奶茶店).
const maxIntentGap = 6

// match reports whether every part of the rule has a cue in q, in order
// and each near the one before, and returns the cues found and q without
// them.
func (r *intentRule) match(q string) (cues []string, rest string, ok bool) {
	at := make([]int, 0, len(r.parts)) // byte offsets of the cues found
	from := 0
	for pi, part := range r.parts {
		best, cue := -1, ""
		for _, c := range part {
			i := strings.Index(q[from:], c)
			if i < 0 {
				continue
			}
			i += from
			if pi > 0 && utf8.RuneCountInString(q[from:i]) > maxIntentGap {
				continue
			}
			if best < 0 || i < best { // the nearest cue; on a tie the longest (cues are longest first)
				best, cue = i, c
			}
		}
		if best < 0 {
			return nil, q, false
		}
		cues, at = append(cues, cue), append(at, best)
		from = best + len(cue)
	}
	rest = q
	for i := len(cues) - 1; i >= 0; i-- {
		rest = rest[:at[i]] + " " + rest[at[i]+len(cues[i]):]
	}
	return cues, rest, true
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

// Field boosts: a match in the name outranks one in the ask-phrases, which
// outranks one in the FAQ questions, then the body; a precise word outranks a sub-word (动产 in
// 不动产); a phrase of the whole query and an exact name outrank
// everything but best bets. (The region named in the query ranks first,
// and the citizen's region breaks ties: see ranking.)
const (
	boostExact     = 20
	boostExactAlt  = 12
	boostPin       = 100
	boostPhrase    = 4
	boostPrecise   = 3
	boostWord      = 2
	boostBigram    = 1.5
	boostPinyin    = 1.2
	boostInitials  = 1
	boostAsk       = 0.8
	boostFAQ       = 0.5
	boostBody      = 0.3
	boostAltOfficl = 0.9 // an official term added by a synonym ranks a little below the words typed
	altDecay       = 0.15
)

// fieldSet chooses the fields a word is matched in.
type fieldSet uint8

const (
	inName      fieldSet = 1 << iota // the name, by its characters
	inNameSound                      // the name, by the sound of a Chinese word (公基金)
	inAsk                            // ask-phrases
	inFAQ                            // FAQ questions
	inBody                           // materials, conditions, basis, department, themes
	inAll       = inName | inNameSound | inAsk | inFAQ | inBody
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
		groups = append(groups, groupQuery(p, g, inAll))
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

// groupQuery matches any alternative of a group of plan p in the fields
// fs, or nothing when none can match there.
func groupQuery(p plan, g []string, fs fieldSet) query.Query {
	var alts []query.Query
	for i, a := range g {
		var q query.Query
		if p.names[a] {
			// A whole item name matches that item, and scores alike
			// whatever its length, so that the rule's order ranks.
			if fs&inName != 0 {
				q = boosted(term("name_exact", exactKey(a)), boostExactAlt)
			}
		} else {
			q = alternative(p, a, fs)
		}
		if q == nil {
			continue
		}
		if i > 0 {
			// The official terms of a rule in the order listed: the first
			// is the usual answer.
			setBoost(q, max(boostAltOfficl*(1-altDecay*float64(i-1)), boostAltOfficl/2))
		}
		alts = append(alts, q)
	}
	if len(alts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// alternative is the query for one word or phrase of a group of plan p in
// the fields fs (nil when it cannot match there). A phrase of several
// words (from a synonym rule) needs all its words; a word matches in the
// name (precise word, search-mode word, bigram phrase, pinyin), the
// ask-phrases or the body.
func alternative(p plan, a string, fs fieldSet) query.Query {
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
				q := word(p, w, fs)
				if q == nil {
					return nil
				}
				qs = append(qs, q)
			}
			all := bleve.NewConjunctionQuery(qs...)
			if fs&inName == 0 {
				return all
			}
			return bleve.NewDisjunctionQuery(boosted(phrase("name_cjk", a, cjk.AnalyzerName), boostPhrase), all)
		}
		if len(words) == 1 {
			return word(p, words[0], fs)
		}
	}
	return word(p, a, fs)
}

// word is the query for one word of plan p in the fields fs (nil when it
// cannot match there). A word excluded from longer words (居民 ⇒ 非居民)
// does not match them, unless the query itself has the longer word: then
// the citizen typed the longer word's name (非居民用水报装).
func word(p plan, a string, fs fieldSet) query.Query {
	var alts []query.Query
	if isLatin(a) {
		if fs&inName == 0 {
			return nil
		}
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
	if fs&inName != 0 {
		alts = append(alts, boosted(term("name_precise", a), boostPrecise), boosted(term("name", a), boostWord))
		if utf8.RuneCountInString(a) >= 2 {
			alts = append(alts, boosted(phrase("name_cjk", a, cjk.AnalyzerName), boostBigram))
		}
	}
	if fs&inNameSound != 0 {
		if syl := syllables(a); len(syl) > 0 {
			alts = append(alts, boosted(phrase("name_py", strings.Join(syl, " "), analyzerSpaces), boostPinyin))
		}
	}
	if len(alts) == 0 && fs&(inAsk|inFAQ|inBody) == 0 {
		return nil
	}
	if fs&inAsk != 0 {
		alts = append(alts, boosted(allBigrams("ask", a), boostAsk))
	}
	if fs&inFAQ != 0 {
		alts = append(alts, boosted(allBigrams("faq", a), boostFAQ))
	}
	if fs&inBody != 0 {
		alts = append(alts, boosted(allBigrams("body", a), boostBody))
	}
	var q query.Query = bleve.NewDisjunctionQuery(alts...)
	var not []query.Query
	for _, l := range rankingRules().exclude[a] {
		if !p.has(l) {
			not = append(not, phrase("name_cjk", l, cjk.AnalyzerName), allBigrams("body", l))
		}
	}
	if len(not) > 0 {
		bq := bleve.NewBooleanQuery()
		bq.AddMust(q)
		bq.AddMustNot(not...)
		q = bq
	}
	return q
}

// has reports whether the query of plan p has the text s: as its words or
// as typed.
func (p plan) has(s string) bool {
	return strings.Contains(p.text, s) || strings.Contains(p.exact, s)
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
