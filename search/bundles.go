package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"zhinan/catalog"
)

// Bundles (一件事一次办) are found by what citizens say of the life event
// (生孩子, 开餐馆要办哪些证, 人去世了要办什么), not through the bleve index: a
// city publishes a few dozen bundles, and they are matched in memory against
// the plan of the query — the same normalisation, filler and stop words,
// everyday phrases, intents, typos and segmentation as the item search
// (Index.parse) — over the bundle's name, ask-phrases, themes, step names
// and description.
// Nothing here writes the store, and the items' ranking is untouched.

// Named limits and weights of the bundle matcher.
const (
	// MaxBundleMatches is the most bundles a query finds.
	MaxBundleMatches = 3
	// bundleThreshold is the score a bundle needs to be found: the share
	// of the query's meaning it covers, scaled by its precision.
	bundleThreshold = 0.67
	// bundleNearBest keeps the bundles scoring at least this share of the
	// best one.
	bundleNearBest = 0.9

	// How much a group of the query counts where it matched: a name or an
	// ask-phrase fully (a rule's official term, or a longer form of a
	// phrase's word as typed — 上一年级 of 一年级报名 — a little less), the
	// themes and a word of two or more characters of the description half;
	// the step names by how many steps a rule's official terms name
	// (a query whose rule names several steps of a bundle asks for the
	// life event), a typed word that is only part of step names little
	// (登记 is part of many steps and asks for none of the events).
	bundleInName      = 1.0
	bundleOfficialIn  = 0.8
	bundleInTheme     = 0.5
	bundleStepsOne    = 0.5
	bundleStepsMore   = 0.9
	bundleWordStep    = 0.3
	bundleWordSteps   = 0.45
	bundleMinStepName = 3 // runes a step name needs to match inside a longer official term
	// A query whose own words say most of a step's name (bundleFullPrecision
	// of its words, less the words of the procedure) names that step: a step
	// of the first stage counts this much, a later step less.
	bundleStepFirst = 0.8
	bundleStepLater = 0.6

	// A word of the query found as typed (not by a rule's official term)
	// counts fully in a name or ask-phrase only when the query says at
	// least bundleFullPrecision of that phrase's words, by characters (企业
	// says half of 企业注销): 公积金 is a small part of 退休了公积金怎么取,
	// which asks for the retirement, 过户 of 二手房过户 is not 二手车过户. A
	// rule's official term (去世 → 殡葬, 生孩子 → 出生登记) counts fully.
	bundleFullPrecision = 0.6
	// bundlePrecisionShare is how much of a score depends on the precision
	// of the best phrase (bundleStepPrecision when only steps matched, 1
	// when a rule's terms name several steps from the first stage on), so
	// that 生孩子 ranks the bundle asked as 生孩子 above the one asked as
	// 生孩子费用报销.
	bundlePrecisionShare = 0.2
	bundleStepPrecision  = 0.5

	// How much a group of the query weighs in the share a bundle must
	// cover, when it is not a word of the services: a lone character
	// (回, 补, 证) little; a plain word that no item name and no bundle's
	// text has (媳妇, 厂子, 满月, 老家) — the citizen's circumstances, not
	// what is asked for — less than a word; a word asking about the
	// process itself (跑几个地方, 带什么材料, 还要) nothing.
	bundleCharWeight    = 0.1
	bundleContextWeight = 0.2
)

// bundleRenewWords ask to replace, renew or report lost one certificate
// (结婚证丢了补领, 营业执照遗失, 许可证到期延续): a query with one of them, as
// typed or as a rule's official term, asks for that service, not for a
// life event, and finds no bundle.
var bundleRenewWords = []string{"补领", "补办", "补发", "补换", "挂失", "遗失", "换领", "换证", "换发", "延续", "有效期满"}

// bundleProcessWords ask about the whole process of a life event (要跑几个
// 部门, 带什么材料, 下一步, 能一起办吗), not about any service: they do not
// count in the share of a query a bundle covers.
var bundleProcessWords = map[string]bool{
	"跑": true, "地方": true, "部门": true, "几个": true, "哪些": true, "带": true, "材料": true,
	"手续": true, "流程": true, "还要": true, "也要": true, "一起": true, "一块": true, "下一步": true,
	"一步": true, "下": true, "准备": true, "咋": true, "啥": true, "能": true, "不": true,
	"吗": true, "要": true, "办": true, "先": true, "前": true, "后": true, "了": true,
	// directional complements (办下来, 生下来, 取出来, 迁过来, 回来咋报)
	"下来": true, "出来": true, "过来": true, "回来": true,
	// and words joining what is asked (除了营业执照还要…)
	"除了": true, "还": true, "也": true, "和": true,
}

