package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// errorPage is what a visitor reads of an error page: the heading, the
// paragraphs that say why, and the links of the page's own part (the
// header's links are not counted), href → text.
type errorPage struct {
	heading string
	text    string
	links   map[string]string
}

var (
	errPagePartRE    = regexp.MustCompile(`(?s)<div class="error-page">(.*?)<form `)
	errPageHeadingRE = regexp.MustCompile(`(?s)<h1>(.*?)</h1>`)
	errPageLinkRE    = regexp.MustCompile(`(?s)<a href="([^"]*)">(.*?)</a>`)
	errPageTagRE     = regexp.MustCompile(`<[^>]+>`)
)

func readErrorPage(t *testing.T, what string, r response) errorPage {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("%s: Content-Type %q, want an HTML page", what, ct)
	}
	m := errPagePartRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: no error page (div.error-page) in the answer:\n%s", what, r.body)
	}
	p := errorPage{links: map[string]string{}}
	if h := errPageHeadingRE.FindStringSubmatch(m[1]); h != nil {
		p.heading = html.UnescapeString(strings.TrimSpace(h[1]))
	}
	p.text = html.UnescapeString(errPageTagRE.ReplaceAllString(m[1], " "))
	for _, l := range errPageLinkRE.FindAllStringSubmatch(m[1], -1) {
		p.links[html.UnescapeString(l[1])] = html.UnescapeString(strings.TrimSpace(errPageTagRE.ReplaceAllString(l[2], "")))
	}
	if !strings.Contains(r.body, `id="q2"`) {
		t.Errorf("%s: the error page has no search box (#q2)", what)
	}
	return p
}

// wantLink fails the test unless the page links to href with text.
func (p errorPage) wantLink(t *testing.T, what, href, text string) {
	t.Helper()
	got, ok := p.links[href]
	switch {
	case !ok:
		t.Errorf("%s: no link to %s; the page links to %q", what, href, p.links)
	case got != text:
		t.Errorf("%s: the link to %s says %q, want %q", what, href, got, text)
	}
}

// wantText fails the test unless the page's text says each of says.
func (p errorPage) wantText(t *testing.T, what string, says ...string) {
	t.Helper()
	for _, s := range says {
		if !strings.Contains(p.text, s) {
			t.Errorf("%s: the page does not say %q; it says:\n%s", what, s, strings.Join(strings.Fields(p.text), " "))
		}
	}
}

// An editor who opens another department's item is told whose item it is,
// which department their own account belongs to, and how to get back: the
// workbench, the item's public guide, the home page.
func TestErrorPageForbiddenSaysWhy(t *testing.T) {
	f := seedServer(t)
	police := itemOf(t, f, "市公安局", "610900")
	_, hanyin := apiLogin(t, f.srv, "editor-hanyin")
	for _, path := range []string{"/edit/items/" + police.Code, "/edit/items/" + police.Code + "/history"} {
		r := get(t, f.srv, path, hanyin)
		if r.status != http.StatusForbidden {
			t.Fatalf("GET %s as editor-hanyin: %d, want 403", path, r.status)
		}
		p := readErrorPage(t, path, r)
		if p.heading != "您的账号不能打开这个页面" {
			t.Errorf("GET %s: the heading is %q", path, p.heading)
		}
		p.wantText(t, path, "这个事项由市公安局（安康市）负责维护。", "您登录的账号“editor-hanyin”属于汉阴县民政局，只能编辑本部门的事项。")
		p.wantLink(t, path, "/edit", "工作台")
		p.wantLink(t, path, "/items/"+url.PathEscape(police.Code), "查看“"+police.Name+"”的办事指南")
		p.wantLink(t, path, "/", "首页")
	}

	// A reviewer of another county is told the same of a review page.
	_, pingli := apiLogin(t, f.srv, "reviewer-pingli")
	path := "/review/items/" + police.Code
	r := get(t, f.srv, path, pingli)
	if r.status != http.StatusForbidden {
		t.Fatalf("GET %s as reviewer-pingli: %d, want 403", path, r.status)
	}
	p := readErrorPage(t, path, r)
	p.wantText(t, path, "这个事项由市公安局（安康市）负责维护。", "您登录的账号“reviewer-pingli”负责审核平利县的事项。")
	p.wantLink(t, path, "/edit", "工作台")
	p.wantLink(t, path, "/items/"+url.PathEscape(police.Code), "查看“"+police.Name+"”的办事指南")

	// A page no item owns (the audit page) says what the account is.
	_, editor := apiLogin(t, f.srv, "editor-police")
	r = get(t, f.srv, "/audit", editor)
	if r.status != http.StatusForbidden {
		t.Fatalf("GET /audit as editor-police: %d, want 403", r.status)
	}
	p = readErrorPage(t, "/audit", r)
	p.wantText(t, "/audit", "您登录的账号“editor-police”属于市公安局")
	p.wantLink(t, "/audit", "/edit", "工作台")
	if strings.Contains(p.text, "负责维护") {
		t.Errorf("/audit: the page names an owner of no item: %s", strings.Join(strings.Fields(p.text), " "))
	}
}

