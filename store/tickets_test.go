package store

import (
	"errors"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/feedback"
)

// ticketFixture is the workflow fixture with two published items: one
// of wfDept (FB0001), one of wfOtherDept (FB0002), and a clock the test
// sets.
func ticketFixture(t *testing.T) (*wfFixture, *time.Time) {
	t.Helper()
	f := newWorkflowFixture(t)
	f.create(t, wfGuide("FB0001"))
	f.publish(t, "FB0001", 1)
	other := wfGuide("FB0002")
	other.Department, other.Region = wfOtherDept, "610921"
	if _, err := f.st.CreateItem(f.ctx, f.otherEditor, other, "新建"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Submit(f.ctx, f.otherEditor, "FB0002", 1, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Publish(f.ctx, f.cityReviewer, "FB0002", 1); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 9, 25, 2, 0, 0, 0, time.UTC) // Friday 10:00 in China
	f.st.Now = func() time.Time { return clock }
	return f, &clock
}

func itemTarget(code string) feedback.Target {
	return feedback.Target{Kind: feedback.TargetItem, Code: code}
}

func TestRatingsAndTheirFigures(t *testing.T) {
	f, _ := ticketFixture(t)
	for _, l := range []feedback.Level{5, 4, 3, 2} {
		filed, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("FB0001"), Level: l})
		if err != nil {
			t.Fatalf("rate %d: %v", l, err)
		}
		if (filed != nil) != l.Bad() {
			t.Errorf("level %d filed a ticket: %v", l, filed)
		}
	}
	got, err := f.st.RatingFigures(f.ctx, itemTarget("FB0001"))
	if err != nil || got != (RatingFigures{Ratings: 4, Satisfied: 3}) {
		t.Fatalf("figures = %+v, %v; want 4 ratings, 3 satisfied", got, err)
	}
	if got, _ := f.st.RatingFigures(f.ctx, itemTarget("FB0002")); got != (RatingFigures{}) {
		t.Errorf("FB0002 figures = %+v, want none", got)
	}

	// Only published items can be rated; a bad rating is refused whole.
	if _, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("NOPE"), Level: 5}); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("rating an unknown item: %v, want not found", err)
	}
	var ve *catalog.ValidationError
	if _, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("FB0001"), Level: 9}); !errors.As(err, &ve) {
		t.Errorf("level 9: %v, want a validation error", err)
	}
	if got, _ := f.st.RatingFigures(f.ctx, itemTarget("FB0001")); got.Ratings != 4 {
		t.Errorf("refused ratings were stored: %+v", got)
	}
}

