// Package apicheck validates the API's recorded answers against its
// OpenAPI document (web/openapi.yaml), with pb33f's libopenapi-validator.
// Tests only: the web tests pass every response of /api/v1/ and /healthz
// through a Checker, so an answer the document does not describe — an
// undocumented route or status, a member it does not list, a wrong type,
// a missing required member — fails the test that produced it.
package apicheck

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Checker validates responses against one document and remembers which
// of its operations were answered.
type Checker struct {
	v     validator.Validator
	model *v3.Document
	opts  *config.ValidationOptions

	mu   sync.Mutex
	seen map[string]bool // "GET /api/v1/items/{code}"
}

// New parses and checks the document (YAML or JSON).
func New(spec []byte) (*Checker, error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		return nil, fmt.Errorf("openapi document: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("openapi document is not valid: %s", joinErrors(verrs))
	}
	return &Checker{v: v, model: &model.Model, opts: config.NewValidationOptions(), seen: map[string]bool{}}, nil
}

// Covers reports whether the checker validates answers to this path:
// the API's (/api/v1/) and the health check's.
func Covers(path string) bool { return strings.HasPrefix(path, "/api/v1/") || path == "/healthz" }

// Check validates one answer to req. HEAD requests are not in the
// document (every GET answers HEAD) and are skipped; so is a 404 or 405
// of a path the document does not have (an unknown route is answered the
// error shape, tested on its own). Any other answer to an undocumented
// path, or with an undocumented status, is an error.
func (c *Checker) Check(req *http.Request, status int, header http.Header, body []byte) error {
	if !Covers(req.URL.Path) || req.Method == http.MethodHead {
		return nil
	}
	item, errs, path := paths.FindPath(req, c.model, c.opts)
	if item == nil || len(errs) > 0 {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil
		}
		return fmt.Errorf("%s %s answered %d, but the OpenAPI document has no such operation", req.Method, req.URL.Path, status)
	}
	c.mu.Lock()
	c.seen[req.Method+" "+path] = true
	c.mu.Unlock()
	resp := &http.Response{
		StatusCode: status,
		Header:     header.Clone(),
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}
	if ok, verrs := c.v.ValidateHttpResponse(req, resp); !ok {
		return fmt.Errorf("%s %s answered %d not as the OpenAPI document says: %s\nbody: %s",
			req.Method, req.URL.RequestURI(), status, joinErrors(verrs), clip(body))
	}
	return nil
}

// Unanswered lists the document's operations no checked request reached,
// as "METHOD /path".
func (c *Checker) Unanswered() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for path, item := range c.model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			op := strings.ToUpper(method) + " " + path
			if !c.seen[op] {
				out = append(out, op)
			}
		}
	}
	slices.Sort(out)
	return out
}

func joinErrors[E error](errs []E) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n  - ")
		b.WriteString(e.Error())
	}
	return b.String()
}

func clip(b []byte) string {
	const max = 600
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// Transport is an http.RoundTripper that validates the answers of the
// requests it carries, for tests that talk to a real server: an answer
// the document does not describe is the request's error. It validates at
// most PerKey answers of one method, URL and status (0: every one), so a
// test that polls the same URL thousands of times pays for a few; every
// distinct request is validated.
type Transport struct {
	Next    http.RoundTripper
	Checker *Checker
	PerKey  int

	mu    sync.Mutex
	count map[string]int
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Next.RoundTrip(req)
	if err != nil || !Covers(req.URL.Path) || !t.take(fmt.Sprint(req.Method, " ", req.URL.RequestURI(), " ", resp.StatusCode)) {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := t.Checker.Check(req, resp.StatusCode, resp.Header, body); err != nil {
		return nil, err
	}
	return resp, nil
}

func (t *Transport) take(key string) bool {
	if t.PerKey <= 0 {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.count == nil {
		t.count = map[string]int{}
	}
	t.count[key]++
	return t.count[key] <= t.PerKey
}
