package web

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of rawDB

	"zhinan/catalog"
	"zhinan/internal/testdb"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
)

// fixture is a real store and index over the seed catalogue plus one item
// with markup in its text, and the web server over them.
type fixture struct {
	srv   *Server
	store *store.Store
	index *search.Index
	cat   *seeds.Catalogue
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
	fixtureDir  string
	// fixtureURL is the fixture's PostgreSQL database (a schema that
	// lasts as long as the test binary), "" on SQLite.
	fixtureURL string
)

// hostile is an item whose editor-written text carries HTML and script.
var hostile = catalog.Item{
	Code: "ZN-XSS-1", BaseCode: "000000000777", Name: `<script>alert(1)</script>蓬莱护照<img src=x onerror=alert(2)>`,
	Type: "公共服务", Region: "610921", Department: "汉阴县民政局",
	Conditions: `<b>粗体</b> & "引号"`, Location: `<a href="javascript:alert(3)">大厅</a>`,
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zhinan-web")
	if err != nil {
		panic(err)
	}
	fixtureDir = dir
	code := testdb.Main(m)
	if code == 0 {
		code = checkEveryOperationAnswered()
	}
	if theFixture != nil {
		theFixture.index.Close()
		theFixture.store.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// openStore opens an empty store with the data directory dir (for the
// search index): SQLite there, or an empty PostgreSQL database when
// ZHINAN_TEST_DB names a server (see internal/testdb). It returns the
// database's URL too ("" on SQLite), for rawDB.
func openStore(t testing.TB, dir string) (*store.Store, string) {
	t.Helper()
	url := testdb.URL(t)
	st, err := store.OpenDB(url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, url
}

// rawDB opens the database of the store opened with url and dir behind
// the store's back, as another process would: the SQLite file in dir, or
// the PostgreSQL database url. A transaction begun on SQLite takes the
// write lock at once.
func rawDB(t testing.TB, url, dir string) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", "file:"+filepath.Join(dir, store.DatabaseFile)+"?_txlock=immediate"
	if url != "" {
		driver, dsn = "pgx", url
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func seedServer(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		ctx := context.Background()
		if fixtureURL, fixtureErr = testdb.ProcessURL(); fixtureErr != nil {
			return
		}
		st, err := store.OpenDB(fixtureURL, fixtureDir)
		if err != nil {
			fixtureErr = err
			return
		}
		regions, _ := seeds.Regions()
		if fixtureErr = st.EnsureRegions(ctx, regions); fixtureErr != nil {
			return
		}
		cat, err := seeds.Load()
		if err != nil {
			fixtureErr = err
			return
		}
		d := cat.Records()
		h := hostile
		d.Records = append(d.Records, catalog.Record{Kind: catalog.KindItem, Item: &h, Line: len(d.Records) + 1})
		if _, fixtureErr = st.Import(ctx, d, store.ImportOptions{}); fixtureErr != nil {
			return
		}
		for _, nu := range testUsers {
			if _, fixtureErr = st.AddUser(ctx, nu); fixtureErr != nil {
				return
			}
		}
		ix, err := search.Open(ctx, fixtureDir, st)
		if err != nil {
			fixtureErr = err
			return
		}
		go ix.Run(context.Background()) // publishes reach search as in a server
		srv, err := New(ctx, st, ix, Options{HomeRegion: seeds.CityRegion})
		if err != nil {
			fixtureErr = err
			return
		}
		theFixture = &fixture{srv: srv, store: st, index: ix, cat: cat}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return theFixture
}

// testPassword is every test account's password.
const testPassword = "测试口令-long-enough"

// testUsers are the accounts of the fixture, one per role and scope.
var testUsers = []store.NewUser{
	{Name: "editor-police", Role: catalog.RoleEditor, Department: "市公安局", Region: "610900", Password: testPassword},
	{Name: "editor-hanyin", Role: catalog.RoleEditor, Department: "汉阴县民政局", Region: "610921", Password: testPassword},
	{Name: "reviewer-city", Role: catalog.RoleReviewer, Region: "610900", Password: testPassword},
	{Name: "reviewer-pingli", Role: catalog.RoleReviewer, Region: "610926", Password: testPassword},
	{Name: "auditor", Role: catalog.RoleAuditor, Password: testPassword},
	{Name: "admin", Role: catalog.RoleAdmin, Password: testPassword},
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t testing.TB, h http.Handler, target string, cookies ...*http.Cookie) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	serveChecked(t, h, rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	r := response{rec.Code, rec.Result().Header, string(body)}
	checkNoFormatErrors(t, "GET "+target, r)
	return r
}

func TestPagesRender(t *testing.T) {
	f := seedServer(t)
	code := f.cat.Items[0].Code
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/", 200, []string{"最多跑一次", "个人办事", "法人办事", "按部门查找", "按地区查找", "热门事项"}},
		{"/search?q=" + url.QueryEscape("公积金"), 200, []string{"<mark>公积金</mark>", "住房公积金", "class=\"facets\"", "最多跑一次"}},
		{"/search?q=" + url.QueryEscape("量子纠缠"), 200, []string{"没有找到", "大家都在办"}},
		{"/search?q=" + url.QueryEscape(strings.Repeat("证", 201)), 400, []string{"搜索词最多 200 个字"}},
		{"/search?q=a&page=abc", 400, []string{"页码"}},
		{"/items/" + code, 200, []string{"基本信息", "受理条件", "申请材料", "办理流程", "办理时限", "收费标准", "设定依据", "办理地点和时间", "咨询和监督投诉", "其他地区的同一事项"}},
		{"/items/" + code + "?print=1", 200, []string{"print-view"}},
		{"/items/" + code + "/brief", 200, []string{"申请材料", "查看完整指南"}},
		{"/items/NO-SUCH-CODE", 404, []string{"没有找到这个页面或事项", `id="q2"`}},
		{"/nowhere", 404, []string{"没有找到这个页面或事项"}},
		{"/departments/1", 200, []string{"的事项"}},
		{"/departments/99999999", 404, []string{"没有找到"}},
		{"/departments/abc", 404, []string{"没有找到"}},
		{"/themes/" + url.PathEscape("公积金"), 200, []string{"主题：公积金"}},
		{"/regions/610921", 200, []string{"汉阴县 的事项"}},
		{"/regions/999999", 404, []string{"没有找到"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := get(t, f.srv, tc.path)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("content type %q", ct)
			}
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q", csp)
			}
			if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, " onclick=") {
				t.Error("inline script or style in the page")
			}
			for _, ext := range []string{"http://", "https://"} {
				for _, attr := range []string{`src="` + ext, `href="` + ext + "cdn"} {
					if strings.Contains(r.body, attr) {
						t.Errorf("external resource %s in the page", attr)
					}
				}
			}
		})
	}
}

