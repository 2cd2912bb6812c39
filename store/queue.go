package store

import (
	"context"
	"fmt"
	"time"

	"zhinan/catalog"
)

// QueueEntry is one line of a work queue: an item with its latest edition.
type QueueEntry struct {
	Code       string `json:"code"`
	Name       string `json:"name"` // the name in the latest edition
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Department string `json:"department"`
	QueueEdition
	// Findings is the number of guide-quality findings of the latest
	// edition; FindingList are they.
	Findings    int               `json:"findings"`
	FindingList []catalog.Finding `json:"-" gorm:"-"`
}

// QueueEdition is what a line of a work queue, of items (QueueEntry) or
// bundles (BundleQueueEntry), says of the latest edition; in JSON its
// fields stand among the line's own.
type QueueEdition struct {
	// Edition and State are the latest edition's number and state.
	Edition int    `json:"edition"`
	State   string `json:"state"`
	// Published is the current published edition, 0 when none.
	Published   int        `json:"published"`
	Author      string     `json:"author"`
	Note        string     `json:"note,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
}

// utc gives the edition's times in UTC, as every API answer has them.
func (q *QueueEdition) utc() {
	q.CreatedAt = q.CreatedAt.UTC()
	q.SubmittedAt = utcPtr(q.SubmittedAt)
}

// Queue returns the actor's work queue. A reviewer (or an admin) gets the
// items whose latest edition is submitted, within their region (every
// region for an admin or a reviewer without one), oldest submission first.
// An editor gets every item of their department with its latest edition's
// state, ordered by code. Anyone else is refused with catalog.ErrForbidden.
func (s *Store) Queue(ctx context.Context, a Actor) ([]QueueEntry, error) {
	u := a.User
	const cols = `SELECT i.code, i.published, e.number AS edition, e.state, e.author, e.note, e.reason,
		e.created_at, e.submitted_at, e.region, COALESCE(r.name, '') AS region_name,
		COALESCE(d.name, '') AS department, e.guide
		FROM items i ` + joinLatest + `
		LEFT JOIN departments d ON d.id = e.department_id
		LEFT JOIN regions r ON r.code = e.region`
	var (
		query string
		args  []any
	)
	switch {
	case catalog.Allowed(u, catalog.ActionReview, 0, false):
		// May review everywhere.
		query, args = cols+` WHERE e.state = ? ORDER BY e.submitted_at, i.code`, []any{catalog.StateSubmitted}
	case catalog.Allowed(u, catalog.ActionReview, 0, true):
		// May review within a region: its subtree, by a recursive query.
		// Both terms select regions.code, so that the scope's column has
		// the column's type and collation on PostgreSQL (a parameter has
		// the database's default collation, which a recursive query may
		// not mix with the column's). A reviewer's region exists: AddUser
		// checks it.
		query = `WITH RECURSIVE scope(code) AS (
				SELECT code FROM regions WHERE code = ?
				UNION SELECT r.code FROM regions r JOIN scope s ON r.parent = s.code)
			` + cols + ` WHERE e.state = ? AND e.region IN (SELECT code FROM scope)
			AND i.region IN (SELECT code FROM scope) ORDER BY e.submitted_at, i.code`
		args = []any{u.Region, catalog.StateSubmitted}
	case u != nil && u.DepartmentID != 0 && catalog.Allowed(u, catalog.ActionEdit, u.DepartmentID, true):
		query, args = cols+` WHERE i.department_id = ? ORDER BY i.code`, []any{u.DepartmentID}
	default:
		return nil, catalog.ErrForbidden
	}
	var rows []struct {
		QueueEntry
		Guide string
	}
	if err := s.db.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load work queue: %w", err)
	}
	out := make([]QueueEntry, len(rows))
	for i, r := range rows {
		it, err := catalog.DecodeGuide(r.Guide)
		if err != nil {
			return nil, fmt.Errorf("item %s edition %d: %w", r.Code, r.Edition, err)
		}
		q := r.QueueEntry
		q.Name, q.FindingList = it.Name, catalog.Quality(it)
		q.Findings = len(q.FindingList)
		q.utc()
		out[i] = q
	}
	return out, nil
}
