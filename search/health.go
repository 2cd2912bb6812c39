package search

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Index failures. The index is derived from the store and can always be
// built again, so a failure of bleve — a write refused (disk full), the
// index folder removed, a segment file damaged, a panic inside bleve —
// never ends the process: the failure is logged, the index is marked
// degraded (Health, /healthz), searches answer from the last good state
// (the table and the open bleve index, as far as they still work), and a
// new generation is built beside the broken one, retried with backoff
// until it succeeds.
//
// Panics of the bleve calls made on zhinan's goroutines (searches, the
// catch-up, the build) are recovered, and on those goroutines a memory
// fault (SIGBUS reading a truncated memory-mapped segment) is made a
// panic too (debug.SetPanicOnFault). What remains: bleve's own goroutines
// (its persister, merger and introducer, and the per-segment goroutines of
// a field dictionary) recover panics but not faults, so a segment damaged
// under them still ends the process, as would a fault in runtime-internal
// code.

// Backoff of the rebuilds of a failed index.
const (
	retryFirst = time.Second
	retryMax   = time.Minute
)

// The states Health reports.
const (
	HealthOK          = "ok"
	HealthDegraded    = "degraded"    // failed; searches answer from the last good state
	HealthUnavailable = "unavailable" // no search can be answered
)

// ErrIndexDamaged is returned by a search that failed inside bleve (a panic
// or a memory fault reading a damaged segment). The index is being
// rebuilt; other searches may still answer.
var ErrIndexDamaged = errors.New("the search index is damaged and is being rebuilt")

// faultError is a failure of bleve itself, as opposed to the store's: the
// index must be built again.
type faultError struct {
	op    string
	err   error
	stack []byte // of a recovered panic
}

func (e *faultError) Error() string { return e.op + ": " + e.err.Error() }
func (e *faultError) Unwrap() error { return e.err }

func isFault(err error) bool {
	var fe *faultError
	return errors.As(err, &fe)
}

// guard runs f, a call into bleve, and returns a panic inside it as a
// *faultError; f's own error is returned as it is. On the calling
// goroutine a memory fault at a non-nil address (SIGBUS reading a
// truncated memory-mapped segment) is made a panic for the duration of f,
// so that it is recovered too.
func guard(op string, f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &faultError{op: op, err: fmt.Errorf("panic: %v", r), stack: debug.Stack()}
		}
	}()
	return f()
}

// applyBatch applies a batch to a bleve index; tests replace it to make
// index writes fail (see fault_hook.go).
var applyBatch = func(bi bleve.Index, b *bleve.Batch) error { return bi.Batch(b) }

// writeBatch applies a batch, a panic or fault inside bleve returned as a
// *faultError like any error of the write.
func writeBatch(bi bleve.Index, b *bleve.Batch) error {
	const op = "write the search index"
	err := guard(op, func() error { return applyBatch(bi, b) })
	if err != nil && !isFault(err) {
		err = &faultError{op: op, err: err}
	}
	return err
}

// health is the failure state of an index.
type health struct {
	mu       sync.Mutex
	err      error     // the current failure; nil when healthy
	since    time.Time // when it began
	retryAt  time.Time // when the next rebuild is tried
	backoff  time.Duration
	lastErr  error // the last failure, kept after a recovery
	lastAt   time.Time
	rebuilds int // rebuilds that ended a failure
	// readFailing tells that the last search failed inside bleve and
	// none answered since.
	readFailing atomic.Bool
}

// Health is what an index reports of its state.
type Health struct {
	State      string    // HealthOK, HealthDegraded or HealthUnavailable
	Err        string    // the current failure
	Since      time.Time // when it began
	NextRetry  time.Time // when the next rebuild is tried
	Seq        int64     // the store sequence the index has caught up to
	Generation string    // the live generation's folder
	LastErr    string    // the last failure, also after a recovery
	LastAt     time.Time
	Rebuilds   int // rebuilds that ended a failure since the start
}

// Health reports the state of the index: ok; degraded after a failure,
// until a rebuild succeeds (searches answer from the last good state);
// unavailable when closed, or when degraded and the last search failed
// inside bleve with none answered since.
func (ix *Index) Health() Health {
	ix.mu.RLock()
	h := Health{State: HealthOK, Seq: ix.seq, Generation: ix.gen}
	closed := ix.bi == nil
	ix.mu.RUnlock()
	ix.health.mu.Lock()
	defer ix.health.mu.Unlock()
	s := &ix.health
	if s.err != nil {
		h.State, h.Err, h.Since, h.NextRetry = HealthDegraded, clip(s.err.Error()), s.since, s.retryAt
		if s.readFailing.Load() {
			h.State = HealthUnavailable
		}
	}
	if s.lastErr != nil {
		h.LastErr, h.LastAt = clip(s.lastErr.Error()), s.lastAt
	}
	h.Rebuilds = s.rebuilds
	if closed {
		h.State, h.Err = HealthUnavailable, ErrClosed.Error()
	}
	return h
}

