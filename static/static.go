// Package static holds the web pages' CSS, JavaScript and images, embedded
// in the binary: government intranets are often offline, so the pages make
// no request to any other host.
package static

import "embed"

// Files are the static assets, served fingerprinted by the web package.
//
//go:embed *.css *.js *.svg
var Files embed.FS
