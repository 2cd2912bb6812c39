package store

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// References returns what the published items matching f refer to, for an
// export that must import into an empty store: the regions of their
// departments and the ancestors of those, parents before children (then by
// code); their departments, by region and name; and the catalogue entries
// they implement, by base code — for a whole-catalogue export (no filter),
// also the entries the published bundles name, which the export carries
// too.
func (s *Store) References(ctx context.Context, f catalog.ExportFilter) ([]catalog.Region, []catalog.Department, []catalog.Entry, error) {
	if !storableText(f.Region, f.Department) {
		return nil, nil, nil, nil
	}
	published := func() *gorm.DB {
		q := s.db.WithContext(ctx).Table("items i").Where("i.published > 0")
		if f.Region != "" {
			q = q.Where("i.region = ?", f.Region)
		}
		return q
	}
	var depts []departmentRow
	dq := published().Joins(joinDepartment).
		Distinct("d.id", "d.name", "d.region", "d.credit_code", "d.phone").Order("d.region, d.name")
	if f.Department != "" {
		dq = dq.Where("d.name = ?", f.Department)
	}
	if err := dq.Scan(&depts).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("read departments: %w", err)
	}
	bq := published()
	if f.Department != "" {
		bq = bq.Joins(joinDepartment).Where("d.name = ?", f.Department)
	}
	var baseCodes []string
	if err := bq.Distinct("i.base_code").Order("i.base_code").Pluck("i.base_code", &baseCodes).Error; err != nil {
		return nil, nil, nil, fmt.Errorf("read base codes: %w", err)
	}

	// Regions: those of the departments and their ancestors.
	all, err := s.Regions(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	byCode := make(map[string]catalog.Region, len(all))
	for _, r := range all {
		byCode[r.Code] = r
	}
	want := map[string]bool{}
	for _, d := range depts {
		for code := d.Region; code != "" && !want[code]; code = byCode[code].Parent {
			want[code] = true
		}
	}
	codes := make([]string, 0, len(want))
	for c := range want {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	// Parents before children, so the records import in order.
	sort.SliceStable(codes, func(i, j int) bool { return depth(byCode, codes[i]) < depth(byCode, codes[j]) })
	regions := make([]catalog.Region, len(codes))
	for i, c := range codes {
		regions[i] = byCode[c]
	}
	departments := make([]catalog.Department, len(depts))
	for i, d := range depts {
		departments[i] = catalog.Department(d)
	}

	stored, err := s.Entries(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	used := make(map[string]bool, len(baseCodes))
	for _, b := range baseCodes {
		used[b] = true
	}
	if f == (catalog.ExportFilter{}) {
		bundles, err := s.PublishedBundles(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, b := range bundles {
			for _, st := range b.Steps {
				for _, e := range st.Entries() {
					used[e] = true
				}
			}
		}
	}
	var entries []catalog.Entry
	for _, e := range stored {
		if used[e.BaseCode] {
			entries = append(entries, e)
		}
	}
	return regions, departments, entries, nil
}

// depth is how many ancestors the region code has.
func depth(byCode map[string]catalog.Region, code string) int {
	d := 0
	for c := byCode[code].Parent; c != "" && d < 10; c = byCode[c].Parent {
		d++
	}
	return d
}
