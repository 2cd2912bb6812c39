package catalog

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Structural limits of a guide.
const (
	MaxCodeLen  = 64   // characters of an item code
	BaseCodeLen = 12   // characters of a base code
	MaxNameLen  = 200  // characters of an item name
	MaxDays     = 3650 // working days of any time limit
	MaxVisits   = 10   // visits to the office
	MaxDepth    = 4    // highest online depth (全程网办)

	MaxAskPhrases     = 30 // phrases of ask_phrases (常见问法)
	MaxAskPhraseRunes = 40 // characters of one ask phrase, spaces around it not counted

	// Elements of the other lists of a guide. A real guide has a handful
	// of each (the seed catalogue at most 7 materials, 5 steps, 4 bases);
	// the limits leave room for the longest while keeping every guide, its
	// editions and the diff of two small.
	MaxMaterials = 100 // materials (申请材料)
	MaxSteps     = 50  // steps of the process (办理流程)
	MaxBasis     = 50  // legal bases (设定依据)
	MaxFeeItems  = 50  // fee items (收费项目)
	MaxFAQ       = 50  // questions and answers (常见问题)
	MaxThemes    = 20  // themes (主题分类)
	MaxAudience  = 10  // audiences (服务对象), more than there are kinds of

	// A situation guide (情形引导) asks a few questions, each with a few
	// options: its paths (every combination of answers) stay few enough to
	// read, test and print.
	MaxSituations     = 8  // questions of a guide (situations)
	MaxOptions        = 8  // options of one question
	MinOptions        = 2  // options of one question: a choice needs two
	MaxSituationIDLen = 32 // characters of a question's or an option's id

	// Characters of texts. A one-line text is a name or title: the
	// department, a theme, the title of a basis and its clause, the name
	// of a material, step or fee item, the result's name, the online
	// address; the location, hours and phones, an FAQ question and the
	// result sample are held to the same length.
	MaxLineRunes       = 500
	MaxConditionsRunes = 10000 // conditions (受理条件)
	MaxBasisTextRunes  = 10000 // the quoted text of one legal basis
	// MaxNotesRunes bounds the other free texts: a material's notes, a
	// step's description, a fee's standard and basis, an FAQ answer, the
	// reason for visits.
	MaxNotesRunes = 2000
)

// MaxNoteLen is the longest change note or rejection reason of an
// edition, in characters.
const MaxNoteLen = 2000

// listLimits are the element limits of the lists of a guide, by field; the
// lists of a situation's options by their path without indexes
// ("situations.options.add").
var listLimits = map[string]int{
	"audience": MaxAudience, "themes": MaxThemes, "basis": MaxBasis, "materials": MaxMaterials,
	"steps": MaxSteps, "fee.items": MaxFeeItems, "faq": MaxFAQ, "ask_phrases": MaxAskPhrases,
	"situations": MaxSituations, "situations.options": MaxOptions,
	"situations.options.add": MaxMaterials, "situations.options.remove": MaxMaterials,
	"situations.options.steps": MaxSteps, "situations.options.fee.items": MaxFeeItems,
}

// ListLimit returns the most elements the list field of a guide may have
// ("materials", "fee.items", "situations.options" …); ok is false for a
// field that is no list.
func ListLimit(field string) (max int, ok bool) {
	max, ok = listLimits[field]
	return max, ok
}

// FieldError is one structural problem of a guide: the interchange field
// path (e.g. "materials[2].form") and a Chinese message.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error formats the problem with the field's Chinese label, e.g.
// "法定办结时限(legal_days)：应为不小于0的整数".
func (e FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return fmt.Sprintf(MsgFieldError, Label(e.Field), e.Field, e.Message)
}

// ValidationError is every FieldError of one item. It wraps ErrInvalid.
type ValidationError struct {
	Errors []FieldError
}

// Error joins every field error in one Chinese sentence.
func (e *ValidationError) Error() string {
	if len(e.Errors) == 0 {
		return MsgInvalidItem
	}
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fe.Error()
	}
	return fmt.Sprintf(MsgValidation, len(e.Errors)) + strings.Join(parts, ListSep2)
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Check validates the item and returns a *ValidationError with every field
// error, or nil when the item can be stored.
func Check(it *Item) error {
	if errs := Validate(it); len(errs) > 0 {
		return &ValidationError{Errors: errs}
	}
	return nil
}

