package catalog

import (
	"fmt"
	"strings"
)

// Guide-quality rule ids (docs/contract.md#guide-quality-rules).
const (
	RuleComplete      = 1  // required elements present
	RuleDaysOrder     = 2  // promised_days ≤ legal_days
	RuleImmediate     = 3  // 即办件 ⇔ promised_days = 0
	RuleZeroVisit     = 4  // visits = 0 ⇒ online_depth ≥ 3 or express
	RuleFullOnline    = 5  // online_depth = 4 ⇒ visits = 0
	RuleVisitReason   = 6  // visits ≥ 2 ⇒ visit_reason given
	RulePhones        = 7  // consult_phone ≠ complaint_phone
	RulePlaceholder   = 8  // no placeholder text
	RuleStepDays      = 9  // Σ steps[].days ≤ promised_days
	RuleOnlinePayment = 10 // online_payment ⇒ fee.charged
	RuleMaterials     = 11 // materials unique by name, each with form and source
	RuleLocation      = 12 // location names a hall, room or window
	RuleSituations    = 13 // materials that depend on the case ⇒ situations
)

// QualityRules is the number of guide-quality rules; ids run from 1.
const QualityRules = 13

// SituationMarkers are the phrases by which a material's name or notes
// say that it depends on the applicant's case (quality rule 13): a guide
// that has them should ask its situation questions (情形引导) instead.
var SituationMarkers = []string{"视情况", "如有", "其他材料"}

// RuleTitle returns the short Chinese title of a guide-quality rule, or ""
// for an unknown id.
func RuleTitle(rule int) string {
	if rule < 1 || rule >= len(ruleTitles) {
		return ""
	}
	return ruleTitles[rule]
}

