package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// validateCase is a change to the situation guide and the field errors it
// gives, by path, in order.
type validateCase struct {
	name   string
	change func(it *Item)
	want   []string
}

func TestValidateSituations(t *testing.T) {
	opt := func(id string) Option { return Option{ID: id, Label: "选项" + id} }
	cases := []validateCase{
		{"the situation guide", func(*Item) {}, nil},
		{"no situations", func(it *Item) { it.Situations = nil }, nil},
		{"empty situations", func(it *Item) { it.Situations = []Situation{} }, nil},
		{"a multiple-choice question of one option", func(it *Item) {
			it.Situations[2].Options = it.Situations[2].Options[:1]
		}, []string{"situations[2].options"}},

		// Limits.
		{"too many questions", func(it *Item) {
			for i := len(it.Situations); i <= MaxSituations; i++ {
				it.Situations = append(it.Situations, Situation{ID: fmt.Sprintf("q%d", i), Question: "问题", Options: []Option{opt("a"), opt("b")}})
			}
		}, []string{"situations"}},
		{"too many options", func(it *Item) {
			for i := len(it.Situations[0].Options); i <= MaxOptions; i++ {
				it.Situations[0].Options = append(it.Situations[0].Options, opt(fmt.Sprintf("o%d", i)))
			}
		}, []string{"situations[0].options"}},
		{"too few options", func(it *Item) {
			it.Situations[1].Options = it.Situations[1].Options[:1]
		}, []string{"situations[1].options"}},
		{"too few options, the one left removes a material", func(it *Item) {
			it.Situations[1].Options = it.Situations[1].Options[1:]
		}, []string{"materials[1]", "situations[1].options"}},
		{"no options", func(it *Item) {
			it.Situations[0].Options = nil
		}, []string{"situations[0].options"}},

		// Ids.
		{"question id missing", func(it *Item) { it.Situations[0].ID = "" }, []string{"situations[0].id"}},
		{"question id Chinese", func(it *Item) { it.Situations[0].ID = "原因" }, []string{"situations[0].id"}},
		{"question id with a space", func(it *Item) { it.Situations[0].ID = "re ason" }, []string{"situations[0].id"}},
		{"question id too long", func(it *Item) { it.Situations[0].ID = strings.Repeat("a", MaxSituationIDLen+1) }, []string{"situations[0].id"}},
		{"question id longest", func(it *Item) { it.Situations[0].ID = strings.Repeat("a", MaxSituationIDLen-2) + "-_" }, nil},
		{"question ids repeated", func(it *Item) { it.Situations[2].ID = "reason" }, []string{"situations[2].id"}},
		{"option id missing", func(it *Item) { it.Situations[1].Options[0].ID = "" }, []string{"situations[1].options[0].id"}},
		{"option id malformed", func(it *Item) { it.Situations[1].Options[0].ID = "a=b" }, []string{"situations[1].options[0].id"}},
		{"option ids repeated", func(it *Item) { it.Situations[0].Options[2].ID = "expired" }, []string{"situations[0].options[2].id"}},
		{"option ids of two questions may be equal", func(it *Item) { it.Situations[2].Options[0].ID = "expired" }, nil},

		// Texts.
		{"question blank", func(it *Item) { it.Situations[0].Question = " " }, []string{"situations[0].question"}},
		{"question on two lines", func(it *Item) { it.Situations[0].Question = "换领\n原因" }, []string{"situations[0].question"}},
		{"question too long", func(it *Item) { it.Situations[0].Question = strings.Repeat("问", MaxLineRunes+1) }, []string{"situations[0].question"}},
		{"label missing", func(it *Item) { it.Situations[0].Options[1].Label = "" }, []string{"situations[0].options[1].label"}},
		{"label with a zero-width space", func(it *Item) { it.Situations[0].Options[1].Label = "证件\u200b损坏" }, []string{"situations[0].options[1].label"}},
		{"note on two lines", func(it *Item) { it.Situations[0].Options[1].Note = "第一行\n第二行" }, nil},
		{"note too long", func(it *Item) { it.Situations[0].Options[1].Note = strings.Repeat("提", MaxNotesRunes+1) }, []string{"situations[0].options[1].note"}},
		{"note with a control character", func(it *Item) { it.Situations[0].Options[1].Note = "a\x00" }, []string{"situations[0].options[1].note"}},

		// Materials added and removed.
		{"add an unknown material", func(it *Item) { it.Situations[0].Options[0].Add = []string{"结婚证"} }, []string{"situations[0].options[0].add[0]"}},
		{"remove a material by a near name", func(it *Item) { it.Situations[1].Options[1].Remove = []string{"居民户口簿 "} }, []string{"situations[1].options[1].remove[0]"}},
		{"add an empty name", func(it *Item) { it.Situations[0].Options[0].Add = []string{""} }, []string{"situations[0].options[0].add[0]"}},
		{"add a name on two lines", func(it *Item) { it.Situations[0].Options[0].Add = []string{"居民\n户口簿"} }, []string{"situations[0].options[0].add[0]"}},
		{"add one material twice", func(it *Item) {
			it.Situations[0].Options[2].Add = []string{"户籍登记项目变更更正证明", "户籍登记项目变更更正证明"}
		}, []string{"situations[0].options[2].add[1]"}},
		{"add and remove one material", func(it *Item) {
			it.Situations[0].Options[2].Remove = []string{"原居民身份证", "户籍登记项目变更更正证明"}
		}, []string{"materials[3]", "situations[0].options[2].remove[1]"}},
		{"add a material another option of the question removes", func(it *Item) {
			it.Situations[0].Options[0].Remove = []string{"户籍登记项目变更更正证明"}
		}, nil},
		{"two options add one material", func(it *Item) {
			it.Situations[2].Options[1].Add = []string{"户籍登记项目变更更正证明"}
		}, nil},
		{"too many names, only those within the limit checked", func(it *Item) {
			it.Situations[0].Options[0].Remove = append(slices.Repeat([]string{"居民户口簿"}, MaxMaterials), "结婚证")
		}, append([]string{"situations[0].options[0].remove"}, repeatedPaths("situations[0].options[0].remove", 1, MaxMaterials)...)},
		{"a repeated name referenced", func(it *Item) {
			it.Materials = append(it.Materials, Material{Name: "居民户口簿", Form: "复印件", Source: "其他"})
		}, []string{"situations[1].options[1].remove[0]"}},
		{"a repeated name not referenced", func(it *Item) {
			it.Materials = append(it.Materials, Material{Name: "原居民身份证", Form: "复印件", Source: "其他"})
		}, nil},

		// The option's figures, fee and steps, checked as the guide's.
		{"option figures out of range", func(it *Item) {
			o := &it.Situations[2].Options[1]
			o.PromisedDays, o.Visits, o.OnlineDepth = Int(MaxDays+1), Int(-1), Int(MaxDepth+1)
		}, []string{"situations[2].options[1].promised_days", "situations[2].options[1].visits", "situations[2].options[1].online_depth"}},
		{"option figures at their limits", func(it *Item) {
			o := &it.Situations[2].Options[1]
			o.PromisedDays, o.Visits, o.OnlineDepth = Int(MaxDays), Int(MaxVisits), Int(0)
		}, nil},
		{"option fee item without name", func(it *Item) {
			it.Situations[2].Options[0].Fee.Items[1].Name = ""
		}, []string{"situations[2].options[0].fee.items[1].name"}},
		{"option fee with too many items", func(it *Item) {
			it.Situations[2].Options[0].Fee.Items = slices.Repeat([]FeeItem{{Name: "费"}}, MaxFeeItems+1)
		}, []string{"situations[2].options[0].fee.items"}},
		{"option step without name, too long", func(it *Item) {
			it.Situations[1].Options[1].Steps = append(it.Situations[1].Options[1].Steps, Step{Days: Int(MaxDays + 1)})
		}, []string{"situations[1].options[1].steps[1].name", "situations[1].options[1].steps[1].days"}},
		{"option with too many steps", func(it *Item) {
			it.Situations[1].Options[1].Steps = slices.Repeat([]Step{{Name: "核验"}}, MaxSteps+1)
		}, []string{"situations[1].options[1].steps"}},

		// Reachability.
		{"every option of a single-choice question removes a material", func(it *Item) {
			it.Situations[1].Options[0].Remove = []string{"居民户口簿"}
		}, []string{"materials[1]"}},
		{"every option of a multiple-choice question removes a material", func(it *Item) {
			for i := range it.Situations[2].Options {
				it.Situations[2].Options[i].Remove = []string{"原居民身份证"}
			}
		}, nil},
		{"an added material every option of another question removes", func(it *Item) {
			for i := range it.Situations[1].Options {
				it.Situations[1].Options[i].Remove = []string{"户籍登记项目变更更正证明"}
			}
		}, []string{"materials[3]"}},
		{"errors in field order", func(it *Item) {
			it.Situations[1].Options[0].Remove = []string{"居民户口簿"}
			it.Materials[0].Form = "扫描件"
			it.Steps[0].Name = ""
			it.Situations[0].ID = ""
		}, []string{"materials[0].form", "materials[1]", "steps[0].name", "situations[0].id"}},
		{"a single-choice question without options reports no material", func(it *Item) {
			it.Situations[1].Options = nil
		}, []string{"situations[1].options"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := situationGuide()
			tc.change(it)
			errs := Validate(it)
			if got := fieldsOf(errs); !slices.Equal(got, tc.want) {
				t.Fatalf("fields %q, want %q\n%v", got, tc.want, errs)
			}
			for _, e := range errs {
				if e.Message == "" || !strings.ContainsFunc(e.Message, func(r rune) bool { return r >= 0x4e00 }) {
					t.Errorf("%s: message %q", e.Field, e.Message)
				}
			}
		})
	}
}

