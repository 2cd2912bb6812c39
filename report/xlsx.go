package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// PercentFormat is the number format of percent cells in XLSX (Excel's
// built-in format 10). A cell holds the rate as a real fraction, the JSON's
// percentage divided by 100 (0.9136 for 91.36), so that formulas on it
// work; the format shows it as 91.36%.
const PercentFormat = `0.00%`

// percentNumFmt is the id of Excel's built-in PercentFormat.
const percentNumFmt = 10

// Sheet limits.
const (
	maxSheetName   = 31 // UTF-16 units
	minColumnWidth = 6
	maxColumnWidth = 60
)

// Chart geometry, in pixels.
const (
	chartWidth     = 760
	chartMinHeight = 320
	chartBarHeight = 14 // per bar: categories × series
	chartChrome    = 120
	chartMaxHeight = 4000
)

// WriteXLSX writes tables as an XLSX workbook, one worksheet per table
// named after it. The header row is bold, shaded and frozen; column widths
// fit the content (汉字 count double); numbers are numeric cells; percent
// cells are real fractions (the JSON's percentage / 100: 0.9136 for
// 91.36) with the PercentFormat format, and empty when there is no rate; booleans are 是/否. A table with a Chart gets
// a clustered bar chart of the chart's columns by its label column, with
// the chart's title, beside the data (when the charted rows are not
// consecutive in the table, their values are copied to a hidden 图表数据
// sheet the chart reads). Sheets print landscape, one page wide, the
// header on every page. The workbook carries no timestamp of its own
// (excelize's fixed document dates), so the same tables give the same
// parts; only the order of the content types excelize lists varies.
func WriteXLSX(w io.Writer, tables []Table) error {
	f := excelize.NewFile()
	defer f.Close()
	x, err := newXLSXWriter(f)
	if err != nil {
		return err
	}
	names := sheetNames(tables)
	for i, name := range names {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return err
		}
	}
	// Charts go in before the rows: a stream writer keeps the drawing the
	// worksheet already has, but a worksheet cannot be changed once
	// streamed.
	taken := map[string]bool{}
	for _, n := range names {
		taken[strings.ToLower(n)] = true
	}
	for i := range tables {
		if err := x.addChart(names[i], &tables[i], taken); err != nil {
			return err
		}
	}
	for i := range tables {
		if err := x.writeSheet(names[i], &tables[i]); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	title := ""
	if len(tables) > 0 {
		title = tables[0].Name
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "zhinan", LastModifiedBy: "zhinan", Title: title, Language: "zh-CN"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// xlsxWriter holds a workbook's styles.
type xlsxWriter struct {
	f                     *excelize.File
	header, percent, wrap int
}

func newXLSXWriter(f *excelize.File) (*xlsxWriter, error) {
	x := &xlsxWriter{f: f}
	var err error
	x.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	if err != nil {
		return nil, err
	}
	if x.percent, err = f.NewStyle(&excelize.Style{NumFmt: percentNumFmt}); err != nil {
		return nil, err
	}
	if x.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return nil, err
	}
	return x, nil
}

// writeSheet streams a table into its worksheet.
func (x *xlsxWriter) writeSheet(name string, t *Table) error {
	// Printed landscape, one page wide (the chart beside the data
	// included), the header row on every page. Like the chart, this goes
	// in before the rows are streamed.
	landscape, one, auto := "landscape", 1, 0
	if err := x.f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: &auto}); err != nil {
		return err
	}
	fit := true
	if err := x.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + strings.ReplaceAll(name, "'", "''") + "'!$1:$1", Scope: name}); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range columnWidths(t) {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{StyleID: x.header, Value: xmlText(c.Label)}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range t.Rows {
		values := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			if i < len(row) {
				values[i] = x.cell(row[i], c.Kind)
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, values); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell is a table value as an XLSX cell value (nil leaves it empty).
func (x *xlsxWriter) cell(v any, kind string) any {
	switch kind {
	case KindPercent:
		if f, ok := percentValue(v); ok {
			return excelize.Cell{StyleID: x.percent, Value: Fraction(f)}
		}
		return nil
	case KindInt:
		switch v.(type) {
		case int, int64, int32, uint, uint64, uint32:
			return v
		}
	}
	s := plainCell(v, kind)
	if s == "" {
		return nil
	}
	s = xmlText(s)
	if strings.Contains(s, "\n") {
		return excelize.Cell{StyleID: x.wrap, Value: s}
	}
	return s
}

// Fraction is a percentage of two decimals (79.32) as the fraction an
// XLSX rate cell holds (0.7932): the double nearest the exact quotient,
// whose shortest decimal form has at most four decimals, so that the
// cell's value × 100 is the JSON's percentage exactly.
func Fraction(percent float64) float64 {
	return math.Round(percent*100) / 10000
}

// xmlText drops the characters XML cannot carry (control characters other
// than tab and newlines, U+FFFE, U+FFFF).
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
}

// columnWidths fits each column to its widest cell (its header included),
// in Excel's width unit of about one digit, 汉字 counting two.
func columnWidths(t *Table) []float64 {
	out := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		n := displayWidth(c.Label) + 1 // the header is bold
		for _, row := range t.Rows {
			if i >= len(row) {
				continue
			}
			s := textCell(row[i], c.Kind)
			if c.Kind == KindPercent && s == labelNoRate {
				continue
			}
			n = max(n, displayWidth(s))
		}
		out[i] = float64(min(max(n+2, minColumnWidth), maxColumnWidth))
	}
	return out
}

