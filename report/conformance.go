package report

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"zhinan/catalog"
	"zhinan/store"
)

// 三级四同 conformance (docs/contract.md#catalogue-entries): the items of every region that implement
// one catalogue entry should share its name, type and basis, and the
// province wants their materials, conditions and time limits identical.
// The report says where they are not; nothing is enforced.

// Conformance is a 三级四同 conformance report over the published items of
// a region and its descendants (all regions when Region is "").
type Conformance struct {
	Region  string             `json:"region,omitempty"`
	Summary ConformanceSummary `json:"summary"`
	// Deviations are the entries with at least one item whose name, type
	// or basis differs from the entry's, by base code.
	Deviations []EntryDeviations `json:"deviations"`
	// Unimplemented are the catalogue entries with no published item in
	// the region (see BuildConformance for which entries count).
	Unimplemented []EntryRef `json:"unimplemented"`
	// Orphans are the items whose base code has no catalogue entry, by
	// base code and code.
	Orphans []ItemRef `json:"orphans"`
	// Variances are the implementations of one entry in two or more
	// regions whose materials, conditions or time limits differ.
	Variances []Variance `json:"variances"`
}

// ConformanceSummary counts a conformance report.
type ConformanceSummary struct {
	Entries       int `json:"entries"`       // catalogue entries
	Items         int `json:"items"`         // published items in the region
	Conforming    int `json:"conforming"`    // items matching their entry
	Deviating     int `json:"deviating"`     // items with an entry whose name, type or basis differ
	NameDiffers   int `json:"name_differs"`  // items whose name differs
	TypeDiffers   int `json:"type_differs"`  // items whose type differs
	BasisDiffers  int `json:"basis_differs"` // items whose basis differs
	Unimplemented int `json:"unimplemented"` // entries with no item
	Orphans       int `json:"orphans"`       // items with no entry
	Varying       int `json:"varying"`       // implementations with a variance between regions
}

// EntryRef names a catalogue entry.
type EntryRef struct {
	BaseCode string   `json:"base_code"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Levels   []string `json:"levels,omitempty"`
}

// ItemRef names a published item and where it is implemented.
type ItemRef struct {
	Code       string `json:"code"`
	BaseCode   string `json:"base_code"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	Department string `json:"department"`
}

// EntryDeviations is one catalogue entry and its items that deviate from
// it, by code.
type EntryDeviations struct {
	Entry EntryRef    `json:"entry"`
	Items []Deviation `json:"items"`
}

// Deviation is one item that differs from its catalogue entry.
type Deviation struct {
	ItemRef
	Differences []Difference `json:"differences"` // in the order name, type, basis
}

// Difference is one field in which an item differs from its entry: the
// item's value against the entry's. Basis values list the legal bases as
// title and clause (《…》第十二条) joined by "；"; Missing and Extra say
// which of the entry's bases the item lacks and which it adds.
type Difference struct {
	Field   string   `json:"field"` // name, type or basis
	Label   string   `json:"label"` // the field's Chinese name
	Item    string   `json:"item"`
	Entry   string   `json:"entry"`
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
}

// Variance is one catalogue entry as implemented under one name (the entry
// itself or one of its 业务办理项) in two or more regions, with the fields
// whose values differ between the regions.
type Variance struct {
	BaseCode string          `json:"base_code"`
	Name     string          `json:"name"`
	Regions  int             `json:"regions"` // regions implementing it
	Fields   []FieldVariance `json:"fields"`  // in VarianceFields order
}

// FieldVariance is one field's distinct values among the regions, the most
// common (the norm) first.
type FieldVariance struct {
	Field  string         `json:"field"`
	Label  string         `json:"label"`
	Values []VariantValue `json:"values"`
}

// VariantValue is one value of a field and the regions whose items use it.
// Value is "" when the field is absent; materials are the set of material
// names, sorted and joined by "；".
type VariantValue struct {
	Value   string      `json:"value"`
	Norm    bool        `json:"norm"` // the most common value
	Regions []RegionRef `json:"regions"`
}

// RegionRef names a region.
type RegionRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// VarianceFields are the fields the variance view compares between
// regions, in report order.
var VarianceFields = []string{"materials", "conditions", "legal_days", "promised_days"}

