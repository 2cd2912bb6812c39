package search

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// encodedTable returns the table's file image without the checksum.
func encodedTable(t *testing.T, tb *table) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tb.encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTableFileRoundTrip: the seed catalogue's table, saved and loaded,
// is the same table: the same columns, maps and name ranks, and a group's
// column grown after loading does not overwrite the next group's.
func TestTableFileRoundTrip(t *testing.T) {
	f := seedFixture(t)
	ix := f.index
	dir := t.TempDir()
	ix.mu.RLock()
	orig := ix.t
	err := orig.save(dir)
	want := encodedTable(t, orig)
	ix.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadTable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encodedTable(t, got), want) {
		t.Fatal("the loaded table encodes differently from the saved one")
	}
	if got.byCode.n != orig.byCode.n || got.byGroup.n != orig.byGroup.n || got.live != orig.live ||
		got.liveGroups != orig.liveGroups || len(got.nameKeys) != len(orig.nameKeys) || !slices.Equal(got.nameRank, orig.nameRank) {
		t.Fatalf("maps differ: codes %d/%d groups %d/%d live %d/%d liveGroups %d/%d names %d/%d",
			got.byCode.n, orig.byCode.n, got.byGroup.n, orig.byGroup.n, got.live, orig.live,
			got.liveGroups, orig.liveGroups, len(got.nameKeys), len(orig.nameKeys))
	}
	for i, r := range orig.Rows {
		if r.Group < 0 {
			continue
		}
		if ri, ok := got.byCode.find(got, r.Code); !ok || ri != int32(i) {
			t.Fatalf("item %s: row %d (%v), want %d", r.Code, ri, ok, i)
		}
	}
	for i, g := range orig.Groups {
		if gi, ok := got.byGroup.find(got, g.ID); !ok || gi != int32(i) {
			t.Fatalf("group %s: %d (%v), want %d", g.ID, gi, ok, i)
		}
	}
	// Groups' members and lists are slices of shared arrays: growing one
	// must not reach into the next.
	var multi int = -1
	for i := range got.Groups[:len(got.Groups)-1] {
		if len(got.Groups[i].Members) > 0 && len(got.Groups[i+1].Members) > 0 {
			multi = i
			break
		}
	}
	if multi < 0 {
		t.Fatal("no two neighbouring groups with items")
	}
	next := slices.Clone(got.Groups[multi+1].Members)
	g := &got.Groups[multi]
	g.Members = append(g.Members, member{Item: 1 << 30, Region: 1 << 30, Dept: 1, Svc: 1, Flags: 1})
	g.Themes, g.Audience = append(g.Themes, 1<<30), append(g.Audience, 1<<30)
	if !slices.Equal(got.Groups[multi+1].Members, next) || slices.Contains(got.Groups[multi+1].Themes, 1<<30) ||
		slices.Contains(got.Groups[multi+1].Audience, 1<<30) {
		t.Fatal("appending to a group's column changed the next group's")
	}
}

// TestTableFileDamaged: a table file with a changed byte, or cut short,
// is refused rather than read as another table (Open then rebuilds).
func TestTableFileDamaged(t *testing.T) {
	f := seedFixture(t)
	dir := t.TempDir()
	f.index.mu.RLock()
	err := f.index.t.save(dir)
	f.index.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, tableFile)
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"a byte changed": func() []byte { b := slices.Clone(good); b[len(b)/2] ^= 0x40; return b }(),
		"cut short":      good[:len(good)-100],
		"empty":          nil,
	} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loadTable(dir); err == nil || !strings.Contains(err.Error(), "read the search table") {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

// legacyOf is the table as earlier releases kept it, for gob.
func legacyOf(t *table) legacyTable {
	old := legacyTable{Seq: t.Seq, Rows: t.Rows, Regions: t.Regions, Depts: t.Depts, Types: t.Types,
		Audiences: t.Audiences, Themes: t.Themes, Services: t.Services}
	for _, g := range t.Groups {
		lg := legacyGroup{ID: g.ID.String(), Title: g.Title, Type: g.Type, Audience: g.Audience, Themes: g.Themes}
		for _, mb := range g.Members {
			lg.Items, lg.Regions, lg.Depts = append(lg.Items, mb.Item), append(lg.Regions, mb.Region), append(lg.Depts, mb.Dept)
			lg.Flags, lg.Svcs = append(lg.Flags, mb.Flags), append(lg.Svcs, mb.Svc)
		}
		old.Groups = append(old.Groups, lg)
	}
	return old
}

// TestLegacyTableIsRead: a generation whose table an earlier release
// wrote with gob opens without a rebuild and finds the same items; the
// next save, after an edit, replaces the gob file.
func TestLegacyTableIsRead(t *testing.T) {
	st, dir, items := smallStore(t, 40)
	ix := openIndex(t, dir, st)
	want := codes(t, ix, items[3].Name)
	if len(want) == 0 {
		t.Fatal("nothing found")
	}
	gen, _ := readCurrent(filepath.Join(dir, IndexDir))
	genDir := filepath.Join(dir, IndexDir, gen)
	ix.mu.RLock()
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(legacyOf(ix.t))
	ix.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(genDir, tableFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(genDir, legacyTableFile), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ix = openIndex(t, dir, st)
	if now, _ := readCurrent(filepath.Join(dir, IndexDir)); now != gen {
		t.Fatalf("the index was rebuilt (%s, was %s)", now, gen)
	}
	if got := codes(t, ix, items[3].Name); !slices.Equal(got, want) {
		t.Fatalf("found %v, want %v", got, want)
	}
	renamed := items[5]
	renamed.Name = "乌托邦特别通行许可"
	importItems(t, st, renamed)
	if err := ix.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := codes(t, ix, renamed.Name); !slices.Contains(got, renamed.Code) {
		t.Fatalf("the renamed item is not found: %v", got)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(genDir, legacyTableFile)); !os.IsNotExist(err) {
		t.Errorf("the gob table is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(genDir, tableFile)); err != nil {
		t.Errorf("no table file after the save: %v", err)
	}
}
