package web

import (
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
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

// API rate limits (docs/api.md#rate-limits): a token bucket per client
// address and one per system token on /api/v1/*. A request with a system
// token draws from its token's bucket only, any other from its address's.
//
// The defaults are generous: a whole hall sits behind one NAT address —
// its windows' workstations, its queue screens, and the phones of the
// citizens on its Wi-Fi whose pages ask /api/v1/suggest as they type — and
// must never meet the limit in ordinary use; it is there to stop one
// runaway script or scraper from taking the server's capacity (some
// thousands of reads a second on two CPUs, BENCHMARKS.md) from everyone.
// A token is one system's, whose use is known: its bucket is smaller.
const (
	// DefaultAddressRate and DefaultAddressBurst: requests per second
	// and burst per client address (serve --rate-limit, --rate-burst).
	DefaultAddressRate  = 50
	DefaultAddressBurst = 200
	// DefaultTokenRate and DefaultTokenBurst: per system token (serve
	// --token-rate-limit, --token-rate-burst).
	DefaultTokenRate  = 20
	DefaultTokenBurst = 100
	// apiLimiterMaxKeys bounds the addresses (or tokens) remembered, as
	// limiterMaxKeys does the login limiter's.
	apiLimiterMaxKeys = limiterMaxKeys
)

// RateLimit is a token bucket's rate (requests per second) and burst; a
// Rate of 0 means no limit.
type RateLimit struct {
	Rate  float64
	Burst int
}

// bucket is one key's token bucket and when it last drew from it.
type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// bucketLimiter holds a token bucket per key (a client address, a token's
// name), at most maxKeys of them.
type bucketLimiter struct {
	mu      sync.Mutex
	limit   RateLimit
	maxKeys int
	m       map[string]*bucket
}

func newBucketLimiter(l RateLimit) *bucketLimiter {
	if l.Burst < 1 {
		l.Burst = max(1, int(l.Rate))
	}
	return &bucketLimiter{limit: l, maxKeys: apiLimiterMaxKeys, m: map[string]*bucket{}}
}

// allow takes one request of key at now from its bucket and returns 0, or
// how long the caller must wait when the bucket is empty (nothing taken).
func (b *bucketLimiter) allow(key string, now time.Time) time.Duration {
	if b == nil || b.limit.Rate <= 0 {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.m[key]
	if e == nil {
		if len(b.m) >= b.maxKeys {
			b.prune(now)
		}
		e = &bucket{lim: rate.NewLimiter(rate.Limit(b.limit.Rate), b.limit.Burst)}
		b.m[key] = e
	}
	e.seen = now
	r := e.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// prune forgets the buckets that have refilled (idle long enough to be
// full again: forgetting them changes nothing); when that frees no room
// (many addresses at once) it starts over rather than grow. The caller
// holds mu.
func (b *bucketLimiter) prune(now time.Time) {
	full := time.Duration(float64(b.limit.Burst) / b.limit.Rate * float64(time.Second))
	for k, e := range b.m {
		if now.Sub(e.seen) >= full {
			delete(b.m, k)
		}
	}
	if len(b.m) >= b.maxKeys {
		b.m = map[string]*bucket{}
	}
}

// size is how many keys the limiter remembers.
func (b *bucketLimiter) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

// tooManyRequests is the 429 of a rate limit, with Retry-After in whole
// seconds (at least 1).
func tooManyRequests(wait time.Duration) *Error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: MsgTooManyRequests, RetryAfter: max(1, secs)}
}

// rateLimit applies the API's rate limits: a system token's bucket, or
// the client address's.
func (s *Server) rateLimit(c *gin.Context) {
	now := s.now()
	var wait time.Duration
	if name := c.GetString(ctxSystemToken); name != "" {
		wait = s.tokenLimit.allow(name, now)
	} else {
		wait = s.addrLimit.allow(clientIP(c), now)
	}
	if wait > 0 {
		writeAPIError(c, tooManyRequests(wait))
		return
	}
	c.Next()
}
