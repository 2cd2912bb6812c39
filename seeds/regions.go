package seeds

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"

	"zhinan/catalog"
)

// regionsCSV is the reference regions: code,name,level,parent, one region a
// row, sorted by code. It is generated (see doc.go and data/REGIONS.md).
//
//go:embed data/regions.csv
var regionsCSV string

var parsedRegions = sync.OnceValues(func() ([]catalog.Region, error) {
	return parseRegions(regionsCSV)
})

// Regions returns the reference regions every data dir starts with (docs/contract.md#regions):
// every province (省), prefecture (市) and county-level division (县) of China
// with its 6-digit GB/T 2260 code, plus the project's own zones 安康高新技术产业开发区
// 610971 and 安康市恒口示范区 610972, sorted by code. A province has no parent;
// every other region's parent is one of the returned codes.
//
// The slice is the caller's own: changing it does not affect later calls.
func Regions() ([]catalog.Region, error) {
	regions, err := parsedRegions()
	if err != nil {
		return nil, err
	}
	return slices.Clone(regions), nil
}

func parseRegions(data string) ([]catalog.Region, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("seeds: regions.csv: %w", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"code", "name", "level", "parent"}) {
		return nil, fmt.Errorf("seeds: regions.csv: want the header code,name,level,parent")
	}
	regions := make([]catalog.Region, 0, len(rows)-1)
	for i, row := range rows[1:] {
		reg := catalog.Region{Code: row[0], Name: row[1], Level: row[2], Parent: row[3]}
		if len(reg.Code) != 6 || strings.Trim(reg.Code, "0123456789") != "" || reg.Name == "" ||
			!slices.Contains(catalog.RegionLevels, reg.Level) {
			return nil, fmt.Errorf("seeds: regions.csv line %d: bad region %q", i+2, row)
		}
		regions = append(regions, reg)
	}
	return regions, nil
}
