package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhinan/search"
	"zhinan/store"
)

func TestLoggedQueryNormalises(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"护照", "护照"},
		{"  护照　 办理\t", "护照 办理"}, // blanks trimmed and collapsed (U+3000 too)
		{"ＡＢＣ护照", "abc护照"},      // full width folded, lower case
		{"Passport 办理", "passport 办理"},
		{"护照怎么办？", "护照怎么办"}, // punctuation trimmed at the ends
		{"“护照”", "护照"},
		{"护\u200b照", "护照"},     // invisible format characters dropped
		{"12345热线", "12345热线"}, // five digits are not a number of a person
		{"２０２６年社保", "2026年社保"},
		{strings.Repeat("护", maxLoggedQueryRunes), strings.Repeat("护", maxLoggedQueryRunes)},
	} {
		if got, ok := loggedQuery(tc.in); !ok || got != tc.want {
			t.Errorf("loggedQuery(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{
		"", "   ", "？？", "\xff护照", "护\x07照",
		strings.Repeat("护", maxLoggedQueryRunes+1),
		// Six digits or more in a row: personal, never counted.
		"123456", "身份证610902199001011234", "61090219900101123X", "电话13812345678",
		"电话 138 1234 5678", "0915-3212345", "１２３４５６", "查询 12345 6",
	} {
		if got, ok := loggedQuery(in); ok {
			t.Errorf("loggedQuery(%q) = %q: counted", in, got)
		}
	}
}

func TestSearchWeekIsChinaMonday(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 3, 2, 0, 0, 0, 0, chinaTime), "2026-03-02"},   // Monday
		{time.Date(2026, 3, 8, 23, 59, 0, 0, chinaTime), "2026-03-02"}, // Sunday
		{time.Date(2026, 3, 8, 16, 30, 0, 0, time.UTC), "2026-03-09"},  // Monday 00:30 in China
		{time.Date(2026, 1, 1, 12, 0, 0, 0, chinaTime), "2025-12-29"},  // across a year
		{time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), "2026-03-02"},   // Wednesday
	} {
		if got := searchWeek(tc.at); got != tc.want {
			t.Errorf("searchWeek(%v) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

func TestSearchLogIsBounded(t *testing.T) {
	l := newSearchLog()
	l.now = func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, chinaTime) }
	for i := range maxSearchLogKeys {
		l.record(fmt.Sprintf("问题%d", i), false)
	}
	l.record("新问题", true) // one key too many: dropped
	l.record("问题0", true) // held already: counted
	l.opened("问题1")
	l.record("电话13812345678", true) // never counted
	got := l.take()
	if len(got) != maxSearchLogKeys {
		t.Fatalf("%d keys held, want %d", len(got), maxSearchLogKeys)
	}
	for _, c := range got {
		if c.Week != "2026-03-02" {
			t.Fatalf("week %s", c.Week)
		}
		switch c.Query {
		case "新问题":
			t.Errorf("a key beyond the bound was held")
		case "问题0":
			if c.Searches != 2 || c.Empty != 1 {
				t.Errorf("问题0: %+v", c)
			}
		case "问题1":
			if c.Searches != 1 || c.Opened != 1 {
				t.Errorf("问题1: %+v", c)
			}
		}
	}
	if got := l.take(); len(got) != 0 {
		t.Errorf("take did not empty the log: %d", len(got))
	}
	l.record("新问题", true) // room again after a flush
	if got := l.take(); len(got) != 1 || got[0].Query != "新问题" || got[0].Empty != 1 {
		t.Errorf("after a flush: %+v", got)
	}
}

// getWith requests target with the given request headers.
func getWith(t *testing.T, h http.Handler, target string, header map[string]string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	serveChecked(t, h, rec, req)
	io.Copy(io.Discard, rec.Result().Body)
	return rec.Code
}

// TestUnansweredSearchesAreStored searches on the search page and opens
// results, and reads the counts the store holds after a flush.
func TestUnansweredSearchesAreStored(t *testing.T) {
	f := seedServer(t)
	ctx := t.Context()
	week := searchWeek(time.Now())
	// Queries of this test only: the fixture is shared.
	const (
		nothing  = "zqxv wpfk 火星天气" // finds nothing
		answered = "公积金 怎么提取 slt"   // finds something
	)
	find := func(q string, extra string) {
		t.Helper()
		if r := get(t, f.srv, "/search?q="+url.QueryEscape(q)+extra); r.status != http.StatusOK {
			t.Fatalf("search %q: %d", q, r.status)
		}
	}
	find(nothing, "")
	find("  ZQXV　wpfk  火星天气？", "") // the same question
	find(answered, "")
	find(strings.ToUpper(answered), "&page=1")
	// Not counted: a later page, a refinement, the JSON API and suggestions.
	find(answered, "&page=2")
	find(answered, "&type="+url.QueryEscape("行政许可"))
	find(answered, "&group=none")
	for _, p := range []string{"/api/v1/search?q=", "/api/v1/suggest?q="} {
		if r := get(t, f.srv, p+url.QueryEscape(answered)); r.status != http.StatusOK {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	if none, err := f.index.Search(ctx, search.Request{Q: nothing}); err != nil || none.Total != 0 {
		t.Fatalf("%q finds something (%v): choose another query", nothing, err)
	}
	hits, err := f.index.Search(ctx, search.Request{Q: answered})
	if err != nil || hits.Total == 0 {
		t.Fatalf("%q finds nothing (%v): choose another query", answered, err)
	}
	item := "/items/" + hits.Hits[0].Code
	from := "http://example.com/search?q=" + url.QueryEscape(answered)
	// Opened from the results: a same-origin Referer (httptest's host is
	// example.com).
	if code := getWith(t, f.srv, item, map[string]string{"Referer": from, "Sec-Fetch-Site": "same-origin"}); code != http.StatusOK {
		t.Fatal(code)
	}
	// Not opened from the results: another site, a page that is not the
	// search page, no Referer, an item that does not exist.
	for _, h := range []map[string]string{
		{"Referer": "http://evil.example/search?q=" + url.QueryEscape(answered)},
		{"Referer": from, "Sec-Fetch-Site": "cross-site"},
		{"Referer": "http://example.com/?q=" + url.QueryEscape(answered)},
		{},
	} {
		getWith(t, f.srv, item, h)
	}
	getWith(t, f.srv, "/items/NO-SUCH-ITEM", map[string]string{"Referer": from})
	f.srv.flushViews(ctx)

	rows, err := f.store.UnansweredQueries(ctx, week, week, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.UnansweredQuery{}
	for _, r := range rows {
		got[r.Query] = r
	}
	want := map[string]store.UnansweredQuery{
		nothing:  {Week: week, Query: nothing, Searches: 2, Empty: 2, Unanswered: 2},
		answered: {Week: week, Query: answered, Searches: 2, Opened: 1, Unanswered: 1},
	}
	for q, w := range want {
		if got[q] != w {
			t.Errorf("%q: stored %+v, want %+v", q, got[q], w)
		}
	}
}