// Conformance field ids (Difference.Field).
const (
	FieldName  = "name"
	FieldType  = "type"
	FieldBasis = "basis"
)

// BuildConformance computes the 三级四同 conformance report over the
// published items of region and its descendants (region "" = all; an
// unknown region is ErrUnknownRegion).
//
// An item conforms when its type equals its entry's, its set of legal bases
// (title and clause, white space ignored, order and repetition irrelevant)
// equals its entry's, and its name is the entry's name or the entry's name
// followed by one bracketed suffix — （变更） or (变更) — as 业务办理项 are
// named. An entry without basis has nothing to compare the items' basis
// with and is not judged on it.
//
// An entry is unimplemented when no published item in the region carries
// its base code and, if the entry lists levels, one of them is the level of
// a region within the region (a county report does not list city-only
// entries).
//
// The variance view groups the items of one entry by their name (so the
// 业务办理项 （新办） and （注销） are compared each with its own kind; an
// item whose name does not conform is compared with the entry's own name)
// and, for each group implemented in two or more regions, lists the
// fields of VarianceFields with more than one value.
//
// Items are streamed; the report keeps the entries, the deviating items
// and, per group and field, each distinct value once with its regions.
func BuildConformance(ctx context.Context, st *store.Store, region string) (*Conformance, error) {
	t, err := loadTree(ctx, st, region)
	if err != nil {
		return nil, err
	}
	entries, err := st.Entries(ctx)
	if err != nil {
		return nil, err
	}
	b := &conformanceBuilder{
		tree:    t,
		entries: make(map[string]*entryState, len(entries)),
		groups:  map[groupKey]*varGroup{},
		rep:     &Conformance{Region: region},
	}
	for _, e := range entries {
		b.entries[e.BaseCode] = &entryState{entry: e, basis: basisSet(e.Basis)}
	}
	b.rep.Summary.Entries = len(entries)
	if err := eachInScope(ctx, st, t, region, func(p *catalog.Published) error {
		b.add(&p.Item)
		return nil
	}); err != nil {
		return nil, err
	}
	b.finish(region)
	return b.rep, nil
}

// entryState is a catalogue entry, its basis as a set, and its deviating
// items.
type entryState struct {
	entry   catalog.Entry
	basis   map[string]string // key → display
	items   int
	deviate []Deviation
}

// groupKey is one implementation kind of an entry: its base code and the
// item name.
type groupKey struct{ baseCode, name string }

// varGroup collects, for one implementation kind, the regions and the
// distinct values of each variance field.
type varGroup struct {
	regions map[string]bool
	fields  [4]map[string]*varValue // VarianceFields order; key → value
}

type varValue struct {
	display string
	regions map[string]bool
}

type conformanceBuilder struct {
	tree    *tree
	entries map[string]*entryState
	groups  map[groupKey]*varGroup
	rep     *Conformance
}

func (b *conformanceBuilder) ref(it *catalog.Item) ItemRef {
	return ItemRef{Code: it.Code, BaseCode: it.BaseCode, Name: it.Name, Type: it.Type,
		Region: it.Region, RegionName: b.tree.by[it.Region].Name, Department: it.Department}
}

