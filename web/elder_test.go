package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhinan/seeds"
)

// cookieNamed returns the response's Set-Cookie of that name.
func cookieNamed(t *testing.T, r response, name string) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie set: %q", name, r.header.Values("Set-Cookie"))
	return nil
}

var elderSwitchRE = regexp.MustCompile(`<a class="elder-switch" href="([^"]+)"[^>]*>([^<]+)</a>`)

// elderSwitchOf reads the layout's 长辈版 switch: its link and its text.
func elderSwitchOf(t *testing.T, body string) (href, text string) {
	t.Helper()
	m := elderSwitchRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no 长辈版 switch")
	}
	return html.UnescapeString(m[1]), m[2]
}

// TestElderSwitch: the 长辈版 link sets a cookie and comes back to the
// page; with the cookie the pages carry the "elder" class and the results
// have no facets; the switch turns it off again; next is a local path only.
func TestElderSwitch(t *testing.T) {
	f := seedServer(t)
	page := "/search?q=" + url.QueryEscape("身份证")

	plain := get(t, f.srv, page)
	if plain.status != 200 || !strings.Contains(plain.body, `class="facets"`) || strings.Contains(plain.body, " elder\"") {
		t.Fatalf("without the cookie: status %d, or no facets, or already 长辈版", plain.status)
	}
	href, text := elderSwitchOf(t, plain.body)
	if text != "长辈版" {
		t.Errorf("the switch says %q, want 长辈版", text)
	}
	u, err := url.Parse(href)
	if err != nil || u.Path != "/elder" || u.Query().Get("on") != "1" || u.Query().Get("next") != page {
		t.Fatalf("the switch links %q, want /elder?on=1&next=%s", href, page)
	}

	// Switching on: a cookie, back to the page.
	on := get(t, f.srv, href)
	if loc := on.header.Get("Location"); on.status != http.StatusSeeOther || loc != page {
		t.Fatalf("GET %s: %d to %q, want 303 to %s", href, on.status, loc, page)
	}
	cookie := cookieNamed(t, on, elderCookie)
	if cookie.Value != "1" || cookie.MaxAge <= 0 || !cookie.HttpOnly || cookie.Path != "/" {
		t.Fatalf("the 长辈版 cookie: %+v", cookie)
	}
	for _, path := range []string{page, "/", "/items/" + f.cat.Items[0].Code, "/departments/1"} {
		r := get(t, f.srv, path, cookie)
		if r.status != 200 {
			t.Fatalf("%s with the cookie: %d", path, r.status)
		}
		if !regexp.MustCompile(`<body class="[^"]*\belder\b`).MatchString(r.body) {
			t.Errorf("%s with the cookie: the body has no class elder", path)
		}
		if strings.Contains(r.body, `class="facets"`) || strings.Contains(r.body, `class="to-filters"`) {
			t.Errorf("%s in the 长辈版 shows the facets", path)
		}
		if href, text := elderSwitchOf(t, r.body); text != "标准版" || !strings.HasPrefix(href, "/elder?") ||
			!strings.Contains(href, "on=0") {
			t.Errorf("%s in the 长辈版: the switch says %q and links %q, want 标准版 to /elder?on=0…", path, text, href)
		}
	}
	// The results are the same, without the facets.
	if a, b := summaryOf(t, plain.body), summaryOf(t, get(t, f.srv, page, cookie).body); a != b {
		t.Errorf("the 长辈版 changed the results: %q, was %q", b, a)
	}

	// Switching off expires the cookie.
	r := get(t, f.srv, "/elder?on=0&next="+url.QueryEscape(page), cookie)
	if off := cookieNamed(t, r, elderCookie); r.status != http.StatusSeeOther || off.MaxAge >= 0 {
		t.Errorf("switching off: %d, cookie %+v", r.status, off)
	}
	// Only the value the switch sets counts.
	if r := get(t, f.srv, page, &http.Cookie{Name: elderCookie, Value: "yes"}); strings.Contains(r.body, `<html lang="zh-CN" class="elder">`) {
		t.Error("an elder cookie of another value switched the 长辈版 on")
	}

	// No open redirect: anything but a local path goes home.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "evil.example", "javascript:alert(1)", ""} {
		r := get(t, f.srv, "/elder?on=1&next="+url.QueryEscape(next))
		if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/" {
			t.Errorf("next=%q: %d to %q, want 303 to /", next, r.status, loc)
		}
	}
}

