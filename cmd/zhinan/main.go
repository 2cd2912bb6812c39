// Command zhinan is the catalogue and guide registry of a city's government
// services: one binary that serves the web pages and the API, imports and
// exports catalogues, writes reports and generates synthetic data.
//
// Every command takes --data DIR (default ./data), where the SQLite
// database and the search index live, and --db URL (or ZHINAN_DB) to keep
// the catalogue in PostgreSQL instead: then --data holds only this
// process's search index. See README.md for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of zhinan.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "serve [--addr 127.0.0.1:8080] [--no-seed] [--demo] [--secure-cookies] [--trusted-proxy CIDR]… [--rate-limit N] [--rate-burst N] [--token-rate-limit N] [--token-rate-burst N]", runServe},
		{"import", "import [--dry-run] [--skip-invalid] [--dialect national] FILE…", runImport},
		{"export", "export [--format jsonl|csv|xlsx] [--region CODE] [--department NAME] [-o FILE] | export --since SEQ [-o FILE]", runExport},
		{"report", reportUsage, runReport},
		{"user", userUsage, runUser},
		{"token", tokenUsage, runToken},
		{"reindex", "reindex", runReindex},
		{"migrate-store", "migrate-store --from DIR --to postgres://…", runMigrateStore},
		{"gen", "gen --items N [--seed S] [--vary] [-o FILE]", runGen},
	}
}

// errUsage marks an error in the command line; main prints usage for it.
var errUsage = errors.New("usage")

// exitError carries an exit status other than 1.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ee exitError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "zhinan: %v\nusage: zhinan %s\n", err, c.usage)
			return 2
		case errors.As(err, &ee):
			return ee.code
		default:
			fmt.Fprintf(stderr, "zhinan %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "zhinan: unknown command %q\n", args[0])
	printUsage(stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: zhinan COMMAND [--data DIR] [--db postgres://…] [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  zhinan %s\n", c.usage)
	}
}

// location is where a command finds the store: the data directory and,
// for a deployment on PostgreSQL, the database URL.
type location struct {
	dir string // --data
	db  string // --db, default $ZHINAN_DB; "" for the data directory's SQLite
}

// describeDB names the PostgreSQL database for a log line, without the
// password; "" on SQLite.
func (l *location) describeDB() string {
	if l.db == "" {
		return ""
	}
	u, err := url.Parse(l.db)
	if err != nil {
		return ", database PostgreSQL"
	}
	return ", database " + u.Redacted()
}

// dbEnv is the environment variable that gives --db its default.
const dbEnv = "ZHINAN_DB"

// newFlags returns a flag set with the --data and --db flags every command
// takes.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *location) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	loc := &location{}
	fs.StringVar(&loc.dir, "data", "./data", "data directory: the SQLite database and the search index (with --db, the search index only)")
	fs.StringVar(&loc.db, "db", os.Getenv(dbEnv), "PostgreSQL database URL, postgres://user:password@host:5432/name (default $"+dbEnv+"; none: the data directory's SQLite)")
	return fs, loc
}

// parseInterleaved parses flags that may stand before, between or after
// the positional arguments (zhinan import a.jsonl --dry-run) and returns
// the positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