// Validate returns every structural problem of the item: those that make it
// unstorable (docs/contract.md#guide-fields). Only the required fields must be present; any other
// field is checked only when present. The errors come in the order of the
// interchange fields, list elements in index order, at most one per field.
// Whether the region exists is the store's concern, not checked here; what a
// complete guide still lacks is Quality's. Situations are checked by
// situation_check.go, whose reachability errors stand on the materials
// (materials[i]) they are about.
func Validate(it *Item) []FieldError {
	errs, _ := ValidateContext(context.Background(), it)
	return errs
}

// ValidateContext is Validate that gives up when ctx ends, returning the
// context's error: the lists of a guide are checked element by element.
func ValidateContext(ctx context.Context, it *Item) ([]FieldError, error) {
	if it == nil {
		return []FieldError{{Message: MsgItemMissing}}, nil
	}
	v := &guideChecker{ctx: ctx}

	if v.line("code", it.Code, -1) {
		switch {
		case it.Code == "":
			v.add("code", MsgRequired)
		case !isCode(it.Code):
			v.add("code", MsgCodeFormat)
		}
	}
	if v.line("base_code", it.BaseCode, -1) {
		switch {
		case it.BaseCode == "":
			v.add("base_code", MsgRequired)
		default:
			if msg := baseCodeProblem(it.BaseCode); msg != "" {
				v.add("base_code", msg)
			}
		}
	}
	v.requiredLine("name", it.Name, MaxNameLen)
	v.enum("type", it.Type, Types, true)
	v.enum("level", it.Level, Levels, false)
	if v.line("region", it.Region, -1) {
		switch {
		case it.Region == "":
			v.add("region", MsgRequired)
		case !IsRegionCode(it.Region):
			v.add("region", MsgRegionFormat)
		}
	}
	v.requiredLine("department", it.Department, MaxLineRunes)
	if n := v.list("audience", len(it.Audience)); n > 0 {
		for i, a := range it.Audience[:n] {
			v.enum(elemPath("audience", i, ""), a, Audiences, true)
		}
	}
	if n := v.list("themes", len(it.Themes)); n > 0 {
		for i, t := range it.Themes[:n] {
			f := elemPath("themes", i, "")
			if v.line(f, t, MaxLineRunes) && strings.TrimSpace(t) == "" {
				v.add(f, MsgEmptyElement)
			}
		}
	}
	if n := v.list("basis", len(it.Basis)); n > 0 {
		for i, b := range it.Basis[:n] {
			v.requiredLine(elemPath("basis", i, "title"), b.Title, MaxLineRunes)
			v.line(elemPath("basis", i, "clause"), b.Clause, MaxLineRunes)
			v.long(elemPath("basis", i, "text"), b.Text, MaxBasisTextRunes)
			if v.stopped() {
				return nil, v.err
			}
		}
	}
	v.long("conditions", it.Conditions, MaxConditionsRunes)
	if n := v.list("materials", len(it.Materials)); n > 0 {
		for i, m := range it.Materials[:n] {
			v.requiredLine(elemPath("materials", i, "name"), m.Name, MaxLineRunes)
			v.enum(elemPath("materials", i, "required"), m.Required, MaterialRequired, false)
			v.enum(elemPath("materials", i, "form"), m.Form, MaterialForms, false)
			v.count(elemPath("materials", i, "copies"), m.Copies, -1)
			v.enum(elemPath("materials", i, "source"), m.Source, MaterialSources, false)
			v.long(elemPath("materials", i, "notes"), m.Notes, MaxNotesRunes)
			if v.stopped() {
				return nil, v.err
			}
		}
	}
	v.reachable(it)
	if !v.steps("steps", it.Steps) {
		return nil, v.err
	}
	v.count("legal_days", it.LegalDays, MaxDays)
	v.count("promised_days", it.PromisedDays, MaxDays)
	v.enum("handling", it.Handling, Handlings, false)
	v.count("visits", it.Visits, MaxVisits)
	v.long("visit_reason", it.VisitReason, MaxNotesRunes)
	v.depth("online_depth", it.OnlineDepth)
	if v.line("online_url", it.OnlineURL, MaxLineRunes) && it.OnlineURL != "" && !isWebURL(it.OnlineURL) {
		v.add("online_url", MsgURL)
	}
	v.enum("scope", it.Scope, Scopes, false)
	if !v.fee("fee", it.Fee) {
		return nil, v.err
	}
	if r := it.Result; r != nil {
		v.requiredLine("result.name", r.Name, MaxLineRunes)
		v.enum("result.type", r.Type, ResultTypes, false)
		v.long("result.sample", r.Sample, MaxLineRunes)
	}
	v.long("location", it.Location, MaxLineRunes)
	v.long("hours", it.Hours, MaxLineRunes)
	v.long("consult_phone", it.ConsultPhone, MaxLineRunes)
	v.long("complaint_phone", it.ComplaintPhone, MaxLineRunes)
	if n := v.list("faq", len(it.FAQ)); n > 0 {
		for i, q := range it.FAQ[:n] {
			if v.required(elemPath("faq", i, "q"), q.Q) {
				v.long(elemPath("faq", i, "q"), q.Q, MaxLineRunes)
			}
			if v.required(elemPath("faq", i, "a"), q.A) {
				v.long(elemPath("faq", i, "a"), q.A, MaxNotesRunes)
			}
			if v.stopped() {
				return nil, v.err
			}
		}
	}
	v.askPhrases(it.AskPhrases)
	v.situations(it)
	if v.stopped() {
		return nil, v.err
	}
	return v.errs, nil
}

