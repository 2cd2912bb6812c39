package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// Entries of the bundle tests.
const (
	bE1 = "B00000000001"
	bE2 = "B00000000002"
	bE3 = "B00000000003"
)

func bundleEntryRecord(line int, code string) catalog.Record {
	return catalog.Record{File: "e.jsonl", Line: line, Kind: catalog.KindEntry,
		Entry: &catalog.Entry{BaseCode: code, Name: "事项" + code, Type: catalog.Types[0]}}
}

func testBundle(code string) *catalog.Bundle {
	return &catalog.Bundle{Code: code, Name: "出生一件事", AskPhrases: []string{"生孩子"},
		Steps: []catalog.BundleStep{{BaseCode: bE1, Stage: 1}, {BaseCode: bE2, Stage: 1}, {BaseCode: bE3, Or: nil, Stage: 2}}}
}

// bundleFixture is the workflow fixture with the three entries and a
// bundle editor.
func bundleFixture(t *testing.T) (*wfFixture, Actor) {
	t.Helper()
	f := newWorkflowFixture(t)
	mustImport(t, f.st, catalog.Decoded{Records: []catalog.Record{
		bundleEntryRecord(1, bE1), bundleEntryRecord(2, bE2), bundleEntryRecord(3, bE3)}})
	return f, Actor{User: &catalog.User{ID: 9, Name: "bundler", Role: catalog.RoleBundle}, Remote: "10.0.0.9"}
}

func (f *wfFixture) bundleStates(t *testing.T, code string) string {
	t.Helper()
	eds, err := f.st.BundleEditions(f.ctx, f.admin, code)
	if err != nil {
		t.Fatal(err)
	}
	return joinEach(eds, func(e EditionInfo) string { return fmt.Sprintf("%d:%s", e.Number, e.State) })
}

// joinEach joins what each element of list is, spaced.
func joinEach[T any](list []T, each func(T) string) string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = each(e)
	}
	return strings.Join(out, " ")
}

