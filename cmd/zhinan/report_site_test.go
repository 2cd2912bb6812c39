package main

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"zhinan/seeds"
)

// TestReportDefaultsToTheSiteRegion: without --region, `zhinan report
// coverage` is of the site's own region — the region `zhinan serve` gives
// the /audit page and GET /api/v1/coverage by default, byte for byte the
// same document — 安康市 unless ZHINAN_SITE_REGION (or --site-region)
// names another; not 陕西省 with an empty 本级 row. An empty --region is every
// region.
func TestReportDefaultsToTheSiteRegion(t *testing.T) {
	for _, site := range []string{"", "610921"} {
		data := reportData(t) // a server of its own
		t.Setenv(siteRegionEnv, site)
		want := site
		if want == "" {
			want = seeds.CityRegion
		}
		code, out, errOut := zhinan(t, "report", "coverage", "--data", data, "--as-of", "2025-06-30", "--format", "json")
		var doc struct {
			Region string
			Rows   []struct {
				Group string
				Items int
			}
		}
		if code != 0 || json.Unmarshal([]byte(out), &doc) != nil {
			t.Fatalf("site %q: %d %s", site, code, errOut)
		}
		if doc.Region != want || len(doc.Rows) == 0 || doc.Rows[0].Group != want || doc.Rows[0].Items == 0 {
			t.Fatalf("site %q: report of %q, rows %+v; want %s", site, doc.Region, doc.Rows, want)
		}
		srv := startServer(t, data, "--no-seed")
		resp, err := http.Get(srv.base + "/api/v1/coverage?as_of=2025-06-30")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != out {
			t.Fatalf("site %q: the server's default differs from the command's:\n%s\n%s", site, body, out)
		}
	}
	t.Setenv(siteRegionEnv, "")
	data := reportData(t)
	code, out, _ := zhinan(t, "report", "coverage", "--data", data, "--region", "", "--format", "json")
	var all struct {
		Region string
		Rows   []struct{ Group string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &all) != nil || all.Region != "" || len(all.Rows) == 0 || all.Rows[0].Group != "610000" {
		t.Fatalf("--region '': %d %.300s", code, out)
	}
	if code, out, _ := zhinan(t, "report", "coverage", "--data", data, "--site-region", "610921", "--format", "json"); code != 0 || json.Unmarshal([]byte(out), &all) != nil || all.Region != "610921" {
		t.Fatalf("--site-region 610921: %d %.300s", code, out)
	}
	if code, _, errOut := zhinan(t, "report", "coverage", "--data", data, "--site-region", "999999"); code != 2 {
		t.Fatalf("unknown site region: %d %s", code, errOut)
	}
}
