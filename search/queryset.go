package search

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// The relevance suite and the benchmarks read two data files:
// testdata/relevance.jsonl (judged queries) and testdata/bench-queries.txt
// (a mixed query set). Their readers live here, once.

// Judgment grades one item name for a judged query (3 = what the citizen
// wants, 2 = clearly relevant, 1 = acceptable), optionally for one region.
type Judgment struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	Grade  int    `json:"grade"`
}

// JudgedQuery is one line of testdata/relevance.jsonl.
type JudgedQuery struct {
	Q      string     `json:"q"`
	Class  string     `json:"class"`
	Expect []Judgment `json:"expect"`
	Params struct {
		Region string   `json:"region"`
		Flag   []string `json:"flag"`
	} `json:"params"`
	Note string `json:"note"`
}

// Grade returns the judged grade of an item: a region-specific judgment
// overrides one for every region; unjudged items grade 0.
func (q *JudgedQuery) Grade(name, region string) int {
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

// LoadJudgments reads a judged query file (JSON Lines).
func LoadJudgments(path string) ([]JudgedQuery, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []JudgedQuery
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var q JudgedQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// QueryLine is one query of a query set file and the request it stands for.
type QueryLine struct {
	Line string
	Req  Request
}

// Values returns the query's request as the parameters of
// GET /api/v1/search (those a query set line can give).
func (l QueryLine) Values() url.Values {
	v := url.Values{}
	r := l.Req
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

// LoadQuerySet reads a query set file: one query a line, the text then
// optional "| key=value" filters (flag, region, department, type,
// audience, theme, page, size); # comments and blank lines are ignored.
func LoadQuerySet(path string) ([]QueryLine, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []QueryLine
	sc := bufio.NewScanner(fh)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseQueryLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, ln, err)
		}
		out = append(out, QueryLine{Line: line, Req: r})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no query", path)
	}
	return out, nil
}

func parseQueryLine(line string) (Request, error) {
	parts := strings.Split(line, "|")
	r := Request{Q: strings.TrimSpace(parts[0])}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return r, fmt.Errorf("%q is not key=value", p)
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
				return r, fmt.Errorf("%s=%q is not a number", k, v)
			}
			if k == "page" {
				r.Page = n
			} else {
				r.Size = n
			}
		default:
			return r, fmt.Errorf("unknown key %q", k)
		}
	}
	return r, nil
}
