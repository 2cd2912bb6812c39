package store

import (
	"context"
	"encoding/json"
	"fmt"

	"zhinan/catalog"
)

// entryRow is a row of the entries table: a catalogue entry, its bases
// and levels stored as canonical JSON (empty when absent).
type entryRow struct {
	BaseCode string `gorm:"primaryKey"`
	Name     string
	Type     string
	Basis    string
	Levels   string
}

func (entryRow) TableName() string { return "entries" }

// Entries returns every catalogue entry, ordered by base code.
func (s *Store) Entries(ctx context.Context) ([]catalog.Entry, error) {
	var rows []entryRow
	if err := s.db.WithContext(ctx).Order("base_code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	out := make([]catalog.Entry, len(rows))
	for i, r := range rows {
		e := catalog.Entry{BaseCode: r.BaseCode, Name: r.Name, Type: r.Type}
		if err := unmarshalIfSet(r.Basis, &e.Basis); err != nil {
			return nil, err
		}
		if err := unmarshalIfSet(r.Levels, &e.Levels); err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// unmarshalIfSet decodes a stored JSON column, leaving v alone when empty.
func unmarshalIfSet(s string, v any) error {
	if s == "" || s == "null" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}
