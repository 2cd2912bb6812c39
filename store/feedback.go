package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
	"zhinan/feedback"
)

// Citizens' feedback (docs/contract.md#feedback): ratings (好差评) of
// published items and bundles, and the tickets departments answer — every
// 差评, every 指南有误 report and every 办不成事 report. Filing needs no
// account; nothing stored names the citizen but the contact they chose to
// leave. These writes do not touch the catalogue, so they do not take the
// change sequence's lock (writeTx): on SQLite the transaction holds the
// write lock anyway, on PostgreSQL they run beside catalogue writes.

// MaxFeedbackPerDay bounds what anonymous citizens can store in a day
// (ratings and reports together, China time): beyond it filing is
// refused with ErrFeedbackFull until the next day, so storage cannot grow
// without bound whatever the number of addresses sending.
const MaxFeedbackPerDay = 20000

// ErrFeedbackFull is the refusal of feedback beyond MaxFeedbackPerDay.
var ErrFeedbackFull = errors.New(MsgFeedbackFull)

// chinaTime is the time of the calendar the deadlines count in.
var chinaTime = time.FixedZone("CST", 8*3600)

// Filed is a ticket just filed: the token of the citizen's link and the
// deadline.
type Filed struct {
	ID       int64     `json:"id"`
	Token    string    `json:"token"`
	Deadline time.Time `json:"deadline"`
}

// ratingRow is a row of ratings.
type ratingRow struct {
	ID           int64 `gorm:"primaryKey"`
	TargetKind   string
	TargetCode   string
	Region       string
	DepartmentID uint
	Level        int
	Reasons      string
	Comment      string
	CreatedAt    time.Time
}

func (ratingRow) TableName() string { return "ratings" }

// feedbackTarget is what a rating or report is about, as stored: the
// published item (its name, region and owning department) or bundle.
type feedbackTarget struct {
	Name         string
	Region       string
	DepartmentID uint
}

// resolveTarget finds the published item or bundle t names, or
// catalog.ErrNotFound: only what the public sees can be rated.
func resolveTarget(tx *gorm.DB, t feedback.Target) (*feedbackTarget, error) {
	var rows []feedbackTarget
	var err error
	switch t.Kind {
	case feedback.TargetItem:
		err = tx.Raw(`SELECT name, region, department_id FROM items WHERE code = ? AND published > 0`, t.Code).Scan(&rows).Error
	case feedback.TargetBundle:
		err = tx.Raw(`SELECT name, '' AS region, 0 AS department_id FROM bundles WHERE code = ? AND published > 0`, t.Code).Scan(&rows).Error
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s %q: %w", t.Kind, t.Code, catalog.ErrNotFound)
	}
	return &rows[0], nil
}

// feedbackTx runs fn in a transaction after checking the day's bound.
func (s *Store) feedbackTx(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error) error {
	now := s.Now().UTC()
	y, m, d := now.In(chinaTime).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, chinaTime).UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Raw(`SELECT (SELECT COUNT(*) FROM ratings WHERE created_at >= ?) +
			(SELECT COUNT(*) FROM tickets WHERE created_at >= ? AND rating_id = 0)`, day, day).Scan(&n).Error; err != nil {
			return err
		}
		if n >= MaxFeedbackPerDay {
			return ErrFeedbackFull
		}
		return fn(tx, now)
	})
}

// Rate stores a rating. A 差评 (不满意, 非常不满意) also files a ticket for
// the item's department (the hall's desk for a bundle), whose link it
// returns; other ratings return nil. The rating is validated
// (feedback.Rating.Check) and must be of a published item or bundle.
func (s *Store) Rate(ctx context.Context, r *feedback.Rating) (*Filed, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	var filed *Filed
	err := s.feedbackTx(ctx, func(tx *gorm.DB, now time.Time) error {
		t, err := resolveTarget(tx, r.Target)
		if err != nil {
			return err
		}
		row := ratingRow{TargetKind: string(r.Target.Kind), TargetCode: r.Target.Code, Region: t.Region,
			DepartmentID: t.DepartmentID, Level: int(r.Level), Reasons: joinReasons(r.Reasons),
			Comment: r.Comment, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store rating: %w", err)
		}
		if !r.Level.Bad() {
			return nil
		}
		filed, err = s.fileTicket(tx, now, ticketRow{Kind: string(feedback.KindRating), RatingID: row.ID,
			TargetKind: row.TargetKind, TargetCode: row.TargetCode, TargetName: t.Name, Region: t.Region,
			DepartmentID: t.DepartmentID, Level: row.Level, Reasons: row.Reasons, What: r.Comment})
		return err
	})
	return filed, err
}

