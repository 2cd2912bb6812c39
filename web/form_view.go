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
	// Kind is text, number, textarea, select or checks; the feedback
	// forms (fb-field) also radios and tel.
	Kind      string
	Value     string
	Options   []option
	Hint      string
	Errors    []string
	Warnings  []string
	ReadOnly  bool
	Required  bool
	Autofocus bool
	MaxLen    int // the feedback forms' maxlength; 0 for none
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
	Legend  string
	Fields  []formField
	Blank   bool
	Buttons rowButtons
}

// rowButtons are the buttons of row i of a list of n rows that delete it
// and move it up and down (name="row", see guideForm.rowAction).
type rowButtons struct {
	Up, Down, Del string // the buttons' values
	First, Last   bool   // the row cannot move up, down
	Legend        string // the row's legend, which names the buttons
	DelLabel      string // the delete button's text when not 删除此项
	Focus         string // the value of the button that takes the focus
}

// newRowButtons are the buttons of row i of n of list.
func newRowButtons(list string, i, n int, legend, focus string) rowButtons {
	return rowButtons{Up: rowValue("up", list, i), Down: rowValue("down", list, i), Del: rowValue("del", list, i),
		First: i == 0, Last: i == n-1, Legend: legend, Focus: focus}
}

// listView is a repeatable list with its "add a row" button.
type listView struct {
	Key, ID, Title, AddLabel string
	Add                      string // the value of the "add a row" button
	LegendFormat             string // a row's legend with %d for its number (for the page's script)
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
	ID, Title  string
	Fields     []formField
	List       *listView
	Situations *situationsView
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
	// focus is what takes the focus: a control (its form name) or a row
	// button (its value), as rowAction returns it.
	focus string
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
		p := b.anchor(e.Field)
		b.errs[p] = append(b.errs[p], e.Message)
	}
	for _, w := range o.warns {
		p := b.anchor(w.Field)
		b.warns[p] = append(b.warns[p], w.Message)
	}
	return b
}

// anchor is the path of the control a message about the item's path is
// shown at, in the rows of the form.
func (b *formBuilder) anchor(path string) string {
	return b.f.sitAnchor(b.f.formPath(anchorPath(path)))
}