func TestBundleWorkflow(t *testing.T) {
	f, bundler := bundleFixture(t)
	ctx, st := f.ctx, f.st
	// An item in 610902, so that the city's reviewer covers the whole
	// catalogue and 汉阴's does not.
	f.create(t, wfGuide("WF-B"))

	for _, a := range []Actor{f.anonymous, f.editor, f.auditor, f.hanyinReviewer, f.cityReviewer} {
		if _, err := st.SaveBundle(ctx, a, "birth", 0, testBundle("birth"), ""); !errors.Is(err, catalog.ErrForbidden) {
			t.Errorf("save as %v: %v, want forbidden", a.User, err)
		}
	}
	// Invalid: an unknown entry, another code.
	bad := testBundle("other")
	bad.Steps[0].BaseCode = "B00000000009"
	_, err := st.SaveBundle(ctx, bundler, "birth", 0, bad, "")
	var ve *catalog.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, catalog.ErrInvalid) || !hasFieldError(ve.Errors, "code") ||
		!hasFieldError(ve.Errors, "steps[0].base_code") {
		t.Fatalf("invalid bundle: %v", err)
	}

	seq0 := f.seq(t)
	if n, err := st.SaveBundle(ctx, bundler, "birth", 0, testBundle("birth"), "新建"); err != nil || n != 1 {
		t.Fatalf("create: %d %v", n, err)
	}
	if v, err := st.BundlesVersion(ctx); err != nil || v != seq0+1 || f.seq(t) != v {
		t.Fatalf("bundles version %d %v, want %d", v, err, seq0+1)
	}
	if _, err := st.SaveBundle(ctx, bundler, "birth", 0, testBundle("birth"), ""); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("create twice: %v", err)
	}
	if _, err := st.PublishedBundle(ctx, "birth"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("published before publishing: %v", err)
	}
	// The author's own draft is replaced in place.
	b := testBundle("birth")
	b.Name = "新生儿出生一件事"
	if n, err := st.SaveBundle(ctx, bundler, "birth", 1, b, ""); err != nil || n != 2 {
		t.Fatalf("save: %d %v", n, err)
	}
	if got := f.bundleStates(t, "birth"); got != "2:draft" {
		t.Fatalf("states %q", got)
	}
	if _, err := st.SaveBundle(ctx, bundler, "birth", 1, b, ""); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("stale base: %v", err)
	}
	if err := st.PublishBundle(ctx, f.cityReviewer, "birth", 2); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("publish a draft: %v", err)
	}
	if err := st.SubmitBundle(ctx, f.editor, "birth", 2, ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("submit as an item editor: %v", err)
	}
	if err := st.SubmitBundle(ctx, bundler, "birth", 2, "请审核"); err != nil {
		t.Fatal(err)
	}
	// Queues: the city's reviewer sees it, 汉阴's may not review bundles.
	q, err := st.BundleQueue(ctx, f.cityReviewer)
	if err != nil || len(q) != 1 || q[0].Code != "birth" || q[0].Name != "新生儿出生一件事" || q[0].State != catalog.StateSubmitted {
		t.Fatalf("city queue: %+v %v", q, err)
	}
	if _, err := st.BundleQueue(ctx, f.hanyinReviewer); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("county queue: %v", err)
	}
	if q, err := st.BundleQueue(ctx, bundler); err != nil || len(q) != 1 {
		t.Fatalf("bundle editor's queue: %+v %v", q, err)
	}
	if err := st.PublishBundle(ctx, f.hanyinReviewer, "birth", 2); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("publish as a county reviewer: %v", err)
	}
	if err := st.PublishBundle(ctx, bundler, "birth", 2); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("publish as the bundle editor: %v", err)
	}
	if err := st.PublishBundle(ctx, f.cityReviewer, "birth", 2); err != nil {
		t.Fatal(err)
	}
	p, err := st.PublishedBundle(ctx, "birth")
	if err != nil || p.Edition != 2 || p.Name != "新生儿出生一件事" || len(p.Steps) != 3 || p.UpdatedAt.IsZero() {
		t.Fatalf("published: %+v %v", p, err)
	}
	if v, _ := st.BundlesVersion(ctx); v != f.seq(t) {
		t.Fatalf("bundles version %d, sequence %d", v, f.seq(t))
	}

	// Another round, rejected.
	b.Description = "修订"
	if n, err := st.SaveBundle(ctx, bundler, "birth", 2, b, "修订说明"); err != nil || n != 3 {
		t.Fatalf("save after publishing: %d %v", n, err)
	}
	if err := st.SubmitBundle(ctx, bundler, "birth", 3, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.RejectBundle(ctx, f.reviewer, "birth", 3, " "); !errors.As(err, &ve) || !hasFieldError(ve.Errors, "reason") {
		t.Fatalf("reject without a reason: %v", err)
	}
	if err := st.RejectBundle(ctx, f.reviewer, "birth", 3, "说明不清"); err != nil {
		t.Fatal(err)
	}
	if got := f.bundleStates(t, "birth"); got != "3:rejected 2:published" {
		t.Fatalf("states %q", got)
	}
	w, err := st.BundleDraft(ctx, bundler, "birth")
	if err != nil || w.Edition != 3 || w.State != catalog.StateRejected || w.Reason != "说明不清" || w.Published != 2 ||
		w.Description != "修订" || w.Note != "修订说明" {
		t.Fatalf("draft: %+v %v", w, err)
	}
	if p, _ := st.PublishedBundle(ctx, "birth"); p.Edition != 2 || p.Description != "" {
		t.Fatalf("published after reject: %+v", p)
	}
	// A save over the rejected edition supersedes it.
	if n, err := st.SaveBundle(ctx, bundler, "birth", 3, b, ""); err != nil || n != 4 {
		t.Fatalf("save over rejected: %d %v", n, err)
	}
	if got := f.bundleStates(t, "birth"); got != "4:draft 3:superseded 2:published" {
		t.Fatalf("states %q", got)
	}
	if got, info, err := st.BundleEdition(ctx, f.auditor, "birth", 2); err != nil || got.Name != "新生儿出生一件事" || info.Reviewer != "city-reviewer" {
		t.Fatalf("edition 2: %+v %+v %v", got, info, err)
	}
	if _, err := st.BundleEditions(ctx, f.editor, "birth"); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("editions as an item editor: %v", err)
	}
	if _, err := st.BundleDraft(ctx, bundler, "nobody"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("draft of no bundle: %v", err)
	}
	// The change log.
	log, err := st.ChangeLog(ctx, ChangeFilter{Item: "birth"})
	if err != nil {
		t.Fatal(err)
	}
	ops := joinEach(log, func(e ChangeEntry) string { return fmt.Sprintf("%s:%d", e.Action, e.Edition) })
	want := "bundle_save:4 bundle_reject:3 bundle_submit:3 bundle_save:3 bundle_publish:2 bundle_submit:2 bundle_save:2 bundle_create:1"
	if ops != want {
		t.Fatalf("change log %v", ops)
	}
	all, err := st.PublishedBundles(ctx)
	if err != nil || len(all) != 1 || all[0].Code != "birth" {
		t.Fatalf("published bundles: %+v %v", all, err)
	}
}

