package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
	"zhinan/internal/testdb"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
)

// The bundle fixture: a small catalogue of its own (the shared fixture is
// the seed catalogue), three entries of a birth and the items that serve
// them in 安康市 (610900) and 汉阴县 (610921):
//
//	出生登记            city and 汉阴县
//	社会保障卡申领      city only: 汉阴县 falls back to it
//	预防接种证办理      汉阴县 only: the city and 平利县 have none
//
// 出生登记 and 社会保障卡申领 both ask for the ID card and the 户口簿
// (under other names in one of them).
const (
	entryBirth   = "071001000000"
	entryCard    = "201039000000"
	entryVaccine = "203009000000"
	testBundle   = "zt-birth"
	countyHanyin = "610921"
	countyPingli = "610926"
)

type bundleFixture struct {
	srv   *Server
	store *store.Store
}

var (
	bundleFixtureOnce sync.Once
	theBundleFixture  *bundleFixture
	bundleFixtureErr  error
)

func testBundleItem(code, base, name, region, dept, location string, days, visits *int, mats ...string) *catalog.Item {
	it := catalogtest.CompleteGuide()
	it.Code, it.BaseCode, it.Name, it.Region, it.Department, it.Location = code, base, name, region, dept, location
	it.PromisedDays, it.Visits = days, visits
	it.Materials = nil
	for _, m := range mats {
		it.Materials = append(it.Materials, catalog.Material{Name: m, Required: "必要", Form: "原件", Copies: catalog.Int(1), Source: "申请人自备"})
	}
	it.AskPhrases, it.FAQ = nil, nil
	return it
}

func testBirthBundle(name string) *catalog.Bundle {
	return &catalog.Bundle{Code: testBundle, Name: name, Description: "孩子出生后，出生登记、预防接种证和社会保障卡一次办。",
		Themes: []string{"生育收养"}, AskPhrases: []string{"生孩子", "宝宝出生要办什么"},
		Steps: []catalog.BundleStep{
			{BaseCode: entryVaccine, Stage: 1},
			{BaseCode: entryBirth, Stage: 2},
			{BaseCode: entryCard, Stage: 2},
		},
		Form:  "出生一件事联办申请表",
		Links: []catalog.MaterialLink{{Name: "居民户口簿", Same: []string{"户口本", "户口簿"}}}}
}

