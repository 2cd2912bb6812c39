package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"zhinan/audit"
	"zhinan/catalog"
)

// reportKinds are the reports the audit page offers for download.
var reportKinds = []string{"coverage", "conformance", "quality"}

// downloadFormats are the file formats offered, with their content types.
var downloadFormats = map[string]string{
	audit.FormatCSV:  "text/csv; charset=utf-8",
	audit.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	audit.FormatJSON: "application/json; charset=utf-8",
}

// auditDownload is GET /audit/download?report=&format=&by=&region=&as_of=
// for reviewers, auditors and admins (catalog.ActionReport; coverage is
// public anyway): the same files `zhinan report` writes.
func (s *Server) auditDownload(c *gin.Context) error {
	u := currentUser(c)
	if u == nil {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		return nil
	}
	if !catalog.Allowed(u, catalog.ActionReport, 0, true) {
		return catalog.ErrForbidden
	}
	kind, format := c.Query("report"), c.Query("format")
	if !slices.Contains(reportKinds, kind) {
		return badRequest("report", MsgReportKind)
	}
	contentType, ok := downloadFormats[format]
	if !ok {
		return badRequest("format", MsgReportFormat)
	}
	ctx := c.Request.Context()
	region := c.Query("region")
	var doc any
	var tables []audit.Table
	switch kind {
	case "coverage":
		req := audit.Request{By: c.DefaultQuery("by", catalog.ByRegion), Region: region}
		if v := c.Query("as_of"); v != "" {
			t, err := audit.AsOfDate(v, s.store.Now())
			if err != nil {
				return coverageError(err)
			}
			req.AsOf = t
		}
		rep, err := audit.BuildCoverage(ctx, s.store, req, s.opts.Targets)
		if err != nil {
			return coverageError(err)
		}
		doc, tables = rep, rep.Tables()
	case "conformance":
		rep, err := audit.BuildConformance(ctx, s.store, region)
		if err != nil {
			return coverageError(err)
		}
		doc, tables = rep, rep.Tables()
	case "quality":
		rep, err := audit.BuildQuality(ctx, s.store, audit.QualityFilter{Region: region})
		if err != nil {
			return coverageError(err)
		}
		doc, tables = rep, rep.Tables()
	}
	var buf bytes.Buffer
	var err error
	if format == audit.FormatJSON {
		err = audit.WriteJSON(&buf, doc)
	} else {
		err = audit.WriteTables(&buf, format, tables)
	}
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="`+kind+"."+format+`"`)
	c.Data(http.StatusOK, contentType, buf.Bytes())
	return nil
}
