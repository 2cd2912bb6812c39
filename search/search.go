package search

import (
	"context"
	"html"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"zhinan/catalog"
)

// Hit is one item of a result page.
type Hit struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Department string   `json:"department"`
	Region     string   `json:"region"`
	RegionName string   `json:"region_name"`
	Type       string   `json:"type"`
	Flags      []string `json:"flags"`
	// Highlight is the name as safe HTML: escaped, with the matched
	// parts in <mark>.
	Highlight string  `json:"highlight"`
	Score     float64 `json:"-"`
}

// FacetValue is one value of a facet with its count for the current query
// and filters.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Result is one page of results with the facet counts of the whole result.
type Result struct {
	Total  int                     `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	// Region is the region the query named (汉阴 身份证), if any.
	Region string `json:"region,omitempty"`
}

// FacetFields are the facet dimensions, in display order.
var FacetFields = []string{"flag", "type", "region", "department", "audience", "theme"}

// facetSizes bounds how many values each facet returns.
var facetSizes = map[string]int{"flag": 9, "type": 12, "region": 200, "department": 500, "audience": 2, "theme": 100}

// FacetLabel returns the Chinese name of a facet dimension.
func FacetLabel(field string) string { return facetLabels[field] }

// Search runs a request. A *RequestError means the request was refused.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	key := r.cacheKey()
	if res, ok := ix.cache.get(key); ok {
		out := *res
		out.TookMS = ms(time.Since(start))
		return &out, nil
	}
	p := ix.parse(r.Q)
	sr := bleve.NewSearchRequestOptions(ix.buildQuery(p, &r), r.Size, (r.Page-1)*r.Size, false)
	sr.Fields = hitFields
	for _, f := range FacetFields {
		sr.AddFacet(f, bleve.NewFacetRequest(f, facetSizes[f]))
	}
	if p.browse {
		sr.SortBy([]string{"name_exact", "_id"})
	} else {
		sr.SortBy([]string{"-_score", "_id"})
	}
	ix.mu.RLock()
	bi := ix.bi
	if bi == nil {
		ix.mu.RUnlock()
		return nil, ErrClosed
	}
	res, err := bi.SearchInContext(ctx, sr)
	ix.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	out := &Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string][]FacetValue{}, Region: p.region}
	marks := highlightTerms(p)
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, ix.hit(h, marks))
	}
	for _, f := range FacetFields {
		out.Facets[f] = ix.facetValues(f, res.Facets[f])
	}
	ix.cache.put(key, out)
	out.TookMS = ms(time.Since(start))
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (ix *Index) hit(h *bsearch.DocumentMatch, marks []string) Hit {
	str := func(f string) string { s, _ := h.Fields[f].(string); return s }
	hit := Hit{Code: h.ID, Name: str("title"), Department: str("department"), Region: str("region"), Type: str("type"), Score: h.Score}
	switch v := h.Fields["flag"].(type) {
	case string:
		hit.Flags = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				hit.Flags = append(hit.Flags, s)
			}
		}
	}
	if hit.Flags == nil {
		hit.Flags = []string{}
	}
	hit.RegionName = ix.regions.name(hit.Region)
	hit.Highlight = highlight(hit.Name, marks)
	return hit
}

// facetValues turns a bleve facet into labelled values, most frequent
// first, ties by value.
func (ix *Index) facetValues(field string, fr *bsearch.FacetResult) []FacetValue {
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		v := FacetValue{Value: t.Term, Label: t.Term, Count: t.Count}
		switch field {
		case "flag":
			v.Label = catalog.FlagShort(t.Term)
		case "region":
			v.Label = ix.regions.name(t.Term)
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if field == "flag" {
		order := map[string]int{}
		for i, id := range catalog.FlagIDs {
			order[id] = i
		}
		sort.SliceStable(out, func(i, j int) bool { return order[out[i].Value] < order[out[j].Value] })
	}
	return out
}

// highlightTerms are the strings whose occurrences in a name are marked:
// every word of the query and every alternative a synonym added.
func highlightTerms(p plan) []string {
	var out []string
	for _, g := range p.groups {
		out = append(out, g...)
	}
	if p.text != "" {
		out = append(out, p.text)
	}
	return out
}

// highlight escapes name and wraps the parts matched by terms in <mark>:
// characters directly, Latin terms by pinyin syllables or initials.
func highlight(name string, terms []string) string {
	rs := []rune(name)
	marked := make([]bool, len(rs))
	lower := []rune(normalize(name))
	if len(lower) != len(rs) {
		lower = rs
	}
	var syl, ini []string
	for _, t := range terms {
		tr := []rune(t)
		if isLatin(t) {
			if syl == nil {
				syl = charSyllables(rs)
				ini = make([]string, len(syl))
				for i, s := range syl {
					if s != "" {
						ini[i] = s[:1]
					}
				}
			}
			if parts, ok := splitPinyin(t); ok {
				markSequence(marked, syl, parts)
			}
			markSequence(marked, ini, strings.Split(t, ""))
			continue
		}
		for i := 0; i+len(tr) <= len(lower); i++ {
			if string(lower[i:i+len(tr)]) == t {
				for j := i; j < i+len(tr); j++ {
					marked[j] = true
				}
			}
		}
	}
	var b strings.Builder
	open := false
	for i, r := range rs {
		if marked[i] != open {
			if open {
				b.WriteString("</mark>")
			} else {
				b.WriteString("<mark>")
			}
			open = marked[i]
		}
		b.WriteString(html.EscapeString(string(r)))
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}

// charSyllables returns the pinyin of each rune ("" for non-Han runes).
func charSyllables(rs []rune) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if s := syllables(string(r)); len(s) == 1 {
			out[i] = s[0]
		}
	}
	// Words of the override table read differently in context.
	whole := string(rs)
	for w, py := range pinyinOverrides() {
		for off := 0; ; {
			i := strings.Index(whole[off:], w)
			if i < 0 {
				break
			}
			at := utf8.RuneCountInString(whole[:off+i])
			copy(out[at:], py)
			off += i + len(w)
		}
	}
	return out
}

// markSequence marks every run of seq that equals parts.
func markSequence(marked []bool, seq, parts []string) {
	if len(parts) == 0 {
		return
	}
	for i := 0; i+len(parts) <= len(seq); i++ {
		ok := true
		for j, p := range parts {
			if seq[i+j] != p {
				ok = false
				break
			}
		}
		if ok {
			for j := range parts {
				marked[i+j] = true
			}
		}
	}
}

func (r *Request) cacheKey() string {
	flags := append([]string(nil), r.Flags...)
	sort.Strings(flags)
	return strings.Join([]string{r.Q, r.Region, r.Department, r.Type, r.Audience, r.Theme, r.Prefer,
		strings.Join(flags, ","), itoa(r.Page), itoa(r.Size)}, "\x00")
}