// steps checks a list of steps, the guide's (field "steps") or an
// option's ("situations[0].options[1].steps"). It returns false when the
// context ended.
func (v *guideChecker) steps(field string, list []Step) bool {
	n := v.listMax(field, len(list), MaxSteps)
	for i, s := range list[:n] {
		v.requiredLine(elemPath(field, i, "name"), s.Name, MaxLineRunes)
		v.long(elemPath(field, i, "description"), s.Description, MaxNotesRunes)
		v.count(elemPath(field, i, "days"), s.Days, MaxDays)
		if v.stopped() {
			return false
		}
	}
	return !v.stopped()
}

// fee checks a fee, the guide's (field "fee") or an option's, when
// present. It returns false when the context ended.
func (v *guideChecker) fee(field string, f *Fee) bool {
	if f == nil {
		return !v.stopped()
	}
	items := "fee.items" // the guide's, without a concatenation
	if field != "fee" {
		items = field + ".items"
	}
	n := v.listMax(items, len(f.Items), MaxFeeItems)
	for i, x := range f.Items[:n] {
		v.requiredLine(elemPath(items, i, "name"), x.Name, MaxLineRunes)
		v.long(elemPath(items, i, "standard"), x.Standard, MaxNotesRunes)
		v.long(elemPath(items, i, "basis"), x.Basis, MaxNotesRunes)
		if v.stopped() {
			return false
		}
	}
	return !v.stopped()
}

// depth checks an online depth (网办深度), the guide's or an option's.
func (v *guideChecker) depth(field string, d *int) {
	if d != nil && (*d < 0 || *d > MaxDepth) {
		v.add(field, fmt.Sprintf(MsgOnlineDepth, depthLegend()))
	}
}

// askPhrases checks the ask phrases: at most MaxAskPhrases, each one line
// of at most MaxAskPhraseRunes characters, not blank, none repeated (spaces
// around a phrase do not tell it apart).
func (v *guideChecker) askPhrases(list []string) {
	list = list[:v.list("ask_phrases", len(list))]
	first := make(map[string]int, len(list))
	for i, p := range list {
		f := elemPath("ask_phrases", i, "")
		if !v.text(f, p) {
			continue
		}
		t := strings.TrimSpace(p)
		j, repeated := first[t]
		switch {
		case t == "":
			v.add(f, MsgEmptyElement)
		case lineProblem(t) != "":
			v.add(f, lineProblem(t))
		case utf8.RuneCountInString(t) > MaxAskPhraseRunes:
			v.add(f, fmt.Sprintf(MsgTooLong, MaxAskPhraseRunes))
		case repeated:
			v.add(f, fmt.Sprintf(MsgRepeated, j+1))
		default:
			first[t] = i
		}
	}
}

// guideChecker collects field errors in the order they are found. It
// stops (stopped) when its context ends.
type guideChecker struct {
	ctx  context.Context
	errs []FieldError
	err  error // the context's error once it ended
}

// stopped reports whether the context has ended.
func (v *guideChecker) stopped() bool {
	if v.err == nil && v.ctx != nil {
		v.err = v.ctx.Err()
	}
	return v.err != nil
}

