package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"zhinan/catalog"
)

// PGPropagation is (c): how long after its publish on replica A an edit
// is found by a search on replica B, while a catalogue of as many new
// items is imported into the same database.
type PGPropagation struct {
	Edits int `json:"edits"`
	// PaceS is the interval at which edits start, each on its own
	// whether the ones before are found on B yet or not, from the
	// import's start until B has caught up with it (at most
	// maxEditsFactor × the edits asked for): twice (a)'s import time over
	// the edits asked for — the import runs slower beside the replicas
	// and B's catch-up follows it — so that about as many spread over
	// the import, its swap and B's catch-up after it.
	PaceS  float64 `json:"pace_s"`
	PollMS int     `json:"poll_ms"`
	// PollsPerSec is the rate of the run's searches of B for the edits
	// (at most 1 / pollSpacing); PollInterval the mean time between two
	// searches for the same edit, over the edits.
	PollsPerSec  float64 `json:"polls_per_s"`
	PollInterval Latency `json:"poll_interval"`
	// Visible: from the publish's answer on A until a search on B first
	// lists the item for its new words (every edit).
	Visible Latency `json:"visible"`
	// The same by when the publish was answered: before the import's swap
	// transaction began, during it, and after it (the import committed).
	BeforeSwap Latency `json:"visible_before_swap"`
	DuringSwap Latency `json:"visible_during_swap"`
	AfterSwap  Latency `json:"visible_after_swap"`
	// Publish is the publish request on A, and Edit the whole edit on A
	// (read the draft, save, submit, publish), retries after 503 busy
	// included; Busy counts the 503 answers of every step.
	Publish Latency `json:"publish"`
	Edit    Latency `json:"edit"`
	Busy    int     `json:"busy"`
	// Lost counts edits B did not find within lostAfter.
	Lost int `json:"lost"`
	// The concurrent import: its items, duration and phases (from its
	// start).
	ImportItems   int          `json:"import_items"`
	ImportSeconds float64      `json:"import_s"`
	ImportPhases  ImportPhases `json:"import_phases"`
	LoadAvg       float64      `json:"load_avg_before"`
	// Replica B's /healthz during the import: its largest index lag, and
	// the time from the import's commit becoming visible in its store_seq
	// until its index had caught up (index_lag 0).
	BMaxLag   int64   `json:"b_max_index_lag"`
	BCatchUpS float64 `json:"b_catch_up_s"`
	// Samples are the edits one by one.
	Samples []EditSample `json:"samples"`
}

// EditSample is one edit of (c).
type EditSample struct {
	Code string `json:"code"`
	// AtS is when the publish was answered, from the import's start.
	AtS       float64 `json:"at_s"`
	PublishMS float64 `json:"publish_ms"`
	EditMS    float64 `json:"edit_ms"`
	VisibleMS float64 `json:"visible_ms"` // -1: not found within lostAfter
	Polls     int     `json:"polls"`      // searches of B until it was found
}

const (
	// maxEditsFactor bounds the edits of (c): the import may take longer
	// than in (a).
	maxEditsFactor = 4
	// pollEvery is how often B is searched for an edit.
	pollEvery = 20 * time.Millisecond
	// pollSpacing is the least time between two searches of B for edits
	// (at most 200 a second), pollersInFlight how many may be under way.
	pollSpacing     = 5 * time.Millisecond
	pollersInFlight = 4
	// lostAfter is when an edit B has not found counts as lost.
	lostAfter = 60 * time.Second
)

// markerWords are words no government service is about, which the
// segmenter knows; an edit's marker is three of them, a triple no other
// edit of the run has.
var markerWords = []string{"琥珀", "珊瑚", "翡翠", "玛瑙", "樱桃", "葡萄", "橄榄", "柠檬", "芒果", "菠萝", "海豚", "鲸鱼", "孔雀",
	"仙鹤", "麋鹿", "熊猫", "松鼠", "蝴蝶", "蜻蜓", "蜜蜂", "钢琴", "风筝", "灯笼", "陀螺", "积木", "魔方"}

