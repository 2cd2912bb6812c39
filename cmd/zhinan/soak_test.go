package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"zhinan/catalog"
	"zhinan/search"
)

// TestSoakMixedLoad is the bounded soak of the hardening issue: 60 s of
// mixed reads, edits and an import on 50,000 items against a
// `zhinan serve --demo` process (skipped with -short).
//
//   - Setup: `zhinan gen` writes 50,000 items (seed 1) and 10,000 more
//     (seed 2); the first file is imported, the server started, and the
//     demo editor (市公安局 of 安康), reviewer (安康) and admin sign in.
//   - Load: four readers without pause (the search API with item names,
//     citizens' questions, the benchmark query set and its filters and
//     the markers just written, by service or by item, other pages and
//     sizes; the results page; items as JSON, guide, print and brief
//     pages; suggest; /healthz; home, region, themes, coverage); the
//     editor and the reviewer edit the department's items and create
//     new ones (draft, save with If-Match, submit, publish or now and
//     then reject), the admin edits items anywhere; and at 6 s a
//     `zhinan import` process imports the second file (about 7,400 new
//     items, 2,000 updated, many of them items the admin edits).
//   - It fails on any answer of 500 or more (503 included) or none, any
//     unexpected status (409 is expected of a save or a step that the
//     import or the other editor overtook), a failed import, a server
//     that dies, reports a data race or does not end cleanly on SIGINT,
//     and an RSS that does not level off (checkSoakRSS).
//   - End: once /healthz reports the index caught up, a snapshot of the
//     store is indexed anew by `zhinan reindex` while, the vocabulary lag
//     passed, the live server answers about 1,200 probes (soakProbes); a
//     server on the snapshot answers them too. Every answer must be the
//     same (took_ms aside; see soakServiceRows), the live index must hold
//     every item of both files and every item created, and find every
//     item the soak named first by that name.

// The soak's scale.
const (
	// soakItems are generated (`zhinan gen`, seed 1) and imported before
	// the server starts.
	soakItems = 50000
	// soakImportItems are generated with another seed and imported by a
	// `zhinan import` process while the server serves: about 2,000 of
	// them update items of the first file (the codes of 安康 and some
	// regions are the same, the guides vary with the seed), about 600 are
	// unchanged, the rest are new.
	soakImportItems = 10000
	// soakDuration is the load's length; ZHINAN_SOAK_DURATION (a Go
	// duration) overrides it for local runs.
	soakDuration = 60 * time.Second
	// soakReaders are the goroutines that read, without pause.
	soakReaders = 4
	// soakImportAtPercent is when, in percent of the load, the import
	// starts: its catch-up then falls in the first two thirds, before
	// the RSS is judged.
	soakImportAtPercent = 10
	// soakRSSSlackMiB and soakRSSSlackDiv bound the growth of the RSS
	// over the last third of the load (see checkSoakRSS).
	soakRSSSlackMiB = 64
	soakRSSSlackDiv = 8
	// soakSettle bounds the waits of the end: the import to finish, the
	// index to catch up, the server to stop.
	soakSettle = 3 * time.Minute
	// soakRaceQuestionStep samples the relevance suite's 547 questions
	// for the probes under the race detector, which makes a search several
	// times slower: every other one (without it, all).
	soakRaceQuestionStep = 2
	// soakVocabularyLag is how long the index's typo correction may lag
	// behind new words (search's soundVocabMaxAge, 30 s, and a second):
	// the live answers are read that long after the index caught up.
	soakVocabularyLag = 31 * time.Second
)

// The soak's edits write markers: three words no generated guide, search
// rule or region name contains. Real words (soakWords) mark new names
// (出生登记（琥珀珊瑚翡翠）) and the names of new items — a search of such a
// marker finds its item first, which the end checks — and new materials.
// Coined words (soakCoined: 瀛洲岱舆员峤), which no dictionary knows,
// mark new ask phrases: citizens' words the catalogue did not have, which
// typo correction may take for a typo. Every marker written, whether an
// item still bears it or not, is searched in the live and the rebuilt
// index alike.
var (
	soakWords = []string{"琥珀", "珊瑚", "翡翠", "玛瑙", "樱桃", "葡萄", "橄榄", "柠檬", "芒果", "菠萝", "海豚", "鲸鱼", "孔雀",
		"仙鹤", "麋鹿", "熊猫", "松鼠", "蝴蝶", "蜻蜓", "蜜蜂", "钢琴", "风筝", "灯笼", "陀螺", "积木", "魔方"}
	soakCoined = []string{"瀛洲", "方壶", "岱舆", "员峤", "昆仑", "扶桑", "青丘", "若木", "建木", "归墟",
		"汤谷", "崦嵫", "羽渊", "悬圃", "阆风", "玄圃", "丹丘", "沃野", "雷泽", "穷桑"}
	// soakMarkers have no two of the same three words (2,600); the
	// coined ones are every order of three (6,840).
	soakMarkers       = soakTriples(soakWords, false, 1)
	soakCoinedMarkers = soakTriples(soakCoined, true, 2)
)

