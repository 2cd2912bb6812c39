package catalog

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The field-level difference of two editions of a guide (store.Store.Diff,
// DiffItems). Its cost is linear in the size of the two guides: list
// elements are matched through maps, never each against each, and it stops
// when its context ends.

// Diff is the field-level difference between two editions of an item.
type Diff struct {
	Code string `json:"code"`
	From int    `json:"from"`
	To   int    `json:"to"`
	// Fields are the scalar fields that differ, in interchange order.
	Fields []FieldChange `json:"fields"`
	// Lists are the list fields that differ, in interchange order.
	Lists []ListDiff `json:"lists"`
}

// FieldChange is one field whose value differs: the interchange field
// (or, inside a list element, the element's field), its Chinese label and
// the old and new values. An absent value is null.
type FieldChange struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// ListDiff is the difference of one list field (materials, steps, basis,
// fee items, FAQ, situations, the options of a situation). Elements are
// matched by their key: materials, steps and fee items by name, basis by
// title, FAQ by question, situations and options by id; an element whose
// key appears more than once is matched by occurrence. The options of a
// situation present in both editions are a list of their own,
// "situations[2].options" (the situation's position in the new edition),
// after the situations'.
type ListDiff struct {
	Field   string          `json:"field"`
	Label   string          `json:"label"`
	Added   []ListElement   `json:"added,omitempty"`
	Removed []ListElement   `json:"removed,omitempty"`
	Changed []ElementChange `json:"changed,omitempty"`
	// Reordered reports that elements present in both editions changed
	// their order.
	Reordered bool `json:"reordered,omitempty"`
}

// ListElement is an element added to or removed from a list: its key, its
// position (from 0) in its edition and the whole element.
type ListElement struct {
	Key   string `json:"key"`
	Index int    `json:"index"`
	Value any    `json:"value"`
}

// ElementChange is an element present in both editions whose fields
// differ.
type ElementChange struct {
	Key      string        `json:"key"`
	OldIndex int           `json:"old_index"`
	NewIndex int           `json:"new_index"`
	Fields   []FieldChange `json:"fields"`
}

// DiffItems compares two guides field by field (see Diff); the result's
// code and edition numbers are left for the caller.
func DiffItems(from, to *Item) *Diff {
	d, _ := DiffItemsContext(context.Background(), from, to)
	return d
}

// DiffItemsContext is DiffItems that gives up, returning the context's
// error, when ctx ends.
func DiffItemsContext(ctx context.Context, from, to *Item) (*Diff, error) {
	return diffItems(&diffRun{ctx: ctx}, from, to)
}

// diffRun is one comparison of two guides: its context and, for tests,
// how many element comparisons it made.
type diffRun struct {
	ctx context.Context
	// steps counts the comparisons of list elements: an element's key or
	// content looked up in a map, or two elements compared field by field.
	steps int
	err   error
}

// diffCheckEvery is how many list elements are compared between two
// checks of the context.
const diffCheckEvery = 256

// step counts one comparison and reports whether to go on: false once the
// context has ended.
func (r *diffRun) step() bool {
	r.steps++
	if r.err == nil && r.steps%diffCheckEvery == 0 {
		r.err = r.ctx.Err()
	}
	return r.err == nil
}

func diffItems(r *diffRun, from, to *Item) (*Diff, error) {
	if from == nil {
		from = &Item{}
	}
	if to == nil {
		to = &Item{}
	}
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	d := &Diff{Fields: []FieldChange{}, Lists: []ListDiff{}}
	for _, f := range scalarFields {
		o, n := f.get(from), f.get(to)
		if !reflect.DeepEqual(o, n) {
			d.Fields = append(d.Fields, FieldChange{Field: f.field, Label: Label(f.field), Old: o, New: n})
		}
	}
	lists := []func() *ListDiff{
		func() *ListDiff {
			return diffList(r, "basis", from.Basis, to.Basis, func(b Basis) string { return b.Title }, basisValues)
		},
		func() *ListDiff {
			return diffList(r, "materials", from.Materials, to.Materials, func(m Material) string { return m.Name }, materialValues)
		},
		func() *ListDiff {
			return diffList(r, "steps", from.Steps, to.Steps, func(s Step) string { return s.Name }, stepValues)
		},
		func() *ListDiff {
			return diffList(r, "fee.items", feeItems(from), feeItems(to), func(f FeeItem) string { return f.Name }, feeItemValues)
		},
		func() *ListDiff {
			return diffList(r, "faq", from.FAQ, to.FAQ, func(f FAQ) string { return f.Q }, faqValues)
		},
	}
	for _, list := range lists {
		l := list()
		if r.err != nil {
			return nil, r.err
		}
		if l != nil {
			d.Lists = append(d.Lists, *l)
		}
	}
	// Situations, then the options of each situation in both editions.
	l, pair := diffListPairs(r, "situations", from.Situations, to.Situations, situationKey, situationValues)
	if r.err != nil {
		return nil, r.err
	}
	if l != nil {
		d.Lists = append(d.Lists, *l)
	}
	for j, i := range pair {
		if i < 0 {
			continue
		}
		l := diffList(r, elemPath("situations", j, "options"), from.Situations[i].Options, to.Situations[j].Options, optionKey, optionValues)
		if r.err != nil {
			return nil, r.err
		}
		if l != nil {
			d.Lists = append(d.Lists, *l)
		}
	}
	return d, nil
}

// scalarField reads one scalar field of a guide as a comparable value:
// nil when absent, else a string, int, bool or []string.
type scalarField struct {
	field string
	get   func(*Item) any
}

// scalarFields are the fields compared as a whole, in interchange order.
var scalarFields = []scalarField{
	{"code", func(it *Item) any { return str(it.Code) }},
	{"base_code", func(it *Item) any { return str(it.BaseCode) }},
	{"name", func(it *Item) any { return str(it.Name) }},
	{"type", func(it *Item) any { return str(it.Type) }},
	{"level", func(it *Item) any { return str(it.Level) }},
	{"region", func(it *Item) any { return str(it.Region) }},
	{"department", func(it *Item) any { return str(it.Department) }},
	{"audience", func(it *Item) any { return strs(it.Audience) }},
	{"themes", func(it *Item) any { return strs(it.Themes) }},
	{"conditions", func(it *Item) any { return str(it.Conditions) }},
	{"legal_days", func(it *Item) any { return num(it.LegalDays) }},
	{"promised_days", func(it *Item) any { return num(it.PromisedDays) }},
	{"handling", func(it *Item) any { return str(it.Handling) }},
	{"visits", func(it *Item) any { return num(it.Visits) }},
	{"visit_reason", func(it *Item) any { return str(it.VisitReason) }},
	{"online_depth", func(it *Item) any { return num(it.OnlineDepth) }},
	{"online_url", func(it *Item) any { return str(it.OnlineURL) }},
	{"in_hall", func(it *Item) any { return flag(it.InHall) }},
	{"nearby", func(it *Item) any { return flag(it.Nearby) }},
	{"express", func(it *Item) any { return flag(it.Express) }},
	{"appointment", func(it *Item) any { return flag(it.Appointment) }},
	{"online_payment", func(it *Item) any { return flag(it.OnlinePayment) }},
	{"cross_province", func(it *Item) any { return flag(it.CrossProvince) }},
	{"commitment", func(it *Item) any { return flag(it.Commitment) }},
	{"scope", func(it *Item) any { return str(it.Scope) }},
	{"fee.charged", func(it *Item) any {
		if it.Fee == nil {
			return nil
		}
		return it.Fee.Charged
	}},
	{"result.name", func(it *Item) any { return resultPart(it, func(r *Result) string { return r.Name }) }},
	{"result.type", func(it *Item) any { return resultPart(it, func(r *Result) string { return r.Type }) }},
	{"result.sample", func(it *Item) any { return resultPart(it, func(r *Result) string { return r.Sample }) }},
	{"location", func(it *Item) any { return str(it.Location) }},
	{"hours", func(it *Item) any { return str(it.Hours) }},
	{"consult_phone", func(it *Item) any { return str(it.ConsultPhone) }},
	{"complaint_phone", func(it *Item) any { return str(it.ComplaintPhone) }},
	{"ask_phrases", func(it *Item) any { return strs(it.AskPhrases) }},
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func strs(s []string) any {
	if len(s) == 0 {
		return nil
	}
	return s
}

func num(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func flag(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func resultPart(it *Item, get func(*Result) string) any {
	if it.Result == nil {
		return nil
	}
	return str(get(it.Result))
}

func feeItems(it *Item) []FeeItem {
	if it.Fee == nil {
		return nil
	}
	return it.Fee.Items
}

// subValue is one field of a list element.
type subValue struct {
	field string
	value any
}

func basisValues(b Basis) []subValue {
	return []subValue{{"title", str(b.Title)}, {"clause", str(b.Clause)}, {"text", str(b.Text)}}
}

func materialValues(m Material) []subValue {
	return []subValue{{"name", str(m.Name)}, {"required", str(m.Required)}, {"form", str(m.Form)},
		{"copies", num(m.Copies)}, {"source", str(m.Source)}, {"notes", str(m.Notes)}}
}

func stepValues(s Step) []subValue {
	return []subValue{{"name", str(s.Name)}, {"description", str(s.Description)}, {"days", num(s.Days)}}
}

func feeItemValues(f FeeItem) []subValue {
	return []subValue{{"name", str(f.Name)}, {"standard", str(f.Standard)}, {"basis", str(f.Basis)}}
}

func faqValues(f FAQ) []subValue {
	return []subValue{{"q", str(f.Q)}, {"a", str(f.A)}}
}

func situationKey(s Situation) string { return s.ID }

// situationValues are a situation's own fields; its options are compared
// as a list of their own.
func situationValues(s Situation) []subValue {
	return []subValue{{"id", str(s.ID)}, {"question", str(s.Question)}, {"multiple", s.Multiple}}
}

func optionKey(o Option) string { return o.ID }

// optionValues are an option's fields, its fee as whether it is charged
// and its items, and its fee items and steps each as one text.
func optionValues(o Option) []subValue {
	var charged any
	var items, steps []string
	if o.Fee != nil {
		charged = o.Fee.Charged
		for _, f := range o.Fee.Items {
			items = append(items, feeItemText(f))
		}
	}
	for _, s := range o.Steps {
		steps = append(steps, stepText(s))
	}
	return []subValue{{"id", str(o.ID)}, {"label", str(o.Label)}, {"add", strs(o.Add)}, {"remove", strs(o.Remove)},
		{"note", str(o.Note)}, {"promised_days", num(o.PromisedDays)}, {"visits", num(o.Visits)},
		{"online_depth", num(o.OnlineDepth)}, {"fee.charged", charged}, {"fee.items", strs(items)}, {"steps", strs(steps)}}
}

// feeItemText writes a fee item as one text: its name, standard and basis.
func feeItemText(f FeeItem) string {
	t := f.Name
	if f.Standard != "" {
		t = fmt.Sprintf(msgDiffPart, t, f.Standard)
	}
	if f.Basis != "" {
		t = fmt.Sprintf(msgDiffBasis, t, f.Basis)
	}
	return t
}

// stepText writes a step as one text: its name, description and days.
func stepText(s Step) string {
	t := s.Name
	if s.Description != "" {
		t = fmt.Sprintf(msgDiffPart, t, s.Description)
	}
	if s.Days != nil {
		t = fmt.Sprintf(msgDiffDays, t, *s.Days)
	}
	return t
}

// subChanges lists the fields in which two list elements differ.
func subChanges(o, n []subValue) []FieldChange {
	var out []FieldChange
	for i := range o {
		if !sameValue(o[i].value, n[i].value) {
			out = append(out, FieldChange{Field: o[i].field, Label: SubLabel(o[i].field), Old: o[i].value, New: n[i].value})
		}
	}
	return out
}

// sameValue compares two values of list elements' fields: nil, strings,
// ints, booleans or lists of strings.
func sameValue(a, b any) bool {
	if x, ok := a.([]string); ok {
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	}
	if _, ok := b.([]string); ok {
		return false
	}
	return a == b
}

// identity returns a text that two elements' values share exactly when
// they are equal.
func identity(vs []subValue) string {
	var b strings.Builder
	for _, v := range vs {
		switch x := v.value.(type) {
		case nil:
			b.WriteByte(0)
		case string:
			b.WriteByte(1)
			b.WriteString(strconv.Itoa(len(x)))
			b.WriteByte(':')
			b.WriteString(x)
		case int:
			b.WriteByte(2)
			b.WriteString(strconv.Itoa(x))
			b.WriteByte(';')
		case bool:
			b.WriteByte(3)
			b.WriteString(strconv.FormatBool(x))
		case []string:
			b.WriteByte(4)
			b.WriteString(strconv.Itoa(len(x)))
			b.WriteByte(':')
			for _, s := range x {
				b.WriteString(strconv.Itoa(len(s)))
				b.WriteByte(':')
				b.WriteString(s)
			}
		}
	}
	return b.String()
}

// diffList compares a list field of two guides, or returns nil when the
// lists are the same (or the run's context ended). Identical elements are
// paired first, then the remaining ones by key in order of occurrence,
// then what is left at the same position (an element edited in place,
// renamed too); what is left after that is removed from the old list or
// added to the new one. Each pass looks elements up in a map: the work is
// linear in the size of the lists.
func diffList[T any](r *diffRun, field string, from, to []T, key func(T) string, values func(T) []subValue) *ListDiff {
	ld, _ := diffListPairs(r, field, from, to, key, values)
	return ld
}

// diffListPairs is diffList that also returns how it paired the elements:
// by new index, the old one, or -1 for an element added (nil when the
// run's context ended).
func diffListPairs[T any](r *diffRun, field string, from, to []T, key func(T) string, values func(T) []subValue) (*ListDiff, []int) {
	ov := make([][]subValue, len(from))
	for i, e := range from {
		ov[i] = values(e)
	}
	nv := make([][]subValue, len(to))
	for j, e := range to {
		nv[j] = values(e)
	}
	pair := make([]int, len(to)) // new index → old index, -1 when unpaired
	used := make([]bool, len(from))

	// Identical elements, each new one with the first unused identical old
	// one. unpaired queues the old indexes of each content, in order.
	unpaired := make(map[string][]int, len(from))
	for i := range from {
		if !r.step() {
			return nil, nil
		}
		id := identity(ov[i])
		unpaired[id] = append(unpaired[id], i)
	}
	for j := range to {
		pair[j] = -1
		if !r.step() {
			return nil, nil
		}
		id := identity(nv[j])
		if q := unpaired[id]; len(q) > 0 {
			pair[j], used[q[0]] = q[0], true
			unpaired[id] = q[1:]
		}
	}
	// Then by key: each new element left with the first unused old one of
	// its key.
	byKey := make(map[string][]int)
	for i := range from {
		if !used[i] {
			if !r.step() {
				return nil, nil
			}
			k := key(from[i])
			byKey[k] = append(byKey[k], i)
		}
	}
	for j := range to {
		if pair[j] >= 0 || len(byKey) == 0 {
			continue
		}
		if !r.step() {
			return nil, nil
		}
		k := key(to[j])
		if q := byKey[k]; len(q) > 0 {
			pair[j], used[q[0]] = q[0], true
			byKey[k] = q[1:]
		}
	}
	// An element edited in place, name included, is a change, not a removal
	// and an addition: pair what is left at the same position.
	for j := range to {
		if pair[j] < 0 && j < len(from) && !used[j] {
			pair[j], used[j] = j, true
		}
	}
	ld := &ListDiff{Field: field, Label: Label(field)}
	last := -1
	for j := range to {
		i := pair[j]
		if i < 0 {
			ld.Added = append(ld.Added, ListElement{Key: key(to[j]), Index: j, Value: to[j]})
			continue
		}
		if i < last {
			ld.Reordered = true
		}
		last = i
		if !r.step() {
			return nil, nil
		}
		if fs := subChanges(ov[i], nv[j]); len(fs) > 0 {
			ld.Changed = append(ld.Changed, ElementChange{Key: key(to[j]), OldIndex: i, NewIndex: j, Fields: fs})
		}
	}
	for i := range from {
		if !used[i] {
			ld.Removed = append(ld.Removed, ListElement{Key: key(from[i]), Index: i, Value: from[i]})
		}
	}
	if len(ld.Added)+len(ld.Removed)+len(ld.Changed) == 0 && !ld.Reordered {
		return nil, pair
	}
	return ld, pair
}
