package main

import (
	"encoding/json"

	"zhinan/catalog"
)

// publishRequest is how the load tests' reviewers publish an edition
// whose guide is it (docs/contract.md#publishing-checks): ok is false
// when its publishing checks have an error (no reason lets it through: a
// reviewer sends it back), else body is the publish request's body, with
// a reason for each warning rule ("" when there is none).
func publishRequest(it *catalog.Item) (body string, ok bool) {
	checks := catalog.PublishChecks(it)
	if len(catalog.CheckErrors(checks)) > 0 {
		return "", false
	}
	rules := catalog.WarningRules(checks)
	if len(rules) == 0 {
		return "", true
	}
	overrides := map[string]string{}
	for _, r := range rules {
		overrides[r] = "负载测试：已知提醒，照常发布"
	}
	b, err := json.Marshal(map[string]any{"overrides": overrides})
	if err != nil {
		panic(err)
	}
	return string(b), true
}

// loadTestGuide fills in what a test's new item needs to be published:
// materials, the place and the phone to ask.
func loadTestGuide(it *catalog.Item) {
	it.Materials = []catalog.Material{{Name: "居民身份证", Required: "必要", Form: "原件", Source: "政府部门核发"}}
	it.Location = "安康市政务服务中心一楼公安窗口"
	it.ConsultPhone = "0915-3212345"
}
