package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
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
	var good struct {
		regs, depts, entries []Record
		items                []preparedItem
	}
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
	itemErrs, prepared, err := prepareItems(items)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
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
		good.items = append(good.items, preparedItem{rec: r, ed: prepared[i]})
	}
	res.Rejected = countRecords(res.Problems)
	if len(res.Problems) > 0 && !opt.SkipInvalid {
		return res, ErrRejected
	}

	errDryRun := errors.New("dry run")
	err = s.bulkTransaction(ctx, func(tx *gorm.DB) error {
		now := s.Now().UTC()
		if err := importRegions(tx, good.regs, res); err != nil {
			return err
		}
		depts, err := loadDepartmentIDs(tx)
		if err != nil {
			return err
		}
		if err := importDepartments(tx, good.depts, depts, res); err != nil {
			return err
		}
		if err := importEntries(tx, good.entries, res); err != nil {
			return err
		}
		if err := importItems(tx, good.items, depts.ids, now, author, opt.Note, res); err != nil {
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
func importDepartments(tx *gorm.DB, recs []Record, ix departmentIndex, res *ImportResult) error {
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

// preparedItem is a valid item record with its edition row, whose number,
// department and import fields are filled in when it is stored.
type preparedItem struct {
	rec Record
	ed  editionRow
}

func importItems(tx *gorm.DB, recs []preparedItem, deptIDs map[deptKey]uint, now time.Time, author, note string, res *ImportResult) error {
	if len(recs) == 0 {
		return nil
	}
	existing := make(map[string]existingItem, len(recs))
	codes := make([]string, len(recs))
	for i, r := range recs {
		codes[i] = r.rec.Item.Code
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
		k := deptKey{r.rec.Item.Region, r.rec.Item.Department}
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
		editions   []*editionRow
		itemRows   []itemRow
		superseded []string
	)
	for i := range recs {
		it, ed := recs[i].rec.Item, &recs[i].ed
		id := deptIDs[deptKey{it.Region, it.Department}]
		old, exists := existing[it.Code]
		if exists && old.Digest != nil && *old.Digest == ed.Digest {
			res.Unchanged++
			continue
		}
		number := 1
		if exists {
			number = old.Latest + 1
		}
		ed.Number, ed.DepartmentID, ed.CreatedAt = number, id, now
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
	if err := insertEditions(tx, editions); err != nil {
		return fmt.Errorf("insert editions: %w", err)
	}
	if err := upsertItems(tx, itemRows); err != nil {
		return fmt.Errorf("store items: %w", err)
	}
	return nil
}

// editionColumns are the columns insertEditions writes: all but the
// generated id.
var editionColumns = []string{"item_code", "number", "state", "guide", "digest", "note", "author",
	"reviewer", "reason", "created_at", "submitted_at", "published_at", "superseded_at", "region",
	"department_id", "type", "on_application", "online", "full_online", "one_visit", "zero_visit",
	"immediate", "in_hall", "nearby"}

// insertEditions inserts edition rows with multi-row INSERT statements,
// without reflection and without reading the generated ids back.
func insertEditions(tx *gorm.DB, rows []*editionRow) error {
	return insertRows(tx, "editions", editionColumns, "", len(rows), func(i int, args []any) []any {
		e := rows[i]
		return append(args, e.ItemCode, e.Number, e.State, e.Guide, e.Digest, e.Note, e.Author,
			e.Reviewer, e.Reason, e.CreatedAt, nullTime(e.SubmittedAt), nullTime(e.PublishedAt),
			nullTime(e.SupersededAt), e.Region, e.DepartmentID, e.Type, e.OnApplication, e.Online,
			e.FullOnline, e.OneVisit, e.ZeroVisit, e.Immediate, e.InHall, e.Nearby)
	})
}

// itemRowColumns are the columns upsertItems writes; an existing item keeps
// its created_at.
var itemRowColumns = []string{"code", "base_code", "name", "region", "department_id", "published",
	"latest", "seq", "created_at", "updated_at"}

const itemConflict = ` ON CONFLICT (code) DO UPDATE SET base_code = excluded.base_code, name = excluded.name,
	region = excluded.region, department_id = excluded.department_id, published = excluded.published,
	latest = excluded.latest, seq = excluded.seq, updated_at = excluded.updated_at`

// upsertItems inserts item rows, or updates the stored row of the same code.
func upsertItems(tx *gorm.DB, rows []itemRow) error {
	return insertRows(tx, "items", itemRowColumns, itemConflict, len(rows), func(i int, args []any) []any {
		r := &rows[i]
		return append(args, r.Code, r.BaseCode, r.Name, r.Region, r.DepartmentID, r.Published,
			r.Latest, r.Seq, r.CreatedAt, r.UpdatedAt)
	})
}

// maxInsertArgs bounds the bound values of one INSERT statement, below the
// limits of SQLite (32,766) and PostgreSQL (65,535).
const maxInsertArgs = 30000

// insertRows writes n rows into table with multi-row INSERT statements of
// up to importBatch rows, prepared once and run for every full batch; args
// appends the values of row i, in the order of columns. suffix follows each
// statement's VALUES list (e.g. ON CONFLICT).
func insertRows(tx *gorm.DB, table string, columns []string, suffix string, n int, args func(i int, dst []any) []any) error {
	per := max(1, min(importBatch, maxInsertArgs/len(columns)))
	head := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	statement := func(rows int) string {
		// gorm writes the placeholders in the database's own spelling.
		text := head + strings.TrimSuffix(strings.Repeat(tuple+", ", rows), ", ") + suffix
		dry := tx.Session(&gorm.Session{DryRun: true, NewDB: true}).Exec(text, make([]any, rows*len(columns))...)
		return dry.Statement.SQL.String()
	}
	ctx := tx.Statement.Context
	vals := make([]any, 0, per*len(columns))
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		vals = vals[:0]
		for i := start; i < end; i++ {
			vals = args(i, vals)
		}
		if end-start < per {
			if _, err := tx.Statement.ConnPool.ExecContext(ctx, statement(end-start), vals...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.Statement.ConnPool.PrepareContext(ctx, statement(per)); err != nil {
				return err
			}
		}
		if _, err := full.ExecContext(ctx, vals...); err != nil {
			return err
		}
	}
	return nil
}

// nullTime passes an absent time as SQL NULL.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// prepareItems validates the items of records and builds the edition rows
// of the valid ones (canonical JSON, digest and classification columns),
// on every core.
func prepareItems(recs []Record) ([][]FieldError, []editionRow, error) {
	errs := make([][]FieldError, len(recs))
	eds := make([]editionRow, len(recs))
	workers := max(1, runtime.GOMAXPROCS(0))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(recs); i += workers {
				it := recs[i].Item
				if errs[i] = Validate(it); len(errs[i]) > 0 {
					continue
				}
				ed, err := newEdition(it, 0, StatePublished, 0, time.Time{})
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				eds[i] = ed
			}
		}(w)
	}
	wg.Wait()
	return errs, eds, firstErr
}
