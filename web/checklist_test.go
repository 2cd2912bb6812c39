package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
)

// The citizen checklist (情形引导) of a guide page, its print view, the
// counter brief and the API, through the real server over a store of two
// guides: one with situations, one without.

const (
	sitCode   = "ZN-SIT-1" // the guide with situations
	plainCode = "ZN-SIT-2" // a guide without
)

func intp(n int) *int { return &n }

// sitGuide is a guide whose three questions change its materials, time,
// visits, online depth, fee and steps.
func sitGuide() catalog.Item {
	return catalog.Item{
		Code: sitCode, BaseCode: "000000000881", Name: "测试证件补领", Type: "公共服务",
		Region: "610921", Department: "汉阴县民政局", Conditions: "证件丢失的",
		Materials: []catalog.Material{
			{Name: "居民户口簿", Required: "必要", Form: "原件", Copies: intp(1)},
			{Name: "补领申请表", Required: "必要", Form: "原件", Copies: intp(1)},
			{Name: "授权委托书", Required: "必要", Form: "原件", Copies: intp(1)},
			{Name: "受托人居民身份证", Required: "必要", Form: "原件"},
			{Name: "加急申请书", Required: "非必要", Form: "原件"},
		},
		Steps:        []catalog.Step{{Name: "受理", Days: intp(0)}, {Name: "审核发证", Days: intp(5)}},
		PromisedDays: intp(10), Visits: intp(1), OnlineDepth: intp(3),
		Fee: &catalog.Fee{Charged: false},
		Situations: []catalog.Situation{
			{ID: "agent", Question: "是否委托他人办理", Options: []catalog.Option{
				{ID: "self", Label: "本人办理"},
				{ID: "agent", Label: "委托他人办理", Add: []string{"授权委托书", "受托人居民身份证"}, Note: "受托人须携带本人身份证原件"},
			}},
			{ID: "place", Question: "在哪里补领", Options: []catalog.Option{
				{ID: "local", Label: "户籍地"},
				{ID: "other", Label: "异地补领", Remove: []string{"居民户口簿"}, PromisedDays: intp(20), Visits: intp(2),
					Steps: []catalog.Step{{Name: "跨地转递", Days: intp(5)}}},
			}},
			{ID: "extra", Question: "需要哪些附加服务", Multiple: true, Options: []catalog.Option{
				{ID: "urgent", Label: "加急办理", Add: []string{"加急申请书"},
					Fee: &catalog.Fee{Charged: true, Items: []catalog.FeeItem{{Name: "加急费", Standard: "每件20元"}}}},
				{ID: "mail", Label: "邮寄送达", OnlineDepth: intp(2)},
			}},
		},
	}
}

func plainGuide() catalog.Item {
	return catalog.Item{
		Code: plainCode, BaseCode: "000000000882", Name: "测试证明开具", Type: "公共服务",
		Region: "610921", Department: "汉阴县民政局",
		Materials: []catalog.Material{{Name: "居民身份证", Required: "必要", Form: "原件"}},
		Steps:     []catalog.Step{{Name: "受理", Days: intp(0)}},
	}
}

