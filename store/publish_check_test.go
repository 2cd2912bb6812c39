package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"zhinan/catalog"
)

// submitted creates guide it as the editor and submits edition 1.
func (f *wfFixture) submitted(t *testing.T, it *catalog.Item) {
	t.Helper()
	f.create(t, it)
	if err := f.st.Submit(f.ctx, f.editor, it.Code, 1, "请审核"); err != nil {
		t.Fatalf("submit %s: %v", it.Code, err)
	}
}

// logOf returns the change-log actions of the item code, oldest first.
func (f *wfFixture) logOf(t *testing.T, code string) []ChangeEntry {
	t.Helper()
	log, err := f.st.ChangeLog(f.ctx, ChangeFilter{Item: code})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(log)-1; i < j; i, j = i+1, j-1 {
		log[i], log[j] = log[j], log[i]
	}
	return log
}

// TestPublishRefusesStepsOverPromise: a guide whose steps add up to more
// than its promise is refused with the check, whatever reason is given,
// and nothing is written (the case: 15 working days of steps
// against a promised 10).
func TestPublishRefusesStepsOverPromise(t *testing.T) {
	f := newWorkflowFixture(t)
	it := wfGuide("WF-STEPS")
	it.PromisedDays = catalog.Int(10)
	it.Steps[2].Days = catalog.Int(12) // 0+2+12+1 = 15
	f.submitted(t, it)

	for _, overrides := range []map[string]string{nil, {catalog.CheckStepsOverPromised: "制证时间不由本部门控制"}} {
		err := f.st.PublishWith(f.ctx, f.cityReviewer, it.Code, 1, overrides)
		var r *catalog.PublishRefusal
		if !errors.As(err, &r) || !errors.Is(err, catalog.ErrInvalid) || !r.Blocked() {
			t.Fatalf("publish with %v: %v", overrides, err)
		}
		errs := catalog.CheckErrors(r.Checks)
		if len(errs) != 1 || errs[0].Rule != catalog.CheckStepsOverPromised || errs[0].Field != "steps" ||
			!strings.Contains(errs[0].Message, "各环节时限合计15个工作日，超过承诺办结时限10个工作日") {
			t.Fatalf("checks %+v", r.Checks)
		}
	}
	if got := f.states(t, it.Code); got != "1:submitted" {
		t.Fatalf("editions after the refusals: %s", got)
	}
	if row := f.itemRow(t, it.Code); row.Published != 0 {
		t.Fatalf("item published: %+v", row)
	}
	for _, e := range f.logOf(t, it.Code) {
		if e.Action == OpPublish {
			t.Fatalf("a refused publish was logged: %+v", e)
		}
	}
	// The draft read shows the check to the editor.
	w, err := f.st.Draft(f.ctx, f.editor, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Checks) != 1 || w.Checks[0].Rule != catalog.CheckStepsOverPromised {
		t.Fatalf("draft checks %+v", w.Checks)
	}
	// Refusals come after access and the edition's state.
	if err := f.st.Publish(f.ctx, f.hanyinReviewer, it.Code, 1); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("publish out of scope: %v", err)
	}
	if err := f.st.Publish(f.ctx, f.cityReviewer, it.Code, 2); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("publish a stale edition: %v", err)
	}
}

