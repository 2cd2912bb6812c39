package main

import (
	"database/sql"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhinan/store"
)

// asOfLine is the as_of member of a report document: the instant it was
// made, which differs between two runs.
var asOfLine = regexp.MustCompile(`(?m)^  "as_of": .*\n`)

// TestReportFeedback: `zhinan report feedback --format json` prints the
// document GET /api/v1/feedback serves for the same data and query (but
// for the instant it was made), CSV and the table hold its figures, and
// bad flags are usage errors naming them.
func TestReportFeedback(t *testing.T) {
	data := reportData(t)
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, store.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dept int64
	if err := db.QueryRow(`SELECT id FROM departments WHERE name = '市行政审批服务局'`).Scan(&dept); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC)
	for _, level := range []int{5, 4, 1} {
		if _, err := db.Exec(`INSERT INTO ratings (target_kind, target_code, region, department_id, level, created_at)
			VALUES ('item', 'R-0-00', '610900', ?, ?, ?)`, dept, level, at); err != nil {
			t.Fatal(err)
		}
	}
	// A 办不成事 at the desk, never contacted: overdue since June 2025.
	if _, err := db.Exec(`INSERT INTO tickets (token, kind, state, fail_kind, what, contact, created_at, deadline, updated_at)
		VALUES ('tok', 'fail', 'open', 'how', '内容', '13912345678', ?, ?, ?)`, at, at.AddDate(0, 0, 2), at); err != nil {
		t.Fatal(err)
	}
	db.Close()

	srv := startServer(t, data, "--no-seed")
	for _, q := range []struct{ args, query string }{
		{"", ""},
		{"--by item --from 2025-06-01 --to 2025-06-30", "?by=item&from=2025-06-01&to=2025-06-30"},
		{"--by region --region 610921", "?by=region&region=610921"},
	} {
		args := append([]string{"report", "feedback", "--data", data, "--format", "json"}, strings.Fields(q.args)...)
		code, out, errOut := zhinan(t, args...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, errOut)
		}
		resp, err := http.Get(srv.base + "/api/v1/feedback" + q.query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || asOfLine.ReplaceAllString(string(body), "") != asOfLine.ReplaceAllString(out, "") {
			t.Fatalf("%s: %d\nAPI:\n%s\nCLI:\n%s", q.query, resp.StatusCode, body, out)
		}
	}

	_, csvOut, _ := zhinan(t, "report", "feedback", "--data", data, "--format", "csv")
	_, table, _ := zhinan(t, "report", "feedback", "--data", data)
	if !strings.Contains(csvOut, "市行政审批服务局,市行政审批服务局,610900,安康市,3,2,66.67,1,0,") ||
		!strings.Contains(csvOut, ",合计,,,3,2,66.67,1,1,0,0,,1,0,0.00,1,0,1,0") ||
		strings.Contains(csvOut, "13912345678") || !strings.Contains(table, "66.67%") {
		t.Errorf("CSV:\n%s\ntable:\n%s", csvOut, table)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--by", "type"}, "type"},
		{[]string{"--from", "2025-6-1"}, "2025-6-1"},
		{[]string{"--to", "2025-02-30"}, "2025-02-30"},
		{[]string{"--from", "2025-06-02", "--to", "2025-06-01"}, "2025-06-02"},
		{[]string{"--region", "999999"}, "999999"},
	} {
		code, _, errOut := zhinan(t, append([]string{"report", "feedback", "--data", data}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "usage: zhinan report") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut)
		}
	}
}
