package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
)

// feedLine is a published change as "kind code edition".
func feedLine(e FeedEntry) string { return fmt.Sprintf("%s %s %d", e.Kind, e.Code, e.Edition) }

// feedSince returns the published changes after since as feedLines.
func (f *wfFixture) feedSince(t *testing.T, since int64) []string {
	t.Helper()
	es, err := f.st.PublishedChanges(f.ctx, since, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	last := since
	for _, e := range es {
		if e.Seq <= last {
			t.Fatalf("change %v after seq %d: not in sequence order", e, last)
		}
		last = e.Seq
		out = append(out, feedLine(e))
	}
	return out
}

// The feed records publications and withdrawals, in order, and nothing
// else: drafts, submits and rejects are not published changes.
func TestFeedRecordsPublishedChangesOnly(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	start := f.seq(t)
	f.create(t, wfGuide("FEED-1"))
	if got := f.feedSince(t, start); len(got) != 0 {
		t.Fatalf("a draft is in the feed: %v", got)
	}
	f.publish(t, "FEED-1", 1)
	afterFirst := f.seq(t)
	if n, err := st.SaveDraft(ctx, f.editor, "FEED-1", 1, revisedGuide("FEED-1"), ""); err != nil || n != 2 {
		t.Fatalf("save: %d %v", n, err)
	}
	if err := st.Submit(ctx, f.editor, "FEED-1", 2, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Reject(ctx, f.cityReviewer, "FEED-1", 2, "再改改"); err != nil {
		t.Fatal(err)
	}
	if got := f.feedSince(t, afterFirst); len(got) != 0 {
		t.Fatalf("save, submit and reject are in the feed: %v", got)
	}
	if _, err := st.SaveDraft(ctx, f.editor, "FEED-1", 2, revisedGuide("FEED-1"), ""); err != nil {
		t.Fatal(err)
	}
	f.publish(t, "FEED-1", 3)
	if err := st.Withdraw(ctx, f.cityReviewer, "FEED-1", "事项已取消"); err != nil {
		t.Fatal(err)
	}
	// Publishing again: an unchanged copy of the withdrawn edition is a
	// new draft.
	p3, _, err := st.Edition(ctx, f.admin, "FEED-1", 3)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.SaveDraft(ctx, f.editor, "FEED-1", 3, p3, ""); err != nil || n != 4 {
		t.Fatalf("save the withdrawn edition again: %d %v", n, err)
	}
	f.publish(t, "FEED-1", 4)
	want := []string{"created FEED-1 1", "updated FEED-1 3", "withdrawn FEED-1 0", "created FEED-1 4"}
	if got := f.feedSince(t, start); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("feed:\n got %v\nwant %v", got, want)
	}
	if got := f.states(t, "FEED-1"); got != "4:published 3:withdrawn 2:superseded 1:superseded" {
		t.Fatalf("states: %s", got)
	}
	// The feed's values are those the writes stamped: the last is the
	// sequence's current value.
	es, err := st.PublishedChanges(ctx, start, 0)
	if err != nil {
		t.Fatal(err)
	}
	if last := es[len(es)-1].Seq; last != f.seq(t) {
		t.Fatalf("last change %d, sequence %d", last, f.seq(t))
	}
	// limit pages.
	page, err := st.PublishedChanges(ctx, start, 2)
	if err != nil || len(page) != 2 || page[1].Seq != es[1].Seq {
		t.Fatalf("page of 2: %v %v", page, err)
	}
	docs, err := st.PublishedChangeDocuments(ctx, start, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		if d.FeedEntry != es[i] {
			t.Fatalf("documents' entry %d: %v, feed %v", i, d.FeedEntry, es[i])
		}
		if (d.Item == nil) != (d.Kind == FeedWithdrawn) || d.Item != nil && d.Item.Code != "FEED-1" {
			t.Fatalf("change %v: item %v", d.FeedEntry, d.Item)
		}
	}
}

// Withdrawing takes the item out of everything public and is refused
// where publishing would be.
func TestWithdraw(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	f.createPublished(t, "WD-1")
	f.create(t, wfGuide("WD-2"))
	for _, a := range []Actor{f.anonymous, f.editor, f.auditor, f.hanyinReviewer} {
		if err := st.Withdraw(ctx, a, "WD-1", "取消"); !errors.Is(err, catalog.ErrForbidden) {
			t.Errorf("%v withdraws: %v", a.User, err)
		}
	}
	if err := st.Withdraw(ctx, f.cityReviewer, "WD-2", "取消"); !errors.Is(err, ErrNotPublished) {
		t.Errorf("withdraw an unpublished item: %v", err)
	}
	if err := st.Withdraw(ctx, f.cityReviewer, "NO-SUCH", "取消"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("withdraw an unknown item: %v", err)
	}
	for _, reason := range []string{"", "  ", strings.Repeat("长", catalog.MaxNoteLen+1)} {
		var verr *catalog.ValidationError
		if err := st.Withdraw(ctx, f.cityReviewer, "WD-1", reason); !errors.As(err, &verr) || verr.Errors[0].Field != "reason" {
			t.Errorf("reason %.10q: %v", reason, err)
		}
	}
	if _, err := st.Published(ctx, "WD-1"); err != nil {
		t.Fatalf("refused withdrawals changed the item: %v", err)
	}
	covered := func(at time.Time) int {
		t.Helper()
		cs, err := st.CoverageCounts(ctx, ByRegion, at)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range cs {
			n += c.Items
		}
		return n
	}
	before, audits := f.seq(t), f.auditCount(t)
	beforeWithdrawal := st.Now()
	if n := covered(beforeWithdrawal); n != 1 {
		t.Fatalf("coverage counts %d items before the withdrawal", n)
	}
	if err := st.Withdraw(ctx, f.cityReviewer, "WD-1", "事项已取消"); err != nil {
		t.Fatal(err)
	}
	// Coverage now leaves it out; as of a time before, it counts it.
	if now, was := covered(st.Now()), covered(beforeWithdrawal); now != 0 || was != 1 {
		t.Fatalf("coverage after the withdrawal %d, as of before it %d", now, was)
	}
	if f.seq(t) != before+1 || f.auditCount(t) != audits+1 {
		t.Fatalf("sequence %d → %d, change log %d → %d", before, f.seq(t), audits, f.auditCount(t))
	}
	if _, err := st.Published(ctx, "WD-1"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("a withdrawn item is public: %v", err)
	}
	if row := f.itemRow(t, "WD-1"); row.Published != 0 || row.Seq != before+1 {
		t.Fatalf("item row %+v", row)
	}
	ch, err := st.ChangesSince(ctx, before, 10)
	if err != nil || len(ch) != 1 || ch[0].Code != "WD-1" {
		t.Fatalf("the index's changes: %v %v", ch, err)
	}
	log, err := st.ChangeLog(ctx, ChangeFilter{Item: "WD-1", Limit: 1})
	if err != nil || log[0].Action != OpWithdraw || log[0].Detail != "事项已取消" || log[0].Edition != 1 {
		t.Fatalf("change log %+v %v", log, err)
	}
	if err := st.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
		if p.Code == "WD-1" {
			t.Errorf("a withdrawn item is exported")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Withdraw(ctx, f.cityReviewer, "WD-1", "再次"); !errors.Is(err, ErrNotPublished) {
		t.Errorf("withdraw twice: %v", err)
	}
}

// An import's new published editions are in the feed: created for a new
// item or one without a published edition, updated for another.
func TestFeedRecordsImports(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	f.createPublished(t, "IMP-1")
	f.createPublished(t, "IMP-2")
	if err := st.Withdraw(ctx, f.cityReviewer, "IMP-2", "取消"); err != nil {
		t.Fatal(err)
	}
	start := f.seq(t)
	var d catalog.Decoded
	for i, it := range []*catalog.Item{revisedGuide("IMP-1"), wfGuide("IMP-2"), wfGuide("IMP-3")} {
		d.Records = append(d.Records, catalog.Record{File: "i.jsonl", Line: i + 1, Kind: catalog.KindItem, Item: it})
	}
	mustImport(t, st, d)
	want := []string{"updated IMP-1 2", "created IMP-2 2", "created IMP-3 1"}
	if got := f.feedSince(t, start); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("feed:\n got %v\nwant %v", got, want)
	}
	es, _ := st.PublishedChanges(ctx, start, 0)
	for _, e := range es {
		if p, err := st.Published(ctx, e.Code); err != nil || p.Seq != e.Seq || p.Edition != e.Edition {
			t.Errorf("change %+v, item %+v %v", e, p, err)
		}
	}
}

// Migration 8 enters every item published before it as created, at its
// last write's sequence value, and no other.
func TestFeedMigrationEntersPublishedItems(t *testing.T) {
	f := newWorkflowFixture(t)
	ctx, st := f.ctx, f.st
	f.createPublished(t, "MIG-1")
	f.createPublished(t, "MIG-2")
	f.create(t, wfGuide("MIG-DRAFT"))
	if _, err := st.SaveDraft(ctx, f.editor, "MIG-2", 1, revisedGuide("MIG-2"), ""); err != nil {
		t.Fatal(err)
	}
	// The store as version 7 left it.
	for _, q := range []string{`DROP TABLE item_feed`, `DELETE FROM schema_migrations WHERE version = 8`} {
		if err := st.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(st.db); err != nil {
		t.Fatal(err)
	}
	es, err := st.PublishedChanges(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		row := f.itemRow(t, e.Code)
		if e.Seq != row.Seq {
			t.Errorf("%s entered at %d, its last write %d", e.Code, e.Seq, row.Seq)
		}
		got = append(got, feedLine(e))
	}
	if want := "created MIG-1 1|created MIG-2 1"; strings.Join(got, "|") != want {
		t.Fatalf("feed after the migration: %v, want %s", got, want)
	}
}
