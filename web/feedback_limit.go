package web

import (
	"net"
	"sync"
	"time"
)

// The rate limit of anonymous feedback (docs/contract.md#feedback): at most
// feedbackMax submissions — ratings, 指南有误 and 办不成事 reports, by form
// or API together — per client address within feedbackWindow. The next is
// refused (429, Retry-After) before anything is read into the store.
const (
	feedbackMax    = 10
	feedbackWindow = time.Minute
)

// windowLimiter allows at most max events per key within a sliding window.
// It remembers at most limiterMaxKeys keys (as the login limiter does).
type windowLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string][]time.Time // per key, the events inside the window, oldest first
	now    func() time.Time
}

func newWindowLimiter(max int, window time.Duration) *windowLimiter {
	return &windowLimiter{max: max, window: window, hits: map[string][]time.Time{}, now: time.Now}
}

// take records an event for key and returns 0, or, when key has had max
// events within the window, records nothing and returns how long until
// the oldest of them leaves the window.
func (l *windowLimiter) take(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	ts := l.recent(key, now)
	if len(ts) >= l.max {
		return ts[0].Add(l.window).Sub(now)
	}
	if ts == nil && len(l.hits) >= limiterMaxKeys {
		l.sweep(now)
		if len(l.hits) >= limiterMaxKeys {
			// Under attack by as many addresses: start over rather than
			// grow; the store's bound per day still holds.
			l.hits = map[string][]time.Time{}
		}
	}
	l.hits[key] = append(ts, now)
	return 0
}

// recent returns key's events inside the window; the caller holds mu.
func (l *windowLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.hits[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	if i == len(ts) {
		delete(l.hits, key)
		return nil
	}
	ts = ts[i:]
	l.hits[key] = ts
	return ts
}

// sweep forgets every key without an event inside the window.
func (l *windowLimiter) sweep(now time.Time) {
	for k, ts := range l.hits {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
			delete(l.hits, k)
		}
	}
}

// addressKey is the key of a client address for the feedback limit: an
// IPv4 address itself, an IPv6 address its /64 network (one subscriber's
// line, whose addresses are all theirs to use).
func addressKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil || a.To4() != nil {
		return ip
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
