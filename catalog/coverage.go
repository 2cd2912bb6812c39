package catalog

import (
	"context"
	"fmt"
	"time"
)

// Coverage groupings.
const (
	ByRegion     = "region"
	ByDepartment = "department"
	ByType       = "type"
)

// CoverageCounts are the counts behind the coverage ratios of one group
// (SPEC §4): all items, the on-application ones, and the on-application
// items of each classification.
type CoverageCounts struct {
	Group         string // region code, department id, or type
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
		return nil, fmt.Errorf("coverage by %q: %w", by, ErrInvalid)
	}
	sum := func(cond string) string {
		return "SUM(CASE WHEN e.on_application AND " + cond + " THEN 1 ELSE 0 END)"
	}
	q := `SELECT ` + group + ` AS grp, COUNT(*) AS items,
		SUM(CASE WHEN e.on_application THEN 1 ELSE 0 END) AS on_application,
		` + sum("e.online") + ` AS online,
		` + sum("e.full_online") + ` AS full_online,
		` + sum("e.one_visit") + ` AS one_visit,
		` + sum("e.zero_visit") + ` AS zero_visit,
		` + sum("e.immediate") + ` AS immediate,
		` + sum("e.in_hall") + ` AS in_hall,
		` + sum("e.nearby") + ` AS nearby
		FROM editions e
		WHERE e.published_at IS NOT NULL AND e.published_at <= ?
		  AND (e.superseded_at IS NULL OR e.superseded_at > ?)`
	at := asOf.UTC()
	args := []any{at, at}
	if regions != nil {
		q += ` AND e.region IN ?`
		args = append(args, regions)
	}
	q += ` GROUP BY ` + group + ` ORDER BY ` + group
	type row struct {
		Grp                                                                                      string
		Items, OnApplication, Online, FullOnline, OneVisit, ZeroVisit, Immediate, InHall, Nearby int
	}
	var rows []row
	if err := s.db.WithContext(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("coverage counts: %w", err)
	}
	out := make([]CoverageCounts, len(rows))
	for i, r := range rows {
		out[i] = CoverageCounts{Group: r.Grp, Items: r.Items, OnApplication: r.OnApplication, Online: r.Online,
			FullOnline: r.FullOnline, OneVisit: r.OneVisit, ZeroVisit: r.ZeroVisit, Immediate: r.Immediate,
			InHall: r.InHall, Nearby: r.Nearby}
	}
	return out, nil
}