// add compares one published item with its entry and records its values
// for the variance view.
func (b *conformanceBuilder) add(it *catalog.Item) {
	s := &b.rep.Summary
	s.Items++
	es, ok := b.entries[it.BaseCode]
	if !ok {
		s.Orphans++
		b.rep.Orphans = append(b.rep.Orphans, b.ref(it))
		return
	}
	es.items++
	e := &es.entry
	var diffs []Difference
	nameOK := ConformantName(it.Name, e.Name)
	if !nameOK {
		s.NameDiffers++
		diffs = append(diffs, Difference{Field: FieldName, Label: catalog.Label(FieldName), Item: it.Name, Entry: e.Name})
	}
	if strings.TrimSpace(it.Type) != strings.TrimSpace(e.Type) {
		s.TypeDiffers++
		diffs = append(diffs, Difference{Field: FieldType, Label: catalog.Label(FieldType), Item: it.Type, Entry: e.Type})
	}
	if len(es.basis) > 0 {
		if d, differs := compareBasis(basisSet(it.Basis), es.basis); differs {
			s.BasisDiffers++
			diffs = append(diffs, d)
		}
	}
	if len(diffs) > 0 {
		s.Deviating++
		es.deviate = append(es.deviate, Deviation{ItemRef: b.ref(it), Differences: diffs})
	} else {
		s.Conforming++
	}

	name := strings.TrimSpace(it.Name)
	if !nameOK {
		name = strings.TrimSpace(e.Name)
	}
	k := groupKey{it.BaseCode, name}
	g := b.groups[k]
	if g == nil {
		g = &varGroup{regions: map[string]bool{}}
		for i := range g.fields {
			g.fields[i] = map[string]*varValue{}
		}
		b.groups[k] = g
	}
	g.regions[it.Region] = true
	for i, f := range VarianceFields {
		key, display := varianceValue(it, f)
		v := g.fields[i][key]
		if v == nil {
			v = &varValue{display: display, regions: map[string]bool{}}
			g.fields[i][key] = v
		}
		v.regions[it.Region] = true
	}
}

// finish orders the report's lists and builds the variance view.
func (b *conformanceBuilder) finish(region string) {
	rep := b.rep
	scopeLevels := map[string]bool{}
	if region != "" {
		for _, code := range b.tree.descendants(region) {
			if l := b.tree.by[code].Level; l != "" {
				scopeLevels[l+levelSuffix] = true
			}
		}
	}
	codes := make([]string, 0, len(b.entries))
	for c := range b.entries {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		es := b.entries[c]
		ref := EntryRef{BaseCode: es.entry.BaseCode, Name: es.entry.Name, Type: es.entry.Type, Levels: es.entry.Levels}
		if len(es.deviate) > 0 {
			sort.Slice(es.deviate, func(i, j int) bool { return es.deviate[i].Code < es.deviate[j].Code })
			rep.Deviations = append(rep.Deviations, EntryDeviations{Entry: ref, Items: es.deviate})
		}
		if es.items == 0 && (region == "" || levelsInScope(es.entry.Levels, scopeLevels)) {
			rep.Unimplemented = append(rep.Unimplemented, ref)
		}
	}
	rep.Summary.Unimplemented = len(rep.Unimplemented)
	sort.Slice(rep.Orphans, func(i, j int) bool {
		a, c := rep.Orphans[i], rep.Orphans[j]
		return a.BaseCode < c.BaseCode || a.BaseCode == c.BaseCode && a.Code < c.Code
	})

	keys := make([]groupKey, 0, len(b.groups))
	for k, g := range b.groups {
		if len(g.regions) >= 2 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].baseCode < keys[j].baseCode || keys[i].baseCode == keys[j].baseCode && keys[i].name < keys[j].name
	})
	for _, k := range keys {
		g := b.groups[k]
		v := Variance{BaseCode: k.baseCode, Name: k.name, Regions: len(g.regions)}
		for i, f := range VarianceFields {
			if len(g.fields[i]) < 2 {
				continue
			}
			v.Fields = append(v.Fields, FieldVariance{Field: f, Label: catalog.Label(f), Values: b.values(g.fields[i])})
		}
		if len(v.Fields) > 0 {
			rep.Variances = append(rep.Variances, v)
		}
	}
	rep.Summary.Varying = len(rep.Variances)

	if rep.Deviations == nil {
		rep.Deviations = []EntryDeviations{}
	}
	if rep.Unimplemented == nil {
		rep.Unimplemented = []EntryRef{}
	}
	if rep.Orphans == nil {
		rep.Orphans = []ItemRef{}
	}
	if rep.Variances == nil {
		rep.Variances = []Variance{}
	}
}

// values orders a field's distinct values: used by the most regions first;
// on a tie, the value used by the lowest region code (the city before its
// counties) first. The first is the norm.
func (b *conformanceBuilder) values(m map[string]*varValue) []VariantValue {
	out := make([]VariantValue, 0, len(m))
	for _, v := range m {
		codes := make([]string, 0, len(v.regions))
		for c := range v.regions {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		vv := VariantValue{Value: v.display, Regions: make([]RegionRef, len(codes))}
		for i, c := range codes {
			vv.Regions[i] = RegionRef{Code: c, Name: b.tree.by[c].Name}
		}
		out = append(out, vv)
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if len(a.Regions) != len(c.Regions) {
			return len(a.Regions) > len(c.Regions)
		}
		if a.Regions[0].Code != c.Regions[0].Code {
			return a.Regions[0].Code < c.Regions[0].Code
		}
		return a.Value < c.Value
	})
	out[0].Norm = true
	return out
}

