package web

import (
	"net/url"
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
// list rows are dropped and the remaining rows renumbered, so that row i of
// a re-rendered form is element i of the item and its errors.

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
	Lists    map[string][]formRow // non-blank rows by list key
	Blank    map[string]int       // blank rows posted per list
}

func newGuideForm() *guideForm {
	return &guideForm{Values: map[string]string{}, Lists: map[string][]formRow{}, Blank: map[string]int{}}
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
			if rows[i].blank() {
				f.Blank[l.Key]++
				continue
			}
			f.Lists[l.Key] = append(f.Lists[l.Key], rows[i])
		}
	}
	return f
}

// formText normalises a posted value: browsers send textarea line breaks
// as CRLF.
func formText(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

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
	for _, r := range f.Lists["basis"] {
		it.Basis = append(it.Basis, catalog.Basis{Title: r["title"], Clause: r["clause"], Text: r["text"]})
	}
	for i, r := range f.Lists["materials"] {
		it.Materials = append(it.Materials, catalog.Material{Name: r["name"], Required: strings.TrimSpace(r["required"]),
			Form: strings.TrimSpace(r["form"]), Copies: number(rowPath("materials", i, "copies"), r["copies"]),
			Source: strings.TrimSpace(r["source"]), Notes: r["notes"]})
	}
	for i, r := range f.Lists["steps"] {
		it.Steps = append(it.Steps, catalog.Step{Name: r["name"], Description: r["description"],
			Days: number(rowPath("steps", i, "days"), r["days"])})
	}
	for _, r := range f.Lists["faq"] {
		it.FAQ = append(it.FAQ, catalog.FAQ{Q: r["q"], A: r["a"]})
	}
	var fees []catalog.FeeItem
	for _, r := range f.Lists["fee.items"] {
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
