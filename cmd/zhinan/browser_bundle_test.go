package main

// Browser test of bundles (一件事一次办) over the seed catalogue: a citizen
// asks 生孩子, finds the birth bundle above the items, reads its merged list
// of materials and chooses a county, whose items the steps then link to.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// bundleStepLinks reads the bundle page's steps: their labels and the codes
// of the items they link to ("" for a step without one).
func bundleStepLinks(tb *tab) [][2]string {
	tb.t.Helper()
	return eval[[][2]string](tb, `Array.from(document.querySelectorAll('.bundle-step'), li => {
		const a = li.querySelector('.step-name a');
		return a ? [a.textContent.trim(), a.getAttribute('href').replace('/items/', '')] : [li.querySelector('.step-name').textContent.trim(), ''];
	})`)
}

// apiBundleSteps are the item codes of the steps of a bundle resolved in
// region, by the API.
func apiBundleSteps(t *testing.T, srv *server, code, region string) []string {
	t.Helper()
	var body struct {
		Steps []struct {
			Item *struct {
				Code   string `json:"code"`
				Region string `json:"region"`
			} `json:"item"`
		} `json:"steps"`
	}
	if status := srv.getJSON(t, "/api/v1/bundles/"+code+"?region="+region, &body); status != 200 {
		t.Fatalf("GET /api/v1/bundles/%s?region=%s: %d", code, region, status)
	}
	var out []string
	for _, s := range body.Steps {
		if s.Item == nil {
			out = append(out, "")
		} else {
			out = append(out, s.Item.Code)
		}
	}
	return out
}

