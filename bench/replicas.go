package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"zhinan/catalog"
)

// PGReplicas is (b): search throughput of one replica, and of two in
// round robin, over one PostgreSQL database. The two are measured in
// rounds, one replica then two, so that other work on the machine weighs
// on both alike; the ratio is the median of the rounds' ratios.
type PGReplicas struct {
	// Pinning says which CPU each process may run on.
	Pinning string `json:"pinning"`
	// Start-up of each replica on an empty data dir, until /healthz
	// answers: the search index is built from PostgreSQL.
	StartupAS float64 `json:"startup_a_s"`
	StartupBS float64 `json:"startup_b_s"`
	RSSAMB    float64 `json:"rss_a_mb"` // after the runs of (b)
	RSSBMB    float64 `json:"rss_b_mb"`
	// WarmupS is the distinct load each replica got alone before the
	// rounds (its caches of query texts warm, as in a long run).
	WarmupS      float64        `json:"warmup_s"`
	Combinations int            `json:"distinct_combinations"`
	Rounds       []ReplicaRound `json:"rounds"`
	// Ratio is the median of the rounds' two / one; PerCoreRatio the
	// median of their requests per CPU second of the replicas, two over
	// one (1: two replicas serve as many requests per core as one).
	Ratio        float64 `json:"ratio"`
	PerCoreRatio float64 `json:"per_core_ratio"`
	// Transactions committed in the scratch database from the first
	// round's start until statsSettle after the last (backends report
	// within 10 s): the replicas' polls of the change sequence, 2 per
	// second each. The run's own watching connects to another database.
	Transactions int64   `json:"transactions"`
	WindowS      float64 `json:"window_s"`
	Requests     int     `json:"requests"` // searches answered meanwhile
	// pg_stat_activity sampled every activityInterval during the rounds.
	Activity DBActivity `json:"activity"`
}

// ReplicaRound is one round of (b): replica A alone, then A and B with
// requests alternating, the same clients and duration.
type ReplicaRound struct {
	One      HTTPRun `json:"one"`
	Two      HTTPRun `json:"two"`
	TwoSentA int     `json:"two_sent_a"`
	TwoSentB int     `json:"two_sent_b"`
	OneCPU   RunCPU  `json:"one_cpu"`
	TwoCPU   RunCPU  `json:"two_cpu"`
	Ratio    float64 `json:"ratio"`
	PerCore  float64 `json:"per_core_ratio"`
	LoadAvg  float64 `json:"load_avg_before"`
}

// RunCPU is the CPU used during a run, in cores (CPU seconds per second
// of the run), of each replica and of the load generator (this process).
type RunCPU struct {
	A       float64 `json:"replica_a"`
	B       float64 `json:"replica_b"`
	LoadGen float64 `json:"load_generator"`
}

// DBActivity is what pg_stat_activity showed of the scratch database:
// the samples, those with a connection of the database active, and the
// statements seen active (their first words, with their count).
type DBActivity struct {
	Samples       int            `json:"samples"`
	ActiveSamples int            `json:"active_samples"`
	Statements    map[string]int `json:"statements,omitempty"`
}

// statsSettle is how long after a run pg_stat_database is read: a backend
// reports its counts within PGSTAT_IDLE_INTERVAL (10 s) once idle.
const statsSettle = 11 * time.Second

// loadGenGC is the GOGC of this process during (b).
const loadGenGC = 1000

// activityInterval is how often pg_stat_activity is read during a run.
const activityInterval = 20 * time.Millisecond

// replicaSet is the two replicas of (b) and (c).
type replicaSet struct {
	a, b    *server
	pinning string
	startup [2]float64
	stopped bool
}

