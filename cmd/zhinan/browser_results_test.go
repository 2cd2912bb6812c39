package main

// Browser tests of the results as one row per service: citizens' questions
// typed in the search box, the region choice, the list of a service's items
// in every region, and the results on a phone's first screen.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The phone of the results tests: a common small screen.
const smallPhoneWidth, smallPhoneHeight = 375, 667

// shotScreen saves a PNG of what the screen shows (not the full page), as
// shot names its screenshots.
func (tb *tab) shotScreen(step string) {
	tb.t.Helper()
	tb.shots++
	name := fmt.Sprintf("%s-%02d-%s.png", strings.ReplaceAll(tb.t.Name(), "/", "-"), tb.shots, step)
	ctx, cancel := context.WithTimeout(tb.browser, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(screenshotDir(tb.t), name), buf, 0o644)
	}
	if err != nil {
		tb.t.Errorf("screenshot %s: %v", name, err)
	}
}

// rowNames reads the names of the result rows.
func rowNames(tb *tab) []string {
	tb.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll('.hit-list .hit h2 a'), a => a.textContent.trim())`)
}

// duplicates lists the names that occur more than once.
func duplicates(names []string) []string {
	seen, out := map[string]int{}, []string(nil)
	for _, n := range names {
		if seen[n]++; seen[n] == 2 {
			out = append(out, n)
		}
	}
	return out
}

// ask types a question in the header's search box and submits it.
func (tb *tab) ask(question string) {
	tb.t.Helper()
	tb.do("the search box", chromedp.WaitVisible(chromedp.CSS("#q")))
	tb.do("clear #q", chromedp.Evaluate[chromedp.Void](`document.getElementById('q').value = ''`))
	tb.do("type "+question, chromedp.SendKeys(chromedp.CSS("#q"), question))
	if status := tb.follow("Enter in #q", chromedp.KeyEvent(kb.Enter)); status != 200 {
		tb.t.Fatalf("the results page for %s: HTTP %d", question, status)
	}
	if got := eval[string](tb, `new URLSearchParams(location.search).get('q') || ''`); got != question {
		tb.t.Fatalf("the search box sent q=%q, typed %q", got, question)
	}
	tb.mustWaitFor("the results for "+question, `document.querySelectorAll('.hit-list .hit').length > 0`)
}

func TestBrowserCitizenQuestions(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	for i, c := range []struct{ question, service string }{
		{"护照过期了怎么换", "普通护照签发"},
		{"想买房提取公积金", "住房公积金提取（购房）"},
	} {
		tb.ask(c.question)
		tb.shot(fmt.Sprintf("question-%d", i+1))
		names := rowNames(tb)
		if !containsString(names[:min(3, len(names))], c.service) {
			t.Errorf("%s: %s is not among the first 3 rows %q", c.question, c.service, names)
		}
		if d := duplicates(names); len(d) > 0 {
			t.Errorf("%s: services shown more than once: %q (rows %q)", c.question, d, names)
		}
	}
}

// TestBrowserResultsOnPhone: on a 375 px phone the first result is on the
// first screen, with the region choice above it and the filters after the
// results; one tap on a county makes its items represent the services.
func TestBrowserResultsOnPhone(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: smallPhoneWidth, height: smallPhoneHeight, phone: true})
	const q = "身份证"
	firstRowOnScreen := func(when string) {
		t.Helper()
		top := eval[float64](tb, `document.querySelector('.hit-list .hit').getBoundingClientRect().top`)
		height := eval[float64](tb, `window.innerHeight`)
		if top >= height {
			t.Errorf("%s: the first result row starts at %.0f px, below the first screen (%.0f px)", when, top, height)
		}
		if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > smallPhoneWidth {
			t.Errorf("%s: the results page scrolls sideways: scrollWidth %d; too wide: %q", when, sw, eval[[]string](tb, widestElements))
		}
		// The filters are a sheet behind 筛选 (browser_phone_test.go), or after the results.
		if after := eval[bool](tb, `(() => {
			const f = document.querySelector('.facets'), hits = document.querySelectorAll('.hit-list .hit');
			return !f || f.getClientRects().length === 0 || f.getBoundingClientRect().top >= hits[hits.length - 1].getBoundingClientRect().bottom;
		})()`); !after {
			t.Errorf("%s: on a phone the filters come before the results", when)
		}
	}

	if status := tb.navigate("/search?q=" + url.QueryEscape(q)); status != 200 {
		t.Fatalf("the results page: HTTP %d", status)
	}
	tb.mustWaitFor("the results", `document.querySelectorAll('.hit-list .hit').length > 0`)
	tb.shot("results")
	tb.shotScreen("first-screen")
	firstRowOnScreen("no region chosen")
	if w := eval[int](tb, `screen.width`); w != smallPhoneWidth {
		t.Fatalf("the emulated phone screen is %d px wide, want %d", w, smallPhoneWidth)
	}
	if names := rowNames(tb); len(duplicates(names)) > 0 {
		t.Errorf("services shown more than once: %q", duplicates(names))
	}
	// The region choice stands above the results and takes one tap.
	if above := eval[bool](tb, `(() => {
		const ask = document.querySelector('.region-ask'), hit = document.querySelector('.hit-list .hit');
		return !!ask && ask.getBoundingClientRect().bottom <= hit.getBoundingClientRect().top;
	})()`); !above {
		t.Fatal("without a chosen region the page does not ask for one above the results")
	}
	// The filters are one tap away.
	tb.do("the 筛选 link", chromedp.Click(chromedp.CSS("a.to-filters")))
	tb.waitForAWhile("the 筛选 link shows the filters", `(() => {
		const r = document.getElementById('filters').getBoundingClientRect();
		return location.hash === '#filters' && Math.abs(r.top) < 2;
	})()`)
	tb.shotScreen("filters")

	tb.do("关闭 the filters", chromedp.Click(chromedp.CSS("#filters .sheet-close")))
	tb.mustWaitFor("关闭 closes the filters", sheetHidden)
	tb.do("back to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo({top: 0, behavior: 'instant'})`))
	const county = "汉阴县"
	link := fmt.Sprintf(`//div[contains(@class,'region-ask')]//a[normalize-space(.)='%s']`, county)
	if status := tb.follow("a tap on "+county, chromedp.Click(chromedp.Search(link))); status != 200 {
		t.Fatalf("choosing %s: HTTP %d", county, status)
	}
	if got := eval[string](tb, `location.pathname + '|' + new URLSearchParams(location.search).get('q')`); got != "/search|"+q {
		t.Errorf("choosing %s went to %s, want back to /search?q=%s", county, got, q)
	}
	tb.mustWaitFor("the chosen region's note", `!!document.querySelector('.region-pref')`)
	if note := eval[string](tb, `document.querySelector('.region-pref p').textContent.trim()`); note != "按 "+county+" 显示办理地" {
		t.Errorf("the note says %q", note)
	}
	tb.shot("chosen")
	tb.shotScreen("chosen-first-screen")
	firstRowOnScreen("汉阴县 chosen")
	// Services offered in several regions are represented by 汉阴县's item,
	// as the API says for prefer=610921.
	api := apiSearchFor(t, srv, url.Values{"q": {q}, "prefer": {"610921"}})
	codes := eval[[]string](tb, `Array.from(document.querySelectorAll('.hit-list .hit h2 a'), a => a.getAttribute('href').replace('/items/', ''))`)
	if len(codes) != len(api.Hits) {
		t.Fatalf("the page shows %d rows, the API %d", len(codes), len(api.Hits))
	}
	for i, h := range api.Hits {
		if codes[i] != h.Code {
			t.Errorf("row %d links to %s, the API's representative is %s", i+1, codes[i], h.Code)
		}
		if h.Regions > 1 && h.Region != "610921" {
			t.Errorf("%s: offered in %d regions, represented by %s's item", h.Name, h.Regions, h.Region)
		}
	}
}

