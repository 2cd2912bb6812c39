package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestOpenAPIDocumentIsServed: GET /api/v1/openapi.json is the repository's
// document as JSON, revalidated by its ETag, and it names every API route
// the server has (and no other).
func TestOpenAPIDocumentIsServed(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/api/v1/openapi.json")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	if r2 := getWith(t, f.srv, "/api/v1/openapi.json", map[string]string{"If-None-Match": r.header.Get("ETag")}); r2 != http.StatusNotModified {
		t.Errorf("revalidated: %d", r2)
	}

	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	served := map[string]bool{}
	for _, rt := range f.srv.handler.(*gin.Engine).Routes() {
		if rt.Method == http.MethodHead || !(strings.HasPrefix(rt.Path, "/api/v1/") || rt.Path == "/healthz") {
			continue
		}
		served[rt.Method+" "+param.ReplaceAllString(rt.Path, "{$1}")] = true
	}
	for op := range served {
		if !documented[op] {
			t.Errorf("%s is served but not in web/openapi.yaml", op)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("%s is in web/openapi.yaml but not served", op)
		}
	}
}

// TestAPIDocsPage: /api/docs shows every operation and schema of the
// document, in Chinese, with nothing loaded from another host.
func TestAPIDocsPage(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/api/docs")
	if r.status != 200 {
		t.Fatalf("/api/docs: %d", r.status)
	}
	mustContain(t, "api docs", r.body, "开放接口文档", `href="/api/v1/openapi.json"`,
		"<code>GET /api/v1/search</code> 搜索事项", "<code>PUT /api/v1/items/{code}/draft</code> 保存草稿",
		`id="schema-SearchResult"`, `href="#schema-DraftItem"`, "需登录（会话或 Bearer 令牌）", "<code>If-Match</code>")
	for _, op := range f.srv.apiDoc.page.Tags {
		for _, o := range op.Ops {
			mustContain(t, "api docs", r.body, `id="op-`+o.ID+`"`)
		}
	}
	if m := regexp.MustCompile(`(?:src|href)="(?:https?:)?//`).FindString(r.body); m != "" {
		t.Errorf("the page loads from another host: %s", m)
	}
	// The site's footer links the page.
	mustContain(t, "home", get(t, f.srv, "/").body, `href="/api/docs"`)
}

// TestThemesAPI: the theme facet of the whole catalogue.
func TestThemesAPI(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/api/v1/themes")
	var body struct {
		Themes []struct {
			Value, Label string
			Count        int
		}
	}
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 {
		t.Fatalf("themes: %d %v", r.status, err)
	}
	if len(body.Themes) == 0 {
		t.Fatal("no themes")
	}
	for i, th := range body.Themes {
		if th.Value == "" || th.Count <= 0 || (i > 0 && th.Count > body.Themes[i-1].Count) {
			t.Errorf("theme %d: %+v (most first, each counted)", i, th)
		}
	}
}

// TestAPICheckerRefusesWhatTheDocumentDoesNotSay: the checker the tests
// run every answer through fails an answer with a member too many or too
// few, a wrong type, an undocumented status or an undocumented route.
func TestAPICheckerRefusesWhatTheDocumentDoesNotSay(t *testing.T) {
	c, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	good := `{"suggestions":["居民身份证换领"]}`
	for _, tc := range []struct {
		name, method, target string
		status               int
		body                 string
		ok                   bool
	}{
		{"as documented", "GET", "/api/v1/suggest?q=sfz", 200, good, true},
		{"an error as documented", "GET", "/api/v1/suggest?q=x", 400, `{"error":{"code":"bad_request","message":"搜索词最多 200 个字","field":"q"}}`, true},
		{"a member too many", "GET", "/api/v1/suggest?q=sfz", 200, `{"suggestions":[],"took_ms":1}`, false},
		{"a required member missing", "GET", "/api/v1/suggest?q=sfz", 200, `{}`, false},
		{"a wrong type", "GET", "/api/v1/suggest?q=sfz", 200, `{"suggestions":"居民身份证换领"}`, false},
		{"an undocumented status", "GET", "/api/v1/suggest?q=sfz", 418, good, false},
		{"an unknown error code", "GET", "/api/v1/suggest?q=x", 400, `{"error":{"code":"oops","message":"x"}}`, false},
		{"an undocumented route", "GET", "/api/v1/secrets", 200, good, false},
		{"an unknown route's 404", "GET", "/api/v1/secrets", 404, `{"error":{"code":"not_found","message":"请求的地址不存在"}}`, true},
		{"a page is not checked", "GET", "/search?q=x", 200, "<html>", true},
	} {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		err := c.Check(req, tc.status, json, []byte(tc.body))
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
