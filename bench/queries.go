package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"zhinan/search"
)

// query is one line of the query set: the text and its filters, as a
// search request.
type query struct {
	Line string
	Req  search.Request
}

// values returns the request as /api/v1/search parameters.
func (q query) values() url.Values {
	v := url.Values{}
	r := q.Req
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", r.Q)
	set("region", r.Region)
	set("department", r.Department)
	set("type", r.Type)
	set("audience", r.Audience)
	set("theme", r.Theme)
	for _, f := range r.Flags {
		v.Add("flag", f)
	}
	if r.Page > 0 {
		v.Set("page", strconv.Itoa(r.Page))
	}
	if r.Size > 0 {
		v.Set("size", strconv.Itoa(r.Size))
	}
	return v
}

// loadQueries reads a query set file in the format of
// search/testdata/bench-queries.txt: one query a line, the text then
// optional "| key=value" filters; # comments and blank lines are ignored.
func loadQueries(path string) ([]query, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []query
	sc := bufio.NewScanner(fh)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		r := search.Request{Q: strings.TrimSpace(parts[0])}
		for _, p := range parts[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok {
				return nil, fmt.Errorf("%s:%d: %q is not key=value", path, ln, p)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			switch k {
			case "flag":
				r.Flags = append(r.Flags, v)
			case "region":
				r.Region = v
			case "department":
				r.Department = v
			case "type":
				r.Type = v
			case "audience":
				r.Audience = v
			case "theme":
				r.Theme = v
			case "page", "size":
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %s=%q", path, ln, k, v)
				}
				if k == "page" {
					r.Page = n
				} else {
					r.Size = n
				}
			default:
				return nil, fmt.Errorf("%s:%d: unknown key %q", path, ln, k)
			}
		}
		out = append(out, query{Line: line, Req: r})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no query", path)
	}
	return out, nil
}

// judgment grades one item name for a judged query (3 = what the citizen
// wants), optionally for one region only.
type judgment struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	Grade  int    `json:"grade"`
}

// judgedQuery is one line of search/testdata/relevance.jsonl.
type judgedQuery struct {
	Q      string     `json:"q"`
	Class  string     `json:"class"`
	Expect []judgment `json:"expect"`
	Params struct {
		Region string   `json:"region"`
		Flag   []string `json:"flag"`
	} `json:"params"`
}

// grade returns the judged grade of an item: a region-specific judgment
// overrides one for every region (as in search/relevance_test.go).
func (q *judgedQuery) grade(name, region string) int {
	g := 0
	for _, j := range q.Expect {
		if j.Name != name {
			continue
		}
		if j.Region == region {
			return j.Grade
		}
		if j.Region == "" {
			g = j.Grade
		}
	}
	return g
}

// topNames returns the names judged 3.
func (q *judgedQuery) topNames() map[string]bool {
	top := map[string]bool{}
	for _, j := range q.Expect {
		if j.Grade == 3 {
			top[j.Name] = true
		}
	}
	return top
}

func loadJudged(path string) ([]judgedQuery, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []judgedQuery
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q judgedQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// hitName is one ranked result reduced to what recall needs.
type hitName struct{ Name, Region string }

// recallAt10 collapses ranked hits to distinct names (each with the grade
// of its first hit) and returns the share of the grade-3 names found among
// the first 10 distinct names, and false when the query has no grade-3
// name.
func recallAt10(q *judgedQuery, hits []hitName) (float64, bool) {
	top := q.topNames()
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
		if q.grade(h.Name, h.Region) == 3 {
			found++
		}
	}
	return float64(found) / float64(min(10, len(top))), true
}
