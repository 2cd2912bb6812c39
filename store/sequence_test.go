package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// stampItem is a write as every writer makes one: in a write transaction,
// take the next sequence value, then (after pause, as a slow transaction
// would) stamp the item code with it.
func stampItem(ctx context.Context, st *Store, code string, pause time.Duration) (int64, error) {
	var seq int64
	err := st.writeTx(ctx, func(tx *gorm.DB) error {
		var err error
		if seq, err = nextSeq(tx, 1); err != nil {
			return err
		}
		time.Sleep(pause)
		return tx.Exec(`UPDATE items SET seq = ? WHERE code = ?`, seq, code).Error
	})
	return seq, err
}

func importVariants(t *testing.T, st *Store, n int) []string {
	t.Helper()
	var items []*catalog.Item
	var codes []string
	for i := range n {
		it := catalogtest.GuideVariant(i)
		items = append(items, it)
		codes = append(codes, it.Code)
	}
	mustImport(t, st, catalogtest.ItemRecords(items...))
	return codes
}

// A transaction that has taken a sequence value holds back every other
// writer until it commits: a later value is never committed (and read)
// while an earlier one is still to come.
func TestSeqLaterWriterWaitsForEarlier(t *testing.T) {
	st, _ := openTestStore(t)
	ctx := context.Background()
	codes := importVariants(t, st, 2)

	taken, release := make(chan int64), make(chan struct{})
	slow := make(chan error, 1)
	go func() {
		slow <- st.writeTx(ctx, func(tx *gorm.DB) error {
			seq, err := nextSeq(tx, 1)
			if err != nil {
				return err
			}
			taken <- seq
			<-release
			return tx.Exec(`UPDATE items SET seq = ? WHERE code = ?`, seq, codes[0]).Error
		})
	}()
	first := <-taken

	var fastSeq atomic.Int64
	fast := make(chan error, 1)
	go func() {
		seq, err := stampItem(ctx, st, codes[1], 0)
		fastSeq.Store(seq)
		fast <- err
	}()
	// While the slow transaction is open the fast one cannot commit, and
	// readers see neither.
	select {
	case err := <-fast:
		t.Fatalf("a writer committed while an earlier sequence value was open: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	if ch, err := st.ChangesSince(ctx, first-1, 10); err != nil || len(ch) != 0 {
		t.Fatalf("changes after %d while both are open: %v %v", first-1, ch, err)
	}
	close(release)
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	if err := <-fast; err != nil {
		t.Fatal(err)
	}
	if got := fastSeq.Load(); got != first+1 {
		t.Fatalf("the waiting writer took %d, want %d", got, first+1)
	}
	ch, err := st.ChangesSince(ctx, first-1, 10)
	if err != nil || len(ch) != 2 || ch[0].Code != codes[0] || ch[1].Code != codes[1] {
		t.Fatalf("changes after both: %v %v", ch, err)
	}
}

// Concurrent writers whose transactions take their time between taking a
// sequence value and committing, and a follower reading the changes as
// the search index does (from the last value it saw on): when the writers
// stop, the follower has seen every item's last write.
func TestSeqFollowerMissesNothingUnderConcurrentWriters(t *testing.T) {
	st, _ := openTestStore(t)
	ctx := context.Background()
	codes := importVariants(t, st, 40)
	start, err := st.Seq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	const writers, writes = 6, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range writes {
				code := codes[rng.IntN(len(codes))]
				pause := time.Duration(rng.IntN(3000)) * time.Microsecond
				if _, err := stampItem(ctx, st, code, pause); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	// The follower: whatever it has seen of an item is the seq of its
	// latest write it read.
	seen := map[string]int64{}
	last := start
	follow := func() {
		for {
			ch, err := st.ChangesSince(ctx, last, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range ch {
				if c.Seq <= last {
					t.Fatalf("change %v read after %d", c, last)
				}
				seen[c.Code] = c.Seq
				last = c.Seq
			}
			if len(ch) < 7 {
				return
			}
		}
	}
	reads := 0
	for running := true; running; reads++ {
		select {
		case <-done:
			running = false
		default:
		}
		follow()
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	follow()

	end, err := st.Seq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if end-start != writers*writes || last != end {
		t.Fatalf("sequence %d → %d (%d writes), follower at %d", start, end, writers*writes, last)
	}
	var rows []catalog.Change
	if err := st.db.Raw(`SELECT code, seq FROM items WHERE seq > ?`, start).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if seen[r.Code] != r.Seq {
			t.Errorf("item %s was last written at %d; the follower saw %d", r.Code, r.Seq, seen[r.Code])
		}
	}
	if len(rows) != len(seen) {
		t.Errorf("the follower saw %d items, %d were written", len(seen), len(rows))
	}
	t.Logf("%d writers × %d writes, follower read %d times", writers, writes, reads)
}
