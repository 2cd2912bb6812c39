package main

import (
	"context"
	"errors"
	"flag"
	"os"

	"zhinan/catalog"
	"zhinan/seeds"
	"zhinan/store"
)

// siteRegionEnv is the environment variable that gives --site-region its
// default.
const siteRegionEnv = "ZHINAN_SITE_REGION"

// defaultSiteRegion is the site's own region when neither --site-region
// nor ZHINAN_SITE_REGION says otherwise: 安康市, the city the seeds
// describe.
const defaultSiteRegion = seeds.CityRegion

// siteRegionFlag adds --site-region to a command's flags: the site's own
// region, which the pages present first (web.Options.HomeRegion) and
// which /audit, GET /api/v1/coverage and `zhinan report` default to. It is
// the one place that default is defined.
func siteRegionFlag(fs *flag.FlagSet) *string {
	def := os.Getenv(siteRegionEnv)
	if def == "" {
		def = defaultSiteRegion
	}
	return fs.String("site-region", def, "the site's own region code: what the pages show first and /audit and the reports default to (default $"+siteRegionEnv+", else "+defaultSiteRegion+" 安康市)")
}

// checkSiteRegion fails when the site region is not a region of the store.
func checkSiteRegion(ctx context.Context, st *store.Store, code string) error {
	if _, err := st.Region(ctx, code); err != nil {
		if errors.Is(err, catalog.ErrNotFound) {
			return usagef("--site-region: "+msgReportRegion, code)
		}
		return err
	}
	return nil
}

// flagGiven tells whether a flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
