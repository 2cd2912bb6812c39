package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
)

// feedFixture is a server of its own over the seed catalogue: the change
// feed tests edit it (the shared fixture must not take their edits).
type feedFixture struct {
	srv *Server
	st  *store.Store
	ix  *search.Index
	cat *seeds.Catalogue
	ctx context.Context
}

func newFeedFixture(t *testing.T) *feedFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, _ := openStore(t, dir)
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, cat.Records(), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, nu := range testUsers {
		if _, err := st.AddUser(ctx, nu); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := search.Open(ctx, dir, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	srv, err := New(ctx, st, ix, Options{HomeRegion: seeds.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	return &feedFixture{srv: srv, st: st, ix: ix, cat: cat, ctx: ctx}
}

// feedPage is an answer of GET /api/v1/changes.
type feedPage struct {
	Changes []store.FeedEntry `json:"changes"`
	Next    *int64            `json:"next"`
}

// getFeed GETs the change feed at target and fails the test unless it
// answers 200 with a next.
func getFeed(t *testing.T, h http.Handler, target string) feedPage {
	t.Helper()
	return parseFeed(t, target, get(t, h, target))
}

// parseFeed reads the answer r of GET target of the change feed and
// fails the test unless it is 200 with a next.
func parseFeed(t *testing.T, target string, r response) feedPage {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, r.status, r.body)
	}
	var p feedPage
	if err := json.Unmarshal([]byte(r.body), &p); err != nil || p.Next == nil || p.Changes == nil {
		t.Fatalf("GET %s: %v\n%.500s", target, err, r.body)
	}
	return p
}

// follower keeps a copy of a server's published catalogue in a store of
// its own, from the change feed alone.
type follower struct {
	st    *store.Store
	since int64
	pages int
}

// followerActor withdraws items in the follower's store.
var followerActor = store.Actor{User: &catalog.User{Name: "follower", Role: catalog.RoleAdmin}}

// sync applies the feed of src after fl.since, limit changes a page,
// until a page is empty.
func (fl *follower) sync(t *testing.T, src http.Handler, limit int) {
	t.Helper()
	for {
		p := getFeed(t, src, fmt.Sprintf("/api/v1/changes?since=%d&limit=%d", fl.since, limit))
		if len(p.Changes) > limit {
			t.Fatalf("%d changes, limit %d", len(p.Changes), limit)
		}
		if len(p.Changes) == 0 {
			if *p.Next != fl.since {
				t.Fatalf("empty page after %d says next %d", fl.since, *p.Next)
			}
			return
		}
		if last := p.Changes[len(p.Changes)-1].Seq; *p.Next != last {
			t.Fatalf("next %d, last change %d", *p.Next, last)
		}
		fl.apply(t, src, p.Changes)
		fl.since = *p.Next
		fl.pages++
	}
}

// apply applies a page of changes in order: a created or updated item's
// published document (as GET /api/v1/items/{code} answers it now) is
// imported, a withdrawn item withdrawn. Runs of documents import
// together.
func (fl *follower) apply(t *testing.T, src http.Handler, changes []store.FeedEntry) {
	t.Helper()
	ctx := context.Background()
	var batch catalog.Decoded
	at := map[string]int{}
	flush := func() {
		if len(batch.Records) == 0 {
			return
		}
		res, err := fl.st.Import(ctx, batch, store.ImportOptions{Author: "follower"})
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("follower import: %v %+v", err, res)
		}
		batch, at = catalog.Decoded{}, map[string]int{}
	}
	last := fl.since
	for _, c := range changes {
		if c.Seq <= last {
			t.Fatalf("change %+v after %d: out of order", c, last)
		}
		last = c.Seq
		switch c.Kind {
		case store.FeedCreated, store.FeedUpdated:
			if c.Edition < 1 {
				t.Fatalf("change %+v has no edition", c)
			}
			r := get(t, src, "/api/v1/items/"+url.PathEscape(c.Code))
			if r.status == http.StatusNotFound {
				continue // withdrawn since: a later change says so
			}
			if r.status != http.StatusOK {
				t.Fatalf("GET item %s: %d", c.Code, r.status)
			}
			var it catalog.Item
			if err := json.Unmarshal([]byte(r.body), &it); err != nil {
				t.Fatal(err)
			}
			if i, ok := at[c.Code]; ok {
				batch.Records[i].Item = &it
				continue
			}
			at[c.Code] = len(batch.Records)
			batch.Records = append(batch.Records, catalog.Record{Kind: catalog.KindItem, Item: &it, Line: len(batch.Records) + 1})
		case store.FeedWithdrawn:
			if c.Edition != 0 {
				t.Fatalf("withdrawal %+v names an edition", c)
			}
			flush()
			err := fl.st.Withdraw(ctx, followerActor, c.Code, "源目录已下架")
			// Never copied (published and withdrawn between two syncs):
			// nothing to withdraw.
			if err != nil && !errors.Is(err, store.ErrNotPublished) && !errors.Is(err, catalog.ErrNotFound) {
				t.Fatalf("follower withdraws %s: %v", c.Code, err)
			}
		default:
			t.Fatalf("change %+v: unknown kind", c)
		}
	}
	flush()
}

