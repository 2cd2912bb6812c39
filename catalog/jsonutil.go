package catalog

import (
	"bytes"
	"encoding/json"
)

// marshalNoEscape encodes v as compact JSON without escaping <, > and &,
// so that stored and exported text reads as written.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// unmarshalIfSet decodes a stored JSON column, leaving v alone when empty.
func unmarshalIfSet(s string, v any) error {
	if s == "" || s == "null" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}
