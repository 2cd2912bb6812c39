package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"zhinan/catalog"
	"zhinan/seeds"
	"zhinan/store"
)

// demoAccounts are the clearly marked accounts `serve --demo` creates for
// a local try-out, one per role.
var demoAccounts = []store.NewUser{
	{Name: "demo-editor", Role: catalog.RoleEditor, Department: "市公安局", Region: seeds.CityRegion},
	{Name: "demo-reviewer", Role: catalog.RoleReviewer, Region: seeds.CityRegion},
	{Name: "demo-bundle", Role: catalog.RoleBundle},
	{Name: "demo-desk", Role: catalog.RoleDesk},
	{Name: "demo-auditor", Role: catalog.RoleAuditor},
	{Name: "demo-admin", Role: catalog.RoleAdmin},
}

// ensureDemoAccounts creates the demo accounts (or gives existing ones a
// new password) and prints their passwords. Never use it in production.
func ensureDemoAccounts(ctx context.Context, st *store.Store, w io.Writer) error {
	fmt.Fprintln(w, msgDemoHeader)
	for _, nu := range demoAccounts {
		raw := make([]byte, 9)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		nu.Password = base64.RawURLEncoding.EncodeToString(raw)
		nu.Demo = true
		_, err := st.AddUser(ctx, nu)
		if errors.Is(err, catalog.ErrConflict) {
			err = st.SetPassword(ctx, nu.Name, nu.Password)
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", nu.Name, err)
		}
		scope := nu.Department
		if scope == "" {
			scope = nu.Region
		}
		fmt.Fprintf(w, msgDemoUser, nu.Name, nu.Role, nu.Password, scope)
	}
	return nil
}
