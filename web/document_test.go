package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// roundTripDoc is an API document as a client keeps it: every member.
type roundTripDoc map[string]any

func decodeDoc(t *testing.T, r response) roundTripDoc {
	t.Helper()
	var d roundTripDoc
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return d
}

func (d roundTripDoc) json(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (d roundTripDoc) edition(t *testing.T) int {
	t.Helper()
	n, ok := d["edition"].(float64)
	if !ok {
		t.Fatalf("no edition in %v", d)
	}
	return int(n)
}

// TestDocumentsRoundTrip: what the API answers can be sent back as it is.
// For 20 items: a published item's document (GET /api/v1/items/{code},
// with flags, edition and updated_at), its code changed, creates a new
// item; its draft (GET …/draft, with state, author, findings, checks …)
// with one field changed saves a new edition; sent back unchanged, it
// saves no edition. Changing a read-only member is refused and names it,
// a document of another edition is a conflict, an unknown member is
// still refused.
func TestDocumentsRoundTrip(t *testing.T) {
	f := seedServer(t)
	admin := signIn(t, f, "admin")
	var codes []string
	for i, it := range f.cat.Items {
		if len(codes) == 20 {
			break
		}
		if it.Name == "" || len(it.Materials) == 0 {
			continue
		}
		pub := admin.call("GET", "/api/v1/items/"+it.Code, "", nil)
		if pub.status != http.StatusOK {
			t.Fatalf("published %s: %d %s", it.Code, pub.status, pub.body)
		}
		doc := decodeDoc(t, pub)
		code := fmt.Sprintf("RT-%02d-%s", i, it.Code)
		doc["code"] = code
		if r := admin.call("POST", "/api/v1/items", doc.json(t), nil); r.status != http.StatusCreated {
			t.Fatalf("create %s from a published document: %d %s", code, r.status, r.body)
		}
		codes = append(codes, code)
	}
	if len(codes) < 20 {
		t.Fatalf("only %d items", len(codes))
	}
	for i, code := range codes {
		path := "/api/v1/items/" + code + "/draft"
		d := decodeDoc(t, admin.call("GET", path, "", nil))
		base := d.edition(t)
		d["conditions"] = fmt.Sprint(d["conditions"]) + fmt.Sprintf("（第%d项的补充说明）", i)
		r := admin.call("PUT", path, d.json(t), map[string]string{"If-Match": strconv.Itoa(base)})
		if r.status != http.StatusOK {
			t.Fatalf("%s: a changed draft sent back: %d %s", code, r.status, r.body)
		}
		changed := decodeDoc(t, admin.call("GET", path, "", nil))
		if changed.edition(t) != base+1 || changed["conditions"] != d["conditions"] {
			t.Fatalf("%s: after the change edition %d (want %d), conditions %v", code, changed.edition(t), base+1, changed["conditions"])
		}
		before := admin.call("GET", "/api/v1/items/"+code+"/editions", "", nil).body
		r = admin.call("PUT", path, changed.json(t), map[string]string{"If-Match": strconv.Itoa(base + 1)})
		if r.status != http.StatusOK {
			t.Fatalf("%s: an unchanged draft sent back: %d %s", code, r.status, r.body)
		}
		if n := decodeDoc(t, r).edition(t); n != base+1 {
			t.Fatalf("%s: an unchanged save answered edition %d, want %d", code, n, base+1)
		}
		if after := admin.call("GET", "/api/v1/items/"+code+"/editions", "", nil).body; after != before {
			t.Fatalf("%s: an unchanged save changed the editions:\n%s\n%s", code, before, after)
		}
	}

	code := codes[0]
	path := "/api/v1/items/" + code + "/draft"
	d := decodeDoc(t, admin.call("GET", path, "", nil))
	ifMatch := map[string]string{"If-Match": strconv.Itoa(d.edition(t))}
	for _, tc := range []struct {
		member string
		value  any
		status int
	}{
		{"state", "published", http.StatusBadRequest},
		{"author", "someone-else", http.StatusBadRequest},
		{"findings", []any{map[string]any{"rule": "made_up", "field": "name", "message": "客户端自拟"}}, http.StatusBadRequest},
		{"flags", []any{"one_visit"}, http.StatusBadRequest},
		{"created_at", "2020-01-01T00:00:00Z", http.StatusBadRequest},
		{"edition", float64(d.edition(t) - 1), http.StatusConflict},
		{"no_such_member", "x", http.StatusBadRequest},
	} {
		changed := roundTripDoc{}
		for k, v := range d {
			changed[k] = v
		}
		changed[tc.member] = tc.value
		r := admin.call("PUT", path, changed.json(t), ifMatch)
		if r.status != tc.status {
			t.Errorf("%s changed: %d %s, want %d", tc.member, r.status, r.body, tc.status)
			continue
		}
		var e struct {
			Error struct{ Field string } `json:"error"`
		}
		json.Unmarshal([]byte(r.body), &e)
		if tc.status == http.StatusBadRequest && tc.member != "no_such_member" && e.Error.Field != tc.member {
			t.Errorf("%s changed: the error names %q", tc.member, e.Error.Field)
		}
	}
	if n := decodeDoc(t, admin.call("GET", path, "", nil)).edition(t); n != d.edition(t) {
		t.Fatalf("a refused save changed the edition: %d, was %d", n, d.edition(t))
	}
	// A new item from a published document whose flags were changed.
	pub := decodeDoc(t, admin.call("GET", "/api/v1/items/"+f.cat.Items[0].Code, "", nil))
	pub["code"], pub["flags"] = "RT-FLAGS", []any{"zero_visit", "one_visit"}
	if r := admin.call("POST", "/api/v1/items", pub.json(t), nil); r.status != http.StatusBadRequest {
		t.Fatalf("create with changed flags: %d %s", r.status, r.body)
	}
}
