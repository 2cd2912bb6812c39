package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"zhinan/report"
	"zhinan/store"
)

// reportUsage is the usage line of zhinan report.
const reportUsage = "report coverage|conformance|quality|feedback [flags]"

// usageError is a command-line error with a message for the user; main
// prints it with the command's usage and exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string        { return e.msg }
func (e usageError) Is(target error) bool { return target == errUsage }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// runReport runs `zhinan report coverage|conformance|quality|feedback`.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintf(stderr, "usage: zhinan %s\n", reportUsage)
			return flag.ErrHelp
		}
		return usagef(msgReportKind)
	}
	switch args[0] {
	case "coverage":
		return reportCoverage(ctx, args[1:], stdout, stderr)
	case "conformance":
		return reportConformance(ctx, args[1:], stdout, stderr)
	case "quality":
		return reportQuality(ctx, args[1:], stdout, stderr)
	case "feedback":
		return reportFeedback(ctx, args[1:], stdout, stderr)
	}
	return usagef(msgReportUnknown, args[0])
}

// reportFlags are the flags every report takes.
type reportFlags struct {
	fs     *flag.FlagSet
	loc    *location
	region *string
	site   *string
	format *string
	out    *string
}

func newReportFlags(name string, stderr io.Writer) *reportFlags {
	fs, loc := newFlags("report "+name, stderr)
	return &reportFlags{
		fs: fs, loc: loc,
		region: fs.String("region", "", "only this region code and the regions below it (default: the site's region, --site-region; --region '' for every region)"),
		site:   siteRegionFlag(fs),
		format: fs.String("format", "", "table, csv, xlsx or json (default: from the -o file's extension, else table)"),
		out:    fs.String("o", "", "output file, written whole or not at all (default standard output)"),
	}
}

// parse parses the command line and returns the output format.
func (r *reportFlags) parse(args []string) (string, error) {
	pos, err := parseInterleaved(r.fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) > 0 {
		return "", usagef(msgReportArgs, strings.Join(pos, " "))
	}
	// The same default as the /audit page's: the site's own region.
	if !flagGiven(r.fs, "region") {
		*r.region = *r.site
	}
	f := *r.format
	if f == "" {
		switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(*r.out), ".")); ext {
		case report.FormatCSV, report.FormatXLSX, report.FormatJSON:
			f = ext
		default:
			f = report.FormatTable
		}
	}
	if !slices.Contains(report.Formats, f) {
		return "", usagef(msgReportFormat, f)
	}
	return f, nil
}

// reportError turns the errors of a report request into command-line
// errors naming what is wrong.
func (r *reportFlags) reportError(err error) error {
	if errors.Is(err, report.ErrUnknownRegion) {
		return usagef(msgReportRegion, *r.region)
	}
	return err
}

// reportCoverage runs `zhinan report coverage`: the coverage ratios
// (docs/contract.md#coverage-ratios) by region, department or type, as of
// the end of a day in China time.
func reportCoverage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	r := newReportFlags("coverage", stderr)
	by := r.fs.String("by", store.ByRegion, "group by region, department or type")
	asOf := r.fs.String("as-of", "", "as of the end of this day in China time (UTC+8), YYYY-MM-DD (default now)")
	format, err := r.parse(args)
	if err != nil {
		return err
	}
	if !slices.Contains([]string{store.ByRegion, store.ByDepartment, store.ByType}, *by) {
		return usagef(msgReportBy, *by)
	}
	st, err := openData(ctx, r.loc)
	if err != nil {
		return err
	}
	defer st.Close()
	targets, err := report.LoadTargets(r.loc.dir)
	if err != nil {
		return err
	}
	req := report.Request{By: *by, Region: *r.region}
	if *asOf != "" {
		if req.AsOf, err = report.AsOfDate(*asOf, st.Now()); err != nil {
			if errors.Is(err, report.ErrFutureDate) {
				return usagef(msgReportFuture, *asOf)
			}
			return usagef(msgReportAsOf, *asOf)
		}
	}
	rep, err := report.BuildCoverage(ctx, st, req, targets)
	if err != nil {
		return r.reportError(err)
	}
	return writeReport(*r.out, format, rep, rep.Tables, stdout, stderr)
}

