package main

// Browser test of the edit form as a department clerk uses it on a
// desktop (1280 px): the bar with 提交审核 stays in view from the top of
// the ~10,000 px form to its bottom, the index and the findings land below
// the bar, materials move and go with the row buttons and, with
// JavaScript, by dragging; without JavaScript the same buttons work. Same
// conventions as browser_test.go and browser_edit_test.go.

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// formItem is what TestBrowserEditFormRows reads of GET /api/v1/items/{code}.
type formItem struct {
	browserItem
	Situations []struct {
		Options []struct {
			Add    []string `json:"add"`
			Remove []string `json:"remove"`
		} `json:"options"`
	} `json:"situations"`
}

// namedBySituations are the materials the guide's situations name, which
// the guide cannot lose.
func (it formItem) namedBySituations() map[string]bool {
	out := map[string]bool{}
	for _, q := range it.Situations {
		for _, o := range q.Options {
			for _, m := range append(append([]string(nil), o.Add...), o.Remove...) {
				out[m] = true
			}
		}
	}
	return out
}

// formMaterials are the names of the edit form's material rows, in the
// order shown, each with the form name of its control.
func formMaterials(tb *tab) []string {
	tb.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll('[data-rows="materials"] > [data-row]'), (row, i) => {
		const input = row.querySelector('input[name$=".name"]');
		return input ? input.name + '=' + input.value : '(none)';
	})`)
}

// wantMaterials is how formMaterials reads names, with the blank row for a
// new material at the end.
func wantMaterials(names []string) []string {
	var out []string
	for i, n := range append(append([]string(nil), names...), "") {
		out = append(out, "materials."+strconv.Itoa(i)+".name="+n)
	}
	return out
}

// barSubmitInView checks that the bar's 提交审核 button is within the
// window and not covered by anything (the element at its centre is it).
func barSubmitInView(tb *tab, where string) {
	tb.t.Helper()
	got := eval[string](tb, `(() => {
		const b = document.querySelector('form.guide-form .form-bar button[name=action][value=submit]');
		if (!b) return 'no 提交审核 button in the bar';
		const r = b.getBoundingClientRect();
		if (r.width === 0 || r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth)
			return 'outside the window: ' + JSON.stringify({top: r.top, bottom: r.bottom, height: innerHeight});
		const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (!at || (at !== b && !b.contains(at))) return 'covered by ' + (at ? at.outerHTML.slice(0, 80) : 'nothing');
		return b.textContent.trim() === '提交审核' ? '' : 'it says ' + b.textContent.trim();
	})()`)
	if got != "" {
		tb.shot("FAILED")
		tb.t.Errorf("%s: the bar's 提交审核 button is not in view: %s", where, got)
	}
}

// scrollToBottom scrolls the window to the bottom of the page until it
// stays there (a field that takes the focus on load may scroll the window
// after the first try). It polls from here, not in the page: a poll in the
// page needs its timers, which do not run without script.
func scrollToBottom(tb *tab) {
	tb.t.Helper()
	for {
		at := eval[bool](tb, `(() => {
			window.scrollTo(0, document.documentElement.scrollHeight);
			return scrollY > 0 && Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight - 2;
		})()`)
		if at {
			return
		}
		if err := sleepCtx(tb.ctx, 50*time.Millisecond); err != nil {
			tb.fail("scroll to the bottom", fmt.Errorf("the window stays at %v", eval[float64](tb, `scrollY`)))
		}
	}
}

// belowBar waits until the element id is the target of the address and
// its top is in the window below the bar (not under it).
func belowBar(tb *tab, id string) {
	tb.t.Helper()
	tb.waitFor("#"+id+" shown below the bar", fmt.Sprintf(`(() => {
		const el = document.getElementById(%[1]s), bar = document.querySelector('.form-bar');
		if (!el || !bar || location.hash !== '#' + %[1]s) return false;
		const top = el.getBoundingClientRect().top;
		return top >= bar.getBoundingClientRect().bottom - 1 && top < innerHeight;
	})()`, js(id)))
}

// pressRow presses a row button of the form (name="row"), which posts the
// form and loads it again with the change.
func pressRow(tb *tab, value string) {
	tb.t.Helper()
	sel := fmt.Sprintf(`form.guide-form button[name=row][value=%q]`, value)
	if n := eval[int](tb, `document.querySelectorAll(`+js(sel)+`).length`); n != 1 {
		tb.fail("the row button "+value, fmt.Errorf("%d such buttons", n))
	}
	// In the middle of the window, clear of the bar at its top.
	tb.do("scroll to the row button "+value, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+js(sel)+`).scrollIntoView({block: 'center', behavior: 'instant'})`))
	if status := tb.follow("the row button "+value, chromedp.Click(chromedp.CSS(sel))); status != 200 {
		tb.fail("the row button "+value, fmt.Errorf("HTTP %d", status))
	}
	tb.do("the form drawn again", chromedp.WaitVisible(chromedp.CSS("form.guide-form #f-materials-0-name")))
}

// saveDraft presses the bar's 保存草稿 and checks that the form comes back
// saved as edition n.
func saveDraft(tb *tab, n int) {
	tb.t.Helper()
	if status := tb.follow("the 保存草稿 button", chromedp.Click(chromedp.CSS(`.form-bar button[name=action][value=save]`))); status != 200 {
		tb.fail("保存草稿", fmt.Errorf("HTTP %d", status))
	}
	if got := eval[string](tb, `location.search`); got != "?saved="+strconv.Itoa(n) {
		tb.fail("保存草稿", fmt.Errorf("went to %s, want ?saved=%d", tb.location(), n))
	}
	tb.do("the saved form", chromedp.WaitVisible(chromedp.CSS("form.guide-form #f-materials-0-name")))
}

// editFormTab signs an editor of 市公安局 in, in a browser at 1280 px, and
// picks a published guide of the department with three materials or
// more, the third of which no situation names (so that it can go).
func editFormTab(t *testing.T) (*tab, formItem) {
	t.Helper()
	findChromium(t)
	data := t.TempDir()
	srv := startServer(t, data)
	addUser(t, data, "form-editor", "--role", "editor", "--department", "市公安局", "--region", "610900")
	tb := newTab(t, srv, tabOptions{width: desktopWidth, height: desktopHeight})
	tb.login("form-editor")

	// A published guide of the department with three materials or more,
	// one of which no situation names (so that it can go).
	tb.mustWaitFor("the workbench's list of the department's items",
		`document.querySelectorAll('section[aria-labelledby="mine-h"] table.queue tbody tr').length > 0`)
	codes := eval[[]string](tb, `Array.from(document.querySelectorAll('section[aria-labelledby="mine-h"] table.queue tbody tr'))
		.filter(tr => tr.querySelector('.state-published')).map(tr => tr.querySelector('td.code').textContent.trim())`)
	var it formItem
	for _, code := range codes {
		var cand formItem
		if status := srv.getJSON(t, "/api/v1/items/"+url.PathEscape(code), &cand); status != 200 {
			t.Fatalf("GET /api/v1/items/%s: %d", code, status)
		}
		if cand.Edition == 1 && len(cand.Materials) >= 3 && !cand.namedBySituations()[cand.Materials[2].Name] {
			it = cand
			break
		}
	}
	if it.Code == "" {
		t.Fatalf("no published guide of 市公安局 with 3 materials, the third free to delete, among %d", len(codes))
	}
	return tb, it
}

// TestBrowserEditFormRows: with JavaScript, the bar's 提交审核 stays in
// view, the index lands below the bar, 上移 and 删除此项 post the form and
// bring it back changed and unsaved, dragging renumbers the rows in place,
// and 保存草稿 saves the order shown.
func TestBrowserEditFormRows(t *testing.T) {
	tb, it := editFormTab(t)
	var names []string
	for _, m := range it.Materials {
		names = append(names, m.Name)
	}
	code := it.Code

	// The form: long, the bar's 提交审核 in view at its top.
	if status := tb.navigate("/edit/items/" + url.PathEscape(code)); status != 200 {
		t.Fatalf("the edit form of %s: HTTP %d", code, status)
	}
	tb.do("the edit form", chromedp.WaitVisible(chromedp.CSS("form.guide-form #f-materials-0-name")))
	tb.mustWaitFor("the script's drag handles on the rows", `document.querySelectorAll('[data-rows="materials"] .drag-handle').length > 0`)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Fatalf("the form's materials are %q, the guide's %q", got, names)
	}
	if h := eval[float64](tb, `document.documentElement.scrollHeight / innerHeight`); h < 3 {
		t.Errorf("the form is only %.1f windows tall: this test wants a long one", h)
	}
	barSubmitInView(tb, "at the top of the form")
	tb.shot("top")
	scrollToBottom(tb)
	barSubmitInView(tb, "scrolled to the bottom")
	// The index leads to a section, shown below the bar.
	tb.do("the index link 办理流程", chromedp.Click(chromedp.CSS(`.form-index a[href="#s-steps"]`)))
	belowBar(tb, "s-steps")
	barSubmitInView(tb, "at 办理流程")

	// 上移 on the second material: the two swap, the form is not saved.
	pressRow(tb, "up:materials:1")
	names = append([]string{names[1], names[0]}, names[2:]...)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("after 上移 the materials are %q, want %q", got, wantMaterials(names))
	}
	if eval[bool](tb, `!!document.querySelector('.notice.success')`) || eval[string](tb, `location.search`) != "" {
		t.Errorf("上移 said it saved: %s %q", tb.location(), text(tb, ".notice.success"))
	}
	if got := eval[string](tb, `document.activeElement ? document.activeElement.name + ' ' + document.activeElement.value : ''`); got != "row down:materials:0" {
		t.Errorf("after 上移 the focus is on %q, want the moved row's 下移 button", got)
	}
	barSubmitInView(tb, "after 上移")

	// 删除此项 on the third: gone, the rows after it numbered afresh.
	pressRow(tb, "del:materials:2")
	names = append(names[:2:2], names[3:]...)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("after 删除 the materials are %q, want %q", got, wantMaterials(names))
	}

	// Dragging the first material below the second (the HTML5 drag and
	// drop events a mouse makes): the rows are numbered afresh in place.
	tb.mustWaitFor("the script's drag handles", `document.querySelectorAll('[data-rows="materials"] .drag-handle').length > 0`)
	tb.do("drag the first material below the second", chromedp.Evaluate[chromedp.Void](`(() => {
		const rows = Array.from(document.querySelectorAll('[data-rows="materials"] > [data-row]'));
		const a = rows[0], b = rows[1], dt = new DataTransfer();
		const y = b.getBoundingClientRect().bottom - 2;
		const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt, clientY: y}));
		a.querySelector('.drag-handle').dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));
		fire(a, 'dragstart'); fire(b, 'dragover'); fire(b, 'drop'); fire(a, 'dragend');
	})()`))
	names = append([]string{names[1], names[0]}, names[2:]...)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("after dragging the materials are %q, want %q", got, wantMaterials(names))
	}
	coherent := eval[string](tb, `(() => {
		const rows = Array.from(document.querySelectorAll('[data-rows="materials"] > [data-row]'));
		for (const [i, row] of rows.entries()) {
			for (const l of row.querySelectorAll('label[for]')) if (!document.getElementById(l.htmlFor) || !row.contains(document.getElementById(l.htmlFor))) return 'row ' + i + ': label for ' + l.htmlFor;
			for (const el of row.querySelectorAll('[name]:not(button)')) if (!el.name.startsWith('materials.' + i + '.')) return 'row ' + i + ': ' + el.name;
			const up = row.querySelector('button.row-up'), del = row.querySelector('button.row-del');
			if (up.value !== 'up:materials:' + i || up.disabled !== (i === 0) || del.value !== 'del:materials:' + i) return 'row ' + i + ': buttons ' + up.value + ' ' + del.value;
			if (row.querySelector('.row-title').textContent !== '申请材料 第' + (i + 1) + '项') return 'row ' + i + ': legend ' + row.querySelector('.row-title').textContent;
		}
		return '';
	})()`)
	if coherent != "" {
		t.Errorf("after dragging the rows are not numbered afresh: %s", coherent)
	}
	saveDraft(tb, 2)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("saved, the form's materials are %q, want %q", got, wantMaterials(names))
	}

}

// TestBrowserEditFormWithoutJavaScript: the bar and the row buttons work
// without the page's script.
func TestBrowserEditFormWithoutJavaScript(t *testing.T) {
	tb, it := editFormTab(t)
	code := it.Code
	var names []string
	for _, m := range it.Materials {
		names = append(names, m.Name)
	}
	tb.do("disable JavaScript", chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	if status := tb.navigate("/edit/items/" + url.PathEscape(code)); status != 200 {
		t.Fatalf("the edit form without JavaScript: HTTP %d", status)
	}
	tb.do("the edit form without JavaScript", chromedp.WaitVisible(chromedp.CSS("form.guide-form #f-materials-0-name")))
	if eval[bool](tb, `!!document.querySelector('.drag-handle')`) {
		t.Fatal("the page's script ran: JavaScript is not off")
	}
	barSubmitInView(tb, "without JavaScript, at the top")
	scrollToBottom(tb)
	barSubmitInView(tb, "without JavaScript, at the bottom")
	pressRow(tb, "down:materials:0")
	names = append([]string{names[1], names[0]}, names[2:]...)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("without JavaScript, after 下移 the materials are %q, want %q", got, wantMaterials(names))
	}
	pressRow(tb, "del:materials:"+strconv.Itoa(len(names))) // the blank row: still one at the end
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("without JavaScript, after deleting the blank row the materials are %q, want %q", got, wantMaterials(names))
	}
	saveDraft(tb, 2)
	if got := formMaterials(tb); strings.Join(got, "|") != strings.Join(wantMaterials(names), "|") {
		t.Errorf("without JavaScript, saved, the form's materials are %q, want %q", got, wantMaterials(names))
	}
	tb.shot("nojs-saved")
}
