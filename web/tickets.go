package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/feedback"
	"zhinan/store"
)

// The departments' side of feedback tickets (docs/contract.md#tickets):
// the list of the tickets a signed-in user answers or reads, overdue
// first; one ticket with its history and, for those who answer it, the
// form that moves it (待处理 → 处理中 → 已整改/不予整改 → 已回访); the
// workbench's count; the same through the API. The store scopes every
// list and ticket by role and leaves the citizen's contact out for those
// who may not see it; the citizen's link token is never shown here.

// deptTicketWhatRunes is how much of a ticket's text a list line shows.
const deptTicketWhatRunes = 40

// maxDeptTicketPage bounds the page a list may ask for.
const maxDeptTicketPage = 100000

// canReadTickets reports whether u reads tickets at all: editors their
// department's, desk clerks the desk's, reviewers their region's,
// auditors and admins every one; the store checks each ticket.
func canReadTickets(u *catalog.User) bool {
	return catalog.AllowedTicket(u, catalog.ActionRead, u.DepartmentID, true)
}

// deptTicketID reads the ticket number of the path; a malformed one names no
// ticket (404).
func deptTicketID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, catalog.ErrNotFound
	}
	return id, nil
}

// deptTicketTargetURL is the public page of the ticket's item or bundle, ""
// when it names none.
func deptTicketTargetURL(t *store.Ticket) string {
	if t.Target == nil {
		return ""
	}
	if t.Target.Kind == feedback.TargetBundle {
		return "/bundles/" + url.PathEscape(t.Target.Code)
	}
	return "/items/" + url.PathEscape(t.Target.Code)
}

// deptTicketClip shortens s to at most n characters, marking the cut.
func deptTicketClip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// deptTicketLine is a ticket as a line of the list shows it.
type deptTicketLine struct {
	ID         int64
	Kind       feedback.Kind
	KindLabel  string
	Target     string // the item's or bundle's name, "" for none
	TargetCode string
	TargetURL  string
	Department string // the owning department, or the hall's desk
	What       string // clipped
	State      feedback.State
	StateLabel string
	Due        string // the last day on time, China time
	DueContact bool   // the due action is the first contact (办不成事)
	Overdue    bool
	Filed      string
}

func (s *Server) deptTicketLine(t *store.Ticket, now time.Time) deptTicketLine {
	l := deptTicketLine{ID: t.ID, Kind: t.Kind, KindLabel: t.Kind.Label(), Target: t.TargetName, TargetURL: deptTicketTargetURL(t),
		Department: t.Department, What: deptTicketClip(t.What, deptTicketWhatRunes), State: t.State, StateLabel: t.State.Label(),
		Due: t.DueDay().Format(time.DateOnly), DueContact: t.Kind == feedback.KindFail, Overdue: t.Overdue(now),
		Filed: t.CreatedAt.In(chinaTime).Format(time.DateOnly)}
	if t.Target != nil {
		l.TargetCode = t.Target.Code
	}
	if t.DepartmentID == 0 {
		l.Department = label("eticket.desk")
	}
	return l
}

// ---------------------------------------------------------------- workbench

// deptTicketSummary is the workbench's section of tickets: how many are
// still to settle, how many of them overdue.
type deptTicketSummary struct {
	Open, Overdue int64
	Desk          bool // a desk clerk: the 办不成事 form is linked too
}

