package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"zhinan/seeds"
)

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("gen", stderr)
	items := fs.Int("items", 0, "number of items to generate")
	seed := fs.Int64("seed", 1, "random seed: the same N and seed give the same file")
	out := fs.String("o", "", "output file (default standard output)")
	vary := fs.Bool("vary", false, "give every item its own texts, as real county guides (local notes, window, address, phone, hours); names, codes and classifications as without it")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if *items <= 0 {
		return fmt.Errorf("%w: --items must be a positive number", errUsage)
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := seeds.Generate(bw, seeds.GenOptions{Items: *items, Seed: *seed, Vary: *vary}); err != nil {
		return err
	}
	return bw.Flush()
}