// fault records a failure of bleve: the index is degraded and rebuilt at
// the next retry. The first failure of an episode is logged (with the
// stack of a recovered panic); later ones only update the error.
func (ix *Index) fault(err error) {
	now := time.Now()
	s := &ix.health
	s.mu.Lock()
	first := s.err == nil
	if first {
		s.since, s.backoff, s.retryAt = now, retryFirst, now.Add(retryFirst)
	}
	s.err, s.lastErr, s.lastAt = err, err, now
	s.mu.Unlock()
	if !first {
		return
	}
	args := []any{"err", err, "rebuild in", retryFirst}
	var fe *faultError
	if errors.As(err, &fe) && fe.stack != nil {
		args = append(args, "stack", string(fe.stack))
	}
	slog.Error("search index failed: searches answer from the last good state until it is rebuilt", args...)
}

// readFault records a search that failed inside bleve and returns the
// error for the caller.
func (ix *Index) readFault(err error) error {
	ix.fault(err)
	ix.health.readFailing.Store(true)
	return fmt.Errorf("%w: %v", ErrIndexDamaged, err)
}

// readOK records a search answered by bleve.
func (ix *Index) readOK() {
	if ix.health.readFailing.Load() {
		ix.health.readFailing.Store(false)
	}
}

// rebuildDue reports whether the index failed, and whether its rebuild is
// due.
func (ix *Index) rebuildDue() (failed, due bool) {
	ix.health.mu.Lock()
	defer ix.health.mu.Unlock()
	if ix.health.err == nil {
		return false, false
	}
	return true, !time.Now().Before(ix.health.retryAt)
}

// rebuilt ends a failure after a successful rebuild.
func (ix *Index) rebuilt() {
	s := &ix.health
	s.mu.Lock()
	was := s.err
	s.err = nil
	s.readFailing.Store(false)
	s.rebuilds++
	s.mu.Unlock()
	slog.Info("search index rebuilt after a failure", "failure", was)
}

// rebuildFailed doubles the backoff after a failed rebuild.
func (ix *Index) rebuildFailed(err error) {
	s := &ix.health
	s.mu.Lock()
	s.backoff = min(2*s.backoff, retryMax)
	s.retryAt = time.Now().Add(s.backoff)
	wait := s.backoff
	s.mu.Unlock()
	slog.Error("rebuild the failed search index", "err", err, "retry in", wait)
}

// Failures of bleve's background work (persisting and merging segments)
// reach asyncError by the path of the index's store; livePaths maps the
// store path of every live generation to its Index.
const asyncErrorCallback = "zhinan"

var livePaths sync.Map // string → *Index

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = asyncError
}

// bleveConfig is the runtime configuration of every bleve index zhinan
// opens or creates (a fresh map: bleve adds to it).
func bleveConfig() map[string]any {
	c := map[string]any{"bolt_timeout": openTimeout.String(), "asyncErrorCallbackName": asyncErrorCallback}
	if floorSegmentSize > 0 {
		c["scorchMergePlanOptions"] = map[string]any{"FloorSegmentSize": floorSegmentSize}
	}
	return c
}

// floorSegmentSize, when not 0, replaces scorch's merge floor: the
// segments of an index of fewer documents than the floor (2,000) are
// merged into one. Tests lower it to keep a small catalogue in several
// segments.
var floorSegmentSize int64

// storePath is where bleve keeps a generation's segments (scorch's path).
func storePath(genPath string) string { return filepath.Join(genPath, "store") }

func asyncError(err error, path string) {
	v, ok := livePaths.Load(path)
	if !ok || errors.Is(err, scorch.ErrCleanup) {
		// A retired generation, or old files not yet removed: nothing
		// searches depend on.
		slog.Warn("search index background work", "path", path, "err", err)
		return
	}
	v.(*Index).fault(&faultError{op: "search index background write", err: err})
}

// closeBroken closes a failed bleve index without waiting: closing may
// fail, panic, fault or block on its damaged files.
func closeBroken(bi bleve.Index) {
	go func() {
		if err := guard("close the failed search index", bi.Close); err != nil {
			slog.Warn("close the failed search index", "err", err)
		}
	}()
}

// clip shortens an error for Health: a panic inside bleve may say a lot.
func clip(s string) string {
	const most = 300
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
