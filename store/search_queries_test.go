package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// storedSearchCounts returns the search_queries rows, by week and query.
func storedSearchCounts(t *testing.T, st *Store) []SearchCount {
	t.Helper()
	var rows []SearchCount
	if err := st.db.Raw(`SELECT week, query, searches, empty, opened FROM search_queries ORDER BY week, query`).
		Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSearchCountsAddUp(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	if err := st.AddSearchCounts(ctx, nil); err != nil {
		t.Fatal(err)
	}
	first := []SearchCount{
		{Week: "2026-03-02", Query: "护照", Searches: 3, Opened: 2},
		{Week: "2026-03-02", Query: "房本加名字", Searches: 2, Empty: 2},
		{Week: "2026-03-02", Query: "护照", Searches: 1, Opened: 1}, // summed with the first
		{Week: "2026-02-23", Query: "护照", Opened: 1},              // an open only
		{Week: "2026-02-23", Query: "无", Searches: 0},             // nothing: no row
	}
	if err := st.AddSearchCounts(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := st.AddSearchCounts(ctx, []SearchCount{{Week: "2026-03-02", Query: "护照", Searches: 1, Empty: 0, Opened: 0}}); err != nil {
		t.Fatal(err)
	}
	want := []SearchCount{
		{Week: "2026-02-23", Query: "护照", Opened: 1},
		{Week: "2026-03-02", Query: "房本加名字", Searches: 2, Empty: 2},
		{Week: "2026-03-02", Query: "护照", Searches: 5, Opened: 3},
	}
	if got := storedSearchCounts(t, st); !slices.Equal(got, want) {
		t.Fatalf("stored\n%v\nwant\n%v", got, want)
	}

	// Bad counts are refused before anything is written.
	for _, bad := range []SearchCount{
		{Week: "2026-03-03", Query: "护照", Searches: 1}, // a Tuesday
		{Week: "2026-3-2", Query: "护照", Searches: 1},
		{Week: "2026-03-02", Query: "", Searches: 1},
		{Week: "2026-03-02", Query: "a\x00b", Searches: 1},
		{Week: "2026-03-02", Query: "\xff", Searches: 1},
		{Week: "2026-03-02", Query: "护照", Searches: -1},
	} {
		err := st.AddSearchCounts(ctx, []SearchCount{{Week: "2026-03-02", Query: "护照", Searches: 7}, bad})
		if err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if got := storedSearchCounts(t, st); !slices.Equal(got, want) {
		t.Fatalf("a refused write changed the rows:\n%v", got)
	}
}

func TestSearchCountsPerWeekCap(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	const week, other = "2026-03-02", "2026-03-09"
	// The week holds one query fewer than its cap.
	var vals []string
	var args []any
	flush := func() {
		t.Helper()
		if len(vals) == 0 {
			return
		}
		if err := st.db.Exec(`INSERT INTO search_queries (week, query, searches) VALUES `+strings.Join(vals, ", "), args...).Error; err != nil {
			t.Fatal(err)
		}
		vals, args = vals[:0], args[:0]
	}
	for i := range MaxSearchQueriesPerWeek - 1 {
		vals = append(vals, "(?, ?, 1)")
		args = append(args, week, fmt.Sprintf("q%05d", i))
		if len(vals) == 500 {
			flush()
		}
	}
	flush()
	err := st.AddSearchCounts(ctx, []SearchCount{
		{Week: week, Query: "new-a", Searches: 1, Empty: 1},
		{Week: week, Query: "new-b", Searches: 1, Empty: 1}, // over the cap: dropped
		{Week: week, Query: "q00000", Searches: 2},          // counted already: keeps counting
		{Week: other, Query: "new-b", Searches: 1},          // another week has room
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(w, q string) (n int64, rows int64) {
		t.Helper()
		if err := st.db.Raw(`SELECT COALESCE(SUM(searches), 0), COUNT(*) FROM search_queries WHERE week = ? AND query = ?`, w, q).
			Row().Scan(&n, &rows); err != nil {
			t.Fatal(err)
		}
		return n, rows
	}
	if n, rows := count(week, "new-a"); rows != 1 || n != 1 {
		t.Errorf("new-a: %d searches in %d rows", n, rows)
	}
	if _, rows := count(week, "new-b"); rows != 0 {
		t.Errorf("new-b was added to a full week")
	}
	if n, _ := count(week, "q00000"); n != 3 {
		t.Errorf("a counted query of a full week has %d searches, want 3", n)
	}
	if n, rows := count(other, "new-b"); rows != 1 || n != 1 {
		t.Errorf("new-b in another week: %d searches in %d rows", n, rows)
	}
	var held int64
	if err := st.db.Raw(`SELECT COUNT(*) FROM search_queries WHERE week = ?`, week).Scan(&held).Error; err != nil {
		t.Fatal(err)
	}
	if held != MaxSearchQueriesPerWeek {
		t.Errorf("the week holds %d queries, want %d", held, MaxSearchQueriesPerWeek)
	}
}

func TestSearchCountsAgeOut(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	week := func(back int) string { return monday.AddDate(0, 0, -7*back).Format(weekLayout) }
	var counts []SearchCount
	for back := SearchQueryWeeks + 3; back >= 1; back-- {
		counts = append(counts, SearchCount{Week: week(back), Query: "护照", Searches: 1})
	}
	if err := st.AddSearchCounts(ctx, counts); err != nil {
		t.Fatal(err)
	}
	weeks := func() []string {
		var w []string
		for _, r := range storedSearchCounts(t, st) {
			w = append(w, r.Week)
		}
		return w
	}
	if got := weeks(); len(got) != SearchQueryWeeks || got[0] != week(SearchQueryWeeks) || got[len(got)-1] != week(1) {
		t.Fatalf("kept %d weeks, %v", len(got), got)
	}
	// A write of a newer week ages out the oldest one.
	if err := st.AddSearchCounts(ctx, []SearchCount{{Week: week(0), Query: "社保", Opened: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := weeks(); len(got) != SearchQueryWeeks || got[0] != week(SearchQueryWeeks-1) || got[len(got)-1] != week(0) {
		t.Fatalf("after a newer week, kept %d weeks, %v", len(got), got)
	}
	// A write of an older week deletes nothing newer.
	if err := st.AddSearchCounts(ctx, []SearchCount{{Week: week(3), Query: "社保", Searches: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := weeks(); len(got) != SearchQueryWeeks+1 || got[len(got)-1] != week(0) {
		t.Fatalf("after an older week, kept %d rows, %v", len(got), got)
	}
}

func TestUnansweredQueriesRanking(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	const w1, w2, w3 = "2026-02-23", "2026-03-02", "2026-03-09"
	err := st.AddSearchCounts(ctx, []SearchCount{
		{Week: w1, Query: "old", Searches: 9, Empty: 9},
		{Week: w2, Query: "empty", Searches: 4, Empty: 4},                       // 4
		{Week: w2, Query: "unopened", Searches: 5, Opened: 2},                   // 3
		{Week: w2, Query: "answered", Searches: 3, Opened: 5},                   // 0: not listed
		{Week: w2, Query: "mixed", Searches: 6, Empty: 2, Opened: 1},            // 2 + 3 = 5
		{Week: w2, Query: "b-tie", Searches: 3, Empty: 3},                       // 3, tied with "unopened": by text, first
		{Week: w2, Query: "opens-only", Opened: 3},                              // 0
		{Week: w3, Query: "新问题", Searches: 1, Empty: 1},                         // 1
		{Week: w3, Query: "empty-but-opened", Searches: 2, Empty: 2, Opened: 1}, // 2
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		week, query string
		unanswered  int64
	}
	rows := func(from, to string, perWeek int) []row {
		t.Helper()
		got, err := st.UnansweredQueries(ctx, from, to, perWeek)
		if err != nil {
			t.Fatal(err)
		}
		out := []row{}
		for _, g := range got {
			if g.Unanswered != g.Empty+max(g.Searches-g.Empty-g.Opened, 0) {
				t.Errorf("%+v: unanswered is not empty + unopened", g)
			}
			out = append(out, row{g.Week, g.Query, g.Unanswered})
		}
		return out
	}
	all := []row{
		{w3, "empty-but-opened", 2}, {w3, "新问题", 1},
		{w2, "mixed", 5}, {w2, "empty", 4}, {w2, "b-tie", 3}, {w2, "unopened", 3},
		{w1, "old", 9},
	}
	if got := rows("", "", 0); !slices.Equal(got, all) {
		t.Errorf("all weeks:\n%v\nwant\n%v", got, all)
	}
	if got, want := rows("", "", 2), []row{all[0], all[1], all[2], all[3], all[6]}; !slices.Equal(got, want) {
		t.Errorf("two a week:\n%v\nwant\n%v", got, want)
	}
	if got, want := rows(w2, w2, 3), all[2:5]; !slices.Equal(got, want) {
		t.Errorf("one week:\n%v\nwant\n%v", got, want)
	}
	if got, want := rows(w2, "", 1), []row{all[0], all[2]}; !slices.Equal(got, want) {
		t.Errorf("from a week on:\n%v\nwant\n%v", got, want)
	}
	if got, want := rows("", w1, 0), all[6:]; !slices.Equal(got, want) {
		t.Errorf("up to a week:\n%v\nwant\n%v", got, want)
	}
	if got := rows("2027-01-04", "", 0); len(got) != 0 {
		t.Errorf("no week: %v", got)
	}
}

// Servers writing the same new queries at once (replicas on PostgreSQL)
// neither fail nor lose counts.
func TestSearchCountsConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	const writers, queries = 4, 50
	var counts []SearchCount
	for i := range queries {
		counts = append(counts, SearchCount{Week: "2026-03-02", Query: fmt.Sprintf("问题%02d", i), Searches: 1, Empty: 1})
	}
	errs := make(chan error, writers)
	for range writers {
		go func() { errs <- st.AddSearchCounts(ctx, counts) }()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	rows := storedSearchCounts(t, st)
	if len(rows) != queries {
		t.Fatalf("%d rows, want %d", len(rows), queries)
	}
	for _, r := range rows {
		if r.Searches != writers || r.Empty != writers {
			t.Fatalf("%+v: want %d searches", r, writers)
		}
	}
}
