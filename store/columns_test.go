package store

import (
	"reflect"
	"slices"
	"testing"

	"gorm.io/gorm/schema"
)

// tableColumns returns the columns of a table of the migrated database, in
// table order.
func tableColumns(t *testing.T, st *Store, table string) []string {
	t.Helper()
	cols, err := columnsOf(st.db, table)
	if err != nil {
		t.Fatal(err)
	}
	return cols
}

// TestColumnsMatchSchema ties the column lists of columns.go to the schema
// the migrations create: items and editions (but the generated id) have
// exactly those columns, in that order; the derived and classification
// columns are editions' last ones; editionRow.derived gives the values of
// the derived columns in their order; and the row types have a field for
// every column.
func TestColumnsMatchSchema(t *testing.T) {
	st, _ := openTestStore(t)
	if got := tableColumns(t, st, "items"); !slices.Equal(got, itemColumns) {
		t.Errorf("items has columns\n%v\nitemColumns lists\n%v", got, itemColumns)
	}
	got := tableColumns(t, st, "editions")
	if len(got) == 0 || got[0] != "id" || !slices.Equal(got[1:], editionColumns) {
		t.Errorf("editions has columns\n%v\neditionColumns lists id and\n%v", got, editionColumns)
	}
	n := len(editionColumns)
	if !slices.Equal(editionColumns[n-len(editionDerivedColumns):], editionDerivedColumns) ||
		!slices.Equal(editionDerivedColumns[len(editionDerivedColumns)-len(editionFlagColumns):], editionFlagColumns) {
		t.Errorf("the derived and classification columns are not editions' last ones")
	}

	// Every column is a field of the row type, as gorm names it.
	names := schema.NamingStrategy{}
	fieldOf := func(row reflect.Type, col string) (int, bool) {
		for i := 0; i < row.NumField(); i++ {
			if names.ColumnName("", row.Field(i).Name) == col {
				return i, true
			}
		}
		return 0, false
	}
	for _, tc := range []struct {
		row  any
		cols []string
	}{{itemRow{}, itemColumns}, {editionRow{}, editionColumns}} {
		typ := reflect.TypeOf(tc.row)
		for _, c := range tc.cols {
			if _, ok := fieldOf(typ, c); !ok {
				t.Errorf("%s has no field for column %s", typ.Name(), c)
			}
		}
	}

	// derived gives each derived column's field, in order: one
	// classification true at a time, the other columns distinct.
	var ed editionRow
	v := reflect.ValueOf(&ed).Elem()
	for i := range editionFlagColumns {
		ed = editionRow{Region: "r", DepartmentID: 7, Type: "t", OnApplication: i%2 == 0}
		j, _ := fieldOf(v.Type(), editionFlagColumns[i])
		v.Field(j).SetBool(true)
		vals := ed.derived()
		for k, c := range editionDerivedColumns {
			fi, _ := fieldOf(v.Type(), c)
			if want := v.Field(fi).Interface(); vals[k] != want {
				t.Fatalf("derived()[%d] (%s) = %v, want %v", k, c, vals[k], want)
			}
		}
	}
}
