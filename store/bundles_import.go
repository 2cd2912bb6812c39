package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// Import of bundle records (catalog.KindBundle): each is checked with
// catalog.BundleProblems against the catalogue entries stored and those of
// the same input, and stored, in the import's transaction, as a new
// published edition when it differs from the bundle's published one (as
// items are: docs/contract.md#interchange).

// checkBundleRecords returns the valid bundle records of an import and the
// problems of the others: invalid ones, and a code given twice. entries
// are the valid entry records of the same input.
func (s *Store) checkBundleRecords(ctx context.Context, recs, entries []catalog.Record) ([]catalog.Record, []catalog.Problem, error) {
	if len(recs) == 0 {
		return nil, nil, nil
	}
	var stored []string
	if err := s.db.WithContext(ctx).Raw(`SELECT base_code FROM entries`).Scan(&stored).Error; err != nil {
		return nil, nil, fmt.Errorf("load entries: %w", err)
	}
	known := make(map[string]bool, len(stored)+len(entries))
	for _, c := range stored {
		known[c] = true
	}
	for _, r := range entries {
		known[r.Entry.BaseCode] = true
	}
	var (
		good     []catalog.Record
		problems []catalog.Problem
		seen     = map[string]catalog.Record{}
	)
	for _, r := range recs {
		ps := catalog.BundleProblems(r, known)
		if b := r.Bundle; b != nil && b.Code != "" {
			if first, dup := seen[b.Code]; dup {
				p := r.Problem("code", fmt.Sprintf(MsgDuplicateBundle, b.Code, first.File, first.Line))
				p.Code = b.Code
				ps = append(ps, p)
			} else {
				seen[b.Code] = r
			}
		}
		if len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		good = append(good, r)
	}
	return good, problems, nil
}

// importBundles stores valid bundle records inside the import's
// transaction: a bundle identical to its published edition (by digest) is
// left alone; any other gets a new published edition, the latest, by
// author with note, superseding the published one (an edition in progress
// stays in the history). Each written bundle is stamped with a new value of
// the change sequence, in input order, and counted in res.Bundles.
func importBundles(tx *gorm.DB, recs []catalog.Record, now time.Time, author, note string, res *ImportResult) error {
	if len(recs) == 0 {
		return nil
	}
	if len(recs) > catalog.MaxBundles {
		return roomForBundles(tx, len(recs)) // refused without listing the codes in a query
	}
	codes := make([]string, len(recs))
	for i, r := range recs {
		codes[i] = r.Bundle.Code
	}
	var known int64
	if err := tx.Table("bundles").Where("code IN ?", codes).Count(&known).Error; err != nil {
		return fmt.Errorf("count bundles: %w", err)
	}
	if err := roomForBundles(tx, len(recs)-int(known)); err != nil {
		return err
	}
	for _, r := range recs {
		b := r.Bundle
		ed, err := newBundleEdition(b, 0, catalog.StatePublished, now)
		if err != nil {
			return err
		}
		var rows []bundleRow
		if err := tx.Where("code = ?", b.Code).Find(&rows).Error; err != nil {
			return fmt.Errorf("load bundle %s: %w", b.Code, err)
		}
		if len(rows) == 1 && rows[0].Published > 0 {
			old, err := loadBundleEdition(tx, b.Code, rows[0].Published)
			if err != nil {
				return err
			}
			if old.Digest == ed.Digest {
				continue
			}
		}
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		row := bundleRow{Code: b.Code, CreatedAt: now}
		if len(rows) == 1 {
			row = rows[0]
			if err := supersedePublishedBundle(tx, b.Code, now); err != nil {
				return err
			}
		}
		ed.Number, ed.Author, ed.Reviewer, ed.Note, ed.PublishedAt = row.Latest+1, author, author, note, &now
		if err := tx.Create(&ed).Error; err != nil {
			return fmt.Errorf("store edition %d of bundle %s: %w", ed.Number, b.Code, err)
		}
		row.Name, row.Published, row.Latest, row.Seq, row.UpdatedAt = b.Name, ed.Number, ed.Number, seq, now
		if err := tx.Save(&row).Error; err != nil {
			return fmt.Errorf("save bundle %s: %w", b.Code, err)
		}
		res.Bundles++
	}
	return nil
}
