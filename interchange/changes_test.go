package interchange

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
)

// A change export is one line per change, the item as an export's item
// line, then the next line; changes out of sequence order are refused.
func TestChangeWriter(t *testing.T) {
	var b bytes.Buffer
	cw := NewChangeWriter(&b, 10)
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	it := &catalog.Item{Code: "C-1", BaseCode: "000000000001", Name: "<甲>&乙", Type: "行政许可", Region: "610900", Department: "市公安局"}
	if err := cw.Write(Change{Seq: 11, Kind: "created", Code: "C-1", Edition: 1, At: at, Item: it}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Write(Change{Seq: 11, Kind: "withdrawn", Code: "C-1", At: at}); err == nil {
		t.Fatal("a change at the same value was written")
	}
	if err := cw.Write(Change{Seq: 14, Kind: "withdrawn", Code: "C-1", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	var item bytes.Buffer
	enc, _ := NewEncoder(&item, "jsonl")
	if err := enc.Write(catalog.Record{Kind: catalog.KindItem, Item: it}); err != nil {
		t.Fatal(err)
	}
	want := `{"seq":11,"kind":"created","code":"C-1","edition":1,"time":"2026-12-06T02:00:00Z","item":` +
		strings.TrimSuffix(item.String(), "\n") + "}\n" +
		`{"seq":14,"kind":"withdrawn","code":"C-1","time":"2026-12-06T02:00:00Z"}` + "\n" +
		`{"next":14}` + "\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	if cw.Next() != 14 {
		t.Fatalf("next %d", cw.Next())
	}
	var empty bytes.Buffer
	if err := NewChangeWriter(&empty, 7).Close(); err != nil || empty.String() != "{\"next\":7}\n" {
		t.Fatalf("no change: %q %v", empty.String(), err)
	}
}