// exportJSONL is `zhinan export` of st: the whole published catalogue as
// JSON Lines.
func exportJSONL(t *testing.T, st *store.Store) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := interchange.Export(context.Background(), &b, "jsonl", st, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// referenceRecords are the records of a JSON Lines export that are not
// items: regions, departments, catalogue entries and bundles, which the
// change feed (of items) does not carry.
func referenceRecords(t *testing.T, export string) catalog.Decoded {
	t.Helper()
	d := interchange.DecodeJSONL(strings.NewReader(export), "export.jsonl")
	if len(d.Problems) > 0 {
		t.Fatalf("export does not decode: %v", d.Problems)
	}
	d.Records = slices.DeleteFunc(d.Records, func(r catalog.Record) bool { return r.Kind == catalog.KindItem })
	return d
}

// editor is the random editor of TestChangeFeedReplay: it takes seeded
// random workflow steps on the store as an admin and counts what it did.
type editor struct {
	st      *store.Store
	rng     *rand.Rand
	codes   []string // the items it edits
	sources []catalog.Item
	created int
	done    map[string]int // steps taken, by name
}

var replayAdmin = store.Actor{User: &catalog.User{Name: "replay-admin", Role: catalog.RoleAdmin}}

// publish publishes the submitted edition n of code, giving a reason for
// every publishing-check warning; false when errors block it.
func (e *editor) publish(t *testing.T, ctx context.Context, code string, n int) bool {
	t.Helper()
	err := e.st.Publish(ctx, replayAdmin, code, n)
	var r *catalog.PublishRefusal
	if errors.As(err, &r) && !r.Blocked() {
		reasons := map[string]string{}
		for _, rule := range catalog.WarningRules(r.Checks) {
			reasons[rule] = "回放测试：已与部门核实，先行发布"
		}
		err = e.st.PublishWith(ctx, replayAdmin, code, n, reasons)
	}
	if errors.As(err, &r) && r.Blocked() {
		return false
	}
	if err != nil {
		t.Fatalf("publish %s edition %d: %v", code, n, err)
	}
	return true
}

// find returns an item of the editor's whose working edition ok
// accepts, looking from a random one on; "" when none is.
func (e *editor) find(t *testing.T, ctx context.Context, ok func(*store.Working) bool) (string, *store.Working) {
	t.Helper()
	off := e.rng.IntN(len(e.codes))
	for k := range e.codes {
		code := e.codes[(off+k)%len(e.codes)]
		w, err := e.st.Draft(ctx, replayAdmin, code)
		if err != nil {
			t.Fatal(err)
		}
		if ok(w) {
			return code, w
		}
	}
	return "", nil
}

// step takes one random step: create an item, or save a draft of a
// random item, or submit, publish, reject, withdraw or publish again a
// withdrawn one, on a random item whose state allows it (a step no item's
// state allows is a save).
func (e *editor) step(t *testing.T, ctx context.Context, i int) {
	t.Helper()
	op := e.rng.IntN(100)
	if op < 10 {
		src := e.sources[e.rng.IntN(len(e.sources))]
		it := src
		e.created++
		it.Code = fmt.Sprintf("ZN-FEED-%03d", e.created)
		if _, err := e.st.CreateItem(ctx, replayAdmin, &it, "回放测试新建"); err != nil {
			t.Fatalf("create %s: %v", it.Code, err)
		}
		e.codes = append(e.codes, it.Code)
		e.done["create"]++
		return
	}
	state := func(s string) func(*store.Working) bool {
		return func(w *store.Working) bool { return w.State == s }
	}
	var code string
	var w *store.Working
	switch {
	case op < 30:
	case op < 48:
		code, w = e.find(t, ctx, state(catalog.StateDraft))
		if code != "" {
			if err := e.st.Submit(ctx, replayAdmin, code, w.Edition, ""); err != nil {
				t.Fatalf("submit %s: %v", code, err)
			}
			e.done["submit"]++
			return
		}
	case op < 70:
		code, w = e.find(t, ctx, state(catalog.StateSubmitted))
		if code != "" {
			if e.publish(t, ctx, code, w.Edition) {
				e.done["publish"]++
			}
			return
		}
	case op < 80:
		code, w = e.find(t, ctx, state(catalog.StateSubmitted))
		if code != "" {
			if err := e.st.Reject(ctx, replayAdmin, code, w.Edition, "回放测试退回"); err != nil {
				t.Fatalf("reject %s: %v", code, err)
			}
			e.done["reject"]++
			return
		}
	case op < 90:
		code, _ = e.find(t, ctx, func(w *store.Working) bool { return w.Published > 0 })
		if code != "" {
			if err := e.st.Withdraw(ctx, replayAdmin, code, "回放测试下架"); err != nil {
				t.Fatalf("withdraw %s: %v", code, err)
			}
			e.done["withdraw"]++
			return
		}
	default:
		code, w = e.find(t, ctx, state(catalog.StateWithdrawn))
		if code != "" {
			// Publish it again as it was: its unchanged copy is a new
			// draft.
			n, err := e.st.SaveDraft(ctx, replayAdmin, code, w.Edition, &w.Item, "重新发布")
			if err != nil {
				t.Fatalf("save withdrawn %s: %v", code, err)
			}
			if err := e.st.Submit(ctx, replayAdmin, code, n, ""); err != nil {
				t.Fatalf("submit %s: %v", code, err)
			}
			if e.publish(t, ctx, code, n) {
				e.done["republish"]++
			}
			return
		}
	}
	code = e.codes[e.rng.IntN(len(e.codes))]
	w, err := e.st.Draft(ctx, replayAdmin, code)
	if err != nil {
		t.Fatal(err)
	}
	it := w.Item
	it.Conditions += fmt.Sprintf("（第%d步修订）", i)
	if _, err := e.st.SaveDraft(ctx, replayAdmin, code, w.Edition, &it, ""); err != nil {
		t.Fatalf("save %s: %v", code, err)
	}
	e.done["save"]++
}

// TestChangeFeedReplay is the acceptance test of the change feed: 200
// seeded random edits of a seed catalogue, and a follower that starts
// from an empty store and copies the published catalogue from the feed
// alone, a few changes a page, ends with the same `zhinan export`, byte
// for byte.
//
// The feed carries items. What they refer to — regions, departments,
// catalogue entries — and the bundles (一件事) are the follower's
// reference data: it loads them once, from a whole export's records that
// are not items, before its first sync.
func TestChangeFeedReplay(t *testing.T) {
	f := newFeedFixture(t)
	ctx := f.ctx
	fst, _ := openStore(t, t.TempDir())
	ref := referenceRecords(t, exportJSONL(t, f.st))
	if _, err := fst.Import(ctx, ref, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	fl := &follower{st: fst}
	start, err := f.st.Seq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The edits concentrate on a few dozen seed items, so that items go
	// through many steps.
	ed := &editor{st: f.st, rng: rand.New(rand.NewPCG(19, 3)), done: map[string]int{}}
	for _, i := range rand.New(rand.NewPCG(19, 4)).Perm(len(f.cat.Items))[:30] {
		ed.codes = append(ed.codes, f.cat.Items[i].Code)
		ed.sources = append(ed.sources, f.cat.Items[i])
	}
	const edits, limit = 200, 7
	for i := range edits {
		ed.step(t, ctx, i)
		if i%50 == 25 {
			fl.sync(t, f.srv, limit) // the follower syncs now and then meanwhile
		}
	}
	fl.sync(t, f.srv, limit)
	t.Logf("steps %v, follower pages %d", ed.done, fl.pages)
	for _, s := range []string{"create", "save", "submit", "publish", "reject", "withdraw", "republish"} {
		if ed.done[s] == 0 {
			t.Errorf("the edits never took the step %s: the replay proves less than it says", s)
		}
	}
	// Only publications and withdrawals are in the feed: one change per
	// such step, none for creates, saves, submits and rejects.
	var changes []store.FeedEntry
	for since := start; ; {
		p := getFeed(t, f.srv, fmt.Sprintf("/api/v1/changes?since=%d&limit=%d", since, maxFeedLimit))
		changes = append(changes, p.Changes...)
		if len(p.Changes) < maxFeedLimit {
			break
		}
		since = *p.Next
	}
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Kind]++
	}
	if kinds[store.FeedCreated]+kinds[store.FeedUpdated] != ed.done["publish"]+ed.done["republish"] ||
		kinds[store.FeedWithdrawn] != ed.done["withdraw"] {
		t.Errorf("feed since the edits began %v, steps %v", kinds, ed.done)
	}
	want, got := exportJSONL(t, f.st), exportJSONL(t, fst)
	if got != want {
		t.Fatalf("the follower's export differs from the source's:\n%s", firstDifference(want, got))
	}
	// Caught up, the follower's next sync finds nothing.
	before := fl.pages
	fl.sync(t, f.srv, limit)
	if fl.pages != before {
		t.Fatal("a caught-up follower found more changes")
	}
}

