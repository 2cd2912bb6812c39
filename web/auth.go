package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
)

// sessionCookie holds a browser session's token (HttpOnly, SameSite=Lax).
const sessionCookie = "zhinan_session"

// Context keys.
const (
	ctxUser    = "user"
	ctxToken   = "token"
	ctxViaAuth = "via" // "cookie" or "bearer"
)

// authenticate attaches the user of a session cookie or bearer token to
// the request, if any. It never refuses: routes that need a user say so.
func (s *Server) authenticate(c *gin.Context) {
	token, via := "", ""
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token, via = strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), "bearer"
	} else if ck, err := c.Cookie(sessionCookie); err == nil {
		token, via = ck, "cookie"
	}
	if token != "" {
		if u, _, err := s.store.SessionUser(c.Request.Context(), token); err == nil {
			c.Set(ctxUser, u)
			c.Set(ctxToken, token)
			c.Set(ctxViaAuth, via)
		}
	}
	c.Next()
}

// currentUser returns the signed-in user, or nil.
func currentUser(c *gin.Context) *catalog.User {
	if v, ok := c.Get(ctxUser); ok {
		return v.(*catalog.User)
	}
	return nil
}

// errUnauthenticated is answered with 401.
var errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: MsgLoginRequired}

// needUser returns the signed-in user or errUnauthenticated.
func needUser(c *gin.Context) (*catalog.User, error) {
	if u := currentUser(c); u != nil {
		return u, nil
	}
	return nil, errUnauthenticated
}

// crossSite refuses a state-changing request that carries the session
// cookie from another origin (SPEC §7): the browser says where the request
// comes from in Sec-Fetch-Site or Origin; forms also carry a token bound
// to the session. Bearer-token requests (scripts) carry no ambient
// credential and are not subject to it.
func (s *Server) crossSite(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		c.Next()
		return
	}
	if c.GetString(ctxViaAuth) != "cookie" {
		if _, err := c.Cookie(sessionCookie); err != nil || c.GetString(ctxViaAuth) == "bearer" {
			c.Next()
			return
		}
	}
	if !sameOrigin(c.Request) {
		s.refuse(c, &Error{Status: http.StatusForbidden, Code: "cross_site", Message: MsgCrossSite})
		return
	}
	c.Next()
}

// sameOrigin reports whether a request comes from a page of this server.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "same-site", "cross-site":
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// csrfToken is the form token of a session: an HMAC of the session token,
// so it needs no storage and dies with the session.
func (s *Server) csrfToken(c *gin.Context) string {
	return s.formToken(c.GetString(ctxToken))
}

// formToken is the form token of a session token ("" for none).
func (s *Server) formToken(tok string) string {
	if tok == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF verifies the form token of a cookie-authenticated form post.
func (s *Server) checkCSRF(c *gin.Context) error {
	want := s.csrfToken(c)
	if want == "" || !hmac.Equal([]byte(c.PostForm("csrf")), []byte(want)) {
		return &Error{Status: http.StatusForbidden, Code: "cross_site", Message: MsgCrossSite}
	}
	return nil
}

// refuse answers an error as JSON under /api/ and as a page elsewhere.
func (s *Server) refuse(c *gin.Context, e *Error) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		writeAPIError(c, e)
		return
	}
	s.render(c, e.Status, "error", s.layout(c, label("error.title"), "page-error", e))
	c.Abort()
}

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Username string `json:"username" form:"username"`
	Password string `json:"password" form:"password"`
}

// login checks the credentials (rate limited per client address and per
// user name) and opens a session.
func (s *Server) login(c *gin.Context, lr loginRequest, kind string) (*catalog.User, string, time.Time, error) {
	ctx := c.Request.Context()
	ip := clientIP(c)
	if wait := s.limiter.blocked(ip, lr.Username); wait > 0 {
		c.Header("Retry-After", itoa(int(wait.Seconds())+1))
		return nil, "", time.Time{}, &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: MsgTooManyLogins}
	}
	u, err := s.store.Authenticate(ctx, lr.Username, lr.Password)
	if errors.Is(err, catalog.ErrBadCredentials) {
		s.limiter.fail(ip, lr.Username)
		s.store.Audit(ctx, catalog.AuditEntry{UserName: lr.Username, Action: catalog.AuditLoginFailed, Remote: ip})
		return nil, "", time.Time{}, &Error{Status: http.StatusUnauthorized, Code: "bad_credentials", Message: MsgBadCredentials}
	}
	if err != nil {
		return nil, "", time.Time{}, err
	}
	s.limiter.succeed(ip, lr.Username)
	token, expires, err := s.store.CreateSession(ctx, u, kind)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	s.store.Audit(ctx, catalog.AuditEntry{UserName: u.Name, Action: catalog.AuditLogin, Remote: ip})
	return u, token, expires, nil
}

func (s *Server) setSessionCookie(c *gin.Context, token string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
}

// apiLogin is POST /api/v1/login: a session cookie for browsers and the
// same token for scripts (Authorization: Bearer).
func (s *Server) apiLogin(c *gin.Context) error {
	var lr loginRequest
	if err := decodeJSON(c, &lr); err != nil {
		return err
	}
	u, token, expires, err := s.login(c, lr, catalog.SessionToken)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, expires)
	c.JSON(http.StatusOK, gin.H{"user": u.Name, "role": u.Role, "token": token, "expires_at": expires})
	return nil
}

func (s *Server) apiLogout(c *gin.Context) error {
	if _, err := needUser(c); err != nil {
		return err
	}
	s.endSession(c)
	c.JSON(http.StatusOK, gin.H{"ok": true})
	return nil
}

func (s *Server) endSession(c *gin.Context) {
	ctx := c.Request.Context()
	if u := currentUser(c); u != nil {
		s.store.DeleteSession(ctx, c.GetString(ctxToken))
		s.store.Audit(ctx, catalog.AuditEntry{UserName: u.Name, Action: catalog.AuditLogout, Remote: clientIP(c)})
	}
	s.clearSessionCookie(c)
}

// clientIP is the address the request came from (the proxy's when there
// is one; zhinan does not trust forwarding headers by default).
func clientIP(c *gin.Context) string {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		return c.Request.RemoteAddr
	}
	return host
}

// loginPageData is the data of the login page.
type loginPageData struct {
	Next     string
	Username string
	Error    string
}

// safeNext keeps a post-login destination on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/edit"
	}
	return next
}

func (s *Server) loginPage(c *gin.Context) error {
	d := loginPageData{Next: safeNext(c.Query("next"))}
	s.render(c, http.StatusOK, "login", s.layout(c, label("login.title"), "page-login", d))
	return nil
}

// loginForm is POST /login from the login page. The form has no session
// yet, so it is protected by the same-origin check alone.
func (s *Server) loginForm(c *gin.Context) error {
	if !sameOrigin(c.Request) {
		return &Error{Status: http.StatusForbidden, Code: "cross_site", Message: MsgCrossSite}
	}
	lr := loginRequest{Username: c.PostForm("username"), Password: c.PostForm("password")}
	next := safeNext(c.PostForm("next"))
	_, token, expires, err := s.login(c, lr, catalog.SessionCookie)
	if err != nil {
		e := toError(err)
		d := loginPageData{Next: next, Username: lr.Username, Error: e.Message}
		s.render(c, e.Status, "login", s.layout(c, label("login.title"), "page-login", d))
		return nil
	}
	s.setSessionCookie(c, token, expires)
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

func (s *Server) logoutForm(c *gin.Context) error {
	if currentUser(c) != nil {
		if err := s.checkCSRF(c); err != nil {
			return err
		}
	}
	s.endSession(c)
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}
