package search

import (
	"context"
	"testing"

	bdoc "github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"zhinan/catalog"
)

// TestGroupDocumentIsMapped: a group's document made by groupDocs has the
// fields bleve's mapping makes of makeDocument's struct, with the same
// options, lengths and term counts once analysed, and no composite field,
// for every group of the seed catalogue and of a varied one.
func TestGroupDocumentIsMapped(t *testing.T) {
	ixs := map[string]*Index{"seed": seedFixture(t).index}
	if !testing.Short() {
		ixs["varied"] = newRefFixture(t, 400, 11).ix
	}
	for name, ix := range ixs {
		t.Run(name, func(t *testing.T) {
			m := newMapping()
			docs, err := newGroupDocs(m)
			if err != nil {
				t.Fatal(err)
			}
			groups := 0
			seen := map[groupID]bool{}
			err = ix.store.EachPublished(context.Background(), catalog.ExportFilter{}, func(p *catalog.Published) error {
				gt := textOf(p, ix.regions.localDepartment(p.Region, p.Department))
				if seen[gt.id] {
					return nil
				}
				seen[gt.id] = true
				groups++
				want := bdoc.NewDocument(gt.id.String())
				if err := m.MapDocument(want, makeDocument(gt)); err != nil {
					return err
				}
				got := docs.make(gt.id.String(), gt)
				compareDocuments(t, want, got)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if groups < 100 {
				t.Fatalf("only %d groups compared", groups)
			}
		})
	}
}

// compareDocuments analyses both documents' fields and reports where got
// differs from want. want's composite field is bleve's _all and its name
// fields are empty (makeDocument leaves them out; the titles index holds
// the names): nothing reads them, and got must have none.
func compareDocuments(t *testing.T, want, got *bdoc.Document) {
	t.Helper()
	if got.ID() != want.ID() {
		t.Fatalf("id %q, want %q", got.ID(), want.ID())
	}
	if got.HasComposite() {
		t.Fatalf("%s: has a composite field", got.ID())
	}
	fields := func(d *bdoc.Document) (names []string, byName map[string]index.Field) {
		byName = map[string]index.Field{}
		d.VisitFields(func(f index.Field) {
			f.Analyze()
			if titleField(f.Name()) {
				if len(f.Value()) != 0 || d == got {
					t.Fatalf("%s: name field %s %q", d.ID(), f.Name(), f.Value())
				}
				return
			}
			names = append(names, f.Name())
			byName[f.Name()] = f
		})
		return names, byName
	}
	wantNames, wantFields := fields(want)
	gotNames, gotFields := fields(got)
	if len(gotNames) != len(wantNames) {
		t.Fatalf("%s: fields %v, want %v", got.ID(), gotNames, wantNames)
	}
	for i, name := range wantNames {
		if gotNames[i] != name {
			t.Fatalf("%s: fields %v, want %v", got.ID(), gotNames, wantNames)
		}
		w, g := wantFields[name], gotFields[name]
		switch {
		case g.Options() != w.Options():
			t.Fatalf("%s %s: options %v, want %v", got.ID(), name, g.Options(), w.Options())
		case string(g.Value()) != string(w.Value()):
			t.Fatalf("%s %s: value %q, want %q", got.ID(), name, g.Value(), w.Value())
		case len(g.ArrayPositions()) != 0 || len(w.ArrayPositions()) != 0:
			t.Fatalf("%s %s: array positions %v, want %v", got.ID(), name, g.ArrayPositions(), w.ArrayPositions())
		}
		if d := sameFrequencies(w.AnalyzedLength(), w.AnalyzedTokenFrequencies(), g.AnalyzedLength(), g.AnalyzedTokenFrequencies()); d != "" {
			t.Fatalf("%s %s: %s", got.ID(), name, d)
		}
	}
}
