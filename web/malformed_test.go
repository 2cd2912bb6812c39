package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestMalformedKeysAreNotErrors: an item code, region, department or user
// name that is not text a database can hold (invalid UTF-8, a NUL) names
// nothing — the page or API answers as for any unknown key, never 500. On
// PostgreSQL such a parameter once failed the query (SQLite compares any
// bytes).
func TestMalformedKeysAreNotErrors(t *testing.T) {
	f := seedServer(t)
	admin := signIn(t, f, "admin")
	routes := []string{
		"/items/KEY", "/items/KEY/brief", "/departments/KEY", "/regions/KEY", "/region?code=KEY",
		"/search?region=KEY&department=KEY", "/api/v1/search?q=KEY&region=KEY&department=KEY",
		"/api/v1/items/KEY", "/api/v1/items/KEY/draft", "/api/v1/items/KEY/editions",
		"/api/v1/items/KEY/diff?from=1&to=2", "/api/v1/audit-log?user=KEY", "/api/v1/audit-log?item=KEY",
		"/api/v1/departments?region=KEY", "/api/v1/coverage?region=KEY", "/audit?department=KEY",
		"/audit?kind=quality&department=KEY", "/audit/download?kind=quality&department=KEY&format=csv",
		"/audit-log?user=KEY&item=KEY", "/edit/items/KEY", "/edit/items/KEY/history", "/review/items/KEY",
	}
	for _, route := range routes {
		for _, key := range []string{"%FF", "a%00b", "%E5%90"} {
			target := strings.ReplaceAll(route, "KEY", key)
			if r := admin.call(http.MethodGet, target, "", nil); r.status >= 500 {
				t.Errorf("GET %s: %d %.200s", target, r.status, r.body)
			}
		}
	}
	// Signing in with such a name is a failed login.
	freshLimiter(t, f)
	r := do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"a\u0000b","password":"wrong password"}`, jsonHeader)
	if r.status != http.StatusUnauthorized {
		t.Fatalf("login with a NUL in the name: %d %s", r.status, r.body)
	}
}
