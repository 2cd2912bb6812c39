package web

import (
	"sync"
	"time"
)

// Login rate limits: after loginMaxFailures failed logins within
// loginWindow from one address, or for one user name, further attempts are
// refused until the window has passed.
const (
	loginMaxFailures = 5
	loginWindow      = 15 * time.Minute
	limiterMaxKeys   = 100000 // bound on remembered keys
)

// loginLimiter counts failed logins per client address and per user name.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, now: time.Now}
}

func keys(ip, user string) []string { return []string{"ip:" + ip, "user:" + user} }

// blocked returns how long the caller must wait, or 0.
func (l *loginLimiter) blocked(ip, user string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for _, k := range keys(ip, user) {
		recent := l.recent(k, now)
		if len(recent) >= loginMaxFailures {
			wait = max(wait, recent[0].Add(loginWindow).Sub(now))
		}
	}
	return wait
}

func (l *loginLimiter) fail(ip, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.failures) > limiterMaxKeys {
		l.failures = map[string][]time.Time{} // under attack by many keys: start over rather than grow
	}
	for _, k := range keys(ip, user) {
		l.failures[k] = append(l.recent(k, now), now)
	}
}

// succeed clears the failures of a user name after a successful login.
// Those of the client's address stay: signing in to one's own account must
// not reset the count of an address guessing others' passwords.
func (l *loginLimiter) succeed(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "user:"+user)
}

// recent returns the failures of k inside the window; the caller holds mu.
func (l *loginLimiter) recent(k string, now time.Time) []time.Time {
	ts := l.failures[k]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > loginWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, k)
	} else {
		l.failures[k] = ts
	}
	return ts
}
