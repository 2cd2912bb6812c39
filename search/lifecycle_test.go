package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
	"zhinan/seeds"
	"zhinan/store"
)

// emptyStore is a real store in a fresh data dir holding the reference
// regions and no item.
func emptyStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	regions, err := seeds.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureRegions(context.Background(), regions); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

// smallStore is a real store in a fresh data dir holding a few seed
// items, for tests that change the store or the index.
func smallStore(t *testing.T, n int) (*store.Store, string, []catalog.Item) {
	t.Helper()
	st, dir := emptyStore(t)
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	items := make([]catalog.Item, n)
	copy(items, cat.Items)
	importItems(t, st, items...)
	return st, dir, items
}

func importItems(t *testing.T, st *store.Store, items ...catalog.Item) {
	t.Helper()
	var d catalog.Decoded
	for i := range items {
		d.Records = append(d.Records, catalog.Record{Line: i + 1, Kind: catalog.KindItem, Item: &items[i]})
	}
	if _, err := st.Import(context.Background(), d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

func openIndex(t *testing.T, dir string, st *store.Store) *Index {
	t.Helper()
	ix, err := Open(context.Background(), dir, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// codes returns the codes of every hit of q, in order.
func codes(t *testing.T, ix *Index, q string) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), Request{Q: q, Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Code)
	}
	return out
}

// runIndex runs the index's loop until the test ends, and returns the
// loop's context.
func runIndex(t *testing.T, ix *Index) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		ix.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ctx
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The first search does not wait for what every search of a generation
// reads (the typo vocabulary, each segment's groups, the names' index, the
// items by region): Run prepares them when the generation becomes live.
func TestRunWarmsBeforeAnySearch(t *testing.T) {
	st, dir, items := smallStore(t, 12)
	ix := openIndex(t, dir, st)
	runIndex(t, ix)
	ix.Notify()
	eventually(t, 5*time.Second, "the vocabulary read", func() bool {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		ix.vocab.mu.Lock()
		defer ix.vocab.mu.Unlock()
		return ix.vocab.v != nil && ix.vocab.v.t == ix.t
	})
	ix.vocab.mu.Lock()
	v := ix.vocab.v
	ix.vocab.mu.Unlock()
	seg, _ := segmenter()
	checked := 0
	for _, w := range cutSearch(seg, items[0].Name) {
		if n := utf8.RuneCountInString(w); n >= 2 && n <= 4 && allHan(w) {
			checked++
			if !v.names[w] {
				t.Errorf("the vocabulary read by Run lacks %s, a word of the name %s", w, items[0].Name)
			}
		}
	}
	if checked == 0 {
		t.Fatalf("the name %s has no word to look up", items[0].Name)
	}
	eventually(t, 5*time.Second, "the segments' groups, the names' index and the items by region prepared", func() bool {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		ix.titleIdx.mu.Lock()
		ti := ix.titleIdx.ti
		ix.titleIdx.mu.Unlock()
		ix.groupMaps.mu.Lock()
		gmT, segs := ix.groupMaps.t, len(ix.groupMaps.segs)
		ix.groupMaps.mu.Unlock()
		ix.byRegion.mu.Lock()
		rr := ix.byRegion.rr
		ix.byRegion.mu.Unlock()
		return ti != nil && ti.t == ix.t && ti.groups == len(ix.t.Groups) && gmT == ix.t && segs > 0 &&
			rr != nil && rr.t == ix.t && len(rr.hits) == ix.t.live
	})
}

func TestIndexFollowsTheStore(t *testing.T) {
	st, dir, items := smallStore(t, 40)
	ix := openIndex(t, dir, st)
	runIndex(t, ix)

	if n, _ := ix.DocCount(); n != 40 {
		t.Fatalf("%d documents, want 40", n)
	}
	// An in-process write followed by Notify is searchable at once.
	renamed := items[0]
	renamed.Name = "乌托邦特别通行许可"
	importItems(t, st, renamed)
	ix.Notify()
	eventually(t, time.Second, "in-process write searchable", func() bool {
		got := codes(t, ix, "乌托邦")
		return len(got) == 1 && got[0] == renamed.Code
	})
	res, _ := ix.Search(context.Background(), Request{Q: "乌托邦"})
	if res.Hits[0].Name != renamed.Name {
		t.Fatalf("hit shows %q, want the new name", res.Hits[0].Name)
	}
	// A write by another store handle (another process) without Notify is
	// found by polling.
	other, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	fresh := items[1]
	fresh.Code, fresh.Name = "ZZ-NEW-1", "桃花源居住登记"
	importItems(t, other, fresh)
	eventually(t, 5*time.Second, "other process's write searchable", func() bool {
		return contains(codes(t, ix, "桃花源"), "ZZ-NEW-1")
	})
	if ix.Seq() == 0 {
		t.Fatal("the index does not record the sequence it caught up to")
	}
}

func TestIndexRebuiltWhenMissingCorruptOrOld(t *testing.T) {
	st, dir, items := smallStore(t, 60)
	ix := openIndex(t, dir, st)
	want := fmt.Sprint(codes(t, ix, "登记"), codes(t, ix, items[3].Name))
	ix.Close()

	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T)
	}{
		{"index folder deleted", func(t *testing.T) {
			if err := os.RemoveAll(filepath.Join(dir, IndexDir)); err != nil {
				t.Fatal(err)
			}
		}},
		{"index files corrupt", func(t *testing.T) {
			gen, _ := readCurrent(filepath.Join(dir, IndexDir))
			filepath.Walk(filepath.Join(dir, IndexDir, gen), func(p string, fi os.FileInfo, err error) error {
				if err == nil && !fi.IsDir() {
					os.WriteFile(p, []byte("not an index"), 0o644)
				}
				return nil
			})
		}},
		{"old mapping version", func(t *testing.T) {
			gen, _ := readCurrent(filepath.Join(dir, IndexDir))
			bi, _, err := openGeneration(filepath.Join(dir, IndexDir, gen))
			if err != nil {
				t.Fatal(err)
			}
			bi.SetInternal(keyMapping, []byte("0"))
			bi.Close()
		}},
		{"table file missing", func(t *testing.T) {
			gen, _ := readCurrent(filepath.Join(dir, IndexDir))
			if err := os.Remove(filepath.Join(dir, IndexDir, gen, tableFile)); err != nil {
				t.Fatal(err)
			}
		}},
		{"table file truncated", func(t *testing.T) {
			gen, _ := readCurrent(filepath.Join(dir, IndexDir))
			p := filepath.Join(dir, IndexDir, gen, tableFile)
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"CURRENT names a missing generation", func(t *testing.T) {
			writeCurrent(filepath.Join(dir, IndexDir), "gen-0")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spoil(t)
			ix, err := Open(context.Background(), dir, st)
			if err != nil {
				t.Fatalf("the index was not rebuilt: %v", err)
			}
			defer ix.Close()
			if got := fmt.Sprint(codes(t, ix, "登记"), codes(t, ix, items[3].Name)); got != want {
				t.Fatalf("after rebuild: %s\nbefore: %s", got, want)
			}
			gens, _ := filepath.Glob(filepath.Join(dir, IndexDir, "gen-*"))
			if len(gens) != 1 {
				t.Fatalf("generations left: %v", gens)
			}
		})
	}
}

