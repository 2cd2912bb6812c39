package seeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/interchange"
)

func generate(t testing.TB, n int, seed int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, GenOptions{Items: n, Seed: seed}); err != nil {
		t.Fatalf("Generate(%d, %d): %v", n, seed, err)
	}
	return buf.Bytes()
}

func TestGenerateDeterministic(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		a, b  int64
		equal bool
	}{
		{"same seed", 3000, 7, 7, true},
		{"same seed, seed 0", 500, 0, 0, true},
		{"different seeds", 3000, 7, 8, false},
		{"negative seed differs", 3000, -1, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := generate(t, tc.n, tc.a), generate(t, tc.n, tc.b)
			if got := bytes.Equal(a, b); got != tc.equal {
				t.Errorf("outputs equal = %v, want %v", got, tc.equal)
			}
		})
	}
}

// genStats is what checkOutput learnt of a generated catalogue.
type genStats struct {
	items, onApplication, exOfficio int
	flags                           map[string]int
	audiences                       map[string]int
	visits, depths                  map[int]int
	regions                         map[string]bool
}

// varied are the guide-quality rules the generator's regional variation
// touches: a template that passes them yields items that pass them.
var varied = []int{catalog.RuleDaysOrder, catalog.RuleImmediate, catalog.RuleZeroVisit, catalog.RuleFullOnline,
	catalog.RuleVisitReason, catalog.RulePhones, catalog.RuleStepDays, catalog.RuleOnlinePayment, catalog.RuleLocation}

// checkOutput decodes a generated catalogue and checks everything Generate
// promises about each record: canonical bytes, record order, valid items,
// unique codes, existing regions, departments and entries, rules 3–6 always
// and the rules the variation touches for templates not flawed on purpose.
func checkOutput(t *testing.T, out []byte) genStats {
	t.Helper()
	regions, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	tmpls, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	flawed := map[string]bool{}
	for _, tm := range tmpls {
		flawed[tm.Item.Name] = tm.Flawed != ""
	}
	regionSet := map[string]bool{}
	for _, r := range regions {
		regionSet[r.Code] = true
	}
	dec := interchange.DecodeJSONL(bytes.NewReader(out), "gen.jsonl")
	for _, p := range dec.Problems {
		t.Errorf("decode: %v", p)
	}
	lines := bytes.SplitAfter(out, []byte("\n"))
	if n := len(lines) - 1; n != len(dec.Records) || len(lines[n]) != 0 {
		t.Fatalf("%d lines, %d records", n, len(dec.Records))
	}
	st := genStats{flags: map[string]int{}, audiences: map[string]int{}, visits: map[int]int{},
		depths: map[int]int{}, regions: map[string]bool{}}
	depts := map[[2]string]bool{}
	entries := map[string]*catalog.Entry{}
	codes := map[string]bool{}
	stage := 0 // 0 departments, 1 entries, 2 items
	var re bytes.Buffer
	enc, err := interchange.NewEncoder(&re, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range dec.Records {
		re.Reset()
		if err := enc.Write(rec); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(re.Bytes(), lines[i]) {
			t.Fatalf("line %d is not canonical:\n got %s\nwant %s", i+1, lines[i], re.Bytes())
		}
		switch rec.Kind {
		case catalog.KindDepartment:
			if stage > 0 {
				t.Fatalf("line %d: department after entries or items", i+1)
			}
			d := rec.Department
			k := [2]string{d.Region, d.Name}
			if depts[k] || !regionSet[d.Region] || d.Name == "" || d.CreditCode == "" || d.Phone == "" {
				t.Errorf("line %d: bad or repeated department %+v", i+1, d)
			}
			depts[k] = true
		case catalog.KindEntry:
			if stage > 1 {
				t.Fatalf("line %d: entry after items", i+1)
			}
			stage = 1
			if entries[rec.Entry.BaseCode] != nil || len(rec.Entry.Levels) == 0 {
				t.Errorf("line %d: bad or repeated entry %+v", i+1, rec.Entry)
			}
			entries[rec.Entry.BaseCode] = rec.Entry
		case catalog.KindItem:
			stage = 2
			it := rec.Item
			st.items++
			if errs := catalog.Validate(it); len(errs) > 0 {
				t.Errorf("line %d (%s): invalid: %v", i+1, it.Code, errs)
			}
			if codes[it.Code] {
				t.Errorf("line %d: duplicate code %s", i+1, it.Code)
			}
			codes[it.Code] = true
			if !regionSet[it.Region] {
				t.Errorf("line %d: unknown region %s", i+1, it.Region)
			}
			if !depts[[2]string{it.Region, it.Department}] {
				t.Errorf("line %d: department %s %s has no record before it", i+1, it.Region, it.Department)
			}
			e := entries[it.BaseCode]
			switch {
			case e == nil:
				t.Errorf("line %d: no entry %s", i+1, it.BaseCode)
			case e.Type != it.Type || !strings.HasPrefix(it.Name, e.Name) || !contains(e.Levels, it.Level):
				t.Errorf("line %d: item %s %s %s does not conform to entry %+v", i+1, it.Name, it.Type, it.Level, e)
			}
			isFlawed, ok := flawed[it.Name]
			if !ok {
				isFlawed = flawed[stripSuffix(it.Name)]
			}
			for _, f := range catalog.Quality(it) {
				switch {
				case f.Rule >= catalog.RuleImmediate && f.Rule <= catalog.RuleVisitReason,
					!isFlawed && slices.Contains(varied, f.Rule):
					t.Errorf("line %d (%s %s): rule %d: %s", i+1, it.Code, it.Name, f.Rule, f.Message)
				}
			}
			st.regions[it.Region] = true
			for _, a := range it.Audience {
				st.audiences[a]++
			}
			if !catalog.OnApplication(it.Type) {
				st.exOfficio++
				continue
			}
			st.onApplication++
			for _, f := range catalog.Flags(it) {
				st.flags[f]++
			}
			st.visits[*it.Visits]++
			st.depths[*it.OnlineDepth]++
		default:
			t.Errorf("line %d: unexpected kind %q", i+1, rec.Kind)
		}
	}
	return st
}

func TestGenerateRecords(t *testing.T) {
	for _, n := range []int{0, 1, 137, 2500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			st := checkOutput(t, generate(t, n, 42))
			if st.items != n {
				t.Errorf("%d items, want %d", st.items, n)
			}
		})
	}
}

