package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Publishing checks (docs/contract.md#publishing-checks): what a reviewer
// must not publish, and what they may publish only with a stated reason.
// Errors block publishing; a warning is overridden by a reason the
// reviewer gives for its rule, kept in the published edition and in the
// change log. Saving and submitting are never blocked by them: the
// structural rules of Validate are what every stored edition obeys, and
// the checks here build on the guide-quality rules (quality.go) for what a
// guide the public reads must not contradict or leave out.

// Severities of a publishing check.
const (
	SeverityError   = "error"   // blocks publishing
	SeverityWarning = "warning" // needs a reviewer's reason to publish
)

// Publishing check rule ids. They are stable: API clients send a reason
// per warning rule id (overrides), and published editions keep them.
const (
	// Errors.
	CheckMissing           = "missing"             // an element a published guide must state is absent
	CheckPromisedOverLegal = "promised_over_legal" // promised days > legal days (quality rule 2)
	CheckStepsOverPromised = "steps_over_promised" // the steps' days > promised days (quality rule 9), on any path
	CheckPlaceholder       = "placeholder"         // XX, 待定, 见附件 (without an attachment), 略, 暂无
	CheckOnlineURL         = "online_url"          // online depth ≥ 3 without an online address

	// Warnings, each one guide-quality rule (or what is left of it).
	CheckIncomplete   = "incomplete"    // quality rule 1, elements not in PublishRequired
	CheckHandling     = "handling"      // quality rule 3
	CheckZeroVisit    = "zero_visit"    // quality rule 4
	CheckFullOnline   = "full_online"   // quality rule 5
	CheckVisitReason  = "visit_reason"  // quality rule 6
	CheckVagueText    = "vague_text"    // quality rule 8
	CheckMaterialInfo = "material_info" // quality rule 11
	CheckLocation     = "location"      // quality rule 12
)

// warningRules maps the guide-quality rules that are publishing warnings
// to their check rule ids. Rules 2 and 9 are errors (CheckPromisedOverLegal,
// CheckStepsOverPromised); rule 1 is an error for PublishRequired and a
// warning for the rest. Rules 7 (one phone for consulting and complaints,
// common in small offices), 10 (online payment of a free item, which
// misleads nobody) and 13 (a suggestion to add situations) stay findings
// only.
var warningRules = map[int]string{
	RuleComplete:    CheckIncomplete,
	RuleImmediate:   CheckHandling,
	RuleZeroVisit:   CheckZeroVisit,
	RuleFullOnline:  CheckFullOnline,
	RuleVisitReason: CheckVisitReason,
	RulePlaceholder: CheckVagueText,
	RuleMaterials:   CheckMaterialInfo,
	RuleLocation:    CheckLocation,
}

// PublishRequired are the elements a published guide must state, beyond
// what Validate requires of every stored edition: what to bring, how long
// it takes, where to go and whom to ask. An absent one (or a text holding
// only one of AbsentTexts) is a CheckMissing error; location is not
// required of a guide handled wholly online (online depth 4 and no
// visit). The other elements of quality rule 1 are CheckIncomplete
// warnings.
var PublishRequired = []string{"materials", "promised_days", "location", "consult_phone"}

// PublishPlaceholders are words that stand in for a required text not
// written yet (CheckPlaceholder), found anywhere in it; an XX run
// (xxRun), 略 and 暂无 standing for the whole text are placeholders too.
// They are stored values' words, like Placeholders (values.go).
var PublishPlaceholders = []string{"待定", "待补充", "待完善", AttachmentPlaceholder}

// AttachmentPlaceholder refers to an attachment; it is accepted where the
// guide links one (see placeholders).
const AttachmentPlaceholder = "见附件"

// OmittedText (略) stands for a text left out.
const OmittedText = "略"

// MaxOverrideRunes bounds a reviewer's reason for overriding one warning
// rule, in characters.
const MaxOverrideRunes = 500

// PublishCheck is one publishing check a guide fails: its rule id, whether it
// blocks publishing (SeverityError) or needs a reason (SeverityWarning),
// the quality rule it comes from (0 when none), the interchange field path
// it is about and a Chinese message naming the field.
type PublishCheck struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Quality  int    `json:"quality,omitempty"`
	Field    string `json:"field"`
	Message  string `json:"message"`
}

