package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/store"
)

// completeGuide has every guide field, two elements in every list, text
// with line breaks and markup, and zero values that must not turn absent.
func completeGuide() *catalog.Item {
	return &catalog.Item{
		Code: "11610900MB0000001-A", BaseCode: "000123456789", Name: "普通护照签发（换发）", Type: "行政许可",
		Level: "市级", Region: "610900", Department: "市公安局",
		Audience: []string{"自然人", "法人"}, Themes: []string{"身份证件", "出境入境", "自定主题"},
		Basis: []catalog.Basis{
			{Title: "《中华人民共和国护照法》", Clause: "第五条", Text: "公民因前往外国定居……\n申请普通护照。"},
			{Title: "《普通护照和出入境通行证签发管理办法》"},
		},
		Conditions: "年满16周岁的中国公民；\r\n未满16周岁的由监护人陪同。<b>注意</b>",
		Materials: []catalog.Material{
			{Name: "居民身份证", Required: "必要", Form: "原件", Copies: catalog.Int(1), Source: "政府部门核发", Notes: "须在有效期内"},
			{Name: "数字相片", Required: "容缺后补", Form: "电子证照", Copies: catalog.Int(0), Source: "其他"},
		},
		Steps: []catalog.Step{
			{Name: "受理", Description: "窗口核验材料", Days: catalog.Int(0)},
			{Name: "审批", Days: catalog.Int(7)},
		},
		LegalDays: catalog.Int(15), PromisedDays: catalog.Int(7), Handling: "承诺件",
		Visits: catalog.Int(1), VisitReason: "采集指纹", OnlineDepth: catalog.Int(0), OnlineURL: "https://zwfw.example.gov.cn/x?a=1&b=2",
		InHall: catalog.Bool(true), Nearby: catalog.Bool(false), Express: catalog.Bool(true), Appointment: catalog.Bool(false),
		OnlinePayment: catalog.Bool(true), CrossProvince: catalog.Bool(true), Commitment: catalog.Bool(false),
		Scope: "全国",
		Fee: &catalog.Fee{Charged: true, Items: []catalog.FeeItem{
			{Name: "护照工本费", Standard: "120元/本", Basis: "发改价格〔2017〕1186号"},
			{Name: "加注费", Standard: "20元/项"},
		}},
		Result:   &catalog.Result{Name: "中华人民共和国普通护照", Type: "证照", Sample: "护照样本.pdf"},
		Location: "安康市政务服务中心二楼出入境窗口", Hours: "周一至周五 8:30-12:00",
		ConsultPhone: "0915-3212345", ComplaintPhone: "12345",
		FAQ:        []catalog.FAQ{{Q: "可以代办吗？", A: "不可以。"}, {Q: "多久能拿到？", A: "7个工作日。"}},
		AskPhrases: []string{"护照过期了怎么换", "换护照要带什么", "<b>办护照</b> & 签证"},
	}
}

// roundTrip renders a guide as the form posts it and parses it back.
func roundTrip(t *testing.T, it *catalog.Item) *catalog.Item {
	t.Helper()
	v := formFromItem(it).values()
	// Through the wire, as a browser sends it.
	q, err := url.ParseQuery(v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	got, errs := parseGuideForm(q).item()
	if len(errs) > 0 {
		t.Fatalf("round trip errors: %v", errs)
	}
	return got
}

func TestFormRoundTripOfACompleteGuide(t *testing.T) {
	it := completeGuide()
	got := roundTrip(t, it)
	want := completeGuide()
	want.Conditions = "年满16周岁的中国公民；\n未满16周岁的由监护人陪同。<b>注意</b>" // line breaks as LF
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v\ndiff %+v", got, want, catalog.DiffItems(want, got))
	}
	if errs := catalog.Validate(got); len(errs) > 0 {
		t.Fatalf("the fixture is invalid: %v", errs)
	}
}

func TestFormRoundTripOfAMinimalGuide(t *testing.T) {
	it := &catalog.Item{Code: "ZN-MIN-1", BaseCode: "000000000001", Name: "最小事项", Type: "公共服务", Region: "610921", Department: "汉阴县民政局"}
	got := roundTrip(t, it)
	if !reflect.DeepEqual(got, it) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, it)
	}
	// Absent stays absent: no zero numbers, no false booleans, no empty
	// fee or result.
	if got.LegalDays != nil || got.InHall != nil || got.Fee != nil || got.Result != nil || got.Materials != nil {
		t.Fatalf("absent fields became present: %+v", got)
	}
	// A fee that is not charged is kept as such.
	it.Fee = &catalog.Fee{Charged: false}
	if got := roundTrip(t, it); got.Fee == nil || got.Fee.Charged {
		t.Fatalf("uncharged fee: %+v", got.Fee)
	}
}

