package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhinan/catalog"
	"zhinan/store"
)

var bundleUserOnce sync.Once

// bundleEditor signs up the fixture's bundle editor (一件事编辑) once and
// returns its name.
func bundleEditor(t *testing.T, f *fixture) string {
	t.Helper()
	const name = "bundle-editor-web"
	var err error
	bundleUserOnce.Do(func() {
		_, err = f.store.AddUser(t.Context(), store.NewUser{Name: name, Role: catalog.RoleBundle, Password: testPassword})
	})
	if err != nil && !errors.Is(err, catalog.ErrConflict) {
		t.Fatal(err)
	}
	return name
}

// twoEntries returns the base codes of two catalogue entries.
func twoEntries(t *testing.T, f *fixture) (string, string) {
	t.Helper()
	if len(f.cat.Entries) < 2 {
		t.Skip("fewer than two catalogue entries")
	}
	return f.cat.Entries[0].BaseCode, f.cat.Entries[1].BaseCode
}

func bundleDraftOf(t *testing.T, f *fixture, code string) *store.BundleWorking {
	t.Helper()
	w, err := f.store.BundleDraft(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, code)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestBundleEditingThroughTheAPI(t *testing.T) {
	f := seedServer(t)
	e0, e1 := twoEntries(t, f)
	be := signIn(t, f, bundleEditor(t, f))
	const code = "ZN-API-BUNDLE"
	b := catalog.Bundle{Code: code, Name: "测试一件事", Steps: []catalog.BundleStep{{BaseCode: e0, Stage: 1}, {BaseCode: e1, Stage: 2}}}
	body, _ := json.Marshal(b)

	// Plain editors, reviewers and anonymous callers do not create bundles.
	for _, who := range []string{"editor-police", "reviewer-city"} {
		mustStatus(t, who+" creates", signIn(t, f, who).call("POST", "/api/v1/bundles", string(body), nil), http.StatusForbidden)
	}
	mustStatus(t, "anonymous creates", (&client{t: t, h: f.srv}).call("POST", "/api/v1/bundles", string(body), nil), http.StatusUnauthorized)

	r := be.call("POST", "/api/v1/bundles?note="+url.QueryEscape("新建"), string(body), nil)
	mustStatus(t, "create", r, http.StatusCreated)
	mustContain(t, "create", r.body, `"edition":1`)
	mustStatus(t, "create twice", be.call("POST", "/api/v1/bundles", string(body), nil), http.StatusConflict)
	mustStatus(t, "editor reads the draft", signIn(t, f, "editor-police").call("GET", "/api/v1/bundles/"+code+"/draft", "", nil), http.StatusForbidden)

	r = be.call("GET", "/api/v1/bundles/"+code+"/draft", "", nil)
	mustStatus(t, "draft", r, 200)
	if r.header.Get("ETag") != "1" {
		t.Fatalf("ETag %q", r.header.Get("ETag"))
	}
	// Save against edition 1; the same base again is stale.
	b.Description = "办理出生相关事项"
	body, _ = json.Marshal(b)
	mustStatus(t, "save without If-Match", be.call("PUT", "/api/v1/bundles/"+code+"/draft", string(body), nil), http.StatusPreconditionRequired)
	r = be.call("PUT", "/api/v1/bundles/"+code+"/draft", string(body), map[string]string{"If-Match": "1"})
	mustStatus(t, "save", r, 200)
	saved := bundleDraftOf(t, f, code).Edition
	mustStatus(t, "stale save", be.call("PUT", "/api/v1/bundles/"+code+"/draft", string(body), map[string]string{"If-Match": "1"}), http.StatusConflict)
	// An unknown entry: 422 with its path, nothing saved.
	bad := b
	bad.Steps = []catalog.BundleStep{{BaseCode: "NO-SUCH-ENTRY", Stage: 1}}
	body, _ = json.Marshal(bad)
	r = be.call("PUT", "/api/v1/bundles/"+code+"/draft", string(body), map[string]string{"If-Match": strconv.Itoa(saved)})
	mustStatus(t, "unknown entry", r, http.StatusUnprocessableEntity)
	mustContain(t, "unknown entry", r.body, `"field":"steps[0].base_code"`)
	if bundleDraftOf(t, f, code).Edition != saved {
		t.Fatal("an invalid bundle was saved")
	}

	// Submit, then publish: bundle editors and county reviewers may not.
	r = be.call("POST", "/api/v1/bundles/"+code+"/submit", `{"note":"请审核"}`, map[string]string{"If-Match": strconv.Itoa(saved)})
	mustStatus(t, "submit", r, 200)
	mustContain(t, "submit", r.body, `"state":"submitted"`)
	mustStatus(t, "bundle editor publishes", be.call("POST", "/api/v1/bundles/"+code+"/publish", "", nil), http.StatusForbidden)
	mustStatus(t, "county reviewer publishes", signIn(t, f, "reviewer-pingli").call("POST", "/api/v1/bundles/"+code+"/publish", "", nil), http.StatusForbidden)
	rv := signIn(t, f, "reviewer-city")
	mustStatus(t, "stale publish", rv.call("POST", "/api/v1/bundles/"+code+"/publish", "", map[string]string{"If-Match": "1"}), http.StatusConflict)
	r = rv.call("POST", "/api/v1/bundles/"+code+"/publish", "", nil)
	mustStatus(t, "publish", r, 200)
	mustContain(t, "publish", r.body, `"state":"published"`)
	if w := bundleDraftOf(t, f, code); w.Published != saved || w.Description != "办理出生相关事项" {
		t.Fatalf("published %d %q", w.Published, w.Description)
	}
	r = be.call("GET", "/api/v1/bundles/"+code+"/editions", "", nil)
	mustStatus(t, "editions", r, 200)
	mustContain(t, "editions", r.body, `"state":"published"`)

	// A new edition submitted and sent back: the reason is required, and
	// the published edition stays.
	b.Description = "办理出生相关事项（修订）"
	body, _ = json.Marshal(b)
	mustStatus(t, "save again", be.call("PUT", "/api/v1/bundles/"+code+"/draft", string(body), map[string]string{"If-Match": strconv.Itoa(saved)}), 200)
	mustStatus(t, "submit again", be.call("POST", "/api/v1/bundles/"+code+"/submit", "", nil), 200)
	mustStatus(t, "reject without a reason", rv.call("POST", "/api/v1/bundles/"+code+"/reject", `{"reason":""}`, nil), http.StatusUnprocessableEntity)
	r = rv.call("POST", "/api/v1/bundles/"+code+"/reject", `{"reason":"请补充办理说明"}`, nil)
	mustStatus(t, "reject", r, 200)
	mustContain(t, "reject", r.body, `"state":"rejected"`)
	if w := bundleDraftOf(t, f, code); w.Published != saved || w.Reason != "请补充办理说明" {
		t.Fatalf("after the reject: published %d, reason %q", w.Published, w.Reason)
	}
}

func TestBundleEditingPages(t *testing.T) {
	f := seedServer(t)
	e0, e1 := twoEntries(t, f)
	name := bundleEditor(t, f)
	be := formLogin(t, f, name)
	const code = "ZN-PAGE-BUNDLE"

	r := be.get("/edit")
	mustStatus(t, "workbench", r, 200)
	mustContain(t, "workbench", r.body, "一件事编辑", `href="/edit/bundles"`, `href="/edit/bundles/new"`)
	mustNotContain(t, "workbench", r.body, "从基本目录新建事项")

	r = be.get("/edit/bundles/new")
	mustStatus(t, "new form", r, 200)
	editorPageRules(t, "new form", r)
	checkLabels(t, "new form", r.body)
	v := formValues(t, r.body, "bundle-form")
	v.Set("code", code)
	v.Set("name", "测试开办一件事")
	v.Set("themes", "开办企业、餐饮")
	v.Set("ask_phrases", "开饭店\r\n开餐馆")
	v.Set("steps.0.base_code", e0)
	v.Set("steps.1.base_code", e1)
	v.Set("steps.1.or", "")
	// A row button: one more step, focused, nothing saved.
	v.Set("row", "add:steps")
	r = be.post("/edit/bundles/new", v)
	mustStatus(t, "add a step", r, 200)
	mustContain(t, "add a step", r.body, `<select id="f-steps-2-base_code" name="steps.2.base_code" autofocus>`, `value="测试开办一件事"`)
	v = formValues(t, r.body, "bundle-form")
	// An unknown entry: 422 at its row, nothing created.
	v.Set("steps.1.base_code", "NO-SUCH-ENTRY")
	v.Set("action", "save")
	r = be.post("/edit/bundles/new", v)
	mustStatus(t, "unknown entry", r, http.StatusUnprocessableEntity)
	mustContain(t, "unknown entry", r.body, `id="f-steps-1-base_code-err"`, `href="#f-steps-1-base_code"`, "内容没有保存")
	if _, err := f.store.BundleDraft(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, code); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("an invalid bundle was created: %v", err)
	}
	v.Set("steps.1.base_code", e1)
	r = be.post("/edit/bundles/new", v)
	mustStatus(t, "create", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/edit/bundles/"+code+"?created=1" {
		t.Fatalf("created: %s", loc)
	}
	w := bundleDraftOf(t, f, code)
	if w.Edition != 1 || len(w.Steps) != 2 || w.Steps[1].Stage != 2 || strings.Join(w.AskPhrases, "|") != "开饭店|开餐馆" ||
		strings.Join(w.Themes, "|") != "开办企业|餐饮" {
		t.Fatalf("created %+v", w)
	}

	// The form of the saved bundle converts back to it.
	r = be.get("/edit/bundles/" + code + "?created=1")
	mustStatus(t, "edit form", r, 200)
	checkLabels(t, "edit form", r.body)
	v = formValues(t, r.body, "bundle-form")
	if got, errs := parseBundleForm(v).bundle(); len(errs) > 0 || bundleJSON(got) != bundleJSON(&w.Bundle) {
		t.Fatalf("the form gives %+v %v, want %+v", got, errs, w.Bundle)
	}
	// Move the second step up and save it with the second stage first.
	v.Set("row", "up:steps:1")
	r = be.post("/edit/bundles/"+code, v)
	mustStatus(t, "move", r, 200)
	v = formValues(t, r.body, "bundle-form")
	if v.Get("steps.0.base_code") != e1 {
		t.Fatalf("moved: %v", v)
	}
	// Two forms on edition 1: the second save is a conflict.
	stale := cloneValues(v)
	v.Set("action", "save")
	mustStatus(t, "save", be.post("/edit/bundles/"+code, v), http.StatusSeeOther)
	stale.Set("description", "过时的说明")
	stale.Set("action", "save")
	stale.Set("base", "1")
	r = be.post("/edit/bundles/"+code, stale)
	mustStatus(t, "stale save", r, http.StatusConflict)
	mustContain(t, "stale save", r.body, "内容已被他人修改", "过时的说明")

	// Submit; the reviewer of the city sees it in the queue, reviews the
	// new bundle's content and publishes it.
	v = formValues(t, be.get("/edit/bundles/"+code).body, "bundle-form")
	v.Set("note", "请审核一件事")
	v.Set("action", "submit")
	mustStatus(t, "submit", be.post("/edit/bundles/"+code, v), http.StatusSeeOther)
	w = bundleDraftOf(t, f, code)
	if w.State != catalog.StateSubmitted {
		t.Fatalf("state %s", w.State)
	}
	rv := formLogin(t, f, "reviewer-city")
	mustContain(t, "reviewer workbench", rv.get("/edit").body, "/review/bundles/"+code)
	r = rv.get("/review/bundles/" + code)
	mustStatus(t, "review page", r, 200)
	editorPageRules(t, "review page", r)
	checkLabels(t, "review page", r.body)
	mustContain(t, "review page", r.body, "新的一件事", "测试开办一件事", "请审核一件事", `action="/review/bundles/`+code+`/publish"`)
	r = rv.post("/review/bundles/"+code+"/publish", url.Values{"base": {strconv.Itoa(w.Edition)}})
	mustStatus(t, "publish", r, http.StatusSeeOther)
	mustContain(t, "after publishing", rv.get(r.header.Get("Location")).body, "已发布一件事 "+code)
	mustStatus(t, "publish twice", rv.post("/review/bundles/"+code+"/publish", url.Values{"base": {strconv.Itoa(w.Edition)}}), http.StatusConflict)
	if w := bundleDraftOf(t, f, code); w.Published != w.Edition || w.State != catalog.StatePublished {
		t.Fatalf("not published: %+v", w)
	}

	// Plain editors do none of this.
	ed := formLogin(t, f, "editor-police")
	mustStatus(t, "editor's list", ed.get("/edit/bundles"), http.StatusForbidden)
	mustStatus(t, "editor's new form", ed.get("/edit/bundles/new"), http.StatusForbidden)
	mustStatus(t, "editor creates", ed.post("/edit/bundles/new", v), http.StatusForbidden)
	mustStatus(t, "editor's review", ed.get("/review/bundles/"+code), http.StatusForbidden)
	mustNotContain(t, "editor's workbench", ed.get("/edit").body, "/edit/bundles")
	// The bundle editor's list shows it published.
	r = be.get("/edit/bundles")
	mustStatus(t, "list", r, 200)
	editorPageRules(t, "list", r)
	mustContain(t, "list", r.body, code, "测试开办一件事", "已发布")
}
