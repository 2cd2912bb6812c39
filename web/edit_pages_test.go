package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"zhinan/catalog"
	"zhinan/store"
)

// browser is a signed-in user of the editor pages: a session cookie from
// the login form, and form posts that carry the session's form token and
// this site's Origin, as a browser sends them.
type browser struct {
	t      *testing.T
	f      *fixture
	cookie *http.Cookie
}

// sameSite is the Origin of the test requests' host.
const sameSite = "http://example.com"

func formLogin(t *testing.T, f *fixture, user string) *browser {
	t.Helper()
	form := url.Values{"username": {user}, "password": {testPassword}, "next": {"/edit"}}.Encode()
	r := do(t, f.srv, http.MethodPost, "/login", form,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": sameSite})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/edit" {
		t.Fatalf("login %s: %d %s", user, r.status, r.header.Get("Location"))
	}
	cookies := (&http.Response{Header: r.header}).Cookies()
	if len(cookies) == 0 {
		t.Fatal("no session cookie")
	}
	return &browser{t: t, f: f, cookie: cookies[0]}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	return get(b.t, b.f.srv, path, b.cookie)
}

// post sends a form with the session's form token.
func (b *browser) post(path string, v url.Values) response {
	b.t.Helper()
	v = cloneValues(v)
	v.Set("csrf", b.f.srv.formToken(b.cookie.Value))
	return b.postRaw(path, v, sameSite)
}

// postRaw sends a form as is, from origin.
func (b *browser) postRaw(path string, v url.Values, origin string) response {
	b.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if origin != "" {
		h["Origin"] = origin
	}
	return do(b.t, b.f.srv, http.MethodPost, path, v.Encode(), h, b.cookie)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// formValues returns what a browser would post from the form of the page
// whose class contains class: inputs (checked checkboxes only), textareas
// and selected options, without the submit buttons.
func formValues(t *testing.T, page, class string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var form *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if form != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == "form" && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ") {
			form = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatalf("no form.%s in the page", class)
	}
	v := url.Values{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := attr(n, "name")
			switch n.Data {
			case "input":
				typ := attr(n, "type")
				if name != "" && (typ != "checkbox" || hasAttr(n, "checked")) {
					v.Add(name, attr(n, "value"))
				}
			case "textarea":
				var sb strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					sb.WriteString(c.Data)
				}
				v.Add(name, sb.String())
			case "select":
				chosen, first := "", ""
				found := false
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type != html.ElementNode || c.Data != "option" {
						continue
					}
					if first == "" && !found {
						first = attr(c, "value")
					}
					if hasAttr(c, "selected") && !found {
						chosen, found = attr(c, "value"), true
					}
				}
				if !found {
					chosen = first
				}
				v.Add(name, chosen)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return v
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// policeItem returns the n-th seed item of 市公安局 in 610900 with more
// than one material; the editing API tests use the first.
func policeItem(t *testing.T, f *fixture, n int) catalog.Item {
	t.Helper()
	for _, it := range f.cat.Items {
		if it.Department == "市公安局" && it.Region == "610900" && len(it.Materials) > 1 {
			if n == 0 {
				return it
			}
			n--
		}
	}
	t.Skip("not enough seed items of 市公安局")
	return catalog.Item{}
}

// mustStatus fails unless r has the status.
func mustStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		body := r.body
		if len(body) > 2000 {
			body = body[:2000]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, body)
	}
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(body, b) {
			t.Errorf("%s contains %q", what, b)
		}
	}
}

// editorPageRules are what every editor page must hold: no inline script
// or style, and never indexed.
func editorPageRules(t *testing.T, what string, r response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: content type %q", what, ct)
	}
	mustNotContain(t, what, r.body, "<script>", " style=", " onclick=", " onerror=")
	mustContain(t, what, r.body, `<meta name="robots" content="noindex">`)
}