// startReplicas starts replica A and then replica B (`zhinan serve --db`
// on data dirs of their own, without seeding), each pinned to a CPU of
// its own when taskset exists and there are two CPUs.
func startReplicas(ctx context.Context, bin, dbURL, tmp string, logf func(string, ...any)) (*replicaSet, error) {
	taskset, err := exec.LookPath("taskset")
	pin := err == nil && runtime.NumCPU() >= 2
	r := &replicaSet{pinning: "replica A on CPU 0, replica B on CPU 1 (taskset -c); the load generator (this process), " +
		"the import and PostgreSQL unpinned"}
	if !pin {
		r.pinning = fmt.Sprintf("unpinned (taskset found: %v, CPUs: %d)", err == nil, runtime.NumCPU())
	}
	for i, name := range []string{"a", "b"} {
		addr, err := freeAddr()
		if err != nil {
			r.stop()
			return nil, err
		}
		args := append([]string{"serve", "--db", dbURL, "--data", filepath.Join(tmp, "replica-"+name), "--addr", addr, "--no-seed"}, noRateLimits...)
		cmd := bin
		if pin {
			args = append([]string{"-c", strconv.Itoa(i), bin}, args...)
			cmd = taskset
		}
		logf("starting replica %s (index built from PostgreSQL)", strings.ToUpper(name))
		t := time.Now()
		s, err := startProcess(ctx, cmd, args, addr, "/healthz")
		if err != nil {
			r.stop()
			return nil, err
		}
		r.startup[i] = time.Since(t).Seconds()
		if i == 0 {
			r.a = s
		} else {
			r.b = s
		}
		logf("replica %s answers after %.1f s", strings.ToUpper(name), r.startup[i])
	}
	return r, nil
}

// stop stops both replicas (once).
func (r *replicaSet) stop() error {
	if r.stopped {
		return nil
	}
	r.stopped = true
	var errs []error
	for _, s := range []*server{r.a, r.b} {
		if s != nil {
			errs = append(errs, s.stop())
		}
	}
	return errors.Join(errs...)
}

// replicaRuns measures (b): after a warm-up of each replica alone, rounds
// of the distinct mix on replica A alone, then on A and B in round robin.
// No request repeats another across the warm-ups and runs.
func replicaRuns(ctx context.Context, o PGOptions, rep *PGReport, reps *replicaSet, db *scratchDB, queries []query, regions []catalog.Region, logf func(string, ...any)) error {
	dist := newDistinctSet(queries, regions, o.Seed)
	rr := &rep.Replicas
	rr.Combinations = dist.size()
	conn, err := db.observe(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())

	// The load generator's heap holds every request it made (the distinct
	// set's memory of them, a run's paths): collected less often, it
	// leaves more of the two CPUs to the replicas.
	defer debug.SetGCPercent(debug.SetGCPercent(loadGenGC))
	warm := min(o.Duration/2, 5*time.Second)
	rr.WarmupS = warm.Seconds()
	var warmRate float64
	for _, s := range []*server{reps.a, reps.b} {
		w, err := roundRobin(ctx, []*server{s}, o.Clients, warm, &pathList{dist: dist})
		if err != nil {
			return err
		}
		warmRate = max(warmRate, w.run.ReqPerSec)
	}
	// Each run's requests are made before it, for up to three times the
	// warm-ups' rate: the load generator's CPU, which the replicas share,
	// goes to HTTP alone.
	perRun := max(10_000, int(3*warmRate*o.Duration.Seconds()))
	run := func(targets []*server) (rrRun, RunCPU, error) {
		paths := newPathList(dist, perRun)
		began := time.Now()
		c0 := cpuOf(reps)
		sent, err := roundRobin(ctx, targets, o.Clients, o.Duration, paths)
		elapsed := time.Since(began).Seconds()
		c1 := cpuOf(reps)
		return sent, RunCPU{A: (c1.A - c0.A) / elapsed, B: (c1.B - c0.B) / elapsed, LoadGen: (c1.LoadGen - c0.LoadGen) / elapsed}, err
	}
	tx0, err := db.transactions(ctx, conn)
	if err != nil {
		return err
	}
	watch, err := watchActivity(db)
	if err != nil {
		return err
	}
	began := time.Now()
	var ratios, perCore []float64
	for i := range o.Rounds {
		var r ReplicaRound
		r.LoadAvg = loadAvg()
		logf("(b) round %d/%d: distinct mix on A alone, %d clients, %s (load average %.1f)", i+1, o.Rounds, o.Clients, o.Duration, r.LoadAvg)
		one, cpu, err := run([]*server{reps.a})
		if err != nil {
			watch.stop()
			return err
		}
		r.One, r.OneCPU = one.run, cpu
		logf("(b) round %d/%d: distinct mix on A and B in turn", i+1, o.Rounds)
		two, cpu, err := run([]*server{reps.a, reps.b})
		if err != nil {
			watch.stop()
			return err
		}
		r.Two, r.TwoCPU, r.TwoSentA, r.TwoSentB = two.run, cpu, int(two.perTarget[0]), int(two.perTarget[1])
		if r.One.ReqPerSec > 0 {
			r.Ratio = r.Two.ReqPerSec / r.One.ReqPerSec
		}
		if r.OneCPU.A > 0 && r.TwoCPU.A+r.TwoCPU.B > 0 {
			r.PerCore = (r.Two.ReqPerSec / (r.TwoCPU.A + r.TwoCPU.B)) / (r.One.ReqPerSec / r.OneCPU.A)
		}
		rr.Requests += r.One.Requests + r.Two.Requests
		rr.Rounds = append(rr.Rounds, r)
		ratios, perCore = append(ratios, r.Ratio), append(perCore, r.PerCore)
		logf("(b) round %d/%d: one %.0f req/s, two %.0f req/s: %.2f×", i+1, o.Rounds, r.One.ReqPerSec, r.Two.ReqPerSec, r.Ratio)
	}
	rr.Activity = watch.stop()
	rr.Ratio, rr.PerCoreRatio = median(ratios), median(perCore)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(statsSettle):
	}
	tx1, err := db.transactions(ctx, conn)
	rr.Transactions, rr.WindowS = tx1-tx0, time.Since(began).Seconds()
	return err
}

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// rrRun is a round-robin load run and the requests sent to each target.
type rrRun struct {
	run       HTTPRun
	perTarget []int64
}

