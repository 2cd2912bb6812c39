package report

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhinan/catalog"
	"zhinan/store"
)

// Rate is a coverage percentage rounded half-up to two decimals; nil when
// the group has no on-application item (no rate, never 0).
type Rate = *float64

// Row is one group's counts and rates (docs/contract.md#coverage-ratios, the coverage API's row).
type Row struct {
	Group  string `json:"group"` // region code, department name, or type
	Name   string `json:"name"`
	Region string `json:"region,omitempty"` // a department's region
	// Rollup tells a region's 合计 row (the region and all its descendants)
	// from its 本级 row (the items of the region itself).
	Rollup         bool `json:"rollup"`
	Items          int  `json:"items"`
	OnApplication  int  `json:"on_application"`
	Online         int  `json:"online"`
	OnlineRate     Rate `json:"online_rate"`
	FullOnline     int  `json:"full_online"`
	FullOnlineRate Rate `json:"full_online_rate"`
	OneVisit       int  `json:"one_visit"`
	OneVisitRate   Rate `json:"one_visit_rate"`
	ZeroVisit      int  `json:"zero_visit"`
	ZeroVisitRate  Rate `json:"zero_visit_rate"`
	Immediate      int  `json:"immediate"`
	ImmediateRate  Rate `json:"immediate_rate"`
	InHall         int  `json:"in_hall"`
	InHallRate     Rate `json:"in_hall_rate"`
	Nearby         int  `json:"nearby"`
	NearbyRate     Rate `json:"nearby_rate"`
	// Bundles and BundleItems are the bundle counts (docs/reports.md#bundles):
	// the published bundles that have a member among the row's items, and
	// the row's items that are a member of some published bundle; null
	// for a report as of an earlier day than today.
	Bundles     Count    `json:"bundles"`
	BundleItems Count    `json:"bundle_items"`
	BelowTarget []string `json:"below_target,omitempty"` // rate ids under their target
	depth       int
}

// Coverage is a coverage report: rows of one grouping as of a date.
type Coverage struct {
	AsOf    time.Time `json:"as_of"`
	By      string    `json:"by"`
	Region  string    `json:"region,omitempty"`
	Targets Targets   `json:"targets"`
	// PublishedBundles is the number of published bundles (一件事); null
	// for a report as of an earlier day than today, like the rows' bundle
	// counts.
	PublishedBundles Count `json:"published_bundles"`
	// Filter, when set, says which rows a filtered report (an /audit
	// download) kept; the API's document has none.
	Filter *Filter `json:"filter,omitempty"`
	Rows   []Row   `json:"rows"`
}

// RateIDs are the rates of a row, in report order.
var RateIDs = []string{"online_rate", "full_online_rate", "one_visit_rate", "zero_visit_rate", "immediate_rate", "in_hall_rate", "nearby_rate"}

// Percent returns n/d as a percentage rounded half-up to two decimals, or
// nil when d is 0. It rounds in exact rational arithmetic: 719 of 787 is
// 91.36, and a binary float never turns x.xx5 into x.xx4.
func Percent(n, d int) Rate {
	if d == 0 {
		return nil
	}
	// round(n*10000/d)/100 with half-up on exact rationals.
	r := new(big.Rat).SetFrac64(int64(n)*10000, int64(d))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // floor(x + 1/2), x ≥ 0
	f, _ := strconv.ParseFloat(new(big.Rat).SetFrac(q, big.NewInt(100)).FloatString(2), 64)
	return &f
}

func rowFrom(c store.CoverageCounts) Row {
	return Row{
		Items: c.Items, OnApplication: c.OnApplication,
		Online: c.Online, OnlineRate: Percent(c.Online, c.OnApplication),
		FullOnline: c.FullOnline, FullOnlineRate: Percent(c.FullOnline, c.OnApplication),
		OneVisit: c.OneVisit, OneVisitRate: Percent(c.OneVisit, c.OnApplication),
		ZeroVisit: c.ZeroVisit, ZeroVisitRate: Percent(c.ZeroVisit, c.OnApplication),
		Immediate: c.Immediate, ImmediateRate: Percent(c.Immediate, c.OnApplication),
		InHall: c.InHall, InHallRate: Percent(c.InHall, c.OnApplication),
		Nearby: c.Nearby, NearbyRate: Percent(c.Nearby, c.OnApplication),
	}
}

