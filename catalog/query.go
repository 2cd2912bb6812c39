package catalog

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
)

// Published is an item's current published edition as citizens see it.
type Published struct {
	Item
	Flags     []string  `json:"flags"`
	Edition   int       `json:"edition"`
	UpdatedAt time.Time `json:"updated_at"`
	Seq       int64     `json:"-"`
}

// Published returns the current published edition of the item code, or
// ErrNotFound when there is none.
func (s *Store) Published(ctx context.Context, code string) (*Published, error) {
	var rows []publishedRow
	err := s.db.WithContext(ctx).Raw(publishedSelect+` WHERE i.code = ?`, code).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load item %s: %w", code, err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return rows[0].decode()
}

// publishedSelect selects the published edition of items; callers add a
// WHERE clause on i (items) and e (editions).
const publishedSelect = `SELECT i.code, i.seq, e.number, e.guide, e.published_at FROM items i
	JOIN editions e ON e.item_code = i.code AND e.number = i.published`

type publishedRow struct {
	Code        string
	Seq         int64
	Number      int
	Guide       string
	PublishedAt *time.Time
}

func (r publishedRow) decode() (*Published, error) {
	it, err := decodeGuide(r.Guide)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", r.Code, err)
	}
	p := &Published{Item: *it, Flags: Flags(it), Edition: r.Number, Seq: r.Seq}
	if p.Flags == nil {
		p.Flags = []string{}
	}
	if r.PublishedAt != nil {
		p.UpdatedAt = r.PublishedAt.UTC()
	}
	return p, nil
}

// ExportFilter narrows the items an export or a listing reads.
type ExportFilter struct {
	Region     string // only items of this region (not its children)
	Department string // only items of departments with this name
}

// eachPage is how many items a streaming read loads at a time.
const eachPage = 1000

