package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"zhinan/catalog"
	"zhinan/search"
)

// The pages and API of bundles (一件事一次办): /bundles lists them,
// /bundles/{code} shows one life event resolved in the citizen's region —
// its steps in stage order with the region's items, the merged list of
// materials, the longest time, the visits and where to go —
// and /api/v1/bundles[/{code}] answers the same in JSON.

// bundleView is a bundle resolved in one region: what the page shows and
// the API returns.
type bundleView struct {
	Bundle     *catalog.PublishedBundle `json:"bundle"`
	Region     string                   `json:"region"`
	RegionName string                   `json:"region_name"`
	Steps      []bundleStepView         `json:"steps"`
	Materials  []catalog.MergedMaterial `json:"materials"`
	Days       int                      `json:"critical_path_days"`
	DaysFull   bool                     `json:"critical_path_complete"`
	Visits     int                      `json:"visits"`
	VisitsFull bool                     `json:"visits_complete"`
	Places     []bundlePlace            `json:"locations"`
}

// bundleStepView is one step resolved: its label and the item that serves
// it in the region (nil: neither the region nor a region above it has one).
type bundleStepView struct {
	Step  catalog.BundleStep `json:"step"`
	Label string             `json:"label"`
	Item  *bundleItem        `json:"item"`
}

// bundleItem is what a bundle shows of a member item.
type bundleItem struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Region       string `json:"region"`
	RegionName   string `json:"region_name"`
	Department   string `json:"department"`
	PromisedDays *int   `json:"promised_days,omitempty"`
	Visits       *int   `json:"visits,omitempty"`
	Location     string `json:"location,omitempty"`
	Hours        string `json:"hours,omitempty"`
	OnlineURL    string `json:"online_url,omitempty"`
	// Above is set when the item is of a region above the one asked for
	// (the county has none; the city's serves).
	Above bool `json:"above,omitempty"`
}

// bundlePlace is one place the bundle is done at, with the steps done there.
type bundlePlace struct {
	Location string   `json:"location"`
	Hours    string   `json:"hours,omitempty"`
	Steps    []string `json:"steps"`
}

// bundleRegion is the region a bundle is resolved in: the region parameter
// (an unknown one is refused), else the chosen region, else the home region.
func (s *Server) bundleRegion(c *gin.Context) (string, error) {
	if r := c.Query("region"); r != "" {
		if !s.regions.exists(r) {
			return "", badRequest("region", MsgUnknownRegion)
		}
		return r, nil
	}
	if r := s.chosenRegion(c); r != "" {
		return r, nil
	}
	return s.opts.HomeRegion, nil
}

// resolveBundle resolves the published bundle code in region.
func (s *Server) resolveBundle(ctx context.Context, code, region string) (*bundleView, error) {
	set, err := s.bundles.get(ctx)
	if err != nil {
		return nil, err
	}
	b, ok := set.byCode[code]
	if !ok {
		return nil, catalog.ErrNotFound
	}
	members, err := s.store.ResolveBundle(ctx, &b.Bundle, region)
	if err != nil {
		return nil, err
	}
	v := &bundleView{Bundle: b, Region: region, RegionName: s.regions.name(region)}
	v.Days, v.DaysFull = catalog.CriticalPath(members)
	v.Visits, v.VisitsFull = catalog.TotalVisits(members)
	v.Materials = catalog.MergeMaterials(&b.Bundle, members)
	if v.Materials == nil {
		v.Materials = []catalog.MergedMaterial{}
	}
	at := map[string]int{} // location → index in Places
	for _, m := range members {
		sv := bundleStepView{Step: m.Step, Label: set.stepLabel(m.Step)}
		if it := m.Item; it != nil {
			if m.Step.Name == "" {
				sv.Label = it.Name
			}
			sv.Item = &bundleItem{Code: it.Code, Name: it.Name, Region: it.Region, RegionName: s.regions.name(it.Region),
				Department: it.Department, PromisedDays: it.PromisedDays, Visits: it.Visits, Location: it.Location,
				Hours: it.Hours, OnlineURL: it.OnlineURL, Above: it.Region != region}
			if loc := strings.TrimSpace(it.Location); loc != "" {
				i, ok := at[loc]
				if !ok {
					i = len(v.Places)
					at[loc] = i
					v.Places = append(v.Places, bundlePlace{Location: loc, Hours: it.Hours})
				}
				v.Places[i].Steps = append(v.Places[i].Steps, sv.Label)
			}
		}
		v.Steps = append(v.Steps, sv)
	}
	if v.Steps == nil {
		v.Steps = []bundleStepView{}
	}
	return v, nil
}

