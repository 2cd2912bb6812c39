package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"zhinan/catalog"
)

// Published returns the current published edition of the item code, or
// catalog.ErrNotFound when there is none.
func (s *Store) Published(ctx context.Context, code string) (*catalog.Published, error) {
	if !storableText(code) {
		return nil, catalog.ErrNotFound
	}
	var rows []publishedRow
	err := s.db.WithContext(ctx).Raw(publishedSelect+` WHERE i.code = ?`, code).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load item %s: %w", code, err)
	}
	if len(rows) == 0 {
		return nil, catalog.ErrNotFound
	}
	return rows[0].decode()
}

// publishedSelect selects the published edition of items; callers add a
// WHERE clause on i (items) and e (editions).
const publishedSelect = `SELECT ` + publishedColumns + ` FROM items i ` + joinPublished

type publishedRow struct {
	Code        string
	Seq         int64
	Number      int
	Guide       string
	PublishedAt *time.Time
}

func (r publishedRow) decode() (*catalog.Published, error) {
	it, err := catalog.DecodeGuide(r.Guide)
	if err != nil {
		return nil, fmt.Errorf("item %s: %w", r.Code, err)
	}
	p := &catalog.Published{Item: *it, Flags: catalog.Flags(it), Edition: r.Number, Seq: r.Seq}
	if p.Flags == nil {
		p.Flags = []string{}
	}
	if r.PublishedAt != nil {
		p.UpdatedAt = r.PublishedAt.UTC()
	}
	return p, nil
}

// eachPage is how many items a streaming read loads at a time.
const eachPage = 1000

// EachPublished calls fn for every item with a published edition, in code
// order, reading the store a page at a time so that any catalogue size
// streams in bounded memory.
func (s *Store) EachPublished(ctx context.Context, f catalog.ExportFilter, fn func(*catalog.Published) error) error {
	if !storableText(f.Region, f.Department) {
		return nil
	}
	after := ""
	for {
		q := s.db.WithContext(ctx).Table("items i").
			Select(publishedColumns).Joins(joinPublished).
			Where("i.code > ?", after).Order("i.code").Limit(eachPage)
		if f.Region != "" {
			q = q.Where("i.region = ?", f.Region)
		}
		if f.Department != "" {
			q = q.Joins(joinDepartment).Where("d.name = ?", f.Department)
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

// PublishedByCodes returns the published editions of the given codes; codes
// without one are absent from the map.
func (s *Store) PublishedByCodes(ctx context.Context, codes []string) (map[string]*catalog.Published, error) {
	out := make(map[string]*catalog.Published, len(codes))
	codes = slices.DeleteFunc(slices.Clone(codes), func(c string) bool { return !storableText(c) })
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
