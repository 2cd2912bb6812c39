package catalog

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// naiveDiffList is the pairing diffList had before it was made linear:
// each new element against every old one. It is the reference of the
// pairing's meaning.
func naiveDiffList[T any](field string, from, to []T, key func(T) string, values func(T) []subValue) *ListDiff {
	ov := make([][]subValue, len(from))
	for i, e := range from {
		ov[i] = values(e)
	}
	nv := make([][]subValue, len(to))
	for j, e := range to {
		nv[j] = values(e)
	}
	pair := make([]int, len(to))
	used := make([]bool, len(from))
	for j := range to {
		pair[j] = -1
		for i := range from {
			if !used[i] && reflect.DeepEqual(ov[i], nv[j]) {
				pair[j], used[i] = i, true
				break
			}
		}
	}
	for j := range to {
		if pair[j] >= 0 {
			continue
		}
		for i := range from {
			if !used[i] && key(from[i]) == key(to[j]) {
				pair[j], used[i] = i, true
				break
			}
		}
	}
	for j := range to {
		if pair[j] < 0 && j < len(from) && !used[j] {
			pair[j], used[j] = j, true
		}
	}
	ld := &ListDiff{Field: field, Label: Label(field)}
	last := -1
	for j := range to {
		i := pair[j]
		if i < 0 {
			ld.Added = append(ld.Added, ListElement{Key: key(to[j]), Index: j, Value: to[j]})
			continue
		}
		if i < last {
			ld.Reordered = true
		}
		last = i
		if fs := subChanges(ov[i], nv[j]); len(fs) > 0 {
			ld.Changed = append(ld.Changed, ElementChange{Key: key(to[j]), OldIndex: i, NewIndex: j, Fields: fs})
		}
	}
	for i := range from {
		if !used[i] {
			ld.Removed = append(ld.Removed, ListElement{Key: key(from[i]), Index: i, Value: from[i]})
		}
	}
	if len(ld.Added)+len(ld.Removed)+len(ld.Changed) == 0 && !ld.Reordered {
		return nil
	}
	return ld
}

func materialName(m Material) string { return m.Name }

// editMaterials returns a copy of list edited at random: elements removed,
// added, renamed, changed and moved, with repeated names and duplicates.
func editMaterials(r *rand.Rand, list []Material, names int) []Material {
	out := slices.Clone(list)
	for range r.IntN(len(list)/2 + 3) {
		switch op := r.IntN(6); {
		case op == 0 && len(out) > 0:
			i := r.IntN(len(out))
			out = slices.Delete(out, i, i+1)
		case op == 1:
			out = slices.Insert(out, r.IntN(len(out)+1), randomMaterial(r, names))
		case op == 2 && len(out) > 0:
			out[r.IntN(len(out))].Name = fmt.Sprintf("材料%d", r.IntN(names))
		case op == 3 && len(out) > 0:
			out[r.IntN(len(out))].Copies = Int(r.IntN(3))
		case op == 4 && len(out) > 1:
			i, j := r.IntN(len(out)), r.IntN(len(out))
			out[i], out[j] = out[j], out[i]
		case op == 5 && len(out) > 0:
			out = append(out, out[r.IntN(len(out))])
		}
	}
	return out
}

func randomMaterial(r *rand.Rand, names int) Material {
	m := Material{Name: fmt.Sprintf("材料%d", r.IntN(names))}
	if r.IntN(2) == 0 {
		m.Copies = Int(r.IntN(3))
	}
	if r.IntN(3) == 0 {
		m.Form = "原件"
	}
	return m
}

// TestDiffListPairsAsBefore: the linear pairing gives exactly the result of
// the element-by-element one on lists with moves, renames, edits, repeated
// names and identical elements.
func TestDiffListPairsAsBefore(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 3000 {
		names := 1 + r.IntN(8)
		from := make([]Material, r.IntN(12))
		for i := range from {
			from[i] = randomMaterial(r, names)
		}
		to := editMaterials(r, from, names)
		if round%5 == 0 {
			to = editMaterials(r, nil, names)
		}
		want := naiveDiffList("materials", from, to, materialName, materialValues)
		got := diffList(&diffRun{ctx: context.Background()}, "materials", from, to, materialName, materialValues)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d:\nfrom %+v\nto   %+v\ngot  %+v\nwant %+v", round, from, to, got, want)
		}
	}
}

