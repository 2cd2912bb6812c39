package seeds

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"zhinan/catalog"
)

func loadCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSeedCatalogueSize checks what the brief asks of the seed catalogue.
func TestSeedCatalogueSize(t *testing.T) {
	c := loadCatalogue(t)
	if n := len(c.Items); n < 600 {
		t.Errorf("%d items, want at least 600", n)
	}
	if n := len(c.Entries); n < 150 {
		t.Errorf("%d catalogue entries, want at least 150", n)
	}
	city, county := 0, 0
	for _, d := range c.Departments {
		if d.Region == CityRegion {
			city++
		} else {
			county++
		}
	}
	if city+county < 40 || city < 20 || county < 20 {
		t.Errorf("%d city and %d county departments, want at least 40 at both levels", city, county)
	}
}

// TestSeedItemsAreValid: every seed item is storable, codes are unique,
// and every item's department and entry exist.
func TestSeedItemsAreValid(t *testing.T) {
	c := loadCatalogue(t)
	regions, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, r := range regions {
		known[r.Code] = true
	}
	depts := map[string]bool{}
	for _, d := range c.Departments {
		depts[d.Region+"/"+d.Name] = true
	}
	entries := map[string]catalog.Entry{}
	for _, e := range c.Entries {
		entries[e.BaseCode] = e
	}
	codes := map[string]bool{}
	for _, it := range c.Items {
		if errs := catalog.Validate(&it); len(errs) > 0 {
			t.Errorf("%s %s: %v", it.Code, it.Name, errs)
		}
		if codes[it.Code] {
			t.Errorf("duplicate code %s", it.Code)
		}
		codes[it.Code] = true
		if !known[it.Region] {
			t.Errorf("%s: unknown region %s", it.Code, it.Region)
		}
		if !depts[it.Region+"/"+it.Department] {
			t.Errorf("%s: department %s not in the department list", it.Code, it.Department)
		}
		e, ok := entries[it.BaseCode]
		if !ok {
			t.Errorf("%s: no entry %s", it.Code, it.BaseCode)
		} else if !strings.HasPrefix(it.Name, e.Name) || e.Type != it.Type {
			t.Errorf("%s: %s/%s does not implement entry %s/%s", it.Code, it.Name, it.Type, e.Name, e.Type)
		}
	}
}

// TestSeedGuidesPassQuality: every seed guide passes the quality rules,
// except the templates documented as flawed, which fail exactly their rule.
func TestSeedGuidesPassQuality(t *testing.T) {
	c := loadCatalogue(t)
	flawed := 0
	for _, it := range c.Items {
		findings := catalog.Quality(&it)
		reason, isFlawed := c.Flawed[it.Code]
		switch {
		case isFlawed && len(findings) == 0:
			t.Errorf("%s %s is marked flawed (%s) but has no finding", it.Code, it.Name, reason)
		case isFlawed:
			flawed++
		case len(findings) > 0:
			t.Errorf("%s %s (%s): %v", it.Code, it.Name, it.Region, findings)
		}
	}
	if flawed == 0 || flawed > len(c.Items)/10 {
		t.Errorf("%d flawed items: want a small documented set", flawed)
	}
}

// TestSeedCoverage: every type, both audiences, the common life events and
// varied classifications, and counties that differ.
func TestSeedCoverage(t *testing.T) {
	c := loadCatalogue(t)
	types := map[string]int{}
	audiences := map[string]int{}
	flags := map[string]int{}
	names := strings.Builder{}
	type tally struct{ items, oneVisit int }
	perRegion := map[string]*tally{}
	for _, it := range c.Items {
		types[it.Type]++
		for _, a := range it.Audience {
			audiences[a]++
		}
		for _, f := range catalog.Flags(&it) {
			flags[f]++
		}
		names.WriteString(it.Name + "\n")
		if catalog.OnApplication(it.Type) {
			r := perRegion[it.Region]
			if r == nil {
				r = &tally{}
				perRegion[it.Region] = r
			}
			r.items++
			if catalog.HasFlag(&it, catalog.FlagOneVisit) {
				r.oneVisit++
			}
		}
	}
	for _, ty := range catalog.Types {
		if types[ty] == 0 {
			t.Errorf("no item of type %s", ty)
		}
	}
	for _, a := range catalog.Audiences {
		if audiences[a] == 0 {
			t.Errorf("no item for %s", a)
		}
	}
	for _, f := range catalog.FlagIDs {
		if flags[f] == 0 || flags[f] == len(c.Items) {
			t.Errorf("classification %s holds for %d of %d items: want a mix", f, flags[f], len(c.Items))
		}
	}
	for _, event := range []string{"生育", "户", "身份证", "婚", "就业", "养老保险", "医", "公积金", "不动产",
		"驾驶证", "机动车", "企业", "食品经营", "施工", "消防"} {
		if !strings.Contains(names.String(), event) {
			t.Errorf("no item about %s", event)
		}
	}
	full, partial := 0, 0
	for _, r := range perRegion {
		if r.oneVisit == r.items {
			full++
		} else {
			partial++
		}
	}
	if full == 0 || partial == 0 {
		t.Errorf("%d regions at 100%% 最多跑一次 and %d below: want both", full, partial)
	}
	t.Logf("%d items, types %v, flags %v", len(c.Items), types, flags)
}

// TestSeedIsDeterministic: two expansions give the same catalogue.
func TestSeedIsDeterministic(t *testing.T) {
	a, err := load()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := load()
	if fmt.Sprint(len(a.Items), a.Items[0].Code, a.Items[len(a.Items)-1].Code) !=
		fmt.Sprint(len(b.Items), b.Items[0].Code, b.Items[len(b.Items)-1].Code) {
		t.Fatal("the seed expansion is not deterministic")
	}
}

