package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/report"
	"zhinan/store"
)

// The feedback report (docs/contract.md#feedback-figures) on the web: GET
// /api/v1/feedback, the /audit page's 好差评与办不成事 section and its
// downloads (/audit/download?report=feedback).

// feedbackReportKind is the feedback report's name in /audit/download?report=.
const feedbackReportKind = "feedback"

// feedbackReportDays is how many days, today included, the /audit page's
// feedback section and its downloads cover when neither from nor to is
// given.
const feedbackReportDays = 30

// apiFeedback serves GET /api/v1/feedback?by=&region=&from=&to=: the
// feedback report grouped by department (the default), item or region,
// of a region and its descendants (default the site's; region= is every
// region), of the ratings given and tickets filed from the beginning of
// from to the end of to in China time (each end open when not given). It
// is public, as the coverage API is: counts and rates only, never a
// comment, a text a citizen wrote or a contact. The body is the document
// `zhinan report feedback --format json` prints (report.WriteJSON); its
// as_of is the instant it was made. A bad grouping, an unknown region, a
// malformed day or from after to is 400 naming the parameter.
func (s *Server) apiFeedback(c *gin.Context) error {
	req := report.FeedbackRequest{By: c.Query("by"), Region: c.DefaultQuery("region", s.opts.HomeRegion),
		From: c.Query("from"), To: c.Query("to"), Site: s.opts.HomeRegion}
	rep, err := report.BuildFeedback(c.Request.Context(), s.store, req)
	if err != nil {
		return feedbackReportError(err)
	}
	var body bytes.Buffer
	if err := report.WriteJSON(&body, rep); err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body.Bytes())
	return nil
}

// feedbackReportError maps the feedback report's request errors to 400.
func feedbackReportError(err error) error {
	switch {
	case errors.Is(err, report.ErrUnknownRegion):
		return badRequest("region", MsgUnknownRegion)
	case errors.Is(err, report.ErrBadFeedbackGrouping):
		return badRequest("by", MsgFeedbackGrouping)
	case errors.Is(err, report.ErrBadFrom):
		return badRequest("from", MsgFeedbackFrom)
	case errors.Is(err, report.ErrBadTo):
		return badRequest("to", MsgFeedbackTo)
	case errors.Is(err, report.ErrFromAfterTo):
		return badRequest("from", MsgFeedbackRange)
	}
	return err
}

// feedbackReportRange is the range of the /audit page's feedback section and of
// its downloads: from and to as given, else the last feedbackReportDays days,
// today included, in China time.
func (s *Server) feedbackReportRange(c *gin.Context) (from, to string) {
	from, to = c.Query("from"), c.Query("to")
	if from == "" && to == "" {
		today := s.store.Now().In(report.ChinaTime)
		from = today.AddDate(0, 0, 1-feedbackReportDays).Format(time.DateOnly)
		to = today.Format(time.DateOnly)
	}
	return from, to
}

// feedbackReport builds the feedback report the /audit page and its
// downloads show: of the page's region, by the grouping given.
func (s *Server) feedbackReport(c *gin.Context, by string) (*report.FeedbackReport, error) {
	from, to := s.feedbackReportRange(c)
	rep, err := report.BuildFeedback(c.Request.Context(), s.store, report.FeedbackRequest{By: by,
		Region: c.DefaultQuery("region", s.opts.HomeRegion), From: from, To: to, Site: s.opts.HomeRegion})
	if err != nil {
		return nil, feedbackReportError(err)
	}
	return rep, nil
}

// feedbackSection is the 好差评与办不成事 section of /audit: the figures of
// the region by department over the range, the summary first, and the
// unanswered searches of each week.
type feedbackSection struct {
	Region, AsOf string // the page's scope, kept by the section's form
	From, To     string
	Range        string // the range as a title gives it
	Headline     []feedbackFigure
	Columns      []feedbackColumn
	Rows         []feedbackRowView
	Total        feedbackRowView
	Searches     []feedbackColumn // the unanswered searches' columns
	Unanswered   []report.UnansweredSearch
	Downloads    []download
}

// feedbackFigure is one figure of the summary.
type feedbackFigure struct{ ID, Label, Text string }

// feedbackColumn is a column of the section's tables.
type feedbackColumn struct{ ID, Label string }

// feedbackRowView is a row of the section's table, its figures as text.
type feedbackRowView struct {
	Group, Name, Region string
	Cells               []feedbackFigure
}

// feedbackHeadline are the summary's figures, from the 合计 row.
var feedbackHeadline = []string{"ratings", "satisfaction_rate", "bad", "tickets", "fix_rate", "on_time_rate",
	"open_overdue", "fail_where", "fail_how", "fail_window"}

// feedbackFigureText is a figure as the page shows it: a count, a rate with two
// decimals, — for no rate.
func feedbackFigureText(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case report.Rate:
		return percentText(x)
	}
	return ""
}

// feedbackSectionOf builds the /audit page's feedback section for the
// page's query.
func (s *Server) feedbackSectionOf(c *gin.Context, q auditQuery) (*feedbackSection, error) {
	rep, err := s.feedbackReport(c, store.ByDepartment)
	if err != nil {
		return nil, err
	}
	f := &feedbackSection{Region: q.Region, AsOf: q.AsOfText, Range: report.RangeText(rep.From, rep.To),
		Unanswered: rep.Unanswered}
	f.From, f.To = s.feedbackReportRange(c)
	for _, id := range feedbackHeadline {
		text := feedbackFigureText(rep.Total.Figure(id))
		if _, rate := rep.Total.Figure(id).(report.Rate); rate && text != "—" {
			text += "%"
		}
		f.Headline = append(f.Headline, feedbackFigure{ID: id, Label: report.FeedbackLabel(id), Text: text})
	}
	for _, col := range report.FeedbackColumns {
		f.Columns = append(f.Columns, feedbackColumn{ID: col.ID, Label: report.FeedbackLabel(col.ID)})
	}
	view := func(r *report.FeedbackRow) feedbackRowView {
		v := feedbackRowView{Group: r.Group, Name: r.Name, Region: r.Region}
		for _, col := range report.FeedbackColumns {
			v.Cells = append(v.Cells, feedbackFigure{ID: col.ID, Text: feedbackFigureText(r.Figure(col.ID))})
		}
		return v
	}
	for i := range rep.Rows {
		f.Rows = append(f.Rows, view(&rep.Rows[i]))
	}
	f.Total = view(&rep.Total)
	for _, id := range []string{"week", "query", "searches", "empty", "opened", "unanswered"} {
		f.Searches = append(f.Searches, feedbackColumn{ID: id, Label: report.FeedbackLabel(id)})
	}
	for _, by := range report.FeedbackGroupings {
		for _, format := range []string{report.FormatXLSX, report.FormatCSV, report.FormatJSON} {
			v := url.Values{"report": {feedbackReportKind}, "format": {format}, "region": {q.Region}}
			if f.From != "" {
				v.Set("from", f.From)
			}
			if f.To != "" {
				v.Set("to", f.To)
			}
			if by != store.ByDepartment { // the default, as on the command line
				v.Set("by", by)
			}
			f.Downloads = append(f.Downloads, download{
				Label: label("audit.report.feedback") + "（" + label("audit.feedback.by."+by) + "） " + label("audit.format."+format),
				URL:   "/audit/download?" + v.Encode()})
		}
	}
	return f, nil
}
