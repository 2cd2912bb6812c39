package catalog

import (
	"context"
	"fmt"
	"io"
	"sort"

	"gorm.io/gorm"
)

// Export writes the published items matching f to w in format (jsonl, csv
// or xlsx) and returns how many items it wrote. JSON Lines starts with the
// regions, departments and catalogue entries those items use, so that an
// export imports into an empty store and exports again to identical bytes.
func (s *Store) Export(ctx context.Context, w io.Writer, format string, f ExportFilter) (int, error) {
	enc, err := NewEncoder(w, format)
	if err != nil {
		return 0, err
	}
	if format == "jsonl" {
		if err := s.exportReferences(ctx, enc, f); err != nil {
			return 0, err
		}
	}
	n := 0
	err = s.EachPublished(ctx, f, func(p *Published) error {
		n++
		return enc.Write(Record{Kind: KindItem, Item: &p.Item})
	})
	if err != nil {
		return 0, err
	}
	if err := enc.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", format, err)
	}
	return n, nil
}

// exportReferences writes the region, department and entry records the
// exported items refer to.
func (s *Store) exportReferences(ctx context.Context, enc Encoder, f ExportFilter) error {
	published := func() *gorm.DB {
		q := s.db.WithContext(ctx).Table("items i").Where("i.published > 0")
		if f.Region != "" {
			q = q.Where("i.region = ?", f.Region)
		}
		return q
	}
	var depts []departmentRow
	dq := published().Joins("JOIN departments d ON d.id = i.department_id").
		Distinct("d.id", "d.name", "d.region", "d.credit_code", "d.phone").Order("d.region, d.name")
	if f.Department != "" {
		dq = dq.Where("d.name = ?", f.Department)
	}
	if err := dq.Scan(&depts).Error; err != nil {
		return fmt.Errorf("read departments: %w", err)
	}
	bq := published()
	if f.Department != "" {
		bq = bq.Joins("JOIN departments d ON d.id = i.department_id").Where("d.name = ?", f.Department)
	}
	var baseCodes []string
	if err := bq.Distinct("i.base_code").Order("i.base_code").Pluck("i.base_code", &baseCodes).Error; err != nil {
		return fmt.Errorf("read base codes: %w", err)
	}

	// Regions: those of the departments and their ancestors.
	all, err := s.Regions(ctx)
	if err != nil {
		return err
	}
	byCode := make(map[string]Region, len(all))
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
	for _, c := range codes {
		r := byCode[c]
		if err := enc.Write(Record{Kind: KindRegion, Region: &r}); err != nil {
			return err
		}
	}
	for _, d := range depts {
		dep := Department(d)
		if err := enc.Write(Record{Kind: KindDepartment, Department: &dep}); err != nil {
			return err
		}
	}
	entries, err := s.Entries(ctx)
	if err != nil {
		return err
	}
	used := make(map[string]bool, len(baseCodes))
	for _, b := range baseCodes {
		used[b] = true
	}
	for i := range entries {
		if used[entries[i].BaseCode] {
			if err := enc.Write(Record{Kind: KindEntry, Entry: &entries[i]}); err != nil {
				return err
			}
		}
	}
	return nil
}

func depth(byCode map[string]Region, code string) int {
	d := 0
	for c := byCode[code].Parent; c != "" && d < 10; c = byCode[c].Parent {
		d++
	}
	return d
}
