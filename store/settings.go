package store

import (
	"context"

	"gorm.io/gorm"
)

// Setting returns a value of the settings table, or "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var vals []string
	err := s.db.WithContext(ctx).Raw(`SELECT value FROM settings WHERE key = ?`, key).Scan(&vals).Error
	if err != nil || len(vals) == 0 {
		return "", err
	}
	return vals[0], nil
}

// SetSetting stores a value in the settings table.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE settings SET value = ? WHERE key = ?`, value, key)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, key, value).Error
		}
		return nil
	})
}
