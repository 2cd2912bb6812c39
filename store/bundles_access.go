package store

import (
	"context"
	"fmt"

	"zhinan/catalog"
)

// The access checks of bundles: catalog.AllowedBundle, with the store
// saying whether a reviewer's region covers the whole catalogue.

// ReviewsWholeCatalogue reports whether u is a reviewer whose region is the
// root of the catalogue, the scope catalog.AllowedBundle asks of a reviewer
// of bundles: a reviewer without a region, or one whose region contains
// the region of every stored item (the seed city 610900 for the seed
// catalogue, or the province above it). In a store without items, only a
// region without a parent (a province) is the root. A bundle joins items
// of the city and every county, so a county's reviewer, who may publish
// that county's items, may not publish a bundle.
func (s *Store) ReviewsWholeCatalogue(ctx context.Context, u *catalog.User) (bool, error) {
	if u == nil || u.Role != catalog.RoleReviewer {
		return false, nil
	}
	if u.Region == "" {
		return true, nil
	}
	// The regions of items outside the reviewer's subtree (the recursive
	// query selects regions.code in both terms, as Queue's does, so that
	// PostgreSQL compares columns of one collation), and whether the
	// region has a parent.
	var r struct {
		Outside int64
		Items   int64
		Parent  string
	}
	err := s.db.WithContext(ctx).Raw(`WITH RECURSIVE scope(code) AS (
			SELECT code FROM regions WHERE code = ?
			UNION SELECT r.code FROM regions r JOIN scope s ON r.parent = s.code)
		SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT region FROM items) x
				WHERE x.region NOT IN (SELECT code FROM scope)) AS outside,
			(SELECT COUNT(*) FROM (SELECT code FROM items LIMIT 1) y) AS items,
			COALESCE((SELECT parent FROM regions WHERE code = ?), '?') AS parent`,
		u.Region, u.Region).Scan(&r).Error
	if err != nil {
		return false, fmt.Errorf("resolve the scope of region %s: %w", u.Region, err)
	}
	if r.Items == 0 {
		return r.Parent == "", nil
	}
	return r.Outside == 0, nil
}

// BundleAllowed reports whether u may take action on bundles
// (catalog.AllowedBundle with the reviewer's scope resolved): what the
// web layer asks to show or hide a bundle's buttons.
func (s *Store) BundleAllowed(ctx context.Context, u *catalog.User, action string) (bool, error) {
	if catalog.AllowedBundle(u, action, false) {
		return true, nil
	}
	if !catalog.AllowedBundle(u, action, true) {
		return false, nil
	}
	return s.ReviewsWholeCatalogue(ctx, u)
}

// requireBundle is BundleAllowed as an error: catalog.ErrForbidden when u
// may not take action on bundles.
func (s *Store) requireBundle(ctx context.Context, u *catalog.User, action string) error {
	ok, err := s.BundleAllowed(ctx, u, action)
	if err != nil {
		return err
	}
	if !ok {
		return catalog.ErrForbidden
	}
	return nil
}
