package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAccounts(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	mustImport(t, st, itemRecords(guideVariant(1))) // creates 安康市公安局汉滨分局 in 610902
	editor, err := st.AddUser(ctx, NewUser{Name: "hb-police", Role: RoleEditor, Department: "安康市公安局汉滨分局", Region: "610902", Password: "correct horse battery"})
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
		{"short password", NewUser{Name: "a1", Role: RoleAuditor, Password: "short"}, "password"},
		{"unknown role", NewUser{Name: "a2", Role: "boss", Password: "long enough pw"}, "role"},
		{"editor without department", NewUser{Name: "a3", Role: RoleEditor, Password: "long enough pw"}, "department"},
		{"editor of unknown department", NewUser{Name: "a4", Role: RoleEditor, Department: "不存在局", Region: "610902", Password: "long enough pw"}, "department"},
		{"bad name", NewUser{Name: "x y<", Role: RoleAuditor, Password: "long enough pw"}, "name"},
		{"reviewer of unknown region", NewUser{Name: "a5", Role: RoleReviewer, Region: "999999", Password: "long enough pw"}, "region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.AddUser(ctx, tc.nu)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Errors[0].Field != tc.field {
				t.Fatalf("err = %v, want a field error on %s", err, tc.field)
			}
		})
	}
	if _, err := st.AddUser(ctx, NewUser{Name: "hb-police", Role: RoleAuditor, Password: "another long one"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}

	if _, err := st.Authenticate(ctx, "hb-police", "wrong password!"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := st.Authenticate(ctx, "nobody", "correct horse battery"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	u, err := st.Authenticate(ctx, "hb-police", "correct horse battery")
	if err != nil || u.Role != RoleEditor {
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
	if _, _, err := st.SessionUser(ctx, token+"x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("forged token: %v", err)
	}
	// Expiry.
	st.Now = func() time.Time { return time.Now().Add(CookieSessionTTL + time.Minute) }
	if _, _, err := st.SessionUser(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	st.Now = func() time.Time { return time.Now().UTC() }
	if err := st.DeleteSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SessionUser(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after logout: %v", err)
	}
	log, _ := st.AuditLog(ctx, AuditFilter{User: "hb-police"})
	if len(log) != 1 || log[0].Action != AuditUserAdd {
		t.Fatalf("audit log %+v", log)
	}
}

func TestAccessPolicy(t *testing.T) {
	editor := &User{Role: RoleEditor, DepartmentID: 7}
	reviewer := &User{Role: RoleReviewer, Region: "610921"}
	cityReviewer := &User{Role: RoleReviewer}
	auditor := &User{Role: RoleAuditor}
	admin := &User{Role: RoleAdmin}
	for _, tc := range []struct {
		u        *User
		action   string
		dept     uint
		inRegion bool
		want     bool
	}{
		{nil, ActionRead, 7, true, false},
		{editor, ActionEdit, 7, false, true},
		{editor, ActionEdit, 8, true, false},
		{editor, ActionReview, 7, true, false},
		{editor, ActionAudit, 7, true, false},
		{reviewer, ActionReview, 1, true, true},
		{reviewer, ActionReview, 1, false, false},
		{reviewer, ActionEdit, 1, true, false},
		{cityReviewer, ActionReview, 1, false, true},
		{auditor, ActionRead, 1, false, true},
		{auditor, ActionAudit, 1, false, true},
		{auditor, ActionEdit, 1, true, false},
		{auditor, ActionReview, 1, true, false},
		{admin, ActionAccount, 0, false, true},
	} {
		if got := Allowed(tc.u, tc.action, tc.dept, tc.inRegion); got != tc.want {
			t.Errorf("Allowed(%+v, %s, %d, %v) = %v", tc.u, tc.action, tc.dept, tc.inRegion, got)
		}
	}
}

// TestAuditClipsAnonymousText: the audit log keeps a bounded, valid form
// of text an anonymous client sent (a failed login's user name).
func TestAuditClipsAnonymousText(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	huge := strings.Repeat("x", 1<<20)
	if err := st.Audit(ctx, AuditEntry{UserName: huge, Action: AuditLoginFailed, Remote: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Audit(ctx, AuditEntry{UserName: "a\xffb\x1b[31mc\u0085", Action: AuditLoginFailed}); err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, AuditFilter{})
	if err != nil || len(log) != 2 {
		t.Fatalf("audit log: %v %d", err, len(log))
	}
	if want := strings.Repeat("x", MaxAuditInputRunes) + "…"; log[1].UserName != want {
		t.Errorf("a megabyte user name is stored as %d bytes", len(log[1].UserName))
	}
	if got := log[0].UserName; got != "a\uFFFDb\uFFFD[31mc\uFFFD" {
		t.Errorf("invalid UTF-8 and control characters stored as %q", got)
	}
	for _, s := range []string{"", "hb-police", strings.Repeat("名", MaxAuditInputRunes)} {
		if got := ClipAuditText(s); got != s {
			t.Errorf("ClipAuditText(%q) = %q", s, got)
		}
	}
	if got := ClipAuditText(strings.Repeat("名", MaxAuditInputRunes+1)); got != strings.Repeat("名", MaxAuditInputRunes)+"…" {
		t.Errorf("one rune over: %q", got)
	}
}

// TestSessionsEndWithThePassword: a password change ends every session
// of the account (but the one that changed it), disabling ends them all
// and refuses logins, and sessions can be listed and revoked.
func TestSessionsEndWithThePassword(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	const pw = "correct horse battery"
	u, err := st.AddUser(ctx, NewUser{Name: "ops", Role: RoleAuditor, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := st.CreateSession(ctx, u, SessionToken)
	if err := st.SetPassword(ctx, "ops", "a new long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SessionUser(ctx, other); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a session outlives the password change: %v", err)
	}
	if _, err := st.Authenticate(ctx, "ops", pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("old password: %v", err)
	}
	if err := st.SetPassword(ctx, "ops", strings.Repeat("长", MaxPasswordBytes)); err == nil {
		t.Fatal("an over-long password was accepted")
	}
	if err := st.SetPassword(ctx, "nobody", "a new long passphrase"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}

	a, _, _ := st.CreateSession(ctx, u, SessionCookie)
	b, _, _ := st.CreateSession(ctx, u, SessionToken)
	ended, err := st.ChangePassword(ctx, "ops", pw, b)
	if err != nil || ended != 1 {
		t.Fatalf("change password keeping one session: %d %v", ended, err)
	}
	if _, _, err := st.SessionUser(ctx, a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the other session: %v", err)
	}
	if _, _, err := st.SessionUser(ctx, b); err != nil {
		t.Fatalf("the session that changed the password: %v", err)
	}
	list, err := st.Sessions(ctx, "ops")
	if err != nil || len(list) != 1 || list[0].Kind != SessionToken || len(list[0].ID) != sessionIDLen || strings.Contains(b, list[0].ID) {
		t.Fatalf("sessions: %v %+v", err, list)
	}
	if n, err := st.RevokeSessions(ctx, "ops"); err != nil || n != 1 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	if _, _, err := st.SessionUser(ctx, b); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a revoked session: %v", err)
	}

	c, _, _ := st.CreateSession(ctx, u, SessionCookie)
	if n, err := st.SetDisabled(ctx, "ops", true); err != nil || n != 1 {
		t.Fatalf("disable: %d %v", n, err)
	}
	if _, _, err := st.SessionUser(ctx, c); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a disabled account's session: %v", err)
	}
	if _, err := st.Authenticate(ctx, "ops", pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("a disabled account signs in: %v", err)
	}
	if d, _ := st.UserDisabled(ctx, "ops"); !d {
		t.Fatal("not disabled")
	}
	if _, err := st.SetDisabled(ctx, "ops", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(ctx, "ops", pw); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
	log, _ := st.AuditLog(ctx, AuditFilter{User: "ops"})
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := []string{AuditUserEnable, AuditUserDisable, AuditSessionsRevoke, AuditPassword, AuditPassword, AuditUserAdd}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Fatalf("audit log %v, want %v", actions, want)
	}
}
