package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"zhinan/search"
)

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlags("reindex", stderr)
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	st, err := openData(ctx, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	n, err := search.Reindex(ctx, *data, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, msgReindexed, n, time.Since(start).Seconds())
	return nil
}
