package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// The JSON editing API of bundles (一件事一次办), as that of items
// (edit_api.go): the working edition with its number as ETag, saves
// against If-Match (required; 409 when stale), submit, publish and reject
// against If-Match or the latest edition. The public read routes
// (GET /api/v1/bundles, /api/v1/bundles/{code}) are bundle_pages.go's.

// bundleIfMatch is ifMatch for bundles.
func (s *Server) bundleIfMatch(c *gin.Context, a store.Actor, code string, required bool) (int, error) {
	if c.GetHeader("If-Match") == "" && !required {
		w, err := s.store.BundleDraft(c.Request.Context(), a, code)
		if err != nil {
			return 0, err
		}
		return w.Edition, nil
	}
	return s.ifMatch(c, a, code, true)
}

// apiCreateBundle is POST /api/v1/bundles: a new bundle, edition 1, a draft.
func (s *Server) apiCreateBundle(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	var b catalog.Bundle
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	n, err := s.store.SaveBundle(c.Request.Context(), a, b.Code, 0, &b, c.Query("note"))
	if errors.Is(err, store.ErrBundleCodeTaken) {
		return &Error{Status: http.StatusConflict, Code: "code_exists", Message: MsgBundleCodeExists, Field: "code"}
	}
	if err != nil {
		return err
	}
	s.changed()
	c.Header("ETag", strconv.Itoa(n))
	c.JSON(http.StatusCreated, gin.H{"code": b.Code, "edition": n})
	return nil
}

// apiBundleDraft is GET /api/v1/bundles/{code}/draft.
func (s *Server) apiBundleDraft(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	w, err := s.store.BundleDraft(c.Request.Context(), a, c.Param("code"))
	if err != nil {
		return err
	}
	c.Header("ETag", strconv.Itoa(w.Edition))
	c.JSON(http.StatusOK, w)
	return nil
}

// apiSaveBundle is PUT /api/v1/bundles/{code}/draft.
func (s *Server) apiSaveBundle(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	code := c.Param("code")
	base, err := s.bundleIfMatch(c, a, code, true)
	if err != nil {
		return err
	}
	var b catalog.Bundle
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if b.Code == "" {
		b.Code = code
	}
	n, err := s.store.SaveBundle(c.Request.Context(), a, code, base, &b, c.Query("note"))
	if err != nil {
		return err
	}
	s.changed()
	c.Header("ETag", strconv.Itoa(n))
	c.JSON(http.StatusOK, gin.H{"edition": n})
	return nil
}

func (s *Server) apiSubmitBundle(c *gin.Context) error {
	return s.bundleStep(c, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.SubmitBundle(c.Request.Context(), a, code, base, b.Note)
	})
}

func (s *Server) apiPublishBundle(c *gin.Context) error {
	return s.bundleStep(c, func(a store.Actor, code string, base int, _ noteBody) error {
		err := s.store.PublishBundle(c.Request.Context(), a, code, base)
		if err == nil {
			s.bundles.expire() // this process shows the edition at once; others within bundleCheckEvery
		}
		return err
	})
}

func (s *Server) apiRejectBundle(c *gin.Context) error {
	return s.bundleStep(c, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.RejectBundle(c.Request.Context(), a, code, base, b.Reason)
	})
}

// bundleStep runs one workflow step of a bundle and answers with its
// working edition afterwards.
func (s *Server) bundleStep(c *gin.Context, do func(store.Actor, string, int, noteBody) error) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	var b noteBody
	if err := optionalJSON(c, &b); err != nil {
		return err
	}
	code := c.Param("code")
	base, err := s.bundleIfMatch(c, a, code, false)
	if err != nil {
		return err
	}
	if err := do(a, code, base, b); err != nil {
		return err
	}
	s.changed()
	w, err := s.store.BundleDraft(c.Request.Context(), a, code)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"edition": w.Edition, "state": w.State})
	return nil
}

// apiBundleEditions is GET /api/v1/bundles/{code}/editions.
func (s *Server) apiBundleEditions(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	eds, err := s.store.BundleEditions(c.Request.Context(), a, c.Param("code"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"editions": eds})
	return nil
}