func bundleServer(t *testing.T) *bundleFixture {
	t.Helper()
	bundleFixtureOnce.Do(func() {
		ctx := context.Background()
		dir := filepath.Join(fixtureDir, "bundles") // lasts as long as the test binary
		url, err := testdb.ProcessURL()
		if err != nil {
			bundleFixtureErr = err
			return
		}
		st, err := store.OpenDB(url, dir)
		if err != nil {
			bundleFixtureErr = err
			return
		}
		regions, _ := seeds.Regions()
		if bundleFixtureErr = st.EnsureRegions(ctx, regions); bundleFixtureErr != nil {
			return
		}
		d := catalog.Decoded{}
		add := func(r catalog.Record) { r.File, r.Line = "t.jsonl", len(d.Records)+1; d.Records = append(d.Records, r) }
		for _, e := range []catalog.Entry{
			{BaseCode: entryBirth, Name: "出生登记", Type: "行政确认"},
			{BaseCode: entryCard, Name: "社会保障卡申领", Type: "公共服务"},
			{BaseCode: entryVaccine, Name: "预防接种证办理", Type: "公共服务"},
		} {
			add(catalog.Record{Kind: catalog.KindEntry, Entry: &e})
		}
		for _, it := range []*catalog.Item{
			testBundleItem("ZT-BIRTH-CITY", entryBirth, "出生登记", "610900", "安康市公安局", "安康市政务服务中心一楼公安窗口", catalog.Int(0), catalog.Int(1),
				"居民身份证（原件）", "居民户口簿", "出生医学证明"),
			testBundleItem("ZT-BIRTH-HY", entryBirth, "出生登记", countyHanyin, "汉阴县公安局", "汉阴县政务服务中心公安窗口", catalog.Int(1), catalog.Int(1),
				"申请人身份证", "户口本", "出生医学证明"),
			testBundleItem("ZT-CARD-CITY", entryCard, "社会保障卡申领", "610900", "安康市人力资源和社会保障局", "安康市政务服务中心二楼人社窗口", catalog.Int(5), catalog.Int(1),
				"居民身份证", "户口簿", "近期免冠照片"),
			testBundleItem("ZT-VAC-HY", entryVaccine, "预防接种证办理", countyHanyin, "汉阴县疾病预防控制中心", "汉阴县疾控中心接种门诊", nil, catalog.Int(1),
				"出生医学证明"),
		} {
			add(catalog.Record{Kind: catalog.KindItem, Item: it})
		}
		add(catalog.Record{Kind: catalog.KindBundle, Bundle: testBirthBundle("测试出生一件事")})
		res, err := st.Import(ctx, d, store.ImportOptions{})
		if err != nil {
			bundleFixtureErr = err
			return
		}
		if len(res.Problems) > 0 || res.Bundles != 1 {
			bundleFixtureErr = fmt.Errorf("import: %d bundles, problems: %s", res.Bundles, problemsText(res.Problems))
			return
		}
		ix, err := search.Open(ctx, dir, st)
		if err != nil {
			bundleFixtureErr = err
			return
		}
		srv, err := New(ctx, st, ix, Options{HomeRegion: seeds.CityRegion})
		if err != nil {
			bundleFixtureErr = err
			return
		}
		theBundleFixture = &bundleFixture{srv: srv, store: st}
	})
	if bundleFixtureErr != nil {
		t.Fatal(bundleFixtureErr)
	}
	return theBundleFixture
}

func problemsText(ps []catalog.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Error())
		b.WriteString("; ")
	}
	return b.String()
}

// materialRow is a row of a bundle page's merged materials.
type materialRow struct{ name, needed string }

var (
	materialRowRE = regexp.MustCompile(`(?s)<tr[^>]*><td class="check">.*?<label [^>]*>(.*?)</label>.*?<td class="needed">(.*?)</td></tr>`)
	stepLinkRE    = regexp.MustCompile(`<p class="step-name"><a href="/items/([^"]+)">([^<]*)</a>`)
)

func materialRows(body string) []materialRow {
	var out []materialRow
	for _, m := range materialRowRE.FindAllStringSubmatch(body, -1) {
		out = append(out, materialRow{html.UnescapeString(m[1]), html.UnescapeString(m[2])})
	}
	return out
}

// stepLinks returns the step label → the item code it links to.
func stepLinks(body string) map[string]string {
	out := map[string]string{}
	for _, m := range stepLinkRE.FindAllStringSubmatch(body, -1) {
		out[html.UnescapeString(m[2])] = m[1]
	}
	return out
}