// Finding is one guide-quality problem (docs/contract.md#guide-quality-rules): the rule it breaks, the
// interchange field path it is about and a Chinese message.
type Finding struct {
	Rule    int    `json:"rule"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Quality returns the guide-quality findings of an item, ordered by rule and,
// within a rule, by field in interchange order. A complete, consistent guide
// has none.
//
// Rule 1 is about absence: each missing element is its own finding; a text
// holding only "无" or "暂无" (AbsentTexts) counts as missing. Every other
// rule fires only when the fields it compares are present (rule 2 needs both
// days, rule 4 the online depth, rule 9 every step's days, rule 10 the fee),
// except that rule 6 asks for visit_reason to be given. An absent boolean
// reads as false, as in the classifications (docs/contract.md#classifications).
func Quality(it *Item) []Finding {
	if it == nil {
		return nil
	}
	q := &qualityChecker{it: it}
	q.complete()
	q.daysOrder()
	q.immediate()
	q.zeroVisit()
	q.fullOnline()
	q.visitReason()
	q.phones()
	q.placeholders()
	q.stepDays()
	q.onlinePayment()
	q.materials()
	q.location()
	q.situations()
	return q.out
}

// qualityChecker collects the findings of one item.
type qualityChecker struct {
	it  *Item
	out []Finding
}

func (q *qualityChecker) add(rule int, field, msg string) {
	q.out = append(q.out, Finding{Rule: rule, Field: field, Message: msg})
}

// missing adds a rule-1 finding for an absent element.
func (q *qualityChecker) missing(field string) {
	q.add(RuleComplete, field, fmt.Sprintf(MsgQMissing, Label(field)))
}

// complete is rule 1: required elements present.
func (q *qualityChecker) complete() {
	it := q.it
	if blank(it.Name) {
		q.missing("name")
	}
	if blank(it.Type) {
		q.missing("type")
	}
	if len(it.Basis) == 0 {
		q.missing("basis")
	}
	if blank(it.Department) {
		q.missing("department")
	}
	if it.LegalDays == nil {
		q.missing("legal_days")
	}
	if it.PromisedDays == nil {
		q.missing("promised_days")
	}
	if it.Result == nil || blank(it.Result.Name) {
		q.missing("result.name")
	}
	switch {
	case it.Fee == nil:
		q.missing("fee")
	case it.Fee.Charged && len(it.Fee.Items) == 0:
		q.add(RuleComplete, "fee.items", MsgQFeeNoItems)
	case it.Fee.Charged:
		for i, f := range it.Fee.Items {
			if blank(f.Standard) {
				q.missing(elemPath("fee.items", i, "standard"))
			}
		}
	}
	if len(it.Materials) == 0 {
		q.missing("materials")
	}
	if len(it.Steps) == 0 {
		q.missing("steps")
	}
	if blank(it.Conditions) {
		q.missing("conditions")
	}
	if blank(it.Scope) {
		q.missing("scope")
	}
	if blank(it.Location) {
		q.missing("location")
	}
	if blank(it.Hours) {
		q.missing("hours")
	}
	if blank(it.ConsultPhone) {
		q.missing("consult_phone")
	}
	if blank(it.ComplaintPhone) {
		q.missing("complaint_phone")
	}
}

// daysOrder is rule 2: promised_days ≤ legal_days.
func (q *qualityChecker) daysOrder() {
	l, p := q.it.LegalDays, q.it.PromisedDays
	if l != nil && p != nil && *p > *l {
		q.add(RuleDaysOrder, "promised_days", fmt.Sprintf(MsgQPromisedOverLegal, *p, *l))
	}
}

// immediate is rule 3: 即办件 ⇔ promised_days = 0.
func (q *qualityChecker) immediate() {
	h, p := q.it.Handling, q.it.PromisedDays
	if !contains(Handlings, h) || p == nil {
		return
	}
	switch {
	case h == Immediate && *p != 0:
		q.add(RuleImmediate, "handling", fmt.Sprintf(MsgQImmediateNotZero, *p))
	case h != Immediate && *p == 0:
		q.add(RuleImmediate, "handling", MsgQZeroNotImmediate)
	}
}

// zeroVisit is rule 4: visits = 0 ⇒ online_depth ≥ 3 or express. It needs
// the online depth; an absent express reads as no courier service.
func (q *qualityChecker) zeroVisit() {
	v, d := q.it.Visits, q.it.OnlineDepth
	if v != nil && *v == 0 && d != nil && *d < 3 && !isTrue(q.it.Express) {
		q.add(RuleZeroVisit, "visits", MsgQZeroVisitNoMeans)
	}
}

// fullOnline is rule 5: online_depth = 4 ⇒ visits = 0.
func (q *qualityChecker) fullOnline() {
	v, d := q.it.Visits, q.it.OnlineDepth
	if d != nil && *d == MaxDepth && v != nil && *v != 0 {
		q.add(RuleFullOnline, "visits", fmt.Sprintf(MsgQFullOnlineVisits, *v))
	}
}

// visitReason is rule 6: visits ≥ 2 ⇒ visit_reason given.
func (q *qualityChecker) visitReason() {
	if v := q.it.Visits; v != nil && *v >= 2 && blank(q.it.VisitReason) {
		q.add(RuleVisitReason, "visit_reason", fmt.Sprintf(MsgQVisitReason, *v))
	}
}

// phones is rule 7: consult_phone ≠ complaint_phone. Numbers are compared
// by their digits, so "0915-3212345" and "0915 3212345" are the same; a
// text with no digit is no number and is not compared.
func (q *qualityChecker) phones() {
	c, p := digits(q.it.ConsultPhone), digits(q.it.ComplaintPhone)
	if c != "" && c == p {
		q.add(RulePhones, "complaint_phone", MsgQSamePhone)
	}
}

// placeholders is rule 8: no placeholder text in any free-text field, one
// finding per field naming every placeholder found.
func (q *qualityChecker) placeholders() {
	it := q.it
	check := func(field, s string) {
		var found []string
		for _, p := range Placeholders {
			if strings.Contains(s, p) {
				found = append(found, p)
			}
		}
		if len(found) > 0 {
			q.add(RulePlaceholder, field, fmt.Sprintf(MsgQPlaceholder, strings.Join(found, ListSep)))
		}
	}
	for i, b := range it.Basis {
		check(elemPath("basis", i, "title"), b.Title)
		check(elemPath("basis", i, "text"), b.Text)
	}
	check("conditions", it.Conditions)
	for i, m := range it.Materials {
		check(elemPath("materials", i, "name"), m.Name)
		check(elemPath("materials", i, "notes"), m.Notes)
	}
	for i, s := range it.Steps {
		check(elemPath("steps", i, "name"), s.Name)
		check(elemPath("steps", i, "description"), s.Description)
	}
	check("visit_reason", it.VisitReason)
	if it.Fee != nil {
		for i, f := range it.Fee.Items {
			check(elemPath("fee.items", i, "name"), f.Name)
			check(elemPath("fee.items", i, "standard"), f.Standard)
			check(elemPath("fee.items", i, "basis"), f.Basis)
		}
	}
	if it.Result != nil {
		check("result.name", it.Result.Name)
	}
	check("location", it.Location)
	check("hours", it.Hours)
	for i, f := range it.FAQ {
		check(elemPath("faq", i, "a"), f.A)
	}
}

// stepDays is rule 9: the days of the steps add up to no more than
// promised_days. It needs promised_days and the days of every step.
func (q *qualityChecker) stepDays() {
	p := q.it.PromisedDays
	if p == nil || len(q.it.Steps) == 0 {
		return
	}
	sum := 0
	for _, s := range q.it.Steps {
		if s.Days == nil {
			return
		}
		sum += *s.Days
	}
	if sum > *p {
		q.add(RuleStepDays, "steps", fmt.Sprintf(MsgQStepDays, sum, *p))
	}
}

// onlinePayment is rule 10: online_payment ⇒ fee.charged. It needs the fee.
func (q *qualityChecker) onlinePayment() {
	if isTrue(q.it.OnlinePayment) && q.it.Fee != nil && !q.it.Fee.Charged {
		q.add(RuleOnlinePayment, "online_payment", MsgQPaymentFree)
	}
}

// materials is rule 11: no two materials with the same name (the later one
// is reported), each material with a form and a source.
func (q *qualityChecker) materials() {
	first := map[string]int{}
	for i, m := range q.it.Materials {
		name := strings.TrimSpace(m.Name)
		if name != "" {
			if j, ok := first[name]; ok {
				q.add(RuleMaterials, elemPath("materials", i, "name"), fmt.Sprintf(MsgQDuplicateMaterial, j+1, name))
			} else {
				first[name] = i
			}
		}
		if blank(m.Form) {
			q.add(RuleMaterials, elemPath("materials", i, "form"), fmt.Sprintf(MsgQMaterialForm, strings.Join(MaterialForms, ListSep)))
		}
		if blank(m.Source) {
			q.add(RuleMaterials, elemPath("materials", i, "source"), fmt.Sprintf(MsgQMaterialSource, strings.Join(MaterialSources, ListSep)))
		}
	}
}

// location is rule 12: the location names a hall, room or window, not only
// a district or street. An absent location is rule 1's.
func (q *qualityChecker) location() {
	loc := q.it.Location
	if blank(loc) {
		return
	}
	for _, m := range LocationMarkers {
		if strings.Contains(loc, m) {
			return
		}
	}
	q.add(RuleLocation, "location", MsgQLocation)
}

// situations is rule 13: a guide whose materials depend on the case
// (their names or notes hold one of SituationMarkers) has situations. One
// finding on "situations" names every marker found.
func (q *qualityChecker) situations() {
	if len(q.it.Situations) > 0 {
		return
	}
	var found []string
	for _, mk := range SituationMarkers {
		for _, m := range q.it.Materials {
			if strings.Contains(m.Name, mk) || strings.Contains(m.Notes, mk) {
				found = append(found, mk)
				break
			}
		}
	}
	if len(found) > 0 {
		q.add(RuleSituations, "situations", fmt.Sprintf(MsgQSituations, strings.Join(found, "”“")))
	}
}

// blank reports whether a text says nothing: empty, white space, or only
// one of AbsentTexts such as "无".
func blank(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || contains(AbsentTexts, s)
}

// digits returns the ASCII digits of s.
func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