func TestFormDropsBlankRows(t *testing.T) {
	v := url.Values{
		"code": {"X-1"}, "name": {"事项"},
		"materials.0.name": {"甲"}, "materials.0.copies": {"2"},
		"materials.1.name": {"  "}, "materials.1.notes": {""}, "materials.1.required": {""},
		"materials.2.name": {"乙"}, "materials.2.copies": {"x"},
		"materials.7.name": {""},
		"steps.0.name":     {""}, "steps.0.days": {""},
		"faq.3.q": {"问"}, "faq.3.a": {"答"},
		"materials.-1.name": {"负"}, "materials.abc.name": {"字"}, "materials.0.unknown": {"?"},
		"materials.99999999999.name": {"大"},
	}
	f := parseGuideForm(v)
	// The form keeps the blank rows where they were drawn (rows 0, 1, 2
	// and 7 become 0 to 3); the guide leaves them out.
	if n := len(f.Lists["materials"]); n != 4 || !f.Lists["materials"][1].blank() || f.Lists["materials"][2]["name"] != "乙" {
		t.Fatalf("material rows %v, want 4 with the blank ones in place", f.Lists["materials"])
	}
	if n := len(f.Lists["steps"]); n != 1 {
		t.Fatalf("%d step rows, want 1", n)
	}
	it, errs := f.item()
	if len(it.Materials) != 2 || it.Materials[1].Name != "乙" || it.Steps != nil || len(it.FAQ) != 1 || it.FAQ[0].Q != "问" {
		t.Fatalf("rows: %+v %+v %+v", it.Materials, it.Steps, it.FAQ)
	}
	// The bad number is reported on the guide's path, and shown at the
	// row of the form it was typed in.
	want := []catalog.FieldError{{Field: "materials[1].copies", Message: label("form.err.integer")}}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors %+v, want %+v", errs, want)
	}
	b := newFormBuilder(f, formOpts{errs: errs})
	b.build()
	if is := b.summary(errs); is[0].Anchor != "#f-materials-2-copies" {
		t.Fatalf("summary link %+v, want the form's row 2", is[0])
	}
}

func TestFormBadValuesAreFieldErrors(t *testing.T) {
	v := url.Values{
		"legal_days":       {"十五"},
		"promised_days":    {"99999999999999999999999"},
		"visits":           {"1.5"},
		"online_depth":     {"abc"},
		"in_hall":          {"maybe"},
		"fee.items.0.name": {"工本费"},
		"steps.0.name":     {"受理"}, "steps.0.days": {"3天"},
		"materials.0.copies": {"２"}, "materials.0.name": {"证"},
		"legal_days_extra": {"ignored"},
	}
	it, errs := parseGuideForm(v).item()
	got := map[string]bool{}
	for _, e := range errs {
		got[e.Field] = true
		if e.Message == "" {
			t.Errorf("%s: empty message", e.Field)
		}
	}
	for _, f := range []string{"legal_days", "promised_days", "visits", "online_depth", "in_hall", "fee.charged", "steps[0].days"} {
		if !got[f] {
			t.Errorf("no error on %s (%v)", f, errs)
		}
	}
	if len(errs) != 7 {
		t.Errorf("%d errors, want 7: %v", len(errs), errs)
	}
	if it.LegalDays != nil || it.InHall != nil || it.Fee != nil {
		t.Errorf("bad values were kept: %+v", it)
	}
	// Full-width digits typed with a Chinese input method are numbers.
	if it.Materials[0].Copies == nil || *it.Materials[0].Copies != 2 {
		t.Errorf("full-width copies: %v", it.Materials[0].Copies)
	}
	// A negative number is a number: Validate reports it.
	it, errs = parseGuideForm(url.Values{"legal_days": {"-1"}}).item()
	if len(errs) > 0 || it.LegalDays == nil || *it.LegalDays != -1 {
		t.Fatalf("negative: %v %v", errs, it.LegalDays)
	}
}

func TestFormThemesOtherAndOrder(t *testing.T) {
	v := url.Values{"themes": {"出境入境", "户籍办理", "出境入境"}, "themes_other": {"乡村振兴、 文旅融合,户籍办理"},
		"audience": {"法人", "自然人"}}
	it, errs := parseGuideForm(v).item()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if want := []string{"出境入境", "户籍办理", "乡村振兴", "文旅融合"}; !reflect.DeepEqual(it.Themes, want) {
		t.Fatalf("themes %v, want %v", it.Themes, want)
	}
	if want := []string{"法人", "自然人"}; !reflect.DeepEqual(it.Audience, want) {
		t.Fatalf("audience %v", it.Audience)
	}
}

