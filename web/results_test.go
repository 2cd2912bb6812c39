package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhinan/search"
)

// row is one result row of a results page, as a citizen reads it.
type row struct {
	code, name, region, department string
	everywhere                     string // the 查看各地 link, unescaped; "" when none
	regions                        string // the 「N 个地区可办」 text
}

var (
	rowLinkRE  = regexp.MustCompile(`<h2><a href="/items/([^"]+)">(.*?)</a></h2>`)
	rowMetaRE  = regexp.MustCompile(`<p class="meta">([^<]*)</p>`)
	rowEveryRE = regexp.MustCompile(`<p class="everywhere">([^<]*) · <a href="([^"]+)">查看各地</a></p>`)
	tagRE      = regexp.MustCompile(`<[^>]+>`)
	summaryRE  = regexp.MustCompile(`<p class="summary" role="status">([^<]*)<`)
)

// hitRows reads the result rows of a results page.
func hitRows(body string) []row {
	var out []row
	parts := strings.Split(body, `<li class="hit">`)
	for _, p := range parts[1:] {
		if end := strings.Index(p, "\n  </li>"); end >= 0 {
			p = p[:end]
		}
		var r row
		if m := rowLinkRE.FindStringSubmatch(p); m != nil {
			r.code, r.name = m[1], html.UnescapeString(tagRE.ReplaceAllString(m[2], ""))
		}
		if m := rowMetaRE.FindStringSubmatch(p); m != nil {
			meta := strings.Split(html.UnescapeString(m[1]), " · ")
			r.region = meta[0]
			if len(meta) > 1 {
				r.department = meta[1]
			}
		}
		if m := rowEveryRE.FindStringSubmatch(p); m != nil {
			r.regions, r.everywhere = m[1], html.UnescapeString(m[2])
		}
		out = append(out, r)
	}
	return out
}

func rowNamed(t *testing.T, rows []row, name string) row {
	t.Helper()
	for _, r := range rows {
		if r.name == name {
			return r
		}
	}
	t.Fatalf("no row %s among %d rows", name, len(rows))
	return row{}
}

// summaryOf is the results page's count line (共找到 …).
func summaryOf(t *testing.T, body string) string {
	t.Helper()
	m := summaryRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no summary")
	}
	return m[1]
}

// apiResult is GET /api/v1/search's answer.
type apiResult struct {
	Total  int    `json:"total"`
	Counts string `json:"counts"`
	Hits   []struct {
		Code    string `json:"code"`
		Name    string `json:"name"`
		Region  string `json:"region"`
		Service string `json:"service"`
		Items   int    `json:"items"`
		Regions int    `json:"regions"`
	} `json:"hits"`
	Facets map[string][]search.FacetValue `json:"facets"`
}

