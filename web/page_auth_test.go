package web

import (
	"net/http"
	"testing"
)

// TestPageAuthorization: every editing page for every role — the policy
// is enforced by the server, not only hidden in the UI.
func TestPageAuthorization(t *testing.T) {
	f := seedServer(t)
	police := itemOf(t, f, "市公安局", "610900")
	cookies := map[string]*http.Cookie{"anonymous": nil}
	for _, u := range []string{"editor-police", "editor-hanyin", "reviewer-city", "reviewer-pingli", "auditor", "admin"} {
		_, cookies[u] = apiLogin(t, f.srv, u)
	}
	login := http.StatusSeeOther // anonymous visitors are sent to /login
	for _, tc := range []struct {
		path string
		want map[string]int
	}{
		{"/edit", map[string]int{"anonymous": login, "editor-police": 200, "reviewer-city": 200, "auditor": 200, "admin": 200}},
		{"/edit/items/" + police.Code, map[string]int{"anonymous": login, "editor-police": 200, "editor-hanyin": 403, "reviewer-pingli": 403, "admin": 200}},
		{"/edit/items/" + police.Code + "/history", map[string]int{"anonymous": login, "editor-police": 200, "editor-hanyin": 403, "reviewer-city": 200, "reviewer-pingli": 403, "auditor": 200}},
		// Reading a review page is a read; publishing from it is not (below).
		{"/review/items/" + police.Code, map[string]int{"anonymous": login, "editor-police": 200, "editor-hanyin": 403, "reviewer-pingli": 403, "auditor": 200}},
		{"/edit/new", map[string]int{"anonymous": login, "editor-police": 200, "auditor": 403}},
		{"/audit-log", map[string]int{"anonymous": login, "editor-police": 403, "reviewer-city": 403, "auditor": 200, "admin": 200}},
		{"/audit", map[string]int{"anonymous": login, "editor-police": 403, "reviewer-city": 403, "auditor": 200, "admin": 200}},
	} {
		for role, want := range tc.want {
			role, want := role, want
			t.Run(tc.path+"/"+role, func(t *testing.T) {
				var r response
				if c := cookies[role]; c != nil {
					r = get(t, f.srv, tc.path, c)
				} else {
					r = get(t, f.srv, tc.path)
				}
				if r.status != want {
					t.Fatalf("GET %s as %s: %d, want %d", tc.path, role, r.status, want)
				}
			})
		}
	}
}

// TestPagePublishNeedsAReviewer: the publish and reject forms refuse
// everyone but reviewers of the item's region (and admins).
func TestPagePublishNeedsAReviewer(t *testing.T) {
	f := seedServer(t)
	police := itemOf(t, f, "市公安局", "610900")
	for _, role := range []string{"editor-police", "auditor", "reviewer-pingli"} {
		_, c := apiLogin(t, f.srv, role)
		tok := f.srv.formToken(c.Value)
		for _, action := range []string{"publish", "reject"} {
			r := do(t, f.srv, http.MethodPost, "/review/items/"+police.Code+"/"+action, "base=1&reason=x&csrf="+tok,
				map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://example.com"}, c)
			if r.status != http.StatusForbidden {
				t.Errorf("%s as %s: %d, want 403", action, role, r.status)
			}
		}
	}
}
