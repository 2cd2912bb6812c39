package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/feedback"
	"zhinan/report"
	"zhinan/store"
)

// Citizens' feedback through the pages and the API (feedback_pages.go,
// feedback_api.go): ratings and their public figures, 差评 tickets, 指南有误
// and 办不成事 reports, the ticket link, the honeypot, the rate limit per
// address, cross-site posts, and hostile text. Each test posts from an
// address of its own: the limiter is the fixture server's.

// formHeader is a form post from a page of the server.
var formHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": sameSite}

// from sends a request from the client address remote (host only).
func from(t testing.TB, h http.Handler, remote, method, target, body string, header map[string]string, cookies ...*http.Cookie) response {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = remote + ":40000"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	serveChecked(t, h, rec, req)
	r := response{rec.Code, rec.Result().Header, rec.Body.String()}
	checkNoFormatErrors(t, method+" "+target, r)
	return r
}

// fbItem is the published seed item the feedback tests rate and report.
func fbItem(t *testing.T, f *fixture) catalog.Item { return idCardReissue(t, f) }

func figures(t *testing.T, f *fixture, kind feedback.TargetKind, code string) store.RatingFigures {
	t.Helper()
	figs, err := f.store.RatingFigures(t.Context(), feedback.Target{Kind: kind, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	return figs
}

// figuresText is what a page shows of figures.
func figuresText(figs store.RatingFigures) string {
	if figs.Ratings == 0 {
		return label("feedback.figures.none")
	}
	return tf("feedback.figures", figs.Ratings, rateText(report.Percent(int(figs.Satisfied), int(figs.Ratings))))
}

// tokenOf returns the token of a redirect to a ticket's page.
func tokenOf(t *testing.T, r response) string {
	t.Helper()
	loc := r.header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/tickets/")
	if r.status != http.StatusSeeOther || !ok {
		t.Fatalf("not sent to a ticket: %d %q\n%.1500s", r.status, loc, r.body)
	}
	token, _, _ := strings.Cut(rest, "?")
	if !feedback.ValidToken(token) {
		t.Fatalf("token %q", token)
	}
	return token
}

func TestSatisfactionRateRoundsHalfUp(t *testing.T) {
	for _, tc := range []struct {
		ratings, satisfied int64
		want               string
	}{
		{0, 0, ""}, {3, 2, "66.67"}, {8, 5, "62.50"}, {800, 1, "0.13"}, {7, 7, "100.00"}, {6, 0, "0.00"},
	} {
		if got := rateText(satisfaction(store.RatingFigures{Ratings: tc.ratings, Satisfied: tc.satisfied})); got != tc.want {
			t.Errorf("%d of %d satisfied: %q, want %q", tc.satisfied, tc.ratings, got, tc.want)
		}
	}
}

func TestRatingFormStoresAndShowsTheFigures(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	path := "/items/" + url.PathEscape(it.Code)
	const addr = "198.51.100.11"
	before := figures(t, f, feedback.TargetItem, it.Code)

	page := get(t, f.srv, path)
	mustContain(t, "the guide page", page.body, `id="feedback"`, `action="`+path+`/rating"`, figuresText(before),
		`name="website"`, `maxlength="500"`, "非常满意", "非常不满意", "材料要求与窗口不一致", `href="#feedback"`,
		`href="`+path+`/report?section=materials"`, `href="`+path+`/report?section=promised_days"`, `href="/fail?item=`)
	checkLabels(t, "the guide page", page.body)
	for _, view := range []string{path + "?print=1", path + "/brief"} {
		mustNotContain(t, view, get(t, f.srv, view).body, `class="rating-form"`, "/report?section=")
	}

	// Two good ratings: thanks, and the figures count them.
	for _, level := range []string{"5", "3"} {
		r := from(t, f.srv, addr, http.MethodPost, path+"/rating", url.Values{"level": {level}, "comment": {"窗口很耐心"}}.Encode(), formHeader)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/feedback/thanks?item="+url.QueryEscape(it.Code) {
			t.Fatalf("rating %s: %d %q", level, r.status, r.header.Get("Location"))
		}
	}
	thanks := get(t, f.srv, "/feedback/thanks?item="+url.QueryEscape(it.Code))
	mustStatus(t, "thanks", thanks, 200)
	mustContain(t, "thanks", thanks.body, label("feedback.thanks.title"), `href="`+path+`"`, `<meta name="robots" content="noindex">`)

	// A 差评 with reasons and a comment: its ticket, 待处理 with its due day.
	comment := "窗口说还要户口本，指南里没写 <b>粗体</b>"
	v := url.Values{"level": {"2"}, "reasons": {"materials_differ", "many_visits"}, "comment": {comment}}
	token := tokenOf(t, from(t, f.srv, addr, http.MethodPost, path+"/rating", v.Encode(), formHeader))
	after := figures(t, f, feedback.TargetItem, it.Code)
	if after.Ratings != before.Ratings+3 || after.Satisfied != before.Satisfied+2 {
		t.Fatalf("figures %+v after %+v and three ratings, two satisfied", after, before)
	}
	page = get(t, f.srv, path)
	mustContain(t, "the guide page after rating", page.body, figuresText(after))
	if !strings.Contains(figuresText(after), "满意率") {
		t.Fatalf("figures %q", figuresText(after))
	}

	tk, err := f.store.TicketByToken(t.Context(), token)
	if err != nil || tk.Kind != feedback.KindRating || tk.What != comment || tk.State != feedback.StateOpen {
		t.Fatalf("the 差评's ticket: %+v %v", tk, err)
	}
	r := get(t, f.srv, "/tickets/"+token+"?filed=1")
	mustStatus(t, "ticket page", r, 200)
	mustContain(t, "ticket page", r.body, "待处理", "差评", "不满意", "材料要求与窗口不一致", it.Name, label("ticket.filed"),
		tk.DueDay().Format(time.DateOnly), "&lt;b&gt;粗体&lt;/b&gt;", `<meta name="robots" content="noindex">`, "/tickets/"+token)
	mustNotContain(t, "ticket page", r.body, "<b>粗体")
	if cc, rp := r.header.Get("Cache-Control"), r.header.Get("Referrer-Policy"); !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") || rp != "no-referrer" {
		t.Errorf("ticket page: Cache-Control %q, Referrer-Policy %q", cc, rp)
	}
}

