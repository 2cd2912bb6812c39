package web

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/store"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// clockedServer is a server over the shared fixture's store and index with
// its own clock and options.
func clockedServer(t *testing.T, f *fixture, opts Options) (*Server, *testClock) {
	t.Helper()
	// A minute into the current hour: the tests' reads stay inside one
	// read window (tokenReadWindow) whenever they run, and the store,
	// which checks a new token's expiry against the real time, accepts
	// expiries reckoned from it.
	clock := &testClock{t: time.Now().UTC().Truncate(time.Hour).Add(time.Minute)}
	opts.HomeRegion, opts.Now = "610900", clock.now
	srv, err := New(t.Context(), f.store, f.index, opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv, clock
}

// otherItems returns two published seed items (with materials) of two
// departments of 610900 that the other tests do not edit.
func otherItems(t *testing.T, f *fixture) (catalog.Item, catalog.Item) {
	t.Helper()
	var first catalog.Item
	for _, it := range f.cat.Items {
		if it.Region != "610900" || it.Department == "市公安局" || len(it.Materials) < 2 {
			continue
		}
		if first.Code == "" {
			first = it
		} else if it.Department != first.Department {
			return first, it
		}
	}
	t.Fatal("no two seed items of other departments")
	return first, first
}

var secretRE = regexp.MustCompile(`zn_[A-Za-z0-9_-]{43}`)

// createTokenOnPage creates a token on /admin/tokens as the admin and
// returns its secret, read from the answer.
func createTokenOnPage(t *testing.T, f *fixture, srv *Server, form url.Values) string {
	t.Helper()
	_, cookie := apiLogin(t, srv, "admin")
	form.Set("csrf", srv.formToken(cookie.Value))
	r := do(t, srv, http.MethodPost, "/admin/tokens", form.Encode(), formHeader, cookie)
	secret := secretRE.FindString(r.body)
	if r.status != http.StatusOK || secret == "" || r.header.Get("Cache-Control") != noStore {
		t.Fatalf("create a token on the page: %d %s", r.status, r.body)
	}
	if again := get(t, srv, "/admin/tokens", cookie); again.status != 200 || strings.Contains(again.body, secret) ||
		!strings.Contains(again.body, `data-token="`+form.Get("name")+`"`) {
		t.Fatalf("the list shows the secret again or not the token: %d", again.status)
	}
	return secret
}

func mustCIDRs(t *testing.T, cidrs ...string) []*net.IPNet {
	t.Helper()
	var out []*net.IPNet
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func bearer(secret string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + secret, "Content-Type": "application/json"}
}

// TestSystemTokenLifecycle is issue 19's acceptance: a token created on
// the admin page saves an editor's draft through the API, its last use
// and the write are recorded, reads are logged once per window, and once
// revoked its next request is 401 — as is an expired and a wrong token;
// its scope is an editor's; the secret is nowhere in the database.
func TestSystemTokenLifecycle(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	srv, clock := clockedServer(t, f, Options{})
	ctx := t.Context()
	mine, theirs := otherItems(t, f)
	secret := createTokenOnPage(t, f, srv, url.Values{"name": {"queue-screen"}, "role": {catalog.RoleEditor},
		"department": {mine.Department}, "region": {mine.Region}, "expires": {"30d"}})

	// The secret is not stored: no column of any row holds it.
	rows, err := rawDB(t, fixtureURL, fixtureDir).Query(`SELECT name, secret_hash, role, region, created_by, last_used_from FROM api_tokens`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var cols [6]string
		if err := rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5]); err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if strings.Contains(c, secret[len(store.TokenPrefix):]) {
				t.Fatalf("api_tokens holds the secret: %v", cols)
			}
		}
	}
	rows.Close()

	// A token has no session to end.
	if r := do(t, srv, http.MethodPost, "/api/v1/logout", "", bearer(secret)); r.status != http.StatusBadRequest {
		t.Fatalf("logout with a token: %d %s", r.status, r.body)
	}
	// An editor's write through the API, as the token.
	base := "/api/v1/items/" + mine.Code
	r := do(t, srv, http.MethodGet, base+"/draft", "", bearer(secret))
	if r.status != 200 || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("draft with the token: %d %s", r.status, r.body)
	}
	var w struct {
		catalog.Item
		Edition int
	}
	json.Unmarshal([]byte(r.body), &w)
	w.Item.Materials[0].Name += "（原件）"
	body, _ := json.Marshal(w.Item)
	h := bearer(secret)
	h["If-Match"], h["Origin"] = strconv.Itoa(w.Edition), "http://evil.example" // no CSRF check on a token
	if r = do(t, srv, http.MethodPut, base+"/draft", string(body), h); r.status != 200 || !strings.Contains(r.body, `"edition":`+strconv.Itoa(w.Edition+1)) {
		t.Fatalf("save with the token: %d %s", r.status, r.body)
	}
	if r = do(t, srv, http.MethodGet, base+"/draft", "", bearer(secret)); !strings.Contains(r.body, `"author":"token:queue-screen"`) {
		t.Fatalf("the draft's author: %s", r.body)
	}
	log, err := f.store.ChangeLog(ctx, store.ChangeFilter{User: "token:queue-screen"})
	if err != nil || len(log) != 2 || log[0].Action != store.OpSaveDraft || log[0].ItemCode != mine.Code || log[1].Action != store.OpTokenAdd ||
		!strings.Contains(log[1].Detail, "admin") {
		t.Fatalf("change log of the token: %+v %v", log, err)
	}
	// Its scope: another department's item is refused.
	if r = do(t, srv, http.MethodGet, "/api/v1/items/"+theirs.Code+"/draft", "", bearer(secret)); r.status != http.StatusForbidden {
		t.Fatalf("another department's draft: %d", r.status)
	}
	// Last use: written on first use, then at most once a minute.
	lastUse := func() time.Time {
		t.Helper()
		ts, err := f.store.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range ts {
			if tk.Name == "queue-screen" && tk.LastUsedAt != nil && tk.LastUsedFrom == "192.0.2.1" {
				return *tk.LastUsedAt
			}
		}
		t.Fatalf("no last use recorded: %+v", ts)
		return time.Time{}
	}
	first := lastUse()
	if d := first.Sub(clock.now()); d > time.Millisecond || d < -time.Millisecond {
		t.Fatalf("last use %v, now %v", first, clock.now())
	}
	clock.add(30 * time.Second)
	do(t, srv, http.MethodGet, base+"/draft", "", bearer(secret))
	if got := lastUse(); !got.Equal(first) {
		t.Fatalf("last use written again within %s: %v", tokenTouchInterval, got)
	}
	clock.add(tokenTouchInterval)
	do(t, srv, http.MethodGet, base+"/draft", "", bearer(secret))
	if got := lastUse(); !got.After(first) {
		t.Fatalf("last use not written after %s: %v", tokenTouchInterval, got)
	}
	// Reads: one entry per window, with the count, written when the
	// window has passed.
	srv.tokenUses.flush(ctx, f.store, clock.now(), false)
	if log, _ := f.store.ChangeLog(ctx, store.ChangeFilter{User: "token:queue-screen"}); log[0].Action == store.OpTokenReads {
		t.Fatal("a read window logged before it ended")
	}
	clock.add(tokenReadWindow)
	srv.tokenUses.flush(ctx, f.store, clock.now(), false)
	log, _ = f.store.ChangeLog(ctx, store.ChangeFilter{User: "token:queue-screen"})
	if log[0].Action != store.OpTokenReads || !strings.Contains(log[0].Detail, "读取 5 次") || log[0].Remote != "192.0.2.1" {
		t.Fatalf("read window: %+v", log[0])
	}

	// Revoked on the page: the next request is 401.
	_, cookie := apiLogin(t, srv, "admin")
	r = do(t, srv, http.MethodPost, "/admin/tokens/queue-screen/revoke", "csrf="+url.QueryEscape(srv.formToken(cookie.Value)), formHeader, cookie)
	if r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r = get(t, srv, "/admin/tokens?revoked=queue-screen", cookie); !strings.Contains(r.body, "已吊销令牌 queue-screen") {
		t.Fatalf("the list after a revocation: %d", r.status)
	}
	if r = get(t, srv, "/admin/tokens?revoked=%E8%AF%B7%E6%8B%A8%E6%89%93", cookie); strings.Contains(r.body, "已吊销令牌") {
		t.Fatal("the page echoes any ?revoked=")
	}
	r = do(t, srv, http.MethodGet, base+"/draft", "", bearer(secret))
	if r.status != http.StatusUnauthorized || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") ||
		!strings.Contains(r.body, `"code":"invalid_token"`) || !strings.Contains(r.body, MsgBadToken) {
		t.Fatalf("revoked token: %d %q %s", r.status, r.header.Get("WWW-Authenticate"), r.body)
	}
	// Even on a public read: a refused token is not served as anonymous.
	if r = do(t, srv, http.MethodGet, base, "", bearer(secret)); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token on a public read: %d", r.status)
	}
	if log, _ := f.store.ChangeLog(ctx, store.ChangeFilter{User: "token:queue-screen"}); log[0].Action != store.OpTokenRevoke {
		t.Fatalf("revocation not logged: %+v", log[0])
	}

	// A wrong token, and an expired one.
	if r = do(t, srv, http.MethodGet, base, "", bearer("zn_"+strings.Repeat("A", 43))); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", r.status)
	}
	expiring, _, err := f.store.AddToken(ctx, store.NewToken{Name: "short-lived", Role: catalog.RoleAuditor, ExpiresAt: clock.now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r = do(t, srv, http.MethodGet, "/api/v1/audit-log", "", bearer(expiring)); r.status != 200 {
		t.Fatalf("auditor token: %d %s", r.status, r.body)
	}
	clock.add(time.Hour)
	if r = do(t, srv, http.MethodGet, "/api/v1/audit-log", "", bearer(expiring)); r.status != http.StatusUnauthorized {
		t.Fatalf("expired token: %d", r.status)
	}
}

// TestTokenPageIsAdminOnly: only admins see and use the token page, and
// its forms need the session's form token.
func TestTokenPageIsAdminOnly(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	if r := get(t, f.srv, "/admin/tokens"); r.status != http.StatusSeeOther {
		t.Fatalf("signed out: %d", r.status)
	}
	_, auditor := apiLogin(t, f.srv, "auditor")
	if r := get(t, f.srv, "/admin/tokens", auditor); r.status != http.StatusForbidden {
		t.Fatalf("auditor: %d", r.status)
	}
	form := url.Values{"name": {"sneaky"}, "role": {catalog.RoleAdmin}, "csrf": {f.srv.formToken(auditor.Value)}}
	if r := do(t, f.srv, http.MethodPost, "/admin/tokens", form.Encode(), formHeader, auditor); r.status != http.StatusForbidden {
		t.Fatalf("auditor creates a token: %d", r.status)
	}
	_, admin := apiLogin(t, f.srv, "admin")
	form = url.Values{"name": {"no-csrf"}, "role": {catalog.RoleAuditor}}
	if r := do(t, f.srv, http.MethodPost, "/admin/tokens", form.Encode(), formHeader, admin); r.status != http.StatusForbidden {
		t.Fatalf("no form token: %d", r.status)
	}
	form = url.Values{"name": {"bad-expiry"}, "role": {catalog.RoleAuditor}, "expires": {"soon"}, "csrf": {f.srv.formToken(admin.Value)}}
	if r := do(t, f.srv, http.MethodPost, "/admin/tokens", form.Encode(), formHeader, admin); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `id="tok-expires-err"`) || secretRE.MatchString(r.body) {
		t.Fatalf("bad expiry: %d", r.status)
	}
	if ts, _ := f.store.Tokens(t.Context()); len(ts) != 0 && ts[len(ts)-1].Name == "sneaky" {
		t.Fatal("a refused form created a token")
	}
}

