package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/feedback"
	"zhinan/report"
	"zhinan/store"
)

// The feedback API (docs/api.md#feedback): ratings, 指南有误 and 办不成事
// reports as JSON, from a page's script or another system (a hall's
// queueing machine, the 12345 hotline's), and the citizen's ticket by its
// token. The same rules as the forms: refused from another site, rate
// limited per address, bounded by the domain's limits.

// feedbackJSON checks a feedback API request: where it comes from (403),
// a JSON body (415), the rate limit (429); then decodes the body into v
// (413, 400).
func (s *Server) feedbackJSON(c *gin.Context, v any) error {
	if err := refuseOtherSites(c); err != nil {
		return err
	}
	if !isJSONRequest(c.Request) {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: MsgFeedbackJSON}
	}
	if err := s.limitFeedback(c); err != nil {
		return err
	}
	return decodeJSON(c, v)
}

// apiFeedbackError is the API's answer to a refused submission: a
// validation error as 422 with every field error, in the words of
// feedback; the day's bound as 503 (feedbackError).
func apiFeedbackError(err error) error {
	if errs := fieldErrors(err); errs != nil {
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: MsgFeedbackInvalid, Details: errs}
	}
	return feedbackError(err, time.Now())
}

// filedTicket is a ticket just filed, as the API answers it: the token,
// the address of the citizen's page and its due day.
type filedTicket struct {
	Token string `json:"token"`
	URL   string `json:"url"`
	Due   string `json:"due"`
}

func (s *Server) filedTicket(c *gin.Context, f *store.Filed) filedTicket {
	return filedTicket{Token: f.Token, URL: s.absoluteURL(c, ticketURL(f.Token, false)),
		Due: store.DueDay(f.Deadline).Format(time.DateOnly)}
}

// ratingFigures are the public figures of an item's or a bundle's ratings.
type ratingFigures struct {
	Ratings   int64 `json:"ratings"`
	Satisfied int64 `json:"satisfied"`
	// Rate is satisfied over ratings in percent, rounded half-up to two
	// decimals; null without ratings.
	Rate report.Rate `json:"satisfaction_rate"`
}

// apiRate is POST /api/v1/ratings: {target, level, reasons?, comment?}.
// 201 with the target's figures, and for a 差评 its ticket.
func (s *Server) apiRate(c *gin.Context) error {
	var r feedback.Rating
	if err := s.feedbackJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request.Context()
	filed, err := s.store.Rate(ctx, &r)
	if err != nil {
		return apiFeedbackError(err)
	}
	body := gin.H{}
	if figs, err := s.store.RatingFigures(ctx, r.Target); err == nil {
		body["figures"] = ratingFigures{Ratings: figs.Ratings, Satisfied: figs.Satisfied, Rate: satisfaction(figs)}
	} else {
		slog.Error("read rating figures", "target", r.Target.Code, "err", err) // the rating is stored: say so
	}
	if filed != nil {
		body["ticket"] = s.filedTicket(c, filed)
	}
	c.JSON(http.StatusCreated, body)
	return nil
}

// apiReportError is POST /api/v1/error-reports: {target, section?, what,
// contact?}. 201 with the ticket.
func (s *Server) apiReportError(c *gin.Context) error {
	var r feedback.ErrorReport
	if err := s.feedbackJSON(c, &r); err != nil {
		return err
	}
	filed, err := s.store.ReportError(c.Request.Context(), &r)
	if err != nil {
		return apiFeedbackError(err)
	}
	c.JSON(http.StatusCreated, gin.H{"ticket": s.filedTicket(c, filed)})
	return nil
}

// failRequest is the body of POST /api/v1/fail-reports: the report
// without its clerk, which the server sets from the session.
type failRequest struct {
	Kind   feedback.FailKind `json:"kind"`
	Target *feedback.Target  `json:"target,omitempty"`
	What   string            `json:"what"`
	Phone  string            `json:"phone,omitempty"`
}

// apiReportFail is POST /api/v1/fail-reports: {kind, target?, what,
// phone?}. 201 with the ticket. A desk clerk (or admin) signed in files
// it for a citizen (filed_by).
func (s *Server) apiReportFail(c *gin.Context) error {
	var req failRequest
	if err := s.feedbackJSON(c, &req); err != nil {
		return err
	}
	r := feedback.FailReport{Kind: req.Kind, Target: req.Target, What: req.What, Phone: req.Phone}
	if u := currentUser(c); filesForCitizens(u) {
		r.FiledBy = u.Name
	}
	filed, err := s.store.ReportFail(c.Request.Context(), &r)
	if err != nil {
		return apiFeedbackError(err)
	}
	c.JSON(http.StatusCreated, gin.H{"ticket": s.filedTicket(c, filed)})
	return nil
}

// apiTicket is GET /api/v1/tickets/{token}: the citizen's view of the
// ticket (no contact, no clerk, no handler).
func (s *Server) apiTicket(c *gin.Context) error {
	privateTicket(c)
	t, err := s.store.TicketByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"ticket": newTicketView(t, time.Now())})
	return nil
}
