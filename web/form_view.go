package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"zhinan/catalog"
)

// The edit form as the templates draw it: sections of fields and
// repeatable rows, each field with its label, value, choices, and the
// errors and warnings about it, linked for assistive technology.

// option is one choice of a select or a checkbox group.
type option struct {
	Value, Label string
	Selected     bool
}

// formField is one control of the form.
type formField struct {
	Name, ID, Label string
	// Kind is text, number, textarea, select or checks.
	Kind      string
	Value     string
	Options   []option
	Hint      string
	Errors    []string
	Warnings  []string
	ReadOnly  bool
	Required  bool
	Autofocus bool
}

// HintID, ErrorID and WarningID name the texts that describe the field.
func (f formField) HintID() string    { return f.ID + "-hint" }
func (f formField) ErrorID() string   { return f.ID + "-err" }
func (f formField) WarningID() string { return f.ID + "-warn" }

// DescribedBy is the field's aria-describedby: its hint, errors and
// warnings.
func (f formField) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.HintID())
	}
	if len(f.Errors) > 0 {
		ids = append(ids, f.ErrorID())
	}
	if len(f.Warnings) > 0 {
		ids = append(ids, f.WarningID())
	}
	return strings.Join(ids, " ")
}

// rowView is one row of a repeatable list, drawn as a fieldset.
type rowView struct {
	Legend string
	Fields []formField
	Blank  bool
}

// listView is a repeatable list with its "add a row" button.
type listView struct {
	Key, ID, Title, AddLabel string
	Rows                     []rowView
	Errors, Warnings         []string
}

// ErrorID and WarningID name the list-level messages.
func (l listView) ErrorID() string   { return l.ID + "-err" }
func (l listView) WarningID() string { return l.ID + "-warn" }

// DescribedBy links the list's fieldset group to its messages.
func (l listView) DescribedBy() string {
	var ids []string
	if len(l.Errors) > 0 {
		ids = append(ids, l.ErrorID())
	}
	if len(l.Warnings) > 0 {
		ids = append(ids, l.WarningID())
	}
	return strings.Join(ids, " ")
}

// sectionView is one titled part of the form.
type sectionView struct {
	ID, Title string
	Fields    []formField
	List      *listView
}

// issue is a line of the error or warning summary, linking to its field.
type issue struct {
	Label, Message, Anchor string
}

// formView is the whole form.
type formView struct {
	Sections []sectionView
}

// formOpts say how to draw a form.
type formOpts struct {
	codeEditable bool // a new item: the code is typed
	scopeFixed   bool // region and department are the editor's own
	regions      []catalog.Region
	errs         []catalog.FieldError
	warns        []catalog.Finding
	extra        map[string]int // blank rows to draw per list (at least one)
	focus        string         // the list whose last blank row takes the focus
}

// formBuilder draws a guideForm.
type formBuilder struct {
	f     *guideForm
	o     formOpts
	errs  map[string][]string
	warns map[string][]string
	ids   map[string]string // path → id of its control
}

// anchorPath is the path of the control a message about path is shown
// at: list elements of audience, themes and ask phrases at their group,
// the fee and result at their first field.
func anchorPath(path string) string {
	switch path {
	case "fee":
		return "fee.charged"
	case "result":
		return "result.name"
	}
	for _, group := range []string{formAudience, formThemes, formAskPhrases} {
		if strings.HasPrefix(path, group+"[") {
			return group
		}
	}
	return path
}

// fieldID is the HTML id of a control named name.
func fieldID(name string) string { return "f-" + strings.ReplaceAll(name, ".", "-") }

func newFormBuilder(f *guideForm, o formOpts) *formBuilder {
	b := &formBuilder{f: f, o: o, errs: map[string][]string{}, warns: map[string][]string{}, ids: map[string]string{}}
	for _, e := range o.errs {
		p := anchorPath(e.Field)
		b.errs[p] = append(b.errs[p], e.Message)
	}
	for _, w := range o.warns {
		p := anchorPath(w.Field)
		b.warns[p] = append(b.warns[p], w.Message)
	}
	return b
}

// control makes a field at path with form name name.
func (b *formBuilder) control(path, name, lbl, kind, value string) formField {
	id := fieldID(name)
	b.ids[path] = id
	if kind == "text" && strings.Contains(value, "\n") {
		kind = "textarea" // a one-line input would drop the line breaks
	}
	return formField{Name: name, ID: id, Label: lbl, Kind: kind, Value: value, Errors: b.errs[path], Warnings: b.warns[path]}
}

// scalar makes the control of a scalar guide field.
func (b *formBuilder) scalar(path, kind string) formField {
	return b.control(path, path, catalog.Label(path), kind, b.f.Values[path])
}

