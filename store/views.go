package store

import (
	"context"
	"sort"

	"gorm.io/gorm"
)

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
	return s.writeTx(ctx, func(tx *gorm.DB) error {
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
		Select(siblingColumns).
		Joins("JOIN items i ON i.code = v.code AND i.published > 0").
		Joins(joinDepartment).
		Order("v.views DESC, i.code").Limit(n).Scan(&out).Error
	return out, err
}