// TestPublishWarningNeedsReason: a warning refuses a publish without a
// reason for its rule; with one (trimmed, at most catalog.MaxOverrideRunes)
// the edition is published and the reason is kept in the edition and in
// the change-log entry of the publish.
func TestPublishWarningNeedsReason(t *testing.T) {
	f := newWorkflowFixture(t)
	it := wfGuide("WF-WARN")
	it.Location = "汉滨区兴安中路" // names no hall or window: quality rule 12
	it.Hours = ""           // quality rule 1
	f.submitted(t, it)

	refused := func(overrides map[string]string, fields ...string) {
		t.Helper()
		err := f.st.PublishWith(f.ctx, f.cityReviewer, it.Code, 1, overrides)
		var r *catalog.PublishRefusal
		if !errors.As(err, &r) || r.Blocked() {
			t.Fatalf("publish with %v: %v", overrides, err)
		}
		var got []string
		for _, e := range r.Overrides {
			got = append(got, e.Field)
		}
		if !reflect.DeepEqual(got, fields) {
			t.Fatalf("publish with %v: errors on %v, want %v", overrides, got, fields)
		}
		if rules := catalog.WarningRules(r.Checks); !reflect.DeepEqual(rules, []string{catalog.CheckIncomplete, catalog.CheckLocation}) {
			t.Fatalf("warning rules %v", rules)
		}
	}
	refused(nil, "overrides.incomplete", "overrides.location")
	refused(map[string]string{catalog.CheckLocation: "窗口调整中"}, "overrides.incomplete")
	long := strings.Repeat("因", catalog.MaxOverrideRunes+1)
	refused(map[string]string{catalog.CheckLocation: long, catalog.CheckIncomplete: "同大厅"}, "overrides.location")
	refused(map[string]string{catalog.CheckLocation: "x", catalog.CheckIncomplete: "y", catalog.CheckMissing: "z"}, "overrides.missing")
	if got := f.states(t, it.Code); got != "1:submitted" {
		t.Fatalf("editions after the refusals: %s", got)
	}

	reasons := map[string]string{
		catalog.CheckLocation:   "  大厅窗口调整中，新窗口号下周公布  ",
		catalog.CheckIncomplete: strings.Repeat("时", catalog.MaxOverrideRunes),
	}
	if err := f.st.PublishWith(f.ctx, f.cityReviewer, it.Code, 1, reasons); err != nil {
		t.Fatalf("publish with reasons: %v", err)
	}
	want := map[string]string{catalog.CheckLocation: "大厅窗口调整中，新窗口号下周公布", catalog.CheckIncomplete: reasons[catalog.CheckIncomplete]}
	eds, err := f.st.Editions(f.ctx, f.auditor, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(eds) != 1 || eds[0].State != catalog.StatePublished || !reflect.DeepEqual(eds[0].Overrides, want) {
		t.Fatalf("editions %+v", eds)
	}
	_, info, err := f.st.Edition(f.ctx, f.auditor, it.Code, 1)
	if err != nil || !reflect.DeepEqual(info.Overrides, want) {
		t.Fatalf("edition 1: %+v %v", info, err)
	}
	var pub *ChangeEntry
	for _, e := range f.logOf(t, it.Code) {
		if e.Action == OpPublish {
			pub = &e
		}
	}
	if pub == nil || pub.Edition != 1 || pub.UserName != "city-reviewer" {
		t.Fatalf("no publish in the change log: %+v", pub)
	}
	for _, line := range []string{"请审核", "放行“办理地点不具体”（location）：大厅窗口调整中，新窗口号下周公布",
		"放行“要素不齐全”（incomplete）：" + want[catalog.CheckIncomplete]} {
		if !strings.Contains(pub.Detail, line) {
			t.Errorf("the publish's change-log detail %q lacks %q", pub.Detail, line)
		}
	}
	if n := utf8.RuneCountInString(pub.Detail); n < catalog.MaxOverrideRunes {
		t.Errorf("detail clipped to %d characters", n)
	}

	// A later edition without warnings needs no reason and keeps none;
	// the first keeps its own.
	g := wfGuide(it.Code)
	if _, err := f.st.SaveDraft(f.ctx, f.editor, it.Code, 1, g, "补全"); err != nil {
		t.Fatal(err)
	}
	f.publish(t, it.Code, 2)
	eds, err = f.st.Editions(f.ctx, f.auditor, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(eds) != 2 || eds[0].Overrides != nil || !reflect.DeepEqual(eds[1].Overrides, want) {
		t.Fatalf("editions %+v", eds)
	}
}