// PublishChecks returns the publishing checks the guide fails: errors
// first, then warnings, each group in the order of its rules and fields.
// A guide without any may be published as it is.
func PublishChecks(it *Item) []PublishCheck {
	if it == nil {
		return nil
	}
	p := &publishChecker{it: it}
	p.missing()
	p.promisedOverLegal()
	p.stepsOverPromised()
	p.placeholders()
	p.onlineURL()
	p.warnings()
	return p.out
}

// CheckErrors returns the checks that block publishing.
func CheckErrors(checks []PublishCheck) []PublishCheck { return bySeverity(checks, SeverityError) }

// CheckWarnings returns the checks that need a reviewer's reason.
func CheckWarnings(checks []PublishCheck) []PublishCheck { return bySeverity(checks, SeverityWarning) }

func bySeverity(checks []PublishCheck, sev string) []PublishCheck {
	var out []PublishCheck
	for _, c := range checks {
		if c.Severity == sev {
			out = append(out, c)
		}
	}
	return out
}

// WarningRules returns the distinct rule ids of the warnings among checks,
// in the order they first occur: a reviewer gives one reason per rule.
func WarningRules(checks []PublishCheck) []string {
	var out []string
	for _, c := range checks {
		if c.Severity == SeverityWarning && !slices.Contains(out, c.Rule) {
			out = append(out, c.Rule)
		}
	}
	return out
}

// CheckTitle returns the short Chinese title of a publishing check rule,
// or the id itself for an unknown one.
func CheckTitle(rule string) string {
	if t, ok := checkTitles[rule]; ok {
		return t
	}
	return rule
}

// OverrideField is the field path of the reason overriding warning rule
// (FieldError.Field of CheckOverrides): "overrides.location".
func OverrideField(rule string) string { return "overrides." + rule }

// CheckOverrides checks a reviewer's reasons for publishing despite the
// warnings among checks, by warning rule id: every warning rule needs a
// reason, clean text (line breaks allowed) of at most MaxOverrideRunes
// characters, not blank; a reason for a rule that is no warning of this
// guide is refused (errors cannot be overridden). The errors come in the
// order of the warnings, then the unknown rules sorted.
func CheckOverrides(checks []PublishCheck, overrides map[string]string) []FieldError {
	var errs []FieldError
	rules := WarningRules(checks)
	for _, r := range rules {
		f := OverrideField(r)
		reason, ok := overrides[r]
		switch msg := textProblem(reason); {
		case !ok || strings.TrimSpace(reason) == "":
			errs = append(errs, FieldError{Field: f, Message: fmt.Sprintf(MsgOverrideMissing, CheckTitle(r))})
		case msg != "":
			errs = append(errs, FieldError{Field: f, Message: msg})
		case utf8.RuneCountInString(reason) > MaxOverrideRunes:
			errs = append(errs, FieldError{Field: f, Message: fmt.Sprintf(MsgTooLong, MaxOverrideRunes)})
		}
	}
	for _, r := range slices.Sorted(maps.Keys(overrides)) {
		if !slices.Contains(rules, r) {
			errs = append(errs, FieldError{Field: OverrideField(r), Message: MsgOverrideUnknown})
		}
	}
	return errs
}

// TrimOverrides returns the overrides with their reasons trimmed of
// surrounding white space, as they are kept; nil for none.
func TrimOverrides(overrides map[string]string) map[string]string {
	if len(overrides) == 0 {
		return nil
	}
	out := make(map[string]string, len(overrides))
	for r, reason := range overrides {
		out[r] = strings.TrimSpace(reason)
	}
	return out
}

// publishChecker collects the checks of one guide.
type publishChecker struct {
	it  *Item
	out []PublishCheck
}

func (p *publishChecker) add(rule, sev string, quality int, field, msg string) {
	p.out = append(p.out, PublishCheck{Rule: rule, Severity: sev, Quality: quality, Field: field, Message: msg})
}

func (p *publishChecker) fail(rule, field, msg string) { p.add(rule, SeverityError, 0, field, msg) }

// fullyOnline reports whether the guide is handled wholly online: online
// depth 4 and no visit.
func (p *publishChecker) fullyOnline() bool {
	d, v := p.it.OnlineDepth, p.it.Visits
	return d != nil && *d == MaxDepth && v != nil && *v == 0
}