// soakTriples returns the markers of three distinct words of words, each
// set of words once or in every order, shuffled by seed.
func soakTriples(words []string, orders bool, seed uint64) []string {
	var out []string
	for i, a := range words {
		for j, b := range words {
			for k, c := range words {
				if orders && i != j && j != k && i != k || !orders && i < j && j < k {
					out = append(out, a+b+c)
				}
			}
		}
	}
	rand.New(rand.NewPCG(seed, seed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// soakMarked returns the marker of words that s is, or that a name s ends
// with in brackets, or starts with; "" when none.
func soakMarked(s string, words []string) string {
	is := func(m string) bool {
		r := []rune(m)
		if len(r) != 6 {
			return false
		}
		for i := 0; i < 6; i += 2 {
			if !slices.Contains(words, string(r[i:i+2])) {
				return false
			}
		}
		return true
	}
	if is(s) {
		return s
	}
	if inner, ok := strings.CutSuffix(s, "）"); ok {
		if i := strings.LastIndex(inner, "（"); i >= 0 && is(inner[i+len("（"):]) {
			return inner[i+len("（"):]
		}
	}
	if r := []rune(s); len(r) > 6 && is(string(r[:6])) {
		return string(r[:6])
	}
	return ""
}

func soakDurationSetting(t *testing.T) time.Duration {
	v := os.Getenv("ZHINAN_SOAK_DURATION")
	if v == "" {
		return soakDuration
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 3*time.Second {
		t.Fatalf("ZHINAN_SOAK_DURATION=%q: want a duration of at least 3s", v)
	}
	return d
}

func TestSoakMixedLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak takes minutes: 60 s of load on 50,000 items")
	}
	duration := soakDurationSetting(t)
	began := time.Now()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	first, second := filepath.Join(dir, "first.jsonl"), filepath.Join(dir, "second.jsonl")
	var gens sync.WaitGroup
	genErrs := make([]error, 2)
	for i, g := range []struct {
		file  string
		items int
		seed  int
	}{{first, soakItems, 1}, {second, soakImportItems, 2}} {
		gens.Add(1)
		go func() {
			defer gens.Done()
			out, err := exec.Command(binary, "gen", "--items", strconv.Itoa(g.items), "--seed", strconv.Itoa(g.seed), "-o", g.file).CombinedOutput()
			if err != nil {
				genErrs[i] = fmt.Errorf("gen --items %d: %v\n%s", g.items, err, out)
			}
		}()
	}
	gens.Wait()
	if err := errors.Join(genErrs...); err != nil {
		t.Fatal(err)
	}
	generated := time.Now()
	// The files are read for the load while the first is imported and
	// the server starts.
	var corpus *soakCorpus
	var corpusErr error
	corpusRead := make(chan struct{})
	go func() {
		defer close(corpusRead)
		corpus, corpusErr = readSoakCorpus(first, second)
	}()
	if out, err := exec.Command(binary, "import", "--data", data, first).CombinedOutput(); err != nil {
		t.Fatalf("import of %d items: %v\n%s", soakItems, err, out)
	}
	imported := time.Now()
	srv := startSoakServer(t, data, "--demo")
	t.Logf("setup: %d + %d items generated in %v, the first imported in %v, server (pid %d) started in %v",
		soakItems, soakImportItems, generated.Sub(began).Round(time.Millisecond), imported.Sub(generated).Round(time.Millisecond),
		srv.cmd.Process.Pid, time.Since(imported).Round(time.Millisecond))
	<-corpusRead
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}

	tally := newSoakTally()
	client := newSoakClient(srv.base, tally)
	tokens := map[string]string{}
	for _, name := range []string{"demo-editor", "demo-reviewer", "demo-admin"} {
		pw := srv.passwords[name]
		if pw == "" {
			t.Fatalf("serve --demo printed no password for %s", name)
		}
		body, _ := json.Marshal(map[string]string{"username": name, "password": pw})
		status, resp := client.do("login", "POST", "/api/v1/login", "", nil, string(body), 200)
		var login struct{ Token string }
		json.Unmarshal(resp, &login)
		if status != 200 || login.Token == "" {
			t.Fatalf("login %s: %d %s", name, status, soakClip(resp, 300))
		}
		tokens[name] = login.Token
	}

	// The load.
	client.start = time.Now()
	deadline := client.start.Add(duration)
	var wg sync.WaitGroup
	edits := &soakEdits{markers: map[string]string{}, uses: map[string]int{}, created: map[string]string{}, named: map[string]bool{}}
	var nextMarker atomic.Int64
	var rss []rssSample
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		rss = sampleRSS(srv.cmd.Process.Pid, client.start, deadline)
	}()
	for i := range soakReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(1, uint64(i)))
			for time.Now().Before(deadline) {
				soakRead(client, rng, corpus, edits)
			}
		}()
	}
	editors := []*soakEditor{
		// The department's editor edits its 13 items and creates new
		// ones; the city's reviewer publishes (or rejects) them.
		{c: client, label: "editor", edit: tokens["demo-editor"], review: tokens["demo-reviewer"], codes: corpus.police, create: true},
		// An admin edits items anywhere, many of them updated by the
		// import meanwhile.
		{c: client, label: "admin", edit: tokens["demo-admin"], review: tokens["demo-admin"], codes: corpus.codes},
	}
	for i, e := range editors {
		e.rng, e.next, e.edits = rand.New(rand.NewPCG(2, uint64(i))), &nextMarker, edits
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				e.cycle()
			}
		}()
	}
	imp := newSoakProc(t, "import", "--data", data, second)
	var importAt time.Duration
	go func() {
		time.Sleep(duration * soakImportAtPercent / 100)
		importAt = time.Since(client.start)
		imp.start()
	}()

	wg.Wait()
	loadEnd := time.Since(client.start)
	<-rssDone
	select {
	case <-imp.done:
	case <-time.After(soakSettle):
		t.Fatalf("the concurrent import did not end within %v of the load", soakSettle)
	}
	t.Logf("load: %v; concurrent import of %d items from %v, took %v: %s", loadEnd.Round(time.Millisecond),
		soakImportItems, importAt.Round(time.Millisecond), imp.took.Round(time.Millisecond), strings.TrimSpace(imp.out.String()))
	tally.log(t)
	for _, e := range editors {
		t.Logf("%s: %d edit cycles, %d published, %d rejected, %d created, %d conflicts (409)", e.label, e.cycles, e.published, e.rejected, e.createdN, e.conflicts)
	}
	srv.alive(t, "during the soak")
	if imp.err != nil {
		t.Errorf("the import while serving failed: %v\n%s", imp.err, imp.out.String())
	}
	tally.check(t)
	checkSoakRSS(t, rss, duration)

	// The end. Once the index has caught up, a snapshot of the store is
	// taken and indexed anew by `zhinan reindex` while the live index
	// answers the probes; then a server on the snapshot answers them too.
	h := awaitSoakCatchUp(t, client)
	caughtUp := time.Now()
	rebuiltData := filepath.Join(dir, "rebuilt")
	if err := snapshotStore(filepath.Join(data, soakDBFile), filepath.Join(rebuiltData, soakDBFile)); err != nil {
		t.Fatalf("snapshot of the store: %v", err)
	}
	reindex := newSoakProc(t, "reindex", "--data", rebuiltData)
	reindex.start()
	// Typo correction may lag behind new words by soakVocabularyLag: the
	// live answers are read once that has passed.
	time.Sleep(soakVocabularyLag - time.Since(caughtUp))
	finals := soakFinalNames(t, client, edits)
	probes, class := soakProbes(corpus, edits, finals)
	live := client.answers(t, probes)
	if h2 := soakHealthOf(client); h2.StoreSeq != h.StoreSeq || h2.IndexLag != 0 {
		t.Fatalf("the store changed while the live answers were read: %+v, then %+v", h, h2)
	}
	<-reindex.done
	if reindex.err != nil {
		t.Fatalf("reindex: %v\n%s", reindex.err, reindex.out.String())
	}
	t.Logf("reindex of the snapshot, done %v after the catch-up: %s", time.Since(caughtUp).Round(time.Millisecond), strings.TrimSpace(reindex.out.String()))
	rebuilt := startSoakServer(t, rebuiltData)
	rclient := newSoakClient(rebuilt.base, newSoakTally())
	if rh := soakHealthOf(rclient); rh.StoreSeq != h.StoreSeq || rh.IndexSeq != h.StoreSeq || rh.Index != "ok" {
		t.Fatalf("the rebuilt index is not of the same store: live %+v, rebuilt %+v", h, rh)
	}
	again := rclient.answers(t, probes)
	compareSoakAnswers(t, probes, class, live, again, client)
	checkSoakCounts(t, corpus, edits, live)
	checkSoakNames(t, finals, live)
	if err := rebuilt.stop(); err != nil {
		t.Errorf("the server on the rebuilt index did not end cleanly: %v", err)
	}
	if err := srv.stop(); err != nil {
		t.Errorf("the server did not end cleanly on SIGINT: %v\n%s", err, tail(srv.stderr.String(), 6000))
	}
	if strings.Contains(srv.stderr.String(), "DATA RACE") {
		t.Errorf("the server reported a data race:\n%s", tail(srv.stderr.String(), 8000))
	}
	t.Logf("soak: %d probes compared; whole test %v", len(probes), time.Since(began).Round(time.Second))
}

