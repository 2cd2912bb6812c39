package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhinan/interchange"
	"zhinan/seeds"
	"zhinan/store"
)

// reportData makes a data dir whose items were all published on
// 2025-06-01 (imported in-process with the store's clock set then), so
// that reports as of a later day are the same whenever the test runs.
func reportData(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Now = func() time.Time { return time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC) }
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, r := range []struct{ region, dept, typ string }{
		{"610900", "市行政审批服务局", "行政许可"}, {"610902", "汉滨区民政局", "行政给付"},
		{"610921", "汉阴县公安局", "公共服务"}, {"610921", "汉阴县公安局", "行政检查"},
	} {
		for j := 0; j < 9+3*i; j++ {
			b, _ := json.Marshal(map[string]any{
				"code": fmt.Sprintf("R-%d-%02d", i, j), "base_code": fmt.Sprintf("%012d", 100*i+j), "name": fmt.Sprintf("报告事项%d-%d", i, j),
				"type": r.typ, "region": r.region, "department": r.dept,
				"online_depth": 1 + (j+i)%4, "visits": j % 3, "in_hall": j%(i+2) != 0,
			})
			lines = append(lines, string(b))
		}
	}
	d := interchange.DecodeJSONL(strings.NewReader(strings.Join(lines, "\n")), "report.jsonl")
	if len(d.Problems) > 0 {
		t.Fatal(d.Problems)
	}
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReportCoverageEqualsAPI: `zhinan report coverage --format json`
// prints the very bytes GET /api/v1/coverage serves for the same data dir
// and request, and the XLSX report holds the same numbers.
func TestReportCoverageEqualsAPI(t *testing.T) {
	data := reportData(t)
	srv := startServer(t, data, "--no-seed")
	for _, q := range []struct{ by, region string }{{"region", ""}, {"region", "610900"}, {"department", "610921"}, {"type", ""}} {
		args := []string{"report", "coverage", "--data", data, "--by", q.by, "--as-of", "2025-06-30", "--format", "json"}
		path := "/api/v1/coverage?by=" + q.by + "&as_of=2025-06-30"
		if q.region != "" {
			args = append(args, "--region", q.region)
			path += "&region=" + q.region
		}
		code, out, errOut := zhinan(t, args...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, errOut)
		}
		resp, err := http.Get(srv.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != out {
			t.Fatalf("%s: %d\nAPI:\n%s\nCLI:\n%s", path, resp.StatusCode, body, out)
		}
	}

	// The acceptance command: the XLSX's cells equal the JSON's numbers.
	dir := t.TempDir()
	file := filepath.Join(dir, "c.xlsx")
	if code, _, errOut := zhinan(t, "report", "coverage", "--data", data, "--by", "region", "--as-of", "2025-06-30", "--format", "xlsx", "-o", file); code != 0 || !strings.Contains(errOut, file) {
		t.Fatalf("xlsx: %d %s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left beside the report: %v", entries)
	}
	_, js, _ := zhinan(t, "report", "coverage", "--data", data, "--as-of", "2025-06-30", "--format", "json")
	var doc struct {
		AsOf string           `json:"as_of"`
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AsOf != "2025-06-30T23:59:59.999999999+08:00" {
		t.Errorf("as_of %s: want the end of 2025-06-30 in China", doc.AsOf)
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if len(rows) != len(doc.Rows)+1 {
		t.Fatalf("%d sheet rows, %d JSON rows", len(rows), len(doc.Rows))
	}
	header := rows[0]
	ids := map[string]string{"名称": "name", "事项数": "items", "依申请事项数": "on_application", "网上可办率": "online_rate", "最多跑一次比例": "one_visit_rate", "进驻率": "in_hall_rate", "就近办比例": "nearby_rate"}
	checked := 0
	for c, label := range header {
		id, ok := ids[label]
		if !ok {
			continue
		}
		for i, jr := range doc.Rows {
			cell := ""
			if c < len(rows[i+1]) {
				cell = rows[i+1][c]
			}
			switch v := jr[id].(type) {
			case nil:
				if cell != "" {
					t.Errorf("row %d %s: %q for null", i+2, id, cell)
				}
			case string:
				if cell != v {
					t.Errorf("row %d %s: %q, JSON %q", i+2, id, cell, v)
				}
			case float64:
				got, err := strconv.ParseFloat(cell, 64)
				if strings.HasSuffix(id, "_rate") {
					got *= 100 // a rate cell is the fraction: 0.7932 for 79.32
					got = math.Round(got*100) / 100
				}
				if err != nil || got != v {
					t.Errorf("row %d %s: %q, JSON %v", i+2, id, cell, v)
				}
			}
			checked++
		}
	}
	if checked < 7*len(doc.Rows) {
		t.Fatalf("only %d cells checked", checked)
	}
	if parts := f.GetSheetList(); len(parts) < 1 {
		t.Fatal("no sheet")
	}

	// Table and CSV show the same rates.
	_, table, _ := zhinan(t, "report", "coverage", "--data", data, "--as-of", "2025-06-30", "--region", "610921")
	_, csvOut, _ := zhinan(t, "report", "coverage", "--data", data, "--as-of", "2025-06-30", "--region", "610921", "--format", "csv")
	_, js2, _ := zhinan(t, "report", "coverage", "--data", data, "--as-of", "2025-06-30", "--region", "610921", "--format", "json")
	var one struct {
		Rows []struct {
			OnlineRate float64 `json:"online_rate"`
		}
	}
	json.Unmarshal([]byte(js2), &one)
	if len(one.Rows) != 1 {
		t.Fatalf("汉阴县: %s", js2)
	}
	rate := strconv.FormatFloat(one.Rows[0].OnlineRate, 'f', 2, 64)
	if !strings.Contains(table, "汉阴县") || !strings.Contains(table, rate+"%") || !strings.HasPrefix(csvOut, "\ufeff分组,名称") || !strings.Contains(csvOut, ","+rate+",") {
		t.Fatalf("table/csv without %s:\n%s\n%s", rate, table, csvOut)
	}
}

func TestReportCommandLine(t *testing.T) {
	data := reportData(t)
	tomorrow := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 2).Format(time.DateOnly)
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"report"}, "coverage"},
		{[]string{"report", "frobnicate"}, "frobnicate"},
		{[]string{"report", "coverage", "--region", "999999"}, "999999"},
		{[]string{"report", "coverage", "--as-of", "2021-6-30"}, "2021-6-30"},
		{[]string{"report", "coverage", "--as-of", "2021-02-30"}, "2021-02-30"},
		{[]string{"report", "coverage", "--as-of", tomorrow}, tomorrow},
		{[]string{"report", "coverage", "--by", "colour"}, "colour"},
		{[]string{"report", "coverage", "--format", "pdf"}, "pdf"},
		{[]string{"report", "coverage", "extra"}, "extra"},
		{[]string{"report", "conformance", "--region", "999999"}, "999999"},
		{[]string{"report", "quality", "--department", "没有这个部门"}, "没有这个部门"},
		{[]string{"report", "quality", "--region", "999999"}, "999999"},
	} {
		args := append(tc.args[:len(tc.args):len(tc.args)], "--data", data)
		if len(tc.args) < 2 {
			args = tc.args
		}
		code, _, errOut := zhinan(t, args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "usage: zhinan report") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut)
		}
	}

	// An empty catalogue is a report with no rows.
	empty := t.TempDir()
	code, out, errOut := zhinan(t, "report", "coverage", "--data", empty, "--format", "json")
	var doc struct{ Rows []any }
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.Rows == nil || len(doc.Rows) != 0 {
		t.Fatalf("empty catalogue: %d %q %s", code, out, errOut)
	}
	if code, out, _ := zhinan(t, "report", "coverage", "--data", empty); code != 0 || !strings.Contains(out, "无数据") {
		t.Fatalf("empty table: %d %q", code, out)
	}

	// The format follows the -o file's extension; conformance and quality
	// write every format.
	dir := t.TempDir()
	for _, kind := range []string{"coverage", "conformance", "quality"} {
		for _, ext := range []string{"csv", "xlsx", "json", "txt"} {
			file := filepath.Join(dir, kind+"."+ext)
			if code, _, errOut := zhinan(t, "report", kind, "--data", data, "--region", "610900", "-o", file); code != 0 {
				t.Fatalf("%s %s: %s", kind, ext, errOut)
			}
			b, err := os.ReadFile(file)
			if err != nil || len(b) == 0 {
				t.Fatalf("%s: %v", file, err)
			}
			switch ext {
			case "csv":
				if !bytes.HasPrefix(b, []byte("\ufeff")) {
					t.Errorf("%s: no BOM", file)
				}
			case "xlsx":
				if !bytes.HasPrefix(b, []byte("PK")) {
					t.Errorf("%s: not a workbook", file)
				}
			case "json":
				if !json.Valid(b) {
					t.Errorf("%s: not JSON", file)
				}
			}
		}
	}
	if code, out, errOut := zhinan(t, "report", "quality", "--data", data, "--department", "汉阴县公安局", "--format", "json"); code != 0 || !strings.Contains(out, "汉阴县公安局") {
		t.Fatalf("quality of a department: %d %s", code, errOut)
	}
}
