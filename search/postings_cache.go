package search

import (
	"container/list"
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// PostingsCacheBytes bounds the memory of decoded postings kept between
// queries. A broad word (身份证 in every guide's materials) has postings
// as long as the catalogue; reading them from the segment's compressed
// form is most of what a first search of it costs, so the recently used
// ones are kept decoded. serve's soft memory limit leaves room for it.
const PostingsCacheBytes = 64 << 20

// postingsKey identifies the postings of a term in one field of one
// segment with one set of deleted documents (segments never change; the
// deleted set of a segment is replaced, not changed, when documents are
// deleted).
type postingsKey struct {
	seg       segment.Segment
	deleted   *roaring.Bitmap
	field     string
	term      string
	positions bool
}

// decodedPostings is a term's postings, read: the documents in order,
// each one's field length and the term's frequency in it packed in one
// number (stats: length<<statFreqBits | frequency) and, for phrase
// fields, its positions. A list with a frequency or a length too large
// to pack keeps them apart instead (wide). Never changed once made.
//
// Packed, a posting costs 8 bytes, against 12 for a document, a float32
// norm and a frequency: a body's terms mostly occur more than once in
// some guide, and decoding a broad word's postings into fresh memory is
// most of what its first search costs.
type decodedPostings struct {
	docs  []uint32
	stats []uint32
	wide  *widePostings
	pos   positions
}

// widePostings are the norms and frequencies of a list whose stats do
// not pack.
type widePostings struct {
	norm []float32
	freq []uint32
}

// statFreqBits is the bits of a packed frequency; the length has the
// others.
const (
	statFreqBits = 8
	maxStatFreq  = 1<<statFreqBits - 1
	maxStatLen   = 1<<(32-statFreqBits) - 1
)

// add appends a posting to a list of n postings: its document, the
// term's frequency in it and the field's length (its number of tokens,
// of which bleve's norm is float32(1/√length)).
func (d *decodedPostings) add(doc, freq, length uint64, n int) {
	if d.wide == nil && (freq > maxStatFreq || length > maxStatLen) {
		d.widen(n)
	}
	if d.wide != nil {
		d.appendWide(doc, freq, lengthNorm(length))
		return
	}
	if d.stats == nil {
		d.stats = make([]uint32, 0, n)
	}
	d.docs = append(d.docs, uint32(doc))
	d.stats = append(d.stats, uint32(length)<<statFreqBits|uint32(freq))
}

// addNorm appends a posting that gives its norm, not its field's length:
// the list is kept wide.
func (d *decodedPostings) addNorm(doc, freq uint64, norm float32, n int) {
	if d.wide == nil {
		d.widen(n)
	}
	d.appendWide(doc, freq, norm)
}

// widen turns the packed stats of a list of n postings into norms and
// frequencies.
func (d *decodedPostings) widen(n int) {
	w := &widePostings{norm: make([]float32, len(d.stats), n), freq: make([]uint32, len(d.stats), n)}
	for i, s := range d.stats {
		w.norm[i], w.freq[i] = lengthNorm(uint64(s>>statFreqBits)), s&maxStatFreq
	}
	d.wide, d.stats = w, nil
}

func (d *decodedPostings) appendWide(doc, freq uint64, norm float32) {
	d.docs = append(d.docs, uint32(doc))
	d.wide.norm = append(d.wide.norm, norm)
	d.wide.freq = append(d.wide.freq, uint32(min(freq, math.MaxUint32)))
}

// tfNorm is posting i's √frequency × norm, as bleve's term scorer
// multiplies them.
func (d *decodedPostings) tfNorm(i int) float64 {
	if d.wide == nil {
		s := d.stats[i]
		return sqrtCache[s&maxStatFreq] * float64(lengthNorm(uint64(s>>statFreqBits)))
	}
	var tf float64
	if f := d.wide.freq[i]; int(f) < len(sqrtCache) {
		tf = sqrtCache[f]
	} else {
		tf = math.Sqrt(float64(f))
	}
	return tf * float64(d.wide.norm[i])
}

// lengthNorm is bleve's norm of a field of length tokens,
// float32(1/√length), from a table for the lengths most fields have.
func lengthNorm(length uint64) float32 {
	if length < uint64(len(normTable)) {
		return normTable[length]
	}
	return float32(1.0 / math.Sqrt(float64(length)))
}

// normTable holds float32(1/√n) for field lengths n below its size.
var normTable = func() []float32 {
	t := make([]float32, 4096)
	for n := range t {
		t[n] = float32(1.0 / math.Sqrt(float64(n)))
	}
	return t
}()

// sqrtCache is bleve's table of square roots of small frequencies (the
// same values its scorer takes, so that the scores are the same), as far
// as a packed frequency goes.
var sqrtCache = func() []float64 {
	c := make([]float64, maxStatFreq+1)
	for i := range c {
		c[i] = math.Sqrt(float64(i))
	}
	return c
}()

// positions are the positions of a term in each document of a postings
// list, in two flat lists (not a list per document, which the garbage
// collector would have to visit one by one).
type positions struct {
	off []uint32 // document i's positions are val[off[i]:off[i+1]]
	val []uint32
}

func (p *positions) at(i int) []uint32 { return p.val[p.off[i]:p.off[i+1]] }

func (p *positions) add(ps []uint32) {
	if len(p.off) == 0 {
		p.off = append(p.off, 0)
	}
	p.val = append(p.val, ps...)
	p.off = append(p.off, uint32(len(p.val)))
}

func (d *decodedPostings) bytes() int {
	n := 4*(len(d.docs)+len(d.stats)+len(d.pos.off)+len(d.pos.val)) + 160
	if d.wide != nil {
		n += 4*(len(d.wide.norm)+len(d.wide.freq)) + 48
	}
	return n
}

// postingsCache keeps decoded postings within a byte budget. What goes
// first is found by a second-chance sweep from the oldest entry: one read
// since the sweep last passed it is kept once more. Reads only take the
// read lock and set a flag, so that searches on several cores do not
// queue on the cache.
type postingsCache struct {
	mu     sync.RWMutex
	budget int
	used   int
	lru    list.List // of *postingsEntry, newest first
	byKey  map[postingsKey]*list.Element
	// dfs keeps the document frequencies of terms whose postings are not
	// kept (the statistics of a name term, whose documents are found
	// through the names): up to maxDocFreqs, forgotten all at once beyond.
	dfs map[postingsKey]uint64
}

// maxDocFreqs bounds the document frequencies kept (about 150 bytes
// each).
const maxDocFreqs = 1 << 15

type postingsEntry struct {
	key  postingsKey
	d    *decodedPostings
	size int
	used atomic.Bool // read since the sweep last passed it
}

func newPostingsCache(budget int) *postingsCache {
	return &postingsCache{budget: budget, byKey: map[postingsKey]*list.Element{}, dfs: map[postingsKey]uint64{}}
}

// size returns the bytes the cache holds.
func (c *postingsCache) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.used
}