// markers returns n distinct markers, in an order drawn from seed.
func markers(n int, seed int64) []string {
	var all []string
	w := markerWords
	for i := range w {
		for j := i + 1; j < len(w); j++ {
			for k := j + 1; k < len(w); k++ {
				all = append(all, w[i]+w[j]+w[k])
			}
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xed17))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return all[:min(n, len(all))]
}

// editTargets returns n codes spread evenly over codes.
func editTargets(codes []string, n int) []string {
	n = min(n, len(codes))
	out := make([]string, n)
	for i := range out {
		out[i] = codes[(2*i+1)*len(codes)/(2*n)]
	}
	return out
}

// propagation measures (c).
func propagation(ctx context.Context, o PGOptions, rep *PGReport, reps *replicaSet, z *zhinanCLI, db *scratchDB,
	codes []string, moreFile string, moreItems int, tmp string, logf func(string, ...any)) error {
	p := &rep.Propagation
	targets := editTargets(codes, maxEditsFactor*o.Edits)
	marks := markers(len(targets), o.Seed)
	p.PollMS, p.ImportItems = int(pollEvery/time.Millisecond), moreItems
	pace := time.Duration(2 * rep.Import.Seconds * float64(time.Second) / float64(o.Edits))
	p.PaceS = pace.Seconds()

	e := &editor{c: &http.Client{Timeout: 2 * time.Minute}, a: reps.a, b: reps.b}
	e.watch = &searchWatch{e: e}
	if err := e.login(ctx); err != nil {
		return err
	}
	c := &http.Client{Timeout: 5 * time.Second}
	h, err := health(ctx, c, reps.b)
	if err != nil {
		return err
	}

	p.LoadAvg = loadAvg()
	logf("(c) importing %d new items while publishing an edit on A every %.2f s until B has caught up, searching B every %s (load average %.1f)",
		moreItems, pace.Seconds(), pollEvery, p.LoadAvg)
	watch := watchHealth(reps.b, 100*time.Millisecond, h.StoreSeq, moreItems)
	imp, err := z.startImport(db, moreFile, filepath.Join(tmp, "import-b"))
	if err != nil {
		watch.stop()
		return err
	}
	// Each edit starts at its time, whether or not the ones before it
	// are found on B yet (editors do not wait for the other replica).
	edCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	polling := time.Now()
	go e.watch.run(edCtx)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
	)
edits:
	for i, code := range targets {
		if wait := time.Until(imp.began.Add(time.Duration(i) * pace)); wait > 0 {
			select {
			case <-edCtx.Done():
			case <-time.After(wait):
			}
		}
		select {
		case <-watch.caught:
			break edits
		default:
		}
		if edCtx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := e.edit(edCtx, code, marks[i], imp.began)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				cancel()
				return
			}
			p.Samples = append(p.Samples, s)
		}()
	}
	wg.Wait()
	p.PollsPerSec = float64(e.watch.polls.Load()) / time.Since(polling).Seconds()
	run, err := imp.wait(ctx)
	if err := errors.Join(append(errs, err)...); err != nil {
		watch.stop()
		return fmt.Errorf("(c): %w", err)
	}
	slices.SortFunc(p.Samples, func(a, b EditSample) int { return cmp.Compare(a.AtS, b.AtS) })
	p.Edits = len(p.Samples)
	// B catches up with the import's items.
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if b, err := health(ctx, c, reps.b); err == nil && b.IndexLag == 0 && b.StoreSeq >= h.StoreSeq+int64(moreItems) {
			break
		}
	}
	seen := watch.stop()
	p.BMaxLag = seen.maxLag
	if !seen.committed.IsZero() && !seen.caughtUp.IsZero() {
		p.BCatchUpS = seen.caughtUp.Sub(seen.committed).Seconds()
	}
	p.ImportSeconds, p.ImportPhases = run.seconds, run.phases
	p.ImportPhases.BackendCPUS = 0 // the replicas' backends are the database's too

	// Every edit's own samples, aged from the import's start; by phase.
	swapStart, swapEnd := p.ImportPhases.SwapStartS, p.ImportPhases.SwapEndS
	if swapStart == 0 { // not seen: the import's exit bounds both
		swapStart, swapEnd = run.seconds, run.seconds
	}
	var all, before, during, after, pub, edit, gaps []time.Duration
	for i := range p.Samples {
		s := &p.Samples[i]
		pub = append(pub, msDuration(s.PublishMS))
		edit = append(edit, msDuration(s.EditMS))
		if s.VisibleMS < 0 {
			p.Lost++
			continue
		}
		d := msDuration(s.VisibleMS)
		if s.Polls > 1 {
			gaps = append(gaps, d/time.Duration(s.Polls-1))
		}
		all = append(all, d)
		switch {
		case s.AtS < swapStart:
			before = append(before, d)
		case s.AtS <= swapEnd:
			during = append(during, d)
		default:
			after = append(after, d)
		}
	}
	p.Visible, p.BeforeSwap, p.DuringSwap, p.AfterSwap = summarize(all), summarize(before), summarize(during), summarize(after)
	p.Publish, p.Edit, p.PollInterval = summarize(pub), summarize(edit), summarize(gaps)
	p.Busy = int(e.busy.Load())
	logf("(c) visible on B: p50 %.0f, p99 %.0f, max %.0f ms; import %.1f s; B caught up %.1f s after the commit",
		p.Visible.P50, p.Visible.P99, p.Visible.Max, run.seconds, p.BCatchUpS)
	return nil
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// editor edits items through the HTTP API of replica a as the bench's
// admin and searches replica b for them.
type editor struct {
	c     *http.Client
	a, b  *server
	token string
	busy  atomic.Int64
	watch *searchWatch
}