func TestGenerateSpread(t *testing.T) {
	const n = 5000
	for _, seed := range []int64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			st := checkOutput(t, generate(t, n, seed))
			if st.items != n {
				t.Fatalf("%d items, want %d", st.items, n)
			}
			share := func(flag string) float64 { return float64(st.flags[flag]) / float64(st.onApplication) }
			for _, c := range []struct {
				flag     string
				min, max float64
			}{
				{catalog.FlagOneVisit, 0.40, 0.95},
				{catalog.FlagOnline, 0.40, 0.95},
				{catalog.FlagInHall, 0.50, 0.99},
				{catalog.FlagZeroVisit, 0.05, 0.80},
				{catalog.FlagImmediate, 0.01, 0.80},
			} {
				if s := share(c.flag); s < c.min || s > c.max {
					t.Errorf("%s: %.1f%% of on-application items, want %.0f–%.0f%%", c.flag, 100*s, 100*c.min, 100*c.max)
				}
			}
			if st.exOfficio == 0 {
				t.Errorf("no ex officio items")
			}
			for _, a := range catalog.Audiences {
				if st.audiences[a] == 0 {
					t.Errorf("no item for %s", a)
				}
			}
			for v := range 4 {
				if st.visits[v] == 0 {
					t.Errorf("no on-application item with %d visits (%v)", v, st.visits)
				}
			}
			for d := 1; d <= 4; d++ {
				if st.depths[d] == 0 {
					t.Errorf("no on-application item of online depth %d (%v)", d, st.depths)
				}
			}
			if len(st.regions) < 20 {
				t.Errorf("only %d regions", len(st.regions))
			}
		})
	}
}

// TestGenerateRegionsDiffer checks that regions have their own maturity:
// some reach 100% 最多跑一次, others stay far below.
func TestGenerateRegionsDiffer(t *testing.T) {
	out := generate(t, 12000, 5)
	oneVisit, onApp := map[string]int{}, map[string]int{}
	for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
		var it struct {
			Kind   string `json:"kind"`
			Type   string `json:"type"`
			Region string `json:"region"`
			Visits *int   `json:"visits"`
		}
		if err := json.Unmarshal(line, &it); err != nil {
			t.Fatal(err)
		}
		if it.Kind != "" || !catalog.OnApplication(it.Type) {
			continue
		}
		onApp[it.Region]++
		if *it.Visits <= 1 {
			oneVisit[it.Region]++
		}
	}
	full, low := 0, 0
	for region, n := range onApp {
		if n < 20 {
			continue
		}
		switch s := float64(oneVisit[region]) / float64(n); {
		case s == 1:
			full++
		case s < 0.7:
			low++
		}
	}
	if full < 3 || low < 3 {
		t.Errorf("%d regions at 100%% 最多跑一次 and %d below 70%%, want several of each", full, low)
	}
}

// TestGenerateMatchesSeeds checks that the generated items of 安康 that
// the seed catalogue also has keep its codes, names and departments, so
// that a generated catalogue and the seeds can share a store.
func TestGenerateMatchesSeeds(t *testing.T) {
	seed, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*catalog.Item{}
	for i := range seed.Items {
		byCode[seed.Items[i].Code] = &seed.Items[i]
	}
	dec := interchange.DecodeJSONL(bytes.NewReader(generate(t, 2000, 9)), "gen.jsonl")
	matched := 0
	for _, r := range dec.Records {
		it := r.Item
		if it == nil || !strings.HasPrefix(it.Region, "6109") {
			continue
		}
		s := byCode[it.Code]
		if s == nil {
			if !strings.HasSuffix(it.Name, "）") {
				t.Errorf("%s %s %s: not in the seed catalogue", it.Code, it.Region, it.Name)
			}
			continue
		}
		matched++
		if s.Name != it.Name || s.Department != it.Department || s.Region != it.Region || s.BaseCode != it.BaseCode || s.Level != it.Level {
			t.Errorf("%s: generated %s/%s/%s, seeds have %s/%s/%s", it.Code, it.Region, it.Department, it.Name, s.Region, s.Department, s.Name)
		}
	}
	if matched < len(seed.Items)/2 {
		t.Errorf("only %d of %d seed items generated", matched, len(seed.Items))
	}
}

