package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhinan/catalog"
)

// The figures of the feedback report (docs/contract.md#feedback-figures):
// ratings and tickets counted in SQL by department, item (or bundle) or
// region. Only counts leave this file: no comment, no text a citizen or a
// department wrote, and no contact.

// ByItem groups feedback by its target: an item or a bundle. (ByRegion and
// ByDepartment group it as coverage is grouped.)
const ByItem = "item"

// FeedbackScope is what the feedback figures count.
type FeedbackScope struct {
	// From and To bound the instant a rating was given or a ticket filed:
	// From ≤ created_at < To; a zero time is unbounded.
	From, To time.Time
	// Regions keeps only the ratings and tickets of these regions (the
	// item's region); nil keeps every one. "" among them keeps those
	// without a region: of bundles, and 办不成事 reports that name no item.
	Regions []string
	// Now is the instant deadlines are judged at (zero: the store's clock).
	Now time.Time
}

// FeedbackCounts are the counts of one group. The group is Region (by
// region), DepartmentID (by department; 0 for bundles and the hall's
// 办不成事 desk) or TargetKind and TargetCode (by item; both "" for the
// 办不成事 reports that name no item), with TargetName and, for an item,
// its Region.
type FeedbackCounts struct {
	Region       string
	DepartmentID int64
	TargetKind   string
	TargetCode   string
	TargetName   string

	Ratings   int // ratings given
	Satisfied int // of them, level ≥ 3 (非常满意, 满意, 基本满意)
	Bad       int // of them, level ≤ 2 (差评)

	Tickets int // tickets filed
	Settled int // of them, with an outcome (fixed or declined)
	Fixed   int // of them, outcome fixed
	// Judged are the tickets whose due action (settling a 差评 or 指南有误
	// ticket, first contact for a 办不成事 one) is done, or whose deadline
	// has passed without it; OnTime those whose due action was done
	// before the deadline; OpenOverdue those whose deadline has passed
	// and whose due action is not done.
	Judged      int
	OnTime      int
	OpenOverdue int

	// The 办不成事 tickets by kind (feedback.FailKinds).
	FailWhere  int
	FailHow    int
	FailWindow int
}

// Add adds o's counts to c (for the summary row).
func (c *FeedbackCounts) Add(o FeedbackCounts) {
	c.Ratings += o.Ratings
	c.Satisfied += o.Satisfied
	c.Bad += o.Bad
	c.Tickets += o.Tickets
	c.Settled += o.Settled
	c.Fixed += o.Fixed
	c.Judged += o.Judged
	c.OnTime += o.OnTime
	c.OpenOverdue += o.OpenOverdue
	c.FailWhere += o.FailWhere
	c.FailHow += o.FailHow
	c.FailWindow += o.FailWindow
}

