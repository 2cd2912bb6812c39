// Package search is zhinan's full-text search: a bleve index derived from
// the catalogue store, Chinese word segmentation and pinyin, synonyms and
// best bets kept as data files, facets on the classifications, and the
// relevance test suite. It is fed from the store's change sequence and
// never writes the store.
package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
	bbolt "go.etcd.io/bbolt"

	"zhinan/catalog"
)

// MappingVersion changes whenever the mapping or the analysis changes; an
// index of another version is rebuilt from the store.
const MappingVersion = "5"

// Index file layout inside the data directory: IndexDir holds one or more
// index generations and a CURRENT file naming the live one, so that a
// rebuild can be swapped in atomically.
const (
	IndexDir    = "index"
	currentFile = "CURRENT"
)

// Internal keys stored inside the bleve index.
var (
	keySeq     = []byte("zhinan_seq")
	keyMapping = []byte("zhinan_mapping")
)

// Tunables of index maintenance.
const (
	// catchUpBatch is how many changed items one bleve batch holds.
	catchUpBatch = 2000
	// PollInterval is how often the index looks for writes by other
	// processes (and by this one, should a notification be missed).
	PollInterval = 500 * time.Millisecond
)

// document is what the index holds of one item.
type document struct {
	Title       string   `json:"title"` // the name as written, stored for display
	Name        string   `json:"name"`
	NamePrecise string   `json:"name_precise"`
	NameCJK     string   `json:"name_cjk"`
	NameExact   string   `json:"name_exact"`
	NamePinyin  string   `json:"name_py"`
	NameInitial string   `json:"name_ini"`
	WordPinyin  string   `json:"word_py"`  // full pinyin of each word: gongjijin
	WordInitial string   `json:"word_ini"` // initials of each word: gjj
	Body        string   `json:"body"`
	Type        string   `json:"type"`
	Region      string   `json:"region"`
	RegionPath  []string `json:"region_path"`
	Department  string   `json:"department"`
	Audience    []string `json:"audience"`
	Theme       []string `json:"theme"`
	Flag        []string `json:"flag"`
}

// Stored fields read back for hits.
var hitFields = []string{"title", "region", "department", "type", "flag"}

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(im.AddCustomAnalyzer(analyzerWords, map[string]any{"type": custom.Name, "tokenizer": tokenizerWords}))
	must(im.AddCustomAnalyzer(analyzerPrecise, map[string]any{"type": custom.Name, "tokenizer": tokenizerPrecise}))
	must(im.AddCustomAnalyzer(analyzerSpaces, map[string]any{"type": custom.Name, "tokenizer": whitespace.Name}))

	text := func(analyzer string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = analyzer == cjk.AnalyzerName || analyzer == analyzerSpaces
		f.DocValues = false
		return f
	}
	kw := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	title := bleve.NewTextFieldMapping()
	title.Index, title.Store, title.IncludeInAll, title.IncludeTermVectors, title.DocValues = false, true, false, false, false
	dm.AddFieldMappingsAt("title", title)
	dm.AddFieldMappingsAt("name", text(analyzerWords, false))
	dm.AddFieldMappingsAt("name_precise", text(analyzerPrecise, false))
	dm.AddFieldMappingsAt("name_cjk", text(cjk.AnalyzerName, false))
	exact := text(keyword.Name, false)
	exact.IncludeTermVectors = false
	exact.DocValues = true // browse sorts by name
	dm.AddFieldMappingsAt("name_exact", exact)
	dm.AddFieldMappingsAt("name_py", text(analyzerSpaces, false))
	dm.AddFieldMappingsAt("name_ini", text(analyzerSpaces, false))
	dm.AddFieldMappingsAt("word_py", text(analyzerSpaces, false))
	dm.AddFieldMappingsAt("word_ini", text(analyzerSpaces, false))
	body := text(cjk.AnalyzerName, false)
	body.IncludeTermVectors = false // matched by bigrams, never as a phrase
	dm.AddFieldMappingsAt("body", body)
	dm.AddFieldMappingsAt("type", kw(true))
	dm.AddFieldMappingsAt("region", kw(true))
	dm.AddFieldMappingsAt("region_path", kw(false))
	dm.AddFieldMappingsAt("department", kw(true))
	dm.AddFieldMappingsAt("audience", kw(false))
	dm.AddFieldMappingsAt("theme", kw(false))
	dm.AddFieldMappingsAt("flag", kw(true))
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// ErrIndexBusy means another process (a running server) has the index
// open.
var ErrIndexBusy = errors.New("the search index is in use by another zhinan process")

