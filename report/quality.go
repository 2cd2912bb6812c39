package report

import (
	"context"
	"fmt"
	"sort"

	"zhinan/catalog"
	"zhinan/store"
)

// Guide quality (docs/contract.md#guide-quality-rules): the findings of the quality rules per item, a
// score per item and per department, and the counts per rule.

// QualityFilter narrows a quality report. Without Department it is the
// region and its descendants (all when Region is ""). With Department it is
// that one department's items, as an editor sees them: Department is the
// department's name and Region its own region (no descendants); without
// Region every department of that name is included.
type QualityFilter struct {
	Region     string
	Department string
}

// QualityReport is a guide-quality report.
type QualityReport struct {
	Region     string         `json:"region,omitempty"`
	Department string         `json:"department,omitempty"`
	Summary    QualitySummary `json:"summary"`
	// Findings are every finding of every item, by region, department and
	// item code, then in the order of catalog.Quality.
	Findings []QualityFinding `json:"findings"`
	// Items are the items with findings, in the order of Findings; an item
	// without finding scores 100 and is only counted.
	Items []ItemScore `json:"items"`
	// Departments are ranked worst first (see BuildQuality).
	Departments []DepartmentScore `json:"departments"`
	// Rules counts the findings of every rule, 1 to catalog.QualityRules.
	Rules []RuleCount `json:"rules"`
	// BundleGaps are the steps of published bundles (一件事) that resolve
	// to no item in a region of the scope that has published items, by
	// bundle code, region code and step; none with a department filter
	// (bundles belong to no department).
	BundleGaps []BundleGap `json:"bundle_gaps"`
}

// QualitySummary counts a quality report. Score is the share of items
// with no finding (percent, nil when there is no item).
type QualitySummary struct {
	Items    int  `json:"items"`
	Passed   int  `json:"passed"`
	Findings int  `json:"findings"`
	Score    Rate `json:"score"`
	// BundleGaps counts the report's bundle gaps (they are not findings
	// of any item and do not change a score).
	BundleGaps int `json:"bundle_gaps"`
}

// QualityFinding is one finding of one item.
type QualityFinding struct {
	ItemRef
	Rule       int    `json:"rule"`
	RuleTitle  string `json:"rule_title"`
	Field      string `json:"field"`
	FieldLabel string `json:"field_label"`
	Message    string `json:"message"`
}

// ItemScore is an item's quality score: 100 less 10 per finding, never
// below 0; Passed when it has no finding.
type ItemScore struct {
	ItemRef
	Findings int  `json:"findings"`
	Score    int  `json:"score"`
	Passed   bool `json:"passed"`
}

// DepartmentScore is a department's quality score: the share (percent) of
// its items with no finding.
type DepartmentScore struct {
	Rank       int    `json:"rank"` // 1 = worst; equal scores share a rank
	Department string `json:"department"`
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Items      int    `json:"items"`
	Passed     int    `json:"passed"`
	Findings   int    `json:"findings"`
	Score      Rate   `json:"score"`
}

// RuleCount is how often one rule was broken: its findings and the items
// with at least one of them.
type RuleCount struct {
	Rule     int    `json:"rule"`
	Title    string `json:"title"`
	Findings int    `json:"findings"`
	Items    int    `json:"items"`
}

// ItemScoreOf returns the score of an item with n findings: 100 less 10
// per finding, at least 0.
func ItemScoreOf(n int) int { return max(0, 100-10*n) }

// ErrUnknownDepartment is a quality filter naming a department that does
// not exist (in its region); the web layer answers it with 400.
var ErrUnknownDepartment = fmt.Errorf("%w: unknown department", catalog.ErrInvalid)

