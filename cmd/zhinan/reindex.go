package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"zhinan/search"
)

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("reindex", stderr)
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	n, err := search.Reindex(ctx, loc.dir, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, msgReindexed, n, time.Since(start).Seconds())
	return nil
}
