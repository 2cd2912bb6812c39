package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// The edition workflow of department editing (docs/contract.md#editions-and-workflow): an editor
// creates an item or saves a new draft edition of it, submits the draft,
// and a reviewer publishes or rejects it. Every step is checked against the
// one access policy (catalog.Allowed), is refused with catalog.ErrConflict when made
// against a stale edition, stamps the item with a new change sequence value
// and writes one change-log entry in the same transaction as the change.

// Actor is who takes a workflow step: the signed-in user (nil for an
// anonymous visitor, who may take none) and the client address recorded in
// the change log ("" when unknown, as on the command line).
type Actor struct {
	*catalog.User
	Remote string
}

// name is the user name recorded on editions and in the change log.
func (a Actor) name() string {
	if a.User == nil {
		return ""
	}
	return a.User.Name
}

// ErrCodeTaken is the error of creating an item with a code already in
// use. It is a catalog.ErrConflict.
var ErrCodeTaken = fmt.Errorf("item code already exists: %w", catalog.ErrConflict)

// openStates are the states of an edition still being worked on: the one
// the editor continues from.
var openStates = []string{catalog.StateDraft, catalog.StateSubmitted, catalog.StateRejected}

// Working is the edition an editor works on: the latest edition when it is
// a draft, submitted or rejected one, else the published edition to start
// from. Its JSON form is the item in the interchange shape plus the
// edition's metadata.
type Working struct {
	catalog.Item
	WorkingEdition
	// Findings are the guide-quality findings of this edition (docs/contract.md#guide-quality-rules);
	// they do not block saving.
	Findings []catalog.Finding `json:"findings"`
	// Checks are the publishing checks of this edition
	// (docs/contract.md#publishing-checks): errors a reviewer cannot
	// publish it with, warnings they publish only with a reason. They do
	// not block saving or submitting.
	Checks []catalog.PublishCheck `json:"checks"`
}

