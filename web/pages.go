package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/search"
)

// regionCookie remembers the region a citizen chose: its items represent
// the services in search results (it filters nothing there) and it scopes
// the home page's counts.
const regionCookie = "region"

// Named limits of the pages.
const (
	hotItems         = 8  // items in the 热门 lists
	pageWindow       = 2  // page links shown on each side of the current page
	chipsPerDim      = 12 // facet values shown before the rest are folded
	serviceListSize  = 30 // rows of one service's list of items in every region, unless size is given
	regionCookieDays = 365
)

// layout builds the layout data every page needs.
func (s *Server) layout(c *gin.Context, title, body string, page any) layoutData {
	d := layoutData{Title: title, Body: body, Page: page, Q: clipQuery(c.Query("q")), Regions: s.homeRegions(),
		User: currentUser(c), CSRF: s.csrfToken(c), Here: c.Request.URL.RequestURI(), Elder: elderMode(c)}
	d.ElderURL = elderSwitch(d.Elder, d.Here)
	if code := s.chosenRegion(c); code != "" {
		r := s.regions.get(code)
		d.Region = &r
	}
	return d
}

// chosenRegion returns the region remembered in the cookie, if it exists.
func (s *Server) chosenRegion(c *gin.Context) string {
	code, err := c.Cookie(regionCookie)
	if err != nil || !s.regions.exists(code) {
		return ""
	}
	return code
}

// homeRegions are the regions offered in the region chooser: the home
// region and its children.
func (s *Server) homeRegions() []catalog.Region {
	return s.regions.family(s.opts.HomeRegion)
}

// setRegion remembers (or, with an empty code, forgets) the citizen's
// region and goes back to the page they came from.
func (s *Server) setRegion(c *gin.Context) error {
	code := c.Query("code")
	if code != "" && !s.regions.exists(code) {
		return badRequest("code", MsgUnknownRegion)
	}
	maxAge := regionCookieDays * 24 * 3600
	if code == "" {
		maxAge = -1
	}
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(regionCookie, code, maxAge, "/", "", s.secureRequest(c), true)
	c.Redirect(http.StatusSeeOther, localPath(c.Query("next"), "/")) // only local paths: no open redirect
	return nil
}

// homePage is the data of /. Its counts count services (one per
// catalogue entry and name, however many regions offer it), as the
// results pages do, and each links to the page that shows that many: in
// the chosen region (Region) when there is one, else in the whole
// catalogue.
type homePage struct {
	Region      string // the chosen region's code: the counts' and links' region filter
	RegionName  string
	Counts      []search.FacetValue
	Total       int
	Personal    []search.FacetValue
	Business    []search.FacetValue
	Departments []deptLink
	Regions     []search.FacetValue
	Hot         []hotItem
	Bundles     []bundleCard // the life events (一件事一次办), by code
}

type deptLink struct {
	ID    uint
	Name  string
	Count int
}

type hotItem struct {
	Code, Name, RegionName, Department string
	// URL is where a 热门 link goes: the item's guide, or (with no region
	// chosen and no city item) the service's items in every region.
	URL string
}

func (s *Server) home(c *gin.Context) error {
	ctx := c.Request.Context()
	region := s.chosenRegion(c)
	all, err := s.index.Search(ctx, search.Request{Region: region, Size: 1})
	if err != nil {
		return err
	}
	personal, err := s.index.Search(ctx, search.Request{Region: region, Audience: "自然人", Size: 1})
	if err != nil {
		return err
	}
	business, err := s.index.Search(ctx, search.Request{Region: region, Audience: "法人", Size: 1})
	if err != nil {
		return err
	}
	deptScope := region
	if deptScope == "" {
		deptScope = s.opts.HomeRegion
	}
	depts, err := s.departmentLinks(ctx, deptScope, all.Facets["department"])
	if err != nil {
		return err
	}
	regions, err := s.regionCounts(ctx, all.Facets["region"])
	if err != nil {
		return err
	}
	hot, err := s.hotItems(ctx, region)
	if err != nil {
		return err
	}
	p := homePage{Region: region, Counts: all.Facets["flag"], Total: all.Total, Personal: personal.Facets["theme"],
		Business: business.Facets["theme"], Departments: depts, Regions: regions, Hot: hot}
	if region != "" {
		p.RegionName = s.regions.name(region)
	}
	p.Bundles = s.homeBundles(ctx)
	s.render(c, http.StatusOK, "home", s.layout(c, label("site.name"), "page-home", p))
	return nil
}

