package main

// Browser tests: a real headless Chromium drives the pages that the real
// zhinan binary serves over the seed catalogue, as a citizen would: type,
// pick a suggestion, filter, open a guide, print it, on a desktop and on a
// phone. Each test saves full-page screenshots (see screenshotDir).
//
// Chromium is found at $CHROMIUM, /usr/bin/chromium or as chromium on PATH.
// Without it the tests skip, except under CI (CI=true), where they fail.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserTimeout bounds the browser part of each test, from the started
// Chromium to the last check (the server's start comes before). It is only
// a failure bound: the tests wait for conditions, never for a time. CI runs
// with -race on 2 cores; locally the browser part takes 1-3 s.
const browserTimeout = 60 * time.Second

// The window sizes of the tests.
const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 360, 740
)

// guideSections are the h2 headings every guide page must have.
var guideSections = []string{"基本信息", "受理条件", "申请材料", "办理流程", "办理时限", "收费标准", "设定依据", "办理地点和时间", "咨询和监督投诉"}

// xssPayload is what TestBrowserEscaping puts in an item's name and
// conditions.
const xssPayload = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`

// findChromium returns the browser to run, or skips the test (fails it
// under CI) when there is none. With -short (the quick local loop) the
// browser tests are skipped.
func findChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the browser tests run without -short, as in CI")
	}
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatal("CI is set but no Chromium was found ($CHROMIUM, /usr/bin/chromium, chromium on PATH): " +
			"CI must run the browser tests; install it with `apt-get install -y chromium fonts-noto-cjk`")
	}
	t.Skip("no Chromium ($CHROMIUM, /usr/bin/chromium, chromium on PATH): the browser tests need it; " +
		"install it with `apt-get update && apt-get install -y chromium fonts-noto-cjk`, or set CHROMIUM to a Chrome/Chromium binary")
	return ""
}

var (
	shotDirOnce sync.Once
	shotDir     string
	shotDirErr  error
)

// screenshotDir is $ZHINAN_SCREENSHOTS or, by default, screenshots/ at the
// root of the repository (the directory of go.mod); it is created.
func screenshotDir(t *testing.T) string {
	t.Helper()
	shotDirOnce.Do(func() {
		dir := os.Getenv("ZHINAN_SCREENSHOTS")
		if dir == "" {
			root, err := os.Getwd()
			if err != nil {
				shotDirErr = err
				return
			}
			for {
				if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
					break
				}
				parent := filepath.Dir(root)
				if parent == root {
					shotDirErr = errors.New("no go.mod above the test's directory")
					return
				}
				root = parent
			}
			dir = filepath.Join(root, "screenshots")
		}
		if dir, shotDirErr = filepath.Abs(dir); shotDirErr == nil {
			shotDirErr = os.MkdirAll(dir, 0o755)
		}
		shotDir = dir
	})
	if shotDirErr != nil {
		t.Fatalf("screenshot folder: %v", shotDirErr)
	}
	return shotDir
}

// tab is one browser tab of a test, in its own Chromium.
type tab struct {
	t       *testing.T
	ctx     context.Context // ends after browserTimeout
	browser context.Context // the tab's context without the timeout
	base    string          // the server, http://127.0.0.1:port
	shots   int

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

// tabOptions change how newTab sets up the browser.
type tabOptions struct {
	width, height int
	phone         bool // emulate a phone: mobile viewport, touch, device scale 2
	bypassCSP     bool // ignore the pages' Content-Security-Policy
}

// newTab starts Chromium for the test, with a fresh profile, and opens a
// tab. The tab's context ends after browserTimeout.
func newTab(t *testing.T, srv *server, o tabOptions) *tab {
	t.Helper()
	execPath := findChromium(t)
	profile, err := os.MkdirTemp("", "zhinan-chromium")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Chromium's children can write to the profile a moment after the
		// browser exits; a leftover temp directory is no test failure.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(o.width, o.height),
	}
	// The browser lives a little longer than the test's time, so that a
	// test that ran out of time still gets its screenshot.
	hardCtx, cancelHard := context.WithTimeout(context.Background(), browserTimeout+30*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(hardCtx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits until Chromium has exited
		cancelHard()
	})
	if err := chromedp.Do(browserCtx); err != nil { // starts Chromium and opens the tab
		t.Fatalf("start %s: %v", execPath, err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, browserTimeout)
	t.Cleanup(cancelTimeout)
	tb := &tab{t: t, ctx: ctx, browser: browserCtx, base: srv.base}
	start := time.Now()
	t.Cleanup(func() { t.Logf("the browser part took %.1fs of its %s", time.Since(start).Seconds(), browserTimeout) })
	messages := chromedp.Console(browserCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.console = append(tb.console, m)
			tb.mu.Unlock()
		}
	}()
	// Runs before the browser is closed (cleanups run last first).
	t.Cleanup(tb.checkConsole)
	var setup []chromedp.Action[chromedp.Void]
	if o.phone {
		setup = append(setup, chromedp.EmulateViewport(int64(o.width), int64(o.height),
			chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
	} else {
		setup = append(setup, chromedp.EmulateViewport(int64(o.width), int64(o.height)))
	}
	setup = append(setup, emulateMedia(""))
	if o.bypassCSP {
		setup = append(setup, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := cdp.Call(ctx, target, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
			return err
		}))
	}
	if err := chromedp.Do(ctx, setup...); err != nil {
		t.Fatalf("set up the tab: %v", err)
	}
	return tb
}

// emulateMedia emulates a CSS media type ("print"), or none (""), always
// with prefers-reduced-motion: no smooth scrolling (html is
// scroll-behavior: smooth otherwise), so that a click, which scrolls its
// element into view first, never lands where another element was before
// the scroll ended.
func emulateMedia(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m,
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return err
	})
}

// media emulates a CSS media type ("print"), or none ("").
func (tb *tab) media(m string) {
	tb.t.Helper()
	tb.do("media "+m, emulateMedia(m))
}

// checkConsole fails the test for what the page's scripts got wrong: an
// uncaught exception, a console.error, a Content-Security-Policy violation.
// Other messages (such as the browser logging a 404 document) are logged.
func (tb *tab) checkConsole() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		where := m.URL
		if where != "" {
			where = fmt.Sprintf(" (%s:%d)", strings.TrimPrefix(m.URL, tb.base), m.Line+1)
		}
		switch {
		case m.IsException():
			tb.t.Errorf("uncaught JavaScript exception%s: %s", where, m.Text)
		case m.Type == chromedp.ConsoleError && m.Source == "":
			tb.t.Errorf("console.error%s: %s", where, m.Text)
		case strings.Contains(m.Text, "Content Security Policy"):
			tb.t.Errorf("Content-Security-Policy violation%s: %s", where, m.Text)
		default:
			tb.t.Logf("browser console %s%s: %s", m.Type, where, m.Text)
		}
	}
}

// shot saves a full-page PNG screenshot named after the test and the step,
// and fails the test when the page shows a fmt verb error (%!…): every page
// the browser tests photograph is checked.
func (tb *tab) shot(step string) {
	tb.t.Helper()
	tb.shots++
	if step != "FAILED" {
		bad, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(() => { const h = document.documentElement.outerHTML; const i = h.indexOf('%!'); return i < 0 ? '' : h.slice(Math.max(0, i-80), i+80); })()`))
		if err == nil && bad != "" {
			tb.t.Errorf("%s: the page shows a format error: …%s…", step, bad)
		}
	}
	name := fmt.Sprintf("%s-%02d-%s.png", strings.ReplaceAll(tb.t.Name(), "/", "-"), tb.shots, step)
	path := filepath.Join(screenshotDir(tb.t), name)
	// A screenshot is taken even when the test's time is up (to show
	// why), but it must not hang. A full-page screenshot of a long page
	// under -race on a loaded machine took over 10 s once.
	ctx, cancel := context.WithTimeout(tb.browser, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
		return
	}
	tb.t.Logf("screenshot %s", path)
}

