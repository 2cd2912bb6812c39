package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// nextSeq reserves n values of the global change sequence inside tx and
// returns the first. The sequence row is updated before anything else is
// written, so the write lock it takes orders commits by sequence: a reader
// that has seen sequence k has seen every change numbered below k.
func nextSeq(tx *gorm.DB, n int) (int64, error) {
	if err := tx.Exec(`UPDATE sequences SET value = value + ? WHERE name = 'change'`, n).Error; err != nil {
		return 0, fmt.Errorf("advance change sequence: %w", err)
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
