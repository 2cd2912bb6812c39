package catalog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
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
	Departments int `json:"departments"` // department records added or changed
	Entries     int `json:"entries"`     // catalogue entries added or changed
	// NewDepartments are departments created because an item named one
	// that did not exist in its region.
	NewDepartments []Department `json:"new_departments,omitempty"`
	Problems       []Problem    `json:"problems,omitempty"`
	DryRun         bool         `json:"dry_run"`
	// Written reports whether anything was committed.
	Written bool `json:"written"`
}

// ErrRejected is returned by Import when records were invalid and the
// import was all-or-nothing: nothing was written.
var ErrRejected = errors.New("import rejected: nothing was written")

// importBatch is how many rows go into one INSERT statement.
const importBatch = 200

var regionCodeRE = regexp.MustCompile(`^[0-9]{6}$`)

// Import validates and stores decoded records in one transaction: regions
// first, then departments, catalogue entries and items, whatever their order
// in the input. An item whose guide differs from its published edition gets
// a new published edition; an identical one is left alone. With problems
// (from decoding or validation) and without SkipInvalid, nothing is
// written and ErrRejected is returned with every problem in the result.
func (s *Store) Import(ctx context.Context, in Decoded, opt ImportOptions) (*ImportResult, error) {
	res := &ImportResult{DryRun: opt.DryRun, Problems: append([]Problem(nil), in.Problems...)}
	author := opt.Author
	if author == "" {
		author = "import"
	}

	regions, err := s.regionSet(ctx)
	if err != nil {
		return nil, err
	}
	var (
		regs    []Record
		depts   []Record
		entries []Record
		items   []Record
	)
	seen := map[string]Record{} // item code → first record
	for _, r := range in.Records {
		switch r.Kind {
		case KindRegion:
			regs = append(regs, r)
		case KindDepartment:
			depts = append(depts, r)
		case KindEntry:
			entries = append(entries, r)
		default:
			items = append(items, r)
		}
	}
	// Regions may refer to parents defined later in the same input.
	for _, r := range regs {
		regions[r.Region.Code] = true
	}
	var good struct{ regs, depts, entries, items []Record }
	for _, r := range regs {
		if ps := checkRegion(r, regions); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.regs = append(good.regs, r)
	}
	for _, r := range depts {
		if ps := checkDepartment(r, regions); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.depts = append(good.depts, r)
	}
	for _, r := range entries {
		if ps := checkEntry(r); len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.entries = append(good.entries, r)
	}
	itemErrs := validateAll(items)
	for i, r := range items {
		ps := recordProblems(r, itemErrs[i])
		if r.Item.Region != "" && regionCodeRE.MatchString(r.Item.Region) && !regions[r.Item.Region] {
			ps = append(ps, problemAt(r, "region", fmt.Sprintf(MsgUnknownRegion, r.Item.Region)))
		}
		if first, dup := seen[r.Item.Code]; dup && r.Item.Code != "" {
			ps = append(ps, problemAt(r, "code", fmt.Sprintf(MsgDuplicateCode, r.Item.Code, first.File, first.Line)))
		} else {
			seen[r.Item.Code] = r
		}
		if len(ps) > 0 {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		good.items = append(good.items, r)
	}
	res.Rejected = countRecords(res.Problems)
	if len(res.Problems) > 0 && !opt.SkipInvalid {
		return res, ErrRejected
	}

	errDryRun := errors.New("dry run")
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now().UTC()
		if err := importRegions(tx, good.regs, res); err != nil {
			return err
		}
		deptIDs, err := loadDepartmentIDs(tx)
		if err != nil {
			return err
		}
		if err := importDepartments(tx, good.depts, deptIDs, res); err != nil {
			return err
		}
		if err := importEntries(tx, good.entries, res); err != nil {
			return err
		}
		if err := importItems(tx, good.items, deptIDs, now, author, opt.Note, res); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	switch {
	case errors.Is(err, errDryRun):
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("import: %w", err)
	}
	res.Written = true
	return res, nil
}

func problemAt(r Record, field, msg string) Problem {
	p := Problem{File: r.File, Line: r.Line, Field: field, Message: msg}
	if r.Item != nil {
		p.Code = r.Item.Code
	}
	return p
}

func recordProblems(r Record, errs []FieldError) []Problem {
	out := make([]Problem, 0, len(errs))
	for _, e := range errs {
		out = append(out, problemAt(r, e.Field, e.Message))
	}
	return out
}

// countRecords counts the distinct records (file and line) with problems.
func countRecords(ps []Problem) int {
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

func checkRegion(r Record, regions map[string]bool) []Problem {
	var ps []Problem
	g := r.Region
	if !regionCodeRE.MatchString(g.Code) {
		ps = append(ps, problemAt(r, "code", MsgRegionCode))
	}
	if g.Name == "" {
		ps = append(ps, problemAt(r, "name", MsgMissing))
	}
	if !contains(RegionLevels, g.Level) {
		ps = append(ps, problemAt(r, "level", enumMessage(RegionLevels)))
	}
	if g.Parent != "" && !regions[g.Parent] {
		ps = append(ps, problemAt(r, "parent", fmt.Sprintf(MsgUnknownRegion, g.Parent)))
	}
	return ps
}

func checkDepartment(r Record, regions map[string]bool) []Problem {
	var ps []Problem
	d := r.Department
	if d.Name == "" {
		ps = append(ps, problemAt(r, "name", MsgMissing))
	}
	if !regions[d.Region] {
		ps = append(ps, problemAt(r, "region", fmt.Sprintf(MsgUnknownRegion, d.Region)))
	}
	return ps
}

func checkEntry(r Record) []Problem {
	var ps []Problem
	e := r.Entry
	if len([]rune(e.BaseCode)) != 12 {
		ps = append(ps, problemAt(r, "base_code", MsgBaseCode))
	}
	if e.Name == "" {
		ps = append(ps, problemAt(r, "name", MsgMissing))
	}
	if !contains(Types, e.Type) {
		ps = append(ps, problemAt(r, "type", enumMessage(Types)))
	}
	for i, l := range e.Levels {
		if !contains(Levels, l) {
			ps = append(ps, problemAt(r, fmt.Sprintf("levels[%d]", i), enumMessage(Levels)))
		}
	}
	return ps
}

func (s *Store) regionSet(ctx context.Context) (map[string]bool, error) {
	var codes []string
	if err := s.db.WithContext(ctx).Raw(`SELECT code FROM regions`).Scan(&codes).Error; err != nil {
		return nil, fmt.Errorf("load regions: %w", err)
	}
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[c] = true
	}
	return set, nil
}

func importRegions(tx *gorm.DB, recs []Record, res *ImportResult) error {
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

func loadDepartmentIDs(tx *gorm.DB) (map[deptKey]uint, error) {
	var rows []departmentRow
	if err := tx.Select("id", "name", "region").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load departments: %w", err)
	}
	m := make(map[deptKey]uint, len(rows))
	for _, r := range rows {
		m[deptKey{r.Region, r.Name}] = r.ID
	}
	return m, nil
}

func importDepartments(tx *gorm.DB, recs []Record, ids map[deptKey]uint, res *ImportResult) error {
	for _, r := range recs {
		d := r.Department
		k := deptKey{d.Region, d.Name}
		if id, ok := ids[k]; ok {
			var old departmentRow
			if err := tx.First(&old, id).Error; err != nil {
				return err
			}
			if old.CreditCode == d.CreditCode && old.Phone == d.Phone {
				continue
			}
			if err := tx.Model(&old).Updates(map[string]any{"credit_code": d.CreditCode, "phone": d.Phone}).Error; err != nil {
				return err
			}
			res.Departments++
			continue
		}
		row := departmentRow{Name: d.Name, Region: d.Region, CreditCode: d.CreditCode, Phone: d.Phone}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("create department %s: %w", d.Name, err)
		}
		ids[k] = row.ID
		res.Departments++
	}
	return nil
}

