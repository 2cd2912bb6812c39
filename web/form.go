package web

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"zhinan/catalog"
)

// The edit form's codec: a guide as posted by the edit page (one form
// value per field, list rows as materials.0.name …) ⇄ catalog.Item.
//
// The form keeps every value as the editor typed it, so that a page
// re-rendered after an error shows the editor's own input; turning it into
// an Item reports values that are not numbers or booleans as field errors on
// the interchange path ("materials[1].copies") instead of failing. Blank
// list rows stay in the form where they are drawn, so that the row buttons
// (rowAction: add, delete, move up and down) work on the rows as drawn;
// item leaves them out, and formPath turns the paths of the item's errors
// back into the rows of the form. A re-rendered form numbers its rows
// afresh from 0.

// Boolean select values; the empty value is 未填写 (absent).
const (
	formYes = "yes"
	formNo  = "no"
)

// maxFormRows bounds the rows of one list in a posted form.
const maxFormRows = 500

// formList describes a repeatable list of the form: its form key (also the
// interchange path of the list) and its rows' fields.
type formList struct {
	Key  string
	Subs []string
}

// formLists are the repeatable lists, in the order of the form.
var formLists = []formList{
	{"basis", []string{"title", "clause", "text"}},
	{"materials", []string{"name", "required", "form", "copies", "source", "notes"}},
	{"steps", []string{"name", "description", "days"}},
	{"fee.items", []string{"name", "standard", "basis"}},
	{"faq", []string{"q", "a"}},
}

// formScalars are the single-valued fields of the form, named by their
// interchange paths.
var formScalars = []string{
	"code", "base_code", "name", "type", "level", "region", "department", "conditions",
	"legal_days", "promised_days", "handling", "visits", "visit_reason", "online_depth", "online_url",
	"in_hall", "nearby", "express", "appointment", "online_payment", "cross_province", "commitment",
	"scope", "fee.charged", "result.name", "result.type", "result.sample",
	"location", "hours", "consult_phone", "complaint_phone",
}

// Multi-valued fields: checkboxes, free text for themes outside the
// standard list, and the ask phrases, one per line of a textarea.
const (
	formAudience    = "audience"
	formThemes      = "themes"
	formThemesOther = "themes_other"
	formAskPhrases  = "ask_phrases"
)

// formRow is one row of a list: sub-field → value.
type formRow map[string]string

// guideForm is a guide as the edit form holds it.
type guideForm struct {
	Values   map[string]string    // scalar fields by path
	Audience []string             // checked, in order
	Themes   []string             // checked, in order
	Other    string               // further themes, separated by 、 or commas
	Phrases  []string             // ask phrases, in order
	Lists    map[string][]formRow // rows by list key, blank ones included
	// Situations are the questions of the situation guide (情形引导) in
	// the order of the form, blank ones included (see sitForm).
	Situations []sitForm
}

func newGuideForm() *guideForm {
	return &guideForm{Values: map[string]string{}, Lists: map[string][]formRow{}}
}

// rowName is the form name of a row's field: materials.2.form.
func rowName(list string, i int, sub string) string {
	return list + "." + strconv.Itoa(i) + "." + sub
}

// rowPath is the interchange path of a row's field: materials[2].form.
func rowPath(list string, i int, sub string) string {
	return list + "[" + strconv.Itoa(i) + "]." + sub
}

// parseGuideForm reads a posted form. It never fails: every value is kept
// as text; see item for the conversion.
func parseGuideForm(v url.Values) *guideForm {
	f := newGuideForm()
	for _, name := range formScalars {
		f.Values[name] = formText(v.Get(name))
	}
	f.Audience = uniqueNonEmpty(v[formAudience])
	themes := slices.Clone(v[formThemes])
	themes = append(themes, splitList(v.Get(formThemesOther))...)
	f.Themes = uniqueNonEmpty(themes)
	f.Phrases = uniqueNonEmpty(strings.Split(formText(v.Get(formAskPhrases)), "\n"))
	f.Situations = parseSituations(v)
	for _, l := range formLists {
		rows := map[int]formRow{}
		prefix := l.Key + "."
		for name, vals := range v {
			rest, ok := strings.CutPrefix(name, prefix)
			if !ok || len(vals) == 0 {
				continue
			}
			idx, sub, ok := strings.Cut(rest, ".")
			if !ok || !slices.Contains(l.Subs, sub) {
				continue
			}
			i, err := strconv.Atoi(idx)
			if err != nil || i < 0 || i >= maxFormRows {
				continue
			}
			if rows[i] == nil {
				rows[i] = formRow{}
			}
			rows[i][sub] = formText(vals[0])
		}
		order := make([]int, 0, len(rows))
		for i := range rows {
			order = append(order, i)
		}
		sort.Ints(order)
		for _, i := range order {
			f.Lists[l.Key] = append(f.Lists[l.Key], rows[i])
		}
	}
	return f
}

