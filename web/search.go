package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"zhinan/search"
)

// searchRequest decodes the search parameters of docs/contract.md#search, and group
// (service: one row per service, the default; none: one row per item),
// service (the items of one service) and prefer (the citizen's region:
// its items represent their services, it filters nothing). An unknown
// region in prefer prefers nothing, as one in region finds nothing.
func searchRequest(c *gin.Context) (search.Request, error) {
	r := search.Request{
		Q:          c.Query("q"),
		Region:     c.Query("region"),
		Department: c.Query("department"),
		Type:       c.Query("type"),
		Audience:   c.Query("audience"),
		Theme:      c.Query("theme"),
		Flags:      c.QueryArray("flag"),
		Group:      c.Query("group"),
		Service:    c.Query("service"),
		Prefer:     c.Query("prefer"),
	}
	var err error
	if r.Page, err = intParam(c, "page", search.MsgPageRange, search.MaxPage); err != nil {
		return r, err
	}
	if r.Size, err = intParam(c, "size", search.MsgSizeRange, search.MaxSize); err != nil {
		return r, err
	}
	return r, nil
}

// intParam reads an optional positive integer query parameter.
func intParam(c *gin.Context, name, msg string, limit int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest(name, fmt.Sprintf(msg, limit))
	}
	return n, nil
}

// searchError maps a refused search request to 400.
func searchError(err error) error {
	var re *search.RequestError
	if errors.As(err, &re) {
		return badRequest(re.Field, re.Message)
	}
	return err
}

func (s *Server) search(c *gin.Context) error {
	r, err := searchRequest(c)
	if err != nil {
		return err
	}
	res, err := s.index.Search(c.Request.Context(), r)
	if err != nil {
		return searchError(err)
	}
	head, rest, err := res.JSONParts()
	if err != nil {
		return err
	}
	bundles, err := s.bundlesJSON(c, r)
	if err != nil {
		return err
	}
	digest, err := res.Digest()
	if err != nil {
		return err
	}
	if notModified(c, weakETag(digest[:], bundles), cacheSearch) {
		return nil
	}
	writeJSONParts(c, head, rest, bundles)
	return nil
}

// writeJSONParts answers 200 with a search result's JSON object, written
// from its parts without joining them: head and rest as
// search.Result.JSONParts returns them, and, unless empty, the member
// "bundles" with the value bundles before the closing brace.
func writeJSONParts(c *gin.Context, head, rest, bundles []byte) {
	if len(bundles) > 0 {
		if len(rest) > 1 {
			bundles = append([]byte(`,"bundles":`), bundles...)
		} else {
			bundles = append([]byte(`"bundles":`), bundles...)
		}
		bundles = append(bundles, '}')
		rest = rest[:len(rest)-1]
	}
	w := c.Writer
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(rest)+len(bundles)))
	w.WriteHeader(http.StatusOK)
	for _, p := range [][]byte{head, rest, bundles} {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

func (s *Server) suggest(c *gin.Context) error {
	names, err := s.index.Suggest(c.Request.Context(), c.Query("q"))
	if err != nil {
		return searchError(err)
	}
	c.JSON(http.StatusOK, gin.H{"suggestions": names})
	return nil
}

func (s *Server) themes(c *gin.Context) error {
	res, err := s.index.Search(c.Request.Context(), search.Request{})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"themes": res.Facets["theme"]})
	return nil
}
