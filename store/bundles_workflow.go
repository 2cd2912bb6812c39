package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// The edit workflow of bundles mirrors that of items (workflow.go): a
// bundle editor saves drafts, submits them, and a reviewer of the whole
// catalogue publishes or rejects them (catalog.AllowedBundle). Every step
// is one write transaction that checks the base edition (catalog.ErrConflict
// when stale), stamps the bundle with a new change sequence value and
// writes one change-log entry, the bundle's code as its item.

// Operations of bundles recorded in the change log (ChangeEntry.Action).
const (
	OpBundleCreate  = "bundle_create"
	OpBundleSave    = "bundle_save"
	OpBundleSubmit  = "bundle_submit"
	OpBundlePublish = "bundle_publish"
	OpBundleReject  = "bundle_reject"
)

// roomForBundles refuses adding n bundles beyond catalog.MaxBundles, as a
// validation error of the code.
func roomForBundles(tx *gorm.DB, n int) error {
	var count int64
	if err := tx.Table("bundles").Count(&count).Error; err != nil {
		return fmt.Errorf("count bundles: %w", err)
	}
	if count+int64(n) > catalog.MaxBundles {
		return &catalog.ValidationError{Errors: []catalog.FieldError{{Field: "code",
			Message: fmt.Sprintf(catalog.MsgTooManyBundles, catalog.MaxBundles)}}}
	}
	return nil
}

// ErrBundleCodeTaken is the error of creating a bundle with a code already
// in use. It is a catalog.ErrConflict.
var ErrBundleCodeTaken = fmt.Errorf("bundle code already exists: %w", catalog.ErrConflict)

// BundleWorking is the edition of a bundle an editor works on: the latest
// edition when it is a draft, submitted or rejected one, else the
// published edition to start from (as Working for items).
type BundleWorking struct {
	catalog.Bundle
	WorkingEdition
}

// BundleQueueEntry is one line of the bundle work queue: a bundle with its
// latest edition.
type BundleQueueEntry struct {
	Code string `json:"code"`
	Name string `json:"name"` // the name in the latest edition
	QueueEdition
}

// BundleDraft returns the edition of the bundle code an editor works on
// (see BundleWorking), or catalog.ErrNotFound. It needs catalog.ActionRead
// on bundles.
func (s *Store) BundleDraft(ctx context.Context, a Actor, code string) (*BundleWorking, error) {
	if err := s.requireBundle(ctx, a.User, catalog.ActionRead); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	row, err := loadBundle(db, code)
	if err != nil {
		return nil, err
	}
	ed, err := workingEdition(row.Latest, row.Published, func(n int) (*bundleEditionRow, error) { return loadBundleEdition(db, code, n) },
		func(ed *bundleEditionRow) string { return ed.State })
	if err != nil {
		return nil, err
	}
	b, err := ed.decode()
	if err != nil {
		return nil, err
	}
	return &BundleWorking{Bundle: *b, WorkingEdition: ed.info().working(row.Published)}, nil
}

// SaveBundle stores b as a draft of the bundle code and returns the
// draft's edition number. base 0 creates the bundle (edition 1;
// ErrBundleCodeTaken, a catalog.ErrConflict, when the code is in use);
// otherwise base must be the bundle's latest edition, else
// catalog.ErrConflict. b.Code must be code, and b must pass
// catalog.ValidateBundle against the stored catalogue entries, else a
// *catalog.ValidationError. It needs catalog.ActionEdit on bundles
// (catalog.ErrForbidden). Refusals come in this order: access, the base,
// the bundle; in each case nothing is saved.
//
// As for items, the author's own draft not yet submitted is replaced in
// place (it takes the next number); otherwise the open edition the save
// replaces (draft, submitted or rejected) is superseded.
func (s *Store) SaveBundle(ctx context.Context, a Actor, code string, base int, b *catalog.Bundle, note string) (int, error) {
	if err := s.requireBundle(ctx, a.User, catalog.ActionEdit); err != nil {
		return 0, err
	}
	number := base + 1
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		var row *bundleRow
		switch r, err := loadBundle(tx, code); {
		case err == nil && base == 0:
			return fmt.Errorf("bundle %s: %w", code, ErrBundleCodeTaken)
		case err == nil:
			if base != r.Latest {
				return staleBundle(code, base, r.Latest)
			}
			row = r
		case base != 0 || !errors.Is(err, catalog.ErrNotFound):
			return err
		}
		if err := checkBundle(tx, code, b, note); err != nil {
			return err
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		op := OpBundleSave
		if row == nil {
			op = OpBundleCreate
			if err := roomForBundles(tx, 1); err != nil {
				return err
			}
			row = &bundleRow{Code: code, Name: b.Name, Latest: 0, Seq: seq, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(row).Error; err != nil {
				return fmt.Errorf("create bundle %s: %w", code, err)
			}
		}
		if err := saveBundleEdition(tx, a.name(), b, base, now, note); err != nil {
			return err
		}
		set := map[string]any{"latest": number}
		if row.Published == 0 {
			set["name"] = b.Name
		}
		if err := advanceBundle(tx, code, base, seq, now, set); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: op,
			ItemCode: code, Edition: number, Detail: note, Remote: a.Remote})
	})
	if err != nil {
		return 0, err
	}
	return number, nil
}

