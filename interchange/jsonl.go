package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"zhinan/catalog"
)

// DecodeJSONL decodes the canonical interchange format (docs/contract.md#interchange): JSON
// Lines, UTF-8, one record per line, its "kind" being "region",
// "department", "entry", "bundle" or "item" (the default when absent). A file whose
// first character is "[" is read as a single JSON array of records instead
// (a .json file may be either).
//
// Decoding checks syntax and types only — enumerations and required fields
// are catalog.Validate's job — and never stops at the first problem: a line
// with malformed JSON, invalid UTF-8, an unknown field (typos must not
// vanish silently), a value of the wrong JSON type or an unknown kind
// becomes one Problem per fault, naming the line and the field, and the
// line yields no record. A UTF-8 byte order mark at the start, blank lines
// and CRLF line endings are accepted. A line longer than MaxRecordBytes is
// reported and skipped. Empty lists decode as absent (nil), as do nulls.
func DecodeJSONL(r io.Reader, file string) catalog.Decoded {
	var d catalog.Decoded
	StreamJSONL(r, file, &d)
	return d
}

// StreamJSONL decodes as DecodeJSONL does, handing each record and
// problem to sink as it is read instead of keeping them: memory stays
// bounded whatever the size of the input (a JSON array is read whole, as
// DecodeJSONL reads it). The error is sink's, which stops decoding.
func StreamJSONL(r io.Reader, file string, sink catalog.Sink) error {
	return streamJSON(r, file, recordDecoder{decode: decodeCanonical, canonical: true}, sink)
}

// decodeCanonical decodes one canonical record, dispatching on its kind.
func decodeCanonical(raw []byte, _ int) (catalog.Record, []catalog.Problem) {
	obj, dups, err := objectMembers(raw)
	if err != nil {
		return catalog.Record{}, []catalog.Problem{{Message: fmt.Sprintf(msgNotObject, describeJSON(raw))}}
	}
	kind := catalog.KindItem
	if k, ok := obj["kind"]; ok && !isNull(k) {
		if err := json.Unmarshal(k, &kind); err != nil {
			return catalog.Record{}, []catalog.Problem{{Field: "kind", Message: fmt.Sprintf(msgWantText, describeJSON(k))}}
		}
	}
	delete(obj, "kind")
	rec := catalog.Record{Kind: kind}
	var target any
	switch kind {
	case catalog.KindItem:
		rec.Item = new(catalog.Item)
		target = rec.Item
	case catalog.KindRegion:
		rec.Region = new(catalog.Region)
		target = rec.Region
	case catalog.KindDepartment:
		rec.Department = new(catalog.Department)
		target = rec.Department
	case catalog.KindEntry:
		rec.Entry = new(catalog.Entry)
		target = rec.Entry
	case catalog.KindBundle:
		rec.Bundle = new(catalog.Bundle)
		target = rec.Bundle
	default:
		return catalog.Record{}, []catalog.Problem{{Field: "kind", Message: fmt.Sprintf(msgUnknownKind, kind)}}
	}
	var fd fieldDecoder
	fd.duplicates(dups, "")
	fd.object(obj, reflect.ValueOf(target).Elem(), "")
	if len(fd.problems) > 0 {
		if rec.Item != nil || rec.Bundle != nil {
			var code string
			if json.Unmarshal(obj["code"], &code) == nil {
				for i := range fd.problems {
					fd.problems[i].Code = code
				}
			}
		}
		return catalog.Record{}, fd.problems
	}
	return rec, nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// fieldDecoder decodes JSON into the interchange structs field by field,
// collecting a problem for every unknown field and every value of the wrong
// type, each named by its path ("materials[2].copies"). It knows the kinds
// the interchange structs use: string, int, bool, pointers, slices and
// structs with json tags.
type fieldDecoder struct {
	problems []catalog.Problem
}

func (d *fieldDecoder) fail(path, format string, raw json.RawMessage) {
	d.problems = append(d.problems, catalog.Problem{Field: path, Message: fmt.Sprintf(format, describeJSON(raw))})
}

// value decodes raw into v; null leaves v at its zero value (absent).
func (d *fieldDecoder) value(raw json.RawMessage, v reflect.Value, path string) {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		before := len(d.problems)
		d.value(raw, p.Elem(), path)
		if len(d.problems) == before {
			v.Set(p)
		}
	case reflect.String:
		if raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
			v.SetString(string(raw[1 : len(raw)-1])) // valid JSON without escapes
			return
		}
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			d.fail(path, msgWantText, raw)
			return
		}
		v.SetString(s)
	case reflect.Int:
		n, err := strconv.ParseInt(string(raw), 10, 0)
		if err != nil {
			d.fail(path, msgWantInt, raw)
			return
		}
		v.SetInt(n)
	case reflect.Bool:
		switch string(raw) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.fail(path, msgWantBool, raw)
		}
	case reflect.Slice:
		var elems []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
			d.fail(path, msgWantList, raw)
			return
		}
		if len(elems) == 0 {
			return // an empty list is absent
		}
		s := reflect.MakeSlice(v.Type(), len(elems), len(elems))
		for i, e := range elems {
			d.value(e, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Struct:
		obj, dups, err := objectMembers(raw)
		if err != nil {
			d.fail(path, msgWantObject, raw)
			return
		}
		d.duplicates(dups, path+".")
		d.object(obj, v, path)
	default:
		panic("catalog: no interchange decoding for " + v.Type().String())
	}
}

