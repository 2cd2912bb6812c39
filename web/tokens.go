package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/store"
)

// System tokens on requests (docs/api.md#authentication-with-tokens): a
// request that sends "Authorization: Bearer zn_…" acts as the token's
// pseudo-user (store.TokenUser: its role and scope, judged by the one
// access policy, catalog.Allowed). An unknown, revoked or expired token is
// refused with 401 and WWW-Authenticate: Bearer — never served as
// anonymous, so that a system whose token was revoked learns it at once.
//
// A token request is not a session: it gets no cookie and carries no
// form token. It needs no CSRF defence either: cross-site request forgery
// rides on a credential the browser adds by itself (the session cookie);
// no browser adds an Authorization header to a request another site
// makes — a form cannot set it, and a script of another origin that sets
// it needs a CORS preflight zhinan never grants. So crossSite lets bearer
// requests through, and checkCSRF, which needs a session, refuses a
// token's page form: tokens are for the API.

// ctxSystemToken is the context key of the name of the request's system
// token.
const ctxSystemToken = "system_token"

// Token use bookkeeping.
const (
	// tokenTouchInterval: a token's last use is written to the store at
	// most this often; between writes it is kept in memory only.
	tokenTouchInterval = time.Minute
	// tokenReadWindow: a token's reads are logged as one change-log
	// entry per window (hour-aligned), with the count and the addresses.
	tokenReadWindow = time.Hour
	// maxReadRemotes bounds the addresses one read window names; more are
	// counted, up to maxCountedRemotes distinct ones per window (beyond,
	// the count is a lower bound).
	maxReadRemotes    = 16
	maxCountedRemotes = 256
	// maxTrackedTokens bounds the tokens tracked in memory: only tokens
	// the store accepted are, and it keeps at most store.MaxTokens.
	maxTrackedTokens = store.MaxTokens
)

// errBadToken answers an unknown, revoked or expired token.
var errBadToken = &Error{Status: http.StatusUnauthorized, Code: "invalid_token", Message: MsgBadToken}

// bearerChallenge is the WWW-Authenticate header of a refused token
// (RFC 6750 §3).
const bearerChallenge = `Bearer realm="zhinan", error="invalid_token"`

// authenticateToken attaches the pseudo-user of a system token, or
// refuses the request: 401 for a token that does not work (429 when the
// address has been sending too many: guessing costs a lookup each).
func (s *Server) authenticateToken(c *gin.Context, secret string) {
	now := s.now()
	u, name, err := s.store.TokenUser(c.Request.Context(), secret, now)
	if err != nil {
		if !errors.Is(err, store.ErrBadToken) {
			s.refuse(c, toError(err))
			return
		}
		slog.Info("refused a system token", "remote", clientIP(c), "err", err)
		if wait := s.addrLimit.allow(clientIP(c), now); wait > 0 {
			s.refuse(c, tooManyRequests(wait))
			return
		}
		c.Header("WWW-Authenticate", bearerChallenge)
		s.refuse(c, errBadToken)
		return
	}
	c.Set(ctxUser, u)
	c.Set(ctxViaAuth, "bearer")
	c.Set(ctxSystemToken, name)
	s.tokenUses.note(c.Request.Context(), s.store, name, clientIP(c), isRead(c.Request.Method), now)
	c.Next()
}

// isRead reports whether a request of method only reads.
func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// tokenUse is what the server remembers of a token's use.
type tokenUse struct {
	touched  time.Time // when its last use was last written to the store
	lastAt   time.Time // its last use, in memory
	lastFrom string
	// The current read window: its start, the reads, their addresses.
	window  time.Time
	reads   int
	remotes []string            // the first maxReadRemotes addresses, in order
	seen    map[string]struct{} // every distinct address, at most maxCountedRemotes
}

// tokenUsage tracks the use of system tokens: last use, written to the
// store at most every tokenTouchInterval, and reads, logged once per
// tokenReadWindow. Writes are logged by the store as anyone's, with the
// token as the actor.
type tokenUsage struct {
	mu sync.Mutex
	m  map[string]*tokenUse
}

func newTokenUsage() *tokenUsage { return &tokenUsage{m: map[string]*tokenUse{}} }

// note records one use of token name from remote at now, writing the last
// use and a finished read window to st when due.
func (u *tokenUsage) note(ctx context.Context, st *store.Store, name, remote string, read bool, now time.Time) {
	u.mu.Lock()
	t := u.m[name]
	if t == nil {
		if len(u.m) >= maxTrackedTokens {
			u.m = map[string]*tokenUse{} // cannot happen while the store bounds the tokens; never grow
		}
		t = &tokenUse{}
		u.m[name] = t
	}
	t.lastAt, t.lastFrom = now, remote
	touch := t.touched.IsZero() || now.Sub(t.touched) >= tokenTouchInterval
	if touch {
		t.touched = now
	}
	var done *store.TokenReads
	if read {
		if t.reads > 0 && !now.Before(t.window.Add(tokenReadWindow)) {
			done = t.takeReads(name)
		}
		if t.reads == 0 {
			t.window = now.Truncate(tokenReadWindow)
		}
		t.reads++
		if _, ok := t.seen[remote]; !ok && len(t.seen) < maxCountedRemotes {
			if t.seen == nil {
				t.seen = map[string]struct{}{}
			}
			t.seen[remote] = struct{}{}
			if len(t.remotes) < maxReadRemotes {
				t.remotes = append(t.remotes, remote)
			}
		}
	}
	u.mu.Unlock()
	if touch {
		if err := st.TouchToken(ctx, name, now, remote); err != nil {
			slog.Error("record a token's last use", "token", name, "err", err)
		}
	}
	if done != nil {
		if err := st.LogTokenReads(ctx, *done); err != nil {
			slog.Error("log a token's reads", "token", name, "err", err)
		}
	}
}

// takeReads returns the token's read window and starts none; the caller
// holds the lock.
func (t *tokenUse) takeReads(name string) *store.TokenReads {
	r := &store.TokenReads{Name: name, From: t.window, To: t.window.Add(tokenReadWindow), Count: t.reads, Remotes: t.remotes,
		More: len(t.seen) - len(t.remotes)}
	t.reads, t.remotes, t.seen = 0, nil, nil
	return r
}

// flush logs the read windows that have ended by now, or, with all (at
// shutdown), every window with reads, ending now.
func (u *tokenUsage) flush(ctx context.Context, st *store.Store, now time.Time, all bool) {
	u.mu.Lock()
	var done []store.TokenReads
	for name, t := range u.m {
		if t.reads == 0 {
			continue
		}
		if all || !now.Before(t.window.Add(tokenReadWindow)) {
			r := t.takeReads(name)
			if all && now.Before(r.To) {
				r.To = now
			}
			done = append(done, *r)
		}
	}
	u.mu.Unlock()
	for _, r := range done {
		if err := st.LogTokenReads(ctx, r); err != nil {
			slog.Error("log a token's reads", "token", r.Name, "err", err)
		}
	}
}

// lastUse returns the last use of token name this process saw (the
// store's may be up to tokenTouchInterval older).
func (u *tokenUsage) lastUse(name string) (time.Time, string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if t := u.m[name]; t != nil {
		return t.lastAt, t.lastFrom
	}
	return time.Time{}, ""
}