// checkLabels checks that every visible form control of a page has a label
// naming it.
func checkLabels(t *testing.T, what, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	fors := map[string]bool{}
	var controls []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "label":
				fors[attr(n, "for")] = true
			case "input", "select", "textarea":
				if attr(n, "type") != "hidden" {
					controls = append(controls, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, n := range controls {
		id := attr(n, "id")
		if id == "" || !fors[id] {
			if attr(n, "aria-label") == "" {
				t.Errorf("%s: control %s name=%q has no label", what, n.Data, attr(n, "name"))
			}
		}
	}
}

func TestWorkbench(t *testing.T) {
	f := seedServer(t)
	// Anonymous users are sent to the login page, which comes back.
	r := get(t, f.srv, "/edit")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?next=%2Fedit" {
		t.Fatalf("anonymous workbench: %d %s", r.status, r.header.Get("Location"))
	}
	ed := formLogin(t, f, "editor-police")
	r = ed.get("/edit")
	mustStatus(t, "editor workbench", r, 200)
	editorPageRules(t, "workbench", r)
	checkLabels(t, "workbench", r.body)
	it := policeItem(t, f, 1)
	mustContain(t, "editor workbench", r.body, "本部门的事项", it.Name, "/edit/items/"+it.Code, "/edit/items/"+it.Code+"/history",
		"已发布", "从基本目录新建事项", `name="base_code"`, f.cat.Entries[0].Name)
	mustNotContain(t, "editor workbench", r.body, "待审核事项", "/audit-log")
	// Only the department's items.
	for _, other := range f.cat.Items {
		if other.Department != "市公安局" && other.Region == "610921" {
			mustNotContain(t, "editor workbench", r.body, "/edit/items/"+other.Code+"\"")
			break
		}
	}
	rv := formLogin(t, f, "reviewer-city")
	r = rv.get("/edit")
	mustStatus(t, "reviewer workbench", r, 200)
	mustContain(t, "reviewer workbench", r.body, "待审核事项")
	mustNotContain(t, "reviewer workbench", r.body, "从基本目录新建事项", "/audit-log")
	au := formLogin(t, f, "auditor")
	r = au.get("/edit")
	mustStatus(t, "auditor workbench", r, 200)
	mustContain(t, "auditor workbench", r.body, `href="/audit-log"`)
	ad := formLogin(t, f, "admin")
	r = ad.get("/edit")
	mustContain(t, "admin workbench", r.body, "待审核事项", "从基本目录新建事项", `href="/audit-log"`)
}

func TestEditFormShowsEverySection(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 1)
	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/items/" + it.Code)
	mustStatus(t, "edit form", r, 200)
	editorPageRules(t, "edit form", r)
	checkLabels(t, "edit form", r.body)
	for _, title := range []string{"基本信息", "设定依据", "受理条件", "申请材料", "办理流程", "办理时限", "办理方式", "收费标准",
		"办理结果", "办理地点和时间", "咨询和监督投诉", "常见问题", "修改说明"} {
		mustContain(t, "edit form", r.body, ">"+title+"<")
	}
	for _, name := range append(append([]string{}, formScalars...), formAudience, formThemes, formThemesOther, "base", "csrf", "note") {
		mustContain(t, "edit form", r.body, `name="`+name+`"`)
	}
	for _, l := range formLists {
		for _, sub := range l.Subs {
			mustContain(t, "edit form", r.body, `name="`+rowName(l.Key, 0, sub)+`"`)
		}
		mustContain(t, "edit form", r.body, `name="row" value="add:`+l.Key+`"`)
	}
	// Every existing material plus one blank row.
	n := len(it.Materials)
	mustContain(t, "edit form", r.body, `name="`+rowName("materials", n, "name")+`"`)
	mustNotContain(t, "edit form", r.body, `name="`+rowName("materials", n+1, "name")+`"`)
	// The code is read-only, the editor's region and department too.
	mustContain(t, "edit form", r.body, `name="code" type="text" value="`+it.Code+`" readonly`, `name="department" type="text" value="市公安局" readonly`)
	// The form as a browser posts it converts back to the stored guide.
	v := formValues(t, r.body, "guide-form")
	got, errs := parseGuideForm(v).item()
	if len(errs) > 0 {
		t.Fatalf("the unchanged form has errors: %v", errs)
	}
	w, err := f.store.Draft(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, it.Code)
	if err != nil {
		t.Fatal(err)
	}
	if d := catalog.DiffItems(&w.Item, got); len(d.Fields)+len(d.Lists) > 0 {
		t.Fatalf("the unchanged form differs from the guide: %+v", d)
	}
	// "Add a row" works without script: one more blank material row, with
	// the focus on it, nothing saved.
	v.Set("row", "add:materials")
	r = ed.post("/edit/items/"+it.Code, v)
	mustStatus(t, "add a row", r, 200)
	mustContain(t, "add a row", r.body, `name="`+rowName("materials", n+1, "name")+`"`)
	if !strings.Contains(r.body, `id="`+fieldID(rowName("materials", n+1, "name"))+`" name="`+rowName("materials", n+1, "name")+`" type="text" value="" autofocus`) {
		t.Error("the new row does not take the focus")
	}
	if w2, _ := f.store.Draft(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, it.Code); w2.Edition != w.Edition {
		t.Fatal("adding a row saved")
	}
	// Other departments' items are not the editor's.
	hanyin := itemOf(t, f, "汉阴县民政局", "610921")
	mustStatus(t, "another department's form", ed.get("/edit/items/"+hanyin.Code), 403)
	mustStatus(t, "no such item", ed.get("/edit/items/NO-SUCH-ITEM"), 404)
}

