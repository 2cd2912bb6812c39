package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1))) // creates 安康市公安局汉滨分局 in 610902
	editor, err := st.AddUser(ctx, NewUser{Name: "hb-police", Role: catalog.RoleEditor, Department: "安康市公安局汉滨分局", Region: "610902", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if editor.DepartmentID == 0 || editor.Region != "610902" {
		t.Fatalf("editor scope %+v", editor)
	}
	for _, tc := range []struct {
		name  string
		nu    NewUser
		field string
	}{
		{"short password", NewUser{Name: "a1", Role: catalog.RoleAuditor, Password: "short"}, "password"},
		{"unknown role", NewUser{Name: "a2", Role: "boss", Password: "long enough pw"}, "role"},
		{"editor without department", NewUser{Name: "a3", Role: catalog.RoleEditor, Password: "long enough pw"}, "department"},
		{"editor of unknown department", NewUser{Name: "a4", Role: catalog.RoleEditor, Department: "不存在局", Region: "610902", Password: "long enough pw"}, "department"},
		{"bad name", NewUser{Name: "x y<", Role: catalog.RoleAuditor, Password: "long enough pw"}, "name"},
		{"reviewer of unknown region", NewUser{Name: "a5", Role: catalog.RoleReviewer, Region: "999999", Password: "long enough pw"}, "region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.AddUser(ctx, tc.nu)
			var ve *catalog.ValidationError
			if !errors.As(err, &ve) || ve.Errors[0].Field != tc.field {
				t.Fatalf("err = %v, want a field error on %s", err, tc.field)
			}
		})
	}
	if _, err := st.AddUser(ctx, NewUser{Name: "hb-police", Role: catalog.RoleAuditor, Password: "another long one"}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}

	if _, err := st.Authenticate(ctx, "hb-police", "wrong password!"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := st.Authenticate(ctx, "nobody", "correct horse battery"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	u, err := st.Authenticate(ctx, "hb-police", "correct horse battery")
	if err != nil || u.Role != catalog.RoleEditor {
		t.Fatalf("login: %v %+v", err, u)
	}
	var hash string
	st.db.Raw(`SELECT password_hash FROM users WHERE name = ?`, "hb-police").Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "correct horse") {
		t.Fatalf("stored hash %q", hash)
	}

	token, _, err := st.CreateSession(ctx, u, SessionCookie)
	if err != nil {
		t.Fatal(err)
	}
	got, kind, err := st.SessionUser(ctx, token)
	if err != nil || got.Name != "hb-police" || kind != SessionCookie {
		t.Fatalf("session: %v %+v %s", err, got, kind)
	}
	if _, _, err := st.SessionUser(ctx, token+"x"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("forged token: %v", err)
	}
	// Expiry.
	st.Now = func() time.Time { return time.Now().Add(CookieSessionTTL + time.Minute) }
	if _, _, err := st.SessionUser(ctx, token); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	st.Now = func() time.Time { return time.Now().UTC() }
	if err := st.DeleteSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SessionUser(ctx, token); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("after logout: %v", err)
	}
	log, _ := st.ChangeLog(ctx, ChangeFilter{User: "hb-police"})
	if len(log) != 1 || log[0].Action != OpUserAdd {
		t.Fatalf("change log %+v", log)
	}
}
