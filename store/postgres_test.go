package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Replicas starting together on one PostgreSQL database run a one-time
// setup one after the other (Exclusive), each from a store of its own.
func TestExclusiveRunsOneAtATime(t *testing.T) {
	st, dir := openTestStore(t)
	if !st.Postgres() {
		t.Skip("SQLite: a data directory has one server; Exclusive just runs its function")
	}
	others := make([]*Store, 3)
	for i := range others {
		o, err := OpenPostgres(st.pg.ConnString(), dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { o.Close() })
		others[i] = o
	}
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for _, o := range append(others, st) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := o.Exclusive(context.Background(), "seed", func() error {
				n := inside.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(50 * time.Millisecond)
				inside.Add(-1)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d setups ran at once", most.Load())
	}
}

// A replica waits for another's setup however long it takes: longer than
// the lock_timeout (lockWait) its connections have.
func TestExclusiveWaitsLongerThanLockWait(t *testing.T) {
	st, dir := openTestStore(t)
	if !st.Postgres() {
		t.Skip("SQLite: a data directory has one server; Exclusive just runs its function")
	}
	other, err := OpenPostgres(st.pg.ConnString(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	held := make(chan struct{})
	hold := lockWait + time.Second
	go other.Exclusive(context.Background(), "seed", func() error {
		close(held)
		time.Sleep(hold)
		return nil
	})
	<-held
	start := time.Now()
	if err := st.Exclusive(context.Background(), "seed", func() error { return nil }); err != nil {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	if waited := time.Since(start); waited < hold-time.Second {
		t.Fatalf("took the lock after %v while another held it for %v", waited, hold)
	}
}
