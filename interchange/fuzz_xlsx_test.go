package interchange

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecodeXLSX: an uploaded spreadsheet, however broken, is decoded
// without a panic, and every item it yields is a record of a data row.
func FuzzDecodeXLSX(f *testing.F) {
	good, err := os.ReadFile("testdata/export-hanyin-police.xlsx")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		d := DecodeXLSX(bytes.NewReader(data), "f.xlsx")
		for _, r := range d.Records {
			if r.Item != nil && r.Line < 2 {
				t.Fatalf("item from row %d", r.Line)
			}
		}
	})
}
