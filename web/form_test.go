package web

import (
	"net/url"
	"reflect"
	"testing"

	"zhinan/catalog"
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
		FAQ: []catalog.FAQ{{Q: "可以代办吗？", A: "不可以。"}, {Q: "多久能拿到？", A: "7个工作日。"}},
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