func TestStoredTextIsEscaped(t *testing.T) {
	f := seedServer(t)
	for _, path := range []string{"/items/ZN-XSS-1", "/items/ZN-XSS-1/brief", "/search?q=" + url.QueryEscape("蓬莱护照")} {
		r := get(t, f.srv, path)
		if r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", `<a href="javascript:`, "<b>粗体"} {
			if strings.Contains(r.body, bad) {
				t.Errorf("%s contains unescaped %q", path, bad)
			}
		}
		if !strings.Contains(r.body, "&lt;script&gt;") {
			t.Errorf("%s does not show the markup as text", path)
		}
	}
}

// TestRegionCookiePrefersItsItems: the chosen region filters nothing; its
// item represents each service, and the page says so. An explicit region
// parameter (a facet chip) filters.
func TestRegionCookiePrefersItsItems(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/region?code=610921&next="+url.QueryEscape("/search?q=身份证"))
	if loc, _ := url.QueryUnescape(r.header.Get("Location")); r.status != http.StatusSeeOther || loc != "/search?q=身份证" {
		t.Fatalf("set region: %d %s", r.status, r.header.Get("Location"))
	}
	cookie := (&http.Response{Header: r.header}).Cookies()[0]
	if cookie.Value != "610921" || !cookie.HttpOnly {
		t.Fatalf("cookie %+v", cookie)
	}
	q := "/search?q=" + url.QueryEscape("身份证")
	plain, chosen := get(t, f.srv, q), get(t, f.srv, q, cookie)
	if !strings.Contains(chosen.body, "按 汉阴县 显示办理地") || strings.Contains(chosen.body, `class="region-ask"`) {
		t.Error("with a chosen region the page does not say whose items it shows")
	}
	if !strings.Contains(plain.body, `class="region-ask"`) || strings.Contains(plain.body, "显示办理地") {
		t.Error("without a chosen region the page does not ask for one")
	}
	if a, b := summaryOf(t, plain.body), summaryOf(t, chosen.body); a != b {
		t.Errorf("the chosen region changed the number of results: %q without, %q with", a, b)
	}
	rows := hitRows(chosen.body)
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	for _, row := range rows {
		if row.everywhere != "" && row.region != "汉阴县" {
			t.Errorf("%s is offered in several regions but represented by %s's item, not 汉阴县's", row.name, row.region)
		}
	}
	id := rowNamed(t, rows, "居民身份证首次申领")
	if it, err := f.store.Published(t.Context(), id.code); err != nil || it.Region != "610921" {
		t.Errorf("居民身份证首次申领 links to %s, not 汉阴县's item (%v)", id.code, err)
	}
	// A region named in the query wins over the remembered one.
	other := hitRows(get(t, f.srv, "/search?q="+url.QueryEscape("平利 身份证"), cookie).body)
	if row := rowNamed(t, other, "居民身份证首次申领"); row.region != "平利县" {
		t.Errorf("平利 身份证 with 汉阴县 chosen: 居民身份证首次申领 is represented by %s", row.region)
	}
	// An explicit region filters, chosen region or not.
	for _, c := range [][]*http.Cookie{nil, {cookie}} {
		page := get(t, f.srv, "/search?q="+url.QueryEscape("身份证")+"&region=610926", c...)
		rows := hitRows(page.body)
		if len(rows) == 0 {
			t.Fatal("region=610926 found nothing")
		}
		for _, row := range rows {
			if row.region != "平利县" {
				t.Errorf("region=610926 shows %s of %s", row.name, row.region)
			}
		}
		if !strings.Contains(page.body, `class="chip on" href="/search?q=`) {
			t.Error("the region filter is not shown as an active chip")
		}
	}
	// Clearing it.
	r = get(t, f.srv, "/region?code=&next=/")
	if c := (&http.Response{Header: r.header}).Cookies(); len(c) == 0 || c[0].MaxAge >= 0 {
		t.Fatalf("clearing did not expire the cookie: %+v", c)
	}
	// No open redirect, no unknown region.
	if r := get(t, f.srv, "/region?code=610921&next=//evil.example"); r.header.Get("Location") != "/" {
		t.Fatalf("open redirect to %s", r.header.Get("Location"))
	}
	if r := get(t, f.srv, "/region?code=999999"); r.status != 400 {
		t.Fatalf("unknown region: %d", r.status)
	}
}