// TestAPIRateLimits: past its burst an address gets 429 with Retry-After
// and the JSON error; another address and a token are not affected, and
// the bucket refills with time; a token has its own bucket.
func TestAPIRateLimits(t *testing.T) {
	f := seedServer(t)
	srv, clock := clockedServer(t, f, Options{AddressLimit: RateLimit{Rate: 1, Burst: 3}, TokenLimit: RateLimit{Rate: 1, Burst: 2}})
	secret, _, err := f.store.AddToken(t.Context(), store.NewToken{Name: "rate-test", Role: catalog.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if r := from(t, srv, "198.51.100.1", http.MethodGet, "/api/v1/themes", "", nil); r.status != 200 {
			t.Fatalf("request %d within the burst: %d", i+1, r.status)
		}
	}
	r := from(t, srv, "198.51.100.1", http.MethodGet, "/api/v1/themes", "", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" ||
		!strings.Contains(r.body, `"code":"rate_limited"`) || !strings.Contains(r.body, MsgTooManyRequests) {
		t.Fatalf("past the burst: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := from(t, srv, "198.51.100.2", http.MethodGet, "/api/v1/themes", "", nil); r.status != 200 {
		t.Fatalf("another address: %d", r.status)
	}
	if r := get(t, srv, "/"); r.status != 200 {
		t.Fatalf("a page is not limited: %d", r.status)
	}
	// The token, from the limited address, draws from its own bucket.
	for i := range 2 {
		if r := from(t, srv, "198.51.100.1", http.MethodGet, "/api/v1/themes", "", bearer(secret)); r.status != 200 {
			t.Fatalf("token request %d: %d", i+1, r.status)
		}
	}
	if r := from(t, srv, "198.51.100.1", http.MethodGet, "/api/v1/themes", "", bearer(secret)); r.status != http.StatusTooManyRequests {
		t.Fatalf("token past its burst: %d", r.status)
	}
	clock.add(time.Second)
	if r := from(t, srv, "198.51.100.1", http.MethodGet, "/api/v1/themes", "", nil); r.status != 200 {
		t.Fatalf("after a second: %d", r.status)
	}
	// Behind a trusted proxy the forwarded client is the key.
	srv.opts.TrustedProxies = mustCIDRs(t, "10.0.0.0/8")
	fwd := func(client string) int {
		return from(t, srv, "10.0.0.9", http.MethodGet, "/api/v1/themes", "", map[string]string{"X-Forwarded-For": client}).status
	}
	for range 3 {
		fwd("203.0.113.5")
	}
	if fwd("203.0.113.5") != http.StatusTooManyRequests || fwd("203.0.113.6") != 200 {
		t.Fatal("forwarded clients share or escape a bucket")
	}
}

// TestRateLimiterIsBounded: however many addresses, the limiter
// remembers at most maxKeys; idle full buckets go first.
func TestRateLimiterIsBounded(t *testing.T) {
	b := newBucketLimiter(RateLimit{Rate: 10, Burst: 10})
	b.maxKeys = 100
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		b.allow("192.0.2."+strconv.Itoa(i), now)
		if b.size() > b.maxKeys {
			t.Fatalf("%d keys after %d addresses", b.size(), i+1)
		}
	}
	// A busy key survives a prune of idle ones.
	b = newBucketLimiter(RateLimit{Rate: 1, Burst: 2})
	b.maxKeys = 3
	b.allow("busy", now)
	b.allow("busy", now)
	b.allow("idle-1", now)
	b.allow("idle-2", now)
	b.allow("busy", now.Add(time.Second))
	b.allow("new", now.Add(2500*time.Millisecond)) // the idle buckets have refilled and go; busy's has not
	if _, ok := b.m["busy"]; !ok || b.size() != 2 {
		t.Fatalf("after a prune of refilled buckets: %d keys, busy kept %v", b.size(), ok)
	}
	if (&bucketLimiter{limit: RateLimit{}}).allow("x", now) != 0 || (*bucketLimiter)(nil).allow("x", now) != 0 {
		t.Fatal("a zero rate limits")
	}
}

// TestTokenReadsAreCoalesced: however many reads and addresses, a token's
// reads make one change-log entry per window, naming at most
// maxReadRemotes addresses and counting the rest; at shutdown the window
// under way is written too.
func TestTokenReadsAreCoalesced(t *testing.T) {
	f := seedServer(t)
	ctx := t.Context()
	if _, _, err := f.store.AddToken(ctx, store.NewToken{Name: "busy-reader", Role: catalog.RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	u := newTokenUsage()
	start := time.Now().UTC().Truncate(tokenReadWindow).Add(-tokenReadWindow) // a window that has ended
	for i := range 500 {
		u.note(ctx, f.store, "busy-reader", "192.0.2."+strconv.Itoa(i%(maxReadRemotes+4)), true, start.Add(time.Duration(i)*time.Second))
	}
	u.note(ctx, f.store, "busy-reader", "192.0.2.1", false, start.Add(600*time.Second)) // a write: no read
	reads := func() []store.ChangeEntry {
		t.Helper()
		log, err := f.store.ChangeLog(ctx, store.ChangeFilter{User: "token:busy-reader"})
		if err != nil {
			t.Fatal(err)
		}
		var out []store.ChangeEntry
		for _, e := range log {
			if e.Action == store.OpTokenReads {
				out = append(out, e)
			}
		}
		return out
	}
	if n := len(reads()); n != 0 {
		t.Fatalf("%d read entries before the window was flushed", n)
	}
	// A read in the next window writes the ended one.
	u.note(ctx, f.store, "busy-reader", "198.51.100.9", true, start.Add(tokenReadWindow))
	got := reads()
	if len(got) != 1 || !strings.Contains(got[0].Detail, "读取 500 次") || strings.Count(got[0].Remote, ",") != maxReadRemotes-1 ||
		!strings.Contains(got[0].Remote, "等另 4 个地址") {
		t.Fatalf("the ended window: %+v", got)
	}
	// Shutdown writes the window under way, however short.
	u.flush(ctx, f.store, start.Add(tokenReadWindow+time.Minute), true)
	if got = reads(); len(got) != 2 || !strings.Contains(got[0].Detail, "读取 1 次") || got[0].Remote != "198.51.100.9" {
		t.Fatalf("the window at shutdown: %+v", got)
	}
	u.flush(ctx, f.store, start.Add(2*tokenReadWindow), true)
	if len(reads()) != 2 {
		t.Fatal("an empty window was logged")
	}
}
