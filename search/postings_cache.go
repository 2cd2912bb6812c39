package search

import (
	"container/list"
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
// the field's norm in each, the term's frequency (nil when every one is
// 1) and, for phrase fields, its positions. Never changed once made.
type decodedPostings struct {
	docs []uint32
	norm []float32
	freq []uint32
	pos  positions
}

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
	return 4*(len(d.docs)+len(d.norm)+len(d.freq)+len(d.pos.off)+len(d.pos.val)) + 160
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