// list checks the number of elements of a list field against its limit
// (listLimits) and returns how many of its elements to check: a list over
// its limit is one error, and only the elements within the limit are
// checked (so that a list of thousands makes no more errors than one at
// the limit).
func (v *guideChecker) list(field string, n int) int {
	return v.listMax(field, n, listLimits[field])
}

// listMax is list with the limit given, for a list whose field path has
// indexes ("situations[0].options").
func (v *guideChecker) listMax(field string, n, max int) int {
	if n > max {
		v.add(field, fmt.Sprintf(MsgTooMany, max, n))
		n = max
	}
	if v.stopped() {
		return 0
	}
	return n
}

// line checks a one-line text (a name, a title, a code): clean text on one
// line without invisible format characters, of at most max characters
// (max < 0: no limit). It returns whether the text is acceptable so far.
func (v *guideChecker) line(field, s string, max int) bool {
	if !v.text(field, s) {
		return false
	}
	if msg := lineProblem(s); msg != "" {
		v.add(field, msg)
		return false
	}
	return v.length(field, s, max)
}

// requiredLine checks a required one-line text: not blank, then as line,
// its length counted without the spaces around it.
func (v *guideChecker) requiredLine(field, s string, max int) {
	if v.required(field, s) {
		v.line(field, strings.TrimSpace(s), max)
	}
}

// long checks a free text of at most max characters.
func (v *guideChecker) long(field, s string, max int) {
	if v.text(field, s) {
		v.length(field, s, max)
	}
}

// length checks that s has at most max characters (max < 0: no limit).
func (v *guideChecker) length(field, s string, max int) bool {
	// A string of at most max bytes has at most max characters: most
	// texts are not counted.
	if max >= 0 && len(s) > max && utf8.RuneCountInString(s) > max {
		v.add(field, fmt.Sprintf(MsgTooLong, max))
		return false
	}
	return true
}

func (v *guideChecker) add(field, msg string) {
	v.errs = append(v.errs, FieldError{Field: field, Message: msg})
}

// text reports an invalid encoding or a control character in s and returns
// whether s is clean text, so that a field gets at most one error.
func (v *guideChecker) text(field, s string) bool {
	if msg := textProblem(s); msg != "" {
		v.add(field, msg)
		return false
	}
	return true
}

// required checks a required free text: clean and not blank. It returns
// whether the text is acceptable so far.
func (v *guideChecker) required(field, s string) bool {
	if !v.text(field, s) {
		return false
	}
	if strings.TrimSpace(s) == "" {
		v.add(field, MsgRequired)
		return false
	}
	return true
}

// enum checks that s is one of allowed; an empty s is an error only when
// the field is required.
func (v *guideChecker) enum(field, s string, allowed []string, required bool) {
	switch {
	case s == "" && required:
		v.add(field, MsgRequired)
	case s != "" && !contains(allowed, s):
		v.add(field, EnumMessage(allowed))
	}
}

// count checks an optional non-negative integer; max < 0 means no upper
// limit.
func (v *guideChecker) count(field string, n *int, max int) {
	switch {
	case n == nil:
	case *n < 0:
		v.add(field, MsgNonNegative)
	case max >= 0 && *n > max:
		v.add(field, fmt.Sprintf(MsgAtMost, max))
	}
}

// textProblem returns the message for text that is not valid UTF-8, holds
// a control character other than newline and tab (a CR is accepted only as
// part of a CRLF line break, as browsers send textareas), a character that
// reorders the text as it is shown (bidirectional embeddings, overrides and
// isolates, e.g. U+202E), a Unicode line or paragraph separator (U+2028,
// U+2029: line breaks are "\n") or a noncharacter (U+FFFE, U+FFFF …), or
// "".
func textProblem(s string) string {
	// One pass: invalid UTF-8 is reported before any other problem, so a
	// character problem is remembered and reported at the end.
	problem := ""
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 0x20 && c != 0x7f || c == '\n' || c == '\t':
			case c == '\r' && i < len(s) && s[i] == '\n':
			case problem == "":
				problem = fmt.Sprintf(MsgControlChar, rune(c))
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return MsgBadUTF8
		}
		i += size
		if problem != "" || r >= 0xa0 && r < 0x2028 || r > 0x2069 && r < 0xfdd0 {
			continue // CJK and most other text: no rule below applies
		}
		switch {
		case unicode.IsControl(r):
			problem = fmt.Sprintf(MsgControlChar, r)
		case bidiControl(r):
			problem = fmt.Sprintf(MsgFormatChar, r)
		case r == '\u2028' || r == '\u2029':
			problem = fmt.Sprintf(MsgLineSeparator, r)
		case nonCharacter(r):
			problem = fmt.Sprintf(MsgNonCharacter, r)
		}
	}
	return problem
}

