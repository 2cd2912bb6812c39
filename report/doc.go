// Package report computes the reports auditors publish and check: coverage
// ratios (网上可办率, 最多跑一次比例 …) by region, department and type as of
// any date (coverage.go, targets.go) with the bundle counts of today
// (bundles.go), 三级四同 conformance of the implementations with their
// catalogue entries (conformance.go), guide-quality findings (quality.go)
// with the steps of bundles no item serves in a region (bundles.go), and
// the feedback figures — 好差评, tickets and 办不成事 of a range of days,
// with the unanswered searches (feedback.go); each is a document (JSON) and
// tables (table.go), which one writer per format writes: aligned terminal
// text (text.go), CSV (csv.go) and XLSX with a chart (xlsx.go), chosen in
// format.go.
//
// It reads the catalogue through package store, the domain's values
// through catalog and feedback, and takes CSV formula neutralisation from
// interchange; it must not import gin, bleve or gorm, nor search or web.
package report