// repeatedPaths returns the paths of the elements from to to (excluded)
// of a list.
func repeatedPaths(list string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, elemPath(list, i, ""))
	}
	return out
}

func TestValidateSituationMessages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(it *Item)
		want   string // the error's text, with the field's label
	}{
		{"unknown material", func(it *Item) { it.Situations[0].Options[0].Add = []string{"结婚证"} },
			"情形第1项选项第1项增加材料第1项(situations[0].options[0].add[0])：引用的材料“结婚证”不在申请材料中"},
		{"add and remove", func(it *Item) { it.Situations[0].Options[2].Remove = []string{"户籍登记项目变更更正证明"} },
			"申请材料第4项(materials[3])：在任何情形下都无需提交：增加此材料的选项同时免交此材料"},
		{"add and remove, the option", func(it *Item) { it.Situations[0].Options[2].Remove = []string{"户籍登记项目变更更正证明"} },
			"情形第1项选项第3项免交材料第1项(situations[0].options[2].remove[0])：同一选项不能既增加又免交材料“户籍登记项目变更更正证明”"},
		{"removed by every option", func(it *Item) { it.Situations[1].Options[0].Remove = []string{"居民户口簿"} },
			"申请材料第2项(materials[1])：在任何情形下都无需提交：问题“户籍所在地”的每个选项都免交此材料"},
		{"ambiguous", func(it *Item) { it.Materials = append(it.Materials, Material{Name: "居民户口簿"}) },
			"情形第2项选项第2项免交材料第1项(situations[1].options[1].remove[0])：申请材料中有2项名为“居民户口簿”，无法确定所指，请先将材料改为不同的名称"},
		{"question id", func(it *Item) { it.Situations[1].ID = "户籍" },
			"情形第2项标识(situations[1].id)：应为1至32位的英文字母、数字、连字符“-”或下划线“_”"},
		{"repeated question id", func(it *Item) { it.Situations[2].ID = "where" },
			"情形第3项标识(situations[2].id)：与第2个问题的标识重复"},
		{"repeated option id", func(it *Item) { it.Situations[0].Options[2].ID = "damaged" },
			"情形第1项选项第3项标识(situations[0].options[2].id)：与本问题第2个选项的标识重复"},
		{"too few options", func(it *Item) { it.Situations[1].Options = it.Situations[1].Options[:1] },
			"情形第2项选项(situations[1].options)：至少应有2个选项，实为1个"},
		{"option fee", func(it *Item) { it.Situations[2].Options[0].Fee.Items[0].Name = "" },
			"情形第3项选项第1项收费项目第1项名称(situations[2].options[0].fee.items[0].name)：不能为空"},
		{"option step", func(it *Item) { it.Situations[1].Options[1].Steps[0].Days = Int(-1) },
			"情形第2项选项第2项办理流程第1项环节时限（工作日）(situations[1].options[1].steps[0].days)：应为不小于0的整数"},
		{"option depth", func(it *Item) { it.Situations[1].Options[1].OnlineDepth = Int(9) },
			"情形第2项选项第2项网办深度(situations[1].options[1].online_depth)：应为0至4之间的整数（0 不可网办、1 信息公开、2 在线预约/表格下载、3 在线申报/预审、4 全程网办）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := situationGuide()
			tc.change(it)
			// The error of the field the wanted text names.
			field := tc.want[strings.Index(tc.want, "(")+1 : strings.Index(tc.want, ")")]
			var got []string
			for _, e := range Validate(it) {
				if e.Field == field {
					got = append(got, e.Error())
				}
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("errors %q\nwant  %q", got, tc.want)
			}
		})
	}
}

