package catalog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The edition workflow of department editing (SPEC §2, §7): an editor
// creates an item or saves a new draft edition of it, submits the draft,
// and a reviewer publishes or rejects it. Every step is checked against the
// one access policy (Allowed), is refused with ErrConflict when made
// against a stale edition, stamps the item with a new change sequence value
// and writes one audit entry in the same transaction as the change.

// Actor is who takes a workflow step: the signed-in user (nil for an
// anonymous visitor, who may take none) and the client address recorded in
// the audit log ("" when unknown, as on the command line).
type Actor struct {
	*User
	Remote string
}

// name is the user name recorded on editions and in the audit log.
func (a Actor) name() string {
	if a.User == nil {
		return ""
	}
	return a.User.Name
}

// MaxNoteLen is the longest change note or rejection reason, in characters.
const MaxNoteLen = 2000

// ErrCodeTaken is the error of creating an item with a code already in
// use. It is an ErrConflict.
var ErrCodeTaken = fmt.Errorf("item code already exists: %w", ErrConflict)

// openStates are the states of an edition still being worked on: the one
// the editor continues from.
var openStates = []string{StateDraft, StateSubmitted, StateRejected}

// Working is the edition an editor works on: the latest edition when it is
// a draft, submitted or rejected one, else the published edition to start
// from. Its JSON form is the item in the interchange shape plus the
// edition's metadata.
type Working struct {
	Item
	// Edition is the number of this edition, the value to send back as
	// If-Match when saving.
	Edition int `json:"edition"`
	// State is the edition's state (draft, submitted, rejected, published).
	State string `json:"state"`
	// Published is the item's current published edition, 0 when none.
	Published int       `json:"published"`
	Note      string    `json:"note"`
	Reason    string    `json:"reason"` // why the edition was rejected
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
	// Findings are the guide-quality findings of this edition (SPEC §8);
	// they do not block saving.
	Findings []Finding `json:"findings"`
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
}

// QueueEntry is one line of a work queue: an item with its latest edition.
type QueueEntry struct {
	Code       string `json:"code"`
	Name       string `json:"name"` // the name in the latest edition
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Department string `json:"department"`
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
	// Findings is the number of guide-quality findings of the latest
	// edition.
	Findings int `json:"findings"`
}

// Draft returns the edition an editor works on (see Working). It needs
// ActionRead on the item.
func (s *Store) Draft(ctx context.Context, a Actor, code string) (*Working, error) {
	if a.User == nil {
		return nil, ErrForbidden
	}
	db := s.db.WithContext(ctx)
	row, err := loadItem(db, code)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, a.User, ActionRead, row.DepartmentID, row.Region); err != nil {
		return nil, err
	}
	ed, err := loadEdition(db, code, row.Latest)
	if err != nil {
		return nil, err
	}
	if !contains(openStates, ed.State) && row.Published > 0 && row.Published != ed.Number {
		if ed, err = loadEdition(db, code, row.Published); err != nil {
			return nil, err
		}
	}
	it, err := decodeGuide(ed.Guide)
	if err != nil {
		return nil, fmt.Errorf("item %s edition %d: %w", code, ed.Number, err)
	}
	w := &Working{Item: *it, Edition: ed.Number, State: ed.State, Published: row.Published,
		Note: ed.Note, Reason: ed.Reason, Author: ed.Author, CreatedAt: ed.CreatedAt.UTC(),
		Findings: Quality(it)}
	if w.Findings == nil {
		w.Findings = []Finding{}
	}
	return w, nil
}

// CreateItem stores a new item as edition 1 in state draft, with no
// published edition, and returns the edition number. The item's department
// must exist in its region; an editor may create items of their own
// department only (ActionEdit on it). A structurally invalid item, an
// unknown region or department is a *ValidationError and nothing is saved;
// a code already in use is ErrCodeTaken (an ErrConflict).
func (s *Store) CreateItem(ctx context.Context, a Actor, item *Item, note string) (int, error) {
	// A user who may not edit even in their own scope is refused before
	// anything about the item is revealed.
	if !Allowed(a.User, ActionEdit, userDepartment(a.User), true) {
		return 0, ErrForbidden
	}
	errs, err := ValidateContext(ctx, item)
	if err != nil {
		return 0, err
	}
	errs = append(errs, noteErrors("note", note, false)...)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		deptID, errs, err := resolveDepartment(tx, item, errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &ValidationError{Errors: errs}
		}
		if err := s.inTx(tx).require(ctx, a.User, ActionEdit, deptID, item.Region); err != nil {
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
		return appendAudit(tx, AuditEntry{At: now, UserName: a.name(), Action: AuditCreate,
			ItemCode: item.Code, Edition: 1, Detail: note, Remote: a.Remote})
	})
	if err != nil {
		return 0, err
	}
	return 1, nil
}

