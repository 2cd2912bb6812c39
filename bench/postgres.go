package bench

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhinan/seeds"
)

// The PostgreSQL run (RunPostgres, zhinan-bench --postgres URL) measures a
// deployment whose catalogue lives in PostgreSQL, with the zhinan binary
// in child processes, in a scratch database of its own on the server of
// URL, dropped at the end:
//
//	(a) import: `zhinan import --db` of the generated catalogue into an
//	    empty database, several times, each timed from the command's start
//	    to its exit, with its phases read from pg_stat_activity
//	    (postgres.go);
//	(b) replicas: `zhinan serve --db` replicas, each pinned to one CPU
//	    with taskset, serving the distinct search mix of the HTTP runs, in
//	    rounds of one replica, then two in round robin (replicas.go);
//	(c) propagation: items edited and published through the HTTP API on
//	    replica A while a second catalogue of as many new items is imported
//	    into the same database, each searched for on replica B every 20 ms
//	    until it is found (propagation.go).

// PGOptions configure a PostgreSQL run. Zero values take the defaults of
// Options (items, seed, clients, duration, queries).
type PGOptions struct {
	// URL is a PostgreSQL URL of a role that may create databases; the
	// run's scratch database is created on its server.
	URL string
	// Binary is the zhinan executable run as import, user and serve.
	Binary   string
	Items    int
	Seed     int64
	Vary     bool // generate varied guides (seeds.GenOptions.Vary)
	Clients  int
	Duration time.Duration
	Queries  string
	// ImportRuns is the number of imports of (a) (default 3), Rounds
	// the number of rounds of (b) (default 3).
	ImportRuns int
	Rounds     int
	// Edits is about how many edits (c) publishes (default 100): one
	// starts every 2 × (a)'s median time / Edits until B has caught up
	// with the import, at most maxEditsFactor × Edits.
	Edits   int
	Dir     string    // parent of the temporary dir (default os.TempDir())
	KeepDir bool      // keep the temporary dir (the database is dropped regardless)
	Out     io.Writer // progress lines (default io.Discard)
}

// PGReport is the outcome of a PostgreSQL run.
type PGReport struct {
	Machine   Machine `json:"machine"`
	Server    string  `json:"postgres_version"`
	Database  string  `json:"database"` // the scratch database (dropped)
	Items     int     `json:"items"`
	Seed      int64   `json:"seed"`
	Vary      bool    `json:"vary,omitempty"` // varied guides (gen --vary)
	Clients   int     `json:"clients"`
	DurationS float64 `json:"duration_s"`
	DataDir   string  `json:"data_dir,omitempty"`

	GenSeconds float64 `json:"gen_s"`
	// Imports are the runs of (a), each into a new database, and Import
	// the median one (by items/s), which the target is checked on.
	Imports []PGImport `json:"imports"`
	Import  PGImport   `json:"import"`
	// VacuumS is the VACUUM (ANALYZE) of the run's database after the
	// last import, which the run does itself so that autovacuum, which
	// would do it some time after, does not run during (b).
	VacuumS     float64       `json:"vacuum_s"`
	Replicas    PGReplicas    `json:"replicas"`
	Propagation PGPropagation `json:"propagation"`
	Checks      []Check       `json:"checks"`

	TotalSeconds float64 `json:"total_s"`
}

// PGImport is (a): `zhinan import --db` of the catalogue into the empty
// database.
type PGImport struct {
	Seconds     float64 `json:"s"` // the command, start to exit
	ItemsPerSec float64 `json:"items_per_s"`
	ImportPhases
	// CPU of the zhinan import process and its peak resident set.
	CPUUserS float64 `json:"cpu_user_s"`
	CPUSysS  float64 `json:"cpu_sys_s"`
	PeakRSS  float64 `json:"peak_rss_mb"`
	// LoadAvg is the machine's 1-minute load average before the import:
	// other work on the machine shows there.
	LoadAvg float64 `json:"load_avg_before"`
}

