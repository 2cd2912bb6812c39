package search

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"
)

// The relevance suite: judged queries over the seed catalogue
// (testdata/relevance.jsonl). Each judgment grades an item name (3 = what
// the citizen wants, 2 = clearly relevant, 1 = acceptable), optionally for
// one region only. Results are collapsed to distinct names in rank order,
// each taking the grade of its first hit, and scored with recall@3 (of the
// grade-3 names) and nDCG@10. Queries judged with no item must return
// nothing.

const (
	minRecallAt3 = 0.90
	minNDCGAt10  = 0.85
)

type judgedQuery = JudgedQuery

func loadJudgments(t *testing.T) []judgedQuery {
	t.Helper()
	qs, err := LoadJudgments("testdata/relevance.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// scored is one query's outcome.
type scored struct {
	q      judgedQuery
	recall float64 // -1 when the query has no grade-3 name
	ndcg   float64 // -1 when the query expects nothing
	names  []string
	total  int
}

func scoreQuery(ix *Index, q judgedQuery) (scored, error) {
	res, err := ix.Search(context.Background(), Request{Q: q.Q, Region: q.Params.Region, Flags: q.Params.Flag, Size: MaxSize})
	if err != nil {
		return scored{}, err
	}
	s := scored{q: q, recall: -1, ndcg: -1, total: res.Total}
	var grades []int
	seen := map[string]bool{}
	for _, h := range res.Hits {
		if seen[h.Name] {
			continue
		}
		seen[h.Name] = true
		s.names = append(s.names, fmt.Sprintf("%s@%s", h.Name, h.RegionName))
		grades = append(grades, q.Grade(h.Name, h.Region))
	}
	// Ideal: the best grade of every judged name.
	best := map[string]int{}
	top := map[string]bool{}
	for _, j := range q.Expect {
		best[j.Name] = max(best[j.Name], j.Grade)
		if j.Grade == 3 {
			top[j.Name] = true
		}
	}
	if len(top) > 0 {
		hit := 0
		for i := 0; i < len(grades) && i < 3; i++ {
			if grades[i] == 3 {
				hit++
			}
		}
		s.recall = float64(hit) / float64(min(3, len(top)))
	}
	if len(best) > 0 {
		var ideal []int
		for _, g := range best {
			ideal = append(ideal, g)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
		s.ndcg = dcg(grades, 10) / dcg(ideal, 10)
	}
	return s, nil
}

func dcg(grades []int, k int) float64 {
	sum := 0.0
	for i := 0; i < len(grades) && i < k; i++ {
		sum += (math.Pow(2, float64(grades[i])) - 1) / math.Log2(float64(i+2))
	}
	return sum
}

func TestRelevance(t *testing.T) {
	ix := seedFixture(t).index
	qs := loadJudgments(t)
	if len(qs) < 80 {
		t.Fatalf("%d judged queries, want at least 80", len(qs))
	}
	var recallSum, ndcgSum float64
	var nRecall, nNDCG int
	byClass := map[string][]float64{}
	for _, q := range qs {
		s, err := scoreQuery(ix, q)
		if err != nil {
			t.Errorf("%q: %v", q.Q, err)
			continue
		}
		if len(q.Expect) == 0 {
			if s.total != 0 {
				t.Errorf("%s %q must return nothing, got %d: %v", q.Class, q.Q, s.total, first(s.names, 3))
			}
			continue
		}
		if s.recall >= 0 {
			recallSum += s.recall
			nRecall++
		}
		ndcgSum += s.ndcg
		nNDCG++
		byClass[q.Class] = append(byClass[q.Class], s.ndcg)
		if s.ndcg < 0.6 || s.recall >= 0 && s.recall < 0.67 {
			t.Logf("weak %s %q: recall@3 %.2f nDCG@10 %.2f; got %v", q.Class, q.Q, s.recall, s.ndcg, first(s.names, 5))
		}
	}
	recall, ndcg := recallSum/float64(nRecall), ndcgSum/float64(nNDCG)
	var classes []string
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		sum := 0.0
		for _, v := range byClass[c] {
			sum += v
		}
		t.Logf("class %-10s %3d queries  nDCG@10 %.3f", c, len(byClass[c]), sum/float64(len(byClass[c])))
	}
	t.Logf("recall@3 %.3f over %d queries, nDCG@10 %.3f over %d queries", recall, nRecall, ndcg, nNDCG)
	if recall < minRecallAt3 {
		t.Errorf("recall@3 %.3f below %.2f", recall, minRecallAt3)
	}
	if ndcg < minNDCGAt10 {
		t.Errorf("nDCG@10 %.3f below %.2f", ndcg, minNDCGAt10)
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
