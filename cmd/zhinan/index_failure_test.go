package main

import (
	"zhinan/catalog"

	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The search index fails under a running server — its folder removed, a
// write refused, a segment file truncated — and the server neither dies
// nor stops answering: /healthz reports the index as degraded, searches
// answer from the last good state, and the index is rebuilt beside the
// broken one, so that an item published meanwhile is found again.

// recoverWithin bounds how long a test waits for the index to recover (a
// rebuild of the seed catalogue takes a few seconds, more under -race).
const recoverWithin = 60 * time.Second

// faultBinaryPath is zhinan built with the zhinan_faults tag: its index
// writes fail while the file named by $ZHINAN_FAULT_INDEX_WRITE exists.
var faultBinaryPath = sync.OnceValues(func() (string, error) {
	path := filepath.Join(filepath.Dir(binary), "zhinan-faults")
	args := []string{"build", "-tags", "zhinan_faults", "-o", path}
	if raceEnabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("build zhinan with faults: %v\n%s", err, out)
	}
	return path, nil
})

// lockedBuffer collects a process's standard error.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// watchedServer is a zhinan serve process whose end the test notices.
type watchedServer struct {
	server
	exited chan struct{} // closed when the process ended
	stderr *lockedBuffer
	token  string // an admin's bearer token
}

// startWatched creates an admin account in data, runs bin serve on it
// with env added to the environment, and signs the admin in.
func startWatched(t *testing.T, bin, data string, env ...string) *watchedServer {
	t.Helper()
	add := exec.Command(binary, "user", "add", "idx-admin", "--role", "admin", "--data", data)
	add.Stdin = strings.NewReader("a long test passphrase\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &watchedServer{exited: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", tail(s.stderr.String(), 6000))
		}
	})
	lines := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`http://(\S+)/`)
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			s.cmd, s.base = cmd, "http://"+m[1]
			break
		}
	}
	if s.base == "" {
		t.Fatalf("server did not start:\n%s", s.stderr.String())
	}
	var login struct{ Token string }
	if code := s.call(t, "POST", "/api/v1/login", `{"username":"idx-admin","password":"a long test passphrase"}`, &login); code != 200 || login.Token == "" {
		t.Fatalf("login: %d", code)
	}
	s.token = login.Token
	if h := s.health(t); h.Index != "ok" || h.IndexLag != 0 {
		t.Fatalf("healthz at start: %+v", h)
	}
	return s
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// alive fails the test when the server process has ended.
func (s *watchedServer) alive(t *testing.T, when string) {
	t.Helper()
	select {
	case <-s.exited:
		t.Fatalf("the server died %s:\n%s", when, tail(s.stderr.String(), 6000))
	default:
	}
}