// requiredMissing reports whether the element field of PublishRequired
// is absent from the guide.
func (p *publishChecker) requiredMissing(field string) bool {
	it := p.it
	switch field {
	case "materials":
		return len(it.Materials) == 0
	case "promised_days":
		return it.PromisedDays == nil
	case "location":
		return blank(it.Location) && !p.fullyOnline()
	case "consult_phone":
		return blank(it.ConsultPhone)
	}
	return false
}

// missing is CheckMissing: the elements of PublishRequired.
func (p *publishChecker) missing() {
	for _, f := range PublishRequired {
		if p.requiredMissing(f) {
			p.fail(CheckMissing, f, fmt.Sprintf(MsgPublishMissing, Label(f)))
		}
	}
}

// promisedOverLegal is CheckPromisedOverLegal: the guide's promised days,
// and any a situation option sets, at most the legal days.
func (p *publishChecker) promisedOverLegal() {
	l := p.it.LegalDays
	if l == nil {
		return
	}
	if d := p.it.PromisedDays; d != nil && *d > *l {
		p.fail(CheckPromisedOverLegal, "promised_days", fmt.Sprintf(MsgQPromisedOverLegal, *d, *l))
	}
	for i, s := range p.it.Situations {
		for j, o := range s.Options {
			if d := o.PromisedDays; d != nil && *d > *l {
				p.fail(CheckPromisedOverLegal, optionPath(i, j, "promised_days"),
					fmt.Sprintf(MsgPublishOptionOverLegal, optionName(s, o), *d, *l))
			}
		}
	}
}

// stepDaysKnown adds up the days of the steps that give them: a lower
// bound of the steps' time.
func stepDaysKnown(steps []Step) int {
	sum := 0
	for _, s := range steps {
		if s.Days != nil {
			sum += *s.Days
		}
	}
	return sum
}

// stepsOverPromised is CheckStepsOverPromised: on no path through the
// situations do the steps' days (the guide's steps and the chosen
// options') add up to more than the promised days of that path. Steps
// without days count as 0, so a sum over the promise is over it whatever
// they take. The guide's own steps against its promise are one check on
// "steps"; the worst path through the situations, when it is over and the
// guide alone is not, one check on "situations" naming its answers.
func (p *publishChecker) stepsOverPromised() {
	it := p.it
	if it.PromisedDays != nil {
		if sum := stepDaysKnown(it.Steps); sum > *it.PromisedDays {
			p.fail(CheckStepsOverPromised, "steps", fmt.Sprintf(MsgQStepDays, sum, *it.PromisedDays))
			return
		}
	}
	if w, ok := worstPath(it); ok && w.steps > w.promised {
		p.fail(CheckStepsOverPromised, "situations",
			fmt.Sprintf(MsgPublishPathStepDays, strings.Join(w.labels, ListSep), w.steps, w.promised))
	}
}

// pathExcess is a path through the situations with the most step days
// over its promised days: the chosen options' names, the steps' days and
// the promised days.
type pathExcess struct {
	labels          []string
	steps, promised int
}

// worstPath finds the path through the guide's situations whose steps'
// days exceed its promised days the most, without enumerating paths. A
// path's promise is the longest an option chosen on it sets, else the
// guide's; so for each candidate promise — the guide's, with no option
// that sets one, or each option's own, with that option chosen and no
// option setting a longer one — every question takes the options adding
// the most step days among those allowed. ok is false when the guide has
// no situations or no path has a promise.
func worstPath(it *Item) (w pathExcess, ok bool) {
	if len(it.Situations) == 0 {
		return w, false
	}
	base := stepDaysKnown(it.Steps)
	try := func(promised int, forcedQ, forcedO int, allowed func(o *Option) bool) {
		total := base
		var labels []string
		for i := range it.Situations {
			s := &it.Situations[i]
			if i == forcedQ && !s.Multiple {
				o := &s.Options[forcedO]
				total += stepDaysKnown(o.Steps)
				labels = append(labels, optionName(*s, *o))
				continue
			}
			if s.Multiple {
				for j := range s.Options {
					o := &s.Options[j]
					if (i == forcedQ && j == forcedO) || (allowed(o) && stepDaysKnown(o.Steps) > 0) {
						total += stepDaysKnown(o.Steps)
						labels = append(labels, optionName(*s, *o))
					}
				}
				continue
			}
			best := -1
			for j := range s.Options {
				o := &s.Options[j]
				if allowed(o) && (best < 0 || stepDaysKnown(o.Steps) > stepDaysKnown(s.Options[best].Steps)) {
					best = j
				}
			}
			if best < 0 {
				return // no answer to this question keeps the candidate promise
			}
			o := &s.Options[best]
			total += stepDaysKnown(o.Steps)
			if stepDaysKnown(o.Steps) > 0 || o.PromisedDays != nil {
				labels = append(labels, optionName(*s, *o))
			}
		}
		if !ok || total-promised > w.steps-w.promised {
			w, ok = pathExcess{labels: labels, steps: total, promised: promised}, true
		}
	}
	if g := it.PromisedDays; g != nil {
		try(*g, -1, -1, func(o *Option) bool { return o.PromisedDays == nil })
	}
	for i, s := range it.Situations {
		for j, o := range s.Options {
			if o.PromisedDays == nil {
				continue
			}
			v := *o.PromisedDays
			try(v, i, j, func(x *Option) bool { return x.PromisedDays == nil || *x.PromisedDays <= v })
		}
	}
	return w, ok
}

