package catalog

import (
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
)

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
// unstorable (SPEC §2). Only the required fields must be present; any other
// field is checked only when present. The errors come in the order of the
// interchange fields, list elements in index order, at most one per field.
// Whether the region exists is the store's concern, not checked here; what a
// complete guide still lacks is Quality's.
func Validate(it *Item) []FieldError {
	if it == nil {
		return []FieldError{{Message: MsgItemMissing}}
	}
	v := &guideChecker{}

	if v.text("code", it.Code) {
		switch {
		case it.Code == "":
			v.add("code", MsgRequired)
		case !isCode(it.Code):
			v.add("code", MsgCodeFormat)
		}
	}
	if v.text("base_code", it.BaseCode) {
		switch {
		case it.BaseCode == "":
			v.add("base_code", MsgRequired)
		case utf8.RuneCountInString(it.BaseCode) != BaseCodeLen:
			v.add("base_code", fmt.Sprintf(MsgBaseCodeLen, BaseCodeLen, utf8.RuneCountInString(it.BaseCode)))
		case !alnumOnly(it.BaseCode, false):
			v.add("base_code", MsgBaseCodeChars)
		}
	}
	if v.required("name", it.Name) {
		if utf8.RuneCountInString(strings.TrimSpace(it.Name)) > MaxNameLen {
			v.add("name", fmt.Sprintf(MsgTooLong, MaxNameLen))
		}
	}
	v.enum("type", it.Type, Types, true)
	v.enum("level", it.Level, Levels, false)
	if v.text("region", it.Region) {
		switch {
		case it.Region == "":
			v.add("region", MsgRequired)
		case !isRegionCode(it.Region):
			v.add("region", MsgRegionFormat)
		}
	}
	v.required("department", it.Department)
	for i, a := range it.Audience {
		v.enum(elemPath("audience", i, ""), a, Audiences, true)
	}
	for i, t := range it.Themes {
		f := elemPath("themes", i, "")
		if v.text(f, t) && strings.TrimSpace(t) == "" {
			v.add(f, MsgEmptyElement)
		}
	}
	for i, b := range it.Basis {
		v.required(elemPath("basis", i, "title"), b.Title)
		v.text(elemPath("basis", i, "clause"), b.Clause)
		v.text(elemPath("basis", i, "text"), b.Text)
	}
	v.text("conditions", it.Conditions)
	for i, m := range it.Materials {
		v.required(elemPath("materials", i, "name"), m.Name)
		v.enum(elemPath("materials", i, "required"), m.Required, MaterialRequired, false)
		v.enum(elemPath("materials", i, "form"), m.Form, MaterialForms, false)
		v.count(elemPath("materials", i, "copies"), m.Copies, -1)
		v.enum(elemPath("materials", i, "source"), m.Source, MaterialSources, false)
		v.text(elemPath("materials", i, "notes"), m.Notes)
	}
	for i, s := range it.Steps {
		v.required(elemPath("steps", i, "name"), s.Name)
		v.text(elemPath("steps", i, "description"), s.Description)
		v.count(elemPath("steps", i, "days"), s.Days, MaxDays)
	}
	v.count("legal_days", it.LegalDays, MaxDays)
	v.count("promised_days", it.PromisedDays, MaxDays)
	v.enum("handling", it.Handling, Handlings, false)
	v.count("visits", it.Visits, MaxVisits)
	v.text("visit_reason", it.VisitReason)
	if d := it.OnlineDepth; d != nil && (*d < 0 || *d > MaxDepth) {
		v.add("online_depth", fmt.Sprintf(MsgOnlineDepth, depthLegend()))
	}
	if v.text("online_url", it.OnlineURL) && it.OnlineURL != "" && !isWebURL(it.OnlineURL) {
		v.add("online_url", MsgURL)
	}
	v.enum("scope", it.Scope, Scopes, false)
	if it.Fee != nil {
		for i, f := range it.Fee.Items {
			v.required(elemPath("fee.items", i, "name"), f.Name)
			v.text(elemPath("fee.items", i, "standard"), f.Standard)
			v.text(elemPath("fee.items", i, "basis"), f.Basis)
		}
	}
	if r := it.Result; r != nil {
		v.required("result.name", r.Name)
		v.enum("result.type", r.Type, ResultTypes, false)
		v.text("result.sample", r.Sample)
	}
	v.text("location", it.Location)
	v.text("hours", it.Hours)
	v.text("consult_phone", it.ConsultPhone)
	v.text("complaint_phone", it.ComplaintPhone)
	for i, q := range it.FAQ {
		v.required(elemPath("faq", i, "q"), q.Q)
		v.required(elemPath("faq", i, "a"), q.A)
	}
	v.askPhrases(it.AskPhrases)
	return v.errs
}

// askPhrases checks the ask phrases: at most MaxAskPhrases, each one line
// of at most MaxAskPhraseRunes characters, not blank, none repeated (spaces
// around a phrase do not tell it apart).
func (v *guideChecker) askPhrases(list []string) {
	if len(list) > MaxAskPhrases {
		v.add("ask_phrases", fmt.Sprintf(MsgTooMany, MaxAskPhrases, len(list)))
	}
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
		case strings.ContainsAny(t, "\n\r\t"):
			v.add(f, MsgOneLine)
		case utf8.RuneCountInString(t) > MaxAskPhraseRunes:
			v.add(f, fmt.Sprintf(MsgTooLong, MaxAskPhraseRunes))
		case repeated:
			v.add(f, fmt.Sprintf(MsgRepeated, j+1))
		default:
			first[t] = i
		}
	}
}

// guideChecker collects field errors in the order they are found.
type guideChecker struct{ errs []FieldError }

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
		v.add(field, enumMessage(allowed))
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

// textProblem returns the message for text that is not valid UTF-8 or holds
// a control character other than newline and tab (a CR is accepted only as
// part of a CRLF line break, as browsers send textareas), or "".
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return MsgBadUTF8
	}
	for i, r := range s {
		if !unicode.IsControl(r) || r == '\n' || r == '\t' {
			continue
		}
		if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			continue
		}
		return fmt.Sprintf(MsgControlChar, r)
	}
	return ""
}

// enumMessage names the allowed values of an enumeration.
func enumMessage(allowed []string) string {
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

// isRegionCode reports whether s is 6 ASCII digits.
func isRegionCode(s string) bool {
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
