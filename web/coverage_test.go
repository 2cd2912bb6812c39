package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhinan/report"
	"zhinan/store"
)

// TestCoverageAPI: GET /api/v1/coverage is public, serves the document
// report.WriteJSON writes for the same request, and answers bad parameters
// with 400 naming them.
func TestCoverageAPI(t *testing.T) {
	f := seedServer(t)
	r := get(t, f.srv, "/api/v1/coverage?by=region&region=610900")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("coverage: %d %s", r.status, r.body)
	}
	var doc struct {
		AsOf time.Time `json:"as_of"`
		Rows []struct {
			Group      string   `json:"group"`
			Rollup     bool     `json:"rollup"`
			Items      int      `json:"items"`
			OnlineRate *float64 `json:"online_rate"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rows) < 3 || doc.Rows[0].Group != "610900" || !doc.Rows[0].Rollup || doc.Rows[0].Items == 0 || doc.Rows[0].OnlineRate == nil {
		t.Fatalf("rows: %+v", doc.Rows)
	}
	// The same bytes as the report for that instant.
	want, err := report.BuildCoverage(t.Context(), f.store, report.Request{By: store.ByRegion, Region: "610900", AsOf: doc.AsOf}, f.srv.opts.Targets)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	report.WriteJSON(&b, want)
	if b.String() != r.body {
		t.Fatalf("API body differs from report.WriteJSON:\n%s\n%s", r.body, b.String())
	}
	// Department and type groupings; a date before anything was
	// published gives no rows, not an error.
	for _, q := range []string{"by=department&region=610921", "by=type", "as_of=2001-01-01"} {
		r := get(t, f.srv, "/api/v1/coverage?"+q)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
		if q == "as_of=2001-01-01" && !strings.Contains(r.body, `"rows": []`) {
			t.Fatalf("%s: %s", q, r.body)
		}
	}
	tomorrow := f.store.Now().In(report.ChinaTime).AddDate(0, 0, 1).Format(time.DateOnly)
	for q, field := range map[string]string{
		"region=999999":       "region",
		"by=colour":           "by",
		"as_of=2021-02-30":    "as_of",
		"as_of=yesterday":     "as_of",
		"as_of=" + tomorrow:   "as_of",
		"as_of=2021-06-30T00": "as_of",
	} {
		r := get(t, f.srv, "/api/v1/coverage?"+q)
		var e struct {
			Error struct{ Code, Message, Field string }
		}
		json.Unmarshal([]byte(r.body), &e)
		if r.status != 400 || e.Error.Field != field || e.Error.Message == "" {
			t.Errorf("%s: %d %s", url.QueryEscape(q), r.status, r.body)
		}
	}
}
