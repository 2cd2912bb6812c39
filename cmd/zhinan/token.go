package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"zhinan/report"
	"zhinan/store"
)

// tokenUsage is the usage of `zhinan token`.
const tokenUsage = "token add NAME --role ROLE [--department NAME] [--region CODE] [--expires 90d|2027-06-30]  (prints the secret once)\n" +
	"  zhinan token list\n" +
	"  zhinan token revoke NAME"

// runToken is `zhinan token`: the system tokens other systems call the
// API with (docs/api.md#authentication-with-tokens).
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: name a token command: add, list or revoke", errUsage)
	}
	switch args[0] {
	case "add":
		return runTokenAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return runTokenList(ctx, args[1:], stdout, stderr)
	case "revoke":
		return runTokenRevoke(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("%w: unknown token command %q: add, list or revoke", errUsage, args[0])
}

// tokenError turns the store's token errors into messages and exit
// statuses, as userError does for accounts.
func tokenError(err error, name, conflict string, stderr io.Writer) error {
	return accountError(err, name, conflict, msgTokenUnknown, stderr)
}

// runTokenAdd is `zhinan token add NAME --role …`: creates the token and
// prints its secret, once; only its hash is stored.
func runTokenAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("token add", stderr)
	role := fs.String("role", "", "admin, reviewer, editor, auditor, bundle or desk: the token acts as an account of this role")
	dept := fs.String("department", "", "an editor token's department (its name)")
	region := fs.String("region", "", "an editor token's department region, or a reviewer token's region (empty: everywhere)")
	expires := fs.String("expires", "", "lifetime: days (90d) or the last day it works (2027-06-30); empty: no expiry")
	name, err := oneUserName(fs, args)
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	at, err := store.ParseTokenExpiry(*expires, st.Now())
	if err != nil {
		return tokenError(err, name, msgTokenExists, stderr)
	}
	secret, info, err := st.AddToken(ctx, store.NewToken{Name: name, Role: *role, Department: *dept, Region: *region, ExpiresAt: at})
	if err != nil {
		return tokenError(err, name, msgTokenExists, stderr)
	}
	fmt.Fprintf(stdout, msgTokenAdded, info.Name, info.Role, showExpiry(info.ExpiresAt))
	fmt.Fprintln(stdout, secret)
	return nil
}

// showExpiry shows a token's expiry in China time, or that it has none.
func showExpiry(t *time.Time) string {
	if t == nil {
		return msgTokenNoExpiry
	}
	return t.In(report.ChinaTime).Format(time.DateTime)
}

// runTokenList is `zhinan token list`: every token, never its secret.
// The last use is the store's, written at most once a minute per token
// by a server.
func runTokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("token list", stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: token list takes no argument", errUsage)
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	ts, err := st.Tokens(ctx)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		fmt.Fprintln(stdout, msgNoTokens)
		return nil
	}
	now := st.Now()
	fmt.Fprintf(stdout, msgTokensHeader, len(ts))
	for _, t := range ts {
		scope := t.Department
		if scope == "" {
			scope = t.Region
		}
		if scope == "" {
			scope = "-"
		}
		used := msgTokenUnused
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.In(report.ChinaTime).Format(time.DateTime) + " " + t.LastUsedFrom
		}
		state := map[string]string{store.TokenActive: msgTokenActive, store.TokenExpired: msgTokenExpired, store.TokenRevoked: msgTokenRevokedState}[t.State(now)]
		if t.RevokedAt != nil {
			state += " " + t.RevokedAt.In(report.ChinaTime).Format(time.DateTime)
		}
		fmt.Fprintf(stdout, msgTokenLine, t.Name, t.Role, scope, t.CreatedAt.In(report.ChinaTime).Format(time.DateTime),
			showExpiry(t.ExpiresAt), used, state)
	}
	return nil
}

// runTokenRevoke is `zhinan token revoke NAME`: the token's next request
// is refused (401).
func runTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("token revoke", stderr)
	name, err := oneUserName(fs, args)
	if err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RevokeToken(ctx, name, ""); err != nil {
		return tokenError(err, name, msgTokenWasRevoked, stderr)
	}
	fmt.Fprintf(stdout, msgTokenRevoked, name)
	return nil
}
