package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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

// Import validates and stores decoded records in one transaction: regions
// first, then departments, catalogue entries, items and bundles, whatever
// their order in the input (bundles: bundles_import.go). An item whose
// guide differs from its published edition gets a new published edition;
// an identical one is left alone. With problems
// (from decoding or validation) and without SkipInvalid, nothing is
// written and ErrRejected is returned with every problem in the result.
func (s *Store) Import(ctx context.Context, in catalog.Decoded, opt ImportOptions) (*ImportResult, error) {
	res := &ImportResult{DryRun: opt.DryRun, Problems: append([]catalog.Problem(nil), in.Problems...)}
	author := opt.Author
	if author == "" {
		author = "import"
	}

	regions, err := s.regionSet(ctx)
	if err != nil {
		return nil, err
	}
	var (
		regs    []catalog.Record
		depts   []catalog.Record
		entries []catalog.Record
		items   []catalog.Record
		bundles []catalog.Record
	)
	for _, r := range in.Records {
		switch r.Kind {
		case catalog.KindRegion:
			regs = append(regs, r)
		case catalog.KindDepartment:
			depts = append(depts, r)
		case catalog.KindEntry:
			entries = append(entries, r)
		case catalog.KindBundle:
			bundles = append(bundles, r)
		default:
			items = append(items, r)
		}
	}
	// Regions may refer to parents defined later in the same input.
	for _, r := range regs {
		regions[r.Region.Code] = true
	}
	var good struct {
		regs, depts, entries, items, bundles []catalog.Record
	}
	for _, r := range regs {
		if ps := catalog.RegionProblems(r, regions); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.regs = append(good.regs, r)
	}
	for _, r := range depts {
		if ps := catalog.DepartmentProblems(r, regions); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.depts = append(good.depts, r)
	}
	for _, r := range entries {
		if ps := catalog.EntryProblems(r); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.entries = append(good.entries, r)
	}
	goodBundles, ps, err := s.checkBundleRecords(ctx, bundles, good.entries)
	if err != nil {
		return nil, err
	}
	good.bundles, res.Problems = goodBundles, append(res.Problems, ps...)
	// Every item is validated before anything is written, so that every
	// problem is reported; the edition rows are built later, batch by
	// batch, while the previous batch is written.
	itemErrs := validateItems(items)
	seen := map[string]catalog.Record{} // item code → first record
	for i, r := range items {
		ps := r.FieldProblems(itemErrs[i])
		if catalog.IsRegionCode(r.Item.Region) && !regions[r.Item.Region] {
			ps = append(ps, r.Problem("region", fmt.Sprintf(catalog.MsgUnknownRegion, r.Item.Region)))
		}
		if first, dup := seen[r.Item.Code]; dup && r.Item.Code != "" {
			ps = append(ps, r.Problem("code", fmt.Sprintf(MsgDuplicateCode, r.Item.Code, first.File, first.Line)))
		} else {
			seen[r.Item.Code] = r
		}
		if len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.items = append(good.items, r)
	}
	// From here on the valid items are held by good.items only (items and
	// seen are no longer used), which importItems lets go of batch by batch
	// as they are written.
	res.Rejected = countRecords(res.Problems)
	if len(res.Problems) > 0 && !opt.SkipInvalid {
		return res, ErrRejected
	}

	// Stage the items with no transaction open on the catalogue, then
	// swap them in with one (see import_stage.go).
	stage, err := s.stageItems(ctx, good.items, res)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer stage.remove()
	if testHookStaged != nil {
		testHookStaged()
	}
	errDryRun := errors.New("dry run")
	swap := func() error {
		swapRes := *res
		err := s.bulkTransaction(ctx, stage.path, func(tx *gorm.DB) error {
			now := s.Now().UTC()
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

// itemsPerBatch is how many items are prepared and staged together: while
// one batch is written, the next one's rows (canonical JSON, digest, flags)
// are built on another goroutine. A batch is a whole number of INSERT
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

// unchangedItems reports which records are identical to the published
// edition of their stored item: the digests of their guides are computed
// on every core.
func unchangedItems(recs []catalog.Record, existing map[string]existingItem) []bool {
	unchanged := make([]bool, len(recs))
	if len(existing) == 0 {
		return unchanged
	}
	parallel(len(recs), func(i int) {
		if old, ok := existing[recs[i].Item.Code]; ok && old.Digest != nil {
			unchanged[i] = guideDigest(recs[i].Item) == *old.Digest
		}
	})
	return unchanged
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
