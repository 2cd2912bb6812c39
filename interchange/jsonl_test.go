package interchange

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"

	"zhinan/catalog"
)

func TestJSONLRoundTrip(t *testing.T) {
	records := []catalog.Record{
		{Kind: catalog.KindRegion, Region: &catalog.Region{Code: "610900", Name: "安康市", Level: "市", Parent: "610000"}},
		{Kind: catalog.KindDepartment, Department: &catalog.Department{Name: "安康市行政审批服务局", Region: "610900", CreditCode: "11610900MB2C91234X", Phone: "0915-3210000"}},
		{Kind: catalog.KindEntry, Entry: &catalog.Entry{BaseCode: "000111222000", Name: "食品经营许可", Type: "行政许可",
			Basis: []catalog.Basis{{Title: "《食品安全法》", Clause: "第三十五条"}}, Levels: []string{"市级", "县级"}}},
		{Kind: catalog.KindDepartment, Department: &catalog.Department{Name: "汉滨区民政局", Region: "610902"}},
	}
	for _, it := range codecItems() {
		records = append(records, catalog.Record{Kind: catalog.KindItem, Item: it})
	}
	var first bytes.Buffer
	enc, err := NewEncoder(&first, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if err := enc.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("shape", func(t *testing.T) {
		lines := strings.Split(strings.TrimSuffix(first.String(), "\n"), "\n")
		if len(lines) != len(records) {
			t.Fatalf("%d lines, want %d", len(lines), len(records))
		}
		for i, prefix := range []string{`{"kind":"region","code":"610900"`, `{"kind":"department","name":`, `{"kind":"entry","base_code":`} {
			if !strings.HasPrefix(lines[i], prefix) {
				t.Errorf("line %d = %s, want prefix %s", i+1, lines[i], prefix)
			}
		}
		if !strings.HasPrefix(lines[4], `{"code":"11610900MB2C91234X4000111222000","base_code":`) {
			t.Errorf("item line = %s, want code first and no kind", lines[4])
		}
		if !strings.Contains(lines[4], "<y>") || strings.Contains(lines[4], `\u003c`) {
			t.Errorf("HTML characters are escaped: %s", lines[4])
		}
		if want := `{"code":"AK-0001","base_code":"000111222001","name":"最少字段事项","type":"公共服务","region":"610902","department":"汉滨区民政局"}`; lines[5] != want {
			t.Errorf("minimal item = %s, want %s", lines[5], want)
		}
	})

	d := DecodeJSONL(bytes.NewReader(first.Bytes()), "x.jsonl")
	requireNoProblems(t, d)
	if len(d.Records) != len(records) {
		t.Fatalf("decoded %d records, want %d", len(d.Records), len(records))
	}
	for i, r := range d.Records {
		want := records[i]
		want.File, want.Line = "x.jsonl", i+1
		if !reflect.DeepEqual(r, want) {
			t.Errorf("record %d: got %+v, want %+v", i+1, r, want)
		}
	}
	var second bytes.Buffer
	enc, _ = NewEncoder(&second, "jsonl")
	for _, r := range d.Records {
		if err := enc.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	enc.Close()
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("second encoding differs:\n%s\n%s", first.String(), second.String())
	}
}

func TestJSONLEncoderRefusesBadRecords(t *testing.T) {
	tests := []struct {
		name string
		rec  catalog.Record
	}{
		{"unknown kind", catalog.Record{Kind: "person", Item: codecMinimalItem()}},
		{"empty item", catalog.Record{Kind: catalog.KindItem}},
		{"empty record", catalog.Record{}},
		{"region without region", catalog.Record{Kind: catalog.KindRegion, Item: codecMinimalItem()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, _ := NewEncoder(io.Discard, "jsonl")
			if err := enc.Write(tt.rec); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestDecodeJSONL(t *testing.T) {
	type want struct {
		line         int
		code, field  string
		msgFragments []string
	}
	tests := []struct {
		name     string
		in       string
		codes    []string // codes (or names of other records) decoded, in order
		problems []want
	}{
		{
			name:  "kinds, absent kind is item",
			in:    `{"kind":"region","code":"610900","name":"安康市","level":"市"}` + "\n" + `{"code":"A"}` + "\n" + `{"kind":"item","code":"B"}` + "\n" + `{"kind":"department","name":"某局","region":"610900"}` + "\n" + `{"kind":"entry","base_code":"000111222000","name":"某事项","type":"公共服务"}`,
			codes: []string{"region:610900", "A", "B", "department:某局", "entry:000111222000"},
		},
		{
			name:  "BOM, blank lines, CRLF, white space around",
			in:    "\xEF\xBB\xBF" + `{"code":"A"}` + "\r\n\r\n   \r\n\t" + `{"code":"B"}  ` + "\r\n",
			codes: []string{"A", "B"},
		},
		{
			name:     "malformed JSON names the line and the position",
			in:       `{"code":"A"}` + "\n" + `{"code":"B",}` + "\n" + `{"code":"C"}`,
			codes:    []string{"A", "C"},
			problems: []want{{line: 2, msgFragments: []string{"JSON 格式错误", "第13个字符", `code":"B",}`}}},
		},
		{
			name:     "position counts characters, not bytes",
			in:       `{"name":"事项" "code":"A"}`,
			problems: []want{{line: 1, msgFragments: []string{"第14个字符", `"事项" "code"`}}},
		},
		{
			name:     "position counts leading white space",
			in:       "\n   {\"code\" \"A\"}",
			problems: []want{{line: 2, msgFragments: []string{"第12个字符"}}},
		},
		{
			name:     "truncated",
			in:       `{"code":"A","name":"事项`,
			problems: []want{{line: 1, msgFragments: []string{"JSON 不完整"}}},
		},
		{
			name:     "text after the object",
			in:       `{"code":"A"} {"code":"B"}`,
			problems: []want{{line: 1, msgFragments: []string{"JSON 格式错误", "第14个字符"}}},
		},
		{
			name:     "not an object",
			in:       `42` + "\n" + `["code","A"]`,
			problems: []want{{line: 1, msgFragments: []string{"应为一个 JSON 对象", "数字 42"}}, {line: 2, msgFragments: []string{"列表"}}},
		},
		{
			name:     "wrong type names the field",
			in:       `{"code":"A","legal_days":"30"}`,
			problems: []want{{line: 1, code: "A", field: "legal_days", msgFragments: []string{"应为整数", `文本 "30"`}}},
		},
		{
			name: "every wrong type of a line is reported",
			in:   `{"code":"A","legal_days":2.5,"in_hall":"是","audience":"自然人","name":7,"fee":[],"materials":[{"name":"表","copies":"两份"},"x"]}`,
			problems: []want{
				{line: 1, code: "A", field: "name", msgFragments: []string{"应为文本", "数字 7"}},
				{line: 1, code: "A", field: "audience", msgFragments: []string{"应为列表"}},
				{line: 1, code: "A", field: "materials[0].copies", msgFragments: []string{"应为整数"}},
				{line: 1, code: "A", field: "materials[1]", msgFragments: []string{"应为对象"}},
				{line: 1, code: "A", field: "legal_days", msgFragments: []string{"应为整数", "2.5"}},
				{line: 1, code: "A", field: "in_hall", msgFragments: []string{"应为 true 或 false"}},
				{line: 1, code: "A", field: "fee", msgFragments: []string{"应为对象", "列表"}},
			},
		},
		{
			name:     "unknown field is rejected and named, with a suggestion",
			in:       `{"code":"A","legal_dayz":30}` + "\n" + `{"code":"B","Name":"x"}` + "\n" + `{"code":"C","colour":"red"}`,
			problems: []want{{line: 1, code: "A", field: "legal_dayz", msgFragments: []string{"未知字段“legal_dayz”", "legal_days", "法定办结时限"}}, {line: 2, code: "B", field: "Name", msgFragments: []string{"“name”"}}, {line: 3, code: "C", field: "colour"}},
		},
		{
			name:     "a field given twice",
			in:       `{"code":"A","legal_days":3,"legal_days":30,"fee":{"charged":true,"charged":false}}`,
			problems: []want{{line: 1, code: "A", field: "legal_days", msgFragments: []string{"重复"}}, {line: 1, code: "A", field: "fee.charged", msgFragments: []string{"重复"}}},
		},
		{
			name:     "unknown field inside a list element",
			in:       `{"code":"A","materials":[{"name":"表","copys":1}]}`,
			problems: []want{{line: 1, code: "A", field: "materials[0].copys", msgFragments: []string{"copies"}}},
		},
		{
			name:     "unknown field of a department",
			in:       `{"kind":"department","name":"某局","region":"610900","code":"x"}`,
			problems: []want{{line: 1, field: "code", msgFragments: []string{"未知字段"}}},
		},
		{
			name:     "unknown kind",
			in:       `{"kind":"person","code":"A"}` + "\n" + `{"kind":3}`,
			problems: []want{{line: 1, field: "kind", msgFragments: []string{"未知的记录类型“person”"}}, {line: 2, field: "kind", msgFragments: []string{"应为文本"}}},
		},
		{
			name:     "invalid UTF-8",
			in:       `{"code":"A"}` + "\n" + "{\"name\":\"\xff\xfe\"}" + "\n" + `{"code":"B"}`,
			codes:    []string{"A", "B"},
			problems: []want{{line: 2, msgFragments: []string{"UTF-8", "第10个字符"}}},
		},
		{
			name:  "null is absent, empty list is absent",
			in:    `{"code":"A","legal_days":null,"fee":null,"themes":[],"in_hall":null}`,
			codes: []string{"A"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecodeJSONL(strings.NewReader(tt.in), "f.jsonl")
			var codes []string
			for _, r := range d.Records {
				switch r.Kind {
				case catalog.KindItem:
					codes = append(codes, r.Item.Code)
				case catalog.KindRegion:
					codes = append(codes, "region:"+r.Region.Code)
				case catalog.KindDepartment:
					codes = append(codes, "department:"+r.Department.Name)
				case catalog.KindEntry:
					codes = append(codes, "entry:"+r.Entry.BaseCode)
				}
			}
			if !reflect.DeepEqual(codes, tt.codes) {
				t.Errorf("records %v, want %v", codes, tt.codes)
			}
			if len(d.Problems) != len(tt.problems) {
				for _, p := range d.Problems {
					t.Log(p.Error())
				}
				t.Fatalf("%d problems, want %d", len(d.Problems), len(tt.problems))
			}
			for i, w := range tt.problems {
				p := d.Problems[i]
				if p.File != "f.jsonl" || p.Line != w.line || p.Code != w.code || p.Field != w.field {
					t.Errorf("problem %d = %+v, want line %d code %q field %q", i, p, w.line, w.code, w.field)
				}
				for _, f := range w.msgFragments {
					if !strings.Contains(p.Message, f) {
						t.Errorf("problem %d message %q lacks %q", i, p.Message, f)
					}
				}
			}
		})
	}
}

func TestDecodeJSONLOversizedLine(t *testing.T) {
	// A 10 MB line between good ones is reported and skipped, exactly
	// MaxRecordBytes is accepted.
	huge := `{"code":"H","conditions":"` + strings.Repeat("长", 10<<20/3) + `"}`
	exact := `{"code":"E"` + strings.Repeat(" ", MaxRecordBytes-len(`{"code":"E"}`)) + `}`
	in := `{"code":"A"}` + "\n" + huge + "\n" + exact + "\r\n" + `{"code":"B"}` + "\n"
	d := DecodeJSONL(strings.NewReader(in), "big.jsonl")
	var codes []string
	for _, r := range d.Records {
		codes = append(codes, r.Item.Code)
	}
	if !reflect.DeepEqual(codes, []string{"A", "E", "B"}) {
		t.Errorf("records %v, want A E B", codes)
	}
	if len(d.Problems) != 1 || d.Problems[0].Line != 2 || !strings.Contains(d.Problems[0].Message, "超过单条记录") {
		t.Fatalf("problems %+v, want one about line 2 being too long", d.Problems)
	}
	if d.Records[2].Line != 4 {
		t.Errorf("record B on line %d, want 4", d.Records[2].Line)
	}
}

func TestDecodeJSONArray(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		codes    []string
		lines    []int
		problems []int // lines of the problems
		fragment string
	}{
		{
			name:  "one record per element, lines where they start",
			in:    "\xEF\xBB\xBF\n[\n  {\"code\": \"A\",\n   \"name\": \"甲\"},\n  {\"kind\": \"region\", \"code\": \"610900\", \"name\": \"安康市\", \"level\": \"市\"},\n  {\"code\": \"B\"}\n]\n",
			codes: []string{"A", "610900", "B"},
			lines: []int{3, 5, 6},
		},
		{
			name:  "empty array",
			in:    "[]",
			codes: nil,
		},
		{
			name:     "bad element is reported, the others decoded",
			in:       "[\n{\"code\":\"A\",\"legal_days\":\"x\"},\n{\"code\":\"B\"},\n 5\n]",
			codes:    []string{"B"},
			lines:    []int{3},
			problems: []int{2, 4},
		},
		{
			name:     "syntax error stops the array",
			in:       "[\n{\"code\":\"A\"},\n{\"code\" \"B\"},\n{\"code\":\"C\"}\n]",
			codes:    []string{"A"},
			lines:    []int{2},
			problems: []int{3},
			fragment: "无法继续读取",
		},
		{
			name:     "unterminated array",
			in:       "[\n{\"code\":\"A\"},\n",
			codes:    []string{"A"},
			lines:    []int{2},
			problems: []int{3},
			fragment: "JSON 不完整",
		},
		{
			name:     "trailing text",
			in:       "[{\"code\":\"A\"}]\n{}",
			codes:    []string{"A"},
			lines:    []int{1},
			problems: []int{2},
			fragment: "多余内容",
		},
		{
			name:     "invalid UTF-8 in an element",
			in:       "[{\"code\":\"A\",\"name\":\"\xff\"},{\"code\":\"B\"}]",
			codes:    []string{"B"},
			lines:    []int{1},
			problems: []int{1},
			fragment: "UTF-8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecodeJSONL(strings.NewReader(tt.in), "a.json")
			var codes []string
			var lines []int
			for _, r := range d.Records {
				if r.Region != nil {
					codes = append(codes, r.Region.Code)
				} else {
					codes = append(codes, r.Item.Code)
				}
				lines = append(lines, r.Line)
			}
			var plines []int
			for _, p := range d.Problems {
				plines = append(plines, p.Line)
			}
			if !reflect.DeepEqual(codes, tt.codes) || !reflect.DeepEqual(lines, tt.lines) || !reflect.DeepEqual(plines, tt.problems) {
				t.Fatalf("records %v at %v, problems at %v %+v; want %v at %v, problems at %v", codes, lines, plines, d.Problems, tt.codes, tt.lines, tt.problems)
			}
			if tt.fragment != "" && !strings.Contains(d.Problems[len(d.Problems)-1].Message, tt.fragment) {
				t.Errorf("problem %q lacks %q", d.Problems[len(d.Problems)-1].Message, tt.fragment)
			}
		})
	}
}

func TestProblemErrorNamesField(t *testing.T) {
	d := DecodeJSONL(strings.NewReader(`{"code":"A","materials":[{"name":"x"},{"name":"y","copies":"两"}]}`), "f.jsonl")
	if len(d.Problems) != 1 {
		t.Fatalf("problems %+v", d.Problems)
	}
	got := d.Problems[0].Error()
	for _, want := range []string{"f.jsonl", "第1行", "(A)", "申请材料第2项份数", "materials[1].copies", "应为整数"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

func TestObjectMembers(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
		dups []string
	}{
		{`{}`, map[string]string{}, nil},
		{" { } ", map[string]string{}, nil},
		{`{"a":1}`, map[string]string{"a": "1"}, nil},
		{` { "a" : "x,}]\"{" , "b":[1,{"c":[2,"]"]}], "d" : {"e":{}} , "f":null } `,
			map[string]string{"a": `"x,}]\"{"`, "b": `[1,{"c":[2,"]"]}]`, "d": `{"e":{}}`, "f": "null"}, nil},
		{`{"co\u0064e":"A","code":"B","x":1,"x":2,"x":3}`, map[string]string{"code": `"B"`, "x": "3"}, []string{"code", "x"}},
		{`{"a\\":true}`, map[string]string{`a\`: "true"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			obj, dups, err := objectMembers([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for k, v := range obj {
				got[k] = string(v)
			}
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(dups, tt.dups) {
				t.Errorf("got %q dups %q, want %q dups %q", got, dups, tt.want, tt.dups)
			}
		})
	}
}
