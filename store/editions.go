package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// editionRow is a row of the editions table: one edition of an item, its
// guide as canonical JSON with the JSON's digest, its workflow state and
// who did what when, and the columns derived from the guide that coverage
// reports aggregate (columns.go lists them).
type editionRow struct {
	ID            uint `gorm:"primaryKey"`
	ItemCode      string
	Number        int
	State         string
	Guide         string
	Digest        string
	Note          string
	Author        string
	Reviewer      string
	Reason        string
	CreatedAt     time.Time
	SubmittedAt   *time.Time
	PublishedAt   *time.Time
	SupersededAt  *time.Time
	Region        string
	DepartmentID  uint
	Type          string
	OnApplication bool
	Online        bool
	FullOnline    bool
	OneVisit      bool
	ZeroVisit     bool
	Immediate     bool
	InHall        bool
	Nearby        bool
}

func (editionRow) TableName() string { return "editions" }

// newEdition builds an edition row for a guide, with its canonical JSON,
// digest and the derived classification columns used by coverage reports.
func newEdition(it *catalog.Item, number int, state string, deptID uint, at time.Time) editionRow {
	bp := guideBuffers.Get().(*[]byte)
	guide := catalog.AppendGuide((*bp)[:0], it)
	ed := editionOf(it, string(guide), digest(guide), number, state, deptID, at)
	*bp = guide
	guideBuffers.Put(bp)
	return ed
}

// editionOf builds the edition row of it from its canonical JSON and the
// JSON's digest.
func editionOf(it *catalog.Item, guide, digest string, number int, state string, deptID uint, at time.Time) editionRow {
	return editionRow{
		ItemCode:      it.Code,
		Number:        number,
		State:         state,
		Guide:         guide,
		Digest:        digest,
		CreatedAt:     at,
		Region:        it.Region,
		DepartmentID:  deptID,
		Type:          it.Type,
		OnApplication: catalog.OnApplication(it.Type),
		Online:        catalog.HasFlag(it, catalog.FlagOnline),
		FullOnline:    catalog.HasFlag(it, catalog.FlagFullOnline),
		OneVisit:      catalog.HasFlag(it, catalog.FlagOneVisit),
		ZeroVisit:     catalog.HasFlag(it, catalog.FlagZeroVisit),
		Immediate:     catalog.HasFlag(it, catalog.FlagImmediate),
		InHall:        catalog.HasFlag(it, catalog.FlagInHall),
		Nearby:        catalog.HasFlag(it, catalog.FlagNearby),
	}
}

// guideBuffers hold the buffers newEdition writes canonical JSON into.
var guideBuffers = sync.Pool{New: func() any { return new([]byte) }}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func loadEdition(db *gorm.DB, code string, n int) (*editionRow, error) {
	return loadEditionOf[editionRow](db, "item", code, n)
}

// editionHead loads edition n of the item code without its guide.
func editionHead(db *gorm.DB, code string, n int) (*editionRow, error) {
	return loadEditionOf[editionRow](db.Omit("guide"), "item", code, n)
}

// loadEditionOf returns edition n of the kind ("item", "bundle") code from
// R's table, whose kind_code column names it, or catalog.ErrNotFound.
func loadEditionOf[R any](db *gorm.DB, kind, code string, n int) (*R, error) {
	var ed R
	if err := db.Where(kind+"_code = ? AND number = ?", code, n).Take(&ed).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("%s %s edition %d: %w", kind, code, n, catalog.ErrNotFound)
		}
		return nil, fmt.Errorf("load %s %s edition %d: %w", kind, code, n, err)
	}
	return &ed, nil
}

// replaceDraft rewrites the draft edition id, number base, as edition
// number of item: guide, derived columns, note and time. The draft having
// changed meanwhile is a conflict.
func replaceDraft(tx *gorm.DB, id uint, base int, item *catalog.Item, number int, deptID uint, now time.Time, note string) error {
	ed := newEdition(item, number, catalog.StateDraft, deptID, now)
	res := tx.Model(&editionRow{}).Where("id = ? AND number = ? AND state = ?", id, base, catalog.StateDraft).
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
		return fmt.Errorf("item %s draft %d changed meanwhile: %w", item.Code, base, catalog.ErrConflict)
	}
	return nil
}