// workbenchTickets fills in the workbench's section of tickets for those
// who read them.
func (s *Server) workbenchTickets(c *gin.Context, u *catalog.User, p *workbenchPage) error {
	if !canReadTickets(u) {
		return nil
	}
	l, err := s.store.Tickets(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, store.TicketFilter{Limit: 1})
	if errors.Is(err, catalog.ErrForbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	p.Tickets = &deptTicketSummary{Open: l.Total, Overdue: l.Overdue, Desk: u.Role == catalog.RoleDesk}
	return nil
}

// ---------------------------------------------------------------- list

// deptTicketsPage is the data of /edit/tickets.
type deptTicketsPage struct {
	Rows           []deptTicketLine
	Total, Overdue int64
	All            bool
	ShowDepartment bool // the user reads more than one department's
	Page, Pages    int
	Prev, Next     string
}

// deptTicketsURL is the address of page n of the list.
func deptTicketsURL(all bool, n int) string {
	v := url.Values{}
	if all {
		v.Set("all", "1")
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/edit/tickets"
	}
	return "/edit/tickets?" + v.Encode()
}

// deptTicketsGet is GET /edit/tickets[?all=1][&page=N]: the user's tickets
// still to settle (all of them with all=1), overdue first, 100 a page.
func (s *Server) deptTicketsGet(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if !canReadTickets(u) {
		return catalog.ErrForbidden
	}
	p := deptTicketsPage{All: c.Query("all") == "1", Page: 1,
		ShowDepartment: u.Role != catalog.RoleEditor && u.Role != catalog.RoleDesk}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxDeptTicketPage {
			return badRequest("page", label("eticket.err.page"))
		}
		p.Page = n
	}
	list, err := s.store.Tickets(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)},
		store.TicketFilter{All: p.All, Limit: store.MaxTicketPage, Offset: (p.Page - 1) * store.MaxTicketPage})
	if err != nil {
		return err
	}
	now := s.store.Now()
	for i := range list.Tickets {
		p.Rows = append(p.Rows, s.deptTicketLine(&list.Tickets[i], now))
	}
	p.Total, p.Overdue = list.Total, list.Overdue
	p.Pages = max(1, int((list.Total+store.MaxTicketPage-1)/store.MaxTicketPage))
	if p.Page > 1 {
		p.Prev = deptTicketsURL(p.All, min(p.Page-1, p.Pages))
	}
	if p.Page < p.Pages {
		p.Next = deptTicketsURL(p.All, p.Page+1)
	}
	s.render(c, http.StatusOK, "edit-tickets", s.editLayout(c, label("eticket.title"), "page-dept-tickets", p))
	return nil
}

// ---------------------------------------------------------------- one ticket

// deptTicketEvent is a step of a ticket's history.
type deptTicketEvent struct{ Label, When string }

// fixEdition is an edition of the ticket's item published after the
// ticket was filed: the ones an 整改 may name.
type fixEdition struct {
	Number    int
	Published string
}

// deptTicketForm is the form that moves a ticket.
type deptTicketForm struct {
	Action         string
	To             formField
	Reply          formField
	Edition        *formField // only for a ticket on an item that may still be 已整改
	Editions       []fixEdition
	HistoryURL     string
	EditionsListed bool // the item's editions could be read
}

// deptTicketPage is the data of /edit/tickets/{id}.
type deptTicketPage struct {
	deptTicketLine
	RegionName  string
	Level       string
	Reasons     []string
	Section     string
	FailKind    string
	WhatFull    string
	ShowContact bool // the user may see the contact: the row is shown
	Contact     string
	FiledBy     string
	Reply       string
	Outcome     string
	Edition     int
	EditionURL  string
	HandledBy   string
	DueDays     int
	DueDone     bool // the due action is taken
	OnTime      bool
	History     []deptTicketEvent
	CanHandle   bool
	Done        bool // visited: nothing more to do
	Form        *deptTicketForm
	Errors      []issue
	Conflict    bool
	Moved       string // the notice of the step just taken
}

