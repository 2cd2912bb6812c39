package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// nextSeq reserves n values of the global change sequence inside tx and
// returns the first.
//
// Commits happen in sequence order, on both engines, so that a follower
// reading "items with seq > k" can never miss a change: the sequence is a
// row, and the UPDATE that advances it locks that row until tx ends (on
// SQLite the whole database is locked by the write transaction; on
// PostgreSQL the row lock is held to commit, and a waiting writer reads
// the committed value only after the holder's changes are visible). So a
// value cannot be taken by a slow transaction while a later value is
// committed and read: the later writer waits on the row. See
// docs/data-model.md#the-change-sequence and the concurrent-writer tests
// in sequence_test.go.
//
// On PostgreSQL the same transaction queues the notification that wakes
// the other replicas' followers when it commits.
func nextSeq(tx *gorm.DB, n int) (int64, error) {
	if err := tx.Exec(`UPDATE sequences SET value = value + ? WHERE name = 'change'`, n).Error; err != nil {
		return 0, fmt.Errorf("advance change sequence: %w", err)
	}
	if err := dialectOf(tx).notifyChange(tx); err != nil {
		return 0, fmt.Errorf("notify change: %w", err)
	}
	var v int64
	if err := tx.Raw(`SELECT value FROM sequences WHERE name = 'change'`).Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read change sequence: %w", err)
	}
	return v - int64(n) + 1, nil
}

// Seq returns the current value of the global change sequence: every write
// to an item stamps it with a larger number.
func (s *Store) Seq(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.WithContext(ctx).Raw(`SELECT value FROM sequences WHERE name = 'change'`).Scan(&v).Error
	return v, err
}

// writeTx runs fn in a write transaction. Write transactions run one at a
// time on both engines, so that what fn reads is what it writes over: on
// SQLite every transaction begins IMMEDIATE (the database's write lock);
// on PostgreSQL its first statement locks the sequence row (lockWriters),
// the row nextSeq advances. A writer that waits lockWait for the lock gets
// an error IsBusy recognises.
func (s *Store) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockWriters(tx); err != nil {
			return err
		}
		return fn(tx)
	})
}

// lockWriters takes, at the start of a PostgreSQL transaction, the lock
// that orders writers: the sequence row, held to commit. On SQLite the
// transaction holds the write lock already.
func lockWriters(tx *gorm.DB) error {
	if !dialectOf(tx).postgres() {
		return nil
	}
	var v int64
	if err := tx.Raw(`SELECT value FROM sequences WHERE name = 'change' FOR UPDATE`).Scan(&v).Error; err != nil {
		return fmt.Errorf("wait for other writers: %w", err)
	}
	return nil
}