var hotLinkRE = regexp.MustCompile(`<li><a href="([^"]+)">([^<]+)</a>`)

// hotLinks reads the 热门事项 of the home page: link → name.
func hotLinks(t *testing.T, body string) map[string]string {
	t.Helper()
	i := strings.Index(body, `id="hot-h"`)
	if i < 0 {
		t.Fatal("the home page has no 热门事项")
	}
	list := body[i:]
	list = list[:strings.Index(list, "</ol>")]
	out := map[string]string{}
	for _, m := range hotLinkRE.FindAllStringSubmatch(list, -1) {
		out[html.UnescapeString(m[1])] = m[2]
	}
	if len(out) < 4 {
		t.Fatalf("the home page has %d 热门事项: %q", len(out), out)
	}
	return out
}

// TestHotItemsWithoutRegion: with no region chosen, 热门事项 link the city's
// own item of a service, else the list of its items in every region — not
// one county's copies, even of the items most viewed in that county. With
// a region chosen, they are that region's items.
func TestHotItemsWithoutRegion(t *testing.T) {
	f := seedServer(t)
	ctx := t.Context()
	// The most viewed item is a county's (汉滨区) copy of a service the
	// other counties offer too.
	viewed := ""
	for _, it := range f.cat.Items {
		if it.Region != "610902" {
			continue
		}
		sibs, err := f.store.Siblings(ctx, it.BaseCode)
		if err != nil {
			t.Fatal(err)
		}
		if len(sibs) > 3 {
			viewed = it.Code
			break
		}
	}
	if viewed == "" {
		t.Fatal("the seed catalogue has no 汉滨区 item offered elsewhere too")
	}
	// Fewer views than TestMostViewedItemsLeadTheHomePage gives its item.
	if err := f.store.AddViews(ctx, map[string]int64{viewed: 20}); err != nil {
		t.Fatal(err)
	}

	links := hotLinks(t, get(t, f.srv, "/").body)
	counties := map[string]int{}
	for link, name := range links {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("%s links %q: %v", name, link, err)
		}
		switch {
		case u.Path == "/search" && u.Query().Get("service") != "" && u.Query().Get("group") == "none":
			// The service's items in every region: the citizen picks theirs.
			r := get(t, f.srv, link)
			if rows := hitRows(r.body); r.status != 200 || len(rows) < 2 || rows[0].name != name {
				t.Errorf("%s links %s, which lists %d rows (%d)", name, link, len(rows), r.status)
			}
		case strings.HasPrefix(u.Path, "/items/"):
			it, err := f.store.Published(ctx, strings.TrimPrefix(u.Path, "/items/"))
			if err != nil {
				t.Fatalf("%s links %s: %v", name, link, err)
			}
			if it.Region == seeds.CityRegion {
				continue
			}
			counties[it.Region]++
			sibs, err := f.store.Siblings(ctx, it.BaseCode)
			if err != nil {
				t.Fatal(err)
			}
			regions := map[string]bool{}
			for _, s := range sibs {
				if s.Name == it.Name {
					regions[s.Region] = true
				}
			}
			if len(regions) > 1 {
				t.Errorf("with no region chosen, %s links %s's copy (%s), one of %d regions' items", name, it.Region, it.Code, len(regions))
			}
		case u.Path == "/search" && u.Query().Get("q") == name:
		default:
			t.Errorf("%s links %s", name, link)
		}
	}
	for region, n := range counties {
		if n == len(links) {
			t.Errorf("every 热门事项 links one county's (%s) items", region)
		}
	}

	// With 汉阴县 chosen: 汉阴县's items.
	for link, name := range hotLinks(t, get(t, f.srv, "/", &http.Cookie{Name: regionCookie, Value: "610921"}).body) {
		if !strings.HasPrefix(link, "/items/") {
			t.Errorf("with 汉阴县 chosen, %s links %s", name, link)
			continue
		}
		it, err := f.store.Published(ctx, strings.TrimPrefix(link, "/items/"))
		if err != nil || it.Region != "610921" {
			t.Errorf("with 汉阴县 chosen, %s links %s (%v)", name, link, err)
		}
	}
}