// WorkingEdition is the metadata of the edition an editor works on, of an
// item (Working) or a bundle (BundleWorking); in JSON its fields follow
// the item's or bundle's own.
type WorkingEdition struct {
	// Edition is the number of this edition, the value to send back as
	// If-Match (the base) when saving.
	Edition int `json:"edition"`
	// State is the edition's state (draft, submitted, rejected, published).
	State string `json:"state"`
	// Published is the item's or bundle's current published edition, 0
	// when none.
	Published int       `json:"published"`
	Note      string    `json:"note"`
	Reason    string    `json:"reason"` // why the edition was rejected
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// workingEdition loads the edition an editor works on by load: the latest
// edition when it is open (draft, submitted, rejected), else the published
// one; state is an edition's state.
func workingEdition[E any](latest, published int, load func(n int) (*E, error), state func(*E) string) (*E, error) {
	ed, err := load(latest)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(openStates, state(ed)) && published > 0 && published != latest {
		return load(published)
	}
	return ed, nil
}

// EditionInfo describes one edition of an item: its state and who did
// what when.
type EditionInfo struct {
	Number       int        `json:"number"`
	State        string     `json:"state"`
	Author       string     `json:"author"`
	Reviewer     string     `json:"reviewer,omitempty"`
	Note         string     `json:"note,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	SupersededAt *time.Time `json:"superseded_at,omitempty"`
	// Overrides are the reasons, by publishing-check warning rule, the
	// reviewer gave for publishing the edition despite its warnings
	// (docs/contract.md#publishing-checks); none for most editions.
	Overrides map[string]string `json:"overrides,omitempty"`
}

// Draft returns the edition an editor works on (see Working). It needs
// catalog.ActionRead on the item.
func (s *Store) Draft(ctx context.Context, a Actor, code string) (*Working, error) {
	if a.User == nil {
		return nil, catalog.ErrForbidden
	}
	db := s.db.WithContext(ctx)
	row, err := loadItem(db, code)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, a.User, catalog.ActionRead, row.DepartmentID, row.Region); err != nil {
		return nil, err
	}
	ed, err := workingEdition(row.Latest, row.Published, func(n int) (*editionRow, error) { return loadEdition(db, code, n) },
		func(ed *editionRow) string { return ed.State })
	if err != nil {
		return nil, err
	}
	it, err := catalog.DecodeGuide(ed.Guide)
	if err != nil {
		return nil, fmt.Errorf("item %s edition %d: %w", code, ed.Number, err)
	}
	w := &Working{Item: *it, WorkingEdition: ed.info().working(row.Published), Findings: catalog.Quality(it)}
	if w.Findings == nil {
		w.Findings = []catalog.Finding{}
	}
	if w.Checks = catalog.PublishChecks(it); w.Checks == nil {
		w.Checks = []catalog.PublishCheck{}
	}
	return w, nil
}

// CreateItem stores a new item as edition 1 in state draft, with no
// published edition, and returns the edition number. The item's department
// must exist in its region; an editor may create items of their own
// department only (catalog.ActionEdit on it). A structurally invalid item, an
// unknown region or department is a *catalog.ValidationError and nothing is saved;
// a code already in use is ErrCodeTaken (a catalog.ErrConflict).
func (s *Store) CreateItem(ctx context.Context, a Actor, item *catalog.Item, note string) (int, error) {
	// A user who may not edit even in their own scope is refused before
	// anything about the item is revealed.
	if !catalog.Allowed(a.User, catalog.ActionEdit, userDepartment(a.User), true) {
		return 0, catalog.ErrForbidden
	}
	errs, err := catalog.ValidateContext(ctx, item)
	if err != nil {
		return 0, err
	}
	errs = append(errs, catalog.CheckNote("note", note, false)...)
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		deptID, errs, err := resolveDepartment(tx, item, errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &catalog.ValidationError{Errors: errs}
		}
		if err := s.inTx(tx).require(ctx, a.User, catalog.ActionEdit, deptID, item.Region); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&itemRow{}).Where("code = ?", item.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("item %s: %w", item.Code, ErrCodeTaken)
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		row := itemRow{Code: item.Code, BaseCode: item.BaseCode, Name: item.Name, Region: item.Region,
			DepartmentID: deptID, Published: 0, Latest: 1, Seq: seq, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("create item %s: %w", item.Code, err)
		}
		if err := insertDraft(tx, item, 1, deptID, now, a.name(), note); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpCreate,
			ItemCode: item.Code, Edition: 1, Detail: note, Remote: a.Remote})
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// SaveDraft stores item as the item code's draft and returns the draft's
// edition number. base must be the item's latest edition number, else
// catalog.ErrConflict (the check is made inside the write transaction, so of two
// saves against the same base exactly one succeeds). item.Code must be
// code; an editor may not move the item to another department or region
// (catalog.ErrForbidden); a structurally invalid item is a *catalog.ValidationError. In
// each of these cases nothing is saved. Quality findings do not block
// saving.
//
// When the latest edition is a draft the same user saved and has not
// submitted, it is replaced in place rather than kept beside the new one:
// it takes the new guide, the new note (an empty note keeps the old one)
// and the time, and the next edition number, base+1, so that If-Match
// works as for any save (a stale base is refused) and numbers only grow;
// the replaced number is skipped in the history. The change log records
// every save. Otherwise the new draft is a new edition, base+1, and the
// draft, submitted or rejected edition it replaces becomes superseded:
// saving over a submitted edition withdraws it from review, saving over
// another user's draft keeps theirs in the history.
//
// A save whose guide is the latest edition's (the same canonical JSON) is
// not a new edition: nothing is written, not even the note or the change
// log, and base is returned — unless that edition is withdrawn: its
// unchanged copy is the draft that publishes the item again.
//
// Refusals come in this order: access to the item (catalog.ErrForbidden), the base
// (catalog.ErrConflict), the guide (*catalog.ValidationError), then a move out of the
// actor's scope (catalog.ErrForbidden).
func (s *Store) SaveDraft(ctx context.Context, a Actor, code string, base int, item *catalog.Item, note string) (int, error) {
	if a.User == nil {
		return 0, catalog.ErrForbidden
	}
	errs, err := catalog.ValidateContext(ctx, item)
	if err != nil {
		return 0, err
	}
	if item != nil && item.Code != code && !hasFieldError(errs, "code") {
		errs = sortFieldErrors(append(errs, catalog.FieldError{Field: "code", Message: fmt.Sprintf(MsgCodeMismatch, code)}))
	}
	errs = append(errs, catalog.CheckNote("note", note, false)...)
	number := base + 1
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		ts := s.inTx(tx)
		row, err := loadItem(tx, code)
		if err != nil {
			return err
		}
		if err := ts.require(ctx, a.User, catalog.ActionEdit, row.DepartmentID, row.Region); err != nil {
			return err
		}
		if base != row.Latest {
			return staleEdition(code, base, row.Latest)
		}
		deptID, errs, err := resolveDepartment(tx, item, errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &catalog.ValidationError{Errors: errs}
		}
		if deptID != row.DepartmentID || item.Region != row.Region {
			if err := ts.require(ctx, a.User, catalog.ActionEdit, deptID, item.Region); err != nil {
				return err
			}
		}
		latest, err := editionHead(tx, code, base)
		if err != nil {
			return err
		}
		if latest.State != catalog.StateWithdrawn && latest.Digest == digest(catalog.AppendGuide(nil, item)) {
			// An unchanged save is not a new edition: nothing is written.
			// (Saving a withdrawn edition unchanged is: the draft to
			// publish it again.)
			number = base
			return nil
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		if latest.State == catalog.StateDraft && latest.Author != "" && latest.Author == a.name() {
			if note == "" {
				note = latest.Note
			}
			if err := replaceDraft(tx, latest.ID, base, item, number, deptID, now, note); err != nil {
				return err
			}
		} else {
			if err := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ? WHERE item_code = ? AND state IN ?`,
				catalog.StateSuperseded, now, code, openStates).Error; err != nil {
				return fmt.Errorf("supersede open editions of %s: %w", code, err)
			}
			if err := insertDraft(tx, item, number, deptID, now, a.name(), note); err != nil {
				return err
			}
		}
		if err := advanceItem(tx, code, base, seq, now, "latest", number); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpSaveDraft,
			ItemCode: code, Edition: number, Detail: note, Remote: a.Remote})
	})
	if err != nil {
		return 0, err
	}
	return number, nil
}

