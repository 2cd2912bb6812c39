package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/report"
	"zhinan/store"
)

// auditPageSize is how many rows a table of /audit shows per page.
const auditPageSize = 50

// auditTrendMonths is how many months the trend of /audit covers, the
// report's own month included.
const auditTrendMonths = 12

// auditQuery is what /audit and its downloads are asked for: the scope
// (region, date) and the tables' filters. The page and the downloads read
// it alike, so that a download holds what the page shows.
type auditQuery struct {
	Region   string // default: the site's region
	AsOfText string // YYYY-MM-DD as given, "" for now
	AsOf     time.Time
	Filter   report.Filter
}

// readAuditQuery reads region, as_of, department and below (below target
// only) from the request.
func (s *Server) readAuditQuery(c *gin.Context) (auditQuery, error) {
	q := auditQuery{Region: c.DefaultQuery("region", s.opts.HomeRegion), AsOfText: c.Query("as_of")}
	q.Filter.Department = c.Query("department")
	q.Filter.BelowTarget = c.Query("below") != ""
	q.AsOf = s.store.Now()
	if q.AsOfText != "" {
		t, err := report.AsOfDate(q.AsOfText, q.AsOf)
		if err != nil {
			return q, coverageError(err)
		}
		q.AsOf = t
	}
	return q, nil
}

// values are the query's parameters, as links carry them.
func (q auditQuery) values() url.Values {
	v := url.Values{"region": {q.Region}}
	if q.AsOfText != "" {
		v.Set("as_of", q.AsOfText)
	}
	if q.Filter.Department != "" {
		v.Set("department", q.Filter.Department)
	}
	if q.Filter.BelowTarget {
		v.Set("below", "1")
	}
	return v
}

// reportPageData is the data of /audit.
type reportPageData struct {
	Region      string
	AsOf        string
	Regions     []catalog.Region
	Department  string
	Departments []string // of the scope, for the filter
	BelowOnly   bool
	Summary     auditSummary
	Trend       []trendRow
	TrendRates  []string // rate ids of the trend's columns
	Charts      []barChart
	DeptChart   []barChart
	Tables      []auditTable // by region, department, type
	Downloads   []download
	Feedback    *feedbackSection // 好差评与办不成事 (feedback_report.go)
}

// auditSummary is the head of /audit: the scope as a whole against the
// targets, and how many groups fall short.
type auditSummary struct {
	Name          string
	AsOf          string
	Items         int
	OnApplication int
	Rates         []headlineRate
	Below         []belowCount
}

type headlineRate struct {
	Label     string
	Value     *float64
	Text      string // the value with two decimals, — for none
	Target    float64
	HasTarget bool
	Met       bool
	Gap       float64 // target − value, when not met
}

// belowCount is how many groups of a table are below target, with the
// link that lists them.
type belowCount struct {
	Label string
	Below int
	Of    int
	URL   string
}

// trendRow is one month of the trend.
type trendRow struct {
	Month         string
	AsOf          string // the day the month's figures are as of
	URL           string // /audit as of that day
	Items         int
	OnApplication int
	Rates         []trendCell
}

type trendCell struct {
	Text  string // two decimals, — for none
	Below bool
}

