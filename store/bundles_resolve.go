package store

import (
	"context"
	"fmt"

	"zhinan/catalog"
)

// maxRegionDepth bounds the walk up the region tree (村 → 乡 → 县 → 市 →
// 省 is five levels), so that a cycle in imported regions cannot loop.
const maxRegionDepth = 8

// ResolveBundle resolves each step of b in region: the published item of
// the step's entry (BaseCode, else its Or entries in order) in region, else
// in the nearest region above it that has one; the member's Item is nil
// when neither region nor any region above has one. Several items of one
// entry in one region (two departments) resolve to the one of the smallest
// code. An unknown region is catalog.ErrNotFound. It reads the region
// chain in one query and the items of every entry of b in another.
func (s *Store) ResolveBundle(ctx context.Context, b *catalog.Bundle, region string) ([]catalog.BundleMember, error) {
	if !storableText(region) {
		return nil, fmt.Errorf("region %q: %w", region, catalog.ErrNotFound)
	}
	db := s.db.WithContext(ctx)
	// The region and its ancestors, nearest first.
	var chain []string
	err := db.Raw(`WITH RECURSIVE up(code, parent, depth) AS (
			SELECT code, parent, 0 FROM regions WHERE code = ?
			UNION ALL SELECT r.code, r.parent, u.depth + 1 FROM regions r JOIN up u ON r.code = u.parent
			WHERE u.depth < ?)
		SELECT code FROM up ORDER BY depth`, region, maxRegionDepth).Scan(&chain).Error
	if err != nil {
		return nil, fmt.Errorf("resolve region %s: %w", region, err)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("region %s: %w", region, catalog.ErrNotFound)
	}
	var codes []string
	for _, st := range b.Steps {
		for _, c := range st.Entries() {
			if storableText(c) {
				codes = append(codes, c)
			}
		}
	}
	type key struct{ base, region string }
	found := map[key]*catalog.Item{}
	if len(codes) > 0 {
		var rows []publishedRow
		err := db.Raw(publishedSelect+` WHERE i.base_code IN ? AND i.region IN ? ORDER BY i.code`, codes, chain).
			Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("load the items of bundle %s: %w", b.Code, err)
		}
		for _, r := range rows {
			p, err := r.decode()
			if err != nil {
				return nil, err
			}
			k := key{p.BaseCode, p.Region}
			if found[k] == nil {
				found[k] = &p.Item
			}
		}
	}
	members := make([]catalog.BundleMember, len(b.Steps))
	for i, st := range b.Steps {
		members[i].Step = st
	find:
		for _, r := range chain {
			for _, c := range st.Entries() {
				if it := found[key{c, r}]; it != nil {
					members[i].Item = it
					break find
				}
			}
		}
	}
	return members, nil
}