// duplicates reports members named more than once in an object: JSON
// would keep only the last, and the others would vanish silently.
func (d *fieldDecoder) duplicates(names []string, prefix string) {
	for _, name := range names {
		d.problems = append(d.problems, catalog.Problem{Field: prefix + name, Message: msgDuplicateField})
	}
}

// objectMembers splits a JSON object (known to be valid JSON) into its
// members and lists the names that occur more than once, in order. The
// values are slices of raw.
func objectMembers(raw []byte) (map[string]json.RawMessage, []string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '{' {
		return nil, nil, errNotObject
	}
	obj := map[string]json.RawMessage{}
	var dups []string
	i := skipSpace(raw, 1)
	for i < len(raw) && raw[i] == '"' {
		end := stringEnd(raw, i)
		name := raw[i:end]
		var key string
		if bytes.IndexByte(name, '\\') < 0 {
			key = string(name[1 : len(name)-1])
		} else if err := json.Unmarshal(name, &key); err != nil {
			return nil, nil, err
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return nil, nil, errNotObject
		}
		start := skipSpace(raw, i+1)
		i = valueEnd(raw, start)
		if _, seen := obj[key]; seen && !slices.Contains(dups, key) {
			dups = append(dups, key)
		}
		obj[key] = json.RawMessage(bytes.TrimRight(raw[start:i], " \t\r\n"))
		i = skipSpace(raw, i)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	if i != len(raw)-1 || raw[i] != '}' {
		return nil, nil, errNotObject
	}
	return obj, dups, nil
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index after the JSON string starting at raw[i].
func stringEnd(raw []byte, i int) int {
	for i++; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(raw)
}

// valueEnd returns the index of the "," or "}" that ends the member value
// starting at raw[i] of a valid JSON object.
func valueEnd(raw []byte, i int) int {
	depth := 0
	for i < len(raw) {
		switch raw[i] {
		case '"':
			i = stringEnd(raw, i)
			continue
		case '{', '[':
			depth++
		case ']':
			depth--
		case '}':
			if depth == 0 {
				return i
			}
			depth--
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}

var errNotObject = errors.New("not a JSON object")

// object decodes the members of a JSON object into struct v, in the
// struct's field order, then reports unknown members in name order.
func (d *fieldDecoder) object(obj map[string]json.RawMessage, v reflect.Value, path string) {
	fields := jsonFieldsOf(v.Type())
	prefix := path
	if prefix != "" {
		prefix += "."
	}
	for _, f := range fields {
		if raw, ok := obj[f.name]; ok {
			d.value(raw, v.Field(f.index), prefix+f.name)
		}
	}
	var unknown []string
	for name := range obj {
		if fieldIndex(fields, name) < 0 {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		msg := fmt.Sprintf(msgUnknownField, name)
		if s := closestField(fields, name); s != "" {
			msg += fmt.Sprintf(msgDidYouMean, s, catalog.Label(prefix+s))
		}
		d.problems = append(d.problems, catalog.Problem{Field: prefix + name, Message: msg})
	}
}

// jsonField is a struct field with its JSON name.
type jsonField struct {
	name  string
	index int
}

var jsonFieldCache sync.Map // reflect.Type → []jsonField

// jsonFieldsOf lists the JSON-visible fields of struct type t in order.
func jsonFieldsOf(t reflect.Type) []jsonField {
	if f, ok := jsonFieldCache.Load(t); ok {
		return f.([]jsonField)
	}
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, jsonField{name: name, index: i})
	}
	jsonFieldCache.Store(t, out)
	return out
}

func fieldIndex(fields []jsonField, name string) int {
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	return -1
}

// closestField suggests the known field a misspelt name most likely meant:
// one within two edits (or differing only in case), else "".
func closestField(fields []jsonField, name string) string {
	best, bestDist := "", 3
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return f.name
		}
		if d := editDistance(f.name, name); d < bestDist {
			best, bestDist = f.name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// jsonlEncoder writes canonical JSON Lines: one compact object per line, in
// struct field order, without HTML escaping. Items are written without
// "kind" (the default) by the canonical encoder, catalog.AppendGuide; other
// records carry "kind" first and are written by encoding/json, which writes
// the same form.
type jsonlEncoder struct {
	w   io.Writer
	enc *json.Encoder
	buf []byte // an item's line
}

func newJSONLEncoder(w io.Writer) *jsonlEncoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonlEncoder{w: w, enc: enc}
}

// Kinded wrappers put "kind" before the record's own fields.
type (
	regionLine struct {
		Kind string `json:"kind"`
		*catalog.Region
	}
	departmentLine struct {
		Kind string `json:"kind"`
		*catalog.Department
	}
	entryLine struct {
		Kind string `json:"kind"`
		*catalog.Entry
	}
	bundleLine struct {
		Kind string `json:"kind"`
		*catalog.Bundle
	}
)

// Write writes one record as one line.
func (e *jsonlEncoder) Write(rec catalog.Record) error {
	v, err := recordValue(rec)
	if err != nil {
		return err
	}
	if it, ok := v.(*catalog.Item); ok {
		e.buf = append(catalog.AppendGuide(e.buf[:0], it), '\n')
		_, err := e.w.Write(e.buf)
		return err
	}
	return e.enc.Encode(v)
}

// Close does nothing: every Write is complete.
func (e *jsonlEncoder) Close() error { return nil }

// recordValue returns what the JSON Lines encoder marshals for rec.
func recordValue(rec catalog.Record) (any, error) {
	kind := rec.Kind
	if kind == "" {
		kind = catalog.KindItem
	}
	var v any
	switch kind {
	case catalog.KindItem:
		if rec.Item != nil {
			v = rec.Item
		}
	case catalog.KindRegion:
		if rec.Region != nil {
			v = regionLine{catalog.KindRegion, rec.Region}
		}
	case catalog.KindDepartment:
		if rec.Department != nil {
			v = departmentLine{catalog.KindDepartment, rec.Department}
		}
	case catalog.KindEntry:
		if rec.Entry != nil {
			v = entryLine{catalog.KindEntry, rec.Entry}
		}
	case catalog.KindBundle:
		if rec.Bundle != nil {
			v = bundleLine{catalog.KindBundle, rec.Bundle}
		}
	default:
		return nil, fmt.Errorf(msgUnknownKind, kind)
	}
	if v == nil {
		return nil, fmt.Errorf(msgEncodeEmptyRecord, kind)
	}
	return v, nil
}