// optionName names a situation option for a message: 问题：选项.
func optionName(s Situation, o Option) string {
	return strings.TrimSpace(s.Question) + "：" + strings.TrimSpace(o.Label)
}

// optionPath is the field path of an option's field.
func optionPath(q, o int, sub string) string {
	return elemPath(elemPath("situations", q, "options"), o, sub)
}

// placeholders is CheckPlaceholder: the texts of the elements a guide
// must state (quality rule 1's, and the names Validate requires) hold no
// placeholder (PublishPlaceholders, an XX run, 略 or 暂无 standing for the
// text). 见附件 is accepted in a material's name or notes when its notes
// give the attachment's address (an http or https link), and in the
// result's name when its sample does: the model has no attachments
// otherwise, so nothing else can be "attached". A text holding only 暂无
// where PublishRequired is missing is CheckMissing's.
func (p *publishChecker) placeholders() {
	it := p.it
	check := func(field, s string, attached bool) {
		material := strings.HasPrefix(field, "materials[")
		if found := placeholdersIn(s, attached, material); len(found) > 0 {
			p.fail(CheckPlaceholder, field, fmt.Sprintf(MsgPublishPlaceholder, Label(field), strings.Join(found, ListSep)))
		}
	}
	check("name", it.Name, false)
	check("department", it.Department, false)
	for i, b := range it.Basis {
		check(elemPath("basis", i, "title"), b.Title, false)
	}
	check("conditions", it.Conditions, false)
	for i, m := range it.Materials {
		att := hasLink(m.Notes)
		check(elemPath("materials", i, "name"), m.Name, att)
		check(elemPath("materials", i, "notes"), m.Notes, att)
	}
	for i, s := range it.Steps {
		check(elemPath("steps", i, "name"), s.Name, false)
	}
	if it.Fee != nil {
		for i, f := range it.Fee.Items {
			check(elemPath("fee.items", i, "name"), f.Name, false)
			check(elemPath("fee.items", i, "standard"), f.Standard, false)
		}
	}
	if r := it.Result; r != nil {
		check("result.name", r.Name, hasLink(r.Sample))
	}
	if !p.requiredMissing("location") {
		check("location", it.Location, false)
	}
	check("hours", it.Hours, false)
	if !p.requiredMissing("consult_phone") {
		check("consult_phone", it.ConsultPhone, false)
	}
	check("complaint_phone", it.ComplaintPhone, false)
}

// placeholdersIn returns the placeholders s holds, in the order of
// PublishPlaceholders and then XX, 略, 暂无; attached accepts 见附件. In a
// material's name or notes an XX run counts only at the start ("XX证明"):
// elsewhere it is the applicant's own name to fill in, as in a letter's
// title "关于申请审批××工程建设方案的函".
func placeholdersIn(s string, attached, material bool) []string {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil
	}
	var found []string
	for _, ph := range PublishPlaceholders {
		if strings.Contains(t, ph) && !(attached && ph == AttachmentPlaceholder) {
			found = append(found, ph)
		}
	}
	if x := xxRun(t); x != "" && (!material || strings.HasPrefix(t, x)) {
		found = append(found, x)
	}
	bare := strings.Trim(t, "（）()【】[]。.、…")
	switch {
	case bare == OmittedText || strings.Contains(t, "（"+OmittedText+"）") || strings.Contains(t, "("+OmittedText+")"):
		found = append(found, OmittedText)
	case contains(AbsentTexts, bare) && bare != "无":
		found = append(found, bare)
	}
	return found
}