// soakProc is a zhinan command run in the background; the test's end
// kills it if it still runs.
type soakProc struct {
	cmd  *exec.Cmd
	out  bytes.Buffer  // its standard output and error
	err  error         // how it ended
	took time.Duration // how long it ran
	done chan struct{} // closed when it ended (out, err and took are then set)

	mu      sync.Mutex
	started bool
	over    bool // the test ended: start no more
}

func newSoakProc(t *testing.T, args ...string) *soakProc {
	p := &soakProc{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	t.Cleanup(func() {
		p.mu.Lock()
		p.over = true
		started := p.started
		p.mu.Unlock()
		if !started {
			return
		}
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// start runs the command (from any goroutine).
func (p *soakProc) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.over || p.started {
		return
	}
	p.started = true
	began := time.Now()
	if err := p.cmd.Start(); err != nil {
		p.err = err
		close(p.done)
		return
	}
	go func() {
		p.err = p.cmd.Wait()
		p.took = time.Since(began)
		close(p.done)
	}()
}

// soakDBFile is the database file of a data directory.
const soakDBFile = "zhinan.db"

// snapshotStore writes a consistent copy of the SQLite database src, in use
// by a running server, to dst (VACUUM INTO reads it in one transaction).
func snapshotStore(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+src+"?mode=ro&_busy_timeout=60000")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("VACUUM INTO ?", dst)
	return err
}

// soakCorpus is what the soak reads and edits, from the generated files.
type soakCorpus struct {
	codes     []string // item codes of the first file
	police    []string // its items of 市公安局 of 610900: the demo editor's
	names     []string // distinct item names of both files
	allCodes  int      // distinct item codes of both files
	questions []string // citizens' questions of the relevance suite
	queries   []url.Values
}

func readSoakCorpus(first, second string) (*soakCorpus, error) {
	c := &soakCorpus{}
	names, codes := map[string]bool{}, map[string]bool{}
	for i, file := range []string{first, second} {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if bytes.HasPrefix(line, []byte(`{"kind"`)) {
				continue // departments and entries
			}
			it, err := soakItemHead(line)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %v", file, err)
			}
			names[it.Name] = true
			codes[it.Code] = true
			if i == 0 {
				c.codes = append(c.codes, it.Code)
				if it.Region == "610900" && it.Department == "市公安局" {
					c.police = append(c.police, it.Code)
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	c.names = slices.Sorted(maps.Keys(names))
	c.allCodes = len(codes)
	if len(c.police) == 0 {
		return nil, errors.New("no item of 市公安局 in 610900 to edit")
	}
	qf, err := os.Open(filepath.Join("..", "..", "search", "testdata", "questions.jsonl"))
	if err != nil {
		return nil, err
	}
	defer qf.Close()
	sc := bufio.NewScanner(qf)
	for sc.Scan() {
		var q struct{ Q string }
		if json.Unmarshal(sc.Bytes(), &q) == nil && q.Q != "" {
			c.questions = append(c.questions, q.Q)
		}
	}
	lines, err := search.LoadQuerySet(filepath.Join("..", "..", "search", "testdata", "bench-queries.txt"))
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		c.queries = append(c.queries, l.Values())
	}
	return c, nil
}

// soakItemHead decodes the code, name, region and department of a
// generated item record. The generator writes them first (code,
// base_code, name, type, level, region, department): only that head is
// decoded, which matters under the race detector (the files are 250 MB).
func soakItemHead(line []byte) (it struct{ Code, Name, Region, Department string }, err error) {
	const key = `,"department":"`
	if i := bytes.Index(line, []byte(key)); i > 0 {
		if j := bytes.IndexByte(line[i+len(key):], '"'); j >= 0 {
			head := append(slices.Clip(line[:i+len(key)+j+1]), '}')
			if json.Unmarshal(head, &it) == nil && it.Code != "" && it.Region != "" {
				return it, nil
			}
		}
	}
	err = json.Unmarshal(line, &it)
	return it, err
}

// soakServer is a `zhinan serve` process of the soak.
type soakServer struct {
	*watchedServer
	passwords map[string]string // of the demo accounts (--demo)
	waitErr   error             // how the process ended; set before exited is closed
}

// startSoakServer runs `zhinan serve` on data and waits until it listens,
// reading the demo accounts' passwords when it prints them.
func startSoakServer(t *testing.T, data string, extra ...string) *soakServer {
	t.Helper()
	// Its readers hammer the API from one address without pause: the
	// load test runs with the API's rate limits off.
	cmd := exec.Command(binary, append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--rate-limit", "0", "--token-rate-limit", "0"}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &soakServer{watchedServer: &watchedServer{exited: make(chan struct{}), stderr: &lockedBuffer{}}, passwords: map[string]string{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd = cmd
	go func() { s.waitErr = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("log of the server on %s:\n%s", data, tail(s.stderr.String(), 6000))
		}
	})
	demo := regexp.MustCompile(`^\s*(demo-[a-z]+)\s+\S+\s+密码\s+(\S+)`)
	addr := regexp.MustCompile(`http://(\S+)/`)
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := demo.FindStringSubmatch(lines.Text()); m != nil {
			s.passwords[m[1]] = m[2]
		}
		if m := addr.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			s.base = "http://" + m[1]
			return s
		}
	}
	t.Fatalf("the server on %s did not start:\n%s", data, tail(s.stderr.String(), 6000))
	return nil
}

