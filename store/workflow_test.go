package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// Departments of the workflow tests.
const (
	wfDept      = "安康市公安局汉滨分局" // in 610902, the department of completeGuide
	wfOtherDept = "汉阴县公安局"     // in 610921
)

// wfFixture is a store with two departments and one actor of every kind.
type wfFixture struct {
	st  *Store
	ctx context.Context
	// deptID is wfDept's id; otherID wfOtherDept's; twinID is a department
	// named wfDept in 610921 (names are unique only within a region).
	deptID, otherID, twinID uint

	anonymous      Actor // no user
	editor         Actor // editor of wfDept
	editor2        Actor // another editor of wfDept
	otherEditor    Actor // editor of wfOtherDept
	auditor        Actor
	cityReviewer   Actor // reviewer of 610900, which contains 610902 and 610921
	hanyinReviewer Actor // reviewer of 610921 only
	reviewer       Actor // reviewer without a region: everywhere
	admin          Actor
}

func newWorkflowFixture(t *testing.T) *wfFixture {
	t.Helper()
	st, _ := openTestStore(t)
	// A clock that advances one minute per reading, so that every step
	// has its own time.
	var mu sync.Mutex
	clock := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Minute)
		return clock
	}
	ctx := context.Background()
	var d catalog.Decoded
	for i, dep := range []catalog.Department{
		{Name: wfDept, Region: "610902"},
		{Name: wfOtherDept, Region: "610921"},
		{Name: wfDept, Region: "610921"},
	} {
		d.Records = append(d.Records, catalog.Record{File: "d.jsonl", Line: i + 1, Kind: catalog.KindDepartment, Department: &dep})
	}
	mustImport(t, st, d)
	f := &wfFixture{st: st, ctx: ctx}
	ds, err := st.Departments(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range ds {
		switch {
		case dep.Name == wfDept && dep.Region == "610902":
			f.deptID = dep.ID
		case dep.Name == wfOtherDept:
			f.otherID = dep.ID
		default:
			f.twinID = dep.ID
		}
	}
	f.editor = Actor{User: &catalog.User{ID: 1, Name: "hb-editor", Role: catalog.RoleEditor, DepartmentID: f.deptID, Department: wfDept, Region: "610902"}, Remote: "10.0.0.1"}
	f.editor2 = Actor{User: &catalog.User{ID: 8, Name: "hb-editor2", Role: catalog.RoleEditor, DepartmentID: f.deptID, Department: wfDept, Region: "610902"}, Remote: "10.0.0.8"}
	f.otherEditor = Actor{User: &catalog.User{ID: 2, Name: "hy-editor", Role: catalog.RoleEditor, DepartmentID: f.otherID, Department: wfOtherDept, Region: "610921"}, Remote: "10.0.0.2"}
	f.auditor = Actor{User: &catalog.User{ID: 3, Name: "auditor", Role: catalog.RoleAuditor}}
	f.cityReviewer = Actor{User: &catalog.User{ID: 4, Name: "city-reviewer", Role: catalog.RoleReviewer, Region: "610900"}, Remote: "10.0.0.4"}
	f.hanyinReviewer = Actor{User: &catalog.User{ID: 5, Name: "hy-reviewer", Role: catalog.RoleReviewer, Region: "610921"}}
	f.reviewer = Actor{User: &catalog.User{ID: 6, Name: "reviewer", Role: catalog.RoleReviewer}}
	f.admin = Actor{User: &catalog.User{ID: 7, Name: "admin", Role: catalog.RoleAdmin}}
	return f
}

// guide returns a complete guide of wfDept with the given code.
func wfGuide(code string) *catalog.Item {
	it := catalogtest.CompleteGuide()
	it.Code = code
	return it
}

// revisions numbers revisedGuide's guides.
var revisions atomic.Int64

// revisedGuide is wfGuide with conditions no other save had: a save of it
// is a change (an unchanged save is not a new edition).
func revisedGuide(code string) *catalog.Item {
	it := wfGuide(code)
	it.Conditions += fmt.Sprintf("（第%d次修订）", revisions.Add(1))
	return it
}

// create stores a new draft as the editor and fails the test on error.
func (f *wfFixture) create(t *testing.T, it *catalog.Item) {
	t.Helper()
	if n, err := f.st.CreateItem(f.ctx, f.editor, it, "新建"); err != nil || n != 1 {
		t.Fatalf("create %s: edition %d, %v", it.Code, n, err)
	}
}

// createPublished creates the item code (wfGuide) and publishes it as
// edition 1.
func (f *wfFixture) createPublished(t *testing.T, code string) {
	t.Helper()
	f.create(t, wfGuide(code))
	f.publish(t, code, 1)
}

// publish takes the latest draft of code through submit and publish.
func (f *wfFixture) publish(t *testing.T, code string, n int) {
	t.Helper()
	if err := f.st.Submit(f.ctx, f.editor, code, n, ""); err != nil {
		t.Fatalf("submit %s edition %d: %v", code, n, err)
	}
	if err := f.st.Publish(f.ctx, f.cityReviewer, code, n); err != nil {
		t.Fatalf("publish %s edition %d: %v", code, n, err)
	}
}

func (f *wfFixture) states(t *testing.T, code string) string {
	t.Helper()
	eds, err := f.st.Editions(f.ctx, f.admin, code)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range eds {
		out = append(out, fmt.Sprintf("%d:%s", e.Number, e.State))
	}
	return strings.Join(out, " ")
}

func (f *wfFixture) itemRow(t *testing.T, code string) itemRow {
	t.Helper()
	var row itemRow
	if err := f.st.db.Where("code = ?", code).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	return row
}

