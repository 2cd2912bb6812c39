package main

// Browser tests of the results on a phone and of the 长辈版, as a citizen
// uses them: results first, the facets behind 筛选 in a sheet, the active
// filters as chips that remove themselves; the 长辈版 switch, with and
// without JavaScript.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The phone of these tests.
const phoneFirstWidth, phoneFirstHeight = 375, 740

// withoutScripts switches the page's JavaScript off (true) or on for the
// pages that follow.
func (tb *tab) withoutScripts(off bool) {
	tb.t.Helper()
	tb.do(fmt.Sprintf("script execution disabled: %v", off), chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
		return err
	}))
}

// sheetShown is a JavaScript condition: the 筛选 sheet covers the screen.
const sheetShown = `(() => {
	const f = document.getElementById('filters');
	if (!f || f.getClientRects().length === 0 || getComputedStyle(f).visibility !== 'visible') return false;
	const r = f.getBoundingClientRect();
	return Math.abs(r.top) < 2 && r.height >= innerHeight - 2 && r.width >= innerWidth - 2;
})()`

// sheetHidden is a JavaScript condition: the facets are not on screen.
const sheetHidden = `(() => { const f = document.getElementById('filters'); return !!f && f.getClientRects().length === 0; })()`

// TestBrowserPhoneFilterSheet: at 375 px the first result is on the first
// screen; 筛选 opens a sheet of facet chips with their counts; a chip
// filters and shows as an active-filter chip above the results, which
// removes the filter again. With JavaScript (results replaced in place)
// and without (plain links).
func TestBrowserPhoneFilterSheet(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: phoneFirstWidth, height: phoneFirstHeight, phone: true})
	const q = "身份证"
	api := apiSearchFor(t, srv, url.Values{"q": {q}})
	if len(api.Hits) == 0 {
		t.Fatalf("no results for %s", q)
	}

	for _, scripts := range []bool{true, false} {
		name := "with JavaScript"
		if !scripts {
			name = "without JavaScript"
		}
		tb.withoutScripts(!scripts)
		// wait is waitFor with JavaScript (the results change in place),
		// a check of the page just loaded without.
		wait := func(what, cond string) {
			t.Helper()
			if scripts {
				tb.mustWaitFor(name+": "+what, cond)
			} else if !eval[bool](tb, cond) {
				tb.fail(name+": "+what, fmt.Errorf("not so"))
			}
		}
		// click follows a link: in place with JavaScript, a page load without.
		click := func(what string, action chromedp.Action[chromedp.Void]) {
			t.Helper()
			if scripts {
				tb.do(name+": "+what, action)
			} else if status := tb.follow(name+": "+what, action); status != 200 {
				t.Fatalf("%s: %s: HTTP %d", name, what, status)
			}
		}
		firstScreen := func(when string) {
			t.Helper()
			if top := eval[float64](tb, `document.querySelector('.hit-list .hit').getBoundingClientRect().top + scrollY`); top >= phoneFirstHeight {
				t.Errorf("%s, %s: the first result starts at %.0f px, below the first screen (%d px)", name, when, top, phoneFirstHeight)
			}
			if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > phoneFirstWidth {
				t.Errorf("%s, %s: the page scrolls sideways: scrollWidth %d; too wide: %q", name, when, sw, eval[[]string](tb, widestElements))
			}
		}

		if status := tb.navigate("/search?q=" + url.QueryEscape(q)); status != 200 {
			t.Fatalf("%s: the results page: HTTP %d", name, status)
		}
		tb.do("the results", chromedp.WaitVisible(chromedp.CSS(".hit-list .hit")))
		tb.shotScreen(map[bool]string{true: "js", false: "nojs"}[scripts] + "-first-screen")
		firstScreen("the first page")
		if !eval[bool](tb, sheetHidden) {
			t.Errorf("%s: on a phone the facets show before 筛选 is pressed", name)
		}
		if top := eval[float64](tb, `document.querySelector('a.to-filters').getBoundingClientRect().bottom`); top > phoneFirstHeight {
			t.Errorf("%s: the 筛选 button is not on the first screen (its bottom at %.0f px)", name, top)
		}
		total := summaryTotal(tb)
		first := rowNames(tb)[0]

		// 筛选 opens the sheet; 关闭 closes it.
		tb.do(name+": 筛选", chromedp.Click(chromedp.CSS("a.to-filters")))
		tb.mustWaitFor(name+": the 筛选 sheet", sheetShown)
		tb.shotScreen("sheet")
		chips := eval[int](tb, `Array.from(document.querySelectorAll('#filters .facet a.chip')).filter(a => {
			const r = a.getBoundingClientRect(), n = a.querySelector('.n');
			return r.width > 0 && r.height > 0 && !!n && /^\d+$/.test(n.textContent.trim());
		}).length`)
		if chips < 3 {
			t.Errorf("%s: the sheet shows %d facet chips with counts", name, chips)
		}
		if diffs := diffFacets(pageFacets(tb), apiFacets(api, nil)); len(diffs) > 0 {
			t.Errorf("%s: the sheet's chips differ from GET /api/v1/search?q=%s:\n%s", name, q, strings.Join(diffs, "\n"))
		}
		tb.do(name+": 关闭", chromedp.Click(chromedp.CSS("#filters .sheet-close")))
		tb.mustWaitFor(name+": 关闭 closes the sheet", sheetHidden)
		if n := summaryTotal(tb); n != total {
			t.Errorf("%s: after 关闭 the page says %d results, was %d", name, n, total)
		}

		// A chip of the sheet: the results narrow; the filter shows above them.
		tb.do(name+": 筛选 again", chromedp.Click(chromedp.CSS("a.to-filters")))
		tb.mustWaitFor(name+": the 筛选 sheet again", sheetShown)
		label, count := "", 0
		for _, f := range api.Facets["flag"] {
			if f.Count > 0 && f.Count < api.Total {
				label, count = f.Label, f.Count
				break
			}
		}
		if label == "" {
			t.Fatalf("no flag of the results of %s narrows them: %+v", q, api.Facets["flag"])
		}
		chip := fmt.Sprintf(`//nav[@id='filters']//section[contains(concat(' ',@class,' '),' facet-flag ')]//a[contains(@class,'chip')][normalize-space(text()[1])='%s']`, label)
		click("the "+label+" chip", chromedp.Click(chromedp.Search(chip)))
		wait(fmt.Sprintf("the %d results of %s, with its chip above them", count, label), fmt.Sprintf(`(() => {
			const s = document.querySelector('.summary'), on = document.querySelectorAll('.chips.active .chip.on');
			return !!s && s.textContent.includes('共找到 %d 项服务') && on.length === 1 &&
				on[0].textContent.replace('×', '').trim() === %s && %s;
		})()`, count, js(label), sheetHidden))
		tb.shotScreen("filtered")
		firstScreen("filtered by " + label)
		remove := eval[string](tb, `document.querySelector('.chips.active .chip.on').getAttribute('href')`)
		if u, err := url.Parse(remove); err != nil || u.Path != "/search" || len(u.Query()) != 1 || u.Query().Get("q") != q {
			t.Errorf("%s: the active chip %s links %q, want the search for %s without it", name, label, remove, q)
		}
		if above := eval[bool](tb, `document.querySelector('.chips.active').getBoundingClientRect().bottom <= document.querySelector('.hit-list .hit').getBoundingClientRect().top`); !above {
			t.Errorf("%s: the active filter is not above the results", name)
		}

		// Removing it restores the results.
		click("removing "+label, chromedp.Click(chromedp.CSS(".chips.active .chip.on")))
		wait("the results without "+label, fmt.Sprintf(`(() => {
			const s = document.querySelector('.summary'), h = document.querySelector('.hit-list .hit h2 a');
			return !!s && s.textContent.includes('共找到 %d 项服务') && !document.querySelector('.chips.active') &&
				!!h && h.textContent.trim() === %s;
		})()`, total, js(first)))
		if got := eval[string](tb, `location.pathname + location.search`); got != "/search?q="+url.QueryEscape(q) {
			t.Errorf("%s: after removing the filter the address is %s", name, got)
		}
		tb.shotScreen("restored")
	}
	tb.withoutScripts(false)
}