// percentText is a rate as the page shows it: 91.36, or — for none.
func percentText(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// auditTable is one page of one coverage table.
type auditTable struct {
	ID    string // region, department, type
	Title string
	By    string
	Rows  []report.Row
	Total int // rows after the filters
	Page  int
	Pages int
	First int // number of the first row shown, from 1
	Last  int
	Prev  string // URL of the previous page, "" on the first
	Next  string
}

type download struct {
	Label string
	URL   string
}

// chartRates are the rates charted on the /audit page.
var chartRates = []string{"one_visit_rate", "online_rate", "in_hall_rate"}

// pageParam is the page parameter of a table of /audit.
func pageParam(by string) string { return "page_" + by }

// reportPage, GET /audit, shows the coverage of a region (default the
// site's): first a summary (the headline rates against their targets and
// their trend by month), then charts, then the tables by region,
// department and type with their filters (department, below target only)
// and pages, and the downloads of what it shows. Auditors and admins.
func (s *Server) reportPage(c *gin.Context) error {
	u := currentUser(c)
	if u == nil {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		return nil
	}
	if !catalog.Allowed(u, catalog.ActionAudit, 0, true) {
		return catalog.ErrForbidden
	}
	ctx := c.Request.Context()
	q, err := s.readAuditQuery(c)
	if err != nil {
		return err
	}
	reps, err := report.BuildCoverageSet(ctx, s.store, report.Request{Region: q.Region, AsOf: q.AsOf}, s.opts.Targets)
	if err != nil {
		return coverageError(err)
	}
	trend, err := report.BuildTrend(ctx, s.store, q.Region, q.AsOf, auditTrendMonths, s.opts.Targets)
	if err != nil {
		return coverageError(err)
	}
	byRegion, byDept := reps[0], reps[1]
	d := reportPageData{Region: q.Region, AsOf: q.AsOfText, Regions: s.homeRegions(), Department: q.Filter.Department, BelowOnly: q.Filter.BelowTarget}
	d.Summary, d.TrendRates, d.Trend = s.auditSummary(q, reps, trend)
	seen := map[string]bool{}
	for _, r := range byDept.Rows {
		if !seen[r.Name] {
			seen[r.Name] = true
			d.Departments = append(d.Departments, r.Name)
		}
	}
	for _, id := range chartRates {
		ch := rateChart(id, byRegion.Rows, s.opts.Targets, func(r report.Row) bool { return true })
		ch.ID = "chart-region-" + id
		d.Charts = append(d.Charts, ch)
		ch = rateChart(id, byDept.Rows, s.opts.Targets, func(r report.Row) bool { return r.Region == q.Region })
		ch.ID = "chart-department-" + id
		d.DeptChart = append(d.DeptChart, ch)
	}
	for _, rep := range reps {
		d.Tables = append(d.Tables, auditTablePage(c, q, rep.Filtered(q.Filter)))
	}
	d.Downloads = auditDownloads(q)
	if d.Feedback, err = s.feedbackSectionOf(c, q); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "audit", s.layout(c, label("audit.title"), "page-audit", d))
	return nil
}

// auditSummary is the scope as a whole as of the report's instant (the
// trend's last point, which is the region's 合计 row), the rates with a
// target first, and the trend's rows.
func (s *Server) auditSummary(q auditQuery, reps []*report.Coverage, trend []report.TrendPoint) (auditSummary, []string, []trendRow) {
	sum := auditSummary{AsOf: q.AsOf.In(report.ChinaTime).Format("2006-01-02 15:04")}
	if len(trend) > 0 {
		whole := trend[len(trend)-1].Row
		sum.Name, sum.Items, sum.OnApplication = whole.Name, whole.Items, whole.OnApplication
		if sum.Name == "" { // region= : every region
			sum.Name = label("audit.filter.all")
		}
		for _, id := range headlineRates(s.opts.Targets) {
			h := headlineRate{Label: report.RateLabels[id], Value: whole.Rate(id), Text: percentText(whole.Rate(id))}
			h.Target, h.HasTarget = s.opts.Targets[id]
			if h.HasTarget && h.Value != nil {
				h.Met = *h.Value >= h.Target
				h.Gap = h.Target - *h.Value
			}
			sum.Rates = append(sum.Rates, h)
		}
	}
	below := q
	below.Filter = report.Filter{BelowTarget: true}
	for _, rep := range reps {
		n := 0
		for _, r := range rep.Rows {
			if len(r.BelowTarget) > 0 {
				n++
			}
		}
		sum.Below = append(sum.Below, belowCount{Label: label("audit.by." + rep.By), Below: n, Of: len(rep.Rows),
			URL: "/audit?" + below.values().Encode() + "#table-" + rep.By})
	}
	ids := trendRates(s.opts.Targets)
	var rows []trendRow
	for _, p := range trend {
		day := p.AsOf.In(report.ChinaTime).Format(time.DateOnly)
		link := q
		link.AsOfText, link.Filter = day, report.Filter{}
		tr := trendRow{Month: p.Month, AsOf: day, URL: "/audit?" + link.values().Encode(), Items: p.Row.Items, OnApplication: p.Row.OnApplication}
		for _, id := range ids {
			tr.Rates = append(tr.Rates, trendCell{Text: percentText(p.Row.Rate(id)), Below: slices.Contains(p.Row.BelowTarget, id)})
		}
		rows = append(rows, tr)
	}
	return sum, ids, rows
}