func TestBundleRating(t *testing.T) {
	f := seedServer(t)
	set, err := f.srv.bundles.get(t.Context())
	if err != nil || len(set.list) == 0 {
		t.Skip("no published bundle in the seed catalogue")
	}
	b := set.list[0]
	path := "/bundles/" + url.PathEscape(b.Code)
	before := figures(t, f, feedback.TargetBundle, b.Code)
	page := get(t, f.srv, path)
	mustContain(t, "the bundle page", page.body, `action="`+path+`/rating"`, figuresText(before), `href="/fail"`)
	mustNotContain(t, "the bundle page", page.body, "/report?section=")
	mustNotContain(t, "the printed bundle", get(t, f.srv, path+"?print=1").body, `class="rating-form"`)
	r := from(t, f.srv, "198.51.100.12", http.MethodPost, path+"/rating", "level=4", formHeader)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/feedback/thanks?bundle=") {
		t.Fatalf("bundle rating: %d %q", r.status, r.header.Get("Location"))
	}
	if after := figures(t, f, feedback.TargetBundle, b.Code); after.Ratings != before.Ratings+1 {
		t.Fatalf("bundle figures %+v after %+v", after, before)
	}
	mustContain(t, "thanks", get(t, f.srv, r.header.Get("Location")).body, `href="`+path+`"`)
	// No such bundle, no such item.
	for _, p := range []string{"/bundles/no-such-bundle/rating", "/items/NO-SUCH-ITEM/rating"} {
		if r := from(t, f.srv, "198.51.100.12", http.MethodPost, p, "level=4", formHeader); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}