// firstDifference shows the first line where got differs from want.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d (of %d and %d):\nsource   %.300s\nfollower %.300s", i+1, len(w), len(g), a, b)
		}
	}
	return "no line differs"
}

// A request that waits answers as soon as a change is published, not
// when a draft is saved; one that finds nothing by the end of its wait
// answers an empty page.
func TestChangeFeedLongPoll(t *testing.T) {
	f := newFeedFixture(t)
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	editorToken, reviewerToken := mustLogin(t, f.srv, "editor-police"), mustLogin(t, f.srv, "reviewer-city")
	var it catalog.Item
	for _, x := range f.cat.Items {
		if x.Department == "市公安局" && x.Region == "610900" {
			it = x
			break
		}
	}
	head := func() int64 {
		seq, err := f.st.Seq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	// waitFor starts a request waiting for changes after since and
	// returns a function that reads its answer, once it waits.
	waitFor := func(t *testing.T, since int64) func() feedPage {
		target := fmt.Sprintf("/api/v1/changes?since=%d&wait=45s", since)
		ch := make(chan response, 1)
		before := f.srv.feed.waiters.Load()
		go func() { ch <- get(t, f.srv, target) }()
		for f.srv.feed.waiters.Load() == before {
			time.Sleep(time.Millisecond)
		}
		return func() feedPage { return parseFeed(t, target, <-ch) }
	}

	t.Run("PublishThroughTheAPI", func(t *testing.T) {
		editorC := &client{t: t, h: f.srv, token: editorToken}
		reviewer := &client{t: t, h: f.srv, token: reviewerToken}
		since := head()
		answer := waitFor(t, since)
		base := "/api/v1/items/" + it.Code
		doc := it
		doc.Conditions += "（长轮询测试）"
		body, _ := json.Marshal(doc)
		r := editorC.call(http.MethodPut, base+"/draft", string(body), map[string]string{"If-Match": "1"})
		if r.status != http.StatusOK {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		for _, step := range []struct {
			c    *client
			path string
		}{{editorC, "/submit"}, {reviewer, "/publish"}} {
			if r := step.c.call(http.MethodPost, base+step.path, "", nil); r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", step.path, r.status, r.body)
			}
		}
		p := answer()
		if len(p.Changes) != 1 || p.Changes[0].Code != it.Code || p.Changes[0].Kind != store.FeedUpdated ||
			p.Changes[0].Edition != 2 || *p.Next != p.Changes[0].Seq || p.Changes[0].Seq <= since {
			t.Fatalf("answer %+v next %d", p.Changes, *p.Next)
		}
	})
	t.Run("WriteOfAnotherProcess", func(t *testing.T) {
		// No notification: the server's watch of the sequence wakes it.
		go f.srv.Run(ctx)
		since := head()
		answer := waitFor(t, since)
		if err := f.st.Withdraw(ctx, replayAdmin, it.Code, "另一进程下架"); err != nil {
			t.Fatal(err)
		}
		p := answer()
		if len(p.Changes) != 1 || p.Changes[0].Kind != store.FeedWithdrawn || p.Changes[0].Code != it.Code {
			t.Fatalf("answer %+v", p.Changes)
		}
	})
	t.Run("NothingBeforeTheWaitEnds", func(t *testing.T) {
		since := head()
		p := getFeed(t, f.srv, fmt.Sprintf("/api/v1/changes?since=%d&wait=1ms", since))
		if len(p.Changes) != 0 || *p.Next != since {
			t.Fatalf("answer %+v next %d", p.Changes, *p.Next)
		}
		if n := f.srv.feed.waiters.Load(); n != 0 {
			t.Fatalf("%d waiters left", n)
		}
	})
	t.Run("WaitersAreBounded", func(t *testing.T) {
		sig := newChangeSignal()
		for i := range maxFeedWaiters {
			if !sig.enter() {
				t.Fatalf("waiter %d refused", i+1)
			}
		}
		if sig.enter() {
			t.Fatal("a waiter beyond maxFeedWaiters may wait")
		}
		sig.leave()
		if !sig.enter() {
			t.Fatal("a waiter that left frees its place")
		}
	})
}

// mustLogin signs user in through the API and returns the token.
func mustLogin(t *testing.T, h http.Handler, user string) string {
	t.Helper()
	token, _ := apiLogin(t, h, user)
	return token
}

// Bad parameters are 400 naming the parameter; a since beyond every
// change is an empty page.
func TestChangeFeedParameters(t *testing.T) {
	f := seedServer(t)
	for _, c := range []struct{ query, field string }{
		{"since=-1", "since"},
		{"since=abc", "since"},
		{"since=1e3", "since"},
		{"since=99999999999999999999", "since"},
		{"since=", "since"},
		{"limit=0", "limit"},
		{"limit=-5", "limit"},
		{fmt.Sprintf("limit=%d", maxFeedLimit+1), "limit"},
		{"limit=ten", "limit"},
		{"wait=-1s", "wait"},
		{"wait=30", "wait"},
		{"wait=forever", "wait"},
		{"since=1&limit=10&wait=%00", "wait"},
	} {
		r := get(t, f.srv, "/api/v1/changes?"+c.query)
		var body errorBody
		json.Unmarshal([]byte(r.body), &body)
		if r.status != http.StatusBadRequest || body.Error.Field != c.field || body.Error.Code != "bad_request" {
			t.Errorf("?%s: %d %s", c.query, r.status, r.body)
		}
	}
	p := getFeed(t, f.srv, "/api/v1/changes?since=9000000000000000000&wait=0s")
	if len(p.Changes) != 0 || *p.Next != 9000000000000000000 {
		t.Errorf("since beyond every change: %+v", p)
	}
	p = getFeed(t, f.srv, "/api/v1/changes?limit=3")
	if len(p.Changes) != 3 || *p.Next != p.Changes[2].Seq || p.Changes[0].Kind != store.FeedCreated {
		t.Errorf("first page: %+v", p)
	}
	r := get(t, f.srv, "/api/v1/changes")
	if cc := r.header.Get("Cache-Control"); cc != noStore {
		t.Errorf("Cache-Control %q", cc)
	}
	if r := do(t, f.srv, http.MethodHead, "/api/v1/changes?wait=45s", "", nil); r.status != http.StatusOK {
		t.Errorf("HEAD: %d", r.status)
	}
}

// Withdrawing takes an item out of the public API, its page and search;
// the feed says so.
func TestWithdrawThroughTheAPI(t *testing.T) {
	f := newFeedFixture(t)
	ctx := f.ctx
	var it catalog.Item
	for _, x := range f.cat.Items {
		if x.Department == "市公安局" && x.Region == "610900" {
			it = x
			break
		}
	}
	editorC := &client{t: t, h: f.srv, token: mustLogin(t, f.srv, "editor-police")}
	reviewer := &client{t: t, h: f.srv, token: mustLogin(t, f.srv, "reviewer-city")}
	outside := &client{t: t, h: f.srv, token: mustLogin(t, f.srv, "reviewer-pingli")}
	path := "/api/v1/items/" + it.Code + "/withdraw"
	searchFinds := func() bool {
		t.Helper()
		if err := f.ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		r := get(t, f.srv, "/api/v1/search?q="+url.QueryEscape(it.Name)+"&region="+it.Region+
			"&department="+url.QueryEscape(it.Department))
		if r.status != http.StatusOK {
			t.Fatalf("search: %d %s", r.status, r.body)
		}
		return strings.Contains(r.body, `"`+it.Code+`"`)
	}
	if !searchFinds() {
		t.Fatalf("search does not find %s (%s) before the withdrawal", it.Code, it.Name)
	}
	since, _ := f.st.Seq(ctx)
	for _, c := range []struct {
		who    *client
		body   string
		status int
		field  string
	}{
		{&client{t: t, h: f.srv}, `{"reason":"取消"}`, http.StatusUnauthorized, ""},
		{editorC, `{"reason":"取消"}`, http.StatusForbidden, ""},
		{outside, `{"reason":"取消"}`, http.StatusForbidden, ""},
		{reviewer, ``, http.StatusBadRequest, "body"},
		{reviewer, `{"reason":"取消","edition":1}`, http.StatusBadRequest, "body"},
		{reviewer, `{"reason":""}`, http.StatusUnprocessableEntity, "reason"},
		{reviewer, `{"reason":"` + strings.Repeat("长", catalog.MaxNoteLen+1) + `"}`, http.StatusUnprocessableEntity, "reason"},
	} {
		r := c.who.call(http.MethodPost, path, c.body, nil)
		if r.status != c.status || c.field != "" && !strings.Contains(r.body, `"field":"`+c.field+`"`) {
			t.Errorf("withdraw %.40s: %d %s", c.body, r.status, r.body)
		}
	}
	if p := getFeed(t, f.srv, fmt.Sprintf("/api/v1/changes?since=%d", since)); len(p.Changes) != 0 {
		t.Fatalf("refused withdrawals are in the feed: %+v", p.Changes)
	}
	r := reviewer.call(http.MethodPost, path, `{"reason":"该事项已由省政府决定取消"}`, nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, `"state":"withdrawn"`) {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	for _, target := range []string{"/api/v1/items/" + it.Code, "/items/" + it.Code} {
		if r := get(t, f.srv, target); r.status != http.StatusNotFound {
			t.Errorf("GET %s after the withdrawal: %d", target, r.status)
		}
	}
	if searchFinds() {
		t.Errorf("search finds %s after the withdrawal", it.Code)
	}
	p := getFeed(t, f.srv, fmt.Sprintf("/api/v1/changes?since=%d", since))
	if len(p.Changes) != 1 || p.Changes[0].Kind != store.FeedWithdrawn || p.Changes[0].Code != it.Code ||
		strings.Contains(get(t, f.srv, fmt.Sprintf("/api/v1/changes?since=%d", since)).body, `"edition"`) {
		t.Fatalf("feed after the withdrawal: %+v", p.Changes)
	}
	if r := reviewer.call(http.MethodPost, path, `{"reason":"再次下架"}`, nil); r.status != http.StatusConflict ||
		!strings.Contains(r.body, `"not_published"`) {
		t.Errorf("withdraw twice: %d %s", r.status, r.body)
	}
	// Published again, it is public and searchable again: created.
	w, err := f.st.Draft(ctx, replayAdmin, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(w.Item)
	if r := editorC.call(http.MethodPut, "/api/v1/items/"+it.Code+"/draft", string(body),
		map[string]string{"If-Match": fmt.Sprint(w.Edition)}); r.status != http.StatusOK {
		t.Fatalf("save the withdrawn edition: %d %s", r.status, r.body)
	}
	for _, step := range []struct {
		c    *client
		path string
	}{{editorC, "/submit"}, {reviewer, "/publish"}} {
		if r := step.c.call(http.MethodPost, "/api/v1/items/"+it.Code+step.path, "", nil); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", step.path, r.status, r.body)
		}
	}
	if r := get(t, f.srv, "/api/v1/items/"+it.Code); r.status != http.StatusOK {
		t.Errorf("published again: %d", r.status)
	}
	if !searchFinds() {
		t.Errorf("search does not find %s published again", it.Code)
	}
	p = getFeed(t, f.srv, fmt.Sprintf("/api/v1/changes?since=%d", *p.Next))
	if len(p.Changes) != 1 || p.Changes[0].Kind != store.FeedCreated {
		t.Errorf("feed after publishing again: %+v", p.Changes)
	}
}

// A reviewer withdraws an item from its review page: a reason is
// required, an editor may not, and the item leaves the public pages.
func TestWithdrawFromTheReviewPage(t *testing.T) {
	ff := newFeedFixture(t)
	f := &fixture{srv: ff.srv, store: ff.st, index: ff.ix, cat: ff.cat}
	var it catalog.Item
	for _, x := range ff.cat.Items {
		if x.Department == "市公安局" && x.Region == "610900" {
			it = x
			break
		}
	}
	page, action := "/review/items/"+it.Code, "/review/items/"+it.Code+"/withdraw"
	rv := formLogin(t, f, "reviewer-city")
	r := rv.get(page)
	mustStatus(t, "review page", r, http.StatusOK)
	mustContain(t, "review page", r.body, `action="`+action+`"`, `id="f-withdraw-reason"`, "下架第 1 版")
	ed := formLogin(t, f, "editor-police")
	mustNotContain(t, "editor's review page", ed.get(page).body, `action="`+action+`"`)
	mustStatus(t, "editor withdraws", ed.post(action, url.Values{"reason": {"取消"}}), http.StatusForbidden)
	mustStatus(t, "no form token", rv.postRaw(action, url.Values{"reason": {"取消"}}, sameSite), http.StatusForbidden)
	r = rv.post(action, url.Values{})
	mustStatus(t, "withdraw without a reason", r, http.StatusUnprocessableEntity)
	mustContain(t, "withdraw without a reason", r.body, `id="f-withdraw-reason-err"`)
	mustStatus(t, "still public", get(t, f.srv, "/items/"+it.Code), http.StatusOK)
	r = rv.post(action, url.Values{"reason": {"该事项已取消<b>"}})
	mustStatus(t, "withdraw", r, http.StatusSeeOther)
	mustContain(t, "workbench", rv.get(r.header.Get("Location")).body, "已下架事项 "+it.Code)
	mustStatus(t, "withdrawn item page", get(t, f.srv, "/items/"+it.Code), http.StatusNotFound)
	r = rv.get(page)
	mustContain(t, "review page of a withdrawn item", r.body, "已下架")
	mustNotContain(t, "review page of a withdrawn item", r.body, `action="`+action+`"`)
	mustStatus(t, "withdraw twice", rv.post(action, url.Values{"reason": {"再次"}}), http.StatusConflict)
}