// do runs actions, failing the test with what on error.
func (tb *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.fail(what, err)
	}
}

// fail saves a screenshot of the page as it is and ends the test.
func (tb *tab) fail(what string, err error) {
	tb.t.Helper()
	tb.shot("FAILED")
	tb.t.Fatalf("%s: %v (page %s)", what, err, tb.location())
}

// navigate loads path and returns the HTTP status of the document.
func (tb *tab) navigate(path string) int64 {
	tb.t.Helper()
	resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.fail("open "+path, err)
	}
	return resp.Status
}

// follow runs an action that loads a new page (a click on a link, Enter in
// a form) and returns the HTTP status of the new document.
func (tb *tab) follow(what string, action chromedp.Action[chromedp.Void]) int64 {
	tb.t.Helper()
	// Bounded, so that an action that loads nothing fails with its name
	// and leaves time for the screenshot (a page load under -race on a
	// loaded machine took over 15 s once).
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil && strings.Contains(err.Error(), "net::ERR_ABORTED") {
		// The navigation watched was superseded by another one (a form
		// submitted twice by one key press): the status is that of the
		// page that did load.
		if tb.waitWithin(ctx, what+": the page that superseded the first load",
			`document.readyState === 'complete' && performance.getEntriesByType('navigation').length > 0`) {
			return int64(eval[float64](tb, `performance.getEntriesByType('navigation')[0].responseStatus`))
		}
		return 0
	}
	if err != nil {
		tb.fail(what+" did not load a page", err)
	}
	return resp.Status
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.fail("evaluate "+expr, err)
	}
	return v
}