// draftOf reads the working edition as an admin.
func draftOf(t *testing.T, f *fixture, code string) *store.Working {
	t.Helper()
	w, err := f.store.Draft(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, code)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestEditSaveReviewPublish(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 2)
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/items/" + code)
	mustStatus(t, "edit form", r, 200)
	v := formValues(t, r.body, "guide-form")
	before := draftOf(t, f, code)
	oldName := v.Get("materials.0.name")
	newName := `居民身份证（正反面）<script>alert("x")</script>`
	v.Set("materials.0.name", newName)
	v.Set("note", "材料名称补充说明")
	v.Set("action", "save")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "save", r, http.StatusSeeOther)
	saved := before.Edition + 1
	if want := "/edit/items/" + code + "?saved=" + strconv.Itoa(saved); r.header.Get("Location") != want {
		t.Fatalf("save went to %s, want %s", r.header.Get("Location"), want)
	}
	w := draftOf(t, f, code)
	if w.Edition != saved || w.State != catalog.StateDraft || w.Materials[0].Name != newName {
		t.Fatalf("saved draft: edition %d %s %q", w.Edition, w.State, w.Materials[0].Name)
	}
	// The form shows the saved state, the script as text.
	r = ed.get(r.header.Get("Location"))
	mustStatus(t, "saved form", r, 200)
	mustContain(t, "saved form", r.body, "已保存为第 "+strconv.Itoa(saved)+" 版草稿", "草稿",
		`value="居民身份证（正反面）&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`, `name="base" value="`+strconv.Itoa(saved)+`"`)
	mustNotContain(t, "saved form", r.body, `<script>alert`)
	// Preview: the citizen page of the form's content, marked, nothing saved.
	v = formValues(t, r.body, "guide-form")
	v.Set("conditions", "预览中的受理条件")
	v.Set("action", "preview")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "preview", r, 200)
	mustContain(t, "preview", r.body, "预览：这是群众将看到的页面", "预览中的受理条件", "基本信息", "申请材料", "办理流程",
		"居民身份证（正反面）&lt;script&gt;", `name="conditions" value="预览中的受理条件"`)
	mustNotContain(t, "preview", r.body, "<script>alert")
	if draftOf(t, f, code).Edition != saved {
		t.Fatal("the preview saved")
	}
	// Back from the preview, the form holds the previewed content.
	back := formValues(t, r.body, "preview-form")
	back.Set("action", "edit")
	r = ed.post("/edit/items/"+code, back)
	mustStatus(t, "back from preview", r, 200)
	mustContain(t, "back from preview", r.body, "预览中的受理条件")
	// Submit with a change note (the edition is a draft and unchanged:
	// submitted as it is).
	v = formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Set("note", "请审核：补充身份证说明")
	v.Set("action", "submit")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "submit", r, http.StatusSeeOther)
	if w = draftOf(t, f, code); w.State != catalog.StateSubmitted || w.Edition != saved || w.Note != "请审核：补充身份证说明" {
		t.Fatalf("submitted: %d %s %q", w.Edition, w.State, w.Note)
	}
	mustContain(t, "submitted form", ed.get(r.header.Get("Location")).body, "第 "+strconv.Itoa(saved)+" 版已提交审核", "待审核")
	// Editors do not publish.
	mustStatus(t, "editor publishes", ed.post("/review/items/"+code+"/publish", url.Values{"base": {strconv.Itoa(saved)}}), 403)

	// The reviewer's queue has it; the review page shows the diff.
	rv := formLogin(t, f, "reviewer-city")
	mustContain(t, "review queue", rv.get("/edit").body, "/review/items/"+code)
	r = rv.get("/review/items/" + code)
	mustStatus(t, "review page", r, 200)
	editorPageRules(t, "review page", r)
	checkLabels(t, "review page", r.body)
	mustContain(t, "review page", r.body, "与公开版本的差异", "申请材料", "修改", oldName, "居民身份证（正反面）&lt;script&gt;",
		"请审核：补充身份证说明", "指南质量检查", `action="/review/items/`+code+`/publish"`, `action="/review/items/`+code+`/reject"`,
		`name="reason"`)
	mustNotContain(t, "review page", r.body, "<script>alert")
	// The reviewer does not edit.
	if r := rv.get("/edit/items/" + code); r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "/history") {
		t.Fatalf("reviewer's edit form: %d %s", r.status, r.header.Get("Location"))
	}
	r = rv.post("/review/items/"+code+"/publish", url.Values{"base": {strconv.Itoa(saved)}})
	mustStatus(t, "publish", r, http.StatusSeeOther)
	mustContain(t, "after publishing", rv.get(r.header.Get("Location")).body, "已发布事项 "+code)
	// Publishing again is a conflict, shown on the page.
	mustStatus(t, "publish twice", rv.post("/review/items/"+code+"/publish", url.Values{"base": {strconv.Itoa(saved)}}), 409)

	// The citizen page shows the change, escaped.
	r = get(t, f.srv, "/items/"+code)
	mustStatus(t, "citizen page", r, 200)
	mustContain(t, "citizen page", r.body, "居民身份证（正反面）&lt;script&gt;")
	mustNotContain(t, "citizen page", r.body, "<script>alert", "预览：")

	// History: every edition, and a diff between two.
	r = ed.get("/edit/items/" + code + "/history")
	mustStatus(t, "history", r, 200)
	editorPageRules(t, "history", r)
	checkLabels(t, "history", r.body)
	mustContain(t, "history", r.body, "第 1 版", "第 "+strconv.Itoa(saved)+" 版", "已发布", "已被替代", "editor-police", "reviewer-city",
		"请审核：补充身份证说明", `action="/edit/items/`+code+`/diff"`)
	r = ed.get("/edit/items/" + code + "/diff?from=1&to=" + strconv.Itoa(saved))
	mustStatus(t, "diff", r, 200)
	mustContain(t, "diff", r.body, "申请材料", oldName, "居民身份证（正反面）&lt;script&gt;")
	mustStatus(t, "bad diff", ed.get("/edit/items/"+code+"/diff?from=x&to=2"), 400)
	mustStatus(t, "diff of a missing edition", ed.get("/edit/items/"+code+"/diff?from=1&to=999"), 404)
}

