package report

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"zhinan/catalog"
)

func TestItemScoreOf(t *testing.T) {
	for _, tc := range []struct{ findings, want int }{{0, 100}, {1, 90}, {3, 70}, {10, 0}, {12, 0}} {
		if got := ItemScoreOf(tc.findings); got != tc.want {
			t.Errorf("ItemScoreOf(%d) = %d, want %d", tc.findings, got, tc.want)
		}
	}
}

// flawedRule reads the rule a seed template breaks from its description
// (规则3（… or SPEC §8 rule 9 …).
var flawedRule = regexp.MustCompile(`(?:规则|rule )(\d+)`)

func TestQualityOverTheSeeds(t *testing.T) {
	ctx := context.Background()
	st, cat := reportSeedStore(t)
	rep, err := BuildQuality(ctx, st, QualityFilter{})
	if err != nil {
		t.Fatal(err)
	}

	// Exactly the flawed templates' items have findings, of their rule.
	wantRule := map[string]int{}
	perRule := map[int]int{}
	for code, why := range cat.Flawed {
		m := flawedRule.FindStringSubmatch(why)
		if m == nil {
			t.Fatalf("%s: no rule in %q", code, why)
		}
		wantRule[code], _ = strconv.Atoi(m[1])
		perRule[wantRule[code]]++
	}
	if len(wantRule) == 0 {
		t.Fatal("the seeds have no flawed item")
	}
	if len(rep.Items) != len(wantRule) {
		t.Errorf("%d items with findings, want %d", len(rep.Items), len(wantRule))
	}
	for _, it := range rep.Items {
		if _, ok := wantRule[it.Code]; !ok {
			t.Errorf("%s %s has findings but is not flawed", it.Code, it.Name)
		}
		if it.Passed || it.Score != ItemScoreOf(it.Findings) {
			t.Errorf("%s: %+v", it.Code, it)
		}
	}
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		seen[f.Code] = true
		if want, ok := wantRule[f.Code]; !ok || f.Rule != want {
			t.Errorf("%s %s: rule %d (%s), want %d", f.Code, f.Name, f.Rule, f.Message, want)
		}
		if f.RuleTitle != catalog.RuleTitle(f.Rule) || f.RuleTitle == "" || f.FieldLabel != catalog.Label(f.Field) || f.Message == "" {
			t.Errorf("finding %+v", f)
		}
		if f.RegionName == "" || f.Department == "" {
			t.Errorf("finding without region name or department: %+v", f)
		}
	}
	if len(seen) != len(wantRule) {
		t.Errorf("findings on %d items, want %d", len(seen), len(wantRule))
	}
	s := rep.Summary
	if s.Items != len(cat.Items) || s.Passed != len(cat.Items)-len(wantRule) || s.Findings != len(rep.Findings) {
		t.Errorf("summary %+v", s)
	}
	if want := Percent(s.Passed, s.Items); s.Score == nil || *s.Score != *want {
		t.Errorf("score %v, want %v", s.Score, *want)
	}

	// Counts per rule: every rule listed, the flawed ones with their items.
	if len(rep.Rules) != catalog.QualityRules {
		t.Fatalf("%d rules", len(rep.Rules))
	}
	total := 0
	for i, r := range rep.Rules {
		if r.Rule != i+1 || r.Title != catalog.RuleTitle(i+1) || r.Items != perRule[r.Rule] {
			t.Errorf("rule %+v: want %d items", r, perRule[r.Rule])
		}
		if r.Items > 0 && r.Findings < r.Items {
			t.Errorf("rule %d: %d findings on %d items", r.Rule, r.Findings, r.Items)
		}
		total += r.Findings
	}
	if total != len(rep.Findings) {
		t.Errorf("rules count %d findings, want %d", total, len(rep.Findings))
	}

	// Department scores, worked by hand from the seed data: 市公安局 has 13
	// items, one of them 临时居民身份证申领 (rule 3); 市城市管理执法局 has 6,
	// two flawed (城市生活垃圾处理费征收 and 户外广告设施设置审批).
	for _, tc := range []struct {
		dept, region         string
		items, passed, score string
	}{
		{"市公安局", "610900", "13", "12", "92.31"},
		{"市城市管理执法局", "610900", "6", "4", "66.67"},
		{"汉阴县人社局", "610921", "", "", "100.00"},
	} {
		t.Run(tc.dept, func(t *testing.T) {
			for _, d := range rep.Departments {
				if d.Department == tc.dept && d.Region == tc.region {
					if d.Score == nil || fmt.Sprintf("%.2f", *d.Score) != tc.score ||
						tc.items != "" && (fmt.Sprint(d.Items) != tc.items || fmt.Sprint(d.Passed) != tc.passed) {
						t.Errorf("%+v (score %v), want %s of %s = %s", d, *d.Score, tc.passed, tc.items, tc.score)
					}
					return
				}
			}
			t.Fatalf("%s not ranked", tc.dept)
		})
	}

	// Ranked worst first, ties by name; equal scores share a rank.
	depts := map[[2]string]bool{}
	for _, it := range cat.Items {
		depts[[2]string{it.Region, it.Department}] = true
	}
	if len(rep.Departments) != len(depts) {
		t.Errorf("%d departments ranked, want %d", len(rep.Departments), len(depts))
	}
	for i := 1; i < len(rep.Departments); i++ {
		a, b := rep.Departments[i-1], rep.Departments[i]
		switch {
		case *a.Score > *b.Score, *a.Score == *b.Score && a.Department > b.Department:
			t.Errorf("rank %d %s (%v) before %s (%v)", i, a.Department, *a.Score, b.Department, *b.Score)
		case *a.Score == *b.Score && a.Rank != b.Rank, *a.Score < *b.Score && b.Rank != i+1:
			t.Errorf("ranks %d %d for %v %v", a.Rank, b.Rank, *a.Score, *b.Score)
		}
	}
	if rep.Departments[0].Rank != 1 || *rep.Departments[0].Score >= 100 {
		t.Errorf("worst department %+v", rep.Departments[0])
	}

	t.Run("tables", func(t *testing.T) {
		tables := rep.Tables()
		if len(tables) != 4 {
			t.Fatalf("%d tables", len(tables))
		}
		for i, w := range []struct {
			name string
			rows int
		}{{"指南质量问题", len(rep.Findings)}, {"部门得分", len(rep.Departments)}, {"规则统计", catalog.QualityRules}, {"一件事缺项", len(rep.BundleGaps)}} {
			if tables[i].Name != w.name || len(tables[i].Rows) != w.rows {
				t.Errorf("table %d: %s with %d rows, want %s with %d", i, tables[i].Name, len(tables[i].Rows), w.name, w.rows)
			}
		}
		checkTables(t, tables)
	})
}