// ErrClosed means the index was closed.
var ErrClosed = errors.New("the search index is closed")

// openTimeout is how long opening an index waits for another process's
// lock before reporting ErrIndexBusy.
const openTimeout = 2 * time.Second

// Index is the search index of a data directory, kept up to date with the
// store.
type Index struct {
	store *catalog.Store
	dir   string // the data directory's index folder

	mu      sync.RWMutex // guards bi and gen against a swap
	bi      bleve.Index
	gen     string // the live generation's folder name
	seq     int64  // store sequence the index has caught up to
	catchMu sync.Mutex

	regions *regionTable
	sug     *suggester
	cache   *resultCache
	notify  chan struct{}
}

// Open opens the index of the data directory dataDir, creating or
// rebuilding it from the store when it is missing, corrupt or of another
// mapping version, and catches it up with the store.
func Open(ctx context.Context, dataDir string, st *catalog.Store) (*Index, error) {
	if _, err := segmenter(); err != nil {
		return nil, fmt.Errorf("load the word segmenter: %w", err)
	}
	dir := filepath.Join(dataDir, IndexDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ix := &Index{store: st, dir: dir, sug: newSuggester(), cache: newResultCache(), notify: make(chan struct{}, 1)}
	if err := ix.loadRegions(ctx); err != nil {
		return nil, err
	}
	gen, _ := readCurrent(dir)
	bi, seq, err := openGeneration(filepath.Join(dir, gen))
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, ErrIndexBusy
	}
	if gen == "" || err != nil {
		if gen != "" {
			slog.Warn("search index unusable, rebuilding it from the store", "index", filepath.Join(dir, gen), "err", err)
		}
		gen, bi, err = ix.build(ctx)
		if err != nil {
			return nil, err
		}
		seq = 0
		if seq, err = readSeq(bi); err != nil {
			return nil, err
		}
	}
	ix.bi, ix.gen, ix.seq = bi, gen, seq
	removeStale(dir, gen)
	if err := ix.loadSuggestions(); err != nil {
		return nil, err
	}
	if err := ix.CatchUp(ctx); err != nil {
		return nil, err
	}
	return ix, nil
}

// openGeneration opens an existing index generation and checks its
// mapping version.
func openGeneration(path string) (bleve.Index, int64, error) {
	if filepath.Base(path) == IndexDir || path == "" {
		return nil, 0, errors.New("no index")
	}
	bi, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": openTimeout.String()})
	if err != nil {
		return nil, 0, err
	}
	v, err := bi.GetInternal(keyMapping)
	if err != nil || string(v) != MappingVersion {
		bi.Close()
		return nil, 0, fmt.Errorf("mapping version %q, want %q", v, MappingVersion)
	}
	seq, err := readSeq(bi)
	if err != nil {
		bi.Close()
		return nil, 0, err
	}
	return bi, seq, nil
}

func readSeq(bi bleve.Index) (int64, error) {
	v, err := bi.GetInternal(keySeq)
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return strconv.ParseInt(string(v), 10, 64)
}