// checkBundle validates a bundle saved as the bundle code, with its change
// note, against the entries stored (read in tx).
func checkBundle(tx *gorm.DB, code string, b *catalog.Bundle, note string) error {
	entries, err := knownEntries(tx, b)
	if err != nil {
		return err
	}
	errs := catalog.ValidateBundle(b, entries)
	if b != nil && b.Code != code && !hasFieldError(errs, "code") {
		errs = append([]catalog.FieldError{{Field: "code", Message: fmt.Sprintf(MsgBundleCodeMismatch, code)}}, errs...)
	}
	errs = append(errs, catalog.CheckNote("note", note, false)...)
	if len(errs) > 0 {
		return &catalog.ValidationError{Errors: errs}
	}
	return nil
}

// knownEntries returns which of the entries the steps of b name are
// stored.
func knownEntries(db *gorm.DB, b *catalog.Bundle) (map[string]bool, error) {
	known := map[string]bool{}
	if b == nil {
		return known, nil
	}
	var codes []string
	for _, st := range b.Steps {
		for _, c := range st.Entries() {
			if storableText(c) {
				codes = append(codes, c)
			}
		}
	}
	if len(codes) == 0 {
		return known, nil
	}
	var found []string
	if err := db.Raw(`SELECT base_code FROM entries WHERE base_code IN ?`, codes).Scan(&found).Error; err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	for _, c := range found {
		known[c] = true
	}
	return known, nil
}

// saveBundleEdition writes b as the draft base+1 of its bundle: over the
// author's own unsubmitted draft base, or as a new edition superseding the
// open ones.
func saveBundleEdition(tx *gorm.DB, author string, b *catalog.Bundle, base int, now time.Time, note string) error {
	ed, err := newBundleEdition(b, base+1, catalog.StateDraft, now)
	if err != nil {
		return err
	}
	ed.Author, ed.Note = author, note
	if base > 0 {
		latest, err := loadBundleEdition(tx, b.Code, base)
		if err != nil {
			return err
		}
		if latest.State == catalog.StateDraft && latest.Author != "" && latest.Author == author {
			if note == "" {
				ed.Note = latest.Note
			}
			return changeBundleState(tx, latest.ID, catalog.StateDraft, map[string]any{"number": ed.Number,
				"body": ed.Body, "digest": ed.Digest, "note": ed.Note, "created_at": now})
		}
		if err := tx.Exec(`UPDATE bundle_editions SET state = ?, superseded_at = ? WHERE bundle_code = ? AND state IN ?`,
			catalog.StateSuperseded, now, b.Code, openStates).Error; err != nil {
			return fmt.Errorf("supersede open editions of bundle %s: %w", b.Code, err)
		}
	}
	if err := tx.Create(&ed).Error; err != nil {
		return fmt.Errorf("store edition %d of bundle %s: %w", ed.Number, b.Code, err)
	}
	return nil
}

// SubmitBundle submits the draft edition base of the bundle code for
// review. base must be the latest edition and a draft, else
// catalog.ErrConflict. A non-empty note replaces the edition's change note.
// It needs catalog.ActionEdit on bundles.
func (s *Store) SubmitBundle(ctx context.Context, a Actor, code string, base int, note string) error {
	return s.bundleStep(ctx, a, bundleStep{action: catalog.ActionEdit, op: OpBundleSubmit, from: catalog.StateDraft,
		errs: catalog.CheckNote("note", note, false), detail: note},
		code, base, func(_ *gorm.DB, _ *bundleEditionRow, now time.Time) (map[string]any, map[string]any, error) {
			set := map[string]any{"state": catalog.StateSubmitted, "submitted_at": now}
			if note != "" {
				set["note"] = note
			}
			return set, nil, nil
		})
}

