package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
	"zhinan/feedback"
)

// ticketRow is a row of tickets.
type ticketRow struct {
	ID           int64 `gorm:"primaryKey"`
	Token        string
	Kind         string
	State        string
	RatingID     int64
	TargetKind   string
	TargetCode   string
	TargetName   string
	Region       string
	DepartmentID uint
	Level        int
	Reasons      string
	Section      string
	FailKind     string
	What         string
	Contact      string
	FiledBy      string
	Reply        string
	Outcome      string
	Edition      int
	HandledBy    string
	CreatedAt    time.Time
	Deadline     time.Time
	ContactedAt  *time.Time
	SettledAt    *time.Time
	VisitedAt    *time.Time
	UpdatedAt    time.Time
}

func (ticketRow) TableName() string { return "tickets" }

// Ticket is a feedback ticket as its readers see it.
type Ticket struct {
	ID    int64          `json:"id"`
	Kind  feedback.Kind  `json:"kind"`
	State feedback.State `json:"state"`
	// Target is the item or bundle concerned; nil for a 办不成事 report
	// that names none.
	Target       *feedback.Target  `json:"target,omitempty"`
	TargetName   string            `json:"target_name,omitempty"`
	Region       string            `json:"region,omitempty"`
	DepartmentID uint              `json:"department_id"`   // 0: the hall's 办不成事 desk
	Department   string            `json:"department"`      // the department's name, "" for the desk
	Level        feedback.Level    `json:"level,omitempty"` // a 差评's level
	Reasons      []feedback.Reason `json:"reasons,omitempty"`
	Section      string            `json:"section,omitempty"`   // the guide field of a 指南有误 report
	FailKind     feedback.FailKind `json:"fail_kind,omitempty"` // a 办不成事 report's kind
	What         string            `json:"what,omitempty"`      // the comment, what is wrong, what happened
	// Contact is the phone or mail the citizen left: only those who
	// answer the ticket and auditors read it (catalog.SeesContact).
	Contact     string         `json:"contact,omitempty"`
	FiledBy     string         `json:"filed_by,omitempty"` // the window clerk who filed it
	Reply       string         `json:"reply,omitempty"`
	Outcome     feedback.State `json:"outcome,omitempty"` // fixed or declined once settled
	Edition     int            `json:"edition,omitempty"` // the guide edition of an 整改
	HandledBy   string         `json:"handled_by,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	Deadline    time.Time      `json:"deadline"` // the instant it is late
	ContactedAt *time.Time     `json:"contacted_at,omitempty"`
	SettledAt   *time.Time     `json:"settled_at,omitempty"`
	VisitedAt   *time.Time     `json:"visited_at,omitempty"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// DueDone is when the ticket's due action was taken — settling it for a
// 差评 or an error report, the first contact for a 办不成事 report — or
// nil while it is still to do.
func (t *Ticket) DueDone() *time.Time {
	if t.Kind == feedback.KindFail {
		return t.ContactedAt
	}
	return t.SettledAt
}

// Overdue says whether the due action is still to do at now and the
// deadline has passed.
func (t *Ticket) Overdue(now time.Time) bool { return t.DueDone() == nil && !now.Before(t.Deadline) }

// OnTime says whether the due action was taken before the deadline.
func (t *Ticket) OnTime() bool { d := t.DueDone(); return d != nil && d.Before(t.Deadline) }

// DueDay is the last day on time, in China time.
func (t *Ticket) DueDay() time.Time { return DueDay(t.Deadline) }

// ticketSelect reads a ticket with its department's name.
const ticketSelect = `SELECT t.*, COALESCE(d.name, '') AS department_name FROM tickets t
	LEFT JOIN departments d ON d.id = t.department_id`

// ticketRead is a ticket row with its department's name.
type ticketRead struct {
	Row            ticketRow `gorm:"embedded"`
	DepartmentName string
}

func (read *ticketRead) ticket() *Ticket {
	r := &read.Row
	t := &Ticket{ID: r.ID, Kind: feedback.Kind(r.Kind), State: feedback.State(r.State), TargetName: r.TargetName,
		Region: r.Region, DepartmentID: r.DepartmentID, Department: read.DepartmentName, Level: feedback.Level(r.Level),
		Reasons: splitReasons(r.Reasons), Section: r.Section, FailKind: feedback.FailKind(r.FailKind), What: r.What,
		Contact: r.Contact, FiledBy: r.FiledBy, Reply: r.Reply, Outcome: feedback.State(r.Outcome), Edition: r.Edition,
		HandledBy: r.HandledBy, CreatedAt: r.CreatedAt.UTC(), Deadline: r.Deadline.UTC(), ContactedAt: utcPtr(r.ContactedAt),
		SettledAt: utcPtr(r.SettledAt), VisitedAt: utcPtr(r.VisitedAt), UpdatedAt: r.UpdatedAt.UTC()}
	if r.TargetKind != "" {
		t.Target = &feedback.Target{Kind: feedback.TargetKind(r.TargetKind), Code: r.TargetCode}
	}
	return t
}

// TicketByToken returns the ticket a citizen's link names, without the
// contact, the clerk and the handler's account: whoever holds the link
// reads what was reported and the department's reply, nothing personal.
func (s *Store) TicketByToken(ctx context.Context, token string) (*Ticket, error) {
	if !feedback.ValidToken(token) {
		return nil, fmt.Errorf("ticket: %w", catalog.ErrNotFound)
	}
	t, err := s.loadTicket(s.db.WithContext(ctx), "t.token = ?", token)
	if err != nil {
		return nil, err
	}
	t.Contact, t.FiledBy, t.HandledBy = "", "", ""
	return t, nil
}

func (s *Store) loadTicket(db *gorm.DB, where string, arg any) (*Ticket, error) {
	var rows []ticketRead
	if err := db.Raw(ticketSelect+` WHERE `+where, arg).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load ticket: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("ticket: %w", catalog.ErrNotFound)
	}
	return rows[0].ticket(), nil
}

