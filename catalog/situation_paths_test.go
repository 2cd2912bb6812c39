package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestAnswerPaths(t *testing.T) {
	opts := func(ids ...string) []Option {
		var out []Option
		for _, id := range ids {
			out = append(out, Option{ID: id, Label: id})
		}
		return out
	}
	texts := func(sits []Situation, paths []Answers) []string {
		var out []string
		for _, a := range paths {
			out = append(out, answersText(sits, a))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		sits  []Situation
		limit int
		want  []string
		all   bool
	}{
		{"no situations: one path, no answer", nil, 10, []string{""}, true},
		{"no situations, limit 0", nil, 0, nil, false},
		{"one single-choice question", []Situation{{ID: "a", Options: opts("x", "y")}}, 10, []string{"a=x", "a=y"}, true},
		{"single and multiple", []Situation{{ID: "a", Options: opts("x", "y")}, {ID: "b", Multiple: true, Options: opts("p", "q")}}, 10,
			[]string{"a=x b=[]", "a=x b=[p]", "a=x b=[q]", "a=x b=[p q]", "a=y b=[]", "a=y b=[p]", "a=y b=[q]", "a=y b=[p q]"}, true},
		{"exactly the limit", []Situation{{ID: "a", Options: opts("x", "y")}, {ID: "b", Options: opts("p", "q")}}, 4,
			[]string{"a=x b=p", "a=x b=q", "a=y b=p", "a=y b=q"}, true},
		{"more than the limit", []Situation{{ID: "a", Options: opts("x", "y")}, {ID: "b", Options: opts("p", "q")}}, 3,
			[]string{"a=x b=p", "a=x b=q", "a=y b=p"}, false},
		{"a multiple-choice question without options is answered with none", []Situation{{ID: "a", Multiple: true}}, 10, []string{"a=[]"}, true},
		{"a single-choice question without options leaves no path", []Situation{{ID: "a", Options: opts("x", "y")}, {ID: "b"}}, 10, nil, true},
		{"negative limit", []Situation{{ID: "a", Options: opts("x")}}, -1, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := &Item{Situations: tc.sits}
			paths, all := it.AnswerPaths(tc.limit)
			if got := texts(tc.sits, paths); !slices.Equal(got, tc.want) || all != tc.all {
				t.Fatalf("paths %q %v, want %q %v", got, all, tc.want, tc.all)
			}
		})
	}

	// Hostile sizes: the count saturates, nothing overflows, the paths
	// returned are distinct.
	var many []string
	for i := range 70 {
		many = append(many, fmt.Sprintf("o%d", i))
	}
	for _, sits := range [][]Situation{
		{{ID: "a", Multiple: true, Options: opts(many...)}},
		{{ID: "a", Options: opts(many...)}, {ID: "b", Multiple: true, Options: opts(many...)}, {ID: "c", Options: opts(many...)}},
		slices.Repeat([]Situation{{ID: "a", Multiple: true, Options: opts(many[:40]...)}}, 8),
	} {
		it := &Item{Situations: sits}
		paths, all := it.AnswerPaths(500)
		if all || len(paths) != 500 {
			t.Fatalf("%d paths, all %v", len(paths), all)
		}
		seen := map[string]bool{}
		for _, a := range paths {
			k := fmt.Sprint(a)
			if seen[k] {
				t.Fatalf("path %s twice", k)
			}
			seen[k] = true
		}
	}
	big := &Item{Situations: slices.Repeat([]Situation{{ID: "a", Options: opts(many[:4]...)}}, 8)}
	if paths, all := big.AnswerPaths(1 << 62); len(paths) != 1<<16 || !all {
		t.Fatalf("8 questions of 4 options: %d paths, all %v", len(paths), all)
	}
}

