package search

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
)

// tableFile is the file inside an index generation that holds the table
// (written atomically; the bleve index beside it holds the groups' text).
// legacyTableFile is the gob encoding earlier releases wrote: it is read
// when tableFile is absent, and removed by the next save.
const (
	tableFile       = "table.bin"
	legacyTableFile = "table.gob"
)

// The table file is columnar: every field of the groups and rows is one
// array, written and read in one piece, so that a million groups load in
// a fraction of a second (gob decoded them one small slice at a time, and
// took 5 s at a million), and the groups' members and lists are slices of
// a few large arrays rather than millions of small ones, which the
// garbage collector would otherwise visit one by one.
//
// Layout, little-endian: the magic and version, the sequence, the six
// interners as string lists, the group count, the groups' IDs (in hex),
// title numbers and titles, types, audiences and themes (offsets and values),
// their items' offsets and the columns Items, Regions, Depts, Flags and
// Svcs, the row count, the rows' codes, groups and positions, and last a
// CRC-32 of all before it. A string list is a count, the lengths, then
// the bytes.
var tableMagic = []byte("zhinan-table\x00\x01")

// save writes the table atomically into the generation folder genDir.
func (t *table) save(genDir string) error {
	tmp, err := os.CreateTemp(genDir, ".table-*")
	if err != nil {
		return err
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("save the search table: %w", err)
	}
	crc := crc32.NewIEEE()
	w := bufio.NewWriterSize(io.MultiWriter(tmp, crc), 1<<20)
	if err := t.encode(w); err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if err := binary.Write(tmp, binary.LittleEndian, crc.Sum32()); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(genDir, tableFile)); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(genDir, legacyTableFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// encode writes the table's columns (see tableMagic).
func (t *table) encode(w io.Writer) error {
	e := &tableEncoder{w: w}
	e.bytes(tableMagic)
	e.put(t.Seq)
	for _, in := range t.interners() {
		e.strings(in.Vals)
	}
	n := len(t.Groups)
	e.put(uint32(n))
	ids := make([]string, n)
	titleNo := make([]int32, n)
	var titles []string
	seen := map[string]int32{}
	types := make([]int32, n)
	for i := range t.Groups {
		g := &t.Groups[i]
		ids[i], types[i] = g.ID.String(), g.Type
		k, ok := seen[g.Title]
		if !ok {
			k = int32(len(titles))
			seen[g.Title] = k
			titles = append(titles, g.Title)
		}
		titleNo[i] = k
	}
	e.strings(ids)
	e.put(titleNo)
	e.strings(titles)
	e.put(types)
	e.ragged(n, func(i int) []int32 { return t.Groups[i].Audience })
	e.ragged(n, func(i int) []int32 { return t.Groups[i].Themes })
	var items, regions, depts, svcs []int32
	var flags []uint16
	ends := make([]uint32, n)
	for i := range t.Groups {
		for _, mb := range t.Groups[i].Members {
			items, regions, depts = append(items, mb.Item), append(regions, mb.Region), append(depts, mb.Dept)
			flags, svcs = append(flags, mb.Flags), append(svcs, mb.Svc)
		}
		ends[i] = uint32(len(items))
	}
	e.put(ends)
	e.put(items)
	e.put(regions)
	e.put(depts)
	e.put(flags)
	e.put(svcs)
	m := len(t.Rows)
	e.put(uint32(m))
	codes := make([]string, m)
	groups := make([]int32, m)
	pos := make([]int32, m)
	for i, r := range t.Rows {
		codes[i], groups[i], pos[i] = r.Code, r.Group, r.Pos
	}
	e.strings(codes)
	e.put(groups)
	e.put(pos)
	return e.err
}

// interners lists the table's interners in the file's order.
func (t *table) interners() []*interner {
	return []*interner{&t.Regions, &t.Depts, &t.Types, &t.Audiences, &t.Themes, &t.Services}
}

// tableEncoder writes the table file's parts, keeping the first error.
type tableEncoder struct {
	w   io.Writer
	err error
}

func (e *tableEncoder) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// put writes a fixed-size value or a slice of them.
func (e *tableEncoder) put(v any) {
	if e.err == nil {
		e.err = binary.Write(e.w, binary.LittleEndian, v)
	}
}

func (e *tableEncoder) strings(ss []string) {
	lens := make([]uint32, len(ss))
	for i, s := range ss {
		lens[i] = uint32(len(s))
	}
	e.put(uint32(len(ss)))
	e.put(lens)
	for _, s := range ss {
		if e.err == nil {
			_, e.err = io.WriteString(e.w, s)
		}
	}
}

// ragged writes n lists: their end offsets, then their values.
func (e *tableEncoder) ragged(n int, list func(int) []int32) {
	ends := make([]uint32, n)
	var vals []int32
	for i := range n {
		vals = append(vals, list(i)...)
		ends[i] = uint32(len(vals))
	}
	e.put(ends)
	e.put(vals)
}

// loadTable reads the table saved in the generation folder genDir.
func loadTable(genDir string) (*table, error) {
	b, err := os.ReadFile(filepath.Join(genDir, tableFile))
	if errors.Is(err, os.ErrNotExist) {
		return loadLegacyTable(genDir)
	}
	if err != nil {
		return nil, err
	}
	t := newTable()
	if err := t.decode(b); err != nil {
		return nil, fmt.Errorf("read the search table: %w", err)
	}
	if err := t.link(); err != nil {
		return nil, fmt.Errorf("read the search table: %w", err)
	}
	return t, nil
}

// loadLegacyTable reads a table an earlier release wrote with gob.
func loadLegacyTable(genDir string) (*table, error) {
	f, err := os.Open(filepath.Join(genDir, legacyTableFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var old legacyTable
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&old); err != nil {
		return nil, fmt.Errorf("read the search table: %w", err)
	}
	t, err := old.table()
	if err != nil {
		return nil, fmt.Errorf("read the search table: %w", err)
	}
	if err := t.link(); err != nil {
		return nil, fmt.Errorf("read the search table: %w", err)
	}
	return t, nil
}

// legacyTable and legacyGroup are the table as earlier releases wrote it
// with gob: the group id in hex, the items' values in columns.
type legacyTable struct {
	Seq                                                int64
	Groups                                             []legacyGroup
	Rows                                               []row
	Regions, Depts, Types, Audiences, Themes, Services interner
}

type legacyGroup struct {
	ID                    string
	Title                 string
	Type                  int32
	Audience, Themes      []int32
	Items, Regions, Depts []int32
	Flags                 []uint16
	Svcs                  []int32
}

// table converts a legacy table.
func (old *legacyTable) table() (*table, error) {
	t := newTable()
	t.Seq, t.Rows = old.Seq, old.Rows
	t.Regions, t.Depts, t.Types, t.Audiences, t.Themes, t.Services = old.Regions, old.Depts, old.Types, old.Audiences, old.Themes, old.Services
	t.Groups = make([]group, len(old.Groups))
	for i, g := range old.Groups {
		id, ok := parseGroupID([]byte(g.ID))
		members, same := membersOf(g.Items, g.Regions, g.Depts, g.Svcs, g.Flags)
		if !ok || !same {
			return nil, errTableDamaged
		}
		t.Groups[i] = group{ID: id, Title: g.Title, Type: g.Type, Audience: g.Audience, Themes: g.Themes, Members: members}
	}
	return t, nil
}

// membersOf joins the columns of items' values into members; same is
// false when the columns differ in length.
func membersOf(items, regions, depts, svcs []int32, flags []uint16) (members []member, same bool) {
	n := len(items)
	if len(regions) != n || len(depts) != n || len(svcs) != n || len(flags) != n {
		return nil, false
	}
	members = make([]member, n)
	for j := range members {
		members[j] = member{Item: items[j], Region: regions[j], Dept: depts[j], Svc: svcs[j], Flags: flags[j]}
	}
	return members, true
}

// errTableDamaged is returned for a table file that does not hold what
// its own counts and checksum say.
var errTableDamaged = errors.New("the file is damaged")

// decode reads the table's columns from the whole file b.
func (t *table) decode(b []byte) error {
	if len(b) < len(tableMagic)+4 || string(b[:len(tableMagic)]) != string(tableMagic) {
		return fmt.Errorf("not a table file of this release")
	}
	body := b[:len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return errTableDamaged
	}
	d := &tableDecoder{b: body[len(tableMagic):]}
	t.Seq = int64(d.u64())
	for _, in := range t.interners() {
		in.Vals = d.stringList(-1)
	}
	n := d.count(4)
	ids := d.stringList(n)
	titleNo := d.int32s(n)
	titles := d.stringList(-1)
	types := d.int32s(n)
	audience := d.ragged(n)
	themes := d.ragged(n)
	items := d.ragged(n)
	m := len(items.vals)
	regions, depts, flags, svcs := d.int32s(m), d.int32s(m), d.uint16s(m), d.int32s(m)
	rows := d.count(12)
	codes := d.stringList(rows)
	groups, pos := d.int32s(rows), d.int32s(rows)
	if d.err != nil || len(d.b) != 0 {
		return errTableDamaged
	}
	members, same := membersOf(items.vals, regions, depts, svcs, flags)
	if !same {
		return errTableDamaged
	}
	t.Groups = make([]group, n)
	for i := range t.Groups {
		if k := titleNo[i]; k < 0 || int(k) >= len(titles) {
			return errTableDamaged
		}
		id, ok := parseGroupID([]byte(ids[i]))
		if !ok {
			return errTableDamaged
		}
		from, to := items.span(i)
		t.Groups[i] = group{ID: id, Title: titles[titleNo[i]], Type: types[i],
			Audience: audience.list(i), Themes: themes.list(i), Members: members[from:to:to]}
	}
	t.Rows = make([]row, rows)
	for i := range t.Rows {
		t.Rows[i] = row{Code: codes[i], Group: groups[i], Pos: pos[i]}
	}
	return nil
}

// link builds the table's maps from its columns and checks that rows and
// groups point at each other.
func (t *table) link() error {
	for _, in := range t.interners() {
		in.reindex()
	}
	keys := map[string]string{} // title → exactKey, once per name
	t.byGroup = groupKeys{}
	for i := range t.Groups {
		if len(t.Groups[i].Members) > 0 {
			t.liveGroups++
		}
		if _, dup := t.byGroup.find(t, t.Groups[i].ID); dup {
			return fmt.Errorf("group %d repeats group %s", i, t.Groups[i].ID)
		}
		t.byGroup.add(t, int32(i))
		title := t.Groups[i].Title
		k, ok := keys[title]
		if !ok {
			k = exactKey(title)
			keys[title] = k
		}
		t.nameKeys[k] = append(t.nameKeys[k], int32(i))
	}
	t.byCode = newCodeKeys()
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.Group < 0 {
			t.free = append(t.free, int32(i))
			continue
		}
		if int(r.Group) >= len(t.Groups) || r.Pos < 0 || int(r.Pos) >= len(t.Groups[r.Group].Members) ||
			t.Groups[r.Group].Members[r.Pos].Item != int32(i) {
			return fmt.Errorf("row %d is inconsistent", i)
		}
		if _, dup := t.byCode.find(t, r.Code); dup {
			return fmt.Errorf("row %d repeats item %s", i, r.Code)
		}
		t.byCode.add(t, int32(i))
		t.live++
	}
	t.rank(true)
	return nil
}

// tableDecoder reads the table file's parts from memory; a part that runs
// past the end sets err and reads as empty.
type tableDecoder struct {
	b   []byte
	err error
}

func (d *tableDecoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		d.err = errTableDamaged
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *tableDecoder) u64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *tableDecoder) u32() uint32 {
	if b := d.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// count reads a count of things at least size bytes long each, refusing
// one the rest of the file cannot hold.
func (d *tableDecoder) count(size int) int {
	n := int(d.u32())
	if n > len(d.b)/size {
		d.err = errTableDamaged
		return 0
	}
	return n
}

func (d *tableDecoder) uint32s(n int) []uint32 {
	return column(d, n, 4, binary.LittleEndian.Uint32)
}

func (d *tableDecoder) int32s(n int) []int32 {
	return column(d, n, 4, func(b []byte) int32 { return int32(binary.LittleEndian.Uint32(b)) })
}

func (d *tableDecoder) uint16s(n int) []uint16 {
	return column(d, n, 2, binary.LittleEndian.Uint16)
}

// column reads n values of size bytes each.
func column[T any](d *tableDecoder, n, size int, read func([]byte) T) []T {
	b := d.take(size * n)
	out := make([]T, len(b)/size)
	for i := range out {
		out[i] = read(b[size*i:])
	}
	return out
}

// stringList reads a string list, of want strings unless want is -1; the
// strings are slices of one allocation.
func (d *tableDecoder) stringList(want int) []string {
	n := d.count(4)
	if want >= 0 && n != want {
		d.err = errTableDamaged
		return nil
	}
	lens := d.uint32s(n)
	total := 0
	for _, l := range lens {
		if l > math.MaxInt32 || total > len(d.b) {
			d.err = errTableDamaged
			return nil
		}
		total += int(l)
	}
	blob := string(d.take(total))
	if d.err != nil {
		return nil
	}
	out := make([]string, n)
	at := 0
	for i, l := range lens {
		out[i] = blob[at : at+int(l)]
		at += int(l)
	}
	return out
}

// raggedColumn is n lists of int32 stored end to end.
type raggedColumn struct {
	ends []uint32
	vals []int32
}

func (d *tableDecoder) ragged(n int) raggedColumn {
	c := raggedColumn{ends: d.uint32s(n)}
	prev := uint32(0)
	for _, e := range c.ends {
		if e < prev {
			d.err = errTableDamaged
			return raggedColumn{}
		}
		prev = e
	}
	c.vals = d.int32s(int(prev))
	if d.err != nil {
		return raggedColumn{ends: make([]uint32, n)}
	}
	return c
}

// span returns where list i lies in vals.
func (c raggedColumn) span(i int) (from, to int) {
	if i > 0 {
		from = int(c.ends[i-1])
	}
	return from, int(c.ends[i])
}

// list returns list i, its capacity its length: appending to it copies
// it rather than overwriting the next list.
func (c raggedColumn) list(i int) []int32 {
	from, to := c.span(i)
	return c.vals[from:to:to]
}