// ImportPhases are the phases of an import as pg_stat_activity shows its
// connections, from the command's start (0 when not seen, e.g. for a
// COPY shorter than the sampling interval).
type ImportPhases struct {
	// CopyStartS is when the stage's COPY into the temporary table began:
	// before it the command decoded, validated and wrote the stage file.
	CopyStartS float64 `json:"copy_start_s"`
	CopyEndS   float64 `json:"copy_end_s"`
	// SwapStartS and SwapEndS bound the swap transaction (the INSERT …
	// SELECT into editions and items) on the connection that copied.
	SwapStartS float64 `json:"swap_start_s"`
	SwapEndS   float64 `json:"swap_end_s"`
	// BackendCPUS is the CPU time of the import's PostgreSQL backends,
	// read from /proc when the server runs on this machine (else 0).
	BackendCPUS float64 `json:"backend_cpu_s"`
	// Checkpoints is how many checkpoints the server began meanwhile
	// (pg_stat_bgwriter: for any database; CREATE and DROP DATABASE force
	// one). After a checkpoint, the first change to a page writes the
	// whole page to the WAL.
	Checkpoints int64 `json:"checkpoints"`
}

// RunPostgres runs (a), (b) and (c) and returns the report.
func RunPostgres(ctx context.Context, o PGOptions) (*PGReport, error) {
	base := Options{Items: o.Items, Seed: o.Seed, Clients: o.Clients, Duration: o.Duration, Queries: o.Queries}
	base.defaults()
	o.Items, o.Seed, o.Clients, o.Duration, o.Queries = base.Items, base.Seed, base.Clients, base.Duration, base.Queries
	if o.Edits <= 0 {
		o.Edits = 100
	}
	if o.Rounds <= 0 {
		o.Rounds = 3
	}
	if o.ImportRuns <= 0 {
		o.ImportRuns = 3
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Binary == "" {
		return nil, errors.New("bench: the PostgreSQL run needs the zhinan binary")
	}
	began := time.Now()
	logf := func(format string, a ...any) {
		fmt.Fprintf(o.Out, "[%6.1fs] "+format+"\n", append([]any{time.Since(began).Seconds()}, a...)...)
	}
	queries, err := loadQueries(o.Queries)
	if err != nil {
		return nil, fmt.Errorf("query set: %w", err)
	}
	regions, err := seeds.Regions()
	if err != nil {
		return nil, err
	}
	rep := &PGReport{Machine: machine(), Items: o.Items, Seed: o.Seed, Vary: o.Vary, Clients: o.Clients, DurationS: o.Duration.Seconds()}
	tmp, err := os.MkdirTemp(o.Dir, "zhinan-bench-pg-")
	if err != nil {
		return nil, err
	}
	if o.KeepDir {
		rep.DataDir = tmp
	} else {
		defer os.RemoveAll(tmp)
	}

	// The catalogues: the one imported in (a), and one of as many items
	// with codes of their own for (c)'s concurrent import.
	logf("generating %d items (seed %d%s) and a second catalogue of new items", o.Items, o.Seed, varied(o.Vary))
	t := time.Now()
	fileA := filepath.Join(tmp, "items.jsonl")
	codes, err := generateCodes(fileA, seeds.GenOptions{Items: o.Items, Seed: o.Seed, Vary: o.Vary})
	if err != nil {
		return nil, err
	}
	fileB := filepath.Join(tmp, "more-items.jsonl")
	moreItems, err := generateDisjoint(fileB, seeds.GenOptions{Items: o.Items, Seed: o.Seed + 1, Vary: o.Vary}, codes)
	if err != nil {
		return nil, err
	}
	rep.GenSeconds = time.Since(t).Seconds()

	// (a) Import, ImportRuns times, each into a new database; the last
	// one's database is the run's for (b) and (c).
	var (
		db *scratchDB
		z  *zhinanCLI
	)
	defer func() {
		if db == nil {
			return
		}
		if err := db.drop(); err != nil {
			logf("drop database %s: %v", db.name, err)
		}
	}()
	for i := range o.ImportRuns {
		if db != nil {
			if err := db.drop(); err != nil {
				return nil, err
			}
			db = nil
		}
		if db, err = createScratch(ctx, o.URL); err != nil {
			return nil, err
		}
		logf("scratch database %s", db.name)
		if rep.Server == "" {
			if rep.Server, err = db.version(ctx); err != nil {
				return nil, err
			}
		}
		z = &zhinanCLI{bin: o.Binary, db: db.url}
		// The account of (c); adding it also creates the schema, so that
		// the import is timed on a migrated, empty database.
		if err := z.run(ctx, strings.NewReader(benchPassword+"\n"), "user", "add", benchUser, "--role", "admin",
			"--data", filepath.Join(tmp, "cli")); err != nil {
			return nil, err
		}
		run := PGImport{LoadAvg: loadAvg()}
		logf("(a) %d/%d: zhinan import --db of %d items (load average %.1f)", i+1, o.ImportRuns, o.Items, run.LoadAvg)
		imp, err := z.importFile(ctx, db, fileA, filepath.Join(tmp, fmt.Sprintf("import-a%d", i)))
		if err != nil {
			return nil, err
		}
		run.Seconds, run.ItemsPerSec = imp.seconds, float64(o.Items)/imp.seconds
		run.ImportPhases = imp.phases
		run.CPUUserS, run.CPUSysS, run.PeakRSS = imp.user, imp.sys, imp.peakRSS
		rep.Imports = append(rep.Imports, run)
		logf("(a) %d/%d: %.1f s, %.0f items/s", i+1, o.ImportRuns, imp.seconds, run.ItemsPerSec)
	}
	rep.Database = db.name
	sorted := slices.Clone(rep.Imports)
	slices.SortFunc(sorted, func(a, b PGImport) int { return cmp.Compare(a.ItemsPerSec, b.ItemsPerSec) })
	rep.Import = sorted[len(sorted)/2]
	t = time.Now()
	if err := db.vacuum(ctx); err != nil {
		return nil, err
	}
	rep.VacuumS = time.Since(t).Seconds()

	// (b) and (c) on two replicas.
	reps, err := startReplicas(ctx, o.Binary, db.url, tmp, logf)
	if err != nil {
		return nil, err
	}
	defer reps.stop()
	rep.Replicas.Pinning = reps.pinning
	rep.Replicas.StartupAS, rep.Replicas.StartupBS = reps.startup[0], reps.startup[1]
	if err := replicaRuns(ctx, o, rep, reps, db, queries, regions, logf); err != nil {
		return nil, err
	}
	rep.Replicas.RSSAMB, rep.Replicas.RSSBMB = rssMB(reps.a.pid), rssMB(reps.b.pid)
	if err := propagation(ctx, o, rep, reps, z, db, codes, fileB, moreItems, tmp, logf); err != nil {
		return nil, err
	}
	if err := reps.stop(); err != nil {
		return nil, err
	}
	rep.Checks = pgChecks(rep)
	rep.TotalSeconds = time.Since(began).Seconds()
	logf("done")
	return rep, nil
}

// benchUser and benchPassword are the admin account (c) edits with.
const (
	benchUser     = "bench-admin"
	benchPassword = "zhinan-bench passphrase"
)

// pgChecks evaluates the targets of issue [4/9].
func pgChecks(r *PGReport) []Check {
	var cs []Check
	add := func(fig string, v float64, target string, met bool) {
		cs = append(cs, Check{Figure: fig, Value: v, Target: target, Met: met})
	}
	add("(a) import into PostgreSQL (items/s)", r.Import.ItemsPerSec, "≥ 3,000", r.Import.ItemsPerSec >= 3000)
	add("(b) two replicas / one, search req/s", r.Replicas.Ratio, "≥ 1.7×", r.Replicas.Ratio >= 1.7)
	p99 := r.Propagation.Visible.P99
	add("(c) publish on A → found on B, p99 (ms)", p99, "≤ 2,000 ms", r.Propagation.Visible.N > 0 && p99 <= 2000 && r.Propagation.Lost == 0)
	return cs
}

// generateCodes writes the catalogue of opt to path and returns its item
// codes in file order.
func generateCodes(path string, opt seeds.GenOptions) ([]string, error) {
	if err := generate(path, opt); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var codes []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if c, ok := itemCode(sc.Bytes()); ok {
			codes = append(codes, c)
		}
	}
	return codes, sc.Err()
}