func TestEditConflictKeepsTheEditorsText(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 3)
	code := it.Code
	a := formLogin(t, f, "editor-police")
	b := formLogin(t, f, "editor-police")
	va := formValues(t, a.get("/edit/items/"+code).body, "guide-form")
	vb := formValues(t, b.get("/edit/items/"+code).body, "guide-form")
	base := va.Get("base")
	vb.Set("conditions", "乙编辑先保存的受理条件")
	vb.Set("action", "save")
	mustStatus(t, "first save", b.post("/edit/items/"+code, vb), http.StatusSeeOther)
	latest := draftOf(t, f, code).Edition
	va.Set("conditions", "甲编辑的受理条件")
	va.Set("materials.1.notes", "甲编辑的填报说明")
	va.Set("action", "save")
	r := a.post("/edit/items/"+code, va)
	mustStatus(t, "stale save", r, http.StatusConflict)
	mustContain(t, "conflict page", r.body, "内容已被他人修改", "甲编辑的受理条件", "甲编辑的填报说明",
		"/edit/items/"+code+"/diff?from="+base+"&amp;to="+strconv.Itoa(latest), `name="base" value="`+base+`"`,
		`name="rebase" value="`+strconv.Itoa(latest)+`"`)
	if w := draftOf(t, f, code); w.Conditions != "乙编辑先保存的受理条件" || w.Edition != latest {
		t.Fatalf("the stale save overwrote: %d %q", w.Edition, w.Conditions)
	}
	// Saving the kept form again is still refused; overwriting on purpose
	// is allowed.
	again := formValues(t, r.body, "guide-form")
	again.Set("action", "save")
	mustStatus(t, "save the kept form", a.post("/edit/items/"+code, again), http.StatusConflict)
	again.Del("action")
	again.Set("rebase", strconv.Itoa(latest))
	mustStatus(t, "overwrite", a.post("/edit/items/"+code, again), http.StatusSeeOther)
	if w := draftOf(t, f, code); w.Conditions != "甲编辑的受理条件" || w.Edition != latest+1 {
		t.Fatalf("overwrite: %d %q", w.Edition, w.Conditions)
	}
}

