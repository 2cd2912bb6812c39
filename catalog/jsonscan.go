package catalog

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ScanItem decodes the common case of an item record — a JSON object of
// known members, each given once, whose values have the right JSON types —
// straight from the text of the record, without reflection. It is the one
// JSON reader of items: the interchange decoders read item lines with it,
// and the store reads stored guides with it (DecodeGuide). Its strings
// share the memory of s. It declines (false) whatever it is not sure of:
// an unknown, repeated or mistyped member, null, a number that is not a
// plain integer, trailing text, any syntax error; the field-by-field
// decoder of package interchange judges those records and names their
// problems. For every record it accepts it gives the Item encoding/json
// gives, empty lists absent (TestScanItemAgreesWithEncodingJSON). s must
// be valid UTF-8.
func ScanItem(s string) (*Item, bool) {
	return scanItem(itemScanner{s: s})
}

// errNotCanonical is DecodeGuide's error for a text ScanItem declines.
var errNotCanonical = errors.New("stored guide is not the canonical JSON of a guide")

// DecodeGuide reads a stored guide, the canonical JSON AppendGuide wrote,
// with the scanner of ScanItem. Its strings are copies, so that a field of
// the item kept after the guide is read (a code in the search index) does
// not keep the whole text. A text the scanner declines is an error.
func DecodeGuide(s string) (*Item, error) {
	if !utf8.ValidString(s) {
		return nil, errNotCanonical
	}
	it, ok := scanItem(itemScanner{s: s, copy: true})
	if !ok {
		return nil, errNotCanonical
	}
	return it, nil
}

func scanItem(p itemScanner) (*Item, bool) {
	it := new(Item)
	if !p.item(it) {
		return nil, false
	}
	p.space()
	if p.i != len(p.s) {
		return nil, false
	}
	return it, true
}

// itemScanner reads JSON text from s at i. With copy set, the strings it
// returns are copies rather than parts of s.
type itemScanner struct {
	s    string
	i    int
	copy bool
}

func (p *itemScanner) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// next skips white space and reports whether c comes next, consuming it.
func (p *itemScanner) next(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// peek skips white space and returns the next byte, or 0 at the end.
func (p *itemScanner) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// object reads a JSON object, calling member for each member name with the
// reader at the member's value; member reads the value and returns the
// member's bit (each known member has its own), or 0 when it declines. A
// member named twice declines the object.
func (p *itemScanner) object(member func(name string) uint64) bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return true
	}
	var seen uint64
	for {
		if p.peek() != '"' {
			return false
		}
		name, ok := p.rawString()
		if !ok || !p.next(':') {
			return false
		}
		p.space()
		bit := member(name)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		seen |= bit
		if p.next(',') {
			continue
		}
		return p.next('}')
	}
}

// rawString reads a string without escapes; it declines any other.
func (p *itemScanner) rawString() (string, bool) {
	start := p.i + 1
	for j := start; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			p.i = j + 1
			return p.s[start:j], true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// str reads a string value into dst; escapes are decoded by encoding/json.
func (p *itemScanner) str(dst *string) bool {
	if p.peek() != '"' {
		return false
	}
	start := p.i
	if v, ok := p.rawString(); ok {
		if p.copy {
			v = strings.Clone(v)
		}
		*dst = v
		return true
	}
	// A string with escapes: find its end, let encoding/json decode it.
	j := start + 1
	for ; j < len(p.s) && p.s[j] != '"'; j++ {
		if p.s[j] == '\\' {
			j++
		}
	}
	if j >= len(p.s) {
		return false
	}
	var v string
	if json.Unmarshal([]byte(p.s[start:j+1]), &v) != nil {
		return false
	}
	p.i = j + 1
	*dst = v
	return true
}

// integer reads a JSON number that is a plain integer (no fraction or
// exponent) and fits an int.
func (p *itemScanner) integer(dst **int) bool {
	p.space()
	start := p.i
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || (p.s[digits] == '0' && p.i-digits > 1) {
		return false
	}
	if p.i < len(p.s) && strings.IndexByte(".eE", p.s[p.i]) >= 0 {
		return false
	}
	n, err := strconv.Atoi(p.s[start:p.i])
	if err != nil {
		return false
	}
	*dst = &n
	return true
}

func (p *itemScanner) boolean(dst *bool) bool {
	p.space()
	switch {
	case strings.HasPrefix(p.s[p.i:], "true"):
		*dst, p.i = true, p.i+4
	case strings.HasPrefix(p.s[p.i:], "false"):
		*dst, p.i = false, p.i+5
	default:
		return false
	}
	return true
}

func (p *itemScanner) optBool(dst **bool) bool {
	var b bool
	if !p.boolean(&b) {
		return false
	}
	*dst = &b
	return true
}

// list reads a JSON array, calling elem for each element; an empty array
// leaves the list absent, as the other decoders do.
func (p *itemScanner) list(elem func() bool) bool {
	if !p.next('[') {
		return false
	}
	if p.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if p.next(',') {
			continue
		}
		return p.next(']')
	}
}

