package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// departmentRow is a row of the departments table: a department as the
// domain has it, with its generated id.
type departmentRow struct {
	ID         uint `gorm:"primaryKey"`
	Name       string
	Region     string
	CreditCode string
	Phone      string
}

func (departmentRow) TableName() string { return "departments" }

// Departments returns the departments of a region (all when region is ""),
// ordered by region and name.
func (s *Store) Departments(ctx context.Context, region string) ([]catalog.Department, error) {
	if !storableText(region) {
		return []catalog.Department{}, nil
	}
	q := s.db.WithContext(ctx).Order("region, name")
	if region != "" {
		q = q.Where("region = ?", region)
	}
	var rows []departmentRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load departments: %w", err)
	}
	out := make([]catalog.Department, len(rows))
	for i, r := range rows {
		out[i] = catalog.Department(r)
	}
	return out, nil
}

// Department returns the department with the given id, or catalog.ErrNotFound.
func (s *Store) Department(ctx context.Context, id uint) (*catalog.Department, error) {
	var row departmentRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	d := catalog.Department(row)
	return &d, nil
}

// resolveDepartment looks up the department of item in its region. It
// returns the department's id and errs extended by an unknown region or
// department, in interchange order. Fields that already have a structural
// error are not looked up. It does not create departments.
func resolveDepartment(tx *gorm.DB, item *catalog.Item, errs []catalog.FieldError) (uint, []catalog.FieldError, error) {
	if item == nil || hasFieldError(errs, "region") {
		return 0, errs, nil
	}
	var regions int64
	if err := tx.Model(&regionRow{}).Where("code = ?", item.Region).Count(&regions).Error; err != nil {
		return 0, nil, fmt.Errorf("look up region %s: %w", item.Region, err)
	}
	if regions == 0 {
		errs = append(errs, catalog.FieldError{Field: "region", Message: fmt.Sprintf(catalog.MsgUnknownRegion, item.Region)})
		return 0, sortFieldErrors(errs), nil
	}
	if hasFieldError(errs, "department") {
		return 0, errs, nil
	}
	var ids []uint
	if err := tx.Model(&departmentRow{}).Where("region = ? AND name = ?", item.Region, item.Department).
		Pluck("id", &ids).Error; err != nil {
		return 0, nil, fmt.Errorf("look up department %s: %w", item.Department, err)
	}
	if len(ids) == 0 {
		errs = append(errs, catalog.FieldError{Field: "department",
			Message: fmt.Sprintf(MsgUnknownDepartment, item.Department, item.Region)})
		return 0, sortFieldErrors(errs), nil
	}
	return ids[0], errs, nil
}