func (f *wfFixture) auditCount(t *testing.T) int {
	t.Helper()
	var n int64
	if err := f.st.db.Model(&ChangeEntry{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func (f *wfFixture) seq(t *testing.T) int64 {
	t.Helper()
	v, err := f.st.Seq(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWorkflowFullFlow(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-1"
	lastSeq := f.seq(t)
	// step runs one write and checks that it advanced the change sequence
	// and stamped the item with it.
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		seq := f.seq(t)
		if seq <= lastSeq {
			t.Fatalf("%s: change sequence %d did not advance from %d", name, seq, lastSeq)
		}
		if row := f.itemRow(t, code); row.Seq != seq {
			t.Fatalf("%s: item seq %d, want %d", name, row.Seq, seq)
		}
		changes, err := st.ChangesSince(ctx, lastSeq, 10)
		if err != nil || len(changes) != 1 || changes[0].Code != code {
			t.Fatalf("%s: changes since %d: %v %v", name, lastSeq, changes, err)
		}
		lastSeq = seq
	}
	published := func(want int, name string) {
		t.Helper()
		p, err := st.Published(ctx, code)
		if want == 0 {
			if !errors.Is(err, catalog.ErrNotFound) {
				t.Fatalf("published before publishing: %v %v", p, err)
			}
			return
		}
		if err != nil || p.Edition != want || p.Name != name {
			t.Fatalf("published = %+v %v, want edition %d named %s", p, err, want, name)
		}
	}

	// Create: edition 1, a draft, invisible to the public.
	g1 := wfGuide(code)
	n, err := st.CreateItem(ctx, f.editor, g1, "新建事项")
	step("create", err)
	if n != 1 {
		t.Fatalf("create returned edition %d", n)
	}
	if row := f.itemRow(t, code); row.Published != 0 || row.Latest != 1 || row.DepartmentID != f.deptID {
		t.Fatalf("item row after create %+v", row)
	}
	published(0, "")
	w, err := st.Draft(ctx, f.editor, code)
	if err != nil || w.Edition != 1 || w.State != catalog.StateDraft || w.Note != "新建事项" || w.Author != "hb-editor" || w.Name != g1.Name {
		t.Fatalf("draft after create: %+v %v", w, err)
	}
	if w.Findings == nil || len(w.Findings) != len(catalog.Quality(g1)) {
		t.Fatalf("findings %v, want %v", w.Findings, catalog.Quality(g1))
	}

	// Submit and publish edition 1.
	step("submit 1", st.Submit(ctx, f.editor, code, 1, "请审核"))
	published(0, "")
	step("publish 1", st.Publish(ctx, f.cityReviewer, code, 1))
	published(1, g1.Name)
	if got := f.states(t, code); got != "1:published" {
		t.Fatalf("states %s", got)
	}
	w, _ = st.Draft(ctx, f.editor, code)
	if w.Edition != 1 || w.State != catalog.StatePublished || w.Published != 1 {
		t.Fatalf("draft of a published item starts from it: %+v", w)
	}

	// A new draft (edition 2) leaves the public edition alone until published.
	g2 := wfGuide(code)
	g2.Name = "居民身份证换领（到期换领）"
	g2.PromisedDays = catalog.Int(15)
	g2.Steps = slices.Clone(g2.Steps)
	g2.Steps[2].Days = catalog.Int(12) // 制证 shortened with the promise: 0+2+12+1 ≤ 15
	n, err = st.SaveDraft(ctx, f.editor, code, 1, g2, "缩短承诺时限")
	step("save 2", err)
	if n != 2 {
		t.Fatalf("save returned edition %d", n)
	}
	published(1, g1.Name)
	if row := f.itemRow(t, code); row.Name != g1.Name || row.Latest != 2 || row.Published != 1 {
		t.Fatalf("item row changed before publishing: %+v", row)
	}
	step("submit 2", st.Submit(ctx, f.editor, code, 2, ""))
	step("publish 2", st.Publish(ctx, f.reviewer, code, 2))
	published(2, g2.Name)
	if row := f.itemRow(t, code); row.Name != g2.Name || row.Published != 2 {
		t.Fatalf("item row after publishing: %+v", row)
	}
	if got := f.states(t, code); got != "2:published 1:superseded" {
		t.Fatalf("states %s", got)
	}

	// Rejected, then a new draft from the rejected edition, then published.
	g3 := wfGuide(code)
	g3.Name = g2.Name
	g3.Hours = ""
	n, err = st.SaveDraft(ctx, f.editor, code, 2, g3, "删去办理时间")
	step("save 3", err)
	step("submit 3", st.Submit(ctx, f.editor, code, n, "第三版"))
	step("reject 3", st.Reject(ctx, f.cityReviewer, code, 3, "办理时间不能为空"))
	w, err = st.Draft(ctx, f.editor, code)
	if err != nil || w.Edition != 3 || w.State != catalog.StateRejected || w.Reason != "办理时间不能为空" || w.Note != "第三版" {
		t.Fatalf("draft after reject: %+v %v", w, err)
	}
	if !slices.ContainsFunc(w.Findings, func(x catalog.Finding) bool { return x.Field == "hours" }) {
		t.Fatalf("findings of the rejected edition lack hours: %v", w.Findings)
	}
	published(2, g2.Name)
	g4 := wfGuide(code)
	g4.Name = g2.Name
	n, err = st.SaveDraft(ctx, f.editor, code, 3, g4, "补齐办理时间")
	step("save 4", err)
	if n != 4 {
		t.Fatalf("save returned edition %d", n)
	}
	if got := f.states(t, code); got != "4:draft 3:superseded 2:published 1:superseded" {
		t.Fatalf("states %s", got)
	}
	step("submit 4", st.Submit(ctx, f.editor, code, 4, ""))
	step("publish 4", st.Publish(ctx, f.cityReviewer, code, 4))
	published(4, g4.Name)
	if got := f.states(t, code); got != "4:published 3:superseded 2:superseded 1:superseded" {
		t.Fatalf("states %s", got)
	}

	// The history tells who did what when.
	eds, err := st.Editions(ctx, f.editor, code)
	if err != nil || len(eds) != 4 {
		t.Fatalf("editions %v %v", eds, err)
	}
	e3, e2, e1 := eds[1], eds[2], eds[3]
	if e3.Reason != "办理时间不能为空" || e3.Reviewer != "city-reviewer" || e3.SubmittedAt == nil || e3.PublishedAt != nil || e3.SupersededAt == nil {
		t.Fatalf("rejected edition %+v", e3)
	}
	if e2.Reviewer != "reviewer" || e2.PublishedAt == nil || e2.SupersededAt == nil || !e2.SupersededAt.Equal(*eds[0].PublishedAt) {
		t.Fatalf("superseded edition %+v (next published at %v)", e2, eds[0].PublishedAt)
	}
	if e1.Author != "hb-editor" || e1.Note != "请审核" || !e1.SubmittedAt.After(e1.CreatedAt) || !e1.PublishedAt.After(*e1.SubmittedAt) {
		t.Fatalf("first edition %+v", e1)
	}
	it, info, err := st.Edition(ctx, f.editor, code, 2)
	if err != nil || it.Name != g2.Name || *it.PromisedDays != 15 || info.Number != 2 || info.Note != "缩短承诺时限" {
		t.Fatalf("edition 2: %+v %+v %v", it, info, err)
	}
	if _, _, err := st.Edition(ctx, f.editor, code, 9); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("edition 9: %v", err)
	}

	// One change-log entry per step, in order, with edition, detail and address.
	log, err := st.ChangeLog(ctx, ChangeFilter{Item: code})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(log)
	var got []string
	for _, e := range log {
		got = append(got, fmt.Sprintf("%s %s %d %s %s", e.UserName, e.Action, e.Edition, e.Detail, e.Remote))
	}
	want := []string{
		"hb-editor create 1 新建事项 10.0.0.1",
		"hb-editor submit 1 请审核 10.0.0.1",
		"city-reviewer publish 1 请审核 10.0.0.4",
		"hb-editor save_draft 2 缩短承诺时限 10.0.0.1",
		"hb-editor submit 2  10.0.0.1",
		"reviewer publish 2 缩短承诺时限 ",
		"hb-editor save_draft 3 删去办理时间 10.0.0.1",
		"hb-editor submit 3 第三版 10.0.0.1",
		"city-reviewer reject 3 办理时间不能为空 10.0.0.4",
		"hb-editor save_draft 4 补齐办理时间 10.0.0.1",
		"hb-editor submit 4  10.0.0.1",
		"city-reviewer publish 4 补齐办理时间 10.0.0.4",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("change log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := 1; i < len(log); i++ {
		if !log[i].At.After(log[i-1].At) {
			t.Fatalf("change-log entries out of time order: %v then %v", log[i-1].At, log[i].At)
		}
	}
}

func TestWorkflowStaleEditionsConflict(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-STALE"
	f.createPublished(t, code)
	if _, err := st.SaveDraft(ctx, f.editor, code, 1, revisedGuide(code), ""); err != nil {
		t.Fatal(err)
	}
	// The item now has edition 1 published and edition 2 a draft.
	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"save on a stale base", func() error { _, err := st.SaveDraft(ctx, f.editor, code, 1, revisedGuide(code), ""); return err }},
		{"save on a future base", func() error { _, err := st.SaveDraft(ctx, f.editor, code, 3, revisedGuide(code), ""); return err }},
		{"submit a stale edition", func() error { return st.Submit(ctx, f.editor, code, 1, "") }},
		{"publish a draft", func() error { return st.Publish(ctx, f.cityReviewer, code, 2) }},
		{"publish the published edition", func() error { return st.Publish(ctx, f.cityReviewer, code, 1) }},
		{"reject a draft", func() error { return st.Reject(ctx, f.cityReviewer, code, 2, "不合格") }},
		{"create an existing code", func() error { _, err := st.CreateItem(ctx, f.editor, wfGuide(code), ""); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, audits, seq := f.states(t, code), f.auditCount(t), f.seq(t)
			if err := tc.do(); !errors.Is(err, catalog.ErrConflict) {
				t.Fatalf("err = %v, want ErrConflict", err)
			}
			if f.states(t, code) != before || f.auditCount(t) != audits || f.seq(t) != seq {
				t.Fatal("a refused step changed the store")
			}
		})
	}

	// Submitted twice, published twice: the second of each is stale.
	if err := st.Submit(ctx, f.editor, code, 2, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, f.editor, code, 2, ""); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("second submit: %v", err)
	}
	if err := st.Publish(ctx, f.cityReviewer, code, 2); err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(ctx, f.admin, code, 2); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("second publish: %v", err)
	}
	if err := st.Reject(ctx, f.admin, code, 2, "晚了"); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("reject after publish: %v", err)
	}

	// An import publishes a new edition over an open draft: the draft's
	// base is stale, and the editor continues from the imported edition.
	if _, err := st.SaveDraft(ctx, f.editor, code, 2, revisedGuide(code), "草稿"); err != nil {
		t.Fatal(err)
	}
	imported := wfGuide(code)
	imported.Name = "导入的新名称"
	mustImport(t, st, catalogtest.ItemRecords(imported))
	if _, err := st.SaveDraft(ctx, f.editor, code, 3, revisedGuide(code), ""); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("save on the draft an import overtook: %v", err)
	}
	w, err := st.Draft(ctx, f.editor, code)
	if err != nil || w.Edition != 4 || w.State != catalog.StatePublished || w.Name != imported.Name {
		t.Fatalf("draft after import: %+v %v", w, err)
	}
	if _, err := st.SaveDraft(ctx, f.editor, code, 4, revisedGuide(code), ""); err != nil {
		t.Fatal(err)
	}
	if got := f.states(t, code); got != "5:draft 4:published 3:superseded 2:superseded 1:superseded" {
		t.Fatalf("states %s", got)
	}
}