// waitFor waits until the JavaScript expression is truthy: with
// chromedp.Poll, again after a navigation (a poll does not survive one),
// until the test's time is up. It reports whether the condition came true;
// when it did not, the test has an error naming what, and a screenshot.
func (tb *tab) waitFor(what, expr string) bool {
	tb.t.Helper()
	return tb.waitWithin(tb.ctx, what, expr)
}

// waitForAWhile is waitFor for a step the rest of the test does not need:
// it gives up after a part of the test's time, leaving the rest for the
// steps that follow.
func (tb *tab) waitForAWhile(what, expr string) bool {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout/3)
	defer cancel()
	return tb.waitWithin(ctx, what, expr)
}

func (tb *tab) waitWithin(ctx context.Context, what, expr string) bool {
	tb.t.Helper()
	var last error
	for ctx.Err() == nil {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
		if err == nil {
			return true
		}
		last = err
		// The page changed under the poll: poll the new page.
		if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
			break
		}
	}
	tb.shot("FAILED")
	tb.t.Errorf("%s: never happened (page %s; %v)", what, tb.location(), last)
	return false
}

// location is the address of the page the tab shows.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(tb.browser, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// mustWaitFor is waitFor that ends the test.
func (tb *tab) mustWaitFor(what, expr string) {
	tb.t.Helper()
	if !tb.waitFor(what, expr) {
		tb.t.FailNow()
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// browserSearch is what the tests read of GET /api/v1/search.
type browserSearch struct {
	Total  int    `json:"total"`
	Counts string `json:"counts"`
	Hits   []struct {
		Code    string   `json:"code"`
		Name    string   `json:"name"`
		Flags   []string `json:"flags"`
		Service string   `json:"service"`
		Region  string   `json:"region"`
		Regions int      `json:"regions"`
	} `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Label string `json:"label"`
		Count int    `json:"count"`
	} `json:"facets"`
}

func apiSearchFor(t *testing.T, srv *server, params url.Values) browserSearch {
	t.Helper()
	var res browserSearch
	if code := srv.getJSON(t, "/api/v1/search?"+params.Encode(), &res); code != 200 {
		t.Fatalf("GET /api/v1/search?%s: %d", params.Encode(), code)
	}
	return res
}

// facetCounts is field → chip label → count.
type facetCounts map[string]map[string]int

// pageFacets reads the facet chips of a results page: each section.facet-FIELD
// of .facets, each chip's label and its .n count (folded chips included).
func pageFacets(tb *tab) facetCounts {
	tb.t.Helper()
	raw := eval[map[string]map[string]int](tb, `(() => {
		const out = {};
		for (const s of document.querySelectorAll('.facets .facet')) {
			const m = s.className.match(/\bfacet-(\w+)\b/);
			if (!m) continue;
			const chips = out[m[1]] = out[m[1]] || {};
			for (const a of s.querySelectorAll('a.chip')) {
				const c = a.cloneNode(true);
				const n = c.querySelector('.n');
				if (n) n.remove();
				chips[c.textContent.trim()] = n ? Number(n.textContent.trim()) : -1;
			}
		}
		return out;
	})()`)
	return facetCounts(raw)
}

// apiFacets is the API result's facets as facetCounts, leaving out the
// values in skip (field → value), which the page shows as active filters.
func apiFacets(res browserSearch, skip map[string]string) facetCounts {
	out := facetCounts{}
	for field, values := range res.Facets {
		for _, v := range values {
			if skip[field] == v.Value {
				continue
			}
			if out[field] == nil {
				out[field] = map[string]int{}
			}
			out[field][v.Label] = v.Count
		}
	}
	return out
}

// diffFacets lists the differences of the page's facet chips from the API's.
func diffFacets(got, want facetCounts) []string {
	var diffs []string
	fields := map[string]bool{}
	for f := range got {
		fields[f] = true
	}
	for f := range want {
		fields[f] = true
	}
	for f := range fields {
		for label, n := range want[f] {
			if g, ok := got[f][label]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: %s (%d) is not on the page", f, label, n))
			} else if g != n {
				diffs = append(diffs, fmt.Sprintf("%s: %s shows %d, the API counts %d", f, label, g, n))
			}
		}
		for label, n := range got[f] {
			if _, ok := want[f][label]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: the page shows %s (%d), the API has no such value", f, label, n))
			}
		}
	}
	sort.Strings(diffs)
	return diffs
}

// totalRE reads the summary: services when grouped, items with group=none.
var totalRE = regexp.MustCompile(`共找到\s*(\d+)\s*(?:项服务|个办理项)`)

// summaryTotal reads the result count from the results page's summary.
func summaryTotal(tb *tab) int {
	tb.t.Helper()
	text := eval[string](tb, `(document.querySelector('.summary') || {textContent: ''}).textContent`)
	m := totalRE.FindStringSubmatch(text)
	if m == nil {
		tb.fail("the summary", fmt.Errorf("no 共找到 N 项服务 (or N 个办理项) in %q", text))
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// suggestionsShown is a JavaScript condition: the suggestion list is shown
// and has options.
const suggestionsShown = `(() => {
	const ul = document.getElementById('suggestions');
	return !!ul && !ul.hidden && ul.getClientRects().length > 0 &&
		ul.querySelectorAll('li[role=option]').length > 0;
})()`

// suggestionTexts reads the options of the suggestion list.
func suggestionTexts(tb *tab) []string {
	tb.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll('#suggestions li[role=option]'), li => li.textContent.trim())`)
}

func TestBrowserSearchFlow(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	const q = "公积金"

	// The home page, and the suggestions while typing.
	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	tb.do("the search box", chromedp.WaitVisible(chromedp.CSS("#q")))
	tb.shot("home")
	tb.do("type "+q, chromedp.SendKeys(chromedp.CSS("#q"), q))
	if tb.waitForAWhile("suggestions for "+q+" (ul#suggestions li[role=option]) — is static/app.js there?", suggestionsShown) {
		texts := suggestionTexts(tb)
		found := false
		for _, s := range texts {
			found = found || strings.Contains(s, "住房公积金")
		}
		if !found {
			t.Errorf("suggestions for %s do not offer 住房公积金: %q", q, texts)
		}
		if exp := eval[string](tb, `document.getElementById('q').getAttribute('aria-expanded')`); exp != "true" {
			t.Errorf("#q has aria-expanded=%q while the suggestions are shown, want true", exp)
		}
		tb.shot("suggestions")
	}

	// Submit with Enter: the results page for what was typed.
	if status := tb.follow("Enter in #q", chromedp.KeyEvent(kb.Enter)); status != 200 {
		t.Fatalf("the results page: HTTP %d", status)
	}
	loc := eval[string](tb, `location.pathname + '|' + new URLSearchParams(location.search).get('q')`)
	if loc != "/search|"+q {
		t.Fatalf("Enter in #q went to %s, want /search?q=%s", loc, q)
	}
	tb.mustWaitFor("the facets of the results", `document.querySelectorAll('.facets .facet a.chip').length > 0`)
	tb.shot("results")

	api := apiSearchFor(t, srv, url.Values{"q": {q}})
	if api.Counts != "services" {
		t.Errorf("GET /api/v1/search?q=%s counts %q, want services (one row per service by default)", q, api.Counts)
	}
	if got := summaryTotal(tb); got != api.Total {
		t.Errorf("the page says %d results, the API %d", got, api.Total)
	}
	if diffs := diffFacets(pageFacets(tb), apiFacets(api, nil)); len(diffs) > 0 {
		t.Errorf("the facet chips differ from GET /api/v1/search?q=%s:\n%s", q, strings.Join(diffs, "\n"))
	}

	// Filter: 最多跑一次. The results narrow to the API's count, in place.
	oneVisit := -1
	for _, f := range api.Facets["flag"] {
		if f.Value == "one_visit" {
			oneVisit = f.Count
		}
	}
	if oneVisit <= 0 || oneVisit == api.Total {
		t.Fatalf("the seed catalogue no longer suits this test: %d of %d results for %s are 最多跑一次", oneVisit, api.Total, q)
	}
	tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__zhinanSamePage = true`))
	chipXPath := `//nav[contains(@class,'facets')]//section[contains(concat(' ',@class,' '),' facet-flag ')]//a[contains(@class,'chip')][normalize-space(text()[1])='最多跑一次']`
	tb.do("click the 最多跑一次 chip", chromedp.Click(chromedp.Search(chipXPath)))
	tb.mustWaitFor(fmt.Sprintf("the results narrowed to the %d 最多跑一次 items, each with its badge", oneVisit), fmt.Sprintf(`(() => {
		const s = document.querySelector('.summary');
		if (!s || !s.textContent.match(/共找到\s*%d\s*项服务/)) return false;
		const hits = document.querySelectorAll('.hit');
		return hits.length > 0 && Array.from(hits).every(h =>
			Array.from(h.querySelectorAll('.badge')).some(b => b.textContent.trim() === '最多跑一次'));
	})()`, oneVisit))
	tb.shot("filtered")
	if !eval[bool](tb, `window.__zhinanSamePage === true`) {
		t.Errorf("clicking a facet chip reloaded the whole page; app.js should replace #results in place")
	}
	active := eval[[]string](tb, `Array.from(document.querySelectorAll('.chips.active .chip.on'), a => a.textContent.replace('×', '').trim())`)
	if len(active) != 1 || active[0] != "最多跑一次" {
		t.Errorf("the active filters shown are %q, want [最多跑一次]", active)
	}
	narrowed := apiSearchFor(t, srv, url.Values{"q": {q}, "flag": {"one_visit"}})
	if diffs := diffFacets(pageFacets(tb), apiFacets(narrowed, map[string]string{"flag": "one_visit"})); len(diffs) > 0 {
		t.Errorf("after the 最多跑一次 chip, the facet chips differ from GET /api/v1/search?q=%s&flag=one_visit:\n%s", q, strings.Join(diffs, "\n"))
	}

	// The first result's guide.
	first := eval[string](tb, `document.querySelector('.hit-list .hit h2 a').textContent.trim()`)
	if status := tb.follow("clicking the first result", chromedp.Click(chromedp.CSS(".hit-list .hit h2 a"))); status != 200 {
		t.Fatalf("the guide page: HTTP %d", status)
	}
	tb.do("the guide page", chromedp.WaitVisible(chromedp.CSS("article.guide h1")))
	if h1 := eval[string](tb, `document.querySelector('article.guide h1').textContent.trim()`); h1 != first {
		t.Errorf("the guide page is for %q, the first result was %q", h1, first)
	}
	code := strings.TrimPrefix(eval[string](tb, `location.pathname`), "/items/")
	headings := eval[[]string](tb, `Array.from(document.querySelectorAll('article.guide h2'), h => h.textContent.trim())`)
	for _, want := range guideSections {
		if !containsString(headings, want) {
			t.Errorf("the guide page has no %s section; its headings: %q", want, headings)
		}
	}
	var it apiItem
	if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(code), &it); status != 200 {
		t.Fatalf("GET /api/v1/items/%s: %d", code, status)
	}
	tb.do("the materials table", chromedp.WaitVisible(chromedp.CSS("table.materials")))
	if rows := eval[int](tb, `document.querySelectorAll('table.materials tbody tr').length`); rows == 0 || rows != len(it.Materials) {
		t.Errorf("the materials table has %d rows, the item has %d materials", rows, len(it.Materials))
	}
	tb.shot("guide")

	// The print view, with print media.
	if status := tb.follow("clicking 打印办事指南", chromedp.Click(chromedp.Search(`//a[normalize-space(.)='打印办事指南']`))); status != 200 {
		t.Fatalf("the print view: HTTP %d", status)
	}
	if got := eval[string](tb, `location.pathname + location.search`); got != "/items/"+code+"?print=1" {
		t.Errorf("打印办事指南 went to %s, want /items/%s?print=1", got, code)
	}
	tb.media("print")
	if !eval[bool](tb, `matchMedia('print').matches`) {
		t.Fatal("print media emulation is not on")
	}
	if d := eval[string](tb, `getComputedStyle(document.querySelector('header form.search-form')).display`); d != "none" {
		t.Errorf("printed, the header's search form has display %q, want none", d)
	}
	if shown := eval[bool](tb, `(() => {
		const t = document.querySelector('table.materials');
		return !!t && getComputedStyle(t).display !== 'none' && t.getClientRects().length > 0 &&
			t.querySelectorAll('tbody tr').length > 0;
	})()`); !shown {
		t.Errorf("printed, the materials table is not shown")
	}
	if shown := eval[[]string](tb, `Array.from(document.querySelectorAll('.no-print')).filter(e => e.getClientRects().length > 0).map(e => e.className + ': ' + e.textContent.trim().slice(0, 40))`); len(shown) > 0 {
		t.Errorf("printed, .no-print elements are shown: %q", shown)
	}
	tb.shot("print")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBrowserPhoneLayout(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: phoneWidth, height: phoneHeight, phone: true})

	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	tb.do("the search box", chromedp.WaitVisible(chromedp.CSS("#q")))
	tb.shot("home")
	if w := eval[int](tb, `screen.width`); w != phoneWidth {
		t.Fatalf("the emulated phone screen is %d px wide, want %d", w, phoneWidth)
	}
	if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > phoneWidth {
		wide := eval[[]string](tb, widestElements)
		t.Errorf("the home page scrolls sideways on a %d px phone: scrollWidth %d; too wide: %q", phoneWidth, sw, wide)
	}
	if box := eval[string](tb, fmt.Sprintf(`(() => {
		const q = document.getElementById('q'), r = q.getBoundingClientRect(), s = getComputedStyle(q);
		if (s.display === 'none' || s.visibility !== 'visible' || r.width < 120 || r.height < 24) return 'size ' + r.width + 'x' + r.height;
		if (r.left < 0 || r.right > %d.5 || r.top < 0 || r.bottom > %d.5) return 'at ' + JSON.stringify(r);
		return '';
	})()`, phoneWidth, phoneHeight)); box != "" {
		t.Errorf("the search box is not fully visible on the phone's first screen: %s", box)
	}

	// A guide page: the materials table scrolls in its wrapper.
	res := apiSearchFor(t, srv, url.Values{"q": {"公积金提取"}})
	if len(res.Hits) == 0 {
		t.Fatal("no 公积金提取 item in the seed catalogue")
	}
	if status := tb.navigate("/items/" + url.PathEscape(res.Hits[0].Code)); status != 200 {
		t.Fatalf("the guide page: HTTP %d", status)
	}
	tb.do("the materials table", chromedp.WaitVisible(chromedp.CSS("table.materials")))
	tb.shot("guide")
	if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > phoneWidth {
		wide := eval[[]string](tb, widestElements)
		t.Errorf("the guide page scrolls sideways on a %d px phone: scrollWidth %d; too wide: %q", phoneWidth, sw, wide)
	}
	if problem := eval[string](tb, fmt.Sprintf(`(() => {
		const t = document.querySelector('table.materials'), w = t.closest('.table-wrap');
		if (!w) return 'the table has no .table-wrap wrapper';
		const r = w.getBoundingClientRect();
		if (r.right > %d.5) return 'the wrapper is ' + r.width + ' px wide, wider than the phone';
		if (t.offsetWidth <= w.clientWidth) return '';   // the table fits: nothing to scroll
		const ox = getComputedStyle(w).overflowX;
		if (ox !== 'auto' && ox !== 'scroll') return 'the table is ' + t.offsetWidth + ' px in a ' + w.clientWidth + ' px wrapper with overflow-x ' + ox;
		w.scrollLeft = 80;
		const moved = w.scrollLeft > 0;
		w.scrollLeft = 0;
		return moved ? '' : 'the wrapper does not scroll';
	})()`, phoneWidth)); problem != "" {
		t.Errorf("the materials table on a phone: %s", problem)
	}
}

