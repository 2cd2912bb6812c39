package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhinan/interchange"
	"zhinan/store"
)

// jsonRates decodes a report's JSON rows keeping each number's decimal
// text (json.Number), as an auditor reads the file.
func jsonRows(t *testing.T, rep *Coverage) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc.Rows
}

// TestCoverageWorkbook: the /audit workbook has one sheet each for the
// regions, departments and types; every rate cell is a real fraction
// whose value × 100 is the JSON's rate exactly, with a percent number
// format; each sheet's rows are the rows of the report the API serves.
func TestCoverageWorkbook(t *testing.T) {
	st := goldenStore(t)
	reps, err := BuildCoverageSet(context.Background(), st, Request{Region: "610900"}, goldenTargets)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, CoverageTables(reps)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var visible []string
	for _, s := range f.GetSheetList() {
		if v, _ := f.GetSheetVisible(s); v {
			visible = append(visible, s)
		}
	}
	if len(visible) != 3 || !strings.Contains(visible[0], "按地区") || !strings.Contains(visible[1], "按部门") || !strings.Contains(visible[2], "按事项类型") {
		t.Fatalf("visible sheets %q, want regions, departments, types", visible)
	}
	rates := 0
	for i, rep := range reps {
		// The API's document of the same request, by this grouping.
		api, err := BuildCoverage(context.Background(), st, Request{By: Groupings[i], Region: "610900", AsOf: rep.AsOf}, goldenTargets)
		if err != nil {
			t.Fatal(err)
		}
		want := jsonRows(t, api)
		sheet := visible[i]
		rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if len(rows) != len(want)+1 || len(want) < 3 {
			t.Fatalf("%s: %d rows, the API %d", sheet, len(rows)-1, len(want))
		}
		cols := rep.Tables()[0].Columns
		for r, jr := range want {
			for c, col := range cols {
				cell := ""
				if c < len(rows[r+1]) {
					cell = rows[r+1][c]
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+2)
				v := jr[col.ID]
				switch {
				case col.ID == "group" || col.ID == "name" || col.ID == "region":
					if cell != v {
						t.Errorf("%s!%s %s: %q, API %q", sheet, ref, col.ID, cell, v)
					}
				case col.Kind == KindInt && v != nil:
					if cell != v.(json.Number).String() {
						t.Errorf("%s!%s %s: %q, API %v", sheet, ref, col.ID, cell, v)
					}
				case col.Kind == KindPercent:
					if v == nil {
						if cell != "" {
							t.Errorf("%s!%s: %q for no rate", sheet, ref, cell)
						}
						continue
					}
					got, ok1 := new(big.Rat).SetString(cell)
					js, ok2 := new(big.Rat).SetString(v.(json.Number).String())
					if !ok1 || !ok2 || got.Mul(got, big.NewRat(100, 1)).Cmp(js) != 0 {
						t.Errorf("%s!%s %s: cell %q × 100 ≠ JSON %v", sheet, ref, col.ID, cell, v)
					}
					style, _ := f.GetCellStyle(sheet, ref)
					if st, _ := f.GetStyle(style); st == nil || st.NumFmt != 10 && (st.CustomNumFmt == nil || *st.CustomNumFmt != "0.00%") {
						t.Errorf("%s!%s: number format %+v, want 0.00%%", sheet, ref, st)
					}
					pct, _ := v.(json.Number).Float64()
					if shown, _ := f.GetCellValue(sheet, ref); shown != strconv.FormatFloat(pct, 'f', 2, 64)+"%" {
						t.Errorf("%s!%s shows %q for %v", sheet, ref, shown, v)
					}
					rates++
				}
			}
		}
	}
	if rates < 50 {
		t.Fatalf("only %d rate cells checked", rates)
	}
	// A rate like 79.32 is stored as 0.7932, not 79.32.
	if Fraction(79.32) != 0.7932 || fmt.Sprint(Fraction(91.36)) != "0.9136" || Fraction(100) != 1 {
		t.Errorf("Fraction: %v %v %v", Fraction(79.32), Fraction(91.36), Fraction(100))
	}
}