// PublishBundle publishes the submitted edition base of the bundle code:
// the public sees it, the previous published edition is superseded and
// the bundle takes its name. base must be the latest edition and
// submitted, else catalog.ErrConflict. It needs catalog.ActionReview on
// bundles.
func (s *Store) PublishBundle(ctx context.Context, a Actor, code string, base int) error {
	return s.bundleStep(ctx, a, bundleStep{action: catalog.ActionReview, op: OpBundlePublish, from: catalog.StateSubmitted},
		code, base, func(tx *gorm.DB, ed *bundleEditionRow, now time.Time) (map[string]any, map[string]any, error) {
			b, err := ed.decode()
			if err != nil {
				return nil, nil, err
			}
			if err := supersedePublishedBundle(tx, code, now); err != nil {
				return nil, nil, err
			}
			return map[string]any{"state": catalog.StatePublished, "published_at": now, "reviewer": a.name()},
				map[string]any{"published": base, "name": b.Name}, nil
		})
}

// RejectBundle sends the submitted edition base of the bundle code back
// with a reason (required: a *catalog.ValidationError on field "reason"
// otherwise). base must be the latest edition and submitted, else
// catalog.ErrConflict. It needs catalog.ActionReview on bundles.
func (s *Store) RejectBundle(ctx context.Context, a Actor, code string, base int, reason string) error {
	return s.bundleStep(ctx, a, bundleStep{action: catalog.ActionReview, op: OpBundleReject, from: catalog.StateSubmitted,
		errs: catalog.CheckNote("reason", reason, true), detail: reason},
		code, base, func(*gorm.DB, *bundleEditionRow, time.Time) (map[string]any, map[string]any, error) {
			return map[string]any{"state": catalog.StateRejected, "reason": reason, "reviewer": a.name()}, nil, nil
		})
}

// bundleStep describes a workflow step on the latest edition of a bundle.
type bundleStep struct {
	action string // what the actor needs (catalog.AllowedBundle)
	op     string // the change-log operation
	from   string // the state the latest edition must be in
	// errs are the problems of the step's input, reported once access and
	// the base are checked.
	errs   []catalog.FieldError
	detail string // the change-log detail; the edition's note when empty
}

// bundleStep takes a workflow step on edition base of the bundle code, in
// one write transaction: it checks access, that base is the latest edition
// and in state from (catalog.ErrConflict otherwise) and the step's input,
// then applies the changes change returns to the edition and to the
// bundle row, stamps the bundle and writes the change log.
func (s *Store) bundleStep(ctx context.Context, a Actor, st bundleStep, code string, base int,
	change func(tx *gorm.DB, ed *bundleEditionRow, now time.Time) (edition, bundle map[string]any, err error)) error {
	if err := s.requireBundle(ctx, a.User, st.action); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		row, err := loadBundle(tx, code)
		if err != nil {
			return err
		}
		if base != row.Latest {
			return staleBundle(code, base, row.Latest)
		}
		ed, err := loadBundleEdition(tx, code, base)
		if err != nil {
			return err
		}
		if ed.State != st.from {
			return fmt.Errorf("bundle %s edition %d is %s, not %s: %w", code, base, ed.State, st.from, catalog.ErrConflict)
		}
		if len(st.errs) > 0 {
			return &catalog.ValidationError{Errors: st.errs}
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		set, rowSet, err := change(tx, ed, now)
		if err != nil {
			return err
		}
		if err := changeBundleState(tx, ed.ID, st.from, set); err != nil {
			return err
		}
		if err := advanceBundle(tx, code, base, seq, now, rowSet); err != nil {
			return err
		}
		detail := st.detail
		if detail == "" {
			detail = ed.Note
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: st.op,
			ItemCode: code, Edition: base, Detail: detail, Remote: a.Remote})
	})
}

// supersedePublishedBundle marks the published edition of the bundle code
// superseded.
func supersedePublishedBundle(tx *gorm.DB, code string, now time.Time) error {
	if err := tx.Exec(`UPDATE bundle_editions SET state = ?, superseded_at = ? WHERE bundle_code = ? AND state = ?`,
		catalog.StateSuperseded, now, code, catalog.StatePublished).Error; err != nil {
		return fmt.Errorf("supersede published edition of bundle %s: %w", code, err)
	}
	return nil
}