// regionCounts gives each region of the region facet the count of the
// page it links to, /regions/{code}: the facet counts a region's own
// items, the page (a region filter) those of its children too.
func (s *Server) regionCounts(ctx context.Context, facet []search.FacetValue) ([]search.FacetValue, error) {
	out := make([]search.FacetValue, len(facet))
	copy(out, facet)
	for i, v := range out {
		if len(s.regions.family(v.Value)) < 2 {
			continue
		}
		res, err := s.index.Search(ctx, search.Request{Region: v.Value, Size: 1})
		if err != nil {
			return nil, err
		}
		out[i].Count = res.Total
	}
	slices.SortStableFunc(out, func(a, b search.FacetValue) int { return b.Count - a.Count })
	return out, nil
}

// departmentLinks pairs the department facet of a region with the
// departments' ids, for links to /departments/{id}.
func (s *Server) departmentLinks(ctx context.Context, region string, facet []search.FacetValue) ([]deptLink, error) {
	ds, err := s.store.Departments(ctx, region)
	if err != nil {
		return nil, err
	}
	ids := map[string]uint{}
	for _, d := range ds {
		ids[d.Name] = d.ID
	}
	var out []deptLink
	for _, f := range facet {
		if id, ok := ids[f.Value]; ok {
			out = append(out, deptLink{ID: id, Name: f.Value, Count: f.Count})
		}
	}
	return out, nil
}

// hotItems are the most viewed items, completed with the items citizens
// most often come for (the best bets) while there are few views yet. With
// a region chosen they are that region's items; without one a county's
// copy would be the wrong place for most citizens, so each links the
// city's own item (s.opts.HomeRegion) when the city offers the service,
// else the list of the service's items in every region.
func (s *Server) hotItems(ctx context.Context, region string) ([]hotItem, error) {
	var out []hotItem
	seen := map[string]bool{}
	viewed, err := s.store.MostViewed(ctx, hotItems*4)
	if err != nil {
		return nil, err
	}
	for _, v := range viewed {
		if len(out) == hotItems {
			return out, nil
		}
		if region != "" && v.Region != region || seen[v.Name] {
			continue
		}
		if region == "" && v.Region != s.opts.HomeRegion {
			h, ok, err := s.hotService(ctx, v.Name)
			if err != nil {
				return nil, err
			}
			if !ok { // not found by its name: the search for it
				h = hotItem{Name: v.Name, URL: "/search?q=" + url.QueryEscape(v.Name)}
			}
			seen[v.Name] = true
			out = append(out, h)
			continue
		}
		seen[v.Name] = true
		out = append(out, hotItem{Code: v.Code, Name: v.Name, RegionName: s.regions.name(v.Region), Department: v.Department,
			URL: "/items/" + url.PathEscape(v.Code)})
	}
	for _, name := range search.PopularNames() {
		if len(out) == hotItems {
			break
		}
		if seen[name] {
			continue
		}
		var h hotItem
		ok := false
		if region == "" {
			if h, ok, err = s.hotService(ctx, name); err != nil {
				return nil, err
			}
		} else {
			res, err := s.index.Search(ctx, search.Request{Q: name, Region: region, Prefer: region, Size: 1})
			if err != nil {
				return nil, err
			}
			if ok = len(res.Hits) == 1 && res.Hits[0].Name == name; ok {
				x := res.Hits[0]
				h = hotItem{Code: x.Code, Name: x.Name, RegionName: x.RegionName, Department: x.Department, URL: "/items/" + url.PathEscape(x.Code)}
			}
		}
		if ok {
			seen[name] = true
			out = append(out, h)
		}
	}
	return out, nil
}

// hotService is the hot item of the service named name for a citizen who
// chose no region: the city's own item when the city offers the service,
// else the list of its items in every region (or, for a service of one
// region only, that item). ok is false when no service has that name.
func (s *Server) hotService(ctx context.Context, name string) (hotItem, bool, error) {
	city := s.opts.HomeRegion
	res, err := s.index.Search(ctx, search.Request{Q: name, Region: city, Prefer: city, Size: 1})
	if err != nil {
		return hotItem{}, false, err
	}
	if len(res.Hits) != 1 || res.Hits[0].Name != name {
		return hotItem{}, false, nil
	}
	h := res.Hits[0]
	if h.Region == city || h.Regions < 2 || h.Service == "" {
		return hotItem{Code: h.Code, Name: h.Name, RegionName: h.RegionName, Department: h.Department,
			URL: "/items/" + url.PathEscape(h.Code)}, true, nil
	}
	v := url.Values{"service": {h.Service}, "group": {search.GroupNone}}
	return hotItem{Name: h.Name, RegionName: fmt.Sprintf(label("search.regions"), h.Regions), URL: "/search?" + v.Encode()}, true, nil
}

