package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/search"
	"zhinan/store"
)

// itemOf returns a seed item of a department in a region.
func itemOf(t *testing.T, f *fixture, dept, region string) catalog.Item {
	t.Helper()
	for _, it := range f.cat.Items {
		if it.Department == dept && it.Region == region && len(it.Materials) > 1 {
			return it
		}
	}
	t.Fatalf("no seed item of %s in %s", dept, region)
	return catalog.Item{}
}

// client is a script signed in with a bearer token.
type client struct {
	t     *testing.T
	h     http.Handler
	token string
}

func signIn(t *testing.T, f *fixture, user string) *client {
	token, _ := apiLogin(t, f.srv, user)
	return &client{t: t, h: f.srv, token: token}
}

func (c *client) call(method, path, body string, header map[string]string) response {
	c.t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	if c.token != "" {
		h["Authorization"] = "Bearer " + c.token
	}
	for k, v := range header {
		h[k] = v
	}
	return do(c.t, c.h, method, path, body, h)
}

func TestEditingFlowThroughTheAPI(t *testing.T) {
	f := seedServer(t)
	it := itemOf(t, f, "市公安局", "610900")
	editor := signIn(t, f, "editor-police")
	reviewer := signIn(t, f, "reviewer-city")
	base := "/api/v1/items/" + it.Code

	publicETag := get(t, f.srv, base).header.Get("ETag")
	r := editor.call("GET", base+"/draft", "", nil)
	if r.status != 200 {
		t.Fatalf("draft: %d %s", r.status, r.body)
	}
	var w struct {
		catalog.Item
		Edition int
		State   string
	}
	json.Unmarshal([]byte(r.body), &w)
	if w.Edition != 1 || w.State != catalog.StatePublished {
		t.Fatalf("working edition %d %s", w.Edition, w.State)
	}
	// Change a material and save against edition 1.
	w.Item.Materials[0].Name = "居民户口簿（首页及本人页）"
	body, _ := json.Marshal(w.Item)
	r = editor.call("PUT", base+"/draft?note="+url.QueryEscape("改材料名称"), string(body), map[string]string{"If-Match": "1"})
	if r.status != 200 || !strings.Contains(r.body, `"edition":2`) {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	// The same base again is stale: 409, nothing overwritten.
	if r = editor.call("PUT", base+"/draft", string(body), map[string]string{"If-Match": "1"}); r.status != 409 {
		t.Fatalf("stale save: %d %s", r.status, r.body)
	}
	if r = editor.call("PUT", base+"/draft", string(body), nil); r.status != 428 {
		t.Fatalf("save without If-Match: %d", r.status)
	}
	// An invalid guide: 422 with every field error, nothing saved.
	bad := w.Item
	bad.Type, bad.LegalDays = "许可", catalog.Int(-3)
	badBody, _ := json.Marshal(bad)
	r = editor.call("PUT", base+"/draft", string(badBody), map[string]string{"If-Match": "2"})
	if r.status != 422 || !strings.Contains(r.body, `"field":"type"`) || !strings.Contains(r.body, `"field":"legal_days"`) {
		t.Fatalf("invalid guide: %d %s", r.status, r.body)
	}
	// The public still sees edition 1.
	if r = get(t, f.srv, base); !strings.Contains(r.body, `"edition":1`) || strings.Contains(r.body, "首页及本人页") {
		t.Fatal("an unpublished draft is public")
	}
	if r = editor.call("POST", base+"/submit", `{"note":"请审核"}`, nil); r.status != 200 || !strings.Contains(r.body, `"submitted"`) {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	// Editors do not publish; reviewers see the diff and publish.
	if r = editor.call("POST", base+"/publish", "", nil); r.status != 403 {
		t.Fatalf("editor publish: %d", r.status)
	}
	r = reviewer.call("GET", base+"/diff?from=1&to=2", "", nil)
	if r.status != 200 || !strings.Contains(r.body, "首页及本人页") || !strings.Contains(r.body, `"materials"`) {
		t.Fatalf("diff: %d %s", r.status, r.body)
	}
	if r = reviewer.call("POST", base+"/publish", "", map[string]string{"If-Match": "2"}); r.status != 200 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	if r = get(t, f.srv, base); !strings.Contains(r.body, "首页及本人页") || !strings.Contains(r.body, `"edition":2`) {
		t.Fatalf("published change not public: %s", r.body[:200])
	}
	// A client revalidating its copy of edition 1 gets edition 2.
	if r = revalidate(t, f.srv, base, publicETag); r.status != 200 || r.header.Get("ETag") == publicETag || !strings.Contains(r.body, `"edition":2`) {
		t.Fatalf("revalidating edition 1 after the publish: %d, ETag %q (was %q)", r.status, r.header.Get("ETag"), publicETag)
	}
	// Search shows the change once the index has followed the store (it
	// is notified; the wait is bounded, not timed: under the race detector
	// on a loaded machine a second was not always enough).
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := f.index.Search(t.Context(), searchReq(it.Name, it.Region))
		if err == nil && len(res.Hits) > 0 && f.index.Seq() > 0 {
			p, _ := f.store.Published(t.Context(), it.Code)
			if p.Edition == 2 && indexSeqAtLeast(t, f, it.Code) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("search did not catch up within 15 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r = reviewer.call("GET", base+"/editions", "", nil)
	if r.status != 200 || strings.Count(r.body, `"number"`) != 2 {
		t.Fatalf("editions: %s", r.body)
	}
	// The audit log has every step.
	auditor := signIn(t, f, "auditor")
	r = auditor.call("GET", "/api/v1/audit-log?item="+it.Code, "", nil)
	for _, action := range []string{store.OpSaveDraft, store.OpSubmit, store.OpPublish} {
		if !strings.Contains(r.body, `"action":"`+action+`"`) {
			t.Errorf("audit log lacks %s: %s", action, r.body)
		}
	}
}

// indexSeqAtLeast reports whether the index has caught up with the item's
// last write.
func indexSeqAtLeast(t *testing.T, f *fixture, code string) bool {
	seq, _ := f.store.Seq(t.Context())
	return f.index.Seq() >= seq
}

func TestEditingAuthorization(t *testing.T) {
	f := seedServer(t)
	police := itemOf(t, f, "市公安局", "610900")
	hanyin := itemOf(t, f, "汉阴县民政局", "610921")
	roles := map[string]*client{
		"anonymous":       {t: t, h: f.srv},
		"editor-police":   signIn(t, f, "editor-police"),
		"editor-hanyin":   signIn(t, f, "editor-hanyin"),
		"reviewer-pingli": signIn(t, f, "reviewer-pingli"),
		"reviewer-city":   signIn(t, f, "reviewer-city"),
		"auditor":         signIn(t, f, "auditor"),
		"admin":           signIn(t, f, "admin"),
	}
	newItem := police
	newItem.Code = "ZN-NEW-" + strconv.Itoa(int(time.Now().UnixNano()%1e6))
	newBody, _ := json.Marshal(newItem)
	type want map[string]int
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		want                     want
	}{
		{"read a draft of 市公安局", "GET", "/api/v1/items/" + police.Code + "/draft", "", nil,
			want{"anonymous": 401, "editor-police": 200, "editor-hanyin": 403, "reviewer-pingli": 403, "reviewer-city": 200, "auditor": 200, "admin": 200}},
		{"history of a 汉阴 item", "GET", "/api/v1/items/" + hanyin.Code + "/editions", "", nil,
			want{"anonymous": 401, "editor-police": 403, "editor-hanyin": 200, "reviewer-pingli": 403, "reviewer-city": 200, "auditor": 200}},
		{"save a 汉阴 draft", "PUT", "/api/v1/items/" + hanyin.Code + "/draft", mustJSON(hanyin), map[string]string{"If-Match": "1"},
			want{"anonymous": 401, "editor-police": 403, "reviewer-city": 403, "auditor": 403, "reviewer-pingli": 403}},
		{"create a 市公安局 item", "POST", "/api/v1/items", string(newBody), nil,
			want{"anonymous": 401, "editor-hanyin": 403, "reviewer-city": 403, "auditor": 403}},
		{"publish", "POST", "/api/v1/items/" + police.Code + "/publish", "", nil,
			want{"anonymous": 401, "editor-police": 403, "auditor": 403, "reviewer-pingli": 403}},
		{"reject", "POST", "/api/v1/items/" + hanyin.Code + "/reject", `{"reason":"x"}`, nil,
			want{"anonymous": 401, "editor-hanyin": 403, "auditor": 403}},
		{"audit log", "GET", "/api/v1/audit-log", "", nil,
			want{"anonymous": 401, "editor-police": 403, "reviewer-city": 403, "auditor": 200, "admin": 200}},
	} {
		for role, want := range tc.want {
			t.Run(tc.name+"/"+role, func(t *testing.T) {
				c := roles[role]
				c.t = t
				r := c.call(tc.method, tc.path, tc.body, tc.header)
				if r.status != want {
					t.Fatalf("%s %s as %s: %d, want %d (%s)", tc.method, tc.path, role, r.status, want, r.body)
				}
			})
		}
	}
}

func TestConcurrentEditorsNeverOverwriteEachOther(t *testing.T) {
	f := seedServer(t)
	it := itemOf(t, f, "市公安局", "610900")
	var bases []int
	a, b := signIn(t, f, "editor-police"), signIn(t, f, "editor-police")
	r := a.call("GET", "/api/v1/items/"+it.Code+"/draft", "", nil)
	var w struct {
		catalog.Item
		Edition int
	}
	json.Unmarshal([]byte(r.body), &w)
	bases = append(bases, w.Edition)
	one, two := w.Item, w.Item
	one.Conditions = "甲编辑的受理条件"
	two.Conditions = "乙编辑的受理条件"
	results := make(chan int, 2)
	for _, c := range []struct {
		cl *client
		it catalog.Item
	}{{a, one}, {b, two}} {
		go func(cl *client, it catalog.Item) {
			req := cl.call("PUT", "/api/v1/items/"+it.Code+"/draft", mustJSON(it), map[string]string{"If-Match": strconv.Itoa(bases[0])})
			results <- req.status
		}(c.cl, c.it)
	}
	s1, s2 := <-results, <-results
	if !(s1 == 200 && s2 == 409 || s1 == 409 && s2 == 200) {
		t.Fatalf("two saves on one base: %d and %d, want one 200 and one 409", s1, s2)
	}
	r = a.call("GET", "/api/v1/items/"+it.Code+"/draft", "", nil)
	if !strings.Contains(r.body, "甲编辑") && !strings.Contains(r.body, "乙编辑") {
		t.Fatal("the winning save is lost")
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func searchReq(q, region string) search.Request { return search.Request{Q: q, Region: region} }

// TestCreateItemWithATakenCode: creating an item whose code is in use is
// 409 saying the code exists, not that someone else changed something.
func TestCreateItemWithATakenCode(t *testing.T) {
	f := seedServer(t)
	it := itemOf(t, f, "市公安局", "610900")
	editor := signIn(t, f, "editor-police")
	r := editor.call("POST", "/api/v1/items", mustJSON(it), nil)
	if r.status != 409 || !strings.Contains(r.body, "编码已存在") || !strings.Contains(r.body, `"code":"code_exists"`) ||
		!strings.Contains(r.body, `"field":"code"`) || strings.Contains(r.body, MsgConflict) {
		t.Fatalf("create with a taken code: %d %s", r.status, r.body)
	}
	fresh := it
	fresh.Code = "ZN-FRESH-1"
	if r = editor.call("POST", "/api/v1/items", mustJSON(fresh), nil); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
}

// TestJSONBodyIsOneValue: a body with anything but white space after its
// JSON value is refused (400) and nothing is saved.
func TestJSONBodyIsOneValue(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 11)
	editor := signIn(t, f, "editor-police")
	path := "/api/v1/items/" + it.Code + "/draft"
	body := mustJSON(it)
	base := strconv.Itoa(draftOf(t, f, it.Code).Edition)
	for _, tail := range []string{"garbage", "}", ` {"code":"X"}`, "\n[]", `"`} {
		r := editor.call("PUT", path, body+tail, map[string]string{"If-Match": base})
		if r.status != 400 || !strings.Contains(r.body, `"field":"body"`) {
			t.Fatalf("body with %q after it: %d %s", tail, r.status, r.body)
		}
	}
	if w := draftOf(t, f, it.Code); strconv.Itoa(w.Edition) != base {
		t.Fatalf("a refused body saved edition %d", w.Edition)
	}
	if r := editor.call("POST", "/api/v1/items/"+it.Code+"/submit", `{"note":"x"} x`, nil); r.status != 400 {
		t.Fatalf("submit body with garbage: %d %s", r.status, r.body)
	}
	if r := editor.call("PUT", path, body+" \r\n\t", map[string]string{"If-Match": base}); r.status != 200 {
		t.Fatalf("body with white space after it: %d %s", r.status, r.body)
	}
}

// TestEditAPIRefusesListsOverTheirLimits: a guide with more materials
// than MaxMaterials (8,000 fit in a 1 MiB body) is 422 naming the list,
// as is a conditions text over its limit.
func TestEditAPIRefusesListsOverTheirLimits(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 12)
	editor := signIn(t, f, "editor-police")
	path := "/api/v1/items/" + it.Code + "/draft"
	before := draftOf(t, f, it.Code).Edition
	base := strconv.Itoa(before)
	for _, n := range []int{catalog.MaxMaterials + 1, 8000} {
		big := it
		big.Materials = make([]catalog.Material, n)
		for i := range big.Materials {
			big.Materials[i] = catalog.Material{Name: "材料" + strconv.Itoa(i), Required: "必要"}
		}
		r := editor.call("PUT", path, mustJSON(big), map[string]string{"If-Match": base})
		want := `{"field":"materials","message":"不能超过100项，实为` + strconv.Itoa(n) + `项"}`
		if r.status != 422 || !strings.Contains(r.body, want) {
			t.Fatalf("%d materials: %d %.300s", n, r.status, r.body)
		}
	}
	long := it
	long.Code = "ZN-LONG-1"
	long.Conditions = strings.Repeat("条", catalog.MaxConditionsRunes+1)
	if r := editor.call("POST", "/api/v1/items", mustJSON(long), nil); r.status != 422 || !strings.Contains(r.body, `"field":"conditions"`) {
		t.Fatalf("conditions too long: %d %.300s", r.status, r.body)
	}
	if w := draftOf(t, f, it.Code); w.Edition != before {
		t.Fatalf("a refused guide saved edition %d", w.Edition)
	}
}

// TestEditAPISavingOwnDraftReplacesIt: the same editor saving again
// replaces their draft (the ETag moves on, the history does not grow); a
// stale If-Match is still 409.
func TestEditAPISavingOwnDraftReplacesIt(t *testing.T) {
	f := seedServer(t)
	var it catalog.Item
	for _, c := range f.cat.Items {
		if c.Department == "汉阴县民政局" && c.Region == "610921" {
			it = c // the last one, which no other test edits
		}
	}
	editor := signIn(t, f, "editor-hanyin")
	path := "/api/v1/items/" + it.Code + "/draft"
	if w := draftOf(t, f, it.Code); w.Edition != 1 || w.State != catalog.StatePublished {
		t.Fatalf("working edition %d %s", w.Edition, w.State)
	}
	for base := 1; base <= 5; base++ {
		it.Conditions = "第" + strconv.Itoa(base) + "次修改"
		r := editor.call("PUT", path, mustJSON(it), map[string]string{"If-Match": strconv.Itoa(base)})
		if r.status != 200 || r.header.Get("ETag") != strconv.Itoa(base+1) {
			t.Fatalf("save on %d: %d %s", base, r.status, r.body)
		}
	}
	if r := editor.call("PUT", path, mustJSON(it), map[string]string{"If-Match": "5"}); r.status != 409 {
		t.Fatalf("stale save: %d %s", r.status, r.body)
	}
	r := editor.call("GET", "/api/v1/items/"+it.Code+"/editions", "", nil)
	if r.status != 200 || strings.Count(r.body, `"number"`) != 2 || !strings.Contains(r.body, `"number":6`) {
		t.Fatalf("editions: %s", r.body)
	}
	if r = editor.call("GET", "/api/v1/items/"+it.Code+"/diff?from=1&to=6", "", nil); r.status != 200 || !strings.Contains(r.body, "第5次修改") {
		t.Fatalf("diff: %d %s", r.status, r.body)
	}
}