func TestRatingHoneypotStoresNothing(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	before := figures(t, f, feedback.TargetItem, it.Code)
	v := url.Values{"level": {"1"}, "comment": {"buy now"}, "website": {"http://spam.example"}}
	r := from(t, f.srv, "198.51.100.13", http.MethodPost, "/items/"+url.PathEscape(it.Code)+"/rating", v.Encode(), formHeader)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/feedback/thanks") {
		t.Fatalf("honeypot: %d %q", r.status, r.header.Get("Location"))
	}
	if after := figures(t, f, feedback.TargetItem, it.Code); after != before {
		t.Fatalf("a bot's rating was stored: %+v, was %+v", after, before)
	}
	r = from(t, f.srv, "198.51.100.13", http.MethodPost, "/fail", url.Values{"kind": {"how"}, "what": {"spam"}, "website": {"x"}}.Encode(), formHeader)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/feedback/thanks" {
		t.Fatalf("honeypot on the 办不成事 form: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestFeedbackRateLimit(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	path := "/items/" + url.PathEscape(it.Code) + "/rating"
	const addr = "198.51.100.14"
	before := figures(t, f, feedback.TargetItem, it.Code)
	for i := range feedbackMax {
		if r := from(t, f.srv, addr, http.MethodPost, path, "level=5", formHeader); r.status != http.StatusSeeOther {
			t.Fatalf("rating %d: %d", i+1, r.status)
		}
	}
	r := from(t, f.srv, addr, http.MethodPost, path, "level=5", formHeader)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, MsgTooManyFeedback) {
		t.Fatalf("the 11th rating within a minute: %d\n%.800s", r.status, r.body)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	if after := figures(t, f, feedback.TargetItem, it.Code); after.Ratings != before.Ratings+feedbackMax {
		t.Fatalf("%d ratings stored of %d accepted", after.Ratings-before.Ratings, feedbackMax)
	}
	// The other forms and the API share the count.
	if r := from(t, f.srv, addr, http.MethodPost, "/fail", "kind=how&what=x", formHeader); r.status != http.StatusTooManyRequests {
		t.Errorf("the 办不成事 form after the limit: %d", r.status)
	}
	body := `{"target":{"kind":"item","code":"` + it.Code + `"},"level":5}`
	r = from(t, f.srv, addr, http.MethodPost, "/api/v1/ratings", body, jsonHeader)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, `"code":"rate_limited"`) || r.header.Get("Retry-After") == "" {
		t.Errorf("the API after the limit: %d %s", r.status, r.body)
	}
	if after := figures(t, f, feedback.TargetItem, it.Code); after.Ratings != before.Ratings+feedbackMax {
		t.Fatalf("a refused rating was stored")
	}
	// Another address is not limited; an IPv6 line is one address.
	if r := from(t, f.srv, "198.51.100.15", http.MethodPost, path, "level=5", formHeader); r.status != http.StatusSeeOther {
		t.Errorf("another address: %d", r.status)
	}
	if addressKey("2001:db8:1:2:3:4:5:6") != addressKey("2001:db8:1:2:ffff::1") || addressKey("2001:db8:1:3::1") == addressKey("2001:db8:1:2::1") {
		t.Error("IPv6 addresses are not limited per /64")
	}
}

func TestWindowLimiter(t *testing.T) {
	l := newWindowLimiter(3, time.Minute)
	now := time.Date(2026, 9, 25, 10, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if w := l.take("a"); w != 0 {
			t.Fatalf("event %d refused", i+1)
		}
		now = now.Add(10 * time.Second)
	}
	if w := l.take("a"); w != 30*time.Second {
		t.Fatalf("the 4th event: wait %v, want 30s", w)
	}
	if w := l.take("b"); w != 0 {
		t.Fatal("another key refused")
	}
	now = now.Add(30 * time.Second) // the first event leaves the window
	if w := l.take("a"); w != 0 {
		t.Fatal("refused after the window passed")
	}
	now = now.Add(2 * time.Minute)
	l.sweep(now)
	if len(l.hits) != 0 {
		t.Fatalf("%d keys kept after their window", len(l.hits))
	}
}