func TestLabelNestedPaths(t *testing.T) {
	for path, want := range map[string]string{
		"situations":                                 "情形",
		"situations[0]":                              "情形第1项",
		"situations[1].question":                     "情形第2项问题",
		"situations[0].options":                      "情形第1项选项",
		"situations[0].options[1]":                   "情形第1项选项第2项",
		"situations[0].options[1].label":             "情形第1项选项第2项选项内容",
		"situations[0].options[1].add[0]":            "情形第1项选项第2项增加材料第1项",
		"situations[0].options[1].remove[2]":         "情形第1项选项第2项免交材料第3项",
		"situations[0].options[1].note":              "情形第1项选项第2项提示",
		"situations[0].options[1].promised_days":     "情形第1项选项第2项承诺办结时限",
		"situations[0].options[1].fee.items[0].name": "情形第1项选项第2项收费项目第1项名称",
		"situations[0].options[1].steps[0].name":     "情形第1项选项第2项办理流程第1项名称",
		"materials[2].form":                          "申请材料第3项材料形式",
		"materials[2]":                               "申请材料第3项",
		"fee.items[0].standard":                      "收费项目第1项收费标准",
		"note":                                       "修改说明",
		"materials[x].form":                          "materials[x].form",
		"materials[1":                                "materials[1",
		"situations[0].options[":                     "situations[0].options[",
		"situations[0].options[-1]":                  "situations[0].options[-1]",
	} {
		if got := Label(path); got != want {
			t.Errorf("Label(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestValidateSituationsBounded: a hostile guide — thousands of questions,
// options and names — makes a bounded number of errors, quickly; and a
// guide without situations allocates no more for them.
func TestValidateSituationsBounded(t *testing.T) {
	it := situationGuide()
	it.Materials = materials(MaxMaterials)
	names := make([]string, 5000)
	for i := range names {
		names[i] = it.Materials[i%MaxMaterials].Name
	}
	opts := slices.Repeat([]Option{{ID: "o", Label: "x", Add: names, Remove: names, Steps: make([]Step, 1000)}}, 1000)
	it.Situations = slices.Repeat([]Situation{{ID: "q", Question: "问题", Options: opts}}, 1000)
	start := time.Now()
	errs := Validate(it)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("validation took %v", d)
	}
	// Each of the questions and options within the limits has at most a
	// few errors of its own, each name and step of them at most one.
	max := 1 + MaxMaterials + MaxSituations*(3+MaxOptions*(4+2*(1+MaxMaterials)+1+MaxSteps))
	if len(errs) == 0 || len(errs) > max {
		t.Fatalf("%d errors, want 1 to %d", len(errs), max)
	}

	plain := completeGuide()
	withNone := completeGuide()
	withNone.Situations = []Situation{}
	a := testing.AllocsPerRun(50, func() { Validate(plain) })
	b := testing.AllocsPerRun(50, func() { Validate(withNone) })
	if b > a {
		t.Fatalf("an empty situation list costs %v allocations, none %v", b, a)
	}
}
