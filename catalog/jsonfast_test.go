package catalog

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
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
		{"with kind item", `{"kind":"item","code":"A","themes":[],"fee":{"charged":false,"items":[]},"ask_phrases":[]}`, true},
		{"duplicate key", `{"code":"A","code":"B"}`, false},
		{"nested duplicate", `{"code":"A","fee":{"charged":true,"charged":false}}`, false},
		{"upper-case key", `{"code":"A","Name":"x"}`, false},
		{"unknown field", `{"code":"A","colour":"red"}`, false},
		{"wrong type", `{"code":"A","legal_days":"30"}`, false},
		{"ask phrases", `{"code":"A","faq":[{"q":"问","a":"答"}],"ask_phrases":["房本加名字","\u6267\u7167遗失补办"]}`, true},
		{"ask phrase not text", `{"code":"A","ask_phrases":[1]}`, false},
		{"ask phrases twice", `{"code":"A","ask_phrases":["a"],"ask_phrases":["b"]}`, false},
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
			if strings.Contains(tc.name, "kind") && (it.Themes != nil || it.Fee.Items != nil || it.AskPhrases != nil) {
				t.Fatal("empty lists must decode as absent")
			}
		})
	}
}

// TestScanItemAgreesWithFastItem: scanItem accepts only records fastItem
// accepts, and gives the same item, for the cases above and for many
// mutations of a complete guide (bytes dropped, doubled or replaced).
func TestScanItemAgreesWithFastItem(t *testing.T) {
	full, err := canonicalJSON(completeGuide())
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{
		string(full),
		" \t" + string(full) + "\r\n ",
		`{"kind":"item","code":"A","themes":[],"fee":{"charged":false,"items":[]},"ask_phrases":[]}`,
		`{"kind":"","code":"A"}`,
		`{ "code" : "A" , "legal_days" : -0 , "visits": 1 }`,
		`{"code":"A","name":"a\",\"code\":\"b"}`,
		`{"code":"A","name":"\u5c45\u6c11\n\t<&>"}`,
		`{"code":"A","code":"B"}`,
		`{"code":"A","fee":{"charged":true,"charged":false}}`,
		`{"code":"A","Name":"x"}`,
		`{"code":"A","colour":"red"}`,
		`{"code":"A","legal_days":"30"}`,
		`{"code":"A","legal_days":30.0}`,
		`{"code":"A","legal_days":3e1}`,
		`{"code":"A","legal_days":99999999999999999999}`,
		`{"code":"A","legal_days":null}`,
		`{"code":"A","in_hall":"true"}`,
		`{"code":"A","ask_phrases":["房本加名字","执照\n遗失"]}`,
		`{"code":"A","ask_phrases":"房本加名字"}`,
		`{"code":"A","ask_phrases":[null]}`,
		`{"code":"A","ask_phrases":null}`,
		`{"code":"A","ask_phrases":["a"],"ask_phrases":["b"]}`,
		`{"kind":"region","code":"610000"}`,
		`{"code":"A"}]`,
		`{"code":"A"} {}`,
		`{"code":"A",}`,
		`{"code":"A","materials":[{"name":"x","copies":1},]}`,
		`["code"]`,
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		b := []byte(string(full))
		for k := 0; k <= n%3; k++ {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b = append(b[:i:i], b[i+1:]...)
			case 1:
				b = append(b[:i+1:i+1], b[i:]...)
			default:
				const alphabet = `{}[]",:0-9 tfnule\`
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		inputs = append(inputs, string(b))
	}
	accepted := 0
	for _, in := range inputs {
		if !utf8.ValidString(in) {
			continue
		}
		got, ok := scanItem(in)
		if !ok {
			continue
		}
		accepted++
		want, wok := fastItem([]byte(in))
		if !wok {
			t.Fatalf("scanItem accepted what fastItem declines: %s", in)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("scanItem and fastItem differ on %s:\n%+v\n%+v", in, got, want)
		}
	}
	if accepted < 10 {
		t.Fatalf("scanItem accepted only %d inputs", accepted)
	}
}
