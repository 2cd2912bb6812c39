// Package web serves zhinan's HTTP API and web pages with gin. Handlers are
// thin: they decode the request, call the domain (catalog, store, search,
// report) and render; errors go through one wrapper that maps domain
// errors to HTTP statuses.
//
// It is the top layer with cmd/zhinan: nothing in zhinan imports it. It
// reaches the database only through package store, never gorm or a driver
// itself.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/report"
	"zhinan/search"
	"zhinan/store"
)

// Options configure the web layer.
type Options struct {
	// HomeRegion is the city whose catalogue the pages present first
	// (安康市 610900); its children are offered in the region chooser.
	// It is the site's own region (serve --site-region): /audit and GET
	// /api/v1/coverage default to it, as `zhinan report` does.
	HomeRegion string
	// Targets are the coverage targets reports mark groups against.
	Targets report.Targets
	// SecureCookies marks the session and region cookies Secure on every
	// response: TLS ends in a proxy in front of zhinan (serve
	// --secure-cookies). Without it they are Secure when TLS ends in this
	// process, or when a trusted proxy says the client used HTTPS.
	SecureCookies bool
	// TrustedProxies are the addresses whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (serve --trusted-proxy); no
	// other request's forwarding headers are.
	TrustedProxies []*net.IPNet
	// AddressLimit and TokenLimit are the API's rate limits per client
	// address and per system token (serve --rate-limit, --token-rate-limit;
	// docs/api.md#rate-limits). The zero value is no limit: serve's flags
	// default to DefaultAddressRate and DefaultTokenRate.
	AddressLimit, TokenLimit RateLimit
	// Now is the server's clock (nil: time.Now); tests replace it.
	Now func() time.Time
}

// Server is zhinan's HTTP handler: the JSON API and the web pages.
type Server struct {
	store      *store.Store
	index      *search.Index
	opts       Options
	handler    http.Handler
	templates  map[string]*template.Template
	assets     *assets
	regions    *regionCache
	bundles    *bundleCache // the published 一件事一次办 (bundles.go)
	views      *viewCounter
	searches   *searchLog // searches by query text (search_log.go)
	limiter    *loginLimiter
	fbLimiter  *windowLimiter
	addrLimit  *bucketLimiter // the API's rate limit per address (ratelimit.go)
	tokenLimit *bucketLimiter // and per system token
	tokenUses  *tokenUsage    // system tokens' last use and reads (tokens.go)
	now        func() time.Time
	secret     []byte        // keys the form tokens (CSRF)
	apiDoc     *apiDocument  // the OpenAPI document and its page (openapi.go)
	feed       *changeSignal // wakes the requests waiting for the change feed (changes.go)
}

// viewFlush is how often page views are written to the store.
const viewFlush = 10 * time.Second