func TestWorkflowSavingOverSubmittedWithdrawsIt(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-WITHDRAW"
	f.create(t, wfGuide(code))
	if err := st.Submit(ctx, f.editor, code, 1, ""); err != nil {
		t.Fatal(err)
	}
	w, err := st.Draft(ctx, f.editor, code)
	if err != nil || w.State != catalog.StateSubmitted || w.Edition != 1 {
		t.Fatalf("draft of a submitted item: %+v %v", w, err)
	}
	if _, err := st.SaveDraft(ctx, f.editor, code, w.Edition, revisedGuide(code), "撤回修改"); err != nil {
		t.Fatal(err)
	}
	if got := f.states(t, code); got != "2:draft 1:superseded" {
		t.Fatalf("states %s", got)
	}
	if err := st.Publish(ctx, f.cityReviewer, code, 1); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("publishing the withdrawn edition: %v", err)
	}
}

// TestWorkflowConcurrentSaves races two editors of one department saving
// against the same base: exactly one wins, the other reloads and saves
// again, and no edit is lost. Saving over the other editor's draft keeps
// it in the history; a winner saving over their own draft replaces it.
func TestWorkflowConcurrentSaves(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-RACE"
	f.create(t, wfGuide(code))
	editors := [2]Actor{f.editor, f.editor2}
	kept := []int{1} // the editions expected in the history, oldest first
	for round := 0; round < 6; round++ {
		w, err := st.Draft(ctx, f.editor, code)
		if err != nil {
			t.Fatal(err)
		}
		base := w.Edition
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  [2]error
			nums  [2]int
			items [2]*catalog.Item
		)
		for g := range 2 {
			items[g] = wfGuide(code)
			items[g].Conditions = fmt.Sprintf("第%d轮第%d个编辑的修改", round, g)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				nums[g], errs[g] = st.SaveDraft(ctx, editors[g], code, base, items[g], "")
			}()
		}
		close(start)
		wg.Wait()
		winner := -1
		for g, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Fatalf("round %d: both saves against edition %d succeeded", round, base)
				}
				winner = g
			case !errors.Is(err, catalog.ErrConflict):
				t.Fatalf("round %d: save %d: %v", round, g, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no save succeeded: %v", round, errs)
		}
		if nums[winner] != base+1 {
			t.Fatalf("round %d: winner saved edition %d, want %d", round, nums[winner], base+1)
		}
		if w.Author == editors[winner].Name {
			kept = kept[:len(kept)-1] // the winner's own draft, replaced
		}
		kept = append(kept, base+1)
		// The loser reloads and saves again: no edit is lost.
		loser := 1 - winner
		w, err = st.Draft(ctx, f.editor, code)
		if err != nil || w.Edition != base+1 || w.Conditions != items[winner].Conditions || w.Author != editors[winner].Name {
			t.Fatalf("round %d: after the race the draft is %+v %v", round, w, err)
		}
		n, err := st.SaveDraft(ctx, editors[loser], code, w.Edition, items[loser], "")
		if err != nil || n != base+2 {
			t.Fatalf("round %d: retry: %d %v", round, n, err)
		}
		kept = append(kept, base+2)
		for g, num := range map[int]int{winner: base + 1, loser: base + 2} {
			it, _, err := st.Edition(ctx, f.editor, code, num)
			if err != nil || it.Conditions != items[g].Conditions {
				t.Fatalf("round %d: edition %d holds %v, want %q (%v)", round, num, it, items[g].Conditions, err)
			}
		}
	}
	eds, _ := st.Editions(ctx, f.editor, code)
	var got []int
	for _, e := range eds {
		got = append(got, e.Number)
	}
	slices.Reverse(got)
	if !slices.Equal(got, kept) || eds[0].State != catalog.StateDraft || eds[0].Number != 13 {
		t.Fatalf("editions after the races: %v, want %v; latest %+v", got, kept, eds[0])
	}
	for _, e := range eds[1:] {
		if e.State != catalog.StateSuperseded {
			t.Fatalf("edition %d is %s, want superseded", e.Number, e.State)
		}
	}

	// Two reviewers publishing the same submission: exactly one succeeds.
	if err := st.Submit(ctx, f.editor, code, 13, ""); err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		errs [2]error
	)
	for g, a := range []Actor{f.cityReviewer, f.admin} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[g] = st.Publish(ctx, a, code, 13)
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs[0], errs[1]), catalog.ErrConflict) {
		t.Fatalf("concurrent publishes: %v", errs)
	}
	log, _ := st.ChangeLog(ctx, ChangeFilter{Item: code})
	if log[0].Action != OpPublish || log[1].Action != OpSubmit {
		t.Fatalf("change log head %+v %+v", log[0], log[1])
	}
}

