package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

func init() {
	registry.RegisterTokenizer(tokenizerSpaces, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return spacesTokenizer{}, nil
	})
}

// spacesTokenizer, registered as tokenizerSpaces, splits at white space
// as bleve's whitespace tokenizer does, token for token
// (TestSpacesTokenizerIsWhitespace): the tokenizer of the pinyin and
// initials fields, four fields of every document. bleve's tokenizer
// starts every text with room for 1,024 tokens, 8 KiB; the texts here
// have a few, and that room was a quarter of all the memory a build of a
// varied catalogue allocated. This one counts the tokens first and
// allocates them in one block.
type spacesTokenizer struct{}

// Tokenize implements analysis.Tokenizer. Like bleve's character
// tokenizer it stops at the first rune that does not decode (or is
// U+FFFD).
func (spacesTokenizer) Tokenize(input []byte) analysis.TokenStream {
	n := 0
	eachSpaced(input, func(int, int) { n++ })
	if n == 0 {
		return nil
	}
	block := make([]analysis.Token, n)
	out := make(analysis.TokenStream, n)
	k := 0
	eachSpaced(input, func(start, end int) {
		block[k] = analysis.Token{Term: input[start:end:end], Start: start, End: end, Position: k + 1, Type: analysis.AlphaNumeric}
		out[k] = &block[k]
		k++
	})
	return out
}

// eachSpaced calls fn with the byte range of every run of runes that are
// not white space, up to the first rune that does not decode (or is
// U+FFFD).
func eachSpaced(input []byte, fn func(start, end int)) {
	start, end := 0, 0
	offset := 0
	for {
		r, size := utf8.DecodeRune(input[offset:])
		if r == utf8.RuneError {
			break
		}
		if !unicode.IsSpace(r) {
			end = offset + size
		} else {
			if end > start {
				fn(start, end)
			}
			start = offset + size
			end = start
		}
		offset += size
	}
	if end > start {
		fn(start, end)
	}
}