// FeedbackCounts counts, in SQL, the ratings and tickets of the scope
// grouped by ByDepartment, ByItem or ByRegion; one element per group with
// a rating or a ticket, ordered by the group's key (region code,
// department id, or target kind and code, in byte order).
func (s *Store) FeedbackCounts(ctx context.Context, by string, sc FeedbackScope) ([]FeedbackCounts, error) {
	var keys []string // the group's columns, in both tables
	switch by {
	case ByRegion:
		keys = []string{"region"}
	case ByDepartment:
		keys = []string{"department_id"}
	case ByItem:
		keys = []string{"target_kind", "target_code"}
	default:
		return nil, fmt.Errorf("feedback by %q: %w", by, catalog.ErrInvalid)
	}
	now := sc.Now
	if now.IsZero() {
		now = s.Now()
	}
	now = now.UTC()
	// sum counts the rows where cond holds. The sums are cast to BIGINT:
	// PostgreSQL may sum as NUMERIC, SQLite sums as INTEGER.
	sum := func(cond, as string) string {
		return "CAST(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END) AS BIGINT) AS " + as
	}
	// The due action's time: first contact for 办不成事, settling else.
	done := `(CASE WHEN t.kind = 'fail' THEN t.contacted_at ELSE t.settled_at END)`

	qualified := func(alias string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = alias + "." + k
		}
		return out
	}
	where := func(alias string) (string, []any) {
		var conds []string
		var args []any
		if !sc.From.IsZero() {
			conds = append(conds, alias+".created_at >= ?")
			args = append(args, sc.From.UTC())
		}
		if !sc.To.IsZero() {
			conds = append(conds, alias+".created_at < ?")
			args = append(args, sc.To.UTC())
		}
		if sc.Regions != nil {
			if len(sc.Regions) == 0 {
				conds = append(conds, "1 = 0")
			} else {
				conds = append(conds, alias+".region IN ?")
				args = append(args, sc.Regions)
			}
		}
		if len(conds) == 0 {
			return "", nil
		}
		return " WHERE " + strings.Join(conds, " AND "), args
	}
	// By item, the target's name: the item's or bundle's as it is now,
	// else (tickets) the name recorded when the ticket was filed; and
	// the item's region.
	names := func(alias, recorded string) (cols, joins string) {
		if by != ByItem {
			return "", ""
		}
		return ", MAX(COALESCE(i.name, b.name, " + recorded + ")) AS target_name, MAX(" + alias + ".region) AS region",
			" LEFT JOIN items i ON " + alias + ".target_kind = 'item' AND i.code = " + alias + ".target_code" +
				" LEFT JOIN bundles b ON " + alias + ".target_kind = 'bundle' AND b.code = " + alias + ".target_code"
	}

	db := s.db.WithContext(ctx)
	group := strings.Join(qualified("r"), ", ")
	nameCols, joins := names("r", "''")
	w, args := where("r")
	q := `SELECT ` + group + nameCols + `, COUNT(*) AS ratings, ` +
		sum("r.level >= 3", "satisfied") + `, ` + sum("r.level <= 2", "bad") +
		` FROM ratings r` + joins + w + ` GROUP BY ` + group
	var ratings []FeedbackCounts
	if err := db.Raw(q, args...).Scan(&ratings).Error; err != nil {
		return nil, fmt.Errorf("feedback figures (ratings): %w", err)
	}

	group = strings.Join(qualified("t"), ", ")
	nameCols, joins = names("t", "t.target_name")
	w, args = where("t")
	q = `SELECT ` + group + nameCols + `, COUNT(*) AS tickets, ` +
		sum("t.outcome <> ''", "settled") + `, ` +
		sum("t.outcome = 'fixed'", "fixed") + `, ` +
		sum(done+" IS NOT NULL OR t.deadline <= ?", "judged") + `, ` +
		sum(done+" IS NOT NULL AND "+done+" < t.deadline", "on_time") + `, ` +
		sum(done+" IS NULL AND t.deadline <= ?", "open_overdue") + `, ` +
		sum("t.kind = 'fail' AND t.fail_kind = 'where'", "fail_where") + `, ` +
		sum("t.kind = 'fail' AND t.fail_kind = 'how'", "fail_how") + `, ` +
		sum("t.kind = 'fail' AND t.fail_kind = 'window'", "fail_window") +
		` FROM tickets t` + joins + w + ` GROUP BY ` + group
	var tickets []FeedbackCounts
	if err := db.Raw(q, append([]any{now, now}, args...)...).Scan(&tickets).Error; err != nil {
		return nil, fmt.Errorf("feedback figures (tickets): %w", err)
	}

	// One element per group: the ratings' counts and the tickets'.
	type key struct {
		region string
		dept   int64
		kind   string
		code   string
	}
	keyOf := func(c *FeedbackCounts) key {
		switch by {
		case ByRegion:
			return key{region: c.Region}
		case ByDepartment:
			return key{dept: c.DepartmentID}
		}
		return key{kind: c.TargetKind, code: c.TargetCode}
	}
	merged := map[key]*FeedbackCounts{}
	var out []FeedbackCounts
	for _, c := range ratings {
		merged[keyOf(&c)] = &c
	}
	for _, c := range tickets {
		m := merged[keyOf(&c)]
		if m == nil {
			merged[keyOf(&c)] = &c
			continue
		}
		m.Add(c)
		if m.TargetName == "" {
			m.TargetName = c.TargetName
		}
		if m.Region == "" {
			m.Region = c.Region
		}
	}
	for _, c := range merged {
		out = append(out, *c)
	}
	// Ordered here, not in SQL, so that both engines give one order
	// whatever their collations.
	sort.Slice(out, func(i, j int) bool {
		a, b := keyOf(&out[i]), keyOf(&out[j])
		if a.region != b.region {
			return a.region < b.region
		}
		if a.dept != b.dept {
			return a.dept < b.dept
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		return a.code < b.code
	})
	return out, nil
}
