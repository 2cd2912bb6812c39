package main

import (
	"context"
	"fmt"

	"zhinan/seeds"
	"zhinan/store"
)

// openData opens the store in a data directory, creating it with the
// reference regions if it is new.
func openData(ctx context.Context, dir string) (*store.Store, error) {
	st, err := store.Open(dir)
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
