package feedback

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"zhinan/catalog"
)

// Limits of what a citizen types.
const (
	MaxCommentRunes = 500  // a rating's comment
	MaxWhatRunes    = 1000 // what is wrong, what happened
	MaxContactRunes = 64   // a contact (phone, mail)
	MaxCodeLen      = 64   // the code of the rated item or bundle
)

// Level is a rating's level: 5 非常满意, 4 满意, 3 基本满意, 2 不满意,
// 1 非常不满意.
type Level int

// Levels, best first: the order the form offers them.
var Levels = []Level{5, 4, 3, 2, 1}

// Valid says whether l is one of the five levels.
func (l Level) Valid() bool { return l >= 1 && l <= 5 }

// Satisfied says whether l counts as satisfied (the top three levels): the
// satisfaction rate is satisfied ratings over all ratings.
func (l Level) Satisfied() bool { return l >= 3 }

// Bad says whether l is a 差评 (不满意, 非常不满意), which becomes a ticket.
func (l Level) Bad() bool { return l == 1 || l == 2 }

// Label is the level's Chinese name, "" for an invalid one.
func (l Level) Label() string {
	if !l.Valid() {
		return ""
	}
	return levelLabels[l]
}

// Reason is a reason given with a rating.
type Reason string

// The reasons a rating may give.
const (
	ReasonGuideWrong      Reason = "guide_wrong"
	ReasonMaterialsDiffer Reason = "materials_differ"
	ReasonManyVisits      Reason = "many_visits"
	ReasonOnlineFailed    Reason = "online_failed"
	ReasonOverTime        Reason = "over_time"
	ReasonAttitude        Reason = "attitude"
	ReasonOther           Reason = "other"
)

// Reasons in the order the form offers them.
var Reasons = []Reason{ReasonGuideWrong, ReasonMaterialsDiffer, ReasonManyVisits, ReasonOnlineFailed, ReasonOverTime, ReasonAttitude, ReasonOther}

// Label is the reason's Chinese name, "" for an unknown one.
func (r Reason) Label() string { return reasonLabels[r] }

// TargetKind says what a rating is of.
type TargetKind string

// What can be rated.
const (
	TargetItem   TargetKind = "item"
	TargetBundle TargetKind = "bundle"
)

// Target is the item or bundle a rating or report is about.
type Target struct {
	Kind TargetKind `json:"kind"`
	Code string     `json:"code"`
}

// codeRE is the shape of item and bundle codes as forms send them.
var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (t Target) problems(field string) []catalog.FieldError {
	if (t.Kind != TargetItem && t.Kind != TargetBundle) || len(t.Code) > MaxCodeLen || !codeRE.MatchString(t.Code) {
		return []catalog.FieldError{{Field: field, Message: MsgTarget}}
	}
	return nil
}

// Rating is one citizen's 好差评 of an item or a bundle. No account is
// needed; nothing in it names the citizen.
type Rating struct {
	Target  Target   `json:"target"`
	Level   Level    `json:"level"`
	Reasons []Reason `json:"reasons,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// Check validates a rating: a level, known reasons each at most once, a
// clean comment of at most MaxCommentRunes. It returns a
// *catalog.ValidationError naming every field that is wrong, or nil.
func (r *Rating) Check() error {
	errs := r.Target.problems("target")
	if !r.Level.Valid() {
		errs = append(errs, catalog.FieldError{Field: "level", Message: MsgLevel})
	}
	for i, why := range r.Reasons {
		field := fmt.Sprintf("reasons[%d]", i)
		switch {
		case why.Label() == "":
			errs = append(errs, catalog.FieldError{Field: field, Message: fmt.Sprintf(MsgReason, clip(string(why)))})
		case slices.Contains(r.Reasons[:i], why):
			errs = append(errs, catalog.FieldError{Field: field, Message: fmt.Sprintf(MsgReasonTwice, why.Label())})
		}
	}
	errs = append(errs, catalog.CheckText("comment", r.Comment, MaxCommentRunes, false)...)
	return asError(errs)
}

// asError is errs as a *catalog.ValidationError, or nil without any.
func asError(errs []catalog.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &catalog.ValidationError{Errors: errs}
}

// clip shortens what a user sent to quote it in a message.
func clip(s string) string {
	const most = 20
	if r := []rune(strings.ToValidUTF8(s, "")); len(r) > most {
		return string(r[:most]) + "…"
	}
	return strings.ToValidUTF8(s, "")
}