// docFreq returns a term's document frequency: the length of its kept
// postings, or the frequency kept.
func (c *postingsCache) docFreq(k postingsKey) (uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e, ok := c.byKey[k]; ok {
		return uint64(len(e.Value.(*postingsEntry).d.docs)), true
	}
	n, ok := c.dfs[k]
	return n, ok
}

// putDocFreq keeps a term's document frequency.
func (c *postingsCache) putDocFreq(k postingsKey, n uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.dfs) >= maxDocFreqs {
		clear(c.dfs)
	}
	c.dfs[k] = n
}

func (c *postingsCache) get(k postingsKey) (*decodedPostings, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e, ok := c.byKey[k]; ok {
		pe := e.Value.(*postingsEntry)
		pe.used.Store(true)
		return pe.d, true
	}
	return nil, false
}

// put keeps d unless it alone would take more than a quarter of the
// budget.
func (c *postingsCache) put(k postingsKey, d *decodedPostings) {
	size := d.bytes() + int(unsafe.Sizeof(postingsEntry{})) + len(k.term) + len(k.field)
	if size > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[k]; ok {
		return
	}
	c.byKey[k] = c.lru.PushFront(&postingsEntry{key: k, d: d, size: size})
	c.used += size
	for c.used > c.budget {
		last := c.lru.Back()
		e := last.Value.(*postingsEntry)
		if e.used.Swap(false) {
			c.lru.MoveToFront(last)
			continue
		}
		c.lru.Remove(last)
		delete(c.byKey, e.key)
		c.used -= e.size
	}
}

// keepSegments forgets the postings of segments not in live (merged
// away, or of a replaced index generation).
func (c *postingsCache) keepSegments(live map[segment.Segment]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.lru.Front(); e != nil; {
		next := e.Next()
		if pe := e.Value.(*postingsEntry); !live[pe.key.seg] {
			c.lru.Remove(e)
			delete(c.byKey, pe.key)
			c.used -= pe.size
		}
		e = next
	}
	for k := range c.dfs {
		if !live[k.seg] {
			delete(c.dfs, k)
		}
	}
}