// stop ends the server with SIGINT (killing it when it has not ended
// within soakSettle) and returns how it ended.
func (s *soakServer) stop() error {
	select {
	case <-s.exited:
		return s.waitErr
	default:
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
		return s.waitErr
	case <-time.After(soakSettle):
		s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("still running %v after SIGINT: killed", soakSettle)
	}
}

// soakTally counts the answers by kind of request and status, and keeps
// the first failures (an answer of 500 or more, or none) and unexpected
// statuses.
type soakTally struct {
	mu          sync.Mutex
	status      map[string]map[int]int
	failed      map[string]int // kind → answers ≥ 500 or none
	failures    []string       // the first few, with their bodies
	unexpected  []string
	nUnexpected int
}

const soakKeepFailures = 12

func newSoakTally() *soakTally {
	return &soakTally{status: map[string]map[int]int{}, failed: map[string]int{}}
}

func (t *soakTally) record(kind string, status int, fail, odd string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status[kind] == nil {
		t.status[kind] = map[int]int{}
	}
	t.status[kind][status]++
	if fail != "" {
		t.failed[kind]++
		if len(t.failures) < soakKeepFailures {
			t.failures = append(t.failures, fail)
		}
	}
	if odd != "" {
		t.nUnexpected++
		if len(t.unexpected) < soakKeepFailures {
			t.unexpected = append(t.unexpected, odd)
		}
	}
}

// log prints the answers by kind and status (0: no answer).
func (t *soakTally) log(tb testing.TB) {
	t.mu.Lock()
	defer t.mu.Unlock()
	kinds := make([]string, 0, len(t.status))
	for k := range t.status {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	total := 0
	for _, k := range kinds {
		fmt.Fprintf(&b, "\n  %-22s", k)
		codes := make([]int, 0, len(t.status[k]))
		for c := range t.status[k] {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(&b, " %d×%d", c, t.status[k][c])
			total += t.status[k][c]
		}
	}
	tb.Logf("%d requests by kind and status:%s", total, b.String())
}

// check fails the test on any answer of 500 or more, any request left
// unanswered and any unexpected status.
func (t *soakTally) check(tb testing.TB) {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.failed) > 0 {
		tb.Errorf("answers of 500 or more (or none), by kind: %v; the first:\n  %s", t.failed, strings.Join(t.failures, "\n  "))
	}
	if t.nUnexpected > 0 {
		tb.Errorf("%d unexpected statuses; the first:\n  %s", t.nUnexpected, strings.Join(t.unexpected, "\n  "))
	}
}

// soakClient sends the soak's requests to one server.
type soakClient struct {
	hc    *http.Client
	base  string
	tally *soakTally
	start time.Time
}

func newSoakClient(base string, tally *soakTally) *soakClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	return &soakClient{hc: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, base: base, tally: tally, start: time.Now()}
}

// do sends a request (with a bearer token when given, a JSON body when not
// empty) and returns the status and the body; it counts the answer under
// kind, and an answer of 500 or more (or none) as a failure, a status not
// in ok as unexpected.
func (c *soakClient) do(kind, method, path, token string, header map[string]string, body string, ok ...int) (int, []byte) {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.tally.record(kind, 0, fmt.Sprintf("%s %s: %v", method, path, err), "")
		return 0, nil
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
	sent := time.Since(c.start)
	resp, err := c.hc.Do(req)
	if err != nil {
		c.tally.record(kind, 0, fmt.Sprintf("%s %s at %v: no answer: %v", method, path, sent.Round(time.Millisecond), err), "")
		return 0, nil
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.tally.record(kind, resp.StatusCode, fmt.Sprintf("%s %s at %v: %d, body cut: %v", method, path, sent.Round(time.Millisecond), resp.StatusCode, err), "")
		return 0, nil
	}
	var fail, odd string
	switch {
	case resp.StatusCode >= 500:
		fail = fmt.Sprintf("%s %s at %v: %d %s", method, path, sent.Round(time.Millisecond), resp.StatusCode, soakClip(b, 600))
	case !slices.Contains(ok, resp.StatusCode):
		odd = fmt.Sprintf("%s %s at %v: %d (want %v) %s", method, path, sent.Round(time.Millisecond), resp.StatusCode, ok, soakClip(b, 400))
	}
	c.tally.record(kind, resp.StatusCode, fail, odd)
	return resp.StatusCode, b
}

