package search

import (
	"slices"
	"testing"

	"zhinan/catalog"
	"zhinan/seeds"
)

// testBundles are life events as 安康 publishes them (一件事一次办), with
// the step names of the seed catalogue's entries.
func testBundles() []catalog.PublishedBundle {
	step := func(stage int, names ...string) []catalog.BundleStep {
		var out []catalog.BundleStep
		for _, n := range names {
			out = append(out, catalog.BundleStep{BaseCode: "x", Name: n, Stage: stage})
		}
		return out
	}
	b := func(code, name string, themes, asks []string, steps ...[]catalog.BundleStep) catalog.PublishedBundle {
		return catalog.PublishedBundle{Bundle: catalog.Bundle{Code: code, Name: name, Themes: themes, AskPhrases: asks,
			Steps: slices.Concat(steps...)}, Edition: 1}
	}
	return []catalog.PublishedBundle{
		b("birth", "出生一件事", []string{"生育收养", "户籍办理"}, []string{"生孩子", "宝宝出生", "新生儿上户口", "生小孩要办什么"},
			step(1, "出生医学证明", "预防接种证办理"), step(2, "出生登记"), step(3, "城乡居民基本医疗保险参保登记", "社会保障卡申领")),
		b("restaurant", "开饭店", []string{"开办企业"}, []string{"开饭店", "开餐馆", "开饭馆", "开小吃店"},
			step(1, "个体工商户注册登记"), step(2, "食品经营许可", "公众聚集场所投入使用、营业前消防安全检查")),
		b("company", "企业开办", []string{"开办企业"}, []string{"开公司", "注册公司", "开办企业"},
			step(1, "企业设立登记"), step(2, "印章刻制备案", "发票领用", "单位参保登记", "住房公积金单位缴存登记")),
		b("retire", "退休一件事", []string{"社会保障"}, []string{"办退休", "退休手续", "领养老金"},
			step(1, "职工基本养老保险待遇申领"), step(2, "住房公积金提取（退休）")),
		b("death", "身后一件事", []string{"殡葬"}, []string{"人去世了", "去世", "家人过世", "死亡销户"},
			step(1, "户口迁出登记"), step(2, "惠民殡葬补贴申领", "住房公积金提取（退休）")),
		b("marry", "婚育一件事", []string{"婚姻登记"}, []string{"结婚", "领结婚证"},
			step(1, "结婚登记"), step(2, "生育登记")),
		b("car", "新车上牌一件事", []string{"交通出行"}, []string{"买新车上牌", "新车上牌"},
			step(1, "机动车注册登记"), step(2, "机动车检验合格标志核发")),
		b("school", "入学一件事", []string{"教育"}, []string{"孩子上学", "上小学", "入学报名"},
			step(1, "义务教育阶段新生入学登记")),
		b("unemployed", "失业一件事", []string{"就业创业"}, []string{"失业了", "没工作了"},
			step(1, "失业登记"), step(2, "失业保险金申领")),
	}
}

func bundleCodes(ms []BundleMatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Bundle.Code)
	}
	return out
}

// TestMatchBundles: how people ask for a life event finds its bundle first;
// questions about one item find none.
func TestMatchBundles(t *testing.T) {
	f := seedFixture(t)
	bs := NewBundles(testBundles())
	for _, tc := range []struct {
		q     string
		first string // "" = no bundle
	}{
		{"生孩子", "birth"},
		{"宝宝出生办什么", "birth"},
		{"宝宝出生了要办哪些手续", "birth"},
		{"生了孩子怎么上户口", "birth"},
		{"出生一件事", "birth"},
		{"开饭店", "restaurant"},
		{"开餐馆要办哪些证", "restaurant"},
		{"我想开个饭馆", "restaurant"},
		{"开公司", "company"},
		{"注册公司需要什么", "company"},
		{"退休手续", "retire"},
		{"办退休", "retire"},
		{"人去世了要办什么", "death"},
		{"家里老人去世了", "death"},
		{"新车上牌", "car"},
		{"结婚", "marry"},

		{"身份证丢了", ""},
		{"身份证", ""},
		{"公积金", ""},
		{"住房公积金提取", ""},
		{"登记", ""},
		{"证", ""},
		{"护照", ""},
		{"营业执照丢了", ""},
		{"驾驶证到期换证", ""},
		{"出生医学证明补发", ""},
		{"今天天气怎么样", ""},
		{"结婚证丢了", ""},
		{"补领结婚证", ""},
		{"社会保障卡", ""},
		{"参保登记", ""},
		{"", ""},
		{"！？", ""},
	} {
		got := f.index.MatchBundles(bs, tc.q)
		codes := bundleCodes(got)
		if testing.Verbose() {
			for _, m := range got {
				t.Logf("%s → %s %.2f", tc.q, m.Bundle.Code, m.Score)
			}
		}
		if tc.first == "" {
			if len(got) > 0 {
				t.Errorf("%q finds bundles %v, want none", tc.q, codes)
			}
			continue
		}
		if len(got) == 0 || got[0].Bundle.Code != tc.first {
			t.Errorf("%q finds %v, want %s first", tc.q, codes, tc.first)
		}
		if len(got) > MaxBundleMatches {
			t.Errorf("%q finds %d bundles, more than %d", tc.q, len(got), MaxBundleMatches)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Score > got[i-1].Score {
				t.Errorf("%q: not best first: %v", tc.q, got)
			}
		}
	}
	// The birth bundle never answers a question about an ID card.
	for _, q := range []string{"身份证丢了", "身份证丢了怎么补办", "补办身份证", "身份证过期了"} {
		if slices.Contains(bundleCodes(f.index.MatchBundles(bs, q)), "birth") {
			t.Errorf("%q finds 出生一件事", q)
		}
	}
}

