package catalog

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// answersText writes answers in question order for comparison:
// "reason=expired where=local extra=[mail urgent]", an unanswered question
// left out, a multiple-choice one answered with none as "extra=[]".
func answersText(sits []Situation, a Answers) string {
	var parts []string
	for _, s := range sits {
		ids, ok := a[s.ID]
		switch {
		case !ok:
		case s.Multiple:
			parts = append(parts, s.ID+"=["+strings.Join(ids, " ")+"]")
		default:
			parts = append(parts, s.ID+"="+strings.Join(ids, ","))
		}
	}
	return strings.Join(parts, " ")
}

func TestParseAnswers(t *testing.T) {
	sits := situationGuide().Situations
	for _, tc := range []struct {
		name, query, want string
	}{
		{"nothing", "", ""},
		{"one of each", "s_reason=damaged&s_where=province&s_extra=mail", "reason=damaged where=province extra=[mail]"},
		{"unknown question and other parameters ignored", "s_colour=red&q=身份证&reason=expired&s_where=local", "where=local"},
		{"unknown option ignored", "s_reason=lost&s_reason=expired", "reason=expired"},
		{"single choice with no known option is unanswered", "s_reason=lost&s_reason=", ""},
		{"single choice takes the first known given", "s_reason=lost&s_reason=correction&s_reason=expired", "reason=correction"},
		{"multiple choice in the question's order", "s_extra=urgent&s_extra=mail&s_extra=urgent", "extra=[mail urgent]"},
		{"multiple choice answered with none", "s_extra=", "extra=[]"},
		{"multiple choice with only unknown options is answered with none", "s_extra=fax", "extra=[]"},
		{"ids are case-sensitive", "s_Reason=expired&s_reason=Expired", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if got := answersText(sits, ParseAnswers(sits, q)); got != tc.want {
				t.Fatalf("ParseAnswers(%s) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
	if a := ParseAnswers(nil, url.Values{"s_reason": {"expired"}}); len(a) != 0 {
		t.Fatalf("answers of a guide without situations: %v", a)
	}
}

// TestAnswersValuesRoundTrip: every path of answers, and every partial
// answer, written as URL parameters and read back is the same answers.
func TestAnswersValuesRoundTrip(t *testing.T) {
	it := situationGuide()
	paths, ok := it.AnswerPaths(1000)
	if !ok || len(paths) != 3*2*4 {
		t.Fatalf("%d paths, all %v", len(paths), ok)
	}
	partial := []Answers{{}, {"extra": nil}, {"extra": {}}, {"reason": {"correction"}}, {"where": {"local"}, "extra": {"urgent"}}}
	for _, a := range append(paths, partial...) {
		v := a.Values(it.Situations)
		enc := v.Encode()
		back, err := url.ParseQuery(enc)
		if err != nil {
			t.Fatal(err)
		}
		got := ParseAnswers(it.Situations, back)
		if answersText(it.Situations, got) != answersText(it.Situations, a) {
			t.Fatalf("%s → %s → %s", answersText(it.Situations, a), enc, answersText(it.Situations, got))
		}
	}
	if got := (Answers{"extra": {}}).Values(it.Situations).Encode(); got != "s_extra=" {
		t.Fatalf("none chosen of a multiple-choice question: %q", got)
	}
	if got := (Answers{"extra": {"urgent", "mail"}, "reason": {"expired"}}).Values(it.Situations).Encode(); got != "s_extra=urgent&s_extra=mail&s_reason=expired" {
		t.Fatalf("values %q", got)
	}
}

// checklistText summarises a checklist: whether it is complete, the
// materials by name, the steps by name, the figures and the fee's items.
func checklistText(c Checklist) string {
	var b strings.Builder
	if c.Complete {
		b.WriteString("complete")
	} else {
		b.WriteString("partial")
	}
	b.WriteString(" |")
	for _, m := range c.Materials {
		b.WriteString(" " + m.Name)
	}
	b.WriteString(" |")
	for _, s := range c.Steps {
		b.WriteString(" " + s.Name)
	}
	b.WriteString(" | days " + showInt(c.PromisedDays) + " visits " + showInt(c.Visits) + " depth " + showInt(c.OnlineDepth) + " | fee")
	if c.Fee != nil {
		for _, f := range c.Fee.Items {
			b.WriteString(" " + f.Name)
		}
	}
	return b.String()
}

func showInt(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func TestChecklist(t *testing.T) {
	const (
		all  = "原居民身份证 居民户口簿 居民身份证申领登记表 户籍登记项目变更更正证明"
		base = "原居民身份证 居民户口簿 居民身份证申领登记表"
		gs   = "受理 审核 制证 发证"
	)
	for _, tc := range []struct {
		name string
		a    Answers
		want string
	}{
		{"no answers: the full guide", nil, "partial | " + all + " | " + gs + " | days 20 visits 1 depth 2 | fee 居民身份证工本费"},
		{"empty answers: the full guide", Answers{}, "partial | " + all + " | " + gs + " | days 20 visits 1 depth 2 | fee 居民身份证工本费"},
		{"the plainest path", Answers{"reason": {"expired"}, "where": {"local"}, "extra": {}},
			"complete | " + base + " | " + gs + " | days 20 visits 1 depth 2 | fee 居民身份证工本费"},
		{"an option adds a material and sets the visits", Answers{"reason": {"correction"}, "where": {"local"}, "extra": nil},
			"complete | " + all + " | " + gs + " | days 20 visits 2 depth 2 | fee 居民身份证工本费"},
		{"an option removes a material, adds a step, sets days and depth", Answers{"reason": {"damaged"}, "where": {"province"}, "extra": {}},
			"complete | 原居民身份证 居民身份证申领登记表 | " + gs + " 户籍地核验 | days 30 visits 1 depth 1 | fee 居民身份证工本费"},
		{"an option's fee replaces the guide's, its depth overrides a shallower guide's", Answers{"reason": {"expired"}, "where": {"local"}, "extra": {"mail"}},
			"complete | " + base + " | " + gs + " | days 20 visits 1 depth 3 | fee 居民身份证工本费 邮寄费"},
		{"an option may shorten the guide's promised time (加急)", Answers{"reason": {"expired"}, "where": {"local"}, "extra": {"urgent"}},
			"complete | " + base + " | " + gs + " | days 7 visits 1 depth 2 | fee 居民身份证工本费"},
		{"the longest time and the shallowest depth of the chosen options", Answers{"reason": {"correction"}, "where": {"province"}, "extra": {"urgent", "mail"}},
			"complete | 原居民身份证 居民身份证申领登记表 户籍登记项目变更更正证明 | " + gs + " 户籍地核验 | days 30 visits 2 depth 1 | fee 居民身份证工本费 邮寄费"},
		{"an unanswered question may still add its material", Answers{"where": {"province"}},
			"partial | 原居民身份证 居民身份证申领登记表 户籍登记项目变更更正证明 | " + gs + " 户籍地核验 | days 30 visits 1 depth 1 | fee 居民身份证工本费"},
		{"a single choice naming no option is unanswered", Answers{"reason": {"lost"}, "where": {"local"}, "extra": {}},
			"partial | " + all + " | " + gs + " | days 20 visits 1 depth 2 | fee 居民身份证工本费"},
		{"a single choice takes the first option named", Answers{"reason": {"lost", "expired", "correction"}, "where": {"local"}, "extra": {}},
			"complete | " + base + " | " + gs + " | days 20 visits 1 depth 2 | fee 居民身份证工本费"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := situationGuide()
			if got := checklistText(it.Checklist(tc.a)); got != tc.want {
				t.Fatalf("checklist\n%s\nwant\n%s", got, tc.want)
			}
		})
	}

	// Chosen: the answered questions in order, labels and notes.
	it := situationGuide()
	c := it.Checklist(Answers{"extra": {}, "reason": {"correction"}})
	want := []Chosen{{Question: "换领原因", Labels: []string{"登记项目需要更正"}, Notes: []string{"须先到户籍所在地派出所开具更正证明。"}},
		{Question: "需要的服务"}}
	if !reflect.DeepEqual(c.Chosen, want) {
		t.Fatalf("chosen %+v\nwant %+v", c.Chosen, want)
	}

	// Two checklists do not share the steps they add: the guide's steps
	// are not appended to in place, even with room to spare.
	it.Steps = slices.Grow(it.Steps, 10)
	it.Situations[2].Options[1].Steps = []Step{{Name: "加急审批"}}
	c1 := it.Checklist(Answers{"where": {"province"}})
	c2 := it.Checklist(Answers{"where": {"local"}, "extra": {"urgent"}})
	if len(c1.Steps) != 5 || c1.Steps[4].Name != "户籍地核验" || len(c2.Steps) != 5 || c2.Steps[4].Name != "加急审批" || len(it.Steps) != 4 {
		t.Fatalf("steps %v %v; guide %v", c1.Steps, c2.Steps, it.Steps)
	}

	// A remove wins over an add of another question.
	it = situationGuide()
	it.Situations[2].Options[1].Add = []string{"居民户口簿"} // 加急 adds the register that 省内其他县区 removes
	got := it.Checklist(Answers{"reason": {"expired"}, "where": {"province"}, "extra": {"urgent"}})
	if names := materialNamesOf(got.Materials); slices.Contains(names, "居民户口簿") {
		t.Fatalf("removed material kept: %v", names)
	}
	got = it.Checklist(Answers{"reason": {"expired"}, "where": {"local"}, "extra": {}})
	if names := materialNamesOf(got.Materials); slices.Contains(names, "居民户口簿") {
		t.Fatalf("a material an option adds is conditional: %v", names)
	}

	// A guide without situations: complete, whatever the answers.
	plain := completeGuide()
	for _, a := range []Answers{nil, {"reason": {"expired"}}} {
		c := plain.Checklist(a)
		if !c.Complete || len(c.Materials) != len(plain.Materials) || len(c.Chosen) != 0 || c.Fee != plain.Fee {
			t.Fatalf("checklist of a guide without situations: %+v", c)
		}
	}
}

func materialNamesOf(ms []Material) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

func TestMaterialConditions(t *testing.T) {
	it := situationGuide()
	it.Situations[2].Options[1].Add = []string{"户籍登记项目变更更正证明"}
	it.Situations[0].Question = " 换领原因 "
	got := it.MaterialConditions()
	want := map[string][]string{"户籍登记项目变更更正证明": {"换领原因：登记项目需要更正", "需要的服务：加急制证"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conditions %v, want %v", got, want)
	}
	if got := completeGuide().MaterialConditions(); len(got) != 0 {
		t.Fatalf("conditions of a guide without situations: %v", got)
	}
}