// Rate returns a row's rate by id (one of RateIDs), nil when it has none.
func (r *Row) Rate(id string) Rate {
	switch id {
	case "online_rate":
		return r.OnlineRate
	case "full_online_rate":
		return r.FullOnlineRate
	case "one_visit_rate":
		return r.OneVisitRate
	case "zero_visit_rate":
		return r.ZeroVisitRate
	case "immediate_rate":
		return r.ImmediateRate
	case "in_hall_rate":
		return r.InHallRate
	case "nearby_rate":
		return r.NearbyRate
	}
	return nil
}

// Request is what a coverage report is asked for.
type Request struct {
	By     string    // region (default), department or type
	Region string    // only this region and its descendants ("" = all)
	AsOf   time.Time // zero = now
}

// Errors of a coverage request; the web layer answers them with 400.
var (
	ErrBadGrouping   = fmt.Errorf("%w: by must be region, department or type", catalog.ErrInvalid)
	ErrUnknownRegion = fmt.Errorf("%w: unknown region", catalog.ErrInvalid)
	ErrFutureDate    = fmt.Errorf("%w: as_of is in the future", catalog.ErrInvalid)
)

// BuildCoverage computes a coverage report from the store.
func BuildCoverage(ctx context.Context, st *store.Store, req Request, targets Targets) (*Coverage, error) {
	now := st.Now()
	if req.By == "" {
		req.By = store.ByRegion
	}
	if req.By != store.ByRegion && req.By != store.ByDepartment && req.By != store.ByType {
		return nil, ErrBadGrouping
	}
	if req.AsOf.IsZero() {
		req.AsOf = now
	} else if req.AsOf.After(now) {
		return nil, ErrFutureDate
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	tree := newTree(regions)
	if req.Region != "" {
		if _, ok := tree.by[req.Region]; !ok {
			return nil, ErrUnknownRegion
		}
	}
	counts, err := st.CoverageCounts(ctx, req.By, req.AsOf)
	if err != nil {
		return nil, err
	}
	rep := &Coverage{AsOf: req.AsOf.In(ChinaTime), By: req.By, Region: req.Region, Targets: targets}
	switch req.By {
	case store.ByRegion:
		rep.Rows = tree.regionRows(counts, req.Region)
	case store.ByDepartment:
		depts, err := st.Departments(ctx, "")
		if err != nil {
			return nil, err
		}
		byID := map[string]catalog.Department{}
		for _, d := range depts {
			byID[strconv.FormatUint(uint64(d.ID), 10)] = d
		}
		for _, c := range counts {
			d := byID[c.Group]
			if req.Region != "" && !tree.within(d.Region, req.Region) {
				continue
			}
			r := rowFrom(c)
			r.Group, r.Name, r.Region = d.Name, d.Name, d.Region
			rep.Rows = append(rep.Rows, r)
		}
		sort.SliceStable(rep.Rows, func(i, j int) bool {
			a, b := rep.Rows[i], rep.Rows[j]
			return a.Region < b.Region || a.Region == b.Region && a.Name < b.Name
		})
	case store.ByType:
		if req.Region != "" {
			// Types within a region need the region filter in SQL; the
			// type grouping is over the whole store otherwise.
			counts, err = st.CoverageCountsIn(ctx, store.ByType, req.AsOf, tree.descendants(req.Region))
			if err != nil {
				return nil, err
			}
		}
		order := map[string]int{}
		for i, t := range catalog.Types {
			order[t] = i
		}
		for _, c := range counts {
			r := rowFrom(c)
			r.Group, r.Name = c.Group, c.Group
			rep.Rows = append(rep.Rows, r)
		}
		sort.SliceStable(rep.Rows, func(i, j int) bool { return order[rep.Rows[i].Group] < order[rep.Rows[j].Group] })
	}
	for i := range rep.Rows {
		rep.Rows[i].BelowTarget = targets.below(&rep.Rows[i])
	}
	if bundlesToday(req.AsOf, now) {
		m, err := loadMembership(ctx, st)
		if err != nil {
			return nil, err
		}
		addBundleCounts(rep, m, tree)
	}
	if rep.Rows == nil {
		rep.Rows = []Row{}
	}
	return rep, nil
}

// tree is the region hierarchy.
type tree struct {
	by   map[string]catalog.Region
	kids map[string][]string
}

func newTree(regions []catalog.Region) *tree {
	t := &tree{by: map[string]catalog.Region{}, kids: map[string][]string{}}
	for _, r := range regions {
		t.by[r.Code] = r
		t.kids[r.Parent] = append(t.kids[r.Parent], r.Code)
	}
	return t
}

func (t *tree) within(code, ancestor string) bool {
	for d := 0; code != "" && d < 8; d++ {
		if code == ancestor {
			return true
		}
		code = t.by[code].Parent
	}
	return false
}

// descendants returns a region and every region below it.
func (t *tree) descendants(code string) []string {
	out := []string{code}
	for i := 0; i < len(out); i++ {
		out = append(out, t.kids[out[i]]...)
	}
	return out
}

// regionRows builds, for every region with items (and their ancestors), a
// 本级 row of its own items and, for a region with children that have
// items, a 合计 rollup row; ordered as a tree, the rollup first.
func (t *tree) regionRows(counts []store.CoverageCounts, root string) []Row {
	own := map[string]store.CoverageCounts{}
	total := map[string]*store.CoverageCounts{}
	hasKids := map[string]bool{}
	for _, c := range counts {
		own[c.Group] = c
		for code, child := c.Group, ""; code != ""; child, code = code, t.by[code].Parent {
			if total[code] == nil {
				total[code] = &store.CoverageCounts{Group: code}
			}
			total[code].Add(c)
			if child != "" {
				hasKids[code] = true
			}
			if _, ok := t.by[code]; !ok {
				break
			}
		}
	}
	var out []Row
	var walk func(code string, depth int)
	walk = func(code string, depth int) {
		tot, ok := total[code]
		if !ok {
			return
		}
		name := t.by[code].Name
		if hasKids[code] {
			r := rowFrom(*tot)
			r.Group, r.Name, r.Rollup, r.depth = code, name+labelRollup, true, depth
			out = append(out, r)
		}
		if c, ok := own[code]; ok || hasKids[code] {
			r := rowFrom(c)
			r.Group, r.Name, r.depth = code, name, depth
			if hasKids[code] {
				r.Name = name + labelOwn
			}
			out = append(out, r)
		}
		kids := append([]string(nil), t.kids[code]...)
		sort.Strings(kids)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	if root != "" {
		walk(root, 0)
		return out
	}
	var tops []string
	for code := range total {
		if p := t.by[code].Parent; p == "" || total[p] == nil {
			tops = append(tops, code)
		}
	}
	sort.Strings(tops)
	for _, c := range tops {
		walk(c, 0)
	}
	return out
}

// ChinaTime is the time zone report dates are given in.
var ChinaTime = time.FixedZone("CST", 8*3600)

// ErrBadDate is a malformed as-of date.
var ErrBadDate = fmt.Errorf("%w: as_of must be a date like 2021-06-30", catalog.ErrInvalid)

// AsOfDate reads a report date (YYYY-MM-DD): the end of that day in China
// time, or now when the day is today. A later day is ErrFutureDate.
func AsOfDate(v string, now time.Time) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", v, ChinaTime)
	if err != nil {
		return time.Time{}, ErrBadDate
	}
	end := d.Add(24*time.Hour - time.Nanosecond)
	if end.After(now) {
		if d.After(now) {
			return time.Time{}, ErrFutureDate
		}
		return now, nil
	}
	return end, nil
}

// Tables returns the coverage report as one table: 分组, 名称, (所属区划
// for departments,) 合计行, the counts, each classification's count and
// rate in the order of the JSON, and 未达目标. Its chart shows 网上可办率,
// 最多跑一次比例 and 进驻率 by 名称, for the groups that have rates (some
// on-application item). By region the chart shows the 本级 rows only:
// they partition the items, so each bar is one region's own items and no
// item is counted twice (a 合计 row would repeat its children's items
// beside their own bars).
func (c *Coverage) Tables() []Table {
	cols := []Column{
		{ID: "group", Label: CountLabels["group"], Kind: KindText},
		{ID: "name", Label: CountLabels["name"], Kind: KindText},
	}
	if c.By == store.ByDepartment {
		cols = append(cols, Column{ID: "region", Label: labelRegion, Kind: KindText})
	}
	cols = append(cols,
		Column{ID: "rollup", Label: CountLabels["rollup"], Kind: KindBool},
		Column{ID: "items", Label: CountLabels["items"], Kind: KindInt},
		Column{ID: "on_application", Label: CountLabels["on_application"], Kind: KindInt},
	)
	for _, id := range RateIDs {
		count := strings.TrimSuffix(id, "_rate")
		cols = append(cols,
			Column{ID: count, Label: CountLabels[count], Kind: KindInt},
			Column{ID: id, Label: RateLabels[id], Kind: KindPercent})
	}
	cols = append(cols,
		Column{ID: "bundles", Label: CountLabels["bundles"], Kind: KindInt},
		Column{ID: "bundle_items", Label: CountLabels["bundle_items"], Kind: KindInt},
		Column{ID: "below_target", Label: CountLabels["below_target"], Kind: KindText})

	rows := make([][]any, len(c.Rows))
	charted := []int{}
	for i := range c.Rows {
		r := &c.Rows[i]
		row := []any{r.Group, r.Name}
		if c.By == store.ByDepartment {
			row = append(row, r.Region)
		}
		row = append(row, r.Rollup, r.Items, r.OnApplication)
		for _, id := range RateIDs {
			row = append(row, r.count(strings.TrimSuffix(id, "_rate")), r.Rate(id))
		}
		below := make([]string, len(r.BelowTarget))
		for j, id := range r.BelowTarget {
			below[j] = RateLabels[id]
		}
		rows[i] = append(row, countCell(r.Bundles), countCell(r.BundleItems), strings.Join(below, listSep))
		if r.OnApplication > 0 && (c.By != store.ByRegion || !r.Rollup) {
			charted = append(charted, i)
		}
	}
	chartRates := []string{"online_rate", "one_visit_rate", "in_hall_rate"}
	names := make([]string, len(chartRates))
	for i, id := range chartRates {
		names[i] = RateLabels[id]
	}
	chart := &Chart{
		Title:       fmt.Sprintf(coverageChartTitle, chartGroupLabels[c.By], strings.Join(names, listSep)),
		LabelColumn: "name",
		Columns:     chartRates,
	}
	if len(charted) < len(rows) {
		chart.Rows = charted
	}
	by := byLabels[c.By]
	if by == "" {
		by = c.By
	}
	title := fmt.Sprintf(coverageTitle, by, c.AsOf.In(ChinaTime).Format(time.DateOnly))
	if c.PublishedBundles != nil {
		title = fmt.Sprintf(coverageTitleBundles, by, c.AsOf.In(ChinaTime).Format(time.DateOnly), *c.PublishedBundles)
	}
	if c.Filter != nil {
		title = strings.TrimSuffix(title, "）") + c.Filter.describe() + "）"
	}
	return []Table{{
		Name:    title,
		Columns: cols,
		Rows:    rows,
		Chart:   chart,
	}}
}

// count returns a row's count by id (the rate id without "_rate").
func (r *Row) count(id string) int {
	switch id {
	case "online":
		return r.Online
	case "full_online":
		return r.FullOnline
	case "one_visit":
		return r.OneVisit
	case "zero_visit":
		return r.ZeroVisit
	case "immediate":
		return r.Immediate
	case "in_hall":
		return r.InHall
	case "nearby":
		return r.Nearby
	}
	return 0
}