func (p *itemScanner) strings(dst *[]string) bool {
	return p.list(func() bool {
		var v string
		if !p.str(&v) {
			return false
		}
		*dst = append(*dst, v)
		return true
	})
}

// bit returns the member bit of the n-th member when ok, else 0.
func bit(n uint, ok bool) uint64 {
	if !ok {
		return 0
	}
	return 1 << n
}

func (p *itemScanner) item(it *Item) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "kind":
			var k string
			return bit(0, p.str(&k) && (k == "" || k == KindItem))
		case "code":
			return bit(1, p.str(&it.Code))
		case "base_code":
			return bit(2, p.str(&it.BaseCode))
		case "name":
			return bit(3, p.str(&it.Name))
		case "type":
			return bit(4, p.str(&it.Type))
		case "level":
			return bit(5, p.str(&it.Level))
		case "region":
			return bit(6, p.str(&it.Region))
		case "department":
			return bit(7, p.str(&it.Department))
		case "audience":
			return bit(8, p.strings(&it.Audience))
		case "themes":
			return bit(9, p.strings(&it.Themes))
		case "basis":
			return bit(10, p.list(func() bool {
				var b Basis
				ok := p.basis(&b)
				it.Basis = append(it.Basis, b)
				return ok
			}))
		case "conditions":
			return bit(11, p.str(&it.Conditions))
		case "materials":
			return bit(12, p.list(func() bool {
				var m Material
				ok := p.material(&m)
				it.Materials = append(it.Materials, m)
				return ok
			}))
		case "steps":
			return bit(13, p.steps(&it.Steps))
		case "legal_days":
			return bit(14, p.integer(&it.LegalDays))
		case "promised_days":
			return bit(15, p.integer(&it.PromisedDays))
		case "handling":
			return bit(16, p.str(&it.Handling))
		case "visits":
			return bit(17, p.integer(&it.Visits))
		case "visit_reason":
			return bit(18, p.str(&it.VisitReason))
		case "online_depth":
			return bit(19, p.integer(&it.OnlineDepth))
		case "online_url":
			return bit(20, p.str(&it.OnlineURL))
		case "in_hall":
			return bit(21, p.optBool(&it.InHall))
		case "nearby":
			return bit(22, p.optBool(&it.Nearby))
		case "express":
			return bit(23, p.optBool(&it.Express))
		case "appointment":
			return bit(24, p.optBool(&it.Appointment))
		case "online_payment":
			return bit(25, p.optBool(&it.OnlinePayment))
		case "cross_province":
			return bit(26, p.optBool(&it.CrossProvince))
		case "commitment":
			return bit(27, p.optBool(&it.Commitment))
		case "scope":
			return bit(28, p.str(&it.Scope))
		case "fee":
			it.Fee = new(Fee)
			return bit(29, p.fee(it.Fee))
		case "result":
			it.Result = new(Result)
			return bit(30, p.result(it.Result))
		case "location":
			return bit(31, p.str(&it.Location))
		case "hours":
			return bit(32, p.str(&it.Hours))
		case "consult_phone":
			return bit(33, p.str(&it.ConsultPhone))
		case "complaint_phone":
			return bit(34, p.str(&it.ComplaintPhone))
		case "faq":
			return bit(35, p.list(func() bool {
				var q FAQ
				ok := p.faq(&q)
				it.FAQ = append(it.FAQ, q)
				return ok
			}))
		case "ask_phrases":
			return bit(36, p.strings(&it.AskPhrases))
		case "situations":
			return bit(37, p.list(func() bool {
				var s Situation
				ok := p.situation(&s)
				it.Situations = append(it.Situations, s)
				return ok
			}))
		}
		return 0
	})
}

