package seeds

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/interchange"
)

func generateVaried(t testing.TB, n int, seed int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(&buf, GenOptions{Items: n, Seed: seed, Vary: true}); err != nil {
		t.Fatalf("Generate(%d, %d, vary): %v", n, seed, err)
	}
	return buf.Bytes()
}

func decodeGen(t testing.TB, out []byte) []catalog.Record {
	t.Helper()
	dec := interchange.DecodeJSONL(bytes.NewReader(out), "gen.jsonl")
	if len(dec.Problems) > 0 {
		t.Fatalf("decode: %v", dec.Problems[0])
	}
	return dec.Records
}

// searchText is what the search index groups items by (search/table.go
// textOf), without the department: items with different search texts are
// indexed as different texts.
func searchText(it *catalog.Item) string {
	var b strings.Builder
	for _, s := range []string{it.Name, it.Type, strings.Join(it.Audience, "\x1f"), strings.Join(it.Themes, "\x1f")} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, a := range it.AskPhrases {
		b.WriteString(a)
		b.WriteByte('\n')
	}
	b.WriteByte(0)
	for _, f := range it.FAQ {
		b.WriteString(f.Q)
		b.WriteByte('\n')
	}
	b.WriteByte(0)
	for _, m := range it.Materials {
		b.WriteString(m.Name)
		b.WriteByte('\n')
	}
	b.WriteString(it.Conditions)
	for _, bs := range it.Basis {
		b.WriteByte('\n')
		b.WriteString(bs.Title)
	}
	return b.String()
}

// guideText is the canonical JSON of the guide without what places it (its
// code, region, department and level): the text a citizen reads.
func guideText(it *catalog.Item) string {
	g := *it
	g.Code, g.Region, g.Department, g.Level = "", "", "", ""
	return string(catalog.AppendGuide(nil, &g))
}

// TestGenerateVaryKeepsPlain checks that the vary mode changes texts only:
// the department and entry records and, per item, every value but the
// conditions, materials, location, hours and consulting phone are those of
// plain mode with the same seed, and so are the classifications; the
// conditions keep the template's and add to them, the materials keep
// theirs in order with their required, form and source.
func TestGenerateVaryKeepsPlain(t *testing.T) {
	const n = 3000
	plain, varied := decodeGen(t, generate(t, n, 7)), decodeGen(t, generateVaried(t, n, 7))
	if len(plain) != len(varied) {
		t.Fatalf("%d plain records, %d varied", len(plain), len(varied))
	}
	items, reworded, extra, ownPhone := 0, 0, 0, 0
	for i := range plain {
		p, v := plain[i], varied[i]
		if p.Kind != v.Kind {
			t.Fatalf("record %d: kind %s, varied %s", i+1, p.Kind, v.Kind)
		}
		if p.Kind != catalog.KindItem {
			if !reflect.DeepEqual(p, v) {
				t.Errorf("record %d: %s record differs:\nplain  %+v\nvaried %+v", i+1, p.Kind, p, v)
			}
			continue
		}
		items++
		pi, vi := p.Item, v.Item
		same := *vi
		same.Conditions, same.Materials, same.Location, same.Hours, same.ConsultPhone = pi.Conditions, pi.Materials, pi.Location, pi.Hours, pi.ConsultPhone
		if !reflect.DeepEqual(&same, pi) {
			t.Fatalf("item %s: varied beyond its texts:\nplain  %s\nvaried %s", pi.Code, catalog.AppendGuide(nil, pi), catalog.AppendGuide(nil, vi))
		}
		if !slices.Equal(catalog.Flags(pi), catalog.Flags(vi)) {
			t.Errorf("item %s: classifications %v, varied %v", pi.Code, catalog.Flags(pi), catalog.Flags(vi))
		}
		if !strings.HasPrefix(vi.Conditions, pi.Conditions) || len(vi.Conditions) <= len(pi.Conditions) {
			t.Errorf("item %s: conditions without a local note: %s", pi.Code, vi.Conditions)
		}
		if vi.Location == pi.Location || vi.Hours == "" || vi.ConsultPhone == pi.ConsultPhone {
			t.Errorf("item %s: location %q, hours %q, phone %q not its own", pi.Code, vi.Location, vi.Hours, vi.ConsultPhone)
		}
		if !strings.HasPrefix(vi.ConsultPhone, strings.SplitN(pi.ConsultPhone, "-", 2)[0]+"-") {
			t.Errorf("item %s: phone %s, want the area code of %s", pi.Code, vi.ConsultPhone, pi.ConsultPhone)
		}
		ownPhone++
		if len(vi.Materials) < len(pi.Materials) || len(vi.Materials) > len(pi.Materials)+1 {
			t.Fatalf("item %s: %d materials, plain %d", pi.Code, len(vi.Materials), len(pi.Materials))
		}
		if len(vi.Materials) > len(pi.Materials) {
			extra++
		}
		for j, pm := range pi.Materials {
			vm := vi.Materials[j]
			if vm.Required != pm.Required || vm.Form != pm.Form || vm.Source != pm.Source {
				t.Errorf("item %s material %d: %+v, plain %+v", pi.Code, j, vm, pm)
			}
			if vm.Name != pm.Name {
				reworded++
			}
		}
	}
	if items != n || ownPhone != n {
		t.Fatalf("%d items, want %d", items, n)
	}
	// One in five items rewords a material (when one of its names has a
	// rewording), one in six adds one.
	if r := float64(reworded) / n; r < 0.08 || r > 0.25 {
		t.Errorf("%.1f%% of items reword a material, want about 20%%", 100*r)
	}
	if r := float64(extra) / n; r < 0.10 || r > 0.22 {
		t.Errorf("%.1f%% of items add a material, want about 17%%", 100*r)
	}
}

