package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// actor is the workflow actor of a request: the signed-in user and the
// client address for the change log.
func actor(c *gin.Context) (store.Actor, error) {
	u, err := needUser(c)
	if err != nil {
		return store.Actor{}, err
	}
	return store.Actor{User: u, Remote: clientIP(c)}, nil
}

// latestFunc gives the working edition of the item or bundle code.
type latestFunc func(ctx context.Context, a store.Actor, code string) (*store.WorkingEdition, error)

// itemLatest is the latestFunc of items.
func (s *Server) itemLatest(ctx context.Context, a store.Actor, code string) (*store.WorkingEdition, error) {
	w, err := s.store.Draft(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return &w.WorkingEdition, nil
}

// ifMatch reads the edition a change of the item or bundle code is based
// on from If-Match (a number, quoted or not). Without one, the working
// edition latest gives is used, or, when required, it is refused (428).
func ifMatch(c *gin.Context, a store.Actor, code string, required bool, latest latestFunc) (int, error) {
	v := strings.Trim(strings.TrimPrefix(c.GetHeader("If-Match"), "W/"), `"`)
	if v == "" {
		if required {
			return 0, &Error{Status: http.StatusPreconditionRequired, Code: "if_match_required", Message: MsgIfMatch, Field: "If-Match"}
		}
		w, err := latest(c.Request.Context(), a, code)
		if err != nil {
			return 0, err
		}
		return w.Edition, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest("If-Match", MsgIfMatch)
	}
	return n, nil
}

// changed tells search that this process wrote, so a publish is
// searchable at once, and wakes the requests waiting for the change feed.
func (s *Server) changed() {
	s.index.Notify()
	s.feed.wake()
}

// codeTaken is the API's error for creating an item or bundle whose code
// is in use (taken, a store sentinel), with message msg; other errors
// pass.
func codeTaken(err, taken error, msg string) error {
	if errors.Is(err, taken) {
		return &Error{Status: http.StatusConflict, Code: "code_exists", Message: msg, Field: "code"}
	}
	return err
}

// saved answers a create or save of edition n with status and body, the
// edition's number as ETag, after telling search.
func (s *Server) saved(c *gin.Context, status, n int, body gin.H) error {
	s.changed()
	c.Header("ETag", strconv.Itoa(n))
	c.JSON(status, body)
	return nil
}

// working answers GET …/draft: the working edition w of an item or bundle,
// numbered edition, its number as ETag.
func working(c *gin.Context, w any, edition int) error {
	c.Header("ETag", strconv.Itoa(edition))
	c.JSON(http.StatusOK, w)
	return nil
}

func (s *Server) apiCreateItem(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	it, readOnly, err := decodeDocument(c)
	if err != nil {
		return err
	}
	// A new item has no edition of its own yet: the metadata of the
	// document it was made from are ignored; its flags must be those
	// its guide gives.
	if err := checkReadOnly(pick(readOnly, "flags"), gin.H{"flags": nonNil(catalog.Flags(it))}); err != nil {
		return err
	}
	n, err := s.store.CreateItem(c.Request.Context(), a, it, c.Query("note"))
	if err != nil {
		return codeTaken(err, store.ErrCodeTaken, MsgCodeExists)
	}
	return s.saved(c, http.StatusCreated, n, gin.H{"code": it.Code, "edition": n})
}

func (s *Server) apiDraft(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	w, err := s.store.Draft(c.Request.Context(), a, c.Param("code"))
	if err != nil {
		return err
	}
	return working(c, w, w.Edition)
}

func (s *Server) apiSaveDraft(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	code := c.Param("code")
	base, err := ifMatch(c, a, code, true, s.itemLatest)
	if err != nil {
		return err
	}
	it, readOnly, err := decodeDocument(c)
	if err != nil {
		return err
	}
	if len(readOnly) > 0 {
		server, err := s.itemDocument(c.Request.Context(), a, code, readOnly)
		if err != nil {
			return err
		}
		if err := checkReadOnly(readOnly, server); err != nil {
			return err
		}
	}
	n, err := s.store.SaveDraft(c.Request.Context(), a, code, base, it, c.Query("note"))
	if err != nil {
		return err
	}
	return s.saved(c, http.StatusOK, n, gin.H{"edition": n, "findings": nonNil(catalog.Quality(it))})
}

// itemDocument returns the read-only members of the item code as the API
// answers them: those of GET …/draft, and flags and (when sent, for an
// item with a published edition) updated_at of GET /api/v1/items/{code}.
func (s *Server) itemDocument(ctx context.Context, a store.Actor, code string, sent map[string]json.RawMessage) (map[string]any, error) {
	w, err := s.store.Draft(ctx, a, code)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{"edition": w.Edition, "state": w.State, "published": w.Published, "note": w.Note,
		"reason": w.Reason, "author": w.Author, "created_at": w.CreatedAt, "findings": w.Findings, "checks": w.Checks,
		"flags": nonNil(catalog.Flags(&w.Item))}
	if _, ok := sent["updated_at"]; ok && w.Published > 0 {
		p, err := s.store.Published(ctx, code)
		if err != nil {
			return nil, err
		}
		doc["updated_at"] = p.UpdatedAt
	}
	return doc, nil
}

// pick returns the members of m named keys.
func pick(m map[string]json.RawMessage, keys ...string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// noteBody is the body of submit and reject.
type noteBody struct {
	Note   string `json:"note"`
	Reason string `json:"reason"`
}

// optionalJSON decodes a JSON body if there is one.
func optionalJSON(c *gin.Context, v any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	return decodeJSON(c, v)
}

func (s *Server) apiSubmit(c *gin.Context) error {
	return s.step(c, s.itemLatest, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.Submit(c.Request.Context(), a, code, base, b.Note)
	})
}

// publishBody is the body of an item's publish: the reasons for
// publishing despite the publishing-check warnings, by rule id
// (docs/contract.md#publishing-checks). The note and reason of noteBody
// are accepted and unused, as before.
type publishBody struct {
	noteBody
	Overrides map[string]string `json:"overrides"`
}

func (s *Server) apiPublish(c *gin.Context) error {
	return stepWith(s, c, s.itemLatest, func(a store.Actor, code string, base int, b publishBody) error {
		return publishRefused(s.store.PublishWith(c.Request.Context(), a, code, base, b.Overrides))
	})
}

// checkJSON is one publishing check in a refused publish's details.
type checkJSON struct {
	Rule    string `json:"rule"`
	Quality int    `json:"quality,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// refusalDetails are the details of a refused publish (422
// publish_refused): the errors that block it, the warnings that need a
// reason, and what is wrong with the reasons given (field
// overrides.<rule>).
type refusalDetails struct {
	Errors    []checkJSON          `json:"errors"`
	Warnings  []checkJSON          `json:"warnings"`
	Overrides []catalog.FieldError `json:"overrides"`
}

// publishRefused maps a publish the checks refused to its API error (422
// publish_refused, with refusalDetails); other errors pass.
func publishRefused(err error) error {
	var r *catalog.PublishRefusal
	if !errors.As(err, &r) {
		return err
	}
	d := refusalDetails{Errors: []checkJSON{}, Warnings: []checkJSON{}, Overrides: nonNil(r.Overrides)}
	for _, ch := range r.Checks {
		j := checkJSON{Rule: ch.Rule, Quality: ch.Quality, Field: ch.Field, Message: ch.Message}
		if ch.Severity == catalog.SeverityError {
			d.Errors = append(d.Errors, j)
		} else {
			d.Warnings = append(d.Warnings, j)
		}
	}
	msg := MsgPublishNeedsReasons
	if r.Blocked() {
		msg = MsgPublishBlocked
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "publish_refused", Message: msg, Details: d}
}

func (s *Server) apiReject(c *gin.Context) error {
	return s.step(c, s.itemLatest, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.Reject(c.Request.Context(), a, code, base, b.Reason)
	})
}

// step runs one workflow step on the edition of an item or bundle named by
// If-Match (or the working edition latest gives) and answers with the
// working edition afterwards.
func (s *Server) step(c *gin.Context, latest latestFunc, do func(store.Actor, string, int, noteBody) error) error {
	return stepWith(s, c, latest, do)
}

// stepWith is step with a body of type B.
func stepWith[B any](s *Server, c *gin.Context, latest latestFunc, do func(store.Actor, string, int, B) error) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	var b B
	if err := optionalJSON(c, &b); err != nil {
		return err
	}
	code := c.Param("code")
	base, err := ifMatch(c, a, code, false, latest)
	if err != nil {
		return err
	}
	if err := do(a, code, base, b); err != nil {
		return err
	}
	s.changed()
	w, err := latest(c.Request.Context(), a, code)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"edition": w.Edition, "state": w.State})
	return nil
}

func (s *Server) apiEditions(c *gin.Context) error { return apiEditionsOf(c, s.store.Editions) }

// apiEditionsOf answers GET …/editions: every edition of an item or
// bundle, as get gives them.
func apiEditionsOf(c *gin.Context, get func(context.Context, store.Actor, string) ([]store.EditionInfo, error)) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	eds, err := get(c.Request.Context(), a, c.Param("code"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"editions": eds})
	return nil
}

func (s *Server) apiDiff(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	from, err1 := strconv.Atoi(c.Query("from"))
	to, err2 := strconv.Atoi(c.Query("to"))
	if err1 != nil || err2 != nil || from < 1 || to < 1 {
		return badRequest("from", MsgDiffRange)
	}
	d, err := s.store.Diff(c.Request.Context(), a, c.Param("code"), from, to)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, d)
	return nil
}

func (s *Server) apiChangeLog(c *gin.Context) error {
	u, err := needUser(c)
	if err != nil {
		return err
	}
	if !catalog.Allowed(u, catalog.ActionAudit, 0, true) {
		return catalog.ErrForbidden
	}
	f := store.ChangeFilter{User: c.Query("user"), Item: c.Query("item")}
	if v := c.Query("since"); v != "" {
		t, err := parseTime(v)
		if err != nil {
			return badRequest("since", MsgSinceFormat)
		}
		f.Since = t
	}
	log, err := s.store.ChangeLog(c.Request.Context(), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"entries": nonNil(log)})
	return nil
}

// parseTime accepts RFC 3339 or a date (YYYY-MM-DD, China time).
func parseTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02", v, chinaTime)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