// formText normalises a posted value: browsers send textarea line breaks
// as CRLF.
func formText(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// rows are the non-blank rows of a list: the elements of the item.
func (f *guideForm) rows(key string) []formRow {
	var out []formRow
	for _, r := range f.Lists[key] {
		if !r.blank() {
			out = append(out, r)
		}
	}
	return out
}

func (r formRow) blank() bool {
	for _, v := range r {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// splitList splits free text on 、 , ， ; ； and line breaks.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		// 、 ， ； are U+3001, U+FF0C and U+FF1B.
		return r == '\u3001' || r == ',' || r == '\uff0c' || r == ';' || r == '\uff1b' || r == '\n'
	})
}

// uniqueNonEmpty trims the values and drops empty ones and repeats,
// keeping the first occurrence's order.
func uniqueNonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// formFromItem is the form of a stored guide.
func formFromItem(it *catalog.Item) *guideForm {
	f := newGuideForm()
	set := func(name, v string) { f.Values[name] = v }
	num := func(name string, n *int) {
		if n != nil {
			set(name, strconv.Itoa(*n))
		}
	}
	flag := func(name string, b *bool) { set(name, boolValue(b)) }
	set("code", it.Code)
	set("base_code", it.BaseCode)
	set("name", it.Name)
	set("type", it.Type)
	set("level", it.Level)
	set("region", it.Region)
	set("department", it.Department)
	set("conditions", it.Conditions)
	num("legal_days", it.LegalDays)
	num("promised_days", it.PromisedDays)
	set("handling", it.Handling)
	num("visits", it.Visits)
	set("visit_reason", it.VisitReason)
	num("online_depth", it.OnlineDepth)
	set("online_url", it.OnlineURL)
	flag("in_hall", it.InHall)
	flag("nearby", it.Nearby)
	flag("express", it.Express)
	flag("appointment", it.Appointment)
	flag("online_payment", it.OnlinePayment)
	flag("cross_province", it.CrossProvince)
	flag("commitment", it.Commitment)
	set("scope", it.Scope)
	set("location", it.Location)
	set("hours", it.Hours)
	set("consult_phone", it.ConsultPhone)
	set("complaint_phone", it.ComplaintPhone)
	if it.Fee != nil {
		set("fee.charged", boolValue(&it.Fee.Charged))
		for _, x := range it.Fee.Items {
			f.Lists["fee.items"] = append(f.Lists["fee.items"], formRow{"name": x.Name, "standard": x.Standard, "basis": x.Basis})
		}
	}
	if r := it.Result; r != nil {
		set("result.name", r.Name)
		set("result.type", r.Type)
		set("result.sample", r.Sample)
	}
	f.Audience = slices.Clone(it.Audience)
	f.Themes = slices.Clone(it.Themes)
	f.Phrases = slices.Clone(it.AskPhrases)
	for _, b := range it.Basis {
		f.Lists["basis"] = append(f.Lists["basis"], formRow{"title": b.Title, "clause": b.Clause, "text": b.Text})
	}
	for _, m := range it.Materials {
		f.Lists["materials"] = append(f.Lists["materials"], formRow{"name": m.Name, "required": m.Required,
			"form": m.Form, "copies": intValue(m.Copies), "source": m.Source, "notes": m.Notes})
	}
	for _, s := range it.Steps {
		f.Lists["steps"] = append(f.Lists["steps"], formRow{"name": s.Name, "description": s.Description, "days": intValue(s.Days)})
	}
	for _, q := range it.FAQ {
		f.Lists["faq"] = append(f.Lists["faq"], formRow{"q": q.Q, "a": q.A})
	}
	f.Situations = situationsForm(it.Situations)
	return f
}

