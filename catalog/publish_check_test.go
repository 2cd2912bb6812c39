package catalog

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// checkKeys renders checks as "severity rule field" for exact comparison.
func checkKeys(cs []PublishCheck) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Severity+" "+c.Rule+" "+c.Field)
	}
	return out
}

// twoQuestions gives the guide two single-choice situations: where to
// apply (local, or elsewhere, which adds a 3-day transfer step and
// promises 25 days) and how to collect (at the window, or by post, which
// adds a 2-day step).
func twoQuestions(it *Item) {
	it.Situations = []Situation{
		{ID: "place", Question: "在哪里办理", Options: []Option{
			{ID: "local", Label: "户籍地"},
			{ID: "other", Label: "异地", PromisedDays: Int(25), Steps: []Step{{Name: "材料转递", Days: Int(3)}}},
		}},
		{ID: "get", Question: "领取方式", Options: []Option{
			{ID: "window", Label: "窗口领取"},
			{ID: "post", Label: "邮寄", Steps: []Step{{Name: "邮寄送达", Days: Int(2)}}},
		}},
	}
}

func TestPublishChecks(t *testing.T) {
	cases := []struct {
		name   string
		change func(it *Item)
		want   []string // "severity rule field", in order
	}{
		{"complete guide", func(*Item) {}, nil},

		// Errors: an element a published guide must state.
		{"no materials", func(it *Item) { it.Materials = nil }, []string{"error missing materials"}},
		{"no promised days", func(it *Item) { it.PromisedDays = nil }, []string{"error missing promised_days"}},
		{"location 暂无", func(it *Item) { it.Location = "暂无" }, []string{"error missing location"}},
		{"no location, fully online", func(it *Item) {
			it.Location, it.OnlineDepth, it.Visits = "", Int(4), Int(0)
		}, nil},
		{"no location, online but one visit", func(it *Item) {
			it.Location, it.OnlineDepth = "", Int(4)
		}, []string{"error missing location", "warning full_online visits"}},
		{"consult phone 无", func(it *Item) { it.ConsultPhone = "无" }, []string{"error missing consult_phone"}},

		// Errors: promised days over the legal days, the guide's or an option's.
		{"promised = legal", func(it *Item) { it.PromisedDays, it.LegalDays = Int(20), Int(20) }, nil},
		{"promised > legal", func(it *Item) { it.LegalDays = Int(19) }, []string{
			"error promised_over_legal promised_days"}},
		{"option promised > legal", func(it *Item) {
			twoQuestions(it)
			it.LegalDays = Int(24)
		}, []string{"error promised_over_legal situations[0].options[1].promised_days"}},
		{"no legal days", func(it *Item) { it.LegalDays = nil }, []string{"warning incomplete legal_days"}},

		// Errors: the steps' days over the promise.
		{"steps = promise", func(it *Item) { it.PromisedDays = Int(18) }, nil},
		{"steps > promise", func(it *Item) { it.PromisedDays = Int(17) }, []string{"error steps_over_promised steps"}},
		{"a step without days still counts the others", func(it *Item) {
			it.PromisedDays = Int(16)
			it.Steps[0].Days = nil
		}, []string{"error steps_over_promised steps"}},
		{"situations within their promise", twoQuestions, nil},
		{"post adds 2 days over the guide's promise", func(it *Item) {
			twoQuestions(it)
			it.Situations[1].Options[1].Steps[0].Days = Int(3) // 18 + 3 > 20
		}, []string{"error steps_over_promised situations"}},
		{"elsewhere by post is over the longer promise", func(it *Item) {
			twoQuestions(it)
			it.Situations[0].Options[1].PromisedDays = Int(21) // 18 + 3 + 2 > 21
		}, []string{"error steps_over_promised situations"}},
		{"multiple choice adds every step", func(it *Item) {
			it.Situations = []Situation{{ID: "extra", Question: "需要哪些附加服务", Multiple: true, Options: []Option{
				{ID: "a", Label: "加注", Steps: []Step{{Name: "加注", Days: Int(1)}}},
				{ID: "b", Label: "翻译", Steps: []Step{{Name: "翻译", Days: Int(2)}}},
			}}} // 18 + 1 + 2 > 20
		}, []string{"error steps_over_promised situations"}},

		// Errors: placeholders in required texts.
		{"XX in the location", func(it *Item) { it.Location = "XX区政务服务中心XX号窗口" }, []string{
			"error placeholder location"}},
		{"×× phone", func(it *Item) { it.ConsultPhone = "0915-××××××" }, []string{"error placeholder consult_phone"}},
		{"a Latin word is no placeholder", func(it *Item) { it.Hours = "周一至周五（Xbox 展厅除外）大厅" }, nil},
		{"待定 hours", func(it *Item) { it.Hours = "待定" }, []string{"error placeholder hours"}},
		{"略 conditions", func(it *Item) { it.Conditions = "（略）" }, []string{"error placeholder conditions"}},
		{"略 within a word", func(it *Item) { it.Conditions += "不得省略任何一项。" }, nil},
		{"暂无 as a material's name", func(it *Item) { it.Materials[0].Name = "暂无" }, []string{
			"error placeholder materials[0].name"}},
		{"暂无 within conditions is a sentence", func(it *Item) { it.Conditions += "暂无其他限制。" }, nil},
		{"见附件 without an attachment", func(it *Item) { it.Materials[0].Notes = "填写要求见附件" }, []string{
			"error placeholder materials[0].notes", "warning vague_text materials[0].notes"}},
		{"见附件 with the form's link", func(it *Item) {
			it.Materials[0].Notes = "填写要求见附件：https://zwfw.example.gov.cn/forms/1.pdf"
		}, []string{"warning vague_text materials[0].notes"}},
		{"见附件 in the result with a sample link", func(it *Item) {
			it.Result.Name = "居民身份证（样式见附件）"
			it.Result.Sample = "https://zwfw.example.gov.cn/samples/id.png"
		}, []string{"warning vague_text result.name"}},
		{"XX in a letter's title is the applicant's", func(it *Item) {
			it.Materials[0].Name = "关于申请审批××工程建设方案的函"
		}, nil},
		{"XX heading a material is a placeholder", func(it *Item) { it.Materials[0].Name = "XX证明" }, []string{
			"error placeholder materials[0].name"}},

		// Errors: online depth ≥ 3 without the address.
		{"depth 3 without address", func(it *Item) { it.OnlineDepth, it.OnlineURL = Int(3), "" }, []string{
			"error online_url online_url"}},
		{"depth 2 without address", func(it *Item) { it.OnlineURL = "" }, nil},
		{"an option's depth 4 without address", func(it *Item) {
			twoQuestions(it)
			it.OnlineURL = ""
			it.Situations[1].Options[1].OnlineDepth = Int(4)
		}, []string{"error online_url situations[1].options[1].online_depth"}},

		// Warnings, from the quality rules.
		{"no hours", func(it *Item) { it.Hours = "" }, []string{"warning incomplete hours"}},
		{"即办件 promising days", func(it *Item) { it.Handling = Immediate }, []string{"warning handling handling"}},
		{"zero visit without means", func(it *Item) { it.Visits, it.Express = Int(0), Bool(false) }, []string{"warning zero_visit visits"}},
		{"two visits without reason", func(it *Item) { it.Visits, it.VisitReason = Int(2), "" }, []string{
			"warning visit_reason visit_reason"}},
		{"vague text", func(it *Item) { it.Conditions += "其他按规定执行。" }, []string{"warning vague_text conditions"}},
		{"material without form", func(it *Item) { it.Materials[0].Form = "" }, []string{
			"warning material_info materials[0].form"}},
		{"location without hall", func(it *Item) { it.Location = "汉滨区兴安中路" }, []string{"warning location location"}},

		// Quality rules that are no publishing check.
		{"same phones (rule 7)", func(it *Item) { it.ComplaintPhone = it.ConsultPhone }, nil},
		{"online payment, free (rule 10)", func(it *Item) { it.OnlinePayment = Bool(true) }, nil},

		// Errors come before warnings.
		{"error and warning", func(it *Item) { it.Hours, it.PromisedDays = "", Int(10) }, []string{
			"error steps_over_promised steps", "warning incomplete hours"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := completeGuide()
			tc.change(it)
			if errs := Validate(it); len(errs) > 0 {
				t.Fatalf("the case's guide is invalid: %v", errs)
			}
			got := PublishChecks(it)
			if keys := checkKeys(got); !reflect.DeepEqual(keys, tc.want) {
				t.Fatalf("checks\n%q\nwant\n%q\n%+v", keys, tc.want, got)
			}
			for _, c := range got {
				if c.Message == "" || CheckTitle(c.Rule) == c.Rule {
					t.Errorf("check %+v has no message or title", c)
				}
			}
		})
	}
}

