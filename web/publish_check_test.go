package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhinan/catalog"
)

// submitGuide saves it as a new draft of its item through the API as the
// editor, submits it and returns its edition.
func submitGuide(t *testing.T, editor *client, it catalog.Item) int {
	t.Helper()
	base := "/api/v1/items/" + it.Code
	r := editor.call("GET", base+"/draft", "", nil)
	var w struct{ Edition int }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &w) != nil {
		t.Fatalf("draft: %d %s", r.status, r.body)
	}
	body, _ := json.Marshal(it)
	r = editor.call("PUT", base+"/draft", string(body), map[string]string{"If-Match": strconv.Itoa(w.Edition)})
	if r.status != 200 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	var saved struct{ Edition int }
	json.Unmarshal([]byte(r.body), &saved)
	if r = editor.call("POST", base+"/submit", "", nil); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	return saved.Edition
}

// overPromise makes the guide's steps add up to 15 working days against a
// promised 10 (the case), consistent otherwise.
func overPromise(it *catalog.Item) {
	it.LegalDays, it.PromisedDays, it.Handling = catalog.Int(20), catalog.Int(10), "承诺件"
	it.Steps = []catalog.Step{
		{Name: "受理", Days: catalog.Int(0)}, {Name: "审核", Days: catalog.Int(5)},
		{Name: "制证", Days: catalog.Int(8)}, {Name: "发证", Days: catalog.Int(2)},
	}
}

// refusalBody is the body of a 422 publish_refused.
type refusalBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details struct {
			Errors    []checkJSON          `json:"errors"`
			Warnings  []checkJSON          `json:"warnings"`
			Overrides []catalog.FieldError `json:"overrides"`
		} `json:"details"`
	} `json:"error"`
}

// TestPublishChecksAPI: publishing a guide whose steps add up to more than
// its promise is 422 publish_refused with the check; a warning needs a
// reason in the body's overrides, which the editions then show.
func TestPublishChecksAPI(t *testing.T) {
	f := seedServer(t)
	it := itemOf(t, f, "市公安局", "610900")
	editor := signIn(t, f, "editor-police")
	reviewer := signIn(t, f, "reviewer-city")
	base := "/api/v1/items/" + it.Code
	if cs := catalog.PublishChecks(&it); len(cs) > 0 {
		t.Fatalf("the seed item fails checks: %+v", cs)
	}

	bad := it
	overPromise(&bad)
	n := submitGuide(t, editor, bad)
	r := editor.call("GET", base+"/draft", "", nil)
	mustContain(t, "draft", r.body, `"checks":[{"rule":"steps_over_promised","severity":"error","field":"steps"`)
	for _, body := range []string{"", `{"overrides":{"steps_over_promised":"制证不由本部门控制"}}`} {
		r = reviewer.call("POST", base+"/publish", body, map[string]string{"If-Match": strconv.Itoa(n)})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("publish %s: %d %s", body, r.status, r.body)
		}
		var rb refusalBody
		if err := json.Unmarshal([]byte(r.body), &rb); err != nil {
			t.Fatal(err)
		}
		e := rb.Error
		if e.Code != "publish_refused" || e.Message != MsgPublishBlocked || len(e.Details.Errors) != 1 ||
			e.Details.Errors[0].Rule != catalog.CheckStepsOverPromised || e.Details.Errors[0].Field != "steps" ||
			e.Details.Errors[0].Message != "各环节时限合计15个工作日，超过承诺办结时限10个工作日" ||
			e.Details.Warnings == nil || e.Details.Overrides == nil {
			t.Fatalf("refusal %s", r.body)
		}
	}
	if r = get(t, f.srv, base); strings.Contains(r.body, `"edition":`+strconv.Itoa(n)) {
		t.Fatal("a refused edition is public")
	}
	if r = reviewer.call("POST", base+"/publish", `{"overrides":{},"extra":1}`, nil); r.status != http.StatusBadRequest {
		t.Fatalf("unknown field: %d %s", r.status, r.body)
	}

	// A warning: refused without a reason, published with one.
	warn := it
	warn.Location = "汉滨区兴安中路"
	n = submitGuide(t, editor, warn)
	r = reviewer.call("POST", base+"/publish", "", nil)
	var rb refusalBody
	if r.status != http.StatusUnprocessableEntity || json.Unmarshal([]byte(r.body), &rb) != nil {
		t.Fatalf("publish without reason: %d %s", r.status, r.body)
	}
	if e := rb.Error; e.Message != MsgPublishNeedsReasons || len(e.Details.Errors) != 0 || len(e.Details.Warnings) != 1 ||
		e.Details.Warnings[0].Rule != catalog.CheckLocation || e.Details.Warnings[0].Quality != catalog.RuleLocation ||
		len(e.Details.Overrides) != 1 || e.Details.Overrides[0].Field != "overrides.location" {
		t.Fatalf("refusal %s", r.body)
	}
	r = reviewer.call("POST", base+"/publish", `{"overrides":{"location":"大厅改造，窗口号待改造后公布"}}`, nil)
	if r.status != 200 || !strings.Contains(r.body, `"state":"published"`) {
		t.Fatalf("publish with reason: %d %s", r.status, r.body)
	}
	r = reviewer.call("GET", base+"/editions", "", nil)
	mustContain(t, "editions", r.body, `"number":`+strconv.Itoa(n), `"overrides":{"location":"大厅改造，窗口号待改造后公布"}`)
	auditor := signIn(t, f, "auditor")
	r = auditor.call("GET", "/api/v1/audit-log?item="+url.QueryEscape(it.Code), "", nil)
	mustContain(t, "change log", r.body, "放行“办理地点不具体”（location）：大厅改造，窗口号待改造后公布")
}

