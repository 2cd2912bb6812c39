// Package bench is the benchmark harness of zhinan (cmd/zhinan-bench): it
// generates a synthetic catalogue, imports and indexes it into a temporary
// data dir, and measures import and index throughput, index size, start-up
// time and memory, in-process search and suggest latency, HTTP throughput
// and latency under concurrent load for a distinct and a Zipf mix of the
// query set, side by side with a trivial gin handler (the ceiling) and with
// SQLite FTS5 trigram over the same corpus and queries (latency and
// recall@10 on the judged queries). See BENCHMARKS.md.
package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
)

// Options configure a run. Zero values take the defaults.
type Options struct {
	Items    int           // items to generate (default 100,000)
	Seed     int64         // generator seed (default 1)
	Vary     bool          // generate varied guides (seeds.GenOptions.Vary): every item's texts its own
	Clients  int           // concurrent HTTP clients (default 16)
	Duration time.Duration // each HTTP run, and the in-process search run (default 10s)
	// Queries is the query set (default search/testdata/bench-queries.txt)
	// and Judged the judged queries (default search/testdata/relevance.jsonl).
	Queries, Judged string
	// Binary is the zhinan executable. When set, the servers run in child
	// processes (zhinan serve, and Trivial for the ceiling): a real cold
	// start whose RSS is the server's own. When empty they run in this
	// process and start-up and RSS are only indicative.
	Binary string
	// Trivial is the command line, without the address, of the child
	// process serving the trivial handler (cmd/zhinan-bench: itself with
	// --trivial-server); used when Binary is set.
	Trivial []string
	// CPUProfile, when set, writes a CPU profile of this process during the
	// distinct HTTP run; it is only useful with the server in this process
	// (Binary empty).
	CPUProfile string
	Dir        string    // parent of the temporary data dir (default os.TempDir())
	KeepDir    bool      // keep the temporary data dir
	Out        io.Writer // progress lines (default io.Discard)
}

// Machine describes where the run happened.
type Machine struct {
	CPUs      int     `json:"cpus"`
	CPUModel  string  `json:"cpu_model"`
	MemGB     float64 `json:"mem_gb"`
	GoVersion string  `json:"go_version"`
	OS        string  `json:"os"`
}

// FTS is the SQLite FTS5 trigram baseline side by side with zhinan.
type FTS struct {
	LoadSeconds float64 `json:"load_s"`
	// Texts is the number of distinct query texts of the query set timed
	// on both engines (filters dropped), ShortTexts how many have a term
	// under three characters, which FTS5 trigram cannot index and the
	// baseline matches with LIKE '%term%'.
	Texts      int     `json:"texts"`
	ShortTexts int     `json:"short_texts"`
	Latency    Latency `json:"latency"`
	// Zhinan is in-process zhinan search over the same texts, page size
	// 10, with its caches (each text is searched textPasses times).
	Zhinan Latency `json:"zhinan_latency"`
	// P50Ratio is FTS p50 / zhinan p50 (higher is better for zhinan).
	P50Ratio float64 `json:"p50_ratio"`
	// The first pass alone: every text searched once, nothing cached.
	LatencyFirst  Latency `json:"latency_first_pass"`
	ZhinanFirst   Latency `json:"zhinan_latency_first_pass"`
	P50RatioFirst float64 `json:"p50_ratio_first_pass"`
	// The first pass again, split by whether FTS5 returns a row for the
	// text (an everyday question, pinyin or a typo it finds nothing for
	// is answered at once): both engines on the texts FTS5 finds
	// something for, then on the others.
	FoundTexts       int     `json:"found_texts"`
	FoundFirst       Latency `json:"latency_first_pass_found"`
	ZhinanFoundFirst Latency `json:"zhinan_latency_first_pass_found"`
	EmptyFirst       Latency `json:"latency_first_pass_empty"`
	ZhinanEmptyFirst Latency `json:"zhinan_latency_first_pass_empty"`
	// Recall@10 over the judged queries with a grade-3 name, results
	// collapsed to distinct names.
	Judged       int     `json:"judged"`
	RecallZhinan float64 `json:"recall10_zhinan"`
	RecallFTS    float64 `json:"recall10_fts"`
}

