package catalog

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Record kinds of the interchange format (docs/contract.md#interchange).
const (
	KindRegion     = "region"
	KindDepartment = "department"
	KindEntry      = "entry"
	KindItem       = "item"
	KindBundle     = "bundle"
)

// Record is one decoded interchange record and where it came from.
// Exactly one of Item, Region, Department, Entry and Bundle is set, as Kind says.
// Records, with their problems (Decoded), are the unit of interchange: the
// codecs of package interchange produce them and the store's import
// consumes them, so they are the domain's, like the checks of the records
// that are not items (RegionProblems, DepartmentProblems, EntryProblems).
type Record struct {
	File       string // the file it was read from, for messages
	Line       int    // 1-based line (JSON Lines) or row (CSV, XLSX)
	Kind       string
	Item       *Item
	Region     *Region
	Department *Department
	Entry      *Entry
	Bundle     *Bundle
}

// Problem is one thing wrong with the input: which file, which line or row,
// which field and why. It is an error a user can act on.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Code    string `json:"code,omitempty"` // the item code, when known
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error formats the problem in Chinese, e.g.
// "items.jsonl 第12行 [法定办结时限 legal_days]：应为不小于0的整数".
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteByte(' ')
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, MsgLine, p.Line)
		b.WriteByte(' ')
	}
	if p.Code != "" {
		fmt.Fprintf(&b, "(%s) ", p.Code)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, "[%s %s]", Label(p.Field), p.Field)
	}
	b.WriteString(msgProblemColon)
	b.WriteString(p.Message)
	return b.String()
}

// Decoded is what a decoder read from one file: the records it could
// decode and the problems of those it could not.
type Decoded struct {
	Records  []Record
	Problems []Problem
}

// Sink takes what a decoder reads as it reads it, in input order: Record
// for each record decoded, Problem for each problem of what could not be.
// An error of Record stops the decoder, which returns it. The store's
// import is a Sink (it validates and stages items as they come, so that a
// file of any size is imported in bounded memory); a *Decoded is one that
// keeps everything.
type Sink interface {
	Record(Record) error
	Problem(Problem)
}

// Record keeps r: a *Decoded is a Sink collecting a whole input.
func (d *Decoded) Record(r Record) error {
	d.Records = append(d.Records, r)
	return nil
}

// Problem keeps p.
func (d *Decoded) Problem(p Problem) { d.Problems = append(d.Problems, p) }

// Problem returns a problem of the record: its file and line, its item's
// code when it is an item, the field and the message.
func (r Record) Problem(field, msg string) Problem {
	p := Problem{File: r.File, Line: r.Line, Field: field, Message: msg}
	if r.Item != nil {
		p.Code = r.Item.Code
	}
	return p
}

// FieldProblems turns the field errors of the record's item (Validate)
// into problems of the record.
func (r Record) FieldProblems(errs []FieldError) []Problem {
	out := make([]Problem, 0, len(errs))
	for _, e := range errs {
		out = append(out, r.Problem(e.Field, e.Message))
	}
	return out
}

// RegionProblems checks a region record: a 6-digit code, a clean one-line
// name, a level of RegionLevels and, when it has one, a parent among the
// known regions (those stored and those of the same input).
func RegionProblems(r Record, known map[string]bool) []Problem {
	var ps []Problem
	g := r.Region
	if !IsRegionCode(g.Code) {
		ps = append(ps, r.Problem("code", MsgRegionFormat))
	}
	if p, bad := nameProblem(r, g.Name, MaxLineRunes); bad {
		ps = append(ps, p)
	}
	if !contains(RegionLevels, g.Level) {
		ps = append(ps, r.Problem("level", EnumMessage(RegionLevels)))
	}
	if g.Parent != "" && !known[g.Parent] {
		ps = append(ps, r.Problem("parent", fmt.Sprintf(MsgUnknownRegion, g.Parent)))
	}
	return ps
}

// DepartmentProblems checks a department record: a clean one-line name in
// a known region.
func DepartmentProblems(r Record, known map[string]bool) []Problem {
	var ps []Problem
	d := r.Department
	if p, bad := nameProblem(r, d.Name, MaxLineRunes); bad {
		ps = append(ps, p)
	}
	if !known[d.Region] {
		ps = append(ps, r.Problem("region", fmt.Sprintf(MsgUnknownRegion, d.Region)))
	}
	return ps
}

// EntryProblems checks a catalogue entry record: a base code of
// BaseCodeLen letters and digits (as an item's), a clean one-line name, a type of Types and levels
// of Levels.
func EntryProblems(r Record) []Problem {
	var ps []Problem
	e := r.Entry
	if msg := baseCodeProblem(e.BaseCode); msg != "" {
		ps = append(ps, r.Problem("base_code", msg))
	}
	if p, bad := nameProblem(r, e.Name, MaxNameLen); bad {
		ps = append(ps, p)
	}
	if !contains(Types, e.Type) {
		ps = append(ps, r.Problem("type", EnumMessage(Types)))
	}
	for i, l := range e.Levels {
		if !contains(Levels, l) {
			ps = append(ps, r.Problem(fmt.Sprintf("levels[%d]", i), EnumMessage(Levels)))
		}
	}
	return ps
}

// nameProblem checks the name of a region, department or catalogue entry:
// present, one line of clean text without invisible format characters (a
// U+202E would show it reversed), at most max characters.
func nameProblem(r Record, name string, max int) (Problem, bool) {
	msg := NameProblem(name)
	switch {
	case msg != "":
	case name == "":
		msg = MsgRequired
	case utf8.RuneCountInString(name) > max:
		msg = fmt.Sprintf(MsgTooLong, max)
	default:
		return Problem{}, false
	}
	return r.Problem("name", msg), true
}