// searchPage is the data of /search and the browse pages.
type searchPage struct {
	Heading    string
	Q          string
	Result     *search.Result
	Rows       []resultRow // the result's hits, with their links
	Active     []chip      // filters in force, each with a link that removes it
	Facets     []facetGroup
	Pages      []pageLink
	Prev, Next string
	DidYouMean []string
	Hot        []hotItem
	// AskRegion offers the home region's counties when no region is
	// chosen: one click remembers one (its items then represent services).
	AskRegion []regionLink
	// Preferred is the chosen region whose items represent the services,
	// with links to choose another (ChangeRegion) or none (ClearRegion).
	Preferred    string
	ChangeRegion []regionLink
	ClearRegion  string
	Error        string
	Action       string // the form's action: /search or the browse page
	// Bundles are the life events (一件事一次办) the query asks for, shown
	// above the items on the first page of a search.
	Bundles []bundleCard
}

// resultRow is one row of results: a hit (of a grouped search, the item
// that represents its service) and, when the service is offered in more
// than one region, the link to its items in every region.
type resultRow struct {
	search.Hit
	Everywhere string
}

// regionLink remembers a region and comes back to the page.
type regionLink struct {
	Name, URL string
	On        bool
}

type chip struct {
	Label string
	Count int
	URL   string
	On    bool
}