func TestReindexIsSwappedIntoARunningIndex(t *testing.T) {
	st, dir, items := smallStore(t, 30)
	ix := openIndex(t, dir, st)
	ctx := runIndex(t, ix)
	before := fmt.Sprint(codes(t, ix, items[0].Name))
	oldGen := ix.gen

	n, err := Reindex(ctx, dir, st)
	if err != nil || n != 30 {
		t.Fatalf("reindex: %d items, %v", n, err)
	}
	eventually(t, 5*time.Second, "running index follows the rebuilt one", func() bool {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		return ix.gen != oldGen
	})
	if after := fmt.Sprint(codes(t, ix, items[0].Name)); after != before {
		t.Fatalf("results changed by a rebuild: %s vs %s", after, before)
	}
	eventually(t, 5*time.Second, "old generation removed", func() bool {
		_, err := os.Stat(filepath.Join(dir, IndexDir, oldGen))
		return os.IsNotExist(err)
	})
	// An in-process rebuild swaps as well.
	if err := ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after := fmt.Sprint(codes(t, ix, items[0].Name)); after != before {
		t.Fatalf("results changed by Rebuild: %s vs %s", after, before)
	}
}

func TestIndexInUseByAnotherOpener(t *testing.T) {
	st, dir, _ := smallStore(t, 5)
	openIndex(t, dir, st)
	if _, err := Open(context.Background(), dir, st); err != ErrIndexBusy {
		t.Fatalf("second opener: %v, want ErrIndexBusy", err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// After a crash the table (saved by itself every saveEvery) may be newer
// than bleve's last write: its rows then name groups bleve lacks. Opening
// catches up from bleve's sequence and indexes those groups again.
func TestTableNewerThanBleveAfterACrash(t *testing.T) {
	st, dir, items := smallStore(t, 40)
	ix := openIndex(t, dir, st)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	genDir := func() string {
		gen, _ := readCurrent(filepath.Join(dir, IndexDir))
		return filepath.Join(dir, IndexDir, gen)
	}
	backup := t.TempDir()
	if err := os.CopyFS(backup, os.DirFS(genDir())); err != nil {
		t.Fatal(err)
	}

	renamed := items[0]
	renamed.Name = "乌托邦特别通行许可"
	fresh := items[1]
	fresh.Code, fresh.Name = "ZZ-NEW-1", "桃花源居住登记"
	importItems(t, st, renamed, fresh)
	ix = openIndex(t, dir, st) // catches up
	gen := genDir()
	if err := ix.Close(); err != nil { // saves the table
		t.Fatal(err)
	}
	newer, err := os.ReadFile(filepath.Join(gen, tableFile))
	if err != nil {
		t.Fatal(err)
	}
	// bleve as it was before the changes, with the newer table.
	if err := os.RemoveAll(gen); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(gen, os.DirFS(backup)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gen, tableFile), newer, 0o644); err != nil {
		t.Fatal(err)
	}

	ix = openIndex(t, dir, st)
	if genDir() != gen {
		t.Fatalf("the index was rebuilt (%s), want the generation caught up", genDir())
	}
	if got := codes(t, ix, "乌托邦"); len(got) != 1 || got[0] != renamed.Code {
		t.Fatalf("乌托邦: %v, want [%s]", got, renamed.Code)
	}
	if got := codes(t, ix, "桃花源"); !contains(got, fresh.Code) {
		t.Fatalf("桃花源: %v, want %s", got, fresh.Code)
	}
	got := fmt.Sprint(codes(t, ix, "登记"), codes(t, ix, items[3].Name))
	ix.Close()
	if err := os.RemoveAll(filepath.Join(dir, IndexDir)); err != nil {
		t.Fatal(err)
	}
	rebuilt := openIndex(t, dir, st)
	if want := fmt.Sprint(codes(t, rebuilt, "登记"), codes(t, rebuilt, items[3].Name)); got != want {
		t.Fatalf("after catching up: %s\nrebuilt: %s", got, want)
	}
}

// Items of one catalogue entry in two counties read alike once their
// departments' region names are set aside: bleve holds their text once.
func TestCountiesShareAGroup(t *testing.T) {
	f := seedFixture(t)
	ix := f.index
	if g, n := ix.Groups(), len(f.cat.Items); g >= n/2 {
		t.Fatalf("%d groups for %d items: the counties' items do not share their text", g, n)
	}
	res, err := ix.Search(context.Background(), Request{Q: "居民身份证首次申领", Size: MaxSize, Group: GroupNone})
	if err != nil {
		t.Fatal(err)
	}
	regions := map[string]bool{}
	for _, h := range res.Hits {
		if h.Name == "居民身份证首次申领" {
			regions[h.Region] = true
		}
	}
	if len(regions) < 10 {
		t.Fatalf("居民身份证首次申领 found in %d regions, want every county's", len(regions))
	}
}

// An index kept up to date by changes answers as one built afresh from
// the same store: a name an item no longer bears leaves no trace — not in
// the results, not in graded matching (where its text would set the bar
// other guides must reach), not in the typo vocabulary.
func TestRenamedItemsLeaveNoTrace(t *testing.T) {
	st, dir, items := smallStore(t, 40)
	ix := openIndex(t, dir, st)
	ctx := runIndex(t, ix)

	it := items[0]
	for _, name := range []string{"玛瑙孔雀登记许可", "琥珀麋鹿陀螺备案", items[0].Name} {
		it.Name = name
		importItems(t, st, it)
		ix.Notify()
		want, err := st.Seq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, 2*time.Second, "rename to "+name+" indexed", func() bool { return ix.Seq() >= want })
		if got := codes(t, ix, name); len(got) == 0 || got[0] != it.Code {
			t.Fatalf("%s finds %v, want %s first", name, got, it.Code)
		}
	}
	fresh := openIndex(t, t.TempDir(), st)
	queries := []string{"玛瑙孔雀", "琥珀麋鹿", "玛瑙孔雀" + items[1].Name, "琥珀" + items[2].Name + "怎么办", items[0].Name}
	for _, q := range queries {
		if got, want := codes(t, ix, q), codes(t, fresh, q); !slices.Equal(got, want) {
			t.Errorf("%s: the live index finds %v, one built afresh %v", q, got, want)
		}
	}
	// The typo vocabulary, once its age is up (made so here) and Run reads
	// it anew, has no word only a former name had.
	ix.mu.RLock()
	_ = ix.vocabulary()
	ix.vocab.mu.Lock()
	aged := *ix.vocab.v // a vocabulary is never changed once read: Run reads it unlocked
	aged.built = time.Now().Add(-soundVocabMaxAge)
	aged.seq--
	ix.vocab.v = &aged
	ix.vocab.mu.Unlock()
	ix.mu.RUnlock()
	ix.refreshVocabulary()
	ix.mu.RLock()
	v := ix.vocabulary()
	ix.mu.RUnlock()
	if time.Since(v.built) > soundVocabMaxAge/2 {
		t.Fatal("the vocabulary was not read anew")
	}
	for _, w := range []string{"玛瑙", "孔雀", "琥珀", "麋鹿"} {
		if v.known[w] {
			t.Errorf("the vocabulary still knows %s, a word of a former name", w)
		}
	}
}

// Which item represents a service, and so the order of equally ranked
// services, depends on the catalogue alone, not on the order in which an
// index took the items in: a live index that caught up with items of
// smaller codes answers as a fresh build does. (Replicas with different
// histories behind one load balancer must answer alike.)
func TestGroupedResultsDoNotDependOnHistory(t *testing.T) {
	st, dir, items := smallStore(t, 12)
	ix := openIndex(t, dir, st)
	// The same services in another county, under codes that sort first.
	var later []catalog.Item
	for _, it := range items {
		c := it
		c.Code = "0" + it.Code[1:]
		c.Region = "610922"
		if c.Region == it.Region {
			c.Region = "610923"
		}
		later = append(later, c)
	}
	importItems(t, st, later...)
	rebuilt := catchUpAndRebuild(t, ix, st)
	for _, q := range []string{"", items[0].Name, items[5].Name, items[11].Name} {
		live, built := codes(t, ix, q), codes(t, rebuilt, q)
		if !slices.Equal(live, built) {
			t.Errorf("%q: the live index answers\n%v\na fresh build\n%v", q, live, built)
		}
		if len(live) == 0 {
			t.Errorf("%q: no rows", q)
		}
	}
}

// heldBacklog is the store as the index reads it, but for a reading of
// the changes after from (once armed), which waits until release is
// closed: a backlog that takes long to index.
type heldBacklog struct {
	Source
	from    int64
	armed   atomic.Bool
	reached chan struct{}
	release chan struct{}
}

func (h *heldBacklog) ChangesSince(ctx context.Context, seq int64, limit int) ([]catalog.Change, error) {
	if h.armed.Load() && seq == h.from {
		select {
		case h.reached <- struct{}{}:
		default:
		}
		<-h.release
	}
	return h.Source.ChangesSince(ctx, seq, limit)
}

// Behind by more than a batch (a large import), the index takes the
// newest changes first: an edit published after the import is
// searchable while the import's items are still being indexed, and the
// index ends caught up with everything.
func TestEditAfterALargeImportIsIndexedFirst(t *testing.T) {
	st, dir, items := smallStore(t, 5)
	ctx := context.Background()
	before, err := st.Seq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := &heldBacklog{Source: st, from: before, reached: make(chan struct{}, 1), release: make(chan struct{})}
	ix, err := Open(ctx, dir, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	h.armed.Store(true)

	var big []catalog.Item
	for i := range catchUpBatch + 300 {
		big = append(big, *catalogtest.GuideVariant(i))
	}
	importItems(t, st, big...)
	edited := items[2]
	edited.Name = "蓬莱仙岛通行证核发"
	importItems(t, st, edited)

	done := make(chan error, 1)
	go func() { done <- ix.CatchUp(ctx) }()
	released := false
	t.Cleanup(func() {
		if !released {
			close(h.release)
			<-done
		}
	})
	<-h.reached
	if got := codes(t, ix, "蓬莱仙岛通行证"); !slices.Equal(got, []string{edited.Code}) {
		t.Fatalf("the edit while the import's backlog waits: %v", got)
	}
	if ix.Seq() != before {
		t.Fatalf("the watermark moved to %d past a backlog from %d", ix.Seq(), before)
	}
	close(h.release)
	released = true
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	head, _ := st.Seq(ctx)
	if ix.Seq() != head {
		t.Fatalf("index at %d, store at %d", ix.Seq(), head)
	}
	if n, _ := ix.DocCount(); n != uint64(5+len(big)) {
		t.Fatalf("index holds %d items, want %d", n, 5+len(big))
	}
	if got := codes(t, ix, "蓬莱仙岛通行证"); !slices.Equal(got, []string{edited.Code}) {
		t.Fatalf("the edit after the catch-up: %v", got)
	}
	// A fresh build answers the same.
	fresh := t.TempDir()
	if _, err := Reindex(ctx, fresh, st); err != nil {
		t.Fatal(err)
	}
	rebuilt := openIndex(t, fresh, st)
	for _, q := range []string{big[7].Name, items[0].Name, ""} {
		if a, b := codes(t, ix, q), codes(t, rebuilt, q); !slices.Equal(a, b) {
			t.Errorf("%q: caught up %v, rebuilt %v", q, a, b)
		}
	}
}

// A text's matches are cached by text and outlive edits that leave the
// texts alone; the items of a group may change meanwhile (an item moves
// to another county, another county's item takes the same text). The
// region filter reads the cached matches by region, and must find the
// items as they are: as an index built afresh does.
func TestRegionFilterAfterItemsMove(t *testing.T) {
	defer func(n int) { regionIndexMin = n }(regionIndexMin)
	regionIndexMin = 1
	st, dir, items := smallStore(t, 1)
	counties := []string{"610921", "610922", "610923", "610924", "610925", "610926"}
	copyIn := func(i int, region string) catalog.Item { return countyCopy(items[0], i, region) }
	var copies []catalog.Item
	for i, r := range counties {
		copies = append(copies, copyIn(i, r))
	}
	importItems(t, st, copies...)
	ix := openIndex(t, dir, st)
	inRegion := func(ix *Index, region string) []string {
		t.Helper()
		res, err := ix.Search(context.Background(), Request{Q: items[0].Name, Region: region, Size: MaxSize, Group: GroupNone})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.Code)
		}
		slices.Sort(out)
		return out
	}
	if got := inRegion(ix, counties[0]); len(got) != 1 {
		t.Fatalf("in %s: %v, want one item", counties[0], got)
	}
	// The first county's copy moves to the second; another copy appears
	// in the third.
	moved := copies[0]
	moved.Region = counties[1]
	importItems(t, st, moved, copyIn(len(counties), counties[2]))
	rebuilt := catchUpAndRebuild(t, ix, st)
	for _, r := range counties {
		if live, built := inRegion(ix, r), inRegion(rebuilt, r); !slices.Equal(live, built) {
			t.Errorf("in %s the live index finds %v, a fresh build %v", r, live, built)
		}
	}
}

// countyCopy returns the i-th copy of item it in another region, under a
// code of its own.
func countyCopy(it catalog.Item, i int, region string) catalog.Item {
	it.Code = fmt.Sprintf("%s-%d", it.Code, i)
	it.Region = region
	return it
}

// catchUpAndRebuild brings the live index ix up to the store st and
// returns an index built afresh from st, to compare it with.
func catchUpAndRebuild(t *testing.T, ix *Index, st *store.Store) *Index {
	t.Helper()
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	if _, err := Reindex(context.Background(), fresh, st); err != nil {
		t.Fatal(err)
	}
	return openIndex(t, fresh, st)
}
