package catalog

// Situations (情形引导): one guide covers several cases — 本人办理 or 委托他人办理,
// 户籍地 or 异地, 首次 or 补领 — and a citizen answers a few questions before
// reading the materials that apply to their case (docs/contract.md#situations).
//
// A guide's Materials are its full list. A material that some option adds
// (Option.Add) is conditional: it applies only when such an option is
// chosen. Every other material applies always, unless a chosen option
// removes it (Option.Remove). Options name materials by their exact name in
// the guide. Questions are independent: every combination of answers is a
// path, and every path ends in a complete checklist (Checklist).

// Situation is one question of a guide's situation guide, with its options.
// A single-choice question takes exactly one option when answered; a
// multiple-choice question takes any number, none included.
type Situation struct {
	// ID is the question's short key in URLs and forms (s_<id>=<option id>):
	// letters, digits, '-' and '_', unique within the guide.
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Multiple bool     `json:"multiple,omitempty"`
	Options  []Option `json:"options"`
}

// Option is one answer to a situation question and what choosing it
// changes in the guide: materials it adds and removes, and, when set, the
// promised time limit, the visits, the online depth, the fee and extra
// steps of the applicant's case.
type Option struct {
	// ID is the option's key, unique within its question (same alphabet as
	// Situation.ID).
	ID     string   `json:"id"`
	Label  string   `json:"label"`
	Add    []string `json:"add,omitempty"`    // names of materials this option adds
	Remove []string `json:"remove,omitempty"` // names of materials this option removes
	// Note is told to the applicant who chooses the option ("异地补领可在全省任一受理点办理").
	Note         string `json:"note,omitempty"`
	PromisedDays *int   `json:"promised_days,omitempty"`
	Visits       *int   `json:"visits,omitempty"`
	OnlineDepth  *int   `json:"online_depth,omitempty"`
	Fee          *Fee   `json:"fee,omitempty"`
	Steps        []Step `json:"steps,omitempty"` // steps added after the guide's steps
}
