package catalog

import (
	"reflect"
	"strings"
	"testing"
)

var bundleEntries = map[string]bool{"071001000000": true, "011002000000": true, "000001000000": true, "000002000000": true}

func validBundle() *Bundle {
	return &Bundle{
		Code: "birth", Name: "出生一件事", Description: "新生儿出生后一次办理", Themes: []string{"生育收养"},
		AskPhrases: []string{"生孩子", "新生儿落户"},
		Steps: []BundleStep{
			{BaseCode: "071001000000", Stage: 1},
			{BaseCode: "011002000000", Or: []string{"000001000000"}, Name: "迁入", Stage: 2},
		},
		Links: []MaterialLink{{Name: "出生医学证明", Same: []string{"新生儿出生医学证明"}}},
	}
}

func TestValidateBundle(t *testing.T) {
	if errs := ValidateBundle(validBundle(), bundleEntries); len(errs) != 0 {
		t.Fatalf("valid bundle: %v", errs)
	}
	for _, tc := range []struct {
		name  string
		edit  func(b *Bundle)
		field string
	}{
		{"code empty", func(b *Bundle) { b.Code = "" }, "code"},
		{"code chars", func(b *Bundle) { b.Code = "出生" }, "code"},
		{"code long", func(b *Bundle) { b.Code = strings.Repeat("a", MaxBundleCodeLen+1) }, "code"},
		{"name empty", func(b *Bundle) { b.Name = " " }, "name"},
		{"name two lines", func(b *Bundle) { b.Name = "出生\n一件事" }, "name"},
		{"name long", func(b *Bundle) { b.Name = strings.Repeat("名", MaxNameLen+1) }, "name"},
		{"description long", func(b *Bundle) { b.Description = strings.Repeat("字", MaxBundleDescriptionRunes+1) }, "description"},
		{"theme blank", func(b *Bundle) { b.Themes = []string{" "} }, "themes[0]"},
		{"themes many", func(b *Bundle) { b.Themes = make([]string, MaxThemes+1) }, "themes"},
		{"ask repeated", func(b *Bundle) { b.AskPhrases = []string{"生孩子", " 生孩子"} }, "ask_phrases[1]"},
		{"ask long", func(b *Bundle) { b.AskPhrases = []string{strings.Repeat("问", MaxAskPhraseRunes+1)} }, "ask_phrases[0]"},
		{"no steps", func(b *Bundle) { b.Steps = nil }, "steps"},
		{"too many steps", func(b *Bundle) { b.Steps = make([]BundleStep, MaxBundleSteps+1) }, "steps"},
		{"unknown entry", func(b *Bundle) { b.Steps[0].BaseCode = "999999999999" }, "steps[0].base_code"},
		{"empty entry", func(b *Bundle) { b.Steps[0].BaseCode = "" }, "steps[0].base_code"},
		{"unknown or", func(b *Bundle) { b.Steps[1].Or = []string{"999999999999"} }, "steps[1].or[0]"},
		{"entry twice", func(b *Bundle) { b.Steps[1].BaseCode = "071001000000" }, "steps[1].base_code"},
		{"or repeats base", func(b *Bundle) { b.Steps[1].Or = []string{"011002000000"} }, "steps[1].or[0]"},
		{"stage zero", func(b *Bundle) { b.Steps[0].Stage = 0 }, "steps[0].stage"},
		{"step name two lines", func(b *Bundle) { b.Steps[0].Name = "a\nb" }, "steps[0].name"},
		{"link no name", func(b *Bundle) { b.Links[0].Name = "" }, "links[0].name"},
		{"link no same", func(b *Bundle) { b.Links[0].Same = nil }, "links[0].same"},
		{"link blank same", func(b *Bundle) { b.Links[0].Same = []string{""} }, "links[0].same[0]"},
		{"links many", func(b *Bundle) { b.Links = make([]MaterialLink, MaxBundleLinks+1) }, "links"},
		{"form two lines", func(b *Bundle) { b.Form = "a\nb" }, "form"},
	} {
		b := validBundle()
		tc.edit(b)
		errs := ValidateBundle(b, bundleEntries)
		found := false
		for _, e := range errs {
			found = found || e.Field == tc.field
		}
		if !found {
			t.Errorf("%s: want an error on %s, got %v", tc.name, tc.field, errs)
		}
	}
	if errs := ValidateBundle(nil, nil); len(errs) != 1 {
		t.Errorf("nil bundle: %v", errs)
	}
}