// ReportError files a 指南有误 report as a ticket for the department that
// owns the item (the hall's desk for a bundle).
func (s *Store) ReportError(ctx context.Context, r *feedback.ErrorReport) (*Filed, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	return s.fileReport(ctx, &r.Target, ticketRow{Kind: string(feedback.KindError), Section: r.Section,
		What: r.What, Contact: r.Contact})
}

// ReportFail files a 办不成事 report as a ticket: for the department of
// the item it names, else for the hall's 办不成事 desk.
func (s *Store) ReportFail(ctx context.Context, r *feedback.FailReport) (*Filed, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	return s.fileReport(ctx, r.Target, ticketRow{Kind: string(feedback.KindFail), FailKind: string(r.Kind),
		What: r.What, Contact: r.Phone, FiledBy: r.FiledBy})
}

// fileReport files a report as a ticket about target (none: the desk's).
func (s *Store) fileReport(ctx context.Context, target *feedback.Target, row ticketRow) (*Filed, error) {
	var filed *Filed
	err := s.feedbackTx(ctx, func(tx *gorm.DB, now time.Time) error {
		if target != nil {
			t, err := resolveTarget(tx, *target)
			if err != nil {
				return err
			}
			row.TargetKind, row.TargetCode, row.TargetName = string(target.Kind), target.Code, t.Name
			row.Region, row.DepartmentID = t.Region, t.DepartmentID
		}
		var err error
		filed, err = s.fileTicket(tx, now, row)
		return err
	})
	return filed, err
}

// fileTicket stores a new ticket, open, with its token and deadline.
func (s *Store) fileTicket(tx *gorm.DB, now time.Time, row ticketRow) (*Filed, error) {
	kind := feedback.Kind(row.Kind)
	row.Token = feedback.NewToken()
	row.State = string(feedback.StateOpen)
	row.CreatedAt, row.UpdatedAt = now, now
	row.Deadline = deadline(kind, now, s.calendar())
	if err := tx.Create(&row).Error; err != nil {
		return nil, fmt.Errorf("store ticket: %w", err)
	}
	return &Filed{ID: row.ID, Token: row.Token, Deadline: row.Deadline}, nil
}

// deadline is the instant a ticket of kind k filed at filed is late: the
// beginning of the day after its due day (feedback.Due), in UTC.
func deadline(k feedback.Kind, filed time.Time, cal *catalog.Calendar) time.Time {
	return feedback.Due(k, filed, cal, chinaTime).AddDate(0, 0, 1).UTC()
}

// DueDay is the due day of a deadline, as people read it: the last day on
// time, in China time.
func DueDay(deadline time.Time) time.Time {
	return deadline.In(chinaTime).AddDate(0, 0, -1)
}

// calendar is the working-day calendar deadlines count by.
func (s *Store) calendar() *catalog.Calendar {
	if s.Calendar != nil {
		return s.Calendar
	}
	return catalog.BuiltinCalendar()
}

func joinReasons(rs []feedback.Reason) string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return strings.Join(ss, ",")
}

func splitReasons(s string) []feedback.Reason {
	if s == "" {
		return nil
	}
	var out []feedback.Reason
	for _, r := range strings.Split(s, ",") {
		out = append(out, feedback.Reason(r))
	}
	return out
}

// RatingFigures are the public figures of an item's or a bundle's ratings:
// how many, and how many were satisfied (the top three levels).
type RatingFigures struct {
	Ratings   int64 `json:"ratings"`
	Satisfied int64 `json:"satisfied"`
}

// RatingFigures returns the public rating figures of t.
func (s *Store) RatingFigures(ctx context.Context, t feedback.Target) (RatingFigures, error) {
	var f RatingFigures
	err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) AS ratings,
		COALESCE(SUM(CASE WHEN level >= 3 THEN 1 ELSE 0 END), 0) AS satisfied
		FROM ratings WHERE target_kind = ? AND target_code = ?`, string(t.Kind), t.Code).Scan(&f).Error
	return f, err
}
