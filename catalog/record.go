package catalog

import (
	"fmt"
	"strings"
)

// Record kinds of the interchange format (SPEC §5).
const (
	KindRegion     = "region"
	KindDepartment = "department"
	KindEntry      = "entry"
	KindItem       = "item"
)

// Record is one decoded interchange record and where it came from.
// Exactly one of Item, Region, Department and Entry is set, as Kind says.
type Record struct {
	File       string // the file it was read from, for messages
	Line       int    // 1-based line (JSON Lines) or row (CSV, XLSX)
	Kind       string
	Item       *Item
	Region     *Region
	Department *Department
	Entry      *Entry
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
	b.WriteString("：")
	b.WriteString(p.Message)
	return b.String()
}

// Decoded is what a decoder read from one file: the records it could
// decode and the problems of those it could not.
type Decoded struct {
	Records  []Record
	Problems []Problem
}
