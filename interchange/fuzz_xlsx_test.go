package interchange

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecodeXLSX: an uploaded spreadsheet, however broken, is decoded
// without a panic, and every record it yields is an item or a bundle of a
// data row.
func FuzzDecodeXLSX(f *testing.F) {
	good, err := os.ReadFile("testdata/export-hanyin-police.xlsx")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	sheets, err := os.ReadFile("testdata/situations-bundles.xlsx") // with the 情形 and 一件事 sheets
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sheets)
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		d := DecodeXLSX(bytes.NewReader(data), "f.xlsx")
		for _, r := range d.Records {
			if (r.Item == nil) == (r.Bundle == nil) || r.Line < 2 {
				t.Fatalf("record %+v from row %d", r, r.Line)
			}
		}
	})
}
