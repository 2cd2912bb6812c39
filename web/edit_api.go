package web

import (
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

// ifMatch reads the edition a change is based on from If-Match (a number,
// quoted or not). Without one, the latest edition is used.
func (s *Server) ifMatch(c *gin.Context, a store.Actor, code string, required bool) (int, error) {
	v := strings.Trim(strings.TrimPrefix(c.GetHeader("If-Match"), "W/"), `"`)
	if v == "" {
		if required {
			return 0, &Error{Status: http.StatusPreconditionRequired, Code: "if_match_required", Message: MsgIfMatch, Field: "If-Match"}
		}
		w, err := s.store.Draft(c.Request.Context(), a, code)
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
// searchable at once.
func (s *Server) changed() { s.index.Notify() }

func (s *Server) apiCreateItem(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	var it catalog.Item
	if err := decodeJSON(c, &it); err != nil {
		return err
	}
	n, err := s.store.CreateItem(c.Request.Context(), a, &it, c.Query("note"))
	if errors.Is(err, store.ErrCodeTaken) {
		return &Error{Status: http.StatusConflict, Code: "code_exists", Message: MsgCodeExists, Field: "code"}
	}
	if err != nil {
		return err
	}
	s.changed()
	c.Header("ETag", strconv.Itoa(n))
	c.JSON(http.StatusCreated, gin.H{"code": it.Code, "edition": n})
	return nil
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
	c.Header("ETag", strconv.Itoa(w.Edition))
	c.JSON(http.StatusOK, w)
	return nil
}

func (s *Server) apiSaveDraft(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	code := c.Param("code")
	base, err := s.ifMatch(c, a, code, true)
	if err != nil {
		return err
	}
	var it catalog.Item
	if err := decodeJSON(c, &it); err != nil {
		return err
	}
	n, err := s.store.SaveDraft(c.Request.Context(), a, code, base, &it, c.Query("note"))
	if err != nil {
		return err
	}
	s.changed()
	c.Header("ETag", strconv.Itoa(n))
	c.JSON(http.StatusOK, gin.H{"edition": n, "findings": nonNil(catalog.Quality(&it))})
	return nil
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
	return s.step(c, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.Submit(c.Request.Context(), a, code, base, b.Note)
	})
}

func (s *Server) apiPublish(c *gin.Context) error {
	return s.step(c, func(a store.Actor, code string, base int, _ noteBody) error {
		return s.store.Publish(c.Request.Context(), a, code, base)
	})
}

func (s *Server) apiReject(c *gin.Context) error {
	return s.step(c, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.Reject(c.Request.Context(), a, code, base, b.Reason)
	})
}

// step runs one workflow step on the edition named by If-Match (or the
// latest) and answers with the item's working edition afterwards.
func (s *Server) step(c *gin.Context, do func(store.Actor, string, int, noteBody) error) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	var b noteBody
	if err := optionalJSON(c, &b); err != nil {
		return err
	}
	code := c.Param("code")
	base, err := s.ifMatch(c, a, code, false)
	if err != nil {
		return err
	}
	if err := do(a, code, base, b); err != nil {
		return err
	}
	s.changed()
	w, err := s.store.Draft(c.Request.Context(), a, code)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"edition": w.Edition, "state": w.State})
	return nil
}

func (s *Server) apiEditions(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	eds, err := s.store.Editions(c.Request.Context(), a, c.Param("code"))
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
