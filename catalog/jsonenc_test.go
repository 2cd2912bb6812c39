package catalog

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

// fillValue sets every field reachable from v (a settable value of the
// guide types) to a value drawn from rng: strings from texts (empty
// included), small integers, both booleans, absent and present pointers,
// empty and non-empty lists. With full set, nothing is left absent, so a
// field added to the guide types is always written.
func fillValue(v reflect.Value, rng *rand.Rand, texts []string, full bool) {
	switch v.Kind() {
	case reflect.String:
		s := texts[rng.IntN(len(texts))]
		if full && s == "" {
			s = "x"
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64, reflect.Uint:
		if v.CanInt() {
			v.SetInt(int64(rng.IntN(2000) - 10))
		} else {
			v.SetUint(uint64(rng.IntN(2000)))
		}
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Pointer:
		if !full && rng.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fillValue(p.Elem(), rng, texts, full)
		v.Set(p)
	case reflect.Slice:
		n := rng.IntN(4)
		if full {
			n++
		} else if n == 0 && rng.IntN(2) == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // empty, not nil
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			fillValue(s.Index(i), rng, texts, full)
		}
		v.Set(s)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillValue(v.Field(i), rng, texts, full)
			}
		}
	default:
		panic("fillValue: " + v.Type().String())
	}
}

// TestAppendGuideMatchesEncodingJSON: the canonical JSON written without
// reflection is byte for byte encoding/json's, for every field of the guide
// types and for text that needs escaping.
func TestAppendGuideMatchesEncodingJSON(t *testing.T) {
	texts := []string{"", "居民身份证换领", "a\"b\\c", "line\nbreak\ttab\r\n", "<&>", "\u2028\u2029",
		"\x00\x1f\x7f", "bad \xff utf-8", "é", "\U0001F600", "https://zwfw.example.cn/a?b=1&c=2"}
	check := func(it *Item) {
		t.Helper()
		want, err := CanonicalJSON(it)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendGuide(nil, it); !bytes.Equal(got, want) {
			t.Fatalf("appendGuide:\n%s\nencoding/json:\n%s", got, want)
		}
	}
	check(&Item{})
	check(completeGuide())
	check(situationGuide())
	check(&Item{Situations: []Situation{{ID: "a"}, {ID: "b", Options: []Option{}}, {Multiple: true, Options: []Option{{}}}}})
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 2000; n++ {
		var it Item
		fillValue(reflect.ValueOf(&it).Elem(), rng, texts, n%2 == 0)
		check(&it)
	}
}
