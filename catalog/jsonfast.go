package catalog

import (
	"bytes"
	"encoding/json"
)

// fastItem decodes the common case — a well-formed item record with no
// unknown, mistyped or repeated field — with encoding/json alone. Whenever
// it is in doubt it reports false, and the field-by-field decoder, which
// names every problem, decodes the record instead. Both give the same Item.
func fastItem(raw []byte) (*Item, bool) {
	var w struct {
		Kind string `json:"kind"`
		Item
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil || (w.Kind != "" && w.Kind != KindItem) || dec.More() {
		return nil, false
	}
	if doubtfulKeys(raw) {
		return nil, false
	}
	it := &w.Item
	// Empty lists are absent, as the field-by-field decoder makes them.
	if len(it.Audience) == 0 {
		it.Audience = nil
	}
	if len(it.Themes) == 0 {
		it.Themes = nil
	}
	if len(it.Basis) == 0 {
		it.Basis = nil
	}
	if len(it.Materials) == 0 {
		it.Materials = nil
	}
	if len(it.Steps) == 0 {
		it.Steps = nil
	}
	if len(it.FAQ) == 0 {
		it.FAQ = nil
	}
	if len(it.AskPhrases) == 0 {
		it.AskPhrases = nil
	}
	if it.Fee != nil && len(it.Fee.Items) == 0 {
		it.Fee.Items = nil
	}
	return it, true
}

// doubtfulKeys reports whether any object in the JSON text raw names a
// member twice or with an upper-case letter: encoding/json would take the
// last of two and match keys regardless of case, where the interchange
// format's names are lower case and given once.
func doubtfulKeys(raw []byte) bool {
	type frame struct {
		object bool
		keys   [][]byte
	}
	var stack []frame
	expectKey := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '{':
			stack = append(stack, frame{object: true})
			expectKey = true
		case '[':
			stack = append(stack, frame{})
			expectKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
		case '"':
			end := i + 1
			for end < len(raw) && raw[end] != '"' {
				if raw[end] == '\\' {
					end++
				}
				end++
			}
			if expectKey && len(stack) > 0 {
				top := &stack[len(stack)-1]
				key := raw[i+1 : min(end, len(raw))]
				for _, b := range key {
					if 'A' <= b && b <= 'Z' {
						return true
					}
				}
				for _, k := range top.keys {
					if bytes.Equal(k, key) {
						return true
					}
				}
				top.keys = append(top.keys, key)
				expectKey = false
			}
			i = end
		}
	}
	return false
}
