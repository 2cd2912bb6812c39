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

// TestTokens: a token is created with a role and scope, its secret is
// stored nowhere (only its hash), it acts as a pseudo-user of its scope,
// and once revoked or expired it is ErrBadToken; creation and revocation
// are in the change log, a window of reads is one entry.
func TestTokens(t *testing.T) {
	ctx := context.Background()
	st, _ := openTestStore(t)
	mustImport(t, st, catalogtest.ItemRecords(catalogtest.GuideVariant(1))) // creates 安康市公安局汉滨分局 in 610902
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }

	secret, info, err := st.AddToken(ctx, NewToken{Name: "hotline", Role: catalog.RoleEditor, Department: "安康市公安局汉滨分局",
		Region: "610902", ExpiresAt: now.Add(48 * time.Hour), By: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) < len(TokenPrefix)+40 || info.Department != "安康市公安局汉滨分局" {
		t.Fatalf("secret %q, info %+v", secret, info)
	}
	// The secret is nowhere in the row.
	var cols map[string]any
	if err := st.db.Raw(`SELECT * FROM api_tokens WHERE name = ?`, "hotline").Take(&cols).Error; err != nil {
		t.Fatal(err)
	}
	for k, v := range cols {
		if s, ok := v.(string); ok && (strings.Contains(s, secret) || strings.Contains(s, secret[len(TokenPrefix):])) {
			t.Fatalf("column %s holds the secret", k)
		}
	}
	if cols["secret_hash"] != tokenHash(secret) {
		t.Fatalf("secret_hash %v", cols["secret_hash"])
	}

	u, name, err := st.TokenUser(ctx, secret, now)
	if err != nil || name != "hotline" || u.Name != "token:hotline" || u.Role != catalog.RoleEditor || u.DepartmentID == 0 || u.Region != "610902" {
		t.Fatalf("token user %+v %q %v", u, name, err)
	}
	for _, bad := range []string{"", "zn_wrong", secret + "x", strings.TrimPrefix(secret, TokenPrefix)} {
		if _, _, err := st.TokenUser(ctx, bad, now); !errors.Is(err, ErrBadToken) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if _, _, err := st.TokenUser(ctx, secret, now.Add(48*time.Hour)); !errors.Is(err, ErrBadToken) {
		t.Fatalf("expired: %v", err)
	}

	for _, tc := range []struct {
		nt    NewToken
		field string
	}{
		{NewToken{Name: "x y", Role: catalog.RoleAuditor}, "name"},
		{NewToken{Name: "t2", Role: "boss"}, "role"},
		{NewToken{Name: "t3", Role: catalog.RoleEditor}, "department"},
		{NewToken{Name: "t4", Role: catalog.RoleAuditor, ExpiresAt: now.Add(-time.Hour)}, "expires"},
	} {
		_, _, err := st.AddToken(ctx, tc.nt)
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Field != tc.field {
			t.Errorf("%+v: %v, want a field error on %s", tc.nt, err, tc.field)
		}
	}
	if _, _, err := st.AddToken(ctx, NewToken{Name: "hotline", Role: catalog.RoleAuditor}); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}

	at := now.Add(time.Minute)
	if err := st.TouchToken(ctx, "hotline", at, "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	if err := st.TouchToken(ctx, "hotline", now, "192.0.2.8"); err != nil { // older: ignored
		t.Fatal(err)
	}
	ts, err := st.Tokens(ctx)
	if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil || !ts[0].LastUsedAt.Equal(at) || ts[0].LastUsedFrom != "192.0.2.7" {
		t.Fatalf("tokens %+v %v", ts, err)
	}

	if err := st.RevokeToken(ctx, "hotline", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.TokenUser(ctx, secret, now); !errors.Is(err, ErrBadToken) {
		t.Fatalf("revoked: %v", err)
	}
	if err := st.RevokeToken(ctx, "hotline", ""); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("revoked twice: %v", err)
	}
	if err := st.RevokeToken(ctx, "nobody", ""); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	if ts, _ := st.Tokens(ctx); ts[0].State(now) != TokenRevoked {
		t.Fatalf("state %s", ts[0].State(now))
	}

	err = st.LogTokenReads(ctx, TokenReads{Name: "hotline", From: now, To: now.Add(time.Hour), Count: 42, Remotes: []string{"192.0.2.7"}, More: 3})
	if err != nil {
		t.Fatal(err)
	}
	log, err := st.ChangeLog(ctx, ChangeFilter{User: "token:hotline"})
	if err != nil || len(log) != 3 {
		t.Fatalf("change log %+v %v", log, err)
	}
	if log[0].Action != OpTokenReads || !strings.Contains(log[0].Detail, "42") || !strings.Contains(log[0].Remote, "192.0.2.7") ||
		log[1].Action != OpTokenRevoke || log[2].Action != OpTokenAdd || !strings.Contains(log[2].Detail, "admin") {
		t.Fatalf("change log %+v", log)
	}
}