// itemPrefix starts every item line of a generated catalogue (the other
// records start with "kind").
const itemPrefix = `{"code":"`

// itemCode returns the code of a generated item line.
func itemCode(line []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(itemPrefix))
	if !ok {
		return "", false
	}
	code, _, ok := bytes.Cut(rest, []byte(`"`))
	return string(code), ok
}

// generateDisjoint writes to path a catalogue of up to opt.Items items
// whose codes are not in taken, with the department and entry records
// they need: the items of a catalogue of twice as many items (and the
// seed of opt, another than taken's) whose codes are new. It returns how
// many items it wrote.
func generateDisjoint(path string, opt seeds.GenOptions, taken []string) (int, error) {
	items := opt.Items
	skip := make(map[string]bool, len(taken))
	for _, c := range taken {
		skip[c] = true
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	lf := &lineFilter{w: bw, keep: func(line []byte) bool {
		c, ok := itemCode(line)
		return !ok || !skip[c]
	}, items: items}
	opt.Items = 2 * items
	err = seeds.Generate(lf, opt)
	if err == nil {
		err = lf.flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return lf.written, err
}

// lineFilter passes on the lines keep accepts, up to items item lines.
type lineFilter struct {
	w       io.Writer
	keep    func([]byte) bool
	items   int
	written int
	partial []byte
}

func (l *lineFilter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = append(l.partial, p...)
			break
		}
		line := p[:i+1]
		if len(l.partial) > 0 {
			line = append(l.partial, line...)
			l.partial = l.partial[:0]
		}
		if err := l.line(line); err != nil {
			return 0, err
		}
		p = p[i+1:]
	}
	return n, nil
}