func TestEditInvalidInputShowsEveryErrorAndSavesNothing(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 4)
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	before := draftOf(t, f, code)
	v := formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Set("legal_days", "-1")
	v.Set("type", "许可")
	v.Set("materials.1.copies", "两份")
	v.Set("steps.0.name", "")
	v.Set("conditions", "编辑填写的受理条件")
	v.Set("action", "save")
	r := ed.post("/edit/items/"+code, v)
	mustStatus(t, "invalid save", r, http.StatusUnprocessableEntity)
	editorPageRules(t, "error page", r)
	checkLabels(t, "error page", r.body)
	mustContain(t, "error page", r.body, "内容没有保存", `id="error-summary"`,
		// every error, inline and linked
		`id="f-type-err"`, `id="f-legal_days-err"`, `id="f-materials-1-copies-err"`, `id="f-steps-0-name-err"`,
		`href="#f-type"`, `href="#f-legal_days"`, `href="#f-materials-1-copies"`, `href="#f-steps-0-name"`,
		`aria-invalid="true" aria-describedby="f-legal_days-hint f-legal_days-err"`, "应为整数", "不能为空",
		// the editor's input kept
		`<option value="许可" selected>许可</option>`, `value="-1"`, `value="两份"`, "编辑填写的受理条件")
	if strings.Count(r.body, `class="field-error"`) < 4 {
		t.Errorf("fewer than 4 inline errors")
	}
	if w := draftOf(t, f, code); w.Edition != before.Edition || w.Conditions != before.Conditions {
		t.Fatal("an invalid guide was saved")
	}
	// Submitting it is refused the same way.
	v.Set("action", "submit")
	mustStatus(t, "invalid submit", ed.post("/edit/items/"+code, v), http.StatusUnprocessableEntity)
	if w := draftOf(t, f, code); w.Edition != before.Edition {
		t.Fatal("an invalid guide was submitted")
	}
	// Quality findings are warnings: saving works and they are shown.
	v = formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Set("location", "")
	v.Set("action", "save")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "save with a finding", r, http.StatusSeeOther)
	r = ed.get(r.header.Get("Location"))
	mustContain(t, "form with findings", r.body, "指南质量提示", `id="f-location-warn"`, `href="#f-location"`)
}