func TestFormViewKeepsLineBreaksAndUnknownChoices(t *testing.T) {
	f := formFromItem(&catalog.Item{Name: "第一行\n第二行", Type: "许可", Audience: []string{"个体户"}})
	b := newFormBuilder(f, formOpts{errs: []catalog.FieldError{{Field: "audience[0]", Message: "x"}, {Field: "fee", Message: "y"}}})
	v := b.build()
	byName := map[string]formField{}
	for _, s := range v.Sections {
		for _, ff := range s.Fields {
			byName[ff.Name] = ff
		}
	}
	if byName["name"].Kind != "textarea" {
		t.Errorf("a name with a line break is drawn as %s", byName["name"].Kind)
	}
	// A value outside the enumeration stays selected, so the editor's
	// input survives a re-rendered form.
	found := false
	for _, o := range byName["type"].Options {
		found = found || o.Value == "许可" && o.Selected
	}
	if !found {
		t.Error("the unknown type is not kept")
	}
	// Messages about list elements and parts land on their controls.
	if len(byName["audience"].Errors) != 1 || len(byName["fee.charged"].Errors) != 1 {
		t.Errorf("messages not attached: %v %v", byName["audience"].Errors, byName["fee.charged"].Errors)
	}
	is := b.summary([]catalog.FieldError{{Field: "materials[0].copies", Message: "z"}})
	if is[0].Anchor != "#f-materials-0-copies" || is[0].Label == "" {
		t.Errorf("summary link %+v", is[0])
	}
}

func TestFormAskPhrasesOnePerLine(t *testing.T) {
	// As a browser posts the textarea: CRLF, blank lines, spaces around a
	// phrase and a repeat.
	v := url.Values{formAskPhrases: {"房本加名字\r\n\r\n  执照遗失补办 \r\n房本加名字\r\n"}}
	f := parseGuideForm(v)
	it, errs := f.item()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []string{"房本加名字", "执照遗失补办"}
	if !reflect.DeepEqual(it.AskPhrases, want) {
		t.Fatalf("ask phrases %q, want %q", it.AskPhrases, want)
	}
	// Item → form → item keeps them, one per line of the textarea.
	back := formFromItem(it)
	if got := back.values().Get(formAskPhrases); got != "房本加名字\n执照遗失补办" {
		t.Fatalf("textarea %q", got)
	}
	if got, _ := parseGuideForm(back.values()).item(); !reflect.DeepEqual(got.AskPhrases, want) {
		t.Fatalf("round trip %q", got.AskPhrases)
	}
	var area formField
	for _, s := range newFormBuilder(back, formOpts{}).build().Sections {
		for _, ff := range s.Fields {
			if ff.Name == formAskPhrases {
				area = ff
			}
		}
	}
	if area.Kind != "textarea" || area.Value != "房本加名字\n执照遗失补办" || area.Label != "常见问法（每行一条）" || area.Hint == "" {
		t.Fatalf("ask phrases control %+v", area)
	}
	// An empty or blank textarea is no phrases at all.
	for _, s := range []string{"", " \r\n \n"} {
		if it, _ := parseGuideForm(url.Values{formAskPhrases: {s}}).item(); it.AskPhrases != nil {
			t.Fatalf("%q gave %q", s, it.AskPhrases)
		}
	}
}

func TestFormAskPhrasesErrorsAreShownAtTheTextarea(t *testing.T) {
	lines := make([]string, catalog.MaxAskPhrases+1)
	for i := range lines {
		lines[i] = "问法" + strconv.Itoa(i)
	}
	lines[3] = strings.Repeat("长", catalog.MaxAskPhraseRunes+1)
	f := parseGuideForm(url.Values{formAskPhrases: {strings.Join(lines, "\n")}})
	it, _ := f.item()
	var errs []catalog.FieldError
	for _, e := range catalog.Validate(it) {
		if strings.HasPrefix(e.Field, "ask_phrases") {
			errs = append(errs, e)
		}
	}
	if got := []string{errs[0].Field, errs[1].Field}; len(errs) != 2 || got[0] != "ask_phrases" || got[1] != "ask_phrases[3]" {
		t.Fatalf("errors %v", errs)
	}
	b := newFormBuilder(f, formOpts{errs: errs})
	v := b.build()
	var area formField
	for _, s := range v.Sections {
		for _, ff := range s.Fields {
			if ff.Name == formAskPhrases {
				area = ff
			}
		}
	}
	if len(area.Errors) != 2 || area.Value != strings.Join(lines, "\n") {
		t.Fatalf("textarea errors %q, value kept %v", area.Errors, area.Value == strings.Join(lines, "\n"))
	}
	is := b.summary(errs)
	if is[0].Anchor != "#f-ask_phrases" || is[0].Label != "常见问法" || is[1].Anchor != "#f-ask_phrases" || is[1].Label != "常见问法第4项" {
		t.Fatalf("summary %+v", is)
	}
	if !strings.Contains(is[0].Message, "不能超过30项") || !strings.Contains(is[1].Message, "不能超过40个字") {
		t.Fatalf("messages %+v", is)
	}
}

