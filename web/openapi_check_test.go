package web

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"zhinan/internal/apicheck"
)

// The OpenAPI document is kept true by the tests: every answer of /api/
// and /healthz a web test produces passes through serveChecked and is
// validated against it (internal/apicheck); a mismatch fails the test that
// produced it.
var (
	apiCheckOnce sync.Once
	apiChecker   *apicheck.Checker
	apiCheckErr  error
)

func checker() (*apicheck.Checker, error) {
	apiCheckOnce.Do(func() { apiChecker, apiCheckErr = apicheck.New(OpenAPIYAML) })
	return apiChecker, apiCheckErr
}

// serveChecked serves req and validates an API answer against the
// document.
func serveChecked(t testing.TB, h http.Handler, rec *httptest.ResponseRecorder, req *http.Request) {
	t.Helper()
	h.ServeHTTP(rec, req)
	if !apicheck.Covers(req.URL.Path) {
		return
	}
	c, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(req, rec.Code, rec.Result().Header, rec.Body.Bytes()); err != nil {
		t.Error(err)
	}
}

// checkEveryOperationAnswered, run after the whole package's tests, fails
// when an operation of the document was never answered: the document
// describes something no test exercises. A run of some tests (-run)
// skips it.
func checkEveryOperationAnswered() int {
	if f := flag.Lookup("test.run"); f == nil || f.Value.String() != "" {
		return 0
	}
	if f := flag.Lookup("test.short"); f != nil && f.Value.String() == "true" {
		return 0
	}
	c, err := checker()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if missing := c.Unanswered(); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: operations of web/openapi.yaml no web test answered:\n  %s\n", strings.Join(missing, "\n  "))
		return 1
	}
	return 0
}
