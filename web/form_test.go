package web

import (
	"net/http"
	"net/url"
	"reflect"
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
	if n := len(f.Lists["materials"]); n != 2 {
		t.Fatalf("%d material rows, want 2", n)
	}
	if f.Blank["materials"] != 2 || f.Blank["steps"] != 1 {
		t.Fatalf("blank rows %v", f.Blank)
	}
	it, errs := f.item()
	if len(it.Materials) != 2 || it.Materials[1].Name != "乙" || it.Steps != nil || len(it.FAQ) != 1 || it.FAQ[0].Q != "问" {
		t.Fatalf("rows: %+v %+v %+v", it.Materials, it.Steps, it.FAQ)
	}
	// The bad number is reported on its row's path after renumbering.
	want := []catalog.FieldError{{Field: "materials[1].copies", Message: label("form.err.integer")}}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors %+v, want %+v", errs, want)
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
	mustStatus(t, "publish", rv.post("/review/items/"+code+"/publish", url.Values{"base": {strconv.Itoa(w.Edition)}}), http.StatusSeeOther)
	r = get(t, f.srv, "/items/"+code)
	mustStatus(t, "guide page", r, 200)
	mustContain(t, "guide page", r.body, `<a href="#faq">常见问题</a>`,
		`<p class="meta ask-phrases">常见问法：换身份证 · 身份证过期了&lt;b&gt;怎么办&lt;/b&gt;</p>`)
	mustNotContain(t, "guide page", r.body, "<b>怎么办")
}
