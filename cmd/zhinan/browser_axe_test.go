package main

// Accessibility checks: axe-core (the npm package axe-core, pinned in
// .ci/run) is injected into each page a citizen, a clerk or an auditor
// uses, at a desktop's and a phone's width, and any serious or critical
// violation fails the test. Same conventions as browser_test.go: a real
// Chromium against a real `zhinan serve`, waits for conditions only.
//
// axe-core is read from $AXE_CORE_JS (CI sets it), else from the cache
// folder .ci/run installs it to; without it the test skips, except under
// CI (CI=true), where it fails.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhinan/catalog"
)

// axeVersion is the axe-core release .ci/run installs.
const axeVersion = "4.14.1"

// findAxe returns the text of axe.min.js, or skips the test (fails it
// under CI) when there is none.
func findAxe(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AXE_CORE_JS")
	if p == "" {
		if cache, err := os.UserCacheDir(); err == nil { // $XDG_CACHE_HOME or ~/.cache, as in .ci/run
			local := filepath.Join(cache, "zhinan-ci", "axe-core-"+axeVersion, "node_modules", "axe-core", "axe.min.js")
			if _, err := os.Stat(local); err == nil {
				p = local
			}
		}
	}
	if p == "" {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatal("CI is set but axe-core was not found ($AXE_CORE_JS, or the cache folder of .ci/run): " +
				"CI must run the accessibility checks; .ci/run installs axe-core@" + axeVersion + " with npm and sets AXE_CORE_JS")
		}
		t.Skip("no axe-core ($AXE_CORE_JS): install it with `npm install --prefix ~/.cache/zhinan-ci/axe-core-" + axeVersion +
			" axe-core@" + axeVersion + "`, or set AXE_CORE_JS to axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("AXE_CORE_JS: %v", err)
	}
	if !strings.Contains(string(b), "axe") {
		t.Fatalf("%s is not axe-core", p)
	}
	return string(b)
}

