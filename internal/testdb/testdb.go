// Package testdb gives tests a database of their own on the engine the
// test run asks for: with ZHINAN_TEST_DB unset, tests use SQLite in a
// temporary data directory; with ZHINAN_TEST_DB=postgres://… (a server
// and a role that may create databases), each test gets a new PostgreSQL
// database, dropped when the test ends. It imports no zhinan package, so
// that the store's own tests can use it.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the variable that selects PostgreSQL for the tests.
const EnvVar = "ZHINAN_TEST_DB"

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvVar) != "" }

// URL returns the database URL a test opens its store with: "" for
// SQLite (the store opens the data directory's database), else the URL
// of a new PostgreSQL database that is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvVar)
	if admin == "" {
		return ""
	}
	return Create(t, admin)
}

// Create creates a new, empty database on the PostgreSQL server of the
// URL admin and returns its URL; the database is dropped (its
// connections ended) when t ends.
func Create(t testing.TB, admin string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "zhinan_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvVar, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
