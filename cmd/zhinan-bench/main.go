// Command zhinan-bench is the benchmark harness of zhinan (package bench):
// it generates a catalogue, imports and indexes it, and measures search,
// suggest and HTTP side by side with a trivial-handler ceiling and an
// SQLite FTS5 baseline. It is a binary of its own so that the production
// binary, zhinan, carries neither the harness nor the baseline's second
// SQLite engine.
//
// The servers run as child processes: `zhinan serve` (the binary named by
// --zhinan, by default the zhinan beside this one or on PATH) and this
// binary with the hidden --trivial-server ADDR flag for the ceiling.
//
// With --postgres URL it measures instead a deployment on PostgreSQL, in a
// scratch database it creates on the server of URL and drops at the end:
// the import, the search throughput of one replica and of two, and how
// soon an edit published on one replica is found on the other while an
// import runs (bench.RunPostgres).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"zhinan/bench"
)

const usage = "zhinan-bench [--items 100000] [--seed 1] [--vary] [--clients 16] [--duration 10s] [--queries FILE] [--judged FILE] [--json FILE] [--keep] [--zhinan PATH] [--in-process] [--cpuprofile FILE]\n" +
	"       zhinan-bench --postgres URL [--items 100000] [--seed 1] [--vary] [--clients 16] [--duration 10s] [--imports 3] [--rounds 3] [--edits 100] [--queries FILE] [--json FILE] [--keep] [--zhinan PATH]"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintf(os.Stderr, "zhinan-bench: %v\nusage: %s\n", err, usage)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "zhinan-bench: %v\n", err)
		os.Exit(1)
	}
}

// errUsage marks an error in the command line.
var errUsage = errors.New("usage")

// run runs the harness and prints its table.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("zhinan-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	items := fs.Int("items", 100_000, "number of items to generate")
	seed := fs.Int64("seed", 1, "generator seed")
	vary := fs.Bool("vary", false, "generate varied guides (zhinan gen --vary): every item's texts its own, as real county guides")
	clients := fs.Int("clients", 16, "concurrent HTTP clients")
	duration := fs.Duration("duration", 10*time.Second, "length of each HTTP run and of the in-process search run")
	queries := fs.String("queries", "search/testdata/bench-queries.txt", "query set")
	judged := fs.String("judged", "search/testdata/relevance.jsonl", "judged queries (recall@10)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	keep := fs.Bool("keep", false, "keep the temporary data dir")
	zhinan := fs.String("zhinan", "", "the zhinan binary whose `serve` is measured (default: zhinan beside this binary, else on PATH)")
	inProcess := fs.Bool("in-process", false, "run the servers in this process (start-up and RSS only indicative)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the distinct HTTP run (implies --in-process)")
	postgres := fs.String("postgres", "", "measure a deployment on PostgreSQL instead, in a scratch database created (and dropped) on the server of this URL")
	edits := fs.Int("edits", 100, "with --postgres: edits published while an import runs")
	rounds := fs.Int("rounds", 3, "with --postgres: rounds of one replica then two")
	imports := fs.Int("imports", 3, "with --postgres: imports timed, each into a new database (the median is checked)")
	trivial := fs.String("trivial-server", "", "internal: serve the trivial handler on ADDR")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *trivial != "" {
		return bench.ServeTrivial(ctx, *trivial)
	}
	if *postgres != "" {
		if *inProcess || *cpuprofile != "" {
			return fmt.Errorf("%w: --postgres runs zhinan in child processes: no --in-process or --cpuprofile", errUsage)
		}
		return runPostgres(ctx, bench.PGOptions{URL: *postgres, Items: *items, Seed: *seed, Vary: *vary, Clients: *clients,
			Duration: *duration, Queries: *queries, Edits: *edits, Rounds: *rounds, ImportRuns: *imports, KeepDir: *keep, Out: stderr}, *zhinan, *jsonOut, stdout, stderr)
	}
	opt := bench.Options{Items: *items, Seed: *seed, Vary: *vary, Clients: *clients, Duration: *duration,
		Queries: *queries, Judged: *judged, KeepDir: *keep, CPUProfile: *cpuprofile, Out: stderr}
	if !*inProcess && *cpuprofile == "" {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		if opt.Binary, err = findZhinan(*zhinan, self); err != nil {
			return err
		}
		opt.Trivial = []string{self, "--trivial-server"}
	}
	rep, err := bench.Run(ctx, opt)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(stdout); err != nil {
		return err
	}
	if *jsonOut != "" {
		if err := rep.WriteJSON(*jsonOut); err != nil {
			return err
		}
	}
	if rep.DataDir != "" {
		fmt.Fprintf(stderr, "data dir kept: %s\n", rep.DataDir)
	}
	return nil
}

// runPostgres runs the PostgreSQL benchmark and prints its table.
func runPostgres(ctx context.Context, opt bench.PGOptions, zhinan, jsonOut string, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if opt.Binary, err = findZhinan(zhinan, self); err != nil {
		return err
	}
	rep, err := bench.RunPostgres(ctx, opt)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(stdout); err != nil {
		return err
	}
	if jsonOut != "" {
		if err := rep.WriteJSON(jsonOut); err != nil {
			return err
		}
	}
	if rep.DataDir != "" {
		fmt.Fprintf(stderr, "data dir kept: %s\n", rep.DataDir)
	}
	return nil
}

// findZhinan returns the zhinan binary to measure: the one named, else the
// one beside self, else the one on PATH.
func findZhinan(named, self string) (string, error) {
	if named != "" {
		if _, err := os.Stat(named); err != nil {
			return "", fmt.Errorf("--zhinan: %w", err)
		}
		return named, nil
	}
	beside := filepath.Join(filepath.Dir(self), "zhinan")
	if _, err := os.Stat(beside); err == nil {
		return beside, nil
	}
	if p, err := exec.LookPath("zhinan"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("no zhinan binary beside %s or on PATH: build it with `go build -o %s ./cmd/zhinan` or name it with --zhinan",
		self, beside)
}
