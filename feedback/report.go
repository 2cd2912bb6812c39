package feedback

import (
	"fmt"
	"regexp"
	"strings"

	"zhinan/catalog"
)

// ErrorReport says that a guide is wrong (指南有误): which part, what is
// wrong, and how to reach the citizen if they want to be told.
type ErrorReport struct {
	Target Target `json:"target"`
	// Section is the guide field the report is about (a key of
	// catalog.FieldLabels, e.g. "materials"), "" for the guide as a whole.
	Section string `json:"section,omitempty"`
	What    string `json:"what"`
	Contact string `json:"contact,omitempty"`
}

// Check validates an error report; see Rating.Check.
func (r *ErrorReport) Check() error {
	errs := r.Target.problems("target")
	if _, ok := catalog.FieldLabels[r.Section]; r.Section != "" && !ok {
		errs = append(errs, catalog.FieldError{Field: "section", Message: fmt.Sprintf(MsgSection, clip(r.Section))})
	}
	errs = append(errs, catalog.CheckText("what", r.What, MaxWhatRunes, true)...)
	errs = append(errs, checkContact("contact", r.Contact)...)
	return asError(errs)
}

// FailKind is why something could not be done (办不成事), as the hall's
// 办不成事 window records it.
type FailKind string

// The kinds of 办不成事.
const (
	FailWhere  FailKind = "where"  // 不知道找哪办
	FailHow    FailKind = "how"    // 不知道怎么办
	FailWindow FailKind = "window" // 到窗口办不成 (materials incomplete …)
)

// FailKinds in the order the form offers them.
var FailKinds = []FailKind{FailWhere, FailHow, FailWindow}

// Label is the kind's Chinese name, "" for an unknown one.
func (k FailKind) Label() string { return failLabels[k] }

// FailReport is a 办不成事 report: filed by a citizen, or by a window clerk
// for one (FiledBy, the clerk's account, set by the server).
type FailReport struct {
	Kind FailKind `json:"kind"`
	// Target is the item concerned when it is known; without it the
	// ticket goes to the hall's 办不成事 desk.
	Target  *Target `json:"target,omitempty"`
	What    string  `json:"what"`
	Phone   string  `json:"phone,omitempty"`
	FiledBy string  `json:"filed_by,omitempty"`
}

// Check validates a 办不成事 report; see Rating.Check.
func (r *FailReport) Check() error {
	var errs []catalog.FieldError
	if r.Kind.Label() == "" {
		errs = append(errs, catalog.FieldError{Field: "kind", Message: MsgFailKind})
	}
	if r.Target != nil {
		errs = append(errs, r.Target.problems("target")...)
	}
	errs = append(errs, catalog.CheckText("what", r.What, MaxWhatRunes, true)...)
	if r.Phone != "" && !phoneRE.MatchString(r.Phone) {
		errs = append(errs, catalog.FieldError{Field: "phone", Message: MsgPhone})
	}
	return asError(errs)
}

// phoneRE is a phone number as people write it: digits with an optional
// leading +, area code separators and spaces; 5 to 20 characters.
var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 -]{3,18}[0-9]$`)

// checkContact checks an optional one-line contact.
func checkContact(field, s string) []catalog.FieldError {
	if errs := catalog.CheckText(field, s, MaxContactRunes, false); errs != nil {
		return errs
	}
	if strings.ContainsAny(s, "\r\n\t") {
		return []catalog.FieldError{{Field: field, Message: MsgContactLine}}
	}
	return nil
}
