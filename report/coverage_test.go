package report

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/internal/testdb"
	"zhinan/seeds"
	"zhinan/store"
)

func TestPercentRoundsHalfUp(t *testing.T) {
	for _, tc := range []struct {
		n, d int
		want string
	}{
		{719, 787, "91.36"},
		{720, 787, "91.49"},
		{440, 615, "71.54"},
		{1, 8, "12.50"},
		{1, 3, "33.33"},
		{2, 3, "66.67"},
		{1, 200000, "0.00"}, // 0.0005 → 0.00
		{1, 20000, "0.01"},  // 0.005 → 0.01 (half up)
		{5, 5, "100.00"},
	} {
		got := Percent(tc.n, tc.d)
		if got == nil || fmt.Sprintf("%.2f", *got) != tc.want {
			t.Errorf("Percent(%d, %d) = %v, want %s", tc.n, tc.d, got, tc.want)
		}
	}
	if Percent(3, 0) != nil {
		t.Error("no on-application item must give no rate")
	}
}

// openStore opens an empty store holding the seed regions: SQLite in a
// temporary data directory, or an empty PostgreSQL database when
// ZHINAN_TEST_DB names a server (see internal/testdb).
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.OpenDB(testdb.URL(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	regions, err := seeds.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureRegions(context.Background(), regions); err != nil {
		t.Fatal(err)
	}
	return st
}

// figures is a store holding a synthetic 安康 catalogue whose history
// reproduces the published figures of the seed documents, written through
// the real import path.
func figures(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	item := func(i int, region, typ string, inHall, online bool) string {
		depth := 2
		if online {
			depth = 3
		}
		b, _ := json.Marshal(map[string]any{
			"code": fmt.Sprintf("AK-%s-%04d", region, i), "base_code": fmt.Sprintf("%012d", i), "name": fmt.Sprintf("测试事项%d", i),
			"type": typ, "region": region, "department": "市行政审批服务局", "in_hall": inHall, "online_depth": depth,
		})
		return string(b)
	}
	importAt := func(at time.Time, lines []string) {
		st.Now = func() time.Time { return at }
		d := interchange.DecodeJSONL(strings.NewReader(strings.Join(lines, "\n")), "figures.jsonl")
		if len(d.Problems) > 0 {
			t.Fatal(d.Problems)
		}
		if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// 2018: 615 city items on application, 440 in the hall (71.5%); 30
	// ex-officio items; 汉阴县 has only ex-officio items.
	var y2018 []string
	for i := 0; i < 615; i++ {
		y2018 = append(y2018, item(i, "610900", "行政许可", i < 440, i < 50))
	}
	for i := 0; i < 30; i++ {
		y2018 = append(y2018, item(1000+i, "610900", "行政处罚", false, false))
		y2018 = append(y2018, item(2000+i, "610921", "行政检查", true, false))
	}
	importAt(time.Date(2018, 6, 1, 9, 0, 0, 0, time.UTC), y2018)
	// 2021: 787 city items on application, 719 of them 网上可办.
	var y2021 []string
	for i := 0; i < 787; i++ {
		y2021 = append(y2021, item(i, "610900", "公共服务", i < 600, i < 719))
	}
	importAt(time.Date(2021, 6, 1, 9, 0, 0, 0, time.UTC), y2021)
	st.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	return st
}

func findRow(t *testing.T, rep *Coverage, group string, rollup bool) Row {
	t.Helper()
	for _, r := range rep.Rows {
		if r.Group == group && r.Rollup == rollup {
			return r
		}
	}
	t.Fatalf("no row %s rollup=%v in %+v", group, rollup, rep.Rows)
	return Row{}
}

func TestCoverageReproducesThePublishedFigures(t *testing.T) {
	st := figures(t)
	ctx := context.Background()
	targets := Targets{"one_visit_rate": 60, "online_rate": 90, "in_hall_rate": 70}

	rep2018, err := BuildCoverage(ctx, st, Request{AsOf: time.Date(2018, 6, 30, 23, 0, 0, 0, time.UTC)}, targets)
	if err != nil {
		t.Fatal(err)
	}
	city := findRow(t, rep2018, "610900", false)
	if city.Items != 645 || city.OnApplication != 615 || city.InHall != 440 || *city.InHallRate != 71.54 {
		t.Fatalf("2018 市本级: %+v", city)
	}
	if *city.OnlineRate != 8.13 || !contains(city.BelowTarget, "online_rate") || contains(city.BelowTarget, "in_hall_rate") {
		t.Fatalf("2018 online rate / targets: %v %v", *city.OnlineRate, city.BelowTarget)
	}
	hanyin := findRow(t, rep2018, "610921", false)
	if hanyin.Items != 30 || hanyin.OnApplication != 0 || hanyin.InHallRate != nil || hanyin.OnlineRate != nil {
		t.Fatalf("a region with only ex-officio items must have no rate: %+v", hanyin)
	}
	total := findRow(t, rep2018, "610900", true)
	if total.Items != 675 || total.OnApplication != 615 {
		t.Fatalf("安康市 合计 2018: %+v", total)
	}

	rep2021, err := BuildCoverage(ctx, st, Request{AsOf: time.Date(2021, 6, 30, 23, 0, 0, 0, time.UTC)}, targets)
	if err != nil {
		t.Fatal(err)
	}
	city = findRow(t, rep2021, "610900", false)
	// The 2018 ex-officio items are still there: in the count, not in any denominator.
	if city.OnApplication != 787 || city.Online != 719 || *city.OnlineRate != 91.36 || city.Items != 817 {
		t.Fatalf("2021 市本级: %+v", city)
	}
	if contains(city.BelowTarget, "online_rate") {
		t.Fatal("91.36 is above the 90 target")
	}

	// By type and by department.
	byType, _ := BuildCoverage(ctx, st, Request{By: store.ByType}, targets)
	for _, r := range byType.Rows {
		if !catalog.OnApplication(r.Group) && (r.OnApplication != 0 || r.OnlineRate != nil) {
			t.Errorf("ex-officio type %s has a rate: %+v", r.Group, r)
		}
	}
	byDept, _ := BuildCoverage(ctx, st, Request{By: store.ByDepartment, Region: "610900"}, targets)
	if len(byDept.Rows) != 2 {
		t.Fatalf("departments: %+v", byDept.Rows)
	}

	// Bad requests.
	if _, err := BuildCoverage(ctx, st, Request{Region: "999999"}, targets); err != ErrUnknownRegion {
		t.Errorf("unknown region: %v", err)
	}
	if _, err := BuildCoverage(ctx, st, Request{AsOf: time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC)}, targets); err != ErrFutureDate {
		t.Errorf("future date: %v", err)
	}
	if _, err := BuildCoverage(ctx, st, Request{By: "colour"}, targets); err != ErrBadGrouping {
		t.Errorf("bad grouping: %v", err)
	}
	// Before anything was published: zero rows, not an error.
	empty, err := BuildCoverage(ctx, st, Request{AsOf: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}, targets)
	if err != nil || len(empty.Rows) != 0 {
		t.Fatalf("empty catalogue: %v %+v", err, empty.Rows)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
