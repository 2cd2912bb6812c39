// Package search is zhinan's full-text search: a bleve index derived from
// the catalogue store, Chinese word segmentation and pinyin, synonyms and
// best bets kept as data files, facets on the classifications, and the
// relevance test suite. It is fed from the store's change sequence.
//
// It never writes the store: it reads it through the Source interface,
// which *store.Store satisfies, and imports catalog for the domain's
// values, not the store package, gorm or gin.
package search

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"

	"zhinan/catalog"
)

// MappingVersion changes whenever the mapping or the analysis changes; an
// index of another version is rebuilt from the store.
const MappingVersion = "12"

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

// document is the text of one group that is matched. bleve holds its
// ask-phrases, FAQ and body (makeDocument, groupDocs); the name fields are made once
// per distinct name (makeNameFields) for the titles index (titles.go).
// Everything else about an item is in the table.
type document struct {
	Name        string `json:"name"`
	NamePrecise string `json:"name_precise"`
	NameCJK     string `json:"name_cjk"`
	NameExact   string `json:"name_exact"`
	NamePinyin  string `json:"name_py"`
	NameInitial string `json:"name_ini"`
	WordPinyin  string `json:"word_py"`  // full pinyin of each word: gongjijin
	WordInitial string `json:"word_ini"` // initials of each word: gjj
	// Ask is how people ask for the service: its ask-phrases (常见问法);
	// FAQ its FAQ questions.
	Ask  string `json:"ask"`
	FAQ  string `json:"faq"`
	Body string `json:"body"`
}

