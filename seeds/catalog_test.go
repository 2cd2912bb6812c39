package seeds

import (
	"fmt"
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
