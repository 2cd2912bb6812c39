package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"zhinan/catalog"
)

// Report output formats (zhinan report --format).
const (
	FormatTable = "table" // aligned terminal table
	FormatCSV   = "csv"
	FormatXLSX  = "xlsx"
	FormatJSON  = "json"
)

// Formats are the report output formats, in the order usage lists them.
var Formats = []string{FormatTable, FormatCSV, FormatXLSX, FormatJSON}

// WriteTables writes tables in one of the tabular formats (table, csv,
// xlsx); JSON is the report document itself (WriteJSON).
func WriteTables(w io.Writer, format string, tables []Table) error {
	switch format {
	case FormatTable:
		return WriteText(w, tables)
	case FormatCSV:
		return WriteCSV(w, tables)
	case FormatXLSX:
		return WriteXLSX(w, tables)
	}
	return fmt.Errorf("%w: report format %q", catalog.ErrInvalid, format)
}

// WriteJSON writes a report document (such as *Coverage) as indented
// JSON, HTML characters unescaped: the exact bytes both GET
// /api/v1/coverage and `zhinan report coverage --format json` give.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Cells, as the writers share them.

// percentValue returns a percent cell's number; false for a missing rate.
func percentValue(v any) (float64, bool) {
	switch x := v.(type) {
	case *float64:
		if x != nil {
			return *x, true
		}
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// formatPercent writes a percentage with its two decimals (91.36, 100.00).
func formatPercent(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// plainCell is a cell as text, without the percent sign: what CSV writes.
func plainCell(v any, kind string) string {
	if kind == KindPercent {
		if f, ok := percentValue(v); ok {
			return formatPercent(f)
		}
		return ""
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return labelYes
		}
		return labelNo
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []string:
		return strings.Join(x, listSep)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// textCell is a cell as the terminal table shows it: a percent with its
// sign (91.36%), a missing rate or count (nil) as "—", on one line.
func textCell(v any, kind string) string {
	if kind == KindPercent {
		if f, ok := percentValue(v); ok {
			return formatPercent(f) + "%"
		}
		return labelNoRate
	}
	if kind == KindInt && v == nil {
		return labelNoRate
	}
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, plainCell(v, kind))
}

// displayWidth is the number of terminal columns s takes: East Asian wide
// and fullwidth characters (汉字, fullwidth punctuation such as （）) take
// two, combining marks and zero-width characters none, the rest one
// (ambiguous characters such as — count as narrow, as in most terminals).
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u200d' || r == '\ufeff' || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.IsControl(r):
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}