func TestEditFormsRefuseCrossSitePosts(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 1)
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	before := draftOf(t, f, code)
	v := formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Set("conditions", "伪造请求写入的内容")
	v.Set("action", "save")
	// The page's own form carries the token.
	if v.Get("csrf") != f.srv.formToken(ed.cookie.Value) {
		t.Fatal("the form does not carry the session's form token")
	}
	noToken := cloneValues(v)
	noToken.Del("csrf")
	mustStatus(t, "post without the form token", ed.postRaw("/edit/items/"+code, noToken, sameSite), 403)
	mustStatus(t, "post from another site", ed.postRaw("/edit/items/"+code, v, "http://evil.example"), 403)
	mustStatus(t, "post without an origin", ed.postRaw("/edit/items/"+code, v, ""), 403)
	wrong := cloneValues(v)
	wrong.Set("csrf", "forged")
	mustStatus(t, "post with a forged token", ed.postRaw("/edit/items/"+code, wrong, sameSite), 403)
	for _, path := range []string{"/edit/new", "/review/items/" + code + "/publish", "/review/items/" + code + "/reject"} {
		mustStatus(t, path+" without the form token", ed.postRaw(path, url.Values{"base": {"1"}}, sameSite), 403)
	}
	if w := draftOf(t, f, code); w.Edition != before.Edition || w.Conditions == "伪造请求写入的内容" {
		t.Fatal("a forged post was saved")
	}
	// Over the body limit: 413, nothing saved; an unknown list: 400.
	huge := cloneValues(v)
	huge.Set("conditions", strings.Repeat("长", maxBodyBytes/3+1))
	mustStatus(t, "huge form", ed.post("/edit/items/"+code, huge), http.StatusRequestEntityTooLarge)
	bad := cloneValues(v)
	bad.Set("row", "add:nonsense")
	mustStatus(t, "unknown list", ed.post("/edit/items/"+code, bad), http.StatusBadRequest)
	bad = cloneValues(v)
	bad.Set("action", "destroy")
	mustStatus(t, "unknown action", ed.post("/edit/items/"+code, bad), http.StatusBadRequest)
	bad = cloneValues(v)
	bad.Set("base", "abc")
	mustStatus(t, "bad base", ed.post("/edit/items/"+code, bad), http.StatusBadRequest)
	// Anonymous posts go to the login page.
	r := do(t, f.srv, http.MethodPost, "/edit/items/"+code, v.Encode(),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": sameSite})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("anonymous post: %d %s", r.status, r.header.Get("Location"))
	}
}