// answerPaths returns every complete set of answers to the situations: one
// option of each single-choice question, any subset (none included) of a
// multiple-choice question's options.
func answerPaths(sits []catalog.Situation) []catalog.Answers {
	paths := []catalog.Answers{{}}
	for _, s := range sits {
		var choices [][]string
		if s.Multiple {
			for mask := 0; mask < 1<<len(s.Options); mask++ {
				chosen := []string{}
				for i, o := range s.Options {
					if mask&(1<<i) != 0 {
						chosen = append(chosen, o.ID)
					}
				}
				choices = append(choices, chosen)
			}
		} else {
			for _, o := range s.Options {
				choices = append(choices, []string{o.ID})
			}
		}
		var next []catalog.Answers
		for _, p := range paths {
			for _, ch := range choices {
				a := catalog.Answers{}
				for k, v := range p {
					a[k] = v
				}
				a[s.ID] = ch
				next = append(next, a)
			}
		}
		paths = next
	}
	return paths
}

var situationID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// TestSeedSituations: many seed guides have situations (情形引导), each well
// formed, and for every seed guide the materials of all its answer paths
// together are its full list: no material is lost to the questions.
func TestSeedSituations(t *testing.T) {
	tmpls, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	with := 0
	for _, tp := range tmpls {
		if len(tp.Item.Situations) > 0 {
			with++
			if tp.Flawed != "" {
				t.Errorf("flawed template %s has situations: keep it as documented", tp.Item.Name)
			}
		}
	}
	if with < 40 {
		t.Errorf("%d templates with situations, want at least 40", with)
	}
	c := loadCatalogue(t)
	for _, it := range c.Items {
		checkSituations(t, &it)
	}
	t.Logf("%d of %d templates have situations", with, len(tmpls))
}

func checkSituations(t *testing.T, it *catalog.Item) {
	t.Helper()
	names := map[string]bool{}
	for _, m := range it.Materials {
		names[m.Name] = true
	}
	if n := len(it.Situations); n > 8 {
		t.Errorf("%s %s: %d questions, want at most 8", it.Code, it.Name, n)
	}
	qids := map[string]bool{}
	for _, s := range it.Situations {
		if !situationID.MatchString(s.ID) || qids[s.ID] {
			t.Errorf("%s %s: question id %q invalid or repeated", it.Code, it.Name, s.ID)
		}
		qids[s.ID] = true
		if s.Question == "" || len(s.Options) < 2 || len(s.Options) > 8 {
			t.Errorf("%s %s: question %s needs a text and 2 to 8 options", it.Code, it.Name, s.ID)
		}
		oids := map[string]bool{}
		for _, o := range s.Options {
			if !situationID.MatchString(o.ID) || oids[o.ID] || o.Label == "" {
				t.Errorf("%s %s: option %s/%q invalid, repeated or without a label", it.Code, it.Name, s.ID, o.ID)
			}
			oids[o.ID] = true
			for _, m := range append(slices.Clone(o.Add), o.Remove...) {
				if !names[m] {
					t.Errorf("%s %s: option %s/%s names %q, not a material of the guide", it.Code, it.Name, s.ID, o.ID, m)
				}
			}
			for _, m := range o.Add {
				if slices.Contains(o.Remove, m) {
					t.Errorf("%s %s: option %s/%s adds and removes %q", it.Code, it.Name, s.ID, o.ID, m)
				}
			}
		}
		if s.ID == "agent" && (len(s.Options) != 2 || s.Options[0].ID != "self" || s.Options[1].ID != "agent") {
			t.Errorf("%s %s: the agent question's options must be self and agent", it.Code, it.Name)
		}
	}
	union := map[string]bool{}
	for _, a := range answerPaths(it.Situations) {
		cl := it.Checklist(a)
		if !cl.Complete {
			t.Errorf("%s %s: answers %v do not complete the checklist", it.Code, it.Name, a)
		}
		for _, m := range cl.Materials {
			union[m.Name] = true
		}
	}
	for name := range names {
		if !union[name] {
			t.Errorf("%s %s: material %q is on no answer path", it.Code, it.Name, name)
		}
	}
}

// TestSeedIDCardAgent: 居民身份证补领 asks whether an agent applies; the
// agent's answer adds the power of attorney and the agent's ID card, the
// applicant's own does not.
func TestSeedIDCardAgent(t *testing.T) {
	c := loadCatalogue(t)
	found := 0
	for _, it := range c.Items {
		if it.BaseCode != "071006000000" {
			continue
		}
		found++
		i := slices.IndexFunc(it.Situations, func(s catalog.Situation) bool { return s.ID == "agent" })
		if i < 0 {
			t.Fatalf("%s %s: no agent question", it.Code, it.Name)
		}
		if q := it.Situations[i].Question; q != "是否委托他人办理" {
			t.Errorf("%s: agent question %q", it.Code, q)
		}
		has := func(a catalog.Answers, name string) bool {
			return slices.ContainsFunc(it.Checklist(a).Materials, func(m catalog.Material) bool { return m.Name == name })
		}
		for _, name := range []string{"授权委托书", "受托人居民身份证"} {
			if !has(catalog.Answers{"agent": {"agent"}}, name) {
				t.Errorf("%s: agent=agent does not list %s", it.Code, name)
			}
			if has(catalog.Answers{"agent": {"self"}}, name) {
				t.Errorf("%s: agent=self lists %s", it.Code, name)
			}
		}
		if !has(catalog.Answers{"agent": {"self"}}, "居民身份证申领登记表") {
			t.Errorf("%s: agent=self lost the unconditional materials", it.Code)
		}
	}
	if found == 0 {
		t.Fatal("no 居民身份证补领 in the seed catalogue")
	}
}
