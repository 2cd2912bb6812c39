package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhinan/catalog/catalogtest"
	"zhinan/seeds"
	"zhinan/store"
)

// feedbackReportNow is the store's clock of the feedback report tests:
// 2026-03-10 20:00 in China time, so that the default range of /audit is
// 2026-02-09 to 2026-03-10.
var feedbackReportNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// feedbackReportServer is a server of its own over two items (TEST0001 of
// 汉滨区, TEST0002 of 汉阴县) with the test accounts of no department, and ratings and
// tickets written in SQL behind the store's back: TEST0001 has 2
// satisfied ratings of 3, a 差评 ticket fixed on time and a 办不成事 one
// contacted late; TEST0002 one 差评 and a 指南有误 ticket overdue; the desk
// a 办不成事 ticket never contacted, overdue; and a rating from January,
// outside the default range.
func feedbackReportServer(t *testing.T) *Server {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, url := openStore(t, dir)
	st.Now = func() time.Time { return feedbackReportNow }
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	a, b := catalogtest.GuideVariant(1), catalogtest.GuideVariant(2)
	b.Region, b.Department = "610921", "汉阴县公安局"
	if _, err := st.Import(ctx, catalogtest.ItemRecords(a, b), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, nu := range testUsers {
		if nu.Department != "" { // not of these two items' departments
			continue
		}
		if _, err := st.AddUser(ctx, nu); err != nil {
			t.Fatal(err)
		}
	}
	depts, err := st.Departments(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]uint{}
	for _, d := range depts {
		id[d.Name] = d.ID
	}
	db := rawDB(t, url, dir)
	exec := func(q string, args ...any) {
		t.Helper()
		if url != "" { // PostgreSQL's placeholders
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
			}
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	rate := func(code, region string, dept uint, level int, at time.Time) {
		exec(`INSERT INTO ratings (target_kind, target_code, region, department_id, level, reasons, comment, created_at)
			VALUES ('item', ?, ?, ?, ?, '', '评价里的话', ?)`, code, region, dept, level, at)
	}
	da, db2 := id[a.Department], id[b.Department]
	rate("TEST0001", "610902", da, 5, day(2, 2))
	rate("TEST0001", "610902", da, 3, day(2, 2))
	rate("TEST0001", "610902", da, 1, day(2, 2))
	rate("TEST0002", "610921", db2, 2, day(3, 2))
	rate("TEST0002", "610921", db2, 5, time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC))
	n := 0
	ticket := func(kind, failKind, code, region string, dept uint, outcome string, created, deadline time.Time, contacted, settled any) {
		n++
		targetKind := ""
		if code != "" {
			targetKind = "item"
		}
		exec(`INSERT INTO tickets (token, kind, state, target_kind, target_code, target_name, region, department_id,
			fail_kind, what, contact, outcome, created_at, deadline, contacted_at, settled_at, updated_at)
			VALUES (?, ?, 'working', ?, ?, '', ?, ?, ?, '反馈里的话', '13912345678', ?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("tok%d", n), kind, targetKind, code, region, dept, failKind, outcome, created, deadline, contacted, settled, created)
	}
	ticket("rating", "", "TEST0001", "610902", da, "fixed", day(2, 2), day(8, 16), day(3, 1), day(5, 1))
	ticket("fail", "window", "TEST0001", "610902", da, "", day(3, 2), day(4, 16), day(5, 1), nil)
	ticket("error", "", "TEST0002", "610921", db2, "", day(3, 2), day(9, 16), nil, nil)
	ticket("fail", "where", "", "", 0, "", day(6, 2), day(9, 16), nil, nil)
	srv, err := New(ctx, st, nil, Options{HomeRegion: seeds.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestFeedbackAPI: GET /api/v1/feedback is public, defaults to the site's
// region by department over every day, holds counts and rates and no text
// a citizen wrote nor a contact, and names a bad parameter.
func TestFeedbackAPI(t *testing.T) {
	srv := feedbackReportServer(t)
	r := get(t, srv, "/api/v1/feedback")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("feedback: %d %s", r.status, r.body)
	}
	var doc struct {
		By, Region string
		Rows       []map[string]any `json:"rows"`
		Total      map[string]any   `json:"total"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.By != "department" || doc.Region != seeds.CityRegion || len(doc.Rows) != 3 {
		t.Fatalf("document %s", r.body)
	}
	// 2 + 1 satisfied of 5 (the January rating too): 60.00; fixed 1 of 1;
	// on time 1 of 4 judged (the 办不成事 contacted late, two overdue).
	tot := doc.Total
	if tot["ratings"] != 5.0 || tot["satisfaction_rate"] != 60.0 || tot["bad"] != 2.0 || tot["fix_rate"] != 100.0 ||
		tot["judged"] != 4.0 || tot["on_time_rate"] != 25.0 || tot["open_overdue"] != 2.0 || tot["fail_where"] != 1.0 || tot["fail_window"] != 1.0 {
		t.Errorf("total %v", tot)
	}
	if last := doc.Rows[2]; last["group"] != "" || last["name"] != "政务服务大厅（一件事、办不成事窗口）" {
		t.Errorf("the hall's row %v", last)
	}
	for _, secret := range []string{"13912345678", "评价里的话", "反馈里的话"} {
		if strings.Contains(r.body, secret) {
			t.Errorf("the API holds %s", secret)
		}
	}

	r = get(t, srv, "/api/v1/feedback?by=item&region=610921&from=2026-03-01&to=2026-03-10")
	if r.status != 200 || !strings.Contains(r.body, `"group": "TEST0002"`) || strings.Contains(r.body, "TEST0001") || strings.Contains(r.body, `"ratings": 2`) {
		t.Errorf("by item in 汉阴县: %d %s", r.status, r.body)
	}
	for query, param := range map[string]string{
		"by=type": "by", "region=999999": "region", "from=2026-3-1": "from", "to=2026-02-30": "to",
		"from=2026-03-02&to=2026-03-01": "from",
	} {
		r := get(t, srv, "/api/v1/feedback?"+query)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"`+param+`"`) {
			t.Errorf("%s: %d %s", query, r.status, r.body)
		}
	}
}

// TestAuditFeedbackSection: /audit shows the 好差评与办不成事 section of the
// last 30 days, its figures those of the API for the same range, and
// links its downloads, which hold the same figures.
func TestAuditFeedbackSection(t *testing.T) {
	srv := feedbackReportServer(t)
	_, auditor := apiLogin(t, srv, "auditor")
	r := get(t, srv, "/audit", auditor)
	if r.status != 200 {
		t.Fatalf("/audit: %d %s", r.status, r.body)
	}
	i := strings.Index(r.body, `<section id="feedback"`)
	if i < 0 {
		t.Fatal("no feedback section")
	}
	sec := r.body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	for _, want := range []string{
		`value="2026-02-09"`, `value="2026-03-10"`, "2026-02-09至2026-03-10",
		// 2 of 4 ratings satisfied in the range: the January one is out.
		`<td class="num" data-col="ratings">4</td>`, `<td class="num" data-col="satisfaction_rate">50.00%</td>`,
		`<td class="num" data-col="on_time_rate">25.00%</td>`, `<td class="num" data-col="open_overdue">2</td>`,
		"政务服务大厅（一件事、办不成事窗口）", "汉阴县公安局", "合计",
		"/audit/download?format=csv&amp;from=2026-02-09&amp;region=610900&amp;report=feedback&amp;to=2026-03-10",
		"by=item", "by=region",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("section lacks %s:\n%s", want, sec)
		}
	}
	for _, secret := range []string{"13912345678", "评价里的话", "反馈里的话"} {
		if strings.Contains(r.body, secret) {
			t.Errorf("/audit holds %s", secret)
		}
	}

	// The section's range by parameter; a bad one is 400.
	r = get(t, srv, "/audit?from=2026-03-03&to=2026-03-03", auditor)
	if r.status != 200 || !strings.Contains(r.body, `<td class="num" data-col="ratings">1</td>`) {
		t.Errorf("/audit 2026-03-03: %d", r.status)
	}
	if r := get(t, srv, "/audit?from=2026-03-04&to=2026-03-03", auditor); r.status != http.StatusBadRequest {
		t.Errorf("/audit from after to: %d", r.status)
	}

	// The downloads: JSON is the API's document for the same query.
	query := "region=610900&from=2026-02-09&to=2026-03-10"
	dl := get(t, srv, "/audit/download?report=feedback&format=json&"+query, auditor)
	api := get(t, srv, "/api/v1/feedback?"+query)
	if dl.status != 200 || dl.body != api.body || !strings.Contains(dl.header.Get("Content-Disposition"), `filename="feedback.json"`) {
		t.Errorf("JSON download %d %s\nAPI %s", dl.status, dl.body, api.body)
	}
	csv := get(t, srv, "/audit/download?report=feedback&format=csv&by=item&"+query, auditor)
	if csv.status != 200 || !strings.HasPrefix(csv.body, "\ufeff") || !strings.Contains(csv.body, ",合计,,,,4,2,50.00,2,") ||
		!strings.Contains(csv.header.Get("Content-Disposition"), `filename="feedback-item.csv"`) {
		t.Errorf("CSV download %d %s", csv.status, csv.body)
	}
	xlsx := get(t, srv, "/audit/download?report=feedback&format=xlsx&"+query, auditor)
	if xlsx.status != 200 || !strings.HasPrefix(xlsx.body, "PK") {
		t.Errorf("XLSX download %d", xlsx.status)
	}
	// Downloads need an account that reads reports.
	if r := get(t, srv, "/audit/download?report=feedback&format=csv"); r.status != http.StatusSeeOther {
		t.Errorf("anonymous download: %d", r.status)
	}
}
