package report

// Table is a report as rows and typed columns, the one shape every output
// format (terminal table, CSV, XLSX) writes. A report with several parts
// (quality: findings and department scores) is several tables.
type Table struct {
	Name    string   // sheet name / section title (Chinese)
	Columns []Column // in order
	Rows    [][]any  // one value per column: string, int, Rate (*float64, nil = empty), bool
	// Chart, when set, asks formats that can (XLSX) for a bar chart of
	// these rate columns by the label column.
	Chart *Chart
}

// Column is one column of a table.
type Column struct {
	ID    string // stable id (the JSON field)
	Label string // Chinese header
	Kind  string // "text", "int", "percent", "bool"
}

// Chart describes a bar chart of some percent columns of a table.
type Chart struct {
	Title       string
	LabelColumn string   // column id of the category labels
	Columns     []string // column ids of the series (percent columns)
	// Rows are the indices of the table rows to chart, in order; nil
	// charts every row. (The by-region coverage report charts its 本级
	// rows only, so that no item is counted in two bars.)
	Rows []int
}

// Column kinds.
const (
	KindText    = "text"
	KindInt     = "int"
	KindPercent = "percent"
	KindBool    = "bool"
)
