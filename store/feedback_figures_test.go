package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhinan/catalog/catalogtest"
)

// figuresTicket is a ticket row as the feedback figures read it.
type figuresTicket struct {
	kind, targetKind, code, region string
	dept                           int64
	failKind, outcome              string
	created, deadline              time.Time
	contacted, settled             *time.Time
}

// at is an instant of March 2026 in UTC.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, time.UTC)
}

func atp(day, hour, minute int) *time.Time { t := at(day, hour, minute); return &t }

// feedbackFixture stores two items of two departments (TEST0001 in 汉滨区,
// TEST0002 in 汉阴县) and, directly in SQL, ratings and tickets whose
// figures the tests work out by hand; it returns the two departments' ids.
func feedbackFixture(t *testing.T, st *Store) (d1, d2 int64) {
	t.Helper()
	ctx := context.Background()
	a, b := catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)
	b.Region, b.Department = "610921", "汉阴县公安局"
	mustImport(t, st, catalogtest.ItemRecords(a, b))
	depts, err := st.Departments(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range depts {
		switch d.Name {
		case a.Department:
			d1 = int64(d.ID)
		case b.Department:
			d2 = int64(d.ID)
		}
	}
	if d1 == 0 || d2 == 0 {
		t.Fatalf("departments %+v", depts)
	}
	rate := func(kind, code, region string, dept int64, level int, created time.Time) {
		t.Helper()
		if err := st.db.Exec(`INSERT INTO ratings (target_kind, target_code, region, department_id, level, reasons, comment, created_at)
			VALUES (?, ?, ?, ?, ?, '', '评价内容', ?)`, kind, code, region, dept, level, created).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []int{5, 4, 3, 2, 1} {
		rate("item", "TEST0001", "610902", d1, l, at(1, 2, 0))
	}
	rate("item", "TEST0002", "610921", d2, 1, at(2, 2, 0))
	rate("item", "TEST0002", "610921", d2, 5, at(1, 2, 0).AddDate(0, -1, 0)) // February: out of range
	rate("bundle", "birth", "", 0, 4, at(4, 2, 0))
	// The first day in China time begins at 16:00 UTC the day before.
	rate("item", "TEST0002", "610921", d2, 2, at(1, 0, 0).Add(-8*time.Hour-time.Second)) // 2026-02-28 23:59:59 CST: out
	rate("item", "TEST0002", "610921", d2, 4, at(1, 0, 0).Add(-8*time.Hour))             // 2026-03-01 00:00 CST: in

	tickets := []figuresTicket{
		// 1: a 差评 settled (fixed) before its deadline: on time.
		{kind: "rating", targetKind: "item", code: "TEST0001", region: "610902", dept: d1, outcome: "fixed",
			created: at(1, 2, 0), deadline: at(6, 16, 0), contacted: atp(2, 0, 0), settled: atp(5, 0, 0)},
		// 2: declined after the deadline: late.
		{kind: "rating", targetKind: "item", code: "TEST0001", region: "610902", dept: d1, outcome: "declined",
			created: at(1, 2, 0), deadline: at(6, 16, 0), contacted: atp(2, 0, 0), settled: atp(7, 0, 0)},
		// 3: a 指南有误 report taken up but not settled, its deadline past: overdue.
		{kind: "error", targetKind: "item", code: "TEST0002", region: "610921", dept: d2,
			created: at(2, 2, 0), deadline: at(9, 16, 0), contacted: atp(3, 0, 0)},
		// 4: open, its deadline to come: not judged yet.
		{kind: "error", targetKind: "item", code: "TEST0002", region: "610921", dept: d2,
			created: at(9, 2, 0), deadline: at(16, 16, 0)},
		// 5: 办不成事 at the desk, first contact in time (then nothing): on time.
		{kind: "fail", failKind: "where", created: at(3, 2, 0), deadline: at(4, 16, 0), contacted: atp(4, 10, 0)},
		// 6: 办不成事 of an item, contacted late then fixed: late, fixed.
		{kind: "fail", failKind: "window", targetKind: "item", code: "TEST0001", region: "610902", dept: d1, outcome: "fixed",
			created: at(3, 2, 0), deadline: at(4, 16, 0), contacted: atp(5, 0, 0), settled: atp(6, 0, 0)},
		// 7: 办不成事 never contacted, deadline past: overdue.
		{kind: "fail", failKind: "how", created: at(5, 2, 0), deadline: at(6, 16, 0)},
		// 8: contacted at the very instant of the deadline: late.
		{kind: "fail", failKind: "where", created: at(3, 2, 0), deadline: at(4, 16, 0), contacted: atp(4, 16, 0)},
		// 9: filed in February: out of range.
		{kind: "rating", targetKind: "item", code: "TEST0001", region: "610902", dept: d1,
			created: at(1, 2, 0).AddDate(0, -1, 0), deadline: at(1, 2, 0)},
	}
	for i, tk := range tickets {
		recorded := ""
		if tk.code != "" {
			recorded = "记录的名称"
		}
		if err := st.db.Exec(`INSERT INTO tickets (token, kind, state, target_kind, target_code, target_name, region, department_id,
			fail_kind, what, contact, outcome, created_at, deadline, contacted_at, settled_at, updated_at)
			VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, '写的内容', '13800000000', ?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("token%02d", i), tk.kind, tk.targetKind, tk.code, recorded, tk.region, tk.dept,
			tk.failKind, tk.outcome, tk.created, tk.deadline, tk.contacted, tk.settled, tk.created).Error; err != nil {
			t.Fatal(err)
		}
	}
	return d1, d2
}

// march is the scope of 2026-03-01 to 2026-03-10 in China time, judged at
// 2026-03-10 12:00 UTC.
func march(regions []string) FeedbackScope {
	cst := time.FixedZone("CST", 8*3600)
	return FeedbackScope{From: time.Date(2026, 3, 1, 0, 0, 0, 0, cst), To: time.Date(2026, 3, 11, 0, 0, 0, 0, cst),
		Regions: regions, Now: at(10, 12, 0)}
}

func TestFeedbackCountsByDepartment(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	d1, d2 := feedbackFixture(t, st)
	got, err := st.FeedbackCounts(ctx, ByDepartment, march(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []FeedbackCounts{
		{DepartmentID: 0, Ratings: 1, Satisfied: 1, Tickets: 3, Judged: 3, OnTime: 1, OpenOverdue: 1, FailWhere: 2, FailHow: 1},
		{DepartmentID: d1, Ratings: 5, Satisfied: 3, Bad: 2, Tickets: 3, Settled: 3, Fixed: 2, Judged: 3, OnTime: 1, FailWindow: 1},
		{DepartmentID: d2, Ratings: 2, Satisfied: 1, Bad: 1, Tickets: 2, Judged: 1, OpenOverdue: 1},
	}
	if d2 < d1 {
		want[1], want[2] = want[2], want[1]
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("by department\n got %+v\nwant %+v", got, want)
	}

	// A region keeps its rows; "" adds those without a region.
	got, err = st.FeedbackCounts(ctx, ByDepartment, march([]string{"610902"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].DepartmentID != d1 || got[0].Ratings != 5 {
		t.Errorf("610902: %+v", got)
	}
	got, err = st.FeedbackCounts(ctx, ByDepartment, march([]string{"610902", ""}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].DepartmentID != 0 || got[1].DepartmentID != d1 {
		t.Errorf("610902 and no region: %+v", got)
	}
	got, err = st.FeedbackCounts(ctx, ByDepartment, march([]string{}))
	if err != nil || len(got) != 0 {
		t.Errorf("no region: %+v %v", got, err)
	}

	// Unbounded: February's rating and ticket too.
	got, err = st.FeedbackCounts(ctx, ByDepartment, FeedbackScope{Now: at(10, 12, 0)})
	if err != nil {
		t.Fatal(err)
	}
	var total FeedbackCounts
	for _, c := range got {
		total.Add(c)
	}
	// Ticket 9 is open, its deadline past: judged and overdue.
	if total.Ratings != 10 || total.Tickets != 9 || total.Judged != 8 || total.OpenOverdue != 3 {
		t.Errorf("unbounded total %+v", total)
	}
}

func TestFeedbackCountsByItemAndRegion(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	feedbackFixture(t, st)
	got, err := st.FeedbackCounts(ctx, ByItem, march(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []FeedbackCounts{
		// The 办不成事 reports that name no item: the desk.
		{Tickets: 3, Judged: 3, OnTime: 1, OpenOverdue: 1, FailWhere: 2, FailHow: 1},
		// A bundle the store does not have: no name.
		{TargetKind: "bundle", TargetCode: "birth", Ratings: 1, Satisfied: 1},
		{TargetKind: "item", TargetCode: "TEST0001", TargetName: "居民身份证换领1", Region: "610902",
			Ratings: 5, Satisfied: 3, Bad: 2, Tickets: 3, Settled: 3, Fixed: 2, Judged: 3, OnTime: 1, FailWindow: 1},
		{TargetKind: "item", TargetCode: "TEST0002", TargetName: "居民身份证换领2", Region: "610921",
			Ratings: 2, Satisfied: 1, Bad: 1, Tickets: 2, Judged: 1, OpenOverdue: 1},
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("by item\n got %+v\nwant %+v", got, want)
	}

	got, err = st.FeedbackCounts(ctx, ByRegion, march(nil))
	if err != nil {
		t.Fatal(err)
	}
	var regions []string
	for _, c := range got {
		regions = append(regions, c.Region)
	}
	if fmt.Sprint(regions) != "[ 610902 610921]" || got[0].Tickets != 3 || got[0].Ratings != 1 || got[1].Tickets != 3 {
		t.Errorf("by region %+v", got)
	}
	if _, err := st.FeedbackCounts(ctx, "type", march(nil)); err == nil {
		t.Error("by type: no error")
	}
}
