package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/store"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("export", stderr)
	format := fs.String("format", "", "jsonl, csv or xlsx (default: from the -o file's extension, else jsonl)")
	region := fs.String("region", "", "only items of this region code")
	dept := fs.String("department", "", "only items of this department")
	out := fs.String("o", "", "output file (default standard output)")
	since := fs.Int64("since", 0, "only the published changes after this change sequence value, as JSON Lines (docs/interchange.md#change-exports)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	changes := false
	fs.Visit(func(f *flag.Flag) { changes = changes || f.Name == "since" })
	f := *format
	if f == "" {
		f = strings.TrimPrefix(filepath.Ext(*out), ".")
		if !slices.Contains(interchange.Formats, f) || changes {
			f = "jsonl"
		}
	}
	if !slices.Contains(interchange.Formats, f) {
		return fmt.Errorf("%w: unknown format %q (jsonl, csv, xlsx)", errUsage, f)
	}
	if changes {
		switch {
		case *since < 0:
			return fmt.Errorf("%w: --since must be a change sequence value, 0 or more", errUsage)
		case f != "jsonl":
			return fmt.Errorf("%w: --since exports JSON Lines only", errUsage)
		case *region != "" || *dept != "":
			return fmt.Errorf("%w: --since exports the whole catalogue's changes: no --region or --department", errUsage)
		}
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	if *region != "" {
		if _, err := st.Region(ctx, *region); err != nil {
			return fmt.Errorf("region %s: %w", *region, err)
		}
	}
	return writeOutput(*out, stdout, func(w io.Writer) error {
		if changes {
			n, next, err := exportChanges(ctx, w, st, *since)
			if err == nil && *out != "" {
				fmt.Fprintf(stderr, msgExportedChanges, n, next)
			}
			return err
		}
		n, err := interchange.Export(ctx, w, f, st, catalog.ExportFilter{Region: *region, Department: *dept})
		if err == nil && *out != "" {
			fmt.Fprintf(stderr, msgExported, n)
		}
		return err
	})
}

// writeOutput runs write on a buffered writer to the file out, or to
// stdout when out is "". A file is written beside the target and
// renamed, so that a failed export never leaves a truncated file under
// the requested name.
func writeOutput(out string, stdout io.Writer, write func(io.Writer) error) error {
	var w io.Writer = stdout
	var file *os.File
	if out != "" {
		var err error
		file, err = os.CreateTemp(filepath.Dir(out), ".export-*")
		if err != nil {
			return err
		}
		defer os.Remove(file.Name())
		defer file.Close()
		if err := file.Chmod(0o644); err != nil {
			return err
		}
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
		return os.Rename(file.Name(), out)
	}
	return nil
}

// exportChanges writes the published changes of st after since to w as
// a change export, a page of store.MaxFeedPage at a time, and returns how
// many it wrote and the next since.
func exportChanges(ctx context.Context, w io.Writer, st *store.Store, since int64) (int, int64, error) {
	cw := interchange.NewChangeWriter(w, since)
	n := 0
	for {
		page, err := st.PublishedChangeDocuments(ctx, cw.Next(), store.MaxFeedPage)
		if err != nil {
			return 0, 0, err
		}
		for _, c := range page {
			if err := cw.Write(interchange.Change{Seq: c.Seq, Kind: c.Kind, Code: c.Code, Edition: c.Edition,
				At: c.At, Item: c.Item}); err != nil {
				return 0, 0, err
			}
		}
		n += len(page)
		if len(page) < store.MaxFeedPage {
			return n, cw.Next(), cw.Close()
		}
	}
}