func TestWorkflowPermissions(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-PERM"
	f.createPublished(t, code)
	if _, err := st.SaveDraft(ctx, f.editor, code, 1, revisedGuide(code), ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, f.editor, code, 2, ""); err != nil {
		t.Fatal(err)
	}
	// Every write below is made against a wrong base (or an existing code):
	// once allowed, it is refused with ErrConflict, so the table shows who
	// passes the access check without changing the store.
	type result int
	const (
		ok        result = iota // no error
		conflict                // allowed, then ErrConflict
		forbidden               // ErrForbidden
	)
	ops := []struct {
		name string
		do   func(a Actor) error
	}{
		{"draft", func(a Actor) error { _, err := st.Draft(ctx, a, code); return err }},
		{"editions", func(a Actor) error { _, err := st.Editions(ctx, a, code); return err }},
		{"edition", func(a Actor) error { _, _, err := st.Edition(ctx, a, code, 1); return err }},
		{"diff", func(a Actor) error { _, err := st.Diff(ctx, a, code, 1, 2); return err }},
		{"create", func(a Actor) error { _, err := st.CreateItem(ctx, a, wfGuide(code), ""); return err }},
		{"save", func(a Actor) error { _, err := st.SaveDraft(ctx, a, code, 99, revisedGuide(code), ""); return err }},
		{"submit", func(a Actor) error { return st.Submit(ctx, a, code, 99, "") }},
		{"publish", func(a Actor) error { return st.Publish(ctx, a, code, 99) }},
		{"reject", func(a Actor) error { return st.Reject(ctx, a, code, 99, "理由") }},
		{"queue", func(a Actor) error { _, err := st.Queue(ctx, a); return err }},
	}
	F, C, O := forbidden, conflict, ok
	for _, tc := range []struct {
		name  string
		actor Actor
		want  []result // in the order of ops
	}{
		{"anonymous", f.anonymous, []result{F, F, F, F, F, F, F, F, F, F}},
		{"anonymous with an address", Actor{Remote: "203.0.113.9"}, []result{F, F, F, F, F, F, F, F, F, F}},
		{"editor of the department", f.editor, []result{O, O, O, O, C, C, C, F, F, O}},
		{"editor of another department", f.otherEditor, []result{F, F, F, F, F, F, F, F, F, O}},
		{"editor without a department", Actor{User: &catalog.User{Name: "x", Role: catalog.RoleEditor, Region: "610902"}}, []result{F, F, F, F, F, F, F, F, F, F}},
		{"auditor", f.auditor, []result{O, O, O, O, F, F, F, F, F, F}},
		{"reviewer of the city", f.cityReviewer, []result{O, O, O, O, F, F, F, C, C, O}},
		{"reviewer outside the region", f.hanyinReviewer, []result{F, F, F, F, F, F, F, F, F, O}},
		{"reviewer of everywhere", f.reviewer, []result{O, O, O, O, F, F, F, C, C, O}},
		{"admin", f.admin, []result{O, O, O, O, C, C, C, C, C, O}},
		{"unknown role", Actor{User: &catalog.User{Name: "x", Role: "boss"}}, []result{F, F, F, F, F, F, F, F, F, F}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, op := range ops {
				t.Run(op.name, func(t *testing.T) {
					before, audits, seq := f.states(t, code), f.auditCount(t), f.seq(t)
					err := op.do(tc.actor)
					var got result
					switch {
					case err == nil:
						got = ok
					case errors.Is(err, catalog.ErrConflict):
						got = conflict
					case errors.Is(err, catalog.ErrForbidden):
						got = forbidden
					default:
						t.Fatalf("unexpected error %v", err)
					}
					if got != tc.want[i] {
						t.Fatalf("got %d (%v), want %d", got, err, tc.want[i])
					}
					if f.states(t, code) != before || f.auditCount(t) != audits || f.seq(t) != seq {
						t.Fatal("a refused step changed the store")
					}
				})
			}
		})
	}

	// An editor may not move an item out of their department or region.
	for _, tc := range []struct {
		name         string
		region, dept string
	}{
		{"to another department", "610921", wfOtherDept},
		{"to a department of the same name in another region", "610921", wfDept},
	} {
		t.Run("move "+tc.name, func(t *testing.T) {
			it := wfGuide(code)
			it.Region, it.Department = tc.region, tc.dept
			w, _ := st.Draft(ctx, f.editor, code)
			if _, err := st.SaveDraft(ctx, f.editor, code, w.Edition, it, ""); !errors.Is(err, catalog.ErrForbidden) {
				t.Fatalf("editor moving the item: %v", err)
			}
			if _, err := st.SaveDraft(ctx, f.otherEditor, code, w.Edition, it, ""); !errors.Is(err, catalog.ErrForbidden) {
				t.Fatalf("editor of the target department moving the item in: %v", err)
			}
		})
	}
	// An editor may not create an item of another department.
	other := wfGuide("WF-OTHER")
	other.Region, other.Department = "610921", wfOtherDept
	if _, err := st.CreateItem(ctx, f.editor, other, ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("editor creating another department's item: %v", err)
	}
	if _, err := st.CreateItem(ctx, f.otherEditor, other, ""); err != nil {
		t.Fatalf("editor creating their own department's item: %v", err)
	}
}