func soakClip(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b), "�")
	if len(s) > n {
		i := n
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

// soakRead sends one read of the citizens' and hotline operators' mix.
func soakRead(c *soakClient, rng *rand.Rand, corpus *soakCorpus, edits *soakEdits) {
	code := corpus.codes[rng.IntN(len(corpus.codes))]
	switch n := rng.IntN(100); {
	case n < 45: // the search API
		var v url.Values
		switch m := rng.IntN(10); {
		case m < 4:
			v = url.Values{"q": {corpus.names[rng.IntN(len(corpus.names))]}}
		case m < 6:
			v = url.Values{"q": {corpus.questions[rng.IntN(len(corpus.questions))]}}
		case m < 7:
			if q := edits.recentMarker(rng); q != "" {
				v = url.Values{"q": {q}}
				break
			}
			fallthrough
		default:
			v = url.Values{}
			for k, vs := range corpus.queries[rng.IntN(len(corpus.queries))] {
				v[k] = vs
			}
		}
		if rng.IntN(3) == 0 {
			v.Set("group", "none")
		}
		if rng.IntN(4) == 0 {
			v.Set("prefer", "610921")
		}
		if v.Get("page") == "" && rng.IntN(4) == 0 {
			v.Set("page", strconv.Itoa(2+rng.IntN(2)))
		}
		if v.Get("size") == "" && rng.IntN(4) == 0 {
			v.Set("size", "50")
		}
		c.do("GET /api/v1/search", "GET", "/api/v1/search?"+v.Encode(), "", nil, "", 200)
	case n < 53: // the results page
		q := corpus.names[rng.IntN(len(corpus.names))]
		if rng.IntN(2) == 0 {
			q = corpus.questions[rng.IntN(len(corpus.questions))]
		}
		c.do("GET /search", "GET", "/search?"+url.Values{"q": {q}}.Encode(), "", nil, "", 200)
	case n < 68:
		c.do("GET /api/v1/items/:code", "GET", "/api/v1/items/"+code, "", nil, "", 200)
	case n < 78:
		path := "/items/" + code
		switch rng.IntN(3) {
		case 1:
			path += "?print=1"
		case 2:
			path += "/brief"
		}
		c.do("GET /items/:code", "GET", path, "", nil, "", 200)
	case n < 88:
		name := []rune(corpus.names[rng.IntN(len(corpus.names))])
		q := string(name[:min(len(name), 1+rng.IntN(3))])
		if rng.IntN(5) == 0 {
			q = []string{"gjj", "gongjijin", "sfz", "hz", "yibao", "jsz"}[rng.IntN(6)]
		}
		c.do("GET /api/v1/suggest", "GET", "/api/v1/suggest?"+url.Values{"q": {q}}.Encode(), "", nil, "", 200)
	case n < 93:
		c.do("GET /healthz", "GET", "/healthz", "", nil, "", 200)
	case n < 95:
		c.do("GET /api/v1/items/:code", "GET", "/api/v1/items/NO-SUCH-"+strconv.Itoa(rng.IntN(1000)), "", nil, "", 404)
	case n < 97:
		c.do("GET /", "GET", "/", "", nil, "", 200)
	case n < 98:
		c.do("GET /regions/:code", "GET", "/regions/610900", "", nil, "", 200)
	case n < 99:
		c.do("GET /api/v1/themes", "GET", "/api/v1/themes", "", nil, "", 200)
	default:
		c.do("GET /api/v1/coverage", "GET", "/api/v1/coverage?by=region&region=610900", "", nil, "", 200)
	}
}

// soakEdits records what the edits wrote: every marker and the code it was
// written to, and the items created and published.
type soakEdits struct {
	mu      sync.Mutex
	markers map[string]string // marker → item code
	uses    map[string]int    // marker → times written (once, unless the markers ran out)
	order   []string          // markers in the order written
	created map[string]string // code → name of a created and published item
	named   map[string]bool   // codes of the items renamed or created
}

func (e *soakEdits) wrote(marker, code string, named bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.markers[marker] = code
	e.uses[marker]++
	if e.uses[marker] == 1 {
		e.order = append(e.order, marker)
	}
	if named {
		e.named[code] = true
	}
}

// recentMarker returns one of the last markers written, if any.
func (e *soakEdits) recentMarker(rng *rand.Rand) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.order) == 0 {
		return ""
	}
	return e.order[len(e.order)-1-rng.IntN(min(len(e.order), 20))]
}

// soakEditor runs the workflow through the API: read the working draft,
// change it, save, submit, publish (or now and then reject).
type soakEditor struct {
	c            *soakClient
	label        string
	edit, review string // bearer tokens
	codes        []string
	create       bool // also create new items
	rng          *rand.Rand
	next         *atomic.Int64
	edits        *soakEdits

	cycles, published, rejected, createdN, conflicts int
}

// step sends a workflow request that may find the item changed meanwhile
// (409: the import or the other editor came first).
func (e *soakEditor) step(kind, method, path, token string, header map[string]string, body string, want int) (int, []byte) {
	status, b := e.c.do(kind, method, path, token, header, body, want, http.StatusConflict)
	if status == http.StatusConflict {
		e.conflicts++
	}
	return status, b
}