func TestReviewsWholeCatalogue(t *testing.T) {
	f := newWorkflowFixture(t)
	province := &catalog.User{Role: catalog.RoleReviewer, Region: "610000"}
	check := func(when string, u *catalog.User, want bool) {
		t.Helper()
		if got, err := f.st.ReviewsWholeCatalogue(f.ctx, u); err != nil || got != want {
			t.Errorf("%s: %s reviewer: %v %v, want %v", when, u.Region, got, err, want)
		}
	}
	// No items: only the root of the region tree.
	check("empty", f.cityReviewer.User, false)
	check("empty", province, true)
	check("empty", f.reviewer.User, true)
	f.create(t, wfGuide("WF-C")) // in 610902
	check("items in 610902", f.cityReviewer.User, true)
	check("items in 610902", f.hanyinReviewer.User, false)
	check("items in 610902", province, true)
	if ok, _ := f.st.ReviewsWholeCatalogue(f.ctx, f.editor.User); ok {
		t.Error("an editor reviews the catalogue")
	}
}

func TestImportBundles(t *testing.T) {
	st, _ := openTestStore(t)
	ctx := t.Context()
	rec := func(line int, b *catalog.Bundle) catalog.Record {
		return catalog.Record{File: "b.jsonl", Line: line, Kind: catalog.KindBundle, Bundle: b}
	}
	// New, with its entries in the same input (after it).
	in := catalog.Decoded{Records: []catalog.Record{rec(1, testBundle("birth")),
		bundleEntryRecord(2, bE1), bundleEntryRecord(3, bE2), bundleEntryRecord(4, bE3)}}
	res := mustImport(t, st, in)
	if res.Bundles != 1 || res.Entries != 3 {
		t.Fatalf("first import: %+v", res)
	}
	p, err := st.PublishedBundle(ctx, "birth")
	if err != nil || p.Edition != 1 || p.Name != "出生一件事" {
		t.Fatalf("published: %+v %v", p, err)
	}
	seq := mustSeq(t, st)
	// Unchanged: no new edition, no new sequence value.
	res = mustImport(t, st, catalog.Decoded{Records: []catalog.Record{rec(1, testBundle("birth"))}})
	if res.Bundles != 0 || mustSeq(t, st) != seq {
		t.Fatalf("unchanged import: %+v", res)
	}
	// Changed: a new published edition, the old one superseded.
	b := testBundle("birth")
	b.Name = "新生儿出生一件事"
	res = mustImport(t, st, catalog.Decoded{Records: []catalog.Record{rec(1, b), rec(2, testBundle("second"))}})
	if res.Bundles != 2 {
		t.Fatalf("changed import: %+v", res)
	}
	if p, err := st.PublishedBundle(ctx, "birth"); err != nil || p.Edition != 2 || p.Name != b.Name {
		t.Fatalf("published after change: %+v %v", p, err)
	}
	admin := Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}
	eds, err := st.BundleEditions(ctx, admin, "birth")
	if err != nil || len(eds) != 2 || eds[0].State != catalog.StatePublished || eds[1].State != catalog.StateSuperseded ||
		eds[0].Author != "import" {
		t.Fatalf("editions: %+v %v", eds, err)
	}
	var codes []string
	if err := st.EachPublishedBundle(ctx, func(p *catalog.PublishedBundle) error {
		codes = append(codes, p.Code)
		return nil
	}); err != nil || !slices.Equal(codes, []string{"birth", "second"}) {
		t.Fatalf("each published bundle: %v %v", codes, err)
	}
	log, err := st.ChangeLog(ctx, ChangeFilter{Limit: 1})
	if err != nil || len(log) != 1 || !strings.Contains(log[0].Detail, fmt.Sprintf(MsgImportBundlesDetail, 2)) {
		t.Fatalf("change log: %+v %v", log, err)
	}

	// Invalid: an unknown entry on line 3, a code twice; nothing written.
	bad := testBundle("third")
	bad.Steps[1].BaseCode = "B00000000009"
	res, err = st.Import(ctx, catalog.Decoded{Records: []catalog.Record{rec(1, testBundle("fourth")), rec(2, testBundle("fourth")), rec(3, bad)}}, ImportOptions{})
	if !errors.Is(err, ErrRejected) || res.Rejected != 2 || len(res.Problems) != 2 {
		t.Fatalf("invalid import: %+v %v", res, err)
	}
	if p := res.Problems[0]; p.Line != 2 || p.Field != "code" || p.Code != "fourth" {
		t.Errorf("duplicate: %+v", p)
	}
	if p := res.Problems[1]; p.File != "b.jsonl" || p.Line != 3 || p.Field != "steps[1].base_code" || p.Code != "third" ||
		!strings.Contains(p.Message, "B00000000009") {
		t.Errorf("unknown entry: %+v", p)
	}
	if _, err := st.PublishedBundle(ctx, "fourth"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("rejected import wrote: %v", err)
	}
	// SkipInvalid keeps the valid ones.
	res, err = st.Import(ctx, catalog.Decoded{Records: []catalog.Record{rec(1, testBundle("fourth")), rec(3, bad)}}, ImportOptions{SkipInvalid: true})
	if err != nil || res.Bundles != 1 || res.Rejected != 1 {
		t.Fatalf("skip invalid: %+v %v", res, err)
	}
}

