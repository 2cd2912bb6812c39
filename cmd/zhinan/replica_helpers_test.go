package main

// Helpers of the replica tests (replica_test.go): `zhinan serve`
// processes sharing one PostgreSQL database, each with its own data
// directory; their /healthz; the admin account the writers sign in with;
// a fresh index of the same database, built by `zhinan reindex` and opened
// in this process; and the query set whose answers must agree.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhinan/internal/testdb"
	"zhinan/search"
	"zhinan/store"
)

const (
	// replicaAdmin and replicaPassword are the account the writers sign
	// in with (one session per writer).
	replicaAdmin    = "replica-admin"
	replicaPassword = "a long replica test passphrase"
	// replicaStartWithin bounds a replica's start: seeding a new
	// database, loading the word segmenter and building the index take
	// some 20 s under the race detector on two cores.
	replicaStartWithin = 3 * time.Minute
	// replicaSettle bounds the waits for the indexes to catch up.
	replicaSettle = 2 * time.Minute
)

// skipWithoutPostgres skips a replica test unless the tests run on
// PostgreSQL: replicas share a database, which SQLite cannot serve.
func skipWithoutPostgres(t *testing.T) {
	t.Helper()
	if !testdb.Postgres() {
		t.Skipf("replicas share a PostgreSQL database: set %s=postgres://… (a role that may create databases) to run this test", testdb.EnvVar)
	}
}

// replica is one `zhinan serve --db URL --data DIR` process.
type replica struct {
	name, db, data string
	cmd            *exec.Cmd
	base           string
	stderr         *lockedBuffer
	exited         chan struct{} // closed when the process ended
	waitErr        error         // how it ended; set before exited is closed
	hc             *http.Client
}

// replicaClient is the HTTP client of the replica tests.
var replicaClient = func() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: apiChecked(tr), Timeout: 90 * time.Second}
}()

// launchReplica starts `zhinan serve` on the database db and the data
// directory data; ready is closed once it listens (or the process ended:
// then base stays empty).
func launchReplica(t *testing.T, name, db, data string) (*replica, <-chan struct{}) {
	t.Helper()
	r := &replica{name: name, db: db, data: data, stderr: &lockedBuffer{}, exited: make(chan struct{}), hc: replicaClient}
	r.cmd = exec.Command(binary, "serve", "--db", db, "--data", data, "--addr", "127.0.0.1:0", "--rate-limit", "0") // loads from one address
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		re := regexp.MustCompile(`zhinan serving http://(\S+)/`)
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := re.FindStringSubmatch(lines.Text()); m != nil {
				r.base = "http://" + m[1]
				go io.Copy(io.Discard, stdout)
				return
			}
		}
	}()
	go func() {
		<-ready // the pipe is read to its end before Wait closes it
		r.waitErr = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.stop()
		if strings.Contains(r.stderr.String(), "DATA RACE") {
			t.Errorf("replica %s reported a data race:\n%s", r.name, tail(r.stderr.String(), 8000))
		} else if t.Failed() {
			t.Logf("log of replica %s (%s):\n%s", r.name, r.data, tail(r.stderr.String(), 4000))
		}
	})
	return r, ready
}

// startReplicas starts one replica per data directory and waits until
// every one listens; the replicas are named A, B, C … in order. The first
// start on a new database seeds it: the others are started once it has
// (they find the seeds loaded and skip it), and load the word segmenter
// and build their indexes while the first does.
//
// They are not started all at once: a replica that waits for another's
// seeding gives up after 10 s and exits (store.Exclusive takes its
// advisory lock on a connection whose lock_timeout is the store's
// lockWait), and the seeding takes longer than that under the race
// detector on two cores.
func startReplicas(t *testing.T, db string, dirs ...string) []*replica {
	t.Helper()
	start := time.Now()
	reps := make([]*replica, len(dirs))
	readies := make([]<-chan struct{}, len(dirs))
	reps[0], readies[0] = launchReplica(t, "A", db, dirs[0])
	deadline := time.Now().Add(replicaStartWithin)
	for !strings.Contains(reps[0].stderr.String(), "loaded the seed catalogue") {
		select {
		case <-readies[0]:
		case <-time.After(50 * time.Millisecond):
			if time.Now().Before(deadline) {
				continue
			}
		}
		break
	}
	for i := 1; i < len(dirs); i++ {
		reps[i], readies[i] = launchReplica(t, string(rune('A'+i)), db, dirs[i])
	}
	seeded := time.Since(start)
	for i, r := range reps {
		r.awaitStart(t, readies[i])
	}
	t.Logf("replicas %s listening %v after the start (A seeded the database in %v)", replicaNames(reps), time.Since(start).Round(time.Millisecond), seeded.Round(time.Millisecond))
	return reps
}