func TestWorkflowAdminMovesItem(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-MOVE"
	f.createPublished(t, code)
	moved := wfGuide(code)
	moved.Region, moved.Department = "610921", wfOtherDept
	if _, err := st.SaveDraft(ctx, f.admin, code, 1, moved, "划转"); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, f.admin, code, 2, ""); err != nil {
		t.Fatal(err)
	}
	// The item is still the old department's until published.
	if row := f.itemRow(t, code); row.DepartmentID != f.deptID || row.Region != "610902" {
		t.Fatalf("item moved before publishing: %+v", row)
	}
	if err := st.Publish(ctx, f.hanyinReviewer, code, 2); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("reviewer of the target region only publishing: %v", err)
	}
	if err := st.Publish(ctx, f.cityReviewer, code, 2); err != nil {
		t.Fatal(err)
	}
	if row := f.itemRow(t, code); row.DepartmentID != f.otherID || row.Region != "610921" {
		t.Fatalf("item not moved by publishing: %+v", row)
	}
	if _, err := st.Draft(ctx, f.editor, code); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("former department's editor: %v", err)
	}
	if _, err := st.SaveDraft(ctx, f.otherEditor, code, 2, moved, ""); err != nil {
		t.Fatalf("new department's editor: %v", err)
	}
}

func TestWorkflowInvalidInputSavesNothing(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-BAD"
	f.createPublished(t, code)
	if _, err := st.SaveDraft(ctx, f.editor, code, 1, revisedGuide(code), ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, f.editor, code, 2, ""); err != nil {
		t.Fatal(err)
	}
	// Edition 2 is submitted: a reviewer may reject it, an editor may save
	// over it.
	bad := func(change func(it *catalog.Item)) *catalog.Item {
		it := wfGuide(code)
		change(it)
		return it
	}
	for _, tc := range []struct {
		name   string
		do     func() error
		fields []string
	}{
		{"bad type and negative days", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, bad(func(it *catalog.Item) { it.Type = "许可"; it.LegalDays = catalog.Int(-1) }), "")
			return err
		}, []string{"type", "legal_days"}},
		{"material without name", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, bad(func(it *catalog.Item) { it.Materials[1].Name = " " }), "")
			return err
		}, []string{"materials[1].name"}},
		{"another item's code", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, bad(func(it *catalog.Item) { it.Code = "WF-ELSE" }), "")
			return err
		}, []string{"code"}},
		{"unknown region", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, bad(func(it *catalog.Item) { it.Region = "999999" }), "")
			return err
		}, []string{"region"}},
		{"unknown department", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, bad(func(it *catalog.Item) { it.Department = "汉滨区不存在局" }), "")
			return err
		}, []string{"department"}},
		{"no item", func() error { _, err := st.SaveDraft(ctx, f.editor, code, 2, nil, ""); return err }, []string{""}},
		{"note with a control character", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, revisedGuide(code), "修改\x00")
			return err
		}, []string{"note"}},
		{"errors in field order", func() error {
			_, err := st.SaveDraft(ctx, f.editor, code, 2, bad(func(it *catalog.Item) { it.Code = "WF-ELSE"; it.Name = ""; it.Hours = "\x01" }), "")
			return err
		}, []string{"code", "name", "hours"}},
		{"create in an unknown department", func() error {
			_, err := st.CreateItem(ctx, f.editor, bad(func(it *catalog.Item) { it.Code = "WF-NEW"; it.Department = "新设局" }), "")
			return err
		}, []string{"department"}},
		{"create an invalid item", func() error {
			_, err := st.CreateItem(ctx, f.editor, bad(func(it *catalog.Item) { it.Code = "WF NEW" }), "")
			return err
		}, []string{"code"}},
		{"reject without reason", func() error { return st.Reject(ctx, f.cityReviewer, code, 2, "  ") }, []string{"reason"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eds, _ := st.Editions(ctx, f.admin, code)
			depts, _ := st.Departments(ctx, "")
			audits, seq := f.auditCount(t), f.seq(t)
			err := tc.do()
			var ve *catalog.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, catalog.ErrInvalid) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			var fields []string
			for _, fe := range ve.Errors {
				fields = append(fields, fe.Field)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Fatalf("fields %v, want %v (%v)", fields, tc.fields, err)
			}
			after, _ := st.Editions(ctx, f.admin, code)
			deptsAfter, _ := st.Departments(ctx, "")
			if fmt.Sprint(after) != fmt.Sprint(eds) || len(deptsAfter) != len(depts) {
				t.Fatal("an invalid step changed the editions or created a department")
			}
			if f.auditCount(t) != audits || f.seq(t) != seq {
				t.Fatal("an invalid step wrote the change log or advanced the sequence")
			}
		})
	}
	if _, err := st.Published(ctx, "WF-NEW"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("an invalid create left an item: %v", err)
	}
	err := st.Reject(ctx, f.cityReviewer, code, 2, "")
	if !strings.Contains(err.Error(), "退回理由") {
		t.Fatalf("the reason error does not name the field in Chinese: %v", err)
	}
	if w, _ := st.Draft(ctx, f.editor, code); w.State != catalog.StateSubmitted {
		t.Fatalf("a rejection without reason changed the state to %s", w.State)
	}
	if _, err := st.SaveDraft(ctx, f.editor, code, 2, revisedGuide(code), ""); err != nil {
		t.Fatal(err)
	}
	var ve *catalog.ValidationError
	if err := st.Submit(ctx, f.editor, code, 3, "\x1b[31m"); !errors.As(err, &ve) || ve.Errors[0].Field != "note" {
		t.Fatalf("submit with a control character in the note: %v", err)
	}
	if w, _ := st.Draft(ctx, f.editor, code); w.State != catalog.StateDraft || w.Edition != 3 {
		t.Fatalf("an invalid submit changed the draft: %+v", w)
	}
}

