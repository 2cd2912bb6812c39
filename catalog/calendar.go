package catalog

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// The working-day calendar: deadlines counted in working days (工作日), as
// the State Council's holiday notices make them — Monday to Friday, less
// the days off (休), plus the weekends worked (调休上班, 班). The data is a
// text file (data/holidays.txt is the built-in copy; its head says the
// format), so that next year's notice is an edit, not a rebuild.

// Limits of a calendar file.
const (
	MaxCalendarLines = 2000 // lines of a calendar file
	MaxCalendarRange = 31   // days of one FROM..TO line
	// MaxCalendarLineBytes bounds a line, its note included.
	MaxCalendarLineBytes = 1024
)

//go:embed data/holidays.txt
var builtinHolidays string

// Calendar knows which days are working days.
type Calendar struct {
	off   map[civilDay]bool // 休: no work, whatever the weekday
	work  map[civilDay]bool // 班: a weekend worked
	years map[int]bool      // the years the file says anything of
}

// civilDay is a date without a time or place.
type civilDay struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time) civilDay {
	y, m, d := t.Date()
	return civilDay{y, m, d}
}

// BuiltinCalendar is the calendar of data/holidays.txt, parsed once (a
// Calendar is only read once made, so one serves every caller).
func BuiltinCalendar() *Calendar { return builtinCalendar() }

var builtinCalendar = sync.OnceValue(func() *Calendar {
	c, err := ParseCalendar(strings.NewReader(builtinHolidays))
	if err != nil {
		panic("catalog: the built-in holiday calendar: " + err.Error())
	}
	return c
})

// ParseCalendar reads a calendar file. An error names the line and what
// is wrong with it (MsgCalendarLine); nothing of a file with an error is
// used.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{off: map[civilDay]bool{}, work: map[civilDay]bool{}, years: map[int]bool{}}
	first := map[civilDay]int{} // the line that gave a date
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, MaxCalendarLineBytes), MaxCalendarLineBytes)
	n := 0
	for sc.Scan() {
		n++
		if n > MaxCalendarLines {
			return nil, fmt.Errorf(MsgCalendarLine, n, fmt.Sprintf(MsgCalendarLines, MaxCalendarLines))
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(why string) error { return fmt.Errorf(MsgCalendarLine, n, why) }
		fields := strings.Fields(line)
		if len(fields) < 2 {
			return nil, fail(MsgCalendarKind)
		}
		from, to, ok := parseDayRange(fields[0])
		if !ok {
			return nil, fail(MsgCalendarDate)
		}
		if to.Before(from) || to.Sub(from) >= MaxCalendarRange*24*time.Hour {
			return nil, fail(fmt.Sprintf(MsgCalendarRange, MaxCalendarRange))
		}
		var into map[civilDay]bool
		switch fields[1] {
		case "休":
			into = c.off
		case "班":
			into = c.work
		default:
			return nil, fail(MsgCalendarKind)
		}
		for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
			d := dayOf(t)
			if at, seen := first[d]; seen {
				return nil, fail(fmt.Sprintf(MsgCalendarTwice, t.Format(time.DateOnly), at))
			}
			first[d] = n
			into[d] = true
			c.years[d.y] = true
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf(MsgCalendarLine, n+1, fmt.Sprintf(MsgCalendarLong, MaxCalendarLineBytes))
		}
		return nil, err
	}
	return c, nil
}

// parseDayRange reads 2026-10-01 or 2026-10-01..2026-10-07 (dates in UTC:
// only their calendar days count).
func parseDayRange(s string) (from, to time.Time, ok bool) {
	a, b, isRange := strings.Cut(s, "..")
	from, err := time.Parse(time.DateOnly, a)
	if err != nil {
		return from, to, false
	}
	if !isRange {
		return from, from, true
	}
	to, err = time.Parse(time.DateOnly, b)
	return from, to, err == nil
}

// WorkingDay says whether the calendar day of t is a working day.
func (c *Calendar) WorkingDay(t time.Time) bool {
	d := dayOf(t)
	switch {
	case c.off[d]:
		return false
	case c.work[d]:
		return true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays is the n-th working day after the calendar day of t (t's
// own day does not count, whatever the hour: a deadline of n working days
// for something filed on t), at midnight in t's location; n < 1 gives t's
// day.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.WorkingDay(day) {
			n--
		}
	}
	return day
}

// Covers says whether the calendar holds the notice of year: a year it
// says nothing of is counted Monday to Friday, which its holidays will
// make wrong.
func (c *Calendar) Covers(year int) bool { return c.years[year] }