func TestFeedbackFormsRefuseOtherSites(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	path := "/items/" + url.PathEscape(it.Code) + "/rating"
	before := figures(t, f, feedback.TargetItem, it.Code)
	for _, h := range []map[string]string{
		{"Origin": "http://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Referer": "http://evil.example/page"},
		{"Origin": "null"},
	} {
		h["Content-Type"] = "application/x-www-form-urlencoded"
		for _, p := range []string{path, "/fail", "/items/" + url.PathEscape(it.Code) + "/report"} {
			if r := from(t, f.srv, "198.51.100.16", http.MethodPost, p, "level=1&kind=how&what=x", h); r.status != http.StatusForbidden {
				t.Errorf("%s from another site (%v): %d", p, h, r.status)
			}
		}
		h["Content-Type"] = "application/json"
		if r := from(t, f.srv, "198.51.100.16", http.MethodPost, "/api/v1/ratings", `{"target":{"kind":"item","code":"`+it.Code+`"},"level":1}`, h); r.status != http.StatusForbidden {
			t.Errorf("the API from another site (%v): %d", h, r.status)
		}
	}
	if after := figures(t, f, feedback.TargetItem, it.Code); after != before {
		t.Fatal("a cross-site rating was stored")
	}
	// A script that says nothing of where it comes from is another system.
	r := from(t, f.srv, "198.51.100.16", http.MethodPost, path, "level=4", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if r.status != http.StatusSeeOther {
		t.Errorf("a post without origin headers: %d", r.status)
	}
	// A body over the limit.
	big := "kind=how&what=" + strings.Repeat("x", maxBodyBytes+10)
	if r := from(t, f.srv, "198.51.100.16", http.MethodPost, "/fail", big, formHeader); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a huge form: %d", r.status)
	}
}

func TestFeedbackFormsShowProblemsAndKeepTheText(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	base := "/items/" + url.PathEscape(it.Code)
	const addr = "198.51.100.17"

	// A rating without a level, with a hostile comment.
	hostileText := `<script>alert("x")</script>我的意见`
	r := from(t, f.srv, addr, http.MethodPost, base+"/rating", url.Values{"comment": {hostileText}, "reasons": {"attitude"}}.Encode(), formHeader)
	mustStatus(t, "a rating without a level", r, http.StatusUnprocessableEntity)
	mustContain(t, "the rating form again", r.body, feedback.MsgLevel, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;我的意见",
		`id="error-summary"`, `href="#rate-level"`, `value="attitude" checked`, tf("feedback.rate.title", it.Name))
	mustNotContain(t, "the rating form again", r.body, "<script>alert")
	checkLabels(t, "the rating form again", r.body)

	// The 指南有误 form: its section chosen from the link, a text too long.
	page := get(t, f.srv, base+"/report?section=materials")
	mustStatus(t, "the 指南有误 form", page, 200)
	mustContain(t, "the 指南有误 form", page.body, `<option value="materials" selected>`, it.Name, `maxlength="1000"`, `name="website"`)
	checkLabels(t, "the 指南有误 form", page.body)
	if r := get(t, f.srv, base+"/report?section=password"); !strings.Contains(r.body, `<option value="" selected>`) {
		t.Error("an unknown section is chosen")
	}
	long := strings.Repeat("错", feedback.MaxWhatRunes+1)
	r = from(t, f.srv, addr, http.MethodPost, base+"/report", url.Values{"section": {"fee"}, "what": {long}, "contact": {"138\n0000"}}.Encode(), formHeader)
	mustStatus(t, "a long 指南有误 report", r, http.StatusUnprocessableEntity)
	mustContain(t, "the 指南有误 form again", r.body, "不能超过1000个字", long, `<option value="fee" selected>`, `href="#report-what"`, `href="#report-contact"`)
	if r := get(t, f.srv, "/items/NO-SUCH-ITEM/report"); r.status != 404 {
		t.Errorf("the 指南有误 form of no item: %d", r.status)
	}

	// The 办不成事 form: a phone that is not one, no kind.
	page = get(t, f.srv, "/fail?item="+url.QueryEscape(it.Code))
	mustContain(t, "the 办不成事 form", page.body, `name="item" value="`+it.Code+`"`, it.Name, "不知道找哪办", "到窗口办不成", `type="tel"`)
	mustNotContain(t, "the 办不成事 form", page.body, "fb-clerk")
	checkLabels(t, "the 办不成事 form", page.body)
	r = from(t, f.srv, addr, http.MethodPost, "/fail", url.Values{"item": {it.Code}, "what": {"窗口说材料不齐 & 不告诉缺什么"}, "phone": {"电话"}}.Encode(), formHeader)
	mustStatus(t, "a 办不成事 report with problems", r, http.StatusUnprocessableEntity)
	mustContain(t, "the 办不成事 form again", r.body, feedback.MsgPhone, feedback.MsgFailKind, "窗口说材料不齐 &amp; 不告诉缺什么",
		`value="电话"`, `name="item" value="`+it.Code+`"`)

	// An item that is not published: the form again, without it, the text kept.
	r = from(t, f.srv, addr, http.MethodPost, "/fail", url.Values{"item": {"NO-SUCH-ITEM"}, "kind": {"how"}, "what": {"我要办的事找不到了"}}.Encode(), formHeader)
	mustStatus(t, "a 办不成事 report of no item", r, http.StatusUnprocessableEntity)
	mustContain(t, "the 办不成事 form without its item", r.body, label("feedback.fail.item.gone"), "我要办的事找不到了")
	mustNotContain(t, "the 办不成事 form without its item", r.body, `name="item"`)

	// Filed, with a full-width phone: the ticket, without the phone.
	r = from(t, f.srv, addr, http.MethodPost, "/fail", url.Values{"item": {it.Code}, "kind": {"window"}, "what": {"窗口说材料不齐"}, "phone": {"１３８００１３８０００"}}.Encode(), formHeader)
	token := tokenOf(t, r)
	tk := get(t, f.srv, "/tickets/"+token)
	mustContain(t, "the 办不成事 ticket", tk.body, "办不成事", "到窗口办不成", "窗口说材料不齐", label("ticket.due.fail"), it.Department)
	mustNotContain(t, "the 办不成事 ticket", tk.body, "13800138000", "１３８")

	// A 指南有误 report filed: the section on its ticket.
	r = from(t, f.srv, addr, http.MethodPost, base+"/report", url.Values{"section": {"materials"}, "what": {"身份证复印件现在不收了"}, "contact": {"13800138000"}}.Encode(), formHeader)
	tk = get(t, f.srv, "/tickets/"+tokenOf(t, r))
	mustContain(t, "the 指南有误 ticket", tk.body, "指南有误", "申请材料", "身份证复印件现在不收了", "待处理")
	mustNotContain(t, "the 指南有误 ticket", tk.body, "13800138000")
}

