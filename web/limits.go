package web

import "time"

// Named limits of the HTTP layer.
const (
	// healthTimeout bounds the store check of /healthz.
	healthTimeout = 2 * time.Second

	// busyRetryAfter is the Retry-After, in seconds, of a 503 answered to a
	// write that waited the store's bounded time for the write lock held
	// by another process (an import's swap).
	busyRetryAfter = 5
)
