package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/feedback"
	"zhinan/seeds"
	"zhinan/store"
)

// deptTicketFixture is a server of its own over part of the seed catalogue —
// the items of 市公安局 (610900) and 汉阴县民政局 (610921) — with the test
// accounts and a desk clerk, so that a test can move the store's clock
// and count tickets without touching the shared fixture.
type deptTicketFixture struct {
	*fixture
	users          map[string]*catalog.User
	police, hanyin catalog.Item
}

func newDeptTicketFixture(t *testing.T) *deptTicketFixture {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, _ := openStore(t, dir)
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	all := cat.Records()
	var d catalog.Decoded
	f := &deptTicketFixture{users: map[string]*catalog.User{}}
	for _, r := range all.Records {
		switch r.Kind {
		case catalog.KindBundle:
			continue
		case catalog.KindItem:
			it := r.Item
			police := it.Department == "市公安局" && it.Region == "610900"
			if !police && !(it.Department == "汉阴县民政局" && it.Region == "610921") {
				continue
			}
			if police && f.police.Code == "" && len(catalog.CheckErrors(catalog.PublishChecks(it))) == 0 {
				f.police = *it
			}
			if !police && f.hanyin.Code == "" {
				f.hanyin = *it
			}
		}
		r.Line = len(d.Records) + 1
		d.Records = append(d.Records, r)
	}
	if f.police.Code == "" || f.hanyin.Code == "" {
		t.Fatal("the seed catalogue lacks the items of the ticket tests")
	}
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	accounts := []store.NewUser{{Name: "desk-hall", Role: catalog.RoleDesk, Password: testPassword}}
	for _, nu := range testUsers {
		switch nu.Name {
		case "editor-police", "editor-hanyin", "reviewer-city", "auditor":
			accounts = append(accounts, nu)
		}
	}
	for _, nu := range accounts {
		u, err := st.AddUser(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		f.users[nu.Name] = u
	}
	srv, err := New(ctx, st, nil, Options{HomeRegion: seeds.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	f.fixture = &fixture{srv: srv, store: st}
	return f
}

func (f *deptTicketFixture) actor(name string) store.Actor { return store.Actor{User: f.users[name]} }

// publishFix publishes a corrected edition of the item code through the
// workflow (editor saves and submits, the city's reviewer publishes,
// giving a reason for every warning) and returns its number.
func (f *deptTicketFixture) publishFix(t *testing.T, code string) int {
	t.Helper()
	ctx := t.Context()
	editor, reviewer := f.actor("editor-police"), f.actor("reviewer-city")
	w, err := f.store.Draft(ctx, editor, code)
	if err != nil {
		t.Fatal(err)
	}
	it := w.Item
	it.Conditions += "（已按群众反馈更正）"
	n, err := f.store.SaveDraft(ctx, editor, code, w.Edition, &it, "按反馈整改")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Submit(ctx, editor, code, n, "按反馈整改"); err != nil {
		t.Fatal(err)
	}
	overrides := map[string]string{}
	for _, rule := range catalog.WarningRules(catalog.PublishChecks(&it)) {
		overrides[rule] = "测试放行"
	}
	if err := f.store.PublishWith(ctx, reviewer, code, n, overrides); err != nil {
		t.Fatal(err)
	}
	return n
}

var deptTicketRowRE = regexp.MustCompile(`data-ticket="(\d+)"`)

// deptTicketIDs are the tickets a list page shows, in its order.
func deptTicketIDs(page string) []int64 {
	var out []int64
	for _, m := range deptTicketRowRE.FindAllStringSubmatch(page, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, n)
	}
	return out
}

// api calls the API with the browser's session cookie, as a page of the
// server would.
func (b *browser) api(method, path, body string) response {
	b.t.Helper()
	return do(b.t, b.f.srv, method, path, body, jsonSameOrigin, b.cookie)
}

func deptTicketPath(id int64) string { return "/edit/tickets/" + strconv.FormatInt(id, 10) }

const (
	deptErrorPhone = "13800001111" // the contact of the error report
	deptDeskPhone  = "0915-3216549"
)

// TestDepartmentTickets files tickets through the store and answers them
// on the pages and through the API, as each role may.
func TestDepartmentTickets(t *testing.T) {
	f := newDeptTicketFixture(t)
	ctx := t.Context()
	clock := f.store.Now
	// An error report of 40 days ago: overdue (5 working days).
	f.store.Now = func() time.Time { return clock().AddDate(0, 0, -40) }
	late, err := f.store.ReportError(ctx, &feedback.ErrorReport{Target: feedback.Target{Kind: feedback.TargetItem, Code: f.police.Code},
		Section: "materials", What: "材料清单里的户口簿已经不需要了", Contact: deptErrorPhone})
	f.store.Now = clock
	if err != nil {
		t.Fatal(err)
	}
	bad, err := f.store.Rate(ctx, &feedback.Rating{Target: feedback.Target{Kind: feedback.TargetItem, Code: f.police.Code}, Level: 1,
		Reasons: []feedback.Reason{feedback.ReasonGuideWrong, feedback.ReasonManyVisits}, Comment: "指南写的和窗口说的不一样，跑了三次"})
	if err != nil || bad == nil {
		t.Fatalf("差评: %v, %v", bad, err)
	}
	other, err := f.store.Rate(ctx, &feedback.Rating{Target: feedback.Target{Kind: feedback.TargetItem, Code: f.hanyin.Code}, Level: 2, Comment: "汉阴的差评"})
	if err != nil || other == nil {
		t.Fatalf("差评 of 汉阴: %v, %v", other, err)
	}
	failItem, err := f.store.ReportFail(ctx, &feedback.FailReport{Kind: feedback.FailWindow, Target: &feedback.Target{Kind: feedback.TargetItem, Code: f.police.Code},
		What: "窗口说缺一份证明"})
	if err != nil {
		t.Fatal(err)
	}
	desk, err := f.store.ReportFail(ctx, &feedback.FailReport{Kind: feedback.FailWhere, What: "不知道老房子补证去哪办", Phone: deptDeskPhone, FiledBy: "desk-hall"})
	if err != nil {
		t.Fatal(err)
	}

	police := formLogin(t, f.fixture, "editor-police")
	hanyin := formLogin(t, f.fixture, "editor-hanyin")
	reviewer := formLogin(t, f.fixture, "reviewer-city")
	auditor := formLogin(t, f.fixture, "auditor")
	clerk := formLogin(t, f.fixture, "desk-hall")

	t.Run("Workbench", func(t *testing.T) {
		r := police.get("/edit")
		mustStatus(t, "police workbench", r, http.StatusOK)
		mustContain(t, "police workbench", r.body, "反馈工单", "待办工单 3 件", "逾期 1 件", `href="/edit/tickets"`)
		mustNotContain(t, "police workbench", r.body, `href="/fail"`)
		r = clerk.get("/edit")
		mustStatus(t, "desk workbench", r, http.StatusOK)
		mustContain(t, "desk workbench", r.body, "办不成事窗口", "待办工单 1 件", `href="/edit/tickets"`, `href="/fail"`, "登记办不成事")
		mustStatus(t, "the desk clerk's 办不成事 form", clerk.get("/fail"), http.StatusOK)
		mustContain(t, "reviewer workbench", reviewer.get("/edit").body, "待办工单 4 件", "逾期 1 件")
	})

	t.Run("ListOverdueFirst", func(t *testing.T) {
		r := police.get("/edit/tickets")
		mustStatus(t, "list", r, http.StatusOK)
		editorPageRules(t, "list", r)
		ids := deptTicketIDs(r.body)
		if len(ids) != 3 || ids[0] != late.ID {
			t.Fatalf("police tickets %v, want 3 with the overdue #%d first", ids, late.ID)
		}
		mustContain(t, "list", r.body, "逾期", "指南有误", "差评", "办不成事", f.police.Name, "/items/"+f.police.Code, "户口簿已经不需要了")
		mustNotContain(t, "list", r.body, "汉阴的差评", deptErrorPhone, late.Token, bad.Token)
		// Another department's editor neither lists nor opens them.
		r = hanyin.get("/edit/tickets")
		if ids := deptTicketIDs(r.body); len(ids) != 1 || ids[0] != other.ID {
			t.Errorf("汉阴 tickets %v, want only #%d", ids, other.ID)
		}
		mustStatus(t, "汉阴 opens a police ticket", hanyin.get(deptTicketPath(late.ID)), http.StatusForbidden)
		mustStatus(t, "desk clerk opens a police ticket", clerk.get(deptTicketPath(late.ID)), http.StatusForbidden)
		// The reviewer of the city reads every ticket of the city's regions.
		if ids := deptTicketIDs(reviewer.get("/edit/tickets").body); len(ids) != 4 {
			t.Errorf("reviewer lists %v, want the 4 of departments", ids)
		}
		mustStatus(t, "page 0", police.get("/edit/tickets?page=0"), http.StatusBadRequest)
		mustStatus(t, "no such ticket", police.get("/edit/tickets/99999"), http.StatusNotFound)
		mustStatus(t, "malformed id", police.get("/edit/tickets/abc"), http.StatusNotFound)
		r = get(t, f.srv, "/edit/tickets")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("anonymous list: %d %s", r.status, r.header.Get("Location"))
		}
	})

	t.Run("Contacts", func(t *testing.T) {
		r := police.get(deptTicketPath(late.ID))
		mustStatus(t, "editor's ticket page", r, http.StatusOK)
		editorPageRules(t, "ticket page", r)
		checkLabels(t, "ticket page", r.body)
		mustContain(t, "editor's ticket page", r.body, deptErrorPhone, "申请材料", "户口簿已经不需要了", "逾期", `class="dept-ticket-form"`)
		mustNotContain(t, "editor's ticket page", r.body, late.Token)
		mustContain(t, "auditor's ticket page", auditor.get(deptTicketPath(late.ID)).body, deptErrorPhone)
		r = reviewer.get(deptTicketPath(late.ID))
		mustStatus(t, "reviewer's ticket page", r, http.StatusOK)
		mustNotContain(t, "reviewer's ticket page", r.body, deptErrorPhone, `class="dept-ticket-form"`)
		mustContain(t, "reviewer's ticket page", r.body, "不能处理")
		mustNotContain(t, "auditor's ticket page", auditor.get(deptTicketPath(late.ID)).body, `class="dept-ticket-form"`)
		mustStatus(t, "reviewer moves", reviewer.post(deptTicketPath(late.ID), url.Values{"to": {"working"}}), http.StatusForbidden)
		mustNotContain(t, "reviewer's list", reviewer.get("/edit/tickets").body, deptErrorPhone)
	})

	t.Run("DeclineNeedsAReason", func(t *testing.T) {
		page := police.get(deptTicketPath(late.ID)).body
		v := formValues(t, page, "dept-ticket-form")
		v.Set("to", "declined")
		v.Set("reply", "  ")
		r := police.post(deptTicketPath(late.ID), v)
		mustStatus(t, "decline without a reason", r, http.StatusUnprocessableEntity)
		mustContain(t, "decline without a reason", r.body, "不予整改须说明理由", `id="error-summary"`, `href="#f-ticket-reply"`, `<option value="declined" selected>`)
		if tk, _ := f.store.Ticket(ctx, f.actor("editor-police"), late.ID); tk.State != feedback.StateOpen {
			t.Errorf("a refused move changed the ticket: %s", tk.State)
		}
		v.Set("reply", "经核实，户口簿仍为必要材料")
		mustStatus(t, "decline with a reason", police.post(deptTicketPath(late.ID), v), http.StatusSeeOther)
		r = police.get(deptTicketPath(late.ID))
		mustContain(t, "declined ticket", r.body, "不予整改", "户口簿仍为必要材料", "超时", "已回访")
		// Without the form token the post is refused.
		mustStatus(t, "no form token", police.postRaw(deptTicketPath(late.ID), url.Values{"to": {"visited"}}, sameSite), http.StatusForbidden)
	})

	t.Run("MoveToFixedWithAnEdition", func(t *testing.T) {
		path := deptTicketPath(bad.ID)
		v := formValues(t, police.get(path).body, "dept-ticket-form")
		if v.Get("to") != "working" {
			t.Fatalf("first choice %q, want working", v.Get("to"))
		}
		r := police.post(path, v)
		mustStatus(t, "take up", r, http.StatusSeeOther)
		if loc := r.header.Get("Location"); loc != path+"?moved=working" {
			t.Errorf("redirect to %q", loc)
		}
		mustContain(t, "after taking up", police.get(path+"?moved=working").body, "已将工单改为“处理中”", "该事项在收到反馈后还没有发布新版本")

		// The imported edition 1 was published before the ticket: refused.
		v = formValues(t, police.get(path).body, "dept-ticket-form")
		v.Set("to", "fixed")
		v.Set("reply", "已更正受理条件")
		v.Set("edition", "1")
		r = police.post(path, v)
		mustStatus(t, "an edition from before the ticket", r, http.StatusUnprocessableEntity)
		mustContain(t, "an edition from before the ticket", r.body, "第1版不是该事项在收到反馈之后发布的版本", "已更正受理条件")
		v.Set("edition", "第二版")
		mustContain(t, "a word for an edition", police.post(path, v).body, "应为整数")

		n := f.publishFix(t, f.police.Code)
		page := police.get(path).body
		mustContain(t, "editions after the ticket", page, fmt.Sprintf("第 %d 版（", n), "/edit/items/"+f.police.Code+"/history")
		v.Set("edition", strconv.Itoa(n))
		mustStatus(t, "fixed", police.post(path, v), http.StatusSeeOther)
		tk, err := f.store.Ticket(ctx, f.actor("editor-police"), bad.ID)
		if err != nil || tk.State != feedback.StateFixed || tk.Edition != n || tk.Reply != "已更正受理条件" || tk.HandledBy != "editor-police" {
			t.Fatalf("after the move: %+v, %v", tk, err)
		}
		page = police.get(path).body
		mustContain(t, "fixed ticket", page, "已整改", fmt.Sprintf("第 %d 版", n), "按时", "开始处理", "办结：已整改", "已回访")
		mustNotContain(t, "fixed ticket", page, `name="edition"`)
		// Settled tickets leave the default list and stay in the full one.
		if ids := deptTicketIDs(police.get("/edit/tickets").body); len(ids) != 1 || ids[0] != failItem.ID {
			t.Errorf("open police tickets %v, want #%d", ids, failItem.ID)
		}
		if ids := deptTicketIDs(police.get("/edit/tickets?all=1").body); len(ids) != 3 {
			t.Errorf("all police tickets %v, want 3", ids)
		}
	})

	t.Run("Desk", func(t *testing.T) {
		r := clerk.get("/edit/tickets")
		mustStatus(t, "desk list", r, http.StatusOK)
		if ids := deptTicketIDs(r.body); len(ids) != 1 || ids[0] != desk.ID {
			t.Fatalf("desk tickets %v, want #%d", ids, desk.ID)
		}
		mustContain(t, "desk list", r.body, "无具体事项", "老房子补证", "（首次联系）")
		r = clerk.get(deptTicketPath(desk.ID))
		mustContain(t, "desk ticket", r.body, deptDeskPhone, "不知道找哪办", "首次联系期限", "desk-hall", `class="dept-ticket-form"`)
		mustNotContain(t, "desk ticket", r.body, `name="edition"`)
		mustNotContain(t, "desk ticket for the reviewer", reviewer.get(deptTicketPath(desk.ID)).body, deptDeskPhone)
		v := formValues(t, r.body, "dept-ticket-form")
		v.Set("reply", "已电话联系，告知到不动产登记中心办理")
		mustStatus(t, "desk takes up", clerk.post(deptTicketPath(desk.ID), v), http.StatusSeeOther)
		mustStatus(t, "police opens the desk ticket", police.get(deptTicketPath(desk.ID)), http.StatusForbidden)
	})

	t.Run("API", func(t *testing.T) {
		editor := signIn(t, f.fixture, "editor-police")
		var list struct {
			Tickets []struct {
				ID      int64          `json:"id"`
				State   feedback.State `json:"state"`
				Contact string         `json:"contact"`
				Overdue bool           `json:"overdue"`
				DueDay  string         `json:"due_day"`
			}
			Total, Overdue int64
		}
		r := editor.call("GET", "/api/v1/department-tickets?all=1", "", nil)
		mustStatus(t, "API list", r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &list); err != nil {
			t.Fatal(err)
		}
		if list.Total != 3 || len(list.Tickets) != 3 || list.Tickets[0].DueDay == "" {
			t.Fatalf("API list: %s", r.body)
		}
		r = editor.call("GET", "/api/v1/department-tickets?limit=1&offset=1&all=1", "", nil)
		json.Unmarshal([]byte(r.body), &list)
		if len(list.Tickets) != 1 || list.Total != 3 {
			t.Errorf("a page of one: %s", r.body)
		}
		for _, q := range []string{"limit=0", "limit=101", "limit=x", "offset=-1"} {
			mustStatus(t, "API list "+q, editor.call("GET", "/api/v1/department-tickets?"+q, "", nil), http.StatusBadRequest)
		}
		r = editor.call("GET", "/api/v1/department-tickets/"+strconv.FormatInt(late.ID, 10), "", nil)
		mustContain(t, "API ticket", r.body, deptErrorPhone, `"state":"declined"`)
		mustNotContain(t, "API ticket", r.body, late.Token)
		r = reviewer.api("GET", "/api/v1/department-tickets/"+strconv.FormatInt(late.ID, 10), "")
		mustStatus(t, "API ticket for the reviewer", r, http.StatusOK)
		mustNotContain(t, "API ticket for the reviewer", r.body, deptErrorPhone)
		mustStatus(t, "API ticket for 汉阴", hanyin.api("GET", "/api/v1/department-tickets/"+strconv.FormatInt(late.ID, 10), ""), http.StatusForbidden)
		mustStatus(t, "API anonymous", do(t, f.srv, "GET", "/api/v1/department-tickets", "", nil), http.StatusUnauthorized)

		move := "/api/v1/department-tickets/" + strconv.FormatInt(failItem.ID, 10) + "/move"
		r = editor.call("POST", move, `{"to":"declined"}`, nil)
		mustStatus(t, "API decline without a reason", r, http.StatusUnprocessableEntity)
		mustContain(t, "API decline without a reason", r.body, `"field":"reply"`, "不予整改须说明理由")
		mustStatus(t, "API unknown field", editor.call("POST", move, `{"to":"working","why":1}`, nil), http.StatusBadRequest)
		mustStatus(t, "API reviewer moves", reviewer.api("POST", move, `{"to":"working"}`), http.StatusForbidden)
		r = editor.call("POST", move, `{"to":"working","reply":"已联系，正在核实"}`, nil)
		mustStatus(t, "API take up", r, http.StatusOK)
		mustContain(t, "API take up", r.body, `"state":"working"`, `"overdue":false`)
		mustStatus(t, "API a step not allowed", editor.call("POST", move, `{"to":"visited"}`, nil), http.StatusUnprocessableEntity)
		r = editor.call("POST", "/api/v1/department-tickets/"+strconv.FormatInt(bad.ID, 10)+"/move", `{"to":"visited"}`, nil)
		mustContain(t, "API return visit", r.body, `"state":"visited"`, `"visited_at"`)
	})
}
