package catalog

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// jsonItem decodes an item record with encoding/json, the reference
// ScanItem agrees with: unknown members refused, "kind" empty or "item",
// empty lists absent. It is looser than the scanner (it matches member
// names regardless of case and takes the last of two): it judges only
// records the scanner accepted.
func jsonItem(s string) (*Item, bool) {
	var w struct {
		Kind string `json:"kind"`
		Item
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil || (w.Kind != "" && w.Kind != KindItem) || dec.More() {
		return nil, false
	}
	it := &w.Item
	for _, l := range []*[]string{&it.Audience, &it.Themes, &it.AskPhrases} {
		if len(*l) == 0 {
			*l = nil
		}
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
	if it.Fee != nil && len(it.Fee.Items) == 0 {
		it.Fee.Items = nil
	}
	if len(it.Situations) == 0 {
		it.Situations = nil
	}
	for i := range it.Situations {
		s := &it.Situations[i]
		if len(s.Options) == 0 {
			s.Options = nil
		}
		for j := range s.Options {
			o := &s.Options[j]
			for _, l := range []*[]string{&o.Add, &o.Remove} {
				if len(*l) == 0 {
					*l = nil
				}
			}
			if len(o.Steps) == 0 {
				o.Steps = nil
			}
			if o.Fee != nil && len(o.Fee.Items) == 0 {
				o.Fee.Items = nil
			}
		}
	}
	return it, true
}

// TestScanItemAgreesWithEncodingJSON: every record ScanItem accepts,
// encoding/json accepts too and decodes to the same item, for hand-written
// cases and for many mutations of a complete guide (bytes dropped, doubled
// or replaced); and ScanItem declines what it cannot be sure of.
func TestScanItemAgreesWithEncodingJSON(t *testing.T) {
	full := string(AppendGuide(nil, situationGuide()))
	for _, tc := range []struct {
		in     string
		accept bool
	}{
		{full, true},
		{" \t" + full + "\r\n ", true},
		{`{"kind":"item","code":"A","themes":[],"fee":{"charged":false,"items":[]},"ask_phrases":[]}`, true},
		{`{"kind":"","code":"A"}`, true},
		{`{ "code" : "A" , "legal_days" : -0 , "visits": 1 }`, true},
		{`{"code":"A","name":"a\",\"code\":\"b"}`, true},
		{`{"code":"A","name":"\u5c45\u6c11\n\t<&>"}`, true},
		{`{"code":"A","faq":[{"q":"问","a":"答"}],"ask_phrases":["房本加名字","\u6267\u7167遗失补办"]}`, true},
		{`{"code":"A","code":"B"}`, false},
		{`{"code":"A","fee":{"charged":true,"charged":false}}`, false},
		{`{"code":"A","Name":"x"}`, false},
		{`{"code":"A","colour":"red"}`, false},
		{`{"code":"A","legal_days":"30"}`, false},
		{`{"code":"A","legal_days":30.0}`, false},
		{`{"code":"A","legal_days":3e1}`, false},
		{`{"code":"A","legal_days":99999999999999999999}`, false},
		{`{"code":"A","legal_days":null}`, false},
		{`{"code":"A","in_hall":"true"}`, false},
		{`{"code":"A","ask_phrases":"房本加名字"}`, false},
		{`{"code":"A","ask_phrases":[null]}`, false},
		{`{"code":"A","ask_phrases":[1]}`, false},
		{`{"code":"A","ask_phrases":null}`, false},
		{`{"code":"A","ask_phrases":["a"],"ask_phrases":["b"]}`, false},
		{`{"kind":"region","code":"610000"}`, false},
		{`{"code":"A"}]`, false},
		{`{"code":"A"} {}`, false},
		{`{"code":"A",}`, false},
		{`{"code":"A","materials":[{"name":"x","copies":1},]}`, false},
		{`["code"]`, false},
		{`{"code":"A","situations":[]}`, true},
		{`{"code":"A","situations":[{"id":"who","question":"谁来办","options":null}]}`, true},
		{`{"code":"A","situations":[{"id":"who","question":"谁来办","multiple":false,"options":[]}]}`, true},
		{`{"code":"A","situations":[{"id":"who","question":"谁来办","multiple":true,"options":[{"id":"self","label":"本人",` +
			`"add":[],"remove":["户口簿"],"note":"\u672c人","promised_days":3,"visits":0,"online_depth":4,` +
			`"fee":{"charged":true,"items":[{"name":"工本费","standard":"20元"}]},"steps":[{"name":"核验","days":1}]}]}]}`, true},
		{`{"code":"A","situations":null}`, false},
		{`{"code":"A","situations":[null]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":[null]}]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":nul}]}`, false},
		{`{"code":"A","situations":[{"id":"who","Options":[]}]}`, false},
		{`{"code":"A","situations":[{"id":"who","id":"who"}]}`, false},
		{`{"code":"A","situations":[{"id":"who","multiple":"true"}]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":[{"id":"a","add":"户口簿"}]}]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":[{"id":"a","visits":1.5}]}]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":[{"id":"a","colour":"red"}]}]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":[{"id":"a","fee":null}]}]}`, false},
		{`{"code":"A","situations":[{"id":"who","options":[{"id":"a","steps":[{"name":"x","name":"y"}]}]}]}`, false},
	} {
		got, ok := ScanItem(tc.in)
		if ok != tc.accept {
			t.Errorf("ScanItem(%s) accepted=%v, want %v", tc.in, ok, tc.accept)
			continue
		}
		if want, wok := jsonItem(tc.in); ok && (!wok || !reflect.DeepEqual(got, want)) {
			t.Errorf("ScanItem and encoding/json differ on %s:\n%+v\n%+v", tc.in, got, want)
		}
	}

	inputs := []string{full}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		b := []byte(full)
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
		got, ok := ScanItem(in)
		if !ok {
			continue
		}
		accepted++
		want, wok := jsonItem(in)
		if !wok {
			t.Fatalf("ScanItem accepted what encoding/json declines: %s", in)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ScanItem and encoding/json differ on %s:\n%+v\n%+v", in, got, want)
		}
	}
	if accepted < 10 {
		t.Fatalf("ScanItem accepted only %d inputs", accepted)
	}
}

// TestDecodeGuideReadsWhatAppendGuideWrites: a stored guide reads back as
// the guide that was written (as encoding/json reads it), for every field
// of the guide types and for text that needs escaping; its strings do not
// share the stored text; and a text that is not the canonical JSON of a
// guide is an error.
func TestDecodeGuideReadsWhatAppendGuideWrites(t *testing.T) {
	texts := []string{"", "居民身份证换领", "a\"b\\c", "line\nbreak\ttab\r\n", "<&>", "\u2028\u2029",
		"\x00\x1f\x7f", "é", "\U0001F600", "https://zwfw.example.cn/a?b=1&c=2"}
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 1000; n++ {
		var it Item
		fillValue(reflect.ValueOf(&it).Elem(), rng, texts, n%2 == 0)
		stored := string(AppendGuide(nil, &it))
		got, err := DecodeGuide(stored)
		if err != nil {
			t.Fatalf("DecodeGuide(%s): %v", stored, err)
		}
		want, _ := jsonItem(stored)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeGuide differs from encoding/json on %s:\n%+v\n%+v", stored, got, want)
		}
	}
	stored := string(AppendGuide(nil, situationGuide()))
	got, err := DecodeGuide(stored)
	if err != nil {
		t.Fatal(err)
	}
	if want := situationGuide(); !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeGuide of the situation guide:\n%+v\nwant\n%+v", got, want)
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(stored)))
	sit := got.Situations[1]
	for _, s := range []string{got.Code, got.Name, got.Materials[0].Name, got.AskPhrases[0], sit.ID, sit.Question,
		sit.Options[1].Label, sit.Options[1].Remove[0], sit.Options[1].Steps[0].Name} {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= start && p < start+uintptr(len(stored)) {
			t.Fatalf("%q shares the memory of the stored guide", s)
		}
	}
	for _, bad := range []string{"", "null", `{"code":"A","colour":"red"}`, `{"code":"A"`, "{\"code\":\"\xff\"}"} {
		if _, err := DecodeGuide(bad); err == nil {
			t.Errorf("DecodeGuide(%q) accepted", bad)
		}
	}
}

// FuzzScanItem: whatever the text, ScanItem does not panic; what it
// accepts encoding/json reads as the same item, and its canonical JSON
// scans back to that item.
func FuzzScanItem(f *testing.F) {
	for _, s := range []string{
		string(AppendGuide(nil, completeGuide())),
		string(AppendGuide(nil, situationGuide())),
		`{"code":"A","situations":[{"id":"who","question":"谁来办","multiple":true,"options":null}]}`,
		`{"code":"A","situations":[{"id":"a","options":[{"id":"x","add":["m"],"remove":[],"fee":{"charged":false},"steps":[{"name":"s","days":1}]}]}]}`,
		`{"code":"A","fee":{"charged":true,"items":[]},"ask_phrases":["\u623f本"]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got, ok := ScanItem(s)
		if !ok {
			return
		}
		want, wok := jsonItem(s)
		if !wok || !reflect.DeepEqual(got, want) {
			t.Fatalf("ScanItem and encoding/json differ on %q:\n%+v\n%+v", s, got, want)
		}
		again, ok := ScanItem(string(AppendGuide(nil, got)))
		if !ok || !reflect.DeepEqual(again, got) {
			t.Fatalf("the canonical JSON of %q does not scan back: %+v", s, again)
		}
	})
}
