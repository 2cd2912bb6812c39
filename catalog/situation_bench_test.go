package catalog

import "testing"

// BenchmarkValidate: a complete guide without situations (most of an
// import of 100,000 items) and one with situations.
func BenchmarkValidate(b *testing.B) {
	for _, bc := range []struct {
		name string
		it   *Item
	}{{"plain", completeGuide()}, {"situations", situationGuide()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if errs := Validate(bc.it); len(errs) != 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}
