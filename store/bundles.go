package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// Bundles (一件事一次办, docs/contract.md#bundles) are stored as items are:
// a row per bundle (bundles) saying which edition is published and which
// is the latest, and its editions (bundle_editions), each the whole bundle
// as canonical JSON with the JSON's digest. Bundles are city-wide: the
// access policy is catalog.AllowedBundle. This file holds the rows and
// reading the published bundles; bundles_workflow.go the edit workflow,
// bundles_resolve.go resolving steps to items, bundles_import.go import.

// bundleRow is a row of the bundles table.
type bundleRow struct {
	Code      string `gorm:"primaryKey"`
	Name      string // the published edition's name (the first draft's until one is published)
	Published int    // edition number, 0 = none
	Latest    int
	Seq       int64 // the change sequence of its last write
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (bundleRow) TableName() string { return "bundles" }

// bundleEditionRow is a row of the bundle_editions table.
type bundleEditionRow struct {
	ID           uint `gorm:"primaryKey"`
	BundleCode   string
	Number       int
	State        string
	Body         string // the bundle, canonical JSON
	Digest       string
	Note         string
	Author       string
	Reviewer     string
	Reason       string
	CreatedAt    time.Time
	SubmittedAt  *time.Time
	PublishedAt  *time.Time
	SupersededAt *time.Time
}

func (bundleEditionRow) TableName() string { return "bundle_editions" }

// newBundleEdition builds an edition row of b: its canonical JSON and
// digest.
func newBundleEdition(b *catalog.Bundle, number int, state string, at time.Time) (bundleEditionRow, error) {
	body, err := catalog.CanonicalJSON(b)
	if err != nil {
		return bundleEditionRow{}, fmt.Errorf("encode bundle %s: %w", b.Code, err)
	}
	return bundleEditionRow{BundleCode: b.Code, Number: number, State: state, Body: string(body),
		Digest: digest(body), CreatedAt: at}, nil
}

// decode returns the edition's bundle.
func (ed *bundleEditionRow) decode() (*catalog.Bundle, error) {
	var b catalog.Bundle
	if err := json.Unmarshal([]byte(ed.Body), &b); err != nil {
		return nil, fmt.Errorf("bundle %s edition %d: %w", ed.BundleCode, ed.Number, err)
	}
	return &b, nil
}

func (ed *bundleEditionRow) info() EditionInfo {
	return EditionInfo{Number: ed.Number, State: ed.State, Author: ed.Author, Reviewer: ed.Reviewer,
		Note: ed.Note, Reason: ed.Reason, CreatedAt: ed.CreatedAt.UTC(), SubmittedAt: utcPtr(ed.SubmittedAt),
		PublishedAt: utcPtr(ed.PublishedAt), SupersededAt: utcPtr(ed.SupersededAt)}
}

// loadBundle returns the row of the bundle code, or catalog.ErrNotFound.
func loadBundle(db *gorm.DB, code string) (*bundleRow, error) {
	return loadRow[bundleRow](db, "bundle", code)
}

// loadBundleEdition returns edition n of the bundle code, or
// catalog.ErrNotFound.
func loadBundleEdition(db *gorm.DB, code string, n int) (*bundleEditionRow, error) {
	return loadEditionOf[bundleEditionRow](db, "bundle", code, n)
}

// publishedBundleSelect selects the published edition of bundles (b) as
// publishedBundleRows; callers add a WHERE clause.
const publishedBundleSelect = `SELECT b.code, e.number, e.body, e.published_at FROM bundles b
	JOIN bundle_editions e ON e.bundle_code = b.code AND e.number = b.published`

type publishedBundleRow struct {
	Code        string
	Number      int
	Body        string
	PublishedAt *time.Time
}

func (r publishedBundleRow) decode() (*catalog.PublishedBundle, error) {
	ed := bundleEditionRow{BundleCode: r.Code, Number: r.Number, Body: r.Body}
	b, err := ed.decode()
	if err != nil {
		return nil, err
	}
	p := &catalog.PublishedBundle{Bundle: *b, Edition: r.Number}
	if r.PublishedAt != nil {
		p.UpdatedAt = r.PublishedAt.UTC()
	}
	return p, nil
}

// PublishedBundles returns every bundle's published edition, by code;
// bundles without one are left out. A city has tens of bundles, not
// thousands: they are read in one query.
func (s *Store) PublishedBundles(ctx context.Context) ([]catalog.PublishedBundle, error) {
	var rows []publishedBundleRow
	if err := s.db.WithContext(ctx).Raw(publishedBundleSelect + ` ORDER BY b.code`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read bundles: %w", err)
	}
	out := make([]catalog.PublishedBundle, len(rows))
	for i, r := range rows {
		p, err := r.decode()
		if err != nil {
			return nil, err
		}
		out[i] = *p
	}
	return out, nil
}

// PublishedBundle returns the published edition of the bundle code, or
// catalog.ErrNotFound when there is none.
func (s *Store) PublishedBundle(ctx context.Context, code string) (*catalog.PublishedBundle, error) {
	if !storableText(code) {
		return nil, catalog.ErrNotFound
	}
	var rows []publishedBundleRow
	if err := s.db.WithContext(ctx).Raw(publishedBundleSelect+` WHERE b.code = ?`, code).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", code, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("bundle %s: %w", code, catalog.ErrNotFound)
	}
	return rows[0].decode()
}

// BundlesVersion returns the change sequence of the last write to any
// bundle (0 when there is none): a cache of bundles (another replica's
// too) is current while it has not grown. Every bundle write stamps its
// bundle with a new value, and bundles are never deleted.
func (s *Store) BundlesVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(MAX(seq), 0) FROM bundles`).Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read bundles version: %w", err)
	}
	return v, nil
}

// EachPublishedBundle calls fn for every bundle with a published edition,
// in code order (the source of export).
func (s *Store) EachPublishedBundle(ctx context.Context, fn func(*catalog.PublishedBundle) error) error {
	all, err := s.PublishedBundles(ctx)
	if err != nil {
		return err
	}
	for i := range all {
		if err := fn(&all[i]); err != nil {
			return err
		}
	}
	return nil
}