// TestPublishCheckMessages: the messages name the field and the figures.
func TestPublishCheckMessages(t *testing.T) {
	it := completeGuide()
	it.PromisedDays = Int(10)
	it.Steps[2].Days = Int(12) // 0+2+12+1 = 15 > 10, the case
	it.Location = "XX政务服务中心"
	it.Materials = nil
	msgs := map[string]string{}
	for _, c := range PublishChecks(it) {
		msgs[c.Rule] = c.Message
	}
	for rule, want := range map[string]string{
		CheckStepsOverPromised: "各环节时限合计15个工作日，超过承诺办结时限10个工作日",
		CheckPlaceholder:       "办理地点含有占位内容（XX）",
		CheckMissing:           "发布前须填写申请材料",
	} {
		if !strings.Contains(msgs[rule], want) {
			t.Errorf("%s: %q, want it to hold %q", rule, msgs[rule], want)
		}
	}
	twoQuestions(it)
	it.Location, it.Materials = "汉滨区政务服务中心一楼", completeGuide().Materials
	it.PromisedDays = Int(18)
	it.Steps = completeGuide().Steps
	var path string
	for _, c := range PublishChecks(it) {
		if c.Rule == CheckStepsOverPromised {
			path = c.Message
		}
	}
	if want := "选择“领取方式：邮寄”时，各环节时限合计20个工作日，超过该情形的承诺办结时限18个工作日"; path != want {
		t.Errorf("the path's message is %q, want %q", path, want)
	}
}

