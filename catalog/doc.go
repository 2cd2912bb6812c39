// Package catalog is the domain of zhinan: regions, departments, catalogue
// entries (基本目录) and the service items (实施清单事项) that implement them,
// with their guides and editions as values. It holds
//
//   - the types (item.go, published.go) and the records and problems of
//     interchange (record.go);
//   - structural validation and its named limits (validate.go);
//   - the classifications derived from a guide and whether an item is on
//     application (classify.go);
//   - the guide-quality findings (quality.go) and the diff of two editions
//     (diff.go);
//   - the access policy: who may do what (access.go);
//   - the canonical JSON form of a guide: its encoder (jsonenc.go) and the
//     fast scanner that reads it (jsonscan.go);
//   - the domain's vocabulary: stored values (values.go) apart from labels
//     and messages (messages.go, labels.go).
//
// It must not import gorm, gin, bleve or any database driver: it is the
// bottom layer. The store (package store), the codecs (package
// interchange), the search index, the reports and the web layer depend on
// it, never the other way round.
package catalog
