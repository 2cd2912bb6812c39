package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"zhinan/bench"
)

const benchUsage = "bench [--items 100000] [--seed 1] [--clients 16] [--duration 10s] [--queries FILE] [--judged FILE] [--json FILE] [--keep] [--in-process] [--cpuprofile FILE]"

// runBench runs the benchmark harness (package bench) and prints its
// table. The servers run as child processes of this binary; the hidden
// --trivial-server ADDR flag makes it the ceiling's trivial server.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("bench", stderr)
	items := fs.Int("items", 100_000, "number of items to generate")
	seed := fs.Int64("seed", 1, "generator seed")
	clients := fs.Int("clients", 16, "concurrent HTTP clients")
	duration := fs.Duration("duration", 10*time.Second, "length of each HTTP run and of the in-process search run")
	queries := fs.String("queries", "search/testdata/bench-queries.txt", "query set")
	judged := fs.String("judged", "search/testdata/relevance.jsonl", "judged queries (recall@10)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	keep := fs.Bool("keep", false, "keep the temporary data dir")
	inProcess := fs.Bool("in-process", false, "run the servers in this process (start-up and RSS only indicative)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the distinct HTTP run (implies --in-process)")
	trivial := fs.String("trivial-server", "", "internal: serve the trivial handler on ADDR")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if *trivial != "" {
		return bench.ServeTrivial(ctx, *trivial)
	}
	opt := bench.Options{Items: *items, Seed: *seed, Clients: *clients, Duration: *duration,
		Queries: *queries, Judged: *judged, KeepDir: *keep, CPUProfile: *cpuprofile, Out: stderr}
	if !*inProcess && *cpuprofile == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		opt.Binary = exe
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
