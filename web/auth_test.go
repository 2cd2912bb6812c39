package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/store"
)

// do sends a request with a body and headers, from httptest's default
// client address.
func do(t testing.TB, h http.Handler, method, target, body string, header map[string]string, cookies ...*http.Cookie) response {
	t.Helper()
	return from(t, h, "192.0.2.1", method, target, body, header, cookies...)
}

// checkNoFormatErrors fails the test when a response shows a fmt verb error
// (%!d(string=…), %!(EXTRA …)): a label and its arguments that disagree.
// Every page and API answer of the web tests passes through it.
func checkNoFormatErrors(t testing.TB, what string, r response) {
	t.Helper()
	if strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
		return // a zipped workbook: any two bytes may read "%!"
	}
	if i := strings.Index(r.body, "%!"); i >= 0 {
		t.Errorf("%s shows a format error: …%s…", what, r.body[max(0, i-80):min(len(r.body), i+80)])
	}
}

// jsonHeader declares a JSON body; jsonSameOrigin also says the request
// comes from a page of the server (httptest's host is example.com).
var (
	jsonHeader     = map[string]string{"Content-Type": "application/json"}
	jsonSameOrigin = map[string]string{"Content-Type": "application/json", "Origin": "http://example.com"}
)

// apiLogin signs in through the API as a page of the server does and
// returns the token and cookie.
func apiLogin(t testing.TB, h http.Handler, user string) (string, *http.Cookie) {
	t.Helper()
	r := do(t, h, http.MethodPost, "/api/v1/login", `{"username":"`+user+`","password":"`+testPassword+`"}`, jsonSameOrigin)
	if r.status != 200 {
		t.Fatalf("login %s: %d %s", user, r.status, r.body)
	}
	var body struct{ User, Role, Token string }
	json.Unmarshal([]byte(r.body), &body)
	if body.Token == "" || body.User != user {
		t.Fatalf("login body %s", r.body)
	}
	cookies := (&http.Response{Header: r.header}).Cookies()
	if len(cookies) == 0 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", cookies)
	}
	return body.Token, cookies[0]
}

