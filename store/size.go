package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// SizeBytes returns how many bytes the store's database takes on disk:
// the SQLite database file with its write-ahead log and shared-memory
// index (-wal, -shm), or PostgreSQL's size of the database. A SQLite
// database that is not a file (in memory) counts 0.
func (s *Store) SizeBytes(ctx context.Context) (int64, error) {
	if dialectOf(s.db).postgres() {
		var n int64
		err := s.db.WithContext(ctx).Raw(`SELECT pg_database_size(current_database())`).Scan(&n).Error
		return n, err
	}
	var dbs []struct {
		Seq  int
		Name string
		File string
	}
	if err := s.db.WithContext(ctx).Raw(`PRAGMA database_list`).Scan(&dbs).Error; err != nil {
		return 0, fmt.Errorf("list database files: %w", err)
	}
	var total int64
	for _, d := range dbs {
		if d.Name != "main" || d.File == "" {
			continue
		}
		for _, path := range []string{d.File, d.File + "-wal", d.File + "-shm"} {
			fi, err := os.Stat(path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return 0, fmt.Errorf("size of %s: %w", path, err)
			default:
				total += fi.Size()
			}
		}
	}
	return total, nil
}