func TestBrowserBundleBirth(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	if status := tb.navigate("/"); status != 200 {
		t.Fatalf("GET /: %d", status)
	}
	if !eval[bool](tb, `!!document.querySelector('.home-bundles a[href="/bundles/birth"]')`) {
		t.Error("the home page does not list the birth bundle")
	}

	// 生孩子: the bundle card is the first result, above the items.
	tb.ask("生孩子")
	tb.shot("search")
	first := eval[string](tb, `(() => { const a = document.querySelector('#results .hits a'); return a ? a.textContent.trim() : ''; })()`)
	if !strings.Contains(first, "出生一件事") {
		t.Fatalf("the first result for 生孩子 is %q, not the birth bundle", first)
	}
	if above := eval[bool](tb, `(() => {
		const card = document.querySelector('.bundle-hit'), hit = document.querySelector('.hit-list .hit');
		return !!card && !!hit && card.getBoundingClientRect().bottom <= hit.getBoundingClientRect().top;
	})()`); !above {
		t.Error("the bundle card is not above the items")
	}
	if status := tb.follow("click the bundle card", chromedp.Click(chromedp.CSS(".bundle-hit a"))); status != 200 {
		t.Fatalf("the bundle page: HTTP %d", status)
	}
	if loc := tb.location(); !strings.HasSuffix(loc, "/bundles/birth") {
		t.Fatalf("the card leads to %s", loc)
	}
	tb.mustWaitFor("the bundle page", `document.querySelectorAll('.bundle-step').length > 0`)
	tb.shot("bundle-city")

	// The merged materials: each name once; the ID card and the 户口簿, which
	// several items ask for, once each with those items.
	rows := eval[[][2]string](tb, `Array.from(document.querySelectorAll('table.bundle-materials tbody tr'),
		tr => [tr.querySelector('th').textContent.trim(), tr.querySelector('.needed').textContent.trim()])`)
	if len(rows) == 0 {
		t.Fatal("no merged materials")
	}
	seen := map[string]int{}
	for _, r := range rows {
		seen[r[0]]++
	}
	for name, n := range seen {
		if n > 1 {
			t.Errorf("material %s is listed %d times", name, n)
		}
	}
	// shared checks that exactly one row whose name has word is needed by
	// several items (the seed guides name the ID card differently; the
	// bundle's links make them one).
	shared := func(word string) {
		t.Helper()
		var found []string
		for _, r := range rows {
			if strings.Contains(r[0], word) && strings.Contains(r[1], "、") {
				found = append(found, r[0]+"："+r[1])
			}
		}
		if len(found) != 1 {
			t.Errorf("rows with %s needed by several items: %q, want exactly one (rows %q)", word, found, rows)
		}
	}
	shared("户口簿")
	shared("身份证")
	if !eval[bool](tb, `document.body.textContent.includes('可同时办理')`) {
		t.Error("the parallel steps are not marked 可同时办理")
	}
	if !eval[bool](tb, `/最长约 \d+ 个工作日|当场办结/.test(document.querySelector('.bundle-days').textContent)`) {
		t.Error("no critical path time")
	}

	// Choosing 汉阴县 (the page's region chips): the steps link to its items.
	const county = "610921"
	if status := tb.follow("choose 汉阴县", chromedp.Click(chromedp.CSS(`.bundle-regions a[href$="region=`+county+`"]`))); status != 200 {
		t.Fatalf("the bundle page in 汉阴县: HTTP %d", status)
	}
	want := apiBundleSteps(t, srv, "birth", county)
	wantJSON, _ := json.Marshal(want)
	// The page before had steps too, and a marker set in it (window.x) may
	// land in the document being left: what tells the new page apart is
	// what it shows, the steps linking to the county's items.
	inCounty := fmt.Sprintf(`document.readyState === 'complete' && JSON.stringify(Array.from(document.querySelectorAll('.bundle-step'),
		li => { const a = li.querySelector('.step-name a'); return a ? a.getAttribute('href').replace('/items/', '') : ''; })) === %q`, wantJSON)
	tb.mustWaitFor("the bundle page's steps in 汉阴县", inCounty)
	tb.shot("bundle-county")
	checkLinks := func(when string) {
		t.Helper()
		got := bundleStepLinks(tb)
		if len(got) != len(want) {
			t.Fatalf("%s: %d steps on the page, %d in the API", when, len(got), len(want))
		}
		own := 0
		for i, s := range got {
			if s[1] != want[i] {
				t.Errorf("%s: step %s links to %q, want %q", when, s[0], s[1], want[i])
			}
			if s[1] == "" {
				continue
			}
			var it struct {
				Region string `json:"region"`
			}
			if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(s[1]), &it); status != 200 {
				t.Errorf("%s: item %s: %d", when, s[1], status)
			}
			if it.Region == county {
				own++
			}
		}
		if own == 0 {
			t.Errorf("%s: no step links to an item of 汉阴县: %q", when, got)
		}
	}
	checkLinks("region chip")
	city := apiBundleSteps(t, srv, "birth", "610900")
	if fmt.Sprint(city) == fmt.Sprint(want) {
		t.Errorf("the city's and 汉阴县's steps link the same items: %q", city)
	}

	// The header's region chooser (a cookie) does the same on the plain page.
	// The chips set the cookie too: clear it (an empty choice), so that the
	// page before the choice shows the city's steps and the wait below can
	// only pass on the page after it.
	if status := tb.navigate("/region?code=&next=/bundles/birth"); status != 200 {
		t.Fatalf("GET /region (clear): %d", status)
	}
	cityJSON, _ := json.Marshal(city)
	tb.mustWaitFor("the plain bundle page without a chosen region", fmt.Sprintf(`document.readyState === 'complete' && JSON.stringify(Array.from(document.querySelectorAll('.bundle-step'),
		li => { const a = li.querySelector('.step-name a'); return a ? a.getAttribute('href').replace('/items/', '') : ''; })) === %q`, cityJSON))
	// A pick applies at once (app.js submits the form on change, which
	// SetValue fires): pressing 确定 as well would load the page twice,
	// and the second load could blank the page being checked.
	if status := tb.follow("choose 汉阴县", chromedp.SetValue(chromedp.CSS("#region-select"), county)); status != 200 {
		t.Fatalf("the region form: HTTP %d", status)
	}
	tb.mustWaitFor("the bundle page after choosing 汉阴县", `location.pathname === '/bundles/birth' && location.search === '' && `+inCounty)
	checkLinks("header region")

	// The print view, from the page's own link: in the chosen region.
	if status := tb.follow("打印办事清单", chromedp.Click(chromedp.CSS(".bundle .guide-head .actions a"))); status != 200 {
		t.Fatalf("print view: %d", status)
	}
	tb.mustWaitFor("the print view", `document.readyState === 'complete' && document.body.classList.contains('print-view') && `+inCounty)
	tb.shot("print")
}