func TestQualityFilters(t *testing.T) {
	ctx := context.Background()
	st, cat := reportSeedStore(t)
	for _, tc := range []struct {
		name   string
		filter QualityFilter
		keep   func(region, dept string) bool
		depts  int
	}{
		{"editor", QualityFilter{Region: "610900", Department: "市公安局"},
			func(r, d string) bool { return r == "610900" && d == "市公安局" }, 1},
		{"county", QualityFilter{Region: "610921"},
			func(r, d string) bool { return r == "610921" }, -1},
		{"department anywhere", QualityFilter{Department: "市城市管理执法局"},
			func(r, d string) bool { return d == "市城市管理执法局" }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := BuildQuality(ctx, st, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			items, flawed := 0, 0
			for _, it := range cat.Items {
				if tc.keep(it.Region, it.Department) {
					items++
					if cat.Flawed[it.Code] != "" {
						flawed++
					}
				}
			}
			if rep.Summary.Items != items || len(rep.Items) != flawed || flawed == 0 {
				t.Errorf("%+v: %d items with findings, want %d of %d", rep.Summary, len(rep.Items), flawed, items)
			}
			for _, f := range rep.Findings {
				if !tc.keep(f.Region, f.Department) {
					t.Errorf("finding of another department: %+v", f)
				}
			}
			if tc.depts > 0 && len(rep.Departments) != tc.depts {
				t.Errorf("%d departments", len(rep.Departments))
			}
		})
	}
	if _, err := BuildQuality(ctx, st, QualityFilter{Region: "610921", Department: "市公安局"}); !errors.Is(err, ErrUnknownDepartment) {
		t.Errorf("a department of another region: %v", err)
	}
	if _, err := BuildQuality(ctx, st, QualityFilter{Region: "999999"}); !errors.Is(err, ErrUnknownRegion) {
		t.Errorf("unknown region: %v", err)
	}
	empty, err := BuildQuality(ctx, st, QualityFilter{Region: "610100"}) // 西安市: no item
	if err != nil || empty.Summary.Items != 0 || empty.Summary.Score != nil || len(empty.Departments) != 0 || len(empty.Rules) != catalog.QualityRules {
		t.Errorf("a region without items: %+v, %v", empty, err)
	}
}
