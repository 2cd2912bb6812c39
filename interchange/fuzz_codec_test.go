package interchange

import (
	"bytes"
	"strings"
	"testing"

	"zhinan/catalog"
)

// The decoders must never panic, whatever the input; every record they
// return must re-encode.

func FuzzDecodeJSONL(f *testing.F) {
	for _, s := range []string{
		`{"code":"A","materials":[{"name":"x","copies":2}],"fee":{"charged":true}}`,
		"[{\"kind\":\"region\",\"code\":\"610900\"},\n{\"code\":\"B\"}]",
		`{"kind":"entry","base_code":"1","levels":["市级"]}` + "\n" + `{"a":"\u00e9\\"}`,
		"\xEF\xBB\xBF{}\r\n\r\n{\"code\":1}",
		`{"code":"C","faq":[{"q":"问","a":"答"}],"ask_phrases":["房本加名字","执照\u9057失补办",""]}`,
		`{"code":"D","situations":[{"id":"who","question":"谁办","multiple":true,"options":[{"id":"a","label":"本人","add":["委托书"],"remove":[],"promised_days":0,"fee":{"charged":false},"steps":[{"name":"核验","days":1}]},{"id":"b","visits":"1"}]}]}`,
		`{"kind":"bundle","code":"birth","name":"出生","themes":["生育"],"steps":[{"base_code":"071001000000","or":["x"],"stage":1}],"links":[{"name":"身份证","same":["证"]}],"form":null}` + "\n" + `{"kind":"bundle","steps":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, decode := range []func(*bytes.Reader, string) catalog.Decoded{
			func(r *bytes.Reader, n string) catalog.Decoded { return DecodeJSONL(r, n) },
			func(r *bytes.Reader, n string) catalog.Decoded { return DecodeNational(r, n) },
		} {
			d := decode(bytes.NewReader(data), "f")
			enc, _ := NewEncoder(&bytes.Buffer{}, "jsonl")
			for _, r := range d.Records {
				if err := enc.Write(r); err != nil {
					t.Fatalf("decoded record does not encode: %v", err)
				}
			}
		}
	})
}

func FuzzDecodeCSV(f *testing.F) {
	f.Add([]byte(csvHeader + ",申请材料,是否收费\nA,000111222000,事项,公共服务,610900,某局,\"a | b\n\\| c\",是\n"))
	f.Add([]byte("\"a\n\"\",b\r\n,\"c"))
	f.Add([]byte(csvHeader + ",常见问法\nA,000111222000,事项,公共服务,610900,某局,\"房本加名字\n执照\\|补办\r\n\n\"\n"))
	f.Add([]byte(csvHeader + ",情形引导\nA,000111222000,事项,公共服务,610900,某局,\"[{\"\"id\"\":\"\"q\"\",\"\"options\"\":[{\"\"id\"\":\"\"a\"\",\"\"add\"\":[\"\"x\"\"]}]}]\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := DecodeCSV(bytes.NewReader(data), "f")
		enc, _ := NewEncoder(&bytes.Buffer{}, "csv")
		for _, r := range d.Records {
			if r.Item == nil || r.Line < 2 {
				t.Fatalf("bad record %+v", r)
			}
			if err := enc.Write(r); err != nil {
				t.Fatalf("decoded record does not encode: %v", err)
			}
		}
	})
}

func FuzzCellLine(f *testing.F) {
	f.Add("a | b", "c\\|d")
	f.Add("0", "|\xdf") // invalid UTF-8 survives byte for byte
	f.Fuzz(func(t *testing.T, a, b string) {
		if strings.TrimSpace(a+b) == "" {
			return
		}
		got := splitCellLine(formatStructCell([][]string{{a, b}}))
		want := []string{a, b}
		if b == "" {
			want = want[:1]
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("split(format(%q)) = %q", want, got)
		}
	})
}