// New returns the HTTP server of zhinan over the store and its index.
func New(ctx context.Context, st *store.Store, index *search.Index, opts Options) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{store: st, index: index, opts: opts, views: &viewCounter{m: map[string]int64{}}, limiter: newLoginLimiter(),
		addrLimit: newBucketLimiter(opts.AddressLimit), tokenLimit: newBucketLimiter(opts.TokenLimit), tokenUses: newTokenUsage(), now: opts.Now,
		feed: newChangeSignal()}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.secret, err = formSecret(ctx, st); err != nil {
		return nil, err
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.regions, err = newRegionCache(ctx, st); err != nil {
		return nil, err
	}
	if s.templates, err = newTemplates(s.assets, s.regions.name); err != nil {
		return nil, err
	}
	if s.apiDoc, err = loadAPIDocument(); err != nil {
		return nil, err
	}
	s.bundles = newBundleCache(st)
	s.searches = newSearchLog()
	r := gin.New()
	r.Use(gin.Recovery(), securityHeaders, limitBody, s.forwarded, privateResponses, s.authenticate, s.crossSite)
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			writeAPIError(c, &Error{Status: http.StatusNotFound, Code: "not_found", Message: MsgNoRoute})
			return
		}
		s.page(func(*gin.Context) error { return catalog.ErrNotFound })(c)
	})
	// A path that exists with another method: 405, in the API's error
	// shape under /api/ (gin's plain text otherwise), with Allow set by gin.
	r.NoMethod(func(c *gin.Context) {
		e := &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: MsgMethodNotAllowed}
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			writeAPIError(c, e)
			return
		}
		s.refuse(c, e)
	})
	r.GET("/healthz", api(s.healthz))
	r.GET(assetPrefix+"*file", s.assets.serve)
	r.GET("/", s.page(s.home))
	r.GET("/search", s.page(s.searchPage))
	r.GET("/items/:code", s.noteOpened, s.page(s.itemHandler("item")))
	r.GET("/items/:code/brief", s.page(s.itemHandler("brief")))
	r.GET("/departments/:id", s.page(s.departmentPage))
	r.GET("/themes/:name", s.page(s.themePage))
	r.GET("/regions/:code", s.page(s.regionPage))
	r.GET("/region", s.page(s.setRegion))
	r.GET("/elder", s.page(s.setElder))
	r.GET("/bundles", s.page(s.bundlesListPage))
	r.GET("/bundles/:code", s.noteOpened, s.page(s.bundlePageHandler))
	r.GET("/login", s.page(s.loginPage))
	r.POST("/login", s.page(s.loginForm))
	r.POST("/logout", s.page(s.logoutForm))
	r.GET("/edit", s.page(s.workbench))
	r.GET("/edit/new", s.page(s.newItemGet))
	r.POST("/edit/new", s.page(s.newItemPost))
	r.GET("/edit/items/:code", s.page(s.editItemPage))
	r.POST("/edit/items/:code", s.page(s.editItemPost))
	r.GET("/edit/items/:code/history", s.page(s.historyGet))
	r.GET("/edit/items/:code/diff", s.page(s.diffPage))
	r.GET("/review/items/:code", s.page(s.reviewItemPage))
	r.POST("/review/items/:code/publish", s.page(s.reviewPost(true)))
	r.POST("/review/items/:code/reject", s.page(s.reviewPost(false)))
	r.POST("/review/items/:code/withdraw", s.page(s.withdrawPost)) // withdraw.go
	r.GET("/audit-log", s.page(s.changeLogPage))
	r.GET("/edit/tickets", s.page(s.deptTicketsGet)) // tickets.go
	r.GET("/edit/tickets/:id", s.page(s.deptTicketGet))
	r.POST("/edit/tickets/:id", s.page(s.deptTicketPost))
	r.GET("/edit/bundles", s.page(s.bundleListGet))
	r.GET("/edit/bundles/new", s.page(s.bundleNewGet))
	r.POST("/edit/bundles/new", s.page(s.bundlePost(true)))
	r.GET("/edit/bundles/:code", s.page(s.bundleEditGet))
	r.POST("/edit/bundles/:code", s.page(s.bundlePost(false)))
	r.GET("/review/bundles/:code", s.page(s.bundleReviewGet))
	r.POST("/review/bundles/:code/publish", s.page(s.bundleReviewPost(true)))
	r.POST("/review/bundles/:code/reject", s.page(s.bundleReviewPost(false)))
	r.GET("/audit", s.page(s.reportPage))
	r.GET("/audit/download", s.page(s.reportDownload))
	r.GET("/admin/tokens", s.page(s.tokensPage)) // token_page.go
	r.POST("/admin/tokens", s.page(s.tokenCreatePost))
	r.POST("/admin/tokens/:name/revoke", s.page(s.tokenRevokePost))
	r.GET("/api/docs", s.page(s.apiDocsPage)) // openapi.go
	v1 := r.Group("/api/v1", s.rateLimit)
	v1.GET("/openapi.json", api(s.openAPI))
	v1.POST("/login", api(s.apiLogin))
	v1.POST("/logout", api(s.apiLogout))
	v1.GET("/search", api(s.search))
	v1.GET("/suggest", api(s.suggest))
	v1.GET("/themes", api(s.themes))
	v1.GET("/bundles", api(s.apiBundles))
	v1.GET("/bundles/:code", api(s.apiBundle))
	v1.GET("/items/:code", api(s.item))
	v1.POST("/items", api(s.apiCreateItem))
	v1.GET("/items/:code/draft", api(s.apiDraft))
	v1.PUT("/items/:code/draft", api(s.apiSaveDraft))
	v1.POST("/items/:code/submit", api(s.apiSubmit))
	v1.POST("/items/:code/publish", api(s.apiPublish))
	v1.POST("/items/:code/reject", api(s.apiReject))
	v1.POST("/items/:code/withdraw", api(s.apiWithdraw)) // withdraw.go
	v1.GET("/changes", api(s.apiChanges))                // changes.go
	v1.GET("/items/:code/editions", api(s.apiEditions))
	v1.GET("/items/:code/diff", api(s.apiDiff))
	v1.POST("/bundles", api(s.apiCreateBundle))
	v1.GET("/bundles/:code/draft", api(s.apiBundleDraft))
	v1.PUT("/bundles/:code/draft", api(s.apiSaveBundle))
	v1.POST("/bundles/:code/submit", api(s.apiSubmitBundle))
	v1.POST("/bundles/:code/publish", api(s.apiPublishBundle))
	v1.POST("/bundles/:code/reject", api(s.apiRejectBundle))
	v1.GET("/bundles/:code/editions", api(s.apiBundleEditions))
	v1.GET("/audit-log", api(s.apiChangeLog))
	v1.GET("/department-tickets", api(s.apiDeptTickets)) // tickets.go
	v1.GET("/department-tickets/:id", api(s.apiDeptTicket))
	v1.POST("/department-tickets/:id/move", api(s.apiDeptTicketMove))
	v1.GET("/regions", api(s.regionList))
	v1.GET("/departments", api(s.departments))
	v1.GET("/coverage", api(s.apiCoverage))
	s.feedbackRoutes(r, v1) // 好差评, 指南有误, 办不成事 and tickets (feedback_pages.go)
	v1.GET("/feedback", api(s.apiFeedback))
	answerHead(r)
	s.handler = r
	return s, nil
}

