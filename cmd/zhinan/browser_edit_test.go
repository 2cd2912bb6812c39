package main

// Browser tests of the signed-in pages: an editor changes a guide and
// submits it, a reviewer sees the diff and publishes it, and citizens see
// the change on the guide page and in search; an auditor's coverage page
// shows the charts and the very numbers of the coverage API. Same
// conventions as browser_test.go: a real Chromium against a real `zhinan
// serve`, screenshots named after the test, waits for conditions only.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhinan/report"
)

// browserPassword is the password of the accounts the tests create.
const browserPassword = "browser-test-password"

// addUser creates an account in the data directory of a running server,
// as an administrator would: `zhinan user add` in a separate process, the
// password on its standard input.
func addUser(t *testing.T, data, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(binary, append(append([]string{"user", "add", name}, args...), "--data", data)...)
	cmd.Stdin = strings.NewReader(browserPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("zhinan user add %s: %v\n%s", name, err, out)
	}
}

// login signs in on the login page, as name, and checks that the browser
// lands signed in on the workbench.
func (tb *tab) login(name string) {
	tb.t.Helper()
	if status := tb.navigate("/login"); status != 200 {
		tb.fail("the login page", fmt.Errorf("HTTP %d", status))
	}
	tb.do("fill in the login form",
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), browserPassword))
	tb.shot("login-" + name)
	if status := tb.follow("the 登录 button", chromedp.Click(chromedp.CSS(".login-form button[type=submit]"))); status != 200 {
		tb.fail("log in as "+name, fmt.Errorf("HTTP %d", status))
	}
	if got := eval[string](tb, `location.pathname + ' ' + ((document.querySelector('.account .who') || {}).textContent || '(not signed in)').trim()`); got != "/edit "+name {
		tb.fail("log in as "+name, fmt.Errorf("the browser is at %q, want the workbench /edit signed in as %s", got, name))
	}
}

// logout presses the header's 退出 button and checks that the browser is
// signed out.
func (tb *tab) logout() {
	tb.t.Helper()
	if status := tb.follow("the 退出 button", chromedp.Click(chromedp.CSS(`nav.account form[action="/logout"] button[type=submit]`))); status != 200 {
		tb.fail("log out", fmt.Errorf("HTTP %d", status))
	}
	if !eval[bool](tb, `!document.querySelector('.account .who') && !!document.querySelector('.account a[href="/login"]')`) {
		tb.fail("log out", fmt.Errorf("the header still shows a signed-in user"))
	}
}

// text is the trimmed text of the first element sel matches, or "".
func text(tb *tab, sel string) string {
	tb.t.Helper()
	return eval[string](tb, `((document.querySelector(`+js(sel)+`) || {}).textContent || '').trim()`)
}

// browserItem is what TestBrowserEditorReviewerFlow reads of GET
// /api/v1/items/{code}.
type browserItem struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Region     string `json:"region"`
	Edition    int    `json:"edition"`
	Materials  []struct {
		Name string `json:"name"`
	} `json:"materials"`
}

