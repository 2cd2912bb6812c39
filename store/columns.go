package store

import "strings"

// The joins and column lists the store's raw SQL shares: a join spelled
// once, a column added to a table added to one list. TestColumnsMatchSchema
// ties the lists to the schema the migrations create. Migrations are never
// written from these lists: a released migration does not change.

// Joins of an item (alias i) to its editions (e) and its department (d).
const (
	// joinPublished joins each item to its published edition.
	joinPublished = `JOIN editions e ON e.item_code = i.code AND e.number = i.published`
	// joinLatest joins each item to its latest edition.
	joinLatest = `JOIN editions e ON e.item_code = i.code AND e.number = i.latest`
	// joinDepartment joins each item to its department.
	joinDepartment = `JOIN departments d ON d.id = i.department_id`
)

// Select lists over items i joined to their edition e and department d.
const (
	// publishedColumns select a publishedRow.
	publishedColumns = `i.code, i.seq, e.number, e.guide, e.published_at`
	// siblingColumns select a Sibling.
	siblingColumns = `i.code, i.name, i.region, d.name AS department`
)

// itemColumns are the columns of items, in table order.
var itemColumns = []string{"code", "base_code", "name", "region", "department_id", "published",
	"latest", "seq", "created_at", "updated_at"}

// editionFlagColumns are the classification columns of an edition, each
// whether its guide has one classification (catalog.HasFlag), in table
// order: what coverage ratios count.
var editionFlagColumns = []string{"online", "full_online", "one_visit", "zero_visit", "immediate",
	"in_hall", "nearby"}

// editionDerivedColumns are the columns of an edition derived from its
// guide and department (editionRow.derived), in table order: the columns
// coverage reports aggregate in SQL.
var editionDerivedColumns = append([]string{"region", "department_id", "type", "on_application"},
	editionFlagColumns...)

// editionColumns are the columns of editions but the generated id, in
// table order.
var editionColumns = append([]string{"item_code", "number", "state", "guide", "digest", "note",
	"author", "reviewer", "reason", "created_at", "submitted_at", "published_at", "superseded_at"},
	editionDerivedColumns...)

// derived returns the values of the edition's editionDerivedColumns, in
// their order.
func (ed *editionRow) derived() []any {
	return append([]any{ed.Region, ed.DepartmentID, ed.Type, ed.OnApplication}, ed.flags()...)
}

// flags returns the values of the edition's editionFlagColumns, in their
// order.
func (ed *editionRow) flags() []any {
	return []any{ed.Online, ed.FullOnline, ed.OneVisit, ed.ZeroVisit, ed.Immediate, ed.InHall, ed.Nearby}
}

// columnList joins columns for a SELECT or INSERT, each with prefix
// ("e.", "s." …) unless as names another expression for it.
func columnList(prefix string, columns []string, as map[string]string) string {
	out := make([]string, len(columns))
	for i, c := range columns {
		if e, ok := as[c]; ok {
			out[i] = e
		} else {
			out[i] = prefix + c
		}
	}
	return strings.Join(out, ", ")
}