// searchWatch searches replica B for the pending edits: each edit every
// pollEvery, at most pollersInFlight searches at a time and one started
// every pollSpacing in all, so that the run's own searches do not take
// B's core from its catch-up when many edits wait (each of n pending
// edits is then searched about every n × pollSpacing, or slower when B
// answers slowly).
type searchWatch struct {
	e       *editor
	mu      sync.Mutex
	pending []*pendingEdit
	polls   atomic.Int64
}

// pendingEdit is an edit published and not yet found on B.
type pendingEdit struct {
	code, marker string
	published    time.Time
	next         time.Time // when it is due to be searched again
	inFlight     bool      // a search for it is under way
	polls        int
	done         chan error // receives once the edit is found, lost or the search failed
	visible      float64    // ms after the publish; -1 lost
}

// await waits until B lists code for marker and returns the time from
// published in milliseconds (-1 when not within lostAfter) and how many
// searches it took.
func (w *searchWatch) await(ctx context.Context, code, marker string, published time.Time) (float64, int, error) {
	pe := &pendingEdit{code: code, marker: marker, published: published, next: published, done: make(chan error, 1)}
	w.mu.Lock()
	w.pending = append(w.pending, pe)
	w.mu.Unlock()
	select {
	case err := <-pe.done:
		return pe.visible, pe.polls, err
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
}

// run searches for the pending edits until ctx ends.
func (w *searchWatch) run(ctx context.Context) {
	tick := time.NewTicker(pollSpacing)
	defer tick.Stop()
	slots := make(chan struct{}, pollersInFlight)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := time.Now()
		w.mu.Lock()
		var due *pendingEdit
		for _, pe := range w.pending {
			if !pe.inFlight && !pe.next.After(now) && (due == nil || pe.next.Before(due.next)) {
				due = pe
			}
		}
		if due != nil {
			due.inFlight = true
		}
		w.mu.Unlock()
		if due == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case slots <- struct{}{}:
		}
		go func() {
			defer func() { <-slots }()
			w.search(ctx, due, now)
		}()
	}
}

