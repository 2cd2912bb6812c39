package main

import (
	"fmt"
	"net/http"
	"os"

	"zhinan/internal/apicheck"
	"zhinan/web"
)

// apiChecker validates the answers of /api/v1/ and /healthz the command's
// tests get from real servers against the OpenAPI document, as the web
// package's tests do in-process (internal/apicheck).
var apiChecker = func() *apicheck.Checker {
	c, err := apicheck.New(web.OpenAPIYAML)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return c
}()

// apiAnswersPerKey bounds the answers validated per method, URL and
// status: the replica tests poll the same URLs by the thousand.
const apiAnswersPerKey = 3

// apiChecked wraps a transport so that an answer the document does not
// describe is the request's error.
func apiChecked(next http.RoundTripper) http.RoundTripper {
	return &apicheck.Transport{Next: next, Checker: apiChecker, PerKey: apiAnswersPerKey}
}

// checkAPIAnswers makes the default client's requests (http.Get, http.Post)
// validated. http.DefaultTransport itself stays as it is: tests clone it.
func checkAPIAnswers() { http.DefaultClient.Transport = apiChecked(http.DefaultTransport) }