// roundRobin runs the requests of paths for d against targets, request
// by request in turn.
func roundRobin(ctx context.Context, targets []*server, clients int, d time.Duration, paths *pathList) (rrRun, error) {
	var next atomic.Uint64
	counts := make([]atomic.Int64, len(targets))
	h, err := load(ctx, "", clients, d, func(int, *rand.Rand) (string, bool) {
		i := int((next.Add(1) - 1) % uint64(len(targets)))
		counts[i].Add(1)
		p, fresh := paths.take()
		return targets[i].base + p, fresh
	})
	out := rrRun{run: h, perTarget: make([]int64, len(targets))}
	for i := range counts {
		out.perTarget[i] = counts[i].Load()
	}
	return out, err
}

// pathList hands out the distinct mix's search paths: first those made
// beforehand, then new ones of the distinct set.
type pathList struct {
	dist  *distinctSet
	paths []string
	next  atomic.Int64
}

// newPathList makes n paths of dist (fewer when it runs out).
func newPathList(dist *distinctSet, n int) *pathList {
	l := &pathList{dist: dist, paths: make([]string, 0, n)}
	for range n {
		q, fresh := dist.take()
		if !fresh {
			break
		}
		l.paths = append(l.paths, searchPath(q))
	}
	return l
}

// take returns the next path and whether it is a request no other was.
func (l *pathList) take() (string, bool) {
	if i := int(l.next.Add(1) - 1); i < len(l.paths) {
		return l.paths[i], true
	}
	q, fresh := l.dist.take()
	return searchPath(q), fresh
}

func searchPath(q query) string { return "/api/v1/search?" + q.Values().Encode() }

// cpuOf reads the CPU time so far of both replicas and of this process.
func cpuOf(r *replicaSet) RunCPU {
	a, _ := procCPU(r.a.pid, "")
	b, _ := procCPU(r.b.pid, "")
	self, _ := procCPU(os.Getpid(), "")
	return RunCPU{A: a, B: b, LoadGen: self}
}

// activityWatch samples pg_stat_activity of the scratch database during a
// run: how often a connection of it was active, and with what.
type activityWatch struct {
	quit chan struct{}
	done chan DBActivity
}

