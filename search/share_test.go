package search

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestShareOut checks the sharing of a search's work: every task runs
// once, helpers work only on free slots and give them back, a task's
// error is returned and a helper's panic is raised on the caller.
func TestShareOut(t *testing.T) {
	t.Run("every task once, slots given back", func(t *testing.T) {
		slots := make(chan struct{}, 4)
		slots <- struct{}{} // the caller's own
		const n = 1000
		var runs [n]atomic.Int32
		workers := 0
		err := shareOut(slots, n, func(w int) { workers = w }, func(_, i int) error {
			runs[i].Add(1)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range runs {
			if got := runs[i].Load(); got != 1 {
				t.Fatalf("task %d ran %d times", i, got)
			}
		}
		if workers != 4 {
			t.Errorf("%d workers with 3 free slots, want 4", workers)
		}
		if len(slots) != 1 {
			t.Errorf("%d slots taken after the work, want the caller's 1", len(slots))
		}
	})
	t.Run("no free slot: the caller alone", func(t *testing.T) {
		slots := make(chan struct{}, 1)
		slots <- struct{}{}
		err := shareOut(slots, 10, nil, func(w, _ int) error {
			if w != 0 {
				return errors.New("a helper worked without a slot")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an error stops the work", func(t *testing.T) {
		boom := errors.New("boom")
		var ran atomic.Int32
		err := shareOut(make(chan struct{}, 2), 1000, nil, func(_, i int) error {
			ran.Add(1)
			if i == 3 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("error %v, want %v", err, boom)
		}
		if n := ran.Load(); n >= 1000 {
			t.Errorf("%d tasks ran after the error", n)
		}
	})
	t.Run("a helper's panic is the caller's", func(t *testing.T) {
		// The first two tasks wait for each other, so that the caller
		// and the helper each hold one; the helper's panics.
		var started sync.WaitGroup
		started.Add(2)
		defer func() {
			if r := recover(); r != "helper failed" {
				t.Fatalf("recovered %v, want the helper's panic", r)
			}
		}()
		_ = shareOut(make(chan struct{}, 2), 2, nil, func(w, _ int) error {
			started.Done()
			waited := make(chan struct{})
			go func() { started.Wait(); close(waited) }()
			select {
			case <-waited:
			case <-time.After(10 * time.Second):
				return errors.New("the other task did not start")
			}
			if w != 0 {
				panic("helper failed")
			}
			return nil
		})
		t.Fatal("no panic")
	})
}
