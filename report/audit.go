package report

import (
	"context"
	"time"

	"zhinan/store"
)

// Groupings are the coverage groupings in the order the /audit page and
// its workbook show them: by region, by department, by type.
var Groupings = []string{store.ByRegion, store.ByDepartment, store.ByType}

// BuildCoverageSet builds the coverage report of every grouping
// (Groupings) for one request, its By ignored, all as of one instant: the
// /audit page's tables and its workbook's sheets.
func BuildCoverageSet(ctx context.Context, st *store.Store, req Request, targets Targets) ([]*Coverage, error) {
	if req.AsOf.IsZero() {
		req.AsOf = st.Now()
	}
	out := make([]*Coverage, len(Groupings))
	for i, by := range Groupings {
		req.By = by
		rep, err := BuildCoverage(ctx, st, req, targets)
		if err != nil {
			return nil, err
		}
		out[i] = rep
	}
	return out, nil
}

// CoverageTables are the tables of several coverage reports, one after
// the other: one worksheet each in XLSX.
func CoverageTables(reps []*Coverage) []Table {
	var out []Table
	for _, r := range reps {
		out = append(out, r.Tables()...)
	}
	return out
}

// Filter narrows the rows of a coverage report as the /audit page's
// tables do.
type Filter struct {
	// Department keeps the rows of the department of this name; it
	// applies to a report by department only.
	Department string `json:"department,omitempty"`
	// BelowTarget keeps the rows with at least one rate below its target.
	BelowTarget bool `json:"below_target,omitempty"`
}

// IsZero tells a filter that keeps every row.
func (f Filter) IsZero() bool { return f.Department == "" && !f.BelowTarget }

// describe is the filter as a title's suffix: ，部门：X，仅未达目标.
func (f Filter) describe() string {
	s := ""
	if f.Department != "" {
		s += listComma + labelFilterDepartment + f.Department
	}
	if f.BelowTarget {
		s += listComma + labelFilterBelow
	}
	return s
}

// Filtered returns the report with only the rows f keeps, and f recorded
// in its Filter; the report itself when f keeps every row. The department
// filter leaves a report by region or type whole.
func (c *Coverage) Filtered(f Filter) *Coverage {
	if f.IsZero() {
		return c
	}
	out := *c
	out.Filter = &f
	out.Rows = []Row{}
	for _, r := range c.Rows {
		if f.Department != "" && c.By == store.ByDepartment && r.Name != f.Department {
			continue
		}
		if f.BelowTarget && len(r.BelowTarget) == 0 {
			continue
		}
		out.Rows = append(out.Rows, r)
	}
	return &out
}

// TrendPoint is the coverage of a region as a whole (the region and every
// region below it: its 合计 row, or its own row when it has no children)
// at one instant: the end of a month, or the report's date in its month.
type TrendPoint struct {
	Month string    `json:"month"` // 2026-11
	AsOf  time.Time `json:"as_of"`
	Row   Row       `json:"row"`
}

// BuildTrend computes a region's coverage as a whole ("" for every
// region) as of the end of each of the last months months, in China time,
// up to asOf's month, whose point is as of asOf itself; oldest first. Each
// point is what BuildCoverage gives as of that instant, from the editions
// current then, so that a month's figures are reproduced by the report as
// of that month's last day (--as-of / as_of); a point before anything was
// published has no items and no rates. The bundle counts have no history
// and are left out.
func BuildTrend(ctx context.Context, st *store.Store, region string, asOf time.Time, months int, targets Targets) ([]TrendPoint, error) {
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	tree := newTree(regions)
	var within []string
	name := ""
	if region != "" {
		r, ok := tree.by[region]
		if !ok {
			return nil, ErrUnknownRegion
		}
		within, name = tree.descendants(region), r.Name
	}
	at := asOf.In(ChinaTime)
	out := make([]TrendPoint, 0, months)
	for i := months - 1; i >= 0; i-- {
		first := time.Date(at.Year(), at.Month()-time.Month(i), 1, 0, 0, 0, 0, ChinaTime)
		end := first.AddDate(0, 1, 0).Add(-time.Nanosecond)
		if end.After(at) {
			end = at
		}
		counts, err := st.CoverageCountsIn(ctx, store.ByRegion, end, within)
		if err != nil {
			return nil, err
		}
		var total store.CoverageCounts
		for _, c := range counts {
			total.Add(c)
		}
		row := rowFrom(total)
		row.Group, row.Name = region, name
		row.BelowTarget = targets.below(&row)
		out = append(out, TrendPoint{Month: first.Format("2006-01"), AsOf: end, Row: row})
	}
	return out, nil
}