func (p *itemScanner) steps(dst *[]Step) bool {
	return p.list(func() bool {
		var s Step
		ok := p.step(&s)
		*dst = append(*dst, s)
		return ok
	})
}

// situation reads a situation question. Its options are a list or null
// (AppendGuide writes null for a question without options: the member
// has no omitempty); either way an empty list is absent.
func (p *itemScanner) situation(s *Situation) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "id":
			return bit(0, p.str(&s.ID))
		case "question":
			return bit(1, p.str(&s.Question))
		case "multiple":
			return bit(2, p.boolean(&s.Multiple))
		case "options":
			if strings.HasPrefix(p.s[p.i:], "null") {
				p.i += 4
				return bit(3, true)
			}
			return bit(3, p.list(func() bool {
				var o Option
				ok := p.option(&o)
				s.Options = append(s.Options, o)
				return ok
			}))
		}
		return 0
	})
}

func (p *itemScanner) option(o *Option) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "id":
			return bit(0, p.str(&o.ID))
		case "label":
			return bit(1, p.str(&o.Label))
		case "add":
			return bit(2, p.strings(&o.Add))
		case "remove":
			return bit(3, p.strings(&o.Remove))
		case "note":
			return bit(4, p.str(&o.Note))
		case "promised_days":
			return bit(5, p.integer(&o.PromisedDays))
		case "visits":
			return bit(6, p.integer(&o.Visits))
		case "online_depth":
			return bit(7, p.integer(&o.OnlineDepth))
		case "fee":
			o.Fee = new(Fee)
			return bit(8, p.fee(o.Fee))
		case "steps":
			return bit(9, p.steps(&o.Steps))
		}
		return 0
	})
}

func (p *itemScanner) basis(b *Basis) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "title":
			return bit(0, p.str(&b.Title))
		case "clause":
			return bit(1, p.str(&b.Clause))
		case "text":
			return bit(2, p.str(&b.Text))
		}
		return 0
	})
}

func (p *itemScanner) material(m *Material) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "name":
			return bit(0, p.str(&m.Name))
		case "required":
			return bit(1, p.str(&m.Required))
		case "form":
			return bit(2, p.str(&m.Form))
		case "copies":
			return bit(3, p.integer(&m.Copies))
		case "source":
			return bit(4, p.str(&m.Source))
		case "notes":
			return bit(5, p.str(&m.Notes))
		}
		return 0
	})
}

func (p *itemScanner) step(s *Step) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "name":
			return bit(0, p.str(&s.Name))
		case "description":
			return bit(1, p.str(&s.Description))
		case "days":
			return bit(2, p.integer(&s.Days))
		}
		return 0
	})
}

func (p *itemScanner) fee(f *Fee) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "charged":
			return bit(0, p.boolean(&f.Charged))
		case "items":
			return bit(1, p.list(func() bool {
				var fi FeeItem
				ok := p.feeItem(&fi)
				f.Items = append(f.Items, fi)
				return ok
			}))
		}
		return 0
	})
}

func (p *itemScanner) feeItem(f *FeeItem) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "name":
			return bit(0, p.str(&f.Name))
		case "standard":
			return bit(1, p.str(&f.Standard))
		case "basis":
			return bit(2, p.str(&f.Basis))
		}
		return 0
	})
}

func (p *itemScanner) result(r *Result) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "name":
			return bit(0, p.str(&r.Name))
		case "type":
			return bit(1, p.str(&r.Type))
		case "sample":
			return bit(2, p.str(&r.Sample))
		}
		return 0
	})
}

func (p *itemScanner) faq(q *FAQ) bool {
	return p.object(func(name string) uint64 {
		switch name {
		case "q":
			return bit(0, p.str(&q.Q))
		case "a":
			return bit(1, p.str(&q.A))
		}
		return 0
	})
}
