package search

import "testing"

// The warm-up counts terms in one segment large enough to stand for the
// index, the smallest such, and scales the counts to the whole index; an
// index without one is counted whole.
func TestSampleSegment(t *testing.T) {
	for _, c := range []struct {
		counts []uint64
		pick   int
		scale  float64
	}{
		{[]uint64{2_600, 210_000, 26_000, 29_000, 3_000}, 2, 270_600.0 / 26_000},
		{[]uint64{210_000}, 0, 1},
		{[]uint64{19_999, 5_000}, -1, 1},
		{nil, -1, 1},
	} {
		pick, scale := sampleSegment(c.counts)
		if pick != c.pick || scale != c.scale {
			t.Errorf("%v: segment %d scaled by %v, want %d by %v", c.counts, pick, scale, c.pick, c.scale)
		}
	}
}
