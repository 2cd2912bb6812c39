package web

import (
	"net/http"
	"net/url"
	"testing"
)

// revalidate asks for target again with the ETag of an earlier answer and
// returns the new answer.
func revalidate(t *testing.T, h http.Handler, target, etag string) response {
	t.Helper()
	return do(t, h, http.MethodGet, target, "", map[string]string{"If-None-Match": etag})
}

// TestPublicReadsAreRevalidated: items, search and coverage answer with an
// ETag and a Cache-Control; asked again with the ETag they answer 304 and
// no body while nothing changed, and the full answer with another ETag for
// another request or once the item changed (TestEditingFlowThroughTheAPI).
func TestPublicReadsAreRevalidated(t *testing.T) {
	f := seedServer(t)
	item := "/api/v1/items/" + f.cat.Items[0].Code
	for _, tc := range []struct {
		target, other, cacheControl string
	}{
		{item, "/api/v1/items/" + f.cat.Items[1].Code, cacheItem},
		{"/api/v1/search?q=" + url.QueryEscape("身份证"), "/api/v1/search?q=" + url.QueryEscape("身份证") + "&page=2", cacheSearch},
		{"/api/v1/search?q=" + url.QueryEscape("宝宝出生要办什么"), "/api/v1/search?q=" + url.QueryEscape("结婚登记"), cacheSearch},
		{"/api/v1/coverage", "/api/v1/coverage?by=department", cacheCoverage},
	} {
		first := get(t, f.srv, tc.target)
		etag := first.header.Get("ETag")
		if first.status != http.StatusOK || etag == "" || first.header.Get("Cache-Control") != tc.cacheControl {
			t.Fatalf("%s: %d, ETag %q, Cache-Control %q", tc.target, first.status, etag, first.header.Get("Cache-Control"))
		}
		again := revalidate(t, f.srv, tc.target, etag)
		if again.status != http.StatusNotModified || again.body != "" || again.header.Get("ETag") != etag {
			t.Errorf("%s with its ETag: %d, %d bytes, ETag %q (was %q)", tc.target, again.status, len(again.body), again.header.Get("ETag"), etag)
		}
		if r := revalidate(t, f.srv, tc.target, `"other", `+etag); r.status != http.StatusNotModified {
			t.Errorf("%s with a list naming its ETag: %d", tc.target, r.status)
		}
		if r := do(t, f.srv, http.MethodGet, tc.target, "", map[string]string{"Authorization": "Bearer not-a-token"}); r.header.Get("Cache-Control") != noStore {
			t.Errorf("%s with credentials: Cache-Control %q", tc.target, r.header.Get("Cache-Control"))
		}
		other := revalidate(t, f.srv, tc.other, etag)
		if other.status != http.StatusOK || other.header.Get("ETag") == etag || other.body == "" {
			t.Errorf("%s with the ETag of %s: %d, ETag %q", tc.other, tc.target, other.status, other.header.Get("ETag"))
		}
	}
}