// control makes a field at path with form name name.
func (b *formBuilder) control(path, name, lbl, kind, value string) formField {
	id := fieldID(name)
	b.ids[path] = id
	if kind == "text" && strings.Contains(value, "\n") {
		kind = "textarea" // a one-line input would drop the line breaks
	}
	return formField{Name: name, ID: id, Label: lbl, Kind: kind, Value: value, Errors: b.errs[path], Warnings: b.warns[path],
		Autofocus: name != "" && name == b.o.focus}
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

// list draws a repeatable list: the rows of the form, blank ones where
// they are, and a blank row at the end unless the last one is blank.
func (b *formBuilder) list(key string) *listView {
	var spec formList
	for _, l := range formLists {
		if l.Key == key {
			spec = l
		}
	}
	lv := &listView{Key: key, ID: fieldID(key), Title: catalog.Label(key), AddLabel: label("form.add." + key),
		Add: "add:" + key, LegendFormat: catalog.Label(key) + " " + label("form.row"),
		Errors: b.errs[key], Warnings: b.warns[key]}
	b.ids[key] = lv.ID
	rows := b.f.Lists[key]
	n := len(rows)
	if n == 0 || !rows[n-1].blank() {
		n++
	}
	for i := 0; i < n; i++ {
		row := formRow{}
		if i < len(rows) {
			row = rows[i]
		}
		legend := lv.Title + " " + tf("form.row", i+1)
		rv := rowView{Legend: legend, Blank: row.blank(), Buttons: newRowButtons(key, i, n, legend, b.o.focus)}
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
	add("situations", label("form.section.situations")).Situations = b.situations()
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
	path = b.f.formPath(path)
	is := issue{Label: pathLabel(path), Message: msg}
	if id, ok := b.ids[b.f.sitAnchor(anchorPath(path))]; ok {
		is.Anchor = "#" + id
	} else if top, _, _ := strings.Cut(path, "["); top != path {
		// An element the form does not draw: its list.
		if id, ok := b.ids[top]; ok {
			is.Anchor = "#" + id
		}
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
	if l, ok := situationLabel(path); ok {
		return l
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

// ---------------------------------------------------------------- situations

// situationsView is the situation guide (情形引导) part of the form: its
// questions with their options, and the buttons that add, remove and move
// them (name="row", see guideForm.rowAction).
type situationsView struct {
	ID               string
	Hint             string
	Errors, Warnings []string
	Questions        []sitQuestionView
	NoMaterials      bool // the guide has no materials to choose from yet
}

// sitQuestionView is one question, drawn as a fieldset.
type sitQuestionView struct {
	ID, Legend     string
	Fields         []formField // id, question, single or multiple choice
	Errors         []string    // about the question as a whole
	Options        []sitOptionView
	Blank          bool
	Buttons        rowButtons
	AddOption      string // the value of its "add an option" button
	OptionsErrorID string
}

// sitOptionView is one option of a question, drawn as a fieldset.
type sitOptionView struct {
	ID, Legend  string
	Fields      []formField // id, label, note
	Add, Remove formField   // checkboxes of the guide's materials
	Overrides   []formField // promised days, visits, online depth
	Steps       []rowView
	Hidden      []hiddenField // what the form carries without showing it (the fee override)
	Errors      []string
	Blank       bool
	Buttons     rowButtons
	AddStep     string // the value of its "add a step" button
}

// ErrorID names the messages about a question or an option as a whole.
func (q sitQuestionView) ErrorID() string { return q.ID + "-err" }
func (o sitOptionView) ErrorID() string   { return o.ID + "-err" }

// sitAnchor is where a message about a path of the form's situations is
// shown: at its control when the form draws one, else at the option, the
// question or the whole situation guide it is part of.
func (f *guideForm) sitAnchor(path string) string {
	if path == "situations" {
		return path
	}
	m := sitPathRE.FindStringSubmatch(path)
	if m == nil {
		return path
	}
	at := func(s string) int { n, _ := strconv.Atoi(s); return n }
	qi, rest := at(m[1]), m[4]
	if qi >= len(f.Situations) {
		return "situations"
	}
	if m[2] == "" {
		if slices.Contains([]string{".id", ".question", ".multiple"}, rest) {
			return path
		}
		return sitPath(qi, -1, -1, "")
	}
	oi := at(m[2])
	if oi >= len(f.Situations[qi].Options) {
		return sitPath(qi, -1, -1, "")
	}
	opt := sitPath(qi, oi, -1, "")
	if m[3] == "" {
		switch {
		case slices.Contains([]string{".id", ".label", ".note", ".promised_days", ".visits", ".online_depth"}, rest):
			return path
		case strings.HasPrefix(rest, ".add"):
			return opt + ".add"
		case strings.HasPrefix(rest, ".remove"):
			return opt + ".remove"
		}
		return opt
	}
	if si := at(m[3]); si < len(f.Situations[qi].Options[oi].Steps) && slices.Contains([]string{".name", ".description", ".days"}, rest) {
		return path
	}
	return opt
}

// situationLabel names a path into the situations: 情形引导第1个问题第2个选项增加的材料第1项.
func situationLabel(path string) (string, bool) {
	if path == "situations" {
		return label("form.section.situations"), true
	}
	m := sitPathRE.FindStringSubmatch(path)
	if m == nil {
		return "", false
	}
	at := func(s string) int { n, _ := strconv.Atoi(s); return n }
	out := label("form.section.situations") + tf("form.sit.q.n", at(m[1])+1)
	sub := "form.sit."
	if m[2] != "" {
		out += tf("form.sit.o.n", at(m[2])+1)
		sub = "form.sit.opt."
		if m[3] != "" {
			out += tf("form.sit.s.n", at(m[3])+1)
			sub = ""
		}
	}
	rest := strings.TrimPrefix(m[4], ".")
	name, idx, _ := strings.Cut(rest, "[")
	switch {
	case name == "":
	case sub == "":
		out += catalog.SubLabel(name)
	default:
		if l, ok := labels[sub+name]; ok {
			out += l
		} else {
			out += name
		}
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); idx != "" && err == nil && !strings.Contains(idx, ".") {
		out += tf("form.row", n+1)
	}
	return out, true
}

// materialNames are the names of the form's materials, for the options'
// checkboxes.
func (f *guideForm) materialNames() []string {
	var out []string
	for _, r := range f.Lists["materials"] {
		if n := strings.TrimSpace(r["name"]); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// situations draws the situation guide.
func (b *formBuilder) situations() *situationsView {
	mats := b.f.materialNames()
	v := &situationsView{ID: fieldID("situations"), Hint: label("form.hint.situations"), Errors: b.errs["situations"],
		Warnings: b.warns["situations"], NoMaterials: len(mats) == 0}
	b.ids["situations"] = v.ID
	qs := b.f.Situations
	for qi := range qs {
		q := &qs[qi]
		qp := sitPath(qi, -1, -1, "")
		legend := tf("form.sit.q.legend", qi+1)
		qv := sitQuestionView{ID: fieldID(sitName(qi, -1, -1, "q")), Legend: legend, Errors: b.errs[qp],
			Blank: q.blank(), Buttons: newRowButtons("situations", qi, len(qs), legend, b.o.focus),
			AddOption: "add:situations." + strconv.Itoa(qi) + ".options"}
		qv.Buttons.DelLabel = label("form.sit.del.question")
		qv.ID = strings.TrimSuffix(qv.ID, "-q")
		b.ids[qp] = qv.ID
		id := b.control(sitPath(qi, -1, -1, "id"), sitName(qi, -1, -1, "id"), label("form.sit.id"), "text", q.Values["id"])
		id.Hint = tf("form.sit.hint.id", qi+1)
		question := b.control(sitPath(qi, -1, -1, "question"), sitName(qi, -1, -1, "question"), label("form.sit.question"), "text", q.Values["question"])
		question.Required = true
		multi := b.control(sitPath(qi, -1, -1, "multiple"), sitName(qi, -1, -1, "multiple"), label("form.sit.multiple"), "select", q.Values["multiple"])
		multi.Options = labelled([]option{{Value: "", Label: label("form.sit.single")}, {Value: formYes, Label: label("form.sit.multi")}}, multi.Value)
		qv.Fields = []formField{question, id, multi}
		for oi := range q.Options {
			qv.Options = append(qv.Options, b.option(qi, oi, &q.Options[oi], len(q.Options), mats))
		}
		v.Questions = append(v.Questions, qv)
	}
	return v
}

// option draws option oi of question qi.
func (b *formBuilder) option(qi, oi int, o *optForm, n int, mats []string) sitOptionView {
	op := sitPath(qi, oi, -1, "")
	list := "situations." + strconv.Itoa(qi) + ".options"
	legend := tf("form.sit.o.legend", qi+1, oi+1)
	ov := sitOptionView{ID: strings.TrimSuffix(fieldID(sitName(qi, oi, -1, "o")), "-o"), Legend: legend,
		Errors: b.errs[op], Blank: o.blank(), Buttons: newRowButtons(list, oi, n, legend, b.o.focus),
		AddStep: "add:" + list + "." + strconv.Itoa(oi) + ".steps"}
	ov.Buttons.DelLabel = label("form.sit.del.option")
	b.ids[op] = ov.ID
	field := func(sub, kind string) formField {
		return b.control(sitPath(qi, oi, -1, sub), sitName(qi, oi, -1, sub), label("form.sit.opt."+sub), kind, o.Values[sub])
	}
	lbl := field("label", "text")
	lbl.Required = true
	id := field("id", "text")
	id.Hint = tf("form.sit.hint.optid", oi+1)
	note := field("note", "textarea")
	note.Hint = label("form.sit.hint.note")
	ov.Fields = []formField{lbl, id, note}
	checks := func(sub string, checked []string) formField {
		ff := b.control(sitPath(qi, oi, -1, sub), sitName(qi, oi, -1, sub), label("form.sit.opt."+sub), "checks", "")
		for _, m := range checked {
			ff.Options = append(ff.Options, option{Value: m, Label: m, Selected: true})
		}
		for _, m := range mats {
			if !slices.Contains(checked, m) {
				ff.Options = append(ff.Options, option{Value: m, Label: m})
			}
		}
		if len(ff.Options) == 0 {
			ff.Hint = label("form.sit.hint.nomaterials")
		}
		return ff
	}
	ov.Add = checks("add", o.Add)
	ov.Add.Hint = label("form.sit.hint.add")
	ov.Remove = checks("remove", o.Remove)
	days := field("promised_days", "number")
	days.Hint = label("form.sit.hint.override")
	visits := field("visits", "number")
	visits.Hint = label("form.sit.hint.override")
	depth := field("online_depth", "select")
	opts := []option{{Value: "", Label: label("form.sit.same")}}
	for i, l := range catalog.OnlineDepthLabels {
		opts = append(opts, option{Value: strconv.Itoa(i), Label: strconv.Itoa(i) + " " + l})
	}
	depth.Options = labelled(opts, depth.Value)
	ov.Overrides = []formField{days, visits, depth}
	for si, st := range o.Steps {
		legend := tf("form.sit.s.legend", qi+1, oi+1, si+1)
		rv := rowView{Legend: legend, Blank: st.blank(),
			Buttons: newRowButtons(list+"."+strconv.Itoa(oi)+".steps", si, len(o.Steps), legend, b.o.focus)}
		for _, sub := range optSteps {
			rv.Fields = append(rv.Fields, b.control(sitPath(qi, oi, si, sub), sitName(qi, oi, si, sub), catalog.SubLabel(sub),
				subKind("steps", sub), st[sub]))
		}
		ov.Steps = append(ov.Steps, rv)
	}
	if fee := o.Values["fee"]; fee != "" {
		ov.Hidden = append(ov.Hidden, hiddenField{Name: sitName(qi, oi, -1, "fee"), Value: fee})
		b.ids[sitPath(qi, oi, -1, "fee")] = ov.ID
	}
	return ov
}
