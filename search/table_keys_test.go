package search

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The table's code and group lookups answer as maps do through items put,
// moved between groups, removed and their rows reused, and groups added
// past several growths.
func TestTableKeysFollowAMap(t *testing.T) {
	tb := newTable()
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []groupID
	addGroup := func() {
		var id groupID
		for i := range id {
			id[i] = byte(rng.IntN(256))
		}
		id[0] &= 0x0f // crowd the ids' homes, so that runs form
		tb.addGroup(groupText{id: id, title: "事项"})
		ids = append(ids, id)
	}
	for range 3 {
		addGroup()
	}
	want := map[string]bool{}
	for step := range 20_000 {
		code := fmt.Sprintf("C%04d", rng.IntN(700))
		switch rng.IntN(5) {
		case 0, 1, 2:
			tb.put(code, int32(rng.IntN(len(ids))), "610921", "dept", code, 0)
			want[code] = true
		case 3:
			tb.remove(code)
			delete(want, code)
		case 4:
			addGroup()
		}
		if step%97 != 0 {
			continue
		}
		for i := range 700 {
			c := fmt.Sprintf("C%04d", i)
			ri, ok := tb.byCode.find(tb, c)
			if ok != want[c] || ok && tb.Rows[ri].Code != c {
				t.Fatalf("step %d: %s found %v (row %d), want %v", step, c, ok, ri, want[c])
			}
		}
		if tb.byCode.n != len(want) || tb.live != len(want) {
			t.Fatalf("step %d: %d codes recorded, %d live, want %d", step, tb.byCode.n, tb.live, len(want))
		}
	}
	for i, id := range ids {
		if gi, ok := tb.byGroup.find(tb, id); !ok || gi != int32(i) {
			t.Fatalf("group %d found as %d (%v)", i, gi, ok)
		}
	}
	var absent groupID
	absent[0] = 0xff
	if _, ok := tb.byGroup.find(tb, absent); ok {
		t.Fatal("an id no group has was found")
	}
	if len(ids) < 1000 {
		t.Fatalf("only %d groups added: the lookup did not grow", len(ids))
	}
}