// contrastOf is a JavaScript expression: the contrast ratio of the
// element's text colour on white (WCAG).
const contrastOf = `(e => {
	const [r, g, b] = getComputedStyle(e).color.match(/\d+(\.\d+)?/g).map(Number);
	const lin = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
	const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
	return 1.05 / (l + 0.05);
})`

// TestBrowserPhoneElder: the 长辈版 switch, without JavaScript: larger
// type, darker text, touch targets of 44 px, results without facets,
// remembered across pages, printable; and the switch back.
func TestBrowserPhoneElder(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: phoneFirstWidth, height: phoneFirstHeight, phone: true})
	tb.withoutScripts(true)
	const q = "身份证"
	page := "/search?q=" + url.QueryEscape(q)
	fontSize := func() float64 { return eval[float64](tb, `parseFloat(getComputedStyle(document.body).fontSize)`) }
	elder := func() bool { return eval[bool](tb, `document.body.classList.contains('elder')`) }
	// small lists the visible touch targets of the selectors under 44 px.
	small := func(selectors string) []string {
		return eval[[]string](tb, `Array.from(document.querySelectorAll(`+js(selectors)+`)).filter(e => {
			const r = e.getBoundingClientRect();
			return r.width > 0 && (r.height < 43.5 || r.width < 43.5);
		}).slice(0, 8).map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.trim().slice(0, 12) + ' ' + Math.round(e.getBoundingClientRect().height) + 'px')`)
	}

	if status := tb.navigate(page); status != 200 {
		t.Fatalf("the results page: HTTP %d", status)
	}
	tb.do("the results", chromedp.WaitVisible(chromedp.CSS(".hit-list .hit")))
	if elder() || fontSize() >= 20 {
		t.Fatalf("the 长辈版 is on before the switch (body font %.1f px)", fontSize())
	}
	if eval[bool](tb, `!document.querySelector('.facets')`) {
		t.Fatal("the standard results have no facets")
	}
	muted := eval[float64](tb, contrastOf+`(document.querySelector('.hit .meta'))`)
	total := summaryTotal(tb)

	// On: a plain link, back to the same page.
	if status := tb.follow("the 长辈版 switch", chromedp.Click(chromedp.Search(`//a[contains(@class,'elder-switch')][normalize-space(.)='长辈版']`))); status != 200 {
		t.Fatalf("the 长辈版 switch: HTTP %d", status)
	}
	if got := eval[string](tb, `location.pathname + location.search`); got != page {
		t.Errorf("the 长辈版 switch went to %s, want back to %s", got, page)
	}
	tb.do("the results", chromedp.WaitVisible(chromedp.CSS(".hit-list .hit")))
	tb.shotScreen("elder-results")
	tb.shot("elder-results")
	if !elder() {
		t.Fatal("after the switch the body has no class elder")
	}
	if fs := fontSize(); fs < 20 {
		t.Errorf("the 长辈版's body font is %.1f px, want at least 20", fs)
	}
	if n := summaryTotal(tb); n != total {
		t.Errorf("the 长辈版 says %d results, the standard page %d", n, total)
	}
	if shown := eval[int](tb, `Array.from(document.querySelectorAll('.facets, .to-filters, .facet a.chip')).filter(e => e.getClientRects().length > 0).length`); shown > 0 {
		t.Errorf("the 长辈版's results show %d facet elements", shown)
	}
	if c := eval[float64](tb, contrastOf+`(document.querySelector('.hit .meta'))`); c < 7 || c <= muted {
		t.Errorf("the 长辈版's secondary text has contrast %.1f:1 (standard %.1f:1), want at least 7:1 and more than standard", c, muted)
	}
	if c := eval[float64](tb, contrastOf+`(document.body)`); c < 15 {
		t.Errorf("the 长辈版's text has contrast %.1f:1", c)
	}
	if s := small(`.elder-switch, .hit h2 a, .hit .everywhere a, .chip, .pagination a, .region-form select, .region-form button, .search-form button, .account a`); len(s) > 0 {
		t.Errorf("touch targets under 44 px on the 长辈版's results: %q", s)
	}
	if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > phoneFirstWidth {
		t.Errorf("the 长辈版's results scroll sideways: scrollWidth %d; too wide: %q", sw, eval[[]string](tb, widestElements))
	}

	// Remembered on the next pages.
	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	tb.do("the home page", chromedp.WaitVisible(chromedp.CSS(".hot-list")))
	tb.shot("elder-home")
	tb.shotScreen("elder-home-first-screen")
	if !elder() || fontSize() < 20 {
		t.Errorf("the home page forgot the 长辈版 (body font %.1f px)", fontSize())
	}
	if s := small(`.hot-list a, .tag-list a, .count-list a, .elder-switch`); len(s) > 0 {
		t.Errorf("touch targets under 44 px on the 长辈版's home page: %q", s)
	}
	if sw := eval[int](tb, `document.documentElement.scrollWidth`); sw > phoneFirstWidth {
		t.Errorf("the 长辈版's home page scrolls sideways: scrollWidth %d; too wide: %q", sw, eval[[]string](tb, widestElements))
	}
	guide := eval[string](tb, `document.querySelector('.hot-list a[href^="/items/"]').getAttribute('href')`)
	if status := tb.navigate(guide); status != 200 {
		t.Fatalf("GET %s: %d", guide, status)
	}
	tb.do("the guide", chromedp.WaitVisible(chromedp.CSS("article.guide h1")))
	if !elder() || fontSize() < 20 {
		t.Errorf("the guide forgot the 长辈版 (body font %.1f px)", fontSize())
	}

	// Printable: the print media hides the switch and keeps the guide.
	tb.media("print")
	if !eval[bool](tb, `matchMedia('print').matches`) {
		t.Fatal("print media emulation is not on")
	}
	if d := eval[string](tb, `getComputedStyle(document.querySelector('.elder-switch')).display`); d != "none" {
		t.Errorf("printed, the 长辈版 switch has display %q", d)
	}
	if fs := fontSize(); fs < 14 || fs > 20 {
		t.Errorf("printed, the 长辈版's body font is %.1f px; want large print, not the screen's size", fs)
	}
	if shown := eval[bool](tb, `(() => { const h = document.querySelector('article.guide h1'); return h.getClientRects().length > 0 && getComputedStyle(h).display !== 'none'; })()`); !shown {
		t.Error("printed, the 长辈版's guide is not shown")
	}
	tb.shot("elder-print")
	tb.shotScreen("elder-print-first-screen")
	tb.media("")

	// Off again, back on the same page.
	if status := tb.follow("the 标准版 switch", chromedp.Click(chromedp.Search(`//a[contains(@class,'elder-switch')][normalize-space(.)='标准版']`))); status != 200 {
		t.Fatalf("the 标准版 switch: HTTP %d", status)
	}
	if got := eval[string](tb, `location.pathname`); got != guide {
		t.Errorf("the 标准版 switch went to %s, want back to %s", got, guide)
	}
	if elder() || fontSize() >= 20 {
		t.Errorf("after 标准版 the page is still the 长辈版 (body font %.1f px)", fontSize())
	}
	if status := tb.navigate(page); status != 200 {
		t.Fatalf("the results page: HTTP %d", status)
	}
	if elder() || eval[bool](tb, `!document.querySelector('.facets')`) {
		t.Error("after 标准版 the results are still the 长辈版's")
	}
	tb.withoutScripts(false)
}
