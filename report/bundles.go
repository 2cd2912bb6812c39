package report

import (
	"context"
	"sort"
	"strings"
	"time"

	"zhinan/catalog"
	"zhinan/store"
)

// Bundles (一件事一次办) in the reports (docs/reports.md#bundles): the
// coverage report counts the published bundles and the items they cover,
// the quality report lists the steps of a bundle that resolve to no item in
// a region that implements the catalogue.
//
// Both rest on one resolution: every published bundle resolved
// (store.ResolveBundle) in every region that has published items — the
// regions that implement the catalogue. A step resolves to the item of its
// entry (or of an alternative entry) in the region or, failing that, in the
// nearest region above it that has one; nil when none has.

// Count is a count that a report gives only sometimes: nil (null in JSON,
// an empty cell in CSV and XLSX, — in the terminal table) when it is not
// given. The coverage report's bundle counts are given for a report as of
// today only (bundles have no history in the report).
type Count = *int

// resolvedBundle is one published bundle resolved in the regions that
// implement the catalogue.
type resolvedBundle struct {
	bundle   *catalog.PublishedBundle
	regions  []string                          // the regions resolved in, in code order
	byRegion map[string][]catalog.BundleMember // region → the members, one per step
}

// implementingRegions returns the regions that have published items now,
// in code order.
func implementingRegions(ctx context.Context, st *store.Store) ([]string, error) {
	counts, err := st.CoverageCounts(ctx, store.ByRegion, st.Now())
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(counts))
	for _, c := range counts {
		if c.Items > 0 {
			out = append(out, c.Group)
		}
	}
	sort.Strings(out)
	return out, nil
}

