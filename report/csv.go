package report

import (
	"bufio"
	"encoding/csv"
	"io"

	"zhinan/interchange"
)

// csvText is a text cell as CSV writes it: neutralised (a quote before
// it) when a spreadsheet could take it for a formula — a department or
// item name typed "=HYPERLINK(…)" stays text (interchange.NeutraliseCSVCell).
// Number cells (counts, rates) are written as they are, and stay numbers.
func csvText(s string) string { return interchange.NeutraliseCSVCell(s) }

// WriteCSV writes tables as CSV, UTF-8 with a byte order mark so that
// Excel reads the 汉字. One table is a plain CSV: the header, then the
// rows. Several are sections separated by a blank line, each headed by a
// line with the table's name. Percent cells hold the bare number as the
// JSON does (91.36; empty when there is no rate) and their header says
// （%）; booleans are 是/否. Text cells that a spreadsheet would take for
// a formula (starting with = + - @, a tab or a line break) have a single
// quote before them.
func WriteCSV(w io.Writer, tables []Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	for ti, t := range tables {
		if len(tables) > 1 {
			if ti > 0 {
				cw.Flush()
				bw.WriteString("\n")
			}
			cw.Write([]string{csvText(t.Name)})
		}
		header := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			header[i] = c.Label
			if c.Kind == KindPercent {
				header[i] += csvPercentSuffix
			}
			header[i] = csvText(header[i])
		}
		cw.Write(header)
		for _, row := range t.Rows {
			line := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				if i < len(row) {
					line[i] = plainCell(row[i], c.Kind)
					if !rightAligned(c.Kind) { // text, not a count or a rate
						line[i] = csvText(line[i])
					}
				}
			}
			cw.Write(line)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
