package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/search"
	"zhinan/store"
)

// Error is an error with an HTTP status, a stable code and a Chinese
// message for the user; handlers return it (or a catalog sentinel error,
// which handle maps) and never write error responses themselves.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
	Details any
	// RetryAfter, when not 0, is sent as the Retry-After header (seconds).
	RetryAfter int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorBody is the JSON shape of every API error (docs/contract.md#errors).
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
		Details any    `json:"details,omitempty"`
	} `json:"error"`
}

// badRequest is a 400 naming the offending parameter.
func badRequest(field, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg, Field: field}
}

// toError maps any error a handler returned to an *Error: domain sentinel
// errors to their statuses, anything else to a 500 that is logged.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var verr *catalog.ValidationError
	switch {
	case errors.As(err, &verr):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: MsgInvalid, Details: verr.Errors}
	case errors.Is(err, catalog.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: MsgNotFound}
	case errors.Is(err, catalog.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: MsgConflict}
	case errors.Is(err, catalog.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: MsgForbidden}
	case errors.Is(err, catalog.ErrInvalid):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: MsgInvalid}
	case store.IsBusy(err):
		// Another process holds the write lock (an import's swap): nothing
		// was written, and the same request will succeed shortly.
		return &Error{Status: http.StatusServiceUnavailable, Code: "busy", Message: MsgBusy, RetryAfter: busyRetryAfter}
	case errors.Is(err, search.ErrIndexDamaged):
		return &Error{Status: http.StatusServiceUnavailable, Code: "index_unavailable", Message: MsgIndexUnavailable}
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer and nothing failed.
		return &Error{Status: statusClientClosed, Code: "canceled", Message: MsgInternal}
	}
	slog.Error("internal error", "err", err)
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: MsgInternal}
}

// statusClientClosed is the status logged for a request its client
// abandoned (nginx's 499).
const statusClientClosed = 499

// handlerFunc is a gin handler that returns its error instead of writing it.
type handlerFunc func(c *gin.Context) error

// api wraps a handlerFunc: a returned error becomes a JSON error response
// with the status toError gives it.
func api(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			writeAPIError(c, toError(err))
		}
	}
}

func writeAPIError(c *gin.Context, e *Error) {
	e.setHeaders(c)
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Field, body.Error.Details = e.Code, e.Message, e.Field, e.Details
	c.AbortWithStatusJSON(e.Status, body)
}

// setHeaders sets the response headers an error asks for.
func (e *Error) setHeaders(c *gin.Context) {
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	}
}

// errorView is the data of the error page (templates/error.html): what
// went wrong, in plain words, and the ways back from here.
type errorView struct {
	Status  int
	Heading string
	Reasons []string // the paragraphs that say why
	// Guide is the address of the public guide of the item the page was
	// about, when it is published; GuideName its name.
	Guide, GuideName string
	Search           string // 404: words to search for instead
	SearchURL        string
	Workbench        bool // the visitor is signed in: back to 工作台
}

// renderError answers a page request that failed with err: the error page,
// with the status toError gives err.
func (s *Server) renderError(c *gin.Context, err error) {
	e := toError(err)
	e.setHeaders(c)
	v := s.errorView(c, e, err)
	s.render(c, e.Status, "error", s.layout(c, v.Heading, "page-error", v))
}

// errorView says why a page failed: for a refused item, which department
// owns it and whose account the visitor uses; for a missing item or page,
// what to search for instead.
func (s *Server) errorView(c *gin.Context, e *Error, err error) *errorView {
	u := currentUser(c)
	v := &errorView{Status: e.Status, Heading: label("error.title"), Workbench: u != nil}
	code, route := c.Param("code"), c.FullPath()
	isItem := code != "" && strings.Contains(route, "/items/:code")
	switch e.Status {
	case http.StatusNotFound:
		v.Heading = label("error.notfound")
		switch {
		case isItem:
			v.Reasons = append(v.Reasons, tf("error.notfound.item", code))
			v.Search = code
		case code != "" && strings.Contains(route, "/bundles/:code"):
			v.Reasons = append(v.Reasons, tf("error.notfound.bundle", code))
			v.Search = code
		default:
			v.Search = pathWords(c.Request.URL.Path)
		}
		v.Reasons = append(v.Reasons, label("error.notfound.tip"))
	case http.StatusForbidden:
		v.Heading = label("error.forbidden")
		var ae *catalog.AccessError
		switch {
		case errors.As(err, &ae):
			v.Reasons = append(v.Reasons, tf("error.forbidden.owner", ae.Department, s.regions.name(ae.Region)))
			v.Reasons = append(v.Reasons, s.accountReason(u))
			v.Reasons = append(v.Reasons, label("error.forbidden.help"))
		case e.Message != MsgForbidden:
			v.Reasons = append(v.Reasons, e.Message) // a refusal that says why itself (cross-site)
		default:
			v.Reasons = append(v.Reasons, s.accountReason(u))
		}
	case http.StatusInternalServerError:
		v.Heading = label("error.internal")
	case http.StatusServiceUnavailable:
		v.Heading = label("error.unavailable")
		v.Reasons = append(v.Reasons, e.Message, label("error.retry"))
	case http.StatusBadRequest:
		v.Heading = label("error.badrequest")
		v.Reasons = append(v.Reasons, e.Message)
	case http.StatusConflict:
		v.Heading = label("error.conflict")
		v.Reasons = append(v.Reasons, e.Message)
	default:
		v.Reasons = append(v.Reasons, e.Message)
	}
	if v.Search != "" {
		v.SearchURL = "/search?q=" + url.QueryEscape(v.Search)
	}
	if isItem && (e.Status == http.StatusForbidden || e.Status == http.StatusConflict) {
		// The public guide of the item, when there is one: a way back for
		// an editor refused the draft and for a citizen alike.
		if p, err := s.store.Published(c.Request.Context(), code); err == nil {
			v.Guide, v.GuideName = "/items/"+url.PathEscape(p.Code), p.Name
		}
	}
	return v
}

// accountReason says whose account the visitor uses and what it may do.
func (s *Server) accountReason(u *catalog.User) string {
	switch {
	case u == nil:
		return label("error.forbidden.anon")
	case u.Role == catalog.RoleEditor && u.Department != "":
		return tf("error.forbidden.editor", u.Name, u.Department)
	case u.Role == catalog.RoleReviewer && u.Region != "":
		return tf("error.forbidden.reviewer", u.Name, s.regions.name(u.Region))
	}
	return tf("error.forbidden.role", u.Name, label("role."+u.Role))
}

// maxSearchWords bounds the words a 404 page offers to search for.
const maxSearchWords = 40

// pathWords are the words of an unknown address (as decoded) worth
// searching for: its last segment, when it holds a letter (/banshi/身份证 →
// 身份证), else "".
func pathWords(p string) string {
	p = strings.Trim(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	p = strings.TrimSpace(p)
	if p == "" || !utf8.ValidString(p) || utf8.RuneCountInString(p) > maxSearchWords || !strings.ContainsFunc(p, unicode.IsLetter) {
		return ""
	}
	return p
}
