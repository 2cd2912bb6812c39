package feedback

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"zhinan/catalog"
)

// Kind is what a ticket comes from.
type Kind string

// The kinds of tickets.
const (
	KindRating Kind = "rating" // a 差评 (不满意, 非常不满意)
	KindError  Kind = "error"  // a 指南有误 report
	KindFail   Kind = "fail"   // a 办不成事 report
)

// Label is the kind's Chinese name.
func (k Kind) Label() string { return kindLabels[k] }

// WorkingDays is how many working days the owning department has: to
// settle a 差评 or an error report (已整改 or 不予整改), to first contact
// the citizen of a 办不成事 report (处理中 or later).
func (k Kind) WorkingDays() int {
	if k == KindFail {
		return 1
	}
	return 5
}

// Due is the deadline of a ticket of kind k filed at filed: the end of
// the k.WorkingDays()-th working day after the day of filed in China's
// time (loc), by cal. The day is returned at midnight in loc; the ticket
// is on time when acted on before the day after it begins.
func Due(k Kind, filed time.Time, cal *catalog.Calendar, loc *time.Location) time.Time {
	return cal.AddWorkingDays(filed.In(loc), k.WorkingDays())
}

// State is where a ticket stands.
type State string

// The states of a ticket: 待处理 → 处理中 → 已整改 / 不予整改 → 已回访.
const (
	StateOpen     State = "open"
	StateWorking  State = "working"
	StateFixed    State = "fixed"
	StateDeclined State = "declined"
	StateVisited  State = "visited"
)

// Label is the state's Chinese name.
func (s State) Label() string { return stateLabels[s] }

// Settled says whether the department has decided (整改 or not).
func (s State) Settled() bool { return s == StateFixed || s == StateDeclined || s == StateVisited }

// Contacted says whether the department has taken the ticket up (the
// first contact a 办不成事 report is due for).
func (s State) Contacted() bool { return s != StateOpen }

// next are the states each state may move to.
var next = map[State][]State{
	StateOpen:     {StateWorking, StateFixed, StateDeclined},
	StateWorking:  {StateFixed, StateDeclined},
	StateFixed:    {StateVisited},
	StateDeclined: {StateVisited},
}

// Next are the states a ticket in state s may move to, in the order a
// form offers them; none once visited.
func (s State) Next() []State { return slices.Clone(next[s]) }

// Move is a department's step on a ticket: the new state, the reply the
// citizen reads through the ticket's link, and for 已整改 the guide
// edition that fixed it (0 for none).
type Move struct {
	To      State  `json:"to"`
	Reply   string `json:"reply,omitempty"`
	Edition int    `json:"edition,omitempty"`
}

// CheckMove validates a move from state from: an allowed transition, a
// clean reply of at most MaxWhatRunes (required to decline), an edition
// only with 已整改 and positive.
func CheckMove(from State, m Move) error {
	var errs []catalog.FieldError
	if !slices.Contains(next[from], m.To) {
		errs = append(errs, catalog.FieldError{Field: "to", Message: fmt.Sprintf(MsgTransition, from.Label(), labelOr(m.To))})
	}
	if e := catalog.CheckText("reply", m.Reply, MaxWhatRunes, false); e != nil {
		errs = append(errs, e...)
	} else if m.To == StateDeclined && strings.TrimSpace(m.Reply) == "" {
		errs = append(errs, catalog.FieldError{Field: "reply", Message: MsgDeclineReason})
	}
	if m.Edition < 0 || m.Edition > 0 && m.To != StateFixed {
		errs = append(errs, catalog.FieldError{Field: "edition", Message: fmt.Sprintf(MsgFixEdition, m.Edition)})
	}
	return asError(errs)
}

// labelOr is the state's label, or the value quoted when it is unknown.
func labelOr(s State) string {
	if l := s.Label(); l != "" {
		return l
	}
	return clip(string(s))
}

// TokenLen is the length of a ticket's token.
const TokenLen = 26

// tokenEncoding writes 128 random bits as 26 lower-case letters and digits.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewToken is a ticket's link token: 128 bits from crypto/rand, so that a
// ticket's link cannot be guessed from another's.
func NewToken() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather)
	return tokenEncoding.EncodeToString(b[:])
}

// tokenRE is the shape of a token, checked before a lookup.
var tokenRE = regexp.MustCompile(`^[a-z2-7]{26}$`)

// ValidToken says whether s has the shape of a token.
func ValidToken(s string) bool { return tokenRE.MatchString(s) }
