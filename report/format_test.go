package report

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// GoldenNow is the fixed clock of the golden store: 2025-12-31 10:00 in
// China.
var goldenNow = time.Date(2025, 12, 31, 2, 0, 0, 0, time.UTC)

// goldenBatch is a run of n items of one region, department and type; the
// first full of them are 全程网办, the first online 网上可办, and so on.
type goldenBatch struct {
	region, dept, typ                                 string
	n, full, online, zero, one, immediate, hall, near int
}

// goldenBatches make a small 安康 catalogue with distinct rates: a city
// level, two counties, a department with only ex-officio items (no rate)
// and a county with only ex-officio items.
var goldenBatches = []goldenBatch{
	{"610900", "市行政审批服务局", "行政许可", 40, 6, 37, 5, 30, 8, 36, 0},
	{"610900", "市公安局", "公共服务", 25, 10, 22, 10, 20, 12, 25, 5},
	{"610900", "市城市管理执法局", "行政处罚", 6, 0, 0, 0, 0, 0, 0, 0},
	{"610902", "汉滨区民政局", "行政给付", 18, 2, 12, 2, 9, 4, 15, 10},
	{"610902", "汉滨区民政局", "公共服务", 7, 1, 3, 1, 7, 0, 2, 7},
	{"610921", "汉阴县公安局", "行政确认", 22, 9, 21, 9, 22, 11, 22, 22},
	{"610921", "汉阴县公安局", "行政检查", 5, 0, 0, 0, 0, 0, 0, 0},
	{"610923", "宁陕县自然资源局", "行政强制", 4, 0, 0, 0, 0, 0, 0, 0},
}

// goldenLines returns the golden catalogue as JSON Lines.
func goldenLines() string {
	var b strings.Builder
	seq := 0
	for _, g := range goldenBatches {
		for i := 0; i < g.n; i++ {
			seq++
			depth, visits, handling := 1, 2, "承诺件"
			switch {
			case i < g.full:
				depth = 4
			case i < g.online:
				depth = 3
			}
			switch {
			case i < g.zero:
				visits = 0
			case i < g.one:
				visits = 1
			}
			if i < g.immediate {
				handling = catalog.Immediate
			}
			line, _ := json.Marshal(map[string]any{
				"code": fmt.Sprintf("GOLD-%s-%03d", g.region, seq), "base_code": fmt.Sprintf("%012d", seq),
				"name": fmt.Sprintf("黄金事项%d", seq), "type": g.typ, "region": g.region, "department": g.dept,
				"online_depth": depth, "visits": visits, "handling": handling, "in_hall": i < g.hall, "nearby": i < g.near,
			})
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	b.WriteString(goldenBundles)
	return b.String()
}

// goldenBundles are two published bundles (一件事) of the golden
// catalogue, with the entries they name. Resolved in each region with
// items: 出生一件事's first step is the city's item 41 everywhere, its
// second 汉滨区's 72 or 汉阴县's 97 (none in the city or 宁陕县), its third
// the city's item 1; 退休一件事 is 汉滨区's item 90. Members: 1 and 41 of
// the city, 72 and 90 of 汉滨区, 97 of 汉阴县.
const goldenBundles = `{"kind":"entry","base_code":"000000000001","name":"黄金事项1","type":"行政许可"}
{"kind":"entry","base_code":"000000000041","name":"黄金事项41","type":"公共服务"}
{"kind":"entry","base_code":"000000000072","name":"黄金事项72","type":"行政给付"}
{"kind":"entry","base_code":"000000000090","name":"黄金事项90","type":"公共服务"}
{"kind":"entry","base_code":"000000000097","name":"黄金事项97","type":"行政确认"}
{"kind":"bundle","code":"birth","name":"出生一件事","steps":[{"base_code":"000000000041","stage":1},{"base_code":"000000000072","or":["000000000097"],"stage":1},{"base_code":"000000000001","stage":2}]}
{"kind":"bundle","code":"retire","name":"退休一件事","steps":[{"base_code":"000000000090","stage":1}]}
`

// goldenStore is a store holding the golden catalogue, imported through
// the real import path with the clock fixed at goldenNow.
func goldenStore(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	st.Now = func() time.Time { return goldenNow }
	d := interchange.DecodeJSONL(strings.NewReader(goldenLines()), "golden.jsonl")
	if len(d.Problems) > 0 {
		t.Fatal(d.Problems)
	}
	if _, err := st.Import(ctx, d, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

var goldenTargets = Targets{"one_visit_rate": 60, "online_rate": 90, "in_hall_rate": 70}

// goldenReports are the golden coverage reports by name.
func goldenReports(t testing.TB) map[string]*Coverage {
	st := goldenStore(t)
	out := map[string]*Coverage{}
	for name, req := range map[string]Request{
		"region":     {By: store.ByRegion},
		"city":       {By: store.ByRegion, Region: "610900"},
		"department": {By: store.ByDepartment, Region: "610900"},
		"type":       {By: store.ByType},
	} {
		rep, err := BuildCoverage(context.Background(), st, req, goldenTargets)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rep
	}
	return out
}

// checkGolden compares got with testdata/NAME, rewriting it under -update.
func checkGolden(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run TestCoverageGolden -update)", err)
	}
	return want
}

// TestCoverageGolden writes the golden reports in every format and
// compares them with testdata/coverage-NAME.{txt,csv,json,xlsx} (run with
// -update after an intended change). Text, CSV and JSON compare bytes;
// XLSX compares the cell values and number formats of every sheet and the
// chart.
func TestCoverageGolden(t *testing.T) {
	for name, rep := range goldenReports(t) {
		tables := rep.Tables()
		for _, format := range Formats {
			t.Run(name+"/"+format, func(t *testing.T) {
				var got bytes.Buffer
				var err error
				if format == FormatJSON {
					err = WriteJSON(&got, rep)
				} else {
					err = WriteTables(&got, format, tables)
				}
				if err != nil {
					t.Fatal(err)
				}
				ext := format
				if format == FormatTable {
					ext = "txt"
				}
				file := "coverage-" + name + "." + ext
				want := checkGolden(t, file, got.Bytes())
				if format != FormatXLSX {
					if !bytes.Equal(got.Bytes(), want) {
						t.Fatalf("%s differs from testdata/%s:\n%s", format, file, got.String())
					}
					return
				}
				a, b := xlsxDump(t, got.Bytes()), xlsxDump(t, want)
				if a != b {
					t.Fatalf("xlsx differs from testdata/%s:\n%s\nwant:\n%s", file, a, b)
				}
			})
		}
	}
}
