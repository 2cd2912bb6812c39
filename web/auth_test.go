package web

import (
	"encoding/json"

	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"zhinan/catalog"
)

// do sends a request with a body and headers.
func do(t testing.TB, h http.Handler, method, target, body string, header map[string]string, cookies ...*http.Cookie) response {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Result().Header, rec.Body.String()}
}

// apiLogin signs in through the API and returns the token and cookie.
func apiLogin(t testing.TB, h http.Handler, user string) (string, *http.Cookie) {
	t.Helper()
	r := do(t, h, http.MethodPost, "/api/v1/login", `{"username":"`+user+`","password":"`+testPassword+`"}`,
		map[string]string{"Content-Type": "application/json"})
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
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"auditor","password":"wrong password"}`, nil); r.status != 401 ||
		!strings.Contains(r.body, "用户名或密码错误") {
		t.Fatalf("wrong password: %d %s", r.status, r.body)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":`, nil); r.status != 400 {
		t.Fatalf("malformed body: %d", r.status)
	}
	if r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"`+strings.Repeat("a", 2<<20)+`"}`, nil); r.status != 413 {
		t.Fatalf("huge body: %d", r.status)
	}
	log, err := f.store.AuditLog(t.Context(), catalog.AuditFilter{User: "auditor"})
	if err != nil || len(log) < 3 || log[0].Action != catalog.AuditLoginFailed || log[1].Action != catalog.AuditLogout || log[2].Action != catalog.AuditLogin {
		t.Fatalf("audit log of the logins: %+v", log)
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := seedServer(t)
	h := f.srv
	f.srv.limiter = newLoginLimiter()
	t.Cleanup(func() { f.srv.limiter = newLoginLimiter() }) // the other tests sign in from the same address
	for i := 0; i < loginMaxFailures; i++ {
		r := do(t, h, http.MethodPost, "/api/v1/login", `{"username":"admin","password":"guess `+itoa(i)+`"}`, nil)
		if r.status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.status)
		}
	}
	r := do(t, h, http.MethodPost, "/api/v1/login", `{"username":"admin","password":"`+testPassword+`"}`, nil)
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