func TestRejectShowsTheReasonToTheEditor(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 5)
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	v := formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Set("hours", "周一至周五 9:00-17:00")
	v.Set("note", "调整办理时间")
	v.Set("action", "submit")
	mustStatus(t, "submit", ed.post("/edit/items/"+code, v), http.StatusSeeOther)
	w := draftOf(t, f, code)
	if w.State != catalog.StateSubmitted {
		t.Fatalf("state %s", w.State)
	}
	rv := formLogin(t, f, "reviewer-city")
	base := url.Values{"base": {strconv.Itoa(w.Edition)}}
	// A reason is required.
	r := rv.post("/review/items/"+code+"/reject", base)
	mustStatus(t, "reject without a reason", r, http.StatusUnprocessableEntity)
	mustContain(t, "reject without a reason", r.body, `id="f-reason-err"`, `aria-invalid="true"`)
	// Another region's reviewer may not.
	pingli := formLogin(t, f, "reviewer-pingli")
	withReason := cloneValues(base)
	withReason.Set("reason", `办理时间与大厅公示不一致，请核对<b>午休</b>时段`)
	mustStatus(t, "reject out of region", pingli.post("/review/items/"+code+"/reject", withReason), 403)
	r = rv.post("/review/items/"+code+"/reject", withReason)
	mustStatus(t, "reject", r, http.StatusSeeOther)
	r = ed.get("/edit/items/" + code)
	mustStatus(t, "rejected form", r, 200)
	mustContain(t, "rejected form", r.body, "已退回", "审核退回原因", "办理时间与大厅公示不一致，请核对&lt;b&gt;午休&lt;/b&gt;时段",
		"周一至周五 9:00-17:00")
	mustNotContain(t, "rejected form", r.body, "<b>午休")
	mustContain(t, "editor workbench", ed.get("/edit").body, "已退回")
	// The editor continues from the rejected edition.
	v = formValues(t, r.body, "guide-form")
	v.Set("hours", "周一至周五 8:30-17:30")
	v.Set("action", "submit")
	mustStatus(t, "resubmit", ed.post("/edit/items/"+code, v), http.StatusSeeOther)
	if w2 := draftOf(t, f, code); w2.State != catalog.StateSubmitted || w2.Edition != w.Edition+1 || w2.Hours != "周一至周五 8:30-17:30" {
		t.Fatalf("resubmitted: %d %s %q", w2.Edition, w2.State, w2.Hours)
	}
	r = ed.get("/edit/items/" + code + "/history")
	mustContain(t, "history", r.body, "已退回", "退回原因：办理时间与大厅公示不一致")
}

