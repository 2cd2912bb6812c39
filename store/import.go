package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// ImportOptions say how an import behaves.
type ImportOptions struct {
	// DryRun does everything but commit: the result tells what would change.
	DryRun bool
	// SkipInvalid imports the valid records when some are invalid; by
	// default an import is all-or-nothing.
	SkipInvalid bool
	// Author and Note are recorded on every edition the import creates.
	Author string
	Note   string
}

// ImportResult summarises an import.
type ImportResult struct {
	Created     int `json:"created"`     // items new to the store
	Updated     int `json:"updated"`     // items given a new published edition
	Unchanged   int `json:"unchanged"`   // items identical to their published edition
	Rejected    int `json:"rejected"`    // records not imported
	Regions     int `json:"regions"`     // region records added or changed
	Departments int `json:"departments"` // departments added (also those items named) or changed
	Entries     int `json:"entries"`     // catalogue entries added or changed
	Bundles     int `json:"bundles"`     // bundles (一件事) added or given a new published edition
	// NewDepartments are departments created because an item named one
	// that did not exist in its region.
	NewDepartments []catalog.Department `json:"new_departments,omitempty"`
	Problems       []catalog.Problem    `json:"problems,omitempty"`
	DryRun         bool                 `json:"dry_run"`
	// Written reports whether anything was committed.
	Written bool `json:"written"`
}

// ErrRejected is returned by Import when records were invalid and the
// import was all-or-nothing: nothing was written.
var ErrRejected = errors.New("import rejected: nothing was written")

// importBatch is how many rows go into one INSERT statement.
const importBatch = 200

// Import validates and stores decoded records held in memory: it hands
// them to an Importer (NewImporter) in their order, problems first, and
// finishes it. An item whose guide differs from its published edition gets
// a new published edition; an identical one is left alone. With problems
// (from decoding or validation) and without SkipInvalid, nothing is written
// and ErrRejected is returned with every problem in the result.
func (s *Store) Import(ctx context.Context, in catalog.Decoded, opt ImportOptions) (*ImportResult, error) {
	im, err := s.NewImporter(ctx, opt)
	if err != nil {
		return nil, err
	}
	defer im.Close()
	for _, p := range in.Problems {
		im.Problem(p)
	}
	for _, r := range in.Records {
		if err := im.Record(r); err != nil {
			return nil, err
		}
	}
	return im.Finish()
}

// Importer is one import, fed its input record by record as a decoder
// reads it (it is a catalog.Sink), so that memory does not grow with the
// input: regions, departments, catalogue entries and bundles — few and
// small — are kept until Finish; items are checked a batch at a time as
// they come, and the valid ones that are new or changed are written to
// the import's stage file at once (import_stage.go). What it keeps of an
// item is its code's first file and line (for duplicates) and its problems.
//
// What depends on records further on is decided by Finish, once the whole
// input is read: an item whose region is not known when it comes (a
// region record may follow) is staged, remembered, and checked again; if
// its region is still unknown it is taken out of the stage and reported as
// it would have been at once. Regions, departments, entries and bundles
// are checked by Finish, as before: regions first (a parent may come later
// in the input), then departments, entries and bundles. The problems are
// in the same order whatever the order of the input's records: those of
// decoding, then those of regions, departments, entries, bundles and
// items, each in input order.
//
// Record, Problem, Finish and Close are called from one goroutine. Once
// any problem is found, an all-or-nothing import (no SkipInvalid) stops
// staging and only checks the rest, to report every problem.
type Importer struct {
	s   *Store
	ctx context.Context
	opt ImportOptions

	// known are the regions an item may name: those stored, and those of
	// the input's region records read so far (valid or not, as a region's
	// own problems are reported on its record).
	known map[string]bool

	decodeProblems []catalog.Problem
	regs, depts    []catalog.Record
	entries        []catalog.Record
	bundles        []catalog.Record

	batch        []catalog.Record  // items read and not yet checked
	seen         map[string]lineOf // item code → its first record
	itemProblems []catalog.Problem
	deferred     []deferredItem // items whose region was unknown when read
	invalid      bool           // a problem was found
	unchanged    int            // items identical to their published edition

	free  chan *stageBatch // batches to fill, reused once written
	stage *stageWriter     // nil until an item is to be written
	done  bool             // Finish was called
}

