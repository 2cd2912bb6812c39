// Package testdb gives tests a database of their own on the engine the
// test run asks for: with ZHINAN_TEST_DB unset, tests use SQLite in a
// temporary data directory; with ZHINAN_TEST_DB=postgres://… (a server
// and a role that may create databases), each test gets an empty
// PostgreSQL schema of its own in a database the test binary creates for
// itself and drops when it ends (Main). It imports no zhinan package, so
// that the store's own tests can use it.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
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

// processDB is the URL of the database Main created for this test binary
// ("" when Main did not run or the tests run on SQLite).
var processDB string

// Main runs the tests of a package (call it from TestMain:
// os.Exit(testdb.Main(m))). On PostgreSQL it first creates the database
// the package's tests share, one schema per test, and drops it after
// them: creating a schema takes milliseconds where creating a database
// takes a second or more.
func Main(m *testing.M) int {
	admin := os.Getenv(EnvVar)
	if admin == "" {
		return m.Run()
	}
	u, drop, err := createDatabase(admin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", EnvVar, err)
		return 1
	}
	processDB = u
	code := m.Run()
	if err := drop(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", EnvVar, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// URL returns the database URL a test opens its store with: "" for
// SQLite (the store opens the data directory's database), else the URL of
// an empty PostgreSQL schema of its own (search_path), dropped when t
// ends. Without Main, each test gets a database of its own (Create).
func URL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvVar)
	switch {
	case admin == "":
		return ""
	case processDB == "":
		return Create(t, admin)
	}
	u, schema, err := newSchema()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execOn(ctx, processDB, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	return u
}

// ProcessURL returns, on PostgreSQL, the URL of a new empty schema that
// lasts as long as the test binary (for a fixture the package's tests
// share): "" on SQLite. It needs Main.
func ProcessURL() (string, error) {
	if !Postgres() {
		return "", nil
	}
	if processDB == "" {
		return "", fmt.Errorf("testdb.ProcessURL needs TestMain to call testdb.Main")
	}
	u, _, err := newSchema()
	return u, err
}

// newSchema creates a schema in the test binary's database and returns
// the URL that works in it, and its name.
func newSchema() (string, string, error) {
	schema := "t_" + randomName()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := execOn(ctx, processDB, "CREATE SCHEMA "+schema); err != nil {
		return "", "", fmt.Errorf("create test schema: %w", err)
	}
	u, err := url.Parse(processDB)
	if err != nil {
		return "", "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// Create creates a new, empty database on the PostgreSQL server of the
// URL admin and returns its URL; the database is dropped (its
// connections ended) when t ends.
func Create(t testing.TB, admin string) string {
	t.Helper()
	u, drop, err := createDatabase(admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return u
}

// createDatabase creates a database on the server of admin and returns its
// URL and the function that drops it. The database has a Chinese
// collation, so that a test fails where the store would order text by the
// database's collation rather than by its bytes as SQLite does; a server
// without ICU gives its default collation. Commits do not wait for the
// disk (synchronous_commit=off): a test database is thrown away.
func createDatabase(admin string) (string, func() error, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", EnvVar, err)
	}
	name := "zhinan_test_" + randomName()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err = execOn(ctx, admin, "CREATE DATABASE "+name+
		" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'")
	if err != nil {
		if err := execOn(ctx, admin, "CREATE DATABASE "+name); err != nil {
			return "", nil, fmt.Errorf("create test database: %w", err)
		}
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := execOn(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop test database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// execOn runs one statement on a connection of its own to the database of
// dsn.
func execOn(ctx context.Context, dsn, stmt string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}

func randomName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