func watchActivity(db *scratchDB) (*activityWatch, error) {
	conn, err := db.observe(context.Background())
	if err != nil {
		return nil, err
	}
	w := &activityWatch{quit: make(chan struct{}), done: make(chan DBActivity, 1)}
	go func() {
		ctx := context.Background()
		defer conn.Close(ctx)
		seen := DBActivity{Statements: map[string]int{}}
		tick := time.NewTicker(activityInterval)
		defer tick.Stop()
		for {
			select {
			case <-w.quit:
				if len(seen.Statements) == 0 {
					seen.Statements = nil
				}
				w.done <- seen
				return
			case <-tick.C:
			}
			stmts, err := activeStatements(ctx, conn, db.name)
			if err != nil {
				continue
			}
			seen.Samples++
			if len(stmts) > 0 {
				seen.ActiveSamples++
			}
			for _, s := range stmts {
				seen.Statements[s]++
			}
		}
	}()
	return w, nil
}

func (w *activityWatch) stop() DBActivity {
	close(w.quit)
	return <-w.done
}

// activeStatements returns the statements the database's other
// connections are running, each shortened to its first words.
func activeStatements(ctx context.Context, conn *pgx.Conn, db string) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT COALESCE(query, '') FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid() AND state = 'active'`, db)
	if err != nil {
		return nil, err
	}
	qs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	for i, q := range qs {
		qs[i] = statementHead(q)
	}
	return qs, err
}

var spaces = regexp.MustCompile(`\s+`)

// statementHead is the first 60 characters of a statement, white space
// collapsed.
func statementHead(q string) string {
	q = strings.TrimSpace(spaces.ReplaceAllString(q, " "))
	if r := []rune(q); len(r) > 60 {
		q = string(r[:60]) + "…"
	}
	return q
}

// healthDoc is what the run reads of /healthz.
type healthDoc struct {
	Status   string `json:"status"`
	StoreSeq int64  `json:"store_seq"`
	IndexSeq int64  `json:"index_seq"`
	IndexLag int64  `json:"index_lag"`
}

// health reads /healthz of s.
func health(ctx context.Context, c *http.Client, s *server) (healthDoc, error) {
	var h healthDoc
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/healthz", nil)
	if err != nil {
		return h, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return h, fmt.Errorf("%s/healthz: status %d", s.base, resp.StatusCode)
	}
	return h, json.NewDecoder(resp.Body).Decode(&h)
}

// topStatements lists the statements seen, most frequent first.
func topStatements(m map[string]int) []string {
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, n := range m {
		all = append(all, kv{k, n})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || (all[i].n == all[j].n && all[i].k < all[j].k) })
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = fmt.Sprintf("%d× %s", e.n, e.k)
	}
	return out
}

// healthWatch reads /healthz of a replica every interval while an
// import runs: its largest index lag, and how long after the import's
// commit (its store_seq having moved by half the import's items) its
// index had caught up (lag 0).
type healthWatch struct {
	quit   chan struct{}
	done   chan healthSeen
	caught chan struct{} // closed once the replica has caught up after the commit
}

type healthSeen struct {
	maxLag    int64
	committed time.Time // first sample after the import's commit (zero: none)
	caughtUp  time.Time // first sample after that with lag 0 (zero: none)
}

func watchHealth(s *server, interval time.Duration, from int64, items int) *healthWatch {
	w := &healthWatch{quit: make(chan struct{}), done: make(chan healthSeen, 1), caught: make(chan struct{})}
	go func() {
		c := &http.Client{Timeout: 5 * time.Second}
		var seen healthSeen
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-w.quit:
				w.done <- seen
				return
			case <-tick.C:
			}
			h, err := health(context.Background(), c, s)
			if err != nil {
				continue
			}
			now := time.Now()
			seen.maxLag = max(seen.maxLag, h.IndexLag)
			if seen.committed.IsZero() && h.StoreSeq-from >= int64(items/2) {
				seen.committed = now
			}
			if !seen.committed.IsZero() && seen.caughtUp.IsZero() && h.IndexLag == 0 {
				seen.caughtUp = now
				close(w.caught)
			}
		}
	}()
	return w
}

func (w *healthWatch) stop() healthSeen {
	close(w.quit)
	return <-w.done
}
