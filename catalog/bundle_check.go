package catalog

import (
	"fmt"
	"strings"
)

// Structural limits of a bundle (一件事). Its name, themes and ask phrases
// are held to the limits of an item's (MaxNameLen, MaxThemes, MaxLineRunes,
// MaxAskPhrases, MaxAskPhraseRunes).
const (
	MaxBundleCodeLen = 40 // characters of a bundle code
	// MaxBundles is the most bundles a catalogue holds: national and
	// provincial lists name a few dozen life events; the limit keeps the
	// in-memory matcher and the pages' cache small.
	MaxBundles = 200
	// MaxBundleSteps is the most steps of a bundle; a real life event
	// joins a handful of entries (出生一件事: 5).
	MaxBundleSteps    = 20
	MaxBundleOr       = 5  // alternative entries of one step
	MaxBundleLinks    = 50 // material links
	MaxBundleLinkSame = 10 // names of one material link
	// MaxBundleDescriptionRunes bounds a bundle's description, as the
	// other free texts of a guide (MaxNotesRunes).
	MaxBundleDescriptionRunes = MaxNotesRunes
)

// ValidateBundle returns every structural problem of a bundle, in the
// order of its fields, list elements in index order, at most one per
// field. entries holds the base codes of the known catalogue entries
// (stored and of the same input): every step's entry and alternatives must
// be among them, and no entry may serve two steps (nor twice in one).
func ValidateBundle(b *Bundle, entries map[string]bool) []FieldError {
	if b == nil {
		return []FieldError{{Message: MsgBundleMissing}}
	}
	v := &guideChecker{}
	if v.line("code", b.Code, -1) && !IsBundleCode(b.Code) {
		if b.Code == "" {
			v.add("code", MsgRequired)
		} else {
			v.add("code", fmt.Sprintf(MsgBundleCodeFormat, MaxBundleCodeLen))
		}
	}
	v.requiredLine("name", b.Name, MaxNameLen)
	v.long("description", b.Description, MaxBundleDescriptionRunes)
	v.themes(b.Themes)
	v.askPhrases(b.AskPhrases)
	v.bundleSteps(b.Steps, entries)
	v.line("form", b.Form, MaxLineRunes)
	n := v.bounded("links", len(b.Links), MaxBundleLinks)
	for i, l := range b.Links[:n] {
		v.requiredLine(elemPath("links", i, "name"), l.Name, MaxLineRunes)
		f := elemPath("links", i, "same")
		if len(l.Same) == 0 {
			v.add(f, MsgRequired)
			continue
		}
		m := v.bounded(f, len(l.Same), MaxBundleLinkSame)
		for j, s := range l.Same[:m] {
			v.requiredLine(fmt.Sprintf("%s[%d]", f, j), s, MaxLineRunes)
		}
	}
	return v.errs
}

// BundleProblems checks a bundle record (ValidateBundle) and returns its
// problems, each with the record's file and line and the bundle's code.
func BundleProblems(r Record, entries map[string]bool) []Problem {
	errs := ValidateBundle(r.Bundle, entries)
	ps := make([]Problem, len(errs))
	for i, e := range errs {
		ps[i] = r.Problem(e.Field, e.Message)
		if r.Bundle != nil {
			ps[i].Code = r.Bundle.Code
		}
	}
	return ps
}

// IsBundleCode reports whether s is 1 to MaxBundleCodeLen ASCII letters,
// digits, '-' and '_'.
func IsBundleCode(s string) bool {
	return len(s) >= 1 && len(s) <= MaxBundleCodeLen && strings.IndexFunc(s, notCodeChar) < 0
}

// notCodeChar reports whether r is none of the characters of a code: ASCII
// letters, digits, '-' and '_'.
func notCodeChar(r rune) bool {
	return !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_')
}

// bundleSteps checks the steps of a bundle: 1 to MaxBundleSteps, each a
// known entry not used before (with its alternatives), a one-line label and
// a stage of at least 1.
func (v *guideChecker) bundleSteps(steps []BundleStep, entries map[string]bool) {
	if len(steps) == 0 {
		v.add("steps", MsgRequired)
		return
	}
	n := v.bounded("steps", len(steps), MaxBundleSteps)
	used := map[string]int{} // base code → the step using it
	entry := func(field, code string, step int) {
		if !v.line(field, code, -1) {
			return
		}
		switch first, dup := used[code]; {
		case code == "":
			v.add(field, MsgRequired)
		case !entries[code]:
			v.add(field, fmt.Sprintf(MsgUnknownEntry, code))
		case dup:
			v.add(field, fmt.Sprintf(MsgBundleEntryTwice, first+1))
		default:
			used[code] = step
		}
	}
	for i, s := range steps[:n] {
		entry(elemPath("steps", i, "base_code"), s.BaseCode, i)
		f := elemPath("steps", i, "or")
		m := v.bounded(f, len(s.Or), MaxBundleOr)
		for j, o := range s.Or[:m] {
			entry(fmt.Sprintf("%s[%d]", f, j), o, i)
		}
		v.line(elemPath("steps", i, "name"), s.Name, MaxNameLen)
		if s.Stage < 1 || s.Stage > MaxBundleSteps {
			v.add(elemPath("steps", i, "stage"), fmt.Sprintf(MsgBundleStage, MaxBundleSteps))
		}
	}
}

// themes checks a list of themes: at most MaxThemes, each a non-blank
// line of at most MaxLineRunes characters.
func (v *guideChecker) themes(list []string) {
	n := v.list("themes", len(list))
	for i, t := range list[:n] {
		f := elemPath("themes", i, "")
		if v.line(f, t, MaxLineRunes) && strings.TrimSpace(t) == "" {
			v.add(f, MsgEmptyElement)
		}
	}
}

// bounded checks that a list of n elements has at most max and returns how
// many of its elements to check.
func (v *guideChecker) bounded(field string, n, max int) int {
	if n > max {
		v.add(field, fmt.Sprintf(MsgTooMany, max, n))
		return max
	}
	return n
}