// Submit submits the draft edition base of the item code for review. base
// must be the latest edition and a draft, else catalog.ErrConflict. A non-empty
// note replaces the edition's change note. It needs catalog.ActionEdit.
func (s *Store) Submit(ctx context.Context, a Actor, code string, base int, note string) error {
	if a.User == nil {
		return catalog.ErrForbidden
	}
	errs := catalog.CheckNote("note", note, false)
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		row, ed, err := s.latestFor(ctx, tx, a.User, catalog.ActionEdit, code, base, catalog.StateDraft)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &catalog.ValidationError{Errors: errs}
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		set := map[string]any{"state": catalog.StateSubmitted, "submitted_at": now}
		if note != "" {
			set["note"] = note
		}
		if err := changeState(tx, ed.ID, catalog.StateDraft, set); err != nil {
			return err
		}
		if err := advanceItem(tx, code, row.Latest, seq, now, "", 0); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpSubmit,
			ItemCode: code, Edition: base, Detail: note, Remote: a.Remote})
	})
}

// Publish publishes the submitted edition base of the item code without
// overriding any publishing-check warning: PublishWith with no reasons.
func (s *Store) Publish(ctx context.Context, a Actor, code string, base int) error {
	return s.PublishWith(ctx, a, code, base, nil)
}

// PublishWith publishes the submitted edition base of the item code: it
// becomes the edition the public sees, the previous published edition is
// superseded, and the item takes its name, base code, region and
// department from the guide. base must be the latest edition and
// submitted, else catalog.ErrConflict. It needs catalog.ActionReview.
//
// The edition must pass the publishing checks (catalog.PublishChecks,
// docs/contract.md#publishing-checks): an error refuses it, and so does a
// warning unless overrides give a reason for its rule (by rule id); the
// refusal is a *catalog.PublishRefusal carrying the checks, and nothing is
// written. The reasons are kept with the edition (EditionInfo.Overrides)
// and in the change-log entry of the publish. Refusals come in this
// order: access (catalog.ErrForbidden), the edition (catalog.ErrConflict),
// the checks.
func (s *Store) PublishWith(ctx context.Context, a Actor, code string, base int, overrides map[string]string) error {
	if a.User == nil {
		return catalog.ErrForbidden
	}
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		row, ed, err := s.latestFor(ctx, tx, a.User, catalog.ActionReview, code, base, catalog.StateSubmitted)
		if err != nil {
			return err
		}
		it, err := catalog.DecodeGuide(ed.Guide)
		if err != nil {
			return fmt.Errorf("item %s edition %d: %w", code, base, err)
		}
		checks := catalog.PublishChecks(it)
		if err := catalog.RefusePublish(checks, overrides); err != nil {
			return err
		}
		kept := catalog.TrimOverrides(overrides)
		if err := insertOverrides(tx, code, base, kept); err != nil {
			return err
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ? WHERE item_code = ? AND state = ?`,
			catalog.StateSuperseded, now, code, catalog.StatePublished).Error; err != nil {
			return fmt.Errorf("supersede published edition of %s: %w", code, err)
		}
		if err := changeState(tx, ed.ID, catalog.StateSubmitted, map[string]any{
			"state": catalog.StatePublished, "published_at": now, "reviewer": a.name()}); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE items SET published = ?, name = ?, base_code = ?, region = ?, department_id = ?,
			seq = ?, updated_at = ? WHERE code = ? AND latest = ?`,
			base, it.Name, it.BaseCode, ed.Region, ed.DepartmentID, seq, now, code, row.Latest)
		if err := oneRow(res, code); err != nil {
			return err
		}
		if err := appendFeed(tx, seq, code, base, publishKind(row.Published), now); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpPublish,
			ItemCode: code, Edition: base, Detail: publishDetail(ed.Note, catalog.WarningRules(checks), kept),
			Remote: a.Remote})
	})
}