// insertDraft writes a new draft edition of item.
func insertDraft(tx *gorm.DB, item *catalog.Item, number int, deptID uint, now time.Time, author, note string) error {
	ed := newEdition(item, number, catalog.StateDraft, deptID, now)
	ed.Author, ed.Note = author, note
	if err := tx.Create(&ed).Error; err != nil {
		return fmt.Errorf("store edition %d of %s: %w", number, item.Code, err)
	}
	return nil
}

// changeState updates the item edition id from state from; another
// writer having changed it first is a conflict.
func changeState(tx *gorm.DB, id uint, from string, set map[string]any) error {
	return changeStateOf(tx, &editionRow{}, "edition", id, from, set)
}

// changeStateOf updates the edition id, a row of model's table (named
// what in errors), from state from; another writer having changed it
// first is a conflict. Items' and bundles' editions change state alike.
func changeStateOf(tx *gorm.DB, model any, what string, id uint, from string, set map[string]any) error {
	res := tx.Model(model).Where("id = ? AND state = ?", id, from).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update %s: %w", what, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("%s changed meanwhile: %w", what, catalog.ErrConflict)
	}
	return nil
}

func (ed *editionRow) info() EditionInfo {
	return EditionInfo{Number: ed.Number, State: ed.State, Author: ed.Author, Reviewer: ed.Reviewer,
		Note: ed.Note, Reason: ed.Reason, CreatedAt: ed.CreatedAt.UTC(), SubmittedAt: utcPtr(ed.SubmittedAt),
		PublishedAt: utcPtr(ed.PublishedAt), SupersededAt: utcPtr(ed.SupersededAt)}
}

// working is the WorkingEdition of edition e when the item's or bundle's
// published edition is published.
func (e EditionInfo) working(published int) WorkingEdition {
	return WorkingEdition{Edition: e.Number, State: e.State, Published: published, Note: e.Note, Reason: e.Reason,
		Author: e.Author, CreatedAt: e.CreatedAt}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// overrideRow is a row of edition_overrides: the reason a reviewer gave
// for publishing edition Number of an item despite the publishing-check
// warnings of one rule (docs/contract.md#publishing-checks).
type overrideRow struct {
	ItemCode string `gorm:"primaryKey"`
	Number   int    `gorm:"primaryKey"`
	Rule     string `gorm:"primaryKey"`
	Reason   string
}

func (overrideRow) TableName() string { return "edition_overrides" }

// insertOverrides keeps the reasons, by warning rule, of publishing
// edition number of the item code.
func insertOverrides(tx *gorm.DB, code string, number int, overrides map[string]string) error {
	if len(overrides) == 0 {
		return nil
	}
	rows := make([]overrideRow, 0, len(overrides))
	for _, rule := range slices.Sorted(maps.Keys(overrides)) {
		rows = append(rows, overrideRow{ItemCode: code, Number: number, Rule: rule, Reason: overrides[rule]})
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("store override reasons of %s edition %d: %w", code, number, err)
	}
	return nil
}

// loadOverrides returns the override reasons of the editions of the item
// code, by edition number and rule; only numbers when any are given.
func loadOverrides(db *gorm.DB, code string, numbers ...int) (map[int]map[string]string, error) {
	q := db.Where("item_code = ?", code)
	if len(numbers) > 0 {
		q = q.Where("number IN ?", numbers)
	}
	var rows []overrideRow
	if err := q.Order("number, rule").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load override reasons of %s: %w", code, err)
	}
	out := map[int]map[string]string{}
	for _, r := range rows {
		if out[r.Number] == nil {
			out[r.Number] = map[string]string{}
		}
		out[r.Number][r.Rule] = r.Reason
	}
	return out, nil
}