// TestGenerateVaryDistinct checks that no two varied items read alike:
// neither the texts the search index groups items by nor the guides without
// what places them; in plain mode the items of a template share them.
func TestGenerateVaryDistinct(t *testing.T) {
	for _, vary := range []bool{false, true} {
		t.Run(fmt.Sprint("vary ", vary), func(t *testing.T) {
			n := 3000
			out := generate(t, n, 11)
			if vary {
				if n = 15000; testing.Short() || raceEnabled {
					n = 3000
				}
				out = generateVaried(t, n, 11)
			}
			search, guides := map[[32]byte]string{}, map[[32]byte]string{}
			items := 0
			for _, r := range decodeGen(t, out) {
				it := r.Item
				if it == nil {
					continue
				}
				items++
				ks, kg := sha256.Sum256([]byte(searchText(it))), sha256.Sum256([]byte(guideText(it)))
				if other, dup := search[ks]; dup && vary {
					t.Fatalf("items %s and %s have one search text", other, it.Code)
				}
				if other, dup := guides[kg]; dup && vary {
					t.Fatalf("items %s and %s have one guide text", other, it.Code)
				}
				search[ks], guides[kg] = it.Code, it.Code
			}
			if items != n {
				t.Fatalf("%d items, want %d", items, n)
			}
			t.Logf("%d items: %d distinct search texts, %d distinct guide texts", items, len(search), len(guides))
			if !vary && len(search) > n/10 {
				t.Errorf("plain mode: %d distinct search texts in %d items, want few", len(search), n)
			}
		})
	}
}

// TestGenerateVaryDeterministic checks that varied output depends on the
// seed alone, and that an item reads the same whatever else is generated.
func TestGenerateVaryDeterministic(t *testing.T) {
	a, b := generateVaried(t, 2000, 5), generateVaried(t, 2000, 5)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with one seed differ")
	}
	if bytes.Equal(a, generateVaried(t, 2000, 6)) {
		t.Fatal("two seeds give the same output")
	}
	// A larger catalogue holds the same items (and more): each reads alike.
	// The item lines by code: an item line starts with its code (the
	// records are canonical, checked by TestGenerateVaryValid).
	lines := func(out []byte) map[string]string {
		m := map[string]string{}
		for _, line := range bytes.Split(out, []byte("\n")) {
			rest, ok := bytes.CutPrefix(line, []byte(`{"code":"`))
			if !ok {
				continue
			}
			code, _, _ := bytes.Cut(rest, []byte(`"`))
			m[string(code)] = string(line)
		}
		return m
	}
	small, large := lines(a), lines(generateVaried(t, 5000, 5))
	common := 0
	for code, g := range small {
		if lg, ok := large[code]; ok {
			common++
			if lg != g {
				t.Errorf("item %s differs between a catalogue of 2000 and one of 5000:\n%s\n%s", code, g, lg)
			}
		}
	}
	if common < len(small)*9/10 {
		t.Errorf("only %d of %d items in both catalogues", common, len(small))
	}
}

