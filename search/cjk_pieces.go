package search

import (
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
)

// analyzerCJK is bleve's cjk analyzer (unicode words, width folding,
// lower case, bigrams of Han characters) run sentence by sentence with
// the sentences' tokens remembered. Every county's guide of one catalogue
// entry repeats the entry's materials, conditions and basis and adds
// notes of its own: on a varied catalogue analysing the same sentences
// again and again was a third of building the index. A line break and an
// ideographic full stop (。) always end a word and a run of bigrams, so the
// tokens of a text are those of its sentences one after the other, their
// positions and offsets moved on; TestCJKPiecesIsCJK checks that against
// the cjk analyzer on every text of the seed entries, the real export
// and two generated catalogues, and FuzzCJKPieces on any text.
const analyzerCJK = "zhinan_cjk"

func init() {
	if err := registry.RegisterAnalyzer(analyzerCJK, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		inner, err := cache.AnalyzerNamed(cjk.AnalyzerName)
		if err != nil {
			return nil, err
		}
		return &cjkPieces{inner: inner}, nil
	}); err != nil {
		panic(err)
	}
}

// Bounds of the sentences' tokens kept: sentences longer than
// piecesMaxKey bytes are analysed each time (and not kept), and a full
// generation of piecesPerGeneration sentences becomes the old one, read
// until the next turn; what was read from it moves to the new one.
const (
	piecesMaxKey        = 1 << 10
	piecesPerGeneration = 1 << 13
)

// cjkPieces is the analyzer registered as analyzerCJK.
type cjkPieces struct {
	inner analysis.Analyzer
	mu    sync.Mutex
	cur   map[string]*sentence
	old   map[string]*sentence
}

// sentence is the tokens of one sentence, kept compact: the terms one
// after the other in one array, and per token its offsets, position and
// type in 10 bytes (a sentence kept is at most piecesMaxKey bytes long, so
// each fits in 16 bits).
type sentence struct {
	terms []byte
	toks  []sentenceToken
}

type sentenceToken struct {
	start, end, termEnd, pos uint16 // the term begins where the one before ends
	typ                      uint8
	keyword                  bool
}

// newSentence packs a token stream of a sentence of at most piecesMaxKey
// bytes.
func newSentence(ts analysis.TokenStream) *sentence {
	n := 0
	for _, t := range ts {
		n += len(t.Term)
	}
	s := &sentence{terms: make([]byte, 0, n), toks: make([]sentenceToken, len(ts))}
	for i, t := range ts {
		s.terms = append(s.terms, t.Term...)
		s.toks[i] = sentenceToken{start: uint16(t.Start), end: uint16(t.End), termEnd: uint16(len(s.terms)),
			pos: uint16(t.Position), typ: uint8(t.Type), keyword: t.KeyWord}
	}
	return s
}

// isPieceEnd reports whether input[i:] starts with a sentence end: a line
// break or 。 (U+3002, e3 80 82 in UTF-8).
func isPieceEnd(input []byte, i int) (size int) {
	switch {
	case input[i] == '\n':
		return 1
	case input[i] == 0xe3 && i+2 < len(input) && input[i+1] == 0x80 && input[i+2] == 0x82:
		return 3
	}
	return 0
}

// span is a sentence of a text analysed by cjkPieces: its bytes
// input[start:end] and its kept tokens (nil: too long to keep).
type span struct {
	start, end int
	s          *sentence
}

// spans cuts valid UTF-8 input into its sentences and looks up their
// tokens; n counts the kept sentences' tokens.
func (a *cjkPieces) spans(input []byte) (spans []span, n int) {
	from := 0
	for i := 0; i <= len(input); {
		size := 0
		if i < len(input) {
			if size = isPieceEnd(input, i); size == 0 {
				i++
				continue
			}
		}
		if i > from {
			sp := span{start: from, end: i}
			if i-from <= piecesMaxKey {
				sp.s = a.piece(input[from:i])
				n += len(sp.s.toks)
			}
			spans = append(spans, sp)
		}
		if i == len(input) {
			break
		}
		i += size
		from = i
	}
	return spans, n
}

