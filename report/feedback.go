package report

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"zhinan/catalog"
	"zhinan/feedback"
	"zhinan/store"
)

// The feedback report (docs/contract.md#feedback-figures): ratings (好差评)
// and tickets (差评, 指南有误, 办不成事) of a date range by department, item
// or region, and the most frequent unanswered searches of each week. Only
// counts and rates: no comment, no text a citizen wrote, no contact.

// UnansweredPerWeek is how many unanswered searches of each week the
// feedback report lists.
const UnansweredPerWeek = 20

// FeedbackGroupings are the groupings of the feedback report, the default
// first.
var FeedbackGroupings = []string{store.ByDepartment, store.ByItem, store.ByRegion}

// FeedbackRequest is what a feedback report is asked for.
type FeedbackRequest struct {
	By     string // department (default), item or region
	Region string // this region and the regions below it ("" = every region)
	// From and To are days, YYYY-MM-DD in China time, both included: the
	// ratings given and the tickets filed from the beginning of From to
	// the end of To. "" leaves that end open.
	From, To string
	// Site is the site's own region. Ratings and tickets without a
	// region — of bundles (一件事), and 办不成事 reports that name no item,
	// all the hall's — are counted in the reports of every region and of
	// the regions the site's region lies in (the site's own included);
	// with Site "" only in the report of every region.
	Site string
}

// Errors of a feedback request; the web layer answers them with 400.
var (
	ErrBadFeedbackGrouping = fmt.Errorf("%w: by must be department, item or region", catalog.ErrInvalid)
	ErrBadFrom             = fmt.Errorf("%w: from must be a date like 2026-03-01", catalog.ErrInvalid)
	ErrBadTo               = fmt.Errorf("%w: to must be a date like 2026-03-31", catalog.ErrInvalid)
	ErrFromAfterTo         = fmt.Errorf("%w: from is after to", catalog.ErrInvalid)
)