// restart starts the replica's process again on the same data directory.
func (r *replica) restart(t *testing.T) *replica {
	t.Helper()
	nr, ready := launchReplica(t, r.name, r.db, r.data)
	nr.awaitStart(t, ready)
	return nr
}

func (r *replica) awaitStart(t *testing.T, ready <-chan struct{}) {
	t.Helper()
	select {
	case <-ready:
	case <-time.After(replicaStartWithin):
		t.Fatalf("replica %s did not start within %v:\n%s", r.name, replicaStartWithin, tail(r.stderr.String(), 4000))
	}
	if r.base == "" {
		<-r.exited
		t.Fatalf("replica %s did not start (%v):\n%s", r.name, r.waitErr, tail(r.stderr.String(), 4000))
	}
}

// kill ends the process at once (SIGKILL): nothing is saved, nothing
// closed.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill replica %s: %v", r.name, err)
	}
	<-r.exited
}

// stop ends the process with SIGINT, killing it when it has not ended
// within 20 s.
func (r *replica) stop() {
	select {
	case <-r.exited:
		return
	default:
	}
	r.cmd.Process.Signal(os.Interrupt)
	select {
	case <-r.exited:
	case <-time.After(20 * time.Second):
		r.cmd.Process.Kill()
		<-r.exited
	}
}

// alive fails the test when the process has ended.
func (r *replica) alive(t *testing.T, when string) {
	t.Helper()
	select {
	case <-r.exited:
		t.Fatalf("replica %s died %s (%v):\n%s", r.name, when, r.waitErr, tail(r.stderr.String(), 6000))
	default:
	}
}