func boolValue(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return formYes
	}
	return formNo
}

func intValue(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// values encodes the form as the edit page posts it (blank rows left out).
func (f *guideForm) values() url.Values {
	v := url.Values{}
	for _, name := range formScalars {
		if s := f.Values[name]; s != "" {
			v.Set(name, s)
		}
	}
	for _, a := range f.Audience {
		v.Add(formAudience, a)
	}
	for _, t := range f.Themes {
		v.Add(formThemes, t)
	}
	if f.Other != "" {
		v.Set(formThemesOther, f.Other)
	}
	if len(f.Phrases) > 0 {
		v.Set(formAskPhrases, strings.Join(f.Phrases, "\n"))
	}
	for _, l := range formLists {
		for i, row := range f.Lists[l.Key] {
			for _, sub := range l.Subs {
				if s := row[sub]; s != "" {
					v.Set(rowName(l.Key, i, sub), s)
				}
			}
		}
	}
	f.situationValues(v)
	return v
}

// item converts the form to a guide. Values that cannot be converted (a
// number that is not one, a boolean other than yes/no/empty, fee items
// without saying whether the item is charged) are left absent and reported
// as field errors; everything else is Validate's business.
func (f *guideForm) item() (*catalog.Item, []catalog.FieldError) {
	var errs []catalog.FieldError
	fail := func(path, key string) { errs = append(errs, catalog.FieldError{Field: path, Message: label(key)}) }
	get := func(name string) string { return f.Values[name] }
	number := func(path, s string) *int {
		s = foldDigits(strings.TrimSpace(s))
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fail(path, "form.err.integer")
			return nil
		}
		return &n
	}
	flag := func(name string) *bool {
		switch strings.TrimSpace(get(name)) {
		case "":
			return nil
		case formYes:
			return catalog.Bool(true)
		case formNo:
			return catalog.Bool(false)
		}
		fail(name, "form.err.bool")
		return nil
	}
	enum := func(name string) string { return strings.TrimSpace(get(name)) }
	it := &catalog.Item{
		Code:           strings.TrimSpace(get("code")),
		BaseCode:       strings.TrimSpace(get("base_code")),
		Name:           get("name"),
		Type:           enum("type"),
		Level:          enum("level"),
		Region:         strings.TrimSpace(get("region")),
		Department:     get("department"),
		Audience:       slices.Clone(f.Audience),
		Themes:         slices.Clone(f.Themes),
		Conditions:     get("conditions"),
		LegalDays:      number("legal_days", get("legal_days")),
		PromisedDays:   number("promised_days", get("promised_days")),
		Handling:       enum("handling"),
		Visits:         number("visits", get("visits")),
		VisitReason:    get("visit_reason"),
		OnlineDepth:    number("online_depth", get("online_depth")),
		OnlineURL:      strings.TrimSpace(get("online_url")),
		InHall:         flag("in_hall"),
		Nearby:         flag("nearby"),
		Express:        flag("express"),
		Appointment:    flag("appointment"),
		OnlinePayment:  flag("online_payment"),
		CrossProvince:  flag("cross_province"),
		Commitment:     flag("commitment"),
		Scope:          enum("scope"),
		Location:       get("location"),
		Hours:          get("hours"),
		ConsultPhone:   get("consult_phone"),
		ComplaintPhone: get("complaint_phone"),
		AskPhrases:     slices.Clone(f.Phrases),
	}
	if len(it.Audience) == 0 {
		it.Audience = nil
	}
	if len(it.Themes) == 0 {
		it.Themes = nil
	}
	if len(it.AskPhrases) == 0 {
		it.AskPhrases = nil
	}
	for _, r := range f.rows("basis") {
		it.Basis = append(it.Basis, catalog.Basis{Title: r["title"], Clause: r["clause"], Text: r["text"]})
	}
	for _, r := range f.rows("materials") {
		i := len(it.Materials)
		it.Materials = append(it.Materials, catalog.Material{Name: r["name"], Required: strings.TrimSpace(r["required"]),
			Form: strings.TrimSpace(r["form"]), Copies: number(rowPath("materials", i, "copies"), r["copies"]),
			Source: strings.TrimSpace(r["source"]), Notes: r["notes"]})
	}
	for _, r := range f.rows("steps") {
		i := len(it.Steps)
		it.Steps = append(it.Steps, catalog.Step{Name: r["name"], Description: r["description"],
			Days: number(rowPath("steps", i, "days"), r["days"])})
	}
	for _, r := range f.rows("faq") {
		it.FAQ = append(it.FAQ, catalog.FAQ{Q: r["q"], A: r["a"]})
	}
	var fees []catalog.FeeItem
	for _, r := range f.rows("fee.items") {
		fees = append(fees, catalog.FeeItem{Name: r["name"], Standard: r["standard"], Basis: r["basis"]})
	}
	if charged := flag("fee.charged"); charged != nil {
		it.Fee = &catalog.Fee{Charged: *charged, Items: fees}
	} else if len(fees) > 0 && strings.TrimSpace(get("fee.charged")) == "" {
		fail("fee.charged", "form.err.charged")
	}
	if n, t, s := get("result.name"), enum("result.type"), get("result.sample"); n != "" || t != "" || s != "" {
		it.Result = &catalog.Result{Name: n, Type: t, Sample: s}
	}
	it.Situations = f.situations(number, fail)
	return it, errs
}

