package catalog

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The canonical JSON form of the domain's values is how a guide is stored
// (one edition, one text) and exported: compact JSON in struct field order,
// absent fields left out (omitempty), HTML characters unescaped, so that
// stored and exported text reads as written. ScanItem (jsonscan.go) reads
// a guide back.

// CanonicalJSON returns the canonical JSON of v, any value of the domain's
// types (a guide, a list of bases, a region …). For a guide, AppendGuide
// writes the same bytes faster.
func CanonicalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// AppendGuide appends the canonical JSON of it to b: byte for byte what
// CanonicalJSON writes, without reflection. TestAppendGuideMatchesEncodingJSON
// keeps the two equal, also when a field is added to the guide types.
func AppendGuide(b []byte, it *Item) []byte {
	w := guideWriter{b: b}
	w.open()
	w.str("code", it.Code, false)
	w.str("base_code", it.BaseCode, false)
	w.str("name", it.Name, false)
	w.str("type", it.Type, false)
	w.str("level", it.Level, true)
	w.str("region", it.Region, false)
	w.str("department", it.Department, false)
	w.strs("audience", it.Audience)
	w.strs("themes", it.Themes)
	objects(&w, "basis", it.Basis, func(x *Basis) {
		w.str("title", x.Title, false)
		w.str("clause", x.Clause, true)
		w.str("text", x.Text, true)
	})
	w.str("conditions", it.Conditions, true)
	objects(&w, "materials", it.Materials, func(x *Material) {
		w.str("name", x.Name, false)
		w.str("required", x.Required, true)
		w.str("form", x.Form, true)
		w.int("copies", x.Copies)
		w.str("source", x.Source, true)
		w.str("notes", x.Notes, true)
	})
	w.steps(it.Steps)
	w.int("legal_days", it.LegalDays)
	w.int("promised_days", it.PromisedDays)
	w.str("handling", it.Handling, true)
	w.int("visits", it.Visits)
	w.str("visit_reason", it.VisitReason, true)
	w.int("online_depth", it.OnlineDepth)
	w.str("online_url", it.OnlineURL, true)
	w.bool("in_hall", it.InHall)
	w.bool("nearby", it.Nearby)
	w.bool("express", it.Express)
	w.bool("appointment", it.Appointment)
	w.bool("online_payment", it.OnlinePayment)
	w.bool("cross_province", it.CrossProvince)
	w.bool("commitment", it.Commitment)
	w.str("scope", it.Scope, true)
	w.fee(it.Fee)
	if r := it.Result; r != nil {
		w.key("result")
		w.open()
		w.str("name", r.Name, false)
		w.str("type", r.Type, true)
		w.str("sample", r.Sample, true)
		w.close()
	}
	w.str("location", it.Location, true)
	w.str("hours", it.Hours, true)
	w.str("consult_phone", it.ConsultPhone, true)
	w.str("complaint_phone", it.ComplaintPhone, true)
	objects(&w, "faq", it.FAQ, func(x *FAQ) {
		w.str("q", x.Q, false)
		w.str("a", x.A, false)
	})
	w.strs("ask_phrases", it.AskPhrases)
	objects(&w, "situations", it.Situations, func(x *Situation) {
		w.str("id", x.ID, false)
		w.str("question", x.Question, false)
		if x.Multiple {
			w.key("multiple")
			w.b = append(w.b, "true"...)
		}
		// options has no omitempty: an absent list is null, an empty one [].
		if x.Options == nil {
			w.key("options")
			w.b = append(w.b, "null"...)
			return
		}
		if len(x.Options) == 0 {
			w.key("options")
			w.b = append(w.b, "[]"...)
			return
		}
		objects(&w, "options", x.Options, func(o *Option) {
			w.str("id", o.ID, false)
			w.str("label", o.Label, false)
			w.strs("add", o.Add)
			w.strs("remove", o.Remove)
			w.str("note", o.Note, true)
			w.int("promised_days", o.PromisedDays)
			w.int("visits", o.Visits)
			w.int("online_depth", o.OnlineDepth)
			w.fee(o.Fee)
			w.steps(o.Steps)
		})
	})
	w.close()
	return w.b
}

// steps writes a list of steps (of the guide, of an option).
func (w *guideWriter) steps(list []Step) {
	objects(w, "steps", list, func(x *Step) {
		w.str("name", x.Name, false)
		w.str("description", x.Description, true)
		w.int("days", x.Days)
	})
}

// fee writes a fee (of the guide, of an option), nothing when absent.
func (w *guideWriter) fee(f *Fee) {
	if f == nil {
		return
	}
	w.key("fee")
	w.open()
	w.key("charged")
	w.b = strconv.AppendBool(w.b, f.Charged)
	objects(w, "items", f.Items, func(x *FeeItem) {
		w.str("name", x.Name, false)
		w.str("standard", x.Standard, true)
		w.str("basis", x.Basis, true)
	})
	w.close()
}

// guideWriter writes JSON objects; first says no member has been written
// in the current object yet.
type guideWriter struct {
	b     []byte
	first bool
}

func (w *guideWriter) open() {
	w.b = append(w.b, '{')
	w.first = true
}

func (w *guideWriter) close() {
	w.b = append(w.b, '}')
	w.first = false
}

// key writes a member name (plain ASCII) and its colon.
func (w *guideWriter) key(name string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
}

func (w *guideWriter) str(name, s string, omitEmpty bool) {
	if omitEmpty && s == "" {
		return
	}
	w.key(name)
	w.b = appendJSONString(w.b, s)
}

// objects writes a list of objects, each by each, and nothing for an
// empty list (omitempty).
func objects[T any](w *guideWriter, name string, list []T, each func(*T)) {
	if len(list) == 0 {
		return
	}
	w.key(name)
	w.b = append(w.b, '[')
	for i := range list {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.open()
		each(&list[i])
		w.close()
	}
	w.b = append(w.b, ']')
}

func (w *guideWriter) strs(name string, list []string) {
	if len(list) == 0 {
		return
	}
	w.key(name)
	w.b = append(w.b, '[')
	for i, s := range list {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = appendJSONString(w.b, s)
	}
	w.b = append(w.b, ']')
}

func (w *guideWriter) int(name string, n *int) {
	if n == nil {
		return
	}
	w.key(name)
	w.b = strconv.AppendInt(w.b, int64(*n), 10)
}

func (w *guideWriter) bool(name string, v *bool) {
	if v == nil {
		return
	}
	w.key(name)
	w.b = strconv.AppendBool(w.b, *v)
}

// appendJSONString appends s as a JSON string the way encoding/json does
// without HTML escaping. Text that needs no escape is copied; any other is
// left to encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	if !plainJSONString(s) {
		enc, err := CanonicalJSON(s)
		if err == nil {
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainJSONString reports whether encoding/json writes s between quotes
// unchanged: valid UTF-8 without quotes, backslashes, control characters,
// U+2028 or U+2029.
func plainJSONString(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == '"' || c == '\\':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}