func TestNewItemFromCatalogueEntry(t *testing.T) {
	f := seedServer(t)
	e := f.cat.Entries[0]
	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/new?base_code=" + e.BaseCode)
	mustStatus(t, "new item form", r, 200)
	editorPageRules(t, "new item form", r)
	checkLabels(t, "new item form", r.body)
	mustContain(t, "new item form", r.body, `value="`+e.Name+`" readonly`, `value="`+e.Type+`" readonly`, `name="code"`,
		`name="department" type="text" value="市公安局" readonly`)
	mustStatus(t, "unknown entry", ed.get("/edit/new?base_code=000000000000"), 404)
	code := "ZN-NEW-PAGE-" + strconv.FormatInt(int64(len(f.cat.Items)), 10) + "-" + strconv.Itoa(int(e.BaseCode[0]))
	v := formValues(t, r.body, "new-item-form")
	// Fields the entry fixes cannot be overridden by the post.
	v.Set("name", "另起的名称")
	v.Set("type", "公共服务")
	v.Set("department", "汉阴县民政局")
	v.Set("code", "bad code!")
	r = ed.post("/edit/new", v)
	mustStatus(t, "invalid code", r, http.StatusUnprocessableEntity)
	mustContain(t, "invalid code", r.body, `id="f-code-err"`, `value="bad code!"`)
	v.Set("code", code)
	v.Set("name_suffix", "（新申请）")
	r = ed.post("/edit/new", v)
	mustStatus(t, "create", r, http.StatusSeeOther)
	if r.header.Get("Location") != "/edit/items/"+code+"?created=1" {
		t.Fatalf("created: %s", r.header.Get("Location"))
	}
	w := draftOf(t, f, code)
	if w.Name != e.Name+"（新申请）" || w.Type != e.Type || w.BaseCode != e.BaseCode || w.Department != "市公安局" ||
		w.Region != "610900" || len(w.Basis) != len(e.Basis) || w.State != catalog.StateDraft {
		t.Fatalf("created item: %+v", w.Item)
	}
	mustContain(t, "created form", ed.get(r.header.Get("Location")).body, "事项已创建为草稿")
	mustStatus(t, "same code again", ed.post("/edit/new", v), http.StatusConflict)
	// Reviewers and auditors do not create items.
	mustStatus(t, "reviewer creates", formLogin(t, f, "reviewer-city").get("/edit/new?base_code="+e.BaseCode), 403)
	mustStatus(t, "auditor creates", formLogin(t, f, "auditor").post("/edit/new", v), 403)

	// Admins choose the region and the department.
	ad := formLogin(t, f, "admin")
	r = ad.get("/edit/new?base_code=" + e.BaseCode)
	mustContain(t, "admin's new item form", r.body, `<select id="f-region" name="region"`, `<option value="610921">610921 汉阴县</option>`)
	v = formValues(t, r.body, "new-item-form")
	v.Set("code", code+"-HY")
	v.Set("region", "610921")
	v.Set("department", "没有这个部门")
	r = ad.post("/edit/new", v)
	mustStatus(t, "unknown department", r, http.StatusUnprocessableEntity)
	mustContain(t, "unknown department", r.body, `id="f-department-err"`, `value="没有这个部门"`, `<option value="610921" selected>`)
	v.Set("department", "汉阴县民政局")
	mustStatus(t, "admin creates", ad.post("/edit/new", v), http.StatusSeeOther)
	if w := draftOf(t, f, code+"-HY"); w.Region != "610921" || w.Department != "汉阴县民政局" || w.Name != e.Name {
		t.Fatalf("admin's item: %s %s %s", w.Region, w.Department, w.Name)
	}
	// The admin's edit form offers the regions with departments.
	r = ad.get("/edit/items/" + code + "-HY")
	mustStatus(t, "admin's edit form", r, 200)
	mustContain(t, "admin's edit form", r.body, `<option value="610921" selected>610921 汉阴县</option>`, `name="department" type="text" value="汉阴县民政局" aria-required="true"`)
}

func TestAuditLogPage(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/audit-log")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous audit log: %d %s", r.status, r.header.Get("Location"))
	}
	ed := formLogin(t, f, "editor-police")
	mustStatus(t, "editor's audit log", ed.get("/audit-log"), 403)
	mustStatus(t, "reviewer's audit log", formLogin(t, f, "reviewer-city").get("/audit-log"), 403)
	// Something to find: a saved draft.
	it := policeItem(t, f, 6)
	v := formValues(t, ed.get("/edit/items/"+it.Code).body, "guide-form")
	v.Set("hours", "全天")
	v.Set("note", "<i>审计</i>可见的说明")
	v.Set("action", "save")
	mustStatus(t, "save", ed.post("/edit/items/"+it.Code, v), http.StatusSeeOther)
	au := formLogin(t, f, "auditor")
	r = au.get("/audit-log")
	mustStatus(t, "auditor's audit log", r, 200)
	editorPageRules(t, "audit log", r)
	checkLabels(t, "audit log", r.body)
	mustContain(t, "audit log", r.body, "操作日志", "登录", "保存草稿", "editor-police", it.Code, "&lt;i&gt;审计&lt;/i&gt;可见的说明", "192.0.2.1")
	r = au.get("/audit-log?item=" + url.QueryEscape(it.Code) + "&user=editor-police&since=2000-01-01")
	mustStatus(t, "filtered audit log", r, 200)
	mustContain(t, "filtered audit log", r.body, "保存草稿", "共 1 条")
	mustNotContain(t, "filtered audit log", r.body, ">登录<")
	mustStatus(t, "bad since", au.get("/audit-log?since=yesterday"), 400)
	mustStatus(t, "admin's audit log", formLogin(t, f, "admin").get("/audit-log"), 200)
}
