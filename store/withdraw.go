package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// ErrNotPublished is the error of withdrawing an item that has no
// published edition. It is a catalog.ErrConflict.
var ErrNotPublished = fmt.Errorf("item has no published edition: %w", catalog.ErrConflict)

// Withdraw takes the item code out of the published catalogue (事项下架)
// for reason (required, at most catalog.MaxNoteLen characters: a
// *catalog.ValidationError on field "reason" otherwise). Its published
// edition becomes withdrawn (and superseded at this time, for reports as
// of a date), the item has no published edition, so the public pages,
// search, exports and coverage no longer show it; the change feed records
// a withdrawal and the change log the reason. Its other editions stay:
// an editor saves a new draft (an unchanged copy of the withdrawn edition
// will do) and a reviewer publishes it to bring the item back, which the
// feed records as created. It needs catalog.ActionReview, as publishing
// does; an item without a published edition is ErrNotPublished.
// Refusals come in this order: access, the item's state, the reason.
func (s *Store) Withdraw(ctx context.Context, a Actor, code, reason string) error {
	if a.User == nil {
		return catalog.ErrForbidden
	}
	errs := catalog.CheckNote("reason", reason, true)
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		row, err := loadItem(tx, code)
		if err != nil {
			return err
		}
		if err := s.inTx(tx).require(ctx, a.User, catalog.ActionReview, row.DepartmentID, row.Region); err != nil {
			return err
		}
		if row.Published == 0 {
			return fmt.Errorf("withdraw item %s: %w", code, ErrNotPublished)
		}
		if len(errs) > 0 {
			return &catalog.ValidationError{Errors: errs}
		}
		now := s.Now().UTC()
		seq, err := nextSeq(tx, 1)
		if err != nil {
			return err
		}
		res := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ? WHERE item_code = ? AND number = ? AND state = ?`,
			catalog.StateWithdrawn, now, code, row.Published, catalog.StatePublished)
		if err := oneRow(res, code); err != nil {
			return err
		}
		res = tx.Exec(`UPDATE items SET published = 0, seq = ?, updated_at = ? WHERE code = ? AND published = ?`,
			seq, now, code, row.Published)
		if err := oneRow(res, code); err != nil {
			return err
		}
		if err := appendFeed(tx, seq, code, 0, FeedWithdrawn, now); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: a.name(), Action: OpWithdraw,
			ItemCode: code, Edition: row.Published, Detail: reason, Remote: a.Remote})
	})
}
