package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// groupDocs makes groups' bleve documents for one bleve index without
// bleve's mapping: the fields its mapping gives a document (ask, faq and
// body, with the mapping's options and analyzer), analysed straight into
// term counts (cjkPieces.frequencies), and neither the name fields, empty
// since the titles index holds the names, nor the composite _all field:
// nothing reads them. On a varied catalogue every county's guide is a
// document of its own, and the tokens, the per-term allocations and the
// nine unread fields bleve made of each were a fifth of building the index.
// TestGroupDocumentIsMapped compares the fields with bleve's.
type groupDocs struct {
	fields []groupField
}

// groupField is how one field of a group's document is made.
type groupField struct {
	name     string
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer
	value    func(*document) string
}

// newGroupDocs reads the fields' options and analyzers from the index's
// mapping.
func newGroupDocs(m mapping.IndexMapping) (*groupDocs, error) {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok || im.DefaultMapping == nil {
		return nil, fmt.Errorf("search index mapping: unexpected %T", m)
	}
	d := &groupDocs{}
	for _, f := range documentFields {
		if f.title {
			continue
		}
		dm := im.DefaultMapping.Properties[f.name]
		if dm == nil || len(dm.Fields) != 1 {
			return nil, fmt.Errorf("search index mapping: no single field %q", f.name)
		}
		fm := dm.Fields[0]
		a := im.AnalyzerNamed(fm.Analyzer)
		if a == nil {
			return nil, fmt.Errorf("search index mapping: field %q: no analyzer %q", f.name, fm.Analyzer)
		}
		d.fields = append(d.fields, groupField{name: f.name, options: fm.Options(), analyzer: a, value: f.value})
	}
	return d, nil
}

// make returns the bleve document of a group with the given id, its
// fields analysed already: the build makes documents on its own goroutine
// while bleve writes the previous batch's segment on one core, and
// bleve's analysis of a batch, which it waits for before writing the
// segment, finds nothing left to do.
func (d *groupDocs) make(id string, g groupText) *bdoc.Document {
	text := makeDocument(g)
	doc := bdoc.NewDocument(id)
	for i := range d.fields {
		f := &d.fields[i]
		tf := &groupTextField{groupField: f, value: []byte(f.value(&text))}
		tf.Analyze()
		doc.AddField(tf)
	}
	return doc
}

// groupTextField is a field of a group's document: bleve's TextField
// without array positions, analysed straight into term counts when the
// analyzer can and the field keeps no term vectors.
type groupTextField struct {
	*groupField
	value  []byte
	length int
	freqs  index.TokenFrequencies
}

var _ bdoc.Field = (*groupTextField)(nil)

func (f *groupTextField) Name() string                                     { return f.name }
func (f *groupTextField) ArrayPositions() []uint64                         { return nil }
func (f *groupTextField) Options() index.FieldIndexingOptions              { return f.options }
func (f *groupTextField) Value() []byte                                    { return f.value }
func (f *groupTextField) NumPlainTextBytes() uint64                        { return uint64(len(f.value)) }
func (f *groupTextField) EncodedFieldType() byte                           { return 't' }
func (f *groupTextField) AnalyzedLength() int                              { return f.length }
func (f *groupTextField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// Size estimates the field's memory for bleve's statistics (scorch asks
// every analysed document on the batch's one goroutine), without walking
// the terms as TextField does: each term a map entry, a TokenFreq and a
// bigram of two Han characters in its key and in Term.
func (f *groupTextField) Size() int {
	const perTerm = 16 + 8 + 56 + 2*6
	return 64 + len(f.name) + len(f.value) + len(f.freqs)*perTerm
}

// Analyze implements bdoc.Field. A field is analysed once: bleve analyses
// every document of a batch again.
func (f *groupTextField) Analyze() {
	if f.freqs != nil {
		return
	}
	if p, ok := f.analyzer.(*cjkPieces); ok && !f.options.IncludeTermVectors() && !f.options.SkipFreqNorm() {
		f.length, f.freqs = p.frequencies(f.value)
		return
	}
	ts := f.analyzer.Analyze(f.value)
	f.length, f.freqs = len(ts), analysis.TokenFrequency(ts, nil, f.options)
}