// lineOf is where a record was read.
type lineOf struct {
	file string
	line int
}

// deferredItem is an item whose region was not known when it was read.
type deferredItem struct {
	lineOf
	code, region string
	// at is the index in itemProblems where the problem of its region
	// goes: after its other problems, before its duplicate code's.
	at int
	// ord is its row in the stage (0: not staged); unchanged says it was
	// counted as identical to its published edition instead.
	ord       int
	unchanged bool
}

// errImportDone is the error of using an Importer after Finish.
var errImportDone = errors.New("import: already finished")

// NewImporter begins an import: feed it with Record and Problem (a
// decoder's catalog.Sink), then call Finish, which validates what depends
// on the whole input and writes. Close abandons an import not finished
// (it is safe to call after Finish too).
func (s *Store) NewImporter(ctx context.Context, opt ImportOptions) (*Importer, error) {
	regions, err := s.regionSet(ctx)
	if err != nil {
		return nil, err
	}
	return &Importer{
		s: s, ctx: ctx, opt: opt,
		known: regions,
		seen:  map[string]lineOf{},
		batch: make([]catalog.Record, 0, itemsPerBatch),
		free:  make(chan *stageBatch, stageBatchesInFlight),
	}, nil
}

// Problem records a problem of the input (of decoding).
func (im *Importer) Problem(p catalog.Problem) {
	p.Code = strings.Clone(p.Code) // may share the memory of a whole row
	im.decodeProblems = append(im.decodeProblems, p)
	im.invalid = true
}

// Record takes one record of the input. Items are checked, and staged,
// a batch at a time. The error is the context's or the stage's: the
// import cannot go on.
func (im *Importer) Record(r catalog.Record) error {
	if im.done {
		return errImportDone
	}
	if err := im.ctx.Err(); err != nil {
		return err
	}
	switch r.Kind {
	case catalog.KindRegion:
		im.regs = append(im.regs, r)
		// Regions may refer to parents, and items to regions, defined later
		// in the same input.
		im.known[r.Region.Code] = true
	case catalog.KindDepartment:
		im.depts = append(im.depts, r)
	case catalog.KindEntry:
		im.entries = append(im.entries, r)
		if len(catalog.EntryProblems(r)) > 0 {
			im.invalid = true // reported by Finish, in its place
		}
	case catalog.KindBundle:
		im.bundles = append(im.bundles, r)
	default:
		im.batch = append(im.batch, r)
		if len(im.batch) == itemsPerBatch {
			return im.checkItems()
		}
	}
	return nil
}

// checkItems validates the items of the batch (on every core), notes
// their problems and their codes, and stages the valid ones.
func (im *Importer) checkItems() error {
	recs := im.batch
	im.batch = make([]catalog.Record, 0, itemsPerBatch)
	errs := validateItems(recs)
	good := recs[:0]                          // the valid records, in place
	goodDeferred := make([]int, 0, len(recs)) // of each, its index in deferred or -1
	for i, r := range recs {
		ps := r.FieldProblems(errs[i])
		d := -1
		if catalog.IsRegionCode(r.Item.Region) && !im.known[r.Item.Region] {
			d = len(im.deferred)
			im.deferred = append(im.deferred, deferredItem{lineOf: lineOf{r.File, r.Line},
				code: strings.Clone(r.Item.Code), region: strings.Clone(r.Item.Region),
				at: len(im.itemProblems) + len(ps)})
		}
		if first, dup := im.seen[r.Item.Code]; dup && r.Item.Code != "" {
			ps = append(ps, r.Problem("code", fmt.Sprintf(MsgDuplicateCode, r.Item.Code, first.file, first.line)))
		} else {
			// Cloned: the code may share the memory of its whole line.
			im.seen[strings.Clone(r.Item.Code)] = lineOf{r.File, r.Line}
		}
		if len(ps) > 0 {
			for _, p := range ps {
				p.Code = strings.Clone(p.Code)
				im.itemProblems = append(im.itemProblems, p)
			}
			continue
		}
		good = append(good, r)
		goodDeferred = append(goodDeferred, d)
	}
	clear(recs[len(good):])
	if len(im.itemProblems) > 0 {
		im.invalid = true
	}
	if im.invalid && !im.opt.SkipInvalid {
		return nil // nothing will be written
	}
	return im.stageItems(good, goodDeferred)
}

