//go:build zhinan_faults

package search

import (
	"errors"
	"os"
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// A test build only (go build -tags zhinan_faults): index writes fail
// while the file named by $ZHINAN_FAULT_INDEX_WRITE exists — with an
// error when it says "error", with a panic inside the write when it says
// "panic" — as on a disk that is full and then has room again. Production
// builds have no such file.
func init() {
	trigger := os.Getenv("ZHINAN_FAULT_INDEX_WRITE")
	if trigger == "" {
		return
	}
	write := applyBatch
	applyBatch = func(bi bleve.Index, b *bleve.Batch) error {
		mode, err := os.ReadFile(trigger)
		if err != nil {
			return write(bi, b)
		}
		if strings.TrimSpace(string(mode)) == "panic" {
			panic("injected panic inside the index write: assignment to entry in nil map")
		}
		return errors.New("injected index write error: no space left on device")
	}
}
