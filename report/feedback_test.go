package report

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of the raw connection

	"zhinan/catalog/catalogtest"
	"zhinan/internal/testdb"
	"zhinan/seeds"
	"zhinan/store"
)

// feedbackNow is the store's clock in the feedback tests: 2026-03-10
// 20:00 in China time.
var feedbackNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// mar is an instant of March 2026 in UTC.
func mar(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }

func marp(day, hour int) *time.Time { t := mar(day, hour); return &t }

// feedbackStore is a store with three items — TEST0001 of 汉滨区,
// TEST0002 of 汉阴县, TEST0003 of the city, each of its own department —
// and ratings, tickets and search counts written behind its back, in SQL,
// whose figures the tests work out by hand. It returns the store and its
// departments' names by item code.
func feedbackStore(t *testing.T) (*store.Store, map[string]string) {
	t.Helper()
	ctx := context.Background()
	url, dir := testdb.URL(t), t.TempDir()
	st, err := store.OpenDB(url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return feedbackNow }
	regions, err := seeds.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	a, b, c := catalogtest.GuideVariant(1), catalogtest.GuideVariant(2), catalogtest.GuideVariant(3)
	b.Region, b.Department = "610921", "汉阴县公安局"
	c.Region, c.Department = "610900", "=HYPERLINK(\"http://x\")公安局" // a name a spreadsheet would run
	if _, err := st.Import(ctx, catalogtest.ItemRecords(a, b, c), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	depts, err := st.Departments(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]int64{}
	for _, d := range depts {
		id[d.Name] = int64(d.ID)
	}

	driver, dsn := "sqlite3", "file:"+filepath.Join(dir, store.DatabaseFile)
	if url != "" {
		driver, dsn = "pgx", url
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
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
	rate := func(kind, code, region string, dept int64, level int, at time.Time) {
		t.Helper()
		exec(`INSERT INTO ratings (target_kind, target_code, region, department_id, level, reasons, comment, created_at)
			VALUES (?, ?, ?, ?, ?, '', '不公开的评价内容', ?)`, kind, code, region, dept, level, at)
	}
	da, db2, dc := id[a.Department], id[b.Department], id[c.Department]
	// TEST0001: 2 satisfied of 3 (66.67), one 差评.
	for _, l := range []int{5, 4, 1} {
		rate("item", "TEST0001", "610902", da, l, mar(2, 2))
	}
	// TEST0002: 1 satisfied of 32: 3.125, half up 3.13; 31 差评.
	rate("item", "TEST0002", "610921", db2, 3, mar(3, 2))
	for range 31 {
		rate("item", "TEST0002", "610921", db2, 1, mar(3, 2))
	}
	// TEST0003: ratings and no ticket (no 整改率, no 按时办理率).
	rate("item", "TEST0003", "610900", dc, 2, mar(4, 2))
	rate("item", "TEST0003", "610900", dc, 4, mar(4, 2))
	// A bundle: the hall's (department 0, no region).
	rate("bundle", "birth", "", 0, 3, mar(5, 2))
	// Just before the range (2026-02-28 23:59:59 in China time).
	rate("item", "TEST0001", "610902", da, 5, mar(1, 0).Add(-8*time.Hour-time.Second))

	n := 0
	ticket := func(kind, failKind, code, region string, dept int64, outcome string, created, deadline time.Time, contacted, settled *time.Time) {
		t.Helper()
		n++
		targetKind, name := "", ""
		if code != "" {
			targetKind, name = "item", "事项"+code
		}
		exec(`INSERT INTO tickets (token, kind, state, target_kind, target_code, target_name, region, department_id,
			fail_kind, what, contact, outcome, created_at, deadline, contacted_at, settled_at, updated_at)
			VALUES (?, ?, 'working', ?, ?, ?, ?, ?, ?, '不公开的内容', '13912345678', ?, ?, ?, ?, ?, ?)`,
			fmt.Sprintf("tok%d", n), kind, targetKind, code, name, region, dept, failKind, outcome,
			created, deadline, contacted, settled, created)
	}
	// TEST0001: fixed on time; declined late; 办不成事 contacted late.
	ticket("rating", "", "TEST0001", "610902", da, "fixed", mar(2, 2), mar(8, 16), marp(3, 1), marp(5, 1))
	ticket("rating", "", "TEST0001", "610902", da, "declined", mar(2, 2), mar(8, 16), marp(3, 1), marp(9, 1))
	ticket("fail", "window", "TEST0001", "610902", da, "", mar(3, 2), mar(4, 16), marp(5, 1), nil)
	// TEST0002: a 指南有误 report overdue; another not due yet.
	ticket("error", "", "TEST0002", "610921", db2, "", mar(2, 2), mar(9, 16), marp(3, 1), nil)
	ticket("error", "", "TEST0002", "610921", db2, "", mar(9, 2), mar(16, 16), nil, nil)
	// The desk: 办不成事 contacted in time, and contacted late.
	ticket("fail", "where", "", "", 0, "", mar(6, 2), mar(9, 16), marp(9, 15), nil)
	ticket("fail", "how", "", "", 0, "", mar(6, 2), mar(9, 16), marp(10, 1), nil)
	// The day after the range (2026-03-11 00:00 in China time).
	ticket("fail", "how", "", "", 0, "", mar(10, 16), mar(11, 16), nil, nil)

	err = st.AddSearchCounts(ctx, []store.SearchCount{
		{Week: "2026-02-16", Query: "二月的问题", Searches: 9, Empty: 9},
		{Week: "2026-02-23", Query: "办居住证", Searches: 5, Empty: 2, Opened: 1},
		{Week: "2026-03-09", Query: "=cmd|' /C calc'!A0", Searches: 3, Empty: 3},
		{Week: "2026-03-09", Query: "答得上的", Searches: 4, Opened: 4},
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, map[string]string{"TEST0001": a.Department, "TEST0002": b.Department, "TEST0003": c.Department}
}

// figureText is a row's figures as text: ratings satisfied rate bad |
// tickets settled fixed rate | judged on-time rate overdue | where how
// window, a missing rate as —.
func figureText(r FeedbackRow) string {
	p := func(v Rate) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", *v)
	}
	return fmt.Sprintf("%d %d %s %d | %d %d %d %s | %d %d %s %d | %d %d %d",
		r.Ratings, r.Satisfied, p(r.SatisfactionRate), r.Bad,
		r.Tickets, r.Settled, r.Fixed, p(r.FixRate),
		r.Judged, r.OnTime, p(r.OnTimeRate), r.OpenOverdue,
		r.FailWhere, r.FailHow, r.FailWindow)
}

func TestFeedbackByDepartment(t *testing.T) {
	ctx := context.Background()
	st, dept := feedbackStore(t)
	rep, err := BuildFeedback(ctx, st, FeedbackRequest{Region: "610900", Site: "610900", From: "2026-03-01", To: "2026-03-10"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.By != "department" || rep.Region != "610900" || !rep.AsOf.Equal(feedbackNow) {
		t.Errorf("report %s %s %v", rep.By, rep.Region, rep.AsOf)
	}
	want := []string{
		// By region, then name; the hall last.
		dept["TEST0003"] + " 610900 安康市: 2 1 50.00 1 | 0 0 0 — | 0 0 — 0 | 0 0 0",
		dept["TEST0001"] + " 610902 汉滨区: 3 2 66.67 1 | 3 2 1 50.00 | 3 1 33.33 0 | 0 0 1",
		dept["TEST0002"] + " 610921 汉阴县: 32 1 3.13 31 | 2 0 0 — | 1 0 0.00 1 | 0 0 0",
		labelHallDesk + "  : 1 1 100.00 0 | 2 0 0 — | 2 1 50.00 0 | 1 1 0",
	}
	var got []string
	for _, r := range rep.Rows {
		if r.Group != r.Name && r.Group != "" {
			t.Errorf("group %q, name %q", r.Group, r.Name)
		}
		got = append(got, r.Name+" "+r.Region+" "+r.RegionName+": "+figureText(r))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// 合计: 5 of 38 satisfied (13.157… → 13.16); 2 settled, 1 fixed; 6
	// judged, 2 on time; the overdue 指南有误 report.
	if got, want := figureText(rep.Total), "38 5 13.16 33 | 7 2 1 50.00 | 6 2 33.33 1 | 1 1 1"; got != want || rep.Total.Name != "合计" {
		t.Errorf("total %s %s, want %s", rep.Total.Name, got, want)
	}

	// The weeks the range touches, newest first; answered queries and the
	// week before it are not listed.
	var qs []string
	for _, q := range rep.Unanswered {
		qs = append(qs, fmt.Sprintf("%s %s %d", q.Week, q.Query, q.Unanswered))
	}
	if got, want := strings.Join(qs, "; "), "2026-03-09 =cmd|' /C calc'!A0 3; 2026-02-23 办居住证 4"; got != want {
		t.Errorf("unanswered %s, want %s", got, want)
	}
}

func TestFeedbackScope(t *testing.T) {
	ctx := context.Background()
	st, _ := feedbackStore(t)
	names := func(req FeedbackRequest) string {
		t.Helper()
		rep, err := BuildFeedback(ctx, st, req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rep.Rows {
			out = append(out, r.Group)
		}
		return fmt.Sprintf("%v %d/%d", out, rep.Total.Ratings, rep.Total.Tickets)
	}
	for _, tc := range []struct {
		req  FeedbackRequest
		want string
	}{
		// A county: its own; the hall belongs to the site's region.
		{FeedbackRequest{By: "region", Region: "610921", Site: "610900"}, "[610921] 32/2"},
		// The site's region, and a region above it, hold the hall's row.
		{FeedbackRequest{By: "region", Region: "610900", Site: "610900"}, "[610900 610902 610921 ] 39/8"},
		{FeedbackRequest{By: "region", Region: "610000", Site: "610900"}, "[610900 610902 610921 ] 39/8"},
		// Without a site, only the report of every region.
		{FeedbackRequest{By: "region", Region: "610900"}, "[610900 610902 610921] 38/5"},
		{FeedbackRequest{By: "region"}, "[610900 610902 610921 ] 39/8"},
		// The range's ends are China time's days, both included.
		{FeedbackRequest{By: "region", From: "2026-03-01"}, "[610900 610902 610921 ] 38/8"},
		{FeedbackRequest{By: "region", To: "2026-03-10"}, "[610900 610902 610921 ] 39/7"},
		{FeedbackRequest{By: "region", From: "2026-03-11"}, "[] 0/1"},
		// By item: items by region and code, then bundles, then the desk.
		{FeedbackRequest{By: "item", From: "2026-03-01", To: "2026-03-10"}, "[TEST0003 TEST0001 TEST0002 birth ] 38/7"},
	} {
		if got := names(tc.req); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.req, got, tc.want)
		}
	}
	rep, err := BuildFeedback(ctx, st, FeedbackRequest{By: "item", From: "2026-03-01", To: "2026-03-10"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		switch r.Group {
		case "TEST0001":
			if r.Name != "居民身份证换领1" || r.Kind != "item" || r.Region != "610902" || r.RegionName != "汉滨区" {
				t.Errorf("item row %+v", r)
			}
		case "birth": // no such bundle in the store: its code
			if r.Name != "birth" || r.Kind != "bundle" || r.Region != "" {
				t.Errorf("bundle row %+v", r)
			}
		case "":
			if r.Name != labelNoTarget || figureText(r) != "0 0 — 0 | 2 0 0 — | 2 1 50.00 0 | 1 1 0" {
				t.Errorf("desk row %+v", r)
			}
		}
	}

	for _, tc := range []struct {
		req  FeedbackRequest
		want error
	}{
		{FeedbackRequest{By: "type"}, ErrBadFeedbackGrouping},
		{FeedbackRequest{Region: "999999"}, ErrUnknownRegion},
		{FeedbackRequest{From: "2026-3-1"}, ErrBadFrom},
		{FeedbackRequest{To: "2026-02-30"}, ErrBadTo},
		{FeedbackRequest{From: "2026-03-02", To: "2026-03-01"}, ErrFromAfterTo},
	} {
		if _, err := BuildFeedback(ctx, st, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.req, err, tc.want)
		}
	}
}

// TestFeedbackFormats: the tables in every format hold the figures and
// no text a citizen wrote, no contact; CSV neutralises what a
// spreadsheet would run; JSON gives null for a missing rate.
func TestFeedbackFormats(t *testing.T) {
	ctx := context.Background()
	st, _ := feedbackStore(t)
	rep, err := BuildFeedback(ctx, st, FeedbackRequest{Region: "610900", Site: "610900", From: "2026-03-01", To: "2026-03-10"})
	if err != nil {
		t.Fatal(err)
	}
	tables := rep.Tables()
	if len(tables) != 2 || tables[0].Name != "好差评与办不成事（按部门，2026-03-01至2026-03-10）" || len(tables[0].Rows) != len(rep.Rows)+1 {
		t.Fatalf("tables %q, %d rows", tables[0].Name, len(tables[0].Rows))
	}
	for _, tb := range tables {
		for _, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Fatalf("%s: row of %d cells, %d columns", tb.Name, len(row), len(tb.Columns))
			}
		}
	}
	var csv, text, js, xlsx bytes.Buffer
	if err := WriteTables(&csv, FormatCSV, tables); err != nil {
		t.Fatal(err)
	}
	if err := WriteTables(&text, FormatTable, tables); err != nil {
		t.Fatal(err)
	}
	if err := WriteTables(&xlsx, FormatXLSX, tables); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	c := csv.String()
	for _, want := range []string{
		"分组,名称,所属区划,区划名称,评价数,满意数,满意率（%）,差评数,工单数,已办结,已整改,整改率（%）,应按时办理,按时办理,按时办理率（%）,逾期未办,不知道找哪办,不知道怎么办,到窗口办不成",
		`'=HYPERLINK(""http://x"")公安局`, "2026-03-09,'=cmd|' /C calc'!A0,3,3,0,3",
		",合计,,,38,5,13.16,33,7,2,1,50.00,6,2,33.33,1,1,1,1",
		",政务服务大厅（一件事、办不成事窗口）,,,1,1,100.00,0,2,0,0,,2,1,50.00,0,1,1,0",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("CSV lacks %s:\n%s", want, c)
		}
	}
	if !strings.Contains(text.String(), "3.13%") || !strings.Contains(text.String(), "—") {
		t.Errorf("table:\n%s", text.String())
	}
	for name, out := range map[string]string{"csv": c, "table": text.String(), "json": js.String()} {
		for _, secret := range []string{"13912345678", "不公开"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s holds %s", name, secret)
			}
		}
	}
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if v, ok := doc.Rows[0]["fix_rate"]; !ok || v != nil {
		t.Errorf("fix_rate of a row without tickets: %v (present %v)", v, ok)
	}
	if doc.Rows[1]["satisfaction_rate"] != 66.67 {
		t.Errorf("satisfaction_rate %v", doc.Rows[1]["satisfaction_rate"])
	}
}