// documentFields are a document's fields and how to read each; title
// marks those made from the name alone, which the titles index holds
// (titles.go). bleve's documents hold the others (groupDocs).
var documentFields = []struct {
	name  string
	title bool
	value func(*document) string
}{
	{"name", true, func(d *document) string { return d.Name }},
	{"name_precise", true, func(d *document) string { return d.NamePrecise }},
	{"name_cjk", true, func(d *document) string { return d.NameCJK }},
	{"name_exact", true, func(d *document) string { return d.NameExact }},
	{"name_py", true, func(d *document) string { return d.NamePinyin }},
	{"name_ini", true, func(d *document) string { return d.NameInitial }},
	{"word_py", true, func(d *document) string { return d.WordPinyin }},
	{"word_ini", true, func(d *document) string { return d.WordInitial }},
	{"ask", false, func(d *document) string { return d.Ask }},
	{"faq", false, func(d *document) string { return d.FAQ }},
	{"body", false, func(d *document) string { return d.Body }},
}

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(im.AddCustomAnalyzer(analyzerWords, map[string]any{"type": custom.Name, "tokenizer": tokenizerWords}))
	must(im.AddCustomAnalyzer(analyzerPrecise, map[string]any{"type": custom.Name, "tokenizer": tokenizerPrecise}))
	must(im.AddCustomAnalyzer(analyzerSpaces, map[string]any{"type": custom.Name, "tokenizer": tokenizerSpaces}))

	text := func(analyzer string, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = positions
		f.DocValues = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("name", text(analyzerWords, false))
	dm.AddFieldMappingsAt("name_precise", text(analyzerPrecise, false))
	dm.AddFieldMappingsAt("name_cjk", text(analyzerCJK, true))
	dm.AddFieldMappingsAt("name_exact", text(keyword.Name, false))
	dm.AddFieldMappingsAt("name_py", text(analyzerSpaces, true))
	dm.AddFieldMappingsAt("name_ini", text(analyzerSpaces, true))
	dm.AddFieldMappingsAt("word_py", text(analyzerSpaces, false))
	dm.AddFieldMappingsAt("word_ini", text(analyzerSpaces, false))
	// The ask-phrases, FAQ and the body are matched by all their bigrams, never
	// as a phrase.
	dm.AddFieldMappingsAt("ask", text(analyzerCJK, false))
	dm.AddFieldMappingsAt("faq", text(analyzerCJK, false))
	dm.AddFieldMappingsAt("body", text(analyzerCJK, false))
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

// Source is the store as the index reads it: the change sequence, the
// regions and the published items. *store.Store is one; nothing in it
// writes.
type Source interface {
	// Seq returns the current value of the change sequence.
	Seq(ctx context.Context) (int64, error)
	// Regions returns every region, ordered by code.
	Regions(ctx context.Context) ([]catalog.Region, error)
	// EachPublished calls fn for every published item matching f, in code
	// order.
	EachPublished(ctx context.Context, f catalog.ExportFilter, fn func(*catalog.Published) error) error
	// ChangesSince returns up to limit items written after seq, in
	// sequence order.
	ChangesSince(ctx context.Context, seq int64, limit int) ([]catalog.Change, error)
	// PublishedByCodes returns the published editions of codes; codes
	// without one are absent.
	PublishedByCodes(ctx context.Context, codes []string) (map[string]*catalog.Published, error)
}

// Index is the search index of a data directory, kept up to date with the
// store: bleve holds the text of the groups, the table the items.
type Index struct {
	store Source
	dir   string // the data directory's index folder

	// mu guards bi, gen, seq and t: searches hold it for reading, the
	// catch-up for writing while it changes the table, a swap to replace
	// everything.
	mu      sync.RWMutex
	bi      bleve.Index
	gen     string // the live generation's folder name
	seq     int64  // store sequence the index has caught up to
	t       *table
	catchMu sync.Mutex // one writer at a time; the writer may read t unlocked

	dirty  bool      // the table changed since it was saved (guarded by catchMu)
	saved  time.Time // when the table was last saved (guarded by catchMu)
	closed bool      // Close was called (guarded by catchMu)

	health health // failures of bleve (see health.go)

	regions *regionTable
	sug     *suggester
	cache   *resultCache
	matches *matchCache
	// collections keeps the items and facets of recent queries and
	// filters; cleared with cache.
	collections *collectionCache
	masks       sync.Map // region filter → []bool by region number (see regionMask)
	// groupMaps maps the documents of bleve's segments to groups of the
	// table, and postings keeps decoded postings, for the evaluator
	// (eval.go).
	groupMaps groupMaps
	postings  *postingsCache
	titleIdx  titleHolder         // the name index of the live table (titles.go)
	byRegion  regionRowsHolder    // the live table's items by region (match_regions.go)
	totals    serviceTotalsHolder // the live table's services' totals (whole_services.go)
	evalSlots chan struct{}       // the work slots, one per core (see withSlot)
	working   atomic.Int32        // searches the result cache did not answer, in flight (see helperSlots)
	vocab     vocabHolder
	notify    chan struct{}
}

// clearCaches empties the result, collection and match caches.
func (ix *Index) clearCaches() {
	ix.cache.clear()
	ix.collections.clear()
	ix.matches.clear()
}

// saveEvery is how often a changed table is saved while serving; after a
// crash the index catches up from the last save.
const saveEvery = 30 * time.Second

// Open opens the index of the data directory dataDir, creating or
// rebuilding it from the store when it is missing, corrupt or of another
// mapping version, and catches it up with the store.
func Open(ctx context.Context, dataDir string, st Source) (*Index, error) {
	// The word segmenter's dictionary loads (about 2 s) while the index
	// generation opens; analysis waits for it.
	segLoaded := make(chan error, 1)
	go func() {
		_, err := segmenter()
		segLoaded <- err
	}()
	dir := filepath.Join(dataDir, IndexDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ix := &Index{store: st, dir: dir, sug: newSuggester(), cache: newCache[*Result](resultCacheBytes, 8), matches: newCache[*matchSet](matchCacheBytes, 4), collections: newCache[*collection](collectionCacheBytes, 8), postings: newPostingsCache(PostingsCacheBytes), evalSlots: make(chan struct{}, runtime.GOMAXPROCS(0)), notify: make(chan struct{}, 1)}
	if err := ix.loadRegions(ctx); err != nil {
		return nil, err
	}
	gen, err := readCurrent(dir)
	if err != nil {
		slog.Warn("search index CURRENT names no index generation, rebuilding the index from the store", "index", dir, "err", err)
		gen = ""
	}
	var bi bleve.Index
	var t *table
	if gen != "" {
		bi, t, err = openGeneration(filepath.Join(dir, gen))
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, ErrIndexBusy
		}
		if err != nil {
			slog.Warn("search index unusable, rebuilding it from the store", "index", filepath.Join(dir, gen), "err", err)
		}
	}
	if serr := <-segLoaded; serr != nil {
		if bi != nil {
			bi.Close()
		}
		return nil, fmt.Errorf("load the word segmenter: %w", serr)
	}
	if gen == "" || err != nil {
		err = guard("build the search index", func() (err error) {
			gen, bi, t, err = ix.build(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	ix.install(bi, gen, t)
	removeStale(dir, gen)
	if err := ix.CatchUp(ctx); err != nil {
		if !isFault(err) {
			ix.Close()
			return nil, err
		}
		// The generation opened but does not take the changes: a new one
		// is built from the store.
		slog.Warn("search index unusable, rebuilding it from the store", "index", filepath.Join(dir, gen), "err", err)
		if err := ix.rebuild(ctx, true); err != nil {
			ix.Close()
			return nil, err
		}
	}
	return ix, nil
}

// install makes a generation the live one (the caller holds catchMu or
// owns ix) and returns the one it replaces.
func (ix *Index) install(bi bleve.Index, gen string, t *table) (old bleve.Index) {
	ix.regions.useAll(t.Regions.Vals)
	ix.mu.Lock()
	old = ix.bi
	if ix.gen != "" {
		livePaths.Delete(storePath(filepath.Join(ix.dir, ix.gen)))
	}
	livePaths.Store(storePath(filepath.Join(ix.dir, gen)), ix)
	ix.bi, ix.gen, ix.seq, ix.t = bi, gen, t.Seq, t
	ix.clearCaches() // they number the old table's rows, groups and regions
	ix.masks.Clear()
	ix.mu.Unlock()
	ix.dirty, ix.saved = false, time.Now()
	ix.sug.reset(t.names())
	return old
}

// openGeneration opens an existing index generation: its bleve index,
// checked for the mapping version, and its table. Should the table have
// been saved after bleve's last write (a crash), it is caught up from
// bleve's sequence and the groups it touches are indexed again. A panic
// or memory fault inside bleve (a damaged segment) is returned as an
// error.
func openGeneration(path string) (bleve.Index, *table, error) {
	if filepath.Base(path) == IndexDir || path == "" {
		return nil, nil, errors.New("no index")
	}
	var bi bleve.Index
	var seq int64
	err := guard("open the search index", func() error {
		opened, err := bleve.OpenUsing(path, bleveConfig())
		if err != nil {
			return err // opened is a typed nil
		}
		bi = opened
		v, err := bi.GetInternal(keyMapping)
		if err != nil || string(v) != MappingVersion {
			return fmt.Errorf("mapping version %q, want %q", v, MappingVersion)
		}
		seq, err = readSeq(bi)
		return err
	})
	if err != nil {
		switch {
		case bi == nil:
		case isFault(err):
			closeBroken(bi)
		default:
			bi.Close()
		}
		return nil, nil, err
	}
	fail := func(err error) (bleve.Index, *table, error) {
		bi.Close()
		return nil, nil, err
	}
	t, err := loadTable(path)
	if err != nil {
		return fail(err)
	}
	for i := range t.Groups {
		// A group with no items may have had its document deleted (see
		// dropEmptyGroups); it is indexed again when an item takes it.
		if t.Seq > seq || len(t.Groups[i].Members) == 0 {
			t.Groups[i].needsDoc = true
		}
	}
	t.Seq = min(t.Seq, seq)
	return bi, t, nil
}

func readSeq(bi bleve.Index) (int64, error) {
	v, err := bi.GetInternal(keySeq)
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return strconv.ParseInt(string(v), 10, 64)
}

// generationName is the form of an index generation's folder name.
var generationName = regexp.MustCompile(`^gen-[0-9]{1,30}$`)

// readCurrent returns the generation CURRENT names: "" when there is no
// CURRENT (no index yet), an error when it names no generation folder of
// dir — anything but gen-<digits> (a path, ..), or a folder that is not
// there.
func readCurrent(dir string) (string, error) {
	f, err := os.Open(filepath.Join(dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64))
	if err != nil {
		return "", err
	}
	gen := strings.TrimSpace(string(b))
	if !generationName.MatchString(gen) {
		if len(gen) > 40 {
			gen = gen[:40] + "…"
		}
		return "", fmt.Errorf("%s names %q, not an index generation (gen-<digits>)", currentFile, gen)
	}
	fi, err := os.Lstat(filepath.Join(dir, gen))
	if err != nil {
		return "", fmt.Errorf("%s names %s: %w", currentFile, gen, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s names %s, which is not a folder", currentFile, gen)
	}
	return gen, nil
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
// store and makes it the live one on disk (CURRENT); the caller installs
// it.
func (ix *Index) build(ctx context.Context) (string, bleve.Index, *table, error) {
	gen := fmt.Sprintf("gen-%d", time.Now().UnixNano())
	path := filepath.Join(ix.dir, gen)
	if err := os.MkdirAll(ix.dir, 0o755); err != nil { // removed under a running server
		return "", nil, nil, fmt.Errorf("create search index: %w", err)
	}
	bi, err := bleve.NewUsing(path, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, bleveConfig())
	if err != nil {
		return "", nil, nil, fmt.Errorf("create search index: %w", err)
	}
	fail := func(err error) (string, bleve.Index, *table, error) {
		bi.Close()
		os.RemoveAll(path)
		return "", nil, nil, err
	}
	if err := guard("create search index", func() error { return bi.SetInternal(keyMapping, []byte(MappingVersion)) }); err != nil {
		return fail(err)
	}
	start := time.Now()
	seq, err := ix.store.Seq(ctx)
	if err != nil {
		return fail(err)
	}
	// The store is read, the new groups' documents made and analysed
	// (groupDocs.make) and the table made while bleve writes the previous
	// batch's segment, so that both cores work.
	docs, err := newGroupDocs(bi.Mapping())
	if err != nil {
		return fail(err)
	}
	t := newTable()
	pipe := newBatchPipe(bi)
	batch := bi.NewBatch()
	queued := map[groupID]bool{}
	err = ix.store.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
		it, err := ix.prepare(t, docs, batch, queued, p)
		if err != nil {
			return err
		}
		t.commit(it)
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
	t.Seq = seq
	batch.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	if err := pipe.send(batch); err != nil {
		pipe.close()
		return fail(err)
	}
	if err := pipe.close(); err != nil {
		return fail(err)
	}
	t.rank(true)
	if err := t.save(path); err != nil {
		return fail(err)
	}
	if err := writeCurrent(ix.dir, gen); err != nil {
		return fail(err)
	}
	slog.Info("built search index", "items", t.live, "groups", len(t.Groups), "took", time.Since(start).Round(time.Millisecond))
	return gen, bi, t, nil
}

// pendingItem is a published item ready to be put into the table.
type pendingItem struct {
	code, region, dept, svc string
	text                    groupText
	flags                   uint16
}

// prepare reads a published item for table t and adds its group's
// document (made by docs) to batch when bleve lacks it (queued lists the
// groups already in batch). It only reads t, so that searches may go on
// meanwhile; commit writes it.
func (ix *Index) prepare(t *table, docs *groupDocs, batch *bleve.Batch, queued map[groupID]bool, p *catalog.Published) (pendingItem, error) {
	gt := textOf(p, ix.regions.localDepartment(p.Region, p.Department))
	if gi, ok := t.byGroup.find(t, gt.id); (!ok || t.Groups[gi].needsDoc) && !queued[gt.id] {
		if err := batch.IndexAdvanced(docs.make(gt.id.String(), gt)); err != nil {
			return pendingItem{}, err
		}
		queued[gt.id] = true
	}
	flags := p.Flags
	if flags == nil {
		flags = catalog.Flags(&p.Item)
	}
	return pendingItem{code: p.Code, region: p.Region, dept: p.Department, svc: serviceKey(p.BaseCode, p.Name),
		text: gt, flags: flagBits(flags)}, nil
}

// commit puts a prepared item into the table.
func (t *table) commit(it pendingItem) {
	gi, ok := t.byGroup.find(t, it.text.id)
	if !ok {
		gi = t.addGroup(it.text)
	}
	t.Groups[gi].needsDoc = false
	t.put(it.code, gi, it.region, it.dept, it.svc, it.flags)
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
			if err := writeBatch(bi, b); err != nil {
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
func Reindex(ctx context.Context, dataDir string, st Source) (int, error) {
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
	_, bi, t, err := ix.build(ctx)
	if err != nil {
		return 0, err
	}
	return t.live, bi.Close()
}

// Rebuild builds a fresh index generation beside the live one, swaps it in
// atomically and removes the old one. Searches keep being served from the
// old generation until the swap.
func (ix *Index) Rebuild(ctx context.Context) error { return ix.rebuild(ctx, false) }

// rebuild is Rebuild; broken tells that the old generation failed, so that
// it is closed without waiting for it.
func (ix *Index) rebuild(ctx context.Context, broken bool) error {
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	var gen string
	var bi bleve.Index
	var t *table
	err := guard("build the search index", func() (err error) {
		gen, bi, t, err = ix.build(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if old := ix.install(bi, gen, t); old != nil {
		if broken {
			closeBroken(old)
		} else {
			old.Close()
		}
	}
	removeStale(ix.dir, gen)
	return ix.catchUpLocked(ctx)
}

// Close saves the table when it changed and closes the index; closing it
// again does nothing. A failed index is closed without waiting for it.
func (ix *Index) Close() error {
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	ix.closed = true
	failed, _ := ix.rebuildDue()
	var serr error
	if !failed {
		serr = ix.saveLocked()
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	livePaths.Delete(storePath(filepath.Join(ix.dir, ix.gen)))
	bi := ix.bi
	ix.bi = nil
	if failed {
		closeBroken(bi)
		return nil
	}
	return errors.Join(serr, bi.Close())
}

// saveLocked saves the table when it changed; the caller holds catchMu.
// bleve's own writes go to disk by themselves.
func (ix *Index) saveLocked() error {
	if !ix.dirty || ix.t == nil {
		return nil
	}
	ix.mu.RLock()
	err := ix.t.save(filepath.Join(ix.dir, ix.gen))
	ix.mu.RUnlock()
	if err == nil {
		ix.dirty, ix.saved = false, time.Now()
	}
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
	return uint64(ix.t.live), nil
}

// workBytesPerGroup is what one work slot's matching may hold per guide
// text of the catalogue: graded matching's lists by group (about 60
// bytes: gradedWorkspace) and the evaluator's dense lists and buffers.
// Measured at a million varied texts after the distinct mix: graded
// workspaces held about 110 MB, the evaluator's buffers 20-60 MB.
const workBytesPerGroup = 100

// RoomBytes is the memory searching may take beyond the index as opened:
// what the caches may hold (results, collections, decoded postings, match
// sets, the last two growing with the catalogue) and what each work slot
// may hold while it matches (workBytesPerGroup). serve's soft memory limit
// leaves room for it: at a million varied texts a limit without the work
// slots' room kept the collector running without pause under load.
func (ix *Index) RoomBytes() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	groups, live := 0, 0
	if ix.t != nil {
		groups, live = len(ix.t.Groups), ix.t.liveGroups
	}
	caches := resultCacheBytes + collectionCacheBytes + PostingsCacheBytes + matchBudget(live)
	return int64(caches) + int64(cap(ix.evalSlots))*int64(groups)*workBytesPerGroup
}

// Groups returns how many distinct guide texts the index holds (bleve's
// documents).
func (ix *Index) Groups() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.t == nil {
		return 0
	}
	return len(ix.t.Groups)
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
// also follows a rebuild done by `zhinan reindex` in another process, and
// saves the table every saveEvery while it changes.
//
// When bleve fails (see health.go) the index is degraded: it is no longer
// caught up, searches answer from its last good state, and a new
// generation is built from the store after retryFirst, then after twice
// as long each time the build fails, up to retryMax.
func (ix *Index) Run(ctx context.Context) {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	warmed := "" // the generation whose postings were warmed
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-ix.notify:
		}
		if failed, due := ix.rebuildDue(); failed {
			if !due {
				continue
			}
			err := ix.rebuild(ctx, true)
			switch {
			case errors.Is(err, ErrClosed):
				return
			case err == nil:
				ix.rebuilt()
			case ctx.Err() == nil:
				ix.rebuildFailed(err)
			}
			continue
		}
		if err := ix.checkLive(); err != nil {
			ix.fault(err)
			continue
		}
		if err := ix.followCurrent(); err != nil {
			slog.Error("switch to rebuilt search index", "err", err)
		}
		err := ix.CatchUp(ctx)
		switch {
		case errors.Is(err, ErrClosed):
			return
		case isFault(err):
			ix.fault(err)
			continue
		case err != nil && ctx.Err() == nil:
			slog.Error("search index catch-up", "err", err)
		}
		ix.refreshVocabulary()
		ix.mu.RLock()
		gen := ix.gen
		ix.mu.RUnlock()
		if gen != warmed {
			warmed = gen
			go ix.Warm(ctx)
		}
		ix.catchMu.Lock()
		if time.Since(ix.saved) >= saveEvery && !ix.closed {
			if err := ix.saveLocked(); err != nil {
				ix.fault(&faultError{op: "save the search table", err: err})
			}
		}
		ix.catchMu.Unlock()
	}
}

// checkLive reports a fault when the live generation's files are gone
// (the index folder removed under the running server).
func (ix *Index) checkLive() error {
	ix.mu.RLock()
	gen := ix.gen
	ix.mu.RUnlock()
	if _, err := os.Stat(storePath(filepath.Join(ix.dir, gen))); err != nil {
		return &faultError{op: "check the search index", err: err}
	}
	return nil
}

// followCurrent switches to the generation CURRENT names when another
// process rebuilt the index. A CURRENT that names no generation (or none)
// is pointed at the live one again.
func (ix *Index) followCurrent() error {
	ix.mu.RLock()
	live := ix.gen
	ix.mu.RUnlock()
	gen, err := readCurrent(ix.dir)
	if err != nil || gen == "" {
		slog.Warn("search index CURRENT names no index generation, pointing it at the live one", "err", err, "live", live)
		return writeCurrent(ix.dir, live)
	}
	if gen == live {
		return nil
	}
	bi, t, err := openGeneration(filepath.Join(ix.dir, gen))
	if err != nil {
		return err
	}
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	if ix.closed {
		bi.Close()
		return nil
	}
	if old := ix.install(bi, gen, t); old != nil {
		old.Close()
	}
	os.RemoveAll(filepath.Join(ix.dir, live))
	return nil
}

// CatchUp indexes every item written to the store since the index's
// sequence, in batches.
func (ix *Index) CatchUp(ctx context.Context) error {
	ix.catchMu.Lock()
	defer ix.catchMu.Unlock()
	return ix.catchUpLocked(ctx)
}

func (ix *Index) catchUpLocked(ctx context.Context) error {
	// ahead is the highest sequence value indexed ahead of the backlog.
	var ahead int64
	for {
		ix.mu.RLock()
		seq, bi := ix.seq, ix.bi
		ix.mu.RUnlock()
		if bi == nil {
			return ErrClosed
		}
		// Behind by more than a batch (a large import committed), the
		// newest changes go first: an edit published after the import is
		// searchable within a poll, not after the whole import. Items
		// appear once in the change list, at their last write, so the
		// backlog read afterwards holds none of them again (but those
		// written anew, which are indexed anew). The watermark (ix.seq,
		// saved with the index) moves only with the backlog, so a crash
		// in between catches up from it and indexes those items again.
		head, err := ix.store.Seq(ctx)
		if err != nil {
			return err
		}
		if head-seq > catchUpBatch {
			if from := max(ahead, head-catchUpBatch); head > from {
				fresh, err := ix.store.ChangesSince(ctx, from, catchUpBatch)
				if err != nil {
					return err
				}
				if len(fresh) > 0 {
					if err := ix.indexChanges(ctx, fresh, false); err != nil {
						return err
					}
					ahead = fresh[len(fresh)-1].Seq
				}
			}
		}
		changes, err := ix.store.ChangesSince(ctx, seq, catchUpBatch)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		if err := ix.indexChanges(ctx, changes, true); err != nil {
			return err
		}
		if len(changes) < catchUpBatch {
			return nil
		}
	}
}

// indexChanges indexes the items of changes (read from the store in
// sequence order) as the store holds them now: published ones are added
// or updated, the others taken out. With advance, the index's sequence
// (the watermark: everything up to it is indexed) moves to the last
// change's.
func (ix *Index) indexChanges(ctx context.Context, changes []catalog.Change, advance bool) error {
	ix.mu.RLock()
	bi, cur := ix.bi, ix.t
	ix.mu.RUnlock()
	if bi == nil {
		return ErrClosed
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
	// The new groups' documents go to bleve first; the rows follow
	// under the lock. A search in between finds a group no row has
	// yet, which matches nothing.
	docs, err := newGroupDocs(bi.Mapping())
	if err != nil {
		return err
	}
	batch := bi.NewBatch()
	queued := map[groupID]bool{}
	var items []pendingItem
	for _, code := range codes {
		if p, ok := pubs[code]; ok {
			it, err := ix.prepare(cur, docs, batch, queued, p)
			if err != nil {
				return err
			}
			items = append(items, it)
		}
	}
	regions := len(cur.Regions.Vals)
	last := changes[len(changes)-1].Seq
	if advance {
		batch.SetInternal(keySeq, []byte(strconv.FormatInt(last, 10)))
	}
	if err := writeBatch(bi, batch); err != nil {
		return fmt.Errorf("update search index: %w", err)
	}
	ix.mu.Lock()
	// The groups the changed items leave; those left empty are
	// dropped from bleve below.
	left := map[int32]bool{}
	for _, code := range codes {
		if ri, ok := cur.byCode.find(cur, code); ok {
			left[cur.Rows[ri].Group] = true
		}
	}
	for _, it := range items {
		cur.commit(it)
	}
	for _, code := range codes {
		if _, ok := pubs[code]; !ok {
			cur.remove(code)
		}
	}
	empty := cur.emptyGroups(left)
	cur.rank(false)
	if advance {
		cur.Seq, ix.seq = last, last
	}
	ix.cache.clear()
	ix.collections.clear()
	if len(queued) > 0 || len(empty) > 0 || len(cur.Regions.Vals) != regions {
		// A text indexed (new, or taken again) or dropped, or a region
		// a query may name: cached matches are out of date.
		ix.matches.clear()
	}
	ix.mu.Unlock()
	ix.dirty = true
	ix.sug.reset(cur.names())
	return ix.dropEmptyGroups(bi, cur, empty)
}

// dropEmptyGroups deletes from bleve the documents of groups (of table t)
// that no item has any more, so that an index kept up to date by changes
// answers as one built afresh would: an empty group's text would still
// match, set the bar of graded matching and lend its words to the typo
// vocabulary. The rows left the groups first (a search in between finds
// a document no row has, which matches nothing); a group taken again is
// indexed again (needsDoc).
func (ix *Index) dropEmptyGroups(bi bleve.Index, t *table, groups []int32) error {
	if len(groups) == 0 {
		return nil
	}
	batch := bi.NewBatch()
	for _, gi := range groups {
		batch.Delete(t.Groups[gi].ID.String())
	}
	if err := writeBatch(bi, batch); err != nil {
		return fmt.Errorf("update search index: %w", err)
	}
	return nil
}

// makeNameFields returns the name fields of a name, in a document of
// their own: the titles index (titles.go) analyses them once per distinct
// name.
func makeNameFields(n string) document {
	syl := syllables(n)
	seg, _ := segmenter()
	var wordPy, wordIni []string
	for _, w := range cutSearch(seg, n) {
		if ws := syllables(w); len(ws) > 1 {
			wordPy = append(wordPy, strings.Join(ws, ""))
			wordIni = append(wordIni, strings.Join(initials(ws), ""))
		}
	}
	name := normalize(n)
	return document{
		Name:        name,
		NamePrecise: name,
		NameCJK:     name,
		NameExact:   exactKey(n),
		NamePinyin:  strings.Join(syl, " "),
		NameInitial: strings.Join(initials(syl), " "),
		WordPinyin:  strings.Join(wordPy, " "),
		WordInitial: strings.Join(wordIni, " "),
	}
}

// makeDocument turns a group's text into the texts of its bleve document,
// which groupDocs makes (bleve's mapping makes the same fields of it,
// TestGroupDocumentIsMapped): the ask-phrases, FAQ and body, normalised.
// The name fields are left out: every county's
// copy of a catalogue entry bears the same name, and the titles index
// (titles.go) holds each distinct name once, with the statistics bleve
// would have counted over the documents bearing it.
func makeDocument(g groupText) document {
	return document{Ask: normalize(g.ask), FAQ: normalize(g.faq), Body: normalize(g.body)}
}