// bundleStepGeneric are words of step names that name the procedure, not
// the service: a query does not name a step by them.
var bundleStepGeneric = map[string]bool{
	"登记": true, "核发": true, "申领": true, "办理": true, "申请": true, "给付": true, "备案": true,
	"确认": true, "审批": true, "新办": true, "或": true, "的": true,
}

// bundleNameTail is the tail of bundle names that says nothing of the event
// (出生一件事): left out of the name's words.
const bundleNameTail = "一件事"

// Bundles is the matcher over a set of published bundles. It is immutable
// and safe for concurrent use.
type Bundles struct {
	list []bundleText
}

// bundleText is a bundle's matchable text, normalized (exactKey).
type bundleText struct {
	b *catalog.PublishedBundle
	// phrases are the name and the ask-phrases; cores their words as a
	// query's are kept (fillers and stop words dropped), for precision.
	phrases []string
	cores   [][]string
	themes  []string
	desc    string   // the description
	steps   []string // the step names, one per step ("" for none)
	all     string   // all of the above and the description, for bs.has
	later   []bool   // the steps after the first stage
	// stepCores are the words of the step names, as cores are of the
	// phrases: a query that says most of a step's name in its own words
	// (工程 and 规划许可证 of 建设工程规划许可证核发) names that step.
	stepCores [][]string
}

// BundleMatch is a bundle a query found and its score (0 to 1).
type BundleMatch struct {
	Bundle *catalog.PublishedBundle
	Score  float64
}

// NewBundles returns the matcher over bundles (which it keeps; the caller
// does not change them afterwards).
func NewBundles(bundles []catalog.PublishedBundle) *Bundles {
	bs := &Bundles{list: make([]bundleText, 0, len(bundles))}
	for i := range bundles {
		b := &bundles[i]
		t := bundleText{b: b}
		for j, ph := range append([]string{b.Name}, b.AskPhrases...) {
			k := exactKey(ph)
			if k == "" {
				continue
			}
			core := k
			if j == 0 {
				core = strings.TrimSuffix(core, bundleNameTail)
			}
			t.phrases, t.cores = append(t.phrases, k), append(t.cores, phraseWords(core))
		}
		for _, th := range b.Themes {
			if k := exactKey(th); k != "" {
				t.themes = append(t.themes, k)
			}
		}
		for _, st := range b.Steps {
			t.steps = append(t.steps, exactKey(st.Name))
			t.later = append(t.later, st.Stage > 1)
			t.stepCores = append(t.stepCores, stepWords(exactKey(st.Name)))
		}
		t.desc = exactKey(b.Description)
		t.all = strings.Join(slices.Concat(t.phrases, t.themes, t.steps, []string{t.desc}), "|")
		bs.list = append(bs.list, t)
	}
	return bs
}

// stepWords are the words of a normalized step name that say what the step
// is: without the words of the procedure (登记, 核发, 申领, 办理) that many
// steps share; nil for an empty name.
func stepWords(k string) []string {
	if k == "" {
		return nil
	}
	var out []string
	for _, w := range phraseWords(k) {
		if !bundleStepGeneric[w] {
			out = append(out, w)
		}
	}
	return out
}

