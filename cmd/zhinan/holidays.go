package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"zhinan/catalog"
)

// HolidaysFile is the calendar file serve reads from the data directory
// when --holidays names none; without it the built-in copy serves.
const HolidaysFile = "holidays.txt"

// holidaysFlag adds serve's --holidays flag.
func holidaysFlag(fs *flag.FlagSet) *string {
	return fs.String("holidays", "", "working-day calendar the feedback deadlines count by (format: see catalog/data/holidays.txt; default: the data directory's "+HolidaysFile+" if there is one, else the built-in 2026 calendar)")
}

// loadCalendar reads the working-day calendar: the file named, else the
// data directory's holidays.txt when it exists, else the built-in one. A
// file with an error is refused with the line and what is wrong.
func loadCalendar(path, dataDir string) (*catalog.Calendar, string, error) {
	named := path != ""
	if !named {
		path = filepath.Join(dataDir, HolidaysFile)
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && !named {
		return catalog.BuiltinCalendar(), "", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	cal, err := catalog.ParseCalendar(f)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return cal, path, nil
}

// warnUncovered logs when the calendar says nothing of this year, or of
// next year from December on (the State Council publishes the next year's
// notice in November): deadlines then count Monday to Friday only.
func warnUncovered(cal *catalog.Calendar, now time.Time) {
	now = now.In(time.FixedZone("CST", 8*3600))
	years := []int{now.Year()}
	if now.Month() == time.December {
		years = append(years, now.Year()+1)
	}
	for _, y := range years {
		if !cal.Covers(y) {
			slog.Warn("the holiday calendar has no line for a year feedback deadlines may fall in: they count Monday to Friday only that year; add the State Council's notice to the --holidays file", "year", y)
		}
	}
}
