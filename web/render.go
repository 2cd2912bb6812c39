package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/report"
)

//go:embed templates/*.html
var templateFS embed.FS

// newTemplates parses every page template with the shared layout.
func newTemplates(a *assets, regionName func(string) string) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"t":         label,
		"tf":        func(key string, args ...any) string { return fmt.Sprintf(label(key), args...) },
		"asset":     a.url,
		"flagLabel": catalog.FlagLabel,
		"flagShort": catalog.FlagShort,
		"fieldName": catalog.Label,
		"depth": func(d *int) string {
			if d == nil || *d < 0 || *d >= len(catalog.OnlineDepthLabels) {
				return ""
			}
			return catalog.OnlineDepthLabels[*d]
		},
		"region": regionName,
		"deref":  func(p *int) int { return *p },
		"yesno": func(b *bool) string {
			if b == nil {
				return label("item.notgiven")
			}
			if *b {
				return label("item.yes")
			}
			return label("item.no")
		},
		"isTrue":    func(b *bool) bool { return b != nil && *b },
		"date":      func(t time.Time) string { return t.In(chinaTime).Format("2006-01-02") },
		"add":       func(a, b int) int { return a + b },
		"safe":      func(s string) template.HTML { return template.HTML(s) }, // only for HTML the search escaped
		"rateIDs":   func() []string { return report.RateIDs },
		"rateLabel": func(id string) string { return report.RateLabels[id] },
		"rateText": func(r report.Row, id string) string {
			if v := rateOf(r, id); v != nil {
				return fmt.Sprintf("%.2f", *v)
			}
			return "—"
		},
		"belowTarget": func(r report.Row, id string) bool {
			for _, b := range r.BelowTarget {
				if b == id {
					return true
				}
			}
			return false
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/feedback-partials.html")
	if err != nil {
		return nil, err
	}
	pages := []string{"home", "search", "item", "brief", "error", "login", "audit", "bundle", "bundles",
		"edit-home", "edit-item", "edit-new", "edit-review", "edit-history", "edit-audit",
		"edit-bundles", "edit-bundle", "edit-bundle-review", "edit-tickets", "edit-ticket", "admin-tokens",
		"feedback-rate", "feedback-report", "feedback-fail", "feedback-thanks", "ticket", "api-docs"}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		out[p] = t
	}
	return out, nil
}

// chinaTime is the time zone dates are shown in.
var chinaTime = time.FixedZone("CST", 8*3600)

// label returns the page text for key; a missing key shows as itself, so
// that a typo is visible in the page and in tests.
func label(key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return key
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// layoutData is what the layout needs on every page.
type layoutData struct {
	Title   string
	Q       string
	Region  *catalog.Region // the remembered region, if any
	Regions []catalog.Region
	NoIndex bool
	Page    any
	// Body selects the page's CSS class, e.g. "page-item".
	Body string
	Here string        // this page's path and query, where the region chooser returns to
	User *catalog.User // the signed-in user, if any
	CSRF string        // the form token of the session
	// Elder is the 长辈版 (web/elder.go): the body's class "elder";
	// ElderURL is the link that switches it on or off.
	Elder    bool
	ElderURL string
}

// render executes a page template into a buffer first, so that a template
// error becomes a clean 500 page rather than half a page.
func (s *Server) render(c *gin.Context, status int, page string, d layoutData) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := s.templates[page].ExecuteTemplate(buf, "layout.html", d); err != nil {
		slog.Error("render page", "page", page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(label("error.internal")))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// pageFunc is a page handler that returns its error instead of writing it.
type pageFunc func(c *gin.Context) error

// page wraps a pageFunc: a returned error becomes an HTML error page with
// the status toError gives it, saying why and linking back (renderError).
func (s *Server) page(h pageFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.renderError(c, err)
		}
	}
}