func mustSeq(t *testing.T, st *Store) int64 {
	t.Helper()
	v, err := st.Seq(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestResolveBundle(t *testing.T) {
	st, _ := openTestStore(t)
	ctx := t.Context()
	item := func(code, base, region, dept string) *catalog.Item {
		it := catalogtest.CompleteGuide()
		it.Code, it.BaseCode, it.Region, it.Department = code, base, region, dept
		return it
	}
	d := catalogtest.ItemRecords(
		item("X1", bE1, "610902", catalogtest.Department),
		item("X2", bE1, "610900", "安康市公安局"),
		item("X3", bE2, "610900", "安康市公安局"),
		item("X0", bE2, "610900", "安康市民政局"), // a second city item of bE2: the smaller code wins
	)
	d.Records = append(d.Records, bundleEntryRecord(10, bE1), bundleEntryRecord(11, bE2), bundleEntryRecord(12, bE3))
	mustImport(t, st, d)
	b := testBundle("birth")
	b.Steps = append(b.Steps, catalog.BundleStep{BaseCode: "B00000000004", Or: []string{bE2}, Stage: 3})
	codes := func(region string) string {
		t.Helper()
		ms, err := st.ResolveBundle(ctx, b, region)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, m := range ms {
			if m.Step.BaseCode != b.Steps[i].BaseCode {
				t.Fatalf("member %d is step %+v", i, m.Step)
			}
			if m.Item == nil {
				out = append(out, "-")
			} else {
				out = append(out, m.Item.Code)
			}
		}
		return strings.Join(out, " ")
	}
	if got := codes("610902"); got != "X1 X0 - X0" {
		t.Errorf("汉滨区: %s", got)
	}
	if got := codes("610921"); got != "X2 X0 - X0" {
		t.Errorf("汉阴县: %s", got)
	}
	if got := codes("610000"); got != "- - - -" {
		t.Errorf("陕西省: %s", got)
	}
	if _, err := st.ResolveBundle(ctx, b, "999999"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("unknown region: %v", err)
	}
	ms, _ := st.ResolveBundle(ctx, b, "610902")
	if days, complete := catalog.CriticalPath(ms); complete || days < 0 {
		t.Errorf("critical path with a missing item: %d %v", days, complete)
	}
}

// TestBundlesAreBounded: an import or a new bundle beyond catalog.MaxBundles
// is refused with the limit named, and nothing is written.
func TestBundlesAreBounded(t *testing.T) {
	st, _ := openTestStore(t)
	ctx := t.Context()
	entries := []catalog.Record{bundleEntryRecord(1, bE1), bundleEntryRecord(2, bE2), bundleEntryRecord(3, bE3)}
	mustImport(t, st, catalog.Decoded{Records: entries})
	many := func(from, n int) catalog.Decoded {
		var d catalog.Decoded
		for i := range n {
			d.Records = append(d.Records, catalog.Record{File: "b.jsonl", Line: i + 1, Kind: catalog.KindBundle,
				Bundle: testBundle(fmt.Sprintf("b%04d", from+i))})
		}
		return d
	}
	if _, err := st.Import(ctx, many(0, catalog.MaxBundles+1), ImportOptions{}); err == nil ||
		!strings.Contains(err.Error(), fmt.Sprintf(catalog.MsgTooManyBundles, catalog.MaxBundles)) {
		t.Fatalf("import of MaxBundles+1 bundles: %v", err)
	}
	if n, err := st.BundlesVersion(ctx); err != nil || n != 0 {
		t.Fatalf("after the refused import: version %d %v", n, err)
	}
	res := mustImport(t, st, many(0, catalog.MaxBundles))
	if res.Bundles != catalog.MaxBundles {
		t.Fatalf("import of MaxBundles bundles: %+v", res)
	}
	// Re-importing known bundles adds none: allowed at the limit.
	mustImport(t, st, many(0, 2))
	admin := Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}
	_, err := st.SaveBundle(ctx, admin, "one-more", 0, testBundle("one-more"), "")
	var verr *catalog.ValidationError
	if !errors.As(err, &verr) || verr.Errors[0].Field != "code" {
		t.Fatalf("a new bundle beyond the limit: %v", err)
	}
}
