package catalog

import (
	"strings"
	"testing"
	"time"
)

// china is the time of the deadlines' users (UTC+8, no daylight saving).
var china = time.FixedZone("CST", 8*3600)

func chinaDay(s string, hour int) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 30, 0, 0, china)
}

// TestCalendarDeadlines2026 checks due dates worked out by hand from the
// State Council's notice for 2026: 中秋 9-25..27 off, 国庆 10-01..07 off,
// Sunday 9-20 and Saturday 10-10 worked; 春节 2-15..23 off, Saturdays 2-14
// and 2-28 worked.
func TestCalendarDeadlines2026(t *testing.T) {
	c := BuiltinCalendar()
	for _, tc := range []struct {
		filed string
		hour  int
		n     int
		due   string
		why   string
	}{
		{"2026-09-25", 16, 5, "2026-10-09", "a 差评 on Friday 9-25 (中秋): 9-28, 29, 30, then 国庆, 10-08, 10-09"},
		{"2026-09-25", 9, 1, "2026-09-28", "办不成事 on 中秋: the Monday after"},
		{"2026-09-17", 10, 5, "2026-09-23", "Thursday 9-17: 9-18, Sunday 9-20 worked, 9-21, 22, 23"},
		{"2026-09-19", 11, 1, "2026-09-20", "Saturday 9-19: the worked Sunday"},
		{"2026-10-09", 17, 1, "2026-10-10", "Friday 10-09: the worked Saturday"},
		{"2026-09-30", 23, 5, "2026-10-13", "9-30 late: 10-08, 09, Saturday 10-10, 10-12, 10-13"},
		{"2026-10-01", 0, 1, "2026-10-08", "国庆 day 1: the first day after the holiday"},
		{"2026-02-13", 12, 5, "2026-02-27", "春节: Saturday 2-14 worked, then 2-24, 25, 26, 27"},
		{"2026-02-27", 12, 1, "2026-02-28", "Friday 2-27: Saturday 2-28 worked"},
		{"2026-03-06", 12, 5, "2026-03-13", "an ordinary week: five weekdays"},
		{"2026-12-31", 12, 1, "2027-01-01", "into 2027, which the file does not cover: Monday to Friday"},
	} {
		got := c.AddWorkingDays(chinaDay(tc.filed, tc.hour), tc.n)
		if got.Format(time.DateOnly) != tc.due {
			t.Errorf("%s +%d working days = %s, want %s (%s)", tc.filed, tc.n, got.Format(time.DateOnly), tc.due, tc.why)
		}
		if got.Location() != china || got.Hour() != 0 {
			t.Errorf("%s +%d: %s, want midnight in the filing's zone", tc.filed, tc.n, got)
		}
	}
	if !c.Covers(2026) || c.Covers(2027) {
		t.Errorf("covers 2026 %t, 2027 %t: want the built-in file to hold 2026 only", c.Covers(2026), c.Covers(2027))
	}
	for day, want := range map[string]bool{"2026-09-20": true, "2026-10-10": true, "2026-10-07": false, "2026-09-26": false, "2026-10-08": true, "2026-10-11": false} {
		if got := c.WorkingDay(chinaDay(day, 12)); got != want {
			t.Errorf("%s working: %t, want %t", day, got, want)
		}
	}
}

func TestParseCalendarErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"2026-13-01 休", "节假日日历第1行：日期应写作"},
		{"# a comment\n\n2026-10-01 上 国庆", "节假日日历第3行：第二项应为“休”（放假）或“班”（调休上班）"},
		{"2026-10-01", "第1行：第二项应为"},
		{"2026-10-07..2026-10-01 休", "第1行：区间应从早到晚，且不超过31天"},
		{"2026-01-01..2026-03-01 休", "第1行：区间应从早到晚"},
		{"2026-10-01 休\n2026-09-30..2026-10-02 班", "节假日日历第2行：2026-10-01 已在第1行写过"},
		{"2026-10-01..2026-10-0x 休", "第1行：日期应写作"},
		{strings.Repeat("# x\n", MaxCalendarLines) + "2026-10-01 休", "第2001行：超过2000行"},
		{"2026-10-01 休 国庆\n2026-10-02 休 " + strings.Repeat("长", 400), "节假日日历第2行：一行超过1024字节"},
	} {
		c, err := ParseCalendar(strings.NewReader(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) || c != nil {
			t.Errorf("%.40q: %v, want an error with %q and no calendar", tc.file, err, tc.want)
		}
	}
	c, err := ParseCalendar(strings.NewReader("2027-02-06..2027-02-12 休 春节（示例）\n2027-02-20 班\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkingDay(chinaDay("2027-02-08", 9)) || !c.WorkingDay(chinaDay("2027-02-20", 9)) || !c.Covers(2027) {
		t.Error("an edited calendar: 2027-02-08 must be off, Saturday 2027-02-20 worked, 2027 covered")
	}
}
