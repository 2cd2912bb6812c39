package report

import (
	"bufio"
	"io"
	"strings"
)

// rightAligned tells the numeric kinds, aligned right in the terminal.
func rightAligned(kind string) bool { return kind == KindInt || kind == KindPercent }

// WriteText writes tables as aligned terminal tables: each under its name,
// a header and a rule, columns two spaces apart, numbers aligned right,
// widths counted in terminal columns (汉字 are two wide). Tables are
// separated by a blank line.
func WriteText(w io.Writer, tables []Table) error {
	bw := bufio.NewWriter(w)
	for ti, t := range tables {
		if ti > 0 {
			bw.WriteString("\n")
		}
		if t.Name != "" {
			bw.WriteString(t.Name + "\n")
		}
		cells := make([][]string, 0, len(t.Rows)+1)
		header := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			header[i] = textCell(c.Label, KindText)
		}
		cells = append(cells, header)
		for _, row := range t.Rows {
			line := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				if i < len(row) {
					line[i] = textCell(row[i], c.Kind)
				} else if c.Kind == KindPercent {
					line[i] = labelNoRate
				}
			}
			cells = append(cells, line)
		}
		widths := make([]int, len(t.Columns))
		for _, line := range cells {
			for i, s := range line {
				widths[i] = max(widths[i], displayWidth(s))
			}
		}
		writeLine := func(line []string) {
			var b strings.Builder
			for i, s := range line {
				if i > 0 {
					b.WriteString("  ")
				}
				pad := strings.Repeat(" ", widths[i]-displayWidth(s))
				if rightAligned(t.Columns[i].Kind) {
					b.WriteString(pad + s)
				} else {
					b.WriteString(s + pad)
				}
			}
			bw.WriteString(strings.TrimRight(b.String(), " ") + "\n")
		}
		writeLine(cells[0])
		rule := make([]string, len(widths))
		for i, n := range widths {
			rule[i] = strings.Repeat("-", n)
		}
		writeLine(rule)
		for _, line := range cells[1:] {
			writeLine(line)
		}
		if len(t.Rows) == 0 {
			bw.WriteString(labelNoRows + "\n")
		}
	}
	return bw.Flush()
}
