package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
)

// checks evaluates the targets for the run: those of issue 18 for a
// varied catalogue, otherwise those of issue 7 (the 100,000-item
// targets, and at 1,000,000 items or more the import + index time and
// search p99 targets instead).
func checks(r *Report) []Check {
	var cs []Check
	add := func(fig string, v float64, target string, met bool) {
		cs = append(cs, Check{Figure: fig, Value: v, Target: target, Met: met})
	}
	if r.Vary {
		variedChecks(r, add)
		return cs
	}
	if r.Items >= 1_000_000 {
		secs := r.ImportSeconds + r.IndexSeconds
		add("import + index time (s)", secs, "≤ 300 s", secs <= 300)
		add("search p99 (ms, in-process)", r.Search.P99, "≤ 60 ms", r.Search.P99 <= 60)
		add("HTTP distinct p99 (ms)", r.Distinct.P99, "≤ 60 ms", r.Distinct.P99 <= 60)
		add("HTTP Zipf p99 (ms)", r.Zipf.P99, "≤ 60 ms", r.Zipf.P99 <= 60)
		return cs
	}
	add("HTTP Zipf req/s of ceiling", r.ZipfOfCeiling*100, "≥ 20 %", r.ZipfOfCeiling >= 0.20)
	add("HTTP distinct req/s of ceiling", r.DistinctOfCeiling*100, "≥ 2 %", r.DistinctOfCeiling >= 0.02)
	add("HTTP Zipf p99 (ms)", r.Zipf.P99, "≤ 25 ms", r.Zipf.P99 <= 25)
	add("HTTP distinct p99 (ms)", r.Distinct.P99, "≤ 25 ms", r.Distinct.P99 <= 25)
	add("FTS5 p50 / zhinan p50", r.FTS.P50Ratio, "≥ 10×", r.FTS.P50Ratio >= 10)
	// The same without zhinan's caches: each text searched once.
	add("  the same, first pass (uncached)", r.FTS.P50RatioFirst, "≥ 10×", r.FTS.P50RatioFirst >= 10)
	gain := (r.FTS.RecallZhinan - r.FTS.RecallFTS) * 100
	add("recall@10 zhinan − FTS5 (points)", gain, "≥ 20", gain >= 20)
	rss := max(r.RSSStartMB, r.RSSAfterMB)
	add("server RSS, max (MiB)", rss, "≤ 600 MiB", rss <= 600)
	add("start-up with existing index (s)", r.StartupSeconds, "≤ 3 s", r.StartupSeconds <= 3)
	add("import + index (items/s)", r.ImportIndexPerSec, "≥ 5,000", r.ImportIndexPerSec >= 5000)
	return cs
}

// variedChecks evaluates the targets of issue 18 on a varied catalogue:
// at 1,000,000 items or more the million-item targets, below them the
// 100,000-item ones; at every size the uncached first pass against FTS5.
func variedChecks(r *Report, add func(fig string, v float64, target string, met bool)) {
	rss := max(r.RSSStartMB, r.RSSAfterMB)
	if r.Items >= 1_000_000 {
		secs := r.ImportSeconds + r.IndexSeconds
		add("import + index time (s)", secs, "≤ 300 s", secs <= 300)
		add("search p99 (ms, in-process)", r.Search.P99, "≤ 60 ms", r.Search.P99 <= 60)
		add("HTTP distinct p99 (ms)", r.Distinct.P99, "≤ 100 ms", r.Distinct.P99 <= 100)
		add("server RSS, max (MiB)", rss, "≤ 1,536 MiB", rss <= 1536)
		add("start-up with existing index (s)", r.StartupSeconds, "≤ 5 s", r.StartupSeconds <= 5)
	} else {
		add("HTTP distinct req/s of ceiling", r.DistinctOfCeiling*100, "≥ 5 %", r.DistinctOfCeiling >= 0.05)
		add("HTTP Zipf req/s of ceiling", r.ZipfOfCeiling*100, "≥ 20 %", r.ZipfOfCeiling >= 0.20)
		add("HTTP distinct p99 (ms)", r.Distinct.P99, "≤ 25 ms", r.Distinct.P99 <= 25)
		add("HTTP Zipf p99 (ms)", r.Zipf.P99, "≤ 25 ms", r.Zipf.P99 <= 25)
		errs := float64(r.Distinct.Errors + r.Zipf.Errors)
		add("HTTP non-2xx and errors", errs, "0", errs == 0)
		add("server RSS, max (MiB)", rss, "≤ 800 MiB", rss <= 800)
	}
	// The first pass: zhinan's p50 at most FTS5's, facets counted.
	add("first pass p50, FTS5 / zhinan", r.FTS.P50RatioFirst, "≥ 1×", r.FTS.P50RatioFirst >= 1)
}

