package report

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/store"
)

// bundleFixture is a store with three regions implementing the catalogue
// and two published bundles:
//
//   - birth: A (only the city has an item: the counties fall back to it),
//     B (every region has its own), C or D (汉滨区 has C, 汉阴县 has D, the
//     city neither: a gap in the city);
//   - shop: E (only 汉滨区: a gap in the city and in 汉阴县), F (no item
//     anywhere: a gap in every region).
//
// X is an item in no bundle. Members: A-city, B-city, B-hb, B-hy, C-hb,
// D-hy (birth), E-hb (shop).
func bundleFixture(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t)
	entry := func(code, name string) catalog.Entry {
		return catalog.Entry{BaseCode: code, Name: name, Type: "公共服务", Levels: []string{"市级", "县级"}}
	}
	entries := []catalog.Entry{
		entry("BUNDLEA00001", "出生医学证明办理"), entry("BUNDLEB00001", "户口登记"),
		entry("BUNDLEC00001", "医保参保登记"), entry("BUNDLED00001", "城乡居民医保参保"),
		entry("BUNDLEE00001", "食品经营许可"), entry("BUNDLEF00001", "公共场所卫生许可"),
		entry("BUNDLEX00001", "不在一件事中的事项"),
	}
	item := func(region, dept, letter, typ string) catalog.Item {
		return catalog.Item{Code: "BT-" + region + "-" + letter, BaseCode: "BUNDLE" + letter + "00001",
			Name: "事项" + letter, Type: typ, Region: region, Department: dept}
	}
	items := []catalog.Item{
		item("610900", "市卫生健康委员会", "A", "公共服务"),
		item("610900", "市公安局", "B", "行政确认"),
		item("610900", "市公安局", "X", "行政确认"),
		item("610902", "汉滨区公安分局", "B", "行政确认"),
		item("610902", "汉滨区医疗保障局", "C", "公共服务"),
		item("610902", "汉滨区市场监督管理局", "E", "行政许可"),
		item("610921", "汉阴县公安局", "B", "行政确认"),
		item("610921", "汉阴县医疗保障局", "D", "公共服务"),
	}
	bundles := []catalog.Bundle{
		{Code: "birth", Name: "出生一件事", Steps: []catalog.BundleStep{
			{BaseCode: "BUNDLEA00001", Stage: 1},
			{BaseCode: "BUNDLEB00001", Stage: 2},
			{BaseCode: "BUNDLEC00001", Or: []string{"BUNDLED00001"}, Name: "医保参保", Stage: 2},
		}},
		{Code: "shop", Name: "开饭店一件事", Steps: []catalog.BundleStep{
			{BaseCode: "BUNDLEE00001", Stage: 1},
			{BaseCode: "BUNDLEF00001", Stage: 2},
		}},
	}
	var d catalog.Decoded
	add := func(r catalog.Record) {
		r.File, r.Line = "bundles.jsonl", len(d.Records)+1
		d.Records = append(d.Records, r)
	}
	for i := range entries {
		add(catalog.Record{Kind: catalog.KindEntry, Entry: &entries[i]})
	}
	for i := range items {
		add(catalog.Record{Kind: catalog.KindItem, Item: &items[i]})
	}
	for i := range bundles {
		add(catalog.Record{Kind: catalog.KindBundle, Bundle: &bundles[i]})
	}
	// Published on 1 December; the reports are of 31 December.
	st.Now = func() time.Time { return time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC) }
	res, err := st.Import(context.Background(), d, store.ImportOptions{})
	if err != nil {
		t.Fatal(err, res)
	}
	st.Now = func() time.Time { return goldenNow }
	if res.Bundles != len(bundles) {
		t.Fatalf("imported %d bundles, want %d: %+v", res.Bundles, len(bundles), res)
	}
	return st
}

type bundleCounts struct{ bundles, items int }

func rowBundles(t *testing.T, r Row) bundleCounts {
	t.Helper()
	if r.Bundles == nil || r.BundleItems == nil {
		t.Fatalf("row %s %s has no bundle counts", r.Group, r.Name)
	}
	return bundleCounts{*r.Bundles, *r.BundleItems}
}

