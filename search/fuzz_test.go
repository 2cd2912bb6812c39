package search

import (
	"context"
	"testing"
	"unicode/utf8"
)

// FuzzSearch feeds arbitrary text to the query understanding and the
// search: a request is either refused with a RequestError or answered, and
// every answered request's rows are distinct services within the page size.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"", "身份证丢了怎么补", "汉阴 公积金", "gjj", "公基金", "想开个奶茶店", "开 店 开 店",
		"+-:*\"~^()", "\x00", "\u202e怎么办", "丢了丢了丢了丢了", "a b c d e f g h i j k", "怎么怎么怎么"} {
		f.Add(q, "")
		f.Add(q, "none")
	}
	ix := seedFixture(f).index
	f.Fuzz(func(t *testing.T, q, group string) {
		r := Request{Q: q, Group: group}
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			if _, ok := err.(*RequestError); !ok {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		if len(res.Hits) > DefaultSize || res.Total < len(res.Hits) {
			t.Fatalf("%q: %d hits of %d", q, len(res.Hits), res.Total)
		}
		if group == "" {
			seen := map[string]bool{}
			for _, h := range res.Hits {
				if seen[h.Service] {
					t.Fatalf("%q: service %s twice", q, h.Service)
				}
				seen[h.Service] = true
			}
		}
		if utf8.ValidString(q) {
			ix.Suggest(context.Background(), q)
			ix.DidYouMean(q)
		}
	})
}
