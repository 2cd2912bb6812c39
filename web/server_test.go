package web

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"zhinan/seeds"
	"zhinan/store"
)

// TestHeadAnswersEveryGetRoute: monitors probe with HEAD; every GET
// route answers it (gin answered 405).
func TestHeadAnswersEveryGetRoute(t *testing.T) {
	f := seedServer(t)
	heads := map[string]bool{}
	routes := f.srv.handler.(*gin.Engine).Routes()
	for _, rt := range routes {
		if rt.Method == http.MethodHead {
			heads[rt.Path] = true
		}
	}
	for _, rt := range routes {
		if rt.Method == http.MethodGet && !heads[rt.Path] {
			t.Errorf("GET %s has no HEAD", rt.Path)
		}
	}
	for _, path := range []string{"/healthz", "/", "/search?q=护照", "/api/v1/regions", "/login"} {
		r := do(t, f.srv, http.MethodHead, path, "", nil)
		if r.status != http.StatusOK {
			t.Errorf("HEAD %s: %d", path, r.status)
		}
	}
	if r := do(t, f.srv, http.MethodHead, "/no/such/page", "", nil); r.status != http.StatusNotFound {
		t.Errorf("HEAD of an unknown page: %d", r.status)
	}
}

// TestNoStoreForAuthenticatedResponses: a response to a request with a
// session cookie or a token must not be cached; public pages may be, and
// the fingerprinted assets keep their long caching.
func TestNoStoreForAuthenticatedResponses(t *testing.T) {
	f := seedServer(t)
	token, cookie := apiLogin(t, f.srv, "auditor")
	if cc := get(t, f.srv, "/").header.Get("Cache-Control"); cc == "no-store" {
		t.Errorf("anonymous home page: Cache-Control %q", cc)
	}
	for _, path := range []string{"/", "/edit", "/audit-log", "/items/" + f.cat.Items[0].Code} {
		if cc := get(t, f.srv, path, cookie).header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s with a session: Cache-Control %q", path, cc)
		}
	}
	bearer := map[string]string{"Authorization": "Bearer " + token}
	for _, path := range []string{"/api/v1/audit-log", "/api/v1/regions", "/api/v1/search?q=护照"} {
		if cc := do(t, f.srv, http.MethodGet, path, "", bearer).header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s with a token: Cache-Control %q", path, cc)
		}
	}
	// An expired or forged session is still a credential the client sent.
	if cc := get(t, f.srv, "/", &http.Cookie{Name: sessionCookie, Value: "forged"}).header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("forged session: Cache-Control %q", cc)
	}
	home := get(t, f.srv, "/")
	asset := ""
	if i := strings.Index(home.body, assetPrefix); i >= 0 {
		asset = home.body[i:]
		asset = asset[:strings.IndexAny(asset, `"'`)]
	}
	if asset == "" {
		t.Fatal("no asset on the home page")
	}
	if cc := get(t, f.srv, asset, cookie).header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("asset %s with a session: Cache-Control %q", asset, cc)
	}
}