type facetGroup struct {
	Field string
	Label string
	Chips []chip
	More  []chip
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

// searchPageHandler serves /search.
func (s *Server) searchPage(c *gin.Context) error {
	return s.results(c, "", "/search", search.Request{})
}

// results runs the search of the request's parameters on top of fixed
// (the browse page's own filter) and renders the results page. Results are
// one row per service unless group=none; the chosen region filters
// nothing: its items (else those of the nearest region above it, without
// a choice the home region's) represent the services. An explicit region
// parameter filters.
func (s *Server) results(c *gin.Context, heading, action string, fixed search.Request) error {
	q := c.Request.URL.Query()
	r, perr := searchRequest(c)
	if fixed.Department != "" {
		r.Department, r.Region = fixed.Department, fixed.Region
	}
	if fixed.Theme != "" {
		r.Theme = fixed.Theme
	}
	if fixed.Region != "" && fixed.Department == "" {
		r.Region = fixed.Region
	}
	p := searchPage{Heading: heading, Q: clipQuery(r.Q), Action: action}
	title := label("search.results")
	if heading != "" {
		title = heading
	}
	if perr != nil {
		p.Error = toError(perr).Message
		s.render(c, http.StatusBadRequest, "search", s.layout(c, title, "page-search", p))
		return nil
	}
	if r.Service != "" && q.Get("size") == "" {
		r.Size = serviceListSize // a county-level service is offered in a dozen regions or so: one page
	}
	ctx := c.Request.Context()
	chosen := s.chosenRegion(c)
	r.Prefer = chosen
	if r.Prefer == "" {
		r.Prefer = s.opts.HomeRegion // the city's own items first among equals
	}
	res, err := s.index.Search(ctx, r)
	if err != nil {
		if e := searchError(err); e != err {
			p.Error = toError(e).Message
			s.render(c, http.StatusBadRequest, "search", s.layout(c, title, "page-search", p))
			return nil
		}
		return err
	}
	p.Result = res
	s.logSearch(c, action, r, res) // unanswered searches (search_log.go)
	p.Rows = s.resultRows(q, res)
	if heading == "" && r.Page <= 1 && r.Service == "" {
		p.Bundles = s.bundleCards(ctx, r.Q)
	}
	if r.Service != "" && heading == "" && len(res.Hits) > 0 {
		p.Heading = fmt.Sprintf(label("search.service.heading"), res.Hits[0].Name)
		title = p.Heading
	}
	// The region choice, unless the query named a region (it represents
	// the services then) or the page is one region's or department's, or
	// the results are filtered to a region the choice lies outside.
	if res.Total > 0 && res.Region == "" && fixed.Region == "" {
		here := c.Request.URL.RequestURI()
		if chosen == "" {
			if r.Region == "" || len(s.regions.family(r.Region)) > 1 {
				p.AskRegion = s.regionLinks(here, "")
			}
		} else if r.Region == "" || s.regions.within(chosen, r.Region) {
			p.Preferred = s.regions.name(chosen)
			p.ChangeRegion = s.regionLinks(here, chosen)
			p.ClearRegion = "/region?code=&next=" + url.QueryEscape(here)
		}
	}
	p.Active, p.Facets = s.chips(action, q, r, res, fixed)
	p.Pages, p.Prev, p.Next = pagination(action, q, r.Page, r.Size, res.Total)
	if res.Total == 0 && r.Q != "" {
		p.DidYouMean = s.index.DidYouMean(r.Q)
		if p.Hot, err = s.hotItems(ctx, chosen); err != nil {
			return err
		}
	}
	if r.Q != "" && heading == "" {
		title = r.Q + " - " + label("search.results")
	}
	s.render(c, http.StatusOK, "search", s.layout(c, title, "page-search", p))
	return nil
}

// resultRows pairs the hits with the link to their service's items in
// every region: the service's items under the same filters (a flag, a
// type …), so that the list has as many rows as the hit counted items;
// the query's words are left out, a service's items all being the one
// that was found.
func (s *Server) resultRows(q url.Values, res *search.Result) []resultRow {
	rows := make([]resultRow, len(res.Hits))
	for i, h := range res.Hits {
		rows[i] = resultRow{Hit: h}
		if res.Counts != search.CountsServices || h.Regions < 2 || h.Service == "" {
			continue
		}
		v := url.Values{}
		for _, k := range []string{"region", "department", "type", "audience", "theme", "flag"} {
			if vs, ok := q[k]; ok {
				v[k] = vs
			}
		}
		v.Set("service", h.Service)
		v.Set("group", search.GroupNone)
		rows[i].Everywhere = "/search?" + v.Encode()
	}
	return rows
}

// regionLinks are links that remember each county of the home region (the
// chosen one marked) and come back to the page at here.
func (s *Server) regionLinks(here, chosen string) []regionLink {
	family := s.homeRegions()
	if len(family) < 2 {
		return nil
	}
	out := make([]regionLink, 0, len(family)-1)
	for _, r := range family[1:] {
		out = append(out, regionLink{Name: r.Name, On: r.Code == chosen,
			URL: "/region?code=" + url.QueryEscape(r.Code) + "&next=" + url.QueryEscape(here)})
	}
	return out
}

// chips builds the facet chips: each links to the same search with that
// filter added (or, when active, removed), on the first page.
func (s *Server) chips(action string, q url.Values, r search.Request, res *search.Result, fixed search.Request) ([]chip, []facetGroup) {
	link := func(change func(v url.Values)) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = append([]string(nil), vs...)
		}
		v.Del("page")
		change(v)
		if len(v) == 0 {
			return action
		}
		return action + "?" + v.Encode()
	}
	param := map[string]string{"flag": "flag", "type": "type", "region": "region", "department": "department", "audience": "audience", "theme": "theme"}
	current := map[string][]string{"type": {r.Type}, "audience": {r.Audience}, "theme": {r.Theme}, "flag": r.Flags,
		"region": {q.Get("region")}, "department": {q.Get("department")}}
	var active []chip
	var groups []facetGroup
	for _, field := range search.FacetFields {
		if field == "department" && fixed.Department != "" || field == "theme" && fixed.Theme != "" {
			continue
		}
		g := facetGroup{Field: field, Label: search.FacetLabel(field)}
		for i, v := range res.Facets[field] {
			on := slices.Contains(current[field], v.Value)
			value := v.Value
			ch := chip{Label: v.Label, Count: v.Count, On: on}
			if on {
				ch.URL = link(func(u url.Values) {
					vs := slices.DeleteFunc(u[param[field]], func(x string) bool { return x == value })
					if len(vs) == 0 {
						u.Del(param[field])
					} else {
						u[param[field]] = vs
					}
				})
				active = append(active, ch)
			} else {
				ch.URL = link(func(u url.Values) {
					if field == "flag" {
						u.Add("flag", value)
					} else {
						u.Set(param[field], value)
					}
				})
			}
			if on {
				continue
			}
			if i < chipsPerDim {
				g.Chips = append(g.Chips, ch)
			} else {
				g.More = append(g.More, ch)
			}
		}
		if len(g.Chips) > 0 {
			groups = append(groups, g)
		}
	}
	// The list of one service's items: the way back to every service.
	if r.Service != "" {
		name := label("search.service")
		if len(res.Hits) > 0 {
			name = res.Hits[0].Name
		}
		active = append([]chip{{Label: name, On: true, URL: link(func(u url.Values) {
			u.Del("service")
			u.Del("group")
		})}}, active...)
	}
	// Flags that are on but matched nothing still need a way out.
	for _, f := range r.Flags {
		found := false
		for _, a := range active {
			if a.Label == catalog.FlagShort(f) {
				found = true
			}
		}
		if !found && catalog.IsFlag(f) {
			flag := f
			active = append(active, chip{Label: catalog.FlagShort(f), On: true, URL: link(func(u url.Values) {
				u["flag"] = slices.DeleteFunc(u["flag"], func(x string) bool { return x == flag })
			})})
		}
	}
	return active, groups
}