// TestBundlePageMergesMaterials: a material several items need is listed
// once, with the items that need it; the steps come in stage order, the
// parallel ones together.
func TestBundlePageMergesMaterials(t *testing.T) {
	f := bundleServer(t)
	r := get(t, f.srv, "/bundles/"+testBundle)
	if r.status != 200 {
		t.Fatalf("GET /bundles/%s: %d", testBundle, r.status)
	}
	rows := materialRows(r.body)
	count := map[string]int{}
	need := map[string]string{}
	for _, row := range rows {
		count[row.name]++
		need[row.name] = row.needed
	}
	for name, want := range map[string]string{
		"居民身份证（原件）": "出生登记、社会保障卡申领",
		"居民户口簿":     "出生登记、社会保障卡申领",
		"出生医学证明":    "出生登记",
		"近期免冠照片":    "社会保障卡申领",
	} {
		if count[name] != 1 || need[name] != want {
			t.Errorf("material %s: %d rows, needed by %q; want 1 row needed by %q (rows %v)", name, count[name], need[name], want, rows)
		}
	}
	if len(rows) != 4 {
		t.Errorf("%d material rows, want 4: %v", len(rows), rows)
	}
	for _, w := range []string{"测试出生一件事", "可同时办理", "第 1 步", "第 2 步", "最长约 5 个工作日", "出生一件事联办申请表",
		"安康市政务服务中心一楼公安窗口", "安康市政务服务中心二楼人社窗口", "本地区暂无此事项", "其中 2 项多个事项共用"} {
		if !strings.Contains(r.body, w) {
			t.Errorf("the bundle page lacks %q", w)
		}
	}
	// Stage 1 (预防接种证办理) before stage 2, whose two steps are together.
	v, b, c := strings.Index(r.body, "预防接种证办理"), strings.Index(r.body, ">出生登记<"), strings.Index(r.body, ">社会保障卡申领<")
	if v < 0 || b < 0 || c < 0 || !(v < b && b < c) {
		t.Errorf("steps out of stage order: 预防接种证办理 %d, 出生登记 %d, 社会保障卡申领 %d", v, b, c)
	}
	if strings.Count(r.body, "可同时办理") != 1 {
		t.Errorf("可同时办理 shown %d times, want once (stage 2)", strings.Count(r.body, "可同时办理"))
	}
	// The city has no 预防接种证: the time is a lower bound, and says so.
	if !strings.Contains(r.body, "实际可能更长") {
		t.Error("an incomplete critical path is not marked")
	}
	if p := get(t, f.srv, "/bundles/"+testBundle+"?print=1"); p.status != 200 || !strings.Contains(p.body, "print-view") {
		t.Errorf("print view: %d", p.status)
	}
}

// TestBundleRegions: each step resolves to the item of the region, else of
// the region above it, else none.
func TestBundleRegions(t *testing.T) {
	f := bundleServer(t)
	for _, tc := range []struct {
		name    string
		target  string
		cookie  string
		links   map[string]string // step label → item code ("" = no item)
		missing int
		visits  string
	}{
		{"city", "/bundles/" + testBundle, "", map[string]string{"出生登记": "ZT-BIRTH-CITY", "社会保障卡申领": "ZT-CARD-CITY", "预防接种证办理": ""}, 1, ""},
		{"county param", "/bundles/" + testBundle + "?region=" + countyHanyin, "",
			map[string]string{"出生登记": "ZT-BIRTH-HY", "社会保障卡申领": "ZT-CARD-CITY", "预防接种证办理": "ZT-VAC-HY"}, 0, "2 次"},
		{"county cookie", "/bundles/" + testBundle, countyHanyin,
			map[string]string{"出生登记": "ZT-BIRTH-HY", "社会保障卡申领": "ZT-CARD-CITY", "预防接种证办理": "ZT-VAC-HY"}, 0, "2 次"},
		{"param beats cookie", "/bundles/" + testBundle + "?region=" + countyPingli, countyHanyin,
			map[string]string{"出生登记": "ZT-BIRTH-CITY", "社会保障卡申领": "ZT-CARD-CITY", "预防接种证办理": ""}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cookies []*http.Cookie
			if tc.cookie != "" {
				cookies = append(cookies, &http.Cookie{Name: regionCookie, Value: tc.cookie})
			}
			r := get(t, f.srv, tc.target, cookies...)
			if r.status != 200 {
				t.Fatalf("%s: %d", tc.target, r.status)
			}
			links := stepLinks(r.body)
			for label, code := range tc.links {
				if links[label] != code {
					t.Errorf("%s links to %q, want %q", label, links[label], code)
				}
			}
			if n := strings.Count(r.body, "本地区暂无此事项"); n != tc.missing {
				t.Errorf("本地区暂无此事项 %d times, want %d", n, tc.missing)
			}
			if tc.links["社会保障卡申领"] == "ZT-CARD-CITY" && strings.Contains(tc.target+tc.cookie, countyHanyin) && !strings.Contains(r.body, "由安康市办理") {
				t.Error("the city's item serving the county is not marked")
			}
			if tc.visits != "" && !strings.Contains(r.body, `<dd class="bundle-visits">`+tc.visits+"</dd>") {
				t.Errorf("visits: want %s", tc.visits)
			}
		})
	}
	// The region switcher links every region of the home region's family.
	r := get(t, f.srv, "/bundles/"+testBundle+"?region="+countyHanyin)
	if !strings.Contains(r.body, `href="/bundles/`+testBundle+`?region=`+countyPingli+`"`) ||
		!strings.Contains(r.body, `aria-current="true">汉阴县`) {
		t.Error("no region switcher with the current region marked")
	}
	for target, status := range map[string]int{
		"/bundles/" + testBundle + "?region=999999":   400,
		"/bundles/no-such-bundle":                     404,
		"/api/v1/bundles/no-such-bundle":              404,
		"/api/v1/bundles/" + testBundle + "?region=x": 400,
	} {
		if r := get(t, f.srv, target); r.status != status {
			t.Errorf("%s: %d, want %d", target, r.status, status)
		}
	}
	if r := get(t, f.srv, "/bundles/no-such-bundle"); !strings.Contains(r.body, "没有找到这个页面或事项") {
		t.Error("an unknown bundle does not show the 404 page")
	}
}