// nonCharacter reports whether r is a Unicode noncharacter: U+FDD0 to
// U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF,
// U+1FFFE …), as unicode.Noncharacter_Code_Point lists them.
func nonCharacter(r rune) bool {
	return r >= 0xfdd0 && r <= 0xfdef || r&0xfffe == 0xfffe
}

// lineProblem returns the message for a text, clean by textProblem, that
// is not one line (a line break or tab) or holds an invisible format
// character (Unicode category Cf: zero-width spaces and joiners, direction
// marks, soft hyphens, byte order marks …), which make two names that look
// the same differ; or "".
func lineProblem(s string) string {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return MsgOneLine
		case r >= 0x80 && unicode.Is(unicode.Cf, r):
			return fmt.Sprintf(MsgFormatChar, r)
		}
	}
	return ""
}

// bidiControl reports whether r is a bidirectional embedding, override or
// isolate control (U+202A–U+202E, U+2066–U+2069).
func bidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// CheckNote checks an edition's change note or a reviewer's rejection
// reason, named field: clean text (line breaks allowed), of at most
// MaxNoteLen characters, not blank when required.
func CheckNote(field, s string, required bool) []FieldError {
	return CheckText(field, s, MaxNoteLen, required)
}

// CheckText checks a free text a user typed, named field: clean text (line
// breaks allowed, see textProblem), of at most maxRunes characters, not
// blank when required.
func CheckText(field, s string, maxRunes int, required bool) []FieldError {
	switch msg := textProblem(s); {
	case msg != "":
		return []FieldError{{Field: field, Message: msg}}
	case required && strings.TrimSpace(s) == "":
		return []FieldError{{Field: field, Message: MsgRequired}}
	case utf8.RuneCountInString(s) > maxRunes:
		return []FieldError{{Field: field, Message: fmt.Sprintf(MsgTooLong, maxRunes)}}
	}
	return nil
}

// NameProblem returns the message for a name (of a region, a department, a
// catalogue entry) that is not clean one-line text, or "".
func NameProblem(s string) string {
	if msg := textProblem(s); msg != "" {
		return msg
	}
	return lineProblem(s)
}

// EnumMessage is the message of a value outside an enumeration: it names
// the allowed values.
func EnumMessage(allowed []string) string {
	return fmt.Sprintf(MsgOneOf, strings.Join(allowed, ListSep))
}

// depthLegend lists the online depths with their meaning: "0 不可网办、1 信息公开…".
func depthLegend() string {
	parts := make([]string, len(OnlineDepthLabels))
	for i, l := range OnlineDepthLabels {
		parts[i] = strconv.Itoa(i) + " " + l
	}
	return strings.Join(parts, ListSep)
}

// elemPath builds the path of a list element's field:
// elemPath("materials", 2, "form") is "materials[2].form"; an empty sub
// names the element itself.
func elemPath(list string, i int, sub string) string {
	p := list + "[" + strconv.Itoa(i) + "]"
	if sub != "" {
		p += "." + sub
	}
	return p
}

// isCode reports whether s is 1–64 of [0-9A-Za-z-].
func isCode(s string) bool {
	return len(s) >= 1 && len(s) <= MaxCodeLen && alnumOnly(s, true)
}

// alnumOnly reports whether s has only ASCII letters and digits, and
// hyphens when hyphen is set.
func alnumOnly(s string, hyphen bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || hyphen && c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// IsRegionCode reports whether s is 6 ASCII digits, the form of a region
// code (GB/T 2260).
func IsRegionCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	if strings.TrimSpace(s) != s {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

// baseCodeProblem says what is wrong with a base code (of an item or of a
// catalogue entry), or "" when it is BaseCodeLen letters and digits.
func baseCodeProblem(code string) string {
	switch n := utf8.RuneCountInString(code); {
	case n != BaseCodeLen:
		return fmt.Sprintf(MsgBaseCodeLen, BaseCodeLen, n)
	case !alnumOnly(code, false):
		return MsgBaseCodeChars
	}
	return ""
}