// WriteTable prints the report as aligned tables: the figures, then the
// targets.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\n", name, value) }
	f1 := func(v float64) string { return fmt.Sprintf("%.1f", v) }
	f2 := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	lat := func(l Latency) string {
		return fmt.Sprintf("p50 %.2f  p95 %.2f  p99 %.2f  max %.2f ms  (n=%d)", l.P50, l.P95, l.P99, l.Max, l.N)
	}
	httpRun := func(h HTTPRun) string {
		s := fmt.Sprintf("%.0f req/s  p50 %.2f  p99 %.2f ms  (%d requests, %d errors", h.ReqPerSec, h.P50, h.P99, h.Requests, h.Errors)
		if h.Repeated > 0 {
			s += fmt.Sprintf(", %d repeated", h.Repeated)
		}
		return s + ")"
	}
	m := r.Machine
	fmt.Fprintf(w, "zhinan-bench: %d items (seed %d%s), %d clients × %gs, %d queries, server %s\n",
		r.Items, r.Seed, varied(r.Vary), r.Clients, r.DurationS, r.Queries, r.ServerMode)
	fmt.Fprintf(w, "machine: %d CPUs, %s, %.1f GiB RAM, %s %s\n\n", m.CPUs, m.CPUModel, m.MemGB, m.GoVersion, m.OS)
	p("figure", "value")
	p("------", "-----")
	p("generate", f1(r.GenSeconds)+" s")
	p("import", fmt.Sprintf("%s s  (%.0f items/s)", f1(r.ImportSeconds), r.ImportItemsPerSec))
	p("dictionary load", f2(r.DictSeconds)+" s")
	p("index build", fmt.Sprintf("%s s  (%.0f items/s, %d items, %d distinct guide texts)", f1(r.IndexSeconds), r.IndexItemsPerSec, r.IndexDocs, r.IndexGroups))
	p("warm-up (as serve, before searching)", f2(r.WarmSeconds)+" s")
	p("import + index", fmt.Sprintf("%.0f items/s  (%.1f s)", r.ImportIndexPerSec, r.ImportSeconds+r.IndexSeconds))
	p("index size on disk", f1(r.IndexSizeMB)+" MiB")
	p("store size on disk", f1(r.StoreSizeMB)+" MiB")
	p("start-up, existing index", f2(r.StartupSeconds)+" s  (until /healthz answers)")
	p("RSS after start", f1(r.RSSStartMB)+" MiB")
	p("RSS after HTTP runs", f1(r.RSSAfterMB)+" MiB")
	p("search, in-process, distinct", lat(r.Search))
	p("suggest, in-process", lat(r.Suggest)+fmt.Sprintf("  (%d prefixes × 3)", r.SuggestDistinctLen))
	p("HTTP ceiling (trivial gin)", httpRun(r.Ceiling))
	p("HTTP distinct mix", httpRun(r.Distinct)+fmt.Sprintf("  %.1f%% of ceiling, %d combinations", r.DistinctOfCeiling*100, r.DistinctCombos))
	p("HTTP Zipf mix", httpRun(r.Zipf)+fmt.Sprintf("  %.1f%% of ceiling, s=%.1f", r.ZipfOfCeiling*100, r.ZipfS))
	p("FTS5 trigram load", f1(r.FTS.LoadSeconds)+" s")
	p("FTS5 trigram search", lat(r.FTS.Latency)+fmt.Sprintf("  (%d texts × %d, %d with a term < 3 chars → LIKE)", r.FTS.Texts, textPasses, r.FTS.ShortTexts))
	p("zhinan search, same texts", lat(r.FTS.Zhinan)+"  (repeats answered by the result cache)")
	p("FTS5 p50 / zhinan p50", fmt.Sprintf("%.1f×", r.FTS.P50Ratio))
	p("  first pass only, FTS5", lat(r.FTS.LatencyFirst))
	p("  first pass only, zhinan", lat(r.FTS.ZhinanFirst)+"  (no answer cached, the index warmed as serve warms it)")
	p("  first pass p50 ratio", fmt.Sprintf("%.1f×", r.FTS.P50RatioFirst))
	p(fmt.Sprintf("  texts FTS5 finds rows for (%d), FTS5", r.FTS.FoundTexts), lat(r.FTS.FoundFirst))
	p("    the same texts, zhinan", lat(r.FTS.ZhinanFoundFirst))
	p(fmt.Sprintf("  texts FTS5 finds nothing for (%d), FTS5", r.FTS.Texts-r.FTS.FoundTexts), lat(r.FTS.EmptyFirst))
	p("    the same texts, zhinan", lat(r.FTS.ZhinanEmptyFirst))
	p("recall@10 (judged)", fmt.Sprintf("zhinan %.3f  FTS5 %.3f  (%d queries with a grade-3 name)", r.FTS.RecallZhinan, r.FTS.RecallFTS, r.FTS.Judged))
	p("total run time", f1(r.TotalSeconds)+" s")
	if r.CPUProfile != "" {
		p("CPU profile (distinct run)", r.CPUProfile)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return writeChecks(w, r.Checks)
}

// WriteJSON writes the report as indented JSON to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Short lists the figures short of their target, for the command's exit.
func (r *Report) Short() []string {
	var out []string
	for _, c := range r.Checks {
		if !c.Met {
			out = append(out, fmt.Sprintf("%s = %.2f (needs %s)", c.Figure, c.Value, c.Target))
		}
	}
	return out
}

// writeChecks writes the table of targets: each figure, its value, what
// it needs and whether it is met.
func writeChecks(w io.Writer, checks []Check) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "target\tvalue\tneeds\tmet\n------\t-----\t-----\t---\n")
	for _, c := range checks {
		met := "yes"
		if !c.Met {
			met = "NO"
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\n", c.Figure, c.Value, c.Target, met)
	}
	return tw.Flush()
}