// seedBundles are the bundles of the seed catalogue, their steps named by
// their entries when they have no name of their own (as web names them).
func seedBundles(t *testing.T, f *fixture) []catalog.PublishedBundle {
	t.Helper()
	bs, err := seeds.Bundles()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, e := range f.cat.Entries {
		names[e.BaseCode] = e.Name
	}
	var out []catalog.PublishedBundle
	for _, b := range bs {
		b.Steps = slices.Clone(b.Steps)
		for i, st := range b.Steps {
			if st.Name == "" {
				b.Steps[i].Name = names[st.BaseCode]
			}
		}
		out = append(out, catalog.PublishedBundle{Bundle: b, Edition: 1})
	}
	return out
}

// TestMatchSeedBundles: the questions of the issue over the seed bundles.
func TestMatchSeedBundles(t *testing.T) {
	f := seedFixture(t)
	bs := NewBundles(seedBundles(t, f))
	for _, tc := range []struct{ q, first string }{
		{"生孩子", "birth"},
		{"宝宝出生办什么", "birth"},
		{"开饭店", "restaurant"},
		{"开餐馆要办哪些证", "restaurant"},
		{"退休手续", "retire"},
		{"人去世了要办什么", "death"},
		{"开公司", "company-open"},
		{"二手房过户", "house-resale"},
		{"失业了怎么办", "unemployment"},
		{"身份证丢了", ""},
		{"身份证", ""},
		{"护照", ""},
		{"公积金", ""},
		{"结婚证丢了", ""},
	} {
		got := f.index.MatchBundles(bs, tc.q)
		if testing.Verbose() {
			for _, m := range got {
				t.Logf("%s → %s %.2f", tc.q, m.Bundle.Code, m.Score)
			}
		}
		codes := bundleCodes(got)
		if tc.first == "" {
			if slices.Contains(codes, "birth") || tc.q != "身份证丢了" && len(codes) > 0 {
				t.Errorf("%q finds %v, want none", tc.q, codes)
			}
			continue
		}
		if len(got) == 0 || got[0].Bundle.Code != tc.first {
			t.Errorf("%q finds %v, want %s first", tc.q, codes, tc.first)
		}
	}
}

// TestMatchBundlesEmpty: no bundles, no matches; a nil matcher is empty.
func TestMatchBundlesEmpty(t *testing.T) {
	f := seedFixture(t)
	if got := f.index.MatchBundles(nil, "生孩子"); got != nil {
		t.Errorf("nil matcher: %v", got)
	}
	if got := f.index.MatchBundles(NewBundles(nil), "生孩子"); got != nil {
		t.Errorf("empty matcher: %v", got)
	}
}

// TestMatchBundlesOwnWords: the matcher's rules for queries in a citizen's
// own words — a step's name said in other words, 许可证 for a step's 许可,
// a longer form of an ask phrase's word, a word of the description — and
// the precision that keeps a part of a word from counting as all of it.
func TestMatchBundlesOwnWords(t *testing.T) {
	f := seedFixture(t)
	list := testBundles()
	for i := range list {
		switch list[i].Code {
		case "restaurant":
			list[i].Description = "开饭店：先办营业执照，再办食品经营许可和营业前消防安全检查。"
		case "school":
			list[i].AskPhrases = append(list[i].AskPhrases, "一年级报名")
		}
	}
	bs := NewBundles(list)
	for _, tc := range []struct{ q, first string }{
		// 许可证 is the certificate of the step 食品经营许可, and the
		// license with it names two steps of one event.
		{"开饭馆营业执照和食品经营许可证", "restaurant"},
		// 上一年级 is a longer form of the ask phrase's 一年级.
		{"上一年级报名", "school"},
		// 企业 is half of the word 企业设立: not the company bundle.
		{"企业年报", ""},
		{"机动车", ""},
	} {
		got := bundleCodes(f.index.MatchBundles(bs, tc.q))
		if tc.first == "" {
			if len(got) > 0 {
				t.Errorf("%q finds %v, want none", tc.q, got)
			}
			continue
		}
		if len(got) == 0 || got[0] != tc.first {
			t.Errorf("%q finds %v, want %s first", tc.q, got, tc.first)
		}
	}
	if got := coverage([]string{"企业注销"}, []string{"企业"}); got != 0.5 {
		t.Errorf("coverage of 企业 in 企业注销 = %v, want 0.5", got)
	}
	if got := coverage([]string{"一年级", "报名"}, []string{"上一年级"}); got != 0.6 {
		t.Errorf("coverage of 上一年级 in 一年级报名 = %v, want 0.6", got)
	}
}