// levelSuffix turns a region level (市) into an item level (市级).
const levelSuffix = "级"

// levelsInScope reports whether an entry with the given levels is expected
// in a scope whose regions have the given item levels: an entry without
// levels always is.
func levelsInScope(levels []string, scope map[string]bool) bool {
	if len(levels) == 0 {
		return true
	}
	for _, l := range levels {
		if scope[l] {
			return true
		}
	}
	return false
}

// ConformantName reports whether an item name conforms to its entry's name:
// equal to it, or the entry's name followed by one bracketed suffix such as
// （变更） or (注销), full-width or ASCII brackets, the suffix not empty and
// holding no bracket. Leading and trailing white space is ignored.
func ConformantName(item, entry string) bool {
	item, entry = strings.TrimSpace(item), strings.TrimSpace(entry)
	if item == entry {
		return true
	}
	rest, ok := strings.CutPrefix(item, entry)
	if !ok || entry == "" {
		return false
	}
	var open string
	switch {
	case strings.HasPrefix(rest, "（"):
		open = "（"
	case strings.HasPrefix(rest, "("):
		open = "("
	default:
		return false
	}
	inner := rest[len(open):]
	switch {
	case strings.HasSuffix(inner, "）"):
		inner = strings.TrimSuffix(inner, "）")
	case strings.HasSuffix(inner, ")"):
		inner = strings.TrimSuffix(inner, ")")
	default:
		return false
	}
	return strings.TrimSpace(inner) != "" && !strings.ContainsAny(inner, "（）()")
}

// squeeze removes all white space.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// basisSet returns the legal bases as a set: key (title and clause without
// white space) → display (title followed by clause).
func basisSet(bs []catalog.Basis) map[string]string {
	out := make(map[string]string, len(bs))
	for _, b := range bs {
		t, c := squeeze(b.Title), squeeze(b.Clause)
		if t == "" && c == "" {
			continue
		}
		out[t+"\x00"+c] = strings.TrimSpace(b.Title) + strings.TrimSpace(b.Clause)
	}
	return out
}

