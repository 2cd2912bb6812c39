// Package web serves zhinan's HTTP API and web pages with gin. Handlers are
// thin: they decode the request, call the domain (catalog, search, audit)
// and render; errors go through one wrapper that maps domain errors to
// HTTP statuses.
package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/search"
)

// Server holds what the handlers need.
type Server struct {
	store *catalog.Store
	index *search.Index
}

// New returns the HTTP handler of zhinan over the store and its index.
func New(store *catalog.Store, index *search.Index) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{store: store, index: index}
	r := gin.New()
	r.Use(gin.Recovery())
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		writeAPIError(c, &Error{Status: http.StatusNotFound, Code: "not_found", Message: MsgNoRoute})
	})
	r.GET("/healthz", api(s.healthz))
	v1 := r.Group("/api/v1")
	v1.GET("/search", api(s.search))
	v1.GET("/suggest", api(s.suggest))
	v1.GET("/themes", api(s.themes))
	v1.GET("/items/:code", api(s.item))
	v1.GET("/regions", api(s.regions))
	v1.GET("/departments", api(s.departments))
	return r
}

func (s *Server) healthz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: MsgUnhealthy}
	}
	if _, err := s.index.DocCount(); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: MsgUnhealthy}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}

func (s *Server) item(c *gin.Context) error {
	p, err := s.store.Published(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

func (s *Server) regions(c *gin.Context) error {
	rs, err := s.store.Regions(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"regions": rs})
	return nil
}

func (s *Server) departments(c *gin.Context) error {
	region := c.Query("region")
	if region != "" {
		if _, err := s.store.Region(c.Request.Context(), region); err != nil {
			if errors.Is(err, catalog.ErrNotFound) {
				return badRequest("region", MsgUnknownRegion)
			}
			return err
		}
	}
	ds, err := s.store.Departments(c.Request.Context(), region)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"departments": ds})
	return nil
}
