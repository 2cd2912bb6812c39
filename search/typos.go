package search

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/go-ego/gse"
)

// Homophone typos. Citizens type by pinyin and pick the wrong character
// of the same sound (互照 for 护照, 底保 for 低保, 年捡 for 年检). A run of
// two to four characters of a query that no guide contains, made of
// single characters and words no dictionary has, is replaced by a word of
// the catalogue that sounds the same: a word of an item name or a pair of
// characters of an ask-phrase.

// soundVocabMaxAge is how old the vocabulary may grow while the catalogue
// changes: typo correction may lag behind new words by that much. The
// index's Run loop builds it anew once it is that old and the table has
// changed since (refreshVocabulary).
const soundVocabMaxAge = 30 * time.Second

// soundVocab is the catalogue's vocabulary by sound.
type soundVocab struct {
	known   map[string]bool   // terms of names, and character pairs of ask-phrases and FAQ
	names   map[string]bool   // terms of names
	bySound map[string]string // joined pinyin → the catalogue's word of that sound
	t       *table            // the table (generation) it was read for
	seq     int64             // the table's sequence then
	built   time.Time
}

// vocabHolder keeps an index's vocabulary.
type vocabHolder struct {
	mu sync.Mutex
	v  *soundVocab
}

// vocabulary returns the sound vocabulary of the live generation, reading
// it first if there is none for this generation yet; the caller holds
// ix.mu for reading.
func (ix *Index) vocabulary() *soundVocab {
	ix.vocab.mu.Lock()
	defer ix.vocab.mu.Unlock()
	if v := ix.vocab.v; v != nil && v.t == ix.t {
		return v
	}
	v, err := ix.readVocabularies()
	if err == nil {
		ix.vocab.v = v
	}
	return v
}

// refreshVocabulary reads the vocabulary anew when the table changed since
// it was read, soundVocabMaxAge ago or more, and then empties the caches
// of answers that were computed with the old one. Run calls it.
func (ix *Index) refreshVocabulary() {
	ix.mu.RLock()
	ix.vocab.mu.Lock()
	old := ix.vocab.v
	ix.vocab.mu.Unlock()
	if ix.t == nil || old == nil || old.t != ix.t || old.seq == ix.t.Seq || time.Since(old.built) < soundVocabMaxAge {
		ix.mu.RUnlock()
		return
	}
	v, err := ix.readVocabularies()
	t := ix.t
	ix.mu.RUnlock()
	if err != nil {
		return
	}
	// Searches that began with the old vocabulary end before the write
	// lock is had; none stores an answer of it after the caches are emptied.
	ix.mu.Lock()
	if ix.t == t {
		ix.vocab.mu.Lock()
		ix.vocab.v = v
		ix.vocab.mu.Unlock()
		ix.cache.clear()
		ix.collections.clear()
		ix.matches.clear()
	}
	ix.mu.Unlock()
}

