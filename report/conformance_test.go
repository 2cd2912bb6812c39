package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/seeds"
	"zhinan/store"
)

// reportSeedStore is a store holding the seed catalogue, written through
// the real import path.
func reportSeedStore(t *testing.T) (*store.Store, *seeds.Catalogue) {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, cat.Records(), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return st, cat
}

// seedItem returns a deep copy of the seed item of an entry in a region.
func seedItem(t *testing.T, cat *seeds.Catalogue, region, baseCode string) catalog.Item {
	t.Helper()
	for _, it := range cat.Items {
		if it.Region == region && it.BaseCode == baseCode {
			b, _ := json.Marshal(it)
			var out catalog.Item
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatalf("no seed item %s in %s", baseCode, region)
	return catalog.Item{}
}

// importRecords imports items and entries through the real import path.
func importRecords(t *testing.T, st *store.Store, items []catalog.Item, entries []catalog.Entry) {
	t.Helper()
	var d catalog.Decoded
	for i := range entries {
		d.Records = append(d.Records, catalog.Record{File: "test", Line: len(d.Records) + 1, Kind: catalog.KindEntry, Entry: &entries[i]})
	}
	for i := range items {
		d.Records = append(d.Records, catalog.Record{File: "test", Line: len(d.Records) + 1, Kind: catalog.KindItem, Item: &items[i]})
	}
	res, err := st.Import(context.Background(), d, store.ImportOptions{})
	if err != nil {
		t.Fatal(err, res.Problems)
	}
}

func TestConformantName(t *testing.T) {
	for _, tc := range []struct {
		item, entry string
		want        bool
	}{
		{"食品经营许可", "食品经营许可", true},
		{"食品经营许可（新办）", "食品经营许可", true},
		{"实验动物使用许可(新申请)", "实验动物使用许可", true},
		{"实验动物使用许可(注销）", "实验动物使用许可", true},
		{" 食品经营许可（变更） ", "食品经营许可", true},
		{"食品经营许可（）", "食品经营许可", false},
		{"食品经营许可（新办）（变更）", "食品经营许可", false},
		{"食品经营许可证", "食品经营许可", false},
		{"食品经营许可新办", "食品经营许可", false},
		{"食品经营许可（新办", "食品经营许可", false},
		{"食品经营备案", "食品经营许可", false},
		{"（新办）", "", false},
	} {
		t.Run(tc.item, func(t *testing.T) {
			if got := ConformantName(tc.item, tc.entry); got != tc.want {
				t.Errorf("ConformantName(%q, %q) = %v, want %v", tc.item, tc.entry, got, tc.want)
			}
		})
	}
}

// basisKey is an independent spelling of the basis comparison: the sorted
// title|clause pairs.
func basisKey(bs []catalog.Basis) string {
	var keys []string
	for _, b := range bs {
		keys = append(keys, b.Title+"|"+b.Clause)
	}
	sort.Strings(keys)
	return strings.Join(keys, ";")
}

func TestConformanceOverTheSeeds(t *testing.T) {
	ctx := context.Background()
	st, cat := reportSeedStore(t)
	rep, err := BuildConformance(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if s.Items != len(cat.Items) || s.Entries != len(cat.Entries) {
		t.Fatalf("summary %+v: want %d items, %d entries", s, len(cat.Items), len(cat.Entries))
	}
	if s.NameDiffers != 0 || s.TypeDiffers != 0 || s.Unimplemented != 0 || s.Orphans != 0 {
		t.Errorf("the seeds have names, types, entries and items that all match: %+v", s)
	}
	// Business items keep their entry's name with a suffix: conformant.
	suffixed := 0
	entries := map[string]catalog.Entry{}
	for _, e := range cat.Entries {
		entries[e.BaseCode] = e
	}
	wantBasis := map[string]bool{}
	for _, it := range cat.Items {
		e := entries[it.BaseCode]
		if it.Name != e.Name {
			suffixed++
		}
		if basisKey(it.Basis) != basisKey(e.Basis) {
			wantBasis[it.Code] = true
		}
	}
	if suffixed == 0 {
		t.Fatal("the seeds have no 业务办理项")
	}
	// The seed entries take the basis of their first business item; three
	// later ones cite other articles (or another regulation) in every region.
	gotBasis := map[string]bool{}
	names := map[string]bool{}
	for _, ed := range rep.Deviations {
		for _, d := range ed.Items {
			if len(d.Differences) != 1 || d.Differences[0].Field != FieldBasis {
				t.Errorf("%s %s: %+v", d.Code, d.Name, d.Differences)
			}
			gotBasis[d.Code] = true
			names[d.Name] = true
		}
	}
	if fmt.Sprint(gotBasis) != fmt.Sprint(wantBasis) || s.BasisDiffers != len(wantBasis) || s.Deviating != len(wantBasis) {
		t.Errorf("basis deviations %d (summary %d), want %d", len(gotBasis), s.BasisDiffers, len(wantBasis))
	}
	if want := map[string]bool{"排污许可（延续）": true, "食品经营许可（延续）": true, "药品零售企业许可（变更）": true}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("deviating names %v, want %v", names, want)
	}
	if names["食品经营许可（新办）"] {
		t.Error("食品经营许可（新办） conforms")
	}
	if s.Conforming != len(cat.Items)-len(wantBasis) {
		t.Errorf("conforming %d, want %d", s.Conforming, len(cat.Items)-len(wantBasis))
	}
	// 排污许可（延续） cites 第十四条 where the entry cites 第十二条.
	for _, ed := range rep.Deviations {
		for _, d := range ed.Items {
			if d.Name == "排污许可（延续）" {
				diff := d.Differences[0]
				if fmt.Sprint(diff.Missing) != "[《排污许可管理条例》第十二条]" || fmt.Sprint(diff.Extra) != "[《排污许可管理条例》第十四条]" {
					t.Errorf("排污许可（延续）: missing %v extra %v", diff.Missing, diff.Extra)
				}
			}
		}
	}

	// The variance view against the data: the seeds' counties vary only
	// promised_days.
	type group struct{ base, name string }
	want := map[group]map[string]int{} // promised_days → regions
	regionsOf := map[group]map[string]bool{}
	for _, it := range cat.Items {
		g := group{it.BaseCode, it.Name}
		if want[g] == nil {
			want[g], regionsOf[g] = map[string]int{}, map[string]bool{}
		}
		want[g][fmt.Sprint(*it.PromisedDays)]++
		regionsOf[g][it.Region] = true
	}
	varying := 0
	for g, vals := range want {
		if len(vals) > 1 && len(regionsOf[g]) > 1 {
			varying++
		}
	}
	if varying == 0 || s.Varying != varying || len(rep.Variances) != varying {
		t.Fatalf("varying %d (summary %d), want %d", len(rep.Variances), s.Varying, varying)
	}
	for _, v := range rep.Variances {
		vals := want[group{v.BaseCode, v.Name}]
		if len(v.Fields) != 1 || v.Fields[0].Field != "promised_days" || len(v.Fields[0].Values) != len(vals) {
			t.Errorf("%s %s: %+v, want promised_days %v", v.BaseCode, v.Name, v.Fields, vals)
			continue
		}
		for i, val := range v.Fields[0].Values {
			if len(val.Regions) != vals[val.Value] || val.Norm != (i == 0) {
				t.Errorf("%s promised_days %s: %d regions, want %d", v.Name, val.Value, len(val.Regions), vals[val.Value])
			}
			if i > 0 && len(val.Regions) > len(v.Fields[0].Values[0].Regions) {
				t.Errorf("%s: the norm is not the most common value", v.Name)
			}
		}
	}
	// One by hand: 道路旅客运输经营许可 promises 10 days, 石泉县 and 平利县 9.
	for _, v := range rep.Variances {
		if v.BaseCode == "012033000000" {
			vals := v.Fields[0].Values
			if v.Regions != 11 || vals[0].Value != "10" || len(vals[0].Regions) != 9 || vals[1].Value != "9" ||
				fmt.Sprint(vals[1].Regions) != "[{610922 石泉县} {610926 平利县}]" {
				t.Errorf("道路旅客运输经营许可: %+v", v)
			}
		}
	}
}

func TestConformanceReportsDeviations(t *testing.T) {
	ctx := context.Background()
	st, cat := reportSeedStore(t)
	const hanyin, shiquan = "610921", "610922"

	renamed := seedItem(t, cat, hanyin, "011002000000") // 户口迁入登记
	renamed.Name = "户口迁入办理"
	suffixed := seedItem(t, cat, shiquan, "011002000000")
	// ASCII brackets: conformant.
	suffixed.Name = "户口迁入登记(投靠落户)"
	retyped := seedItem(t, cat, hanyin, "011009000000") // 普通护照签发, 行政许可
	retyped.Type = "行政确认"
	rebased := seedItem(t, cat, hanyin, "071001000000") // 出生登记
	origBasis := rebased.Basis
	rebased.Basis = append([]catalog.Basis{{Title: "《陕西省户籍管理办法》", Clause: "第九条"}}, origBasis[1:]...)
	orphan := seedItem(t, cat, hanyin, "071008000000")
	orphan.Code, orphan.BaseCode, orphan.Name = "TEST-ORPHAN-1", "209999000000", "测试无目录事项"
	longer := seedItem(t, cat, hanyin, "071005000000") // 居民身份证换领
	*longer.LegalDays += 5
	extra := seedItem(t, cat, shiquan, "071008000000") // 居住证申领
	extra.Materials = append(extra.Materials, catalog.Material{Name: "测试补充材料", Required: "必要", Form: "原件", Source: "申请人自备"})
	importRecords(t, st, []catalog.Item{renamed, suffixed, retyped, rebased, orphan, longer, extra}, []catalog.Entry{
		{BaseCode: "209998000000", Name: "测试县级目录", Type: "公共服务", Levels: []string{"县级"}},
		{BaseCode: "209997000000", Name: "测试市级目录", Type: "公共服务", Levels: []string{"市级"}},
	})

	rep, err := BuildConformance(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	find := func(code string) *Deviation {
		for _, ed := range rep.Deviations {
			for i := range ed.Items {
				if ed.Items[i].Code == code {
					return &ed.Items[i]
				}
			}
		}
		return nil
	}
	for _, tc := range []struct {
		name, code, field, item, entry string
	}{
		{"renamed", renamed.Code, FieldName, "户口迁入办理", "户口迁入登记"},
		{"retyped", retyped.Code, FieldType, "行政确认", "行政许可"},
		{"rebased", rebased.Code, FieldBasis, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := find(tc.code)
			if d == nil {
				t.Fatalf("%s not reported", tc.code)
			}
			if len(d.Differences) != 1 || d.Differences[0].Field != tc.field || d.Region != hanyin ||
				d.RegionName != "汉阴县" || d.Department != "汉阴县公安局" {
				t.Fatalf("%+v", d)
			}
			diff := d.Differences[0]
			if tc.item != "" && (diff.Item != tc.item || diff.Entry != tc.entry) {
				t.Errorf("item %q entry %q, want %q %q", diff.Item, diff.Entry, tc.item, tc.entry)
			}
			if diff.Label != catalog.Label(tc.field) {
				t.Errorf("label %q", diff.Label)
			}
		})
	}
	basis := find(rebased.Code).Differences[0]
	if want := origBasis[0].Title + origBasis[0].Clause; fmt.Sprint(basis.Missing) != "["+want+"]" ||
		fmt.Sprint(basis.Extra) != "[《陕西省户籍管理办法》第九条]" {
		t.Errorf("basis missing %v extra %v", basis.Missing, basis.Extra)
	}
	if find(suffixed.Code) != nil {
		t.Error("户口迁入登记(投靠落户) conforms")
	}
	// Reordering the bases is no deviation.
	reordered := seedItem(t, cat, shiquan, "071001000000")
	reordered.Basis = []catalog.Basis{origBasis[1], origBasis[0]}
	if len(origBasis) != 2 {
		t.Fatalf("出生登记 has %d bases", len(origBasis))
	}
	importRecords(t, st, []catalog.Item{reordered}, nil)
	rep2, err := BuildConformance(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Summary.Deviating != rep.Summary.Deviating {
		t.Errorf("reordered bases: %d deviating, want %d", rep2.Summary.Deviating, rep.Summary.Deviating)
	}

	s := rep.Summary
	if s.NameDiffers != 1 || s.TypeDiffers != 1 || s.Orphans != 1 || s.Unimplemented != 2 || s.Items != len(cat.Items)+1 {
		t.Errorf("summary %+v", s)
	}
	if len(rep.Orphans) != 1 || rep.Orphans[0].Code != "TEST-ORPHAN-1" || rep.Orphans[0].BaseCode != "209999000000" {
		t.Errorf("orphans %+v", rep.Orphans)
	}
	if len(rep.Unimplemented) != 2 || rep.Unimplemented[0].BaseCode != "209997000000" || rep.Unimplemented[1].BaseCode != "209998000000" {
		t.Errorf("unimplemented %+v", rep.Unimplemented)
	}

	// The variance view: 汉阴县's legal_days, 石泉县's materials.
	variance := func(rep *Conformance, base, field string) *FieldVariance {
		for _, v := range rep.Variances {
			if v.BaseCode == base {
				for i := range v.Fields {
					if v.Fields[i].Field == field {
						return &v.Fields[i]
					}
				}
			}
		}
		return nil
	}
	legal := variance(rep, "071005000000", "legal_days")
	orig := seedItem(t, cat, hanyin, "071005000000")
	if legal == nil || len(legal.Values) != 2 || legal.Values[0].Value != fmt.Sprint(*orig.LegalDays) || !legal.Values[0].Norm ||
		legal.Values[1].Value != fmt.Sprint(*longer.LegalDays) || fmt.Sprint(legal.Values[1].Regions) != "[{610921 汉阴县}]" || legal.Label != "法定办结时限" {
		t.Errorf("legal_days variance %+v", legal)
	}
	mats := variance(rep, "071008000000", "materials")
	if mats == nil || len(mats.Values) != 2 || fmt.Sprint(mats.Values[1].Regions) != "[{610922 石泉县}]" ||
		!strings.Contains(mats.Values[1].Value, "测试补充材料") || strings.Contains(mats.Values[0].Value, "测试补充材料") {
		t.Errorf("materials variance %+v", mats)
	}
	if v := variance(rep, "071008000000", "legal_days"); v != nil {
		t.Errorf("居住证申领 legal_days do not differ: %+v", v)
	}

	t.Run("region", func(t *testing.T) {
		rep, err := BuildConformance(ctx, st, hanyin)
		if err != nil {
			t.Fatal(err)
		}
		n := 1 // the orphan
		for _, it := range cat.Items {
			if it.Region == hanyin {
				n++
			}
		}
		if rep.Summary.Items != n || rep.Summary.Deviating != 3+2 { // renamed, retyped, rebased; 2 seed business items
			t.Errorf("汉阴县: %+v, want %d items", rep.Summary, n)
		}
		// A county report lists the county-level entry, not the city one.
		if len(rep.Unimplemented) != 1 || rep.Unimplemented[0].BaseCode != "209998000000" {
			t.Errorf("unimplemented %+v", rep.Unimplemented)
		}
		if len(rep.Variances) != 0 {
			t.Errorf("one region has no variance between regions: %+v", rep.Variances)
		}
		city, err := BuildConformance(ctx, st, "610900")
		if err != nil {
			t.Fatal(err)
		}
		if city.Summary.Items != rep2.Summary.Items || city.Summary.Varying != rep2.Summary.Varying || len(city.Unimplemented) != 2 {
			t.Errorf("安康市 and all: %+v vs %+v", city.Summary, rep2.Summary)
		}
		if _, err := BuildConformance(ctx, st, "999999"); !errors.Is(err, ErrUnknownRegion) || !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("unknown region: %v", err)
		}
	})

	t.Run("tables", func(t *testing.T) {
		tables := rep.Tables()
		want := []struct {
			name string
			rows int
		}{
			{"不一致事项", s.NameDiffers + s.TypeDiffers + s.BasisDiffers},
			{"无实施事项的目录", 2},
			{"无目录的事项", 1},
		}
		if len(tables) != 4 {
			t.Fatalf("%d tables", len(tables))
		}
		for i, w := range want {
			if tables[i].Name != w.name || len(tables[i].Rows) != w.rows {
				t.Errorf("table %d: %s with %d rows, want %s with %d", i, tables[i].Name, len(tables[i].Rows), w.name, w.rows)
			}
		}
		rows := 0
		for _, v := range rep.Variances {
			for _, f := range v.Fields {
				rows += len(f.Values)
			}
		}
		if tables[3].Name != "区县差异" || len(tables[3].Rows) != rows {
			t.Errorf("variance table %s with %d rows, want %d", tables[3].Name, len(tables[3].Rows), rows)
		}
		checkTables(t, tables)
	})
}

// checkTables checks that every column has a Chinese label and a kind and
// every row a value of that kind per column.
func checkTables(t *testing.T, tables []Table) {
	t.Helper()
	for _, tb := range tables {
		for _, c := range tb.Columns {
			if c.ID == "" || c.Label == "" || c.Label == c.ID {
				t.Errorf("%s: column %q has no Chinese label", tb.Name, c.ID)
			}
		}
		for i, r := range tb.Rows {
			if len(r) != len(tb.Columns) {
				t.Fatalf("%s row %d: %d values for %d columns", tb.Name, i, len(r), len(tb.Columns))
			}
			for j, v := range r {
				ok := false
				switch tb.Columns[j].Kind {
				case KindText:
					_, ok = v.(string)
				case KindInt:
					_, ok = v.(int)
				case KindPercent:
					_, ok = v.(Rate)
				case KindBool:
					_, ok = v.(bool)
				}
				if !ok {
					t.Fatalf("%s row %d column %s: %T", tb.Name, i, tb.Columns[j].ID, v)
				}
			}
		}
		if tb.Chart != nil {
			ids := map[string]bool{}
			for _, c := range tb.Columns {
				ids[c.ID] = true
			}
			if !ids[tb.Chart.LabelColumn] {
				t.Errorf("%s: chart label column %s", tb.Name, tb.Chart.LabelColumn)
			}
			for _, c := range tb.Chart.Columns {
				if !ids[c] {
					t.Errorf("%s: chart column %s", tb.Name, c)
				}
			}
		}
	}
}