// stageItems writes the valid items recs that are new or differ from their
// published edition to the stage, and counts the others as unchanged.
// Which are unchanged is decided against the catalogue as it is now.
// deferred[i] is recs[i]'s index in im.deferred, or -1.
func (im *Importer) stageItems(recs []catalog.Record, deferred []int) error {
	if len(recs) == 0 {
		return nil
	}
	existing, err := loadExistingItems(im.s.db.WithContext(im.ctx), recs)
	if err != nil {
		return err
	}
	b := im.takeBatch()
	b.build(recs)
	// Keep the new and changed items, in place.
	n := 0
	first := 1
	if im.stage != nil {
		first = im.stage.rows + 1
	}
	for i, r := range recs {
		if old, ok := existing[r.Item.Code]; ok && old.Digest != nil && *old.Digest == b.digests[i] {
			im.unchanged++
			if d := deferred[i]; d >= 0 {
				im.deferred[d].unchanged = true
			}
			continue
		}
		if d := deferred[i]; d >= 0 {
			im.deferred[d].ord = first + n
		}
		b.items[n], b.guides[n], b.digests[n] = b.items[i], b.guides[i], b.digests[i]
		n++
	}
	clear(b.items[n:])
	b.items, b.guides, b.digests = b.items[:n], b.guides[:n], b.digests[:n]
	clear(recs)
	if n == 0 {
		im.putBatch(b)
		return nil
	}
	if im.stage == nil {
		if im.stage, err = newStageWriter(im.ctx, im.s.dir, im.free); err != nil {
			im.putBatch(b)
			return fmt.Errorf("import: %w", err)
		}
	}
	b.first = first
	if err := im.stage.write(b); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// takeBatch returns a batch to fill: one written before, or a new one.
func (im *Importer) takeBatch() *stageBatch {
	select {
	case b := <-im.free:
		return b
	default:
		return &stageBatch{}
	}
}

// putBatch keeps b for reuse, when there is room.
func (im *Importer) putBatch(b *stageBatch) {
	b.reset()
	select {
	case im.free <- b:
	default:
	}
}

// Close abandons the import if it is not finished: its stage is removed
// and nothing is written. After Finish it does nothing.
func (im *Importer) Close() {
	im.done = true
	if im.stage != nil {
		im.stage.abandon()
		im.stage = nil
	}
}

// Finish checks what depends on the whole input, then writes the import
// in one transaction: regions, departments, catalogue entries, the staged
// items and bundles (bundles_import.go). With problems and without
// SkipInvalid nothing is written and ErrRejected is returned with every
// problem in the result.
func (im *Importer) Finish() (*ImportResult, error) {
	if im.done {
		return nil, errImportDone
	}
	defer im.Close()
	ctx, opt := im.ctx, im.opt
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(im.batch) > 0 {
		if err := im.checkItems(); err != nil {
			return nil, err
		}
	}
	im.done = true
	res := &ImportResult{DryRun: opt.DryRun, Problems: im.decodeProblems}
	author := opt.Author
	if author == "" {
		author = "import"
	}

	var good struct {
		regs, depts, entries, bundles []catalog.Record
	}
	regions := im.known // the stored regions and every region of the input
	for _, r := range im.regs {
		if ps := catalog.RegionProblems(r, regions); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.regs = append(good.regs, r)
	}
	for _, r := range im.depts {
		if ps := catalog.DepartmentProblems(r, regions); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.depts = append(good.depts, r)
	}
	for _, r := range im.entries {
		if ps := catalog.EntryProblems(r); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.entries = append(good.entries, r)
	}
	goodBundles, ps, err := im.s.checkBundleRecords(ctx, im.bundles, good.entries)
	if err != nil {
		return nil, err
	}
	good.bundles, res.Problems = goodBundles, append(res.Problems, ps...)
	// Items whose region was unknown when they were read: their region
	// must be known now.
	itemProblems, unstage, unchanged := im.recheckRegions()
	res.Problems = append(res.Problems, itemProblems...)
	res.Rejected = countRecords(res.Problems)
	if len(res.Problems) > 0 && !opt.SkipInvalid {
		return res, ErrRejected
	}

	// The stage is complete: with no transaction open on the catalogue
	// until now, the swap copies it in with one (see import_stage.go).
	stage := &itemStage{}
	if im.stage != nil {
		sw := im.stage
		im.stage = nil
		if stage, err = sw.finish(unstage); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
	}
	defer stage.remove()
	res.Unchanged = im.unchanged - unchanged
	im.releaseMemory()
	if testHookStaged != nil {
		testHookStaged()
	}
	errDryRun := errors.New("dry run")
	swap := func() error {
		swapRes := *res
		err := im.s.bulkTransaction(ctx, stage.path, func(tx *gorm.DB) error {
			now := im.s.Now().UTC()
			if err := importRegions(tx, good.regs, &swapRes); err != nil {
				return err
			}
			depts, err := loadDepartmentIDs(tx)
			if err != nil {
				return err
			}
			if err := importDepartments(tx, good.depts, depts, &swapRes); err != nil {
				return err
			}
			if err := importEntries(tx, good.entries, &swapRes); err != nil {
				return err
			}
			if err := swapStaged(tx, stage, now, author, opt.Note, &swapRes); err != nil {
				return err
			}
			if err := importBundles(tx, good.bundles, now, author, opt.Note, &swapRes); err != nil {
				return err
			}
			// The change log records the import with what it changed, in
			// the same transaction.
			if err := appendChange(tx, ChangeEntry{At: now, UserName: author, Action: OpImport,
				Detail: importDetail(&swapRes, opt.Note)}); err != nil {
				return err
			}
			if opt.DryRun {
				return errDryRun
			}
			return nil
		})
		if err == nil || errors.Is(err, errDryRun) {
			*res = swapRes
		}
		return err
	}
	err = retryBusy(ctx, swap)
	switch {
	case errors.Is(err, errDryRun):
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("import: %w", err)
	}
	res.Written = true
	return res, nil
}

// bigImport is the number of items read above which an import hands the
// memory it used for reading back to the system before the swap, so that
// the swap's own (the database's page cache and sorts) does not come on
// top of it.
const bigImport = 50_000

// releaseMemory lets go of what reading the input needed and, after a
// big import, returns the freed memory to the system.
func (im *Importer) releaseMemory() {
	items := len(im.seen)
	im.seen, im.batch, im.deferred, im.itemProblems = nil, nil, nil, nil
	for len(im.free) > 0 {
		<-im.free
	}
	if items > bigImport {
		debug.FreeOSMemory()
	}
}

// recheckRegions checks again, now that the whole input is read, the
// regions of the items that named one unknown when they were read. It
// returns the items' problems with those of the regions still unknown in
// their places, the stage rows of the items that fail (in order) and how
// many of them had been counted as unchanged.
func (im *Importer) recheckRegions() (problems []catalog.Problem, unstage []int, unchanged int) {
	problems = im.itemProblems
	var failed []deferredItem
	for _, d := range im.deferred {
		if !im.known[d.region] {
			failed = append(failed, d)
		}
	}
	if len(failed) == 0 {
		return problems, nil, 0
	}
	out := make([]catalog.Problem, 0, len(problems)+len(failed))
	from := 0
	for _, d := range failed {
		out = append(out, problems[from:d.at]...)
		from = d.at
		out = append(out, catalog.Problem{File: d.file, Line: d.line, Code: d.code, Field: "region",
			Message: fmt.Sprintf(catalog.MsgUnknownRegion, d.region)})
		switch {
		case d.ord > 0:
			unstage = append(unstage, d.ord)
		case d.unchanged:
			unchanged++
		}
	}
	return append(out, problems[from:]...), unstage, unchanged
}

// countRecords counts the distinct records (file and line) with problems.
func countRecords(ps []catalog.Problem) int {
	type key struct {
		file string
		line int
	}
	seen := map[key]bool{}
	for _, p := range ps {
		seen[key{p.File, p.Line}] = true
	}
	return len(seen)
}

func importRegions(tx *gorm.DB, recs []catalog.Record, res *ImportResult) error {
	for _, r := range recs {
		g := r.Region
		var old []regionRow
		if err := tx.Where("code = ?", g.Code).Find(&old).Error; err != nil {
			return err
		}
		row := regionRow{Code: g.Code, Name: g.Name, Level: g.Level, Parent: g.Parent}
		if len(old) == 1 && old[0] == row {
			continue
		}
		if err := tx.Save(&row).Error; err != nil {
			return fmt.Errorf("save region %s: %w", g.Code, err)
		}
		res.Regions++
	}
	return nil
}

type deptKey struct{ region, name string }

// knownDepartment is what an import knows of a stored department.
type knownDepartment struct {
	id                uint
	creditCode, phone string
}

// departmentIndex maps every department's region and name to its id, and
// keeps the contact fields an import compares.
type departmentIndex struct {
	ids  map[deptKey]uint
	info map[deptKey]knownDepartment
}

func loadDepartmentIDs(tx *gorm.DB) (departmentIndex, error) {
	var rows []departmentRow
	if err := tx.Select("id", "name", "region", "credit_code", "phone").Find(&rows).Error; err != nil {
		return departmentIndex{}, fmt.Errorf("load departments: %w", err)
	}
	ix := departmentIndex{ids: make(map[deptKey]uint, len(rows)), info: make(map[deptKey]knownDepartment, len(rows))}
	for _, r := range rows {
		k := deptKey{r.Region, r.Name}
		ix.ids[k] = r.ID
		ix.info[k] = knownDepartment{id: r.ID, creditCode: r.CreditCode, phone: r.Phone}
	}
	return ix, nil
}

// importDepartments stores department records: a stored department whose
// contact fields differ is updated, a new one is created. New departments
// are inserted in batches, in input order; a department named twice takes
// the fields of its last record.
func importDepartments(tx *gorm.DB, recs []catalog.Record, ix departmentIndex, res *ImportResult) error {
	var (
		created []departmentRow
		pending = map[deptKey]int{} // key → index in created
	)
	for _, r := range recs {
		d := r.Department
		k := deptKey{d.Region, d.Name}
		if i, ok := pending[k]; ok {
			if created[i].CreditCode == d.CreditCode && created[i].Phone == d.Phone {
				continue
			}
			created[i].CreditCode, created[i].Phone = d.CreditCode, d.Phone
			res.Departments++
			continue
		}
		if old, ok := ix.info[k]; ok {
			if old.creditCode == d.CreditCode && old.phone == d.Phone {
				continue
			}
			err := tx.Model(&departmentRow{ID: old.id}).Updates(map[string]any{"credit_code": d.CreditCode, "phone": d.Phone}).Error
			if err != nil {
				return err
			}
			ix.info[k] = knownDepartment{id: old.id, creditCode: d.CreditCode, phone: d.Phone}
			res.Departments++
			continue
		}
		pending[k] = len(created)
		created = append(created, departmentRow{Name: d.Name, Region: d.Region, CreditCode: d.CreditCode, Phone: d.Phone})
		res.Departments++
	}
	if len(created) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(created, importBatch).Error; err != nil {
		return fmt.Errorf("create departments: %w", err)
	}
	for _, row := range created {
		k := deptKey{row.Region, row.Name}
		ix.ids[k] = row.ID
		ix.info[k] = knownDepartment{id: row.ID, creditCode: row.CreditCode, phone: row.Phone}
	}
	return nil
}

func importEntries(tx *gorm.DB, recs []catalog.Record, res *ImportResult) error {
	for _, r := range recs {
		e := r.Entry
		basis, err := catalog.CanonicalJSON(e.Basis)
		if err != nil {
			return err
		}
		levels, err := catalog.CanonicalJSON(e.Levels)
		if err != nil {
			return err
		}
		row := entryRow{BaseCode: e.BaseCode, Name: e.Name, Type: e.Type, Basis: string(basis), Levels: string(levels)}
		var old []entryRow
		if err := tx.Where("base_code = ?", e.BaseCode).Find(&old).Error; err != nil {
			return err
		}
		if len(old) == 1 && old[0] == row {
			continue
		}
		if err := tx.Save(&row).Error; err != nil {
			return fmt.Errorf("save entry %s: %w", e.BaseCode, err)
		}
		res.Entries++
	}
	return nil
}

// existingItem is what an import needs to know of an item already stored.
type existingItem struct {
	Code      string
	Published int
	Latest    int
	Digest    *string
}

// itemsPerBatch is how many items are checked and staged together: while
// one batch is written to the stage, the next one is read, checked and its
// rows (canonical JSON, digest) built. A batch is a whole number of INSERT
// statements.
const itemsPerBatch = 5 * importBatch

// arenaString returns the text of b without copying it. It serves the
// canonical JSON of a batch's editions, whose arena is overwritten only
// once the batch is written: nothing keeps the strings beyond that (the
// database driver copies the values it binds).
func arenaString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// loadExistingItems returns the stored items among those of recs, by code,
// with the digest of their published edition.
func loadExistingItems(tx *gorm.DB, recs []catalog.Record) (map[string]existingItem, error) {
	existing := make(map[string]existingItem)
	codes := make([]string, 0, 500)
	for start := 0; start < len(recs); start += 500 {
		end := min(start+500, len(recs))
		codes = codes[:0]
		for _, r := range recs[start:end] {
			codes = append(codes, r.Item.Code)
		}
		var rows []existingItem
		err := tx.Raw(`SELECT i.code, i.published, i.latest, e.digest FROM items i LEFT `+joinPublished+`
			WHERE i.code IN ?`, codes).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("load existing items: %w", err)
		}
		for _, r := range rows {
			existing[r.Code] = r
		}
	}
	return existing, nil
}

// validateItems validates the items of records, on every core.
func validateItems(recs []catalog.Record) [][]catalog.FieldError {
	errs := make([][]catalog.FieldError, len(recs))
	parallel(len(recs), func(i int) {
		errs[i] = catalog.Validate(recs[i].Item)
	})
	return errs
}

// parallel calls fn(i) for every i below n, on every core.
func parallel(n int, fn func(i int)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
}

// maxImportNoteRunes bounds the import's note in its change-log detail (a
// command line may name many files).
const maxImportNoteRunes = 200

// importDetail is the change-log detail of an import.
func importDetail(res *ImportResult, note string) string {
	if r := []rune(note); len(r) > maxImportNoteRunes {
		note = string(r[:maxImportNoteRunes]) + "…"
	}
	if res.Bundles > 0 {
		note = fmt.Sprintf(MsgImportBundlesDetail, res.Bundles) + note
	}
	return fmt.Sprintf(MsgImportDetail, res.Created, res.Updated, res.Unchanged, res.Rejected,
		res.Regions, res.Departments, res.Entries, note)
}