func TestFormAskPhrasesEditIsADiff(t *testing.T) {
	it := roundTrip(t, completeGuide()) // the form's own line breaks
	v := formFromItem(it).values()
	v.Set(formAskPhrases, "护照过期了怎么换\n护照丢了补办")
	got, errs := parseGuideForm(v).item()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := catalog.DiffItems(it, got)
	if len(d.Fields) != 1 || len(d.Lists) != 0 {
		t.Fatalf("diff %+v", d)
	}
	c := d.Fields[0]
	if c.Field != "ask_phrases" || c.Label != "常见问法" ||
		!reflect.DeepEqual(c.Old, it.AskPhrases) || !reflect.DeepEqual(c.New, []string{"护照过期了怎么换", "护照丢了补办"}) {
		t.Fatalf("change %+v", c)
	}
}

// TestEditAskPhrases: an editor edits the ask phrases on the edit page; a
// bad list is refused with the errors at the textarea and the text kept;
// the saved edition differs from the published one in 常见问法; once
// published the guide page shows them, escaped.
func TestEditAskPhrases(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 7)
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/items/" + code)
	mustStatus(t, "edit form", r, 200)
	checkLabels(t, "edit form", r.body)
	mustContain(t, "edit form", r.body, `<label for="f-ask_phrases">常见问法（每行一条）</label>`,
		`<textarea id="f-ask_phrases" name="ask_phrases"`)
	v := formValues(t, r.body, "guide-form")
	if got := v.Get(formAskPhrases); got != strings.Join(it.AskPhrases, "\n") {
		t.Fatalf("the textarea holds %q, the guide %q", got, it.AskPhrases)
	}
	before := draftOf(t, f, code)

	// Too many and too long: nothing saved, errors inline, text kept.
	bad := make([]string, catalog.MaxAskPhrases+1)
	for i := range bad {
		bad[i] = "身份证问法" + strconv.Itoa(i)
	}
	bad[0] = strings.Repeat("长", catalog.MaxAskPhraseRunes+1)
	v.Set(formAskPhrases, strings.Join(bad, "\r\n"))
	v.Set("action", "save")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "invalid phrases", r, http.StatusUnprocessableEntity)
	mustContain(t, "invalid phrases", r.body, `id="f-ask_phrases-err"`, `href="#f-ask_phrases"`, "不能超过30项，实为31项",
		"常见问法第1项", "不能超过40个字", "身份证问法30", `aria-invalid="true"`)
	if draftOf(t, f, code).Edition != before.Edition {
		t.Fatal("invalid ask phrases were saved")
	}

	// A good edit is saved and is a change of 常见问法.
	v.Set(formAskPhrases, "换身份证\r\n身份证过期了<b>怎么办</b>\r\n")
	v.Set("note", "补充常见问法")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "save", r, http.StatusSeeOther)
	w := draftOf(t, f, code)
	want := []string{"换身份证", "身份证过期了<b>怎么办</b>"}
	if !reflect.DeepEqual(w.AskPhrases, want) {
		t.Fatalf("saved %q, want %q", w.AskPhrases, want)
	}
	d, err := f.store.Diff(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}, code, before.Edition, w.Edition)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Fields) != 1 || d.Fields[0].Field != "ask_phrases" || !reflect.DeepEqual(d.Fields[0].New, want) {
		t.Fatalf("diff %+v", d.Fields)
	}
	r = ed.get("/edit/items/" + code + "/diff?from=" + strconv.Itoa(before.Edition) + "&to=" + strconv.Itoa(w.Edition))
	mustStatus(t, "diff page", r, 200)
	mustContain(t, "diff page", r.body, "常见问法", "换身份证、身份证过期了&lt;b&gt;怎么办&lt;/b&gt;")

	// Published, the guide page shows them in the 常见问题 section.
	v = formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Set("note", "请审核")
	v.Set("action", "submit")
	mustStatus(t, "submit", ed.post("/edit/items/"+code, v), http.StatusSeeOther)
	rv := formLogin(t, f, "reviewer-city")
	// The seed guide is flawed on purpose (即办件 promising 3 days): a
	// publishing warning the reviewer overrides with a reason.
	mustStatus(t, "publish", rv.post("/review/items/"+code+"/publish", url.Values{"base": {strconv.Itoa(w.Edition)},
		"override." + catalog.CheckHandling: {"受理即办，3个工作日为制证时间"}}), http.StatusSeeOther)
	r = get(t, f.srv, "/items/"+code)
	mustStatus(t, "guide page", r, 200)
	mustContain(t, "guide page", r.body, `<a href="#faq">常见问题</a>`,
		`<p class="meta ask-phrases">常见问法：换身份证 · 身份证过期了&lt;b&gt;怎么办&lt;/b&gt;</p>`)
	mustNotContain(t, "guide page", r.body, "<b>怎么办")
}