func TestCheckOverrides(t *testing.T) {
	it := completeGuide()
	it.Hours, it.Location = "", "汉滨区兴安中路" // warnings incomplete and location
	checks := PublishChecks(it)
	if got := WarningRules(checks); !reflect.DeepEqual(got, []string{CheckIncomplete, CheckLocation}) {
		t.Fatalf("warning rules %v", got)
	}
	long := strings.Repeat("理", MaxOverrideRunes+1)
	for _, tc := range []struct {
		name      string
		overrides map[string]string
		want      []string // fields
	}{
		{"none", nil, []string{"overrides.incomplete", "overrides.location"}},
		{"one", map[string]string{CheckLocation: "窗口搬迁中"}, []string{"overrides.incomplete"}},
		{"blank", map[string]string{CheckLocation: "窗口搬迁中", CheckIncomplete: " \n "}, []string{"overrides.incomplete"}},
		{"too long", map[string]string{CheckLocation: long, CheckIncomplete: "办理时间同大厅"}, []string{"overrides.location"}},
		{"at the limit", map[string]string{CheckLocation: long[len("理"):], CheckIncomplete: "办理时间同大厅"}, nil},
		{"control character", map[string]string{CheckLocation: "a\x00", CheckIncomplete: "办理时间同大厅"}, []string{"overrides.location"}},
		{"unknown and error rules", map[string]string{CheckLocation: "x", CheckIncomplete: "y", "zzz": "z", CheckMissing: "m"},
			[]string{"overrides.missing", "overrides.zzz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fields []string
			for _, e := range CheckOverrides(checks, tc.overrides) {
				if e.Message == "" {
					t.Errorf("%s without message", e.Field)
				}
				fields = append(fields, e.Field)
			}
			if !reflect.DeepEqual(fields, tc.want) {
				t.Fatalf("errors on %v, want %v", fields, tc.want)
			}
			err := RefusePublish(checks, tc.overrides)
			if (err == nil) != (len(tc.want) == 0) {
				t.Fatalf("RefusePublish: %v", err)
			}
		})
	}
}

// TestRefusePublish: errors refuse whatever the reasons, as a
// *PublishRefusal that is an ErrInvalid and names every error.
func TestRefusePublish(t *testing.T) {
	it := completeGuide()
	it.PromisedDays = Int(10)
	it.Hours = ""
	checks := PublishChecks(it)
	err := RefusePublish(checks, map[string]string{CheckIncomplete: "办理时间同大厅"})
	var r *PublishRefusal
	if !errors.As(err, &r) || !errors.Is(err, ErrInvalid) || !r.Blocked() {
		t.Fatalf("refusal %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, fmt.Sprintf(MsgPublishBlocked, 1)) || !strings.Contains(msg, "超过承诺办结时限10个工作日") {
		t.Fatalf("message %q", msg)
	}
	if err := RefusePublish(PublishChecks(completeGuide()), nil); err != nil {
		t.Fatalf("a complete guide: %v", err)
	}
}

func TestXXRun(t *testing.T) {
	for s, want := range map[string]string{
		"XX市XX局": "XX", "0915-xxxxxxx": "xxxxxxx", "××工程": "××", "ＸＸ县": "ＸＸ",
		"X光": "", "Xbox": "", "box": "", "XXL码": "", "maxx": "", "": "",
	} {
		if got := xxRun(s); got != want {
			t.Errorf("xxRun(%q) = %q, want %q", s, got, want)
		}
	}
}