// do sends a request, with a bearer token and a JSON body when given, and
// returns the status and the body; status 0 and the error when there was
// no answer.
func (r *replica) do(method, path, token string, header map[string]string, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// replicaHealth is what the tests read of /healthz.
type replicaHealth struct {
	Status     string `json:"status"`
	Index      string `json:"index"`
	IndexSeq   int64  `json:"index_seq"`
	StoreSeq   int64  `json:"store_seq"`
	IndexLag   int64  `json:"index_lag"`
	Generation string `json:"index_generation"`
	Rebuilds   int    `json:"index_rebuilds"`
	code       int
}

func (h replicaHealth) String() string {
	return fmt.Sprintf("HTTP %d %s/%s index_seq %d store_seq %d lag %d (%s, %d rebuilds)",
		h.code, h.Status, h.Index, h.IndexSeq, h.StoreSeq, h.IndexLag, h.Generation, h.Rebuilds)
}

// health reads /healthz; code 0 when the replica did not answer.
func (r *replica) health() replicaHealth {
	var h replicaHealth
	status, b, err := r.do("GET", "/healthz", "", nil, "")
	if err != nil {
		return h
	}
	h.code = status
	json.Unmarshal(b, &h)
	return h
}

// awaitConverged waits until every replica reports its index healthy and
// caught up (index_lag 0, index_seq = store_seq) with one and the same
// store sequence, which it returns.
func awaitConverged(t *testing.T, reps ...*replica) int64 {
	t.Helper()
	deadline := time.Now().Add(replicaSettle)
	for {
		var hs []replicaHealth
		ok := true
		for _, r := range reps {
			r.alive(t, "while the indexes caught up")
			h := r.health()
			hs = append(hs, h)
			ok = ok && h.code == 200 && h.Index == "ok" && h.IndexLag == 0 && h.IndexSeq == h.StoreSeq && h.StoreSeq == hs[0].StoreSeq
		}
		if ok {
			return hs[0].StoreSeq
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for i, r := range reps {
				fmt.Fprintf(&b, "\n  %s: %v", r.name, hs[i])
			}
			t.Fatalf("the replicas did not catch up within %v:%s", replicaSettle, b.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// addReplicaAdmin creates the admin account in the database, as an
// operator would: `zhinan user add` in a process of its own, the password
// on its standard input. It is the first command on a new database, so
// it also migrates it.
func addReplicaAdmin(t *testing.T, db, dir string) {
	t.Helper()
	defer func(start time.Time) {
		t.Logf("zhinan user add (and migration) took %v", time.Since(start).Round(time.Millisecond))
	}(time.Now())
	cmd := exec.Command(binary, "user", "add", replicaAdmin, "--role", "admin", "--db", db, "--data", dir)
	cmd.Stdin = strings.NewReader(replicaPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("zhinan user add: %v\n%s", err, out)
	}
}

// login signs the admin in on the replica and returns the bearer token.
func (r *replica) login(t *testing.T) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": replicaAdmin, "password": replicaPassword})
	status, b, err := r.do("POST", "/api/v1/login", "", nil, string(body))
	var login struct{ Token string }
	json.Unmarshal(b, &login)
	if status != 200 || login.Token == "" {
		t.Fatalf("login on replica %s: %d %v %s", r.name, status, err, clip(b, 300))
	}
	return login.Token
}

func clip(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b), "�")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// bgCommand is a zhinan command run in a process of its own; done is
// closed when it ended, with its output and error set.
type bgCommand struct {
	cmd  *exec.Cmd
	out  lockedBuffer
	err  error
	took time.Duration
	done chan struct{}
}

func runBackground(t *testing.T, args ...string) *bgCommand {
	t.Helper()
	c := &bgCommand{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	start := time.Now()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		c.took = time.Since(start)
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// running reports whether the command still runs.
func (c *bgCommand) running() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// wait waits for the command and fails the test when it failed.
func (c *bgCommand) wait(t *testing.T, what string) string {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(replicaSettle):
		t.Fatalf("%s did not end within %v", what, replicaSettle)
	}
	if c.err != nil {
		t.Fatalf("%s: %v\n%s", what, c.err, c.out.String())
	}
	return strings.TrimSpace(c.out.String())
}

// genItem is what the tests read of a generated item.
type genItem struct{ Code, Name, Region string }

// readGenerated returns the items of a file `zhinan gen` wrote. Only the
// head of each record is decoded (code, base code, name, type, level,
// region, department come first): the files are large for the race
// detector.
func readGenerated(t *testing.T, file string) []genItem {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []genItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	const key = `,"department":`
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.HasPrefix(line, []byte(`{"kind"`)) {
			continue
		}
		head := line
		if i := bytes.Index(line, []byte(key)); i > 0 {
			head = append(slices.Clip(line[:i]), '}')
		}
		var it genItem
		if err := json.Unmarshal(head, &it); err != nil || it.Code == "" {
			t.Fatalf("%s: a record that is no item: %v %s", file, err, clip(line, 200))
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

// replicaQuery is one search the replicas and the fresh index answer.
type replicaQuery struct {
	kind string // what it probes: edited text, seed term, generated name, filter, grouped
	v    url.Values
}

func (q replicaQuery) String() string {
	s, _ := url.QueryUnescape(q.v.Encode())
	return q.kind + ": " + s
}

// grouped reports whether the query asks for one row per service.
func (q replicaQuery) grouped() bool { return q.v.Get("group") != search.GroupNone }

// request is the query as the web package's searchRequest decodes it.
func (q replicaQuery) request() search.Request {
	page, _ := strconv.Atoi(q.v.Get("page"))
	size, _ := strconv.Atoi(q.v.Get("size"))
	return search.Request{Q: q.v.Get("q"), Region: q.v.Get("region"), Department: q.v.Get("department"),
		Type: q.v.Get("type"), Audience: q.v.Get("audience"), Theme: q.v.Get("theme"), Flags: q.v["flag"],
		Group: q.v.Get("group"), Service: q.v.Get("service"), Prefer: q.v.Get("prefer"), Page: page, Size: size}
}

// replicaAnswer is what the comparison reads of a search's answer: the
// total, the rows in order, the facets and the region the query named. A
// row by item is its code and name; a row by service its service key, the
// code and name of the item that represents it, and its counts.
type replicaAnswer struct {
	Status int
	Total  int
	Counts string
	Rows   []string
	Facets map[string][]string
	Region string
}

func parseAnswer(status int, body []byte, grouped bool) replicaAnswer {
	a := replicaAnswer{Status: status}
	if status != 200 {
		a.Rows = []string{clip(body, 300)}
		return a
	}
	var res struct {
		Total  int    `json:"total"`
		Counts string `json:"counts"`
		Hits   []struct {
			Code, Name, Service string
			Items, Regions      int
		} `json:"hits"`
		Facets map[string][]struct {
			Value string
			Count int
		} `json:"facets"`
		Region string `json:"region"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		a.Status, a.Rows = -1, []string{fmt.Sprintf("undecodable answer: %v %s", err, clip(body, 300))}
		return a
	}
	a.Total, a.Counts, a.Region = res.Total, res.Counts, res.Region
	a.Rows = []string{}
	for _, h := range res.Hits {
		if grouped {
			a.Rows = append(a.Rows, fmt.Sprintf("%s: %s %s ×%d/%d", h.Service, h.Code, h.Name, h.Items, h.Regions))
		} else {
			a.Rows = append(a.Rows, h.Code+" "+h.Name)
		}
	}
	a.Facets = map[string][]string{}
	for f, vs := range res.Facets {
		a.Facets[f] = []string{}
		for _, v := range vs {
			a.Facets[f] = append(a.Facets[f], fmt.Sprintf("%s=%d", v.Value, v.Count))
		}
	}
	return a
}

func (a replicaAnswer) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d rows:", a.head(), len(a.Rows))
	for i, r := range a.Rows {
		fmt.Fprintf(&b, "\n      %2d %s", i+1, r)
	}
	for _, f := range search.FacetFields {
		if vs, ok := a.Facets[f]; ok {
			fmt.Fprintf(&b, "\n      facet %s: %s", f, strings.Join(vs[:min(len(vs), 12)], " "))
			if len(vs) > 12 {
				fmt.Fprintf(&b, " … (%d values)", len(vs))
			}
		}
	}
	return b.String()
}

func (a replicaAnswer) head() string {
	return fmt.Sprintf("status %d, total %d (%s), region %q", a.Status, a.Total, a.Counts, a.Region)
}

// sideBySide shows a replica's answer beside the fresh index's: both
// lists of rows in full, each row that differs marked, and the values of
// each facet that differs found in one answer only.
func sideBySide(name string, got, want replicaAnswer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "replica %s: %s\n    fresh index: %s\n    rows (replica %s | fresh index):", name, got.head(), want.head(), name)
	for i := range max(len(got.Rows), len(want.Rows)) {
		g, w := "—", "—"
		if i < len(got.Rows) {
			g = got.Rows[i]
		}
		if i < len(want.Rows) {
			w = want.Rows[i]
		}
		mark := " "
		if g != w {
			mark = "≠"
		}
		fmt.Fprintf(&b, "\n    %s %2d %s | %s", mark, i+1, g, w)
	}
	for _, f := range search.FacetFields {
		gv, wv := got.Facets[f], want.Facets[f]
		if slices.Equal(gv, wv) {
			continue
		}
		var only [2][]string
		for k, list := range [2][]string{gv, wv} {
			other := [2][]string{wv, gv}[k]
			for _, v := range list {
				if !slices.Contains(other, v) {
					only[k] = append(only[k], v)
				}
			}
		}
		if len(only[0]) == 0 && len(only[1]) == 0 {
			fmt.Fprintf(&b, "\n    facet %s: the same values in another order: %s | %s", f, strings.Join(gv, " "), strings.Join(wv, " "))
			continue
		}
		fmt.Fprintf(&b, "\n    facet %s: replica %s only: %s; fresh index only: %s", f, name, strings.Join(only[0], " "), strings.Join(only[1], " "))
	}
	return b.String()
}

// diff says where two answers part, briefly.
func (a replicaAnswer) diff(b replicaAnswer) string {
	var parts []string
	if a.Status != b.Status || a.Total != b.Total || a.Counts != b.Counts || a.Region != b.Region {
		parts = append(parts, fmt.Sprintf("status/total/counts/region %d/%d/%s/%q vs %d/%d/%s/%q", a.Status, a.Total, a.Counts, a.Region, b.Status, b.Total, b.Counts, b.Region))
	}
	if !slices.Equal(a.Rows, b.Rows) {
		i := 0
		for i < len(a.Rows) && i < len(b.Rows) && a.Rows[i] == b.Rows[i] {
			i++
		}
		parts = append(parts, fmt.Sprintf("rows differ from row %d", i+1))
	}
	for _, f := range search.FacetFields {
		if !slices.Equal(a.Facets[f], b.Facets[f]) {
			parts = append(parts, "facet "+f+" differs")
		}
	}
	return strings.Join(parts, "; ")
}

// search sends a query to the replica.
func (r *replica) search(q replicaQuery) replicaAnswer {
	status, b, err := r.do("GET", "/api/v1/search?"+q.v.Encode(), "", nil, "")
	if err != nil {
		return replicaAnswer{Status: 0, Rows: []string{err.Error()}}
	}
	return parseAnswer(status, b, q.grouped())
}

// freshIndex is an index of the database built anew by `zhinan reindex`
// in a data directory of its own, opened in this process.
type freshIndex struct {
	ix  *search.Index
	seq int64
}

// buildFresh runs `zhinan reindex --db db --data DIR` (in this process) and
// opens the index it built.
func buildFresh(t *testing.T, db string) *freshIndex {
	t.Helper()
	dir := t.TempDir()
	start := time.Now()
	code, out, errOut := zhinan(t, "reindex", "--db", db, "--data", dir)
	if code != 0 {
		t.Fatalf("zhinan reindex: exit %d: %s%s", code, out, errOut)
	}
	st, err := store.OpenDB(db, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	ix, err := search.Open(ctx, dir, st)
	if err != nil {
		t.Fatalf("open the fresh index: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	seq, err := st.Seq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Seq() != seq {
		t.Fatalf("the fresh index is at sequence %d, the store at %d", ix.Seq(), seq)
	}
	t.Logf("fresh index: %s (reindex and open in %v)", strings.TrimSpace(out), time.Since(start).Round(time.Millisecond))
	return &freshIndex{ix: ix, seq: seq}
}

func (f *freshIndex) search(t *testing.T, q replicaQuery) replicaAnswer {
	t.Helper()
	res, err := f.ix.Search(context.Background(), q.request())
	if err != nil {
		var re *search.RequestError
		if errors.As(err, &re) {
			return replicaAnswer{Status: 400, Rows: []string{re.Message}}
		}
		t.Fatalf("fresh index, %v: %v", q, err)
	}
	b, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return parseAnswer(200, b, q.grouped())
}

// compareWithFresh asks every replica and the fresh index each query and
// fails on the first query a replica answers otherwise, showing both
// answers; it returns how many queries were compared.
func compareWithFresh(t *testing.T, fresh *freshIndex, queries []replicaQuery, reps ...*replica) int {
	t.Helper()
	want := make([]replicaAnswer, len(queries))
	empty := 0
	for i, q := range queries {
		want[i] = fresh.search(t, q)
		if want[i].Status != 200 {
			t.Fatalf("the fresh index refused %v: %v", q, want[i])
		}
		if want[i].Total == 0 {
			empty++
		}
	}
	for _, r := range reps {
		var differ []string
		first := -1
		var firstGot replicaAnswer
		for i, q := range queries {
			got := r.search(q)
			if !reflect.DeepEqual(got, want[i]) {
				if first < 0 {
					first, firstGot = i, got
				}
				differ = append(differ, fmt.Sprintf("%q (%s)", q.v.Get("q"), got.diff(want[i])))
			}
		}
		if first >= 0 {
			t.Errorf("replica %s answers %d of %d queries otherwise than a fresh reindex of the same database (sequence %d): %s\n"+
				"  the first, %v:\n    %s",
				r.name, len(differ), len(queries), fresh.seq, strings.Join(differ, ", "), queries[first], sideBySide(r.name, firstGot, want[first]))
		}
	}
	t.Logf("%d queries compared (%d find nothing) on replicas %s against a fresh reindex at sequence %d",
		len(queries), empty, replicaNames(reps), fresh.seq)
	return len(queries)
}

func replicaNames(reps []*replica) string {
	var names []string
	for _, r := range reps {
		names = append(names, r.name)
	}
	return strings.Join(names, ", ")
}

// replicaQueryCount is how many queries the convergence checks compare.
const replicaQueryCount = 50

// replicaSeedTerms are words of the seed guides (and of the generated
// ones, which share their templates).
var replicaSeedTerms = []string{"公积金", "身份证", "户口迁移", "营业执照", "社会保障卡", "护照", "驾驶证", "结婚登记",
	"养老保险", "不动产登记", "出生医学证明", "失业保险金", "医师执业注册", "无犯罪记录证明", "居住证", "机动车",
	"低保", "残疾人", "食品经营许可", "公证"}

// replicaQueries returns the replicaQueryCount queries the convergence
// checks compare: the marker words the edits wrote (current or
// overwritten since), seed-guide terms, names of generated items, regional
// and other filters, and grouped searches. Every one is deterministic in
// its inputs.
func replicaQueries(markers []string, gen []genItem) []replicaQuery {
	var qs []replicaQuery
	seen := map[string]bool{}
	add := func(kind string, kv ...string) {
		if len(qs) >= replicaQueryCount {
			return
		}
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		if !v.Has("group") {
			v.Set("group", search.GroupNone)
		} else if v.Get("group") == "" {
			v.Del("group")
		}
		if !v.Has("size") {
			v.Set("size", "50")
		}
		if k := v.Encode(); !seen[k] {
			seen[k] = true
			qs = append(qs, replicaQuery{kind: kind, v: v})
		}
	}
	// The edited texts: up to 14 markers, spread over the edits.
	for _, m := range spread(markers, 14) {
		add("edited text", "q", m)
	}
	// Regional and other filters (12).
	otherRegion := ""
	counts := map[string]int{}
	for _, it := range gen {
		if !strings.HasPrefix(it.Region, "6109") {
			counts[it.Region]++
			if counts[it.Region] > counts[otherRegion] {
				otherRegion = it.Region
			}
		}
	}
	add("filter", "q", "", "region", "610900")
	add("filter", "q", "", "region", "610921")
	add("filter", "q", "身份证", "region", "610921")
	add("filter", "q", "公积金", "region", "610902")
	add("filter", "q", "出生登记", "region", "610981")
	add("filter", "q", "", "department", "市公安局")
	add("filter", "q", "登记", "type", "行政许可", "region", "610900")
	add("filter", "q", "社保", "flag", "online")
	add("filter", "q", "汉阴 身份证")
	add("filter", "q", "医保", "prefer", "610921")
	add("filter", "q", "护照", "region", "610900", "page", "2", "size", "10")
	if otherRegion != "" {
		add("filter", "q", "", "region", otherRegion)
	}
	// Grouped by service (6).
	add("grouped", "q", "", "group", "")
	add("grouped", "q", "身份证", "group", "")
	add("grouped", "q", "公积金", "region", "610921", "group", "")
	add("grouped", "q", "营业执照", "group", "")
	add("grouped", "q", "", "group", search.GroupNone, "size", "50", "page", "3")
	if len(markers) > 0 {
		add("grouped", "q", markers[len(markers)-1], "group", "")
	}
	// Names of generated items (8).
	var names []string
	for _, it := range gen {
		if !slices.Contains(names, it.Name) {
			names = append(names, it.Name)
		}
	}
	for _, n := range spread(names, 8) {
		add("generated name", "q", n)
	}
	// Seed-guide terms fill the rest.
	for _, w := range replicaSeedTerms {
		add("seed term", "q", w)
	}
	for i := 0; len(qs) < replicaQueryCount; i++ {
		add("seed term", "q", replicaSeedTerms[i%len(replicaSeedTerms)], "page", strconv.Itoa(2+i/len(replicaSeedTerms)), "size", "20")
	}
	return qs
}

// spread returns up to n elements of list, evenly spaced, the last one
// included.
func spread(list []string, n int) []string {
	if len(list) <= n {
		return slices.Clone(list)
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, list[(i+1)*len(list)/n-1])
	}
	return out
}

// replicaWords are the words the edits write, three at a time: real words
// (so that typo correction leaves them alone), of plants, which no seed or
// generated guide, search rule or region name contains.
var replicaWords = []string{"银杏", "梧桐", "枫叶", "竹笋", "芦苇", "荷花", "牡丹", "茉莉", "杜鹃", "海棠",
	"丁香", "桂花", "腊梅", "水仙", "芍药", "紫藤", "向日葵", "蒲公英"}

// replicaMarker returns the n-th marker: three distinct replicaWords.
func replicaMarker(n int) string {
	var triples [][3]int
	for i := range replicaWords {
		for j := i + 1; j < len(replicaWords); j++ {
			for k := j + 1; k < len(replicaWords); k++ {
				triples = append(triples, [3]int{i, j, k})
			}
		}
	}
	// A stride coprime with the number of triples (816) visits them all
	// and makes consecutive markers share few words.
	tr := triples[(n*127)%len(triples)]
	return replicaWords[tr[0]] + replicaWords[tr[1]] + replicaWords[tr[2]]
}

// replicaStats counts a writer's requests by outcome.
type replicaStats struct {
	mu         sync.Mutex
	published  int
	created    int
	conflicts  int // 409: another writer or the import came first
	busy       int // 503 busy: an import's swap held the writers' lock
	unexpected []string
}

func (s *replicaStats) add(f func(s *replicaStats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}