func readCurrent(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// writeCurrent atomically points CURRENT at a generation.
func writeCurrent(dir, gen string) error {
	tmp, err := os.CreateTemp(dir, ".current-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(gen + "\n"); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), filepath.Join(dir, currentFile))
}

// removeStale deletes index generations other than the live one.
func removeStale(dir, live string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") && e.Name() != live {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// build creates a new generation holding every published item of the
// store and makes it the live one.
func (ix *Index) build(ctx context.Context) (string, bleve.Index, error) {
	gen := fmt.Sprintf("gen-%d", time.Now().UnixNano())
	path := filepath.Join(ix.dir, gen)
	bi, err := bleve.New(path, newMapping())
	if err != nil {
		return "", nil, fmt.Errorf("create search index: %w", err)
	}
	fail := func(err error) (string, bleve.Index, error) {
		bi.Close()
		os.RemoveAll(path)
		return "", nil, err
	}
	if err := bi.SetInternal(keyMapping, []byte(MappingVersion)); err != nil {
		return fail(err)
	}
	start := time.Now()
	seq, err := ix.store.Seq(ctx)
	if err != nil {
		return fail(err)
	}
	// The store is read and documents are made while bleve analyses and
	// writes the previous batch, so that both cores work: batches are
	// indexed one at a time, in order, by one goroutine. (Two batches
	// indexed at once were slower.)
	pipe := newBatchPipe(bi)
	batch := bi.NewBatch()
	n := 0
	err = ix.store.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
		if err := batch.Index(p.Code, ix.makeDocument(p)); err != nil {
			return err
		}
		n++
		if batch.Size() >= catchUpBatch {
			if err := pipe.send(batch); err != nil {
				return err
			}
			batch = bi.NewBatch()
		}
		return nil
	})
	if err != nil {
		pipe.close()
		return fail(fmt.Errorf("index items: %w", err))
	}
	// Items written while the build ran are caught up afterwards: the
	// sequence was read before the first item.
	batch.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	if err := pipe.send(batch); err != nil {
		pipe.close()
		return fail(err)
	}
	if err := pipe.close(); err != nil {
		return fail(err)
	}
	if err := writeCurrent(ix.dir, gen); err != nil {
		return fail(err)
	}
	slog.Info("built search index", "items", n, "took", time.Since(start).Round(time.Millisecond))
	return gen, bi, nil
}

// batchPipe indexes batches in order on a goroutine of its own, one at a
// time, with at most one more waiting: the sender prepares the next batch
// meanwhile. After a failed batch it indexes nothing more, and send and
// close report the failure.
type batchPipe struct {
	pending chan *bleve.Batch
	failed  chan struct{} // closed when a batch failed
	done    chan struct{} // closed when the goroutine ended
	err     error         // the failure; read after failed or done is closed
}

func newBatchPipe(bi bleve.Index) *batchPipe {
	p := &batchPipe{pending: make(chan *bleve.Batch, 1), failed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for b := range p.pending {
			if err := bi.Batch(b); err != nil {
				p.err = err
				close(p.failed)
				for range p.pending { // let send and close return
				}
				return
			}
		}
	}()
	return p
}

// send queues a batch; it waits while another batch is waiting.
func (p *batchPipe) send(b *bleve.Batch) error {
	select {
	case <-p.failed:
		return p.err
	default:
	}
	select {
	case p.pending <- b:
		return nil
	case <-p.failed:
		return p.err
	}
}

// close waits until every queued batch is indexed and returns the first
// failure.
func (p *batchPipe) close() error {
	close(p.pending)
	<-p.done
	return p.err
}

// Reindex builds a fresh index generation of the data directory from the
// store and makes it the live one, without opening the current generation:
// a server running on the same directory switches to the new generation
// within PollInterval and removes the old one (or the next start does).
func Reindex(ctx context.Context, dataDir string, st *catalog.Store) (int, error) {
	if _, err := segmenter(); err != nil {
		return 0, err
	}
	dir := filepath.Join(dataDir, IndexDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	ix := &Index{store: st, dir: dir}
	if err := ix.loadRegions(ctx); err != nil {
		return 0, err
	}
	_, bi, err := ix.build(ctx)
	if err != nil {
		return 0, err
	}
	defer bi.Close()
	n, err := bi.DocCount()
	return int(n), err
}

// Rebuild builds a fresh index generation beside the live one, swaps it in
// atomically and removes the old one. Searches keep being served from the
// old generation until the swap.
func (ix *Index) Rebuild(ctx context.Context) error {
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	gen, bi, err := ix.build(ctx)
	if err != nil {
		return err
	}
	seq, err := readSeq(bi)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	old := ix.bi
	ix.bi, ix.gen, ix.seq = bi, gen, seq
	ix.mu.Unlock()
	ix.cache.clear()
	old.Close()
	removeStale(ix.dir, gen)
	if err := ix.loadSuggestions(); err != nil {
		return err
	}
	return ix.catchUpLocked(ctx)
}

// Close closes the index; closing it again does nothing.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	err := ix.bi.Close()
	ix.bi = nil
	return err
}

// Seq returns the store sequence the index has caught up to.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
}

// DocCount returns how many items the index holds.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return 0, ErrClosed
	}
	return ix.bi.DocCount()
}

// Notify tells the index that this process wrote to the store, so that it
// catches up now rather than at its next poll.
func (ix *Index) Notify() {
	select {
	case ix.notify <- struct{}{}:
	default:
	}
}

// Run keeps the index caught up with the store until ctx ends: at once
// after Notify, and every PollInterval for writes by other processes. It
// also follows a rebuild done by `zhinan reindex` in another process.
func (ix *Index) Run(ctx context.Context) {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-ix.notify:
		}
		if err := ix.followCurrent(); err != nil {
			slog.Error("switch to rebuilt search index", "err", err)
		}
		err := ix.CatchUp(ctx)
		if errors.Is(err, ErrClosed) {
			return
		}
		if err != nil && ctx.Err() == nil {
			slog.Error("search index catch-up", "err", err)
		}
	}
}