// xxRun returns the first run of two or more placeholder crosses in s —
// X, x, the fullwidth Ｘ ｘ or the multiplication sign × — that is no part
// of a longer Latin word or number ("XX市XX局", "0915-XXXXXXX"; not
// "Xbox", "box", "XXL" is a word), or "".
func xxRun(s string) string {
	isX := func(r rune) bool { return r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ' || r == '×' }
	isLatin := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isX(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isX(rs[j]) {
			j++
		}
		before := i > 0 && isLatin(rs[i-1])
		after := j < len(rs) && isLatin(rs[j])
		if j-i >= 2 && !before && !after {
			return string(rs[i:j])
		}
		i = j
	}
	return ""
}

// hasLink reports whether s holds an http or https address.
func hasLink(s string) bool {
	return strings.Contains(s, "http://") || strings.Contains(s, "https://")
}

// onlineURL is CheckOnlineURL: a guide that may be applied for online
// (online depth ≥ 3, the guide's or any situation option's) gives the
// address to do it at.
func (p *publishChecker) onlineURL() {
	if strings.TrimSpace(p.it.OnlineURL) != "" {
		return
	}
	if d := p.it.OnlineDepth; d != nil && *d >= MinOnlineDepth {
		p.fail(CheckOnlineURL, "online_url", fmt.Sprintf(MsgPublishOnlineURL, *d, OnlineDepthLabels[*d]))
		return
	}
	for i, s := range p.it.Situations {
		for j, o := range s.Options {
			if d := o.OnlineDepth; d != nil && *d >= MinOnlineDepth && *d <= MaxDepth {
				p.fail(CheckOnlineURL, optionPath(i, j, "online_depth"),
					fmt.Sprintf(MsgPublishOptionOnlineURL, optionName(s, o), *d, OnlineDepthLabels[*d]))
				return
			}
		}
	}
}

// warnings are the guide-quality findings of warningRules, rule 1 only for
// the elements PublishRequired does not already make errors.
func (p *publishChecker) warnings() {
	for _, f := range Quality(p.it) {
		rule, ok := warningRules[f.Rule]
		if !ok || f.Rule == RuleComplete && slices.Contains(PublishRequired, f.Field) {
			continue
		}
		p.add(rule, SeverityWarning, f.Rule, f.Field, f.Message)
	}
}

// MinOnlineDepth is the least online depth at which an item can be
// applied for online (在线申报/预审), the depth of the online
// classification (docs/contract.md#classifications).
const MinOnlineDepth = 3

// PublishRefusal is the error of a publish the checks refuse: the
// guide's checks (its errors and warnings) and, when it has no error, what
// is wrong with the reasons given for its warnings (by OverrideField). It
// wraps ErrInvalid.
type PublishRefusal struct {
	Checks    []PublishCheck
	Overrides []FieldError
}

// Blocked reports whether errors refuse the publish, whatever the reasons.
func (e *PublishRefusal) Blocked() bool { return len(CheckErrors(e.Checks)) > 0 }

// Error says why, in Chinese, with every problem.
func (e *PublishRefusal) Error() string {
	var parts []string
	head := fmt.Sprintf(MsgPublishNeedsReasons, len(WarningRules(e.Checks)))
	if e.Blocked() {
		head = fmt.Sprintf(MsgPublishBlocked, len(CheckErrors(e.Checks)))
		for _, c := range CheckErrors(e.Checks) {
			parts = append(parts, c.Message)
		}
	} else {
		for _, fe := range e.Overrides {
			parts = append(parts, fe.Message)
		}
	}
	return head + strings.Join(parts, ListSep2)
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *PublishRefusal) Unwrap() error { return ErrInvalid }

// RefusePublish returns a *PublishRefusal when checks (PublishChecks of
// the guide to publish) have an error, or warnings the overrides (reasons
// by warning rule) do not answer as CheckOverrides requires; else nil.
func RefusePublish(checks []PublishCheck, overrides map[string]string) error {
	if len(CheckErrors(checks)) > 0 {
		return &PublishRefusal{Checks: checks}
	}
	if errs := CheckOverrides(checks, overrides); len(errs) > 0 {
		return &PublishRefusal{Checks: checks, Overrides: errs}
	}
	return nil
}
