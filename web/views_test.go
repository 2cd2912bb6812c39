package web

import (
	"net/http"
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
	firstHot := func(cookies ...*http.Cookie) string {
		home := get(t, f.srv, "/", cookies...)
		hot := home.body[strings.Index(home.body, `id="hot-h"`):]
		first := hot[strings.Index(hot, "<li>"):]
		return first[:strings.Index(first, "</li>")]
	}
	// With no region chosen it links the city's copy of the service (or
	// its items in every region): TestHotItemsWithoutRegion.
	if first := firstHot(); !strings.Contains(first, ">"+it.Name+"</a>") {
		t.Fatalf("the most viewed service is not first among 热门事项: %s", first)
	}
	if first := firstHot(&http.Cookie{Name: regionCookie, Value: it.Region}); !strings.Contains(first, "/items/"+it.Code) {
		t.Fatalf("with its region chosen, the most viewed item is not first among 热门事项: %s", first)
	}
}