func (l *lineFilter) line(line []byte) error {
	_, item := itemCode(line)
	if (item && l.written >= l.items) || !l.keep(line) {
		return nil
	}
	if item {
		l.written++
	}
	_, err := l.w.Write(line)
	return err
}

// flush passes on a last line without a newline.
func (l *lineFilter) flush() error {
	if len(l.partial) == 0 {
		return nil
	}
	err := l.line(l.partial)
	l.partial = nil
	return err
}

// scratchDB is the run's database on the server of the URL given.
type scratchDB struct {
	admin string // the URL given: where the database is created and dropped from
	name  string
	url   string
	local bool // the server runs on this machine: its backends' CPU is read from /proc
}

// createScratch creates a new database on the server of admin.
func createScratch(ctx context.Context, admin string) (*scratchDB, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return nil, fmt.Errorf("--postgres: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	d := &scratchDB{admin: admin, name: "zhinan_bench_" + hex.EncodeToString(b)}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+d.name); err != nil {
		return nil, fmt.Errorf("create the scratch database: %w", err)
	}
	u.Path = "/" + d.name
	d.url = u.String()
	switch h := u.Hostname(); h {
	case "", "localhost", "127.0.0.1", "::1":
		d.local = true
	}
	return d, nil
}

// drop drops the database, ending its connections.
func (d *scratchDB) drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+d.name+" WITH (FORCE)")
	return err
}

// connect opens a connection to the scratch database.
func (d *scratchDB) connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, d.url)
}

// observe opens a connection to the database of the URL given, from
// which the run watches the scratch database (pg_stat_activity and the
// statistics views cover every database): the watching does not count
// among the scratch database's transactions.
func (d *scratchDB) observe(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, d.admin)
}

// vacuum vacuums and analyzes the database.
func (d *scratchDB) vacuum(ctx context.Context) error {
	conn, err := d.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "VACUUM (ANALYZE)")
	return err
}