func TestCoverageCountsBundles(t *testing.T) {
	st := bundleFixture(t)
	ctx := context.Background()

	rep, err := BuildCoverage(ctx, st, Request{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.PublishedBundles == nil || *rep.PublishedBundles != 2 {
		t.Fatalf("published bundles: %v", rep.PublishedBundles)
	}
	want := map[string]bundleCounts{
		"610900+": {2, 7}, // every member item, of both bundles
		"610900":  {1, 2}, // A and B of the city (birth)
		"610902":  {2, 3}, // B, C (birth) and E (shop)
		"610921":  {1, 2}, // B and D (birth)
	}
	for key, w := range want {
		r := findRow(t, rep, strings.TrimSuffix(key, "+"), strings.HasSuffix(key, "+"))
		if got := rowBundles(t, r); got != w {
			t.Errorf("%s: %+v, want %+v", key, got, w)
		}
	}

	// A region's report counts its own items only.
	hb, err := BuildCoverage(ctx, st, Request{Region: "610902"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowBundles(t, findRow(t, hb, "610902", false)); got != (bundleCounts{2, 3}) || *hb.PublishedBundles != 2 {
		t.Errorf("汉滨区: %+v of %d", got, *hb.PublishedBundles)
	}

	// By department and by type: the group's items.
	byDept, err := BuildCoverage(ctx, st, Request{By: store.ByDepartment}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range byDept.Rows {
		got := rowBundles(t, r)
		w := bundleCounts{1, 1}
		switch r.Name {
		case "市公安局":
			w = bundleCounts{1, 1} // B, not X
		case "汉滨区市场监督管理局":
			w = bundleCounts{1, 1} // E (shop)
		}
		if got != w {
			t.Errorf("department %s (%s): %+v, want %+v", r.Name, r.Region, got, w)
		}
	}
	byType, err := BuildCoverage(ctx, st, Request{By: store.ByType, Region: "610900"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bundleCounts{}
	for _, r := range byType.Rows {
		types[r.Group] = rowBundles(t, r)
	}
	if w := map[string]bundleCounts{"行政许可": {1, 1}, "行政确认": {1, 3}, "公共服务": {1, 3}}; !reflect.DeepEqual(types, w) {
		t.Errorf("by type: %+v, want %+v", types, w)
	}

	// An earlier day has no bundle counts: null, an empty cell, —.
	past, err := BuildCoverage(ctx, st, Request{AsOf: st.Now().Add(-48 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(past.Rows) != len(rep.Rows) {
		t.Fatalf("past report: %d rows, today %d", len(past.Rows), len(rep.Rows))
	}
	if past.PublishedBundles != nil {
		t.Errorf("past report: %d bundles", *past.PublishedBundles)
	}
	for _, r := range past.Rows {
		if r.Bundles != nil || r.BundleItems != nil {
			t.Errorf("past row %s: bundle counts %v %v", r.Name, r.Bundles, r.BundleItems)
		}
	}

	// Every format carries the counts.
	tables := rep.Tables()
	if !strings.Contains(tables[0].Name, "一件事2件") {
		t.Errorf("title %q", tables[0].Name)
	}
	var text, csv strings.Builder
	if err := WriteTables(&text, FormatTable, tables); err != nil {
		t.Fatal(err)
	}
	if err := WriteTables(&csv, FormatCSV, tables); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{text.String(), csv.String()} {
		if !strings.Contains(s, CountLabels["bundles"]) || !strings.Contains(s, CountLabels["bundle_items"]) {
			t.Errorf("no bundle columns:\n%s", s)
		}
	}
	// 汉滨区: 2 bundles, 3 items, then the empty 未达目标 (no targets).
	if !strings.Contains(csv.String(), ",2,3,\r\n") && !strings.Contains(csv.String(), ",2,3,\n") {
		t.Errorf("CSV without 汉滨区's counts:\n%s", csv.String())
	}
	var pastText strings.Builder
	WriteTables(&pastText, FormatTable, past.Tables())
	if strings.Contains(past.Tables()[0].Name, "一件事") {
		t.Errorf("past title %q", past.Tables()[0].Name)
	}
	var pastCSV strings.Builder
	WriteTables(&pastCSV, FormatCSV, past.Tables())
	if !strings.Contains(pastCSV.String(), ",,,") {
		t.Errorf("past CSV without empty bundle cells:\n%s", pastCSV.String())
	}
}

func TestQualityListsBundleGaps(t *testing.T) {
	st := bundleFixture(t)
	ctx := context.Background()

	rep, err := BuildQuality(ctx, st, QualityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range rep.BundleGaps {
		got = append(got, fmt.Sprintf("%s %s %d %s %s %v", g.Bundle, g.Region, g.Step, g.StepName, g.BaseCode, g.Or))
		if g.RegionName == "" || g.BundleName == "" {
			t.Errorf("gap without names: %+v", g)
		}
	}
	want := []string{
		"birth 610900 3 医保参保 BUNDLEC00001 [BUNDLED00001]",
		"shop 610900 1 食品经营许可 BUNDLEE00001 []",
		"shop 610900 2 公共场所卫生许可 BUNDLEF00001 []",
		"shop 610902 2 公共场所卫生许可 BUNDLEF00001 []",
		"shop 610921 1 食品经营许可 BUNDLEE00001 []",
		"shop 610921 2 公共场所卫生许可 BUNDLEF00001 []",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Summary.BundleGaps != len(want) || rep.Summary.Findings != len(rep.Findings) {
		t.Errorf("summary %+v", rep.Summary)
	}

	// The scope's regions only; none for a department.
	hy, err := BuildQuality(ctx, st, QualityFilter{Region: "610921"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hy.BundleGaps) != 2 || hy.BundleGaps[0].Region != "610921" {
		t.Errorf("汉阴县: %+v", hy.BundleGaps)
	}
	dept, err := BuildQuality(ctx, st, QualityFilter{Region: "610921", Department: "汉阴县公安局"})
	if err != nil {
		t.Fatal(err)
	}
	if dept.BundleGaps == nil || len(dept.BundleGaps) != 0 {
		t.Errorf("department report: %+v", dept.BundleGaps)
	}

	// The table, in every format.
	tables := rep.Tables()
	last := tables[len(tables)-1]
	if last.Name != tableBundleGaps || len(last.Rows) != len(want) {
		t.Fatalf("table %s: %d rows", last.Name, len(last.Rows))
	}
	for _, format := range []string{FormatTable, FormatCSV, FormatXLSX} {
		var b strings.Builder
		if err := WriteTables(&b, format, tables); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if format != FormatXLSX && (!strings.Contains(b.String(), "开饭店一件事") || !strings.Contains(b.String(), "BUNDLED00001")) {
			t.Errorf("%s without the gaps:\n%s", format, b.String())
		}
	}
}

// TestQualityRuleList: the report counts every rule of catalog.Quality,
// rule 13 (situational materials without situations) among them, and its
// findings flow into the report like any rule's.
func TestQualityRuleList(t *testing.T) {
	if catalog.QualityRules < 13 {
		t.Fatalf("catalog.QualityRules = %d: rule 13 (情形) is missing", catalog.QualityRules)
	}
	st := openStore(t)
	it := catalog.Item{Code: "R13-1", BaseCode: "R13000000001", Name: "测试情形事项", Type: "公共服务",
		Region: "610900", Department: "市民政局",
		Materials: []catalog.Material{{Name: "身份证", Required: "必要", Form: "原件", Source: "申请人自备"},
			{Name: "委托书（如有）", Required: "非必要", Form: "原件", Source: "申请人自备"}}}
	importRecords(t, st, []catalog.Item{it}, nil)
	rep, err := BuildQuality(context.Background(), st, QualityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rules) != catalog.QualityRules {
		t.Fatalf("%d rules, want %d", len(rep.Rules), catalog.QualityRules)
	}
	for i, r := range rep.Rules {
		if r.Rule != i+1 || r.Title == "" {
			t.Errorf("rule %d: %+v", i+1, r)
		}
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule == 13 {
			found = true
			if f.RuleTitle != catalog.RuleTitle(13) || f.Message == "" {
				t.Errorf("rule 13 finding %+v", f)
			}
		}
	}
	if !found || rep.Rules[12].Findings == 0 || rep.Rules[12].Items != 1 {
		t.Errorf("no rule 13 finding for materials 如有 without situations: %+v %+v", rep.Findings, rep.Rules[12])
	}
}

func TestBundlesToday(t *testing.T) {
	now := time.Date(2025, 12, 31, 2, 0, 0, 0, time.UTC) // 10:00 in China
	for _, tc := range []struct {
		asOf time.Time
		want bool
	}{
		{now, true},
		{now.Add(-time.Hour), true},
		{time.Date(2025, 12, 30, 16, 0, 0, 0, time.UTC), true},                    // 00:00 in China
		{time.Date(2025, 12, 30, 15, 59, 59, 0, time.UTC), false},                 // the day before
		{time.Date(2025, 12, 30, 23, 59, 59, 999999999, ChinaTime), false},        // AsOfDate of yesterday
		{time.Date(2025, 12, 31, 23, 59, 59, 999999999, ChinaTime).Add(-1), true}, // (clamped to now by AsOfDate)
	} {
		if got := bundlesToday(tc.asOf, now); got != tc.want {
			t.Errorf("bundlesToday(%v) = %v", tc.asOf, got)
		}
	}
}

// TestMembershipAgreesWithResolve: the member items loadMembership reads
// are those of store.ResolveBundle in every region that implements the
// catalogue, on the fixture and on the seed catalogue's bundles.
func TestMembershipAgreesWithResolve(t *testing.T) {
	ctx := context.Background()
	seeded, _ := reportSeedStore(t)
	for name, st := range map[string]*store.Store{"fixture": bundleFixture(t), "seeds": seeded} {
		got, err := loadMembership(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		regions, err := implementingRegions(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		resolved, err := resolveBundles(ctx, st, regions)
		if err != nil {
			t.Fatal(err)
		}
		want := membership(resolved)
		if got.published != want.published || len(got.items) != len(want.items) || len(got.items) == 0 {
			t.Fatalf("%s: %d bundles, %d members; resolved: %d, %d", name, got.published, len(got.items), want.published, len(want.items))
		}
		for code, w := range want.items {
			if g := got.items[code]; g == nil || !reflect.DeepEqual(*g, *w) {
				t.Errorf("%s: member %s: %+v, resolved %+v", name, code, g, w)
			}
		}
	}
}
