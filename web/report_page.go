package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/report"
	"zhinan/store"
)

// reportPageData is the data of /audit.
type reportPageData struct {
	Region    string
	AsOf      string
	Regions   []catalog.Region
	ByRegion  *report.Coverage
	ByDept    *report.Coverage
	Charts    []barChart
	DeptChart []barChart
	Below     []belowTarget
	Error     string
	Downloads []download
}

type belowTarget struct {
	Name  string
	Rate  string
	Value float64
	Goal  float64
}

type download struct {
	Label string
	URL   string
}

// chartRates are the rates charted on the /audit page.
var chartRates = []string{"one_visit_rate", "online_rate", "in_hall_rate"}

// reportPage, GET /audit, shows coverage by region and by department as charts and
// tables, the groups below target, and the downloads. Auditors and admins.
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
	d := reportPageData{Region: c.DefaultQuery("region", s.opts.HomeRegion), AsOf: c.Query("as_of"), Regions: s.homeRegions()}
	req := report.Request{By: store.ByRegion, Region: d.Region}
	if d.AsOf != "" {
		t, err := report.AsOfDate(d.AsOf, s.store.Now())
		if err != nil {
			return coverageError(err)
		}
		req.AsOf = t
	}
	var err error
	if d.ByRegion, err = report.BuildCoverage(ctx, s.store, req, s.opts.Targets); err != nil {
		return coverageError(err)
	}
	req.By = store.ByDepartment
	if d.ByDept, err = report.BuildCoverage(ctx, s.store, req, s.opts.Targets); err != nil {
		return coverageError(err)
	}
	for _, id := range chartRates {
		byRegion := rateChart(id, d.ByRegion.Rows, s.opts.Targets, func(r report.Row) bool { return true })
		byRegion.ID = "chart-region-" + id
		d.Charts = append(d.Charts, byRegion)
		byDept := rateChart(id, d.ByDept.Rows, s.opts.Targets, func(r report.Row) bool { return r.Region == d.Region })
		byDept.ID = "chart-department-" + id
		d.DeptChart = append(d.DeptChart, byDept)
	}
	for _, rows := range [][]report.Row{d.ByRegion.Rows, d.ByDept.Rows} {
		for _, r := range rows {
			for _, id := range r.BelowTarget {
				d.Below = append(d.Below, belowTarget{Name: r.Name, Rate: report.RateLabels[id], Value: *rateOf(r, id), Goal: s.opts.Targets[id]})
			}
		}
	}
	q := url.Values{"region": {d.Region}}
	if d.AsOf != "" {
		q.Set("as_of", d.AsOf)
	}
	for _, kind := range reportKinds {
		for _, format := range []string{report.FormatXLSX, report.FormatCSV, report.FormatJSON} {
			v := url.Values{"report": {kind}, "format": {format}}
			for k, vs := range q {
				v[k] = vs
			}
			d.Downloads = append(d.Downloads, download{Label: label("audit.report."+kind) + " " + label("audit.format."+format),
				URL: "/audit/download?" + v.Encode()})
		}
	}
	s.render(c, http.StatusOK, "audit", s.layout(c, label("audit.title"), "page-audit", d))
	return nil
}

// rateChart charts one rate over the rows that keep selects.
func rateChart(id string, rows []report.Row, targets report.Targets, keep func(report.Row) bool) barChart {
	ch := barChart{Title: report.RateLabels[id], Unit: "%", Target: targets[id]}
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		v := rateOf(r, id)
		below := false
		for _, b := range r.BelowTarget {
			below = below || b == id
		}
		ch.Bars = append(ch.Bars, bar{Label: r.Name, Value: v, Below: below})
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