func (e *soakEditor) cycle() {
	e.cycles++
	if e.create && e.cycles%8 == 0 {
		e.createItem()
		return
	}
	code := e.codes[e.rng.IntN(len(e.codes))]
	path := "/api/v1/items/" + code
	status, body := e.step("GET …/draft", "GET", path+"/draft", e.edit, nil, "", 200)
	if status != 200 {
		return
	}
	var w struct {
		catalog.Item
		Edition int `json:"edition"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.Edition < 1 {
		e.c.tally.record("GET …/draft", -1, "", fmt.Sprintf("GET %s/draft: %v %s", path, err, soakClip(body, 300)))
		return
	}
	it := w.Item
	n := int(e.next.Add(1))
	marker := soakMarkers[n%len(soakMarkers)]
	kind := e.cycles % 4
	switch kind {
	case 0: // the name: the item becomes a service of its own
		if m := soakMarked(it.Name, soakWords); m != "" {
			it.Name = strings.TrimSuffix(it.Name, "（"+m+"）")
		}
		it.Name += "（" + marker + "）"
	case 1: // an ask phrase of words no dictionary knows
		marker = soakCoinedMarkers[n%len(soakCoinedMarkers)]
		it.AskPhrases = slices.DeleteFunc(it.AskPhrases, func(s string) bool { return soakMarked(s, soakCoined) == s })
		if len(it.AskPhrases) >= catalog.MaxAskPhrases {
			it.AskPhrases = it.AskPhrases[:catalog.MaxAskPhrases-1]
		}
		it.AskPhrases = append(it.AskPhrases, marker)
	case 2: // a material: the body
		it.Materials = slices.DeleteFunc(it.Materials, func(m catalog.Material) bool { return soakMarked(m.Name, soakWords) == m.Name })
		if len(it.Materials) >= catalog.MaxMaterials {
			it.Materials = it.Materials[:catalog.MaxMaterials-1]
		}
		it.Materials = append(it.Materials, catalog.Material{Name: marker, Required: "非必要", Form: "原件", Source: "申请人自备"})
	default: // a classification only (就近办): no new text
		nearby := it.Nearby == nil || !*it.Nearby
		it.Nearby = &nearby
		marker = ""
	}
	b, err := json.Marshal(&it)
	if err != nil {
		panic(err)
	}
	note := url.Values{"note": {"巡检 " + e.label}}.Encode()
	status, body = e.step("PUT …/draft", "PUT", path+"/draft?"+note, e.edit, map[string]string{"If-Match": strconv.Itoa(w.Edition)}, string(b), 200)
	if status != 200 {
		return
	}
	var saved struct{ Edition int }
	json.Unmarshal(body, &saved)
	ifMatch := map[string]string{"If-Match": strconv.Itoa(saved.Edition)}
	if status, _ = e.step("POST …/submit", "POST", path+"/submit", e.edit, ifMatch, "", 200); status != 200 {
		return
	}
	if e.cycles%10 == 5 {
		if status, _ = e.step("POST …/reject", "POST", path+"/reject", e.review, ifMatch, `{"reason":"巡检退回"}`, 200); status == 200 {
			e.rejected++
		}
		return
	}
	pub, ok := publishRequest(&it)
	if !ok {
		// The guide fails a publishing check (a flawed template): the
		// reviewer sends it back.
		if status, _ = e.step("POST …/reject", "POST", path+"/reject", e.review, ifMatch, `{"reason":"发布前检查未通过"}`, 200); status == 200 {
			e.rejected++
		}
		return
	}
	if status, _ = e.step("POST …/publish", "POST", path+"/publish", e.review, ifMatch, pub, 200); status == 200 {
		e.published++
		if marker != "" {
			e.edits.wrote(marker, code, kind == 0)
		}
	}
}

// createItem creates an item of the editor's department, submits it and
// has it published.
func (e *soakEditor) createItem() {
	n := int(e.next.Add(1))
	marker := soakMarkers[n%len(soakMarkers)]
	code := fmt.Sprintf("ZN-SOAK-%05d", n)
	name := marker + "登记"
	days := 5
	it := catalog.Item{Code: code, BaseCode: "000000000098", Name: name, Type: "行政许可", Region: "610900", Department: "市公安局",
		Conditions: "巡检新建事项", PromisedDays: &days}
	loadTestGuide(&it)
	pub, _ := publishRequest(&it)
	b, _ := json.Marshal(&it)
	status, body := e.c.do("POST /api/v1/items", "POST", "/api/v1/items", e.edit, nil, string(b), http.StatusCreated)
	if status != http.StatusCreated {
		return
	}
	e.createdN++
	var created struct{ Edition int }
	json.Unmarshal(body, &created)
	ifMatch := map[string]string{"If-Match": strconv.Itoa(created.Edition)}
	path := "/api/v1/items/" + code
	if status, _ = e.step("POST …/submit", "POST", path+"/submit", e.edit, ifMatch, "", 200); status != 200 {
		return
	}
	if status, _ = e.step("POST …/publish", "POST", path+"/publish", e.review, ifMatch, pub, 200); status == 200 {
		e.published++
		e.edits.wrote(marker, code, true)
		e.edits.mu.Lock()
		e.edits.created[code] = name
		e.edits.mu.Unlock()
	}
}

// rssSample is the server's resident set at a time of the load.
type rssSample struct {
	at  time.Duration
	kib int64
}

// sampleRSS reads VmRSS of process pid every second until deadline (on
// Linux; elsewhere it returns nothing).
func sampleRSS(pid int, start, deadline time.Time) []rssSample {
	if runtime.GOOS != "linux" {
		return nil
	}
	var out []rssSample
	path := fmt.Sprintf("/proc/%d/status", pid)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for now := time.Now(); now.Before(deadline); now = <-tick.C {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				if kib, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					out = append(out, rssSample{now.Sub(start), kib})
				}
			}
		}
	}
	return out
}

// checkSoakRSS judges whether the server's RSS levelled off. The load is
// cut in thirds: the first takes the warm-up (caches filling, the import
// and its catch-up, the collector finding its pace under the soft memory
// limit). The highest RSS of the last third may exceed the highest of the
// middle third by at most max(soakRSSSlackMiB, an eighth of it) — GC and
// scavenger noise and a late cache filling stay well within that, while a
// steady leak grows the RSS by the same amount in every third: at 60 s it
// is caught from about 3 MiB/s (64 MiB in 20 s) at a 550 MiB RSS, from
// about 10 MiB/s under the race detector (1.6 GiB). Ratios
// of the maxima alone (last ≤ 1.5 × middle) would never catch a steady
// leak, whose last third is at most 1.5 times its middle third by
// construction.
func checkSoakRSS(t *testing.T, samples []rssSample, duration time.Duration) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Log("RSS not checked: no /proc outside Linux")
		return
	}
	var third [3]struct{ lo, hi int64 }
	var n [3]int
	for _, s := range samples {
		i := min(int(3*s.at/duration), 2)
		if n[i] == 0 || s.kib < third[i].lo {
			third[i].lo = s.kib
		}
		third[i].hi = max(third[i].hi, s.kib)
		n[i]++
	}
	if n[1] == 0 || n[2] == 0 {
		t.Errorf("too few RSS samples (%d, %d, %d) to judge", n[0], n[1], n[2])
		return
	}
	mib := func(k int64) int64 { return k >> 10 }
	t.Logf("server RSS by third of the load, MiB (min–max): %d–%d, %d–%d, %d–%d (%d samples)",
		mib(third[0].lo), mib(third[0].hi), mib(third[1].lo), mib(third[1].hi), mib(third[2].lo), mib(third[2].hi), len(samples))
	slack := max(int64(soakRSSSlackMiB)<<10, third[1].hi/soakRSSSlackDiv)
	if third[2].hi > third[1].hi+slack {
		t.Errorf("the server's RSS did not level off: %d MiB at most in the middle third of the load, %d MiB in the last (allowed %d MiB more)",
			mib(third[1].hi), mib(third[2].hi), mib(slack))
	}
}

// soakHealth is what the soak reads of /healthz.
type soakHealth struct {
	Status     string `json:"status"`
	Index      string `json:"index"`
	IndexError string `json:"index_error"`
	IndexSeq   int64  `json:"index_seq"`
	StoreSeq   int64  `json:"store_seq"`
	IndexLag   int64  `json:"index_lag"`
	Rebuilds   int    `json:"index_rebuilds"`
	code       int
}

func soakHealthOf(c *soakClient) soakHealth {
	var h soakHealth
	status, b := c.do("GET /healthz (end)", "GET", "/healthz", "", nil, "", 200)
	json.Unmarshal(b, &h)
	h.code = status
	return h
}

// awaitSoakCatchUp waits until /healthz reports the index healthy and
// caught up with the store.
func awaitSoakCatchUp(t *testing.T, c *soakClient) soakHealth {
	t.Helper()
	deadline := time.Now().Add(soakSettle)
	for {
		h := soakHealthOf(c)
		if h.code == 200 && h.Index == "ok" && h.IndexLag == 0 && h.IndexSeq == h.StoreSeq && h.StoreSeq > 0 {
			if h.Rebuilds != 0 {
				t.Errorf("the index was rebuilt %d times during the soak", h.Rebuilds)
			}
			t.Logf("healthz at the end: %+v", h)
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index did not catch up within %v: %+v", soakSettle, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// soakProbes are the requests whose answers the live and the rebuilt
// index must give alike: every item name of both files, by item and by
// service; the benchmark's query set (with its filters) and the
// relevance suite's questions; every marker the edits wrote, current or
// overwritten since, and the names the soak gave; browsing everything
// (the document count and the facets of the whole catalogue); and
// suggestions.
func soakProbes(corpus *soakCorpus, edits *soakEdits, finals map[string]string) (probes []string, class map[string]string) {
	class = map[string]string{}
	add := func(what, path string, v url.Values) {
		p := path + "?" + v.Encode()
		if class[p] == "" {
			probes = append(probes, p)
			class[p] = what
		}
	}
	for _, v := range [][2]string{{"", ""}, {"group", "none"}} {
		p := url.Values{"q": {""}, "size": {"50"}}
		if v[0] != "" {
			p.Set(v[0], v[1])
		}
		add("browse", "/api/v1/search", p)
		p.Set("region", "610900")
		add("browse", "/api/v1/search", p)
	}
	edits.mu.Lock()
	markers := slices.Clone(edits.order)
	edits.mu.Unlock()
	for name := range finals {
		add("name given", "/api/v1/search", url.Values{"q": {name}, "group": {"none"}})
		add("name given", "/api/v1/search", url.Values{"q": {name}})
	}
	for _, m := range markers {
		add("marker written", "/api/v1/search", url.Values{"q": {m}, "group": {"none"}})
	}
	for _, n := range corpus.names {
		add("item name", "/api/v1/search", url.Values{"q": {n}, "group": {"none"}, "size": {"50"}})
	}
	for _, v := range corpus.queries {
		add("query set", "/api/v1/search", v)
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		w.Set("group", "none")
		add("query set", "/api/v1/search", w)
	}
	step := 1
	if raceEnabled {
		step = soakRaceQuestionStep
	}
	for i, q := range corpus.questions {
		if i%step == 0 {
			add("question", "/api/v1/search", url.Values{"q": {q}})
		}
	}
	for _, n := range corpus.names {
		r := []rune(n)
		add("suggest", "/api/v1/suggest", url.Values{"q": {string(r[:min(2, len(r))])}})
	}
	for _, w := range append(slices.Clone(soakWords), soakCoined...) {
		add("suggest", "/api/v1/suggest", url.Values{"q": {w}})
	}
	return probes, class
}

// answers sends every probe (four at a time) and returns the answers
// (soakNormal); every probe must answer 200.
func (c *soakClient) answers(t *testing.T, probes []string) map[string]string {
	t.Helper()
	out := make(map[string]string, len(probes))
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				a := c.answer(p)
				mu.Lock()
				out[p] = a
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	for _, p := range probes {
		work <- p
	}
	close(work)
	wg.Wait()
	c.tally.check(t)
	t.Logf("%d probes answered by %s in %v", len(probes), c.base, time.Since(start).Round(time.Millisecond))
	return out
}

// answer returns the answer to a probe: its JSON re-encoded without
// took_ms, the rows of a grouped search reduced to their services
// (soakServiceRows); or the status when it is not 200.
func (c *soakClient) answer(p string) string {
	status, b := c.do("probe", "GET", p, "", nil, "", 200)
	if status != 200 {
		return fmt.Sprintf("status %d", status)
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "undecodable: " + soakClip(b, 200)
	}
	delete(v, "took_ms")
	if strings.HasPrefix(p, "/api/v1/search?") && !strings.Contains(p, "group=none") {
		soakServiceRows(v)
	}
	nb, _ := json.Marshal(v)
	return string(nb)
}

// soakServiceRows reduces the rows of a grouped search to what they say of
// their service. The item that represents a service among equally good
// ones (no region named, preferred or above it) is the one of the earliest
// row of the index's table ("any of equals will do", search.represents),
// and rows are numbered in the order items entered the table: a rebuild
// may choose another county's item for the same row. That is no
// difference of the index's content, which the probes with group=none
// compare item by item.
func soakServiceRows(v map[string]any) {
	hits, _ := v["hits"].([]any)
	for i, h := range hits {
		if m, ok := h.(map[string]any); ok {
			hits[i] = map[string]any{"service": m["service"], "name": m["name"], "type": m["type"], "items": m["items"], "regions": m["regions"]}
		}
	}
}

// compareSoakAnswers fails on every probe the live index answered
// otherwise than the rebuilt one.
//
// For each difference shown, the live server is asked once more with a
// space after the query, which it parses alike but has not cached: when it
// then answers as the rebuilt index does, its cached answer was stale.
func compareSoakAnswers(t *testing.T, probes []string, class map[string]string, live, rebuilt map[string]string, liveClient *soakClient) {
	t.Helper()
	var diffs []string
	all, differ := map[string]int{}, map[string]int{}
	for _, p := range probes {
		all[class[p]]++
		if live[p] != rebuilt[p] {
			diffs = append(diffs, p)
			differ[class[p]]++
		}
	}
	var by []string
	for _, c := range slices.Sorted(maps.Keys(all)) {
		by = append(by, fmt.Sprintf("%s %d/%d", c, differ[c], all[c]))
	}
	t.Logf("probes answered otherwise by the live index than by the rebuilt one, by kind: %s", strings.Join(by, ", "))
	if len(diffs) == 0 {
		return
	}
	var b strings.Builder
	for i, p := range diffs {
		if i == 20 {
			fmt.Fprintf(&b, "\n  …")
			break
		}
		q, _ := url.QueryUnescape(p)
		fmt.Fprintf(&b, "\n  %s (%s)\n    %s", q, class[p], describeSoakDiff(live[p], rebuilt[p]))
		if path, query, ok := strings.Cut(p, "?"); ok && path == "/api/v1/search" {
			v, _ := url.ParseQuery(query)
			v.Set("q", v.Get("q")+" ")
			switch fresh := liveClient.answer(path + "?" + v.Encode()); fresh {
			case rebuilt[p]:
				fmt.Fprintf(&b, "\n    (live, uncached: as rebuilt)")
			case live[p]:
				fmt.Fprintf(&b, "\n    (live, uncached: as before)")
			default:
				fmt.Fprintf(&b, "\n    (live, uncached: %s)", describeSoakDiff(fresh, rebuilt[p]))
			}
		}
	}
	t.Errorf("%d of %d probes answer otherwise from the live index than from a rebuilt one:%s", len(diffs), len(probes), b.String())
}

// describeSoakDiff says how two answers differ: the totals and the first
// differing hit of a search, else where the texts part.
func describeSoakDiff(a, b string) string {
	type res struct {
		Total int
		Hits  []struct{ Code, Name string }
	}
	var ra, rb res
	if json.Unmarshal([]byte(a), &ra) == nil && json.Unmarshal([]byte(b), &rb) == nil && (ra.Hits != nil || rb.Hits != nil) {
		if ra.Total != rb.Total {
			var onlyLive, onlyRebuilt []string
			for _, h := range ra.Hits {
				if !slices.ContainsFunc(rb.Hits, func(o struct{ Code, Name string }) bool { return o.Code == h.Code && o.Name == h.Name }) {
					onlyLive = append(onlyLive, h.Code+" "+h.Name)
				}
			}
			for _, h := range rb.Hits {
				if !slices.ContainsFunc(ra.Hits, func(o struct{ Code, Name string }) bool { return o.Code == h.Code && o.Name == h.Name }) {
					onlyRebuilt = append(onlyRebuilt, h.Code+" "+h.Name)
				}
			}
			return fmt.Sprintf("total: live %d, rebuilt %d; on the page only live: %q, only rebuilt: %q",
				ra.Total, rb.Total, onlyLive[:min(len(onlyLive), 3)], onlyRebuilt[:min(len(onlyRebuilt), 3)])
		}
		for i := range max(len(ra.Hits), len(rb.Hits)) {
			var ha, hb string
			if i < len(ra.Hits) {
				ha = ra.Hits[i].Code + " " + ra.Hits[i].Name
			}
			if i < len(rb.Hits) {
				hb = rb.Hits[i].Code + " " + rb.Hits[i].Name
			}
			if ha != hb {
				return fmt.Sprintf("hit %d: live %q, rebuilt %q", i+1, ha, hb)
			}
		}
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("live …%s…\n    rebuilt …%s…", soakClip([]byte(a[from:]), 240), soakClip([]byte(b[from:]), 240))
}

// checkSoakCounts checks the live index's count of items against what was
// written: every code of both files and every item created.
func checkSoakCounts(t *testing.T, corpus *soakCorpus, edits *soakEdits, live map[string]string) {
	t.Helper()
	var all struct{ Total int }
	json.Unmarshal([]byte(live["/api/v1/search?"+url.Values{"group": {"none"}, "q": {""}, "size": {"50"}}.Encode()]), &all)
	want := corpus.allCodes + len(edits.created)
	if all.Total != want {
		t.Errorf("the live index holds %d items, want %d (%d codes in the files, %d created)", all.Total, want, corpus.allCodes, len(edits.created))
	}
}

// soakFinalNames reads, from the live server, the names the soak gave
// (renamed or created items) that items bear at the end — the import may
// have written a generated guide again: name → code.
func soakFinalNames(t *testing.T, c *soakClient, edits *soakEdits) map[string]string {
	t.Helper()
	edits.mu.Lock()
	codes := slices.Sorted(maps.Keys(edits.named))
	edits.mu.Unlock()
	finals := map[string]string{}
	for _, code := range codes {
		status, b := c.do("GET /api/v1/items/:code (end)", "GET", "/api/v1/items/"+code, "", nil, "", 200)
		var it catalog.Item
		if status != 200 || json.Unmarshal(b, &it) != nil {
			continue
		}
		edits.mu.Lock()
		m := soakMarked(it.Name, soakWords)
		once := edits.uses[m] == 1
		edits.mu.Unlock()
		if m != "" && once {
			finals[it.Name] = code
		}
	}
	c.tally.check(t)
	return finals
}

// checkSoakNames checks that the live index finds every item the soak
// named first by its name (a whole item name matches that item exactly).
func checkSoakNames(t *testing.T, finals map[string]string, live map[string]string) {
	t.Helper()
	missing := 0
	for _, name := range slices.Sorted(maps.Keys(finals)) {
		code := finals[name]
		var res struct{ Hits []struct{ Code, Name string } }
		json.Unmarshal([]byte(live["/api/v1/search?"+url.Values{"group": {"none"}, "q": {name}}.Encode()]), &res)
		if len(res.Hits) == 0 || res.Hits[0].Code != code {
			if missing++; missing <= 10 {
				t.Errorf("the live index does not find %s first by its name %q (hits %v)", code, name, res.Hits[:min(len(res.Hits), 3)])
			}
		}
	}
	t.Logf("%d items bear a name the soak gave them at the end; %d not found first by it in the live index", len(finals), missing)
}
