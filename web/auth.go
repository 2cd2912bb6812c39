package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/store"
)

// sessionCookie holds a browser session's token (HttpOnly, SameSite=Lax).
const sessionCookie = "zhinan_session"

// Context keys.
const (
	ctxUser     = "user"
	ctxToken    = "token"
	ctxViaAuth  = "via"    // "cookie" or "bearer"
	ctxClientIP = "client" // the client's address (see forwarded)
	ctxHTTPS    = "https"  // a trusted proxy says the client used HTTPS
)

// noStore marks a response that no cache may keep.
const noStore = "no-store"

// forwarded resolves the client's address and scheme. zhinan trusts no
// forwarding header by default; when the request comes from one of
// Options.TrustedProxies, X-Forwarded-For names the client (the nearest
// address that is not itself a trusted proxy) and X-Forwarded-Proto
// "https" (the value the nearest proxy added) makes the session cookie
// Secure.
func (s *Server) forwarded(c *gin.Context) {
	ip := remoteIP(c.Request)
	if s.trusted(ip) {
		if v := lastListValue(c.Request.Header.Values("X-Forwarded-Proto")); strings.EqualFold(v, "https") {
			c.Set(ctxHTTPS, true)
		}
		if xff := c.Request.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(strings.Join(xff, ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				hop := net.ParseIP(strings.TrimSpace(hops[i]))
				if hop == nil {
					break // a forged or garbled hop: keep the last good one
				}
				ip = hop.String()
				if !s.trusted(ip) {
					break
				}
			}
		}
	}
	c.Set(ctxClientIP, ip)
	c.Next()
}

// trusted reports whether ip is one of the trusted proxies.
func (s *Server) trusted(ip string) bool {
	if len(s.opts.TrustedProxies) == 0 {
		return false
	}
	a := net.ParseIP(ip)
	for _, n := range s.opts.TrustedProxies {
		if a != nil && n.Contains(a) {
			return true
		}
	}
	return false
}

// lastListValue is the last element of a comma-separated header.
func lastListValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

// secureRequest reports whether cookies set for this request must be
// Secure: TLS ends in this process, serve --secure-cookies says TLS ends
// in front of it, or a trusted proxy says the client used HTTPS.
func (s *Server) secureRequest(c *gin.Context) bool {
	return c.Request.TLS != nil || s.opts.SecureCookies || c.GetBool(ctxHTTPS)
}

// privateResponses marks every response to a request that carries a
// session cookie or a token "Cache-Control: no-store": such pages and
// answers may hold drafts, names and tokens that no cache (a browser's
// back-forward cache, a shared proxy) may keep. A handler of public
// content (the fingerprinted assets) may still say otherwise.
func privateResponses(c *gin.Context) {
	if c.GetHeader("Authorization") != "" {
		c.Header("Cache-Control", noStore)
	} else if _, err := c.Cookie(sessionCookie); err == nil {
		c.Header("Cache-Control", noStore)
	}
	c.Next()
}

// authenticate attaches the user of a session cookie or bearer token to
// the request, if any. It never refuses a session token: routes that need
// a user say so. A system token (zn_…) that does not work is refused at
// once (authenticateToken).
func (s *Server) authenticate(c *gin.Context) {
	token, via := "", ""
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token, via = strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), "bearer"
		if strings.HasPrefix(token, store.TokenPrefix) {
			s.authenticateToken(c, token) // a system token: works or is refused (tokens.go)
			return
		}
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
// cookie from another origin (docs/contract.md#sessions-and-cross-site-requests): the browser says where the request
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
	known, same := requestOrigin(r)
	return known && same
}

// requestOrigin says whether the request tells where it comes from
// (Sec-Fetch-Site, else Origin, else Referer) and if so whether that is a
// page of this server. Browsers send Origin with every cross-origin POST;
// scripts (curl, Python) usually send none of these.
func requestOrigin(r *http.Request) (known, same bool) {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true, true
	case "same-site", "cross-site":
		return true, false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return false, false
	}
	if origin == "null" {
		return true, false
	}
	u, err := url.Parse(origin)
	return true, err == nil && u.Host == r.Host
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
	s.renderError(c, e)
	c.Abort()
}

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Username string `json:"username" form:"username"`
	Password string `json:"password" form:"password"`
}

// maxLoginNameBytes bounds the user name a login may send: account names
// are at most 32 characters (store.AddUser), 128 bytes of UTF-8.
const maxLoginNameBytes = 256

// login checks the credentials (rate limited per client address and per
// user name) and opens a session. The name as the limiter and the change
// log keep it is clipped (store.ClipChangeLogText): it is anonymous input.
func (s *Server) login(c *gin.Context, lr loginRequest, kind string) (*catalog.User, string, time.Time, error) {
	ctx := c.Request.Context()
	ip := clientIP(c)
	name := store.ClipChangeLogText(lr.Username)
	if wait := s.limiter.blocked(ip, name); wait > 0 {
		c.Header("Retry-After", itoa(int(wait.Seconds())+1))
		return nil, "", time.Time{}, &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: MsgTooManyLogins}
	}
	var err error
	var u *catalog.User
	switch {
	case len(lr.Username) > maxLoginNameBytes:
		err = badRequest("username", MsgLoginFieldTooLong)
	case len(lr.Password) > store.MaxPasswordBytes:
		err = badRequest("password", MsgLoginFieldTooLong)
	default:
		u, err = s.store.Authenticate(ctx, lr.Username, lr.Password)
		if errors.Is(err, store.ErrBadCredentials) {
			err = &Error{Status: http.StatusUnauthorized, Code: "bad_credentials", Message: MsgBadCredentials}
		}
	}
	var e *Error
	if errors.As(err, &e) {
		s.limiter.fail(ip, name)
		if aerr := s.store.LogChange(ctx, store.ChangeEntry{UserName: name, Action: store.OpLoginFailed, Remote: ip}); aerr != nil {
			slog.Error("log a failed login", "err", aerr)
		}
		return nil, "", time.Time{}, e
	}
	if err != nil {
		return nil, "", time.Time{}, err
	}
	s.limiter.succeed(name)
	token, expires, err := s.store.CreateSession(ctx, u, kind)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	if err := s.store.LogChange(ctx, store.ChangeEntry{UserName: u.Name, Action: store.OpLogin, Remote: ip}); err != nil {
		slog.Error("log a login", "err", err)
	}
	return u, token, expires, nil
}

