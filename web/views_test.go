package web

import (
	"strings"
	"testing"
)

func TestMostViewedItemsLeadTheHomePage(t *testing.T) {
	f := seedServer(t)
	// An item nobody would pick by default: the last seed item.
	it := f.cat.Items[len(f.cat.Items)-1]
	for i := 0; i < 50; i++ {
		if r := get(t, f.srv, "/items/"+it.Code); r.status != 200 {
			t.Fatal(r.status)
		}
	}
	f.srv.flushViews(t.Context())
	top, err := f.store.MostViewed(t.Context(), 1)
	if err != nil || len(top) != 1 || top[0].Code != it.Code {
		t.Fatalf("most viewed: %+v %v", top, err)
	}
	home := get(t, f.srv, "/")
	hot := home.body[strings.Index(home.body, `id="hot-h"`):]
	first := hot[strings.Index(hot, "<li>"):]
	if !strings.Contains(first[:strings.Index(first, "</li>")], "/items/"+it.Code) {
		t.Fatalf("the most viewed item is not first among 热门事项: %s", first[:200])
	}
}
