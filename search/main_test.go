package search

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zhinan-search")
	if err != nil {
		panic(err)
	}
	fixtureDir = dir
	code := m.Run()
	if f, err := seedIndex(); err == nil && f != nil {
		f.index.Close()
		f.store.Close()
	}
	closeBenchFixture()
	os.RemoveAll(dir)
	os.Exit(code)
}
