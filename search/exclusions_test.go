package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"zhinan/catalog"
	"zhinan/seeds"
)

// An exclusion (居民 ⇒ not 非居民) keeps a word from matching inside the
// longer word that means something else, but never when the query has the
// longer word itself: then the citizen typed its name.
func TestExclusionsSpareTheLongerWordTyped(t *testing.T) {
	st, dir := emptyStore(t)
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]catalog.Item{}
	for _, it := range cat.Items {
		if _, ok := byName[it.Name]; !ok {
			byName[it.Name] = it
		}
	}
	var items []catalog.Item
	pick := func(name, as string) {
		it, ok := byName[name]
		if !ok {
			t.Fatalf("no seed item %s", name)
		}
		if as != "" {
			it.Code, it.Name = fmt.Sprintf("ZZ-EX-%d", len(items)), as
		}
		items = append(items, it)
	}
	for _, n := range []string{"低压非居民用电报装", "居民用电报装", "非居民用水报装", "居民用水报装", "机动车注册登记", "企业变更登记"} {
		pick(n, "")
	}
	pick("机动车注册登记", "非机动车登记")
	pick("企业变更登记", "非法人组织登记")
	importItems(t, st, items...)
	ix := openIndex(t, dir, st)

	names := func(q string) []string {
		t.Helper()
		res, err := ix.Search(context.Background(), Request{Q: q, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.Name)
		}
		return out
	}
	// The longer word typed: its items, first.
	for _, tc := range []struct{ q, want string }{
		{"低压非居民用电报装", "低压非居民用电报装"},
		{"非居民用水报装", "非居民用水报装"},
		{"非居民用水", "非居民用水报装"},
		{"非法人组织", "非法人组织登记"},
		{"非机动车", "非机动车登记"},
		{"非机动车登记", "非机动车登记"},
	} {
		if got := names(tc.q); len(got) == 0 || got[0] != tc.want {
			t.Errorf("%s: %v, want %s first", tc.q, got, tc.want)
		}
	}
	// The shorter word alone still does not match the longer one.
	for _, tc := range []struct{ q, want, not string }{
		{"居民用电", "居民用电报装", "非居民"},
		{"居民用水报装", "居民用水报装", "非居民"},
		{"机动车", "机动车注册登记", "非机动车"},
		{"法人", "", "非法人"},
	} {
		got := names(tc.q)
		if tc.want != "" && (len(got) == 0 || got[0] != tc.want) {
			t.Errorf("%s: %v, want %s first", tc.q, got, tc.want)
		}
		for _, n := range got {
			if strings.Contains(n, tc.not) {
				t.Errorf("%s: %v has %s", tc.q, got, n)
			}
		}
	}
}

// A suggest query too long says so (not that it is not UTF-8), and no
// refused query is echoed back in its message.
func TestSuggestAndSearchRefuseLongQueriesPlainly(t *testing.T) {
	ix := seedFixture(t).index
	long := strings.Repeat("证", MaxQueryRunes+1)
	_, err := ix.Suggest(context.Background(), long)
	var re *RequestError
	if !errors.As(err, &re) || re.Message != fmt.Sprintf(MsgQueryTooLong, MaxQueryRunes, MaxQueryRunes+1) {
		t.Fatalf("suggest of %d characters: %v", MaxQueryRunes+1, err)
	}
	if _, err := ix.Suggest(context.Background(), "\xff证"); !errors.As(err, &re) || re.Message != MsgQueryEncoding {
		t.Fatalf("suggest of invalid UTF-8: %v", err)
	}
	if got, err := ix.Suggest(context.Background(), strings.Repeat("证", MaxQueryRunes)); err != nil || got == nil {
		t.Fatalf("suggest of %d characters: %v %v", MaxQueryRunes, got, err)
	}
	huge := strings.Repeat("护照", 5000)
	for name, call := range map[string]func() error{
		"search":  func() error { _, err := ix.Search(context.Background(), Request{Q: huge}); return err },
		"suggest": func() error { _, err := ix.Suggest(context.Background(), huge); return err },
	} {
		err := call()
		if !errors.As(err, &re) {
			t.Fatalf("%s of a huge query: %v", name, err)
		}
		if strings.Contains(err.Error(), "护照护照") || utf8.RuneCountInString(err.Error()) > 60 {
			t.Errorf("%s echoes the query: %q", name, err.Error())
		}
	}
}
