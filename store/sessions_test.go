package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhinan/catalog"
)

// TestSessionsEndWithThePassword: a password change ends every session
// of the account (but the one that changed it), disabling ends them all
// and refuses logins, and sessions can be listed and revoked.
func TestSessionsEndWithThePassword(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	const pw = "correct horse battery"
	u, err := st.AddUser(ctx, NewUser{Name: "ops", Role: catalog.RoleAuditor, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := st.CreateSession(ctx, u, SessionToken)
	if err := st.SetPassword(ctx, "ops", "a new long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SessionUser(ctx, other); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("a session outlives the password change: %v", err)
	}
	if _, err := st.Authenticate(ctx, "ops", pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("old password: %v", err)
	}
	if err := st.SetPassword(ctx, "ops", strings.Repeat("长", MaxPasswordBytes)); err == nil {
		t.Fatal("an over-long password was accepted")
	}
	if err := st.SetPassword(ctx, "nobody", "a new long passphrase"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}

	a, _, _ := st.CreateSession(ctx, u, SessionCookie)
	b, _, _ := st.CreateSession(ctx, u, SessionToken)
	ended, err := st.ChangePassword(ctx, "ops", pw, b)
	if err != nil || ended != 1 {
		t.Fatalf("change password keeping one session: %d %v", ended, err)
	}
	if _, _, err := st.SessionUser(ctx, a); !errors.Is(err, catalog.ErrNotFound) {
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
	if _, _, err := st.SessionUser(ctx, b); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("a revoked session: %v", err)
	}

	c, _, _ := st.CreateSession(ctx, u, SessionCookie)
	if n, err := st.SetDisabled(ctx, "ops", true); err != nil || n != 1 {
		t.Fatalf("disable: %d %v", n, err)
	}
	if _, _, err := st.SessionUser(ctx, c); !errors.Is(err, catalog.ErrNotFound) {
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
	log, _ := st.ChangeLog(ctx, ChangeFilter{User: "ops"})
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := []string{OpUserEnable, OpUserDisable, OpSessionsRevoke, OpPassword, OpPassword, OpUserAdd}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Fatalf("change log %v, want %v", actions, want)
	}
}

// Logging in again and again keeps at most MaxSessionsPerUser sessions of
// an account (the newest), and a login ends the account's expired ones.
func TestSessionsAreBounded(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	u, err := st.AddUser(ctx, NewUser{Name: "script", Role: catalog.RoleAuditor, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var tokens []string
	for i := 0; i < MaxSessionsPerUser+5; i++ {
		st.Now = func() time.Time { return base.Add(time.Duration(i) * time.Second) }
		tok, _, err := st.CreateSession(ctx, u, SessionToken)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	count := func() int {
		var n int
		st.db.Raw(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, u.ID).Scan(&n)
		return n
	}
	if n := count(); n != MaxSessionsPerUser {
		t.Fatalf("%d sessions stored, want %d", n, MaxSessionsPerUser)
	}
	for i, tok := range tokens {
		_, _, err := st.SessionUser(ctx, tok)
		if live := err == nil; live != (i >= 5) {
			t.Fatalf("session %d live %v (err %v)", i, live, err)
		}
	}
	// 31 days later the 30-day tokens have expired: a login ends them.
	st.Now = func() time.Time { return base.AddDate(0, 0, 31) }
	if _, _, err := st.CreateSession(ctx, u, SessionCookie); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d sessions after the tokens expired, want the new one", n)
	}
}