func (b *formBuilder) choice(path string, values []string, empty string) formField {
	ff := b.scalar(path, "select")
	ff.Options = choices(values, ff.Value, empty)
	return ff
}

func (b *formBuilder) yesNo(path string) formField {
	ff := b.scalar(path, "select")
	ff.Options = labelled([]option{{Value: "", Label: label("item.notgiven")}, {Value: formYes, Label: label("item.yes")},
		{Value: formNo, Label: label("item.no")}}, ff.Value)
	return ff
}

// choices are the options of an enumeration with an empty first choice; a
// current value outside the enumeration is kept as a choice of its own,
// so that the editor's input survives a re-rendered form.
func choices(values []string, current, empty string) []option {
	opts := make([]option, 0, len(values)+2)
	opts = append(opts, option{Value: "", Label: empty})
	for _, v := range values {
		opts = append(opts, option{Value: v, Label: v})
	}
	return labelled(opts, current)
}

// labelled marks the option of value current, adding it when missing.
func labelled(opts []option, current string) []option {
	found := false
	for i := range opts {
		if opts[i].Value == current {
			opts[i].Selected, found = true, true
		}
	}
	if !found {
		opts = append(opts, option{Value: current, Label: current, Selected: true})
	}
	return opts
}

// checks makes a checkbox group: the checked values first, in their order,
// then the rest of the standard values.
func (b *formBuilder) checks(path string, checked, standard []string) formField {
	ff := b.control(path, path, catalog.Label(path), "checks", "")
	for _, v := range checked {
		ff.Options = append(ff.Options, option{Value: v, Label: v, Selected: true})
	}
	for _, v := range standard {
		if !slices.Contains(checked, v) {
			ff.Options = append(ff.Options, option{Value: v, Label: v})
		}
	}
	return ff
}

// list draws a repeatable list: the rows of the form and its blank rows.
func (b *formBuilder) list(key string) *listView {
	var spec formList
	for _, l := range formLists {
		if l.Key == key {
			spec = l
		}
	}
	lv := &listView{Key: key, ID: fieldID(key), Title: catalog.Label(key), AddLabel: label("form.add." + key),
		Errors: b.errs[key], Warnings: b.warns[key]}
	b.ids[key] = lv.ID
	rows := b.f.Lists[key]
	blank := max(1, b.o.extra[key])
	for i := 0; i < len(rows)+blank; i++ {
		var row formRow
		if i < len(rows) {
			row = rows[i]
		}
		rv := rowView{Legend: lv.Title + " " + tf("form.row", i+1), Blank: i >= len(rows)}
		for _, sub := range spec.Subs {
			ff := b.control(rowPath(key, i, sub), rowName(key, i, sub), catalog.SubLabel(sub), subKind(key, sub), row[sub])
			switch {
			case key == "materials" && sub == "required":
				ff.Options = choices(catalog.MaterialRequired, ff.Value, label("item.notgiven"))
			case key == "materials" && sub == "form":
				ff.Options = choices(catalog.MaterialForms, ff.Value, label("item.notgiven"))
			case key == "materials" && sub == "source":
				ff.Options = choices(catalog.MaterialSources, ff.Value, label("item.notgiven"))
			}
			rv.Fields = append(rv.Fields, ff)
		}
		if b.o.focus == key && i == len(rows)+blank-1 {
			rv.Fields[0].Autofocus = true
		}
		lv.Rows = append(lv.Rows, rv)
	}
	return lv
}

// subKind is the control kind of a list row's field.
func subKind(list, sub string) string {
	switch sub {
	case "required", "form", "source":
		if list == "materials" {
			return "select"
		}
	case "copies", "days":
		return "number"
	case "description", "text", "notes", "a":
		return "textarea"
	}
	return "text"
}

