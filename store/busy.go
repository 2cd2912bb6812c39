package store

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// IsBusy reports whether err is the database's answer to a writer that
// waited lockWait for another connection's write transaction: nothing was
// written and the same request may succeed a little later.
func IsBusy(err error) bool {
	var e sqlite3.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == sqlite3.ErrBusy || e.Code == sqlite3.ErrLocked
}