// resolveBundles resolves every published bundle in each of regions (which
// must be in code order). Bundles are in code order.
func resolveBundles(ctx context.Context, st *store.Store, regions []string) ([]resolvedBundle, error) {
	bundles, err := st.PublishedBundles(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(bundles, func(i, j int) bool { return bundles[i].Code < bundles[j].Code })
	out := make([]resolvedBundle, 0, len(bundles))
	for i := range bundles {
		rb := resolvedBundle{bundle: &bundles[i], regions: regions, byRegion: make(map[string][]catalog.BundleMember, len(regions))}
		for _, r := range regions {
			ms, err := st.ResolveBundle(ctx, &bundles[i].Bundle, r)
			if err != nil {
				return nil, err
			}
			rb.byRegion[r] = ms
		}
		out = append(out, rb)
	}
	return out, nil
}

// ---- Coverage ----

// memberItem is a published item that is a member of a bundle: the item
// some step of the bundle resolves to in some region.
type memberItem struct {
	region, department, typ string
	bundles                 map[string]bool // the codes of the bundles it serves
}

// bundleMembership is what the coverage report counts of bundles: how many
// are published and, by item code, the items they cover.
type bundleMembership struct {
	published int
	items     map[string]*memberItem
}

// membership collects the member items of resolved bundles. An item is a
// member when a step of a published bundle resolves to it in some region:
// an item counts once however many steps, regions and bundles it serves.
func membership(bundles []resolvedBundle) *bundleMembership {
	m := &bundleMembership{published: len(bundles), items: map[string]*memberItem{}}
	for _, rb := range bundles {
		for _, r := range rb.regions {
			for _, mem := range rb.byRegion[r] {
				it := mem.Item
				if it == nil {
					continue
				}
				mi := m.items[it.Code]
				if mi == nil {
					mi = &memberItem{region: it.Region, department: it.Department, typ: it.Type, bundles: map[string]bool{}}
					m.items[it.Code] = mi
				}
				mi.bundles[rb.bundle.Code] = true
			}
		}
	}
	return m
}

// loadMembership collects the member items of the published bundles
// without resolving each bundle in each region: by the definition of a
// member (docs/reports.md#bundles), an item of region R is a member
// exactly when resolving the bundle in R itself gives it — resolution
// stops at the first region up the chain that has an item, and R has this
// one — so the members are, for each step and each region with an item of
// the step's entries, the region's item of the first of the step's
// entries it has (the entry, then the alternatives), the smallest code
// among several. That is store.ResolveBundle's rule restricted to a
// region's own items (TestMembershipAgreesWithResolve), read with one
// light query per entry (store.Siblings) and one for the members' guides,
// instead of a resolution per bundle and region.
func loadMembership(ctx context.Context, st *store.Store) (*bundleMembership, error) {
	bundles, err := st.PublishedBundles(ctx)
	if err != nil {
		return nil, err
	}
	m := &bundleMembership{published: len(bundles), items: map[string]*memberItem{}}
	// byEntry: base code → region → the smallest code of its items there.
	byEntry := map[string]map[string]string{}
	for _, b := range bundles {
		for _, s := range b.Steps {
			for _, e := range append([]string{s.BaseCode}, s.Or...) {
				if _, ok := byEntry[e]; ok {
					continue
				}
				sibs, err := st.Siblings(ctx, e)
				if err != nil {
					return nil, err
				}
				at := map[string]string{}
				for _, sb := range sibs { // by region and code: the first is the smallest
					if _, ok := at[sb.Region]; !ok {
						at[sb.Region] = sb.Code
					}
				}
				byEntry[e] = at
			}
		}
	}
	served := map[string]map[string]bool{} // item code → bundle codes
	for _, b := range bundles {
		for _, s := range b.Steps {
			entries := append([]string{s.BaseCode}, s.Or...)
			regions := map[string]bool{}
			for _, e := range entries {
				for r := range byEntry[e] {
					regions[r] = true
				}
			}
			for r := range regions {
				for _, e := range entries {
					if code, ok := byEntry[e][r]; ok {
						if served[code] == nil {
							served[code] = map[string]bool{}
						}
						served[code][b.Code] = true
						break
					}
				}
			}
		}
	}
	if len(served) == 0 {
		return m, nil
	}
	codes := make([]string, 0, len(served))
	for c := range served {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	items, err := st.PublishedByCodes(ctx, codes)
	if err != nil {
		return nil, err
	}
	for _, c := range codes {
		p := items[c]
		if p == nil { // withdrawn in between
			continue
		}
		m.items[c] = &memberItem{region: p.Region, department: p.Department, typ: p.Type, bundles: served[c]}
	}
	return m, nil
}

// count returns, over the member items that keep, how many items there
// are and how many distinct bundles they serve.
func (m *bundleMembership) count(keep func(*memberItem) bool) (bundles, items int) {
	seen := map[string]bool{}
	for _, mi := range m.items {
		if !keep(mi) {
			continue
		}
		items++
		for b := range mi.bundles {
			seen[b] = true
		}
	}
	return len(seen), items
}

// bundlesToday tells whether a coverage report as of asOf gives the bundle
// counts: when asOf is on the current day in China time (a report without
// a date, or with today's). Earlier days have no bundle counts: the store
// keeps the bundles as published now.
func bundlesToday(asOf, now time.Time) bool {
	n := now.In(ChinaTime)
	startOfDay := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, ChinaTime)
	return !asOf.Before(startOfDay)
}

// addBundleCounts sets the bundle counts of a coverage report's rows and
// its count of published bundles (docs/reports.md#bundles).
func addBundleCounts(rep *Coverage, m *bundleMembership, t *tree) {
	n := m.published
	rep.PublishedBundles = &n
	for i := range rep.Rows {
		r := &rep.Rows[i]
		var keep func(*memberItem) bool
		switch rep.By {
		case store.ByRegion:
			code := r.Group
			if r.Rollup {
				keep = func(mi *memberItem) bool { return t.within(mi.region, code) }
			} else {
				keep = func(mi *memberItem) bool { return mi.region == code }
			}
		case store.ByDepartment:
			name, region := r.Name, r.Region
			keep = func(mi *memberItem) bool { return mi.department == name && mi.region == region }
		case store.ByType:
			typ, root := r.Group, rep.Region
			keep = func(mi *memberItem) bool { return mi.typ == typ && (root == "" || t.within(mi.region, root)) }
		default:
			continue
		}
		b, it := m.count(keep)
		r.Bundles, r.BundleItems = &b, &it
	}
}

// ---- Quality ----

// BundleGap is one step of a published bundle that resolves to no item in
// a region that implements the catalogue: neither the region nor any
// region above it has a published item of the step's entry or of an
// alternative entry.
type BundleGap struct {
	Bundle     string   `json:"bundle"`      // the bundle's code
	BundleName string   `json:"bundle_name"` // its name
	Region     string   `json:"region"`
	RegionName string   `json:"region_name"`
	Step       int      `json:"step"` // the step's position in the bundle, from 1
	Stage      int      `json:"stage"`
	StepName   string   `json:"step_name"` // the step's name, else its entry's name
	BaseCode   string   `json:"base_code"` // the step's entry
	Or         []string `json:"or"`        // its alternative entries ([] when none)
}

// bundleGaps lists the gaps of the resolved bundles, by bundle code,
// region code and step. entryNames names the entries by base code.
func bundleGaps(bundles []resolvedBundle, t *tree, entryNames map[string]string) []BundleGap {
	out := []BundleGap{}
	for _, rb := range bundles {
		b := rb.bundle
		for _, r := range rb.regions {
			for i, mem := range rb.byRegion[r] {
				if mem.Item != nil {
					continue
				}
				s := mem.Step
				name := s.Name
				if name == "" {
					name = entryNames[s.BaseCode]
				}
				if name == "" {
					name = s.BaseCode
				}
				or := append([]string{}, s.Or...)
				out = append(out, BundleGap{Bundle: b.Code, BundleName: b.Name, Region: r, RegionName: t.by[r].Name,
					Step: i + 1, Stage: s.Stage, StepName: name, BaseCode: s.BaseCode, Or: or})
			}
		}
	}
	return out
}

// loadBundleGaps resolves the published bundles in regions (the regions
// of the report's scope that implement the catalogue, in code order) and
// returns their gaps.
func loadBundleGaps(ctx context.Context, st *store.Store, t *tree, regions []string) ([]BundleGap, error) {
	bundles, err := resolveBundles(ctx, st, regions)
	if err != nil {
		return nil, err
	}
	if len(bundles) == 0 {
		return []BundleGap{}, nil
	}
	entries, err := st.Entries(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(entries))
	for _, e := range entries {
		names[e.BaseCode] = e.Name
	}
	return bundleGaps(bundles, t, names), nil
}

// bundleGapTable is the quality report's table of bundle gaps (一件事缺项).
func bundleGapTable(gaps []BundleGap) Table {
	col := func(id, kind string) Column { return Column{ID: id, Label: bundleGapLabels[id], Kind: kind} }
	tb := Table{Name: tableBundleGaps, Columns: []Column{
		col("bundle", KindText), col("bundle_name", KindText), col("region", KindText), col("region_name", KindText),
		col("step", KindInt), col("stage", KindInt), col("step_name", KindText), col("base_code", KindText), col("or", KindText),
	}, Rows: [][]any{}}
	for _, g := range gaps {
		tb.Rows = append(tb.Rows, []any{g.Bundle, g.BundleName, g.Region, g.RegionName, g.Step, g.Stage, g.StepName, g.BaseCode, strings.Join(g.Or, listSep)})
	}
	return tb
}

// countCell is a Count as a table cell: nil when not given.
func countCell(c Count) any {
	if c == nil {
		return nil
	}
	return *c
}