func apiGet(t *testing.T, f *fixture, params url.Values) apiResult {
	t.Helper()
	r := get(t, f.srv, "/api/v1/search?"+params.Encode())
	if r.status != 200 {
		t.Fatalf("GET /api/v1/search?%s: %d %s", params.Encode(), r.status, r.body)
	}
	var res apiResult
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestResultsAreOneRowPerService(t *testing.T) {
	f := seedServer(t)
	page := get(t, f.srv, "/search?q="+url.QueryEscape("身份证"))
	rows := hitRows(page.body)
	if len(rows) < 5 {
		t.Fatalf("%d rows for 身份证", len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.name] {
			t.Errorf("%s is shown twice", r.name)
		}
		seen[r.name] = true
	}
	// Without a chosen region the city's item represents a service the city offers.
	id := rowNamed(t, rows, "居民身份证首次申领")
	if id.region != "安康市" || id.everywhere == "" || !strings.Contains(id.regions, "个地区可办") {
		t.Errorf("居民身份证首次申领: %+v", id)
	}
	if s := summaryOf(t, page.body); !strings.Contains(s, "项服务") {
		t.Errorf("the summary %q does not say it counts services", s)
	}
	if !strings.Contains(page.body, `<p class="facet-note">数字为服务项数</p>`) {
		t.Error("the facets do not say they count services")
	}
	// The page's rows are the API's.
	api := apiGet(t, f, url.Values{"q": {"身份证"}, "prefer": {"610900"}})
	if api.Counts != search.CountsServices || len(api.Hits) != len(rows) {
		t.Fatalf("API: counts %q, %d hits; page %d rows", api.Counts, len(api.Hits), len(rows))
	}
	for i, h := range api.Hits {
		if rows[i].code != h.Code {
			t.Errorf("row %d: page %s, API %s", i, rows[i].code, h.Code)
		}
	}
}

func TestEverywhereListsTheServiceInEveryRegion(t *testing.T) {
	f := seedServer(t)
	rows := hitRows(get(t, f.srv, "/search?q="+url.QueryEscape("身份证")).body)
	id := rowNamed(t, rows, "居民身份证首次申领")
	u, err := url.Parse(id.everywhere)
	if err != nil || u.Path != "/search" || u.Query().Get("group") != "none" || u.Query().Get("service") == "" {
		t.Fatalf("the 查看各地 link is %q", id.everywhere)
	}
	list := get(t, f.srv, id.everywhere)
	if list.status != 200 {
		t.Fatalf("%s: %d", id.everywhere, list.status)
	}
	if !strings.Contains(list.body, "<h1>居民身份证首次申领 · 各地办理</h1>") {
		t.Error("the list's heading does not name the service")
	}
	items := hitRows(list.body)
	if len(items) < 10 {
		t.Fatalf("the list has %d items", len(items))
	}
	regions := map[string]bool{}
	for _, it := range items {
		if it.name != "居民身份证首次申领" {
			t.Errorf("the list shows %s", it.name)
		}
		if it.everywhere != "" {
			t.Errorf("an item row of the list links to the list again")
		}
		regions[it.region] = true
	}
	if len(regions) != len(items) {
		t.Errorf("%d items in %d regions", len(items), len(regions))
	}
	if s := summaryOf(t, list.body); !strings.Contains(s, "个办理项") {
		t.Errorf("the list's summary %q does not say it counts items", s)
	}
	if !strings.Contains(list.body, `<p class="facet-note">数字为办理项数</p>`) {
		t.Error("the list's facets do not say they count items")
	}
	if want := "个地区可办"; !strings.HasSuffix(id.regions, want) || !strings.HasPrefix(id.regions, itoa(len(regions))) {
		t.Errorf("the row says %q, the list has %d regions", id.regions, len(regions))
	}
	// With the chosen region, its item comes first.
	cookieList := hitRows(get(t, f.srv, id.everywhere, &http.Cookie{Name: regionCookie, Value: "610926"}).body)
	if len(cookieList) == 0 || cookieList[0].region != "平利县" {
		t.Errorf("with 平利县 chosen the list starts with %+v", cookieList[:min(1, len(cookieList))])
	}
}

func TestSearchAPIGrouping(t *testing.T) {
	f := seedServer(t)
	q := "身份证"
	grouped := apiGet(t, f, url.Values{"q": {q}})
	explicit := apiGet(t, f, url.Values{"q": {q}, "group": {"service"}})
	items := apiGet(t, f, url.Values{"q": {q}, "group": {"none"}, "size": {"50"}})
	if grouped.Counts != "services" || explicit.Counts != "services" || items.Counts != "items" {
		t.Fatalf("counts: default %q, service %q, none %q", grouped.Counts, explicit.Counts, items.Counts)
	}
	if grouped.Total != explicit.Total || items.Total <= grouped.Total {
		t.Errorf("totals: default %d, service %d, none %d", grouped.Total, explicit.Total, items.Total)
	}
	services := map[string]bool{}
	for _, h := range grouped.Hits {
		if services[h.Service] || h.Service == "" {
			t.Errorf("service %q twice or empty", h.Service)
		}
		services[h.Service] = true
		if h.Items < 1 || h.Regions < 1 || h.Regions > h.Items {
			t.Errorf("%s: %d items in %d regions", h.Name, h.Items, h.Regions)
		}
	}
	names := map[string]int{}
	for _, h := range items.Hits {
		names[h.Name]++
		if h.Items != 0 || h.Regions != 0 {
			t.Errorf("an item row has items/regions: %+v", h)
		}
	}
	if names["居民身份证首次申领"] < 2 {
		t.Errorf("group=none does not list the service's items: %v", names)
	}
	// service filters; prefer does not filter but chooses the representative.
	first := grouped.Hits[0]
	one := apiGet(t, f, url.Values{"service": {first.Service}, "group": {"none"}, "size": {"50"}})
	if one.Total != first.Items {
		t.Errorf("service=%s: %d items, the grouped row counted %d", first.Service, one.Total, first.Items)
	}
	for _, h := range one.Hits {
		if h.Service != first.Service {
			t.Errorf("service=%s lists %s", first.Service, h.Service)
		}
	}
	pref := apiGet(t, f, url.Values{"q": {q}, "prefer": {"610921"}})
	if pref.Total != grouped.Total {
		t.Errorf("prefer changed the total: %d, %d", pref.Total, grouped.Total)
	}
	for _, h := range pref.Hits {
		if h.Regions > 1 && h.Region != "610921" {
			t.Errorf("prefer=610921: %s is represented by %s", h.Name, h.Region)
		}
	}
	if bogus := apiGet(t, f, url.Values{"q": {q}, "prefer": {"999999"}}); bogus.Total != grouped.Total {
		t.Errorf("an unknown prefer region changed the total: %d", bogus.Total)
	}
	// A bad group is a 400 JSON error naming it.
	r := get(t, f.srv, "/api/v1/search?q=x&group=bogus")
	var e errorBody
	if r.status != 400 || json.Unmarshal([]byte(r.body), &e) != nil || e.Error.Field != "group" || e.Error.Message == "" {
		t.Errorf("group=bogus: %d %s", r.status, r.body)
	}
	if page := get(t, f.srv, "/search?q=x&group=bogus"); page.status != 400 {
		t.Errorf("the results page with group=bogus: %d", page.status)
	}
}

// TestFacetChipsCountWhatTheAPICounts: the chips of a results page are the
// API's facets for the same request, grouped or not.
func TestFacetChipsCountWhatTheAPICounts(t *testing.T) {
	f := seedServer(t)
	chipRE := regexp.MustCompile(`<a class="chip" href="[^"]*">([^<]*) <span class="n">(\d+)</span></a>`)
	for _, params := range []url.Values{
		{"q": {"公积金"}},
		{"q": {"身份证"}, "group": {"none"}},
		{"q": {"身份证"}, "flag": {"one_visit"}},
	} {
		page := get(t, f.srv, "/search?"+params.Encode())
		api := apiGet(t, f, params)
		want := map[string]string{}
		for _, values := range api.Facets {
			for _, v := range values {
				want[v.Label] = itoa(v.Count)
			}
		}
		nav := page.body[strings.Index(page.body, `<nav class="facets"`):]
		chips := chipRE.FindAllStringSubmatch(nav, -1)
		if len(chips) < 10 {
			t.Errorf("%s: %d chips", params.Encode(), len(chips))
		}
		for _, m := range chips {
			label := html.UnescapeString(m[1])
			if w, ok := want[label]; !ok || w != m[2] {
				t.Errorf("%s: chip %s shows %s, the API %q", params.Encode(), label, m[2], w)
			}
		}
	}
}

// TestHomeCountsLinkToWhatTheyCount: each count on the home page is the
// total of the page it links to.
func TestHomeCountsLinkToWhatTheyCount(t *testing.T) {
	f := seedServer(t)
	for _, cookies := range [][]*http.Cookie{nil, {{Name: regionCookie, Value: "610921"}}} {
		home := get(t, f.srv, "/", cookies...)
		if !strings.Contains(home.body, "项服务") || !strings.Contains(home.body, "按服务计数") {
			t.Error("the home page does not say it counts services")
		}
		links := regexp.MustCompile(`<a href="(/search\?[^"]*)"><strong>(\d+)</strong>`).FindAllStringSubmatch(home.body, -1)
		if len(links) < 5 {
			t.Fatalf("%d count links on the home page", len(links))
		}
		for _, m := range links {
			target := html.UnescapeString(m[1])
			page := get(t, f.srv, target, cookies...)
			if s := summaryOf(t, page.body); !strings.Contains(s, "共找到 "+m[2]+" 项服务") {
				t.Errorf("home (cookie %v) shows %s for %s, whose page says %q", cookies, m[2], target, s)
			}
		}
		// The regions, departments and themes with their counts.
		browse := regexp.MustCompile(`<a href="(/(?:regions|departments|themes)/[^"]+)">[^<]*<span class="n">(\d+)</span>`).FindAllStringSubmatch(home.body, -1)
		kinds := map[string]int{}
		for _, m := range browse {
			target := html.UnescapeString(m[1])
			kinds[strings.Split(target, "/")[1]]++
			if s := summaryOf(t, get(t, f.srv, target, cookies...).body); !strings.Contains(s, "共找到 "+m[2]+" 项服务") {
				t.Errorf("home (cookie %v) shows %s for %s, whose page says %q", cookies, m[2], target, s)
			}
		}
		if kinds["regions"] == 0 || kinds["departments"] == 0 || kinds["themes"] == 0 {
			t.Errorf("browse links on the home page: %v", kinds)
		}
	}
}

// A refused long query is not echoed back in full.
func TestRefusedLongQueryIsNotEchoed(t *testing.T) {
	f := seedServer(t)
	long := strings.Repeat("证", 2000)
	w := get(t, f.srv, "/search?q="+url.QueryEscape(long))
	if w.status != http.StatusBadRequest {
		t.Fatalf("status %d", w.status)
	}
	if strings.Contains(w.body, strings.Repeat("证", search.MaxQueryRunes+1)) {
		t.Fatalf("the page echoes more than %d characters of the query", search.MaxQueryRunes)
	}
}
