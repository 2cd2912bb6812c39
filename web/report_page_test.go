package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhinan/report"
	"zhinan/store"
)

func TestReportPage(t *testing.T) {
	f := seedServer(t)
	// Anonymous: to the login page; an editor: forbidden.
	if r := get(t, f.srv, "/audit"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("anonymous: %d %s", r.status, r.header.Get("Location"))
	}
	_, editor := apiLogin(t, f.srv, "editor-police")
	if r := get(t, f.srv, "/audit", editor); r.status != 403 {
		t.Fatalf("editor: %d", r.status)
	}
	_, auditor := apiLogin(t, f.srv, "auditor")
	r := get(t, f.srv, "/audit?region=610900", auditor)
	if r.status != 200 {
		t.Fatalf("auditor: %d %s", r.status, r.body)
	}
	if strings.Count(r.body, "<svg") != 6 || !strings.Contains(r.body, "最多跑一次比例") {
		t.Fatalf("charts missing: %d svg", strings.Count(r.body, "<svg"))
	}
	// The numbers in the page's table equal the report the API serves.
	rep, err := report.BuildCoverage(t.Context(), f.store, report.Request{By: store.ByRegion, Region: "610900"}, f.srv.opts.Targets)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rep.Rows {
		cell := regexp.MustCompile(`data-group="` + row.Group + `" data-rollup="` + boolText(row.Rollup) + `"><th scope="row">[^<]*</th><td class="num" data-col="items">(\d+)</td>`).FindStringSubmatch(r.body)
		if cell == nil || cell[1] != itoa(row.Items) {
			t.Errorf("row %s rollup %v: page %v, report %d items", row.Group, row.Rollup, cell, row.Items)
		}
	}
	b, _ := json.Marshal(rep.Rows[0].OneVisitRate)
	if !strings.Contains(r.body, `data-rate="one_visit_rate">`+string(b)) && rep.Rows[0].OneVisitRate != nil {
		t.Errorf("first row's one_visit_rate %s not in the page", b)
	}
	if r := get(t, f.srv, "/audit?region=999999", auditor); r.status != 400 {
		t.Fatalf("unknown region: %d", r.status)
	}
	if r := get(t, f.srv, "/audit?as_of=2999-01-01", auditor); r.status != 400 {
		t.Fatalf("future as_of: %d", r.status)
	}
	if r := get(t, f.srv, "/audit?as_of=yesterday", auditor); r.status != 400 {
		t.Fatalf("malformed as_of: %d", r.status)
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestReportDownloads(t *testing.T) {
	f := seedServer(t)
	_, auditor := apiLogin(t, f.srv, "auditor")
	_, editor := apiLogin(t, f.srv, "editor-police")
	page := get(t, f.srv, "/audit?region=610900", auditor)
	for _, kind := range reportKinds {
		for _, format := range []string{"xlsx", "csv", "json"} {
			link := "/audit/download?format=" + format + "&amp;region=610900&amp;report=" + kind
			if !strings.Contains(page.body, link) {
				t.Errorf("the audit page has no %s %s download (%s)", kind, format, link)
				continue
			}
			path := strings.ReplaceAll(link, "&amp;", "&")
			r := get(t, f.srv, path, auditor)
			if r.status != 200 || len(r.body) < 100 || !strings.Contains(r.header.Get("Content-Disposition"), kind+"."+format) {
				t.Errorf("%s: %d, %d bytes", path, r.status, len(r.body))
			}
			if format == "xlsx" && !strings.HasPrefix(r.body, "PK") {
				t.Errorf("%s is not an XLSX file", path)
			}
			if r := get(t, f.srv, path, editor); r.status != 403 {
				t.Errorf("%s as an editor: %d", path, r.status)
			}
		}
	}
	if r := get(t, f.srv, "/audit/download?report=secrets&format=csv", auditor); r.status != 400 {
		t.Errorf("unknown report: %d", r.status)
	}
}
