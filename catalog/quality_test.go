package catalog

import (
	"fmt"
	"reflect"
	"testing"
)

// ruleFields renders findings as "rule:field" for exact comparison.
func ruleFields(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%s", f.Rule, f.Field))
	}
	return out
}

func TestQuality(t *testing.T) {
	cases := []struct {
		name   string
		base   func() *Item
		change func(it *Item)
		want   []string // "rule:field", in order
	}{
		{"complete guide", completeGuide, func(*Item) {}, nil},

		// Rule 1: each missing element is its own finding.
		{"empty item", func() *Item { return &Item{} }, func(*Item) {}, []string{
			"1:name", "1:type", "1:basis", "1:department", "1:legal_days", "1:promised_days",
			"1:result.name", "1:fee", "1:materials", "1:steps", "1:conditions", "1:scope",
			"1:location", "1:hours", "1:consult_phone", "1:complaint_phone",
		}},
		{"only required fields", minimalGuide, func(*Item) {}, []string{
			"1:basis", "1:legal_days", "1:promised_days", "1:result.name", "1:fee", "1:materials",
			"1:steps", "1:conditions", "1:scope", "1:location", "1:hours", "1:consult_phone", "1:complaint_phone",
		}},
		{"blank hours", completeGuide, func(it *Item) { it.Hours = "  " }, []string{"1:hours"}},
		{"phone 无 is missing", completeGuide, func(it *Item) { it.ConsultPhone = "无" }, []string{"1:consult_phone"}},
		{"conditions 暂无 is missing", completeGuide, func(it *Item) { it.Conditions = "暂无" }, []string{"1:conditions"}},
		{"result without name", completeGuide, func(it *Item) { it.Result = &Result{Type: "证照"} }, []string{"1:result.name"}},
		{"no result", completeGuide, func(it *Item) { it.Result = nil }, []string{"1:result.name"}},
		{"no basis", completeGuide, func(it *Item) { it.Basis = nil }, []string{"1:basis"}},
		{"no fee", completeGuide, func(it *Item) { it.Fee = nil }, []string{"1:fee"}},
		{"charged without items", completeGuide, func(it *Item) { it.Fee.Items = nil }, []string{"1:fee.items"}},
		{"charged item without standard", completeGuide, func(it *Item) {
			it.Fee.Items = append(it.Fee.Items, FeeItem{Name: "邮寄费"})
		}, []string{"1:fee.items[1].standard"}},
		{"free item needs no standard", completeGuide, func(it *Item) {
			it.OnlinePayment = nil
			it.Fee = &Fee{Charged: false, Items: []FeeItem{{Name: "工本费"}}}
		}, nil},

		// Rule 2.
		{"promised over legal", completeGuide, func(it *Item) { it.PromisedDays = Int(61) }, []string{"2:promised_days"}},
		{"promised equals legal", completeGuide, func(it *Item) { it.PromisedDays = Int(60) }, nil},
		{"legal absent", completeGuide, func(it *Item) { it.LegalDays = nil; it.PromisedDays = Int(100) }, []string{"1:legal_days"}},

		// Rule 3.
		{"immediate with days", completeGuide, func(it *Item) { it.Handling = "即办件" }, []string{"3:handling"}},
		{"zero days not immediate", completeGuide, func(it *Item) { it.PromisedDays = Int(0); zeroStepDays(it) }, []string{"3:handling"}},
		{"immediate on the spot", completeGuide, func(it *Item) {
			it.Handling, it.PromisedDays = "即办件", Int(0)
			zeroStepDays(it)
		}, nil},
		{"handling absent", completeGuide, func(it *Item) { it.Handling = ""; it.PromisedDays = Int(0); zeroStepDays(it) }, nil},
		{"promised absent", completeGuide, func(it *Item) { it.Handling = "即办件"; it.PromisedDays = nil }, []string{"1:promised_days"}},

		// Rule 4.
		{"zero visits, not online, no courier", completeGuide, func(it *Item) {
			it.Visits, it.Express = Int(0), Bool(false)
		}, []string{"4:visits"}},
		{"zero visits, courier not stated", completeGuide, func(it *Item) {
			it.Visits, it.Express = Int(0), nil
		}, []string{"4:visits"}},
		{"zero visits by courier", completeGuide, func(it *Item) { it.Visits = Int(0) }, nil},
		{"zero visits, online application", completeGuide, func(it *Item) {
			it.Visits, it.Express, it.OnlineDepth = Int(0), Bool(false), Int(3)
		}, nil},
		{"zero visits, depth absent", completeGuide, func(it *Item) {
			it.Visits, it.Express, it.OnlineDepth = Int(0), Bool(false), nil
		}, nil},

		// Rule 5.
		{"full online with a visit", completeGuide, func(it *Item) { it.OnlineDepth = Int(4) }, []string{"5:visits"}},
		{"full online, zero visits", completeGuide, func(it *Item) { it.OnlineDepth, it.Visits = Int(4), Int(0) }, nil},
		{"full online, visits absent", completeGuide, func(it *Item) { it.OnlineDepth, it.Visits = Int(4), nil }, nil},

		// Rule 6.
		{"two visits without reason", completeGuide, func(it *Item) { it.Visits, it.VisitReason = Int(2), "" }, []string{"6:visit_reason"}},
		{"two visits, reason 无", completeGuide, func(it *Item) { it.Visits, it.VisitReason = Int(2), "无" }, []string{"6:visit_reason"}},
		{"two visits with reason", completeGuide, func(it *Item) { it.Visits = Int(2) }, nil},
		{"one visit without reason", completeGuide, func(it *Item) { it.VisitReason = "" }, nil},

		// Rule 7.
		{"same phones", completeGuide, func(it *Item) { it.ComplaintPhone = it.ConsultPhone }, []string{"7:complaint_phone"}},
		{"same phones written differently", completeGuide, func(it *Item) {
			it.ConsultPhone, it.ComplaintPhone = "0915-3268110", "（0915）3268110"
		}, []string{"7:complaint_phone"}},
		{"both phones 无", completeGuide, func(it *Item) {
			it.ConsultPhone, it.ComplaintPhone = "无", "无"
		}, []string{"1:consult_phone", "1:complaint_phone"}},

		// Rule 8: one finding per field, wherever free text is.
		{"placeholder in conditions", completeGuide, func(it *Item) { it.Conditions = "按规定执行" }, []string{"8:conditions"}},
		{"placeholder material", completeGuide, func(it *Item) { it.Materials[2].Name = "其他材料" }, []string{"8:materials[2].name", "13:situations"}},
		{"two placeholders in one field", completeGuide, func(it *Item) { it.Materials[0].Notes = "详见附件" }, []string{"8:materials[0].notes"}},
		{"placeholder in basis text", completeGuide, func(it *Item) { it.Basis[0].Text = "《居民身份证法》等相关法律法规" }, []string{"8:basis[0].text"}},
		{"placeholder in basis title", completeGuide, func(it *Item) { it.Basis[1].Title = "相关规定" }, []string{"8:basis[1].title"}},
		{"placeholder in step", completeGuide, func(it *Item) { it.Steps[3].Description = "领证时间另行通知" }, []string{"8:steps[3].description"}},
		{"placeholder in fee standard", completeGuide, func(it *Item) { it.Fee.Items[0].Standard = "按规定执行" }, []string{"8:fee.items[0].standard"}},
		{"placeholder in location and hours", completeGuide, func(it *Item) {
			it.Location = "详见政务大厅公告"
			it.Hours = "见附件"
		}, []string{"8:location", "8:hours"}},
		{"placeholder in faq answer", completeGuide, func(it *Item) { it.FAQ[0].A = "提交相关材料即可" }, []string{"8:faq[0].a"}},
		{"placeholder in visit reason", completeGuide, func(it *Item) { it.VisitReason = "详见办事须知" }, []string{"8:visit_reason"}},
		{"a question may ask about materials", completeGuide, func(it *Item) { it.FAQ[0].Q = "需要带哪些相关材料？" }, nil},

		// Rule 9.
		{"steps longer than promised", completeGuide, func(it *Item) { it.Steps[2].Days = Int(18) }, []string{"9:steps"}},
		{"steps exactly promised", completeGuide, func(it *Item) { it.Steps[2].Days = Int(17) }, nil},
		{"a step without days", completeGuide, func(it *Item) { it.Steps[2].Days = Int(100); it.Steps[0].Days = nil }, nil},
		{"steps, promised absent", completeGuide, func(it *Item) { it.PromisedDays = nil; it.Steps[2].Days = Int(100) }, []string{"1:promised_days"}},

		// Rule 10.
		{"online payment for a free item", completeGuide, func(it *Item) { it.Fee = &Fee{Charged: false} }, []string{"10:online_payment"}},
		{"online payment, fee absent", completeGuide, func(it *Item) { it.Fee = nil }, []string{"1:fee"}},
		{"free item without online payment", completeGuide, func(it *Item) {
			it.Fee, it.OnlinePayment = &Fee{Charged: false}, Bool(false)
		}, nil},

		// Rule 11.
		{"duplicate material", completeGuide, func(it *Item) { it.Materials[2].Name = " 居民户口簿" }, []string{"11:materials[2].name"}},
		{"three of a name", completeGuide, func(it *Item) {
			it.Materials[1].Name, it.Materials[2].Name = "原居民身份证", "原居民身份证"
		}, []string{"11:materials[1].name", "11:materials[2].name"}},
		{"material without form or source", completeGuide, func(it *Item) {
			it.Materials[0].Form = ""
			it.Materials[1].Source = ""
		}, []string{"11:materials[0].form", "11:materials[1].source"}},

		// Rule 12.
		{"location only a district", completeGuide, func(it *Item) { it.Location = "汉滨区" }, []string{"12:location"}},
		{"location only a street", completeGuide, func(it *Item) { it.Location = "安康市汉滨区兴安中路" }, []string{"12:location"}},
		{"location a centre", completeGuide, func(it *Item) { it.Location = "安康市政务服务中心" }, nil},
		{"location a room", completeGuide, func(it *Item) { it.Location = "汉滨分局户政室" }, nil},
		{"location a number", completeGuide, func(it *Item) { it.Location = "兴安中路88号" }, nil},

		// Rule 13.
		{"a material if any", completeGuide, func(it *Item) { it.Materials[1].Notes = "如有户口迁移，另交迁移证明。" }, []string{"13:situations"}},
		{"a material depending on the case", completeGuide, func(it *Item) { it.Materials[2].Name = "视情况提供的证明" }, []string{"13:situations"}},
		{"several materials, one finding", completeGuide, func(it *Item) {
			it.Materials[0].Notes = "视情况提交。"
			it.Materials[1].Notes = "如有"
		}, []string{"13:situations"}},
		{"a guide with situations", situationGuide, func(it *Item) { it.Materials[1].Notes = "如有户口迁移，另交迁移证明。" }, nil},
		{"other fields do not count", completeGuide, func(it *Item) { it.Conditions += "如有疑问请咨询。"; it.FAQ[0].A = "视情况而定。" }, nil},
		{"the situation guide", situationGuide, func(*Item) {}, nil},

		// Findings of several rules come ordered by rule, then field.
		{"ordered by rule", completeGuide, func(it *Item) {
			it.Location = "汉滨区"
			it.Materials[0].Source = ""
			it.ComplaintPhone = it.ConsultPhone
			it.Conditions = "符合相关规定"
			it.Materials[1].Name = "其他材料"
			it.PromisedDays = Int(70)
			it.Hours = ""
		}, []string{"1:hours", "2:promised_days", "7:complaint_phone", "8:conditions", "8:materials[1].name", "11:materials[0].source", "12:location", "13:situations"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := tc.base()
			tc.change(it)
			fs := Quality(it)
			if got := ruleFields(fs); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("findings = %q, want %q\n%v", got, tc.want, fs)
			}
			for _, f := range fs {
				if f.Message == "" {
					t.Errorf("%d %s: empty message", f.Rule, f.Field)
				}
			}
		})
	}
}

