package web

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
)

// healthzBody is what /healthz says.
type healthzBody struct {
	Status     string `json:"status"`
	Store      string `json:"store"`
	Index      string `json:"index"`
	IndexError string `json:"index_error"`
	IndexSeq   int64  `json:"index_seq"`
	StoreSeq   int64  `json:"store_seq"`
	IndexLag   *int64 `json:"index_lag"`
	LastError  string `json:"index_last_error"`
	Rebuilds   int    `json:"index_rebuilds"`
	StoreBytes int64  `json:"store_bytes"`
}

// /healthz reports the search index: ok; degraded (still 200: searches
// answer) while it fails and is rebuilt, with the error; 503 once no
// search can be answered.
func TestHealthzReportsTheIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, _ := openStore(t, dir)
	regions, _ := seeds.Regions()
	if err := st.EnsureRegions(ctx, regions); err != nil {
		t.Fatal(err)
	}
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	var d catalog.Decoded
	for i := range cat.Items[:20] {
		d.Records = append(d.Records, catalog.Record{Line: i + 1, Kind: catalog.KindItem, Item: &cat.Items[i]})
	}
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(ctx, dir, st)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv, err := New(ctx, st, ix, Options{HomeRegion: seeds.CityRegion})
	if err != nil {
		t.Fatal(err)
	}
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	go ix.Run(run)

	health := func() (int, healthzBody) {
		t.Helper()
		r := get(t, srv, "/healthz")
		var h healthzBody
		if err := json.Unmarshal([]byte(r.body), &h); err != nil {
			t.Fatalf("healthz %d: %v %s", r.status, err, r.body)
		}
		return r.status, h
	}
	code, h := health()
	if code != 200 || h.Status != "ok" || h.Store != "ok" || h.Index != "ok" || h.IndexLag == nil || *h.IndexLag != 0 ||
		h.StoreSeq == 0 || h.IndexSeq != h.StoreSeq || h.IndexError != "" || h.StoreBytes < 4096 {
		t.Fatalf("healthy: %d %+v", code, h)
	}

	// The index folder removed: degraded until the rebuild, then ok with
	// the failure remembered.
	if err := os.RemoveAll(filepath.Join(dir, search.IndexDir)); err != nil {
		t.Fatal(err)
	}
	seen := false
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, h = health()
		if h.Index == search.HealthDegraded {
			seen = true
			if code != 200 || h.Status != "degraded" || h.IndexError == "" {
				t.Fatalf("degraded: %d %+v", code, h)
			}
		}
		if seen && h.Index == search.HealthOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz: %d %+v, degraded seen %v", code, h, seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code != 200 || h.Status != "ok" || h.Rebuilds != 1 || h.LastError == "" || h.IndexError != "" {
		t.Fatalf("after the rebuild: %d %+v", code, h)
	}

	// A closed index answers no search.
	ix.Close()
	if code, h = health(); code != 503 || h.Status != "unavailable" || h.Index != search.HealthUnavailable {
		t.Fatalf("closed index: %d %+v", code, h)
	}
}