// requireTicket applies the ticket access policy (catalog.AllowedTicket).
func (s *Store) requireTicket(ctx context.Context, u *catalog.User, action string, t *Ticket) error {
	if catalog.AllowedTicket(u, action, t.DepartmentID, false) {
		return nil
	}
	if catalog.AllowedTicket(u, action, t.DepartmentID, true) && t.Region != "" {
		in, err := s.Within(ctx, t.Region, u.Region)
		if err != nil {
			return err
		}
		if in {
			return nil
		}
	}
	return catalog.ErrForbidden
}

// Ticket returns ticket id to an actor who may read it; the contact only
// to those who may see it (catalog.SeesContact).
func (s *Store) Ticket(ctx context.Context, a Actor, id int64) (*Ticket, error) {
	t, err := s.loadTicket(s.db.WithContext(ctx), "t.id = ?", id)
	if err != nil {
		return nil, err
	}
	if err := s.requireTicket(ctx, a.User, catalog.ActionRead, t); err != nil {
		return nil, err
	}
	if !catalog.SeesContact(a.User, t.DepartmentID) {
		t.Contact = ""
	}
	return t, nil
}

// TicketFilter narrows a ticket list.
type TicketFilter struct {
	// All lists settled and visited tickets too; without it only those
	// still to settle (待处理, 处理中).
	All    bool
	Limit  int // at most MaxTicketPage; 0 is MaxTicketPage
	Offset int
}

// MaxTicketPage is the most tickets a list returns at once.
const MaxTicketPage = 100

// TicketList is a page of tickets and how many match in all.
type TicketList struct {
	Tickets []Ticket `json:"tickets"`
	Total   int64    `json:"total"`
	Overdue int64    `json:"overdue"` // of Total, those overdue now
}

