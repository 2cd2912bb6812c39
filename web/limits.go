package web

import (
	"time"

	"zhinan/store"
)

// Named limits of the HTTP layer.
const (
	// healthTimeout bounds the store check of /healthz.
	healthTimeout = 2 * time.Second

	// busyRetryAfter is the Retry-After, in seconds, of a 503 answered to a
	// write that waited the store's bounded time for the write lock held
	// by another process (an import's swap).
	busyRetryAfter = 5

	// defaultFeedLimit and maxFeedLimit are the default and the largest
	// limit of GET /api/v1/changes (the store reads at most
	// store.MaxFeedPage changes at a time).
	defaultFeedLimit = 100
	maxFeedLimit     = store.MaxFeedPage

	// maxFeedWait caps the wait of GET /api/v1/changes: below serve's
	// WriteTimeout (60 s) and the proxy's read timeout (65 s,
	// deploy/nginx.conf), so that the empty answer is written and read.
	maxFeedWait = 45 * time.Second

	// maxFeedWaiters bounds the requests waiting for the change feed at
	// once; beyond it a request answers at once, as without wait.
	maxFeedWaiters = 256

	// feedPoll is how often, while a request waits for the change feed,
	// the change sequence is checked for writes no notification
	// announced.
	feedPoll = 2 * time.Second
)
