package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
)

func TestLoadCalendar(t *testing.T) {
	dir := t.TempDir()
	// No file: the built-in calendar.
	cal, file, err := loadCalendar("", dir)
	if err != nil || file != "" || cal != catalog.BuiltinCalendar() {
		t.Fatalf("default: %v %q %v", cal, file, err)
	}
	// The data directory's file, edited for 2027 without a rebuild.
	own := filepath.Join(dir, HolidaysFile)
	if err := os.WriteFile(own, []byte("# 2027\n2027-01-01 休 元旦\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cal, file, err = loadCalendar("", dir)
	if err != nil || file != own || !cal.Covers(2027) || cal.WorkingDay(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("data dir file: %v %q %v", cal, file, err)
	}
	// A named file that is missing or wrong is refused, naming the line.
	if _, _, err := loadCalendar(filepath.Join(dir, "none.txt"), dir); err == nil {
		t.Errorf("a missing --holidays file was accepted")
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("2027-01-01 休\n2027-13-01 休\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadCalendar(bad, dir); err == nil || !strings.Contains(err.Error(), "bad.txt") || !strings.Contains(err.Error(), "2") {
		t.Errorf("bad file: %v", err)
	}
}