// build draws the whole form.
func (b *formBuilder) build() *formView {
	code := b.scalar("code", "text")
	code.ReadOnly = !b.o.codeEditable
	code.Required = true
	code.Hint = label("form.hint.code")
	baseCode := b.scalar("base_code", "text")
	baseCode.Required = true
	name := b.scalar("name", "text")
	name.Required = true
	typ := b.choice("type", catalog.Types, label("form.choose"))
	typ.Required = true
	region := b.scalar("region", "text")
	region.Required = true
	if b.o.scopeFixed {
		region.ReadOnly = true
		if r, ok := findRegion(b.o.regions, region.Value); ok {
			region.Hint = r.Name
		}
	} else {
		region.Kind = "select"
		opts := []option{{Value: "", Label: label("form.choose")}}
		for _, r := range b.o.regions {
			opts = append(opts, option{Value: r.Code, Label: r.Code + " " + r.Name})
		}
		region.Options = labelled(opts, region.Value)
	}
	dept := b.scalar("department", "text")
	dept.Required = true
	dept.ReadOnly = b.o.scopeFixed
	themes := b.checks(formThemes, b.f.Themes, catalog.Themes)
	other := b.control(formThemesOther, formThemesOther, label("form.themes.other"), "text", b.f.Other)
	other.Hint = label("form.hint.themes")

	depth := b.scalar("online_depth", "select")
	opts := []option{{Value: "", Label: label("item.notgiven")}}
	for i, l := range catalog.OnlineDepthLabels {
		opts = append(opts, option{Value: strconv.Itoa(i), Label: strconv.Itoa(i) + " " + l})
	}
	depth.Options = labelled(opts, depth.Value)
	url := b.scalar("online_url", "text")
	url.Hint = label("form.hint.url")
	days := func(path string) formField {
		ff := b.scalar(path, "number")
		ff.Hint = label("form.hint.days")
		return ff
	}
	promised := days("promised_days")
	promised.Hint = label("form.hint.promised")

	v := &formView{}
	add := func(id, title string, fields ...formField) *sectionView {
		v.Sections = append(v.Sections, sectionView{ID: id, Title: title, Fields: fields})
		return &v.Sections[len(v.Sections)-1]
	}
	withList := func(id, title, key string, fields ...formField) {
		s := add(id, title, fields...)
		s.List = b.list(key)
	}
	add("basic", label("item.basic"), code, baseCode, name, typ,
		b.choice("level", catalog.Levels, label("item.notgiven")), region, dept,
		b.checks(formAudience, b.f.Audience, catalog.Audiences), themes, other,
		b.choice("scope", catalog.Scopes, label("item.notgiven")))
	withList("basis", label("item.basis"), "basis")
	add("conditions", label("item.conditions"), b.scalar("conditions", "textarea"))
	withList("materials", label("item.materials"), "materials")
	withList("steps", label("item.steps"), "steps")
	add("time", label("item.time"), days("legal_days"), promised,
		b.choice("handling", catalog.Handlings, label("item.notgiven")))
	add("ways", label("form.section.ways"), b.scalar("visits", "number"), b.scalar("visit_reason", "textarea"),
		depth, url, b.yesNo("in_hall"), b.yesNo("nearby"), b.yesNo("express"), b.yesNo("appointment"),
		b.yesNo("online_payment"), b.yesNo("cross_province"), b.yesNo("commitment"))
	withList("fee", label("item.fee"), "fee.items", b.yesNo("fee.charged"))
	add("result", label("item.result"), b.scalar("result.name", "text"),
		b.choice("result.type", catalog.ResultTypes, label("item.notgiven")), b.scalar("result.sample", "text"))
	add("where", label("item.where"), b.scalar("location", "text"), b.scalar("hours", "text"))
	add("contact", label("item.contact"), b.scalar("consult_phone", "text"), b.scalar("complaint_phone", "text"))
	phrases := b.control(formAskPhrases, formAskPhrases, label("form.askphrases"), "textarea", strings.Join(b.f.Phrases, "\n"))
	phrases.Hint = tf("form.hint.askphrases", catalog.MaxAskPhrases, catalog.MaxAskPhraseRunes)
	withList("faq", label("item.faq"), "faq", phrases)
	return v
}

// summary lists messages with links to the controls they are about.
func (b *formBuilder) summary(errs []catalog.FieldError) []issue {
	out := make([]issue, 0, len(errs))
	for _, e := range errs {
		out = append(out, b.issue(e.Field, e.Message))
	}
	return out
}

func (b *formBuilder) findings(fs []catalog.Finding) []issue {
	out := make([]issue, 0, len(fs))
	for _, f := range fs {
		out = append(out, b.issue(f.Field, f.Message))
	}
	return out
}

func (b *formBuilder) issue(path, msg string) issue {
	is := issue{Label: pathLabel(path), Message: msg}
	if id, ok := b.ids[anchorPath(path)]; ok {
		is.Anchor = "#" + id
	}
	return is
}

// pathLabel is the Chinese name of a field path, including the form's own
// fields.
func pathLabel(path string) string {
	switch path {
	case "":
		return ""
	case "note":
		return label("edit.note")
	case "reason":
		return label("review.reason")
	case "base":
		return label("form.base")
	}
	return catalog.Label(path)
}

func findRegion(rs []catalog.Region, code string) (catalog.Region, bool) {
	for _, r := range rs {
		if r.Code == code {
			return r, true
		}
	}
	return catalog.Region{}, false
}

// tf formats a label.
func tf(key string, args ...any) string { return fmt.Sprintf(label(key), args...) }