func TestBrowserEditorReviewerFlow(t *testing.T) {
	findChromium(t) // before the server: skip at once
	data := t.TempDir()
	srv := startServer(t, data) // seeds the data directory
	addUser(t, data, "editor", "--role", "editor", "--department", "市公安局", "--region", "610900")
	addUser(t, data, "reviewer", "--role", "reviewer", "--region", "610900")
	// The new material name; its word 浏览器 is in no seed guide, so that a
	// search for it finds the changed guide alone.
	const (
		newName = "户口簿（浏览器测试）"
		word    = "浏览器"
		note    = "浏览器测试：更正第一项材料的名称"
	)
	if res := apiSearchFor(t, srv, url.Values{"q": {word}}); res.Total != 0 {
		t.Fatalf("the seed catalogue no longer suits this test: %d guides found for %s before the change", res.Total, word)
	}
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})

	// The editor's workbench lists the department's items.
	tb.login("editor")
	tb.mustWaitFor("the workbench's list of the department's items (本部门的事项)",
		`document.querySelectorAll('section[aria-labelledby="mine-h"] table.queue tbody tr').length > 0`)
	tb.shot("workbench")
	rows := eval[[]map[string]string](tb, `Array.from(document.querySelectorAll('section[aria-labelledby="mine-h"] table.queue tbody tr'), tr => ({
		code: (tr.querySelector('td.code') || {}).textContent || '',
		published: tr.querySelector('.state-published') ? 'yes' : '',
		edit: (tr.querySelector('a[href^="/edit/items/"]') || {}).getAttribute?.('href') || ''
	}))`)
	var it browserItem
	for _, r := range rows {
		code := strings.TrimSpace(r["code"])
		if r["published"] == "" || r["edit"] != "/edit/items/"+code {
			continue
		}
		var cand browserItem
		if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(code), &cand); status != 200 {
			t.Fatalf("GET /api/v1/items/%s (listed on the editor's workbench): %d", code, status)
		}
		if cand.Department != "市公安局" || cand.Region != "610900" {
			t.Errorf("the editor's workbench lists %s of %s %s, not of 市公安局 610900", code, cand.Region, cand.Department)
			continue
		}
		if cand.Edition == 1 && len(cand.Materials) > 0 && cand.Materials[0].Name != "" {
			it = cand
			break
		}
	}
	if it.Code == "" {
		t.Fatalf("no published item of 市公安局 with materials on the editor's workbench (%d rows)", len(rows))
	}
	code, oldName := it.Code, it.Materials[0].Name
	t.Logf("changing the first material of %s %s: %s → %s", code, it.Name, oldName, newName)

	// The edit form: change the first material's name, write the change
	// note, submit for review.
	editLink := fmt.Sprintf(`section[aria-labelledby="mine-h"] a[href="/edit/items/%s"]`, code)
	if status := tb.follow("the 编辑 link of "+code, chromedp.Click(chromedp.CSS(editLink))); status != 200 {
		t.Fatalf("the edit form of %s: HTTP %d", code, status)
	}
	tb.do("the edit form", chromedp.WaitVisible(chromedp.CSS("form.guide-form #f-materials-0-name")))
	if got := eval[string](tb, `document.getElementById('f-materials-0-name').value`); got != oldName {
		t.Fatalf("the edit form's first material is %q, the published guide's %q", got, oldName)
	}
	tb.do("type the new material name and the change note",
		chromedp.Clear(chromedp.CSS("#f-materials-0-name")),
		chromedp.SendKeys(chromedp.CSS("#f-materials-0-name"), newName),
		chromedp.SendKeys(chromedp.CSS("#f-note"), note))
	if got := eval[string](tb, `document.getElementById('f-materials-0-name').value + '|' + document.getElementById('f-note').value.trim()`); got != newName+"|"+note {
		t.Fatalf("the form holds %q after typing, want %q", got, newName+"|"+note)
	}
	tb.shot("edited")
	submit := `form.guide-form button[type=submit][name=action][value=submit]`
	if b := text(tb, submit); b != "提交审核" {
		t.Errorf("the submit button says %q, want 提交审核", b)
	}
	if status := tb.follow("the 提交审核 button", chromedp.Click(chromedp.CSS(submit))); status != 200 {
		t.Fatalf("submitting %s: HTTP %d", code, status)
	}
	if loc := eval[string](tb, `location.pathname + location.search`); loc != "/edit/items/"+code+"?submitted=2" {
		t.Errorf("submitting went to %s, want /edit/items/%s?submitted=2", loc, code)
	}
	tb.mustWaitFor("the submitted state: the notice 第 2 版已提交审核 and the state 待审核", `(() => {
		const n = Array.from(document.querySelectorAll('.notice.success'), e => e.textContent).join(' ');
		const s = document.querySelector('.edit-meta .state-submitted');
		return n.includes('第 2 版已提交审核') && !!s && s.textContent.trim() === '待审核';
	})()`)
	if got := eval[string](tb, `document.getElementById('f-materials-0-name').value`); got != newName {
		t.Errorf("after submitting, the form's first material is %q, want %q", got, newName)
	}
	tb.shot("submitted")
	tb.logout()

	// The reviewer: the queue, the diff, publish.
	tb.login("reviewer")
	reviewLink := fmt.Sprintf(`section[aria-labelledby="review-h"] a[href="/review/items/%s"]`, code)
	tb.mustWaitFor("the review queue lists "+code, `!!document.querySelector(`+js(reviewLink)+`)`)
	tb.shot("review-queue")
	if status := tb.follow("the 审核 link of "+code, chromedp.Click(chromedp.CSS(reviewLink))); status != 200 {
		t.Fatalf("the review page of %s: HTTP %d", code, status)
	}
	tb.do("the diff", chromedp.WaitVisible(chromedp.CSS(".diff")))
	diff := eval[map[string]bool](tb, fmt.Sprintf(`(() => {
		const list = Array.from(document.querySelectorAll('.diff section.diff-list')).find(s => s.getAttribute('aria-label') === '申请材料');
		if (!list) return {list: false};
		const has = (sel, s) => Array.from(list.querySelectorAll(sel)).some(e => e.textContent.includes(s));
		return {
			list: true,
			old: has('ul.diff-elems.removed li, del', %[1]s),
			new: has('ul.diff-elems.added li, ins', %[2]s),
			note: (document.querySelector('section[aria-labelledby="note-h"]') || {textContent: ''}).textContent.includes(%[3]s),
		};
	})()`, js(oldName), js(newName), js(note)))
	switch {
	case !diff["list"]:
		t.Errorf("the review page's diff has no 申请材料 list")
	default:
		if !diff["old"] {
			t.Errorf("the review page's diff does not show the old material %q (removed or changed from)", oldName)
		}
		if !diff["new"] {
			t.Errorf("the review page's diff does not show the new material %q (added or changed to)", newName)
		}
	}
	if !diff["note"] {
		t.Errorf("the review page does not show the change note %q", note)
	}
	tb.shot("review")
	publish := `form.publish-form button[type=submit]`
	if b := text(tb, publish); b != "审核通过，发布第 2 版" {
		t.Errorf("the publish button says %q, want 审核通过，发布第 2 版", b)
	}
	if status := tb.follow("the 发布 button", chromedp.Click(chromedp.CSS(publish))); status != 200 {
		t.Fatalf("publishing %s: HTTP %d", code, status)
	}
	tb.mustWaitFor("the workbench's notice 已发布事项 "+code, fmt.Sprintf(`location.pathname === '/edit' &&
		Array.from(document.querySelectorAll('.notice.success'), e => e.textContent).join(' ').includes(%s)`, js("已发布事项 "+code)))
	if eval[bool](tb, `!!document.querySelector(`+js(reviewLink)+`)`) {
		t.Errorf("after publishing, the review queue still lists %s", code)
	}
	tb.shot("published")
	published := time.Now()
	tb.logout()
	tb.shot("logged-out")

	// A citizen, in a browser of their own: the guide page shows the new
	// material.
	visitor := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	visitor.shots = tb.shots // one numbering of the test's screenshots
	if status := visitor.navigate("/items/" + url.PathEscape(code)); status != 200 {
		t.Fatalf("GET /items/%s: HTTP %d", code, status)
	}
	visitor.do("the materials table", chromedp.WaitVisible(chromedp.CSS("table.materials")))
	if eval[bool](visitor, `!!document.querySelector('.account .who')`) {
		t.Errorf("the visitor's browser is signed in")
	}
	mats := eval[[]string](visitor, `Array.from(document.querySelectorAll('table.materials tbody tr th'), th => th.textContent.trim())`)
	if len(mats) != len(it.Materials) || mats[0] != newName {
		t.Errorf("the guide page's materials are %q; want %d, the first %q", mats, len(it.Materials), newName)
	}
	if containsString(mats, oldName) && !sameMaterialTwice(it, oldName) {
		t.Errorf("the guide page still lists the old material %q: %q", oldName, mats)
	}
	visitor.shot("guide")

	// Search finds the change: the index catches up within a few seconds.
	var found bool
	deadline := published.Add(15 * time.Second)
	for {
		if status := visitor.navigate("/search?q=" + url.QueryEscape(word)); status != 200 {
			t.Fatalf("GET /search?q=%s: HTTP %d", word, status)
		}
		if found = eval[bool](visitor, fmt.Sprintf(`!!document.querySelector('.hit h2 a[href="/items/%s"]')`, code)); found || time.Now().After(deadline) {
			break
		}
		if err := sleepCtx(visitor.ctx, 100*time.Millisecond); err != nil {
			break
		}
	}
	visitor.shot("search")
	if !found {
		visitor.fail("search", fmt.Errorf("/search?q=%s never listed %s within 15 s of publishing", word, code))
	}
	t.Logf("/search?q=%s listed the change %.1fs after publishing", word, time.Since(published).Seconds())
	if n := summaryTotal(visitor); n != 1 {
		t.Errorf("/search?q=%s finds %d guides, want the changed one alone", word, n)
	}
	if status := visitor.follow("the search result", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.hit h2 a[href="/items/%s"]`, code)))); status != 200 {
		t.Fatalf("the search result's guide: HTTP %d", status)
	}
	visitor.do("the guide's materials table", chromedp.WaitVisible(chromedp.CSS("table.materials")))
	if got := text(visitor, "table.materials tbody tr th"); got != newName {
		t.Errorf("the search result led to a guide whose first material is %q, want %q", got, newName)
	}
	visitor.shot("search-result")

	// The API serves the second edition.
	var after browserItem
	if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(code), &after); status != 200 {
		t.Fatalf("GET /api/v1/items/%s: %d", code, status)
	}
	if after.Edition != 2 || len(after.Materials) == 0 || after.Materials[0].Name != newName {
		first := ""
		if len(after.Materials) > 0 {
			first = after.Materials[0].Name
		}
		t.Errorf("GET /api/v1/items/%s: edition %d, first material %q; want edition 2, %q", code, after.Edition, first, newName)
	}
}

// sameMaterialTwice reports whether the guide lists the material name more
// than once (then the old name stays after renaming the first).
func sameMaterialTwice(it browserItem, name string) bool {
	n := 0
	for _, m := range it.Materials {
		if m.Name == name {
			n++
		}
	}
	return n > 1
}

// pageCoverageRow is a row of a coverage table of the audit page, as shown.
type pageCoverageRow struct {
	Group         string            `json:"group"`
	Rollup        string            `json:"rollup"`
	Name          string            `json:"name"`
	Items         string            `json:"items"`
	OnApplication string            `json:"on_application"`
	Rates         map[string]string `json:"rates"`
}

// pageChart is a bar chart of the audit page, as shown: its title and each
// bar's label and value text ("12.34%", or "—" for no rate).
type pageChart struct {
	Title string `json:"title"`
	Bars  []struct {
		Label string `json:"label"`
		Value string `json:"value"`
	} `json:"bars"`
}

// rateShown is how the audit page writes a rate: two decimals, "—" for none.
func rateShown(r report.Rate, unit string) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(*r, 'f', 2, 64) + unit
}

// rowRate returns a coverage row's rate by id, through its JSON (the
// report's own accessor is unexported).
func rowRate(t *testing.T, r report.Row, id string) report.Rate {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	v, ok := fields[id]
	if !ok {
		t.Fatalf("the coverage row has no %s", id)
	}
	var rate report.Rate
	if err := json.Unmarshal(v, &rate); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return rate
}

func TestBrowserAuditPageMatchesAPI(t *testing.T) {
	findChromium(t) // before the server: skip at once
	data := t.TempDir()
	srv := startServer(t, data) // seeds the data directory
	addUser(t, data, "auditor", "--role", "auditor")
	const region = "610900"
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})

	tb.login("auditor")
	if status := tb.navigate("/audit?region=" + region); status != 200 {
		t.Fatalf("GET /audit?region=%s: HTTP %d", region, status)
	}
	tb.mustWaitFor("the six charts (svg.chart), each drawn", `(() => {
		const cs = document.querySelectorAll('svg.chart');
		return cs.length === 6 && Array.from(cs).every(c => { const r = c.getBoundingClientRect(); return r.width > 100 && r.height > 40; });
	})()`)
	tb.mustWaitFor("the coverage tables (table.coverage tr[data-group])",
		`document.querySelectorAll('table.coverage[data-by="region"] tbody tr[data-group]').length > 0 && document.querySelectorAll('table.coverage[data-by="department"] tbody tr[data-group]').length > 0`)
	tb.shot("audit")
	if n := eval[int](tb, `document.querySelectorAll('svg.chart').length`); n != 6 {
		t.Errorf("the audit page has %d svg.chart, want 6", n)
	}

	tables := eval[map[string][]pageCoverageRow](tb, `(() => {
		const out = {};
		for (const t of document.querySelectorAll('table.coverage')) {
			out[t.dataset.by] = Array.from(t.querySelectorAll('tbody tr[data-group]'), tr => ({
				group: tr.dataset.group,
				rollup: tr.dataset.rollup,
				name: tr.cells[0].textContent.trim(),
				items: tr.querySelector('td[data-col="items"]').textContent.trim(),
				on_application: tr.querySelector('td[data-col="on_application"]').textContent.trim(),
				rates: Object.fromEntries(Array.from(tr.querySelectorAll('td[data-rate]'), td => [td.dataset.rate, td.textContent.trim()])),
			}));
		}
		return out;
	})()`)
	charts := eval[map[string][]pageChart](tb, `(() => {
		const out = {};
		for (const key of ['region', 'department']) {
			const sec = document.querySelector('div.charts[data-by="' + key + '"]');
			out[key] = Array.from(sec ? sec.querySelectorAll('svg.chart') : [], svg => {
				const bars = [];
				for (const label of svg.querySelectorAll(':scope > text[text-anchor="end"]')) {
					const next = label.nextElementSibling;
					let value = '?';
					if (next && next.tagName === 'rect') value = (next.nextElementSibling || {}).textContent || '?';
					else if (next && next.tagName === 'text') value = next.textContent;
					bars.push({label: label.textContent, value: value.trim()});
				}
				return {title: (svg.querySelector(':scope > title') || {}).textContent || '', bars};
			});
		}
		return out;
	})()`)

	for _, by := range []string{"region", "department"} {
		var api report.Coverage
		path := "/api/v1/coverage?by=" + by + "&region=" + region
		if status := srv.getJSON(t, path, &api); status != 200 {
			t.Fatalf("GET %s: %d", path, status)
		}
		if len(api.Rows) == 0 {
			t.Fatalf("GET %s: no rows", path)
		}
		// The table's first page: the API's first rows, and the pager
		// counts them all.
		page := tables[by]
		if len(page) == 0 || len(page) > len(api.Rows) {
			t.Errorf("by %s: the page's table has %d rows, GET %s %d", by, len(page), path, len(api.Rows))
		}
		if total := eval[string](tb, `(document.querySelector('section#table-`+by+` nav.pager') || {dataset: {}}).dataset.total || ''`); total != strconv.Itoa(len(api.Rows)) {
			t.Errorf("by %s: the pager counts %q rows, GET %s has %d", by, total, path, len(api.Rows))
		}
		for i := range min(len(page), len(api.Rows)) {
			p, a := page[i], api.Rows[i]
			where := fmt.Sprintf("by %s, row %d (%s %s)", by, i+1, a.Group, a.Name)
			if p.Group != a.Group || p.Name != a.Name || p.Rollup != strconv.FormatBool(a.Rollup) {
				t.Errorf("%s: the page shows %s %q (rollup %s), the API %s %q (rollup %t)", where, p.Group, p.Name, p.Rollup, a.Group, a.Name, a.Rollup)
				continue
			}
			if p.Items != strconv.Itoa(a.Items) {
				t.Errorf("%s: 事项数 %s on the page, %d in the API", where, p.Items, a.Items)
			}
			if p.OnApplication != strconv.Itoa(a.OnApplication) {
				t.Errorf("%s: on-application items %s on the page, %d in the API", where, p.OnApplication, a.OnApplication)
			}
			if len(p.Rates) != len(report.RateIDs) {
				t.Errorf("%s: the page shows %d rates, want %d (%v)", where, len(p.Rates), len(report.RateIDs), report.RateIDs)
			}
			for _, id := range report.RateIDs {
				if got, want := p.Rates[id], rateShown(rowRate(t, a, id), ""); got != want {
					t.Errorf("%s: %s is %q on the page, %s in the API", where, id, got, want)
				}
			}
		}

		// The charts: the rates of the report's rows as bars, in the
		// page's order (by region every row; by department those of
		// the region itself).
		var rows []report.Row
		for _, r := range api.Rows {
			if by == "region" || r.Region == region {
				rows = append(rows, r)
			}
		}
		rows = rows[:min(len(rows), 40)]
		chartIDs := []string{"one_visit_rate", "online_rate", "in_hall_rate"}
		if len(charts[by]) != len(chartIDs) {
			t.Errorf("by %s: %d charts, want %d", by, len(charts[by]), len(chartIDs))
			continue
		}
		for k, id := range chartIDs {
			ch := charts[by][k]
			if ch.Title != report.RateLabels[id] {
				t.Errorf("by %s: chart %d is %q, want %q", by, k+1, ch.Title, report.RateLabels[id])
				continue
			}
			if len(ch.Bars) != len(rows) {
				t.Errorf("by %s: the %s chart has %d bars, want %d", by, ch.Title, len(ch.Bars), len(rows))
				continue
			}
			for j, r := range rows {
				want := rateShown(rowRate(t, r, id), "%")
				if b := ch.Bars[j]; b.Label != r.Name || b.Value != want {
					t.Errorf("by %s: the %s chart's bar %d is %s %s, the API's row %s %s", by, ch.Title, j+1, b.Label, b.Value, r.Name, want)
				}
			}
		}
	}
}
