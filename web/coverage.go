package web

import (
	"bytes"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/report"
)

// apiCoverage serves GET /api/v1/coverage?by=&region=&as_of=: the
// coverage report (docs/contract.md#coverage-ratios) grouped by region (the default),
// department or type, within a region and its descendants, as of the end
// of a day in China time (default now). Without region it is the site's
// region (Options.HomeRegion), the one /audit and `zhinan report` default
// to; region= (empty) is every region. It is public: these are published
// figures. The body is the very document `zhinan report coverage --format
// json` prints (report.WriteJSON). An unknown region, a bad grouping and a
// malformed or future date are 400 naming the parameter.
func (s *Server) apiCoverage(c *gin.Context) error {
	req := report.Request{By: c.Query("by"), Region: c.DefaultQuery("region", s.opts.HomeRegion)}
	if v := c.Query("as_of"); v != "" {
		t, err := report.AsOfDate(v, s.store.Now())
		if err != nil {
			return coverageError(err)
		}
		req.AsOf = t
	}
	rep, err := report.BuildCoverage(c.Request.Context(), s.store, req, s.opts.Targets)
	if err != nil {
		return coverageError(err)
	}
	var body bytes.Buffer
	if err := report.WriteJSON(&body, rep); err != nil {
		return err
	}
	// The figures, not the moment: a report of today bears the time it
	// was made, and equal figures are the same answer.
	figures := *rep
	figures.AsOf = time.Time{}
	var tag bytes.Buffer
	if err := report.WriteJSON(&tag, &figures); err != nil {
		return err
	}
	writeJSONCached(c, body.Bytes(), cacheCoverage, tag.Bytes())
	return nil
}