// TestChecklist runs the checklist's tests on one server over the two
// guides.
func TestChecklist(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, _ := openStore(t, dir)
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	a, b := sitGuide(), plainGuide()
	var d catalog.Decoded
	d.Records = append(d.Records, catalog.Record{Line: 1, Kind: catalog.KindItem, Item: &a},
		catalog.Record{Line: 2, Kind: catalog.KindItem, Item: &b})
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(ctx, dir, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	srv, err := New(ctx, st, ix, Options{HomeRegion: seeds.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	page := func(t *testing.T, target string) string {
		t.Helper()
		r := get(t, srv, target)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d\n%.1500s", target, r.status, r.body)
		}
		return r.body
	}
	t.Run("NoAnswers", func(t *testing.T) { testChecklistNoAnswers(t, page) })
	t.Run("Agent", func(t *testing.T) { testChecklistAgent(t, page) })
	t.Run("Figures", func(t *testing.T) { testChecklistFigures(t, page) })
	t.Run("Incomplete", func(t *testing.T) { testChecklistIncomplete(t, page) })
	t.Run("PrintAndBrief", func(t *testing.T) { testChecklistPrintAndBrief(t, page) })
	t.Run("Garbage", func(t *testing.T) { testChecklistGarbage(t, page) })
	t.Run("NoSituations", func(t *testing.T) { testChecklistNoSituations(t, page) })
}

// pageGetter GETs a page and fails the test on a status other than 200.
type pageGetter func(t *testing.T, target string) string

// materialsOf returns the material names of the page's materials table
// (item page) or checklist (brief), in order.
var (
	tableMaterial = regexp.MustCompile(`<th scope="row"><label for="mat-\d+">([^<]+)</label>`)
	briefMaterial = regexp.MustCompile(`<li><span class="box" aria-hidden="true">□</span> ([^<（]+)`)
)

func materialsOf(body string) []string {
	re := tableMaterial
	if strings.Contains(body, `class="guide brief"`) {
		re = briefMaterial
	}
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

func sameList(a, b []string) bool {
	return strings.Join(a, "|") == strings.Join(b, "|")
}

// caseSummary is the text of the "您的情形" line, "" when there is none.
func caseSummary(body string) string {
	m := regexp.MustCompile(`<p class="case-summary"><strong>您的情形：</strong>([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

var allMaterials = []string{"居民户口簿", "补领申请表", "授权委托书", "受托人居民身份证", "加急申请书"}

func testChecklistNoAnswers(t *testing.T, sitPage pageGetter) {
	body := sitPage(t, "/items/"+sitCode)
	if got := materialsOf(body); !sameList(got, allMaterials) {
		t.Errorf("materials without answers: %q, want every one %q", got, allMaterials)
	}
	mustContain(t, "the guide without answers", body,
		`<section id="situations"`, "情形引导", "请先回答以下问题",
		`<form class="sit-form no-print" action="/items/`+sitCode+`#situations" method="get" data-sit-form>`,
		`<fieldset class="sit-q">`, `<legend>是否委托他人办理</legend>`,
		`<input type="radio" id="s-agent-agent" name="s_agent" value="agent"><label for="s-agent-agent">委托他人办理</label>`,
		`<input type="checkbox" id="s-extra-urgent" name="s_extra" value="urgent">`,
		`<input type="hidden" name="s_extra" value="">`, "（可多选）",
		"生成我的材料清单", `<a href="#situations">情形引导</a>`,
		// Each conditional material says when it is handed in.
		`<label for="mat-2">授权委托书</label><span class="mat-when">选择「是否委托他人办理：委托他人办理」时提交</span>`,
		`<label for="mat-3">受托人居民身份证</label><span class="mat-when">选择「是否委托他人办理：委托他人办理」时提交</span>`,
		`<label for="mat-0">居民户口簿</label><span class="mat-when">选择「在哪里补领：异地补领」时无需提交</span>`,
		`<label for="mat-4">加急申请书</label><span class="mat-when">选择「需要哪些附加服务：加急办理」时提交</span>`,
		label("sit.all"),
		`href="/items/`+sitCode+`?print=1"`, `href="/items/`+sitCode+`/brief"`)
	mustNotContain(t, "the guide without answers", body, `class="case-summary"`, "重新选择", " checked")
	if strings.Contains(body, `<label for="mat-1">补领申请表</label><span`) {
		t.Errorf("补领申请表, which every case hands in, carries a condition tag")
	}
}

func testChecklistAgent(t *testing.T, sitPage pageGetter) {
	body := sitPage(t, "/items/"+sitCode+"?s_agent=agent&s_place=local&s_extra=")
	want := []string{"居民户口簿", "补领申请表", "授权委托书", "受托人居民身份证"}
	if got := materialsOf(body); !sameList(got, want) {
		t.Errorf("materials for 委托他人办理, 户籍地, no extra: %q, want %q", got, want)
	}
	if got := caseSummary(body); got != "委托他人办理；户籍地；需要哪些附加服务：均不涉及" {
		t.Errorf("the case reads %q", got)
	}
	mustContain(t, "the agent's checklist", body,
		`<input type="radio" id="s-agent-agent" name="s_agent" value="agent" checked>`,
		`<input type="radio" id="s-place-local" name="s_place" value="local" checked>`,
		"<dt>是否委托他人办理</dt><dd>委托他人办理</dd>", "受托人须携带本人身份证原件",
		"已按您的情形列出 4 项材料", "重新选择", `href="/items/`+sitCode+`#situations"`,
		`href="/items/`+sitCode+`?print=1&amp;s_agent=agent&amp;s_place=local&amp;s_extra="`,
		`href="/items/`+sitCode+`/brief?s_agent=agent&amp;s_place=local&amp;s_extra="`)
	mustNotContain(t, "the agent's checklist", body, label("sit.incomplete"), label("sit.all"))

	body = sitPage(t, "/items/"+sitCode+"?s_agent=self&s_place=local&s_extra=")
	want = []string{"居民户口簿", "补领申请表"}
	if got := materialsOf(body); !sameList(got, want) {
		t.Errorf("materials for 本人办理, 户籍地, no extra: %q, want %q", got, want)
	}
	mustNotContain(t, "the self-applicant's checklist", body, "授权委托书</label>", "受托人居民身份证</label>")
	if got := caseSummary(body); got != "本人办理；户籍地；需要哪些附加服务：均不涉及" {
		t.Errorf("the case reads %q", got)
	}
}

// An option changes the promised time, the visits, the online depth, the
// fee and the steps of the checklist.
func testChecklistFigures(t *testing.T, sitPage pageGetter) {
	body := sitPage(t, "/items/"+sitCode+"?s_agent=self&s_place=other&s_extra=urgent&s_extra=mail")
	want := []string{"补领申请表", "加急申请书"}
	if got := materialsOf(body); !sameList(got, want) {
		t.Errorf("materials for 本人, 异地, 加急 and 邮寄: %q, want %q", got, want)
	}
	if got := caseSummary(body); got != "本人办理；异地补领；加急办理、邮寄送达" {
		t.Errorf("the case reads %q", got)
	}
	mustContain(t, "the figures of 异地, 加急 and 邮寄", body,
		"<dt>承诺办结时限</dt><dd>20 个工作日</dd>", "<dt>到现场次数</dt><dd>2 次</dd>",
		"<dt>网办深度</dt><dd>"+catalog.OnlineDepthLabels[2]+"</dd>",
		"<td>加急费</td><td>每件20元</td>", "跨地转递")
	mustNotContain(t, "the figures of 异地, 加急 and 邮寄", body, "<dt>承诺办结时限</dt><dd>10 个工作日</dd>")

	full := sitPage(t, "/items/"+sitCode)
	mustContain(t, "the full guide's figures", full, "<dt>承诺办结时限</dt><dd>10 个工作日</dd>", "<dt>到现场次数</dt><dd>1 次</dd>", "不收费")
	mustNotContain(t, "the full guide's figures", full, "跨地转递", "加急费")
}

// Some questions answered: the checklist keeps what the others may add,
// and says so.
func testChecklistIncomplete(t *testing.T, sitPage pageGetter) {
	body := sitPage(t, "/items/"+sitCode+"?s_place=other")
	want := []string{"补领申请表", "授权委托书", "受托人居民身份证", "加急申请书"}
	if got := materialsOf(body); !sameList(got, want) {
		t.Errorf("materials for 异地 alone: %q, want %q", got, want)
	}
	mustContain(t, "a partly answered guide", body, label("sit.incomplete"), `<p class="case-summary"><strong>您的情形：</strong>异地补领</p>`)
}

func testChecklistPrintAndBrief(t *testing.T, sitPage pageGetter) {
	q := "s_agent=agent&s_place=local&s_extra="
	body := sitPage(t, "/items/"+sitCode+"?print=1&"+q)
	mustContain(t, "the print view", body, "print-view", `<dl class="case-answers">`,
		"<dt>是否委托他人办理</dt><dd>委托他人办理</dd>", "<dt>在哪里补领</dt><dd>户籍地</dd>",
		`<input type="hidden" name="print" value="1">`, `href="/items/`+sitCode+`?print=1#situations"`)
	if got := materialsOf(body); !sameList(got, []string{"居民户口簿", "补领申请表", "授权委托书", "受托人居民身份证"}) {
		t.Errorf("print view materials: %q", got)
	}
	// The answers come before the materials on the paper.
	if i, j := strings.Index(body, `class="case-answers"`), strings.Index(body, `id="materials"`); i < 0 || j < i {
		t.Errorf("the print view does not show the answers before the materials")
	}

	brief := sitPage(t, "/items/"+sitCode+"/brief?"+q)
	if got := materialsOf(brief); !sameList(got, []string{"居民户口簿", "补领申请表", "授权委托书", "受托人居民身份证"}) {
		t.Errorf("brief materials: %q", got)
	}
	if got := caseSummary(brief); got != "委托他人办理；户籍地；需要哪些附加服务：均不涉及" {
		t.Errorf("the brief's case reads %q", got)
	}
	mustContain(t, "the brief", brief, "<dt>是否委托他人办理</dt><dd>委托他人办理</dd>",
		`href="/items/`+sitCode+`?s_agent=agent&amp;s_place=local&amp;s_extra="`)
	if i, j := strings.Index(brief, `class="case-summary"`), strings.Index(brief, `class="checklist"`); i < 0 || j < i {
		t.Errorf("the brief does not show the answers before the materials")
	}

	// Without answers the brief lists everything, with each case.
	brief = sitPage(t, "/items/"+sitCode+"/brief")
	if got := materialsOf(brief); !sameList(got, allMaterials) {
		t.Errorf("brief materials without answers: %q", got)
	}
	mustContain(t, "the brief without answers", brief, label("sit.all"), `<span class="mat-when">选择「是否委托他人办理：委托他人办理」时提交</span>`)
}

// Unknown questions, options and parameters are ignored: a hand-edited or
// stale link still gives a checklist.
func testChecklistGarbage(t *testing.T, sitPage pageGetter) {
	for _, q := range []string{
		"s_nope=agent", "s_agent=nope", "s_agent=", "s_=x", "s_agent[]=agent", "s_" + strings.Repeat("x", 300) + "=1",
		"s_agent=%3Cscript%3E", "s_extra=nope&s_extra=%E4%B8%AD",
	} {
		body := sitPage(t, "/items/"+sitCode+"?"+q)
		got := materialsOf(body)
		if strings.HasPrefix(q, "s_extra") {
			// Answered with no known option: none added.
			want := []string{"居民户口簿", "补领申请表", "授权委托书", "受托人居民身份证"}
			if !sameList(got, want) {
				t.Errorf("?%s: materials %q, want %q", q, got, want)
			}
			continue
		}
		if !sameList(got, allMaterials) {
			t.Errorf("?%s: materials %q, want the full list", q, got)
		}
		mustNotContain(t, "?"+q, body, `class="case-summary"`, "<script>")
	}
	// Two options to a single-choice question: the first known one.
	body := sitPage(t, "/items/"+sitCode+"?s_agent=nope&s_agent=self&s_agent=agent")
	if got := caseSummary(body); got != "本人办理" {
		t.Errorf("s_agent=nope&s_agent=self&s_agent=agent reads %q, want 本人办理", got)
	}
}

// A guide without situations renders as before: no form, no tags.
func testChecklistNoSituations(t *testing.T, sitPage pageGetter) {
	for _, target := range []string{"/items/" + plainCode, "/items/" + plainCode + "?s_agent=agent", "/items/" + plainCode + "/brief?s_agent=agent"} {
		body := sitPage(t, target)
		mustNotContain(t, target, body, "情形引导", "data-sit-form", "mat-when", "您的情形", `name="s_agent"`, "?s_agent=agent&amp;", "print=1&amp;s_")
		if got := materialsOf(body); !sameList(got, []string{"居民身份证"}) {
			t.Errorf("%s: materials %q", target, got)
		}
	}
	mustContain(t, "the plain guide", sitPage(t, "/items/"+plainCode),
		`href="/items/`+plainCode+`?print=1"`, `href="/items/`+plainCode+`/brief"`)
}

// The seed catalogue's 居民身份证补领 asks whether another applies.
func TestChecklistOnTheSeedGuide(t *testing.T) {
	f := seedServer(t)
	var code string
	for _, it := range f.cat.Items {
		if it.BaseCode == "071006000000" && len(it.Situations) > 0 {
			code = it.Code
			break
		}
	}
	if code == "" {
		t.Fatal("the seed catalogue has no 居民身份证补领 (071006000000) with situations")
	}
	r := get(t, f.srv, "/items/"+url.PathEscape(code)+"?s_agent=agent")
	mustStatus(t, "the seed guide", r, http.StatusOK)
	mustContain(t, "居民身份证补领 for 委托他人办理", r.body, "授权委托书</label>", "受托人居民身份证</label>", "委托他人办理")
	r = get(t, f.srv, "/items/"+url.PathEscape(code)+"?s_agent=self")
	mustNotContain(t, "居民身份证补领 for 本人办理", r.body, "授权委托书</label>", "受托人居民身份证</label>")
}

// itemResponse adds the checklist of the answers to the API's item.
func TestItemResponseChecklist(t *testing.T) {
	it := sitGuide()
	p := &catalog.Published{Item: it, Flags: []string{}, Edition: 1}
	decode := func(v any) map[string]json.RawMessage {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := decode(itemResponse(p, url.Values{})); m["checklist"] != nil || m["code"] == nil {
		t.Errorf("without answers: %v", m)
	}
	m := decode(itemResponse(p, url.Values{"s_agent": {"agent"}, "s_place": {"local"}, "s_extra": {""}, "q": {"x"}}))
	if m["code"] == nil || m["situations"] == nil {
		t.Fatalf("the guide's members are missing: %v", m)
	}
	var c struct {
		Complete  bool                `json:"complete"`
		Answers   map[string][]string `json:"answers"`
		Chosen    []chosenJSON        `json:"chosen"`
		Materials []catalog.Material  `json:"materials"`
		Promised  *int                `json:"promised_days"`
	}
	if err := json.Unmarshal(m["checklist"], &c); err != nil {
		t.Fatalf("checklist %s: %v", m["checklist"], err)
	}
	var names []string
	for _, mat := range c.Materials {
		names = append(names, mat.Name)
	}
	if !c.Complete || !sameList(names, []string{"居民户口簿", "补领申请表", "授权委托书", "受托人居民身份证"}) ||
		len(c.Chosen) != 3 || c.Chosen[0].Labels[0] != "委托他人办理" || c.Answers["agent"][0] != "agent" ||
		c.Promised == nil || *c.Promised != 10 {
		t.Errorf("checklist: %s", m["checklist"])
	}
	plain := plainGuide()
	if m := decode(itemResponse(&catalog.Published{Item: plain}, url.Values{"s_agent": {"agent"}})); m["checklist"] != nil {
		t.Errorf("a guide without situations got a checklist")
	}
}