// followCurrent switches to the generation CURRENT names when another
// process rebuilt the index.
func (ix *Index) followCurrent() error {
	gen, err := readCurrent(ix.dir)
	if err != nil || gen == ix.gen {
		return nil
	}
	bi, seq, err := openGeneration(filepath.Join(ix.dir, gen))
	if err != nil {
		return err
	}
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	ix.mu.Lock()
	old, oldGen := ix.bi, ix.gen
	ix.bi, ix.gen, ix.seq = bi, gen, seq
	ix.mu.Unlock()
	ix.cache.clear()
	old.Close()
	os.RemoveAll(filepath.Join(ix.dir, oldGen))
	return ix.loadSuggestions()
}

// CatchUp indexes every item written to the store since the index's
// sequence, in batches.
func (ix *Index) CatchUp(ctx context.Context) error {
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	return ix.catchUpLocked(ctx)
}

func (ix *Index) catchUpLocked(ctx context.Context) error {
	for {
		ix.mu.RLock()
		seq, bi := ix.seq, ix.bi
		ix.mu.RUnlock()
		if bi == nil {
			return ErrClosed
		}
		changes, err := ix.store.ChangesSince(ctx, seq, catchUpBatch)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		codes := make([]string, len(changes))
		for i, c := range changes {
			codes[i] = c.Code
		}
		pubs, err := ix.store.PublishedByCodes(ctx, codes)
		if err != nil {
			return err
		}
		if err := ix.ensureRegions(ctx, pubs); err != nil {
			return err
		}
		batch := bi.NewBatch()
		for _, code := range codes {
			if p, ok := pubs[code]; ok {
				if err := batch.Index(code, ix.makeDocument(p)); err != nil {
					return err
				}
			} else {
				batch.Delete(code)
			}
		}
		last := changes[len(changes)-1].Seq
		batch.SetInternal(keySeq, []byte(strconv.FormatInt(last, 10)))
		if err := bi.Batch(batch); err != nil {
			return fmt.Errorf("update search index: %w", err)
		}
		ix.mu.Lock()
		ix.seq = last
		ix.mu.Unlock()
		ix.cache.clear()
		for _, code := range codes {
			if p, ok := pubs[code]; ok {
				ix.sug.add(code, p.Name)
			} else {
				ix.sug.remove(code)
			}
		}
		if len(changes) < catchUpBatch {
			return nil
		}
	}
}

// nameFields are the index fields derived from an item name alone.
type nameFields struct {
	name, pinyin, initials, wordPinyin, wordInitials string
}

// nameFieldsMemo keeps the name fields of recent names: one item name is
// implemented in hundreds of regions, and segmenting and romanizing it is
// a good part of making a document.
var nameFieldsMemo memo[nameFields]

func makeNameFields(n string) nameFields {
	syl := syllables(n)
	seg, _ := segmenter()
	var wordPy, wordIni []string
	for _, w := range cutSearch(seg, n) {
		if ws := syllables(w); len(ws) > 1 {
			wordPy = append(wordPy, strings.Join(ws, ""))
			wordIni = append(wordIni, strings.Join(initials(ws), ""))
		}
	}
	return nameFields{
		name:         normalize(n),
		pinyin:       strings.Join(syl, " "),
		initials:     strings.Join(initials(syl), " "),
		wordPinyin:   strings.Join(wordPy, " "),
		wordInitials: strings.Join(wordIni, " "),
	}
}

// makeDocument turns a published item into its index document.
func (ix *Index) makeDocument(p *catalog.Published) document {
	nf := nameFieldsMemo.get(p.Name, makeNameFields)
	name := nf.name
	var body strings.Builder
	body.WriteString(p.Department)
	for _, m := range p.Materials {
		body.WriteString("\n")
		body.WriteString(m.Name)
	}
	body.WriteString("\n")
	body.WriteString(p.Conditions)
	for _, b := range p.Basis {
		body.WriteString("\n")
		body.WriteString(b.Title)
	}
	for _, th := range p.Themes {
		body.WriteString("\n")
		body.WriteString(th)
	}
	flags := p.Flags
	if flags == nil {
		flags = catalog.Flags(&p.Item)
	}
	return document{
		Title:       p.Name,
		Name:        name,
		NamePrecise: name,
		NameCJK:     name,
		NameExact:   name,
		NamePinyin:  nf.pinyin,
		NameInitial: nf.initials,
		WordPinyin:  nf.wordPinyin,
		WordInitial: nf.wordInitials,
		Body:        normalize(body.String()),
		Type:        p.Type,
		Region:      p.Region,
		RegionPath:  ix.regions.path(p.Region),
		Department:  p.Department,
		Audience:    p.Audience,
		Theme:       p.Themes,
		Flag:        flags,
	}
}