func TestTicketDeadlinesInWorkingDays(t *testing.T) {
	f, clock := ticketFixture(t)
	// A 差评 on Friday 2026-09-25 (中秋 25–27 and 国庆 10-01–07 off, the
	// 调休 Sunday 09-20 is before it): five working days are 09-28, 09-29,
	// 09-30, 10-08, 10-09; late from 10-10 00:00 in China.
	filed, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("FB0001"), Level: 1, Reasons: []feedback.Reason{feedback.ReasonGuideWrong}})
	if err != nil || filed == nil {
		t.Fatalf("rate: %v, %v", filed, err)
	}
	if want := time.Date(2026, 10, 10, 0, 0, 0, 0, chinaTime); !filed.Deadline.Equal(want) {
		t.Errorf("差评 deadline = %v, want %v", filed.Deadline.In(chinaTime), want)
	}
	// A 办不成事 report on Wednesday 09-30 is due for first contact on
	// the next working day, 10-08.
	*clock = time.Date(2026, 9, 30, 8, 0, 0, 0, time.UTC)
	fail, err := f.st.ReportFail(f.ctx, &feedback.FailReport{Kind: feedback.FailWindow, What: "缺少户口簿原件"})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 10, 9, 0, 0, 0, 0, chinaTime); !fail.Deadline.Equal(want) {
		t.Errorf("办不成事 deadline = %v, want %v", fail.Deadline.In(chinaTime), want)
	}
	tk, err := f.st.Ticket(f.ctx, f.admin, fail.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.DepartmentID != 0 || tk.Target != nil || tk.Kind != feedback.KindFail || tk.State != feedback.StateOpen {
		t.Errorf("办不成事 without item = %+v, want an open desk ticket", tk)
	}
	if d := tk.DueDay(); d.Format(time.DateOnly) != "2026-10-08" {
		t.Errorf("due day %v, want 2026-10-08", d)
	}
	// Overdue from the deadline on, until the due action.
	if tk.Overdue(time.Date(2026, 10, 8, 15, 59, 0, 0, time.UTC)) || !tk.Overdue(time.Date(2026, 10, 8, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("overdue around the deadline is wrong")
	}
}

func TestTicketAccessAndContacts(t *testing.T) {
	f, _ := ticketFixture(t)
	own, err := f.st.ReportError(f.ctx, &feedback.ErrorReport{Target: itemTarget("FB0001"), Section: "materials", What: "材料写错了", Contact: "13800000000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ReportError(f.ctx, &feedback.ErrorReport{Target: itemTarget("FB0002"), What: "电话打不通"}); err != nil {
		t.Fatal(err)
	}
	desk := Actor{User: &catalog.User{ID: 9, Name: "desk", Role: catalog.RoleDesk}}
	if _, err := f.st.ReportFail(f.ctx, &feedback.FailReport{Kind: feedback.FailWhere, What: "不知道去哪办", Phone: "0915-1234567", FiledBy: "desk"}); err != nil {
		t.Fatal(err)
	}
	count := func(a Actor) int {
		t.Helper()
		l, err := f.st.Tickets(f.ctx, a, TicketFilter{})
		if err != nil {
			t.Fatalf("%s: %v", a.name(), err)
		}
		return int(l.Total)
	}
	for _, tc := range []struct {
		a    Actor
		want int
	}{{f.editor, 1}, {f.otherEditor, 1}, {desk, 1}, {f.cityReviewer, 2}, {f.hanyinReviewer, 1}, {f.auditor, 3}, {f.admin, 3}} {
		if got := count(tc.a); got != tc.want {
			t.Errorf("%s lists %d tickets, want %d", tc.a.name(), got, tc.want)
		}
	}
	if _, err := f.st.Tickets(f.ctx, f.anonymous, TicketFilter{}); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("anonymous list: %v", err)
	}

	// The contact: the owning department and auditors, not a reviewer,
	// never through the citizen's link.
	for _, tc := range []struct {
		a    Actor
		want string
	}{{f.editor, "13800000000"}, {f.auditor, "13800000000"}, {f.cityReviewer, ""}} {
		tk, err := f.st.Ticket(f.ctx, tc.a, own.ID)
		if err != nil {
			t.Fatalf("%s: %v", tc.a.name(), err)
		}
		if tk.Contact != tc.want {
			t.Errorf("%s reads contact %q, want %q", tc.a.name(), tk.Contact, tc.want)
		}
	}
	if _, err := f.st.Ticket(f.ctx, f.otherEditor, own.ID); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("another department's editor reads the ticket: %v", err)
	}
	tk, err := f.st.TicketByToken(f.ctx, own.Token)
	if err != nil || tk.Contact != "" || tk.What != "材料写错了" || tk.Section != "materials" {
		t.Errorf("by token: %+v, %v", tk, err)
	}
	if _, err := f.st.TicketByToken(f.ctx, "aaaaaaaaaaaaaaaaaaaaaaaaaa"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
}

func TestTicketMovesAndFixEdition(t *testing.T) {
	f, clock := ticketFixture(t)
	filed, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("FB0001"), Level: 2, Comment: "费用写错"})
	if err != nil {
		t.Fatal(err)
	}
	move := func(a Actor, m feedback.Move) (*Ticket, error) { return f.st.MoveTicket(f.ctx, a, filed.ID, m) }
	if _, err := move(f.otherEditor, feedback.Move{To: feedback.StateWorking}); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("another department moves it: %v", err)
	}
	if _, err := move(f.cityReviewer, feedback.Move{To: feedback.StateWorking}); !errors.Is(err, catalog.ErrForbidden) {
		t.Errorf("a reviewer moves it: %v", err)
	}
	*clock = clock.Add(time.Hour)
	tk, err := move(f.editor, feedback.Move{To: feedback.StateWorking, Reply: "正在核实"})
	if err != nil || tk.State != feedback.StateWorking || tk.ContactedAt == nil || tk.Reply != "正在核实" {
		t.Fatalf("take up: %+v, %v", tk, err)
	}
	// Edition 1 was published before the 差评: it cannot be the fix.
	var ve *catalog.ValidationError
	if _, err := move(f.editor, feedback.Move{To: feedback.StateFixed, Reply: "已更正", Edition: 1}); !errors.As(err, &ve) || ve.Errors[0].Field != "edition" {
		t.Errorf("fix with an older edition: %v", err)
	}
	if _, err := move(f.editor, feedback.Move{To: feedback.StateDeclined}); !errors.As(err, &ve) || ve.Errors[0].Field != "reply" {
		t.Errorf("decline without a reason: %v", err)
	}
	// The department publishes edition 2 and settles the ticket with it.
	w, err := f.st.Draft(f.ctx, f.editor, "FB0001")
	if err != nil {
		t.Fatal(err)
	}
	it := w.Item
	it.Hours = "周一至周五 9:00-17:00"
	n, err := f.st.SaveDraft(f.ctx, f.editor, "FB0001", w.Edition, &it, "更正收费")
	if err != nil {
		t.Fatal(err)
	}
	*clock = clock.Add(time.Hour)
	f.publish(t, "FB0001", n)
	*clock = clock.Add(time.Hour)
	tk, err = move(f.editor, feedback.Move{To: feedback.StateFixed, Reply: "已更正收费标准", Edition: n})
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != feedback.StateFixed || tk.Outcome != feedback.StateFixed || tk.Edition != n || tk.SettledAt == nil || !tk.OnTime() {
		t.Errorf("fixed ticket = %+v", tk)
	}
	if _, err := move(f.editor, feedback.Move{To: feedback.StateWorking}); !errors.As(err, &ve) {
		t.Errorf("back from 已整改 to 处理中: %v", err)
	}
	tk, err = move(f.editor, feedback.Move{To: feedback.StateVisited, Reply: "已电话回访，群众满意"})
	if err != nil || tk.State != feedback.StateVisited || tk.Outcome != feedback.StateFixed || tk.VisitedAt == nil {
		t.Errorf("visited = %+v, %v", tk, err)
	}
	// The citizen's link reads the reply; the change log has the steps.
	byToken, err := f.st.TicketByToken(f.ctx, filed.Token)
	if err != nil || byToken.Reply != "已电话回访，群众满意" || byToken.Edition != n || byToken.HandledBy != "" {
		t.Errorf("by token: %+v, %v", byToken, err)
	}
	log, err := f.st.ChangeLog(f.ctx, ChangeFilter{Item: "FB0001"})
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, e := range log {
		if e.Action == OpTicket {
			steps++
		}
	}
	if steps != 3 {
		t.Errorf("change log has %d ticket steps, want 3", steps)
	}
	// Settled tickets leave the open list.
	if l, _ := f.st.Tickets(f.ctx, f.editor, TicketFilter{}); l.Total != 0 {
		t.Errorf("open list still has %d", l.Total)
	}
	if l, _ := f.st.Tickets(f.ctx, f.editor, TicketFilter{All: true}); l.Total != 1 {
		t.Errorf("all list has %d", l.Total)
	}
}

