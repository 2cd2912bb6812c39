package web

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhinan/report"
	"zhinan/seeds"
)

// apiCoverage is GET /api/v1/coverage?QUERY decoded, numbers as their
// decimal text.
type apiDoc struct {
	Region string           `json:"region"`
	Rows   []map[string]any `json:"rows"`
}

func apiCoverageDoc(t *testing.T, srv *Server, query string) apiDoc {
	t.Helper()
	r := get(t, srv, "/api/v1/coverage?"+query)
	if r.status != 200 {
		t.Fatalf("coverage %s: %d %s", query, r.status, r.body)
	}
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.UseNumber()
	var doc apiDoc
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// auditServer is a server over the fixture's store with the default
// coverage targets (the fixture's own has none), so that groups fall below
// them.
func auditServer(t *testing.T) *Server {
	t.Helper()
	f := seedServer(t)
	targets, err := report.LoadTargets(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), f.store, f.index, Options{HomeRegion: seeds.CityRegion, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// tableSection is the HTML of one table section of /audit (table-BY).
func tableSection(t *testing.T, body, by string) string {
	t.Helper()
	i := strings.Index(body, `<section id="table-`+by+`"`)
	if i < 0 {
		t.Fatalf("no %s table section", by)
	}
	s := body[i:]
	return s[:strings.Index(s, "</section>")]
}

var tableRow = regexp.MustCompile(`<tr data-group="[^"]*" data-rollup="[a-z]+"><th scope="row">([^<]*)</th>(.*?)</tr>`)

// TestAuditSummaryFirst: /audit opens on the site's region with the
// summary — the region's rates against the targets and the trend by month
// — before the first chart and the first table; the API defaults to the
// same region and its first row is the summary's.
func TestAuditSummaryFirst(t *testing.T) {
	srv := auditServer(t)
	_, auditor := apiLogin(t, srv, "auditor")
	r := get(t, srv, "/audit", auditor)
	if r.status != 200 {
		t.Fatalf("/audit: %d %s", r.status, r.body)
	}
	summary, chart, table := strings.Index(r.body, `id="audit-summary"`), strings.Index(r.body, "<svg"), strings.Index(r.body, `<table class="coverage"`)
	if summary < 0 || chart < 0 || table < 0 || summary > chart || summary > table || chart > table {
		t.Fatalf("order: summary %d, first chart %d, first table %d", summary, chart, table)
	}
	if !strings.Contains(r.body, `<option value="`+seeds.CityRegion+`" selected>`) {
		t.Error("the region chooser does not show the site's region")
	}
	doc := apiCoverageDoc(t, srv, "by=region")
	if doc.Region != seeds.CityRegion || len(doc.Rows) == 0 {
		t.Fatalf("the API's default region %q, want the site's %s", doc.Region, seeds.CityRegion)
	}
	head := r.body[summary:chart]
	whole := doc.Rows[0] // 安康市（合计）
	for _, id := range []string{"online_rate", "one_visit_rate", "in_hall_rate"} {
		v := whole[id].(json.Number)
		f, _ := v.Float64()
		row := regexp.MustCompile(`<th scope="row">` + report.RateLabels[id] + `</th>\s*<td class="num">([^<]*)</td>\s*<td class="num">([^<]*)</td>\s*<td>(.*?)</td>`).FindStringSubmatch(head)
		if row == nil {
			t.Fatalf("summary has no row for %s", id)
		}
		if want := strconv.FormatFloat(f, 'f', 2, 64); row[1] != want+"%" {
			t.Errorf("%s: summary %q, API %s", id, row[1], v)
		}
		below := false
		for _, b := range whole["below_target"].([]any) {
			below = below || b == id
		}
		if below != strings.Contains(row[3], "未达标") || !strings.Contains(row[3], "达标") {
			t.Errorf("%s: status %q, API below target %v", id, row[3], below)
		}
	}
	// Twelve months, the last as of now, each linking to the report of
	// that day.
	months := regexp.MustCompile(`<th scope="row"><a href="/audit\?as_of=(\d{4}-\d{2}-\d{2})&amp;region=610900">(\d{4}-\d{2})</a></th>`).FindAllStringSubmatch(head, -1)
	if len(months) != 12 {
		t.Fatalf("%d trend months, want 12", len(months))
	}
	if last := months[11]; !strings.HasPrefix(last[1], last[2]) {
		t.Errorf("last month %v", last)
	}
}

// TestAuditFiltersAndPages: below target only leaves rows with a rate
// below target; the department filter leaves that department; a long
// table is cut into named pages whose links keep the filters; the
// downloads carry the same filters and hold the same rows.
func TestAuditFiltersAndPages(t *testing.T) {
	srv := auditServer(t)
	_, auditor := apiLogin(t, srv, "auditor")
	depts := apiCoverageDoc(t, srv, "by=department&region=610900").Rows
	belowDepts := 0
	for _, r := range depts {
		if r["below_target"] != nil {
			belowDepts++
		}
	}
	if len(depts) <= auditPageSize || belowDepts == 0 {
		t.Fatalf("fixture: %d departments, %d below target", len(depts), belowDepts)
	}

	// Pages of the department table: rows in the API's order.
	page1 := tableSection(t, get(t, srv, "/audit?region=610900", auditor).body, "department")
	rows1 := tableRow.FindAllStringSubmatch(page1, -1)
	if len(rows1) != auditPageSize {
		t.Fatalf("first page: %d rows, want %d", len(rows1), auditPageSize)
	}
	next := regexp.MustCompile(`<a href="([^"]*)" rel="next">`).FindStringSubmatch(page1)
	if next == nil || !strings.Contains(next[1], "page_department=2") {
		t.Fatalf("no next page link: %v", next)
	}
	link, _, _ := strings.Cut(strings.ReplaceAll(next[1], "&amp;", "&"), "#") // a browser keeps the fragment to itself
	page2 := tableSection(t, get(t, srv, link, auditor).body, "department")
	rows2 := tableRow.FindAllStringSubmatch(page2, -1)
	if len(rows2) == 0 || !strings.Contains(page2, `rel="prev"`) {
		t.Fatalf("second page: %d rows", len(rows2))
	}
	for i, row := range append(rows1, rows2...) {
		if row[1] != depts[i]["name"] {
			t.Fatalf("row %d: page %q, API %q", i+1, row[1], depts[i]["name"])
		}
	}

	// Below target only: every row shown has a rate marked below, and
	// there are as many as the API's rows below target.
	below := get(t, srv, "/audit?region=610900&below=1", auditor).body
	sec := tableSection(t, below, "department")
	if !strings.Contains(sec, "共 "+itoa(belowDepts)+" 行") {
		t.Errorf("below target: the pager does not count %d rows", belowDepts)
	}
	for _, by := range []string{"region", "department", "type"} {
		for _, row := range tableRow.FindAllStringSubmatch(tableSection(t, below, by), -1) {
			if !strings.Contains(row[2], "num below") {
				t.Errorf("%s %s shown below target only, but no rate is below", by, row[1])
			}
		}
	}

	// One department.
	name := depts[3]["name"].(string)
	q := url.Values{"region": {"610900"}, "department": {name}}
	one := get(t, srv, "/audit?"+q.Encode(), auditor).body
	rows := tableRow.FindAllStringSubmatch(tableSection(t, one, "department"), -1)
	if len(rows) != 1 || rows[0][1] != name {
		t.Fatalf("department filter %s: %d rows", name, len(rows))
	}
	if len(tableRow.FindAllStringSubmatch(tableSection(t, one, "region"), -1)) < 3 {
		t.Error("the department filter emptied the region table")
	}

	// The workbook of the unfiltered page: a sheet each; the department
	// sheet's rows are the API's, its rates × 100 the API's rates.
	xl := get(t, srv, "/audit/download?report=coverage&format=xlsx&region=610900", auditor)
	if xl.status != 200 {
		t.Fatalf("xlsx: %d", xl.status)
	}
	sheet := xlsxSheet(t, []byte(xl.body), "按部门")
	if len(sheet)-1 != len(depts) {
		t.Fatalf("department sheet: %d rows, API %d", len(sheet)-1, len(depts))
	}
	col := map[string]int{}
	for i, h := range sheet[0] {
		col[h] = i
	}
	for i, d := range depts {
		row := sheet[i+1]
		if row[col["名称"]] != d["name"] || row[col["事项数"]] != d["items"].(json.Number).String() {
			t.Fatalf("sheet row %d %v, API %v", i+2, row[:5], d["name"])
		}
		if d["online_rate"] == nil {
			continue
		}
		cell, _ := new(big.Rat).SetString(row[col["网上可办率"]])
		api, _ := new(big.Rat).SetString(d["online_rate"].(json.Number).String())
		if cell == nil || cell.Mul(cell, big.NewRat(100, 1)).Cmp(api) != 0 {
			t.Errorf("%s: cell %s × 100 ≠ API %s", d["name"], row[col["网上可办率"]], d["online_rate"])
		}
	}

	// The page's links download what it shows: below target only.
	if !strings.Contains(below, `/audit/download?below=1&amp;format=xlsx&amp;region=610900&amp;report=coverage`) ||
		!strings.Contains(below, `/audit/download?below=1&amp;by=department&amp;format=csv&amp;region=610900&amp;report=coverage`) {
		t.Fatal("the downloads do not carry the page's filters")
	}
	xl = get(t, srv, "/audit/download?below=1&format=xlsx&region=610900&report=coverage", auditor)
	if n := len(xlsxSheet(t, []byte(xl.body), "按部门")) - 1; n != belowDepts {
		t.Errorf("below target workbook: %d department rows, want %d", n, belowDepts)
	}
	csv := get(t, srv, "/audit/download?below=1&by=department&format=csv&region=610900&report=coverage", auditor)
	if n := strings.Count(strings.TrimSpace(csv.body), "\n"); csv.status != 200 || n != belowDepts {
		t.Errorf("below target CSV: %d rows, want %d", n, belowDepts)
	}
	js := get(t, srv, "/audit/download?"+url.Values{"department": {name}, "by": {"department"}, "format": {"json"}, "region": {"610900"}, "report": {"coverage"}}.Encode(), auditor)
	var doc struct {
		Filter *report.Filter
		Rows   []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(js.body), &doc); err != nil || len(doc.Rows) != 1 || doc.Rows[0].Name != name || doc.Filter == nil || doc.Filter.Department != name {
		t.Errorf("department JSON: %v %.300s", err, js.body)
	}
}

// xlsxSheet returns the raw rows of the visible sheet whose name holds
// part.
func xlsxSheet(t *testing.T, data []byte, part string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	for _, s := range f.GetSheetList() {
		if v, _ := f.GetSheetVisible(s); v {
			names = append(names, s)
		}
	}
	if len(names) != 3 {
		t.Fatalf("sheets %v, want one each by region, department, type", names)
	}
	for _, s := range names {
		if strings.Contains(s, part) {
			rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
	}
	t.Fatalf("no sheet %s in %v", part, names)
	return nil
}
