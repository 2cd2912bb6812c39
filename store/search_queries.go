package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// Bounds of the counts of searches by query text (table search_queries,
// docs/data-model.md#search-queries).
const (
	// MaxSearchQueriesPerWeek is how many query texts one week holds: a
	// query not yet counted that week is dropped once it holds as many
	// (the queries already counted keep counting).
	MaxSearchQueriesPerWeek = 5000
	// SearchQueryWeeks is how many weeks are kept: the newest week written
	// and the ones before it; older weeks are deleted on each write.
	SearchQueryWeeks = 26
)

// weekLayout is how a week is written: the date of its Monday.
const weekLayout = "2006-01-02"

// SearchCount is what a server counted of one query text in one week: its
// searches, how many of them found nothing, and how many times a result
// was opened from it. Week is the Monday (China time) of the ISO week, as
// YYYY-MM-DD; Query is the normalised query text (web/search_log.go).
type SearchCount struct {
	Week, Query             string
	Searches, Empty, Opened int64
}

// searchKey is the key of a search_queries row.
type searchKey struct{ week, query string }

// AddSearchCounts adds counts to the stored counts of their weeks and
// queries, in one transaction. Counts of one week and query are summed. A
// query is added to a week only while the week holds fewer than
// MaxSearchQueriesPerWeek queries. Then only the SearchQueryWeeks newest
// weeks are kept: the newest week of counts and the ones before it, older
// weeks are deleted. The counts are
// checked before anything is written: a week that is not a Monday's date,
// an empty or unstorable query or a negative count is an error.
//
// These rows are no part of the catalogue: the transaction does not take
// the writers' lock of the change sequence (writeTx). Rows are written in
// key order, and a row another server inserted meanwhile is added to
// (INSERT … ON CONFLICT), so concurrent writers neither deadlock nor fail.
func (s *Store) AddSearchCounts(ctx context.Context, counts []SearchCount) error {
	sums := map[searchKey]*SearchCount{}
	var newest time.Time
	for _, c := range counts {
		w, err := time.Parse(weekLayout, c.Week)
		if err != nil || w.Weekday() != time.Monday || w.Format(weekLayout) != c.Week {
			return fmt.Errorf("search counts: week %q is not the date of a Monday", c.Week)
		}
		if c.Query == "" || !storableText(c.Query) {
			return fmt.Errorf("search counts: query %q cannot be stored", c.Query)
		}
		if c.Searches < 0 || c.Empty < 0 || c.Opened < 0 {
			return fmt.Errorf("search counts: negative count for %q", c.Query)
		}
		if c.Searches == 0 && c.Empty == 0 && c.Opened == 0 {
			continue
		}
		if w.After(newest) {
			newest = w
		}
		k := searchKey{c.Week, c.Query}
		if sum := sums[k]; sum != nil {
			sum.Searches += c.Searches
			sum.Empty += c.Empty
			sum.Opened += c.Opened
		} else {
			sum := c
			sums[k] = &sum
		}
	}
	if len(sums) == 0 {
		return nil
	}
	keys := make([]searchKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].week != keys[j].week {
			return keys[i].week < keys[j].week
		}
		return keys[i].query < keys[j].query
	})
	cutoff := newest.AddDate(0, 0, -7*(SearchQueryWeeks-1)).Format(weekLayout)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		held := map[string]int64{} // queries each week holds, counted once
		for _, k := range keys {
			c := sums[k]
			res := tx.Exec(`UPDATE search_queries SET searches = searches + ?, empty = empty + ?, opened = opened + ?
				WHERE week = ? AND query = ?`, c.Searches, c.Empty, c.Opened, k.week, k.query)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				continue
			}
			n, ok := held[k.week]
			if !ok {
				if err := tx.Raw(`SELECT COUNT(*) FROM search_queries WHERE week = ?`, k.week).Scan(&n).Error; err != nil {
					return err
				}
			}
			if n >= MaxSearchQueriesPerWeek {
				held[k.week] = n
				continue
			}
			if err := tx.Exec(`INSERT INTO search_queries (week, query, searches, empty, opened) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (week, query) DO UPDATE SET searches = search_queries.searches + excluded.searches,
				empty = search_queries.empty + excluded.empty, opened = search_queries.opened + excluded.opened`,
				k.week, k.query, c.Searches, c.Empty, c.Opened).Error; err != nil {
				return err
			}
			held[k.week] = n + 1
		}
		return tx.Exec(`DELETE FROM search_queries WHERE week < ?`, cutoff).Error
	})
}

// UnansweredQuery is one query text of one week that went unanswered:
// its searches, those that found nothing (Empty), the results opened from
// it (Opened), and Unanswered = Empty + max(Searches − Empty − Opened, 0),
// the searches that found nothing or, at a guess, led nowhere.
type UnansweredQuery struct {
	Week       string `json:"week"`
	Query      string `json:"query"`
	Searches   int64  `json:"searches"`
	Empty      int64  `json:"empty"`
	Opened     int64  `json:"opened"`
	Unanswered int64  `json:"unanswered"`
}

// unansweredExpr is UnansweredQuery.Unanswered in SQL.
const unansweredExpr = `empty + CASE WHEN searches - empty - opened > 0 THEN searches - empty - opened ELSE 0 END`

// UnansweredQueries returns, for each week from from to to (the dates of
// their Mondays, YYYY-MM-DD; "" leaves that end open), the perWeek query
// texts with the most unanswered searches (all of them when perWeek < 1),
// most unanswered first, ties by query text; newest week first. Queries
// nothing left unanswered are not listed.
func (s *Store) UnansweredQueries(ctx context.Context, from, to string, perWeek int) ([]UnansweredQuery, error) {
	where, args := `WHERE 1 = 1`, []any{}
	if from != "" {
		where += ` AND week >= ?`
		args = append(args, from)
	}
	if to != "" {
		where += ` AND week <= ?`
		args = append(args, to)
	}
	limit := ``
	if perWeek > 0 {
		limit = ` WHERE n <= ?`
		args = append(args, perWeek)
	}
	if !storableText(from, to) {
		return nil, nil
	}
	out := []UnansweredQuery{}
	err := s.db.WithContext(ctx).Raw(`SELECT week, query, searches, empty, opened, unanswered FROM (
			SELECT week, query, searches, empty, opened, unanswered,
				ROW_NUMBER() OVER (PARTITION BY week ORDER BY unanswered DESC, query) AS n
			FROM (SELECT week, query, searches, empty, opened, `+unansweredExpr+` AS unanswered
				FROM search_queries `+where+`) u
			WHERE unanswered > 0) r`+limit+`
		ORDER BY week DESC, unanswered DESC, query`, args...).Scan(&out).Error
	return out, err
}