// reportConformance runs `zhinan report conformance`: 三级四同 conformance
// of the published items with their catalogue entries.
func reportConformance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	r := newReportFlags("conformance", stderr)
	format, err := r.parse(args)
	if err != nil {
		return err
	}
	st, err := openData(ctx, r.loc)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := report.BuildConformance(ctx, st, *r.region)
	if err != nil {
		return r.reportError(err)
	}
	return writeReport(*r.out, format, rep, rep.Tables, stdout, stderr)
}

// reportQuality runs `zhinan report quality`: the guide-quality findings
// (docs/contract.md#guide-quality-rules) with item and department scores.
func reportQuality(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	r := newReportFlags("quality", stderr)
	dept := r.fs.String("department", "", "only the items of this department (by name)")
	format, err := r.parse(args)
	if err != nil {
		return err
	}
	if *dept != "" && !flagGiven(r.fs, "region") {
		*r.region = "" // every department of that name, wherever it is
	}
	st, err := openData(ctx, r.loc)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := report.BuildQuality(ctx, st, report.QualityFilter{Region: *r.region, Department: *dept})
	if err != nil {
		if errors.Is(err, report.ErrUnknownDepartment) {
			return usagef(msgReportDept, *dept)
		}
		return r.reportError(err)
	}
	return writeReport(*r.out, format, rep, rep.Tables, stdout, stderr)
}

// reportFeedback runs `zhinan report feedback`: ratings, tickets and
// 办不成事 of a range of days by department, item or region, and the
// unanswered searches of each week (docs/contract.md#feedback-figures).
func reportFeedback(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	r := newReportFlags("feedback", stderr)
	by := r.fs.String("by", store.ByDepartment, "group by department, item or region")
	from := r.fs.String("from", "", "from the beginning of this day in China time (UTC+8), YYYY-MM-DD (default: the first)")
	to := r.fs.String("to", "", "to the end of this day in China time (UTC+8), YYYY-MM-DD, included (default: the last)")
	format, err := r.parse(args)
	if err != nil {
		return err
	}
	if !slices.Contains(report.FeedbackGroupings, *by) {
		return usagef(msgReportFeedbackBy, *by)
	}
	st, err := openData(ctx, r.loc)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := report.BuildFeedback(ctx, st, report.FeedbackRequest{By: *by, Region: *r.region, From: *from, To: *to, Site: *r.site})
	switch {
	case errors.Is(err, report.ErrBadFrom):
		return usagef(msgReportDay, "from", *from)
	case errors.Is(err, report.ErrBadTo):
		return usagef(msgReportDay, "to", *to)
	case errors.Is(err, report.ErrFromAfterTo):
		return usagef(msgReportRange, *from, *to)
	case err != nil:
		return r.reportError(err)
	}
	return writeReport(*r.out, format, rep, rep.Tables, stdout, stderr)
}

// writeReport writes a report in a format: JSON is the report document
// itself, the other formats its tables. With a file name it writes beside
// the file and renames, so that a failed report never leaves a truncated
// file under the requested name.
func writeReport(out, format string, doc any, tables func() []report.Table, stdout, stderr io.Writer) error {
	write := func(w io.Writer) error {
		if format == report.FormatJSON {
			return report.WriteJSON(w, doc)
		}
		return report.WriteTables(w, format, tables())
	}
	if out == "" {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	file, err := os.CreateTemp(filepath.Dir(out), ".report-*")
	if err != nil {
		return err
	}
	defer os.Remove(file.Name())
	defer file.Close()
	if err := file.Chmod(0o644); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(file, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	if err := os.Rename(file.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(stderr, msgReportWritten, out)
	return nil
}
