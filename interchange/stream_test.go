package interchange

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"zhinan/catalog"
)

// failingSink fails at its limit-th record and counts what it was given.
type failingSink struct {
	limit, records, problems int
	lines                    []int
}

var errSinkFull = errors.New("sink full")

func (s *failingSink) Record(r catalog.Record) error {
	s.records++
	s.lines = append(s.lines, r.Line)
	if s.records == s.limit {
		return errSinkFull
	}
	return nil
}

func (s *failingSink) Problem(catalog.Problem) { s.problems++ }

// The streaming decoders hand records to the sink in input order, and
// stop when it fails, returning its error: no record is given after it.
func TestStreamStopsWhenTheSinkFails(t *testing.T) {
	var jsonl, csv strings.Builder
	csv.WriteString("实施编码,基本编码,事项名称,事项类型,行政区划代码,实施主体\n")
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&jsonl, `{"code":"T-%d","name":"事项"}`+"\n", i)
		fmt.Fprintf(&csv, "T-%d,000000000001,事项,公共服务,610921,民政局\n", i)
	}
	for _, tc := range []struct {
		name   string
		stream func(*failingSink) error
		first  int // the line of the first record
	}{
		{"jsonl", func(s *failingSink) error { return StreamJSONL(strings.NewReader(jsonl.String()), "a.jsonl", s) }, 1},
		{"national", func(s *failingSink) error {
			return StreamNational(strings.NewReader(strings.ReplaceAll(jsonl.String(), `"code"`, `"TASK_CODE"`)), "a.jsonl", s)
		}, 1},
		{"csv", func(s *failingSink) error { return StreamCSV(strings.NewReader(csv.String()), "a.csv", s) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &failingSink{limit: 1234}
			if err := tc.stream(s); !errors.Is(err, errSinkFull) {
				t.Fatalf("stream: %v", err)
			}
			if s.records != 1234 {
				t.Fatalf("%d records given, want 1234", s.records)
			}
			for i, l := range s.lines {
				if l != tc.first+i {
					t.Fatalf("record %d is of line %d, want %d", i, l, tc.first+i)
				}
			}
			all := &failingSink{limit: -1}
			if err := tc.stream(all); err != nil || all.records != 5000 || all.problems != 0 {
				t.Fatalf("whole stream: %v, %d records, %d problems", err, all.records, all.problems)
			}
		})
	}
}