// deptTicketData is the page of ticket t for u; the form, for those who may
// answer it, holds to, reply and edition as given.
func (s *Server) deptTicketData(c *gin.Context, u *catalog.User, t *store.Ticket, to, reply, edition string, errs []catalog.FieldError) (*deptTicketPage, error) {
	ctx := c.Request.Context()
	p := &deptTicketPage{deptTicketLine: s.deptTicketLine(t, s.store.Now()), WhatFull: t.What, Contact: t.Contact,
		ShowContact: catalog.SeesContact(u, t.DepartmentID), FiledBy: t.FiledBy, Reply: t.Reply,
		Edition: t.Edition, HandledBy: t.HandledBy, DueDays: t.Kind.WorkingDays(), FailKind: t.FailKind.Label(),
		CanHandle: catalog.AllowedTicket(u, catalog.ActionHandle, t.DepartmentID, false), Done: len(t.State.Next()) == 0}
	if t.Region != "" {
		p.RegionName = s.regions.name(t.Region)
	}
	if t.Level != 0 {
		p.Level = t.Level.Label()
	}
	for _, r := range t.Reasons {
		p.Reasons = append(p.Reasons, r.Label())
	}
	if t.Kind == feedback.KindError {
		p.Section = label("eticket.section.all")
		if t.Section != "" {
			p.Section = catalog.Label(t.Section)
		}
	}
	if t.Outcome != "" {
		p.Outcome = t.Outcome.Label()
	}
	item := t.Target != nil && t.Target.Kind == feedback.TargetItem
	historyURL := ""
	if item {
		historyURL = "/edit/items/" + url.PathEscape(t.Target.Code) + "/history"
	}
	if t.Edition > 0 && item {
		p.EditionURL = historyURL
	}
	done := t.DueDone()
	p.DueDone, p.OnTime = done != nil, t.OnTime()
	p.History = append(p.History, deptTicketEvent{label("eticket.ev.filed"), showTime(t.CreatedAt)})
	if t.ContactedAt != nil {
		p.History = append(p.History, deptTicketEvent{label("eticket.ev.contacted"), showTime(*t.ContactedAt)})
	}
	if t.SettledAt != nil {
		p.History = append(p.History, deptTicketEvent{tf("eticket.ev.settled", p.Outcome), showTime(*t.SettledAt)})
	}
	if t.VisitedAt != nil {
		p.History = append(p.History, deptTicketEvent{label("eticket.ev.visited"), showTime(*t.VisitedAt)})
	}
	next := t.State.Next()
	if !p.CanHandle || len(next) == 0 {
		return p, nil
	}
	f := &deptTicketForm{Action: "/edit/tickets/" + strconv.FormatInt(t.ID, 10), HistoryURL: historyURL}
	if to == "" {
		to = string(next[0])
	}
	f.To = deptTicketControl("to", "select", to, errs)
	for _, st := range next {
		f.To.Options = append(f.To.Options, option{Value: string(st), Label: st.Label(), Selected: string(st) == to})
	}
	f.To.Required = true
	f.Reply = deptTicketControl("reply", "textarea", reply, errs)
	f.Reply.Hint = label("eticket.f.reply.hint")
	if t.Reply != "" {
		f.Reply.Hint += label("eticket.f.reply.keep")
	}
	fixable := false
	for _, st := range next {
		fixable = fixable || st == feedback.StateFixed
	}
	if item && fixable {
		e := deptTicketControl("edition", "number", edition, errs)
		e.Hint = label("eticket.f.edition.hint")
		f.Edition = &e
		eds, err := s.store.Editions(ctx, store.Actor{User: u, Remote: clientIP(c)}, t.Target.Code)
		switch {
		case err == nil:
			f.EditionsListed = true
			for _, ed := range eds {
				if ed.PublishedAt != nil && !ed.PublishedAt.Before(t.CreatedAt) {
					f.Editions = append(f.Editions, fixEdition{Number: ed.Number, Published: showTime(*ed.PublishedAt)})
				}
			}
		case errors.Is(err, catalog.ErrForbidden), errors.Is(err, catalog.ErrNotFound):
		default:
			return nil, err
		}
	}
	p.Form = f
	for _, e := range errs {
		p.Errors = append(p.Errors, deptTicketIssue(f, e))
	}
	return p, nil
}

// deptTicketFields are the fields of the ticket form, by the names the store's
// validation gives them.
var deptTicketFields = []string{"to", "reply", "edition"}

// deptTicketControl is the control of field name of the ticket form, with the
// errors about it.
func deptTicketControl(name, kind, value string, errs []catalog.FieldError) formField {
	f := formField{Name: name, ID: fieldID("ticket-" + name), Label: label("eticket.f." + name), Kind: kind, Value: value}
	for _, e := range errs {
		if e.Field == name {
			f.Errors = append(f.Errors, e.Message)
		}
	}
	return f
}

// deptTicketIssue is the line of the error summary of e, linking to its
// control when the form has one.
func deptTicketIssue(f *deptTicketForm, e catalog.FieldError) issue {
	is := issue{Message: e.Message}
	if slices.Contains(deptTicketFields, e.Field) && (e.Field != "edition" || f.Edition != nil) {
		is.Label, is.Anchor = label("eticket.f."+e.Field), "#"+fieldID("ticket-"+e.Field)
	}
	return is
}

func (s *Server) renderDeptTicket(c *gin.Context, status int, p *deptTicketPage) {
	title := tf("eticket.title.one", p.ID)
	if len(p.Errors) > 0 {
		title = label("edit.errors.prefix") + title
	}
	s.render(c, status, "edit-ticket", s.editLayout(c, title, "page-dept-ticket", p))
}

// deptTicketGet is GET /edit/tickets/{id}: the whole ticket, and the form to
// move it for those who answer it.
func (s *Server) deptTicketGet(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	id, err := deptTicketID(c)
	if err != nil {
		return err
	}
	t, err := s.store.Ticket(c.Request.Context(), store.Actor{User: u, Remote: clientIP(c)}, id)
	if err != nil {
		return err
	}
	p, err := s.deptTicketData(c, u, t, "", "", "", nil)
	if err != nil {
		return err
	}
	if m := feedback.State(c.Query("moved")); m.Label() != "" {
		p.Moved = tf("eticket.moved", m.Label())
	}
	s.renderDeptTicket(c, http.StatusOK, p)
	return nil
}

