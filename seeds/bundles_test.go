package seeds

import (
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"zhinan/catalog"
)

var bundleCode = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestSeedBundles: the seed bundles (一件事一次办) are many enough, well
// formed, and join entries the seed catalogue has; their material links
// name materials of their member guides.
func TestSeedBundles(t *testing.T) {
	c := loadCatalogue(t)
	bundles, err := Bundles()
	if err != nil {
		t.Fatal(err)
	}
	if len(bundles) < 10 {
		t.Errorf("%d bundles, want at least 10", len(bundles))
	}
	entries := map[string]bool{}
	for _, e := range c.Entries {
		entries[e.BaseCode] = true
	}
	tmpls, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	materials := map[string]map[string]bool{} // base code → material names of its guides
	themes := map[string]bool{}
	for _, tp := range tmpls {
		m := materials[tp.Item.BaseCode]
		if m == nil {
			m = map[string]bool{}
			materials[tp.Item.BaseCode] = m
		}
		for _, mat := range tp.Item.Materials {
			m[mat.Name] = true
		}
		for _, th := range tp.Item.Themes {
			themes[th] = true
		}
	}
	codes := map[string]bool{}
	for _, b := range bundles {
		if errs := catalog.ValidateBundle(&b, entries); len(errs) > 0 {
			t.Errorf("%s: %v", b.Code, errs)
		}
		if !bundleCode.MatchString(b.Code) || len(b.Code) > 32 {
			t.Errorf("bundle code %q: want a short lowercase slug", b.Code)
		}
		if codes[b.Code] {
			t.Errorf("duplicate bundle code %s", b.Code)
		}
		codes[b.Code] = true
		if b.Name == "" || b.Description == "" {
			t.Errorf("%s: name and description are required", b.Code)
		}
		if len(b.Steps) < 2 {
			t.Errorf("%s: %d steps, want at least 2", b.Code, len(b.Steps))
		}
		if n := len(b.AskPhrases); n < 6 || n > 10 {
			t.Errorf("%s: %d ask phrases, want 6 to 10", b.Code, n)
		}
		for _, p := range b.AskPhrases {
			if n := utf8.RuneCountInString(p); n < 2 || n > 20 {
				t.Errorf("%s: ask phrase %q has %d characters, want 2 to 20", b.Code, p, n)
			}
		}
		if len(b.Themes) == 0 {
			t.Errorf("%s: no themes", b.Code)
		}
		for _, th := range b.Themes {
			if !themes[th] {
				t.Errorf("%s: theme %q is used by no seed template", b.Code, th)
			}
		}
		members := map[string]bool{}
		seen := map[string]bool{}
		for i, s := range b.Steps {
			if s.Stage < 1 {
				t.Errorf("%s step %d: stage %d, want ≥ 1", b.Code, i+1, s.Stage)
			}
			if i > 0 && s.Stage < b.Steps[i-1].Stage {
				t.Errorf("%s step %d: stages out of order", b.Code, i+1)
			}
			for _, code := range append([]string{s.BaseCode}, s.Or...) {
				if !entries[code] {
					t.Errorf("%s step %d: no seed catalogue entry %s", b.Code, i+1, code)
				}
				members[code] = true
			}
			key := s.BaseCode + "/" + s.Name
			if seen[key] {
				t.Errorf("%s step %d: %s twice", b.Code, i+1, key)
			}
			seen[key] = true
		}
		for _, l := range b.Links {
			if l.Name == "" || len(l.Same) == 0 {
				t.Errorf("%s: link %+v needs a name and the names it joins", b.Code, l)
			}
			for _, name := range l.Same {
				found := false
				for code := range members {
					found = found || materials[code][name]
				}
				if !found {
					t.Errorf("%s: link %s names %q, a material of no member guide", b.Code, l.Name, name)
				}
			}
		}
	}
	for _, code := range []string{"birth", "company-open", "restaurant", "retire", "death", "marriage",
		"house-resale", "school", "disability", "company-close", "medical-claim", "company-change"} {
		if !codes[code] {
			t.Errorf("no bundle %s", code)
		}
	}
}

// TestSeedBirthBundle: the birth bundle joins the birth registration, the
// vaccination certificate, the health insurance and the social security card.
func TestSeedBirthBundle(t *testing.T) {
	bundles, err := Bundles()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(bundles, func(b catalog.Bundle) bool { return b.Code == "birth" })
	if i < 0 {
		t.Fatal("no birth bundle")
	}
	var codes []string
	for _, s := range bundles[i].Steps {
		codes = append(codes, s.BaseCode)
	}
	for _, want := range []string{"071001000000", "203009000000", "201040000000", "201039000000"} {
		if !slices.Contains(codes, want) {
			t.Errorf("birth bundle lacks entry %s (has %v)", want, codes)
		}
	}
}

// TestSeedRecordsCarryBundles: the seed records the store imports end with
// the bundles.
func TestSeedRecordsCarryBundles(t *testing.T) {
	c := loadCatalogue(t)
	recs := c.Records().Records
	bundles := 0
	lastItem, firstBundle := -1, len(recs)
	for i, r := range recs {
		switch r.Kind {
		case catalog.KindItem:
			lastItem = i
		case catalog.KindBundle:
			bundles++
			firstBundle = min(firstBundle, i)
			if r.Bundle == nil || r.Bundle.Code == "" {
				t.Fatalf("record %d: bundle record without a bundle", i+1)
			}
		}
	}
	if bundles != len(c.Bundles) || bundles < 10 {
		t.Errorf("%d bundle records, %d bundles in the catalogue", bundles, len(c.Bundles))
	}
	if firstBundle < lastItem {
		t.Errorf("bundle record %d comes before item record %d", firstBundle+1, lastItem+1)
	}
}