// widestElements lists the outermost elements that reach past the right
// edge of the phone's screen. (Not past innerWidth: a phone browser widens
// the layout viewport to fit content that overflows.)
var widestElements = fmt.Sprintf(`Array.from(document.querySelectorAll('body *')).filter(e => {
	const r = e.getBoundingClientRect();
	return r.right > %[1]d.5 && (!e.parentElement || e.parentElement.getBoundingClientRect().right <= %[1]d.5);
}).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')`, phoneWidth)

func TestBrowserEscaping(t *testing.T) {
	findChromium(t) // before the server: skip at once
	data := t.TempDir()
	srv := startServer(t, data)
	const name = "转义测试事项"
	item := map[string]any{
		"code": "XSS-ESCAPE-1", "base_code": "000000000001", "type": "公共服务", "region": "610921", "department": "汉阴县民政局",
		"name":       name + xssPayload,
		"conditions": "申请人须知" + xssPayload,
		"materials":  []map[string]any{{"name": "身份证" + xssPayload, "required": "必要", "form": "原件"}},
	}
	line, _ := json.Marshal(item)
	file := filepath.Join(t.TempDir(), "xss.jsonl")
	if err := os.WriteFile(file, append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary, "import", "--data", data, file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// The running server's index catches up with the import.
	deadline := time.Now().Add(20 * time.Second)
	for apiSearchFor(t, srv, url.Values{"q": {name}}).Total == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server's index never found the imported item")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The CSP would stop the payload even if a page did not escape it:
	// bypass it, so that this tests the escaping itself.
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight, bypassCSP: true})
	nothingRan := func(where string) {
		t.Helper()
		if p := eval[string](tb, `typeof window.__pwned === 'undefined' ? '' : String(window.__pwned)`); p != "" {
			t.Errorf("%s: the payload ran (window.__pwned = %s)", where, p)
		}
		if n := eval[int](tb, `document.querySelectorAll('img[src="x"], img[onerror]').length + Array.from(document.scripts).filter(s => s.textContent.includes('__pwned')).length`); n != 0 {
			t.Errorf("%s: the payload became %d element(s) of the page", where, n)
		}
	}
	shownLiterally := func(where, sel string) {
		t.Helper()
		text := eval[string](tb, `(() => { const e = document.querySelector(`+js(sel)+`); return e ? e.innerText : '(no `+sel+`)'; })()`)
		if !strings.Contains(text, xssPayload) {
			t.Errorf("%s: %s does not show the payload as text: %q", where, sel, text)
		}
	}

	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	tb.do("type the name", chromedp.SendKeys(chromedp.CSS("#q"), name))
	if tb.waitForAWhile("suggestions for "+name+" — is static/app.js there?", suggestionsShown) {
		tb.shot("suggestions")
		nothingRan("the suggestions")
		if texts := suggestionTexts(tb); len(texts) == 0 || !strings.Contains(texts[0], xssPayload) {
			t.Errorf("the suggestion does not show the payload as text: %q", texts)
		}
	}
	if status := tb.follow("Enter in #q", chromedp.KeyEvent(kb.Enter)); status != 200 {
		t.Fatalf("the results page: HTTP %d", status)
	}
	tb.do("the result", chromedp.WaitVisible(chromedp.CSS(".hit h2 a")))
	tb.shot("results")
	nothingRan("the results page")
	shownLiterally("the results page", ".hit h2 a")

	if status := tb.follow("clicking the result", chromedp.Click(chromedp.CSS(".hit h2 a"))); status != 200 {
		t.Fatalf("the guide page: HTTP %d", status)
	}
	tb.do("the guide page", chromedp.WaitVisible(chromedp.CSS("article.guide h1")))
	tb.shot("guide")
	nothingRan("the guide page")
	shownLiterally("the guide page", "article.guide h1")
	shownLiterally("the guide page", "#conditions")
	shownLiterally("the guide page", "table.materials")
	if title := eval[string](tb, `document.title`); !strings.Contains(title, xssPayload) {
		t.Errorf("the guide page's title does not show the payload as text: %q", title)
	}

	if status := tb.navigate("/items/XSS-ESCAPE-1/brief"); status != 200 {
		t.Fatalf("the brief guide: HTTP %d", status)
	}
	tb.shot("brief")
	nothingRan("the brief guide")
	shownLiterally("the brief guide", "article.guide h1")
}