// zeroStepDays makes every step take no time, for guides done on the spot.
func zeroStepDays(it *Item) {
	for i := range it.Steps {
		it.Steps[i].Days = Int(0)
	}
}

func TestQualityMessages(t *testing.T) {
	cases := []struct {
		name   string
		change func(it *Item)
		want   string // the message of the only finding
	}{
		{"missing element is named", func(it *Item) { it.Hours = "" }, "未填写办理时间"},
		{"missing fee standard", func(it *Item) { it.Fee.Items[0].Standard = "" }, "未填写收费项目第1项收费标准"},
		{"days", func(it *Item) { it.PromisedDays = Int(61) }, "承诺办结时限（61个工作日）超过法定办结时限（60个工作日）"},
		{"every placeholder found", func(it *Item) { it.Materials[0].Notes = "详见附件" }, "含有占位或含糊表述（详见、见附件），应写明具体内容"},
		{"step days", func(it *Item) { it.Steps[2].Days = Int(30) }, "各环节时限合计33个工作日，超过承诺办结时限20个工作日"},
		{"duplicate names the first", func(it *Item) { it.Materials[2].Name = "原居民身份证" }, "与申请材料第1项重名：原居民身份证"},
		{"situations, every marker found", func(it *Item) { it.Materials[1].Notes = "视情况提交；如有委托，另交委托书。" },
			"申请材料写有“视情况”“如有”等因情形而异的表述，建议设置情形引导：申请人回答几个问题后，只看到自己需要提交的材料"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := completeGuide()
			tc.change(it)
			fs := Quality(it)
			if len(fs) != 1 {
				t.Fatalf("got %d findings %v, want 1", len(fs), fs)
			}
			if fs[0].Message != tc.want {
				t.Errorf("message = %q\nwant      %q", fs[0].Message, tc.want)
			}
		})
	}
}

func TestQualityNil(t *testing.T) {
	if fs := Quality(nil); fs != nil {
		t.Fatalf("Quality(nil) = %v", fs)
	}
}

func TestRuleTitle(t *testing.T) {
	for r := 1; r <= QualityRules; r++ {
		if RuleTitle(r) == "" {
			t.Errorf("rule %d has no title", r)
		}
	}
	for _, r := range []int{0, -1, QualityRules + 1} {
		if got := RuleTitle(r); got != "" {
			t.Errorf("RuleTitle(%d) = %q, want empty", r, got)
		}
	}
}
