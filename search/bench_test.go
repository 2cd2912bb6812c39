package search

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"zhinan/interchange"
	"zhinan/seeds"
	"zhinan/store"
)

// The performance benchmarks of the search issue, at the size of a
// national catalogue: a real SQLite store and a real bleve index over
// seeds.Generate(-bench.items, seed 1), built once per test binary run and
// only when a benchmark asks for it, so `go test ./search` never pays for
// it. Run them with
//
//	go test ./search -run XXX -bench . -benchtime 20s -timeout 60m
//
// (a few minutes: the fixture's import and first build take about a
// minute and a half, BenchmarkIndexBuild one more build). -bench.dir keeps
// the generated store between runs; -bench.vary generates varied guides
// (every item its own text, as real county guides). The goals (README,
// Performance):
// index build ≥ 5,000 items/s; search with facets p50 ≤ 3 ms and p99 ≤
// 20 ms; suggest p99 ≤ 5 ms. They are measured, not asserted.

var (
	benchItems = flag.Int("bench.items", 100000, "items of the generated catalogue the search benchmarks run on")
	benchDir   = flag.String("bench.dir", "", "data directory kept between runs for the search benchmarks' "+
		"catalogue (imported when it does not hold -bench.items items; the index is rebuilt when its mapping changed); "+
		"default: a temporary directory")
	benchVary = flag.Bool("bench.vary", false, "generate varied guides (gen --vary: every item its own text) for the search benchmarks "+
		"(keep a -bench.dir of its own for them)")
)

// benchFixture is a store and an index of a generated catalogue.
type benchFixture struct {
	dir   string
	store *store.Store
	index *Index
	items int
	// setup timings, logged once
	imp, build, settle time.Duration
}

var (
	benchOnce sync.Once
	benchFix  *benchFixture
	benchErr  error
)

