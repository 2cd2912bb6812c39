package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhinan/catalog"
)

// Coverage groupings.
const (
	ByRegion     = "region"
	ByDepartment = "department"
	ByType       = "type"
)

// CoverageCounts are the counts behind the coverage ratios of one group
// (docs/contract.md#coverage-ratios): all items, the on-application ones, and the on-application
// items of each classification.
type CoverageCounts struct {
	Group         string `gorm:"column:grp"` // region code, department id, or type
	Items         int
	OnApplication int
	Online        int
	FullOnline    int
	OneVisit      int
	ZeroVisit     int
	Immediate     int
	InHall        int
	Nearby        int
}

// Add adds o's counts to c (for rollups).
func (c *CoverageCounts) Add(o CoverageCounts) {
	c.Items += o.Items
	c.OnApplication += o.OnApplication
	c.Online += o.Online
	c.FullOnline += o.FullOnline
	c.OneVisit += o.OneVisit
	c.ZeroVisit += o.ZeroVisit
	c.Immediate += o.Immediate
	c.InHall += o.InHall
	c.Nearby += o.Nearby
}

// CoverageCounts aggregates, in SQL, the items whose published edition was
// current at asOf, grouped by region, department (id) or type. It reads the
// classification columns stored with every edition, so no guide is
// decoded and no item is loaded into memory.
func (s *Store) CoverageCounts(ctx context.Context, by string, asOf time.Time) ([]CoverageCounts, error) {
	return s.CoverageCountsIn(ctx, by, asOf, nil)
}

// CoverageCountsIn is CoverageCounts over the items of the given regions
// only (all regions when nil).
func (s *Store) CoverageCountsIn(ctx context.Context, by string, asOf time.Time, regions []string) ([]CoverageCounts, error) {
	var group string
	switch by {
	case ByRegion:
		group = "e.region"
	case ByDepartment:
		group = "e.department_id"
	case ByType:
		group = "e.type"
	default:
		return nil, fmt.Errorf("coverage by %q: %w", by, catalog.ErrInvalid)
	}
	// Every classification column counts the on-application items that
	// have it. The sums are cast to BIGINT: PostgreSQL sums integers as
	// NUMERIC (SQLite as INTEGER).
	cols := []string{group + " AS grp", "COUNT(*) AS items",
		"CAST(SUM(CASE WHEN e.on_application THEN 1 ELSE 0 END) AS BIGINT) AS on_application"}
	for _, c := range editionFlagColumns {
		cols = append(cols, "CAST(SUM(CASE WHEN e.on_application AND e."+c+" THEN 1 ELSE 0 END) AS BIGINT) AS "+c)
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM editions e
		WHERE e.published_at IS NOT NULL AND e.published_at <= ?
		  AND (e.superseded_at IS NULL OR e.superseded_at > ?)`
	at := asOf.UTC()
	args := []any{at, at}
	if regions != nil {
		q += ` AND e.region IN ?`
		args = append(args, regions)
	}
	q += ` GROUP BY ` + group + ` ORDER BY ` + group
	var out []CoverageCounts
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("coverage counts: %w", err)
	}
	return out, nil
}