// A missing item's page suggests searching for its code and links home; an
// unknown address gets the same page, suggesting its last word.
func TestErrorPageNotFoundLinksToSearchAndHome(t *testing.T) {
	f := seedServer(t)
	for _, tc := range []struct {
		path, search, says string
	}{
		{"/items/NO-SUCH-CODE", "NO-SUCH-CODE", "没有找到编码为“NO-SUCH-CODE”的已发布事项。"},
		{"/items/NO-SUCH-CODE/brief", "NO-SUCH-CODE", "没有找到编码为“NO-SUCH-CODE”的已发布事项。"},
		{"/banshi/" + url.PathEscape("身份证"), "身份证", "事项可能已调整或编码有误"},
	} {
		r := get(t, f.srv, tc.path)
		if r.status != http.StatusNotFound {
			t.Fatalf("GET %s: %d, want 404", tc.path, r.status)
		}
		p := readErrorPage(t, tc.path, r)
		if p.heading != "没有找到这个页面或事项" {
			t.Errorf("GET %s: the heading is %q", tc.path, p.heading)
		}
		p.wantText(t, tc.path, tc.says)
		p.wantLink(t, tc.path, "/search?q="+url.QueryEscape(tc.search), "搜索“"+tc.search+"”")
		p.wantLink(t, tc.path, "/", "首页")
		if _, ok := p.links["/edit"]; ok {
			t.Errorf("GET %s: an anonymous visitor is offered the workbench", tc.path)
		}
		// The suggested search finds what it says.
		if r := get(t, f.srv, "/search?q="+url.QueryEscape(tc.search)); r.status != http.StatusOK {
			t.Errorf("the suggested search %s: %d", tc.search, r.status)
		}
	}
	// An address without a word to search for offers no search link.
	r := get(t, f.srv, "/nowhere/12345")
	if r.status != http.StatusNotFound {
		t.Fatalf("GET /nowhere/12345: %d, want 404", r.status)
	}
	p := readErrorPage(t, "/nowhere/12345", r)
	for href := range p.links {
		if strings.HasPrefix(href, "/search") {
			t.Errorf("GET /nowhere/12345 suggests %s", href)
		}
	}
	p.wantLink(t, "/nowhere/12345", "/", "首页")
}

// Other statuses keep their status and say why in their own words.
func TestErrorPageOtherStatuses(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/region?code=999999")
	if r.status != http.StatusBadRequest {
		t.Fatalf("GET /region?code=999999: %d, want 400", r.status)
	}
	p := readErrorPage(t, "/region?code=999999", r)
	if p.heading != "请求的内容有误" {
		t.Errorf("400: the heading is %q", p.heading)
	}
	p.wantText(t, "400", MsgUnknownRegion)
	p.wantLink(t, "400", "/", "首页")
}

// The JSON API's errors keep their shape and words: no page, no owner.
func TestErrorPageAPIErrorsUnchanged(t *testing.T) {
	f := seedServer(t)
	police := itemOf(t, f, "市公安局", "610900")
	hanyin := signIn(t, f, "editor-hanyin")
	for _, tc := range []struct {
		name   string
		r      response
		status int
		body   string
	}{
		{"GET /api/v1/items/NO-SUCH", get(t, f.srv, "/api/v1/items/NO-SUCH"), 404,
			`{"error":{"code":"not_found","message":"` + MsgNotFound + `"}}`},
		{"GET /api/v1/nowhere", get(t, f.srv, "/api/v1/nowhere"), 404,
			`{"error":{"code":"not_found","message":"` + MsgNoRoute + `"}}`},
		{"GET another department's draft", hanyin.call("GET", "/api/v1/items/"+police.Code+"/draft", "", nil), 403,
			`{"error":{"code":"forbidden","message":"` + MsgForbidden + `"}}`},
	} {
		if tc.r.status != tc.status || strings.TrimSpace(tc.r.body) != tc.body {
			t.Errorf("%s: %d %s, want %d %s", tc.name, tc.r.status, tc.r.body, tc.status, tc.body)
		}
		if ct := tc.r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", tc.name, ct)
		}
	}
}