// phraseWords are the words of a normalized phrase as a query's are kept:
// without fillers and stop words (宝宝出生要办什么 → 宝宝出生), all of them
// when nothing else is left.
func phraseWords(k string) []string {
	rules := rankingRules()
	seg, err := segmenter()
	if err != nil {
		return []string{k}
	}
	all := cutQuery(seg, rules.dropFillers(k))
	var out []string
	for _, w := range all {
		if !rules.stop[w] {
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return all
	}
	return out
}

// Len is the number of bundles of the matcher.
func (bs *Bundles) Len() int {
	if bs == nil {
		return 0
	}
	return len(bs.list)
}

// MatchBundles returns the bundles of bs that the query q asks for, best
// first, at most MaxBundleMatches. The query is analysed as for the item
// search (the package's query understanding: fillers, stop words,
// everyday phrases, intents, typos, segmentation), so that 宝宝出生办什么 is
// 宝宝出生 and 开餐馆 brings its official terms; its groups are then looked
// for in each bundle's name, ask-phrases, themes and step names. A bundle
// is found when it covers enough of the query's meaning (bundleThreshold)
// with one full-weight group in a name, an ask-phrase or, through a rule's
// official terms, the steps, and scores near the best. An empty query, or
// one that browses, finds none.
func (ix *Index) MatchBundles(bs *Bundles, q string) []BundleMatch {
	if bs.Len() == 0 || strings.TrimSpace(q) == "" {
		return nil
	}
	ix.mu.RLock()
	if ix.bi == nil { // closed
		ix.mu.RUnlock()
		return nil
	}
	p := ix.parse(q)
	p.keys = make([][]string, len(p.groups))
	for gi, g := range p.groups {
		p.keys[gi] = make([]string, len(g))
		for ai, a := range g {
			p.keys[gi][ai] = exactKey(a)
		}
	}
	p.weights = bs.weigh(p, ix.t)
	ix.mu.RUnlock()
	return bs.match(p)
}

// weigh returns the weights of the query's groups for bundle matching (see
// bundleCharWeight): a group a rule made, or whose word an item name (a
// group's title of t) or a bundle's text has, keeps its weight.
func (bs *Bundles) weigh(p plan, t *table) []float64 {
	out := slices.Clone(p.weights)
	for gi, g := range p.groups {
		if len(g) != 1 {
			continue
		}
		k := p.keys[gi][0]
		switch {
		case k == "" || bundleProcessWords[k]:
			out[gi] = 0
		case bs.has(k) || catalogueHas(t, k):
		case out[gi] < weightWord:
			out[gi] = min(out[gi], bundleCharWeight)
		default:
			out[gi] = min(out[gi], bundleContextWeight)
		}
	}
	return out
}

// has reports whether a bundle's name, ask-phrases, themes, step names or
// description has the normalized word k.
func (bs *Bundles) has(k string) bool {
	for i := range bs.list {
		if strings.Contains(bs.list[i].all, k) {
			return true
		}
	}
	return false
}

// catalogueHas reports whether an item name of t has the normalized word k.
func catalogueHas(t *table, k string) bool {
	if t == nil {
		return false
	}
	for name, gs := range t.nameKeys {
		if strings.Contains(name, k) && slices.ContainsFunc(gs, func(g int32) bool { return len(t.Groups[g].Members) > 0 }) {
			return true
		}
	}
	return false
}

// match scores every bundle against the plan of a query.
func (bs *Bundles) match(p plan) []BundleMatch {
	if p.browse || p.none || len(p.groups) == 0 {
		return nil
	}
	for _, g := range append(p.groups, []string{p.exact}) {
		for _, a := range g {
			if slices.ContainsFunc(bundleRenewWords, func(w string) bool { return strings.Contains(a, w) }) {
				return nil
			}
		}
	}
	var total float64
	for _, w := range p.weights {
		total += w
	}
	if total == 0 {
		return nil
	}
	var out []BundleMatch
	for i := range bs.list {
		t := &bs.list[i]
		score, precision, strong := t.score(p)
		if t.wholePhrase(p) {
			score, precision, strong = total, 1, true
		} else if t.laterStepOnly(p) {
			continue
		}
		score = scaled(score, precision) / total
		if strong && score >= bundleThreshold {
			out = append(out, BundleMatch{Bundle: t.b, Score: score})
		}
	}
	best := 0.0
	for _, m := range out {
		best = max(best, m.Score)
	}
	out = slices.DeleteFunc(out, func(m BundleMatch) bool { return m.Score < bundleNearBest*best })
	slices.SortStableFunc(out, func(a, b BundleMatch) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.Bundle.Code, b.Bundle.Code)
	})
	if len(out) > MaxBundleMatches {
		out = out[:MaxBundleMatches]
	}
	return out
}