// TestReviewPagePublishChecks: the review page shows the checks; a guide
// whose steps exceed its promise cannot be published from it (the button
// is disabled, a post is refused with the reason); a warning needs its
// reason, which the history then shows.
func TestReviewPagePublishChecks(t *testing.T) {
	f := seedServer(t)
	it := itemOf(t, f, "市公安局", "610900")
	editor := signIn(t, f, "editor-police")
	rv := formLogin(t, f, "reviewer-city")
	page := "/review/items/" + it.Code

	bad := it
	overPromise(&bad)
	n := submitGuide(t, editor, bad)
	r := rv.get(page)
	mustStatus(t, "review page", r, 200)
	editorPageRules(t, "review page", r)
	checkLabels(t, "review page", r.body)
	const reason = "各环节时限合计15个工作日，超过承诺办结时限10个工作日"
	mustContain(t, "review page", r.body, "发布前检查", "以下 1 个问题须退回编辑修改", reason,
		`id="publish-blocked"`, `disabled aria-describedby="publish-blocked"`)
	r = rv.post(page+"/publish", url.Values{"base": {strconv.Itoa(n)}})
	mustStatus(t, "refused publish", r, http.StatusUnprocessableEntity)
	mustContain(t, "refused publish", r.body, `id="error-summary"`, `href="#publish-checks"`, reason)
	if w := draftOf(t, f, it.Code); w.State != catalog.StateSubmitted || w.Published == n {
		t.Fatalf("after the refusal: %s, published %d", w.State, w.Published)
	}

	// A warning: a reason field per warning rule, required.
	warn := it
	warn.Location = "汉滨区兴安中路"
	n = submitGuide(t, editor, warn)
	r = rv.get(page)
	mustStatus(t, "review page", r, 200)
	checkLabels(t, "review page", r.body)
	mustContain(t, "review page", r.body, "办理地点不具体", `<textarea id="f-override-location" name="override.location"`,
		"放行理由：办理地点不具体")
	mustNotContain(t, "review page", r.body, `id="publish-blocked"`)
	r = rv.post(page+"/publish", url.Values{"base": {strconv.Itoa(n)}, "override.location": {"  "}})
	mustStatus(t, "publish without reason", r, http.StatusUnprocessableEntity)
	mustContain(t, "publish without reason", r.body, `href="#f-override-location"`,
		html.EscapeString("存在“办理地点不具体”提醒，发布须填写放行理由"), `id="f-override-location-err"`)
	const why = "大厅改造，窗口号待改造后公布"
	r = rv.post(page+"/publish", url.Values{"base": {strconv.Itoa(n)}, "override.location": {why}})
	mustStatus(t, "publish with reason", r, http.StatusSeeOther)
	mustContain(t, "history", rv.get("/edit/items/"+it.Code+"/history").body, html.EscapeString("放行“办理地点不具体”："+why))
}
