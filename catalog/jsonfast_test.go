package catalog

import (
	"bytes"
	"strings"
	"testing"
)

// TestFastPathAgreesWithFieldDecoder: the fast path and the field-by-field
// decoder give the same item for every record the fast path accepts, and
// the fast path declines records only the field decoder can judge.
func TestFastPathAgreesWithFieldDecoder(t *testing.T) {
	full, err := canonicalJSON(completeGuide())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		in     string
		accept bool
	}{
		{"complete guide", string(full), true},
		{"with kind item", `{"kind":"item","code":"A","themes":[],"fee":{"charged":false,"items":[]}}`, true},
		{"duplicate key", `{"code":"A","code":"B"}`, false},
		{"nested duplicate", `{"code":"A","fee":{"charged":true,"charged":false}}`, false},
		{"upper-case key", `{"code":"A","Name":"x"}`, false},
		{"unknown field", `{"code":"A","colour":"red"}`, false},
		{"wrong type", `{"code":"A","legal_days":"30"}`, false},
		{"other kind", `{"kind":"region","code":"610000"}`, false},
		{"escaped quote in key-like text", `{"code":"A","name":"a\",\"code\":\"b"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it, ok := fastItem([]byte(tc.in))
			if ok != tc.accept {
				t.Fatalf("fast path accepted=%v, want %v", ok, tc.accept)
			}
			if !ok {
				return
			}
			rec, probs := decodeCanonical([]byte(tc.in), 1)
			if len(probs) > 0 {
				t.Fatalf("field decoder: %v", probs)
			}
			a, _ := canonicalJSON(it)
			b, _ := canonicalJSON(rec.Item)
			if !bytes.Equal(a, b) {
				t.Fatalf("fast %s\nfield %s", a, b)
			}
			if strings.Contains(tc.name, "kind") && (it.Themes != nil || it.Fee.Items != nil) {
				t.Fatal("empty lists must decode as absent")
			}
		})
	}
}