func TestBrowserNotFound(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})

	if status := tb.navigate("/items/NO-SUCH"); status != 404 {
		t.Errorf("GET /items/NO-SUCH: HTTP %d, want 404", status)
	}
	tb.do("the search box of the 404 page", chromedp.WaitVisible(chromedp.CSS("#q2")))
	tb.shot("404")
	if lang := eval[string](tb, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("the 404 page has lang %q, want zh-CN", lang)
	}
	if h1 := eval[string](tb, `document.querySelector('main h1').textContent.trim()`); h1 != "没有找到这个页面或事项" {
		t.Errorf("the 404 page says %q", h1)
	}
	// The search box works.
	tb.do("type in #q2", chromedp.SendKeys(chromedp.CSS("#q2"), "身份证"))
	if status := tb.follow("Enter in #q2", chromedp.KeyEvent(kb.Enter)); status != 200 {
		t.Fatalf("search from the 404 page: HTTP %d", status)
	}
	if loc := eval[string](tb, `location.pathname + '|' + new URLSearchParams(location.search).get('q')`); loc != "/search|身份证" {
		t.Errorf("the 404 page's search went to %s, want /search?q=身份证", loc)
	}
	if n := summaryTotal(tb); n == 0 {
		t.Errorf("searching 身份证 from the 404 page found nothing")
	}
	tb.shot("search")
}