// foldDigits turns full-width digits and minus signs (typed with a Chinese
// input method) into ASCII.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\uff10' && r <= '\uff19': // ０-９
			return '0' + (r - '\uff10')
		case r == '\uff0d': // －
			return '-'
		}
		return r
	}, s)
}

// ---------------------------------------------------------------- situations

// The situation guide (情形引导) in the form: questions with their options,
// each option with the materials it adds and removes (checkboxes of the
// guide's material names), its overrides and extra steps. Names:
//
//	situations.0.id  situations.0.question  situations.0.multiple
//	situations.0.options.1.label … .add (repeated) .remove (repeated) .fee (JSON, hidden)
//	situations.0.options.1.steps.2.name
//
// As in the lists above, blank questions, options and steps stay in the
// form where they are, so that the buttons that add, remove and move them
// (rowAction) work on the rows as drawn; item leaves them out, and
// formPath turns the paths of the item's errors back into the rows of the
// form.

// maxSitRows bounds the questions of a posted form, the options of a
// question and the steps of an option.
const maxSitRows = 50

// Fields of a question and of an option, by form name.
var (
	sitFields = []string{"id", "question", "multiple"}
	optFields = []string{"id", "label", "note", "promised_days", "visits", "online_depth", "fee"}
	optSteps  = []string{"name", "description", "days"}
)

// sitForm is one question as the form holds it.
type sitForm struct {
	Values  map[string]string // id, question, multiple (formYes or "")
	Options []optForm
}

// optForm is one option as the form holds it; Values["fee"] is the
// option's fee override as JSON, which the form carries without showing
// it as fields.
type optForm struct {
	Values      map[string]string
	Add, Remove []string
	Steps       []formRow
}

func (q *sitForm) blank() bool {
	if strings.TrimSpace(q.Values["id"]) != "" || strings.TrimSpace(q.Values["question"]) != "" {
		return false
	}
	for i := range q.Options {
		if !q.Options[i].blank() {
			return false
		}
	}
	return true
}

func (o *optForm) blank() bool {
	for _, k := range optFields {
		if strings.TrimSpace(o.Values[k]) != "" {
			return false
		}
	}
	if len(o.Add)+len(o.Remove) > 0 {
		return false
	}
	for _, s := range o.Steps {
		if !s.blank() {
			return false
		}
	}
	return true
}

// newSitForm is a new, blank question with two blank options.
func newSitForm() sitForm {
	return sitForm{Values: map[string]string{}, Options: []optForm{newOptForm(), newOptForm()}}
}

func newOptForm() optForm { return optForm{Values: map[string]string{}} }

