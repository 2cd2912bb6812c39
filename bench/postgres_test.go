package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"zhinan/interchange"
	"zhinan/internal/testdb"
	"zhinan/seeds"
)

// TestDisjointCatalogue checks the second catalogue of the PostgreSQL
// run: as many items as asked, none with a code of the first, and every
// record valid on its own; with plain and with varied guides.
func TestDisjointCatalogue(t *testing.T) {
	for _, vary := range []bool{false, true} {
		t.Run(fmt.Sprint("vary ", vary), func(t *testing.T) { testDisjointCatalogue(t, vary) })
	}
}

func testDisjointCatalogue(t *testing.T, vary bool) {
	dir := t.TempDir()
	codes, err := generateCodes(filepath.Join(dir, "a.jsonl"), seeds.GenOptions{Items: 300, Seed: 1, Vary: vary})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 300 {
		t.Fatalf("%d codes in the first catalogue, want 300", len(codes))
	}
	path := filepath.Join(dir, "b.jsonl")
	n, err := generateDisjoint(path, seeds.GenOptions{Items: 300, Seed: 2, Vary: vary}, codes)
	if err != nil {
		t.Fatal(err)
	}
	if n != 300 {
		t.Errorf("%d items in the second catalogue, want 300", n)
	}
	dec, err := interchange.DecodeFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(dec.Problems) > 0 {
		t.Fatalf("problems: %v", dec.Problems[0])
	}
	taken := map[string]bool{}
	for _, c := range codes {
		taken[c] = true
	}
	items := 0
	for _, r := range dec.Records {
		if r.Item == nil {
			continue
		}
		items++
		if taken[r.Item.Code] {
			t.Errorf("%s is in both catalogues", r.Item.Code)
		}
	}
	if items != n {
		t.Errorf("decoded %d items, the filter counted %d", items, n)
	}
}

// TestEditPlan checks the edits' markers and targets: distinct, spread
// over the catalogue.
func TestEditPlan(t *testing.T) {
	ms := markers(100, 1)
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m] || len([]rune(m)) != 6 {
			t.Errorf("marker %q repeated or not three words", m)
		}
		seen[m] = true
	}
	if len(ms) != 100 || strings.Join(ms, "") == strings.Join(markers(100, 2), "") {
		t.Errorf("%d markers, or the same order for another seed", len(ms))
	}
	codes := make([]string, 1000)
	for i := range codes {
		codes[i] = string(rune('a'+i%26)) + strings.Repeat("x", i)
	}
	ts := editTargets(codes, 10)
	if len(ts) != 10 || ts[0] != codes[50] || ts[9] != codes[950] {
		t.Errorf("targets %d, first %.3s, last %.3s", len(ts), ts[0], ts[len(ts)-1])
	}
	if got := editTargets(codes[:3], 10); len(got) != 3 {
		t.Errorf("%d targets of 3 codes", len(got))
	}
}

// TestImportPhases reads the phases from the backends' traces: the
// connection that copied gives COPY and the swap; every backend's CPU
// counts.
func TestImportPhases(t *testing.T) {
	s := time.Second
	p := phasesOf(map[int32]*backendTrace{
		1: {copyFirst: -1, copyLast: -1, txFirst: -1, txLast: -1, cpu: 0.5},
		2: {copyFirst: 3 * s, copyLast: 5 * s, txFirst: 6 * s, txLast: 9 * s, cpu: 4},
	})
	want := ImportPhases{CopyStartS: 3, CopyEndS: 5, SwapStartS: 6, SwapEndS: 9, BackendCPUS: 4.5}
	if p != want {
		t.Errorf("phases %+v, want %+v", p, want)
	}
	if runtime.GOOS == "linux" {
		if cpu, ok := procCPU(os.Getpid(), ""); !ok || cpu < 0 {
			t.Errorf("procCPU of this process: %v %v", cpu, ok)
		}
		if _, ok := procCPU(os.Getpid(), "no such command"); ok {
			t.Error("procCPU matched another command name")
		}
	}
}

// TestScratchDatabase creates and drops a scratch database, on the
// server of ZHINAN_TEST_DB (skipped without it).
func TestScratchDatabase(t *testing.T) {
	admin := os.Getenv(testdb.EnvVar)
	if admin == "" {
		t.Skip(testdb.EnvVar + " is not set")
	}
	ctx := context.Background()
	db, err := createScratch(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	dropped := false
	t.Cleanup(func() {
		if !dropped {
			db.drop()
		}
	})
	conn, err := db.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.transactions(ctx, conn); err != nil || n < 0 {
		t.Errorf("transactions: %d %v", n, err)
	}
	conn.Close(ctx)
	if v, err := db.version(ctx); err != nil || !strings.HasPrefix(v, "PostgreSQL ") {
		t.Errorf("version %q %v", v, err)
	}
	if err := db.drop(); err != nil {
		t.Fatal(err)
	}
	dropped = true
	if _, err := db.connect(ctx); err == nil {
		t.Error("the scratch database still accepts connections after drop")
	}
}