// TestSecureCookies: the session cookie is Secure with serve
// --secure-cookies, or when a trusted proxy says the client used HTTPS;
// forwarding headers of anyone else are ignored.
func TestSecureCookies(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	_, proxy, _ := net.ParseCIDR("192.0.2.0/24") // httptest's remote address
	login := func(srv *Server, header map[string]string) *http.Cookie {
		t.Helper()
		h := map[string]string{"Content-Type": "application/json", "Origin": "http://example.com"}
		for k, v := range header {
			h[k] = v
		}
		r := do(t, srv, http.MethodPost, "/api/v1/login", `{"username":"auditor","password":"`+testPassword+`"}`, h)
		cookies := (&http.Response{Header: r.header}).Cookies()
		if r.status != 200 || len(cookies) != 1 {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
		return cookies[0]
	}
	https := map[string]string{"X-Forwarded-Proto": "https"}
	if c := login(f.srv, https); c.Secure {
		t.Error("X-Forwarded-Proto believed from an untrusted peer")
	}
	secure, err := New(t.Context(), f.store, f.index, Options{HomeRegion: seeds.CityRegion, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	if c := login(secure, nil); !c.Secure {
		t.Error("--secure-cookies: the session cookie is not Secure")
	}
	if r := get(t, secure, "/region?code=610921&next=/"); !strings.Contains(r.header.Get("Set-Cookie"), "Secure") {
		t.Errorf("--secure-cookies: region cookie %q", r.header.Get("Set-Cookie"))
	}
	behind, err := New(t.Context(), f.store, f.index, Options{HomeRegion: seeds.CityRegion, TrustedProxies: []*net.IPNet{proxy}})
	if err != nil {
		t.Fatal(err)
	}
	if c := login(behind, https); !c.Secure {
		t.Error("a trusted proxy's X-Forwarded-Proto: https is not believed")
	}
	if c := login(behind, map[string]string{"X-Forwarded-Proto": "http"}); c.Secure {
		t.Error("X-Forwarded-Proto: http made the cookie Secure")
	}
	// A trusted proxy names the client; the audit log and the limiter use it.
	r := do(t, behind, http.MethodPost, "/api/v1/login", `{"username":"auditor","password":"wrong password"}`,
		map[string]string{"Content-Type": "application/json", "X-Forwarded-For": "198.51.100.7, 192.0.2.9"})
	if r.status != 401 {
		t.Fatalf("wrong password: %d", r.status)
	}
	log, _ := f.store.ChangeLog(t.Context(), store.ChangeFilter{User: "auditor", Limit: 1})
	if len(log) != 1 || log[0].Remote != "198.51.100.7" {
		t.Errorf("client address behind a trusted proxy: %+v", log)
	}
	do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"auditor","password":"wrong password"}`,
		map[string]string{"Content-Type": "application/json", "X-Forwarded-For": "198.51.100.8"})
	log, _ = f.store.ChangeLog(t.Context(), store.ChangeFilter{User: "auditor", Limit: 1})
	if len(log) != 1 || log[0].Remote != "192.0.2.1" {
		t.Errorf("X-Forwarded-For believed from an untrusted peer: %+v", log)
	}
}

// TestReviewersReadReports: the conformance and quality findings are for
// reviewers, auditors and admins (docs/contract.md#users-and-roles); editors and visitors are not.
func TestReviewersReadReports(t *testing.T) {
	f := seedServer(t)
	for _, tc := range []struct {
		user string
		want int
	}{{"reviewer-city", 200}, {"reviewer-pingli", 200}, {"auditor", 200}, {"admin", 200}, {"editor-police", 403}} {
		_, c := apiLogin(t, f.srv, tc.user)
		for _, kind := range []string{"conformance", "quality"} {
			r := get(t, f.srv, "/audit/download?report="+kind+"&format=json&region=610900", c)
			if r.status != tc.want {
				t.Errorf("%s report as %s: %d, want %d", kind, tc.user, r.status, tc.want)
			}
		}
	}
	if r := get(t, f.srv, "/audit/download?report=quality&format=json"); r.status != http.StatusSeeOther {
		t.Errorf("quality report anonymously: %d", r.status)
	}
}

// A path that exists asked with another method is 405 with Allow, in the
// API's error shape under /api/ and as a page elsewhere.
func TestWrongMethod(t *testing.T) {
	f := seedServer(t)
	r := do(t, f.srv, http.MethodDelete, "/api/v1/regions", "", nil)
	var e errorBody
	if r.status != http.StatusMethodNotAllowed || json.Unmarshal([]byte(r.body), &e) != nil ||
		e.Error.Code != "method_not_allowed" || e.Error.Message != MsgMethodNotAllowed {
		t.Fatalf("DELETE /api/v1/regions: %d %s", r.status, r.body)
	}
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Errorf("Allow: %q", allow)
	}
	r = do(t, f.srv, http.MethodPut, "/search", "", nil)
	if r.status != http.StatusMethodNotAllowed || !strings.Contains(r.body, MsgMethodNotAllowed) ||
		!strings.Contains(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("PUT /search: %d %s %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
}