// SaveDraft stores item as the item code's draft and returns the draft's
// edition number. base must be the item's latest edition number, else
// ErrConflict (the check is made inside the write transaction, so of two
// saves against the same base exactly one succeeds). item.Code must be
// code; an editor may not move the item to another department or region
// (ErrForbidden); a structurally invalid item is a *ValidationError. In
// each of these cases nothing is saved. Quality findings do not block
// saving.
//
// When the latest edition is a draft the same user saved and has not
// submitted, it is replaced in place rather than kept beside the new one:
// it takes the new guide, the new note (an empty note keeps the old one)
// and the time, and the next edition number, base+1, so that If-Match
// works as for any save (a stale base is refused) and numbers only grow;
// the replaced number is skipped in the history. The audit log records
// every save. Otherwise the new draft is a new edition, base+1, and the
// draft, submitted or rejected edition it replaces becomes superseded:
// saving over a submitted edition withdraws it from review, saving over
// another user's draft keeps theirs in the history.
//
// Refusals come in this order: access to the item (ErrForbidden), the base
// (ErrConflict), the guide (*ValidationError), then a move out of the
// actor's scope (ErrForbidden).
func (s *Store) SaveDraft(ctx context.Context, a Actor, code string, base int, item *Item, note string) (int, error) {
	if a.User == nil {
		return 0, ErrForbidden
	}
	errs, err := ValidateContext(ctx, item)
	if err != nil {
		return 0, err
	}
	if item != nil && item.Code != code && !hasFieldError(errs, "code") {
		errs = sortFieldErrors(append(errs, FieldError{Field: "code", Message: fmt.Sprintf(MsgCodeMismatch, code)}))
	}
	errs = append(errs, noteErrors("note", note, false)...)
	number := base + 1
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ts := s.inTx(tx)
		row, err := loadItem(tx, code)
		if err != nil {
			return err
		}
		if err := ts.require(ctx, a.User, ActionEdit, row.DepartmentID, row.Region); err != nil {
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
			return &ValidationError{Errors: errs}
		}
		if deptID != row.DepartmentID || item.Region != row.Region {
			if err := ts.require(ctx, a.User, ActionEdit, deptID, item.Region); err != nil {
				return err
			}
		}
		latest, err := editionHead(tx, code, base)
		if err != nil {
			return err
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		if latest.State == StateDraft && latest.Author != "" && latest.Author == a.name() {
			if note == "" {
				note = latest.Note
			}
			if err := replaceDraft(tx, latest.ID, base, item, number, deptID, now, note); err != nil {
				return err
			}
		} else {
			if err := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ? WHERE item_code = ? AND state IN ?`,
				StateSuperseded, now, code, openStates).Error; err != nil {
				return fmt.Errorf("supersede open editions of %s: %w", code, err)
			}
			if err := insertDraft(tx, item, number, deptID, now, a.name(), note); err != nil {
				return err
			}
		}
		if err := advanceItem(tx, code, base, seq, now, "latest", number); err != nil {
			return err
		}
		return appendAudit(tx, AuditEntry{At: now, UserName: a.name(), Action: AuditSaveDraft,
			ItemCode: code, Edition: number, Detail: note, Remote: a.Remote})
	})
	if err != nil {
		return 0, err
	}
	return number, nil
}

// Submit submits the draft edition base of the item code for review. base
// must be the latest edition and a draft, else ErrConflict. A non-empty
// note replaces the edition's change note. It needs ActionEdit.
func (s *Store) Submit(ctx context.Context, a Actor, code string, base int, note string) error {
	if a.User == nil {
		return ErrForbidden
	}
	errs := noteErrors("note", note, false)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, ed, err := s.latestFor(ctx, tx, a.User, ActionEdit, code, base, StateDraft)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &ValidationError{Errors: errs}
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		set := map[string]any{"state": StateSubmitted, "submitted_at": now}
		if note != "" {
			set["note"] = note
		}
		if err := changeState(tx, ed.ID, StateDraft, set); err != nil {
			return err
		}
		if err := advanceItem(tx, code, row.Latest, seq, now, "", 0); err != nil {
			return err
		}
		return appendAudit(tx, AuditEntry{At: now, UserName: a.name(), Action: AuditSubmit,
			ItemCode: code, Edition: base, Detail: note, Remote: a.Remote})
	})
}

// Publish publishes the submitted edition base of the item code: it
// becomes the edition the public sees, the previous published edition is
// superseded, and the item takes its name, base code, region and
// department from the guide. base must be the latest edition and
// submitted, else ErrConflict. It needs ActionReview.
func (s *Store) Publish(ctx context.Context, a Actor, code string, base int) error {
	if a.User == nil {
		return ErrForbidden
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, ed, err := s.latestFor(ctx, tx, a.User, ActionReview, code, base, StateSubmitted)
		if err != nil {
			return err
		}
		it, err := decodeGuide(ed.Guide)
		if err != nil {
			return fmt.Errorf("item %s edition %d: %w", code, base, err)
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ? WHERE item_code = ? AND state = ?`,
			StateSuperseded, now, code, StatePublished).Error; err != nil {
			return fmt.Errorf("supersede published edition of %s: %w", code, err)
		}
		if err := changeState(tx, ed.ID, StateSubmitted, map[string]any{
			"state": StatePublished, "published_at": now, "reviewer": a.name()}); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE items SET published = ?, name = ?, base_code = ?, region = ?, department_id = ?,
			seq = ?, updated_at = ? WHERE code = ? AND latest = ?`,
			base, it.Name, it.BaseCode, ed.Region, ed.DepartmentID, seq, now, code, row.Latest)
		if err := oneRow(res, code); err != nil {
			return err
		}
		return appendAudit(tx, AuditEntry{At: now, UserName: a.name(), Action: AuditPublish,
			ItemCode: code, Edition: base, Detail: ed.Note, Remote: a.Remote})
	})
}

// Reject sends the submitted edition base of the item code back to its
// editor with a reason (required: a *ValidationError on field "reason"
// otherwise). base must be the latest edition and submitted, else
// ErrConflict. The editor continues with a new draft saved against the
// rejected edition's number. It needs ActionReview.
func (s *Store) Reject(ctx context.Context, a Actor, code string, base int, reason string) error {
	if a.User == nil {
		return ErrForbidden
	}
	errs := noteErrors("reason", reason, true)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, ed, err := s.latestFor(ctx, tx, a.User, ActionReview, code, base, StateSubmitted)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &ValidationError{Errors: errs}
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		if err := changeState(tx, ed.ID, StateSubmitted, map[string]any{
			"state": StateRejected, "reason": reason, "reviewer": a.name()}); err != nil {
			return err
		}
		if err := advanceItem(tx, code, row.Latest, seq, now, "", 0); err != nil {
			return err
		}
		return appendAudit(tx, AuditEntry{At: now, UserName: a.name(), Action: AuditReject,
			ItemCode: code, Edition: base, Detail: reason, Remote: a.Remote})
	})
}

// Editions returns every edition of the item code, newest first. It needs
// ActionRead.
func (s *Store) Editions(ctx context.Context, a Actor, code string) ([]EditionInfo, error) {
	if _, err := s.readable(ctx, a, code); err != nil {
		return nil, err
	}
	var rows []editionRow
	err := s.db.WithContext(ctx).Omit("guide").Where("item_code = ?", code).Order("number DESC").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("load editions of %s: %w", code, err)
	}
	out := make([]EditionInfo, len(rows))
	for i := range rows {
		out[i] = rows[i].info()
	}
	return out, nil
}

// Edition returns edition n of the item code with its description, or
// ErrNotFound. It needs ActionRead.
func (s *Store) Edition(ctx context.Context, a Actor, code string, n int) (*Item, *EditionInfo, error) {
	if _, err := s.readable(ctx, a, code); err != nil {
		return nil, nil, err
	}
	ed, err := loadEdition(s.db.WithContext(ctx), code, n)
	if err != nil {
		return nil, nil, err
	}
	it, err := decodeGuide(ed.Guide)
	if err != nil {
		return nil, nil, fmt.Errorf("item %s edition %d: %w", code, n, err)
	}
	info := ed.info()
	return it, &info, nil
}

// Diff compares editions from and to of the item code field by field. It
// needs ActionRead; an edition that does not exist is ErrNotFound.
func (s *Store) Diff(ctx context.Context, a Actor, code string, from, to int) (*Diff, error) {
	if _, err := s.readable(ctx, a, code); err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var guides [2]*Item
	for i, n := range []int{from, to} {
		ed, err := loadEdition(db, code, n)
		if err != nil {
			return nil, err
		}
		if guides[i], err = decodeGuide(ed.Guide); err != nil {
			return nil, fmt.Errorf("item %s edition %d: %w", code, n, err)
		}
	}
	d, err := DiffItemsContext(ctx, guides[0], guides[1])
	if err != nil {
		return nil, err
	}
	d.Code, d.From, d.To = code, from, to
	return d, nil
}

// Queue returns the actor's work queue. A reviewer (or an admin) gets the
// items whose latest edition is submitted, within their region (every
// region for an admin or a reviewer without one), oldest submission first.
// An editor gets every item of their department with its latest edition's
// state, ordered by code. Anyone else is refused with ErrForbidden.
func (s *Store) Queue(ctx context.Context, a Actor) ([]QueueEntry, error) {
	u := a.User
	const cols = `SELECT i.code, i.published, e.number AS edition, e.state, e.author, e.note, e.reason,
		e.created_at, e.submitted_at, e.region, COALESCE(r.name, '') AS region_name,
		COALESCE(d.name, '') AS department, e.guide
		FROM items i
		JOIN editions e ON e.item_code = i.code AND e.number = i.latest
		LEFT JOIN departments d ON d.id = e.department_id
		LEFT JOIN regions r ON r.code = e.region`
	var (
		query string
		args  []any
	)
	switch {
	case Allowed(u, ActionReview, 0, false):
		// May review everywhere.
		query, args = cols+` WHERE e.state = ? ORDER BY e.submitted_at, i.code`, []any{StateSubmitted}
	case Allowed(u, ActionReview, 0, true):
		// May review within a region: its subtree, by a recursive query.
		query = `WITH RECURSIVE scope(code) AS (
				SELECT CAST(? AS TEXT) UNION SELECT r.code FROM regions r JOIN scope s ON r.parent = s.code)
			` + cols + ` WHERE e.state = ? AND e.region IN (SELECT code FROM scope)
			AND i.region IN (SELECT code FROM scope) ORDER BY e.submitted_at, i.code`
		args = []any{u.Region, StateSubmitted}
	case u != nil && u.DepartmentID != 0 && Allowed(u, ActionEdit, u.DepartmentID, true):
		query, args = cols+` WHERE i.department_id = ? ORDER BY i.code`, []any{u.DepartmentID}
	default:
		return nil, ErrForbidden
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
		it, err := decodeGuide(r.Guide)
		if err != nil {
			return nil, fmt.Errorf("item %s edition %d: %w", r.Code, r.Edition, err)
		}
		q := r.QueueEntry
		q.Name, q.Findings = it.Name, len(Quality(it))
		q.CreatedAt = q.CreatedAt.UTC()
		q.SubmittedAt = utcPtr(q.SubmittedAt)
		out[i] = q
	}
	return out, nil
}

// inTx returns a view of the store that reads and writes inside tx, so
// that access checks see what the transaction sees.
func (s *Store) inTx(tx *gorm.DB) *Store { return &Store{db: tx, Now: s.Now} }

// require applies the access policy to an item of department deptID in
// region and returns ErrForbidden when u may not take action. The region
// tree is consulted only when the answer depends on it.
func (s *Store) require(ctx context.Context, u *User, action string, deptID uint, region string) error {
	if Allowed(u, action, deptID, false) {
		return nil
	}
	if !Allowed(u, action, deptID, true) {
		return ErrForbidden
	}
	in, err := s.Within(ctx, region, u.Region)
	if err != nil {
		return fmt.Errorf("resolve region %s: %w", region, err)
	}
	if !in {
		return ErrForbidden
	}
	return nil
}

// readable loads the item code and checks that the actor may read it.
func (s *Store) readable(ctx context.Context, a Actor, code string) (*itemRow, error) {
	if a.User == nil {
		return nil, ErrForbidden
	}
	row, err := loadItem(s.db.WithContext(ctx), code)
	if err != nil {
		return nil, err
	}
	if err := s.require(ctx, a.User, ActionRead, row.DepartmentID, row.Region); err != nil {
		return nil, err
	}
	return row, nil
}

// latestFor loads, inside tx, the item code and its latest edition, checks
// that u may take action on both, and that the latest edition is number
// base in state want (ErrConflict otherwise).
func (s *Store) latestFor(ctx context.Context, tx *gorm.DB, u *User, action, code string, base int, want string) (*itemRow, *editionRow, error) {
	ts := s.inTx(tx)
	row, err := loadItem(tx, code)
	if err != nil {
		return nil, nil, err
	}
	if err := ts.require(ctx, u, action, row.DepartmentID, row.Region); err != nil {
		return nil, nil, err
	}
	if base != row.Latest {
		return nil, nil, staleEdition(code, base, row.Latest)
	}
	ed, err := loadEdition(tx, code, row.Latest)
	if err != nil {
		return nil, nil, err
	}
	if ed.State != want {
		return nil, nil, fmt.Errorf("item %s edition %d is %s, not %s: %w", code, base, ed.State, want, ErrConflict)
	}
	if ed.DepartmentID != row.DepartmentID || ed.Region != row.Region {
		// The edition moves the item: the actor must be allowed on both
		// sides.
		if err := ts.require(ctx, u, action, ed.DepartmentID, ed.Region); err != nil {
			return nil, nil, err
		}
	}
	return row, ed, nil
}

func staleEdition(code string, base, latest int) error {
	return fmt.Errorf("item %s: edition %d is not the latest (%d): %w", code, base, latest, ErrConflict)
}

func loadItem(db *gorm.DB, code string) (*itemRow, error) {
	var row itemRow
	if err := db.Where("code = ?", code).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("item %s: %w", code, ErrNotFound)
		}
		return nil, fmt.Errorf("load item %s: %w", code, err)
	}
	return &row, nil
}

func loadEdition(db *gorm.DB, code string, n int) (*editionRow, error) {
	var ed editionRow
	if err := db.Where("item_code = ? AND number = ?", code, n).Take(&ed).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("item %s edition %d: %w", code, n, ErrNotFound)
		}
		return nil, fmt.Errorf("load item %s edition %d: %w", code, n, err)
	}
	return &ed, nil
}

// editionHead loads edition n of the item code without its guide.
func editionHead(db *gorm.DB, code string, n int) (*editionRow, error) {
	var ed editionRow
	err := db.Omit("guide").Where("item_code = ? AND number = ?", code, n).Take(&ed).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("item %s edition %d: %w", code, n, ErrNotFound)
		}
		return nil, fmt.Errorf("load item %s edition %d: %w", code, n, err)
	}
	return &ed, nil
}

// replaceDraft rewrites the draft edition id, number base, as edition
// number of item: guide, derived columns, note and time. The draft having
// changed meanwhile is a conflict.
func replaceDraft(tx *gorm.DB, id uint, base int, item *Item, number int, deptID uint, now time.Time, note string) error {
	ed, err := newEdition(item, number, StateDraft, deptID, now)
	if err != nil {
		return err
	}
	res := tx.Model(&editionRow{}).Where("id = ? AND number = ? AND state = ?", id, base, StateDraft).
		Updates(map[string]any{
			"number": ed.Number, "guide": ed.Guide, "digest": ed.Digest, "note": note, "created_at": ed.CreatedAt,
			"region": ed.Region, "department_id": ed.DepartmentID, "type": ed.Type,
			"on_application": ed.OnApplication, "online": ed.Online, "full_online": ed.FullOnline,
			"one_visit": ed.OneVisit, "zero_visit": ed.ZeroVisit, "immediate": ed.Immediate,
			"in_hall": ed.InHall, "nearby": ed.Nearby,
		})
	if res.Error != nil {
		return fmt.Errorf("replace draft %d of %s: %w", base, item.Code, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("item %s draft %d changed meanwhile: %w", item.Code, base, ErrConflict)
	}
	return nil
}

// insertDraft writes a new draft edition of item.
func insertDraft(tx *gorm.DB, item *Item, number int, deptID uint, now time.Time, author, note string) error {
	ed, err := newEdition(item, number, StateDraft, deptID, now)
	if err != nil {
		return err
	}
	ed.Author, ed.Note = author, note
	if err := tx.Create(&ed).Error; err != nil {
		return fmt.Errorf("store edition %d of %s: %w", number, item.Code, err)
	}
	return nil
}

// changeState updates the edition id from state from; another writer
// having changed it first is a conflict.
func changeState(tx *gorm.DB, id uint, from string, set map[string]any) error {
	res := tx.Model(&editionRow{}).Where("id = ? AND state = ?", id, from).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update edition: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("edition changed meanwhile: %w", ErrConflict)
	}
	return nil
}

// advanceItem stamps the item code, whose latest edition must still be
// base, with seq; a non-empty column is set to value as well.
func advanceItem(tx *gorm.DB, code string, base int, seq int64, now time.Time, column string, value any) error {
	set := map[string]any{"seq": seq, "updated_at": now}
	if column != "" {
		set[column] = value
	}
	res := tx.Model(&itemRow{}).Where("code = ? AND latest = ?", code, base).Updates(set)
	return oneRow(res, code)
}

// oneRow checks that an update of the item code changed exactly one row:
// none means another writer moved its latest edition first.
func oneRow(res *gorm.DB, code string) error {
	if res.Error != nil {
		return fmt.Errorf("update item %s: %w", code, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("item %s changed meanwhile: %w", code, ErrConflict)
	}
	return nil
}

// resolveDepartment looks up the department of item in its region. It
// returns the department's id and errs extended by an unknown region or
// department, in interchange order. Fields that already have a structural
// error are not looked up. It does not create departments.
func resolveDepartment(tx *gorm.DB, item *Item, errs []FieldError) (uint, []FieldError, error) {
	if item == nil || hasFieldError(errs, "region") {
		return 0, errs, nil
	}
	var regions int64
	if err := tx.Model(&regionRow{}).Where("code = ?", item.Region).Count(&regions).Error; err != nil {
		return 0, nil, fmt.Errorf("look up region %s: %w", item.Region, err)
	}
	if regions == 0 {
		errs = append(errs, FieldError{Field: "region", Message: fmt.Sprintf(MsgUnknownRegion, item.Region)})
		return 0, sortFieldErrors(errs), nil
	}
	if hasFieldError(errs, "department") {
		return 0, errs, nil
	}
	var ids []uint
	if err := tx.Model(&departmentRow{}).Where("region = ? AND name = ?", item.Region, item.Department).
		Pluck("id", &ids).Error; err != nil {
		return 0, nil, fmt.Errorf("look up department %s: %w", item.Department, err)
	}
	if len(ids) == 0 {
		errs = append(errs, FieldError{Field: "department",
			Message: fmt.Sprintf(MsgUnknownDepartment, item.Department, item.Region)})
		return 0, sortFieldErrors(errs), nil
	}
	return ids[0], errs, nil
}

// noteErrors checks a change note or rejection reason.
func noteErrors(field, s string, required bool) []FieldError {
	switch msg := textProblem(s); {
	case msg != "":
		return []FieldError{{Field: field, Message: msg}}
	case required && strings.TrimSpace(s) == "":
		return []FieldError{{Field: field, Message: MsgRequired}}
	case utf8.RuneCountInString(s) > MaxNoteLen:
		return []FieldError{{Field: field, Message: fmt.Sprintf(MsgTooLong, MaxNoteLen)}}
	}
	return nil
}

func hasFieldError(errs []FieldError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// fieldRank orders top-level interchange fields as the Item struct does.
var fieldRank = func() map[string]int {
	t := reflect.TypeOf(Item{})
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
func sortFieldErrors(errs []FieldError) []FieldError {
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

// userDepartment is the department of an editor, 0 for anyone else.
func userDepartment(u *User) uint {
	if u == nil {
		return 0
	}
	return u.DepartmentID
}

func (ed *editionRow) info() EditionInfo {
	return EditionInfo{Number: ed.Number, State: ed.State, Author: ed.Author, Reviewer: ed.Reviewer,
		Note: ed.Note, Reason: ed.Reason, CreatedAt: ed.CreatedAt.UTC(), SubmittedAt: utcPtr(ed.SubmittedAt),
		PublishedAt: utcPtr(ed.PublishedAt), SupersededAt: utcPtr(ed.SupersededAt)}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
