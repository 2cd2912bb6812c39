package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

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
