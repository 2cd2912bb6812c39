package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/report"
	"zhinan/store"
)

// reportKinds are the reports the /audit page offers for download.
var reportKinds = []string{"coverage", "conformance", "quality"}

// downloadFormats are the file formats offered, with their content types.
var downloadFormats = map[string]string{
	report.FormatCSV:  "text/csv; charset=utf-8",
	report.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	report.FormatJSON: "application/json; charset=utf-8",
}

// reportDownload is GET /audit/download?report=&format=&by=&region=&as_of=
// (&department=&below= for coverage) for reviewers, auditors and admins
// (catalog.ActionReport; coverage is public anyway): the files `zhinan
// report` writes, of the region (default the site's). Coverage takes the
// /audit page's query and filters: as XLSX without by, one workbook with a
// sheet each by region, department and type, the rows the page's tables
// hold; with by (CSV and JSON: default region), that grouping's report.
// Feedback (report=feedback&by=&from=&to=) is of the region and the range
// (default the last 30 days) by department, item or region.
func (s *Server) reportDownload(c *gin.Context) error {
	u := currentUser(c)
	if u == nil {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		return nil
	}
	if !catalog.Allowed(u, catalog.ActionReport, 0, true) {
		return catalog.ErrForbidden
	}
	kind, format := c.Query("report"), c.Query("format")
	if !slices.Contains(reportKinds, kind) && kind != feedbackReportKind {
		return badRequest("report", MsgReportKind)
	}
	contentType, ok := downloadFormats[format]
	if !ok {
		return badRequest("format", MsgReportFormat)
	}
	ctx := c.Request.Context()
	region := c.DefaultQuery("region", s.opts.HomeRegion)
	name := kind
	var doc any
	var tables []report.Table
	switch kind {
	case "coverage":
		q, err := s.readAuditQuery(c)
		if err != nil {
			return err
		}
		req := report.Request{By: c.Query("by"), Region: q.Region, AsOf: q.AsOf}
		if req.By == "" && format == report.FormatXLSX {
			reps, err := report.BuildCoverageSet(ctx, s.store, req, s.opts.Targets)
			if err != nil {
				return coverageError(err)
			}
			for i := range reps {
				reps[i] = reps[i].Filtered(q.Filter)
			}
			tables = report.CoverageTables(reps)
			break
		}
		if req.By == "" {
			req.By = store.ByRegion
		}
		rep, err := report.BuildCoverage(ctx, s.store, req, s.opts.Targets)
		if err != nil {
			return coverageError(err)
		}
		rep = rep.Filtered(q.Filter)
		doc, tables = rep, rep.Tables()
		if c.Query("by") != "" {
			name += "-" + req.By
		}
	case "conformance":
		rep, err := report.BuildConformance(ctx, s.store, region)
		if err != nil {
			return coverageError(err)
		}
		doc, tables = rep, rep.Tables()
	case "quality":
		rep, err := report.BuildQuality(ctx, s.store, report.QualityFilter{Region: region})
		if err != nil {
			return coverageError(err)
		}
		doc, tables = rep, rep.Tables()
	case feedbackReportKind: // of the page's region and range (feedback_report.go)
		rep, err := s.feedbackReport(c, c.Query("by"))
		if err != nil {
			return err
		}
		doc, tables = rep, rep.Tables()
		if by := c.Query("by"); by != "" {
			name += "-" + by
		}
	}
	var buf bytes.Buffer
	var err error
	if format == report.FormatJSON {
		err = report.WriteJSON(&buf, doc)
	} else {
		err = report.WriteTables(&buf, format, tables)
	}
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	c.Data(http.StatusOK, contentType, buf.Bytes())
	return nil
}