// Tickets lists the tickets an actor answers or reads: an editor's
// department's, a desk clerk's desk's, a reviewer's region's, every ticket
// for auditors and admins. Overdue tickets come first, then by deadline.
func (s *Store) Tickets(ctx context.Context, a Actor, f TicketFilter) (*TicketList, error) {
	u := a.User
	var (
		scope string
		args  []any
	)
	switch {
	case u == nil:
		return nil, catalog.ErrForbidden
	case catalog.AllowedTicket(u, catalog.ActionRead, 0, false) && catalog.AllowedTicket(u, catalog.ActionRead, 1, false):
		scope = "1 = 1" // everything (admins, auditors, reviewers of the whole catalogue)
	case u.Role == catalog.RoleReviewer:
		scope = `t.region IN (WITH RECURSIVE scope(code) AS (
				SELECT code FROM regions WHERE code = ?
				UNION SELECT r.code FROM regions r JOIN scope s ON r.parent = s.code)
			SELECT code FROM scope)`
		args = []any{u.Region}
	case catalog.AllowedTicket(u, catalog.ActionRead, 0, false):
		scope = "t.department_id = 0"
	case u.DepartmentID != 0 && catalog.AllowedTicket(u, catalog.ActionRead, u.DepartmentID, false):
		scope, args = "t.department_id = ?", []any{u.DepartmentID}
	default:
		return nil, catalog.ErrForbidden
	}
	if !f.All {
		scope += ` AND t.state IN ('open', 'working')`
	}
	now := s.Now().UTC()
	// The due action still to do: settling, or first contact for 办不成事.
	const pending = `(CASE WHEN t.kind = 'fail' THEN t.contacted_at ELSE t.settled_at END) IS NULL`
	overdue := `(` + pending + ` AND t.deadline <= ?)`
	db := s.db.WithContext(ctx)
	var counts struct{ Total, Overdue int64 }
	countArgs := append([]any{now}, args...)
	if err := db.Raw(`SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN `+overdue+` THEN 1 ELSE 0 END), 0) AS overdue
		FROM tickets t WHERE `+scope, countArgs...).Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("count tickets: %w", err)
	}
	out := TicketList{Total: counts.Total, Overdue: counts.Overdue}
	limit := f.Limit
	if limit <= 0 || limit > MaxTicketPage {
		limit = MaxTicketPage
	}
	listArgs := append(append([]any{}, args...), now, limit, max(f.Offset, 0))
	var rows []ticketRead
	if err := db.Raw(ticketSelect+` WHERE `+scope+` ORDER BY CASE WHEN `+overdue+` THEN 0 ELSE 1 END,
		CASE WHEN `+pending+` THEN 0 ELSE 1 END, t.deadline, t.id LIMIT ? OFFSET ?`, listArgs...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	out.Tickets = make([]Ticket, len(rows))
	for i := range rows {
		t := rows[i].ticket()
		if !catalog.SeesContact(u, t.DepartmentID) {
			t.Contact = ""
		}
		out.Tickets[i] = *t
	}
	return &out, nil
}

// MoveTicket takes a step on a ticket (feedback.CheckMove): taking it up,
// settling it with a reply (已整改, optionally naming the published
// edition of the item that fixed it; 不予整改 with a reason), recording the
// return visit. The step is written to the change log.
func (s *Store) MoveTicket(ctx context.Context, a Actor, id int64, m feedback.Move) (*Ticket, error) {
	var out *Ticket
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.loadTicket(tx, "t.id = ?", id)
		if err != nil {
			return err
		}
		if err := s.inTx(tx).requireTicket(ctx, a.User, catalog.ActionHandle, t); err != nil {
			return err
		}
		if err := feedback.CheckMove(t.State, m); err != nil {
			return err
		}
		if m.Edition > 0 {
			if err := checkFixEdition(tx, t, m.Edition); err != nil {
				return err
			}
		}
		now := s.Now().UTC()
		set := map[string]any{"state": string(m.To), "updated_at": now, "handled_by": a.name()}
		if t.ContactedAt == nil {
			set["contacted_at"] = now
		}
		switch m.To {
		case feedback.StateFixed, feedback.StateDeclined:
			set["settled_at"], set["outcome"] = now, string(m.To)
			set["edition"] = m.Edition
		case feedback.StateVisited:
			set["visited_at"] = now
		}
		if strings.TrimSpace(m.Reply) != "" {
			set["reply"] = m.Reply
		}
		res := tx.Model(&ticketRow{}).Where("id = ? AND state = ?", id, string(t.State)).Updates(set)
		if res.Error != nil {
			return fmt.Errorf("move ticket: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return catalog.ErrConflict
		}
		code := ""
		if t.Target != nil {
			code = t.Target.Code
		}
		if err := appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpTicket, ItemCode: code,
			Edition: m.Edition, Detail: fmt.Sprintf("#%d %s → %s", id, t.State, m.To), Remote: a.Remote}); err != nil {
			return err
		}
		if out, err = s.loadTicket(tx, "t.id = ?", id); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !catalog.SeesContact(a.User, out.DepartmentID) {
		out.Contact = ""
	}
	return out, nil
}

// checkFixEdition checks that edition n of the ticket's item is published
// (or was: a later edition may have superseded it) and was published after
// the ticket was filed.
func checkFixEdition(tx *gorm.DB, t *Ticket, n int) error {
	bad := &catalog.ValidationError{Errors: []catalog.FieldError{{Field: "edition", Message: fmt.Sprintf(feedback.MsgFixUnpublished, n)}}}
	if t.Target == nil || t.Target.Kind != feedback.TargetItem {
		return bad
	}
	var published []time.Time
	if err := tx.Raw(`SELECT published_at FROM editions WHERE item_code = ? AND number = ? AND published_at IS NOT NULL`,
		t.Target.Code, n).Scan(&published).Error; err != nil {
		return err
	}
	if len(published) == 0 || published[0].Before(t.CreatedAt) {
		return bad
	}
	return nil
}
