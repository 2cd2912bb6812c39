package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/store"
)

// The change feed, GET /api/v1/changes (docs/api.md#change-feed): the
// published changes of items after a point of the change sequence, for
// the systems that keep a copy of the published catalogue. With wait, a
// request that finds nothing new long-polls: it waits on changeSignal,
// which the writes of this process (changed), PostgreSQL's notifications
// of other replicas' writes (StoreChanged) and, while anyone waits, one
// check of the sequence every feedPoll wake; each wake costs a waiter one
// read of the feed, nothing in between.

// changeSignal wakes the requests waiting for a change: wait returns a
// channel that the next wake closes.
type changeSignal struct {
	mu      sync.Mutex
	ch      chan struct{}
	waiters atomic.Int64 // requests waiting now, at most maxFeedWaiters
}

func newChangeSignal() *changeSignal { return &changeSignal{ch: make(chan struct{})} }

// wait returns the channel the next wake closes.
func (c *changeSignal) wait() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ch
}

// wake wakes every request waiting on the current channel.
func (c *changeSignal) wake() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.ch)
	c.ch = make(chan struct{})
}

// enter counts one more waiter, unless maxFeedWaiters wait already.
func (c *changeSignal) enter() bool {
	if c.waiters.Add(1) > maxFeedWaiters {
		c.waiters.Add(-1)
		return false
	}
	return true
}

func (c *changeSignal) leave() { c.waiters.Add(-1) }

// StoreChanged tells the server that the store changed (another replica
// wrote: serve wires it to store.WatchChanges), so that requests waiting
// for the change feed look again.
func (s *Server) StoreChanged() { s.feed.wake() }

// watchFeed checks the change sequence every feedPoll while a request
// waits for the change feed and wakes the waiters when it moved: the
// writes no notification announces (another process's on SQLite, a
// notification lost with its connection) reach them within feedPoll. It
// reads the sequence once per feedPoll whatever the number of waiters,
// and nothing while nobody waits.
func (s *Server) watchFeed(ctx context.Context) {
	t := time.NewTicker(feedPoll)
	defer t.Stop()
	var last int64 = -1
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.feed.waiters.Load() == 0 {
			last = -1
			continue
		}
		seq, err := s.store.Seq(ctx)
		if err != nil {
			continue
		}
		// The first check of a waiting spell has nothing to compare
		// with: a write may have come between a waiter's read and now,
		// so the waiters look once.
		if seq != last {
			s.feed.wake()
		}
		last = seq
	}
}

// feedQuery is a request for the change feed.
type feedQuery struct {
	since int64
	limit int
	wait  time.Duration
}

// parseFeedQuery reads since, limit and wait; a bad one is 400 naming it.
func parseFeedQuery(c *gin.Context) (feedQuery, error) {
	q := feedQuery{limit: defaultFeedLimit}
	if v, ok := c.GetQuery("since"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return q, badRequest("since", MsgFeedSince)
		}
		q.since = n
	}
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxFeedLimit {
			return q, badRequest("limit", fmt.Sprintf(MsgFeedLimit, maxFeedLimit))
		}
		q.limit = n
	}
	if v, ok := c.GetQuery("wait"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return q, badRequest("wait", fmt.Sprintf(MsgFeedWait, int(maxFeedWait/time.Second)))
		}
		q.wait = min(d, maxFeedWait)
	}
	return q, nil
}

// feedAnswer is the body of GET /api/v1/changes.
type feedAnswer struct {
	Changes []store.FeedEntry `json:"changes"`
	// Next is the since of the next request: the last change's sequence
	// value, or since when there is none.
	Next int64 `json:"next"`
}

func (s *Server) apiChanges(c *gin.Context) error {
	q, err := parseFeedQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	// The answer changes with every publish: no cache keeps it.
	c.Header("Cache-Control", noStore)
	var deadline <-chan time.Time
	// HEAD asks for headers, not for a wait; beyond maxFeedWaiters
	// waiting requests, a request answers at once.
	if q.wait > 0 && c.Request.Method == http.MethodGet && s.feed.enter() {
		defer s.feed.leave()
		t := time.NewTimer(q.wait)
		defer t.Stop()
		deadline = t.C
	}
	for {
		// Taken before the read, so that a change committed after the
		// read closes it.
		woken := s.feed.wait()
		es, err := s.store.PublishedChanges(ctx, q.since, q.limit)
		if err != nil {
			return err
		}
		if len(es) > 0 || deadline == nil {
			next := q.since
			if len(es) > 0 {
				next = es[len(es)-1].Seq
			}
			c.JSON(http.StatusOK, feedAnswer{Changes: es, Next: next})
			return nil
		}
		select {
		case <-woken:
		case <-deadline:
			c.JSON(http.StatusOK, feedAnswer{Changes: []store.FeedEntry{}, Next: q.since})
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