// axeViolation is what the test reads of an axe-core violation.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeRun is axe.run over the whole document, its violations with each
// node's selector path (shadow DOM paths joined with " >>> ").
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help,
	nodes: v.nodes.map(n => ({
		target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
		summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
	})),
})))`

// maxAxeNodes is how many nodes of a violation the failure names.
const maxAxeNodes = 4

// axeCheck runs axe-core on the page the tab shows and fails the test for
// each serious or critical violation, naming the page, the rule, its
// impact and help, and the first nodes; lesser violations are logged.
func (tb *tab) axeCheck(page, axeJS string) {
	tb.t.Helper()
	// The document must be complete, with the page's own script run.
	tb.mustWaitFor(page+": the document loaded", `document.readyState === 'complete'`)
	vs := tb.axeViolations(page, axeJS)
	var bad []string
	for _, v := range vs {
		var nodes []string
		for i, n := range v.Nodes {
			if i == maxAxeNodes {
				nodes = append(nodes, fmt.Sprintf("… %d more", len(v.Nodes)-maxAxeNodes))
				break
			}
			nodes = append(nodes, fmt.Sprintf("%s (%s)", strings.Join(n.Target, " "), n.Summary))
		}
		line := fmt.Sprintf("%s [%s] %s — %d nodes:\n\t\t%s", v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(nodes, "\n\t\t"))
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, line)
		} else {
			tb.t.Logf("%s (%s): axe-core %s", page, tb.location(), line)
		}
	}
	if len(bad) > 0 {
		tb.shot("axe-" + page)
		tb.t.Errorf("%s (%s): axe-core finds %d serious or critical violations:\n\t%s", page, tb.location(), len(bad), strings.Join(bad, "\n\t"))
	} else {
		tb.t.Logf("%s: no serious or critical axe-core violation (%d lesser)", page, len(vs))
	}
}

// axeViolations injects axe-core into the page the tab shows (once per
// document) and returns what axe.run finds.
func (tb *tab) axeViolations(page, axeJS string) []axeViolation {
	tb.t.Helper()
	if !eval[bool](tb, `typeof window.axe === 'object' && typeof window.axe.run === 'function'`) {
		tb.do(page+": inject axe-core", chromedp.Evaluate[chromedp.Void](axeJS+"\n;undefined"))
	}
	vs, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fail(page+": axe.run", err)
	}
	return vs
}

// axeOpen loads path, checks its HTTP status, and runs axeCheck on it.
func (tb *tab) axeOpen(page, path string, status int64, axeJS string) {
	tb.t.Helper()
	if got := tb.navigate(path); got != status {
		tb.t.Errorf("%s: GET %s: HTTP %d, want %d", page, path, got, status)
	}
	tb.axeCheck(page, axeJS)
}

// apiAs sends a JSON API request as a script with a bearer token and
// returns the status and the body.
func apiAs(t *testing.T, srv *server, method, path, token string, header map[string]string, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// submitForReview makes a new edition of the item as the editor would
// (the published text, saved as a draft) and submits it, so that the item
// has a review page.
func submitForReview(t *testing.T, srv *server, user, code string) {
	t.Helper()
	status, body := apiAs(t, srv, "POST", "/api/v1/login", "", nil, fmt.Sprintf(`{"username":%q,"password":%q}`, user, browserPassword))
	var login struct{ Token string }
	if status != 200 || json.Unmarshal(body, &login) != nil || login.Token == "" {
		t.Fatalf("log in %s through the API: %d %s", user, status, body)
	}
	path := "/api/v1/items/" + url.PathEscape(code)
	status, body = apiAs(t, srv, "GET", path+"/draft", login.Token, nil, "")
	var w struct {
		catalog.Item
		Edition int `json:"edition"`
	}
	if status != 200 || json.Unmarshal(body, &w) != nil || w.Edition < 1 {
		t.Fatalf("GET %s/draft: %d %s", path, status, body)
	}
	// A change: an unchanged save is no new edition, nothing to submit.
	w.Item.Conditions += "（经无障碍检查）"
	item, err := json.Marshal(&w.Item)
	if err != nil {
		t.Fatal(err)
	}
	note := url.Values{"note": {"无障碍检查"}}.Encode()
	status, body = apiAs(t, srv, "PUT", path+"/draft?"+note, login.Token, map[string]string{"If-Match": strconv.Itoa(w.Edition)}, string(item))
	var saved struct{ Edition int }
	if status != 200 || json.Unmarshal(body, &saved) != nil || saved.Edition < 1 {
		t.Fatalf("PUT %s/draft: %d %s", path, status, body)
	}
	status, body = apiAs(t, srv, "POST", path+"/submit", login.Token, map[string]string{"If-Match": strconv.Itoa(saved.Edition)}, "")
	if status != 200 {
		t.Fatalf("POST %s/submit: %d %s", path, status, body)
	}
}

// TestBrowserAxe: no page a citizen, a clerk or an auditor uses has a
// serious or critical accessibility violation that axe-core finds — home,
// search results, the guide, its print and brief views, the 404 pages,
// login, the 指南有误 and 办不成事 forms, a citizen's ticket, the
// workbench, the edit form, the department's tickets, the 403 page, the
// review page and the audit page — at 1280 px and at 375 px.
func TestBrowserAxe(t *testing.T) {
	findChromium(t) // before the server: skip at once
	axeJS := findAxe(t)
	data := t.TempDir()
	srv := startServer(t, data)
	addUser(t, data, "axe-editor", "--role", "editor", "--department", "市公安局", "--region", "610900")
	addUser(t, data, "axe-admin", "--role", "admin")

	// The item of the guide, edit and review pages: a published guide of
	// 市公安局 (the editor's department) with materials; the 403 page is
	// the edit page of another department's item.
	var mine, other string
	for _, q := range []url.Values{
		{"department": {"市公安局"}, "region": {"610900"}, "group": {"none"}},
		{"q": {"公积金"}, "group": {"none"}},
	} {
		for _, h := range apiSearchFor(t, srv, q).Hits {
			var it browserItem
			if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(h.Code), &it); status != 200 {
				t.Fatalf("GET /api/v1/items/%s: %d", h.Code, status)
			}
			switch {
			case mine == "" && it.Department == "市公安局" && it.Region == "610900" && len(it.Materials) > 0:
				mine = it.Code
			case other == "" && it.Department != "市公安局":
				other = it.Code
			}
		}
	}
	if mine == "" || other == "" {
		t.Fatalf("the seed catalogue no longer suits this test: 市公安局's guide %q, another department's %q", mine, other)
	}
	submitForReview(t, srv, "axe-editor", mine)
	guide := "/items/" + url.PathEscape(mine)
	// A 差评 of the guide, whose ticket the citizen's link and the
	// editor's ticket pages show.
	status, body := apiAs(t, srv, "POST", "/api/v1/ratings", "", nil,
		`{"target":{"kind":"item","code":`+strconv.Quote(mine)+`},"level":1,"reasons":["guide_wrong"],"comment":"材料与窗口不一致"}`)
	var rated struct {
		Ticket struct {
			Token string `json:"token"`
		} `json:"ticket"`
	}
	if err := json.Unmarshal(body, &rated); status != 201 || err != nil || rated.Ticket.Token == "" {
		t.Fatalf("POST /api/v1/ratings: %d %s", status, body)
	}

	for _, size := range []tabOptions{
		{width: desktopWidth, height: desktopHeight},
		{width: 375, height: phoneHeight, phone: true},
	} {
		t.Run(strconv.Itoa(size.width), func(t *testing.T) {
			t.Run("citizen", func(t *testing.T) {
				tb := newTab(t, srv, size)
				tb.axeOpen("home", "/", 200, axeJS)
				tb.axeOpen("search", "/search?q="+url.QueryEscape("身份证"), 200, axeJS)
				tb.axeOpen("guide", guide, 200, axeJS)
				tb.axeOpen("print", guide+"?print=1", 200, axeJS)
				tb.axeOpen("brief", guide+"/brief", 200, axeJS)
				tb.axeOpen("404-item", "/items/NO-SUCH-ITEM", 404, axeJS)
				tb.shot("404")
				tb.axeOpen("404-route", "/banshi/"+url.PathEscape("身份证"), 404, axeJS)
				tb.axeOpen("login", "/login", 200, axeJS)
				tb.axeOpen("report", guide+"/report?section=materials", 200, axeJS)
				tb.axeOpen("fail", "/fail?item="+url.QueryEscape(mine), 200, axeJS)
				tb.axeOpen("ticket", "/tickets/"+rated.Ticket.Token, 200, axeJS)
				tb.axeOpen("api-docs", "/api/docs", 200, axeJS)
				// The check itself works: an image without a text
				// alternative added to the page is a critical violation.
				tb.do("add an image without alt", chromedp.Evaluate[chromedp.Void](
					`document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'data:,', id: 'axe-probe'}))`))
				found := false
				for _, v := range tb.axeViolations("login with an image without alt", axeJS) {
					for _, n := range v.Nodes {
						found = found || (v.ID == "image-alt" && v.Impact == "critical" && strings.Join(n.Target, " ") == "#axe-probe")
					}
				}
				if !found {
					t.Errorf("axe-core does not report an image without alt (#axe-probe) as image-alt, critical: the check is broken")
				}
			})
			t.Run("editor", func(t *testing.T) {
				tb := newTab(t, srv, size)
				tb.login("axe-editor")
				tb.axeCheck("workbench", axeJS)
				tb.axeOpen("edit-form", "/edit/items/"+url.PathEscape(mine), 200, axeJS)
				tb.axeOpen("tickets", "/edit/tickets", 200, axeJS)
				ticket := eval[string](tb, `(document.querySelector('tr.dept-ticket-row td.num a') || {}).pathname || ''`)
				if ticket == "" {
					t.Fatalf("the editor's ticket list has no ticket")
				}
				tb.axeOpen("ticket", ticket, 200, axeJS)
				tb.axeOpen("403", "/edit/items/"+url.PathEscape(other), 403, axeJS)
				tb.shot("403")
				if got := text(tb, ".error-page"); !strings.Contains(got, "负责维护") || !strings.Contains(got, "axe-editor") {
					t.Errorf("the 403 page does not say whose item it is and whose account is used: %q", got)
				}
				if !eval[bool](tb, `!!document.querySelector('.error-page a[href="/edit"]') && !!document.querySelector('.error-page a[href="/"]')`) {
					t.Errorf("the 403 page does not link back to 工作台 and 首页")
				}
			})
			t.Run("admin", func(t *testing.T) {
				tb := newTab(t, srv, size)
				tb.login("axe-admin")
				tb.axeOpen("review", "/review/items/"+url.PathEscape(mine), 200, axeJS)
				tb.axeOpen("audit", "/audit", 200, axeJS)
				tb.axeOpen("tokens", "/admin/tokens", 200, axeJS)
			})
		})
	}
}