// setSessionCookie sets the session cookie; it lives as long as the
// session (store.CookieSessionTTL).
func (s *Server) setSessionCookie(c *gin.Context, token string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(c)})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureRequest(c)})
}

// isJSONRequest reports whether the request body is declared JSON.
func isJSONRequest(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// apiLogin is POST /api/v1/login. The body must be declared JSON (a form
// of another site can only send text/plain, urlencoded or multipart
// without asking first). A request from a page of this server gets a
// session cookie lasting as long as a page login's (CookieSessionTTL)
// and the same token; a request from another site is refused (403), so
// that no site can sign a visitor into its own account (login CSRF). A
// script, which says nowhere where it comes from, gets only the token
// (Authorization: Bearer, TokenSessionTTL) and no cookie.
func (s *Server) apiLogin(c *gin.Context) error {
	if !isJSONRequest(c.Request) {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: MsgLoginJSON}
	}
	known, same := requestOrigin(c.Request)
	if known && !same {
		return &Error{Status: http.StatusForbidden, Code: "cross_site", Message: MsgCrossSite}
	}
	var lr loginRequest
	if err := decodeJSON(c, &lr); err != nil {
		return err
	}
	kind := store.SessionToken
	if same {
		kind = store.SessionCookie
	}
	u, token, expires, err := s.login(c, lr, kind)
	if err != nil {
		return err
	}
	if kind == store.SessionCookie {
		s.setSessionCookie(c, token, expires)
	}
	c.Header("Cache-Control", noStore)
	c.JSON(http.StatusOK, gin.H{"user": u.Name, "role": u.Role, "token": token, "expires_at": expires})
	return nil
}

func (s *Server) apiLogout(c *gin.Context) error {
	if _, err := needUser(c); err != nil {
		return err
	}
	if c.GetString(ctxSystemToken) != "" {
		// A system token has no session to end: it stays valid until an
		// admin revokes it, and saying "ok" would pretend otherwise.
		return badRequest("Authorization", MsgTokenNoLogout)
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"ok": true})
	return nil
}

// errLogoutFailed is answered when a session could not be ended: the
// user must not believe they are signed out while the token still works.
var errLogoutFailed = &Error{Status: http.StatusInternalServerError, Code: "logout_failed", Message: MsgLogoutFailed}

// endSession ends the request's session and clears the cookie; when the
// session could not be deleted it fails and keeps the cookie.
func (s *Server) endSession(c *gin.Context) error {
	ctx := c.Request.Context()
	if u := currentUser(c); u != nil {
		if err := s.store.DeleteSession(ctx, c.GetString(ctxToken)); err != nil {
			slog.Error("end a session", "user", u.Name, "err", err)
			return errLogoutFailed
		}
		if err := s.store.LogChange(ctx, store.ChangeEntry{UserName: u.Name, Action: store.OpLogout, Remote: clientIP(c)}); err != nil {
			slog.Error("log a logout", "err", err)
		}
	}
	s.clearSessionCookie(c)
	return nil
}

// clientIP is the address the request came from: the peer's, or the
// client's a trusted proxy names (forwarded).
func clientIP(c *gin.Context) string {
	if ip := c.GetString(ctxClientIP); ip != "" {
		return ip
	}
	return remoteIP(c.Request)
}

// remoteIP is the address of the peer.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginPageData is the data of the login page.
type loginPageData struct {
	Next     string
	Username string
	Error    string
}

// localPath returns next when it is a path of this site, else fallback:
// the one check of every redirect target a request names (the region
// chooser's and the login's next), so that none leads off the site. next
// must parse (net/url) without scheme, host or user, start with exactly
// one "/" (not "//" nor "/\", which browsers take for another host), hold
// no backslash and no control character anywhere (browsers drop tabs and
// line breaks, "/\t/evil" becomes "//evil"), and its decoded path must
// not start with "//" either.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return fallback
	}
	for _, r := range next {
		if r == '\\' || unicode.IsControl(r) || r == utf8.RuneError {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\") {
		return fallback
	}
	return next
}

// loginFallback is where a login goes without a usable next.
const loginFallback = "/edit"

func (s *Server) loginPage(c *gin.Context) error {
	d := loginPageData{Next: localPath(c.Query("next"), loginFallback)}
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
	next := localPath(c.PostForm("next"), loginFallback)
	_, token, expires, err := s.login(c, lr, store.SessionCookie)
	if err != nil {
		e := toError(err)
		e.setHeaders(c)
		d := loginPageData{Next: next, Error: e.Message}
		if len(lr.Username) <= maxLoginNameBytes {
			d.Username = lr.Username
		}
		s.render(c, e.Status, "login", s.layout(c, label("login.title"), "page-login", d))
		return nil
	}
	s.setSessionCookie(c, token, expires)
	c.Header("Cache-Control", noStore)
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

func (s *Server) logoutForm(c *gin.Context) error {
	if currentUser(c) != nil {
		if err := s.checkCSRF(c); err != nil {
			return err
		}
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}
