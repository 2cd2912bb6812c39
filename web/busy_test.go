package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// When another process holds the database's write lock (a big import's
// swap), a login, an API save and a form save are answered 503 with
// Retry-After after the store's bounded wait, nothing is written, and the
// form keeps what the editor typed; once the lock is gone the same save
// succeeds.
func TestLockedStoreAnswersBusy(t *testing.T) {
	f := seedServer(t)
	it := policeItem(t, f, 3)
	code := it.Code
	editor := signIn(t, f, "editor-police")
	page := formLogin(t, f, "editor-police")
	r := page.get("/edit/items/" + code)
	mustStatus(t, "edit form", r, http.StatusOK)
	form := formValues(t, r.body, "guide-form")
	typed := "锁等待期间填写的材料名称"
	form.Set("materials.0.name", typed)
	form.Set("action", "save")
	before := draftOf(t, f, code)
	apiItem := before.Item
	apiItem.Materials[0].Name = "接口保存的材料名称"
	body, _ := json.Marshal(apiItem)

	// Another process's write transaction: on SQLite it holds the
	// database's write lock from its start, on PostgreSQL the sequence row
	// every writer locks first.
	tx, err := rawDB(t, fixtureURL, fixtureDir).Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE sequences SET value = value WHERE name = 'change'`); err != nil {
		t.Fatal(err)
	}

	var login, save, formSave response
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		login = do(t, f.srv, http.MethodPost, "/api/v1/login", `{"username":"auditor","password":"`+testPassword+`"}`, jsonSameOrigin)
	}()
	go func() {
		defer wg.Done()
		save = editor.call("PUT", "/api/v1/items/"+code+"/draft", string(body), map[string]string{"If-Match": strconv.Itoa(before.Edition)})
	}()
	go func() {
		defer wg.Done()
		formSave = page.post("/edit/items/"+code, form)
	}()
	wg.Wait()
	tx.Rollback()

	for what, r := range map[string]response{"login": login, "API save": save, "form save": formSave} {
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != strconv.Itoa(busyRetryAfter) {
			t.Errorf("%s under another's write lock: %d, Retry-After %q: %.300s", what, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	for what, r := range map[string]response{"login": login, "API save": save} {
		var e errorBody
		if json.Unmarshal([]byte(r.body), &e) != nil || e.Error.Code != "busy" || e.Error.Message != MsgBusy {
			t.Errorf("%s: error body %s", what, r.body)
		}
	}
	mustContain(t, "form save", formSave.body, label("edit.busy"), typed)
	if after := draftOf(t, f, code); after.Edition != before.Edition {
		t.Fatalf("a refused save was stored: edition %d, was %d", after.Edition, before.Edition)
	}

	// The lock is gone: the same form saves.
	r = page.post("/edit/items/"+code, form)
	mustStatus(t, "save after the lock", r, http.StatusSeeOther)
	if !strings.Contains(draftOf(t, f, code).Materials[0].Name, typed) {
		t.Fatal("the save after the lock did not store the typed text")
	}
}