func TestWorkflowDiff(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-DIFF"
	v1 := wfGuide(code)
	f.create(t, v1)
	v2 := wfGuide(code)
	v2.PromisedDays = catalog.Int(15)
	v2.Hours = ""
	v2.Express = nil
	// Materials: 原居民身份证 changed, 居民户口簿 removed, a new one added.
	v2.Materials[0].Form, v2.Materials[0].Copies = "复印件", catalog.Int(2)
	v2.Materials = []catalog.Material{v2.Materials[0], v2.Materials[2],
		{Name: "近期免冠照片", Required: "非必要", Form: "原件", Source: "申请人自备"}}
	// Steps: 审核 and 制证 swapped, nothing else.
	v2.Steps[1], v2.Steps[2] = v2.Steps[2], v2.Steps[1]
	// Basis: of two entries with the same title, the second is removed.
	v2.Basis = v2.Basis[:1]
	v2.FAQ = append(v2.FAQ, catalog.FAQ{Q: "可以代办吗？", A: "不可以，须本人到场。"})
	v2.Fee.Items[0].Standard = "每证40元"
	v2.AskPhrases = append(v2.AskPhrases[1:], "身份证过期了")
	// Saved by another editor: edition 1 stays in the history (its author
	// saving again would replace it).
	if _, err := st.SaveDraft(ctx, f.editor2, code, 1, v2, ""); err != nil {
		t.Fatal(err)
	}

	d, err := st.Diff(ctx, f.editor, code, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d.Code != code || d.From != 1 || d.To != 2 {
		t.Fatalf("diff head %+v", d)
	}
	var fields []string
	for _, c := range d.Fields {
		fields = append(fields, fmt.Sprintf("%s %s %v→%v", c.Field, c.Label, c.Old, c.New))
	}
	want := []string{
		"promised_days 承诺办结时限 20→15",
		"express 支持物流快递 true→<nil>",
		"hours 办理时间 " + v1.Hours + "→<nil>",
		"ask_phrases 常见问法 [身份证到期换新证 身份证坏了怎么换 身份证信息错了更正 异地换身份证]→[身份证坏了怎么换 身份证信息错了更正 异地换身份证 身份证过期了]",
	}
	if !slices.Equal(fields, want) {
		t.Fatalf("scalar changes:\n%s\nwant\n%s", strings.Join(fields, "\n"), strings.Join(want, "\n"))
	}
	lists := map[string]catalog.ListDiff{}
	var order []string
	for _, l := range d.Lists {
		lists[l.Field] = l
		order = append(order, l.Field)
	}
	if fmt.Sprint(order) != "[basis materials steps fee.items faq]" {
		t.Fatalf("list order %v", order)
	}
	m := lists["materials"]
	if m.Label != "申请材料" || len(m.Added) != 1 || m.Added[0].Key != "近期免冠照片" || m.Added[0].Index != 2 ||
		len(m.Removed) != 1 || m.Removed[0].Key != "居民户口簿" || m.Removed[0].Index != 1 || m.Reordered {
		t.Fatalf("materials diff %+v", m)
	}
	if len(m.Changed) != 1 || m.Changed[0].Key != "原居民身份证" {
		t.Fatalf("materials changed %+v", m.Changed)
	}
	var subs []string
	for _, c := range m.Changed[0].Fields {
		subs = append(subs, fmt.Sprintf("%s %s %v→%v", c.Field, c.Label, c.Old, c.New))
	}
	if fmt.Sprint(subs) != "[form 材料形式 原件→复印件 copies 份数 1→2]" {
		t.Fatalf("material sub-field changes %v", subs)
	}
	if s := lists["steps"]; !s.Reordered || len(s.Added)+len(s.Removed)+len(s.Changed) != 0 {
		t.Fatalf("steps diff %+v", s)
	}
	if b := lists["basis"]; len(b.Removed) != 1 || b.Removed[0].Value.(catalog.Basis).Clause != "第十条" || len(b.Changed) != 0 {
		t.Fatalf("basis diff %+v", b)
	}
	if fi := lists["fee.items"]; len(fi.Changed) != 1 || fi.Changed[0].Fields[0].Label != "收费标准" {
		t.Fatalf("fee items diff %+v", fi)
	}
	if q := lists["faq"]; q.Label != "常见问题" || len(q.Added) != 1 || q.Added[0].Key != "可以代办吗？" {
		t.Fatalf("faq diff %+v", q)
	}

	// The diff is a JSON document; the reverse diff swaps old and new.
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"label":"承诺办结时限"`, `"old":20`, `"new":null`, `"key":"居民户口簿"`, `"reordered":true`} {
		if !strings.Contains(string(b), s) {
			t.Fatalf("diff JSON lacks %s: %s", s, b)
		}
	}
	back, err := st.Diff(ctx, f.editor, code, 2, 1)
	if err != nil || back.Fields[0].Old != 15 || len(back.Lists[1].Added) != 1 || back.Lists[1].Added[0].Key != "居民户口簿" {
		t.Fatalf("reverse diff %+v %v", back, err)
	}
	same, err := st.Diff(ctx, f.editor, code, 2, 2)
	if err != nil || len(same.Fields) != 0 || len(same.Lists) != 0 {
		t.Fatalf("diff of an edition with itself %+v %v", same, err)
	}
	if b, _ := json.Marshal(same); !strings.Contains(string(b), `"fields":[],"lists":[]`) {
		t.Fatalf("empty diff JSON %s", b)
	}
	if _, err := st.Diff(ctx, f.editor, code, 1, 7); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("diff with a missing edition: %v", err)
	}
}

func TestWorkflowQueue(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	// Items of the editor's department in every state.
	f.create(t, wfGuide("Q-PUB"))
	f.publish(t, "Q-PUB", 1)
	incomplete := wfGuide("Q-DRAFT")
	incomplete.Hours, incomplete.Location = "", ""
	f.create(t, incomplete)
	f.create(t, wfGuide("Q-SUB"))
	if err := st.Submit(ctx, f.editor, "Q-SUB", 1, "请审核"); err != nil {
		t.Fatal(err)
	}
	f.create(t, wfGuide("Q-REJ"))
	if err := st.Submit(ctx, f.editor, "Q-REJ", 1, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Reject(ctx, f.cityReviewer, "Q-REJ", 1, "材料不全"); err != nil {
		t.Fatal(err)
	}
	// A submission of another department in 汉阴县.
	other := wfGuide("Q-HY")
	other.Region, other.Department = "610921", wfOtherDept
	if _, err := st.CreateItem(ctx, f.otherEditor, other, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, f.otherEditor, "Q-HY", 1, ""); err != nil {
		t.Fatal(err)
	}

	q, err := st.Queue(ctx, f.editor)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range q {
		got = append(got, fmt.Sprintf("%s %d %s %d %d", e.Code, e.Edition, e.State, e.Published, e.Findings))
		if e.Department != wfDept || e.Region != "610902" || e.RegionName != "汉滨区" || e.Name == "" || e.Author != "hb-editor" {
			t.Fatalf("queue entry %+v", e)
		}
	}
	base := len(catalog.Quality(wfGuide("Q")))
	want := []string{
		fmt.Sprintf("Q-DRAFT 1 draft 0 %d", len(catalog.Quality(incomplete))),
		fmt.Sprintf("Q-PUB 1 published 1 %d", base),
		fmt.Sprintf("Q-REJ 1 rejected 0 %d", base),
		fmt.Sprintf("Q-SUB 1 submitted 0 %d", base),
	}
	if !slices.Equal(got, want) {
		t.Fatalf("editor's queue\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(catalog.Quality(incomplete)) <= base {
		t.Fatal("the incomplete guide should have more findings")
	}
	if q[2].Reason != "材料不全" {
		t.Fatalf("rejected entry %+v", q[2])
	}

	for _, tc := range []struct {
		name  string
		actor Actor
		want  string
	}{
		{"reviewer of the city", f.cityReviewer, "[Q-SUB Q-HY]"},
		{"reviewer of 汉阴县", f.hanyinReviewer, "[Q-HY]"},
		{"reviewer of everywhere", f.reviewer, "[Q-SUB Q-HY]"},
		{"admin", f.admin, "[Q-SUB Q-HY]"},
		{"editor of 汉阴县", f.otherEditor, "[Q-HY]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := st.Queue(ctx, tc.actor)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, e := range q {
				codes = append(codes, e.Code)
				if e.State != catalog.StateSubmitted || e.SubmittedAt == nil {
					t.Fatalf("entry %+v", e)
				}
			}
			if fmt.Sprint(codes) != tc.want {
				t.Fatalf("queue %v, want %s", codes, tc.want)
			}
		})
	}
	for _, a := range []Actor{f.anonymous, f.auditor} {
		if _, err := st.Queue(ctx, a); !errors.Is(err, catalog.ErrForbidden) {
			t.Fatalf("queue of %+v: %v", a.User, err)
		}
	}
	if b, err := json.Marshal(q); err != nil || !strings.Contains(string(b), `"region_name":"汉滨区"`) {
		t.Fatalf("queue JSON %s %v", b, err)
	}
}

func TestWorkflowPublishedEditionCoverageColumns(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-COV"
	v1 := wfGuide(code) // 承诺件, one visit, online depth 2, in hall
	f.create(t, v1)
	f.publish(t, code, 1)
	v2 := wfGuide(code)
	v2.Type = "行政处罚" // ex officio
	v2.Handling, v2.PromisedDays = "即办件", catalog.Int(0)
	v2.Steps = slices.Clone(v2.Steps)
	for i := range v2.Steps { // done on the spot: no step takes a day
		v2.Steps[i].Days = catalog.Int(0)
	}
	v2.Visits, v2.OnlineDepth = catalog.Int(0), catalog.Int(4)
	v2.InHall, v2.Nearby = catalog.Bool(false), catalog.Bool(true)
	if _, err := st.SaveDraft(ctx, f.editor, code, 1, v2, ""); err != nil {
		t.Fatal(err)
	}
	f.publish(t, code, 2)

	for _, tc := range []struct {
		n  int
		it *catalog.Item
	}{{1, v1}, {2, v2}} {
		var ed editionRow
		if err := st.db.Where("item_code = ? AND number = ?", code, tc.n).Take(&ed).Error; err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(ed.Region, ed.DepartmentID, ed.Type, ed.OnApplication, ed.Online, ed.FullOnline,
			ed.OneVisit, ed.ZeroVisit, ed.Immediate, ed.InHall, ed.Nearby)
		it := tc.it
		want := fmt.Sprint("610902", f.deptID, it.Type, catalog.OnApplication(it.Type), catalog.HasFlag(it, catalog.FlagOnline),
			catalog.HasFlag(it, catalog.FlagFullOnline), catalog.HasFlag(it, catalog.FlagOneVisit), catalog.HasFlag(it, catalog.FlagZeroVisit),
			catalog.HasFlag(it, catalog.FlagImmediate), catalog.HasFlag(it, catalog.FlagInHall), catalog.HasFlag(it, catalog.FlagNearby))
		if got != want {
			t.Fatalf("edition %d columns %s, want %s", tc.n, got, want)
		}
		if ed.PublishedAt == nil {
			t.Fatalf("edition %d has no publication time", tc.n)
		}
	}
	// Spot-check the derived columns of the current edition by hand.
	var cur editionRow
	st.db.Where("item_code = ? AND state = ?", code, catalog.StatePublished).Take(&cur)
	if cur.Number != 2 || cur.OnApplication || !cur.FullOnline || !cur.ZeroVisit || !cur.Immediate || cur.InHall || !cur.Nearby {
		t.Fatalf("current edition columns %+v", cur)
	}
	p, err := st.Published(ctx, code)
	if err != nil || !slices.Contains(p.Flags, catalog.FlagFullOnline) || slices.Contains(p.Flags, catalog.FlagInHall) {
		t.Fatalf("published flags %v %v", p, err)
	}
}

func TestWorkflowUnknownItem(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"draft", func() error { _, err := st.Draft(ctx, f.editor, "NOPE"); return err }},
		{"save", func() error { _, err := st.SaveDraft(ctx, f.editor, "NOPE", 1, revisedGuide("NOPE"), ""); return err }},
		{"submit", func() error { return st.Submit(ctx, f.editor, "NOPE", 1, "") }},
		{"publish", func() error { return st.Publish(ctx, f.admin, "NOPE", 1) }},
		{"reject", func() error { return st.Reject(ctx, f.admin, "NOPE", 1, "理由") }},
		{"editions", func() error { _, err := st.Editions(ctx, f.admin, "NOPE"); return err }},
		{"diff", func() error { _, err := st.Diff(ctx, f.admin, "NOPE", 1, 2); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); !errors.Is(err, catalog.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
		})
	}
}

// bigGuide returns a valid guide of about size bytes of stored JSON, its
// bulk in the texts of its legal bases.
func bigGuide(code string, size int, mark string) *catalog.Item {
	it := wfGuide(code)
	it.Conditions = mark
	text := strings.Repeat("依", catalog.MaxBasisTextRunes)
	it.Basis = nil
	for n := 0; n < size && len(it.Basis) < catalog.MaxBasis; n += len(text) {
		it.Basis = append(it.Basis, catalog.Basis{Title: fmt.Sprintf("《条例%d》", len(it.Basis)), Text: text})
	}
	return it
}

// TestWorkflowOwnDraftIsReplacedInPlace: an editor saving over their own
// draft again and again replaces it — the edition number moves on, so a
// stale If-Match is still refused, but no edition is added and the store
// does not grow with each save. The change log records every save.
func TestWorkflowOwnDraftIsReplacedInPlace(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-OWN"
	f.createPublished(t, code)
	const size, saves = 600 << 10, 30
	base := 1
	var start int64
	for i := range saves {
		n, err := st.SaveDraft(ctx, f.editor, code, base, bigGuide(code, size, fmt.Sprintf("第%d次保存", i)), fmt.Sprintf("说明%d", i))
		if err != nil || n != base+1 {
			t.Fatalf("save %d on %d: edition %d, %v", i, base, n, err)
		}
		base = n
		if i == 0 {
			var err error
			if start, err = st.SizeBytes(ctx); err != nil || start < size {
				t.Fatalf("store size after the first save: %d %v", start, err)
			}
		}
	}
	if got := f.states(t, code); got != fmt.Sprintf("%d:draft 1:published", base) {
		t.Fatalf("editions after %d saves of one draft: %s", saves, got)
	}
	w, err := st.Draft(ctx, f.editor, code)
	if err != nil || w.Edition != base || w.Conditions != fmt.Sprintf("第%d次保存", saves-1) || w.Note != fmt.Sprintf("说明%d", saves-1) || w.Author != "hb-editor" {
		t.Fatalf("the draft after the saves: %d %q %q %s %v", w.Edition, w.Conditions, w.Note, w.Author, err)
	}
	end, err := st.SizeBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Stacked, the saves would add saves×size (18 MB); replaced, the
	// database reuses the pages the draft frees (the write-ahead log holds
	// a few saves until it is checkpointed).
	t.Logf("%d saves of a %d KB draft: store %d KB → %d KB", saves-1, size>>10, start>>10, end>>10)
	if grown := end - start; grown > saves*size/3 {
		t.Fatalf("%d saves of a %d KB draft grew the store by %d KB", saves-1, size>>10, grown>>10)
	}
	log, err := st.ChangeLog(ctx, ChangeFilter{Item: code})
	if err != nil {
		t.Fatal(err)
	}
	var saved []int
	for _, e := range log {
		if e.Action == OpSaveDraft {
			saved = append(saved, e.Edition)
		}
	}
	if len(saved) != saves || saved[0] != base || saved[saves-1] != 2 {
		t.Fatalf("change-log entries of the saves: %v", saved)
	}

	// A stale base is refused, and changes nothing.
	for _, stale := range []int{base - 1, 1, base + 1} {
		if _, err := st.SaveDraft(ctx, f.editor, code, stale, revisedGuide(code), "过时"); !errors.Is(err, catalog.ErrConflict) {
			t.Fatalf("save on stale edition %d: %v", stale, err)
		}
	}
	if w2, _ := st.Draft(ctx, f.editor, code); w2.Edition != base || w2.Conditions != w.Conditions {
		t.Fatalf("a stale save changed the draft: %d %q", w2.Edition, w2.Conditions)
	}
	// The replaced editions are gone; the diff from the published one
	// works.
	if _, _, err := st.Edition(ctx, f.editor, code, 2); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("replaced edition 2: %v", err)
	}
	if d, err := st.Diff(ctx, f.editor, code, 1, base); err != nil || len(d.Lists) == 0 {
		t.Fatalf("diff from the published edition: %+v %v", d, err)
	}

	// An empty note keeps the draft's note.
	small := wfGuide(code)
	if base, err = st.SaveDraft(ctx, f.editor, code, base, small, ""); err != nil {
		t.Fatal(err)
	}
	if w, _ = st.Draft(ctx, f.editor, code); w.Note != fmt.Sprintf("说明%d", saves-1) || len(w.Basis) != len(small.Basis) {
		t.Fatalf("after a save without a note: %q, %d bases", w.Note, len(w.Basis))
	}

	// Concurrent saves of the author: exactly one wins each time.
	for round := range 5 {
		var (
			wg   sync.WaitGroup
			errs [3]error
			nums [3]int
		)
		for g := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				it := wfGuide(code)
				it.Conditions = fmt.Sprintf("第%d轮第%d个", round, g)
				nums[g], errs[g] = st.SaveDraft(ctx, f.editor, code, base, it, "")
			}()
		}
		wg.Wait()
		won := -1
		for g, err := range errs {
			switch {
			case err == nil && won < 0:
				won = g
			case err == nil:
				t.Fatalf("round %d: two saves on edition %d succeeded", round, base)
			case !errors.Is(err, catalog.ErrConflict):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if won < 0 || nums[won] != base+1 {
			t.Fatalf("round %d: %v %v", round, nums, errs)
		}
		base++
		if w, _ = st.Draft(ctx, f.editor, code); w.Conditions != fmt.Sprintf("第%d轮第%d个", round, won) {
			t.Fatalf("round %d: the draft holds %q, the winner was %d", round, w.Conditions, won)
		}
	}
	if got := f.states(t, code); got != fmt.Sprintf("%d:draft 1:published", base) {
		t.Fatalf("editions after the races: %s", got)
	}

	// Another editor's save, and a save over a submitted draft, add an
	// edition: the history keeps what someone else wrote or submitted.
	if base, err = st.SaveDraft(ctx, f.editor2, code, base, revisedGuide(code), "乙修改"); err != nil {
		t.Fatal(err)
	}
	if err := st.Submit(ctx, f.editor2, code, base, ""); err != nil {
		t.Fatal(err)
	}
	if _, err = st.SaveDraft(ctx, f.editor2, code, base, revisedGuide(code), "撤回再改"); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d:draft %d:superseded %d:superseded 1:published", base+1, base, base-1)
	if got := f.states(t, code); got != want {
		t.Fatalf("states %s, want %s", got, want)
	}
}

// TestCreateItemCodeTaken: creating an item with a code in use is
// ErrCodeTaken, which is a conflict.
func TestCreateItemCodeTaken(t *testing.T) {
	f := newWorkflowFixture(t)
	f.create(t, wfGuide("WF-TAKEN"))
	_, err := f.st.CreateItem(f.ctx, f.editor, wfGuide("WF-TAKEN"), "")
	if !errors.Is(err, ErrCodeTaken) || !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("create an existing code: %v", err)
	}
	if _, err := f.st.SaveDraft(f.ctx, f.editor, "WF-TAKEN", 7, revisedGuide("WF-TAKEN"), ""); errors.Is(err, ErrCodeTaken) || !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("a stale save: %v", err)
	}
}

// TestUnchangedSaveIsNoEdition: saving the guide the latest edition holds
// writes nothing — no edition, no change log entry, no sequence step —
// and answers the latest edition, whether it is published, a draft or
// submitted; a changed guide is a new edition as before.
func TestUnchangedSaveIsNoEdition(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	code := "WF-SAME"
	f.createPublished(t, code)
	unchanged := func(base int) {
		t.Helper()
		before, audits, seq := f.states(t, code), f.auditCount(t), f.seq(t)
		w, err := st.Draft(ctx, f.editor, code)
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.SaveDraft(ctx, f.editor, code, base, &w.Item, "无改动")
		if err != nil || n != base {
			t.Fatalf("unchanged save on %d: edition %d, %v", base, n, err)
		}
		if f.states(t, code) != before || f.auditCount(t) != audits || f.seq(t) != seq {
			t.Fatalf("an unchanged save on %d changed the store: %s → %s", base, before, f.states(t, code))
		}
	}
	unchanged(1) // the published edition
	changed := wfGuide(code)
	changed.Conditions += "（补充说明）"
	n, err := st.SaveDraft(ctx, f.editor, code, 1, changed, "补充条件")
	if err != nil || n != 2 {
		t.Fatalf("changed save: edition %d, %v", n, err)
	}
	unchanged(2) // an own draft
	if err := st.Submit(ctx, f.editor, code, 2, ""); err != nil {
		t.Fatal(err)
	}
	unchanged(2) // a submitted edition stays submitted
	if got := f.states(t, code); got != "2:submitted 1:published" {
		t.Fatalf("states %s", got)
	}
}
