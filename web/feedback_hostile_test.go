package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhinan/feedback"
)

// TestHostileFeedbackOnStaffPagesAndExports: the 30 hostile strings, filed
// as 指南有误 reports (what and contact) and typed as searches that find
// nothing, stay text on the departments' pages (the ticket list and each
// ticket) and on the audit page, and in the feedback report's CSV, XLSX and
// JSON exports; no CSV cell begins with = + - @ (nor a tab or a line
// break), and no XLSX cell is a formula. TestHostileFeedbackStaysText
// covers the citizens' pages.
func TestHostileFeedbackOnStaffPagesAndExports(t *testing.T) {
	f := seedServer(t)
	it := fbItem(t, f)
	ctx := t.Context()
	var ids []int64
	for i, h := range hostileStrings {
		contact := h
		if len([]rune(contact)) > feedback.MaxContactRunes {
			contact = string([]rune(contact)[:feedback.MaxContactRunes])
		}
		filed, err := f.store.ReportError(ctx, &feedback.ErrorReport{Target: feedback.Target{Kind: feedback.TargetItem, Code: it.Code},
			Section: "materials", What: h, Contact: contact})
		if err != nil {
			t.Fatalf("report %d %q: %v", i, h, err)
		}
		ids = append(ids, filed.ID)
		// A search for it: found nothing or not, it is a question asked.
		r := from(t, f.srv, "192.0.2.77", http.MethodGet, "/search?q="+url.QueryEscape(h), "", nil)
		if r.status != http.StatusOK {
			t.Fatalf("search %q: %d", h, r.status)
		}
	}
	f.srv.flushViews(ctx)

	raw := func(page, body, h string) {
		t.Helper()
		if strings.ContainsAny(h, `<>"'`) && strings.Contains(body, h) {
			t.Errorf("%s shows %q unescaped", page, h)
		}
	}
	admin := formLogin(t, f, "admin")
	editor := formLogin(t, f, "editor-police") // the owning department
	for _, b := range []*browser{admin, editor} {
		for page := 1; ; page++ {
			r := b.get("/edit/tickets?all=1&page=" + strconv.Itoa(page))
			mustStatus(t, "the ticket list", r, http.StatusOK)
			for _, h := range hostileStrings {
				raw("the ticket list", r.body, h)
			}
			if !strings.Contains(r.body, `rel="next"`) {
				break
			}
		}
	}
	for i, id := range ids {
		h := hostileStrings[i]
		r := editor.get("/edit/tickets/" + strconv.FormatInt(id, 10))
		mustStatus(t, "a ticket", r, http.StatusOK)
		raw("ticket #"+strconv.FormatInt(id, 10), r.body, h)
		if !strings.Contains(r.body, escapedText(t, h)) {
			t.Errorf("ticket #%d does not show %q as text", id, h)
		}
	}

	auditor := formLogin(t, f, "auditor")
	page := auditor.get("/audit")
	mustStatus(t, "/audit", page, http.StatusOK)
	for _, h := range hostileStrings {
		raw("/audit", page.body, h)
	}
	if !strings.Contains(page.body, "script") {
		t.Errorf("/audit lists none of the hostile searches as unanswered")
	}

	// The exports. CSV: no cell a spreadsheet would take for a formula.
	for _, by := range []string{"department", "item", "region"} {
		r := auditor.get("/audit/download?report=feedback&format=csv&by=" + by)
		mustStatus(t, "the CSV export", r, http.StatusOK)
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff")))
		cr.FieldsPerRecord = -1 // the figures, then the unanswered searches
		recs, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("CSV by %s: %v", by, err)
		}
		neutralised := 0
		for _, rec := range recs {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r\n", rune(cell[0])) && !isNumber(cell) {
					t.Errorf("CSV by %s: a cell begins with a formula character: %q", by, cell)
				}
				if strings.HasPrefix(cell, "'") {
					neutralised++
				}
			}
		}
		if neutralised == 0 {
			t.Errorf("CSV by %s: no hostile query was neutralised (are the unanswered searches exported?)", by)
		}
		for _, h := range hostileStrings {
			if strings.Contains(r.body, h) && strings.ContainsAny(h[:1], "=+-@") {
				t.Errorf("CSV by %s holds %q as is", by, h)
			}
		}
	}
	x := auditor.get("/audit/download?report=feedback&format=xlsx")
	mustStatus(t, "the XLSX export", x, http.StatusOK)
	book, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, sheet := range book.GetSheetList() {
		rows, err := book.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := book.GetCellFormula(sheet, cell); fm != "" {
					t.Errorf("XLSX %s!%s is a formula: %q", sheet, cell, fm)
				}
			}
		}
	}
	j := auditor.get("/audit/download?report=feedback&format=json")
	mustStatus(t, "the JSON export", j, http.StatusOK)
	var doc map[string]any
	if err := json.Unmarshal([]byte(j.body), &doc); err != nil {
		t.Fatalf("JSON export: %v", err)
	}
	// The public figures never carry what citizens wrote nor their contacts.
	for _, export := range []string{x.body, j.body} {
		if strings.Contains(export, "DROP TABLE tickets") && strings.Contains(export, "contact") {
			t.Errorf("an export carries a report's text or contact")
		}
	}
}

// isNumber says whether a CSV cell is a plain number (a negative figure
// is no formula).
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