// BuildQuality computes the guide-quality report of the published items
// the filter selects (see QualityFilter): every finding of catalog.Quality,
// each item's score, each department's score, and the counts per rule.
// Departments are ranked by score, lowest first, ties by name and region.
// An unknown region is ErrUnknownRegion, an unknown department
// ErrUnknownDepartment.
func BuildQuality(ctx context.Context, st *store.Store, f QualityFilter) (*QualityReport, error) {
	t, err := loadTree(ctx, st, f.Region)
	if err != nil {
		return nil, err
	}
	rep := &QualityReport{Region: f.Region, Department: f.Department}
	type deptKey struct{ region, name string }
	depts := map[deptKey]*DepartmentScore{}
	rules := make([]RuleCount, catalog.QualityRules)
	for i := range rules {
		rules[i] = RuleCount{Rule: i + 1, Title: catalog.RuleTitle(i + 1)}
	}
	regions := map[string]bool{} // the regions of the scope with published items
	visit := func(p *catalog.Published) error {
		it := &p.Item
		rep.Summary.Items++
		regions[it.Region] = true
		k := deptKey{it.Region, it.Department}
		d := depts[k]
		if d == nil {
			d = &DepartmentScore{Department: it.Department, Region: it.Region, RegionName: t.by[it.Region].Name}
			depts[k] = d
		}
		d.Items++
		fs := catalog.Quality(it)
		if len(fs) == 0 {
			rep.Summary.Passed++
			d.Passed++
			return nil
		}
		rep.Summary.Findings += len(fs)
		d.Findings += len(fs)
		ref := ItemRef{Code: it.Code, BaseCode: it.BaseCode, Name: it.Name, Type: it.Type,
			Region: it.Region, RegionName: t.by[it.Region].Name, Department: it.Department}
		rep.Items = append(rep.Items, ItemScore{ItemRef: ref, Findings: len(fs), Score: ItemScoreOf(len(fs))})
		seen := map[int]bool{}
		for _, fd := range fs {
			rep.Findings = append(rep.Findings, QualityFinding{ItemRef: ref, Rule: fd.Rule, RuleTitle: catalog.RuleTitle(fd.Rule),
				Field: fd.Field, FieldLabel: catalog.Label(fd.Field), Message: fd.Message})
			if fd.Rule >= 1 && fd.Rule <= len(rules) {
				rules[fd.Rule-1].Findings++
				if !seen[fd.Rule] {
					seen[fd.Rule] = true
					rules[fd.Rule-1].Items++
				}
			}
		}
		return nil
	}
	if f.Department != "" {
		if err := checkDepartment(ctx, st, f); err != nil {
			return nil, err
		}
		err = st.EachPublished(ctx, catalog.ExportFilter{Region: f.Region, Department: f.Department}, visit)
	} else {
		err = eachInScope(ctx, st, t, f.Region, visit)
	}
	if err != nil {
		return nil, err
	}
	rep.BundleGaps = []BundleGap{}
	if f.Department == "" {
		codes := make([]string, 0, len(regions))
		for r := range regions {
			codes = append(codes, r)
		}
		sort.Strings(codes)
		if rep.BundleGaps, err = loadBundleGaps(ctx, st, t, codes); err != nil {
			return nil, err
		}
	}
	rep.Summary.BundleGaps = len(rep.BundleGaps)

	rep.Summary.Score = Percent(rep.Summary.Passed, rep.Summary.Items)
	rep.Rules = rules
	sort.SliceStable(rep.Items, func(i, j int) bool { return itemLess(&rep.Items[i].ItemRef, &rep.Items[j].ItemRef) })
	sort.SliceStable(rep.Findings, func(i, j int) bool { return itemLess(&rep.Findings[i].ItemRef, &rep.Findings[j].ItemRef) })
	for _, d := range depts {
		d.Score = Percent(d.Passed, d.Items)
		rep.Departments = append(rep.Departments, *d)
	}
	sort.Slice(rep.Departments, func(i, j int) bool {
		a, b := &rep.Departments[i], &rep.Departments[j]
		if sa, sb := rateValue(a.Score), rateValue(b.Score); sa != sb {
			return sa < sb
		}
		return a.Department < b.Department || a.Department == b.Department && a.Region < b.Region
	})
	for i := range rep.Departments {
		d := &rep.Departments[i]
		d.Rank = i + 1
		if i > 0 && rateValue(rep.Departments[i-1].Score) == rateValue(d.Score) {
			d.Rank = rep.Departments[i-1].Rank
		}
	}
	if rep.Findings == nil {
		rep.Findings = []QualityFinding{}
	}
	if rep.Items == nil {
		rep.Items = []ItemScore{}
	}
	if rep.Departments == nil {
		rep.Departments = []DepartmentScore{}
	}
	return rep, nil
}

// checkDepartment reports ErrUnknownDepartment when no department of the
// filter's name exists (in its region, when given).
func checkDepartment(ctx context.Context, st *store.Store, f QualityFilter) error {
	depts, err := st.Departments(ctx, f.Region)
	if err != nil {
		return err
	}
	for _, d := range depts {
		if d.Name == f.Department {
			return nil
		}
	}
	return ErrUnknownDepartment
}

// itemLess orders items by region, department and code.
func itemLess(a, b *ItemRef) bool {
	if a.Region != b.Region {
		return a.Region < b.Region
	}
	if a.Department != b.Department {
		return a.Department < b.Department
	}
	return a.Code < b.Code
}

// rateValue returns a rate's value; no rate ranks last.
func rateValue(r Rate) float64 {
	if r == nil {
		return 101
	}
	return *r
}

// Tables returns the report as tables: 指南质量问题 (one row per finding),
// 部门得分 (ranked, with a chart of the scores), 规则统计 and 一件事缺项
// (one row per bundle gap).
func (q *QualityReport) Tables() []Table {
	col := func(id, kind string) Column { return Column{ID: id, Label: qualityLabels[id], Kind: kind} }

	findings := Table{Name: tableFindings, Columns: []Column{
		col("code", KindText), col("name", KindText), col("region", KindText), col("region_name", KindText),
		col("department", KindText), col("rule", KindInt), col("rule_title", KindText), col("field", KindText),
		col("field_label", KindText), col("message", KindText),
	}, Rows: [][]any{}}
	for _, f := range q.Findings {
		findings.Rows = append(findings.Rows, []any{f.Code, f.Name, f.Region, f.RegionName, f.Department,
			f.Rule, f.RuleTitle, f.Field, f.FieldLabel, f.Message})
	}

	depts := Table{Name: tableDepartmentScores, Columns: []Column{
		col("rank", KindInt), col("department", KindText), col("region", KindText), col("region_name", KindText),
		col("items", KindInt), col("passed", KindInt), col("findings", KindInt), col("score", KindPercent),
	}, Rows: [][]any{}, Chart: &Chart{Title: chartDepartmentScores, LabelColumn: "department", Columns: []string{"score"}}}
	for _, d := range q.Departments {
		depts.Rows = append(depts.Rows, []any{d.Rank, d.Department, d.Region, d.RegionName, d.Items, d.Passed, d.Findings, d.Score})
	}

	rules := Table{Name: tableRuleCounts, Columns: []Column{
		col("rule", KindInt), col("rule_title", KindText), col("findings", KindInt), col("items", KindInt),
	}, Rows: [][]any{}}
	for _, r := range q.Rules {
		rules.Rows = append(rules.Rows, []any{r.Rule, r.Title, r.Findings, r.Items})
	}
	return []Table{findings, depts, rules, bundleGapTable(q.BundleGaps)}
}