// score is how much of the query's weight the bundle covers, the precision
// of the phrase that made the best of it, and whether a full-weight group
// matched a phrase or, by a rule's official terms, the steps. Each group
// counts where it matches best: the themes and steps (the same whichever
// phrase), or the one name or ask-phrase considered — the best one.
func (t *bundleText) score(p plan) (score, precision float64, strong bool) {
	other := make([]float64, len(p.groups)) // each group's value in the themes and steps
	hits := make([]map[int]bool, len(p.groups))
	joint := map[int]bool{} // the steps the query's words name
	named := 0              // the groups that name a step
	precision = bundleStepPrecision
	for gi := range p.groups {
		other[gi], hits[gi] = t.themesAndSteps(p, gi)
		if other[gi] >= bundleStepsMore && p.weights[gi] >= weightWord && t.firstStage(hits[gi]) {
			// A rule's terms name several steps, from the first stage on:
			// the life event itself.
			precision = 1
		}
		if len(hits[gi]) > 0 && p.weights[gi] >= weightWord {
			named++
			for i := range hits[gi] {
				joint[i] = true
			}
		}
	}
	// Words naming different steps of the bundle (刻章 and 领发票, 营业执照
	// and 食品经营许可) ask for the life event.
	if named > 1 && len(joint) > 1 {
		for gi := range p.groups {
			if len(hits[gi]) > 0 && p.weights[gi] >= weightWord {
				other[gi] = max(other[gi], bundleStepsMore)
			}
		}
	}
	sum := func(phrase func(gi int) float64) (s float64, strong bool) {
		for gi, w := range p.weights {
			v := max(other[gi], phrase(gi))
			s += w * v
			if w >= weightWord && v >= bundleStepsOne {
				strong = true
			}
		}
		return s, strong
	}
	score, strong = sum(func(int) float64 { return 0 })
	for pi, ph := range t.phrases {
		in := make([]float64, len(p.groups)) // each group's value in the phrase
		typed := make([]bool, len(p.groups)) // found as typed, not by a rule's term
		var found []string                   // the alternatives found in it
		for gi, g := range p.groups {
			for ai := range g {
				k := p.keys[gi][ai]
				if k == "" {
					continue
				}
				v := bundleInName
				if ai > 0 {
					v = bundleOfficialIn
				}
				if !bundleContains(p, ph, k) {
					// A longer form of a word of the phrase, as typed
					// (上一年级 of 一年级报名), counts a little less.
					if ai > 0 || p.weights[gi] < weightWord || !slices.ContainsFunc(t.cores[pi], func(w string) bool {
						return utf8.RuneCountInString(w) >= 2 && strings.Contains(k, w)
					}) {
						continue
					}
					v = bundleOfficialIn
				}
				if v > in[gi] {
					in[gi], typed[gi] = v, ai == 0
				}
				found = append(found, k)
			}
		}
		if len(found) == 0 {
			continue
		}
		// The precision: the share of the phrase's words (by characters)
		// that the alternatives found say.
		prec := coverage(t.cores[pi], found)
		for gi := range p.groups {
			if typed[gi] && prec < bundleFullPrecision {
				r := prec / bundleFullPrecision
				in[gi] *= r * r // a plain word, a small part of the phrase
			}
		}
		s, st := sum(func(gi int) float64 { return in[gi] })
		if scaled(s, prec) > scaled(score, precision) {
			score, strong, precision = s, st, prec
		}
	}
	// The step names, said in the query's own words.
	for si, words := range t.stepCores {
		if len(words) == 0 {
			continue
		}
		f := bundleStepFirst
		if t.later[si] {
			f = bundleStepLater
		}
		in := make([]float64, len(p.groups))
		var found []string
		for gi := range p.groups {
			k := p.keys[gi][0]
			if k == "" || p.weights[gi] < weightWord || !bundleContains(p, t.steps[si], k) {
				continue
			}
			in[gi] = f
			found = append(found, k)
		}
		if len(found) == 0 {
			continue
		}
		prec := coverage(words, found)
		if prec < bundleFullPrecision {
			continue // a word that is only part of a step's name (themesAndSteps)
		}
		s, st := sum(func(gi int) float64 { return in[gi] })
		if scaled(s, prec) > scaled(score, precision) {
			score, strong, precision = s, st, prec
		}
	}
	return score, precision, strong
}

// coverage is the share of the characters of words that the found
// alternatives say: a word inside one of them wholly, a word with one of
// them inside it by that one's length (企业 says half of 企业注销).
func coverage(words, found []string) float64 {
	covered, all := 0, 0
	for _, w := range words {
		n := utf8.RuneCountInString(w)
		all += n
		c := 0
		for _, k := range found {
			switch {
			case strings.Contains(k, w):
				c = n
			case strings.Contains(w, k):
				c = max(c, utf8.RuneCountInString(k))
			}
		}
		covered += c
	}
	return float64(covered) / float64(max(1, all))
}

// scaled is a bundle's score s scaled by the precision of the phrase that
// made it (bundlePrecisionShare).
func scaled(s, precision float64) float64 {
	return s * (1 - bundlePrecisionShare + bundlePrecisionShare*precision)
}

