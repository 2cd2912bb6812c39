package interchange

import (
	"context"
	"fmt"
	"io"

	"zhinan/catalog"
)

// Source is the catalogue an export reads: its published items and what
// they refer to. *store.Store is one.
type Source interface {
	// EachPublished calls fn for every published item matching f, in code
	// order.
	EachPublished(ctx context.Context, f catalog.ExportFilter, fn func(*catalog.Published) error) error
	// References returns the regions (parents first), departments and
	// catalogue entries the published items matching f refer to.
	References(ctx context.Context, f catalog.ExportFilter) ([]catalog.Region, []catalog.Department, []catalog.Entry, error)
	// EachPublishedBundle calls fn for every published bundle (一件事), in
	// code order.
	EachPublishedBundle(ctx context.Context, fn func(*catalog.PublishedBundle) error) error
}

// Export writes the published items of src matching f to w in format
// (jsonl, csv or xlsx) and returns how many items it wrote. JSON Lines
// starts with the regions, departments and catalogue entries those items
// use, so that an export imports into an empty store and exports again to
// identical bytes.
//
// An export of the whole catalogue (f empty) also writes the published
// bundles (一件事), after the items: JSON Lines as bundle records, XLSX on
// its 一件事 sheet; CSV, one table of items, skips them. Bundles are the
// city's, not a region's or a department's, so a filtered export leaves
// them out.
func Export(ctx context.Context, w io.Writer, format string, src Source, f catalog.ExportFilter) (int, error) {
	enc, err := NewEncoder(w, format)
	if err != nil {
		return 0, err
	}
	if format == "jsonl" {
		if err := writeReferences(ctx, enc, src, f); err != nil {
			return 0, err
		}
	}
	n := 0
	err = src.EachPublished(ctx, f, func(p *catalog.Published) error {
		n++
		return enc.Write(catalog.Record{Kind: catalog.KindItem, Item: &p.Item})
	})
	if err != nil {
		return 0, err
	}
	if f == (catalog.ExportFilter{}) {
		err = src.EachPublishedBundle(ctx, func(p *catalog.PublishedBundle) error {
			return enc.Write(catalog.Record{Kind: catalog.KindBundle, Bundle: &p.Bundle})
		})
		if err != nil {
			return 0, err
		}
	}
	if err := enc.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", format, err)
	}
	return n, nil
}

// writeReferences writes the region, department and entry records the
// exported items refer to.
func writeReferences(ctx context.Context, enc Encoder, src Source, f catalog.ExportFilter) error {
	regions, departments, entries, err := src.References(ctx, f)
	if err != nil {
		return err
	}
	for i := range regions {
		if err := enc.Write(catalog.Record{Kind: catalog.KindRegion, Region: &regions[i]}); err != nil {
			return err
		}
	}
	for i := range departments {
		if err := enc.Write(catalog.Record{Kind: catalog.KindDepartment, Department: &departments[i]}); err != nil {
			return err
		}
	}
	for i := range entries {
		if err := enc.Write(catalog.Record{Kind: catalog.KindEntry, Entry: &entries[i]}); err != nil {
			return err
		}
	}
	return nil
}