// TestGenerateVariants fills a catalogue of the 安康 regions alone to its
// capacity, so that every 业务办理项 variant is used: codes and names stay
// unique, and one more item is refused.
func TestGenerateVariants(t *testing.T) {
	tmpls, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	kinds, err := deptKinds()
	if err != nil {
		t.Fatal(err)
	}
	regions, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	var ankang []catalog.Region
	for _, r := range regions {
		if r.Code == CityRegion || r.Parent == CityRegion {
			ankang = append(ankang, r)
		}
	}
	capacity := 0
	{
		g, err := newGenerator(tmpls, kinds, ankang, GenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range g.regions {
			capacity += len(g.list[r.class])
			for _, v := range g.vlist[r.class] {
				capacity += len(v)
			}
		}
		if len(g.regions) != len(places) {
			t.Fatalf("%d regions, want the %d seed places", len(g.regions), len(places))
		}
	}
	tests := []struct {
		name string
		n    int
		err  error
	}{
		{"half the variants", capacity - capacity/4, nil},
		{"full", capacity, nil},
		{"one too many", capacity + 1, ErrGenTooMany},
		{"negative", -1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := newGenerator(tmpls, kinds, ankang, GenOptions{Items: tc.n, Seed: 3})
			if tc.n < 0 {
				if err == nil {
					t.Fatal("a negative count is accepted")
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("newGenerator: %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			var buf bytes.Buffer
			if err := g.write(&buf); err != nil {
				t.Fatal(err)
			}
			dec := interchange.DecodeJSONL(&buf, "gen.jsonl")
			if len(dec.Problems) > 0 {
				t.Fatalf("decode: %v", dec.Problems[0])
			}
			names, codes := map[string]bool{}, map[string]bool{}
			items, variants, exOfficio := 0, 0, 0
			for _, r := range dec.Records {
				it := r.Item
				if it == nil {
					continue
				}
				items++
				key := it.Region + "\x00" + it.Department + "\x00" + it.Name
				if names[key] || codes[it.Code] {
					t.Errorf("repeated item %s %s %s %s", it.Code, it.Region, it.Department, it.Name)
				}
				names[key], codes[it.Code] = true, true
				if len(it.Code) > catalog.MaxCodeLen {
					t.Errorf("code %s too long", it.Code)
				}
				if name := stripSuffix(it.Name); name != it.Name && !strings.HasSuffix(name, "）") &&
					slices.Contains(variantSuffixes[it.Type], it.Name[len(name):]) {
					variants++
					if !catalog.OnApplication(it.Type) {
						exOfficio++
					}
				}
			}
			if items != tc.n {
				t.Errorf("%d items, want %d", items, tc.n)
			}
			if variants == 0 || exOfficio == 0 {
				t.Errorf("%d 业务办理项 variants, %d of them ex officio; want both", variants, exOfficio)
			}
		})
	}
}

func TestDepartmentNames(t *testing.T) {
	kinds, err := deptKinds()
	if err != nil {
		t.Fatal(err)
	}
	g := &generator{}
	tests := []struct {
		region genRegion
		kind   string
		want   string
	}{
		{genRegion{code: "610100", name: "西安市", class: classCity}, "公安局", "西安市公安局"},
		{genRegion{code: "610100", name: "西安市", class: classCity}, "税务局", "国家税务总局西安市税务局"},
		{genRegion{code: "610100", name: "西安市", class: classCity}, "供电", "国网西安供电公司"},
		{genRegion{code: "542500", name: "阿里地区", class: classCity}, "人社局", "阿里地区人社局"},
		{genRegion{code: "610116", name: "长安区", parent: "西安市", class: classCounty}, "公安局", "长安区公安局"},
		{genRegion{code: "610116", name: "长安区", parent: "西安市", class: classCounty}, "生态环境局", "西安市生态环境局长安区分局"},
		{genRegion{code: "610900", name: "安康市", class: classCity, place: &places[0]}, "公安局", "市公安局"},
		{genRegion{code: "610921", name: "汉阴县", parent: "安康市", class: classCounty, place: &places[2]}, "公积金", "市住房公积金管理中心汉阴县管理部"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			k := genKind{deptKind: kinds[tc.kind]}
			if got := g.departmentName(&tc.region, &k); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// BenchmarkGenerate measures the generator's throughput in items per second.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			var cw countWriter
			for b.Loop() {
				if err := Generate(&cw, GenOptions{Items: n, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(float64(cw.n)/float64(b.N)/float64(n), "B/item")
		})
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return io.Discard.Write(p)
}