func TestBundleProblems(t *testing.T) {
	b := validBundle()
	b.Steps[0].Stage = 0
	ps := BundleProblems(Record{File: "b.jsonl", Line: 3, Kind: KindBundle, Bundle: b}, bundleEntries)
	if len(ps) != 1 || ps[0].File != "b.jsonl" || ps[0].Line != 3 || ps[0].Code != "birth" || ps[0].Field != "steps[0].stage" {
		t.Fatalf("problems: %+v", ps)
	}
	if !strings.Contains(ps[0].Error(), "第3行") {
		t.Errorf("message %q", ps[0].Error())
	}
}

func TestNormalizeMaterialName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"居民身份证", "居民身份证"},
		{"身份证", "居民身份证"},
		{"申请人居民身份证", "居民身份证"},
		{"申请人身份证（复印件）", "居民身份证"},
		{"本人 居民身份证 原件", "居民身份证"},
		{"居民身份证原件及复印件", "居民身份证"},
		{"父母双方居民身份证", "父母双方居民身份证"},
		{"监护人居民身份证", "监护人居民身份证"},
		{"居民户口簿", "居民户口簿"},
		{"户口本", "居民户口簿"},
		{"户口簿(复印件)", "居民户口簿"},
		{"拟落户方居民户口簿", "拟落户方居民户口簿"},
		{"营业执照【副本】", "营业执照"},
		{"食品经营许可证正本、副本", "食品经营许可证"},
		{"社保卡", "社会保障卡"},
		{"原件", "原件"},
		{"申请人", "申请人"},
	} {
		if got := NormalizeMaterialName(tc.in); got != tc.want {
			t.Errorf("NormalizeMaterialName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func bundleItem(code string, promised, visits *int, materials ...string) *Item {
	it := &Item{Code: code, PromisedDays: promised, Visits: visits}
	for _, m := range materials {
		it.Materials = append(it.Materials, Material{Name: m, Form: "原件"})
	}
	return it
}

func TestMergeMaterials(t *testing.T) {
	b := validBundle()
	members := []BundleMember{
		{Step: BundleStep{Stage: 1}, Item: bundleItem("A", Int(0), Int(1), "出生医学证明", "父母双方居民身份证", "居民户口簿")},
		{Step: BundleStep{Stage: 1}}, // no item in the region
		{Step: BundleStep{Stage: 2}, Item: bundleItem("B", Int(5), Int(1), "申请人居民身份证", "户口本（原件）", "新生儿出生医学证明", "居民户口簿")},
		{Step: BundleStep{Stage: 2}, Item: bundleItem("C", nil, Int(0), "身份证", "父母双方居民身份证")},
	}
	got := MergeMaterials(b, members)
	type row struct {
		name  string
		steps []int
		codes []string
	}
	var rows []row
	for _, m := range got {
		rows = append(rows, row{m.Name, m.Steps, m.Codes})
	}
	want := []row{
		{"出生医学证明", []int{0, 2}, []string{"A", "B"}},
		{"父母双方居民身份证", []int{0, 3}, []string{"A", "C"}},
		{"居民户口簿", []int{0, 2}, []string{"A", "B"}},
		{"申请人居民身份证", []int{2, 3}, []string{"B", "C"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("merged:\n got %v\nwant %v", rows, want)
	}
	if got[3].Material.Name != "申请人居民身份证" || got[3].Material.Form != "原件" {
		t.Errorf("first occurrence: %+v", got[3].Material)
	}
	if MergeMaterials(nil, nil) != nil {
		t.Error("no members: want nil")
	}
}

func TestCriticalPathAndVisits(t *testing.T) {
	members := []BundleMember{
		{Step: BundleStep{Stage: 2}, Item: bundleItem("B", Int(5), Int(1))},
		{Step: BundleStep{Stage: 1}, Item: bundleItem("A", Int(3), Int(1))},
		{Step: BundleStep{Stage: 1}, Item: bundleItem("A2", Int(7), Int(2))},
		{Step: BundleStep{Stage: 3}, Item: bundleItem("C", Int(0), Int(0))},
	}
	if d, ok := CriticalPath(members); d != 12 || !ok {
		t.Errorf("CriticalPath = %d, %v; want 12, true", d, ok)
	}
	if v, ok := TotalVisits(members); v != 3 || !ok {
		t.Errorf("TotalVisits = %d, %v; want 3, true", v, ok)
	}
	members[3].Item.PromisedDays = nil
	if d, ok := CriticalPath(members); d != 12 || ok {
		t.Errorf("without promised days: %d, %v; want 12, false", d, ok)
	}
	members = append(members, BundleMember{Step: BundleStep{Stage: 4}})
	if v, ok := TotalVisits(members); v != 3 || ok {
		t.Errorf("missing item: %d, %v; want 3, false", v, ok)
	}
	if d, ok := CriticalPath(nil); d != 0 || !ok {
		t.Errorf("empty: %d, %v", d, ok)
	}
}