// Analyze implements analysis.Analyzer.
func (a *cjkPieces) Analyze(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) {
		// The word segmenter reads no further than a broken byte, which a
		// sentence after it would hide; stored texts are always valid.
		return a.inner.Analyze(input)
	}
	spans, n := a.spans(input)
	block := make([]analysis.Token, n)
	out := make(analysis.TokenStream, 0, n)
	k := 0
	for _, sp := range spans {
		pos := len(out)
		if sp.s == nil {
			for _, t := range a.inner.Analyze(input[sp.start:sp.end]) {
				t.Start += sp.start
				t.End += sp.start
				t.Position += pos
				out = append(out, t)
			}
			continue
		}
		termStart := 0
		for _, t := range sp.s.toks {
			block[k] = analysis.Token{
				Start:    int(t.start) + sp.start,
				End:      int(t.end) + sp.start,
				Term:     sp.s.terms[termStart:t.termEnd:t.termEnd],
				Position: int(t.pos) + pos,
				Type:     analysis.TokenType(t.typ),
				KeyWord:  t.keyword,
			}
			termStart = int(t.termEnd)
			out = append(out, &block[k])
			k++
		}
	}
	return out
}

// frequencies is what bleve's TextField.Analyze makes of Analyze's tokens
// for a field without term vectors: the number of tokens and each term's
// count. It makes no tokens, and the terms of kept sentences are not
// copied: a kept sentence's terms are never modified.
func (a *cjkPieces) frequencies(input []byte) (int, index.TokenFrequencies) {
	if !utf8.Valid(input) {
		ts := a.inner.Analyze(input)
		return len(ts), analysis.TokenFrequency(ts, nil, index.IndexField)
	}
	spans, n := a.spans(input)
	freqs := make(index.TokenFrequencies, n)
	var slab []index.TokenFreq // the TokenFreqs, allocated a few at a time
	count := func(key string, term []byte) {
		if tf, ok := freqs[key]; ok {
			tf.SetFrequency(tf.Frequency() + 1)
			return
		}
		if len(slab) == 0 {
			slab = make([]index.TokenFreq, min(max(n/4, 16), 256))
		}
		tf := &slab[0]
		slab = slab[1:]
		tf.Term = term
		tf.SetFrequency(1)
		freqs[key] = tf
	}
	for _, sp := range spans {
		if sp.s == nil {
			ts := a.inner.Analyze(input[sp.start:sp.end])
			n += len(ts)
			for _, t := range ts {
				count(string(t.Term), t.Term)
			}
			continue
		}
		termStart := 0
		for _, t := range sp.s.toks {
			term := sp.s.terms[termStart:t.termEnd:t.termEnd]
			termStart = int(t.termEnd)
			count(unsafe.String(unsafe.SliceData(term), len(term)), term)
		}
	}
	return n, freqs
}

// piece returns the tokens of one sentence of at most piecesMaxKey bytes,
// offsets and positions as if it were the whole text.
func (a *cjkPieces) piece(b []byte) *sentence {
	a.mu.Lock()
	s, ok := a.cur[string(b)]
	if !ok {
		if s, ok = a.old[string(b)]; ok {
			a.keep(string(b), s)
		}
	}
	a.mu.Unlock()
	if ok {
		return s
	}
	// The analyzer's filters may fold its input in place: it gets a copy.
	key := string(b)
	s = newSentence(a.inner.Analyze([]byte(key)))
	a.mu.Lock()
	a.keep(key, s)
	a.mu.Unlock()
	return s
}

// keep adds a sentence to the current generation; the caller holds a.mu.
func (a *cjkPieces) keep(key string, s *sentence) {
	if a.cur == nil || len(a.cur) >= piecesPerGeneration {
		a.old, a.cur = a.cur, make(map[string]*sentence, 256)
	}
	a.cur[key] = s
}