func TestStaticAssetsAreFingerprintedAndCached(t *testing.T) {
	f := seedServer(t)
	home := get(t, f.srv, "/")
	for _, name := range []string{"app.css", "app.js", "icon.svg"} {
		u := f.srv.assets.url(name)
		if !strings.Contains(home.body, u) {
			t.Errorf("page does not link %s", u)
		}
		r := get(t, f.srv, u)
		if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q", u, r.status, r.header.Get("Cache-Control"))
		}
	}
	if r := get(t, f.srv, "/static/app.css"); r.status != 404 {
		t.Errorf("unfingerprinted name served: %d", r.status)
	}
}

func TestResultsPageWeight(t *testing.T) {
	f := seedServer(t)
	for _, q := range []string{"", "公积金", "登记", "许可"} {
		r := get(t, f.srv, "/search?q="+url.QueryEscape(q))
		if len(r.body) > maxResultsPageBytes {
			t.Errorf("results page for %q weighs %d bytes, over %d", q, len(r.body), maxResultsPageBytes)
		}
	}
}

// maxResultsPageBytes is the limit on a results page's HTML.
const maxResultsPageBytes = 100 << 10

func BenchmarkResultsPage(b *testing.B) {
	f := seedServer(b)
	queries := []string{"公积金", "身份证", "登记", "汉阴 身份证", "gjj", "许可", "", "开饭店"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := get(b, f.srv, "/search?q="+url.QueryEscape(queries[i%len(queries)])+"&page=1")
		if r.status != 200 {
			b.Fatal(r.status)
		}
	}
}

func BenchmarkItemPage(b *testing.B) {
	f := seedServer(b)
	code := f.cat.Items[len(f.cat.Items)/2].Code
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := get(b, f.srv, "/items/"+code); r.status != 200 {
			b.Fatal(r.status)
		}
	}
}

// BenchmarkResultsPageUncached renders results pages whose searches the
// result cache has not seen: every iteration is a different combination
// of query, flag, audience and page (720 of them; run with -benchtime ≤ 720x).
func BenchmarkResultsPageUncached(b *testing.B) {
	f := seedServer(b)
	queries := []string{"公积金", "身份证", "登记", "汉阴 身份证", "gjj", "许可", "", "开饭店"}
	flags := append([]string{""}, catalog.FlagIDs...)
	audiences := []string{"", "自然人", "法人"}
	var targets []string
	for _, q := range queries {
		for _, fl := range flags {
			for _, a := range audiences {
				for page := 1; page <= 3; page++ {
					v := url.Values{"q": {q}, "page": {itoa(page)}}
					if fl != "" {
						v.Set("flag", fl)
					}
					if a != "" {
						v.Set("audience", a)
					}
					targets = append(targets, "/search?"+v.Encode())
				}
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := get(b, f.srv, targets[i%len(targets)])
		if r.status != 200 {
			b.Fatal(r.status)
		}
	}
}
