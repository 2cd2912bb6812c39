package interchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/internal/testdb"
	"zhinan/seeds"
	"zhinan/store"
)

// streamImport imports the file at path as zhinan import does: the file
// streams into a store.Importer.
func streamImport(t *testing.T, st *store.Store, path string, opt store.ImportOptions) (*store.ImportResult, error) {
	t.Helper()
	f, err := interchange.OpenFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im, err := st.NewImporter(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	if err := f.Stream(im); err != nil {
		t.Fatal(err)
	}
	return im.Finish()
}

// writeLines writes lines as a JSON Lines file and returns its path.
func writeLines(t *testing.T, name string, lines []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// openStoreDir is openStore, also returning the data directory.
func openStoreDir(t *testing.T) (*store.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.OpenDB(testdb.URL(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	regions, err := seeds.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureRegions(context.Background(), regions); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

// itemLine is a JSON line of a minimal valid item of the catalogue of
// openStore's regions.
func itemLine(code, region string) string {
	return fmt.Sprintf(`{"code":%q,"base_code":"000000000001","name":"测试事项","type":"公共服务","region":%q,"department":"测试局"}`,
		code, region)
}

// publishedSeqs returns the change sequence value of every published item.
func publishedSeqs(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	seqs := map[string]int64{}
	err := st.EachPublished(context.Background(), catalog.ExportFilter{}, func(p *catalog.Published) error {
		seqs[p.Code] = p.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seqs
}

// An item whose region is defined by a region record further down the
// file is accepted, though it was read (and staged) before its region was
// known; an item whose region no record defines is reported with its file
// and line as when the whole file was decoded first, and with
// --skip-invalid taken out of the stage: the others keep change sequence
// values in input order with no gap.
func TestStreamImportRegionDefinedLater(t *testing.T) {
	ctx := context.Background()
	// More items than one batch before the region record, so that the
	// first ones are checked and staged before it is read.
	var lines, order []string
	never := map[int]string{} // line → code of an item of a region defined nowhere
	for i := 1; i <= 1500; i++ {
		code, region := fmt.Sprintf("LATE-%04d", i), "610998" // defined on the last line
		switch {
		case i%2 == 0:
			code, region = fmt.Sprintf("CITY-%04d", i), "610900"
		case i == 3 || i == 701 || i == 1499:
			code, region = fmt.Sprintf("NEVER-%04d", i), "610997"
			never[i] = code
		}
		lines = append(lines, itemLine(code, region))
		if never[i] == "" {
			order = append(order, code)
		}
	}
	lines = append(lines, `{"kind":"region","code":"610998","name":"测试新区","level":"县","parent":"610900"}`)
	path := writeLines(t, "late.jsonl", lines)

	st, dir := openStoreDir(t)
	res, err := streamImport(t, st, path, store.ImportOptions{})
	if !errors.Is(err, store.ErrRejected) || res.Rejected != 3 || len(res.Problems) != 3 {
		t.Fatalf("all-or-nothing import: %v %+v", err, res)
	}
	for i, line := range []int{3, 701, 1499} {
		p := res.Problems[i]
		want := fmt.Sprintf("late.jsonl 第%d行 (%s) [行政区划代码 region]：行政区划代码 610997 不存在", line, never[line])
		if p.File != path || p.Line != line || p.Field != "region" || strings.Replace(p.Error(), path, "late.jsonl", 1) != want {
			t.Fatalf("problem %d: %+v (%s), want %s", i, p, p.Error(), want)
		}
	}
	if seqs := publishedSeqs(t, st); len(seqs) != 0 {
		t.Fatalf("a rejected import wrote %d items", len(seqs))
	}
	if stages, _ := filepath.Glob(filepath.Join(dir, "import-*.stage")); len(stages) != 0 {
		t.Fatalf("stage files left: %v", stages)
	}

	before, _ := st.Seq(ctx)
	res, err = streamImport(t, st, path, store.ImportOptions{SkipInvalid: true})
	if err != nil || res.Created != len(order) || res.Rejected != 3 || res.Regions != 1 || !res.Written {
		t.Fatalf("import with skip-invalid: %v %+v", err, res)
	}
	seqs := publishedSeqs(t, st)
	if len(seqs) != len(order) {
		t.Fatalf("%d items published, want %d", len(seqs), len(order))
	}
	for i, code := range order {
		if seqs[code] != before+int64(i)+1 {
			t.Fatalf("%s: change sequence value %d, want %d", code, seqs[code], before+int64(i)+1)
		}
	}
}

// A code given twice, 100,000 lines apart, is reported on the second line
// naming the first, as when the whole file was decoded first.
func TestStreamImportDuplicateFarApart(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 items")
	}
	const apart = 100_000
	lines := []string{itemLine("TWICE", "610900")}
	for i := 1; i < apart; i++ {
		lines = append(lines, itemLine(fmt.Sprintf("ONCE-%06d", i), "610900"))
	}
	lines = append(lines, itemLine("TWICE", "610902"))
	path := writeLines(t, "far.jsonl", lines)
	st := openStore(t)
	res, err := streamImport(t, st, path, store.ImportOptions{})
	if !errors.Is(err, store.ErrRejected) || res.Rejected != 1 || len(res.Problems) != 1 {
		t.Fatalf("import: %v %+v", err, res)
	}
	p := res.Problems[0]
	want := fmt.Sprintf("实施编码 TWICE 重复：%s 第1行已有同一编码", path)
	if p.Line != apart+1 || p.Field != "code" || p.Code != "TWICE" || p.Message != want {
		t.Fatalf("problem %+v, want line %d: %s", p, apart+1, want)
	}
	if seqs := publishedSeqs(t, st); len(seqs) != 0 {
		t.Fatalf("a rejected import wrote %d items", len(seqs))
	}
}

// Importing a generated varied catalogue as zhinan import does (the file
// streamed into the import) stores exactly what importing the whole
// decoded file does: the same counts, guides (so digests), editions and
// change sequence values; so does importing it again (all unchanged) and a
// changed file over it.
func TestStreamImportMatchesWholeFile(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	if err := seeds.Generate(&buf, seeds.GenOptions{Items: 2600, Seed: 3, Vary: true}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gen.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// The second file changes every third item's guide.
	var changed []string
	for i, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if i%3 == 0 && strings.HasPrefix(line, `{"code":`) {
			line = strings.Replace(line, `"name":"`, `"name":"新`, 1)
		}
		changed = append(changed, line)
	}
	path2 := writeLines(t, "gen2.jsonl", changed)

	streamed, whole := openStore(t), openStore(t)
	for _, p := range []string{path, path, path2} {
		a, err := streamImport(t, streamed, p, store.ImportOptions{Note: "n"})
		if err != nil {
			t.Fatalf("streamed import of %s: %v", p, err)
		}
		d, err := interchange.DecodeFile(p, "")
		if err != nil {
			t.Fatal(err)
		}
		b, err := whole.Import(ctx, d, store.ImportOptions{Note: "n"})
		if err != nil {
			t.Fatalf("whole-file import of %s: %v", p, err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("results differ:\nstreamed   %s\nwhole file %s", ja, jb)
		}
		if a.Created+a.Updated+a.Unchanged == 0 {
			t.Fatalf("nothing imported: %s", ja)
		}
	}
	type stored struct {
		Guide   string
		Edition int
		Seq     int64
		Flags   []string
	}
	all := func(st *store.Store) map[string]stored {
		out := map[string]stored{}
		err := st.EachPublished(ctx, catalog.ExportFilter{}, func(p *catalog.Published) error {
			out[p.Code] = stored{string(catalog.AppendGuide(nil, &p.Item)), p.Edition, p.Seq, p.Flags}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := all(streamed), all(whole)
	if len(a) < 2600 || len(a) != len(b) {
		t.Fatalf("%d items streamed, %d whole", len(a), len(b))
	}
	for code, sa := range a {
		if sb := b[code]; fmt.Sprint(sa) != fmt.Sprint(sb) {
			t.Fatalf("%s differs:\nstreamed   %+v\nwhole file %+v", code, sa, sb)
		}
	}
	var ea, eb bytes.Buffer
	if _, err := interchange.Export(ctx, &ea, "jsonl", streamed, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, err := interchange.Export(ctx, &eb, "jsonl", whole, catalog.ExportFilter{}); err != nil {
		t.Fatal(err)
	}
	if ea.String() != eb.String() {
		t.Fatal("the exports differ")
	}
}
