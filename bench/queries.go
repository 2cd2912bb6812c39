package bench

import (
	"zhinan/search"
)

// query is one line of the query set: the text and its filters, as a
// search request.
type query = search.QueryLine

// loadQueries reads a query set file (search.LoadQuerySet).
func loadQueries(path string) ([]query, error) { return search.LoadQuerySet(path) }

// judgedQuery is one judged query of search/testdata/relevance.jsonl.
type judgedQuery = search.JudgedQuery

// topNames returns the names judged 3.
func topNames(q *judgedQuery) map[string]bool {
	top := map[string]bool{}
	for _, j := range q.Expect {
		if j.Grade == 3 {
			top[j.Name] = true
		}
	}
	return top
}

func loadJudged(path string) ([]judgedQuery, error) { return search.LoadJudgments(path) }

// hitName is one ranked result reduced to what recall needs.
type hitName struct{ Name, Region string }

// recallAt10 collapses ranked hits to distinct names (each with the grade
// of its first hit) and returns the share of the grade-3 names found among
// the first 10 distinct names, and false when the query has no grade-3
// name.
func recallAt10(q *judgedQuery, hits []hitName) (float64, bool) {
	top := topNames(q)
	if len(top) == 0 {
		return 0, false
	}
	seen := map[string]bool{}
	found := 0
	for _, h := range hits {
		if seen[h.Name] {
			continue
		}
		seen[h.Name] = true
		if len(seen) > 10 {
			break
		}
		if q.Grade(h.Name, h.Region) == 3 {
			found++
		}
	}
	return float64(found) / float64(min(10, len(top))), true
}
