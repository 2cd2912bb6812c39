package search

import (
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/registry"

	"zhinan/seeds"
)

// TestSpacesTokenizerIsWhitespace checks the pinyin fields' tokenizer
// against bleve's whitespace tokenizer, which built them before: the same
// tokens, offsets and positions on the pinyin and initials of every seed
// item's name, on white space of every kind and on broken input.
func TestSpacesTokenizerIsWhitespace(t *testing.T) {
	want, err := registry.NewCache().TokenizerNamed(whitespace.Name)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"", " ", "shen fen zheng", "  sfz  ", "a\tb\nc\u3000d\u00a0e", "x\xffy z", "p \ufffd q", "gong ji jin ", "中 文", "ab"}
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range cat.Items {
		nf := makeNameFields(it.Name)
		texts = append(texts, nf.NamePinyin, nf.NameInitial, nf.WordPinyin, nf.WordInitial)
	}
	for _, s := range texts {
		checkSpacesTokens(t, want, s)
	}
}

// checkSpacesTokens fails t when spacesTokenizer and want (bleve's
// whitespace tokenizer) split s differently; no tokens is the same
// whether as nil or as an empty stream.
func checkSpacesTokens(t *testing.T, want analysis.Tokenizer, s string) {
	t.Helper()
	got, exp := spacesTokenizer{}.Tokenize([]byte(s)), want.Tokenize([]byte(s))
	if (len(got) != 0 || len(exp) != 0) && !reflect.DeepEqual(got, exp) {
		t.Fatalf("%q: tokens %v, bleve's whitespace tokenizer %v", s, got, exp)
	}
}

func FuzzSpacesTokenizer(f *testing.F) {
	want, err := registry.NewCache().TokenizerNamed(whitespace.Name)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"shen fen zheng", "a\tb\u3000c", "x\xffy"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkSpacesTokens(t, want, s) })
}
