package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints the PostgreSQL run's figures, then its targets.
func (r *PGReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(name, format string, a ...any) { fmt.Fprintf(tw, "%s\t%s\n", name, fmt.Sprintf(format, a...)) }
	lat := func(l Latency) string {
		if l.N == 0 {
			return "—"
		}
		return fmt.Sprintf("p50 %.0f  p95 %.0f  p99 %.0f  max %.0f ms  (n=%d)", l.P50, l.P95, l.P99, l.Max, l.N)
	}
	httpRun := func(h HTTPRun) string {
		s := fmt.Sprintf("%.0f req/s  p50 %.2f  p99 %.2f ms  (%d requests, %d errors", h.ReqPerSec, h.P50, h.P99, h.Requests, h.Errors)
		if h.Repeated > 0 {
			s += fmt.Sprintf(", %d repeated", h.Repeated)
		}
		return s + ")"
	}
	phases := func(ph ImportPhases, total float64) string {
		if ph.CopyStartS == 0 {
			return "— (COPY not seen)"
		}
		s := fmt.Sprintf("before COPY %.1f s, COPY %.1f–%.1f s", ph.CopyStartS, ph.CopyStartS, ph.CopyEndS)
		if ph.SwapStartS > 0 {
			s += fmt.Sprintf(", swap transaction %.1f–%.1f s", ph.SwapStartS, ph.SwapEndS)
		}
		return s + fmt.Sprintf(", exit %.1f s; %d checkpoints meanwhile", total, ph.Checkpoints)
	}
	m := r.Machine
	fmt.Fprintf(w, "zhinan-bench --postgres: %d items (seed %d%s), %d clients × %gs, %s, scratch database %s (dropped)\n",
		r.Items, r.Seed, varied(r.Vary), r.Clients, r.DurationS, r.Server, r.Database)
	fmt.Fprintf(w, "machine: %d CPUs, %s, %.1f GiB RAM, %s %s\n\n", m.CPUs, m.CPUModel, m.MemGB, m.GoVersion, m.OS)
	p("figure", "value")
	p("------", "-----")
	p("generate", "%.1f s  (both catalogues)", r.GenSeconds)
	for i, im := range r.Imports {
		p(fmt.Sprintf("(a) import %d: zhinan import --db", i+1), "%.1f s  (%.0f items/s; load average before %.1f)", im.Seconds, im.ItemsPerSec, im.LoadAvg)
		p("    phases", "%s", phases(im.ImportPhases, im.Seconds))
		p("    CPU", "zhinan %.1f s user + %.1f s system, peak RSS %.0f MiB; PostgreSQL backends %.1f s", im.CPUUserS, im.CPUSysS, im.PeakRSS, im.BackendCPUS)
	}
	p("(a) median import", "%.1f s  (%.0f items/s)", r.Import.Seconds, r.Import.ItemsPerSec)
	p("    VACUUM (ANALYZE) after", "%.1f s  (not in the import's time; keeps autovacuum out of (b))", r.VacuumS)
	rr := r.Replicas
	p("(b) pinning", "%s", rr.Pinning)
	p("    replica start-up", "A %.1f s, B %.1f s  (empty data dir: index built from PostgreSQL)", rr.StartupAS, rr.StartupBS)
	for i, rd := range rr.Rounds {
		p(fmt.Sprintf("    round %d: one replica (A)", i+1), "%s  (load average before %.1f)", httpRun(rd.One), rd.LoadAvg)
		p("             two replicas", "%s  (A %d, B %d sent)", httpRun(rd.Two), rd.TwoSentA, rd.TwoSentB)
		p("             two / one", "%.2f×  (per replica CPU second: %.2f×)", rd.Ratio, rd.PerCore)
		p("             CPU, cores", "one: A %.2f, load generator %.2f;  two: A %.2f, B %.2f, load generator %.2f",
			rd.OneCPU.A, rd.OneCPU.LoadGen, rd.TwoCPU.A, rd.TwoCPU.B, rd.TwoCPU.LoadGen)
	}
	p("    two / one, median", "%.2f×  (per replica CPU second: %.2f×)", rr.Ratio, rr.PerCoreRatio)
	p("    PostgreSQL during (b)", "%d transactions in %.0f s for %d searches; a connection active in %d of %d samples of pg_stat_activity: %s",
		rr.Transactions, rr.WindowS, rr.Requests, rr.Activity.ActiveSamples, rr.Activity.Samples, strings.Join(topStatements(rr.Activity.Statements), "; "))
	p("    RSS after (b)", "A %.0f MiB, B %.0f MiB", rr.RSSAMB, rr.RSSBMB)
	pr := r.Propagation
	p("(c) concurrent import", "%d items in %.1f s; %s (load average before %.1f)", pr.ImportItems, pr.ImportSeconds,
		phases(pr.ImportPhases, pr.ImportSeconds), pr.LoadAvg)
	p("    edits", "%d, one every %.2f s from the import's start until B had caught up; %d lost; %d × 503 busy retried",
		pr.Edits, pr.PaceS, pr.Lost, pr.Busy)
	p("    searches of B for them", "each pending edit every %d ms, %d at a time, at most %.0f/s: %.0f/s; mean interval per edit p50 %.0f, max %.0f ms",
		pr.PollMS, pollersInFlight, float64(time.Second/pollSpacing), pr.PollsPerSec, pr.PollInterval.P50, pr.PollInterval.Max)
	p("    publish on A → found on B", "%s", lat(pr.Visible))
	p("      published before the swap", "%s", lat(pr.BeforeSwap))
	p("      during the swap", "%s", lat(pr.DuringSwap))
	p("      after the swap (committed)", "%s", lat(pr.AfterSwap))
	p("    publish request on A", "%s", lat(pr.Publish))
	p("    whole edit on A", "%s  (read draft, save, submit, publish)", lat(pr.Edit))
	p("    replica B during the import", "largest index lag %d, caught up %.1f s after the commit", pr.BMaxLag, pr.BCatchUpS)
	p("total run time", "%.1f s", r.TotalSeconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return writeChecks(w, r.Checks)
}