// compareBasis compares an item's basis set with its entry's.
func compareBasis(item, entry map[string]string) (Difference, bool) {
	var missing, extra []string
	for k, v := range entry {
		if _, ok := item[k]; !ok {
			missing = append(missing, v)
		}
	}
	for k, v := range item {
		if _, ok := entry[k]; !ok {
			extra = append(extra, v)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return Difference{}, false
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return Difference{Field: FieldBasis, Label: catalog.Label(FieldBasis),
		Item: joinSet(item), Entry: joinSet(entry), Missing: missing, Extra: extra}, true
}

// joinSet returns the displays of a set, sorted and joined by "；".
func joinSet(m map[string]string) string {
	vals := make([]string, 0, len(m))
	for _, v := range m {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	return strings.Join(vals, catalog.ListSep2)
}

// varianceValue returns an item's value of a variance field: a key to
// compare by and what to show. An absent value is "".
func varianceValue(it *catalog.Item, field string) (key, display string) {
	switch field {
	case "materials":
		seen := map[string]bool{}
		var names []string
		for _, m := range it.Materials {
			n := strings.TrimSpace(m.Name)
			if k := squeeze(n); k != "" && !seen[k] {
				seen[k] = true
				names = append(names, n)
			}
		}
		sort.Slice(names, func(i, j int) bool { return squeeze(names[i]) < squeeze(names[j]) })
		keys := make([]string, len(names))
		for i, n := range names {
			keys[i] = squeeze(n)
		}
		return strings.Join(keys, "\x00"), strings.Join(names, catalog.ListSep2)
	case "conditions":
		return squeeze(it.Conditions), strings.Join(strings.Fields(it.Conditions), " ")
	case "legal_days":
		return optInt(it.LegalDays), optInt(it.LegalDays)
	case "promised_days":
		return optInt(it.PromisedDays), optInt(it.PromisedDays)
	}
	return "", ""
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// loadTree loads the region tree and checks the region asked for ("" =
// all).
func loadTree(ctx context.Context, st *store.Store, region string) (*tree, error) {
	regions, err := st.Regions(ctx)
	if err != nil {
		return nil, err
	}
	t := newTree(regions)
	if region != "" {
		if _, ok := t.by[region]; !ok {
			return nil, ErrUnknownRegion
		}
	}
	return t, nil
}

// eachInScope streams the published items of region and its descendants
// (all items when region is ""), one region at a time, so that no guide
// outside the region is read.
func eachInScope(ctx context.Context, st *store.Store, t *tree, region string, fn func(*catalog.Published) error) error {
	if region == "" {
		return st.EachPublished(ctx, catalog.ExportFilter{}, fn)
	}
	for _, code := range t.descendants(region) {
		if err := st.EachPublished(ctx, catalog.ExportFilter{Region: code}, fn); err != nil {
			return err
		}
	}
	return nil
}

// Tables returns the report as tables: 不一致事项 (one row per differing
// field of an item), 无实施事项的目录, 无目录的事项 and 区县差异 (one row per
// distinct value of a varying field).
func (c *Conformance) Tables() []Table {
	col := func(id, kind string) Column { return Column{ID: id, Label: conformanceLabels[id], Kind: kind} }

	dev := Table{Name: tableDeviations, Columns: []Column{
		col("base_code", KindText), col("entry_name", KindText), col("code", KindText), col("name", KindText),
		col("region", KindText), col("region_name", KindText), col("department", KindText),
		col("field", KindText), col("item_value", KindText), col("entry_value", KindText),
		col("missing", KindText), col("extra", KindText),
	}, Rows: [][]any{}}
	for _, ed := range c.Deviations {
		for _, d := range ed.Items {
			for _, diff := range d.Differences {
				dev.Rows = append(dev.Rows, []any{ed.Entry.BaseCode, ed.Entry.Name, d.Code, d.Name,
					d.Region, d.RegionName, d.Department, diff.Label, diff.Item, diff.Entry,
					strings.Join(diff.Missing, catalog.ListSep2), strings.Join(diff.Extra, catalog.ListSep2)})
			}
		}
	}

	unimpl := Table{Name: tableUnimplemented, Columns: []Column{
		col("base_code", KindText), col("entry_name", KindText), col("type", KindText), col("levels", KindText),
	}, Rows: [][]any{}}
	for _, e := range c.Unimplemented {
		unimpl.Rows = append(unimpl.Rows, []any{e.BaseCode, e.Name, e.Type, strings.Join(e.Levels, catalog.ListSep)})
	}

	orphans := Table{Name: tableOrphans, Columns: []Column{
		col("code", KindText), col("base_code", KindText), col("name", KindText), col("type", KindText),
		col("region", KindText), col("region_name", KindText), col("department", KindText),
	}, Rows: [][]any{}}
	for _, o := range c.Orphans {
		orphans.Rows = append(orphans.Rows, []any{o.Code, o.BaseCode, o.Name, o.Type, o.Region, o.RegionName, o.Department})
	}

	vari := Table{Name: tableVariances, Columns: []Column{
		col("base_code", KindText), col("name", KindText), col("regions", KindInt), col("variance_field", KindText),
		col("value", KindText), col("norm", KindBool), col("value_regions", KindInt), col("region_names", KindText),
	}, Rows: [][]any{}}
	for _, v := range c.Variances {
		for _, f := range v.Fields {
			for _, val := range f.Values {
				names := make([]string, len(val.Regions))
				for i, r := range val.Regions {
					names[i] = r.Name
				}
				shown := val.Value
				if shown == "" {
					shown = labelAbsentValue
				}
				vari.Rows = append(vari.Rows, []any{v.BaseCode, v.Name, v.Regions, f.Label, shown, val.Norm,
					len(val.Regions), strings.Join(names, catalog.ListSep)})
			}
		}
	}
	return []Table{dev, unimpl, orphans, vari}
}