// situationGuide is completeGuide with a situation guide (情形引导): two
// questions, one multiple-choice; options that add and remove materials,
// override the time limit, visits, online depth and fee, and add steps.
func situationGuide() *catalog.Item {
	it := completeGuide()
	it.Materials = append(it.Materials, catalog.Material{Name: "授权委托书", Required: "必要", Form: "原件"},
		catalog.Material{Name: "受托人身份证", Required: "必要", Form: "原件"})
	it.Situations = []catalog.Situation{
		{ID: "who", Question: "由谁办理？", Options: []catalog.Option{
			{ID: "self", Label: "本人办理"},
			{ID: "agent", Label: "委托他人办理", Add: []string{"受托人身份证", "授权委托书"}, Note: "受托人须携带本人身份证\n原件",
				Steps: []catalog.Step{{Name: "核验委托关系", Description: "窗口核验", Days: catalog.Int(0)}, {Name: "电话回访"}}},
		}},
		{ID: "case", Question: "属于以下哪些情况？", Multiple: true, Options: []catalog.Option{
			{ID: "photo", Label: "已有数字相片回执", Remove: []string{"数字相片"}, PromisedDays: catalog.Int(5), Visits: catalog.Int(0),
				OnlineDepth: catalog.Int(3)},
			{ID: "urgent", Label: "加急办理", PromisedDays: catalog.Int(2),
				Fee: &catalog.Fee{Charged: true, Items: []catalog.FeeItem{{Name: "加急费", Standard: "50元/本", Basis: "文件〔2020〕1号"}}}},
		}},
	}
	return it
}

func TestFormRoundTripOfSituations(t *testing.T) {
	it := situationGuide()
	got := roundTrip(t, it)
	want := situationGuide()
	want.Conditions = strings.ReplaceAll(want.Conditions, "\r\n", "\n")
	if !reflect.DeepEqual(got.Situations, want.Situations) {
		t.Fatalf("situations differ:\n got %+v\nwant %+v", got.Situations, want.Situations)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs: %+v", catalog.DiffItems(want, got))
	}
	// The view draws what the form holds: every option's materials as
	// checkboxes, the checked ones first, the fee override as a hidden
	// value, and parsing the drawn form gives the guide back.
	f := formFromItem(it)
	var sv *situationsView
	for _, s := range newFormBuilder(f, formOpts{}).build().Sections {
		if s.Situations != nil {
			sv = s.Situations
		}
	}
	if sv == nil || len(sv.Questions) != 2 {
		t.Fatalf("situations view %+v", sv)
	}
	agent := sv.Questions[0].Options[1]
	if len(agent.Add.Options) != 4 || !agent.Add.Options[0].Selected || agent.Add.Options[0].Value != "受托人身份证" ||
		!agent.Add.Options[1].Selected || agent.Add.Options[2].Selected || agent.Add.Name != "situations.0.options.1.add" {
		t.Fatalf("add checkboxes %+v", agent.Add)
	}
	urgent := sv.Questions[1].Options[1]
	if len(urgent.Hidden) != 1 || urgent.Hidden[0].Name != "situations.1.options.1.fee" || !strings.Contains(urgent.Hidden[0].Value, "加急费") {
		t.Fatalf("fee not carried: %+v", urgent.Hidden)
	}
	q0, q1 := sv.Questions[0].Buttons, sv.Questions[1].Buttons
	if !q0.First || q0.Last || q0.Down != "down:situations:0" || q1.First || !q1.Last || q1.Up != "up:situations:1" ||
		q1.Del != "del:situations:1" || sv.Questions[1].AddOption != "add:situations.1.options" {
		t.Fatalf("move buttons %+v %+v", q0, q1)
	}
	if o := sv.Questions[0].Options[1]; o.Buttons.Up != "up:situations.0.options:1" || o.AddStep != "add:situations.0.options.1.steps" ||
		o.Steps[1].Buttons.Del != "del:situations.0.options.1.steps:1" {
		t.Fatalf("option buttons %+v", o.Buttons)
	}
}