// benchSetup returns the shared benchmark fixture, building it on first use.
func benchSetup(b *testing.B) *benchFixture {
	b.Helper()
	benchOnce.Do(func() {
		benchFix, benchErr = newBenchFixture(*benchItems)
		if benchErr == nil {
			f := benchFix
			fmt.Fprintf(os.Stderr, "bench fixture: %d items in %s: generate+decode+import %v, open index %v, merges settled after %v more, RSS %.0f MB\n",
				f.items, f.dir, f.imp.Round(time.Millisecond), f.build.Round(time.Millisecond), f.settle.Round(time.Millisecond), rssMB())
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFix
}

// closeBenchFixture closes the benchmark fixture if one was built; TestMain
// calls it before removing the temporary directory.
func closeBenchFixture() {
	if benchFix != nil {
		benchFix.index.Close()
		benchFix.store.Close()
	}
}

func newBenchFixture(n int) (*benchFixture, error) {
	ctx := context.Background()
	dir := *benchDir
	if dir == "" {
		base := fixtureDir
		if base == "" {
			base = os.TempDir()
		}
		var err error
		if dir, err = os.MkdirTemp(base, "bench-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f := &benchFixture{dir: dir, items: n}
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	f.store = st
	regions, err := seeds.Regions()
	if err != nil {
		return nil, err
	}
	if err := st.EnsureRegions(ctx, regions); err != nil {
		return nil, err
	}
	if have, err := st.CountItems(ctx); err != nil {
		return nil, err
	} else if have != 0 && have != int64(n) {
		return nil, fmt.Errorf("%s holds %d items, want 0 or %d", dir, have, n)
	} else if have == int64(n) {
		return f, f.open(ctx)
	}
	if err := f.load(ctx); err != nil {
		return nil, err
	}
	return f, f.open(ctx)
}

// load imports seeds.Generate(n, seed 1) into the store. Generate streams
// into the decoder; the decoded records are dropped once imported.
func (f *benchFixture) load(ctx context.Context) error {
	st, n := f.store, f.items
	start := time.Now()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(seeds.Generate(pw, seeds.GenOptions{Items: n, Seed: 1, Vary: *benchVary})) }()
	dec := interchange.DecodeJSONL(pr, "gen.jsonl")
	pr.Close()
	if len(dec.Problems) > 0 {
		return fmt.Errorf("decode the generated catalogue: %d problems, first %+v", len(dec.Problems), dec.Problems[0])
	}
	res, err := st.Import(ctx, dec, store.ImportOptions{})
	if err != nil {
		return fmt.Errorf("import the generated catalogue: %w", err)
	}
	if res.Created != n {
		return fmt.Errorf("import created %d items, want %d", res.Created, n)
	}
	f.imp = time.Since(start)
	return nil
}

// open opens (building it when needed) the index of the fixture's store.
func (f *benchFixture) open(ctx context.Context) error {
	runtime.GC()
	start := time.Now()
	ix, err := Open(ctx, f.dir, f.store)
	if err != nil {
		return err
	}
	f.build = time.Since(start)
	f.index = ix
	if c, err := ix.DocCount(); err != nil || int(c) != f.items {
		return fmt.Errorf("index holds %d items (%v), want %d", c, err, f.items)
	}
	f.settle = waitMerged(ix, 2*time.Minute)
	debug.FreeOSMemory()
	return nil
}

// waitMerged waits until bleve's background merger has nothing left to do
// on the index just built (it merges the build's segments for a while after
// the build returns): until the root epoch is merged or stops moving, so
// that its work does not overlap the timed parts; it gives up after max.
// It returns how long it waited.
func waitMerged(ix *Index, max time.Duration) time.Duration {
	start := time.Now()
	stat := func() (root, merged uint64, ok bool) {
		m, _ := ix.bi.StatsMap()["index"].(map[string]any)
		root, ok1 := m["CurRootEpoch"].(uint64)
		merged, ok2 := m["LastMergedEpoch"].(uint64)
		return root, merged, ok1 && ok2
	}
	settled := 0
	var last uint64
	for time.Since(start) < max && settled < 3 {
		time.Sleep(500 * time.Millisecond)
		root, merged, ok := stat()
		if !ok {
			break
		}
		if root == merged || root == last {
			settled++
		} else {
			settled = 0
		}
		last = root
	}
	return time.Since(start)
}

func dirSizeMB(dir string) float64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

// BenchmarkIndexBuild times building a fresh index generation from the
// store (what `zhinan reindex` and a first start do): reading every
// published item, making its document, segmenting, and writing bleve
// batches. The fixture's own build is not timed here.
func BenchmarkIndexBuild(b *testing.B) {
	f := benchSetup(b)
	ctx := context.Background()
	var size, rss float64
	var cpu time.Duration
	iters := 0
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp(f.dir, "reindex-")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c := cpuTime()
		n, err := Reindex(ctx, dir, f.store)
		cpu += cpuTime() - c
		if err != nil {
			b.Fatal(err)
		}
		if n != f.items {
			b.Fatalf("reindexed %d items, want %d", n, f.items)
		}
		b.StopTimer()
		iters++
		size = dirSizeMB(dir)
		debug.FreeOSMemory()
		rss = rssMB()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(iters*f.items)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(size, "index-MB")
	// The process holds the store and the fixture's open index (with its
	// suggester) besides the benchmark's garbage, returned to the OS first.
	b.ReportMetric(rss, "rss-MB")
	// CPU seconds per build, all cores (analysis runs on every core).
	b.ReportMetric(cpu.Seconds()/float64(iters), "cpu-s/op")
	b.ReportMetric(loadAvg(), "load1")
}

// benchQuery is one line of testdata/bench-queries.txt.
type benchQuery struct {
	line string
	req  Request
}

func loadBenchQueries(b *testing.B) []benchQuery {
	b.Helper()
	qs, err := parseBenchQueries("testdata/bench-queries.txt")
	if err != nil {
		b.Fatal(err)
	}
	return qs
}

// parseBenchQueries reads a query set file (see testdata/bench-queries.txt).
func parseBenchQueries(path string) ([]benchQuery, error) {
	lines, err := LoadQuerySet(path)
	if err != nil {
		return nil, err
	}
	out := make([]benchQuery, len(lines))
	for i, l := range lines {
		out[i] = benchQuery{line: l.Line, req: l.Req}
	}
	return out, nil
}

// latencies collects one duration per operation and reports percentiles.
type latencies []time.Duration

func (l latencies) at(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	i := int(float64(len(l))*p+0.5) - 1
	return l[min(max(i, 0), len(l)-1)]
}

// report reports the percentiles ps as "<prefix>p50-ms" … and the
// maximum as "<prefix>max-ms".
func (l latencies) report(b *testing.B, prefix string, ps ...float64) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	for _, p := range ps {
		b.ReportMetric(float64(l.at(p))/1e6, fmt.Sprintf("%sp%g-ms", prefix, p*100))
	}
	b.ReportMetric(float64(l[len(l)-1])/1e6, prefix+"max-ms")
}

// BenchmarkSearch runs the query set round robin with the caches cleared
// before every query, so each one is searched in bleve and its facets
// counted. A first untimed pass warms the index's files and lazy tables.
func BenchmarkSearch(b *testing.B) {
	f := benchSetup(b)
	qs := loadBenchQueries(b)
	ctx := context.Background()
	ix := f.index
	for _, q := range qs { // warm-up, untimed
		ix.clearCaches()
		if _, err := ix.Search(ctx, q.req); err != nil {
			b.Fatalf("%s: %v", q.line, err)
		}
	}
	// Besides the latency, the CPU time of the searching thread: on a
	// machine busy with other work it is what the latency would be with a
	// core to itself (bleve searches on the calling goroutine; background
	// GC work is not counted).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	slow := make([]time.Duration, len(qs)) // worst latency per query, for -v
	lat := make(latencies, 0, 1<<14)
	tcpu := make(latencies, 0, 1<<14)
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		q := &qs[i%len(qs)]
		ix.clearCaches()
		c := threadCPU()
		t := time.Now()
		_, err := ix.Search(ctx, q.req)
		d := time.Since(t)
		tcpu = append(tcpu, threadCPU()-c)
		if err != nil {
			b.Fatalf("%s: %v", q.line, err)
		}
		lat = append(lat, d)
		slow[i%len(qs)] = max(slow[i%len(qs)], d)
		i++
	}
	lat.report(b, "", 0.50, 0.95, 0.99)
	tcpu.report(b, "thread-cpu-", 0.50, 0.99)
	// All the process's CPU time per search, GC included.
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(len(lat)), "cpu-ms/op")
	b.ReportMetric(loadAvg(), "load1")
	if testing.Verbose() {
		order := make([]int, len(qs))
		for j := range order {
			order[j] = j
		}
		slices.SortFunc(order, func(a, c int) int { return int(slow[c] - slow[a]) })
		for _, j := range order[:min(10, len(order))] {
			b.Logf("slowest: %7.2f ms  %s", float64(slow[j])/1e6, qs[j].line)
		}
	}
}

// BenchmarkQuestions asks every question of testdata/questions.jsonl (as
// citizens and 12345 operators word them, most completed by graded
// matching) once per pass, with the caches cleared before each, the index
// warmed by an untimed pass; one op is one pass, and the percentiles are
// those of single questions.
func BenchmarkQuestions(b *testing.B) {
	f := benchSetup(b)
	js, err := LoadJudgments("testdata/questions.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ix := f.index
	ask := func(q JudgedQuery) time.Duration {
		ix.clearCaches()
		start := time.Now()
		if _, err := ix.Search(ctx, Request{Q: q.Q, Region: q.Params.Region, Flags: q.Params.Flag}); err != nil {
			b.Fatalf("%s: %v", q.Q, err)
		}
		return time.Since(start)
	}
	for _, q := range js { // warm-up, untimed
		ask(q)
	}
	var lat latencies
	for b.Loop() {
		for _, q := range js {
			lat = append(lat, ask(q))
		}
	}
	b.ReportMetric(float64(len(js)), "questions")
	lat.report(b, "", 0.5, 0.9, 0.99)
	b.ReportMetric(loadAvg(), "load1")
}

// BenchmarkSearchCached lets the result cache work: queries are drawn with
// a Zipf-like distribution (a few popular queries, a long tail) and pages
// 1–3 likewise, from an empty cache, as a server sees them between two
// index changes.
func BenchmarkSearchCached(b *testing.B) {
	f := benchSetup(b)
	qs := loadBenchQueries(b)
	ctx := context.Background()
	ix := f.index
	rng := rand.New(rand.NewSource(1))
	rank := rng.Perm(len(qs)) // popularity is not the file's order
	pick := rand.NewZipf(rng, 1.1, 2, uint64(len(qs)-1))
	page := rand.NewZipf(rng, 2, 1, 2)
	ix.cache.clear()
	lat := make(latencies, 0, 1<<16)
	hits := 0
	for b.Loop() {
		q := &qs[rank[pick.Uint64()]]
		r := q.req
		if r.Page == 0 {
			r.Page = 1 + int(page.Uint64())
		}
		probe := r
		probe.Validate()
		if _, ok := ix.cache.get(probe.cacheKey()); ok {
			hits++
		}
		t := time.Now()
		_, err := ix.Search(ctx, r)
		d := time.Since(t)
		if err != nil {
			b.Fatalf("%s: %v", q.line, err)
		}
		lat = append(lat, d)
	}
	lat.report(b, "", 0.50, 0.95, 0.99)
	b.ReportMetric(100*float64(hits)/float64(len(lat)), "hit-%")
	b.ReportMetric(loadAvg(), "load1")
}

// suggestPrefixes are what users type on the way to a query: characters,
// full pinyin and initials, short (many candidates) and longer.
var suggestPrefixes = []string{
	"公", "公积", "公积金", "住房", "住房公积金提", "身份", "身份证", "结婚", "营业", "不动产",
	"驾驶", "护照", "低保", "养老", "医保", "社保卡", "户口", "出生", "食品经营", "施工许可",
	"gong", "gongj", "gongjijin", "shenfen", "jiehun", "zhufang", "bu", "yibao",
	"gjj", "sfz", "bdc", "jhdj", "sbk", "jsz", "hz", "s", "g",
}

// BenchmarkSuggest runs the prefixes round robin. Suggest has no cache;
// the name table is built on first use (untimed warm-up).
func BenchmarkSuggest(b *testing.B) {
	f := benchSetup(b)
	ctx := context.Background()
	ix := f.index
	for _, p := range suggestPrefixes {
		if _, err := ix.Suggest(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	lat := make(latencies, 0, 1<<16)
	i := 0
	for b.Loop() {
		p := suggestPrefixes[i%len(suggestPrefixes)]
		t := time.Now()
		_, err := ix.Suggest(ctx, p)
		d := time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, d)
		i++
	}
	lat.report(b, "", 0.50, 0.99)
	b.ReportMetric(float64(len(ix.sug.snapshot())), "names")
	b.ReportMetric(loadAvg(), "load1")
}
