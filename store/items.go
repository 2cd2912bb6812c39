package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// itemRow is a row of the items table: an item's identity and where it
// stands — its published and latest edition numbers and the change
// sequence of its last write. Like every row type of the store it is the
// store's own: the domain types of package catalog are what the rest of
// the program sees.
type itemRow struct {
	Code         string `gorm:"primaryKey"`
	BaseCode     string
	Name         string
	Region       string
	DepartmentID uint
	Published    int
	Latest       int
	Seq          int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (itemRow) TableName() string { return "items" }

// ChangesSince returns up to limit items whose last write is numbered
// above seq, in sequence order. Search and other processes catch up by
// calling it until it returns fewer than limit.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]catalog.Change, error) {
	var out []catalog.Change
	err := s.db.WithContext(ctx).Raw(`SELECT code, seq FROM items WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit).
		Scan(&out).Error
	return out, err
}

// CountItems returns how many items the store holds (published or not).
func (s *Store) CountItems(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("items").Count(&n).Error
	return n, err
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
	if !storableText(baseCode) {
		return out, nil
	}
	err := s.db.WithContext(ctx).Table("items i").
		Select(siblingColumns).Joins(joinDepartment).
		Where("i.base_code = ? AND i.published > 0", baseCode).
		Order("i.region, i.code").Scan(&out).Error
	return out, err
}

// loadItem returns the row of the item code, or catalog.ErrNotFound.
func loadItem(db *gorm.DB, code string) (*itemRow, error) {
	return loadRow[itemRow](db, "item", code)
}

// loadRow returns the row of the kind ("item", "bundle") code from R's
// table, or catalog.ErrNotFound.
func loadRow[R any](db *gorm.DB, kind, code string) (*R, error) {
	if !storableText(code) {
		return nil, fmt.Errorf("%s %q: %w", kind, code, catalog.ErrNotFound)
	}
	var row R
	if err := db.Where("code = ?", code).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("%s %s: %w", kind, code, catalog.ErrNotFound)
		}
		return nil, fmt.Errorf("load %s %s: %w", kind, code, err)
	}
	return &row, nil
}

// advanceItem stamps the item code, whose latest edition must still be
// base, with seq; a non-empty column is set to value as well.
func advanceItem(tx *gorm.DB, code string, base int, seq int64, now time.Time, column string, value any) error {
	set := map[string]any{"seq": seq, "updated_at": now}
	if column != "" {
		set[column] = value
	}
	res := tx.Model(&itemRow{}).Where("code = ? AND latest = ?", code, base).Updates(set)
	return oneRow(res, code)
}

// oneRow checks that an update of the item code changed exactly one row:
// none means another writer moved its latest edition first.
func oneRow(res *gorm.DB, code string) error {
	return oneRowOf(res, "item", code)
}

// oneRowOf is oneRow for the kind ("item", "bundle") code.
func oneRowOf(res *gorm.DB, kind, code string) error {
	if res.Error != nil {
		return fmt.Errorf("update %s %s: %w", kind, code, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("%s %s changed meanwhile: %w", kind, code, catalog.ErrConflict)
	}
	return nil
}
