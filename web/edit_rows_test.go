package web

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"zhinan/catalog"
	"zhinan/store"
)

// Tests of the edit form's row buttons (name="row"), its sticky bar and
// the links of its quality findings, as an editor uses them without
// script: every press posts the form and gets it back.

// materialNames are the names of the material rows of posted form values,
// in the order of their numbers; it fails unless the rows are numbered
// 0, 1, 2 … without gaps.
func materialNames(t *testing.T, v url.Values) []string {
	t.Helper()
	var out []string
	for i := 0; ; i++ {
		name, ok := v[rowName("materials", i, "name")]
		if !ok {
			break
		}
		out = append(out, name[0])
	}
	for k := range v {
		if strings.HasPrefix(k, "materials.") {
			idx, _, _ := strings.Cut(strings.TrimPrefix(k, "materials."), ".")
			if n, err := strconv.Atoi(idx); err != nil || n >= len(out) {
				t.Errorf("the form's rows are not numbered 0…%d: %s", len(out)-1, k)
			}
		}
	}
	return out
}

func TestEditRowButtonsMoveAndDeleteWithoutSaving(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 8)
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/items/" + code)
	mustStatus(t, "edit form", r, 200)
	before := draftOf(t, f, code)
	var names []string
	for _, m := range before.Materials {
		names = append(names, m.Name)
	}
	if len(names) < 2 {
		t.Skipf("%s has %d materials", code, len(names))
	}
	n := len(names)
	// Every row has its buttons; the first cannot move up, the last
	// (the blank row for a new material) not down.
	mustContain(t, "edit form", r.body,
		`name="row" value="up:materials:0" class="row-up" disabled`,
		`name="row" value="down:materials:`+strconv.Itoa(n)+`" class="row-down" disabled`,
		`name="row" value="del:materials:1"`, `name="row" value="up:steps:1"`, `name="row" value="del:basis:0"`,
		`name="row" value="down:fee.items:0"`, `name="row" value="del:faq:0"`)

	// Move the second material up, with a change typed in the form and
	// not yet saved: the rows swap, the typed text goes along, the moved
	// row's button keeps the focus, nothing is saved.
	v := formValues(t, r.body, "guide-form")
	v.Set(rowName("materials", 1, "notes"), "草稿中的备注")
	v.Set("note", "调整材料顺序")
	v.Set("row", "up:materials:1")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "move up", r, 200)
	editorPageRules(t, "move up", r)
	checkLabels(t, "move up", r.body)
	got := formValues(t, r.body, "guide-form")
	want := append([]string{names[1], names[0]}, names[2:]...)
	want = append(want, "") // the blank row for a new material
	if m := materialNames(t, got); !reflect.DeepEqual(m, want) {
		t.Fatalf("after 上移 the materials are %q, want %q", m, want)
	}
	if got.Get(rowName("materials", 0, "notes")) != "草稿中的备注" || got.Get("note") != "调整材料顺序" {
		t.Errorf("the typed text was not kept with its row: notes %q, note %q", got.Get(rowName("materials", 0, "notes")), got.Get("note"))
	}
	mustContain(t, "move up", r.body, `name="row" value="down:materials:0" class="row-down" autofocus`)
	if w := draftOf(t, f, code); w.Edition != before.Edition || !reflect.DeepEqual(w.Materials, before.Materials) {
		t.Fatal("moving a row saved the draft")
	}

	// Delete a material no situation names (the guide would be refused
	// otherwise): the rows after it are numbered afresh, nothing saved.
	shown := append([]string{names[1], names[0]}, names[2:]...)
	named := map[string]bool{}
	for _, q := range before.Situations {
		for _, o := range q.Options {
			for _, m := range append(append([]string(nil), o.Add...), o.Remove...) {
				named[m] = true
			}
		}
	}
	del := -1
	for i := len(shown) - 1; i >= 0 && del < 0; i-- {
		if !named[shown[i]] {
			del = i
		}
	}
	if del < 0 {
		t.Skipf("every material of %s is named by a situation", code)
	}
	got.Set("row", "del:materials:"+strconv.Itoa(del))
	r = ed.post("/edit/items/"+code, got)
	mustStatus(t, "delete", r, 200)
	got = formValues(t, r.body, "guide-form")
	kept := append(append([]string(nil), shown[:del]...), shown[del+1:]...)
	if m := materialNames(t, got); !reflect.DeepEqual(m, append(append([]string(nil), kept...), "")) {
		t.Fatalf("after 删除 of row %d the materials are %q, want %q and a blank row", del, m, kept)
	}
	if w := draftOf(t, f, code); w.Edition != before.Edition {
		t.Fatal("deleting a row saved the draft")
	}

	// A blank row added and moved to the top stays where it is drawn
	// until saved, and is left out then.
	got.Set("row", "add:materials")
	r = ed.post("/edit/items/"+code, got)
	mustStatus(t, "add", r, 200)
	got = formValues(t, r.body, "guide-form")
	added := len(materialNames(t, got)) - 1
	for i := added; i > 0; i-- {
		got.Set("row", "up:materials:"+strconv.Itoa(i))
		r = ed.post("/edit/items/"+code, got)
		mustStatus(t, "move the blank row up", r, 200)
		got = formValues(t, r.body, "guide-form")
	}
	if m := materialNames(t, got); m[0] != "" || m[1] != kept[0] {
		t.Fatalf("the blank row moved to the top: %q", m)
	}
	mustContain(t, "blank row on top", r.body, `<legend><span class="row-title">申请材料 第1项</span> <span class="meta">`+label("form.row.blank"))

	// 保存草稿 saves the order shown.
	got.Set("action", "save")
	got.Del("row")
	r = ed.post("/edit/items/"+code, got)
	if r.status != http.StatusSeeOther {
		i := strings.Index(r.body, "error-summary")
		t.Fatalf("save: status %d, want 303: %s", r.status, r.body[i:min(len(r.body), i+1500)])
	}
	w := draftOf(t, f, code)
	var saved []string
	for _, m := range w.Materials {
		saved = append(saved, m.Name)
	}
	want = kept
	if w.Edition != before.Edition+1 || !reflect.DeepEqual(saved, want) {
		t.Fatalf("saved edition %d with materials %q; want edition %d with %q", w.Edition, saved, before.Edition+1, want)
	}
	if i := slices.Index(saved, names[1]); i < 0 || w.Materials[i].Notes != "草稿中的备注" || w.Note != "调整材料顺序" {
		t.Errorf("saved notes %+v, change note %q", w.Materials, w.Note)
	}

	// Buttons that name no row are refused, nothing saved.
	for _, bad := range []string{"up:materials:0", "del:materials:99", "down:nonsense:0", "del:materials", "swap:materials:1"} {
		v := formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
		v.Set("row", bad)
		mustStatus(t, "row="+bad, ed.post("/edit/items/"+code, v), http.StatusBadRequest)
	}
	if draftOf(t, f, code).Edition != w.Edition {
		t.Fatal("a refused row button saved")
	}
}