// TestBrowserServiceEverywhere: 查看各地 lists a service's items in every
// region, one row per item, and its chips count items as the API does.
func TestBrowserServiceEverywhere(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	const q, service = "身份证", "居民身份证首次申领"
	if status := tb.navigate("/search?q=" + url.QueryEscape(q)); status != 200 {
		t.Fatalf("the results page: HTTP %d", status)
	}
	tb.mustWaitFor("the results", `document.querySelectorAll('.hit-list .hit').length > 0`)
	tb.shot("results")
	everywhere := fmt.Sprintf(`//li[contains(@class,'hit')][.//h2/a[normalize-space(.)='%s']]//p[contains(@class,'everywhere')]/a`, service)
	if status := tb.follow("查看各地 of "+service, chromedp.Click(chromedp.Search(everywhere))); status != 200 {
		t.Fatalf("the list of %s: HTTP %d", service, status)
	}
	tb.mustWaitFor("the list", `document.querySelectorAll('.hit-list .hit').length > 0`)
	tb.shot("everywhere")
	if h1 := eval[string](tb, `document.querySelector('.results-page h1').textContent.trim()`); h1 != service+" · 各地办理" {
		t.Errorf("the list's heading is %q", h1)
	}
	names := rowNames(tb)
	if len(names) < 10 {
		t.Errorf("the list of %s has %d rows", service, len(names))
	}
	for _, n := range names {
		if n != service {
			t.Errorf("the list of %s shows %s", service, n)
		}
	}
	params, err := url.ParseQuery(strings.TrimPrefix(eval[string](tb, `location.search`), "?"))
	if err != nil || params.Get("group") != "none" || params.Get("service") == "" {
		t.Fatalf("the list's address: %v %v", params, err)
	}
	api := apiSearchFor(t, srv, params)
	if api.Counts != "items" || summaryTotal(tb) != api.Total {
		t.Errorf("the list says %d, the API %d %s", summaryTotal(tb), api.Total, api.Counts)
	}
	if diffs := diffFacets(pageFacets(tb), apiFacets(api, nil)); len(diffs) > 0 {
		t.Errorf("the list's facet chips differ from GET /api/v1/search?%s:\n%s", params.Encode(), strings.Join(diffs, "\n"))
	}
	if note := eval[string](tb, `document.querySelector('.facet-note').textContent.trim()`); note != "数字为办理项数" {
		t.Errorf("the list's facets say %q", note)
	}
}