// deptTicketPost is POST /edit/tickets/{id}: form to, reply and edition move
// the ticket, then back to it (303); refused, the page again with the
// input and every field error (422) or the state someone else set (409).
func (s *Server) deptTicketPost(c *gin.Context) error {
	u := s.signedIn(c)
	if u == nil {
		return nil
	}
	if err := s.readForm(c); err != nil {
		return err
	}
	id, err := deptTicketID(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	a := store.Actor{User: u, Remote: clientIP(c)}
	t, err := s.store.Ticket(ctx, a, id)
	if err != nil {
		return err
	}
	if !catalog.AllowedTicket(u, catalog.ActionHandle, t.DepartmentID, false) {
		return catalog.ErrForbidden
	}
	to, reply := strings.TrimSpace(c.PostForm("to")), formText(c.PostForm("reply"))
	edition := strings.TrimSpace(foldDigits(c.PostForm("edition")))
	m := feedback.Move{To: feedback.State(to), Reply: reply}
	var errs []catalog.FieldError
	if edition != "" {
		n, err := strconv.Atoi(edition)
		if err != nil {
			errs = append(errs, catalog.FieldError{Field: "edition", Message: label("form.err.integer")})
		}
		m.Edition = n
	}
	status := http.StatusUnprocessableEntity
	if errs != nil {
		// The rest of the move as the store would check it.
		var verr *catalog.ValidationError
		if errors.As(feedback.CheckMove(t.State, feedback.Move{To: m.To, Reply: m.Reply}), &verr) {
			errs = append(verr.Errors, errs...)
		}
	} else {
		_, err := s.store.MoveTicket(ctx, a, id, m)
		var verr *catalog.ValidationError
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, "/edit/tickets/"+strconv.FormatInt(id, 10)+"?moved="+url.QueryEscape(to))
			return nil
		case errors.As(err, &verr):
			errs = verr.Errors
		case errors.Is(err, catalog.ErrConflict):
			status = http.StatusConflict
			if t, err = s.store.Ticket(ctx, a, id); err != nil {
				return err
			}
		default:
			return err
		}
	}
	if status == http.StatusConflict {
		// The state changed meanwhile: the choices are the new state's.
		to = ""
	}
	p, err := s.deptTicketData(c, u, t, to, reply, edition, errs)
	if err != nil {
		return err
	}
	p.Conflict = status == http.StatusConflict
	s.renderDeptTicket(c, status, p)
	return nil
}

// ---------------------------------------------------------------- API

// deptTicketJSON is a ticket as the API gives it: the stored ticket with its
// due day (China time) and whether it is overdue now.
type deptTicketJSON struct {
	store.Ticket
	DueDay  string `json:"due_day"`
	Overdue bool   `json:"overdue"`
}

func (s *Server) deptTicketJSONOf(t *store.Ticket) deptTicketJSON {
	return deptTicketJSON{Ticket: *t, DueDay: t.DueDay().Format(time.DateOnly), Overdue: t.Overdue(s.store.Now())}
}

// apiDeptTickets is GET /api/v1/department-tickets?all=&limit=&offset=.
func (s *Server) apiDeptTickets(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	f := store.TicketFilter{All: c.Query("all") == "1" || c.Query("all") == "true", Limit: store.MaxTicketPage}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxTicketPage {
			return badRequest("limit", MsgTicketLimit)
		}
		f.Limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return badRequest("offset", MsgTicketOffset)
		}
		f.Offset = n
	}
	list, err := s.store.Tickets(c.Request.Context(), a, f)
	if err != nil {
		return err
	}
	out := make([]deptTicketJSON, len(list.Tickets))
	for i := range list.Tickets {
		out[i] = s.deptTicketJSONOf(&list.Tickets[i])
	}
	c.JSON(http.StatusOK, gin.H{"tickets": out, "total": list.Total, "overdue": list.Overdue, "limit": f.Limit, "offset": f.Offset})
	return nil
}

// apiDeptTicket is GET /api/v1/department-tickets/{id}.
func (s *Server) apiDeptTicket(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	id, err := deptTicketID(c)
	if err != nil {
		return err
	}
	t, err := s.store.Ticket(c.Request.Context(), a, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.deptTicketJSONOf(t))
	return nil
}

// apiDeptTicketMove is POST /api/v1/department-tickets/{id}/move with a
// feedback.Move: the ticket after the step.
func (s *Server) apiDeptTicketMove(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	id, err := deptTicketID(c)
	if err != nil {
		return err
	}
	var m feedback.Move
	if err := decodeJSON(c, &m); err != nil {
		return err
	}
	t, err := s.store.MoveTicket(c.Request.Context(), a, id, m)
	var verr *catalog.ValidationError
	if errors.As(err, &verr) {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: MsgTicketInvalid, Details: verr.Errors}
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.deptTicketJSONOf(t))
	return nil
}