// version returns the server's version string.
func (d *scratchDB) version(ctx context.Context) (string, error) {
	conn, err := d.connect(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	var v string
	err = conn.QueryRow(ctx, "SHOW server_version").Scan(&v)
	return "PostgreSQL " + v, err
}

// transactions returns the transactions committed and rolled back in
// the database so far (pg_stat_database, which backends update within
// about a second).
func (d *scratchDB) transactions(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var n int64
	err := conn.QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1`, d.name).Scan(&n)
	return n, err
}

// zhinanCLI runs zhinan commands on the scratch database.
type zhinanCLI struct {
	bin string
	db  string
}

// run runs `zhinan ARGS… --db URL` with stdin, failing with its output.
func (z *zhinanCLI) run(ctx context.Context, stdin io.Reader, args ...string) error {
	cmd := exec.CommandContext(ctx, z.bin, append(args, "--db", z.db)...)
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("zhinan %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// importRun is the outcome of one `zhinan import`.
type importRun struct {
	seconds     float64
	user, sys   float64
	peakRSS     float64
	phases      ImportPhases
	began, done time.Time
}

// importFile runs `zhinan import --db URL --data dir file`, sampling
// pg_stat_activity for its phases meanwhile.
func (z *zhinanCLI) importFile(ctx context.Context, db *scratchDB, file, dir string) (*importRun, error) {
	cmd, err := z.startImport(db, file, dir)
	if err != nil {
		return nil, err
	}
	return cmd.wait(ctx)
}

// runningImport is a `zhinan import` under way.
type runningImport struct {
	cmd     *exec.Cmd
	out     *tailBuffer
	sampler *activitySampler
	began   time.Time
	peak    chan float64
	exited  chan struct{} // closed when the process has ended, at ended
	ended   time.Time
	err     error
}

// startImport starts `zhinan import` and the sampler of its activity.
func (z *zhinanCLI) startImport(db *scratchDB, file, dir string) (*runningImport, error) {
	s, err := startSampler(db, 50*time.Millisecond)
	if err != nil {
		return nil, err
	}
	r := &runningImport{sampler: s, out: &tailBuffer{}, peak: make(chan float64, 1), exited: make(chan struct{})}
	r.cmd = exec.Command(z.bin, "import", "--db", z.db, "--data", dir, file)
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	r.began = time.Now()
	s.setOrigin(r.began)
	if err := r.cmd.Start(); err != nil {
		s.stop()
		return nil, err
	}
	go func() {
		r.err = r.cmd.Wait()
		r.ended = time.Now()
		close(r.exited)
	}()
	// The peak resident set, from /proc while the process lives.
	go func() {
		var peak float64
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, statusMB(r.cmd.Process.Pid, "VmHWM:"))
			select {
			case <-r.exited:
				r.peak <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return r, nil
}

// wait waits for the import to end and returns its figures.
func (r *runningImport) wait(ctx context.Context) (*importRun, error) {
	select {
	case <-r.exited:
	case <-ctx.Done():
		r.cmd.Process.Kill()
		<-r.exited
	}
	done := r.ended
	phases := r.sampler.stop()
	peak := <-r.peak
	if r.err != nil {
		return nil, fmt.Errorf("zhinan import: %w\n%s", errors.Join(r.err, ctx.Err()), r.out.String())
	}
	return &importRun{seconds: done.Sub(r.began).Seconds(), user: r.cmd.ProcessState.UserTime().Seconds(),
		sys: r.cmd.ProcessState.SystemTime().Seconds(), peakRSS: peak, phases: phases, began: r.began, done: done}, nil
}

// activitySampler reads pg_stat_activity of the scratch database every
// interval: which connection runs the import's COPY, when, and when that
// connection's swap transaction runs; and, on a local server, the CPU
// time of every backend of the database.
type activitySampler struct {
	conn     *pgx.Conn
	db       *scratchDB
	interval time.Duration
	origin   time.Time
	quit     chan struct{}
	done     chan ImportPhases
}

// startSampler connects and starts sampling; call setOrigin before the
// import starts.
func startSampler(db *scratchDB, interval time.Duration) (*activitySampler, error) {
	conn, err := db.observe(context.Background())
	if err != nil {
		return nil, err
	}
	s := &activitySampler{conn: conn, db: db, interval: interval, origin: time.Now(),
		quit: make(chan struct{}), done: make(chan ImportPhases, 1)}
	return s, nil
}

// setOrigin sets the time phases are counted from and starts sampling.
func (s *activitySampler) setOrigin(t time.Time) {
	s.origin = t
	go s.loop()
}

// backendTrace is what the sampler saw of one backend.
type backendTrace struct {
	copyFirst, copyLast time.Duration // -1: never seen copying
	txFirst, txLast     time.Duration // in a transaction after copying; -1: never
	cpu                 float64
}

func (s *activitySampler) loop() {
	ctx := context.Background()
	traces := map[int32]*backendTrace{}
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	defer s.conn.Close(ctx)
	ck0, err0 := checkpoints(ctx, s.conn)
	for {
		s.sample(ctx, traces)
		select {
		case <-s.quit:
			s.sample(ctx, traces)
			p := phasesOf(traces)
			if ck1, err := checkpoints(ctx, s.conn); err == nil && err0 == nil {
				p.Checkpoints = ck1 - ck0
			}
			s.done <- p
			return
		case <-tick.C:
		}
	}
}

// checkpoints returns the checkpoints the server has begun.
func checkpoints(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var n int64
	err := conn.QueryRow(ctx, `SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter`).Scan(&n)
	return n, err
}

// sample reads pg_stat_activity once.
func (s *activitySampler) sample(ctx context.Context, traces map[int32]*backendTrace) {
	rows, err := s.conn.Query(ctx, `SELECT pid, COALESCE(state, ''), COALESCE(query, ''), xact_start IS NOT NULL
		FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`, s.db.name)
	if err != nil {
		return
	}
	at := time.Since(s.origin)
	type seen struct {
		pid          int32
		state, query string
		inTx         bool
	}
	var all []seen
	for rows.Next() {
		var r seen
		if rows.Scan(&r.pid, &r.state, &r.query, &r.inTx) == nil {
			all = append(all, r)
		}
	}
	rows.Close()
	for _, r := range all {
		t := traces[r.pid]
		if t == nil {
			t = &backendTrace{copyFirst: -1, copyLast: -1, txFirst: -1, txLast: -1}
			traces[r.pid] = t
		}
		if s.db.local {
			if cpu, ok := procCPU(int(r.pid), "postgres"); ok {
				t.cpu = cpu
			}
		}
		q := strings.ToLower(strings.TrimSpace(r.query))
		switch {
		case r.state == "active" && strings.HasPrefix(q, "copy "):
			if t.copyFirst < 0 {
				t.copyFirst = at
			}
			t.copyLast = at
		case r.state == "active" && strings.HasPrefix(q, "analyze"):
		case t.copyLast >= 0 && r.inTx && (r.state == "active" || strings.HasPrefix(r.state, "idle in transaction")):
			if t.txFirst < 0 {
				t.txFirst = at
			}
			t.txLast = at
		}
	}
}

// stop ends sampling and returns the phases seen.
func (s *activitySampler) stop() ImportPhases {
	close(s.quit)
	return <-s.done
}

// phasesOf reads the import's phases from the traces: the backend that
// copied, and the CPU of every backend.
func phasesOf(traces map[int32]*backendTrace) ImportPhases {
	var p ImportPhases
	for _, t := range traces {
		p.BackendCPUS += t.cpu
		if t.copyFirst >= 0 && (p.CopyStartS == 0 || t.copyFirst.Seconds() < p.CopyStartS) {
			p.CopyStartS, p.CopyEndS = t.copyFirst.Seconds(), t.copyLast.Seconds()
			p.SwapStartS, p.SwapEndS = 0, 0
			if t.txFirst >= 0 {
				p.SwapStartS, p.SwapEndS = t.txFirst.Seconds(), t.txLast.Seconds()
			}
		}
	}
	return p
}

// clockTicks is the unit of the CPU times of /proc/PID/stat (USER_HZ,
// 100 on Linux).
const clockTicks = 100

// procCPU returns the CPU time (user + system) of process pid from
// /proc/PID/stat, when its command name is comm (any when comm is "").
func procCPU(pid int, comm string) (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(b)
	lp, rp := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if lp < 0 || rp < lp {
		return 0, false
	}
	if comm != "" && s[lp+1:rp] != comm {
		return 0, false
	}
	// After the command: state (field 3) … utime (14), stime (15).
	f := strings.Fields(s[rp+1:])
	if len(f) < 13 {
		return 0, false
	}
	var utime, stime float64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return 0, false
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return 0, false
	}
	return (utime + stime) / clockTicks, true
}

// statusMB returns a "kB" field of /proc/PID/status (VmRSS:, VmHWM:) in
// MiB, 0 when unavailable.
func statusMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field); ok {
			var kb float64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
			return kb / 1024
		}
	}
	return 0
}

// loadAvg is the 1-minute load average (0 where there is no /proc).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	fmt.Sscan(string(b), &l)
	return l
}

// WriteJSON writes the report as indented JSON to path.
func (r *PGReport) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