// search searches B once for the pending edit pe, due at due.
func (w *searchWatch) search(ctx context.Context, pe *pendingEdit, due time.Time) {
	found, err := w.e.finds(ctx, pe.code, pe.marker)
	w.polls.Add(1)
	at := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	pe.polls++
	pe.inFlight = false
	switch {
	case err != nil:
	case found:
		pe.visible = msf(at.Sub(pe.published))
	case at.Sub(pe.published) > lostAfter:
		pe.visible = -1
	default:
		pe.next = due.Add(pollEvery)
		return
	}
	w.pending = slices.DeleteFunc(w.pending, func(x *pendingEdit) bool { return x == pe })
	pe.done <- err
}

// login signs the admin in on A (a script's login: a bearer token).
func (e *editor) login(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"username": benchUser, "password": benchPassword})
	var out struct{ Token string }
	if err := e.call(ctx, e.a, http.MethodPost, "/api/v1/login", 0, body, &out); err != nil {
		return err
	}
	if out.Token == "" {
		return fmt.Errorf("login: no token")
	}
	e.token = out.Token
	return nil
}

// call sends a request with the admin's token (and If-Match when
// ifMatch > 0), retrying while the store answers 503 busy (an import's
// swap holds the writers' lock), and decodes a 200 or 201 answer into out.
func (e *editor) call(ctx context.Context, s *server, method, path string, ifMatch int, body []byte, out any) error {
	for {
		req, err := http.NewRequestWithContext(ctx, method, s.base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if e.token != "" {
			req.Header.Set("Authorization", "Bearer "+e.token)
		}
		if ifMatch > 0 {
			req.Header.Set("If-Match", strconv.Itoa(ifMatch))
		}
		resp, err := e.c.Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		switch resp.StatusCode {
		case http.StatusOK, http.StatusCreated:
			if out == nil {
				return nil
			}
			return json.Unmarshal(b, out)
		case http.StatusServiceUnavailable:
			e.busy.Add(1)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		return fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, clip(b, 300))
	}
}

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// edit appends marker to the item's name on A — save the draft, submit,
// publish — then waits until a search of B for the marker lists the item
// (e.watch). AtS is when the publish was answered, from origin.
func (e *editor) edit(ctx context.Context, code, marker string, origin time.Time) (EditSample, error) {
	s := EditSample{Code: code}
	began := time.Now()
	path := "/api/v1/items/" + url.PathEscape(code)
	var draft struct {
		catalog.Item
		Edition int `json:"edition"`
	}
	if err := e.call(ctx, e.a, http.MethodGet, path+"/draft", 0, nil, &draft); err != nil {
		return s, err
	}
	if found, err := e.finds(ctx, code, marker); err != nil {
		return s, err
	} else if found {
		return s, fmt.Errorf("replica B lists %s for %s before the edit", code, marker)
	}
	it := draft.Item
	it.Name += "（" + marker + "）"
	body, err := json.Marshal(&it)
	if err != nil {
		return s, err
	}
	var saved struct{ Edition int }
	if err := e.call(ctx, e.a, http.MethodPut, path+"/draft?note=zhinan-bench", draft.Edition, body, &saved); err != nil {
		return s, err
	}
	if err := e.call(ctx, e.a, http.MethodPost, path+"/submit", saved.Edition, nil, nil); err != nil {
		return s, err
	}
	t := time.Now()
	if err := e.call(ctx, e.a, http.MethodPost, path+"/publish", saved.Edition, nil, nil); err != nil {
		return s, err
	}
	published := time.Now()
	s.PublishMS, s.EditMS = msf(published.Sub(t)), msf(published.Sub(began))
	s.AtS = published.Sub(origin).Seconds()
	s.VisibleMS, s.Polls, err = e.watch.await(ctx, code, marker, published)
	return s, err
}

// finds reports whether a search of B for q lists the item code.
func (e *editor) finds(ctx context.Context, code, q string) (bool, error) {
	v := url.Values{"q": {q}, "group": {"none"}, "size": {"50"}}
	var res struct {
		Hits []struct {
			Code string `json:"code"`
		} `json:"hits"`
	}
	if err := e.call(ctx, e.b, http.MethodGet, "/api/v1/search?"+v.Encode(), 0, nil, &res); err != nil {
		return false, err
	}
	for _, h := range res.Hits {
		if h.Code == code {
			return true, nil
		}
	}
	return false, nil
}
