package seeds

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"zhinan/catalog"
)

//go:embed data/departments.json data/entries-*.jsonl data/bundles.jsonl
var dataFS embed.FS

// CityRegion is 安康市, the city whose catalogue the seeds describe.
const CityRegion = "610900"

// deptKind describes one kind of department (公安局, 人社局 …) as the city
// and each county name it.
type deptKind struct {
	Key    string `json:"key"`
	City   string `json:"city"`
	County string `json:"county"` // {c} is the county's name; "" = city only
	Window string `json:"window"`
}

// Template is one catalogue entry's standard guide with the department
// kind and levels that implement it (data/TEMPLATES.md).
type Template struct {
	Dept   string       `json:"dept"`
	Levels []string     `json:"levels"`
	Flawed string       `json:"flawed,omitempty"`
	Item   catalog.Item `json:"item"`
}

// place is a region that implements templates, with what differs there.
type place struct {
	code  string
	name  string // the name departments are formed with, e.g. 汉阴县
	hall  string // the government service hall and its address
	phone string // exchange prefix of the region's phones (after 0915-)
	// allOneVisit: the region made every item 最多跑一次.
	allOneVisit bool
	// allInHall: every department is in the hall (100% 进驻).
	allInHall bool
	// zone: a development zone, which implements only zoneDepts.
	zone bool
}

// places are 安康市 and the county-level regions that implement the seed
// catalogue. The figures of the source documents shape the variation: five
// counties have every department in the hall, several counties reached 100%
// 最多跑一次, the others not yet.
var places = []place{
	{code: "610900", name: "安康市", hall: "安康市政务服务中心（汉滨区安康大道市民中心）", phone: "321", allOneVisit: false, allInHall: false},
	{code: "610902", name: "汉滨区", hall: "汉滨区政务服务中心（汉滨区兴安东路）", phone: "322"},
	{code: "610921", name: "汉阴县", hall: "汉阴县政务服务中心（城关镇凤台路）", phone: "521", allOneVisit: true, allInHall: true},
	{code: "610922", name: "石泉县", hall: "石泉县政务服务中心（城关镇江南新区）", phone: "631", allOneVisit: true, allInHall: true},
	{code: "610923", name: "宁陕县", hall: "宁陕县政务服务中心（城关镇中街）", phone: "683"},
	{code: "610924", name: "紫阳县", hall: "紫阳县政务服务中心（城关镇新桥社区）", phone: "431"},
	{code: "610925", name: "岚皋县", hall: "岚皋县政务服务中心（城关镇河街）", phone: "252", allInHall: true},
	{code: "610926", name: "平利县", hall: "平利县政务服务中心（城关镇正阳路）", phone: "843", allOneVisit: true, allInHall: true},
	{code: "610927", name: "镇坪县", hall: "镇坪县政务服务中心（城关镇迎宾路）", phone: "882", allInHall: true},
	{code: "610929", name: "白河县", hall: "白河县政务服务中心（城关镇城关街）", phone: "781"},
	{code: "610981", name: "旬阳市", hall: "旬阳市政务服务中心（城关镇祝尔康大道）", phone: "721"},
	{code: "610971", name: "安康高新区", hall: "安康高新区政务服务中心（高新区创新大道）", phone: "326", allOneVisit: true, allInHall: true, zone: true},
	{code: "610972", name: "恒口示范区", hall: "恒口示范区政务服务中心（恒口镇恒兴路）", phone: "351", zone: true},
}

// zoneDepts are the department kinds the development zones have.
var zoneDepts = map[string]bool{"行政审批服务局": true, "人社局": true, "医保局": true, "市场监管局": true, "住建局": true}

// Hours is the opening time every seed hall publishes.
const Hours = "周一至周五 上午8:30-12:00，下午14:30-17:30（法定节假日除外）"

// Catalogue is the expanded seed catalogue.
type Catalogue struct {
	Departments []catalog.Department
	Entries     []catalog.Entry
	Items       []catalog.Item
	// Bundles are the life events (一件事一次办) over the catalogue's
	// entries (data/bundles.jsonl).
	Bundles []catalog.Bundle
	// Flawed maps item codes to the guide-quality rule their template
	// breaks on purpose, so the quality report has something to show.
	Flawed map[string]string
}