// TestCoverageFiltered: below target only keeps the rows with a rate
// under its target, in every grouping; the department filter keeps one
// department's row and leaves the other groupings whole; the filter is
// named in the document and the title.
func TestCoverageFiltered(t *testing.T) {
	st := goldenStore(t)
	reps, err := BuildCoverageSet(context.Background(), st, Request{Region: "610900"}, goldenTargets)
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reps {
		below := rep.Filtered(Filter{BelowTarget: true})
		n := 0
		for _, r := range rep.Rows {
			if len(r.BelowTarget) > 0 {
				n++
			}
		}
		if len(below.Rows) != n || n == 0 || n == len(rep.Rows) {
			t.Errorf("%s below target: %d rows of %d, want %d", rep.By, len(below.Rows), len(rep.Rows), n)
		}
		for _, r := range below.Rows {
			if len(r.BelowTarget) == 0 {
				t.Errorf("%s: %s is not below target", rep.By, r.Name)
			}
		}
		if below.Filter == nil || !strings.Contains(below.Tables()[0].Name, "仅未达目标") {
			t.Errorf("%s: the filter is not named: %q", rep.By, below.Tables()[0].Name)
		}
		if rep.Filtered(Filter{}) != rep {
			t.Errorf("%s: an empty filter changed the report", rep.By)
		}
		dept := rep.Filtered(Filter{Department: "汉滨区民政局"})
		switch rep.By {
		case store.ByDepartment:
			if len(dept.Rows) != 1 || dept.Rows[0].Name != "汉滨区民政局" || dept.Rows[0].Items != 25 {
				t.Errorf("department filter: %+v", dept.Rows)
			}
		default:
			if len(dept.Rows) != len(rep.Rows) {
				t.Errorf("%s: the department filter dropped rows", rep.By)
			}
		}
	}
	var js bytes.Buffer
	WriteJSON(&js, reps[1].Filtered(Filter{Department: "市公安局", BelowTarget: true}))
	if !strings.Contains(js.String(), `"filter": {`) || !strings.Contains(js.String(), `"department": "市公安局"`) {
		t.Errorf("filter not in the JSON:\n%.400s", js.String())
	}
	js.Reset()
	WriteJSON(&js, reps[1])
	if strings.Contains(js.String(), `"filter"`) {
		t.Error("an unfiltered report names a filter")
	}
}

// TestCoverageTrend: the trend by month is, for each month, the report as
// of that month's last day (the last point as of the report's instant):
// items published later are not counted in earlier months.
func TestCoverageTrend(t *testing.T) {
	ctx := context.Background()
	st := goldenStore(t) // published 2025-12-31 10:00 China time
	// Five more 汉阴县 items, published on 2026-02-10.
	st.Now = func() time.Time { return time.Date(2026, 2, 10, 4, 0, 0, 0, time.UTC) }
	var lines []string
	for i := 0; i < 5; i++ {
		b, _ := json.Marshal(map[string]any{"code": fmt.Sprintf("LATE-%d", i), "base_code": fmt.Sprintf("9%011d", i), "name": fmt.Sprintf("后来的事项%d", i),
			"type": "行政许可", "region": "610921", "department": "汉阴县公安局", "online_depth": 1, "visits": 2})
		lines = append(lines, string(b))
	}
	d := interchange.DecodeJSONL(strings.NewReader(strings.Join(lines, "\n")), "late.jsonl")
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	trend, err := BuildTrend(ctx, st, "610900", now, 5, goldenTargets)
	if err != nil {
		t.Fatal(err)
	}
	var months []string
	for _, p := range trend {
		months = append(months, p.Month+"@"+p.AsOf.Format("2006-01-02"))
	}
	if strings.Join(months, " ") != "2025-11@2025-11-30 2025-12@2025-12-31 2026-01@2026-01-31 2026-02@2026-02-28 2026-03@2026-03-05" {
		t.Fatalf("months %v", months)
	}
	if trend[0].Row.Items != 0 || trend[0].Row.OnlineRate != nil {
		t.Errorf("before anything was published: %+v", trend[0].Row)
	}
	if trend[1].Row.Items != 127 || trend[2].Row.Items != 127 || trend[3].Row.Items != 132 || trend[4].Row.Items != 132 {
		t.Errorf("items by month: %d %d %d %d", trend[1].Row.Items, trend[2].Row.Items, trend[3].Row.Items, trend[4].Row.Items)
	}
	for _, p := range trend {
		rep, err := BuildCoverage(ctx, st, Request{Region: "610900", AsOf: p.AsOf}, goldenTargets)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) == 0 {
			if p.Row.Items != 0 {
				t.Errorf("%s: %d items, the report none", p.Month, p.Row.Items)
			}
			continue
		}
		whole := rep.Rows[0] // 安康市（合计）
		for _, id := range RateIDs {
			if fmt.Sprint(deref(whole.Rate(id))) != fmt.Sprint(deref(p.Row.Rate(id))) {
				t.Errorf("%s %s: trend %v, report %v", p.Month, id, deref(p.Row.Rate(id)), deref(whole.Rate(id)))
			}
		}
		if whole.Items != p.Row.Items || whole.OnApplication != p.Row.OnApplication || strings.Join(whole.BelowTarget, ",") != strings.Join(p.Row.BelowTarget, ",") {
			t.Errorf("%s: trend %+v, report %+v", p.Month, p.Row, whole)
		}
	}
	if _, err := BuildTrend(ctx, st, "999999", now, 3, goldenTargets); err != ErrUnknownRegion {
		t.Errorf("unknown region: %v", err)
	}
}

func deref(r Rate) any {
	if r == nil {
		return nil
	}
	return *r
}