// TestDiffIsLinear: the diff of two lists of n elements makes at most a
// few comparisons per element, however the elements moved: two lists of
// 8,000 materials (the size a 1 MiB body could hold took seconds of CPU
// when each element was compared with every other), and two guides with
// every list at its limit.
func TestDiffIsLinear(t *testing.T) {
	const n = 8000
	r := rand.New(rand.NewPCG(3, 4))
	from := materials(n)
	to := slices.Clone(from)
	r.Shuffle(len(to), func(i, j int) { to[i], to[j] = to[j], to[i] })
	for i := 0; i < n; i += 3 {
		to[i].Notes = "改" // edited in place
	}
	for i := 1; i < n; i += 7 {
		to[i].Name += "（新）" // renamed
	}
	to = append(to[:n-500], materials(n + 500)[n:]...) // 500 removed, 500 added
	run := &diffRun{ctx: context.Background()}
	d := diffList(run, "materials", from, to, materialName, materialValues)
	if d == nil || !d.Reordered || len(d.Changed) == 0 || len(d.Added) == 0 || len(d.Removed) == 0 {
		t.Fatalf("diff of 8,000 materials: %+v", d)
	}
	if max := 5 * (len(from) + len(to)); run.steps > max {
		t.Fatalf("diff of %d and %d materials made %d comparisons, want at most %d", len(from), len(to), run.steps, max)
	}

	full := func(seed uint64) *Item {
		it := completeGuide()
		it.Materials = materials(MaxMaterials)
		it.Steps = slices.Repeat([]Step{{Name: "审核", Days: Int(1)}}, MaxSteps)
		it.Basis = slices.Repeat([]Basis{{Title: "《条例》"}}, MaxBasis)
		it.Fee.Items = slices.Repeat([]FeeItem{{Name: "工本费"}}, MaxFeeItems)
		it.FAQ = slices.Repeat([]FAQ{{Q: "问", A: "答"}}, MaxFAQ)
		rr := rand.New(rand.NewPCG(seed, seed))
		rr.Shuffle(len(it.Materials), func(i, j int) { it.Materials[i], it.Materials[j] = it.Materials[j], it.Materials[i] })
		for i := range it.Steps {
			it.Steps[i].Days = Int(rr.IntN(5))
		}
		return it
	}
	a, b := full(1), full(2)
	if errs := Validate(a); len(errs) > 0 {
		t.Fatalf("the largest guide is invalid: %v", errs)
	}
	run = &diffRun{ctx: context.Background()}
	if _, err := diffItems(run, a, b); err != nil {
		t.Fatal(err)
	}
	elements := 2 * (MaxMaterials + MaxSteps + MaxBasis + MaxFeeItems + MaxFAQ)
	if run.steps > 5*elements {
		t.Fatalf("diff of two largest guides made %d comparisons, want at most %d", run.steps, 5*elements)
	}
}

// endingContext is a context that ends after its error was asked for a
// number of times.
type endingContext struct {
	context.Context
	left int
}

func (c *endingContext) Err() error {
	if c.left--; c.left < 0 {
		return context.Canceled
	}
	return nil
}

// TestDiffStopsWhenContextEnds: a diff gives up with the context's error,
// before it starts and in the middle of a list.
func TestDiffStopsWhenContextEnds(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	a, b := completeGuide(), completeGuide()
	if d, err := DiffItemsContext(ended, a, b); !errors.Is(err, context.Canceled) || d != nil {
		t.Fatalf("diff with an ended context: %v %v", d, err)
	}
	a.Materials, b.Materials = materials(5000), materials(5000)
	slices.Reverse(b.Materials)
	run := &diffRun{ctx: &endingContext{Context: context.Background(), left: 3}}
	if d, err := diffItems(run, a, b); !errors.Is(err, context.Canceled) || d != nil {
		t.Fatalf("diff whose context ends midway: %v %v", d, err)
	}
	if run.steps >= 4*5000 {
		t.Fatalf("the diff went on after its context ended: %d comparisons", run.steps)
	}
	if d, err := DiffItemsContext(context.Background(), a, b); err != nil || len(d.Lists) != 1 || !d.Lists[0].Reordered {
		t.Fatalf("diff: %+v %v", d, err)
	}
}

// diffGuide is a complete guide with the given code.
func diffGuide(code string) *Item {
	it := completeGuide()
	it.Code = code
	return it
}

func TestDiffItemsScalarFields(t *testing.T) {
	a := diffGuide("D-1")
	b := diffGuide("D-1")
	b.Audience = []string{"自然人", "法人"}
	b.Themes = nil
	b.AskPhrases = []string{"身份证到期换新证", "异地换身份证", "换个新身份证"}
	b.Fee = nil
	b.Result.Type = "其他"
	for _, tc := range []struct {
		name     string
		from, to *Item
		want     []string
	}{
		{"same", a, diffGuide("D-1"), nil},
		{"lists of words, fee and result", a, b, []string{
			"audience 服务对象 [自然人]→[自然人 法人]",
			"themes 主题分类 [身份证件 户籍办理]→<nil>",
			"fee.charged 是否收费 true→<nil>",
			"result.type 办理结果类型 证照→其他",
			"ask_phrases 常见问法 [身份证到期换新证 身份证坏了怎么换 身份证信息错了更正 异地换身份证]→[身份证到期换新证 异地换身份证 换个新身份证]",
		}},
		{"from nothing", nil, &Item{Code: "D-2", Result: &Result{Name: "证"}}, []string{
			"code 实施编码 <nil>→D-2",
			"result.name 办理结果名称 <nil>→证",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := DiffItems(tc.from, tc.to)
			var got []string
			for _, c := range d.Fields {
				got = append(got, fmt.Sprintf("%s %s %v→%v", c.Field, c.Label, c.Old, c.New))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("changes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	if d := DiffItems(a, b); len(d.Lists) != 1 || d.Lists[0].Field != "fee.items" || len(d.Lists[0].Removed) != 1 {
		t.Fatalf("fee items of a removed fee: %+v", d.Lists)
	}
}

// TestDiffRenamedMaterialIsAChange: a material renamed in place is one
// changed element with the name among its changed fields.
func TestDiffRenamedMaterialIsAChange(t *testing.T) {
	a := completeGuide()
	b := completeGuide()
	b.Materials[0].Name = "居民户口簿（首页）"
	d := DiffItems(a, b)
	var mats *ListDiff
	for i := range d.Lists {
		if d.Lists[i].Field == "materials" {
			mats = &d.Lists[i]
		}
	}
	if mats == nil || len(mats.Changed) != 1 || len(mats.Added)+len(mats.Removed) != 0 {
		t.Fatalf("materials diff %+v", mats)
	}
	if f := mats.Changed[0].Fields; len(f) != 1 || f[0].Field != "name" || f[0].New != "居民户口簿（首页）" {
		t.Fatalf("changed fields %+v", f)
	}
}
