package search

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// CURRENT must name a gen-<digits> folder inside the index folder; anything
// else is never opened, and the index is rebuilt.
func TestIndexCurrentMustNameAGeneration(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"gen-17", "elsewhere"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "gen-18"), nil, 0o644)
	os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "gen-19"))
	for _, tc := range []struct {
		current, want string
		ok            bool
	}{
		{"gen-17\n", "gen-17", true},
		{"  gen-17  ", "gen-17", true},
		{"", "", false},
		{"gen-", "", false},
		{"gen-1a", "", false},
		{"elsewhere", "", false},
		{"../gen-17", "", false},
		{"gen-17/../elsewhere", "", false},
		{"gen-17/store", "", false},
		{"/tmp", "", false},
		{"..", "", false},
		{"gen-99", "", false},                         // no such folder
		{"gen-18", "", false},                         // a file
		{"gen-19", "", false},                         // a symbolic link
		{"gen-" + strings.Repeat("7", 40), "", false}, // too long
		{"gen-17\x00../../x", "", false},              // NUL
		{strings.Repeat("gen-17", 1000), "", false},   // huge
	} {
		if err := os.WriteFile(filepath.Join(dir, currentFile), []byte(tc.current), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readCurrent(dir)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("CURRENT %.40q: %q, %v; want %q (ok %v)", tc.current, got, err, tc.want, tc.ok)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("CURRENT %.40q: error of %d bytes", tc.current, len(err.Error()))
		}
	}
	os.Remove(filepath.Join(dir, currentFile))
	if got, err := readCurrent(dir); got != "" || err != nil {
		t.Errorf("no CURRENT: %q, %v; want a new index", got, err)
	}
}

// An index whose CURRENT names a generation outside the index folder is
// rebuilt inside it; the folder named is neither opened nor removed.
func TestIndexCurrentOutsideTheIndexIsRebuilt(t *testing.T) {
	st, dir, items := smallStore(t, 20)
	ix := openIndex(t, dir, st)
	want := codes(t, ix, items[2].Name)
	gen := ix.gen
	ix.Close()
	indexDir := filepath.Join(dir, IndexDir)
	outside := filepath.Join(dir, "outside")
	if err := os.Rename(filepath.Join(indexDir, gen), outside); err != nil {
		t.Fatal(err)
	}
	writeCurrent(indexDir, "../outside")
	ix = openIndex(t, dir, st)
	if !generationName.MatchString(ix.gen) {
		t.Fatalf("live generation %q", ix.gen)
	}
	if got := codes(t, ix, items[2].Name); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("after the rebuild: %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(outside, "store")); err != nil {
		t.Fatalf("the folder CURRENT named was touched: %v", err)
	}
	if got, err := readCurrent(indexDir); got != ix.gen || err != nil {
		t.Fatalf("CURRENT after the rebuild: %q %v", got, err)
	}
}

// guard turns a panic inside bleve into an error.
func TestGuardRecoversPanics(t *testing.T) {
	err := guard("write", func() error {
		var m map[string]int
		//lint:ignore SA5000 the panic a bleve write raised, on purpose
		m["x"] = 1
		return nil
	})
	var fe *faultError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "nil map") || len(fe.stack) == 0 {
		t.Fatalf("panic: %v", err)
	}
	plain := errors.New("plain")
	if err := guard("write", func() error { return plain }); err != plain {
		t.Fatalf("an error passes unchanged: %v", err)
	}
	if err := writeBatch(nil, nil); !isFault(err) {
		t.Fatalf("a write with no index: %v, want a fault", err)
	}
}

// failingWrites makes every bleve batch fail with a panic inside it (as
// zapx's "assignment to entry in nil map" did) while it is set.
func failingWrites(t *testing.T) *atomic.Bool {
	var failing atomic.Bool
	write := applyBatch
	applyBatch = func(bi bleve.Index, b *bleve.Batch) error {
		if failing.Load() {
			var m map[string]int
			//lint:ignore SA5000 the panic a bleve write raised, on purpose
			m["injected"]++
		}
		return write(bi, b)
	}
	t.Cleanup(func() { applyBatch = write })
	return &failing
}

// A write that panics inside bleve ends no goroutine: the index is
// degraded, searches answer from the last good state, the rebuild is
// retried while writes fail and succeeds once they work again.
func TestIndexSurvivesFailingWrites(t *testing.T) {
	failing := failingWrites(t) // before Open: its cleanup runs after Close
	st, dir, items := smallStore(t, 30)
	ix := openIndex(t, dir, st)
	runIndex(t, ix)
	oldGen := ix.gen
	before := codes(t, ix, items[4].Name)

	failing.Store(true)
	fresh := items[1]
	fresh.Code, fresh.Name = "ZZ-FAIL-1", "桃花源居住登记"
	importItems(t, st, fresh)
	ix.Notify()
	eventually(t, 5*time.Second, "index degraded", func() bool { return ix.Health().State == HealthDegraded })
	h := ix.Health()
	if !strings.Contains(h.Err, "nil map") || h.Since.IsZero() || h.NextRetry.IsZero() {
		t.Fatalf("health of the failed index: %+v", h)
	}
	if got := codes(t, ix, items[4].Name); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Fatalf("searches while failing: %v, want %v", got, before)
	}
	// The first rebuild (after retryFirst) fails with the writes; the
	// next waits twice as long.
	eventually(t, 10*time.Second, "a failed rebuild", func() bool {
		h := ix.Health()
		return h.NextRetry.Sub(h.Since) > 2*retryFirst
	})
	if ix.Health().State != HealthDegraded {
		t.Fatal("healthy while writes fail")
	}
	failing.Store(false)
	eventually(t, 15*time.Second, "index rebuilt", func() bool {
		return contains(codes(t, ix, "桃花源"), fresh.Code) && ix.Health().State == HealthOK
	})
	h = ix.Health()
	if h.Rebuilds != 1 || !strings.Contains(h.LastErr, "nil map") || h.Generation == oldGen {
		t.Fatalf("health after the rebuild: %+v", h)
	}
	eventually(t, 5*time.Second, "the failed generation removed", func() bool {
		_, err := os.Stat(filepath.Join(dir, IndexDir, oldGen))
		return os.IsNotExist(err)
	})
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if h := ix.Health(); h.State != HealthUnavailable {
		t.Fatalf("health of a closed index: %+v", h)
	}
}

// The index folder removed under a running index: the next check finds
// the generation gone and a new one is built.
func TestIndexFolderRemovedIsRebuilt(t *testing.T) {
	st, dir, items := smallStore(t, 20)
	ix := openIndex(t, dir, st)
	runIndex(t, ix)
	if err := os.RemoveAll(filepath.Join(dir, IndexDir)); err != nil {
		t.Fatal(err)
	}
	fresh := items[1]
	fresh.Code, fresh.Name = "ZZ-GONE-1", "桃花源居住登记"
	importItems(t, st, fresh)
	ix.Notify()
	eventually(t, 15*time.Second, "index rebuilt", func() bool {
		return contains(codes(t, ix, "桃花源"), fresh.Code) && ix.Health().State == HealthOK
	})
	if h := ix.Health(); h.Rebuilds != 1 || h.LastErr == "" {
		t.Fatalf("health after the rebuild: %+v", h)
	}
	if gen, err := readCurrent(filepath.Join(dir, IndexDir)); err != nil || gen != ix.gen {
		t.Fatalf("CURRENT %q %v, live %s", gen, err, ix.gen)
	}
}
