package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// The access checks of the edit workflow: catalog.Allowed, the one access
// policy, applied to items with the store's region tree.

// inTx returns a view of the store that reads and writes inside tx, so
// that access checks see what the transaction sees.
func (s *Store) inTx(tx *gorm.DB) *Store { return &Store{db: tx, Now: s.Now, Calendar: s.Calendar} }

// require applies the access policy to an item of department deptID in
// region and returns catalog.ErrForbidden when u may not take action. The region
// tree is consulted only when the answer depends on it.
func (s *Store) require(ctx context.Context, u *catalog.User, action string, deptID uint, region string) error {
	if catalog.Allowed(u, action, deptID, false) {
		return nil
	}
	if !catalog.Allowed(u, action, deptID, true) {
		return s.forbidden(ctx, deptID, region)
	}
	in, err := s.Within(ctx, region, u.Region)
	if err != nil {
		return fmt.Errorf("resolve region %s: %w", region, err)
	}
	if !in {
		return s.forbidden(ctx, deptID, region)
	}
	return nil
}

// forbidden is the refusal of an item of department deptID in region: a
// *catalog.AccessError naming the owner, or plain catalog.ErrForbidden
// when the department cannot be read.
func (s *Store) forbidden(ctx context.Context, deptID uint, region string) error {
	d, err := s.Department(ctx, deptID)
	if err != nil {
		return catalog.ErrForbidden
	}
	return &catalog.AccessError{Department: d.Name, Region: region}
}

// readable loads the item code and checks that the actor may read it.
func (s *Store) readable(ctx context.Context, a Actor, code string) error {
	if a.User == nil {
		return catalog.ErrForbidden
	}
	row, err := loadItem(s.db.WithContext(ctx), code)
	if err != nil {
		return err
	}
	return s.require(ctx, a.User, catalog.ActionRead, row.DepartmentID, row.Region)
}

// latestFor loads, inside tx, the item code and its latest edition, checks
// that u may take action on both, and that the latest edition is number
// base in state want (catalog.ErrConflict otherwise).
func (s *Store) latestFor(ctx context.Context, tx *gorm.DB, u *catalog.User, action, code string, base int, want string) (*itemRow, *editionRow, error) {
	ts := s.inTx(tx)
	row, err := loadItem(tx, code)
	if err != nil {
		return nil, nil, err
	}
	if err := ts.require(ctx, u, action, row.DepartmentID, row.Region); err != nil {
		return nil, nil, err
	}
	if base != row.Latest {
		return nil, nil, staleEdition(code, base, row.Latest)
	}
	ed, err := loadEdition(tx, code, row.Latest)
	if err != nil {
		return nil, nil, err
	}
	if ed.State != want {
		return nil, nil, fmt.Errorf("item %s edition %d is %s, not %s: %w", code, base, ed.State, want, catalog.ErrConflict)
	}
	if ed.DepartmentID != row.DepartmentID || ed.Region != row.Region {
		// The edition moves the item: the actor must be allowed on both
		// sides.
		if err := ts.require(ctx, u, action, ed.DepartmentID, ed.Region); err != nil {
			return nil, nil, err
		}
	}
	return row, ed, nil
}

// staleEdition is the conflict of a step made against edition base when
// latest is the item's latest.
func staleEdition(code string, base, latest int) error {
	return fmt.Errorf("item %s: edition %d is not the latest (%d): %w", code, base, latest, catalog.ErrConflict)
}

// userDepartment is the department of an editor, 0 for anyone else.
func userDepartment(u *catalog.User) uint {
	if u == nil {
		return 0
	}
	return u.DepartmentID
}