// themesAndSteps is what the group gi counts in the bundle's themes and
// steps: the themes half; the steps by how many steps a rule's official
// terms name (step 食品经营许可 in the term 食品经营许可（新办） too), little
// for a typed word in step names.
func (t *bundleText) themesAndSteps(p plan, gi int) (float64, map[int]bool) {
	best := 0.0
	typedSteps, ruleSteps, named := map[int]bool{}, map[int]bool{}, map[int]bool{}
	for ai, k := range p.keys[gi] {
		if k == "" {
			continue
		}
		if slices.ContainsFunc(t.themes, func(th string) bool { return bundleContains(p, th, k) }) ||
			utf8.RuneCountInString(k) >= 2 && bundleContains(p, t.desc, k) {
			best = max(best, bundleInTheme)
		}
		for i, s := range t.steps {
			switch {
			case s == "":
			case ai == 0 && bundleContains(p, s, k):
				typedSteps[i] = true
				if utf8.RuneCountInString(k) >= 2 && !slices.ContainsFunc(t.steps[i+1:], func(o string) bool { return o != "" && bundleContains(p, o, k) }) && !slices.ContainsFunc(t.steps[:i], func(o string) bool { return o != "" && bundleContains(p, o, k) }) {
					named[i] = true // a word of one step only (登记 is of many)
				}
			case ai > 0 && (bundleContains(p, s, k) || utf8.RuneCountInString(s) >= bundleMinStepName && strings.Contains(k, s)):
				ruleSteps[i] = true
				named[i] = true
			}
		}
	}
	switch n := len(ruleSteps); {
	case n > 1:
		best = max(best, bundleStepsMore)
	case n == 1:
		best = max(best, bundleStepsOne)
	}
	switch n := len(typedSteps); {
	case n > 1:
		best = max(best, bundleWordSteps)
	case n == 1:
		best = max(best, bundleWordStep)
	}
	return best, named
}

// firstStage reports whether one of the steps is of the first stage.
func (t *bundleText) firstStage(steps map[int]bool) bool {
	for i := range steps {
		if !t.later[i] {
			return true
		}
	}
	return false
}

// laterStepOnly reports whether the query is the plain words of one step
// after the bundle's first stage (公积金提取 of 住房公积金提取（购房）): it asks
// for that service, not for the life event, which starts with the first
// stage (结婚登记 asks for the marriage).
func (t *bundleText) laterStepOnly(p plan) bool {
	for i, s := range t.steps {
		if s == "" || !t.later[i] {
			continue
		}
		all := true
		for gi, g := range p.groups {
			if p.weights[gi] == 0 {
				continue
			}
			if len(g) != 1 || !bundleContains(p, s, p.keys[gi][0]) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// wholePhrase reports whether the query is the bundle's name or one of its
// ask-phrases, or has one in it as whole words (人去世了要办什么 would have
// 人去世了; 结婚证丢了 has not 结婚, which is part of the word 结婚证), or is
// most of one's words (宝宝出生 of 宝宝出生要办什么).
func (t *bundleText) wholePhrase(p plan) bool {
	text := strings.ReplaceAll(p.text, " ", "")
	m := utf8.RuneCountInString(text)
	var bounds map[int]bool
	for pi, k := range t.phrases {
		if utf8.RuneCountInString(k) < 2 {
			continue
		}
		if strings.Contains(p.exact, k) {
			if bounds == nil {
				bounds = wordBounds(p.exact)
			}
			for from := 0; ; {
				i := strings.Index(p.exact[from:], k)
				if i < 0 {
					break
				}
				i += from
				if bounds[i] && bounds[i+len(k)] {
					return true
				}
				from = i + 1
			}
		}
		core := strings.Join(t.cores[pi], "")
		if n := utf8.RuneCountInString(core); m >= 2 && 3*m >= 2*n && strings.Contains(core, text) {
			return true
		}
	}
	return false
}

// wordBounds returns the byte offsets of s where a word of its
// segmentation (the query's, cutQuery) starts or ends.
func wordBounds(s string) map[int]bool {
	seg, err := segmenter()
	out := map[int]bool{0: true, len(s): true}
	if err != nil {
		return out
	}
	at := 0
	for _, w := range cutQuery(seg, s) {
		i := strings.Index(s[at:], w)
		if i < 0 {
			continue
		}
		at += i
		out[at] = true
		at += len(w)
		out[at] = true
	}
	return out
}

// bundleContains reports whether the normalized text field has the word k,
// as the item search's word does: not inside a longer word that
// exclusions.txt keeps it from (居民 in 非居民), unless the query has the
// longer word.
func bundleContains(p plan, field, k string) bool {
	if !strings.Contains(field, k) {
		// 许可证 is the certificate of a 许可: 食品经营许可证 asks for the
		// step 食品经营许可（新办）.
		c, ok := strings.CutSuffix(k, "许可证")
		if !ok {
			return false
		}
		if k = c + "许可"; !strings.Contains(field, k) {
			return false
		}
	}
	for _, l := range rankingRules().exclude[k] {
		if strings.Contains(field, l) && !p.has(l) {
			// The word may still stand on its own elsewhere in the field.
			if !strings.Contains(strings.ReplaceAll(field, l, " "), k) {
				return false
			}
		}
	}
	return true
}
