package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// The JSON editing API of bundles (一件事一次办), as that of items
// (edit_api.go): the working edition with its number as ETag, saves
// against If-Match (required; 409 when stale), submit, publish and reject
// against If-Match or the latest edition. The public read routes
// (GET /api/v1/bundles, /api/v1/bundles/{code}) are bundle_pages.go's.

// bundleLatest is the latestFunc of bundles.
func (s *Server) bundleLatest(ctx context.Context, a store.Actor, code string) (*store.WorkingEdition, error) {
	w, err := s.store.BundleDraft(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return &w.WorkingEdition, nil
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
	if err != nil {
		return codeTaken(err, store.ErrBundleCodeTaken, MsgBundleCodeExists)
	}
	return s.saved(c, http.StatusCreated, n, gin.H{"code": b.Code, "edition": n})
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
	return working(c, w, w.Edition)
}

// apiSaveBundle is PUT /api/v1/bundles/{code}/draft.
func (s *Server) apiSaveBundle(c *gin.Context) error {
	a, err := actor(c)
	if err != nil {
		return err
	}
	code := c.Param("code")
	base, err := ifMatch(c, a, code, true, s.bundleLatest)
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
	return s.saved(c, http.StatusOK, n, gin.H{"edition": n})
}

func (s *Server) apiSubmitBundle(c *gin.Context) error {
	return s.step(c, s.bundleLatest, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.SubmitBundle(c.Request.Context(), a, code, base, b.Note)
	})
}

func (s *Server) apiPublishBundle(c *gin.Context) error {
	return s.step(c, s.bundleLatest, func(a store.Actor, code string, base int, _ noteBody) error {
		err := s.store.PublishBundle(c.Request.Context(), a, code, base)
		if err == nil {
			s.bundles.expire() // this process shows the edition at once; others within bundleCheckEvery
		}
		return err
	})
}

func (s *Server) apiRejectBundle(c *gin.Context) error {
	return s.step(c, s.bundleLatest, func(a store.Actor, code string, base int, b noteBody) error {
		return s.store.RejectBundle(c.Request.Context(), a, code, base, b.Reason)
	})
}

// apiBundleEditions is GET /api/v1/bundles/{code}/editions.
func (s *Server) apiBundleEditions(c *gin.Context) error {
	return apiEditionsOf(c, s.store.BundleEditions)
}