// changeBundleState updates the bundle edition id from state from; another
// writer having changed it first is a conflict.
func changeBundleState(tx *gorm.DB, id uint, from string, set map[string]any) error {
	return changeStateOf(tx, &bundleEditionRow{}, "bundle edition", id, from, set)
}

// advanceBundle stamps the bundle code, whose latest edition must still be
// base, with seq and applies set.
func advanceBundle(tx *gorm.DB, code string, base int, seq int64, now time.Time, set map[string]any) error {
	all := map[string]any{"seq": seq, "updated_at": now}
	for k, v := range set {
		all[k] = v
	}
	res := tx.Model(&bundleRow{}).Where("code = ? AND latest = ?", code, base).Updates(all)
	return oneRowOf(res, "bundle", code)
}

// staleBundle is the conflict of a step made against edition base when
// latest is the bundle's latest.
func staleBundle(code string, base, latest int) error {
	return fmt.Errorf("bundle %s: edition %d is not the latest (%d): %w", code, base, latest, catalog.ErrConflict)
}

// BundleEditions returns every edition of the bundle code, newest first,
// or catalog.ErrNotFound. It needs catalog.ActionRead on bundles.
func (s *Store) BundleEditions(ctx context.Context, a Actor, code string) ([]EditionInfo, error) {
	if err := s.requireBundle(ctx, a.User, catalog.ActionRead); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	if _, err := loadBundle(db, code); err != nil {
		return nil, err
	}
	return editionInfos[bundleEditionRow](db.Omit("body").Where("bundle_code = ?", code))
}

// editionInfos describes the editions of one item or bundle that q
// selects from the table of R, newest first (Store.Editions and
// Store.BundleEditions).
func editionInfos[R any, P interface {
	*R
	info() EditionInfo
}](q *gorm.DB) ([]EditionInfo, error) {
	var rows []R
	if err := q.Order("number DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load editions: %w", err)
	}
	out := make([]EditionInfo, len(rows))
	for i := range rows {
		out[i] = P(&rows[i]).info()
	}
	return out, nil
}

// BundleEdition returns edition n of the bundle code with its
// description, or catalog.ErrNotFound. It needs catalog.ActionRead on
// bundles.
func (s *Store) BundleEdition(ctx context.Context, a Actor, code string, n int) (*catalog.Bundle, *EditionInfo, error) {
	if err := s.requireBundle(ctx, a.User, catalog.ActionRead); err != nil {
		return nil, nil, err
	}
	if !storableText(code) {
		return nil, nil, catalog.ErrNotFound
	}
	ed, err := loadBundleEdition(s.db.WithContext(ctx), code, n)
	if err != nil {
		return nil, nil, err
	}
	b, err := ed.decode()
	if err != nil {
		return nil, nil, err
	}
	info := ed.info()
	return b, &info, nil
}

// BundleQueue returns the actor's bundle work queue. A reviewer who may
// publish bundles (catalog.AllowedBundle, catalog.ActionReview) or an admin
// gets the bundles whose latest edition is submitted, oldest submission
// first; a bundle editor every bundle with its latest edition, by code.
// Anyone else is refused with catalog.ErrForbidden.
func (s *Store) BundleQueue(ctx context.Context, a Actor) ([]BundleQueueEntry, error) {
	const cols = `SELECT b.code, b.published, e.number AS edition, e.state, e.author, e.note, e.reason,
		e.created_at, e.submitted_at, e.body FROM bundles b
		JOIN bundle_editions e ON e.bundle_code = b.code AND e.number = b.latest`
	review, err := s.BundleAllowed(ctx, a.User, catalog.ActionReview)
	if err != nil {
		return nil, err
	}
	var (
		query string
		args  []any
	)
	switch {
	case review:
		query, args = cols+` WHERE e.state = ? ORDER BY e.submitted_at, b.code`, []any{catalog.StateSubmitted}
	case catalog.AllowedBundle(a.User, catalog.ActionEdit, false):
		query = cols + ` ORDER BY b.code`
	default:
		return nil, catalog.ErrForbidden
	}
	var rows []struct {
		BundleQueueEntry
		Body string
	}
	if err := s.db.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("load bundle queue: %w", err)
	}
	out := make([]BundleQueueEntry, len(rows))
	for i, r := range rows {
		ed := bundleEditionRow{BundleCode: r.Code, Number: r.Edition, Body: r.Body}
		b, err := ed.decode()
		if err != nil {
			return nil, err
		}
		q := r.BundleQueueEntry
		q.Name = b.Name
		q.utc()
		out[i] = q
	}
	return out, nil
}
