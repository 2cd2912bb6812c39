package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// TestImportCountsDepartmentsItemsCreate: the summary counts the
// departments an import creates because items name them, with those of
// department records.
func TestImportCountsDepartmentsItemsCreate(t *testing.T) {
	st, _ := openTestStore(t)
	a, b, c := catalogtest.GuideVariant(1), catalogtest.GuideVariant(2), catalogtest.GuideVariant(3)
	b.Department, c.Department = "安康市民政局", "安康市民政局"
	d := catalogtest.ItemRecords(a, b, c)
	d.Records = append(d.Records, catalog.Record{File: "t.jsonl", Line: 9, Kind: catalog.KindDepartment,
		Department: &catalog.Department{Name: "安康市医疗保障局", Region: "610900"}})
	res := mustImport(t, st, d)
	if len(res.NewDepartments) != 2 || res.Departments != 3 {
		t.Fatalf("departments %d, new %+v; want 3 counted, 2 created for items", res.Departments, res.NewDepartments)
	}
	again := mustImport(t, st, catalogtest.ItemRecords(a, b, c))
	if again.Departments != 0 || len(again.NewDepartments) != 0 {
		t.Fatalf("second import: departments %d, new %+v", again.Departments, again.NewDepartments)
	}
}

// TestImportRefusesInvisibleCharactersInNames: names of regions,
// departments, entries and items are one line of visible text: a bidi
// override (U+202E), a line or paragraph separator (U+2028, U+2029) or a
// zero-width space is refused, naming the field.
func TestImportRefusesInvisibleCharactersInNames(t *testing.T) {
	st, _ := openTestStore(t)
	item := catalogtest.GuideVariant(1)
	item.Name = "居民身份证\u202e领换"
	itemDept := catalogtest.GuideVariant(2)
	itemDept.Department = "安康市\u2028公安局"
	d := catalogtest.ItemRecords(item, itemDept)
	d.Records = append(d.Records,
		catalog.Record{File: "t.jsonl", Line: 3, Kind: catalog.KindRegion, Region: &catalog.Region{Code: "610999", Name: "测试\u2029区", Level: "县", Parent: "610900"}},
		catalog.Record{File: "t.jsonl", Line: 4, Kind: catalog.KindDepartment, Department: &catalog.Department{Name: "民政\u200b局", Region: "610900"}},
		catalog.Record{File: "t.jsonl", Line: 5, Kind: catalog.KindEntry, Entry: &catalog.Entry{BaseCode: "000111222000", Name: "\u202e许可", Type: "行政许可"}},
	)
	res, err := st.Import(context.Background(), d, ImportOptions{})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("import: %v", err)
	}
	want := map[int]string{1: "name", 2: "department", 3: "name", 4: "name", 5: "name"}
	for _, p := range res.Problems {
		if want[p.Line] != p.Field || !strings.Contains(p.Message, "U+") {
			t.Errorf("problem %+v", p)
		}
		delete(want, p.Line)
	}
	if len(want) > 0 || res.Rejected != 5 {
		t.Fatalf("rejected %d, lines without their problem: %v (problems %+v)", res.Rejected, want, res.Problems)
	}
}