func TestFormSituationIDsAreFilledIn(t *testing.T) {
	v := url.Values{
		"situations.0.question":               {"是否本人办理？"},
		"situations.0.options.0.label":        {"是"},
		"situations.0.options.1.label":        {"否"},
		"situations.0.options.1.id":           {"o1"}, // taken: the first option takes o2
		"situations.1.id":                     {"q1"}, // taken: the first question takes q2
		"situations.1.question":               {"是否补领？"},
		"situations.1.multiple":               {formYes},
		"situations.1.options.0.label":        {"是"},
		"situations.1.options.1.label":        {""}, // blank: left out
		"situations.1.options.2.label":        {"否"},
		"situations.1.options.2.visits":       {"两次"},
		"situations.1.options.2.steps.0.name": {"补录"},
		"situations.1.options.2.steps.0.days": {"x"},
		"situations.2.question":               {""}, // a blank question
		"situations.2.options.0.label":        {""},
		"situations.x.question":               {"ignored"},
		"situations.0.options.0.unknown":      {"ignored"},
	}
	f := parseGuideForm(v)
	if len(f.Situations) != 3 {
		t.Fatalf("%d questions in the form, want 3 (blank kept)", len(f.Situations))
	}
	it, errs := f.item()
	if len(it.Situations) != 2 {
		t.Fatalf("%d questions, want 2", len(it.Situations))
	}
	q0, q1 := it.Situations[0], it.Situations[1]
	if q0.ID != "q2" || q0.Options[0].ID != "o2" || q0.Options[1].ID != "o1" || q1.ID != "q1" || !q1.Multiple || q0.Multiple {
		t.Fatalf("ids %+v", it.Situations)
	}
	if len(q1.Options) != 2 || q1.Options[1].ID != "o2" || q1.Options[1].Label != "否" {
		t.Fatalf("options of the second question %+v", q1.Options)
	}
	// Conversion errors are on the item's paths; the form shows them at
	// its own rows (the blank option 1 is drawn before option 2).
	want := []catalog.FieldError{
		{Field: "situations[1].options[1].visits", Message: label("form.err.integer")},
		{Field: "situations[1].options[1].steps[0].days", Message: label("form.err.integer")},
	}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors %+v, want %+v", errs, want)
	}
	b := newFormBuilder(f, formOpts{errs: append(errs, catalog.FieldError{Field: "situations[1].options[0].add[0]", Message: "缺材料"},
		catalog.FieldError{Field: "situations[0].options", Message: "至少两个选项"},
		catalog.FieldError{Field: "situations", Message: "太多"})})
	var sv *situationsView
	for _, s := range b.build().Sections {
		if s.Situations != nil {
			sv = s.Situations
		}
	}
	opt := sv.Questions[1].Options[2]
	var visits formField
	for _, ff := range opt.Overrides {
		if ff.Name == "situations.1.options.2.visits" {
			visits = ff
		}
	}
	if len(visits.Errors) != 1 || len(opt.Steps[0].Fields[2].Errors) != 1 {
		t.Fatalf("errors not at the drawn row: %+v %+v", visits, opt.Steps[0].Fields[2])
	}
	if len(sv.Questions[1].Options[0].Add.Errors) != 1 || len(sv.Questions[0].Errors) != 1 || len(sv.Errors) != 1 {
		t.Fatalf("errors at add %v, question %v, situations %v", sv.Questions[1].Options[0].Add.Errors, sv.Questions[0].Errors, sv.Errors)
	}
	is := b.summary([]catalog.FieldError{{Field: "situations[1].options[1].visits", Message: "z"},
		{Field: "situations[1].options[0].add[0]", Message: "y"}})
	if is[0].Anchor != "#f-situations-1-options-2-visits" || is[0].Label != "情形引导第2个问题第3个选项此情形的到现场次数" {
		t.Fatalf("summary %+v", is[0])
	}
	if is[1].Anchor != "#f-situations-1-options-0-add" || is[1].Label != "情形引导第2个问题第1个选项选择此项时增加的材料第1项" {
		t.Fatalf("summary %+v", is[1])
	}
}