// TestEditFormBarAndFindingLinks: the form's bar holds 保存草稿, 提交审核
// and an index whose links reach the sections; every quality finding
// links to a control the form has, the one it is about; the workbench's
// count of findings links to that list and says what the first ones are.
func TestEditFormBarAndFindingLinks(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 10)
	code := it.Code
	w := draftOf(t, f, code)
	// A guide with findings about a scalar and about a material row.
	bad := w.Item
	bad.Materials = append([]catalog.Material(nil), w.Materials...)
	bad.Materials[1].Name = bad.Materials[0].Name // a duplicate name
	bad.Conditions = ""
	admin := store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}
	if _, err := f.store.SaveDraft(t.Context(), admin, code, w.Edition, &bad, "制造质量问题"); err != nil {
		t.Fatal(err)
	}
	findings := catalog.Quality(&bad)
	if len(findings) < 2 {
		t.Fatalf("only %d findings: %+v", len(findings), findings)
	}

	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/items/" + code)
	mustStatus(t, "edit form", r, 200)
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]*html.Node{}
	var bar, box *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				ids[id] = n
			}
			if strings.Contains(" "+attr(n, "class")+" ", " form-bar ") {
				bar = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	box = ids["findings"]
	if bar == nil || box == nil {
		t.Fatalf("no bar (%v) or findings (%v) on the form", bar != nil, box != nil)
	}
	links := func(n *html.Node) (out []string) {
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "a" {
				out = append(out, attr(n, "href"))
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(n)
		return out
	}
	buttons := map[string]bool{}
	var walkButtons func(n *html.Node)
	walkButtons = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "button" && attr(n, "name") == "action" {
			buttons[attr(n, "value")] = true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walkButtons(c)
		}
	}
	walkButtons(bar)
	if !buttons["save"] || !buttons["submit"] {
		t.Errorf("the bar's buttons are %v, want save and submit", buttons)
	}
	index := links(bar)
	for _, s := range []string{"#s-basic", "#s-materials", "#s-situations", "#s-faq", "#s-submit", "#findings"} {
		if !containsString(index, s) {
			t.Errorf("the bar's index lacks %s: %q", s, index)
		}
	}
	for _, href := range index {
		if ids[strings.TrimPrefix(href, "#")] == nil {
			t.Errorf("the index links to %s, which the page lacks", href)
		}
	}
	// One link per finding, each to a control or list of the form.
	fl := links(box)
	if len(fl) != len(findings) {
		t.Fatalf("%d links in the findings, want one for each of the %d findings: %q", len(fl), len(findings), fl)
	}
	for _, href := range fl {
		if !strings.HasPrefix(href, "#f-") || ids[strings.TrimPrefix(href, "#")] == nil {
			t.Errorf("a finding links to %q, which is no control of the form", href)
		}
	}
	if !containsString(fl, "#f-materials-1-name") || !containsString(fl, "#f-conditions") {
		t.Errorf("the findings do not link to the duplicate material's name and the conditions: %q", fl)
	}

	// The workbench: the count links to the list, and says what is wrong.
	r = ed.get("/edit")
	mustStatus(t, "workbench", r, 200)
	checkLabels(t, "workbench", r.body)
	first := newFormBuilder(newGuideForm(), formOpts{}).findings(findings)[0]
	mustContain(t, "workbench", r.body,
		`<a class="findings-count" href="/edit/items/`+code+`#findings">`+tf("edit.findings.n", len(findings)),
		html.EscapeString(first.Message))
	if len(findings) > workbenchFindings {
		mustContain(t, "workbench", r.body, tf("edit.findings.more", len(findings)-workbenchFindings))
	}
}