// bundleStage is one stage of the page: its steps, done together.
type bundleStage struct {
	N        int // 1, 2, … in the order of the stages
	Parallel bool
	Steps    []*bundleStepView
}

// stageList groups the steps by stage, stages ascending, steps in their
// order within a stage.
func (v *bundleView) stageList() []bundleStage {
	by := map[int][]*bundleStepView{}
	var keys []int
	for i := range v.Steps {
		st := v.Steps[i].Step.Stage
		if _, ok := by[st]; !ok {
			keys = append(keys, st)
		}
		by[st] = append(by[st], &v.Steps[i])
	}
	slices.Sort(keys)
	out := make([]bundleStage, 0, len(keys))
	for i, k := range keys {
		out = append(out, bundleStage{N: i + 1, Parallel: len(by[k]) > 1, Steps: by[k]})
	}
	return out
}

// mergedRow is one row of the merged materials: the material and the
// labels of the steps that need it.
type mergedRow struct {
	Name     string
	Material catalog.Material
	Needed   string // the steps' labels, joined with 、
	Count    int    // how many steps need it
}

// bundlePage is the data of /bundles/{code}.
type bundlePage struct {
	*bundleView
	Stages    []bundleStage
	Rows      []mergedRow
	Shared    int // materials needed by more than one step
	Missing   int // steps without an item in the region
	RegionsAt []regionLink
	Print     bool
	PrintURL  string
	FormURL   string        // the merged form's address, when Form is one
	Feedback  *feedbackView // the rating block (feedback_pages.go); nil when printed
}

func (s *Server) bundlePageHandler(c *gin.Context) error {
	region, err := s.bundleRegion(c)
	if err != nil {
		return err
	}
	code := c.Param("code")
	v, err := s.resolveBundle(c.Request.Context(), code, region)
	if err != nil {
		return err
	}
	p := bundlePage{bundleView: v, Stages: v.stageList(), Print: c.Query("print") != ""}
	for _, m := range v.Materials {
		var labels []string
		for _, i := range m.Steps {
			if i >= 0 && i < len(v.Steps) {
				labels = append(labels, v.Steps[i].Label)
			}
		}
		labels = slices.Compact(labels)
		if len(labels) > 1 {
			p.Shared++
		}
		p.Rows = append(p.Rows, mergedRow{Name: m.Name, Material: m.Material, Needed: strings.Join(labels, "、"), Count: len(labels)})
	}
	for _, st := range v.Steps {
		if st.Item == nil {
			p.Missing++
		}
	}
	self := "/bundles/" + url.PathEscape(code)
	q := url.Values{}
	if c.Query("region") != "" {
		q.Set("region", region)
	}
	q.Set("print", "1")
	p.PrintURL = self + "?" + q.Encode()
	for _, r := range s.homeRegions() {
		p.RegionsAt = append(p.RegionsAt, regionLink{Name: r.Name, On: r.Code == region,
			URL: self + "?region=" + url.QueryEscape(r.Code)})
	}
	if f := v.Bundle.Form; strings.HasPrefix(f, "https://") || strings.HasPrefix(f, "http://") || strings.HasPrefix(f, "/") && !strings.HasPrefix(f, "//") {
		p.FormURL = f
	}
	body := "page-bundle"
	if p.Print {
		body += " print-view"
	} else {
		p.Feedback = s.bundleFeedback(c, code)
	}
	title := fmt.Sprintf("%s - %s", v.Bundle.Name, v.RegionName)
	s.render(c, http.StatusOK, "bundle", s.layout(c, title, body, p))
	return nil
}

