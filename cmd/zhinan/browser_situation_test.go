package main

// Browser test of the citizen checklist (情形引导) on the seed catalogue's
// 居民身份证补领: answering the questions narrows the materials in place,
// the address keeps the answers, the print view honours them, and the
// shared address reproduces the checklist in a browser without JavaScript,
// whose plain form works too.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The materials the 委托他人办理 option of 居民身份证补领 adds.
var agentMaterials = []string{"授权委托书", "受托人居民身份证"}

// sitMaterials reads the names of the materials table.
func sitMaterials(tb *tab) []string {
	tb.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll('table.materials tbody th label'), l => l.textContent.trim())`)
}

// materialsCond is a JavaScript condition: the materials table lists
// every name of want (present) or none of them (!present).
func materialsCond(want []string, present bool) string {
	list, _ := json.Marshal(want)
	return fmt.Sprintf(`(() => {
		const names = Array.from(document.querySelectorAll('table.materials tbody th label'), l => l.textContent.trim());
		return %s.every(n => names.includes(n) === %t);
	})()`, list, present)
}

func TestBrowserSituationChecklist(t *testing.T) {
	findChromium(t) // before the server: skip at once
	srv := startServer(t, t.TempDir())

	guide, _ := idCardGuide(t, srv)

	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	if status := tb.navigate(guide); status != 200 {
		t.Fatalf("GET %s: %d", guide, status)
	}
	tb.do("the situation form", chromedp.WaitVisible(chromedp.CSS("form[data-sit-form]")))
	if legends := eval[[]string](tb, `Array.from(document.querySelectorAll('form[data-sit-form] fieldset legend'), l => l.textContent.trim())`); !containsString(legends, "是否委托他人办理") {
		t.Fatalf("the questions of %s are %q, want 是否委托他人办理 among them", guide, legends)
	}
	tb.shot("questions")

	// 本人办理: the proxy's materials go, in place.
	tb.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__zhinanSamePage = true`))
	tb.do("click 本人办理", chromedp.Click(chromedp.CSS(`label[for="s-agent-self"]`)))
	tb.mustWaitFor("本人办理: 授权委托书 and 受托人居民身份证 leave the materials, and the address takes s_agent=self",
		materialsCond(agentMaterials, false)+` && new URLSearchParams(location.search).get('s_agent') === 'self'`)
	if !eval[bool](tb, `window.__zhinanSamePage === true`) {
		t.Errorf("an answer reloaded the whole page; app.js should update the checklist in place")
	}

	// 委托他人办理: they come back, and the case says so.
	tb.do("click 委托他人办理", chromedp.Click(chromedp.CSS(`label[for="s-agent-agent"]`)))
	tb.mustWaitFor("委托他人办理: 授权委托书 and 受托人居民身份证 join the materials, and the address takes s_agent=agent",
		materialsCond(agentMaterials, true)+` && new URLSearchParams(location.search).get('s_agent') === 'agent'`)
	if summary := eval[string](tb, `(document.querySelector('.case-summary') || {textContent: ''}).textContent`); !strings.Contains(summary, "您的情形") || !strings.Contains(summary, "委托他人办理") {
		t.Errorf("the case reads %q, want 您的情形：…委托他人办理…", summary)
	}
	if !eval[bool](tb, `document.activeElement && document.activeElement.id === 's-agent-agent'`) {
		t.Errorf("after the answer the focus is on %q, want it to stay on the radio button", eval[string](tb, `document.activeElement ? document.activeElement.outerHTML.slice(0, 80) : ''`))
	}
	// Submitting the form (生成我的材料清单) gives the same checklist, in place.
	tb.do("click 生成我的材料清单", chromedp.Click(chromedp.Search(`//form[@data-sit-form]//button[normalize-space(.)='生成我的材料清单']`)))
	tb.mustWaitFor("生成我的材料清单: the focus on the case", `document.activeElement && document.activeElement.matches('[data-sit-swap="case"]')`)
	if !eval[bool](tb, `window.__zhinanSamePage === true`) {
		t.Errorf("生成我的材料清单 reloaded the whole page; app.js should update the checklist in place")
	}
	shared := eval[string](tb, `location.pathname + location.search`)
	mine := sitMaterials(tb)
	tb.shot("agent")

	// The print view carries the answers and prints them, not the form.
	printHref := eval[string](tb, `(() => { const a = Array.from(document.querySelectorAll('.guide .actions a')).find(a => a.textContent.trim() === '打印办事指南'); return a ? a.getAttribute('href') : ''; })()`)
	if pu, err := url.Parse(printHref); err != nil || pu.Query().Get("print") != "1" || pu.Query().Get("s_agent") != "agent" {
		t.Errorf("打印办事指南 links to %q, want print=1 and s_agent=agent", printHref)
	}
	if status := tb.follow("clicking 打印办事指南", chromedp.Click(chromedp.Search(`//a[normalize-space(.)='打印办事指南']`))); status != 200 {
		t.Fatalf("the print view: HTTP %d", status)
	}
	tb.media("print")
	if got := sitMaterials(tb); strings.Join(got, "|") != strings.Join(mine, "|") {
		t.Errorf("the print view lists %q, the checklist was %q", got, mine)
	}
	if shown := eval[bool](tb, `(() => { const f = document.querySelector('form[data-sit-form]'); return !!f && f.getClientRects().length > 0; })()`); shown {
		t.Errorf("printed, the situation form is shown")
	}
	answers := eval[string](tb, `(() => { const d = document.querySelector('.case-answers'); return d && d.getClientRects().length > 0 ? d.innerText : ''; })()`)
	if !strings.Contains(answers, "是否委托他人办理") || !strings.Contains(answers, "委托他人办理") {
		t.Errorf("printed, the answers read %q, want 是否委托他人办理 委托他人办理", answers)
	}
	tb.shot("print")
	tb.media("")

	// Without JavaScript, the shared address gives the same checklist.
	tb.do("disable JavaScript", chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	if status := tb.navigate(shared); status != 200 {
		t.Fatalf("GET %s without JavaScript: %d", shared, status)
	}
	tb.do("the materials table", chromedp.WaitVisible(chromedp.CSS("table.materials")))
	if got := sitMaterials(tb); strings.Join(got, "|") != strings.Join(mine, "|") {
		t.Errorf("without JavaScript %s lists %q, the checklist was %q", shared, got, mine)
	}
	if !eval[bool](tb, `document.getElementById('s-agent-agent').checked`) {
		t.Errorf("without JavaScript the 委托他人办理 answer is not checked on %s", shared)
	}
	tb.shot("nojs-shared")

	// And the plain form works: 本人办理, submitted, loads its checklist
	// (with JavaScript the submit would not load a page: this proves it off).
	tb.do("click 本人办理", chromedp.Click(chromedp.CSS(`label[for="s-agent-self"]`)))
	if status := tb.follow("submit the form without JavaScript", chromedp.Click(chromedp.Search(`//form[@data-sit-form]//button[normalize-space(.)='生成我的材料清单']`))); status != 200 {
		t.Fatalf("the form without JavaScript: HTTP %d", status)
	}
	if q := eval[string](tb, `new URLSearchParams(location.search).get('s_agent')`); q != "self" {
		t.Errorf("the form without JavaScript went to %s, want s_agent=self", tb.location())
	}
	for _, m := range sitMaterials(tb) {
		if containsString(agentMaterials, m) {
			t.Errorf("without JavaScript, 本人办理 still lists %s", m)
		}
	}
	tb.shot("nojs-self")
}
