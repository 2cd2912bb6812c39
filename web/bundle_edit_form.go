package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhinan/catalog"
)

// The bundle edit form (一件事一次办) ⇄ catalog.Bundle: one form value per
// field, step and link rows as steps.0.base_code …, links.0.same. As in the
// situations of the guide form, blank rows stay in the form where they are
// drawn, so that the buttons that add, remove and move rows (name="row")
// work on the rows as drawn; bundle() leaves them out, and formPath turns
// the paths of errors back into the rows of the form.

// bundleScalars are the single-valued fields of the bundle form.
var bundleScalars = []string{"code", "name", "description", "themes", "ask_phrases", "form"}

// bundleLists are the row lists of the bundle form and their fields.
var bundleLists = []formList{
	{"steps", []string{"base_code", "or", "name", "stage"}},
	{"links", []string{"name", "same"}},
}

// bundleForm is a bundle as the edit form holds it.
type bundleForm struct {
	Values map[string]string
	Rows   map[string][]formRow // by list key, blank rows included
}

func newBundleForm() *bundleForm {
	return &bundleForm{Values: map[string]string{}, Rows: map[string][]formRow{}}
}

// parseBundleForm reads a posted form; it never fails.
func parseBundleForm(v url.Values) *bundleForm {
	f := newBundleForm()
	for _, k := range bundleScalars {
		f.Values[k] = formText(v.Get(k))
	}
	for _, l := range bundleLists {
		rows := map[int]formRow{}
		for name, vals := range v {
			rest, ok := strings.CutPrefix(name, l.Key+".")
			if !ok || len(vals) == 0 {
				continue
			}
			idx, sub, _ := strings.Cut(rest, ".")
			i, ok := rowIndex(idx)
			if !ok || !containsString(l.Subs, sub) {
				continue
			}
			if rows[i] == nil {
				rows[i] = formRow{}
			}
			rows[i][sub] = formText(vals[0])
		}
		for _, i := range sortedKeys(rows) {
			f.Rows[l.Key] = append(f.Rows[l.Key], rows[i])
		}
	}
	return f
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bundleFormOf is the form of a stored bundle.
func bundleFormOf(b *catalog.Bundle) *bundleForm {
	f := newBundleForm()
	f.Values["code"] = b.Code
	f.Values["name"] = b.Name
	f.Values["description"] = b.Description
	f.Values["themes"] = strings.Join(b.Themes, label("list.sep"))
	f.Values["ask_phrases"] = strings.Join(b.AskPhrases, "\n")
	f.Values["form"] = b.Form
	for _, s := range b.Steps {
		f.Rows["steps"] = append(f.Rows["steps"], formRow{"base_code": s.BaseCode, "or": strings.Join(s.Or, label("list.sep")),
			"name": s.Name, "stage": strconv.Itoa(s.Stage)})
	}
	for _, l := range b.Links {
		f.Rows["links"] = append(f.Rows["links"], formRow{"name": l.Name, "same": strings.Join(l.Same, "\n")})
	}
	return f
}

// bundle converts the form, leaving blank rows out. A step without a
// stage takes the next one after the previous step's (the first step 1):
// steps follow each other unless the editor gives two the same stage.
func (f *bundleForm) bundle() (*catalog.Bundle, []catalog.FieldError) {
	var errs []catalog.FieldError
	b := &catalog.Bundle{Code: strings.TrimSpace(f.Values["code"]), Name: strings.TrimSpace(f.Values["name"]),
		Description: f.Values["description"], Form: strings.TrimSpace(f.Values["form"]),
		Themes:     uniqueNonEmpty(splitList(f.Values["themes"])),
		AskPhrases: uniqueNonEmpty(strings.Split(f.Values["ask_phrases"], "\n"))}
	stage := 0
	for _, r := range f.Rows["steps"] {
		if r.blank() {
			continue
		}
		i := len(b.Steps)
		s := catalog.BundleStep{BaseCode: strings.TrimSpace(r["base_code"]), Or: uniqueNonEmpty(strings.Fields(strings.Join(splitList(r["or"]), " "))),
			Name: strings.TrimSpace(r["name"])}
		switch t := foldDigits(strings.TrimSpace(r["stage"])); t {
		case "":
			s.Stage = stage + 1
		default:
			n, err := strconv.Atoi(t)
			if err != nil {
				errs = append(errs, catalog.FieldError{Field: rowPath("steps", i, "stage"), Message: label("form.err.integer")})
			}
			s.Stage = n
		}
		stage = s.Stage
		b.Steps = append(b.Steps, s)
	}
	for _, r := range f.Rows["links"] {
		if r.blank() {
			continue
		}
		b.Links = append(b.Links, catalog.MaterialLink{Name: strings.TrimSpace(r["name"]), Same: uniqueNonEmpty(strings.Split(r["same"], "\n"))})
	}
	return b, errs
}

// formPath turns an error's path into the rows of the bundle into the
// path of the same row in the form.
func (f *bundleForm) formPath(path string) string {
	p, _ := listFormPath(bundleLists, f.Rows, path)
	return p
}

// rowAction applies a row button (name="row", see guideForm.rowAction):
// add:LIST, and del:, up: and down:LIST:I. It returns the form name of the
// control to focus (none when the last row was deleted), and false for a
// value that names no row.
func (f *bundleForm) rowAction(value string) (string, bool) {
	b, ok := parseRowButton(value)
	i := slices.IndexFunc(bundleLists, func(l formList) bool { return l.Key == b.List })
	if !ok || i < 0 {
		return "", false
	}
	spec := bundleLists[i]
	rows := f.Rows[spec.Key]
	at, ok := rowOp(&rows, b, maxSitRows, func() formRow { return formRow{} })
	f.Rows[spec.Key] = rows
	if !ok || at < 0 {
		return "", ok
	}
	return rowName(spec.Key, at, spec.Subs[0]), true
}