func TestTicketsOverdueFirst(t *testing.T) {
	f, clock := ticketFixture(t)
	var ids []int64
	for i, day := range []int{25, 28, 29} { // filed 09-25, 09-28, 09-29
		*clock = time.Date(2026, 9, day, 2, 0, 0, 0, time.UTC)
		filed, err := f.st.ReportError(f.ctx, &feedback.ErrorReport{Target: itemTarget("FB0001"), What: "第" + string(rune('一'+i)) + "处错误"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, filed.ID)
	}
	// Due 10-09, 10-10 (the 调休 working Saturday) and 10-12: on 10-12
	// the first two are late, the third not yet; the second is taken up
	// but not settled, which a 指南有误 report is due for.
	*clock = time.Date(2026, 10, 12, 2, 0, 0, 0, time.UTC)
	if _, err := f.st.MoveTicket(f.ctx, f.editor, ids[1], feedback.Move{To: feedback.StateWorking}); err != nil {
		t.Fatal(err)
	}
	l, err := f.st.Tickets(f.ctx, f.editor, TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 3 || l.Overdue != 2 {
		t.Fatalf("total %d overdue %d, want 3 and 2", l.Total, l.Overdue)
	}
	got := []int64{l.Tickets[0].ID, l.Tickets[1].ID, l.Tickets[2].ID}
	if got[0] != ids[0] || got[1] != ids[1] || got[2] != ids[2] {
		t.Errorf("order %v, want %v (overdue first, by deadline)", got, ids)
	}
}

func TestFeedbackDayBound(t *testing.T) {
	f, _ := ticketFixture(t)
	// Fill the day (China time) up to the bound in one statement.
	if err := f.st.db.Exec(`INSERT INTO ratings (target_kind, target_code, level, created_at)
		SELECT 'item', 'FB0001', 5, ? FROM (
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n) AS g`,
		f.st.Now().UTC(), MaxFeedbackPerDay).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("FB0001"), Level: 5}); !errors.Is(err, ErrFeedbackFull) {
		t.Errorf("rating beyond the day's bound: %v", err)
	}
	if _, err := f.st.ReportFail(f.ctx, &feedback.FailReport{Kind: feedback.FailHow, What: "x"}); !errors.Is(err, ErrFeedbackFull) {
		t.Errorf("report beyond the day's bound: %v", err)
	}
	// The next day in China accepts again.
	f.st.Now = func() time.Time { return time.Date(2026, 9, 25, 16, 0, 0, 0, time.UTC) }
	if _, err := f.st.Rate(f.ctx, &feedback.Rating{Target: itemTarget("FB0001"), Level: 5}); err != nil {
		t.Errorf("next day: %v", err)
	}
}
