package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"zhinan/catalog"
	"zhinan/interchange"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("export", stderr)
	format := fs.String("format", "", "jsonl, csv or xlsx (default: from the -o file's extension, else jsonl)")
	region := fs.String("region", "", "only items of this region code")
	dept := fs.String("department", "", "only items of this department")
	out := fs.String("o", "", "output file (default standard output)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	f := *format
	if f == "" {
		f = strings.TrimPrefix(filepath.Ext(*out), ".")
		if !slices.Contains(interchange.Formats, f) {
			f = "jsonl"
		}
	}
	if !slices.Contains(interchange.Formats, f) {
		return fmt.Errorf("%w: unknown format %q (jsonl, csv, xlsx)", errUsage, f)
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
	var w io.Writer = stdout
	var file *os.File
	if *out != "" {
		// Write beside the target and rename, so a failed export never
		// leaves a truncated file under the requested name.
		file, err = os.CreateTemp(filepath.Dir(*out), ".export-*")
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
	n, err := interchange.Export(ctx, bw, f, st, catalog.ExportFilter{Region: *region, Department: *dept})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
		if err := os.Rename(file.Name(), *out); err != nil {
			return err
		}
		fmt.Fprintf(stderr, msgExported, n)
	}
	return nil
}
