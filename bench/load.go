package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Latency is a distribution summary in milliseconds.
type Latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// summarize sorts ds and returns its percentiles.
func summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.5) - 1
		i = max(0, min(len(ds)-1, i))
		return msf(ds[i])
	}
	return Latency{N: len(ds), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: msf(ds[len(ds)-1])}
}

func msf(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// HTTPRun is the outcome of one load run.
type HTTPRun struct {
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"` // transport errors and statuses other than 200
	ReqPerSec float64 `json:"req_per_s"`
	Latency
	// Repeated counts requests that were not distinct because the
	// distinct list ran out (0 for a valid distinct run).
	Repeated int `json:"repeated,omitempty"`
}

// newClient returns an HTTP client whose transport keeps one connection
// per load goroutine alive.
func newClient(clients int) *http.Client {
	tr := &http.Transport{
		MaxIdleConns:        clients * 2,
		MaxIdleConnsPerHost: clients * 2,
		MaxConnsPerHost:     clients,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// load runs clients goroutines for d against base, each taking its next
// path from next (goroutine number, sequence number of the request), and
// reports throughput and latency.
func load(ctx context.Context, base string, clients int, d time.Duration, next func(g int, rng *rand.Rand) (string, bool)) (HTTPRun, error) {
	client := newClient(clients)
	defer client.CloseIdleConnections()
	var (
		mu       sync.Mutex
		all      []time.Duration
		errs     atomic.Int64
		repeated atomic.Int64
		firstErr atomic.Value
	)
	// No request starts after the deadline; one under way then completes
	// and counts (a slow machine still measures something).
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g)+1, 7))
			var mine []time.Duration
			buf := make([]byte, 32<<10)
			for ctx.Err() == nil && time.Now().Before(deadline) {
				path, fresh := next(g, rng)
				if !fresh {
					repeated.Add(1)
				}
				t := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				_, err = io.CopyBuffer(io.Discard, resp.Body, buf)
				resp.Body.Close()
				if ctx.Err() != nil && err != nil {
					break
				}
				if resp.StatusCode != http.StatusOK || err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%s: status %d %v", path, resp.StatusCode, err))
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	run := HTTPRun{Requests: len(all), Errors: int(errs.Load()), Repeated: int(repeated.Load())}
	run.ReqPerSec = float64(len(all)) / elapsed.Seconds()
	run.Latency = summarize(all)
	if run.Requests == 0 {
		msg, _ := firstErr.Load().(string)
		return run, fmt.Errorf("load on %s: no successful request (%s)", base, msg)
	}
	return run, nil
}