// EachPublished calls fn for every item with a published edition, in code
// order, reading the store a page at a time so that any catalogue size
// streams in bounded memory.
func (s *Store) EachPublished(ctx context.Context, f ExportFilter, fn func(*Published) error) error {
	after := ""
	for {
		q := s.db.WithContext(ctx).Table("items i").
			Select("i.code, i.seq, e.number, e.guide, e.published_at").
			Joins("JOIN editions e ON e.item_code = i.code AND e.number = i.published").
			Where("i.code > ?", after).Order("i.code").Limit(eachPage)
		if f.Region != "" {
			q = q.Where("i.region = ?", f.Region)
		}
		if f.Department != "" {
			q = q.Joins("JOIN departments d ON d.id = i.department_id").Where("d.name = ?", f.Department)
		}
		var rows []publishedRow
		if err := q.Scan(&rows).Error; err != nil {
			return fmt.Errorf("read items: %w", err)
		}
		for _, r := range rows {
			p, err := r.decode()
			if err != nil {
				return err
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(rows) < eachPage {
			return nil
		}
		after = rows[len(rows)-1].Code
	}
}

// Change is one item written since a point of the change sequence.
type Change struct {
	Code string
	Seq  int64
}

// ChangesSince returns up to limit items whose last write is numbered
// above seq, in sequence order. Search and other processes catch up by
// calling it until it returns fewer than limit.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]Change, error) {
	var out []Change
	err := s.db.WithContext(ctx).Raw(`SELECT code, seq FROM items WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit).
		Scan(&out).Error
	return out, err
}

// PublishedByCodes returns the published editions of the given codes; codes
// without one are absent from the map.
func (s *Store) PublishedByCodes(ctx context.Context, codes []string) (map[string]*Published, error) {
	out := make(map[string]*Published, len(codes))
	for start := 0; start < len(codes); start += 500 {
		end := min(start+500, len(codes))
		var rows []publishedRow
		if err := s.db.WithContext(ctx).Raw(publishedSelect+` WHERE i.code IN ?`, codes[start:end]).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("load items: %w", err)
		}
		for _, r := range rows {
			p, err := r.decode()
			if err != nil {
				return nil, err
			}
			out[p.Code] = p
		}
	}
	return out, nil
}

// CountItems returns how many items the store holds (published or not).
func (s *Store) CountItems(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("items").Count(&n).Error
	return n, err
}

// Regions returns every region, ordered by code.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	var rows []regionRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load regions: %w", err)
	}
	out := make([]Region, len(rows))
	for i, r := range rows {
		out[i] = Region(r)
	}
	return out, nil
}

// Region returns one region, or ErrNotFound.
func (s *Store) Region(ctx context.Context, code string) (*Region, error) {
	var row regionRow
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	r := Region(row)
	return &r, nil
}

// Departments returns the departments of a region (all when region is ""),
// ordered by region and name.
func (s *Store) Departments(ctx context.Context, region string) ([]Department, error) {
	q := s.db.WithContext(ctx).Order("region, name")
	if region != "" {
		q = q.Where("region = ?", region)
	}
	var rows []departmentRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load departments: %w", err)
	}
	out := make([]Department, len(rows))
	for i, r := range rows {
		out[i] = Department(r)
	}
	return out, nil
}

// Entries returns every catalogue entry, ordered by base code.
func (s *Store) Entries(ctx context.Context) ([]Entry, error) {
	var rows []entryRow
	if err := s.db.WithContext(ctx).Order("base_code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		e := Entry{BaseCode: r.BaseCode, Name: r.Name, Type: r.Type}
		if err := unmarshalIfSet(r.Basis, &e.Basis); err != nil {
			return nil, err
		}
		if err := unmarshalIfSet(r.Levels, &e.Levels); err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// EnsureRegions adds the reference regions missing from the store. A new
// data directory gets them whichever command creates it.
func (s *Store) EnsureRegions(ctx context.Context, regions []Region) error {
	have, err := s.regionSet(ctx)
	if err != nil {
		return err
	}
	var missing []regionRow
	for _, r := range regions {
		if !have[r.Code] {
			missing = append(missing, regionRow(r))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).CreateInBatches(missing, importBatch).Error; err != nil {
		return fmt.Errorf("add reference regions: %w", err)
	}
	return nil
}

// Department returns the department with the given id, or ErrNotFound.
func (s *Store) Department(ctx context.Context, id uint) (*Department, error) {
	var row departmentRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	d := Department(row)
	return &d, nil
}

// Sibling is another region's implementation of the same catalogue entry
// (三级四同).
type Sibling struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Region     string `json:"region"`
	Department string `json:"department"`
}

// Siblings returns the published items implementing baseCode, ordered by
// region and code.
func (s *Store) Siblings(ctx context.Context, baseCode string) ([]Sibling, error) {
	var out []Sibling
	err := s.db.WithContext(ctx).Table("items i").
		Select("i.code, i.name, i.region, d.name AS department").
		Joins("JOIN departments d ON d.id = i.department_id").
		Where("i.base_code = ? AND i.published > 0", baseCode).
		Order("i.region, i.code").Scan(&out).Error
	return out, err
}

// AddViews adds page views to items, in one transaction.
func (s *Store) AddViews(ctx context.Context, views map[string]int64) error {
	if len(views) == 0 {
		return nil
	}
	codes := make([]string, 0, len(views))
	for c := range views {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, c := range codes {
			res := tx.Exec(`UPDATE item_views SET views = views + ? WHERE code = ?`, views[c], c)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				if err := tx.Exec(`INSERT INTO item_views (code, views) VALUES (?, ?)`, c, views[c]).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// MostViewed returns up to n published items with the most page views,
// most viewed first.
func (s *Store) MostViewed(ctx context.Context, n int) ([]Sibling, error) {
	var out []Sibling
	err := s.db.WithContext(ctx).Table("item_views v").
		Select("i.code, i.name, i.region, d.name AS department").
		Joins("JOIN items i ON i.code = v.code AND i.published > 0").
		Joins("JOIN departments d ON d.id = i.department_id").
		Order("v.views DESC, i.code").Limit(n).Scan(&out).Error
	return out, err
}

// Within reports whether region code is ancestor or lies below it.
func (s *Store) Within(ctx context.Context, code, ancestor string) (bool, error) {
	for depth := 0; code != "" && depth < 8; depth++ {
		if code == ancestor {
			return true, nil
		}
		r, err := s.Region(ctx, code)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return false, nil
			}
			return false, err
		}
		code = r.Parent
	}
	return false, nil
}