// bundlesPage is the data of /bundles.
type bundlesPage struct {
	Bundles []catalog.PublishedBundle
}

func (s *Server) bundlesListPage(c *gin.Context) error {
	set, err := s.bundles.get(c.Request.Context())
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "bundles", s.layout(c, label("bundle.list.title"), "page-bundles", bundlesPage{Bundles: set.list}))
	return nil
}

// apiBundles answers GET /api/v1/bundles: every published bundle.
func (s *Server) apiBundles(c *gin.Context) error {
	set, err := s.bundles.get(c.Request.Context())
	if err != nil {
		return err
	}
	list := set.list
	if list == nil {
		list = []catalog.PublishedBundle{}
	}
	c.JSON(http.StatusOK, gin.H{"bundles": list})
	return nil
}

// apiBundle answers GET /api/v1/bundles/{code}?region=: the bundle resolved
// in the region (else the home region), its merged materials and totals.
func (s *Server) apiBundle(c *gin.Context) error {
	region := c.Query("region")
	if region == "" {
		region = s.opts.HomeRegion
	} else if !s.regions.exists(region) {
		return badRequest("region", MsgUnknownRegion)
	}
	v, err := s.resolveBundle(c.Request.Context(), c.Param("code"), region)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// bundleCard is a bundle found by a search, shown above the items.
type bundleCard struct {
	Code, Name, Description string
	Steps                   int
}

// bundleCards returns the bundles the query asks for (search.MatchBundles),
// best first; none when the bundles cannot be read (logged).
func (s *Server) bundleCards(ctx context.Context, q string) []bundleCard {
	if strings.TrimSpace(q) == "" {
		return nil
	}
	set, err := s.bundles.get(ctx)
	if err != nil {
		slog.Error("read the bundles", "err", err) // the results without the card are still right
		return nil
	}
	var out []bundleCard
	for _, m := range s.index.MatchBundles(set.matcher, q) {
		out = append(out, bundleCard{Code: m.Bundle.Code, Name: m.Bundle.Name, Description: m.Bundle.Description, Steps: len(m.Bundle.Steps)})
	}
	return out
}

// homeDescription is how many characters of a bundle's description the
// home page shows.
const homeDescription = 40

// homeBundles are the bundles the home page lists, their descriptions
// shortened; none when they cannot be read (logged).
func (s *Server) homeBundles(ctx context.Context) []bundleCard {
	set, err := s.bundles.get(ctx)
	if err != nil {
		slog.Error("read the bundles", "err", err)
		return nil
	}
	out := make([]bundleCard, 0, len(set.list))
	for _, b := range set.list {
		d := []rune(b.Description)
		if len(d) > homeDescription {
			d = append(d[:homeDescription], '…')
		}
		out = append(out, bundleCard{Code: b.Code, Name: b.Name, Description: string(d), Steps: len(b.Steps)})
	}
	return out
}

// apiBundleHit is a bundle in the search API's answer.
type apiBundleHit struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Steps       int    `json:"steps"`
}

// bundlesJSON returns the search API's "bundles" — the life events the
// query asks for, best first — as a JSON array, on the first page of a
// query that finds some; nil otherwise (the key is then absent).
func (s *Server) bundlesJSON(c *gin.Context, r search.Request) ([]byte, error) {
	if r.Page > 1 || r.Service != "" {
		return nil, nil
	}
	cards := s.bundleCards(c.Request.Context(), r.Q)
	if len(cards) == 0 {
		return nil, nil
	}
	hits := make([]apiBundleHit, len(cards))
	for i, b := range cards {
		hits[i] = apiBundleHit(b)
	}
	return json.Marshal(hits)
}