func importEntries(tx *gorm.DB, recs []Record, res *ImportResult) error {
	for _, r := range recs {
		e := r.Entry
		basis, err := marshalNoEscape(e.Basis)
		if err != nil {
			return err
		}
		levels, err := marshalNoEscape(e.Levels)
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

func importItems(tx *gorm.DB, recs []Record, deptIDs map[deptKey]uint, now time.Time, author, note string, res *ImportResult) error {
	if len(recs) == 0 {
		return nil
	}
	existing := make(map[string]existingItem, len(recs))
	codes := make([]string, len(recs))
	for i, r := range recs {
		codes[i] = r.Item.Code
	}
	for start := 0; start < len(codes); start += 500 {
		end := min(start+500, len(codes))
		var rows []existingItem
		err := tx.Raw(`SELECT i.code, i.published, i.latest, e.digest FROM items i
			LEFT JOIN editions e ON e.item_code = i.code AND e.number = i.published
			WHERE i.code IN ?`, codes[start:end]).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("load existing items: %w", err)
		}
		for _, r := range rows {
			existing[r.Code] = r
		}
	}

	// Departments named by items that do not exist yet are created, in
	// batches, before the items that need their ids.
	var newDepts []departmentRow
	for _, r := range recs {
		k := deptKey{r.Item.Region, r.Item.Department}
		if _, ok := deptIDs[k]; !ok {
			deptIDs[k] = 0
			newDepts = append(newDepts, departmentRow{Name: k.name, Region: k.region})
		}
	}
	if len(newDepts) > 0 {
		if err := tx.CreateInBatches(newDepts, importBatch).Error; err != nil {
			return fmt.Errorf("create departments: %w", err)
		}
		for _, d := range newDepts {
			deptIDs[deptKey{d.Region, d.Name}] = d.ID
			res.NewDepartments = append(res.NewDepartments, Department{Name: d.Name, Region: d.Region})
		}
	}

	var (
		editions   []editionRow
		itemRows   []itemRow
		superseded []string
	)
	for _, r := range recs {
		it := r.Item
		id := deptIDs[deptKey{it.Region, it.Department}]
		old, exists := existing[it.Code]
		number := 1
		if exists {
			number = old.Latest + 1
		}
		ed, err := newEdition(it, number, StatePublished, id, now)
		if err != nil {
			return err
		}
		if exists && old.Digest != nil && *old.Digest == ed.Digest {
			res.Unchanged++
			continue
		}
		ed.Author, ed.Reviewer, ed.Note = author, author, note
		ed.PublishedAt = &now
		editions = append(editions, ed)
		row := itemRow{Code: it.Code, BaseCode: it.BaseCode, Name: it.Name, Region: it.Region,
			DepartmentID: id, Published: number, Latest: number, CreatedAt: now, UpdatedAt: now}
		itemRows = append(itemRows, row)
		if exists {
			res.Updated++
			if old.Published > 0 {
				superseded = append(superseded, it.Code)
			}
		} else {
			res.Created++
		}
	}
	if len(itemRows) == 0 {
		return nil
	}
	first, err := nextSeq(tx, len(itemRows))
	if err != nil {
		return err
	}
	for i := range itemRows {
		itemRows[i].Seq = first + int64(i)
	}
	sort.Strings(superseded)
	for start := 0; start < len(superseded); start += 500 {
		end := min(start+500, len(superseded))
		if err := tx.Exec(`UPDATE editions SET state = ?, superseded_at = ? WHERE state = ? AND item_code IN ?`,
			StateSuperseded, now, StatePublished, superseded[start:end]).Error; err != nil {
			return fmt.Errorf("supersede editions: %w", err)
		}
	}
	if err := tx.CreateInBatches(editions, importBatch).Error; err != nil {
		return fmt.Errorf("insert editions: %w", err)
	}
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"base_code", "name", "region", "department_id", "published", "latest", "seq", "updated_at"}),
	}
	if err := tx.Clauses(upsert).CreateInBatches(itemRows, importBatch).Error; err != nil {
		return fmt.Errorf("store items: %w", err)
	}
	return nil
}

// validateAll validates the items of records on every core.
func validateAll(recs []Record) [][]FieldError {
	out := make([][]FieldError, len(recs))
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(recs); i += workers {
				out[i] = Validate(recs[i].Item)
			}
		}(w)
	}
	wg.Wait()
	return out
}
