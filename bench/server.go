package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/report"
	"zhinan/search"
	"zhinan/seeds"
	"zhinan/store"
	"zhinan/web"
)

// server is a zhinan or trivial server the load generator talks to.
type server struct {
	base string // http://127.0.0.1:PORT
	pid  int    // the process serving it (this one when in-process)
	stop func() error
}

// freeAddr returns a loopback address with a port free at the moment.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// waitReady polls url until it answers 200 or the timeout passes.
func waitReady(ctx context.Context, url string, timeout time.Duration, exited <-chan error) error {
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("server exited before answering: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer within %s", url, timeout)
}

// startProcess runs bin with args (which must make it listen on addr)
// and waits until ready answers. stderr of the child is kept for errors.
func startProcess(ctx context.Context, bin string, args []string, addr, ready string) (*server, error) {
	cmd := exec.Command(bin, args...)
	var tail tailBuffer
	cmd.Stdout = &tail
	cmd.Stderr = &tail
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	base := "http://" + addr
	if err := waitReady(ctx, base+ready, 120*time.Second, exited); err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, tail.String())
	}
	stop := func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		return nil
	}
	return &server{base: base, pid: cmd.Process.Pid, stop: stop}, nil
}

// tailBuffer keeps the last few KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 8<<10 {
		t.b = append([]byte(nil), t.b[len(t.b)-8<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// noRateLimits turns the API's rate limits off (serve's flags): the load
// comes from 16 clients on 127.0.0.1 at thousands of requests a second,
// which the per-address limit would refuse. The in-process server's
// web.Options leave them at zero, which is no limit.
var noRateLimits = []string{"--rate-limit", "0", "--token-rate-limit", "0"}

// startZhinan starts the zhinan server on an existing data dir: the
// binary's serve command in a child process when bin is set (a real cold
// start, dictionary loading included), otherwise in this process.
func startZhinan(ctx context.Context, bin, dataDir string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if bin != "" {
		return startProcess(ctx, bin, append([]string{"serve", "--data", dataDir, "--addr", addr, "--no-seed"}, noRateLimits...), addr, "/healthz")
	}
	ctx, cancel := context.WithCancel(ctx)
	st, ix, err := openStoreIndex(ctx, dataDir)
	if err != nil {
		cancel()
		return nil, err
	}
	go ix.Run(ctx)
	targets, err := report.LoadTargets(dataDir)
	if err != nil {
		cancel()
		ix.Close()
		st.Close()
		return nil, err
	}
	h, err := web.New(ctx, st, ix, web.Options{HomeRegion: seeds.CityRegion, Targets: targets})
	if err != nil {
		cancel()
		ix.Close()
		st.Close()
		return nil, err
	}
	viewsDone := make(chan struct{})
	go func() { h.Run(ctx); close(viewsDone) }()
	s, err := serveInProcess(ctx, addr, h)
	if err != nil {
		cancel()
		return nil, err
	}
	stopHTTP := s.stop
	s.stop = func() error {
		err := stopHTTP()
		cancel()
		<-viewsDone
		return errors.Join(err, ix.Close(), st.Close())
	}
	return s, nil
}

// openStoreIndex opens the store of a data dir as `zhinan serve` does
// (with the reference regions) and its search index.
func openStoreIndex(ctx context.Context, dataDir string) (*store.Store, *search.Index, error) {
	st, err := openStore(ctx, dataDir)
	if err != nil {
		return nil, nil, err
	}
	ix, err := search.Open(ctx, dataDir, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, ix, nil
}

// openStore opens the store of a data dir with the reference regions.
func openStore(ctx context.Context, dataDir string) (*store.Store, error) {
	st, err := store.Open(dataDir)
	if err != nil {
		return nil, err
	}
	regions, err := seeds.Regions()
	if err != nil {
		st.Close()
		return nil, err
	}
	if err := st.EnsureRegions(ctx, regions); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// serveInProcess serves h on addr in this process.
func serveInProcess(ctx context.Context, addr string, h http.Handler) (*server, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	stop := func() error {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(c)
	}
	return &server{base: "http://" + ln.Addr().String(), pid: os.Getpid(), stop: stop}, nil
}

// TrivialHandler is the ceiling of the HTTP figures: a gin handler that
// answers a small JSON document echoing the query, with no work behind it.
func TrivialHandler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/api/v1/search", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"total": 0, "q": c.Query("q"), "hits": []string{}})
	})
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	return r
}

// ServeTrivial serves TrivialHandler on addr until ctx ends; the bench
// command runs it in a child process (zhinan-bench --trivial-server ADDR)
// so that the ceiling is measured like the zhinan server.
func ServeTrivial(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: TrivialHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startTrivial starts the trivial server, in a child process running
// command (followed by the address) when child is set.
func startTrivial(ctx context.Context, child bool, command []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if child {
		if len(command) == 0 {
			return nil, errors.New("bench: no command for the trivial server's child process")
		}
		return startProcess(ctx, command[0], append(command[1:len(command):len(command)], addr), addr, "/healthz")
	}
	return serveInProcess(ctx, addr, TrivialHandler())
}

// rssMB returns the resident set size of a process in MiB, from
// /proc/PID/status (0 where there is no /proc).
func rssMB(pid int) float64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