// sheetNames makes each table's name a valid, unique worksheet name: the
// characters a sheet name may not hold replaced, at most 31 UTF-16 units.
func sheetNames(tables []Table) []string {
	out := make([]string, len(tables))
	seen := map[string]bool{}
	for i, t := range tables {
		base := strings.Map(func(r rune) rune {
			if strings.ContainsRune(`:\/?*[]`, r) || unicode.IsControl(r) {
				return '_'
			}
			return r
		}, t.Name)
		base = strings.Trim(base, "' ")
		if base == "" {
			base = "Sheet" + strconv.Itoa(i+1)
		}
		name := truncateUTF16(base, maxSheetName)
		for n := 2; seen[strings.ToLower(name)]; n++ {
			suffix := "(" + strconv.Itoa(n) + ")"
			name = truncateUTF16(base, maxSheetName-len(suffix)) + suffix
		}
		seen[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// truncateUTF16 cuts s to at most n UTF-16 units, on a rune boundary.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}

// sheetRef is an absolute reference to a range of a sheet's column:
// 'name'!$C$2:$C$9.
func sheetRef(sheet string, col, row1, row2 int) string {
	c, _ := excelize.ColumnNumberToName(col)
	q := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!"
	if row1 == row2 {
		return fmt.Sprintf("%s$%s$%d", q, c, row1)
	}
	return fmt.Sprintf("%s$%s$%d:$%s$%d", q, c, row1, c, row2)
}

// addChart adds a table's chart beside its data. taken holds the
// workbook's sheet names (lower case), to which a chart-data sheet's name
// is added.
func (x *xlsxWriter) addChart(sheet string, t *Table, taken map[string]bool) error {
	ch := t.Chart
	if ch == nil {
		return nil
	}
	colIndex := map[string]int{}
	for i, c := range t.Columns {
		colIndex[c.ID] = i
	}
	label, ok := colIndex[ch.LabelColumn]
	if !ok {
		return fmt.Errorf("chart %q: no label column %q", ch.Title, ch.LabelColumn)
	}
	series := make([]int, len(ch.Columns))
	for i, id := range ch.Columns {
		if series[i], ok = colIndex[id]; !ok {
			return fmt.Errorf("chart %q: no column %q", ch.Title, id)
		}
	}
	rows := ch.Rows
	if rows == nil {
		rows = make([]int, len(t.Rows))
		for i := range rows {
			rows[i] = i
		}
	}
	if len(rows) == 0 {
		return nil // nothing to chart
	}
	for _, r := range rows {
		if r < 0 || r >= len(t.Rows) {
			return fmt.Errorf("chart %q: no row %d", ch.Title, r)
		}
	}
	// The chart reads the table's own cells when its rows are
	// consecutive, else a hidden sheet of the charted rows.
	src, first := sheet, rows[0]+2
	labelCol, seriesCols := label+1, make([]int, len(series))
	for i, c := range series {
		seriesCols[i] = c + 1
	}
	if !consecutive(rows) {
		var err error
		if src, err = x.chartData(t, rows, label, series, taken); err != nil {
			return err
		}
		first, labelCol = 2, 1
		for i := range seriesCols {
			seriesCols[i] = i + 2
		}
	}
	last := first + len(rows) - 1
	chart := &excelize.Chart{
		Type:      excelize.Bar,
		Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight(len(rows), len(series))},
		Format:    excelize.GraphicOptions{ScaleX: 1, ScaleY: 1, OffsetX: 12, AltText: ch.Title},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: ch.Title, Font: &excelize.Font{Bold: true, Size: 13}}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		// One colour per series, not per bar.
		VaryColors: boolPtr(false),
		// The first row at the top, as in the table.
		XAxis: excelize.ChartAxis{ReverseOrder: true, Font: excelize.Font{Color: axisColor, Size: 9}},
		YAxis: excelize.ChartAxis{
			Minimum: floatPtr(0), Maximum: floatPtr(1), MajorUnit: 0.2, MajorGridLines: true,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: `0%`},
			Font:   excelize.Font{Color: axisColor, Size: 9},
		},
		PlotArea: excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: PercentFormat}},
	}
	headerRow := 1
	for i, c := range seriesCols {
		chart.Series = append(chart.Series, excelize.ChartSeries{
			Name:       sheetRef(src, c, headerRow, headerRow),
			Categories: sheetRef(src, labelCol, first, last),
			Values:     sheetRef(src, c, first, last),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{seriesColors[i%len(seriesColors)]}},
			// The value inside the end of its bar: a label beyond 100%
			// would leave the plot.
			DataLabelPosition: excelize.ChartDataLabelsPositionInsideEnd,
			DataLabel:         excelize.ChartDataLabel{Font: excelize.Font{Color: "FFFFFF", Bold: true, Size: 8}},
		})
	}
	anchor, err := excelize.CoordinatesToCellName(len(t.Columns)+2, 2)
	if err != nil {
		return err
	}
	return x.f.AddChart(sheet, anchor, chart)
}

