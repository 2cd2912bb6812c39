// Package interchange holds zhinan's file formats (docs/contract.md#interchange): the codecs
// of JSON Lines and JSON arrays (jsonl.go, on the record framing of
// jsonstream.go and the line reader of linereader.go), CSV (csv.go) and
// XLSX (xlsx.go, a bounded streaming reader; xlsx_write.go, the excelize
// writer) over one spreadsheet model of an item (sheet.go), with the
// situations (情形引导) of items as a JSON column in CSV and the XLSX sheet
// 情形 (situation_sheet.go), and bundles (一件事) on the XLSX sheet 一件事
// (bundle_sheet.go), both tables of groups (sheets.go), the national
// platform dialect (national.go), choosing a decoder by file (codec.go),
// and the export of a catalogue (export.go). Decoding never stops at the
// first fault: every problem names its file, line or row, and field
// (catalog.Problem). The formats are described in docs/interchange.md.
//
// It imports catalog, whose records (catalog.Record, catalog.Decoded) are
// what it reads and writes, and must not import store, gorm, gin or bleve:
// an export reads the catalogue through the Source interface, which
// *store.Store satisfies, and an import streams the decoded records, as
// they are read, into a catalog.Sink, which the store's Importer is
// (File.Stream), or collects them whole for the store's Import.
package interchange
