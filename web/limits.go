package web

import "time"

// Named limits of the HTTP layer.
const (
	// healthTimeout bounds the store check of /healthz.
	healthTimeout = 2 * time.Second
)