func TestTicketLinks(t *testing.T) {
	f := seedServer(t)
	for _, p := range []string{"/tickets/nosuchtoken", "/tickets/" + strings.Repeat("a", feedback.TokenLen), "/tickets/" + feedback.NewToken()} {
		r := get(t, f.srv, p)
		if r.status != 404 || r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: %d, Referrer-Policy %q", p, r.status, r.header.Get("Referrer-Policy"))
		}
		if r := get(t, f.srv, "/api/v1"+p); r.status != 404 || !strings.Contains(r.body, `"not_found"`) {
			t.Errorf("/api/v1%s: %d %s", p, r.status, r.body)
		}
	}
}

// The API: a report filed as another system would, its ticket read back
// without the contact; ratings with their figures; the bodies refused.
func TestFeedbackFilingAPI(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	const addr = "198.51.100.18"
	post := func(path, body string) response {
		t.Helper()
		return from(t, f.srv, addr, http.MethodPost, path, body, jsonHeader)
	}
	var filed struct {
		Ticket  filedTicket    `json:"ticket"`
		Figures *ratingFigures `json:"figures"`
	}
	r := post("/api/v1/error-reports", `{"target":{"kind":"item","code":"`+it.Code+`"},"section":"fee","what":"收费标准已调整","contact":"0915-3212345"}`)
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &filed) != nil || !feedback.ValidToken(filed.Ticket.Token) ||
		filed.Ticket.URL != "http://example.com/tickets/"+filed.Ticket.Token || filed.Ticket.Due == "" {
		t.Fatalf("error report: %d %s", r.status, r.body)
	}
	got := get(t, f.srv, "/api/v1/tickets/"+filed.Ticket.Token)
	var read struct{ Ticket ticketView }
	if got.status != 200 || json.Unmarshal([]byte(got.body), &read) != nil {
		t.Fatalf("GET the ticket: %d %s", got.status, got.body)
	}
	tv := read.Ticket
	if tv.Kind != feedback.KindError || tv.State != feedback.StateOpen || tv.StateLabel != "待处理" || tv.Section != "fee" ||
		tv.What != "收费标准已调整" || tv.Due != filed.Ticket.Due || tv.Target == nil || tv.Target.Code != it.Code || tv.Department != it.Department {
		t.Errorf("the ticket read back: %+v", tv)
	}
	mustNotContain(t, "the ticket's JSON", got.body, "3212345", "contact", "filed_by", "handled_by")
	if cc := got.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("the ticket's JSON: Cache-Control %q", cc)
	}

	// Ratings: the figures, and a ticket for a 差评 only.
	before := figures(t, f, feedback.TargetItem, it.Code)
	filed.Figures = nil
	r = post("/api/v1/ratings", `{"target":{"kind":"item","code":"`+it.Code+`"},"level":5}`)
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &filed) != nil || filed.Figures == nil ||
		filed.Figures.Ratings != before.Ratings+1 || strings.Contains(r.body, `"ticket"`) {
		t.Fatalf("a good rating: %d %s", r.status, r.body)
	}
	if want := report.Percent(int(before.Satisfied+1), int(before.Ratings+1)); *filed.Figures.Rate != *want {
		t.Errorf("satisfaction_rate %v, want %v", *filed.Figures.Rate, *want)
	}
	r = post("/api/v1/ratings", `{"target":{"kind":"item","code":"`+it.Code+`"},"level":1,"reasons":["online_failed"],"comment":"网上办不了"}`)
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"ticket":{"token":"`) {
		t.Fatalf("a 差评: %d %s", r.status, r.body)
	}

	// A 办不成事 report naming no item goes to the hall's desk.
	r = post("/api/v1/fail-reports", `{"kind":"where","what":"不知道营业执照去哪办","phone":"13800138000"}`)
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &filed) != nil {
		t.Fatalf("办不成事: %d %s", r.status, r.body)
	}
	tk, err := f.store.TicketByToken(t.Context(), filed.Ticket.Token)
	if err != nil || tk.DepartmentID != 0 || tk.Target != nil || tk.FailKind != feedback.FailWhere {
		t.Fatalf("the desk's ticket: %+v %v", tk, err)
	}

	for _, tc := range []struct {
		path, body string
		header     map[string]string
		status     int
		want       string
	}{
		{"/api/v1/ratings", `{"target":{"kind":"item","code":"` + it.Code + `"},"level":9,"reasons":["bribe"]}`, jsonHeader, 422, `"field":"level"`},
		{"/api/v1/ratings", `{"target":{"kind":"item","code":"NO-SUCH-ITEM"},"level":4}`, jsonHeader, 404, `"not_found"`},
		{"/api/v1/ratings", `{"target":{"kind":"item","code":"` + it.Code + `"},"level":4,"ip":"1.2.3.4"}`, jsonHeader, 400, `"bad_request"`},
		{"/api/v1/ratings", `level=4`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, `"unsupported_media_type"`},
		{"/api/v1/fail-reports", `{"kind":"how","what":"x","filed_by":"admin"}`, jsonHeader, 400, `"bad_request"`},
		{"/api/v1/error-reports", `{"target":{"kind":"item","code":"` + it.Code + `"},"what":"` + strings.Repeat("错", feedback.MaxWhatRunes+1) + `"}`, jsonHeader, 422, `"field":"what"`},
	} {
		r := from(t, f.srv, "198.51.100.19", http.MethodPost, tc.path, tc.body, tc.header)
		if r.status != tc.status || !strings.Contains(r.body, tc.want) {
			t.Errorf("%s %.80s: %d %s, want %d %s", tc.path, tc.body, r.status, r.body, tc.status, tc.want)
		}
	}
}

