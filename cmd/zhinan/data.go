package main

import (
	"context"
	"fmt"

	"zhinan/seeds"
	"zhinan/store"
)

// openData opens the store at loc (the data directory's SQLite, or the
// PostgreSQL database of --db), adding the reference regions it lacks.
func openData(ctx context.Context, loc *location) (*store.Store, error) {
	st, err := store.OpenDB(loc.db, loc.dir)
	if err != nil {
		return nil, err
	}
	regions, err := seeds.Regions()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("reference regions: %w", err)
	}
	if err := st.EnsureRegions(ctx, regions); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// seedIfEmpty loads the seed catalogue into a store that has never held an
// item. It reports whether it did.
func seedIfEmpty(ctx context.Context, st *store.Store) (bool, error) {
	n, err := st.CountItems(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	if done, err := st.Setting(ctx, settingSeeded); err != nil || done != "" {
		return false, err
	}
	cat, err := seeds.Load()
	if err != nil {
		return false, fmt.Errorf("seed catalogue: %w", err)
	}
	if _, err := st.Import(ctx, cat.Records(), store.ImportOptions{Author: "seeds", Note: noteSeeds}); err != nil {
		return false, fmt.Errorf("load seed catalogue: %w", err)
	}
	return true, st.SetSetting(ctx, settingSeeded, "1")
}

// settingSeeded records that the seeds were loaded once, so that a store
// emptied on purpose is not seeded again.
const settingSeeded = "seeded"