// readVocabularies reads the sound vocabulary of the live generation from
// its name, ask and faq fields; the caller holds ix.mu for reading.
func (ix *Index) readVocabularies() (*soundVocab, error) {
	v := &soundVocab{known: map[string]bool{}, names: map[string]bool{}, bySound: map[string]string{},
		t: ix.t, seq: ix.t.Seq, built: time.Now()}
	counts := map[string]uint64{}
	seg, _ := segmenter()
	err := guard("read the index vocabulary", func() error {
		for _, field := range []string{"name", "ask", "faq"} {
			if err := ix.readVocabulary(v, counts, seg, field); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && isFault(err) {
		ix.readFault(err)
	}
	return v, err
}

// readVocabulary adds the terms of one field of the index to v.
func (ix *Index) readVocabulary(v *soundVocab, counts map[string]uint64, seg *gse.Segmenter, field string) error {
	keep := func(term string) bool {
		n := utf8.RuneCountInString(term)
		return n >= 2 && n <= 4 && allHan(term)
	}
	terms := ix.fieldTerms
	if titleField(field) {
		terms = ix.titleTerms
	}
	return terms(field, keep, func(term string, count uint64) {
		v.known[term] = true
		if field == "name" {
			v.names[term] = true
		}
		if field != "name" {
			if _, _, word := seg.Find(term); !word || field != "ask" {
				return // a pair of characters that is no word (护人 of 监护人)
			}
		}
		key := strings.Join(syllables(term), "")
		if field == "name" {
			count += 1 << 32 // a word of a name is the better correction
		}
		if count > counts[key] {
			counts[key] = count
			v.bySound[key] = term
		}
	})
}

// fieldTerms calls visit, in term order, with every term of a field of
// the live generation that keep accepts and the number of documents that
// have it (as bleve's FieldDict does). The segments are read on the
// calling goroutine — FieldDict reads each on a goroutine of its own — so
// that guard recovers a memory fault reading a damaged one.
func (ix *Index) fieldTerms(field string, keep func(string) bool, visit func(string, uint64)) error {
	snap, err := ix.snapshot()
	if err != nil {
		return err
	}
	defer snap.Close()
	return segmentsTerms(snap.Segments(), field, keep, visit)
}

// segmentsTerms is fieldTerms over the given segments: the documents are
// counted in them alone. Counting reads each term's postings, so it reads
// most of the segments' files. The count of zap's dictionary iterator is
// not used: in a merged segment, every term after one with a single
// document reads as having one (the iterator reuses its postings list
// without clearing it: blevesearch/zapx pull request 445, open when this
// was written), so each term's postings are read on their own.
func segmentsTerms(segs []*scorch.SegmentSnapshot, field string, keep func(string) bool, visit func(string, uint64)) error {
	var counts map[string]uint64 // the sums over several segments
	if len(segs) > 1 {
		counts = map[string]uint64{}
	}
	for _, ss := range segs {
		d, err := ss.Segment().Dictionary(field)
		if err != nil {
			return err
		}
		// A segment's dictionary keeps the terms of its deleted documents
		// (until segments merge): they are counted without them, and a term
		// only deleted documents had is no term of the catalogue.
		deleted := ss.Deleted()
		if deleted != nil && deleted.IsEmpty() {
			deleted = nil
		}
		var pl segment.PostingsList
		var it segment.DictionaryIterator
		if oc, ok := d.(omitCounter); ok {
			it = oc.AutomatonIteratorOmitCount(nil, nil, nil)
		} else {
			it = d.AutomatonIterator(nil, nil, nil)
		}
		for {
			e, err := it.Next()
			if err != nil {
				return err
			}
			if e == nil {
				break
			}
			if !keep(e.Term) {
				continue
			}
			if pl, err = d.PostingsList([]byte(e.Term), deleted, pl); err != nil {
				return err
			}
			n := pl.Count()
			if n == 0 {
				continue
			}
			if counts == nil {
				visit(e.Term, n) // one segment: in term order already
			} else {
				counts[e.Term] += n
			}
		}
	}
	if counts != nil {
		for _, term := range slices.Sorted(maps.Keys(counts)) {
			visit(term, counts[term])
		}
	}
	return nil
}

// omitCounter is a dictionary that lists its terms without reading their
// postings (zap's).
type omitCounter interface {
	AutomatonIteratorOmitCount(a segment.Automaton, startKeyInclusive, endKeyExclusive []byte) segment.DictionaryIterator
}

// correctSounds replaces the homophone typos of q by the catalogue's
// words. Where corrections overlap, a word of a name wins over a pair of
// characters of an ask-phrase, and a longer one over a shorter one.
func (ix *Index) correctSounds(q string) string {
	v := ix.vocabulary()
	seg, _ := segmenter()
	type fix struct {
		at, n   int
		word    string
		quality int
	}
	var out []string
	for _, field := range strings.Fields(q) {
		// Windows of two to four characters over the words of the field
		// that hold a character that may be a typo: a single character or
		// one of a word the segmenter's dictionary lacks (a real word,
		// 滑雪, is never a typo by itself; 公基金 is 公 and 基金).
		var rs []rune
		var starts []int // where each word starts in rs
		var loose []bool // whether each word may be part of a typo
		for _, w := range cutQuery(seg, field) {
			_, _, inDict := seg.Find(w)
			if !allHan(w) || utf8.RuneCountInString(w) > 1 && inDict {
				starts = append(starts, len(rs))
				loose = append(loose, false)
				rs = append(rs, []rune(w)...)
				continue
			}
			for _, r := range w { // a word no dictionary has is looked into
				starts = append(starts, len(rs))
				loose = append(loose, true)
				rs = append(rs, r)
			}
		}
		starts = append(starts, len(rs))
		var fixes []fix
		for a := range loose {
			hasLoose := false
			for b := a; b < len(loose); b++ {
				i, n := starts[a], starts[b+1]-starts[a]
				hasLoose = hasLoose || loose[b]
				if n > 4 {
					break
				}
				if n < 2 || !hasLoose {
					continue
				}
				sub := string(rs[i : i+n])
				if v.known[sub] {
					continue
				}
				if w, ok := v.bySound[strings.Join(syllables(sub), "")]; ok {
					fixes = append(fixes, fix{i, n, w, v.quality(w)*10 + n})
				}
			}
		}
		if len(fixes) == 0 {
			out = append(out, field)
			continue
		}
		// The best corrections first; a run a better one covers stays.
		sort.SliceStable(fixes, func(a, b int) bool { return fixes[a].quality > fixes[b].quality })
		taken := make([]bool, len(rs))
		chosen := map[int]fix{}
	next:
		for _, f := range fixes {
			for j := f.at; j < f.at+f.n; j++ {
				if taken[j] {
					continue next
				}
			}
			for j := f.at; j < f.at+f.n; j++ {
				taken[j] = true
			}
			chosen[f.at] = f
		}
		var b strings.Builder
		for i := 0; i < len(rs); {
			if f, ok := chosen[i]; ok {
				b.WriteString(f.word)
				i += f.n
				continue
			}
			b.WriteRune(rs[i])
			i++
		}
		out = append(out, b.String())
	}
	return strings.Join(out, " ")
}

// quality ranks a correction: a word of a name above a pair of characters
// of an ask-phrase.
func (v *soundVocab) quality(w string) int {
	if v.names[w] {
		return 2
	}
	return 1
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}
