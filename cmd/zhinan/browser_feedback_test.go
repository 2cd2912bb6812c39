package main

// Browser test of citizens' feedback (issue 17): a citizen rates a guide
// 不满意 because 指南不准确; the department's editor finds the ticket on
// the workbench, fixes the guide (edit, review, publish), marks the ticket
// 已整改 with the new edition; the citizen's ticket link shows the reply
// and the fix; the audit page's feedback figures show the 整改率. Same
// conventions as browser_test.go.

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserFeedbackTicket(t *testing.T) {
	findChromium(t)
	data := t.TempDir()
	srv := startServer(t, data)
	addUser(t, data, "editor", "--role", "editor", "--department", "市公安局", "--region", "610900")
	addUser(t, data, "reviewer", "--role", "reviewer", "--region", "610900")
	const (
		comment = "窗口要求的材料和指南写的不一样（浏览器测试）"
		newName = "户口簿（反馈整改）"
		reply   = "已按窗口实际要求更正申请材料，感谢您的反馈"
	)

	addUser(t, data, "auditor", "--role", "auditor")
	// An item of 市公安局 (610900) with materials, at its first edition.
	var res browserSearch
	q := url.Values{"department": {"市公安局"}, "region": {"610900"}, "group": {"none"}}
	if status := srv.getJSON(t, "/api/v1/search?"+q.Encode(), &res); status != 200 {
		t.Fatalf("search: %d", status)
	}
	var it browserItem
	for _, h := range res.Hits {
		var cand browserItem
		if srv.getJSON(t, "/api/v1/items/"+url.PathEscape(h.Code), &cand) != 200 {
			continue
		}
		if cand.Department == "市公安局" && cand.Region == "610900" && cand.Edition == 1 && len(cand.Materials) > 0 {
			it = cand
			break
		}
	}
	if it.Code == "" {
		t.Fatalf("no published 市公安局 item of 610900 with materials among %d hits", len(res.Hits))
	}
	code := it.Code

	// The citizen rates the guide 不满意, reason 指南不准确.
	citizen := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	if status := citizen.navigate("/items/" + url.PathEscape(code)); status != 200 {
		t.Fatalf("GET /items/%s: HTTP %d", code, status)
	}
	citizen.do("the rating form",
		chromedp.ScrollIntoView(chromedp.CSS(`#feedback form.rating-form`)),
		chromedp.Click(chromedp.CSS(`form.rating-form input[name=level][value="2"]`)),
		chromedp.Click(chromedp.CSS(`form.rating-form input[name=reasons][value="guide_wrong"]`)),
		chromedp.SendKeys(chromedp.CSS(`form.rating-form textarea[name=comment]`), comment))
	if got := eval[string](citizen, `(document.querySelector('form.rating-form input[name=level]:checked + label') || {}).textContent || ''`); got != "不满意" {
		t.Errorf("the checked level reads %q, want 不满意", got)
	}
	citizen.shot("rating")
	if status := citizen.follow("the 提交评价 button", chromedp.Click(chromedp.CSS(`form.rating-form button[type=submit]`))); status != 200 {
		t.Fatalf("rating: HTTP %d", status)
	}
	ticketURL := eval[string](citizen, `location.pathname + location.search`)
	if !strings.HasPrefix(ticketURL, "/tickets/") {
		t.Fatalf("a 差评 led to %s, want the ticket's page /tickets/…", ticketURL)
	}
	citizen.mustWaitFor("the ticket page: 待处理 and the comment", fmt.Sprintf(`(() => {
		const s = document.querySelector('.ticket-state');
		return !!s && s.textContent.trim() === '待处理' && document.body.textContent.includes(%s);
	})()`, js(comment)))
	citizen.shot("ticket-filed")

	// The editor of 市公安局 sees the ticket on the workbench.
	editor := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	editor.shots = citizen.shots
	editor.login("editor")
	editor.mustWaitFor("the workbench's 反馈工单 link", `!!document.querySelector('a[href="/edit/tickets"]')`)
	if status := editor.follow("the 反馈工单 link", chromedp.Click(chromedp.CSS(`a[href="/edit/tickets"]`))); status != 200 {
		t.Fatalf("/edit/tickets: HTTP %d", status)
	}
	row := fmt.Sprintf(`tr.dept-ticket-row th a[href="/items/%s"]`, code)
	editor.mustWaitFor("the ticket of "+code+" in the list", `!!document.querySelector(`+js(row)+`)`)
	editor.shot("tickets")
	id := eval[string](editor, `document.querySelector(`+js(row)+`).closest('tr').dataset.ticket`)
	if status := editor.follow("the ticket's link", chromedp.Click(chromedp.CSS(`tr[data-ticket="`+id+`"] td.num a`))); status != 200 {
		t.Fatalf("/edit/tickets/%s: HTTP %d", id, status)
	}
	editor.mustWaitFor("the ticket's comment and reason", fmt.Sprintf(`document.body.textContent.includes(%s) && document.body.textContent.includes('指南不准确')`, js(comment)))

	// The editor fixes the guide; the reviewer publishes edition 2.
	if status := editor.navigate("/edit/items/" + url.PathEscape(code)); status != 200 {
		t.Fatalf("the edit form: HTTP %d", status)
	}
	editor.do("edit the first material",
		chromedp.WaitVisible(chromedp.CSS("#f-materials-0-name")),
		chromedp.Clear(chromedp.CSS("#f-materials-0-name")),
		chromedp.SendKeys(chromedp.CSS("#f-materials-0-name"), newName),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "按群众反馈更正申请材料"))
	if status := editor.follow("提交审核", chromedp.Click(chromedp.CSS(`form.guide-form button[type=submit][name=action][value=submit]`))); status != 200 {
		t.Fatalf("submit: HTTP %d", status)
	}
	reviewer := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	reviewer.shots = citizen.shots
	reviewer.login("reviewer")
	if status := reviewer.navigate("/review/items/" + url.PathEscape(code)); status != 200 {
		t.Fatalf("the review page: HTTP %d", status)
	}
	// The seed guide may draw publishing-check warnings: a reason each.
	eval[bool](reviewer, `(() => {
		document.querySelectorAll('form.publish-form textarea, form.publish-form input:not([type=hidden])')
			.forEach(e => { e.value = '浏览器测试：已核实，按部门意见发布'; });
		return true;
	})()`)
	if status := reviewer.follow("the 发布 button", chromedp.Click(chromedp.CSS(`form.publish-form button[type=submit]`))); status != 200 {
		t.Fatalf("publish: HTTP %d", status)
	}
	var after browserItem
	if srv.getJSON(t, "/api/v1/items/"+url.PathEscape(code), &after); after.Edition != 2 {
		t.Fatalf("after publishing, %s is at edition %d, want 2", code, after.Edition)
	}

	// The editor marks the ticket 已整改 with edition 2 and a reply.
	if status := editor.navigate("/edit/tickets/" + id); status != 200 {
		t.Fatalf("/edit/tickets/%s: HTTP %d", id, status)
	}
	editor.do("the move form",
		chromedp.WaitVisible(chromedp.CSS("form.dept-ticket-form")),
		chromedp.SetValue(chromedp.CSS("#f-ticket-to"), "fixed"))
	editor.mustWaitFor("the edition field", `!!document.getElementById('f-ticket-edition')`)
	editor.do("the reply and the edition",
		chromedp.SendKeys(chromedp.CSS("#f-ticket-reply"), reply),
		chromedp.SendKeys(chromedp.CSS("#f-ticket-edition"), "2"))
	editor.shot("ticket-move")
	if status := editor.follow("the 提交 button", chromedp.Click(chromedp.CSS(`form.dept-ticket-form button[type=submit]`))); status != 200 {
		t.Fatalf("moving the ticket: HTTP %d", status)
	}
	if loc := eval[string](editor, `location.pathname + location.search`); !strings.Contains(loc, "moved=fixed") {
		errs := text(editor, ".field-error")
		t.Fatalf("moving the ticket went to %s (errors: %s)", loc, errs)
	}
	editor.shot("ticket-fixed")

	// The citizen's link, opened later in another browser, shows the
	// state, the reply and the fixed guide.
	citizen = newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	citizen.shots = editor.shots
	if status := citizen.navigate(ticketURL); status != 200 {
		t.Fatalf("the ticket link: HTTP %d", status)
	}
	citizen.mustWaitFor("已整改 with the reply and the edition's link", fmt.Sprintf(`(() => {
		const s = document.querySelector('.ticket-state');
		return !!s && s.textContent.trim() === '已整改' && document.body.textContent.includes(%s) &&
			!!document.querySelector('a[href^="/items/%s"]');
	})()`, js(reply), code))
	citizen.shot("ticket-answered")

	// The audit page's feedback figures: one 差评, one ticket, fixed.
	reviewer.logout()
	reviewer.login("auditor")
	if status := reviewer.navigate("/audit#feedback"); status != 200 {
		t.Fatalf("/audit: HTTP %d", status)
	}
	reviewer.do("the feedback section", chromedp.ScrollIntoView(chromedp.CSS("section#feedback table.feedback")))
	got := eval[map[string]string](reviewer, `Object.fromEntries(Array.from(
		document.querySelectorAll('section#feedback table.feedback tr[data-group="total"] td[data-col]'),
		td => [td.dataset.col, td.textContent.trim()]))`)
	reviewer.shot("audit-feedback")
	for col, want := range map[string]string{"ratings": "1", "bad": "1", "tickets": "1", "fixed": "1", "fix_rate": "100.00", "on_time_rate": "100.00"} {
		if got[col] != want {
			t.Errorf("the audit page's 合计 %s is %q, want %q (row %v)", col, got[col], want, got)
		}
	}
}
