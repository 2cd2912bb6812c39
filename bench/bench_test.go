package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"zhinan/seeds"
)

// TestRunSmall runs the whole harness on a small catalogue with the
// servers in this process, so that it cannot rot. It asserts that every
// figure was measured and is sane, never how fast anything was.
func TestRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index and runs HTTP load")
	}
	var progress bytes.Buffer
	rep, err := Run(context.Background(), Options{
		Items: 300, Clients: 2, Duration: 300 * time.Millisecond,
		Queries: "../search/testdata/bench-queries.txt",
		Judged:  "../search/testdata/relevance.jsonl",
		Dir:     t.TempDir(),
		Out:     &progress,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	if rep.ServerMode != "in-process" || rep.Items != 300 || rep.IndexDocs != 300 {
		t.Errorf("mode %q, items %d, docs %d", rep.ServerMode, rep.Items, rep.IndexDocs)
	}
	positive := map[string]float64{
		"import items/s": rep.ImportItemsPerSec, "index items/s": rep.IndexItemsPerSec,
		"import+index items/s": rep.ImportIndexPerSec, "index size": rep.IndexSizeMB,
		"start-up": rep.StartupSeconds, "RSS start": rep.RSSStartMB, "RSS after": rep.RSSAfterMB,
		"search p50": rep.Search.P50, "suggest p50": rep.Suggest.P50,
		"ceiling req/s": rep.Ceiling.ReqPerSec, "distinct req/s": rep.Distinct.ReqPerSec,
		"zipf req/s": rep.Zipf.ReqPerSec, "distinct p99": rep.Distinct.P99, "zipf p99": rep.Zipf.P99,
		"fts p50": rep.FTS.Latency.P50, "zhinan p50 same texts": rep.FTS.Zhinan.P50,
		"fts ratio": rep.FTS.P50Ratio, "recall zhinan": rep.FTS.RecallZhinan,
		"distinct/ceiling": rep.DistinctOfCeiling, "zipf/ceiling": rep.ZipfOfCeiling,
	}
	for name, v := range positive {
		if !(v > 0) {
			t.Errorf("%s = %v, want > 0", name, v)
		}
	}
	for name, l := range map[string]Latency{"search": rep.Search, "suggest": rep.Suggest, "distinct": rep.Distinct.Latency, "zipf": rep.Zipf.Latency, "fts": rep.FTS.Latency} {
		if l.N == 0 || l.P50 > l.P95 || l.P95 > l.P99 || l.P99 > l.Max {
			t.Errorf("%s latency not ordered: %+v", name, l)
		}
	}
	if rep.Distinct.Repeated > 0 || rep.Distinct.Errors > 0 || rep.Zipf.Errors > 0 || rep.Ceiling.Errors > 0 {
		t.Errorf("distinct %+v, zipf %+v, ceiling %+v", rep.Distinct, rep.Zipf, rep.Ceiling)
	}
	if rep.FTS.RecallZhinan > 1 || rep.FTS.RecallFTS > 1 || rep.FTS.Judged < 50 || rep.FTS.Texts == 0 {
		t.Errorf("fts %+v", rep.FTS)
	}
	if len(rep.Checks) != 10 { // every target of issue 7 at 100k, and the uncached FTS5 ratio
		t.Errorf("%d checks, want 10", len(rep.Checks))
	}

	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"HTTP ceiling", "HTTP distinct mix", "HTTP Zipf mix", "FTS5 trigram search", "recall@10", "start-up"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	path := filepath.Join(t.TempDir(), "bench.json")
	if err := rep.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, rep) {
		t.Errorf("JSON does not round-trip:\n%s", b)
	}
}

// TestDistinctRequests checks that the distinct mix never repeats a
// request and keeps every query's own filters.
func TestDistinctRequests(t *testing.T) {
	qs, err := loadQueries("../search/testdata/bench-queries.txt")
	if err != nil {
		t.Fatal(err)
	}
	regions, err := seeds.Regions()
	if err != nil {
		t.Fatal(err)
	}
	d := newDistinctSet(qs, regions, 1)
	if d.size() < 100_000 {
		t.Errorf("%d combinations for %d queries", d.size(), len(qs))
	}
	// take never hands out two requests with the same query and filters.
	seen := map[string]bool{}
	for range 20_000 {
		q, fresh := d.take()
		if !fresh {
			t.Fatal("combinations used up")
		}
		q.Req.Page = 0
		k := q.Values().Encode()
		if seen[k] {
			t.Fatalf("repeated %s", k)
		}
		seen[k] = true
	}
}