// A desk clerk signed in files 办不成事 reports for citizens: the form says
// so and the ticket records the clerk, who is not limited by address.
func TestDeskClerkFilesForACitizen(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	ctx := t.Context()
	name := "desk-" + strconv.FormatInt(time.Now().UnixNano()%1e12, 36)
	if _, err := f.store.AddUser(ctx, store.NewUser{Name: name, Role: catalog.RoleDesk, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	admin := &catalog.User{Name: "admin", Role: catalog.RoleAdmin} // reads every ticket with its clerk
	filedBy := func(token string) string {
		t.Helper()
		tk, err := f.store.TicketByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		full, err := f.store.Ticket(ctx, store.Actor{User: admin}, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		return full.FiledBy
	}
	b := formLogin(t, f, name)
	page := b.get("/fail?item=" + url.QueryEscape(it.Code))
	mustContain(t, "the clerk's 办不成事 form", page.body, tf("feedback.fail.clerk", name), `name="csrf"`)
	v := url.Values{"item": {it.Code}, "kind": {"window"}, "what": {"群众带了复印件，窗口要原件"}, "phone": {"13800138000"}}
	for range feedbackMax + 1 { // not limited by the hall's one address
		tokenOf(t, b.post("/fail", v))
	}
	token := tokenOf(t, b.post("/fail", v))
	if got := filedBy(token); got != name {
		t.Errorf("filed by %q, want %q", got, name)
	}
	// Without the form token the clerk's post is refused.
	if r := b.postRaw("/fail", v, sameSite); r.status != http.StatusForbidden {
		t.Errorf("the clerk's post without its form token: %d", r.status)
	}
	// Through the API with the clerk's session as a bearer token.
	r := from(t, f.srv, "198.51.100.20", http.MethodPost, "/api/v1/fail-reports", `{"kind":"how","what":"代群众登记"}`,
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + b.cookie.Value})
	var filed struct{ Ticket filedTicket }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &filed) != nil {
		t.Fatalf("the clerk's API report: %d %s", r.status, r.body)
	}
	if got := filedBy(filed.Ticket.Token); got != name {
		t.Errorf("API: filed by %q, want %q", got, name)
	}
	// A citizen's report names no clerk.
	r = from(t, f.srv, "198.51.100.20", http.MethodPost, "/fail", url.Values{"kind": {"how"}, "what": {"自己来的"}}.Encode(), formHeader)
	if got := filedBy(tokenOf(t, r)); got != "" {
		t.Errorf("a citizen's report filed by %q", got)
	}
}

// hostileStrings are texts a citizen may type that a page must show as
// text: markup, script, attribute breakouts, template syntax, formulas.
var hostileStrings = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`'><svg onload=alert(1)>`,
	`<a href="javascript:alert(1)">点我</a>`,
	`javascript:alert(document.cookie)`,
	`</textarea><script>alert(2)</script>`,
	`</p><h1>假标题</h1>`,
	`<iframe src="//evil.example"></iframe>`,
	`<style>body{display:none}</style>`,
	`<meta http-equiv="refresh" content="0;url=//evil.example">`,
	`<base href="//evil.example/">`,
	`<form action="//evil.example"><button>登录</button></form>`,
	`<input autofocus onfocus=alert(3)>`,
	`<details open ontoggle=alert(4)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(5)>`,
	`<!-- 注释 -->`,
	`<![CDATA[x]]>`,
	`{{.}}{{template "main" .}}`,
	`${7*7}#{7*7}`,
	`=cmd|' /C calc'!A0`,
	`+SUM(1,2)`,
	`@import url(//evil.example/x.css);`,
	`' OR '1'='1' --`,
	`"; DROP TABLE tickets; --`,
	`&lt;b&gt;已转义&lt;/b&gt;`,
	`&amp;&quot;&#39;`,
	`%3Cscript%3Ealert(6)%3C/script%3E`,
	`\u003cscript\u003e`,
	`<img src="data:image/svg+xml,<svg onload=alert(7)>">`,
	`<object data="javascript:alert(8)"></object>`,
}

