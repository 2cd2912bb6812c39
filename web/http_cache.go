package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Cache policies of the public reads (docs/api.md#http-caching): how long
// a client or a proxy may answer from its copy before it asks again, with
// If-None-Match, which costs a 304 when nothing changed. A guide or a
// search answer is up to a minute (half a minute) old at most after a
// publish; coverage figures move slowly.
const (
	cacheItem     = "public, max-age=60"
	cacheSearch   = "public, max-age=30"
	cacheCoverage = "public, max-age=300"
)

// weakETag is the weak entity tag of a representation made of parts: its
// meaning, not its bytes (a search answer's took_ms and a coverage
// report's as_of differ between equal answers).
func weakETag(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{0})
		h.Write(p)
	}
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// notModified sets the ETag and Cache-Control of a public read (a
// request with credentials keeps privateResponses' no-store) and
// answers 304 when the request's If-None-Match names the tag (compared
// weakly, as RFC 9110 says for If-None-Match): the caller then writes
// nothing more.
func notModified(c *gin.Context, etag, cacheControl string) bool {
	h := c.Writer.Header()
	h.Set("ETag", etag)
	if h.Get("Cache-Control") != noStore { // a signed-in request's answers stay no-store
		h.Set("Cache-Control", cacheControl)
	}
	if !etagListMatches(c.GetHeader("If-None-Match"), etag) {
		return false
	}
	c.Status(http.StatusNotModified)
	c.Writer.WriteHeaderNow()
	return true
}

// etagListMatches reports whether an If-None-Match value (a list of
// entity tags, or *) names etag, weakly compared.
func etagListMatches(list, etag string) bool {
	if list == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// writeJSONCached answers a public read with the JSON body, its weak
// ETag made of tag (the parts of the body that carry its meaning), or 304.
func writeJSONCached(c *gin.Context, body []byte, cacheControl string, tag ...[]byte) {
	if len(tag) == 0 {
		tag = [][]byte{body}
	}
	if notModified(c, weakETag(tag...), cacheControl) {
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
