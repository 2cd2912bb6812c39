package web

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/unicode/norm"

	"zhinan/search"
	"zhinan/store"
)

// Unanswered searches (docs/search.md#unanswered-searches): the searches
// made on the search page are counted by query text and week — how many,
// how many found nothing, how many results were opened from them — so that
// the feedback report can list the questions the catalogue does not
// answer. Nothing else of a search is kept: no address, no user, no time
// finer than the week.
const (
	// maxLoggedQueryRunes is the longest query counted, normalised; a
	// longer one is a pasted text rather than a question, and is not.
	maxLoggedQueryRunes = 40
	// maxLoggedDigits is the shortest run of digits that keeps a query from
	// being counted: an ID card, phone or account number is personal.
	maxLoggedDigits = 6
	// maxSearchLogKeys bounds the queries held between two flushes; a
	// query not held yet is dropped once there are as many.
	maxSearchLogKeys = 10000
)

// searchLog counts searches in memory; Server.Run writes the counts to the
// store with the page views (flushViews), so a search never waits for a
// write.
type searchLog struct {
	mu  sync.Mutex
	m   map[searchLogKey]*store.SearchCount
	now func() time.Time
}

type searchLogKey struct{ week, query string }

func newSearchLog() *searchLog {
	return &searchLog{m: map[searchLogKey]*store.SearchCount{}, now: time.Now}
}

// record counts a search for query, which found nothing when empty.
func (l *searchLog) record(query string, empty bool) {
	l.add(query, func(c *store.SearchCount) {
		c.Searches++
		if empty {
			c.Empty++
		}
	})
}

// opened counts a result opened from a search for query.
func (l *searchLog) opened(query string) {
	l.add(query, func(c *store.SearchCount) { c.Opened++ })
}

// add applies count to the counts of query (normalised) this week, unless
// the query is not counted or the log is full.
func (l *searchLog) add(query string, count func(*store.SearchCount)) {
	q, ok := loggedQuery(query)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := searchLogKey{searchWeek(l.now()), q}
	c := l.m[k]
	if c == nil {
		if len(l.m) >= maxSearchLogKeys {
			return
		}
		c = &store.SearchCount{Week: k.week, Query: k.query}
		l.m[k] = c
	}
	count(c)
}

// take returns the counts held and empties the log.
func (l *searchLog) take() []store.SearchCount {
	l.mu.Lock()
	m := l.m
	l.m = map[searchLogKey]*store.SearchCount{}
	l.mu.Unlock()
	out := make([]store.SearchCount, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	return out
}

// searchWeek is the week of t as the store keeps it: the date of its
// Monday in China time.
func searchWeek(t time.Time) string {
	t = t.In(chinaTime)
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return t.AddDate(0, 0, -back).Format("2006-01-02")
}

// loggedQuery returns query as it is counted, and whether it is counted at
// all. Two queries a person reads as the same question count as one: full
// width folded to half width and upper case to lower (NFKC then lower
// case, as search analyses text), invisible format characters dropped,
// blanks collapsed to one space, punctuation trimmed from both ends. Not
// counted: an empty query, one that is not valid text, one longer than
// maxLoggedQueryRunes, and one holding maxLoggedDigits digits in a row
// (blanks and hyphens between them included).
func loggedQuery(query string) (string, bool) {
	if !utf8.ValidString(query) {
		return "", false
	}
	q := strings.ToLower(norm.NFKC.String(query))
	q = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, q)
	q = strings.Join(strings.Fields(q), " ")
	q = strings.TrimFunc(q, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	if q == "" || utf8.RuneCountInString(q) > maxLoggedQueryRunes {
		return "", false
	}
	digits := 0
	for _, r := range q {
		switch {
		case unicode.IsControl(r):
			return "", false
		case unicode.IsDigit(r):
			if digits++; digits >= maxLoggedDigits {
				return "", false
			}
		case r == ' ' || r == '-':
			// a separator inside a number: 138 1234 5678, 0915-321…
		default:
			digits = 0
		}
	}
	return q, true
}

// logSearch counts a search of the search page (results with action
// /search): the first page of a query as typed in the search box, with no
// filter, service or grouping — a refinement of a search counted already
// is not another question. The JSON API's searches and suggestions are not
// counted: what their callers open is not seen.
func (s *Server) logSearch(c *gin.Context, action string, r search.Request, res *search.Result) {
	if action != "/search" || c.Request.Method != http.MethodGet || r.Page > 1 ||
		r.Region != "" || r.Department != "" || r.Type != "" || r.Audience != "" || r.Theme != "" ||
		len(r.Flags) > 0 || r.Service != "" || r.Group != "" {
		return
	}
	s.searches.record(r.Q, res.Total == 0)
}

// noteOpened runs before an item's or a bundle's page handler: once the
// page is served (200 to a GET), a page opened from the results of a search
// of this site — a Referer of this host's /search with the query q; the
// result links are left as they are — counts as a result opened from q.
func (s *Server) noteOpened(c *gin.Context) {
	c.Next()
	if c.Request.Method != http.MethodGet || c.Writer.Status() != http.StatusOK {
		return
	}
	if q, ok := searchReferer(c.Request); ok {
		s.searches.opened(q)
	}
}

// searchReferer returns the query of the search page of this site that
// the request's Referer names, if it names one.
func searchReferer(r *http.Request) (string, bool) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return "", false
	}
	ref := r.Header.Get("Referer")
	if ref == "" {
		return "", false
	}
	u, err := url.Parse(ref)
	if err != nil || u.Host != r.Host || u.Path != "/search" {
		return "", false
	}
	q := u.Query().Get("q")
	return q, q != ""
}