// TestBundleAPI: the list and one bundle resolved, in JSON.
func TestBundleAPI(t *testing.T) {
	f := bundleServer(t)
	r := get(t, f.srv, "/api/v1/bundles")
	var list struct {
		Bundles []catalog.PublishedBundle `json:"bundles"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || r.status != 200 {
		t.Fatalf("list: %d %v", r.status, err)
	}
	if len(list.Bundles) != 1 || list.Bundles[0].Code != testBundle || len(list.Bundles[0].Steps) != 3 {
		t.Fatalf("list: %+v", list.Bundles)
	}
	r = get(t, f.srv, "/api/v1/bundles/"+testBundle+"?region="+countyHanyin)
	var one struct {
		Bundle    catalog.PublishedBundle  `json:"bundle"`
		Region    string                   `json:"region"`
		Steps     []bundleStepView         `json:"steps"`
		Materials []catalog.MergedMaterial `json:"materials"`
		Days      int                      `json:"critical_path_days"`
		DaysFull  bool                     `json:"critical_path_complete"`
		Visits    int                      `json:"visits"`
		Places    []bundlePlace            `json:"locations"`
	}
	if err := json.Unmarshal([]byte(r.body), &one); err != nil || r.status != 200 {
		t.Fatalf("one: %d %v %s", r.status, err, r.body)
	}
	if one.Region != countyHanyin || len(one.Steps) != 3 || one.Steps[0].Item == nil || one.Steps[0].Item.Code != "ZT-VAC-HY" ||
		one.Steps[2].Item == nil || one.Steps[2].Item.Code != "ZT-CARD-CITY" || !one.Steps[2].Item.Above {
		t.Errorf("steps: %+v", one.Steps)
	}
	if one.Days != 5 || one.DaysFull || one.Visits != 2 || len(one.Places) != 3 {
		t.Errorf("totals: days %d complete %v visits %d places %v", one.Days, one.DaysFull, one.Visits, one.Places)
	}
	shared := 0
	for _, m := range one.Materials {
		if len(m.Codes) > 1 {
			shared++
		}
	}
	if shared != 3 { // in 汉阴县 the 出生医学证明 too (预防接种证办理 and 出生登记)
		t.Errorf("%d shared materials, want 3: %+v", shared, one.Materials)
	}
}

// TestBundlesOnHomeAndList: the home page and /bundles list the bundles.
func TestBundlesOnHomeAndList(t *testing.T) {
	f := bundleServer(t)
	home := get(t, f.srv, "/")
	if !strings.Contains(home.body, `id="bundles-h">一件事一次办`) || !strings.Contains(home.body, `<a href="/bundles/`+testBundle+`">测试出生一件事</a>`) {
		t.Error("the home page does not list the bundle")
	}
	list := get(t, f.srv, "/bundles")
	if list.status != 200 || !strings.Contains(list.body, `href="/bundles/`+testBundle+`"`) || !strings.Contains(list.body, "包含 3 个事项") {
		t.Errorf("/bundles: %d", list.status)
	}
	if ids := f.srv.bundlesOf(t.Context(), entryCard); len(ids) != 1 || ids[0].Code != testBundle {
		t.Errorf("bundlesOf(%s) = %v", entryCard, ids)
	}
	if ids := f.srv.bundlesOf(t.Context(), "000000000000"); len(ids) != 0 {
		t.Errorf("bundlesOf(none) = %v", ids)
	}
}

// TestBundleSearchCard: a query asking for the life event shows its card
// above the items; the search API adds it; other queries show none.
func TestBundleSearchCard(t *testing.T) {
	f := bundleServer(t)
	r := get(t, f.srv, "/search?q="+url.QueryEscape("生孩子"))
	card, hit := strings.Index(r.body, `<li class="bundle-hit">`), strings.Index(r.body, `<li class="hit">`)
	if card < 0 || hit < 0 || card > hit {
		t.Fatalf("the bundle card (at %d) is not above the items (at %d)", card, hit)
	}
	if !strings.Contains(r.body, "一件事：测试出生一件事</a> <span class=\"bundle-steps\">— 包含 3 个事项") {
		t.Error("the card does not name the bundle and its items")
	}
	if r := get(t, f.srv, "/search?q="+url.QueryEscape("生孩子")+"&page=2"); strings.Contains(r.body, `class="bundle-hit"`) {
		t.Error("the card is repeated on page 2")
	}
	if r := get(t, f.srv, "/search?q="+url.QueryEscape("身份证丢了")); strings.Contains(r.body, `class="bundle-hit"`) {
		t.Error("身份证丢了 shows a bundle")
	}
	api := get(t, f.srv, "/api/v1/search?q="+url.QueryEscape("宝宝出生要办什么"))
	var body struct {
		Total   int            `json:"total"`
		Bundles []apiBundleHit `json:"bundles"`
	}
	if err := json.Unmarshal([]byte(api.body), &body); err != nil {
		t.Fatalf("search API: %v %s", err, api.body)
	}
	if len(body.Bundles) != 1 || body.Bundles[0].Code != testBundle || body.Bundles[0].Steps != 3 {
		t.Errorf("search API bundles: %+v", body.Bundles)
	}
	if api := get(t, f.srv, "/api/v1/search?q="+url.QueryEscape("护照")); strings.Contains(api.body, `"bundles"`) {
		t.Error("护照 answers bundles")
	}
}

// TestBundleCacheFollowsTheStore: a new edition shows once the cache
// checks the store's version again.
func TestBundleCacheFollowsTheStore(t *testing.T) {
	f := bundleServer(t)
	ctx := t.Context()
	if r := get(t, f.srv, "/bundles/"+testBundle); !strings.Contains(r.body, "测试出生一件事") {
		t.Fatal("no bundle")
	}
	renamed := testBirthBundle("测试新生儿一件事")
	d := catalog.Decoded{Records: []catalog.Record{{File: "t.jsonl", Line: 1, Kind: catalog.KindBundle, Bundle: renamed}}}
	if res, err := f.store.Import(ctx, d, store.ImportOptions{}); err != nil || res.Bundles != 1 {
		t.Fatalf("import: %v %+v", err, res)
	}
	t.Cleanup(func() {
		d.Records[0].Bundle = testBirthBundle("测试出生一件事")
		f.store.Import(context.Background(), d, store.ImportOptions{})
		f.srv.bundles.expire()
	})
	if r := get(t, f.srv, "/bundles/"+testBundle); !strings.Contains(r.body, "测试出生一件事") {
		t.Error("the cache asked the store before bundleCheck passed")
	}
	f.srv.bundles.expire()
	if r := get(t, f.srv, "/bundles/"+testBundle); !strings.Contains(r.body, "测试新生儿一件事") {
		t.Error("the new edition does not show after the check")
	}
}