func TestFormSituationButtons(t *testing.T) {
	f := formFromItem(situationGuide())
	focus, ok := f.rowAction("add:situations")
	if !ok || len(f.Situations) != 3 || len(f.Situations[2].Options) != 2 || focus != "situations.2.question" {
		t.Fatalf("add a question: %v %q %d", ok, focus, len(f.Situations))
	}
	// A moved row keeps the focus on its button, or on the other one at
	// the end of the list.
	if focus, ok = f.rowAction("up:situations:2"); !ok || focus != "up:situations:1" || !f.Situations[1].blank() {
		t.Fatalf("move a question up: %v %q", ok, focus)
	}
	if _, ok = f.rowAction("del:situations:1"); !ok || len(f.Situations) != 2 || f.Situations[1].Values["id"] != "case" {
		t.Fatalf("delete a question: %v %+v", ok, f.Situations)
	}
	if focus, ok = f.rowAction("add:situations.0.options"); !ok || len(f.Situations[0].Options) != 3 || focus != "situations.0.options.2.label" {
		t.Fatalf("add an option: %v %q", ok, focus)
	}
	if _, ok = f.rowAction("down:situations.0.options:0"); !ok || f.Situations[0].Options[1].Values["id"] != "self" {
		t.Fatalf("move an option down: %v", ok)
	}
	if _, ok = f.rowAction("del:situations.0.options:2"); !ok || len(f.Situations[0].Options) != 2 {
		t.Fatalf("delete an option: %v", ok)
	}
	if focus, ok = f.rowAction("add:situations.0.options.0.steps"); !ok || len(f.Situations[0].Options[0].Steps) != 3 || focus != "situations.0.options.0.steps.2.name" {
		t.Fatalf("add a step: %v %q", ok, focus)
	}
	if focus, ok = f.rowAction("down:situations.0.options.0.steps:1"); !ok || focus != "up:situations.0.options.0.steps:2" ||
		!f.Situations[0].Options[0].Steps[1].blank() || f.Situations[0].Options[0].Steps[2]["name"] != "电话回访" {
		t.Fatalf("move a step down: %v %q", ok, focus)
	}
	if _, ok = f.rowAction("del:situations.0.options.0.steps:1"); !ok || len(f.Situations[0].Options[0].Steps) != 2 {
		t.Fatalf("delete a step: %v", ok)
	}
	for _, bad := range []string{"", "add", "add:situations:1", "del:situations:9", "up:situations:0", "down:situations:1",
		"up:situations.0.options:0", "del:situations.0.options:5", "nope:situations:0", "del:situations:-1", "del:situations:01",
		"add:situations.0", "add:situations.5.options", "add:situations.0.options.9.steps", "del:nonsense:0", "add:materials.0",
		"del:materials", "up:materials:x"} {
		if _, ok := f.rowAction(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	// The blank question and option are left out of the guide.
	it, errs := f.item()
	if len(errs) > 0 || len(it.Situations) != 2 || it.Situations[0].Options[1].ID != "self" || len(it.Situations[0].Options[0].Steps) != 2 {
		t.Fatalf("%v %+v", errs, it.Situations)
	}
}

// TestEditSituations: an editor adds a question with two options on the
// edit page without script, saves it, and the form of the saved guide
// converts back to it exactly, a fee override set through the API
// included; an option naming a material the guide lacks is refused (422)
// at its checkboxes and nothing is saved, on the page and through the API.
func TestEditSituations(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 9) // an item no other test edits
	if len(it.Situations) > 0 {
		// Start from a guide without situations.
		w := draftOf(t, f, it.Code)
		w.Item.Situations = nil
		if _, err := f.store.SaveDraft(t.Context(), store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}},
			it.Code, w.Edition, &w.Item, "去掉情形引导"); err != nil {
			t.Fatal(err)
		}
	}
	code := it.Code
	ed := formLogin(t, f, "editor-police")
	r := ed.get("/edit/items/" + code)
	mustStatus(t, "edit form", r, 200)
	mustContain(t, "edit form", r.body, ">情形引导<", `name="row" value="add:situations"`)
	before := draftOf(t, f, code)

	// Add a question: drawn with two blank options, the focus on it,
	// nothing saved.
	v := formValues(t, r.body, "guide-form")
	v.Set("row", "add:situations")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "add a question", r, 200)
	editorPageRules(t, "add a question", r)
	checkLabels(t, "add a question", r.body)
	mustContain(t, "add a question", r.body, `name="situations.0.question" type="text" value="" aria-required="true" autofocus`,
		`name="situations.0.options.1.label"`, `name="situations.0.options.1.add" value="`+it.Materials[1].Name+`"`,
		`name="row" value="del:situations:0"`, `name="row" value="add:situations.0.options"`)
	if draftOf(t, f, code).Edition != before.Edition {
		t.Fatal("adding a question saved")
	}
	v = formValues(t, r.body, "guide-form")
	v.Set("situations.0.question", "由谁办理？")
	v.Set("situations.0.options.0.label", "本人办理")
	v.Set("situations.0.options.1.label", "委托他人办理")
	v.Set("situations.0.options.1.note", "受托人须携带身份证")
	v.Set("situations.0.options.1.promised_days", "3")
	v.Add("situations.0.options.1.add", it.Materials[1].Name)
	v.Set("action", "save")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "save", r, http.StatusSeeOther)
	w := draftOf(t, f, code)
	want := []catalog.Situation{{ID: "q1", Question: "由谁办理？", Options: []catalog.Option{{ID: "o1", Label: "本人办理"},
		{ID: "o2", Label: "委托他人办理", Note: "受托人须携带身份证", PromisedDays: catalog.Int(3), Add: []string{it.Materials[1].Name}}}}}
	if !sameJSON(w.Situations, want) {
		t.Fatalf("saved situations %+v, want %+v", w.Situations, want)
	}

	// A fee override and steps set through the API survive the form.
	w.Situations[0].Options[1].Fee = &catalog.Fee{Charged: true, Items: []catalog.FeeItem{{Name: "委托公证费", Standard: "按公证处标准"}}}
	w.Situations[0].Options[1].Steps = []catalog.Step{{Name: "核验委托书", Days: catalog.Int(1)}}
	admin := store.Actor{User: &catalog.User{Name: "admin", Role: catalog.RoleAdmin}}
	n, err := f.store.SaveDraft(t.Context(), admin, code, w.Edition, &w.Item, "接口设置收费")
	if err != nil {
		t.Fatal(err)
	}
	r = ed.get("/edit/items/" + code)
	mustContain(t, "form with a fee override", r.body, "此选项另有收费规定", `name="situations.0.options.1.steps.0.name"`)
	v = formValues(t, r.body, "guide-form")
	got, errs := parseGuideForm(v).item()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	stored := draftOf(t, f, code)
	if !sameJSON(got.Situations, stored.Situations) {
		t.Fatalf("the form's situations %+v differ from the stored %+v", got.Situations, stored.Situations)
	}
	v.Set("situations.0.question", "由谁来办理？")
	v.Set("action", "save")
	mustStatus(t, "save over the override", ed.post("/edit/items/"+code, v), http.StatusSeeOther)
	w = draftOf(t, f, code)
	if w.Edition == n || w.Situations[0].Question != "由谁来办理？" || w.Situations[0].Options[1].Fee == nil ||
		w.Situations[0].Options[1].Fee.Items[0].Name != "委托公证费" || len(w.Situations[0].Options[1].Steps) != 1 {
		t.Fatalf("the fee override or steps were lost: %+v", w.Situations)
	}

	// A material the guide does not have: 422 at the option's checkboxes,
	// the input kept, nothing saved.
	v = formValues(t, ed.get("/edit/items/"+code).body, "guide-form")
	v.Add("situations.0.options.0.add", "不存在的材料")
	v.Set("action", "save")
	r = ed.post("/edit/items/"+code, v)
	mustStatus(t, "missing material", r, http.StatusUnprocessableEntity)
	checkLabels(t, "missing material", r.body)
	mustContain(t, "missing material", r.body, "内容没有保存", `id="f-situations-0-options-0-add-err"`,
		`href="#f-situations-0-options-0-add"`, "情形引导第1个问题第1个选项", `value="不存在的材料" checked`)
	if draftOf(t, f, code).Edition != w.Edition {
		t.Fatal("a guide naming a missing material was saved")
	}

	// The same through the API: 422 with the path, nothing saved.
	api := signIn(t, f, "editor-police")
	bad := w.Item
	bad.Situations = slices.Clone(w.Situations)
	bad.Situations[0].Options = slices.Clone(bad.Situations[0].Options)
	bad.Situations[0].Options[0].Add = []string{"不存在的材料"}
	body, _ := json.Marshal(bad)
	r = api.call("PUT", "/api/v1/items/"+code+"/draft", string(body), map[string]string{"If-Match": strconv.Itoa(w.Edition)})
	mustStatus(t, "API missing material", r, http.StatusUnprocessableEntity)
	mustContain(t, "API missing material", r.body, `"field":"situations[0].options[0].add[0]"`)
	if draftOf(t, f, code).Edition != w.Edition {
		t.Fatal("the API saved a guide naming a missing material")
	}
	// And a good one passes through: situations in, situations out.
	good := w.Item
	good.Situations = slices.Clone(w.Situations)
	good.Situations[0].Multiple = true
	body, _ = json.Marshal(good)
	r = api.call("PUT", "/api/v1/items/"+code+"/draft", string(body), map[string]string{"If-Match": strconv.Itoa(w.Edition)})
	mustStatus(t, "API save", r, http.StatusOK)
	r = api.call("GET", "/api/v1/items/"+code+"/draft", "", nil)
	var back struct{ catalog.Item }
	if err := json.Unmarshal([]byte(r.body), &back); err != nil {
		t.Fatal(err)
	}
	if !sameJSON(back.Situations, good.Situations) {
		t.Fatalf("API round trip %+v, want %+v", back.Situations, good.Situations)
	}

	// The diff against the published edition names the new question.
	r = ed.get("/edit/items/" + code + "/diff?from=" + strconv.Itoa(before.Edition) + "&to=" + strconv.Itoa(draftOf(t, f, code).Edition))
	mustStatus(t, "diff page", r, 200)
	mustContain(t, "diff page", r.body, "由谁来办理？", "委托他人办理")
}

// sameJSON reports whether a and b have the same JSON form (an empty list
// and none alike).
func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