func TestLoginAndLogout(t *testing.T) {
	f := seedServer(t)
	token, cookie := apiLogin(t, f.srv, "auditor")
	if cookie.Value != token {
		t.Fatal("cookie and token differ")
	}
	// The token works as a bearer token; logout ends it.
	bearer := map[string]string{"Authorization": "Bearer " + token}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/logout", "", bearer); r.status != 200 {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/logout", "", bearer); r.status != 401 {
		t.Fatalf("logout twice: %d", r.status)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"auditor","password":"wrong password"}`, jsonHeader); r.status != 401 ||
		!strings.Contains(r.body, "用户名或密码错误") {
		t.Fatalf("wrong password: %d %s", r.status, r.body)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":`, jsonHeader); r.status != 400 {
		t.Fatalf("malformed body: %d", r.status)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"`+strings.Repeat("a", 2<<20)+`"}`, jsonHeader); r.status != 413 {
		t.Fatalf("huge body: %d", r.status)
	}
	log, err := f.store.ChangeLog(t.Context(), store.ChangeFilter{User: "auditor"})
	if err != nil || len(log) < 3 || log[0].Action != store.OpLoginFailed || log[1].Action != store.OpLogout || log[2].Action != store.OpLogin {
		t.Fatalf("audit log of the logins: %+v", log)
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := seedServer(t)
	h := f.srv
	f.srv.limiter = newLoginLimiter()
	t.Cleanup(func() { f.srv.limiter = newLoginLimiter() }) // the other tests sign in from the same address
	for i := 0; i < loginMaxFailures; i++ {
		r := do(t, h, http.MethodPost, "/api/v1/login", `{"username":"admin","password":"guess `+itoa(i)+`"}`, jsonHeader)
		if r.status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.status)
		}
	}
	r := do(t, h, http.MethodPost, "/api/v1/login", `{"username":"admin","password":"`+testPassword+`"}`, jsonHeader)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures: %d, Retry-After %q", loginMaxFailures, r.status, r.header.Get("Retry-After"))
	}
}

func TestLoginPage(t *testing.T) {
	f := seedServer(t)
	if r := get(t, f.srv, "/login"); r.status != 200 || !strings.Contains(r.body, `autocomplete="current-password"`) {
		t.Fatalf("login page: %d", r.status)
	}
	form := url.Values{"username": {"reviewer-city"}, "password": {testPassword}, "next": {"/search?q=x"}}.Encode()
	same := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com"}
	r := do(t, f.srv, http.MethodPost, "/login", form, same)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/search?q=x" {
		t.Fatalf("form login: %d %s", r.status, r.header.Get("Location"))
	}
	cookie := (&http.Response{Header: r.header}).Cookies()[0]
	home := get(t, f.srv, "/", cookie)
	if !strings.Contains(home.body, "reviewer-city") || !strings.Contains(home.body, `name="csrf"`) {
		t.Fatal("the signed-in page does not show the user and a logout form")
	}
	// A login form posted from another site is refused.
	cross := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"}
	if r := do(t, f.srv, http.MethodPost, "/login", form, cross); r.status != 403 {
		t.Fatalf("cross-site login form: %d", r.status)
	}
	// Logging out without the form token is refused; with it, it works.
	if r := do(t, f.srv, http.MethodPost, "/logout", "", same, cookie); r.status != 403 {
		t.Fatalf("logout without token: %d", r.status)
	}
	tok := f.srv.formToken(cookie.Value)
	if r := do(t, f.srv, http.MethodPost, "/logout", "csrf="+url.QueryEscape(tok), same, cookie); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	// An unsafe next is not followed.
	form2 := url.Values{"username": {"reviewer-city"}, "password": {testPassword}, "next": {"//evil.example/"}}.Encode()
	if r := do(t, f.srv, http.MethodPost, "/login", form2, same); r.header.Get("Location") != "/edit" {
		t.Fatalf("open redirect after login: %s", r.header.Get("Location"))
	}
}

func TestCrossSiteCookieRequestsAreRefused(t *testing.T) {
	f := seedServer(t)
	token, cookie := apiLogin(t, f.srv, "auditor")
	for _, tc := range []struct {
		name   string
		header map[string]string
		cookie bool
		status int
	}{
		{"cookie from another origin", map[string]string{"Origin": "http://evil.example"}, true, 403},
		{"cookie, cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, true, 403},
		{"cookie, no origin at all", nil, true, 403},
		{"cookie, same origin", map[string]string{"Origin": "http://example.com"}, true, 200},
		{"bearer from anywhere", map[string]string{"Authorization": "Bearer " + token, "Origin": "http://evil.example"}, false, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, c := apiLogin(t, f.srv, "auditor")
			if !tc.cookie {
				c = &http.Cookie{Name: "unused", Value: "x"}
			}
			r := do(t, f.srv, http.MethodPost, "/api/v1/logout", "", tc.header, c)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
	_ = cookie
}

// freshLimiter gives a test its own login limiter: the fixture's tests
// all sign in from httptest's one address.
func freshLimiter(t *testing.T, f *fixture) {
	f.srv.limiter = newLoginLimiter()
	t.Cleanup(func() { f.srv.limiter = newLoginLimiter() })
}

// TestFailedLoginAuditIsBounded: a failed login with a huge or malformed
// user name stores a bounded, valid name in the audit log and the limiter
// (it once stored the megabyte as sent), and over-long fields are refused.
func TestFailedLoginAuditIsBounded(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	huge := strings.Repeat("名", 300_000) // 900 kB, under the body limit
	r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"`+huge+`","password":"whatever it is"}`, jsonHeader)
	if r.status != http.StatusBadRequest && r.status != http.StatusUnauthorized {
		t.Fatalf("huge user name: %d %s", r.status, r.body)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"admin","password":"`+strings.Repeat("x", 600_000)+`"}`, jsonHeader); r.status != http.StatusBadRequest {
		t.Fatalf("huge password: %d", r.status)
	}
	// A form login with invalid UTF-8 and control characters in the name.
	form := "username=%FF%FEab%0A%1Bcd&password=wrong+password"
	do(t, f.srv, http.MethodPost, "/login", form, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com"})
	log, err := f.store.ChangeLog(t.Context(), store.ChangeFilter{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("名", store.MaxChangeLogInputRunes) + "…"
	if len(log) != 3 || log[2].Action != store.OpLoginFailed || log[2].UserName != want {
		t.Fatalf("audit entry of the huge name: %d bytes %.80q", len(log[2].UserName), log[2].UserName)
	}
	if got := log[0].UserName; log[0].Action != store.OpLoginFailed || got != "\uFFFD\uFFFDab\uFFFD\uFFFDcd" {
		t.Fatalf("audit entry of the malformed name: %q", got)
	}
	for k := range f.srv.limiter.failures {
		if len(k) > 300 {
			t.Fatalf("the limiter keeps a key of %d bytes", len(k))
		}
	}
}

// TestLoginCSRF: a login that sets the session cookie must be JSON from a
// page of this server; a cross-site form (text/plain) or fetch cannot sign
// the visitor into another account. A script without Origin gets a token
// and no cookie. An API login's cookie lasts no longer than a page's.
func TestLoginCSRF(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	body := `{"username":"auditor","password":"` + testPassword + `"}`
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
		cookie bool
	}{
		{"cross-site text/plain form", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}, http.StatusUnsupportedMediaType, false},
		{"text/plain without origin", map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType, false},
		{"urlencoded", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com"}, http.StatusUnsupportedMediaType, false},
		{"JSON from another origin", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, http.StatusForbidden, false},
		{"JSON, cross-site fetch", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, false},
		{"JSON, null origin", map[string]string{"Content-Type": "application/json", "Origin": "null"}, http.StatusForbidden, false},
		{"JSON from a script", jsonHeader, http.StatusOK, false},
		{"JSON from this site", jsonSameOrigin, http.StatusOK, true},
		{"JSON with charset, same-origin fetch", map[string]string{"Content-Type": "application/json; charset=utf-8", "Sec-Fetch-Site": "same-origin"}, http.StatusOK, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, f.srv, http.MethodPost, "/api/v1/login", body, tc.header)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			cookies := (&http.Response{Header: r.header}).Cookies()
			if (len(cookies) > 0) != tc.cookie {
				t.Fatalf("cookies %v, want a cookie: %v", cookies, tc.cookie)
			}
			if r.status == http.StatusOK && r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("login answer Cache-Control %q", r.header.Get("Cache-Control"))
			}
			if tc.cookie {
				if life := time.Until(cookies[0].Expires); life > store.CookieSessionTTL+time.Minute || life < store.CookieSessionTTL-time.Minute {
					t.Errorf("API login cookie lives %v, want %v", life, store.CookieSessionTTL)
				}
				var b struct {
					Token     string
					ExpiresAt time.Time `json:"expires_at"`
				}
				json.Unmarshal([]byte(r.body), &b)
				if b.Token != cookies[0].Value || time.Until(b.ExpiresAt) > store.CookieSessionTTL+time.Minute {
					t.Errorf("token and cookie differ, or the session outlives the cookie: %s", r.body)
				}
			}
		})
	}
}

// TestRedirectsStayOnSite: the region chooser's and the login's next
// accept only paths of this site (one helper for both).
func TestRedirectsStayOnSite(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	for _, tc := range []struct{ next, want string }{
		{"/search?q=%E6%8A%A4%E7%85%A7&page=2", "/search?q=%E6%8A%A4%E7%85%A7&page=2"},
		{"/items/X-1#materials", "/items/X-1#materials"},
		{"/", "/"},
		{`/\evil.example`, ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r\n/evil.example", ""},
		{"//evil.example/", ""},
		{"///evil.example/", ""},
		{`/\/evil.example`, ""},
		{`/x\y`, ""},
		{"/%2F/evil.example", ""},
		{"/%5C/evil.example", ""},
		{"https://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"evil.example", ""},
		{"/\x00", ""},
		{"/\xff", ""},
		{"", ""},
	} {
		t.Run(url.QueryEscape(tc.next), func(t *testing.T) {
			region := get(t, f.srv, "/region?code=&next="+url.QueryEscape(tc.next))
			want := tc.want
			if want == "" {
				want = "/"
			}
			if region.status != http.StatusSeeOther || region.header.Get("Location") != want {
				t.Errorf("region chooser: %d Location %q, want %q", region.status, region.header.Get("Location"), want)
			}
			form := url.Values{"username": {"reviewer-city"}, "password": {testPassword}, "next": {tc.next}}.Encode()
			login := do(t, f.srv, http.MethodPost, "/login", form, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com"})
			if want = tc.want; want == "" {
				want = "/edit"
			}
			if login.status != http.StatusSeeOther || login.header.Get("Location") != want {
				t.Errorf("login: %d Location %q, want %q", login.status, login.header.Get("Location"), want)
			}
			page := get(t, f.srv, "/login?next="+url.QueryEscape(tc.next))
			if !strings.Contains(page.body, `name="next" value="`+template.HTMLEscapeString(want)+`"`) {
				t.Errorf("login page does not carry next %q", want)
			}
		})
	}
}

// tempUser adds an account of its own to the fixture store for a test
// that changes it.
func tempUser(t *testing.T, f *fixture, name string) {
	t.Helper()
	if _, err := f.store.AddUser(t.Context(), store.NewUser{Name: name, Role: catalog.RoleAuditor, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
}

// TestSessionsEndWithPasswordChangeAndDisable: changing a password ends
// the account's other sessions; disabling an account refuses its logins
// and ends its sessions; enabling it lets it sign in again.
func TestSessionsEndWithPasswordChangeAndDisable(t *testing.T) {
	f := seedServer(t)
	freshLimiter(t, f)
	ctx := t.Context()
	tempUser(t, f, "tmp-passwd")
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	old, _ := apiLogin(t, f.srv, "tmp-passwd")
	keep, _ := apiLogin(t, f.srv, "tmp-passwd")
	ended, err := f.store.ChangePassword(ctx, "tmp-passwd", testPassword+"2", keep)
	if err != nil || ended != 1 {
		t.Fatalf("change password: %d %v", ended, err)
	}
	if r := do(t, f.srv, http.MethodGet, "/api/v1/audit-log", "", bearer(old)); r.status != 401 {
		t.Fatalf("a session of the old password: %d", r.status)
	}
	if r := do(t, f.srv, http.MethodGet, "/api/v1/audit-log", "", bearer(keep)); r.status != 200 {
		t.Fatalf("the session that changed it: %d", r.status)
	}
	if err := f.store.SetPassword(ctx, "tmp-passwd", testPassword); err != nil {
		t.Fatal(err)
	}
	if r := do(t, f.srv, http.MethodGet, "/api/v1/audit-log", "", bearer(keep)); r.status != 401 {
		t.Fatalf("after a password change from the command line: %d", r.status)
	}

	tempUser(t, f, "tmp-disable")
	tok, cookie := apiLogin(t, f.srv, "tmp-disable")
	if _, err := f.store.SetDisabled(ctx, "tmp-disable", true); err != nil {
		t.Fatal(err)
	}
	if r := do(t, f.srv, http.MethodGet, "/api/v1/audit-log", "", bearer(tok)); r.status != 401 {
		t.Fatalf("a disabled account's token: %d", r.status)
	}
	if r := get(t, f.srv, "/edit", cookie); r.status != http.StatusSeeOther {
		t.Fatalf("a disabled account's cookie: %d", r.status)
	}
	body := `{"username":"tmp-disable","password":"` + testPassword + `"}`
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", body, jsonSameOrigin); r.status != 401 {
		t.Fatalf("a disabled account signs in: %d", r.status)
	}
	if n, _ := f.store.Sessions(ctx, "tmp-disable"); len(n) != 0 {
		t.Fatalf("a disabled account keeps %d sessions", len(n))
	}
	if _, err := f.store.SetDisabled(ctx, "tmp-disable", false); err != nil {
		t.Fatal(err)
	}
	apiLogin(t, f.srv, "tmp-disable")
	if n, _ := f.store.Sessions(ctx, "tmp-disable"); len(n) != 1 {
		t.Fatalf("sessions after enabling and signing in: %d", len(n))
	}
}

// TestLogoutFailsLoudly: when the session cannot be deleted, logout says
// so (500) and keeps the cookie instead of pretending.
func TestLogoutFailsLoudly(t *testing.T) {
	dir := t.TempDir()
	st, dbURL := openStore(t, dir)
	if _, err := st.AddUser(t.Context(), store.NewUser{Name: "someone", Role: catalog.RoleAuditor, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), st, nil, Options{HomeRegion: "610900"})
	if err != nil {
		t.Fatal(err)
	}
	token, cookie := apiLogin(t, srv, "someone")
	// A trigger makes every deletion of a session fail.
	noLogout := []string{`CREATE TRIGGER no_logout BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`}
	if st.Postgres() {
		noLogout = []string{
			`CREATE FUNCTION no_logout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`,
			`CREATE TRIGGER no_logout BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION no_logout()`,
		}
	}
	db := rawDB(t, dbURL, dir)
	for _, stmt := range noLogout {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	r := do(t, srv, http.MethodPost, "/api/v1/logout", "", map[string]string{"Authorization": "Bearer " + token})
	if r.status != http.StatusInternalServerError || !strings.Contains(r.body, "退出失败") {
		t.Fatalf("API logout that could not end the session: %d %s", r.status, r.body)
	}
	r = do(t, srv, http.MethodPost, "/logout", "csrf="+url.QueryEscape(srv.formToken(cookie.Value)),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com"}, cookie)
	if r.status != http.StatusInternalServerError || len((&http.Response{Header: r.header}).Cookies()) != 0 {
		t.Fatalf("page logout that could not end the session: %d, cookies %v", r.status, r.header.Values("Set-Cookie"))
	}
	if _, _, err := st.SessionUser(t.Context(), token); err != nil {
		t.Fatalf("the session should still be there: %v", err)
	}
}
