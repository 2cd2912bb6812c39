package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm/clause"

	"zhinan/catalog"
)

// regionRow is a row of the regions table: a region as the domain has it.
type regionRow struct {
	Code   string `gorm:"primaryKey"`
	Name   string
	Level  string
	Parent string
}

func (regionRow) TableName() string { return "regions" }

// Regions returns every region, ordered by code.
func (s *Store) Regions(ctx context.Context) ([]catalog.Region, error) {
	var rows []regionRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load regions: %w", err)
	}
	out := make([]catalog.Region, len(rows))
	for i, r := range rows {
		out[i] = catalog.Region(r)
	}
	return out, nil
}

// Region returns one region, or catalog.ErrNotFound.
func (s *Store) Region(ctx context.Context, code string) (*catalog.Region, error) {
	if !storableText(code) {
		return nil, catalog.ErrNotFound
	}
	var row regionRow
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	r := catalog.Region(row)
	return &r, nil
}

// EnsureRegions adds the reference regions missing from the store. A new
// data directory gets them whichever command creates it.
func (s *Store) EnsureRegions(ctx context.Context, regions []catalog.Region) error {
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
	// Several processes may start on one new database at once.
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(missing, importBatch).Error
	if err != nil {
		return fmt.Errorf("add reference regions: %w", err)
	}
	return nil
}

// Within reports whether region code is ancestor or lies below it.
func (s *Store) Within(ctx context.Context, code, ancestor string) (bool, error) {
	for depth := 0; code != "" && depth < 8; depth++ {
		if code == ancestor {
			return true, nil
		}
		r, err := s.Region(ctx, code)
		if err != nil {
			if errors.Is(err, catalog.ErrNotFound) {
				return false, nil
			}
			return false, err
		}
		code = r.Parent
	}
	return false, nil
}

// regionSet returns the codes of every stored region.
func (s *Store) regionSet(ctx context.Context) (map[string]bool, error) {
	var codes []string
	if err := s.db.WithContext(ctx).Raw(`SELECT code FROM regions`).Scan(&codes).Error; err != nil {
		return nil, fmt.Errorf("load regions: %w", err)
	}
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[c] = true
	}
	return set, nil
}