// pagination returns the page links around the current page.
func pagination(action string, q url.Values, current, size, total int) ([]pageLink, string, string) {
	if size <= 0 {
		size = search.DefaultSize
	}
	if current <= 0 {
		current = 1
	}
	last := min((total+size-1)/size, search.MaxPage)
	if last <= 1 {
		return nil, "", ""
	}
	at := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return action + "?" + v.Encode()
	}
	var out []pageLink
	for n := max(1, current-pageWindow); n <= min(last, current+pageWindow); n++ {
		out = append(out, pageLink{N: n, URL: at(n), Current: n == current})
	}
	prev, next := "", ""
	if current > 1 {
		prev = at(current - 1)
	}
	if current < last {
		next = at(current + 1)
	}
	return out, prev, next
}

// itemPage is the data of /items/{code}.
type itemPage struct {
	*catalog.Published
	RegionName string
	Siblings   []hotItem
	Print      bool
	Days       int // sum of the steps' days, when every step has them
	// Preview is set when the page shows unsaved edit form content.
	Preview *previewInfo
	// Sit is the 情形引导 of a guide with situations and the applicant's
	// answers (web/checklist.go); nil for a guide without.
	Sit *situationView
	// Bundles are the life events (一件事) the guide's entry belongs to.
	Bundles []catalog.PublishedBundle
	// The footer of the printed sheet (item_page.go): the guide's address
	// with the answers, as a QR code too, and the date; unset on a preview.
	PageURL   string
	QR        template.HTML
	PrintDate string
	// Feedback is the rating block and the 指南有误 links of the guide
	// page (feedback_pages.go); nil on the print view, brief and preview.
	Feedback *feedbackView
}

func (s *Server) itemHandler(view string) pageFunc {
	return func(c *gin.Context) error {
		ctx := c.Request.Context()
		p, err := s.store.Published(ctx, c.Param("code"))
		if err != nil {
			return err
		}
		s.views.add(p.Code)
		sibs, err := s.store.Siblings(ctx, p.BaseCode)
		if err != nil {
			return err
		}
		d := itemPage{Published: p, RegionName: s.regions.name(p.Region), Print: c.Query("print") != "",
			Sit: newSituationView(&p.Item, c.Request.URL.Query())}
		d.Bundles = s.bundlesOf(ctx, p.BaseCode) // the life events of the entry: 属于：出生一件事
		d.Siblings = s.otherRegions(d, sibs)
		if err := s.sheetFooter(c, &d, d.Print || view == "brief"); err != nil {
			return err
		}
		if view == "item" && !d.Print {
			d.Feedback = s.itemFeedback(c, p.Code)
		}
		title := fmt.Sprintf("%s - %s", p.Name, d.RegionName)
		body := "page-item"
		if d.Print {
			body += " print-view"
		}
		s.render(c, http.StatusOK, view, s.layout(c, title, body, d))
		return nil
	}
}

func (s *Server) departmentPage(c *gin.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return catalog.ErrNotFound
	}
	d, err := s.store.Department(c.Request.Context(), uint(id))
	if err != nil {
		return err
	}
	heading := fmt.Sprintf(label("browse.department"), d.Name)
	return s.results(c, heading, c.Request.URL.Path, search.Request{Department: d.Name, Region: d.Region})
}

func (s *Server) themePage(c *gin.Context) error {
	name := c.Param("name")
	return s.results(c, fmt.Sprintf(label("browse.theme"), name), c.Request.URL.Path, search.Request{Theme: name})
}

func (s *Server) regionPage(c *gin.Context) error {
	code := c.Param("code")
	if !s.regions.exists(code) {
		return catalog.ErrNotFound
	}
	return s.results(c, fmt.Sprintf(label("browse.region"), s.regions.name(code)), c.Request.URL.Path, search.Request{Region: code})
}

// clipQuery is the query as a page shows it again: no longer than a query
// may be, so that a refused long query is not echoed back in full.
func clipQuery(q string) string {
	if utf8.RuneCountInString(q) <= search.MaxQueryRunes {
		return q
	}
	return string([]rune(q)[:search.MaxQueryRunes])
}