// FeedbackReport is a feedback report: one row per group with a rating or
// a ticket in the range, the summary of them all, and the unanswered
// searches.
type FeedbackReport struct {
	By     string `json:"by"`
	Region string `json:"region,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	// AsOf is the instant deadlines were judged at (overdue, on time):
	// when the report was made.
	AsOf  time.Time     `json:"as_of"`
	Rows  []FeedbackRow `json:"rows"`
	Total FeedbackRow   `json:"total"` // 合计: every row's counts, its rates of them
	// Unanswered are, for each week (its Monday's date, China time) that
	// the range touches, newest first, the UnansweredPerWeek queries with
	// the most unanswered searches. Searches belong to no region: these
	// are the same in every region's report.
	Unanswered []UnansweredSearch `json:"unanswered"`
}

// FeedbackRow is one group's figures.
type FeedbackRow struct {
	// Group is the department's name, the item's or bundle's code, or the
	// region's code; "" for the row of the hall (department 0, no region:
	// bundles and 办不成事 with no item) and, by item, for 办不成事 that
	// name no item.
	Group      string `json:"group"`
	Name       string `json:"name"`
	Kind       string `json:"kind,omitempty"`        // by item: item or bundle
	Region     string `json:"region,omitempty"`      // a department's or an item's region
	RegionName string `json:"region_name,omitempty"` // its name

	Ratings          int  `json:"ratings"`
	Satisfied        int  `json:"satisfied"` // level ≥ 3: 非常满意, 满意, 基本满意
	SatisfactionRate Rate `json:"satisfaction_rate"`
	Bad              int  `json:"bad"` // 差评: level ≤ 2

	Tickets int  `json:"tickets"`
	Settled int  `json:"settled"` // with an outcome: fixed or declined
	Fixed   int  `json:"fixed"`
	FixRate Rate `json:"fix_rate"` // 整改率: fixed / settled
	// Judged counts the tickets whose due action is done or whose
	// deadline has passed; OnTime those whose due action was done before
	// the deadline; OnTimeRate is OnTime / Judged.
	Judged      int  `json:"judged"`
	OnTime      int  `json:"on_time"`
	OnTimeRate  Rate `json:"on_time_rate"`
	OpenOverdue int  `json:"open_overdue"` // the due action not done, the deadline passed

	// 办不成事 by kind (feedback.FailKinds).
	FailWhere  int `json:"fail_where"`
	FailHow    int `json:"fail_how"`
	FailWindow int `json:"fail_window"`
}

// UnansweredSearch is one query text of one week whose searches went
// unanswered.
type UnansweredSearch = store.UnansweredQuery

func feedbackRowFrom(c store.FeedbackCounts) FeedbackRow {
	return FeedbackRow{
		Ratings: c.Ratings, Satisfied: c.Satisfied, SatisfactionRate: Percent(c.Satisfied, c.Ratings), Bad: c.Bad,
		Tickets: c.Tickets, Settled: c.Settled, Fixed: c.Fixed, FixRate: Percent(c.Fixed, c.Settled),
		Judged: c.Judged, OnTime: c.OnTime, OnTimeRate: Percent(c.OnTime, c.Judged), OpenOverdue: c.OpenOverdue,
		FailWhere: c.FailWhere, FailHow: c.FailHow, FailWindow: c.FailWindow,
	}
}

// parseDay reads a day YYYY-MM-DD: its beginning in China time.
func parseDay(v string) (time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, v, ChinaTime)
	return d, err == nil && d.Format(time.DateOnly) == v
}

// weekOf is the date of the Monday of a day's week.
func weekOf(d time.Time) string {
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(time.DateOnly)
}

// BuildFeedback computes the feedback report of a request. An unknown
// region is ErrUnknownRegion, a bad grouping ErrBadFeedbackGrouping, a
// malformed day ErrBadFrom or ErrBadTo, From after To ErrFromAfterTo.
func BuildFeedback(ctx context.Context, st *store.Store, req FeedbackRequest) (*FeedbackReport, error) {
	if req.By == "" {
		req.By = store.ByDepartment
	}
	valid := false
	for _, by := range FeedbackGroupings {
		valid = valid || req.By == by
	}
	if !valid {
		return nil, ErrBadFeedbackGrouping
	}
	now := st.Now()
	sc := store.FeedbackScope{Now: now}
	var from, to time.Time
	if req.From != "" {
		d, ok := parseDay(req.From)
		if !ok {
			return nil, ErrBadFrom
		}
		from, sc.From = d, d
	}
	if req.To != "" {
		d, ok := parseDay(req.To)
		if !ok {
			return nil, ErrBadTo
		}
		to, sc.To = d, d.AddDate(0, 0, 1)
	}
	if req.From != "" && req.To != "" && from.After(to) {
		return nil, ErrFromAfterTo
	}
	t, err := loadTree(ctx, st, req.Region)
	if err != nil {
		return nil, err
	}
	if req.Region != "" {
		sc.Regions = t.descendants(req.Region)
		if req.Site != "" && t.within(req.Site, req.Region) {
			sc.Regions = append(sc.Regions, "")
		}
	}
	counts, err := st.FeedbackCounts(ctx, req.By, sc)
	if err != nil {
		return nil, err
	}
	rep := &FeedbackReport{By: req.By, Region: req.Region, From: req.From, To: req.To, AsOf: now.In(ChinaTime),
		Rows: []FeedbackRow{}, Unanswered: []UnansweredSearch{}}
	var depts map[int64]catalog.Department
	if req.By == store.ByDepartment {
		list, err := st.Departments(ctx, "")
		if err != nil {
			return nil, err
		}
		depts = make(map[int64]catalog.Department, len(list))
		for _, d := range list {
			depts[int64(d.ID)] = d
		}
	}
	var total store.FeedbackCounts
	hall := -1 // the index of the hall's row, listed last
	for _, c := range counts {
		total.Add(c)
		r := feedbackRowFrom(c)
		switch req.By {
		case store.ByDepartment:
			if c.DepartmentID == 0 {
				r.Name = labelHallDesk
				break
			}
			d, ok := depts[c.DepartmentID]
			if !ok { // not expected: departments are not deleted
				d.Name = "#" + strconv.FormatInt(c.DepartmentID, 10)
			}
			r.Group, r.Name, r.Region = d.Name, d.Name, d.Region
		case store.ByItem:
			if c.TargetKind == "" {
				r.Name = labelNoTarget
				break
			}
			r.Group, r.Name, r.Kind, r.Region = c.TargetCode, c.TargetName, c.TargetKind, c.Region
			if r.Name == "" {
				r.Name = c.TargetCode
			}
		case store.ByRegion:
			if c.Region == "" {
				r.Name = labelHallDesk
				break
			}
			r.Group, r.Name = c.Region, t.by[c.Region].Name
		}
		r.RegionName = t.by[r.Region].Name
		if r.Group == "" {
			hall = len(rep.Rows)
		}
		rep.Rows = append(rep.Rows, r)
	}
	if hall >= 0 {
		h := rep.Rows[hall]
		rep.Rows = append(rep.Rows[:hall], rep.Rows[hall+1:]...)
		sortFeedbackRows(rep.Rows, req.By)
		rep.Rows = append(rep.Rows, h)
	} else {
		sortFeedbackRows(rep.Rows, req.By)
	}
	rep.Total = feedbackRowFrom(total)
	rep.Total.Name = labelTotal

	var fromWeek, toWeek string
	if req.From != "" {
		fromWeek = weekOf(from)
	}
	if req.To != "" {
		toWeek = weekOf(to)
	}
	qs, err := st.UnansweredQueries(ctx, fromWeek, toWeek, UnansweredPerWeek)
	if err != nil {
		return nil, err
	}
	rep.Unanswered = append(rep.Unanswered, qs...)
	return rep, nil
}

// sortFeedbackRows orders the rows of groups: departments by region and
// name, items before bundles each by region and code, regions by code.
func sortFeedbackRows(rows []FeedbackRow, by string) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := &rows[i], &rows[j]
		switch by {
		case store.ByDepartment:
			if a.Region != b.Region {
				return a.Region < b.Region
			}
			return a.Name < b.Name
		case store.ByItem:
			if a.Kind != b.Kind {
				return a.Kind == string(feedback.TargetItem)
			}
			if a.Region != b.Region {
				return a.Region < b.Region
			}
		}
		return a.Group < b.Group
	})
}

// RangeText is a report's range as its title gives it: 2026-03-01至
// 2026-03-31, 2026-03-01起, 截至2026-03-31, or 全部时间.
func RangeText(from, to string) string {
	switch {
	case from != "" && to != "":
		return fmt.Sprintf(rangeFromTo, from, to)
	case from != "":
		return fmt.Sprintf(rangeFrom, from)
	case to != "":
		return fmt.Sprintf(rangeTo, to)
	}
	return rangeAll
}

// FeedbackColumns are the figures' columns of a feedback table, after the
// group's: their ids (the JSON fields) and kinds.
var FeedbackColumns = []Column{
	{ID: "ratings", Kind: KindInt}, {ID: "satisfied", Kind: KindInt}, {ID: "satisfaction_rate", Kind: KindPercent},
	{ID: "bad", Kind: KindInt}, {ID: "tickets", Kind: KindInt}, {ID: "settled", Kind: KindInt},
	{ID: "fixed", Kind: KindInt}, {ID: "fix_rate", Kind: KindPercent}, {ID: "judged", Kind: KindInt},
	{ID: "on_time", Kind: KindInt}, {ID: "on_time_rate", Kind: KindPercent}, {ID: "open_overdue", Kind: KindInt},
	{ID: "fail_where", Kind: KindInt}, {ID: "fail_how", Kind: KindInt}, {ID: "fail_window", Kind: KindInt},
}

// FeedbackLabel is the Chinese header of a feedback column by id.
func FeedbackLabel(id string) string {
	switch id {
	case "fail_where":
		return feedback.FailWhere.Label()
	case "fail_how":
		return feedback.FailHow.Label()
	case "fail_window":
		return feedback.FailWindow.Label()
	}
	return feedbackLabels[id]
}

// Figure returns a row's figure by column id (FeedbackColumns): an int,
// or a Rate for the rates.
func (r *FeedbackRow) Figure(id string) any {
	switch id {
	case "ratings":
		return r.Ratings
	case "satisfied":
		return r.Satisfied
	case "satisfaction_rate":
		return r.SatisfactionRate
	case "bad":
		return r.Bad
	case "tickets":
		return r.Tickets
	case "settled":
		return r.Settled
	case "fixed":
		return r.Fixed
	case "fix_rate":
		return r.FixRate
	case "judged":
		return r.Judged
	case "on_time":
		return r.OnTime
	case "on_time_rate":
		return r.OnTimeRate
	case "open_overdue":
		return r.OpenOverdue
	case "fail_where":
		return r.FailWhere
	case "fail_how":
		return r.FailHow
	case "fail_window":
		return r.FailWindow
	}
	return nil
}

// Tables returns the report as two tables: the figures (分组, 名称, by
// item 类型, by department and item 所属区划 and its name, then
// FeedbackColumns; the 合计 row last) and the unanswered searches of
// each week.
func (f *FeedbackReport) Tables() []Table {
	col := func(id, kind string) Column { return Column{ID: id, Label: feedbackLabels[id], Kind: kind} }
	cols := []Column{col("group", KindText), col("name", KindText)}
	if f.By == store.ByItem {
		cols = append(cols, col("kind", KindText))
	}
	if f.By != store.ByRegion {
		cols = append(cols, col("region", KindText), col("region_name", KindText))
	}
	for _, c := range FeedbackColumns {
		c.Label = FeedbackLabel(c.ID)
		cols = append(cols, c)
	}
	row := func(r *FeedbackRow) []any {
		out := []any{r.Group, r.Name}
		if f.By == store.ByItem {
			out = append(out, feedbackKindLabels[r.Kind])
		}
		if f.By != store.ByRegion {
			out = append(out, r.Region, r.RegionName)
		}
		for _, c := range FeedbackColumns {
			out = append(out, r.Figure(c.ID))
		}
		return out
	}
	by := feedbackByLabels[f.By]
	if by == "" {
		by = f.By
	}
	figures := Table{Name: fmt.Sprintf(feedbackTitle, by, RangeText(f.From, f.To)), Columns: cols, Rows: [][]any{}}
	for i := range f.Rows {
		figures.Rows = append(figures.Rows, row(&f.Rows[i]))
	}
	figures.Rows = append(figures.Rows, row(&f.Total))

	searches := Table{Name: fmt.Sprintf(unansweredTitle, UnansweredPerWeek), Columns: []Column{
		col("week", KindText), col("query", KindText), col("searches", KindInt), col("empty", KindInt),
		col("opened", KindInt), col("unanswered", KindInt),
	}, Rows: [][]any{}}
	for _, q := range f.Unanswered {
		searches.Rows = append(searches.Rows, []any{q.Week, q.Query, q.Searches, q.Empty, q.Opened, q.Unanswered})
	}
	return []Table{figures, searches}
}