// sitName is the form name of a question's field (o < 0), an option's
// field (s < 0) or an option's step's field.
func sitName(q, o, s int, sub string) string {
	n := "situations." + strconv.Itoa(q)
	if o >= 0 {
		n += ".options." + strconv.Itoa(o)
		if s >= 0 {
			n += ".steps." + strconv.Itoa(s)
		}
	}
	return n + "." + sub
}

// sitPath is the interchange path of the same field: situations[0].options[1].label.
func sitPath(q, o, s int, sub string) string {
	p := "situations[" + strconv.Itoa(q) + "]"
	if o >= 0 {
		p += ".options[" + strconv.Itoa(o) + "]"
		if s >= 0 {
			p += ".steps[" + strconv.Itoa(s) + "]"
		}
	}
	if sub != "" {
		p += "." + sub
	}
	return p
}

// rowIndex reads a row number of a form name.
func rowIndex(s string) (int, bool) {
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0 && i < maxSitRows && strconv.Itoa(i) == s
}

// parseSituations reads the questions of a posted form, in the order of
// their numbers (gaps closed).
func parseSituations(v url.Values) []sitForm {
	type optAt struct {
		o     *optForm
		steps map[int]formRow
	}
	type sitAt struct {
		q    *sitForm
		opts map[int]*optAt
	}
	qs := map[int]*sitAt{}
	for name, vals := range v {
		rest, ok := strings.CutPrefix(name, "situations.")
		if !ok || len(vals) == 0 {
			continue
		}
		parts := strings.Split(rest, ".")
		qi, ok := rowIndex(parts[0])
		if !ok || len(parts) < 2 {
			continue
		}
		sq := qs[qi]
		if sq == nil {
			sq = &sitAt{q: &sitForm{Values: map[string]string{}}, opts: map[int]*optAt{}}
		}
		switch {
		case len(parts) == 2 && slices.Contains(sitFields, parts[1]):
			sq.q.Values[parts[1]] = formText(vals[0])
		case len(parts) >= 4 && parts[1] == "options":
			oi, ok := rowIndex(parts[2])
			if !ok {
				continue
			}
			so := sq.opts[oi]
			if so == nil {
				so = &optAt{o: &optForm{Values: map[string]string{}}, steps: map[int]formRow{}}
			}
			switch {
			case len(parts) == 4 && parts[3] == "add":
				so.o.Add = uniqueNonEmpty(vals)
			case len(parts) == 4 && parts[3] == "remove":
				so.o.Remove = uniqueNonEmpty(vals)
			case len(parts) == 4 && slices.Contains(optFields, parts[3]):
				so.o.Values[parts[3]] = formText(vals[0])
			case len(parts) == 6 && parts[3] == "steps" && slices.Contains(optSteps, parts[5]):
				si, ok := rowIndex(parts[4])
				if !ok {
					continue
				}
				if so.steps[si] == nil {
					so.steps[si] = formRow{}
				}
				so.steps[si][parts[5]] = formText(vals[0])
			default:
				continue
			}
			sq.opts[oi] = so
		default:
			continue
		}
		qs[qi] = sq
	}
	var out []sitForm
	for _, qi := range sortedKeys(qs) {
		sq := qs[qi]
		for _, oi := range sortedKeys(sq.opts) {
			so := sq.opts[oi]
			for _, si := range sortedKeys(so.steps) {
				so.o.Steps = append(so.o.Steps, so.steps[si])
			}
			sq.q.Options = append(sq.q.Options, *so.o)
		}
		out = append(out, *sq.q)
	}
	return out
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// situationsForm is the form of a guide's situations.
func situationsForm(ss []catalog.Situation) []sitForm {
	var out []sitForm
	for _, s := range ss {
		q := sitForm{Values: map[string]string{"id": s.ID, "question": s.Question}}
		if s.Multiple {
			q.Values["multiple"] = formYes
		}
		for _, o := range s.Options {
			of := optForm{Values: map[string]string{"id": o.ID, "label": o.Label, "note": o.Note,
				"promised_days": intValue(o.PromisedDays), "visits": intValue(o.Visits), "online_depth": intValue(o.OnlineDepth)},
				Add: slices.Clone(o.Add), Remove: slices.Clone(o.Remove)}
			if o.Fee != nil {
				b, _ := json.Marshal(o.Fee)
				of.Values["fee"] = string(b)
			}
			for _, st := range o.Steps {
				of.Steps = append(of.Steps, formRow{"name": st.Name, "description": st.Description, "days": intValue(st.Days)})
			}
			q.Options = append(q.Options, of)
		}
		out = append(out, q)
	}
	return out
}

// situationValues adds the situations to posted form values (empty values
// left out, so blank rows vanish).
func (f *guideForm) situationValues(v url.Values) {
	set := func(name, s string) {
		if s != "" {
			v.Set(name, s)
		}
	}
	for qi, q := range f.Situations {
		for _, k := range sitFields {
			set(sitName(qi, -1, -1, k), q.Values[k])
		}
		for oi, o := range q.Options {
			for _, k := range optFields {
				set(sitName(qi, oi, -1, k), o.Values[k])
			}
			for _, m := range o.Add {
				v.Add(sitName(qi, oi, -1, "add"), m)
			}
			for _, m := range o.Remove {
				v.Add(sitName(qi, oi, -1, "remove"), m)
			}
			for si, st := range o.Steps {
				for _, k := range optSteps {
					set(sitName(qi, oi, si, k), st[k])
				}
			}
		}
	}
}

// sitIndex maps the guide's situations to the form's rows: for each
// question of the item, its row in the form, and so on for options and
// steps (blank rows have no element in the item).
type sitIndex struct {
	q     []int     // item question → form question
	o     [][]int   // item question, item option → form option
	steps [][][]int // … item step → form step
}

func (f *guideForm) sitIndex() sitIndex {
	var x sitIndex
	for qi := range f.Situations {
		q := &f.Situations[qi]
		if q.blank() {
			continue
		}
		x.q = append(x.q, qi)
		var os []int
		var ss [][]int
		for oi := range q.Options {
			o := &q.Options[oi]
			if o.blank() {
				continue
			}
			os = append(os, oi)
			var st []int
			for si, s := range o.Steps {
				if !s.blank() {
					st = append(st, si)
				}
			}
			ss = append(ss, st)
		}
		x.o = append(x.o, os)
		x.steps = append(x.steps, ss)
	}
	return x
}

// listFormPath turns a path into one of lists of the item (whose blank rows
// the item lacks) into the path of the same row in the form's rows; false
// when the path is in none of the lists.
func listFormPath(lists []formList, rows map[string][]formRow, path string) (string, bool) {
	for _, l := range lists {
		rest, ok := strings.CutPrefix(path, l.Key+"[")
		if !ok {
			continue
		}
		idx, tail, ok := strings.Cut(rest, "]")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 {
			return path, true
		}
		for fi, r := range rows[l.Key] {
			if r.blank() {
				continue
			}
			if n == 0 {
				return l.Key + "[" + strconv.Itoa(fi) + "]" + tail, true
			}
			n--
		}
		return path, true
	}
	return path, false
}

// sitPathRE reads a path into the situations.
var sitPathRE = regexp.MustCompile(`^situations\[(\d+)\](?:\.options\[(\d+)\](?:\.steps\[(\d+)\])?)?(.*)$`)

// formPath turns an error's path into the lists or the situations of the
// item into the path of the same element in the form (whose blank rows the
// item lacks); other paths are returned as they are.
func (f *guideForm) formPath(path string) string {
	if p, ok := listFormPath(formLists, f.Lists, path); ok {
		return p
	}
	m := sitPathRE.FindStringSubmatch(path)
	if m == nil {
		return path
	}
	x := f.sitIndex()
	at := func(s string) int { n, _ := strconv.Atoi(s); return n }
	qi := at(m[1])
	if qi >= len(x.q) {
		return path
	}
	q, o, s := x.q[qi], -1, -1
	if m[2] != "" {
		oi := at(m[2])
		if oi >= len(x.o[qi]) {
			return path
		}
		o = x.o[qi][oi]
		if m[3] != "" {
			si := at(m[3])
			if si >= len(x.steps[qi][oi]) {
				return path
			}
			s = x.steps[qi][oi][si]
		}
	}
	return sitPath(q, o, s, "") + m[4]
}

// situations converts the form's questions, leaving blank rows out and
// giving questions and options without an id the first free one of q1, q2 …
// and o1, o2 …. number and fail are item's: conversion errors are reported
// on the item's paths.
func (f *guideForm) situations(number func(path, s string) *int, fail func(path, key string)) []catalog.Situation {
	var out []catalog.Situation
	var qids []string
	for _, q := range f.Situations {
		if !q.blank() {
			qids = append(qids, strings.TrimSpace(q.Values["id"]))
		}
	}
	for _, q := range f.Situations {
		if q.blank() {
			continue
		}
		qi := len(out)
		s := catalog.Situation{ID: freeID(qids, qi, "q"), Question: strings.TrimSpace(q.Values["question"]),
			Multiple: strings.TrimSpace(q.Values["multiple"]) == formYes}
		var oids []string
		for _, o := range q.Options {
			if !o.blank() {
				oids = append(oids, strings.TrimSpace(o.Values["id"]))
			}
		}
		for _, o := range q.Options {
			if o.blank() {
				continue
			}
			oi := len(s.Options)
			path := func(sub string) string { return sitPath(qi, oi, -1, sub) }
			op := catalog.Option{ID: freeID(oids, oi, "o"), Label: strings.TrimSpace(o.Values["label"]), Note: o.Values["note"],
				Add: slices.Clone(o.Add), Remove: slices.Clone(o.Remove),
				PromisedDays: number(path("promised_days"), o.Values["promised_days"]),
				Visits:       number(path("visits"), o.Values["visits"]),
				OnlineDepth:  number(path("online_depth"), o.Values["online_depth"])}
			if fee := strings.TrimSpace(o.Values["fee"]); fee != "" {
				var x catalog.Fee
				if err := json.Unmarshal([]byte(fee), &x); err != nil {
					fail(path("fee"), "form.err.fee")
				} else {
					op.Fee = &x
				}
			}
			for _, st := range o.Steps {
				if st.blank() {
					continue
				}
				si := len(op.Steps)
				op.Steps = append(op.Steps, catalog.Step{Name: st["name"], Description: st["description"],
					Days: number(sitPath(qi, oi, si, "days"), st["days"])})
			}
			s.Options = append(s.Options, op)
		}
		out = append(out, s)
	}
	return out
}

// freeID is ids[i] when given, else the first of prefix1, prefix2 … (from
// i+1 on) that no element uses; ids[i] is set to it.
func freeID(ids []string, i int, prefix string) string {
	if ids[i] != "" {
		return ids[i]
	}
	for n := i + 1; ; n++ {
		id := prefix + strconv.Itoa(n)
		if !slices.Contains(ids, id) {
			ids[i] = id
			return id
		}
	}
}

// ---------------------------------------------------------------- row buttons

// The buttons that add, delete and move the rows of every list of the form
// (name="row") work without script: the form is posted, the change is
// applied to the rows as drawn and the form is drawn again with its rows
// numbered afresh; nothing is saved. A button's value is
//
//	add:LIST  del:LIST:I  up:LIST:I  down:LIST:I
//
// where LIST is the form name of the list: materials, fee.items,
// situations, situations.0.options, situations.0.options.1.steps. The
// bundle form's row buttons have the same values.

// rowButton is a parsed row button.
type rowButton struct {
	Verb, List string
	Index      int // -1 for add
}

// value is the button's form value.
func (b rowButton) value() string {
	if b.Index < 0 {
		return b.Verb + ":" + b.List
	}
	return b.Verb + ":" + b.List + ":" + strconv.Itoa(b.Index)
}

// rowValue is the value of the button verb of row i of list.
func rowValue(verb, list string, i int) string {
	return rowButton{Verb: verb, List: list, Index: i}.value()
}

// parseRowButton reads a button's value; false for one that is malformed.
func parseRowButton(v string) (rowButton, bool) {
	parts := strings.Split(v, ":")
	b := rowButton{Verb: parts[0], Index: -1}
	if len(parts) > 1 {
		b.List = parts[1]
	}
	switch {
	case b.List == "":
		return b, false
	case b.Verb == "add":
		return b, len(parts) == 2
	case b.Verb != "del" && b.Verb != "up" && b.Verb != "down" || len(parts) != 3:
		return b, false
	}
	i, err := strconv.Atoi(parts[2])
	b.Index = i
	return b, err == nil && i >= 0 && i < maxFormRows && strconv.Itoa(i) == parts[2]
}

// rowOp applies a button to rows (of at most limit); at is the row the
// change leaves the focus at (-1 for none).
func rowOp[T any](rows *[]T, b rowButton, limit int, blank func() T) (at int, ok bool) {
	if b.Verb == "add" {
		if len(*rows) >= limit {
			return -1, false
		}
		*rows = append(*rows, blank())
		return len(*rows) - 1, true
	}
	i := b.Index
	if i < 0 || i >= len(*rows) {
		return -1, false
	}
	switch b.Verb {
	case "del":
		*rows = slices.Delete(*rows, i, i+1)
		return min(i, len(*rows)-1), true
	case "up", "down":
		to, ok := moved(b.Verb+"-", i, len(*rows))
		if !ok {
			return -1, false
		}
		(*rows)[i], (*rows)[to] = (*rows)[to], (*rows)[i]
		return to, true
	}
	return -1, false
}

// sitListRE reads the form name of a list within the situations.
var sitListRE = regexp.MustCompile(`^situations\.(\d+)\.options(?:\.(\d+)\.steps)?$`)

// rowAction applies a row button (name="row"). It returns what takes the
// focus in the form drawn again: the first control of an added row or of
// the row that took a deleted one's place (its form name), or the same
// button of a moved row (its value); false for a value that names no row.
func (f *guideForm) rowAction(value string) (string, bool) {
	b, ok := parseRowButton(value)
	if !ok {
		return "", false
	}
	var (
		at    int
		n     int
		first func(i int) string // the form name of row i's first control
	)
	if i := slices.IndexFunc(formLists, func(l formList) bool { return l.Key == b.List }); i >= 0 {
		spec := formLists[i]
		rows := f.Lists[b.List]
		at, ok = rowOp(&rows, b, maxFormRows, func() formRow { return formRow{} })
		f.Lists[b.List], n = rows, len(rows)
		first = func(i int) string { return rowName(spec.Key, i, spec.Subs[0]) }
	} else if b.List == "situations" {
		at, ok = rowOp(&f.Situations, b, maxSitRows, newSitForm)
		n = len(f.Situations)
		first = func(i int) string { return sitName(i, -1, -1, "question") }
	} else {
		m := sitListRE.FindStringSubmatch(b.List)
		if m == nil {
			return "", false
		}
		qi, ok1 := rowIndex(m[1])
		if !ok1 || qi >= len(f.Situations) {
			return "", false
		}
		q := &f.Situations[qi]
		if m[2] == "" {
			at, ok = rowOp(&q.Options, b, maxSitRows, newOptForm)
			n = len(q.Options)
			first = func(i int) string { return sitName(qi, i, -1, "label") }
		} else {
			oi, ok2 := rowIndex(m[2])
			if !ok2 || oi >= len(q.Options) {
				return "", false
			}
			o := &q.Options[oi]
			at, ok = rowOp(&o.Steps, b, maxSitRows, func() formRow { return formRow{} })
			n = len(o.Steps)
			first = func(i int) string { return sitName(qi, oi, i, "name") }
		}
	}
	switch {
	case !ok:
		return "", false
	case b.Verb == "up" || b.Verb == "down":
		// The same button of the moved row, or the other one where the
		// row cannot move further so.
		verb := b.Verb
		if verb == "up" && at == 0 {
			verb = "down"
		} else if verb == "down" && at == n-1 {
			verb = "up"
		}
		return rowValue(verb, b.List, at), true
	case at < 0:
		return "", true
	}
	return first(at), true
}

// moved is where an up- or down- button moves row i of n.
func moved(verb string, i, n int) (int, bool) {
	if strings.HasPrefix(verb, "up-") {
		return i - 1, i > 0
	}
	return i + 1, i+1 < n
}