// answerHead makes every GET route answer HEAD as well (monitors probe
// /healthz with HEAD; without it gin answers 405): the same handler runs,
// and net/http sends its headers without the body.
func answerHead(r *gin.Engine) {
	for _, rt := range r.Routes() {
		if rt.Method == http.MethodGet {
			r.HEAD(rt.Path, rt.HandlerFunc)
		}
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run writes page views and search counts to the store every viewFlush
// until ctx ends, and once more then; meanwhile it watches the change
// sequence for the requests waiting for the change feed (watchFeed).
func (s *Server) Run(ctx context.Context) {
	go s.watchFeed(ctx)
	t := time.NewTicker(viewFlush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.flushViews(context.Background())
			s.tokenUses.flush(context.Background(), s.store, s.now(), true)
			return
		case <-t.C:
			s.flushViews(ctx)
			s.tokenUses.flush(ctx, s.store, s.now(), false)
		}
	}
}

func (s *Server) flushViews(ctx context.Context) {
	if err := s.store.AddViews(ctx, s.views.take()); err != nil {
		slog.Error("record page views", "err", err)
	}
	if err := s.store.AddSearchCounts(ctx, s.searches.take()); err != nil {
		slog.Error("record search counts", "err", err)
	}
}

// healthz reports the store and the search index: 503 when the store does
// not answer or no search can be; 200 otherwise, with "status":"degraded"
// while the index has failed and is being rebuilt (searches answer from
// its last good state), its error and how many store changes it lags.
func (s *Server) healthz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), healthTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: MsgUnhealthy}
	}
	h := s.index.Health()
	body := gin.H{"status": "ok", "store": "ok", "index": h.State, "index_seq": h.Seq,
		"index_generation": h.Generation, "index_rebuilds": h.Rebuilds}
	if seq, err := s.store.Seq(ctx); err == nil {
		body["store_seq"], body["index_lag"] = seq, max(seq-h.Seq, 0)
	}
	if n, err := s.store.SizeBytes(ctx); err == nil {
		body["store_bytes"] = n // the database files: an operator watches it grow
	}
	if h.Err != "" {
		body["index_error"], body["index_since"] = h.Err, h.Since
		if !h.NextRetry.IsZero() {
			body["index_next_rebuild"] = h.NextRetry
		}
	}
	if h.LastErr != "" {
		body["index_last_error"], body["index_last_error_at"] = h.LastErr, h.LastAt
	}
	status := http.StatusOK
	switch h.State {
	case search.HealthDegraded:
		body["status"] = search.HealthDegraded
	case search.HealthUnavailable:
		body["status"], status = search.HealthUnavailable, http.StatusServiceUnavailable
	}
	c.JSON(status, body)
	return nil
}

func (s *Server) item(c *gin.Context) error {
	p, err := s.store.Published(c.Request.Context(), c.Param("code"))
	if err != nil {
		return err
	}
	body, err := json.Marshal(itemResponse(p, c.Request.URL.Query()))
	if err != nil {
		return err
	}
	writeJSONCached(c, body, cacheItem)
	return nil
}

func (s *Server) regionList(c *gin.Context) error {
	rs, err := s.store.Regions(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"regions": rs})
	return nil
}

func (s *Server) departments(c *gin.Context) error {
	region := c.Query("region")
	if region != "" {
		if _, err := s.store.Region(c.Request.Context(), region); err != nil {
			if errors.Is(err, catalog.ErrNotFound) {
				return badRequest("region", MsgUnknownRegion)
			}
			return err
		}
	}
	ds, err := s.store.Departments(c.Request.Context(), region)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"departments": ds})
	return nil
}