// headlineRates are the summary's rates: those with a target, then the
// others, each in report order.
func headlineRates(t report.Targets) []string {
	var with, without []string
	for _, id := range report.RateIDs {
		if _, ok := t[id]; ok {
			with = append(with, id)
		} else {
			without = append(without, id)
		}
	}
	return append(with, without...)
}

// trendRates are the trend's columns: the rates with a target, or the
// charted rates when there is none.
func trendRates(t report.Targets) []string {
	var out []string
	for _, id := range report.RateIDs {
		if _, ok := t[id]; ok {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return chartRates
	}
	return out
}

// auditTablePage cuts one page out of a (filtered) coverage table; the
// page is page_BY, from 1, clamped to the pages there are.
func auditTablePage(c *gin.Context, q auditQuery, rep *report.Coverage) auditTable {
	t := auditTable{ID: "table-" + rep.By, Title: label("audit.by." + rep.By), By: rep.By, Total: len(rep.Rows)}
	t.Pages = max(1, (t.Total+auditPageSize-1)/auditPageSize)
	t.Page, _ = strconv.Atoi(c.Query(pageParam(rep.By)))
	t.Page = min(max(t.Page, 1), t.Pages)
	start := (t.Page - 1) * auditPageSize
	end := min(start+auditPageSize, t.Total)
	t.Rows = rep.Rows[start:end]
	t.First, t.Last = start+1, end
	link := func(page int) string {
		v := q.values()
		for _, by := range report.Groupings { // the other tables stay on their pages
			if p := c.Query(pageParam(by)); p != "" && by != rep.By {
				v.Set(pageParam(by), p)
			}
		}
		if page > 1 {
			v.Set(pageParam(rep.By), strconv.Itoa(page))
		}
		return "/audit?" + v.Encode() + "#" + t.ID
	}
	if t.Page > 1 {
		t.Prev = link(t.Page - 1)
	}
	if t.Page < t.Pages {
		t.Next = link(t.Page + 1)
	}
	return t
}

// auditDownloads are the downloads of what the page shows, with its
// scope and filters: coverage as one workbook (a sheet each by region,
// department and type) and as CSV and JSON by grouping, as `zhinan report
// coverage --by` writes them; conformance and quality of the region.
func auditDownloads(q auditQuery) []download {
	var out []download
	add := func(lbl string, v url.Values) {
		out = append(out, download{Label: lbl, URL: "/audit/download?" + v.Encode()})
	}
	v := q.values()
	v.Set("report", "coverage")
	v.Set("format", report.FormatXLSX)
	add(label("audit.report.coverage")+" "+label("audit.format.xlsx")+label("audit.dl.sheets"), v)
	for _, by := range report.Groupings {
		for _, format := range []string{report.FormatCSV, report.FormatJSON} {
			v := q.values()
			v.Set("report", "coverage")
			v.Set("format", format)
			if by != store.ByRegion { // the default, as on the command line
				v.Set("by", by)
			}
			add(label("audit.report.coverage")+"（"+label("audit.by."+by)+"） "+label("audit.format."+format), v)
		}
	}
	for _, kind := range reportKinds[1:] {
		for _, format := range []string{report.FormatXLSX, report.FormatCSV, report.FormatJSON} {
			v := url.Values{"region": {q.Region}, "report": {kind}, "format": {format}}
			add(label("audit.report."+kind)+" "+label("audit.format."+format), v)
		}
	}
	return out
}

// rateChart charts one rate over the rows that keep selects.
func rateChart(id string, rows []report.Row, targets report.Targets, keep func(report.Row) bool) barChart {
	ch := barChart{Title: report.RateLabels[id], Unit: "%", Target: targets[id]}
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		ch.Bars = append(ch.Bars, bar{Label: r.Name, Value: r.Rate(id), Below: slices.Contains(r.BelowTarget, id)})
	}
	return ch
}

// rateOf returns a row's rate by id.
func rateOf(r report.Row, id string) *float64 { return r.Rate(id) }

// coverageError maps the report's request errors to 400.
func coverageError(err error) error {
	switch {
	case errors.Is(err, report.ErrUnknownRegion):
		return badRequest("region", MsgUnknownRegion)
	case errors.Is(err, report.ErrFutureDate):
		return badRequest("as_of", MsgAsOfFuture)
	case errors.Is(err, report.ErrBadDate):
		return badRequest("as_of", MsgAsOf)
	case errors.Is(err, report.ErrBadGrouping):
		return badRequest("by", MsgBadGrouping)
	}
	return err
}