// TestGenerateVaryValid checks that varied catalogues pass what import
// checks (checkOutput: canonical records, catalog.Validate, departments
// and entries; and the records' own problems) and the guide-quality rules
// plain mode passes, and that no varied guide fails a publishing check its
// plain guide passes.
func TestGenerateVaryValid(t *testing.T) {
	const n = 3000
	out := generateVaried(t, n, 42)
	if st := checkOutput(t, out); st.items != n {
		t.Fatalf("%d items, want %d", st.items, n)
	}
	plain := decodeGen(t, generate(t, n, 42))
	regions, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range regions {
		known[r.Code] = true
	}
	checks := func(it *catalog.Item) map[string]bool {
		m := map[string]bool{}
		for _, c := range catalog.PublishChecks(it) {
			m[c.Severity+" "+c.Rule+" "+c.Field] = true
		}
		return m
	}
	findings := func(it *catalog.Item) map[string]bool {
		m := map[string]bool{}
		for _, f := range catalog.Quality(it) {
			m[fmt.Sprint(f.Rule, " ", f.Field)] = true
		}
		return m
	}
	for i, r := range decodeGen(t, out) {
		switch r.Kind {
		case catalog.KindDepartment:
			if ps := catalog.DepartmentProblems(r, known); len(ps) > 0 {
				t.Errorf("department %v: %v", r.Department, ps)
			}
		case catalog.KindEntry:
			if ps := catalog.EntryProblems(r); len(ps) > 0 {
				t.Errorf("entry %v: %v", r.Entry, ps)
			}
		case catalog.KindItem:
			pi := plain[i].Item
			pc, vc := checks(pi), checks(r.Item)
			for c := range vc {
				if !pc[c] {
					t.Errorf("item %s: publishing check %s, which its plain guide passes", r.Item.Code, c)
				}
			}
			pf, vf := findings(pi), findings(r.Item)
			for f := range vf {
				if !pf[f] {
					t.Errorf("item %s: quality finding %s, which its plain guide has not", r.Item.Code, f)
				}
			}
		}
	}
}

// TestVaryRegionNames checks that the notes name a county-level region
// with its prefecture where another prefecture has one of that name.
func TestVaryRegionNames(t *testing.T) {
	regions, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	v := newVarier(regions)
	var vr varyRegion
	for _, tc := range []struct {
		r    genRegion
		want string
	}{
		{genRegion{code: "610116", name: "长安区", parent: "西安市", class: classCounty}, "西安市长安区"},
		{genRegion{code: "130102", name: "长安区", parent: "石家庄市", class: classCounty}, "石家庄市长安区"},
		{genRegion{code: "610921", name: "汉阴县", parent: "安康市", class: classCounty, place: &places[2]}, "汉阴县"},
		{genRegion{code: "610100", name: "西安市", parent: "陕西省", class: classCity}, "西安市"},
	} {
		v.region(&vr, 1, &tc.r)
		if vr.name != tc.want || len(vr.towns) < 2 || !strings.Contains(vr.hall, "政务服务中心") {
			t.Errorf("%s: named %q (towns %v, hall %q), want %q", tc.r.code, vr.name, vr.towns, vr.hall, tc.want)
		}
	}
}

func TestVaryReword(t *testing.T) {
	tests := []struct{ name, want string }{
		{"居民身份证", "身份证"},
		{"申请人居民户口簿", "申请人户口本"},
		{"营业执照", "营业执照副本"},
		{"营业执照正副本", ""},
		{"健康证明", "健康证明材料"},
		{"证明文件", ""},
	}
	for _, tc := range tests {
		got := ""
		for r := range varyRewords {
			if s := varyRewords[r].apply(tc.name); s != "" {
				got = s
				break
			}
		}
		if got != tc.want {
			t.Errorf("%s: first rewording %q, want %q", tc.name, got, tc.want)
		}
	}
	sits := []catalog.Situation{{ID: "a", Question: "q", Options: []catalog.Option{
		{ID: "x", Label: "x", Add: []string{"居民身份证", "结婚证"}}, {ID: "y", Label: "y", Remove: []string{"结婚证"}}}}}
	got := renameMaterial(sits, "结婚证", "结婚证书")
	if got[0].Options[0].Add[1] != "结婚证书" || got[0].Options[1].Remove[0] != "结婚证书" || sits[0].Options[0].Add[1] != "结婚证" {
		t.Errorf("renameMaterial: %+v (given %+v)", got, sits)
	}
}

// BenchmarkGenerateVary measures the vary mode's throughput, as
// BenchmarkGenerate the plain mode's.
func BenchmarkGenerateVary(b *testing.B) {
	b.ReportAllocs()
	const n = 100000
	var cw countWriter
	for b.Loop() {
		if err := Generate(&cw, GenOptions{Items: n, Seed: 1, Vary: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(cw.n)/float64(b.N)/float64(n), "B/item")
}