// Check is one target and whether it is met.
type Check struct {
	Figure string  `json:"figure"`
	Value  float64 `json:"value"`
	Target string  `json:"target"`
	Met    bool    `json:"met"`
}

// Report is the outcome of a run; every figure is also in the table.
type Report struct {
	Machine    Machine `json:"machine"`
	Items      int     `json:"items"`
	Seed       int64   `json:"seed"`
	Vary       bool    `json:"vary,omitempty"` // varied guides (gen --vary)
	Clients    int     `json:"clients"`
	DurationS  float64 `json:"duration_s"`
	Queries    int     `json:"queries"`
	ServerMode string  `json:"server_mode"` // "process" or "in-process"
	DataDir    string  `json:"data_dir,omitempty"`

	GenSeconds         float64 `json:"gen_s"`
	ImportSeconds      float64 `json:"import_s"`
	ImportItemsPerSec  float64 `json:"import_items_per_s"`
	DictSeconds        float64 `json:"dict_load_s"` // word segmenter dictionary, loaded before the index build
	IndexSeconds       float64 `json:"index_s"`
	WarmSeconds        float64 `json:"warm_s"` // the warm-up a server runs when its index becomes live, before the in-process searches
	IndexItemsPerSec   float64 `json:"index_items_per_s"`
	ImportIndexPerSec  float64 `json:"import_index_items_per_s"`
	IndexDocs          uint64  `json:"index_docs"`
	IndexGroups        int     `json:"index_groups"` // distinct guide texts: bleve's documents
	IndexSizeMB        float64 `json:"index_size_mb"`
	StoreSizeMB        float64 `json:"store_size_mb"`
	StartupSeconds     float64 `json:"startup_s"`
	RSSStartMB         float64 `json:"rss_start_mb"`
	RSSAfterMB         float64 `json:"rss_after_load_mb"`
	Search             Latency `json:"search"`
	SearchDistinct     int     `json:"search_distinct_requests"`
	Suggest            Latency `json:"suggest"`
	Ceiling            HTTPRun `json:"http_ceiling"`
	Distinct           HTTPRun `json:"http_distinct"`
	Zipf               HTTPRun `json:"http_zipf"`
	DistinctOfCeiling  float64 `json:"http_distinct_of_ceiling"`
	ZipfOfCeiling      float64 `json:"http_zipf_of_ceiling"`
	DistinctCombos     int     `json:"http_distinct_combinations"`
	FTS                FTS     `json:"fts5"`
	Checks             []Check `json:"checks"`
	TotalSeconds       float64 `json:"total_s"`
	CPUProfile         string  `json:"cpu_profile,omitempty"`
	ZipfS              float64 `json:"zipf_s"`
	DistinctExhausted  bool    `json:"distinct_exhausted"`
	SuggestDistinctLen int     `json:"suggest_prefixes"`
}

// zipfS is the exponent of the Zipf mix (1.1 puts about a quarter of the
// requests on the most frequent query of a 69-query set).
const zipfS = 1.1

