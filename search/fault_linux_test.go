package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

// Reading a memory-mapped file beyond its end (truncated under the
// mapping) raises SIGBUS; inside guard it is a recovered panic, and guard
// restores the goroutine's setting afterwards.
func TestGuardRecoversMemoryFaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "segment")
	size := 2 * os.Getpagesize()
	if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	var b byte
	err = guard("read", func() error {
		b = mem[size-1]
		return nil
	})
	if !isFault(err) {
		t.Fatalf("reading a truncated mapping: %v (%d), want a fault", err, b)
	}
	if debug.SetPanicOnFault(false) {
		t.Fatal("guard left faults made panics")
	}
}

// A search of an index whose segment was truncated under it returns
// ErrIndexDamaged instead of ending the process; the index reports itself
// unavailable and is rebuilt.
func TestSearchOfATruncatedSegment(t *testing.T) {
	st, dir, items := smallStore(t, 30)
	ix := openIndex(t, dir, st)
	segs, _ := filepath.Glob(filepath.Join(dir, IndexDir, ix.gen, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment file")
	}
	for _, s := range segs {
		if err := os.Truncate(s, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ix.Search(context.Background(), Request{Q: items[3].Name})
	if !errors.Is(err, ErrIndexDamaged) {
		t.Fatalf("search of a truncated index: %v, want ErrIndexDamaged", err)
	}
	if h := ix.Health(); h.State != HealthUnavailable || h.Err == "" {
		t.Fatalf("health: %+v", h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ix.Run(ctx)
	eventually(t, 15*time.Second, "index rebuilt", func() bool {
		res, err := ix.Search(context.Background(), Request{Q: items[3].Name})
		return err == nil && len(res.Hits) > 0 && ix.Health().State == HealthOK
	})
}