func TestBrowserKeyboardSuggestions(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})

	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	tb.do("type gjj", chromedp.SendKeys(chromedp.CSS("#q"), "gjj"))
	tb.mustWaitFor("suggestions for gjj (ul#suggestions li[role=option]) — is static/app.js there?",
		`(() => document.querySelectorAll('#suggestions li[role=option]').length >= 2 && `+suggestionsShown+`)()`)
	texts := suggestionTexts(tb)
	second := texts[1]
	if !strings.Contains(second, "公积金") {
		t.Errorf("the suggestions for gjj are %q; want 住房公积金 items", texts)
	}
	tb.do("ArrowDown twice", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	// The second option is the active one, for screen readers too.
	if !tb.waitForAWhile("ArrowDown twice: the second suggestion marked aria-selected=true", `(() => {
		const li = document.querySelectorAll('#suggestions li[role=option]')[1];
		return !!li && li.getAttribute('aria-selected') === 'true';
	})()`) {
		t.FailNow()
	}
	if sel := eval[[]string](tb, `Array.from(document.querySelectorAll('#suggestions li[role=option][aria-selected=true]'), li => li.textContent.trim())`); len(sel) != 1 {
		t.Errorf("options marked selected after ArrowDown twice: %q, want just %q", sel, second)
	}
	tb.shot("selected")

	if status := tb.follow("Enter on the second suggestion", chromedp.KeyEvent(kb.Enter)); status != 200 {
		t.Fatalf("the page after Enter: HTTP %d", status)
	}
	tb.mustWaitFor(fmt.Sprintf("the page of the second suggestion %q (/search?q=… or its guide)", second), fmt.Sprintf(`(() => {
		const want = %s;
		if (location.pathname === '/search') return new URLSearchParams(location.search).get('q') === want;
		const h1 = document.querySelector('article.guide h1');
		return location.pathname.startsWith('/items/') && !!h1 && h1.textContent.trim() === want;
	})()`, js(second)))
	tb.shot("landed")
}
