package search

import (
	"context"
	"reflect"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/seeds"
)

// TestServiceTotalsFollowItems moves a service's items between counties
// and adds one: a grouped search without filters counts the services
// from their totals (whole_services.go), which are made anew after the
// items changed. Before and after that, the live index's answer is a
// fresh build's.
func TestServiceTotalsFollowItems(t *testing.T) {
	st, dir, items := smallStore(t, 1)
	counties := []string{"610921", "610922", "610923", "610924"}
	copies := []catalog.Item{countyCopy(items[0], 0, counties[0]), countyCopy(items[0], 1, counties[1])}
	importItems(t, st, copies...)
	ix := openIndex(t, dir, st)
	search := func(ix *Index) *Result {
		t.Helper()
		res, err := ix.Search(context.Background(), Request{Q: items[0].Name, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	fresh := func() bool {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		return ix.serviceTotals(ix.t, ix.regionsAbove(ix.t)) != nil
	}
	if res := search(ix); res.Total != 1 || !fresh() {
		t.Fatalf("before the move: %d services, totals made: %v; want 1 and true", res.Total, fresh())
	}
	// The first county's copy moves to the third county, another copy
	// appears in the fourth.
	moved := copies[0]
	moved.Region = counties[2]
	importItems(t, st, moved, countyCopy(items[0], len(counties), counties[3]))
	rebuilt := catchUpAndRebuild(t, ix, st)
	want := search(rebuilt)
	compare := func(when string) {
		t.Helper()
		got := search(ix)
		if got.Total != want.Total || !reflect.DeepEqual(got.Facets, want.Facets) || len(got.Hits) != len(want.Hits) {
			t.Fatalf("%s: the live index finds %d services, facets %v; a fresh build %d, %v", when, got.Total, got.Facets, want.Total, want.Facets)
		}
		for i := range got.Hits {
			if g, w := got.Hits[i], want.Hits[i]; g.Code != w.Code || g.Items != w.Items || g.Regions != w.Regions {
				t.Fatalf("%s: hit %d is %s (%d items in %d regions), a fresh build's %s (%d in %d)", when, i, g.Code, g.Items, g.Regions, w.Code, w.Items, w.Regions)
			}
		}
	}
	compare("before the totals are made anew")
	deadline := time.Now().Add(10 * time.Second)
	for !fresh() {
		if time.Now().After(deadline) {
			t.Fatal("the services' totals were not made anew within 10 s of the items' change")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ix.clearCaches()
	compare("with the totals made anew")
}

// TestNamedRegionFirstFromTotals: a grouped search without filters whose
// query names a county counts the services from their totals, and the
// services with an item in that county still come first, even where a
// service without one scores higher: the seed catalogue's best match of
// 身份证 loses its item in 汉阴县.
func TestNamedRegionFirstFromTotals(t *testing.T) {
	const county = "610921" // 汉阴县
	ctx := context.Background()
	cat, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	st, dir := emptyStore(t)
	importItems(t, st, cat.Items...)
	ix := openIndex(t, dir, st)
	top, err := ix.Search(ctx, Request{Q: "身份证", Size: 1})
	if err != nil || len(top.Hits) == 0 {
		t.Fatalf("身份证: %v, %+v", err, top)
	}
	best := top.Hits[0].Service
	var others []catalog.Item
	for _, it := range cat.Items {
		if serviceKey(it.BaseCode, it.Name) != best || it.Region != county {
			others = append(others, it)
		}
	}
	st, dir = emptyStore(t)
	importItems(t, st, others...)
	ix = openIndex(t, dir, st)
	ix.Warm(ctx)
	var hits []Hit
	for page := 1; ; page++ {
		res, err := ix.Search(ctx, Request{Q: "汉阴 身份证", Size: MaxSize, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		if res.Region != county {
			t.Fatalf("汉阴 身份证: the query's region is %q, want %s", res.Region, county)
		}
		hits = append(hits, res.Hits...)
		if len(res.Hits) < MaxSize {
			break
		}
	}
	first, at := 0, -1
	for i, h := range hits {
		if h.Service == best {
			at = i
		}
		if h.Region != county {
			continue
		}
		if first != i {
			t.Fatalf("hit %d (%s) is of 汉阴县, after hit %d of another region", i, h.Name, first)
		}
		first++
	}
	if first == 0 || at < first || hits[at].Score <= hits[0].Score {
		t.Fatalf("%s, the best match of 身份证, is hit %d; %d hits of 汉阴县 come first; want it after them, scoring higher", best, at, first)
	}
}
