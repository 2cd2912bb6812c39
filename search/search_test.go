package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"zhinan/catalog"
)

// allHits pages through every hit of a request.
func allHits(t *testing.T, ix *Index, r Request) (*Result, []Hit) {
	t.Helper()
	r.Size = MaxSize
	var hits []Hit
	var first *Result
	for page := 1; ; page++ {
		r.Page = page
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = res
		}
		hits = append(hits, res.Hits...)
		if len(hits) >= res.Total || len(res.Hits) == 0 {
			break
		}
	}
	return first, hits
}

// facetRequests are the queries and filters whose facet counts the tests
// count by hand.
var facetRequests = []Request{
	{Q: "公积金"},
	{Q: "身份证"},
	{Q: "许可"},
	{Q: "社保", Region: "610921"},
	{Q: "登记", Flags: []string{catalog.FlagOneVisit}},
	{Q: "", Flags: []string{catalog.FlagOnline, catalog.FlagImmediate}},
	{Q: "", Region: "610900", Type: "行政许可"},
	{Q: "", Audience: "法人", Theme: "准营准办"},
}

// TestFacetCountsEqualTheHits: the facet counts are the classification
// counts a citizen sees, so they must equal counting the hits by hand
// (one row per item; see TestServiceFacetsEqualTheRows for services).
func TestFacetCountsEqualTheHits(t *testing.T) {
	f := seedFixture(t)
	items := f.itemsByCode()
	for _, r := range facetRequests {
		r.Group = GroupNone
		t.Run(fmt.Sprintf("%+v", r), func(t *testing.T) {
			res, hits := allHits(t, f.index, r)
			if res.Total != len(hits) || res.Total == 0 {
				t.Fatalf("total %d, paged %d hits", res.Total, len(hits))
			}
			want := map[string]map[string]int{}
			count := func(dim, v string) {
				if want[dim] == nil {
					want[dim] = map[string]int{}
				}
				want[dim][v]++
			}
			for _, h := range hits {
				it, ok := items[h.Code]
				if !ok {
					t.Fatalf("hit %s is not a seed item", h.Code)
				}
				for _, fl := range catalog.Flags(&it) {
					count("flag", fl)
				}
				count("type", it.Type)
				for _, code := range f.regionsOf(it.Region, r.Region) {
					count("region", code)
				}
				count("department", it.Department)
				for _, a := range it.Audience {
					count("audience", a)
				}
				for _, th := range it.Themes {
					count("theme", th)
				}
				// Every hit satisfies the filters.
				for _, fl := range r.Flags {
					if !catalog.HasFlag(&it, fl) {
						t.Errorf("%s lacks flag %s", h.Code, fl)
					}
				}
				if r.Type != "" && it.Type != r.Type {
					t.Errorf("%s has type %s", h.Code, it.Type)
				}
			}
			for _, dim := range FacetFields {
				got := map[string]int{}
				for _, v := range res.Facets[dim] {
					got[v.Value] = v.Count
					if v.Label == "" {
						t.Errorf("%s %s has no label", dim, v.Value)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want[dim]) && !(len(got) == 0 && len(want[dim]) == 0) {
					t.Errorf("facet %s = %v, counted %v", dim, got, want[dim])
				}
			}
		})
	}
}

// TestServiceFacetsEqualTheRows: with one row per service, the total is
// the number of services the items of the query and filters belong to, a
// facet value counts the services one of whose matching items has it, and
// adding that value as a filter returns exactly that many rows.
func TestServiceFacetsEqualTheRows(t *testing.T) {
	f := seedFixture(t)
	items := f.itemsByCode()
	for _, r := range append(facetRequests, Request{Q: "社保", Prefer: "610921"}) {
		t.Run(fmt.Sprintf("%+v", r), func(t *testing.T) {
			// Count by hand from every matching item.
			r.Group = GroupNone
			_, itemHits := allHits(t, f.index, r)
			services := map[string]bool{}
			want := map[string]map[string]map[string]bool{} // dim → value → services
			count := func(dim, v, svc string) {
				if want[dim] == nil {
					want[dim] = map[string]map[string]bool{}
				}
				if want[dim][v] == nil {
					want[dim][v] = map[string]bool{}
				}
				want[dim][v][svc] = true
			}
			for _, h := range itemHits {
				it := items[h.Code]
				services[h.Service] = true
				for _, fl := range catalog.Flags(&it) {
					count("flag", fl, h.Service)
				}
				count("type", it.Type, h.Service)
				for _, code := range f.regionsOf(it.Region, r.Region) {
					count("region", code, h.Service)
				}
				count("department", it.Department, h.Service)
				for _, a := range it.Audience {
					count("audience", a, h.Service)
				}
				for _, th := range it.Themes {
					count("theme", th, h.Service)
				}
			}
			r.Group = ""
			res, rows := allHits(t, f.index, r)
			if res.Counts != CountsServices || res.Total != len(services) || len(rows) != res.Total || res.Total == 0 {
				t.Fatalf("counts %s, total %d, %d rows; the items belong to %d services", res.Counts, res.Total, len(rows), len(services))
			}
			seen := map[string]bool{}
			for _, h := range rows {
				if seen[h.Service] || !services[h.Service] {
					t.Errorf("row %s: service %s twice or not among the matching items'", h.Code, h.Service)
				}
				seen[h.Service] = true
				if h.Items < 1 || h.Regions < 1 || h.Regions > h.Items {
					t.Errorf("row %s: %d items in %d regions", h.Code, h.Items, h.Regions)
				}
			}
			for _, dim := range FacetFields {
				got := map[string]int{}
				for _, v := range res.Facets[dim] {
					got[v.Value] = v.Count
				}
				counted := map[string]int{}
				for v, svcs := range want[dim] {
					counted[v] = len(svcs)
				}
				if fmt.Sprint(got) != fmt.Sprint(counted) && !(len(got) == 0 && len(counted) == 0) {
					t.Errorf("facet %s = %v, counted %v", dim, got, counted)
				}
			}
			// Choosing a value returns as many rows as its count says
			// (dimensions the request filters on already are left out).
			active := map[string]bool{"type": r.Type != "", "department": r.Department != "", "audience": r.Audience != "",
				"theme": r.Theme != "", "region": r.Region != ""}
			for _, dim := range []string{"flag", "type", "region", "department", "audience", "theme"} {
				if active[dim] {
					continue
				}
				for _, v := range res.Facets[dim] {
					fr := r
					switch dim {
					case "flag":
						fr.Flags = append(append([]string(nil), r.Flags...), v.Value)
					case "type":
						fr.Type = v.Value
					case "region":
						fr.Region = v.Value
					case "department":
						fr.Department = v.Value
					case "audience":
						fr.Audience = v.Value
					case "theme":
						fr.Theme = v.Value
					}
					got, err := f.index.Search(context.Background(), fr)
					if err != nil {
						t.Fatal(err)
					}
					if got.Total != v.Count {
						t.Errorf("%s=%s: facet says %d, the filter returns %d rows", dim, v.Value, v.Count, got.Total)
					}
				}
			}
		})
	}
}

// The item of the citizen's region represents its service; without one,
// the city's own item does.
func TestServiceRepresentedByTheCitizensRegion(t *testing.T) {
	f := seedFixture(t)
	for _, prefer := range []string{"610921", "610900"} {
		res, err := f.index.Search(context.Background(), Request{Q: "居民身份证首次申领", Prefer: prefer})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].Name != "居民身份证首次申领" {
			t.Fatalf("prefer %s: %+v", prefer, res.Hits)
		}
		h := res.Hits[0]
		if h.Region != prefer || h.Regions < 10 {
			t.Errorf("prefer %s: represented by %s (%s), offered in %d regions", prefer, h.Code, h.Region, h.Regions)
		}
	}
	// A county citizen is served by the city when the county has no item
	// of the service; a region named in the query wins.
	res, err := f.index.Search(context.Background(), Request{Q: "汉阴 身份证", Prefer: "610900"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits[:3] {
		if h.Region != "610921" {
			t.Errorf("汉阴 身份证: %s of %s first", h.Name, h.RegionName)
		}
	}
	none, err := f.index.Search(context.Background(), Request{Q: "居民身份证首次申领", Group: GroupNone, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	if none.Counts != CountsItems || none.Total < 10 {
		t.Errorf("group=none: %s, total %d, want one row per item", none.Counts, none.Total)
	}
	only, err := f.index.Search(context.Background(), Request{Service: res.Hits[0].Service, Group: GroupNone, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range only.Hits {
		if h.Service != res.Hits[0].Service {
			t.Errorf("service filter returned %s of %s", h.Name, h.Service)
		}
	}
	if only.Total < 2 {
		t.Errorf("service %s: %d items", res.Hits[0].Service, only.Total)
	}
}

func TestRegionFilterIncludesChildren(t *testing.T) {
	f := seedFixture(t)
	res, err := f.index.Search(context.Background(), Request{Region: "610900", Size: 1, Group: GroupNone})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != len(f.cat.Items) {
		t.Fatalf("安康市 and its children: %d items, want all %d", res.Total, len(f.cat.Items))
	}
	if len(res.Facets["region"]) < 10 {
		t.Fatalf("region facet %v: want the city and its counties", res.Facets["region"])
	}
	res, _ = f.index.Search(context.Background(), Request{Region: "610921", Size: 1, Group: GroupNone})
	for _, v := range res.Facets["region"] {
		if v.Value != "610921" {
			t.Fatalf("汉阴县 filter returned items of %s", v.Value)
		}
	}
}

func TestGongjijinFirst(t *testing.T) {
	f := seedFixture(t)
	res, err := f.index.Search(context.Background(), Request{Q: "公积金"})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range res.Hits[:5] {
		if !strings.Contains(h.Name, "住房公积金") {
			t.Fatalf("hit %d is %s, want 住房公积金 items first", i+1, h.Name)
		}
		if !strings.Contains(h.Highlight, "<mark>公积金</mark>") {
			t.Fatalf("highlight %q", h.Highlight)
		}
	}
}

func TestRequestLimits(t *testing.T) {
	f := seedFixture(t)
	for _, tc := range []struct {
		name  string
		r     Request
		field string // "" = accepted
	}{
		{"201 characters", Request{Q: strings.Repeat("证", 201)}, "q"},
		{"200 characters", Request{Q: strings.Repeat("证", 200)}, ""},
		{"control character", Request{Q: "身份\x00证"}, "q"},
		{"invalid utf-8", Request{Q: "身份\xff证"}, "q"},
		{"page 0 means 1", Request{Q: "证", Page: 0}, ""},
		{"negative page", Request{Q: "证", Page: -1}, "page"},
		{"page too deep", Request{Q: "证", Page: MaxPage + 1}, "page"},
		{"size too large", Request{Q: "证", Size: MaxSize + 1}, "size"},
		{"too many flags", Request{Flags: make([]string, MaxFlags+1)}, "flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.index.Search(context.Background(), tc.r)
			var re *RequestError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field != "" && (!errors.As(err, &re) || re.Field != tc.field || re.Message == ""):
				t.Fatalf("err = %v, want a RequestError on %s", err, tc.field)
			}
		})
	}
}

func TestUnknownFilterValuesGiveAnEmptyResult(t *testing.T) {
	f := seedFixture(t)
	for _, r := range []Request{
		{Q: "身份证", Region: "999999"},
		{Q: "身份证", Department: "不存在的部门"},
		{Type: "行政许可证"},
		{Flags: []string{"no_such_flag"}},
		{Audience: "外星人"},
		{Theme: "<script>"},
	} {
		res, err := f.index.Search(context.Background(), r)
		if err != nil || res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("%+v: %v, %d hits", r, err, res.Total)
		}
	}
}

// TestQuerySyntaxIsPlainText: bleve's query-language characters are text,
// never operators.
func TestQuerySyntaxIsPlainText(t *testing.T) {
	f := seedFixture(t)
	search := func(q string) *Result {
		res, err := f.index.Search(context.Background(), Request{Q: q, Size: MaxSize})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return res
	}
	plain := search("身份证 换领")
	for _, q := range []string{"+身份证 -换领", "身份证^ 换领~", `"身份证" 换领*`, "(身份证) [换领]", "身份证:换领"} {
		res := search(q)
		if res.Total == 0 || res.Hits[0].Name != plain.Hits[0].Name {
			t.Errorf("%q: %d hits, first %v; want the same as 身份证 换领 (%s)", q, res.Total, res.Hits, plain.Hits[0].Name)
		}
	}
	if res := search(`+-:*"~^`); res.Total != 0 {
		t.Errorf("a query of syntax characters found %d items", res.Total)
	}
}

func TestSuggest(t *testing.T) {
	f := seedFixture(t)
	for _, tc := range []struct {
		q, want string
	}{
		{"gjj", "住房公积金"},
		{"gongjijin", "住房公积金"},
		{"公积", "住房公积金"},
		{"zhufang", "住房公积金"},
		{"sfz", "身份证"},
		{"居民身", "居民身份证"},
		{"ＧＪＪ", "住房公积金"}, // full-width letters
	} {
		got, err := f.index.Suggest(context.Background(), tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) > MaxSuggestions || !strings.Contains(got[0], tc.want) {
			t.Errorf("suggest %q = %v, want ≤ %d names starting with one containing %s", tc.q, got, MaxSuggestions, tc.want)
		}
	}
	if got, _ := f.index.Suggest(context.Background(), "xyzzyq"); len(got) != 0 {
		t.Errorf("nonsense prefix suggested %v", got)
	}
}

func TestHighlight(t *testing.T) {
	for _, tc := range []struct {
		name  string
		terms []string
		want  string
	}{
		{"住房公积金提取", []string{"公积金"}, "住房<mark>公积金</mark>提取"},
		{"<b>身份证</b>&换领", []string{"身份证"}, "&lt;b&gt;<mark>身份证</mark>&lt;/b&gt;&amp;换领"},
		{"住房公积金提取", []string{"gjj"}, "住房<mark>公积金</mark>提取"},
		{"住房公积金提取", []string{"gongjijin"}, "住房<mark>公积金</mark>提取"},
		{"银行开户", []string{"yinhang"}, "<mark>银行</mark>开户"},
		{"<script>alert(1)</script>", []string{"script"}, "&lt;script&gt;alert(1)&lt;/script&gt;"},
	} {
		if got := highlight(tc.name, tc.terms); got != tc.want {
			t.Errorf("highlight(%q, %v) = %q, want %q", tc.name, tc.terms, got, tc.want)
		}
	}
}

func TestSplitPinyin(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"gongjijin", "gong ji jin", true},
		{"shenfenzheng", "shen fen zheng", true},
		{"xian", "xian", true},
		{"jiehundengji", "jie hun deng ji", true},
		{"sfz", "", false},
		{"xyz", "", false},
	} {
		got, ok := splitPinyin(tc.in)
		if ok != tc.ok || strings.Join(got, " ") != tc.want {
			t.Errorf("splitPinyin(%q) = %v %v", tc.in, got, ok)
		}
	}
	if got := strings.Join(syllables("银行行政重新办理"), " "); got != "yin hang xing zheng chong xin ban li" {
		t.Errorf("polyphones: %s", got)
	}
}

// The API's JSON of a result is encoded once and shared by the cached
// copies; each copy still reports its own took_ms, and the JSON says what
// the result says.
func TestResultJSON(t *testing.T) {
	ix := seedFixture(t).index
	ctx := context.Background()
	r := Request{Q: "公积金 提取", Flags: []string{catalog.FlagOneVisit}, Size: 3}
	first, err := ix.Search(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ix.Search(ctx, r) // from the cache
	if err != nil {
		t.Fatal(err)
	}
	first.TookMS, again.TookMS = 1.25, 0.5
	for _, res := range []*Result{first, again} {
		b, err := res.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		plain, _ := json.Marshal(res) // the struct's own encoding
		var want map[string]any
		json.Unmarshal(plain, &want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("JSON()\n%s\nwant\n%s", b, plain)
		}
		if got["took_ms"] != res.TookMS || got["total"].(float64) == 0 || len(got["hits"].([]any)) != 3 {
			t.Fatalf("JSON(): took_ms %v total %v hits %d", got["took_ms"], got["total"], len(got["hits"].([]any)))
		}
	}
}

// Pages of any size, served from the cached collection of a query or
// computed afresh, list the same items in the same order.
func TestPagesAgreeAcrossSizes(t *testing.T) {
	ix := seedFixture(t).index
	ctx := context.Background()
	for _, r := range []Request{{Q: "登记"}, {Q: "身份证", Prefer: "610921"}, {Q: "汉阴 身份证"}, {Flags: []string{catalog.FlagOneVisit}}} {
		t.Run(r.Q, func(t *testing.T) {
			page := func(r Request, n, size int) []Hit {
				r.Page, r.Size = n, size
				res, err := ix.Search(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				return res.Hits
			}
			var small []Hit
			for n := 1; n <= 12; n++ { // 84 items, past the first collection
				small = append(small, page(r, n, 7)...)
			}
			ix.mu.RLock()
			ix.clearCaches()
			ix.mu.RUnlock()
			big := append(page(r, 1, 42), page(r, 2, 42)...)
			if len(small) != len(big) {
				t.Fatalf("%d hits in pages of 7, %d in pages of 42", len(small), len(big))
			}
			for i := range small {
				if small[i].Code != big[i].Code {
					t.Fatalf("hit %d: %s in pages of 7, %s in pages of 42", i, small[i].Code, big[i].Code)
				}
			}
		})
	}
}

// Concurrent searches for the same page share the cached result: each
// gets its own took_ms and the same hits (run with -race, as CI does).
func TestConcurrentSearchesShareTheCache(t *testing.T) {
	ix := seedFixture(t).index
	ctx := context.Background()
	for round := range 20 {
		r := Request{Q: "身份证", Page: 1 + round%3}
		ix.mu.RLock()
		ix.clearCaches()
		ix.mu.RUnlock()
		codes := make([]string, 8)
		errs := make(chan error, len(codes))
		for g := range codes {
			go func() {
				res, err := ix.Search(ctx, r)
				if err == nil && len(res.Hits) > 0 {
					codes[g] = res.Hits[0].Code
					res.TookMS = -1 // the caller's own copy
				}
				errs <- err
			}()
		}
		for range codes {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range codes {
			if c == "" || c != codes[0] {
				t.Fatalf("round %d: first hits %v", round, codes)
			}
		}
	}
}