// Reject sends the submitted edition base of the item code back to its
// editor with a reason (required: a *catalog.ValidationError on field "reason"
// otherwise). base must be the latest edition and submitted, else
// catalog.ErrConflict. The editor continues with a new draft saved against the
// rejected edition's number. It needs catalog.ActionReview.
func (s *Store) Reject(ctx context.Context, a Actor, code string, base int, reason string) error {
	if a.User == nil {
		return catalog.ErrForbidden
	}
	errs := catalog.CheckNote("reason", reason, true)
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		row, ed, err := s.latestFor(ctx, tx, a.User, catalog.ActionReview, code, base, catalog.StateSubmitted)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &catalog.ValidationError{Errors: errs}
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		if err := changeState(tx, ed.ID, catalog.StateSubmitted, map[string]any{
			"state": catalog.StateRejected, "reason": reason, "reviewer": a.name()}); err != nil {
			return err
		}
		if err := advanceItem(tx, code, row.Latest, seq, now, "", 0); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpReject,
			ItemCode: code, Edition: base, Detail: reason, Remote: a.Remote})
	})
}

// Editions returns every edition of the item code, newest first. It needs
// catalog.ActionRead.
func (s *Store) Editions(ctx context.Context, a Actor, code string) ([]EditionInfo, error) {
	if err := s.readable(ctx, a, code); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	eds, err := editionInfos[editionRow](db.Omit("guide").Where("item_code = ?", code))
	if err != nil {
		return nil, err
	}
	ov, err := loadOverrides(db, code)
	if err != nil {
		return nil, err
	}
	for i := range eds {
		eds[i].Overrides = ov[eds[i].Number]
	}
	return eds, nil
}

// Edition returns edition n of the item code with its description, or
// catalog.ErrNotFound. It needs catalog.ActionRead.
func (s *Store) Edition(ctx context.Context, a Actor, code string, n int) (*catalog.Item, *EditionInfo, error) {
	if err := s.readable(ctx, a, code); err != nil {
		return nil, nil, err
	}
	ed, err := loadEdition(s.db.WithContext(ctx), code, n)
	if err != nil {
		return nil, nil, err
	}
	it, err := catalog.DecodeGuide(ed.Guide)
	if err != nil {
		return nil, nil, fmt.Errorf("item %s edition %d: %w", code, n, err)
	}
	info := ed.info()
	ov, err := loadOverrides(s.db.WithContext(ctx), code, n)
	if err != nil {
		return nil, nil, err
	}
	info.Overrides = ov[n]
	return it, &info, nil
}

// Diff compares editions from and to of the item code field by field. It
// needs catalog.ActionRead; an edition that does not exist is catalog.ErrNotFound.
func (s *Store) Diff(ctx context.Context, a Actor, code string, from, to int) (*catalog.Diff, error) {
	if err := s.readable(ctx, a, code); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var guides [2]*catalog.Item
	for i, n := range []int{from, to} {
		ed, err := loadEdition(db, code, n)
		if err != nil {
			return nil, err
		}
		if guides[i], err = catalog.DecodeGuide(ed.Guide); err != nil {
			return nil, fmt.Errorf("item %s edition %d: %w", code, n, err)
		}
	}
	d, err := catalog.DiffItemsContext(ctx, guides[0], guides[1])
	if err != nil {
		return nil, err
	}
	d.Code, d.From, d.To = code, from, to
	return d, nil
}

func hasFieldError(errs []catalog.FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// fieldRank orders top-level interchange fields as the Item struct does.
var fieldRank = func() map[string]int {
	t := reflect.TypeOf(catalog.Item{})
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	return m
}()

// sortFieldErrors orders field errors by interchange field, keeping the
// order of errors within a field (list elements in index order); fields
// outside the guide come last.
func sortFieldErrors(errs []catalog.FieldError) []catalog.FieldError {
	rank := func(f string) int {
		top := f
		if i := strings.IndexAny(f, "[."); i >= 0 {
			top = f[:i]
		}
		if r, ok := fieldRank[top]; ok {
			return r
		}
		return len(fieldRank)
	}
	sort.SliceStable(errs, func(i, j int) bool { return rank(errs[i].Field) < rank(errs[j].Field) })
	return errs
}