// axisColor is the colour of the axis labels (excelize's default grey is
// too faint to read in print).
const axisColor = "404040"

// seriesColors tell a chart's series apart (also in grey print).
var seriesColors = []string{"2F5597", "ED7D31", "70AD47", "7F7F7F", "FFC000", "5B9BD5", "A5A5A5"}

func floatPtr(f float64) *float64 { return &f }

func boolPtr(b bool) *bool { return &b }

// chartHeight gives every bar room: categories × series bars.
func chartHeight(categories, series int) uint {
	h := chartChrome + categories*max(series, 1)*chartBarHeight
	return uint(min(max(h, chartMinHeight), chartMaxHeight))
}

// consecutive tells whether rows are i, i+1, i+2 ….
func consecutive(rows []int) bool {
	for i := 1; i < len(rows); i++ {
		if rows[i] != rows[i-1]+1 {
			return false
		}
	}
	return true
}

// chartData writes the charted rows (label and series columns, under the
// table's headers) to a new hidden sheet and returns its name.
func (x *xlsxWriter) chartData(t *Table, rows []int, label int, series []int, taken map[string]bool) (string, error) {
	name := labelChartData
	for n := 2; taken[strings.ToLower(name)]; n++ {
		name = labelChartData + strconv.Itoa(n)
	}
	taken[strings.ToLower(name)] = true
	if _, err := x.f.NewSheet(name); err != nil {
		return "", err
	}
	cols := append([]int{label}, series...)
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		style := 0
		if c, ok := v.(excelize.Cell); ok {
			v, style = c.Value, c.StyleID
		}
		if v == nil {
			return nil
		}
		if err := x.f.SetCellValue(name, cell, v); err != nil {
			return err
		}
		if style == 0 {
			return nil
		}
		return x.f.SetCellStyle(name, cell, cell, style)
	}
	for j, c := range cols {
		if err := set(j+1, 1, excelize.Cell{StyleID: x.header, Value: xmlText(t.Columns[c].Label)}); err != nil {
			return "", err
		}
	}
	for i, r := range rows {
		for j, c := range cols {
			if c >= len(t.Rows[r]) {
				continue
			}
			if err := set(j+1, i+2, x.cell(t.Rows[r][c], t.Columns[c].Kind)); err != nil {
				return "", err
			}
		}
	}
	return name, x.f.SetSheetVisible(name, false)
}