// Records returns the catalogue as interchange records, ready to import:
// departments, entries, items and, after the items, the bundles.
func (c *Catalogue) Records() catalog.Decoded {
	var d catalog.Decoded
	add := func(r catalog.Record) {
		r.File = "seeds"
		r.Line = len(d.Records) + 1
		d.Records = append(d.Records, r)
	}
	for i := range c.Departments {
		add(catalog.Record{Kind: catalog.KindDepartment, Department: &c.Departments[i]})
	}
	for i := range c.Entries {
		add(catalog.Record{Kind: catalog.KindEntry, Entry: &c.Entries[i]})
	}
	for i := range c.Items {
		add(catalog.Record{Kind: catalog.KindItem, Item: &c.Items[i]})
	}
	for i := range c.Bundles {
		add(catalog.Record{Kind: catalog.KindBundle, Bundle: &c.Bundles[i]})
	}
	return d
}

var loaded = sync.OnceValues(load)

// Load returns the seed catalogue: departments, catalogue entries and the
// items that implement them in 安康市 and its counties. It is deterministic.
// The result is shared: callers must not modify it.
func Load() (*Catalogue, error) { return loaded() }

// Templates returns the seed guide templates in file order.
func Templates() ([]Template, error) {
	files, err := fs.Glob(dataFS, "data/entries-*.jsonl")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Template
	for _, f := range files {
		b, err := dataFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for i, line := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.DisallowUnknownFields()
			var t Template
			if err := dec.Decode(&t); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", f, i+1, err)
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func deptKinds() (map[string]deptKind, error) {
	b, err := dataFS.ReadFile("data/departments.json")
	if err != nil {
		return nil, err
	}
	var list []deptKind
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("departments.json: %w", err)
	}
	m := make(map[string]deptKind, len(list))
	for _, k := range list {
		m[k.Key] = k
	}
	return m, nil
}

func load() (*Catalogue, error) {
	kinds, err := deptKinds()
	if err != nil {
		return nil, err
	}
	tmpls, err := Templates()
	if err != nil {
		return nil, err
	}
	// Business items (业务办理项) share their entry's base code; they are
	// numbered within it so their implementation codes differ.
	family := map[string]int{}
	for _, t := range tmpls {
		family[t.Item.BaseCode]++
	}
	c := &Catalogue{Flawed: map[string]string{}}
	entries := map[string]*catalog.Entry{}
	depts := map[[2]string]catalog.Department{}
	member := map[string]int{}
	for ti, t := range tmpls {
		kind, ok := kinds[t.Dept]
		if !ok {
			return nil, fmt.Errorf("template %d (%s): unknown dept %q", ti+1, t.Item.Name, t.Dept)
		}
		suffix := ""
		if family[t.Item.BaseCode] > 1 {
			member[t.Item.BaseCode]++
			suffix = fmt.Sprintf("%02d", member[t.Item.BaseCode])
		}
		if _, ok := entries[t.Item.BaseCode]; !ok {
			name := t.Item.Name
			if family[t.Item.BaseCode] > 1 {
				name = stripSuffix(name)
			}
			entries[t.Item.BaseCode] = &catalog.Entry{BaseCode: t.Item.BaseCode, Name: name, Type: t.Item.Type, Basis: t.Item.Basis}
		}
		e := entries[t.Item.BaseCode]
		for _, p := range places {
			level := "县级"
			deptName := strings.ReplaceAll(kind.County, "{c}", p.name)
			if p.code == CityRegion {
				level, deptName = "市级", kind.City
			}
			if !contains(t.Levels, level) || deptName == "" || (p.zone && !zoneDepts[t.Dept]) {
				continue
			}
			if !contains(e.Levels, level) {
				e.Levels = append(e.Levels, level)
			}
			it := implement(t, kind, p, deptName, level, suffix)
			c.Items = append(c.Items, it)
			if t.Flawed != "" {
				c.Flawed[it.Code] = t.Flawed
			}
			depts[[2]string{p.code, deptName}] = catalog.Department{Name: deptName, Region: p.code,
				Phone: it.ConsultPhone, CreditCode: creditCode(p.code, deptName)}
		}
	}
	for _, e := range entries {
		c.Entries = append(c.Entries, *e)
	}
	sort.Slice(c.Entries, func(i, j int) bool { return c.Entries[i].BaseCode < c.Entries[j].BaseCode })
	for _, d := range depts {
		c.Departments = append(c.Departments, d)
	}
	if c.Bundles, err = Bundles(); err != nil {
		return nil, err
	}
	sort.Slice(c.Departments, func(i, j int) bool {
		a, b := c.Departments[i], c.Departments[j]
		return a.Region < b.Region || a.Region == b.Region && a.Name < b.Name
	})
	sort.Slice(c.Items, func(i, j int) bool { return c.Items[i].Code < c.Items[j].Code })
	return c, nil
}

// implement makes the item of template t in place p, with the regional
// variation of that place. The variation is deterministic: it depends on
// the region and the base code only.
func implement(t Template, kind deptKind, p place, deptName, level, suffix string) catalog.Item {
	it := cloneItem(t.Item)
	it.Region, it.Department, it.Level = p.code, deptName, level
	org := orgCode(p.code, deptName)
	it.Code = "11" + p.code + org + "B2" + it.BaseCode + suffix
	h := hash(p.code, it.BaseCode+suffix)
	inHall := p.allInHall || p.code == CityRegion && !(it.InHall != nil && !*it.InHall) || h%6 != 0
	if it.InHall != nil && !*it.InHall {
		inHall = false
	}
	it.InHall = catalog.Bool(inHall)
	if inHall {
		it.Location = fmt.Sprintf("%s%s楼%s", p.hall, floor(kind.Key), kind.Window)
	} else {
		it.Location = fmt.Sprintf("%s办公楼一楼%s", deptName, kind.Window)
	}
	it.Hours = Hours
	it.ConsultPhone, it.ComplaintPhone = phones(p, deptName)
	if p.code != CityRegion && t.Flawed == "" {
		varyCounty(&it, p, h)
	}
	return it
}

// phones returns a department's consulting phone in a place and the
// place's supervision and complaint phone (the city's is the 12345 hotline).
func phones(p place, deptName string) (consult, complaint string) {
	const complaintLine = 2345
	n := hash(p.code, deptName) % 10000
	if n == complaintLine {
		n++
	}
	consult = fmt.Sprintf("0915-%s%04d", p.phone, n)
	if p.code == CityRegion {
		return consult, "0915-12345"
	}
	return consult, fmt.Sprintf("0915-%s%04d", p.phone, complaintLine)
}

// varyCounty applies the differences a county's implementation of an item
// realistically has from the city's: more visits where the county has not
// yet reached 最多跑一次, shallower online handling in remote counties, and
// a shorter promise where the county committed to one.
func varyCounty(it *catalog.Item, p place, h uint32) {
	visits := intOr(it.Visits, -1)
	if p.allOneVisit {
		if visits > 1 {
			it.Visits = catalog.Int(1)
			it.VisitReason = ""
		}
	} else if visits == 1 && it.Type == "行政许可" && h%5 == 0 {
		it.Visits = catalog.Int(2)
		it.VisitReason = "县级窗口需现场核验申请材料原件并实地查看，暂无法一次办结"
	}
	if depth := intOr(it.OnlineDepth, -1); depth == 3 && intOr(it.Visits, 0) >= 1 && h%7 == 1 {
		it.OnlineDepth = catalog.Int(2)
	}
	if promised, steps := intOr(it.PromisedDays, -1), stepDays(it); promised > 2 && steps >= 0 && steps < promised && h%4 == 2 {
		it.PromisedDays = catalog.Int(max(steps, promised-2))
	}
}

func stepDays(it *catalog.Item) int {
	sum := 0
	for _, s := range it.Steps {
		if s.Days == nil {
			return -1
		}
		sum += *s.Days
	}
	return sum
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// floor places each department kind on a floor of the hall.
func floor(key string) string {
	floors := []string{"一", "二", "三"}
	return floors[hash("floor", key)%3]
}

func orgCode(region, dept string) string {
	return fmt.Sprintf("%09d", hash(region, dept)%1000000000)
}

// creditCode makes a well-formed-looking 统一社会信用代码 (11 = 机关) for a
// seed department.
func creditCode(region, dept string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	h := hash("credit", region+dept)
	tail := make([]byte, 2)
	for i := range tail {
		tail[i] = alphabet[h%uint32(len(alphabet))]
		h /= uint32(len(alphabet))
	}
	return "11" + region + orgCode(region, dept)[:8] + string(tail)
}

func hash(a, b string) uint32 {
	f := fnv.New32a()
	f.Write([]byte(a))
	f.Write([]byte{0})
	f.Write([]byte(b))
	return f.Sum32()
}

// stripSuffix removes a trailing bracketed business suffix: 食品经营许可（新办）→ 食品经营许可.
func stripSuffix(name string) string {
	for _, open := range []string{"（", "("} {
		if i := strings.LastIndex(name, open); i > 0 && (strings.HasSuffix(name, "）") || strings.HasSuffix(name, ")")) {
			return name[:i]
		}
	}
	return name
}

func cloneItem(it catalog.Item) catalog.Item {
	b, err := json.Marshal(it)
	if err != nil {
		panic(err) // an Item always encodes
	}
	var out catalog.Item
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
