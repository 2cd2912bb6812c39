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
		for q := range MaxSituations {
			s := Situation{ID: fmt.Sprintf("q%d", q), Question: "问题"}
			for o := range MaxOptions {
				s.Options = append(s.Options, Option{ID: fmt.Sprintf("o%d", o), Label: "选项",
					Remove: []string{it.Materials[rr.IntN(MaxMaterials)].Name}, Steps: []Step{{Name: "核验"}}})
			}
			rr.Shuffle(len(s.Options), func(i, j int) { s.Options[i], s.Options[j] = s.Options[j], s.Options[i] })
			it.Situations = append(it.Situations, s)
		}
		rr.Shuffle(len(it.Situations), func(i, j int) { it.Situations[i], it.Situations[j] = it.Situations[j], it.Situations[i] })
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
	elements := 2 * (MaxMaterials + MaxSteps + MaxBasis + MaxFeeItems + MaxFAQ + MaxSituations*(1+MaxOptions))
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

// listsText renders the list diffs of a diff for exact comparison: per
// list its field and label, then each added, removed and changed element
// with its changed fields.
func listsText(d *Diff) []string {
	var out []string
	for _, l := range d.Lists {
		out = append(out, fmt.Sprintf("%s %s reordered=%v", l.Field, l.Label, l.Reordered))
		for _, e := range l.Added {
			out = append(out, fmt.Sprintf("  + %s @%d", e.Key, e.Index))
		}
		for _, e := range l.Removed {
			out = append(out, fmt.Sprintf("  - %s @%d", e.Key, e.Index))
		}
		for _, e := range l.Changed {
			out = append(out, fmt.Sprintf("  ~ %s @%d→%d", e.Key, e.OldIndex, e.NewIndex))
			for _, f := range e.Fields {
				out = append(out, fmt.Sprintf("    %s %s %v→%v", f.Field, f.Label, f.Old, f.New))
			}
		}
	}
	return out
}

func TestDiffSituations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		from   func() *Item
		change func(it *Item)
		want   []string
	}{
		{"same", situationGuide, func(*Item) {}, nil},
		{"situations added", completeGuide, func(it *Item) {
			it.Situations = situationGuide().Situations[:2]
			it.Materials = situationGuide().Materials
		}, []string{
			"materials 申请材料 reordered=false", "  + 户籍登记项目变更更正证明 @3",
			"situations 情形 reordered=false", "  + reason @0", "  + where @1",
		}},
		{"a question removed, one changed, one added", situationGuide, func(it *Item) {
			it.Situations[0].Question = "为什么换领"
			it.Situations[0].Multiple = true
			it.Situations = append(it.Situations[:1], it.Situations[2],
				Situation{ID: "who", Question: "谁来办理", Options: []Option{{ID: "self", Label: "本人"}, {ID: "agent", Label: "他人代办"}}})
		}, []string{
			"situations 情形 reordered=false", "  + who @2", "  - where @1",
			"  ~ reason @0→0", "    question 问题 换领原因→为什么换领", "    multiple 可多选 false→true",
		}},
		{"options added, removed and changed", situationGuide, func(it *Item) {
			o := it.Situations[0].Options
			o[2].Label = "登记项目有误"
			o[2].Add = append(o[2].Add, "居民户口簿")
			o[1].Remove = []string{"居民户口簿"}
			it.Situations[0].Options = append([]Option{o[1], o[2]}, Option{ID: "lost", Label: "丢失"})
			m := &it.Situations[2].Options[0]
			m.Fee.Items[1].Standard = "10元"
			m.Visits = nil
			m.Steps = []Step{{Name: "邮寄", Description: "邮政送达", Days: Int(3)}}
			it.Situations[1].Options[1].Note = ""
		}, []string{
			"situations[0].options 情形第1项选项 reordered=false", "  + lost @2", "  - expired @0",
			"  ~ damaged @1→0", "    remove 免交材料 <nil>→[居民户口簿]",
			"  ~ correction @2→1", "    label 选项内容 登记项目需要更正→登记项目有误",
			"    add 增加材料 [户籍登记项目变更更正证明]→[户籍登记项目变更更正证明 居民户口簿]",
			"situations[1].options 情形第2项选项 reordered=false", "  ~ province @1→1", "    note 提示 异地换领可在全省任一受理点办理。→<nil>",
			"situations[2].options 情形第3项选项 reordered=false", "  ~ mail @0→0", "    visits 到办事现场次数 1→<nil>",
			"    fee.items 收费项目 [居民身份证工本费：20元/证（依据：《关于居民身份证收费标准及有关问题的通知》） 邮寄费：按邮政资费标准收取（依据：《快递市场管理办法》）]→" +
				"[居民身份证工本费：20元/证（依据：《关于居民身份证收费标准及有关问题的通知》） 邮寄费：10元（依据：《快递市场管理办法》）]",
			"    steps 办理流程 <nil>→[邮寄：邮政送达（3个工作日）]",
		}},
		{"questions moved: options follow their question", situationGuide, func(it *Item) {
			s := it.Situations
			s[0], s[2] = s[2], s[0]
			s[0].Options[1].PromisedDays = Int(5)
			s[0].Options[0].Fee = nil
		}, []string{
			"situations 情形 reordered=true",
			"situations[0].options 情形第1项选项 reordered=false", "  ~ mail @0→0", "    fee.charged 是否收费 true→<nil>",
			"    fee.items 收费项目 [居民身份证工本费：20元/证（依据：《关于居民身份证收费标准及有关问题的通知》） 邮寄费：按邮政资费标准收取（依据：《快递市场管理办法》）]→<nil>",
			"  ~ urgent @1→1", "    promised_days 承诺办结时限 7→5",
		}},
		{"a question's id changed in place is a change", situationGuide, func(it *Item) {
			it.Situations[1].ID = "place"
			it.Situations[1].Options[0].Label = "本区"
		}, []string{
			"situations 情形 reordered=false", "  ~ place @1→1", "    id 标识 where→place",
			"situations[1].options 情形第2项选项 reordered=false", "  ~ local @0→0", "    label 选项内容 汉滨区→本区",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tc.from(), tc.from()
			tc.change(b)
			d := DiffItems(a, b)
			if got := listsText(d); !slices.Equal(got, tc.want) {
				t.Fatalf("lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if len(d.Fields) != 0 {
				t.Fatalf("fields %+v", d.Fields)
			}
		})
	}
}
