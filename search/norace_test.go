//go:build !race

package search

// raceEnabled tells the tests that the race detector is on: they run on
// less data.
const raceEnabled = false