// call sends a JSON request with the admin's token and decodes the answer
// into v; it returns the status, or 0 when the server did not answer.
func (s *watchedServer) call(t *testing.T, method, path, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := (&http.Client{Transport: apiChecked(http.DefaultTransport), Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if v != nil {
		json.NewDecoder(resp.Body).Decode(v)
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode
}

// healthDoc is what the tests read of /healthz.
type healthDoc struct {
	Status     string `json:"status"`
	Store      string `json:"store"`
	Index      string `json:"index"`
	IndexError string `json:"index_error"`
	IndexLag   int64  `json:"index_lag"`
	LastError  string `json:"index_last_error"`
	Rebuilds   int    `json:"index_rebuilds"`
	code       int
}

func (s *watchedServer) health(t *testing.T) healthDoc {
	t.Helper()
	var h healthDoc
	h.code = s.call(t, "GET", "/healthz", "", &h)
	return h
}

// publish creates an item through the API, submits and publishes it; every
// step must answer as usual whatever the index's state.
func (s *watchedServer) publish(t *testing.T, code, name string) {
	t.Helper()
	it, err := catalog.DecodeGuide(fmt.Sprintf(`{"code":%q,"base_code":"000000000098","name":%q,"type":"行政许可","region":"610900","department":"市公安局","legal_days":20,"promised_days":10}`, code, name))
	if err != nil {
		t.Fatal(err)
	}
	loadTestGuide(it) // what publishing needs (docs/contract.md#publishing-checks)
	item, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	publish, ok := publishRequest(it)
	if !ok {
		t.Fatalf("%s: the test's guide fails a publishing check", code)
	}
	if status := s.call(t, "POST", "/api/v1/items", string(item), nil); status != http.StatusCreated {
		t.Fatalf("create %s: %d", code, status)
	}
	for _, step := range []struct{ name, body string }{{"submit", ""}, {"publish", publish}} {
		if status := s.call(t, "POST", "/api/v1/items/"+code+"/"+step.name, step.body, nil); status != http.StatusOK {
			t.Fatalf("%s %s: %d", step.name, code, status)
		}
	}
}

// finds reports whether a search for q returns the item code.
func (s *watchedServer) finds(t *testing.T, q, code string) bool {
	t.Helper()
	var res apiSearch
	if s.call(t, "GET", "/api/v1/search?"+url.Values{"q": {q}, "group": {"none"}}.Encode(), "", &res) != 200 {
		return false
	}
	for _, h := range res.Hits {
		if h.Code == code {
			return true
		}
	}
	return false
}

// awaitRecovery waits, the server staying alive, until a search finds the
// item and /healthz reports the index healthy and caught up again with the
// failure remembered; it returns every index state /healthz reported.
func (s *watchedServer) awaitRecovery(t *testing.T, q, code string) []string {
	t.Helper()
	var states []string
	deadline := time.Now().Add(recoverWithin)
	for {
		s.alive(t, "after the index failed")
		h := s.health(t)
		if len(states) == 0 || states[len(states)-1] != h.Index {
			states = append(states, h.Index)
		}
		if h.Index == "degraded" && (h.code != 200 || h.IndexError == "") {
			t.Fatalf("degraded index: healthz %d %+v, want 200 with the error", h.code, h)
		}
		if s.finds(t, q, code) && h.Index == "ok" && h.IndexLag == 0 {
			if h.code != 200 || h.Status != "ok" || h.LastError == "" || h.Rebuilds < 1 {
				t.Fatalf("healthz after recovery: %d %+v", h.code, h)
			}
			return states
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index did not recover within %v (healthz states %v, last %+v)", recoverWithin, states, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// liveGeneration returns the folder of the index generation CURRENT names.
func liveGeneration(t *testing.T, data string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "index", "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(data, "index", strings.TrimSpace(string(b)))
}

// seedSearchAnswers checks that a search of the seed catalogue answers.
func (s *watchedServer) seedSearchAnswers(t *testing.T) {
	t.Helper()
	var res apiSearch
	if code := s.call(t, "GET", "/api/v1/search?q="+url.QueryEscape("公积金"), "", &res); code != 200 || res.Total == 0 {
		t.Fatalf("a search during the failure: %d, %d hits", code, res.Total)
	}
}

func TestIndexFolderRemovedUnderRunningServer(t *testing.T) {
	data := t.TempDir()
	srv := startWatched(t, binary, data)
	old := liveGeneration(t, data)
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	srv.publish(t, "ZN-IDX-GONE-1", "蓬莱索引消失测试登记")
	srv.alive(t, "after a publish with the index folder removed")
	srv.awaitRecovery(t, "蓬莱索引消失测试", "ZN-IDX-GONE-1")
	srv.seedSearchAnswers(t)
	if gen := liveGeneration(t, data); gen == old {
		t.Fatalf("no new generation: %s", gen)
	} else if _, err := os.Stat(filepath.Join(gen, "table.bin")); err != nil {
		t.Fatalf("the rebuilt generation is incomplete: %v", err)
	}
}

func TestIndexWriteErrorUnderRunningServer(t *testing.T) {
	bin, err := faultBinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"error", "panic"} {
		t.Run(mode, func(t *testing.T) {
			data := t.TempDir()
			trigger := filepath.Join(t.TempDir(), "fail-index-writes")
			srv := startWatched(t, bin, data, "ZHINAN_FAULT_INDEX_WRITE="+trigger)
			// Every index write fails from now on: the catch-up and
			// the rebuilds (disk full).
			if err := os.WriteFile(trigger, []byte(mode), 0o644); err != nil {
				t.Fatal(err)
			}
			code := "ZN-IDX-WRITE-" + strings.ToUpper(mode)
			srv.publish(t, code, "蓬莱写入失败测试登记")
			deadline := time.Now().Add(recoverWithin)
			for {
				srv.alive(t, "after an index write failed")
				h := srv.health(t)
				if h.Index == "degraded" {
					if h.code != 200 || h.Status != "degraded" || !strings.Contains(h.IndexError, "injected") || h.IndexLag < 1 {
						t.Fatalf("healthz of a degraded index: %d %+v", h.code, h)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("healthz never reported the failed write: %+v", h)
				}
				time.Sleep(20 * time.Millisecond)
			}
			// Searches answer from the last good state meanwhile, and
			// the rebuilds fail with the writes.
			srv.seedSearchAnswers(t)
			for !strings.Contains(srv.stderr.String(), "rebuild the failed search index") {
				srv.alive(t, "while index writes fail")
				if time.Now().After(deadline) {
					t.Fatal("no rebuild was tried")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if h := srv.health(t); h.Index != "degraded" {
				t.Fatalf("healthz while writes still fail: %+v", h)
			}
			// The disk has room again: the next rebuild succeeds.
			os.Remove(trigger)
			srv.awaitRecovery(t, "蓬莱写入失败测试", code)
			if !strings.Contains(srv.stderr.String(), "injected") {
				t.Fatal("the failure was not logged")
			}
		})
	}
}

func TestIndexSegmentTruncatedUnderRunningServer(t *testing.T) {
	data := t.TempDir()
	srv := startWatched(t, binary, data)
	segs, _ := filepath.Glob(filepath.Join(liveGeneration(t, data), "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment file in the live generation")
	}
	for _, seg := range segs {
		if err := os.Truncate(seg, 0); err != nil {
			t.Fatal(err)
		}
	}
	// A search reads the truncated segments (SIGBUS without a guard): it
	// fails, but is answered.
	var res apiSearch
	status := srv.call(t, "GET", "/api/v1/search?q="+url.QueryEscape("护照丢了"), "", &res)
	if status == 0 { // the connection broke: the process may be ending
		select {
		case <-srv.exited:
		case <-time.After(5 * time.Second):
		}
	}
	srv.alive(t, fmt.Sprintf("after a search of a truncated index (status %d)", status))
	srv.publish(t, "ZN-IDX-TRUNC-1", "蓬莱截断测试登记")
	srv.alive(t, "after a publish into a truncated index")
	states := srv.awaitRecovery(t, "蓬莱截断测试", "ZN-IDX-TRUNC-1")
	srv.seedSearchAnswers(t)
	t.Logf("first search %d; healthz index states %v", status, states)
}
