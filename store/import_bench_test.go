package store

import (
	"context"
	"fmt"
	"testing"

	"zhinan/catalog"
	"zhinan/catalog/catalogtest"
)

// BenchmarkImport measures items/s into a real SQLite store: each
// iteration imports a fresh batch of 10,000 complete guides.
func BenchmarkImport(b *testing.B) {
	const batch = 10000
	ctx := context.Background()
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.EnsureRegions(ctx, catalogtest.Regions); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		var d catalog.Decoded
		for i := 0; i < batch; i++ {
			it := catalogtest.CompleteGuide()
			it.Code = fmt.Sprintf("B%03d%06d", n, i)
			d.Records = append(d.Records, catalog.Record{Line: i + 1, Kind: catalog.KindItem, Item: it})
		}
		b.StartTimer()
		res, err := st.Import(ctx, d, ImportOptions{})
		if err != nil || res.Created != batch {
			b.Fatalf("%v %+v", err, res)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "items/s")
}
