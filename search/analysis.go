package search

import (
	"slices"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names of the tokenizers and analyzers this package registers with bleve.
const (
	tokenizerWords   = "zhinan_words"   // segmenter, search mode
	tokenizerPrecise = "zhinan_precise" // segmenter, precise mode
	tokenizerSpaces  = "zhinan_spaces"  // white space (spaces.go)
	analyzerWords    = "zhinan_words"
	analyzerPrecise  = "zhinan_precise"
	analyzerSpaces   = "zhinan_spaces" // pre-tokenized text: pinyin syllables, initials
)

func init() {
	registry.RegisterTokenizer(tokenizerWords, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return &wordTokenizer{precise: false}, nil
	})
	registry.RegisterTokenizer(tokenizerPrecise, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return &wordTokenizer{precise: true}, nil
	})
}

// The words of recently tokenized texts (names, analysed for two fields of
// every item; the same name recurs in hundreds of regions). The shared
// slices are never modified.
var preciseWordsMemo, searchWordsMemo memo[[]string]

// wordTokenizer is a bleve tokenizer over the Chinese word segmenter.
type wordTokenizer struct{ precise bool }

// Tokenize implements analysis.Tokenizer.
func (t *wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	seg, err := segmenter()
	if err != nil {
		return nil
	}
	var words []string
	if t.precise {
		words = preciseWordsMemo.get(string(input), func(s string) []string { return slices.Clip(cutPrecise(seg, s)) })
	} else {
		words = searchWordsMemo.get(string(input), func(s string) []string { return slices.Clip(cutSearch(seg, s)) })
	}
	out := make(analysis.TokenStream, 0, len(words))
	for i, w := range words {
		out = append(out, &analysis.Token{Term: []byte(w), Position: i + 1, Type: analysis.Ideographic})
	}
	return out
}

// hasWordRune reports whether s has a letter or digit.
func hasWordRune(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
