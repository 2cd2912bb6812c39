package interchange

import (
	"bytes"
	"context"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// storeSituationItem is a valid guide with situations: one material only
// some applicants bring, one others are spared.
func storeSituationItem() *catalog.Item {
	it := catalogtest.GuideVariant(3)
	it.Materials = append(it.Materials, catalog.Material{Name: "委托书", Required: "必要", Form: "原件", Copies: catalog.Int(1), Source: "申请人自备"})
	it.Situations = []catalog.Situation{
		{ID: "who", Question: "谁来办理？", Options: []catalog.Option{
			{ID: "self", Label: "本人办理"},
			{ID: "agent", Label: "委托他人办理", Add: []string{"委托书"}, Note: "受托人携带本人身份证", Visits: catalog.Int(1),
				Steps: []catalog.Step{{Name: "核验委托", Days: catalog.Int(1)}}},
		}},
		{ID: "book", Question: "户口簿在身边吗？", Multiple: true, Options: []catalog.Option{
			{ID: "no", Label: "不在身边", Remove: []string{"居民户口簿"}, Fee: &catalog.Fee{Charged: false}},
			{ID: "lost", Label: "已遗失", Remove: []string{"居民户口簿"}, Note: "可由窗口核验户籍信息"},
		}},
	}
	return it
}

// TestSituationsAndBundlesThroughTheStore: export → import into an empty
// store → export gives identical bytes (JSON Lines, CSV) or values (XLSX)
// with situations and bundles. The bundles' steps are the entries of the
// exported items, which an export carries.
func TestSituationsAndBundlesThroughTheStore(t *testing.T) {
	it := storeSituationItem()
	if errs := catalog.Validate(it); len(errs) > 0 {
		t.Fatalf("the fixture is not valid: %v", errs)
	}
	other := catalogtest.GuideVariant(4)
	other.BaseCode = "071000100001"
	entry := func(code string) catalog.Record {
		return catalog.Record{File: "t.jsonl", Kind: catalog.KindEntry, Entry: &catalog.Entry{BaseCode: code, Name: "居民身份证换领", Type: it.Type}}
	}
	bundle := &catalog.Bundle{Code: "id-card", Name: "身份证一件事", Themes: []string{"户籍办理"}, AskPhrases: []string{"换身份证"},
		Steps: []catalog.BundleStep{{BaseCode: it.BaseCode, Name: "换领", Stage: 1}, {BaseCode: other.BaseCode, Stage: 2}},
		Links: []catalog.MaterialLink{{Name: "居民身份证", Same: []string{"原居民身份证"}}}}
	if errs := catalog.ValidateBundle(bundle, map[string]bool{it.BaseCode: true, other.BaseCode: true}); len(errs) > 0 {
		t.Fatalf("the bundle is not valid: %v", errs)
	}
	in := catalogtest.ItemRecords(it, other)
	in.Records = append([]catalog.Record{entry(it.BaseCode), entry(other.BaseCode)}, in.Records...)
	in.Records = append(in.Records, catalog.Record{File: "t.jsonl", Line: 9, Kind: catalog.KindBundle, Bundle: bundle})

	ctx := context.Background()
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			st := openTestStore(t)
			mustImport(t, st, in)
			var first bytes.Buffer
			if _, err := Export(ctx, &first, format, st, catalog.ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			d := decodeBytes(t, format, first.Bytes())
			requireNoProblems(t, d)
			var bundles int
			for _, r := range d.Records {
				if r.Bundle != nil {
					bundles++
				}
			}
			if bundles == 0 && format != "csv" {
				t.Skip("the store's import keeps no bundles yet (store.Import, EachPublishedBundle)")
			}
			st2 := openTestStore(t)
			if format != "jsonl" {
				// Spreadsheets hold no catalogue entries: the bundles'
				// steps need them, from the store or a JSON Lines file.
				d.Records = append(in.Records[:2:2], d.Records...)
			}
			mustImport(t, st2, d)
			var second bytes.Buffer
			if _, err := Export(ctx, &second, format, st2, catalog.ExportFilter{}); err != nil {
				t.Fatal(err)
			}
			if format == "xlsx" {
				if a, b := sheetValues(t, first.Bytes()), sheetValues(t, second.Bytes()); a != b {
					t.Fatalf("xlsx values differ after a round trip:\n%s\n---\n%s", a, b)
				}
			} else if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Fatalf("export → import → export differs:\n%s\n---\n%s", first.String(), second.String())
			}
			for _, r := range d.Records {
				if r.Item != nil && r.Item.Code == it.Code {
					requireSameItems(t, []*catalog.Item{r.Item}, []*catalog.Item{it})
				}
				if r.Bundle != nil && !bytes.Equal(mustJSON(t, r.Bundle), mustJSON(t, bundle)) {
					t.Errorf("bundle %s, want %s", mustJSON(t, r.Bundle), mustJSON(t, bundle))
				}
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := catalog.CanonicalJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBundleEntriesWithoutItemsAreExported: a whole-catalogue JSON Lines
// export carries the entries its bundles name even when no item implements
// them, so that it imports into an empty store (the store's References
// lists them).
func TestBundleEntriesWithoutItemsAreExported(t *testing.T) {
	it := catalogtest.GuideVariant(3)
	entry := func(code string) catalog.Record {
		return catalog.Record{File: "t.jsonl", Kind: catalog.KindEntry, Entry: &catalog.Entry{BaseCode: code, Name: "某事项", Type: it.Type}}
	}
	in := catalogtest.ItemRecords(it)
	in.Records = append([]catalog.Record{entry(it.BaseCode), entry("999999999999")}, in.Records...)
	in.Records = append(in.Records, catalog.Record{File: "t.jsonl", Kind: catalog.KindBundle, Bundle: &catalog.Bundle{Code: "b", Name: "某一件事",
		Steps: []catalog.BundleStep{{BaseCode: it.BaseCode, Stage: 1}, {BaseCode: "999999999999", Stage: 2}}}})
	st := openTestStore(t)
	mustImport(t, st, in)
	var buf bytes.Buffer
	if _, err := Export(context.Background(), &buf, "jsonl", st, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"kind":"bundle"`)) {
		t.Skip("the store exports no bundles yet")
	}
	if !bytes.Contains(buf.Bytes(), []byte(`{"kind":"entry","base_code":"999999999999"`)) {
		t.Fatal("the export lacks the entry only a bundle names: it does not import into an empty store")
	}
	mustImport(t, openTestStore(t), DecodeJSONL(bytes.NewReader(buf.Bytes()), "x.jsonl"))
}