// pathsUnion returns the names of the materials on some path of answers.
func pathsUnion(t *testing.T, it *Item) map[string]bool {
	t.Helper()
	paths, all := it.AnswerPaths(1 << 16)
	if !all {
		t.Fatalf("%s: too many paths", it.Code)
	}
	union := map[string]bool{}
	for _, a := range paths {
		c := it.Checklist(a)
		if !c.Complete {
			t.Fatalf("a path of answers gives a partial checklist: %s", answersText(it.Situations, a))
		}
		for _, m := range c.Materials {
			union[m.Name] = true
		}
	}
	return union
}

func TestAnswerPathsCoverTheGuide(t *testing.T) {
	it := situationGuide()
	union := pathsUnion(t, it)
	for _, m := range it.Materials {
		if !union[m.Name] {
			t.Errorf("material %s is on no path", m.Name)
		}
	}
	if len(union) != len(it.Materials) {
		t.Fatalf("union %v", union)
	}
}

// randomSituationGuide returns a copy of base (the complete guide) with n materials
// (m0 …) and up to four questions of up to four options adding and
// removing materials at random. With valid set the guide has no
// structural error but unreachable materials: two options or more per
// question, no option adding and removing one material, no name repeated
// in a list.
func randomSituationGuide(r *rand.Rand, base *Item, valid bool) *Item {
	cp := *base // its lists other than materials and situations stay unchanged
	it := &cp
	it.Materials = nil
	for i := range 1 + r.IntN(5) {
		it.Materials = append(it.Materials, Material{Name: fmt.Sprintf("m%d", i), Form: "原件", Source: "其他"})
	}
	names := func() []string {
		var out []string
		for _, m := range it.Materials {
			if r.IntN(4) == 0 {
				out = append(out, m.Name)
			}
		}
		if !valid && len(out) > 0 && r.IntN(8) == 0 {
			out = append(out, out[0])
		}
		return out
	}
	for q := range 1 + r.IntN(4) {
		s := Situation{ID: fmt.Sprintf("q%d", q), Question: fmt.Sprintf("问题%d", q), Multiple: r.IntN(3) == 0}
		least := MinOptions
		if !valid {
			least = 1
		}
		for o := range least + r.IntN(5-least) {
			opt := Option{ID: fmt.Sprintf("o%d", o), Label: fmt.Sprintf("选项%d", o), Add: names(), Remove: names()}
			if valid {
				opt.Remove = slices.DeleteFunc(opt.Remove, func(n string) bool { return slices.Contains(opt.Add, n) })
			}
			s.Options = append(s.Options, opt)
		}
		it.Situations = append(it.Situations, s)
	}
	return it
}

// TestReachabilityAgreesWithPaths: the materials Validate reports as on
// no path (materials[i], decided per material) are exactly those on no
// path of AnswerPaths' enumeration, for many random small guides; and so
// are those unreachableMaterials reports for guides with the structural
// errors Validate reports elsewhere (options adding and removing one
// material, names repeated, questions of one option).
func TestReachabilityAgreesWithPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	unreachable := 0
	base := completeGuide()
	for n := range 2000 {
		valid := n%2 == 0
		it := randomSituationGuide(r, base, valid)
		if _, few := it.AnswerPaths(100); !few {
			continue // keep the test quick
		}
		union := pathsUnion(t, it)
		var want []string
		for i, m := range it.Materials {
			if !union[m.Name] {
				want = append(want, elemPath("materials", i, ""))
			}
		}
		unreachable += len(want)
		var got []string
		if valid {
			for _, e := range Validate(it) {
				if !strings.HasPrefix(e.Field, "materials[") || strings.Contains(e.Field, "].") {
					t.Fatalf("random guide has error %v", e)
				}
				got = append(got, e.Field)
			}
		} else {
			for i, q := range unreachableMaterials(it) {
				if q != reachableMaterial {
					got = append(got, elemPath("materials", i, ""))
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("guide %d (valid %v): reported %v, on no path %v\n%+v", n, valid, got, want, it.Situations)
		}
	}
	if unreachable < 100 {
		t.Fatalf("only %d unreachable materials generated", unreachable)
	}
}
