//go:build !linux

package search

import "time"

// Process figures are read on Linux only; elsewhere they are reported as
// -1 or 0.

func rssMB() float64           { return -1 }
func loadAvg() float64         { return -1 }
func cpuTime() time.Duration   { return 0 }
func threadCPU() time.Duration { return 0 }