// escapedText is s as html/template writes it into a page's text.
func escapedText(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := template.Must(template.New("x").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHostileFeedbackStaysText: 30 hostile strings posted as comments,
// 指南有误 and 办不成事 reports show as text on the ticket page (and on the
// form shown again when refused), never as markup.
func TestHostileFeedbackStaysText(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	base := "/items/" + url.PathEscape(it.Code)
	if len(hostileStrings) < 30 {
		t.Fatalf("%d hostile strings", len(hostileStrings))
	}
	shown := 0
	for i, h := range hostileStrings {
		addr := "203.0.113." + strconv.Itoa(i+1) // an address each: the rate limit is not under test
		posts := []struct{ path, body string }{
			{base + "/rating", url.Values{"level": {"1"}, "comment": {h}}.Encode()},
			{base + "/report", url.Values{"section": {"steps"}, "what": {h}, "contact": {h}}.Encode()},
			{"/fail", url.Values{"kind": {"how"}, "what": {h}}.Encode()},
			{"/fail", url.Values{"kind": {"how"}, "what": {h}, "phone": {h}}.Encode()}, // refused: shown again
		}
		for _, p := range posts {
			r := from(t, f.srv, addr, http.MethodPost, p.path, p.body, formHeader)
			page := r
			switch r.status {
			case http.StatusSeeOther:
				page = get(t, f.srv, r.header.Get("Location"))
				shown++
				if !strings.Contains(page.body, escapedText(t, h)) {
					t.Errorf("%s %q: the ticket page does not show it as text", p.path, h)
				}
			case http.StatusUnprocessableEntity:
			default:
				t.Fatalf("%s %q: %d", p.path, h, r.status)
			}
			if strings.ContainsAny(h, `<>"'`) && strings.Contains(page.body, h) {
				t.Errorf("%s %q: shown unescaped (status %d)", p.path, h, r.status)
			}
		}
	}
	if shown < 2*len(hostileStrings) {
		t.Errorf("only %d of the hostile texts were filed and shown on a ticket page", shown)
	}
}

// The citizen's page shows the department's reply (as text) and, for an
// 整改 naming its edition, the link to the corrected guide.
func TestTicketShowsTheReply(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	r := from(t, f.srv, "198.51.100.21", http.MethodPost, "/items/"+url.PathEscape(it.Code)+"/report",
		url.Values{"section": {"hours"}, "what": {"周六上午也办公"}, "contact": {"13800138000"}}.Encode(), formHeader)
	token := tokenOf(t, r)
	tk, err := f.store.TicketByToken(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	admin := &catalog.User{Name: "admin", Role: catalog.RoleAdmin}
	if _, err := f.store.MoveTicket(t.Context(), store.Actor{User: admin}, tk.ID, feedback.Move{To: feedback.StateWorking, Reply: "<i>已收到</i>，正在核实"}); err != nil {
		t.Fatal(err)
	}
	page := get(t, f.srv, "/tickets/"+token)
	mustContain(t, "the ticket answered", page.body, "处理中", "&lt;i&gt;已收到&lt;/i&gt;，正在核实", "办理时间")
	mustNotContain(t, "the ticket answered", page.body, "<i>已收到", "13800138000", "admin", label("ticket.noreply"))

	fixed := newTicketView(&store.Ticket{Kind: feedback.KindError, State: feedback.StateVisited, Outcome: feedback.StateFixed, Edition: 7,
		Target: &feedback.Target{Kind: feedback.TargetItem, Code: it.Code}, Deadline: time.Now()}, time.Now())
	if fixed.FixedURL != "/items/"+url.PathEscape(it.Code) || fixed.Edition != 7 || fixed.StateLabel != "已回访" {
		t.Errorf("an 整改 with its edition: %+v", fixed)
	}
	declined := newTicketView(&store.Ticket{Kind: feedback.KindError, State: feedback.StateDeclined, Outcome: feedback.StateDeclined,
		Target: &feedback.Target{Kind: feedback.TargetItem, Code: it.Code}}, time.Now())
	if declined.FixedURL != "" {
		t.Errorf("a 不予整改 links a corrected guide: %+v", declined)
	}
}

func TestFeedbackFullIs503UntilTomorrow(t *testing.T) {
	now := time.Date(2026, 9, 25, 15, 0, 0, 0, time.UTC) // 23:00 in China
	var e *Error
	if err := feedbackError(store.ErrFeedbackFull, now); !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable ||
		e.Code != "feedback_full" || e.RetryAfter != 3600 || e.Message != store.MsgFeedbackFull {
		t.Fatalf("the day's bound: %+v", err)
	}
	if err := feedbackError(catalog.ErrNotFound, now); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("other errors pass: %v", err)
	}
}
