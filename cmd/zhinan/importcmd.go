package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"zhinan/interchange"
	"zhinan/store"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, loc := newFlags("import", stderr)
	dryRun := fs.Bool("dry-run", false, "check and report without writing")
	skip := fs.Bool("skip-invalid", false, "import the valid records when some are invalid")
	dialect := fs.String("dialect", "", `source dialect: "" (zhinan's own) or "national" (national platform field names)`)
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: no file given", errUsage)
	}
	// Every file is opened (and its extension checked) before any is read
	// and before the store is opened.
	inputs := make([]*interchange.File, 0, len(files))
	defer func() {
		for _, in := range inputs {
			in.Close()
		}
	}()
	for _, f := range files {
		in, err := interchange.OpenFile(f, *dialect)
		if err != nil {
			return err
		}
		inputs = append(inputs, in)
	}
	st, err := openData(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	imp, err := st.NewImporter(ctx, store.ImportOptions{
		DryRun: *dryRun, SkipInvalid: *skip,
		Note: fmt.Sprintf(noteImport, strings.Join(names, "、")),
	})
	if err != nil {
		return err
	}
	defer imp.Close()
	// Each file streams into the import: its items are checked and staged
	// as they are read.
	for _, in := range inputs {
		if err := in.Stream(imp); err != nil {
			return err
		}
	}
	res, err := imp.Finish()
	if res != nil {
		printImport(stdout, stderr, res)
	}
	if errors.Is(err, store.ErrRejected) {
		fmt.Fprintln(stderr, msgNothingDone)
		return exitError{1}
	}
	if err != nil {
		return err
	}
	if res.Rejected > 0 {
		return exitError{1}
	}
	return nil
}

// maxProblemsShown bounds the problems printed; the count is always shown.
const maxProblemsShown = 200

func printImport(stdout, stderr io.Writer, res *store.ImportResult) {
	prefix := ""
	if res.DryRun {
		prefix = msgDryRun
	}
	fmt.Fprintf(stdout, msgSummary, prefix, res.Created, res.Updated, res.Unchanged, res.Rejected,
		res.Regions, res.Departments, res.Entries)
	for _, d := range res.NewDepartments {
		fmt.Fprintf(stdout, msgNewDept, d.Name, d.Region)
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(stderr, msgProblems, len(res.Problems))
		for i, p := range res.Problems {
			if i == maxProblemsShown {
				fmt.Fprintf(stderr, "…\n")
				break
			}
			fmt.Fprintln(stderr, p.Error())
		}
	}
}