func (o *Options) defaults() {
	if o.Items <= 0 {
		o.Items = 100_000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Clients <= 0 {
		o.Clients = 16
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Queries == "" {
		o.Queries = filepath.Join("search", "testdata", "bench-queries.txt")
	}
	if o.Judged == "" {
		o.Judged = filepath.Join("search", "testdata", "relevance.jsonl")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
}

// Run runs the benchmark and returns its report.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	began := time.Now()
	queries, err := loadQueries(o.Queries)
	if err != nil {
		return nil, fmt.Errorf("query set: %w", err)
	}
	judged, err := loadJudged(o.Judged)
	if err != nil {
		return nil, fmt.Errorf("judged queries: %w", err)
	}
	regions, err := seeds.Regions()
	if err != nil {
		return nil, err
	}
	rep := &Report{Machine: machine(), Items: o.Items, Seed: o.Seed, Vary: o.Vary, Clients: o.Clients,
		DurationS: o.Duration.Seconds(), Queries: len(queries), ServerMode: "process", ZipfS: zipfS}
	if o.Binary == "" {
		rep.ServerMode = "in-process"
	}
	tmp, err := os.MkdirTemp(o.Dir, "zhinan-bench-")
	if err != nil {
		return nil, err
	}
	if o.KeepDir {
		rep.DataDir = tmp
	} else {
		defer os.RemoveAll(tmp)
	}
	dataDir := filepath.Join(tmp, "data")
	logf := func(format string, a ...any) {
		fmt.Fprintf(o.Out, "[%6.1fs] "+format+"\n", append([]any{time.Since(began).Seconds()}, a...)...)
	}

	// 1. Generate.
	logf("generating %d items (seed %d%s)", o.Items, o.Seed, varied(o.Vary))
	genFile := filepath.Join(tmp, "items.jsonl")
	t := time.Now()
	if err := generate(genFile, seeds.GenOptions{Items: o.Items, Seed: o.Seed, Vary: o.Vary}); err != nil {
		return nil, err
	}
	rep.GenSeconds = time.Since(t).Seconds()

	// 2. Import: the file streamed into the store, as zhinan import does.
	logf("importing")
	t = time.Now()
	st, err := openStore(ctx, dataDir)
	if err != nil {
		return nil, err
	}
	res, err := importFile(ctx, st, genFile)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("import: %w", err)
	}
	rep.ImportSeconds = time.Since(t).Seconds()
	if res.Created != o.Items {
		st.Close()
		return nil, fmt.Errorf("import created %d items, want %d", res.Created, o.Items)
	}
	rep.ImportItemsPerSec = float64(o.Items) / rep.ImportSeconds

	// 3. Index: the dictionary is loaded first (by opening the index of an
	// empty data dir), so that the build is timed alone.
	logf("loading the segmenter dictionary")
	t = time.Now()
	if err := warmDictionary(ctx, filepath.Join(tmp, "empty")); err != nil {
		st.Close()
		return nil, err
	}
	rep.DictSeconds = time.Since(t).Seconds()
	logf("building the index")
	t = time.Now()
	ix, err := search.Open(ctx, dataDir, st)
	if err != nil {
		st.Close()
		return nil, err
	}
	rep.IndexSeconds = time.Since(t).Seconds()
	rep.IndexItemsPerSec = float64(o.Items) / rep.IndexSeconds
	rep.ImportIndexPerSec = float64(o.Items) / (rep.ImportSeconds + rep.IndexSeconds)
	rep.IndexDocs, _ = ix.DocCount()
	rep.IndexGroups = ix.Groups()
	rep.IndexSizeMB = dirMB(filepath.Join(dataDir, search.IndexDir))
	rep.StoreSizeMB = dirMB(dataDir) - rep.IndexSizeMB

	// 4. In-process search, suggest, and zhinan's side of the FTS5
	// comparison, while this process holds the index, once it is warmed
	// as a server warms it when the index becomes live (search.Index.Warm).
	logf("warming the index as a server does")
	t = time.Now()
	ix.Warm(ctx)
	rep.WarmSeconds = time.Since(t).Seconds()
	logf("in-process search and suggest")
	zhinanFirst, err := inProcess(ctx, o, rep, ix, queries, regions, judged)
	ix.Close()
	st.Close()
	if err != nil {
		return nil, err
	}

	// 5. The FTS5 trigram baseline over the same corpus, decoded whole
	// only now: while the build and the searches above ran, this process
	// held no more of the catalogue than zhinan import and serve do.
	logf("FTS5 trigram baseline")
	dec, err := interchange.DecodeFile(genFile, "")
	if err != nil {
		return nil, err
	}
	if err := ftsBaseline(ctx, o, rep, tmp, dec.Records, regions, queries, judged, zhinanFirst); err != nil {
		return nil, err
	}
	dec = catalog.Decoded{}
	runtime.GC()

	// 6. HTTP: start-up with the existing index, the ceiling, the mixes.
	logf("starting the server on the existing index (%s)", rep.ServerMode)
	t = time.Now()
	srv, err := startZhinan(ctx, o.Binary, dataDir)
	if err != nil {
		return nil, err
	}
	rep.StartupSeconds = time.Since(t).Seconds()
	rep.RSSStartMB = rssMB(srv.pid)
	err = httpRuns(ctx, o, rep, srv, queries, regions, logf)
	rep.RSSAfterMB = rssMB(srv.pid)
	if serr := srv.stop(); err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	if rep.Ceiling.ReqPerSec > 0 {
		rep.DistinctOfCeiling = rep.Distinct.ReqPerSec / rep.Ceiling.ReqPerSec
		rep.ZipfOfCeiling = rep.Zipf.ReqPerSec / rep.Ceiling.ReqPerSec
	}
	rep.Checks = checks(rep)
	rep.TotalSeconds = time.Since(began).Seconds()
	logf("done")
	return rep, nil
}

// varied is what the progress lines and tables add for a varied catalogue.
func varied(vary bool) string {
	if vary {
		return ", varied"
	}
	return ""
}

// generate writes the synthetic catalogue to path.
func generate(path string, opt seeds.GenOptions) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := seeds.Generate(bw, opt); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// warmDictionary opens and closes the index of an empty data dir, which
// loads the word segmenter and its dictionary once per process.
func warmDictionary(ctx context.Context, dir string) error {
	st, ix, err := openStoreIndex(ctx, dir)
	if err != nil {
		return err
	}
	return errors.Join(ix.Close(), st.Close())
}

// dirMB is the size of the files under dir in MiB.
func dirMB(dir string) float64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

// distinctSet enumerates, in an order shuffled by seed, the combinations
// of a query of the set with extra classification filters (none, one or
// two), a region filter (none, a prefecture, or one of 安康's counties) and
// a page from 1 to 3 drawn for the combination. Combinations that repeat
// another's query and filters (a query with filters of its own) are
// skipped, so no cache of result pages, nor of a query's items for its
// other pages, can serve one request from another; only the words of the
// query repeat (there are few query texts).
type distinctSet struct {
	queries  []query
	flagSets [][]string
	regions  []string
	n, a, b  uint64 // i → (a·i + b) mod n is a permutation of the combinations
	seen     sync.Map
	next     atomic.Int64
}

func newDistinctSet(queries []query, regions []catalog.Region, seed int64) *distinctSet {
	d := &distinctSet{queries: queries, flagSets: [][]string{nil}, regions: []string{""}}
	for i, f := range catalog.FlagIDs {
		d.flagSets = append(d.flagSets, []string{f})
		for _, g := range catalog.FlagIDs[i+1:] {
			d.flagSets = append(d.flagSets, []string{f, g})
		}
	}
	for _, r := range regions {
		if r.Level == "市" || r.Parent == seeds.CityRegion {
			d.regions = append(d.regions, r.Code)
		}
	}
	d.n = uint64(len(queries) * len(d.flagSets) * len(d.regions))
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	for d.a = 1 + rng.Uint64N(d.n); gcd(d.a, d.n) != 1; d.a = 1 + rng.Uint64N(d.n) {
	}
	d.b = rng.Uint64N(d.n)
	return d
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// size is the number of combinations (before skipping repeats).
func (d *distinctSet) size() int { return int(d.n) }

// at returns the i-th combination of the shuffled order.
func (d *distinctSet) at(i int) query {
	k := (d.a*uint64(i) + d.b) % d.n
	q := d.queries[k%uint64(len(d.queries))]
	k /= uint64(len(d.queries))
	fs := d.flagSets[k%uint64(len(d.flagSets))]
	k /= uint64(len(d.flagSets))
	rc := d.regions[k]
	r := q.Req
	r.Flags = append([]string(nil), q.Req.Flags...)
	for _, f := range fs {
		if !containsString(r.Flags, f) {
			r.Flags = append(r.Flags, f)
		}
	}
	if rc != "" && r.Region == "" {
		r.Region = rc
	}
	r.Page = 1 + int((d.a*uint64(i)+d.b)%3)
	return query{Line: q.Line, Req: r}
}

// take returns the next combination whose query and filters no earlier
// one had; once all are used, it starts again and reports false (not
// fresh). Safe for concurrent use.
func (d *distinctSet) take() (query, bool) {
	for {
		i := int(d.next.Add(1) - 1)
		if i >= d.size() {
			return d.at(i % d.size()), false
		}
		q := d.at(i)
		page := q.Req.Page
		q.Req.Page = 0
		key := q.Values().Encode()
		q.Req.Page = page
		if _, dup := d.seen.LoadOrStore(key, true); !dup {
			return q, true
		}
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// queryTexts returns the distinct non-empty query texts of the set.
func queryTexts(queries []query) []string {
	seen := map[string]bool{}
	var out []string
	for _, q := range queries {
		if q.Req.Q != "" && !seen[q.Req.Q] {
			seen[q.Req.Q] = true
			out = append(out, q.Req.Q)
		}
	}
	return out
}

// textPasses is how many times each query text is timed on both engines
// in the FTS5 comparison.
const textPasses = 5

// inProcess returns zhinan's first pass over the query texts, text by
// text in queryTexts' order, for ftsBaseline.
func inProcess(ctx context.Context, o Options, rep *Report, ix *search.Index, queries []query, regions []catalog.Region, judged []judgedQuery) ([]time.Duration, error) {
	// zhinan's side of the FTS5 comparison: the query texts alone, timed
	// first, while nothing is cached; passes after the first repeat the
	// same requests, which the result cache answers (as SQLite's page
	// cache serves FTS5's repeats).
	texts := queryTexts(queries)
	var first, all []time.Duration
	for pass := range textPasses {
		for _, q := range texts {
			t := time.Now()
			if _, err := ix.Search(ctx, search.Request{Q: q, Size: search.DefaultSize}); err != nil {
				return nil, fmt.Errorf("search %q: %w", q, err)
			}
			d := time.Since(t)
			all = append(all, d)
			if pass == 0 {
				first = append(first, d)
			}
		}
	}
	byText := slices.Clone(first)
	rep.FTS.Zhinan, rep.FTS.ZhinanFirst = summarize(all), summarize(first)
	rep.FTS.Texts = len(texts)

	// Search: distinct requests, sequentially, for o.Duration but at least
	// one pass over the query set.
	reqs := newDistinctSet(queries, regions, o.Seed+1)
	var ds []time.Duration
	deadline := time.Now().Add(o.Duration)
	for i := 0; i < len(queries) || time.Now().Before(deadline); i++ {
		q, fresh := reqs.take()
		if !fresh {
			break
		}
		t := time.Now()
		if _, err := ix.Search(ctx, q.Req); err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Line, err)
		}
		ds = append(ds, time.Since(t))
	}
	rep.Search = summarize(ds)
	rep.SearchDistinct = len(ds)

	// Suggest: every prefix of one to four characters of the query texts.
	seen := map[string]bool{}
	var prefixes []string
	for _, q := range queryTexts(queries) {
		rs := []rune(q)
		for n := 1; n <= min(4, len(rs)); n++ {
			if p := string(rs[:n]); !seen[p] {
				seen[p] = true
				prefixes = append(prefixes, p)
			}
		}
	}
	ds = ds[:0]
	for range 3 {
		for _, p := range prefixes {
			t := time.Now()
			if _, err := ix.Suggest(ctx, p); err != nil {
				return nil, fmt.Errorf("suggest %q: %w", p, err)
			}
			ds = append(ds, time.Since(t))
		}
	}
	rep.Suggest = summarize(ds)
	rep.SuggestDistinctLen = len(prefixes)

	// Recall@10 of zhinan on the judged queries.
	var sum float64
	n := 0
	for i := range judged {
		q := &judged[i]
		res, err := ix.Search(ctx, search.Request{Q: q.Q, Region: q.Params.Region, Flags: q.Params.Flag, Size: search.MaxSize})
		if err != nil {
			return nil, fmt.Errorf("judged %q: %w", q.Q, err)
		}
		hits := make([]hitName, len(res.Hits))
		for j, h := range res.Hits {
			hits[j] = hitName{h.Name, h.Region}
		}
		if r, ok := recallAt10(q, hits); ok {
			sum += r
			n++
		}
	}
	rep.FTS.Judged = n
	if n > 0 {
		rep.FTS.RecallZhinan = sum / float64(n)
	}
	return byText, nil
}

// ftsLimit is how many FTS5 rows are read to collapse into distinct names.
const ftsLimit = 200

// ftsBaseline runs the FTS5 side; zhinanFirst is zhinan's first pass by
// text (inProcess).
func ftsBaseline(ctx context.Context, o Options, rep *Report, dir string, recs []catalog.Record, regions []catalog.Region, queries []query, judged []judgedQuery, zhinanFirst []time.Duration) error {
	t := time.Now()
	f, n, err := buildFTS(ctx, dir, recs, regions)
	if err != nil {
		return err
	}
	defer f.Close()
	if n != o.Items {
		return fmt.Errorf("fts5 loaded %d items, want %d", n, o.Items)
	}
	rep.FTS.LoadSeconds = time.Since(t).Seconds()
	texts := queryTexts(queries)
	for _, q := range texts {
		for _, term := range strings.Fields(q) {
			if utf8.RuneCountInString(term) < 3 {
				rep.FTS.ShortTexts++
				break
			}
		}
	}
	var first, all []time.Duration
	var found, empty, zhinanFound, zhinanEmpty []time.Duration
	for pass := range textPasses {
		for i, q := range texts {
			t := time.Now()
			hits, err := f.search(ctx, ftsQuery{Q: q, Limit: 10})
			if err != nil {
				return err
			}
			d := time.Since(t)
			all = append(all, d)
			if pass > 0 {
				continue
			}
			first = append(first, d)
			if i >= len(zhinanFirst) {
				continue
			}
			if len(hits) > 0 {
				found, zhinanFound = append(found, d), append(zhinanFound, zhinanFirst[i])
			} else {
				empty, zhinanEmpty = append(empty, d), append(zhinanEmpty, zhinanFirst[i])
			}
		}
	}
	rep.FTS.FoundTexts = len(found)
	rep.FTS.FoundFirst, rep.FTS.ZhinanFoundFirst = summarize(found), summarize(zhinanFound)
	rep.FTS.EmptyFirst, rep.FTS.ZhinanEmptyFirst = summarize(empty), summarize(zhinanEmpty)
	rep.FTS.Latency, rep.FTS.LatencyFirst = summarize(all), summarize(first)
	if rep.FTS.Zhinan.P50 > 0 {
		rep.FTS.P50Ratio = rep.FTS.Latency.P50 / rep.FTS.Zhinan.P50
	}
	if rep.FTS.ZhinanFirst.P50 > 0 {
		rep.FTS.P50RatioFirst = rep.FTS.LatencyFirst.P50 / rep.FTS.ZhinanFirst.P50
	}
	var sum float64
	m := 0
	for i := range judged {
		q := &judged[i]
		hits, err := f.search(ctx, ftsQuery{Q: q.Q, Region: q.Params.Region, Flags: q.Params.Flag, Limit: ftsLimit})
		if err != nil {
			return err
		}
		if r, ok := recallAt10(q, hits); ok {
			sum += r
			m++
		}
	}
	if m > 0 {
		rep.FTS.RecallFTS = sum / float64(m)
	}
	return nil
}

func httpRuns(ctx context.Context, o Options, rep *Report, srv *server, queries []query, regions []catalog.Region, logf func(string, ...any)) error {
	// The ceiling: the trivial handler, started like the server.
	logf("HTTP ceiling: trivial gin handler, %d clients, %s", o.Clients, o.Duration)
	triv, err := startTrivial(ctx, o.Binary != "", o.Trivial)
	if err != nil {
		return err
	}
	paths := make([]string, len(queries))
	for i, q := range queries {
		paths[i] = "/api/v1/search?" + q.Values().Encode()
	}
	zipfNext := func(_ int, rng *rand.Rand) (string, bool) {
		return paths[zipfIndex(rng, len(paths))], true
	}
	rep.Ceiling, err = load(ctx, triv.base, o.Clients, o.Duration, zipfNext)
	if serr := triv.stop(); err == nil {
		err = serr
	}
	if err != nil {
		return err
	}

	// Distinct: every request another combination.
	dist := newDistinctSet(queries, regions, o.Seed)
	rep.DistinctCombos = dist.size()
	distinctNext := func(int, *rand.Rand) (string, bool) {
		q, fresh := dist.take()
		return "/api/v1/search?" + q.Values().Encode(), fresh
	}
	logf("HTTP distinct mix: %d combinations, %d clients, %s", dist.size(), o.Clients, o.Duration)
	if o.CPUProfile != "" {
		pf, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return err
		}
		rep.CPUProfile = o.CPUProfile
	}
	rep.Distinct, err = load(ctx, srv.base, o.Clients, o.Duration, distinctNext)
	if o.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	rep.DistinctExhausted = rep.Distinct.Repeated > 0

	// Zipf: the query set, heavily skewed.
	logf("HTTP Zipf mix (s=%.1f over %d queries), %d clients, %s", zipfS, len(paths), o.Clients, o.Duration)
	rep.Zipf, err = load(ctx, srv.base, o.Clients, o.Duration, zipfNext)
	return err
}

// zipfIndex draws a Zipf-distributed index below n (0 most frequent).
func zipfIndex(rng *rand.Rand, n int) int {
	// Inverse transform over the finite harmonic weights 1/(k+1)^s.
	// n is small (the query set), so a linear scan is cheap enough.
	var total float64
	for k := range n {
		total += zipfWeight(k)
	}
	u := rng.Float64() * total
	for k := range n {
		u -= zipfWeight(k)
		if u <= 0 {
			return k
		}
	}
	return n - 1
}

func zipfWeight(k int) float64 {
	return 1 / math.Pow(float64(k+1), zipfS)
}

// machine describes this machine from /proc (Linux) and the runtime.
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
				m.MemGB = kb / (1 << 20)
			}
		}
	}
	return m
}

// importFile streams a JSON Lines file into the store, as zhinan import
// does: each item is checked and staged as it is read.
func importFile(ctx context.Context, st *store.Store, path string) (*store.ImportResult, error) {
	in, err := interchange.OpenFile(path, "")
	if err != nil {
		return nil, err
	}
	defer in.Close()
	imp, err := st.NewImporter(ctx, store.ImportOptions{Author: "bench", Note: "zhinan-bench"})
	if err != nil {
		return nil, err
	}
	defer imp.Close()
	if err := in.Stream(imp); err != nil {
		return nil, err
	}
	return imp.Finish()
}
