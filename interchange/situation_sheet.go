package interchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"zhinan/catalog"
)

// Situations (情形引导) in spreadsheets.
//
// CSV, one table, carries an item's situations in the column 情形引导
// (situations) of the item's row: the JSON list of its questions, as in
// JSON Lines (situationsColumn). XLSX writes them on a sheet of their own,
// 情形, one row per option (situationSheet); its item sheet has no 情形引导
// column, but reads one when a hand-made workbook has it.

// situationsColumn is the 情形引导 column of the item table: the item's
// situations as compact JSON, fields in the order of catalog.Situation and
// catalog.Option; empty for none. Reading it names every problem by its
// path ("situations[0].options[1].add"), as the JSON Lines decoder does.
var situationsColumn = itemColumn{field: "situations", header: headerSituations, long: true, csvOnly: true,
	get: func(it *catalog.Item) string {
		if len(it.Situations) == 0 {
			return ""
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(it.Situations); err != nil {
			panic(err) // plain structs of strings, numbers and booleans
		}
		return strings.TrimSuffix(b.String(), "\n")
	},
	set: func(it *catalog.Item, s string, d *cellDecoder) {
		if strings.TrimSpace(s) == "" {
			return
		}
		raw := []byte(s)
		if p, ok := checkJSONSyntax(raw); !ok {
			d.fail("situations", p.Message)
			return
		}
		var fd fieldDecoder
		fd.value(raw, reflect.ValueOf(&it.Situations).Elem(), "situations")
		d.problems = append(d.problems, fd.problems...)
		if len(fd.problems) > 0 {
			it.Situations = nil
		}
	},
}

// The columns of the 情形 sheet, in order.
const (
	sitCode = iota
	sitQuestionID
	sitQuestion
	sitMultiple
	sitOptionID
	sitLabel
	sitAdd
	sitRemove
	sitNote
	sitPromisedDays
	sitVisits
	sitOnlineDepth
	sitFeeCharged
	sitFeeItems
	sitSteps
)

// situationSheet is the 情形 sheet: one row per option, under its item's
// code and its question's id; the question and 多选 on the question's first
// row. A question without options is one row without option cells.
var situationSheet = newGroupSheet(sheetSituations, []sheetColumn{
	{key: "code", header: headerCode},
	{key: "question_id", header: headerQuestionID},
	{key: "question", header: headerQuestion, group: true, long: true},
	{key: "multiple", header: headerMultiple, kind: cellBool, group: true},
	{key: "option_id", header: headerOptionID},
	{key: "label", header: headerLabel, long: true},
	{key: "add", header: headerAdd, kind: cellList, limit: catalog.MaxMaterials, long: true},
	{key: "remove", header: headerRemove, kind: cellList, limit: catalog.MaxMaterials, long: true},
	{key: "note", header: headerNote, long: true},
	{key: "promised_days", header: catalog.Label("promised_days"), kind: cellInt},
	{key: "visits", header: catalog.Label("visits"), kind: cellInt},
	{key: "online_depth", header: catalog.Label("online_depth"), kind: cellInt},
	{key: "fee.charged", header: catalog.Label("fee.charged"), kind: cellBool},
	{key: "fee.items", header: catalog.Label("fee.items"), kind: cellStruct, parts: feeItemParts, limit: catalog.MaxFeeItems, long: true},
	{key: "steps", header: headerExtraSteps, kind: cellStruct, parts: stepParts, limit: catalog.MaxSteps, long: true},
}, "code", "question_id", "option_id")

// situationRows returns the rows of the 情形 sheet for it, cells by column.
func situationRows(it *catalog.Item) [][]string {
	var rows [][]string
	for _, s := range it.Situations {
		first := make([]string, len(situationSheet.columns))
		first[sitQuestion] = s.Question
		first[sitMultiple] = formatBool(&s.Multiple)
		if len(s.Options) == 0 {
			first[sitCode], first[sitQuestionID] = it.Code, s.ID
			rows = append(rows, first)
			continue
		}
		for i, o := range s.Options {
			row := first
			if i > 0 {
				row = make([]string, len(situationSheet.columns))
			}
			row[sitCode], row[sitQuestionID] = it.Code, s.ID
			row[sitOptionID], row[sitLabel] = o.ID, o.Label
			row[sitAdd], row[sitRemove] = formatValuesCell(o.Add), formatValuesCell(o.Remove)
			row[sitNote] = o.Note
			row[sitPromisedDays], row[sitVisits], row[sitOnlineDepth] = formatInt(o.PromisedDays), formatInt(o.Visits), formatInt(o.OnlineDepth)
			if o.Fee != nil {
				row[sitFeeCharged] = formatBool(&o.Fee.Charged)
				row[sitFeeItems] = feeItemsCell(o.Fee.Items)
			}
			row[sitSteps] = stepsCell(o.Steps)
			rows = append(rows, row)
		}
	}
	return rows
}

// situationReader gathers the rows of a 情形 sheet by item and question.
type situationReader struct {
	table    *groupTable
	items    map[string]*itemSituations
	order    []string // item codes in the order of their first rows
	problems []catalog.Problem
}

// itemSituations are the questions of one item read from the sheet.
type itemSituations struct {
	row       int // the item's first row
	questions []*questionRows
	byID      map[string]int
	bad       bool // a row of the item has a problem
	over      bool // more questions than a guide may have (reported once)
}

// questionRows is one question read from the sheet.
type questionRows struct {
	s                  catalog.Situation
	question, multiple groupValue
	over               bool // more options than a question may have (reported once)
}

func newSituationReader(t *groupTable) *situationReader {
	return &situationReader{table: t, items: map[string]*itemSituations{}}
}

// situationLimits are the most questions of a guide and options of a
// question (catalog.ListLimit; generous stand-ins where it has none).
func situationLimits() (questions, options int) {
	questions, ok := catalog.ListLimit("situations")
	if !ok {
		questions = catalog.MaxSteps
	}
	options, ok = catalog.ListLimit("situations.options")
	if !ok {
		options = catalog.MaxSteps
	}
	return questions, options
}

// row reads one row of the sheet (cells by column); stray is the position
// of a value under no header (0: none).
func (r *situationReader) row(line int, cells []string, stray int) {
	d := &rowDecoder{sheet: situationSheet}
	code := cells[sitCode]
	defer func() {
		if it := r.items[code]; d.finish(&r.problems, r.table.file, line, code, stray) && it != nil {
			it.bad = true
		}
	}()
	if d.noCode(code, sitCode) {
		return
	}
	it := r.items[code]
	if it == nil {
		it = &itemSituations{row: line, byID: map[string]int{}}
		r.items[code] = it
		r.order = append(r.order, code)
	}
	maxQuestions, maxOptions := situationLimits()
	qid := cells[sitQuestionID]
	qi, ok := it.byID[qid]
	if !ok {
		if len(it.questions) >= maxQuestions {
			d.tooMany(&it.over, &it.bad, sitQuestionID, "situations", maxQuestions, len(it.questions))
			return
		}
		qi = len(it.questions)
		it.byID[qid] = qi
		it.questions = append(it.questions, &questionRows{s: catalog.Situation{ID: qid}})
	}
	q := it.questions[qi]
	path := fmt.Sprintf("situations[%d]", qi)
	if d.agree(&q.question, cells, sitQuestion, line, path+".question", sameCell) {
		q.s.Question = q.question.cell
	}
	if v, ok := d.bool(cells, sitMultiple, path+".multiple"); ok && d.agree(&q.multiple, cells, sitMultiple, line, path+".multiple", sameBool) {
		q.s.Multiple = v
	}
	if blankRow(cells[sitOptionID:]) {
		return // a question without options
	}
	if len(q.s.Options) >= maxOptions {
		d.tooMany(&q.over, &it.bad, sitOptionID, path+".options", maxOptions, len(q.s.Options))
		return
	}
	path = fmt.Sprintf("%s.options[%d]", path, len(q.s.Options))
	o := catalog.Option{ID: cells[sitOptionID], Label: cells[sitLabel], Note: cells[sitNote]}
	o.Add = d.list(cells, sitAdd, path+".add")
	o.Remove = d.list(cells, sitRemove, path+".remove")
	o.PromisedDays = d.int(cells, sitPromisedDays, path+".promised_days")
	o.Visits = d.int(cells, sitVisits, path+".visits")
	o.OnlineDepth = d.int(cells, sitOnlineDepth, path+".online_depth")
	charged, hasCharged := d.bool(cells, sitFeeCharged, path+".fee.charged")
	items := d.feeItems(cells, sitFeeItems, path+".fee.items")
	switch {
	case hasCharged:
		o.Fee = &catalog.Fee{Charged: charged, Items: items}
	case len(items) > 0:
		d.fail(sitFeeCharged, path+".fee.charged", msgFeeChargedMissing)
	}
	o.Steps = d.steps(cells, sitSteps, path+".steps")
	q.s.Options = append(q.s.Options, o)
}

// attach gives the items of records their situations read from the sheet.
// An item with a problem in the sheet yields no record (its problems are
// reported); a code no item of the workbook has is a problem of its first
// row, as is an item whose 情形引导 column gave situations too.
func (r *situationReader) attach(out *catalog.Decoded, itemFile string) {
	out.Problems = append(out.Problems, r.problems...)
	if len(r.order) == 0 {
		return
	}
	byCode := map[string]int{}
	for i, rec := range out.Records {
		if rec.Item != nil {
			if _, dup := byCode[rec.Item.Code]; !dup {
				byCode[rec.Item.Code] = i
			}
		}
	}
	drop := map[int]bool{}
	for _, code := range r.order {
		it := r.items[code]
		i, ok := byCode[code]
		switch {
		case !ok:
			if !it.bad {
				out.Problems = append(out.Problems, catalog.Problem{File: r.table.file, Line: it.row, Code: code, Field: "code",
					Message: fmt.Sprintf(msgInColumn, headerCode, fmt.Sprintf(msgSituationNoItem, itemFile))})
			}
		case it.bad:
			drop[i] = true
		case len(out.Records[i].Item.Situations) > 0:
			out.Problems = append(out.Problems, catalog.Problem{File: r.table.file, Line: it.row, Code: code, Field: "situations",
				Message: fmt.Sprintf(msgSituationsTwice, headerSituations)})
			drop[i] = true
		default:
			list := make([]catalog.Situation, len(it.questions))
			for j, q := range it.questions {
				list[j] = q.s
			}
			out.Records[i].Item.Situations = list
		}
	}
	if len(drop) > 0 {
		kept := out.Records[:0]
		for i, rec := range out.Records {
			if !drop[i] {
				kept = append(kept, rec)
			}
		}
		out.Records = kept
	}
}
