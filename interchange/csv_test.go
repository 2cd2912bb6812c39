package interchange

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"zhinan/catalog"
)

func TestCellEscaping(t *testing.T) {
	for _, s := range []string{"", "plain", "a|b", `a\b`, "a\nb", "a\r\nb", `\|`, `\\n`, `trailing\`, " | ", "中文｜全角"} {
		t.Run(s, func(t *testing.T) {
			esc := escapeCell(s)
			if strings.ContainsAny(esc, "\n\r") {
				t.Errorf("escaped %q still has a line break: %q", s, esc)
			}
			if got := unescapeCell(esc); got != s {
				t.Errorf("unescape(escape(%q)) = %q", s, got)
			}
			parts := []string{s, "x"}
			if got := splitCellLine(formatStructCell([][]string{parts})); !reflect.DeepEqual(got, parts) {
				t.Errorf("split(format(%q)) = %q", parts, got)
			}
		})
	}
	tests := []struct {
		line string
		want []string
	}{
		{"a | b | c", []string{"a", "b", "c"}},
		{"a|b", []string{"a", "b"}},
		{"a  |  b", []string{"a ", " b"}},
		{`a \| b | c`, []string{"a | b", "c"}},
		{`C:\docs\x | \\`, []string{`C:\docs\x`, `\`}},
		{"名称 |  | 原件", []string{"名称", "", "原件"}},
		{`a\nb`, []string{"a\nb"}},
	}
	for _, tt := range tests {
		t.Run("split "+tt.line, func(t *testing.T) {
			if got := splitCellLine(tt.line); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitCellLine(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestItemColumnsCoverEveryField(t *testing.T) {
	// Every item field of docs/contract.md#guide-fields, in order, with fee and result split.
	want := []string{"code", "base_code", "name", "type", "level", "region", "department", "audience", "themes",
		"basis", "conditions", "materials", "steps", "legal_days", "promised_days", "handling", "visits",
		"visit_reason", "online_depth", "online_url", "in_hall", "nearby", "express", "appointment",
		"online_payment", "cross_province", "commitment", "scope", "fee.charged", "fee.items", "result.name",
		"result.type", "result.sample", "location", "hours", "consult_phone", "complaint_phone", "faq", "ask_phrases",
		"situations"}
	var got []string
	for _, c := range itemColumns {
		got = append(got, c.field)
		if _, ok := catalog.FieldLabels[c.field]; !ok && c.header == "" {
			t.Errorf("column %s has no label", c.field)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("columns %v\nwant %v", got, want)
	}
	if n := len(jsonFieldsOf(reflect.TypeFor[catalog.Item]())); n != len(want)-3 {
		t.Errorf("Item has %d JSON fields; the columns cover %d", n, len(want)-3)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	items := codecItems()
	path := encodeItems(t, "csv", items)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("header", func(t *testing.T) {
		if !bytes.HasPrefix(data, utf8BOM) {
			t.Error("no byte order mark")
		}
		header, err := csv.NewReader(bytes.NewReader(data[3:])).Read()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(header, itemHeader()) || header[0] != "实施编码" || header[28] != "是否收费" || header[37] != "常见问题" || header[38] != "常见问法" {
			t.Errorf("header %v", header)
		}
	})
	t.Run("cells", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		rich := rows[1]
		cell := func(field string) string { return rich[columnIndex[field]] }
		for field, want := range map[string]string{
			"audience":    "自然人\n法人",
			"materials":   "食品经营许可申请书 | 必要 | 原件 | 1 | 申请人自备 | 法定代表人签字 \\| 加盖公章\n营业执照 | 必要 | 电子证照 |  | 政府部门核发\n场所平面图 | 容缺后补 | 复印件 | 2 | 其他 | 路径 C:\\\\材料\\\\平面图.pdf\n 前后有空格  |  |  |  |  | 末尾反斜杠\\\\",
			"steps":       "申请 | 网上提交或窗口递交 | 0\n受理 | 审查材料\\n当场决定是否受理 | 1\n决定",
			"legal_days":  "20",
			"in_hall":     "是",
			"nearby":      "否",
			"fee.charged": "是",
			"fee.items":   "工本费 | 10元/本 | 陕价费发〔2019〕1号\n加急费\\|特殊 | 5,00",
			"result.type": "证照",
			"ask_phrases": "开饭店办什么证\n食品经营许可证\\|新办\nC:\\\\证照\\\\\n 前后有空格 \n“引号”,逗号",
		} {
			if got := cell(field); got != want {
				t.Errorf("%s cell = %q, want %q", field, got, want)
			}
		}
		minimal := rows[2]
		for i, c := range minimal {
			if i > 6 && c != "" {
				t.Errorf("minimal item: column %s = %q, want empty", itemColumns[i].field, c)
			}
		}
	})
	d, err := DecodeFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	requireNoProblems(t, d)
	requireSameItems(t, decodedItems(t, d), items)
	for i, r := range d.Records {
		if r.Line != i+2 || r.File != path {
			t.Errorf("record %d at %s:%d", i, r.File, r.Line)
		}
	}
	again := encodeItems(t, "csv", decodedItems(t, d))
	if data2, _ := os.ReadFile(again); !bytes.Equal(data, data2) {
		t.Error("second CSV encoding differs")
	}
}

func TestCSVEncoderSkipsOtherRecords(t *testing.T) {
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, "csv")
	for _, r := range []catalog.Record{
		{Kind: catalog.KindRegion, Region: &catalog.Region{Code: "610900", Name: "安康市", Level: "市"}},
		{Kind: catalog.KindDepartment, Department: &catalog.Department{Name: "某局", Region: "610900"}},
		{Kind: catalog.KindItem, Item: codecMinimalItem()},
	} {
		if err := enc.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	enc.Close()
	if rows, _ := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll(); len(rows) != 2 {
		t.Fatalf("%d rows, want header and one item", len(rows))
	}
	buf.Reset()
	enc, _ = NewEncoder(&buf, "csv")
	enc.Close()
	if !strings.HasPrefix(buf.String(), "\xEF\xBB\xBF实施编码,基本编码,") || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("empty export = %q, want the header only", buf.String())
	}
}

const csvHeader = "实施编码,基本编码,事项名称,事项类型,行政区划代码,实施主体"

func TestDecodeCSV(t *testing.T) {
	type want struct {
		line        int
		code, field string
		fragment    string
	}
	row := func(code string) string { return code + ",000111222000,事项,公共服务,610900,某局" }
	tests := []struct {
		name     string
		in       string
		codes    []string
		lines    []int
		problems []want
	}{
		{
			name:  "BOM, CRLF, blank lines",
			in:    "\xEF\xBB\xBF" + csvHeader + "\r\n" + row("A") + "\r\n\r\n,,,,,\r\n" + row("B") + "\r\n",
			codes: []string{"A", "B"},
			lines: []int{2, 5},
		},
		{
			name:  "columns in any order, field names accepted, multi-line cells count as one row",
			in:    "region,实施主体,实施编码,基本编码,事项名称,事项类型,服务对象\n610900,某局,A,000111222000,事项,公共服务,\"自然人\n法人\"\n610900,某局,B,000111222000,事项,公共服务,",
			codes: []string{"A", "B"},
			lines: []int{2, 3},
		},
		{
			name:     "unknown headers are named, no records",
			in:       csvHeader + ",颜色,备注\n" + row("A") + ",红,x\n",
			problems: []want{{line: 1, fragment: "未知的列：“颜色”、“备注”"}},
		},
		{
			name:     "missing required header",
			in:       "实施编码,事项名称,事项类型,行政区划代码\nA,事项,公共服务,610900\n",
			problems: []want{{line: 1, fragment: "缺少必需的列：基本编码（base_code）、实施主体（department）"}},
		},
		{
			name:     "repeated header",
			in:       csvHeader + ",code\n" + row("A") + ",B\n",
			problems: []want{{line: 1, fragment: "列“code”重复出现"}},
		},
		{
			name:     "empty file",
			in:       "",
			problems: []want{{line: 1, fragment: "文件为空"}},
		},
		{
			name:     "wrong field count",
			in:       csvHeader + "\n" + row("A") + ",extra\n" + "B,000111222000\n" + row("C") + "\n",
			codes:    []string{"C"},
			lines:    []int{4},
			problems: []want{{line: 2, code: "A", fragment: "该行有 7 列，而表头有 6 列"}, {line: 3, code: "B", fragment: "该行有 2 列"}},
		},
		{
			name:  "bad cells are named by field",
			in:    csvHeader + ",法定办结时限,是否进驻政务大厅,申请材料,办理流程\n" + row("A") + ",三十,也许,\"表 | 必要 | 原件 | 两份\",\"a | b | c | d\"\n" + row("B") + ",30(工作日),是,表,\n",
			codes: []string{"B"},
			lines: []int{3},
			problems: []want{
				{line: 2, code: "A", field: "legal_days", fragment: "应为整数，实际为“三十”"},
				{line: 2, code: "A", field: "in_hall", fragment: "应为“是”或“否”"},
				{line: 2, code: "A", field: "materials[0].copies", fragment: "两份"},
				{line: 2, code: "A", field: "steps", fragment: "第1行有 4 个用 | 分隔的部分，最多 3 个"},
			},
		},
		{
			name:     "fee items need 是否收费",
			in:       csvHeader + ",收费项目\n" + row("A") + ",工本费 | 10元\n",
			problems: []want{{line: 2, code: "A", field: "fee.charged", fragment: "是否收费"}},
		},
		{
			name:     "bare quote and unclosed quote",
			in:       csvHeader + "\n" + row("A\"x") + "\n" + row("B") + "\n" + row("\"C") + "\n",
			codes:    []string{"B"},
			lines:    []int{3},
			problems: []want{{line: 2, fragment: "未加引号的单元格中出现了引号"}, {line: 4, fragment: "CSV 格式错误"}},
		},
		{
			name:     "invalid UTF-8 row",
			in:       csvHeader + "\n" + row("A\xff") + "\n" + row("B") + "\n",
			codes:    []string{"B"},
			lines:    []int{3},
			problems: []want{{line: 2, fragment: "UTF-8"}},
		},
		{
			name:     "invalid UTF-8 header",
			in:       "\xca\xb5\xca\xa9\xb1\xe0\xc2\xeb\n" + row("A") + "\n",
			problems: []want{{line: 1, fragment: "UTF-8"}},
		},
		{
			name:     "oversized row is skipped",
			in:       csvHeader + ",受理条件\n" + row("A") + ",\"" + strings.Repeat("长\n", MaxRecordBytes/3) + "\"\n" + row("B") + ",短\n",
			codes:    []string{"B"},
			lines:    []int{3},
			problems: []want{{line: 2, fragment: "超过单条记录"}},
		},
		{
			name:     "value under a blank header",
			in:       csvHeader + ",\n" + row("A") + ",\n" + row("B") + ",x\n",
			codes:    []string{"A"},
			lines:    []int{2},
			problems: []want{{line: 3, code: "B", fragment: "第7列有内容但没有表头"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecodeCSV(strings.NewReader(tt.in), "f.csv")
			var codes []string
			var lines []int
			for _, r := range d.Records {
				codes, lines = append(codes, r.Item.Code), append(lines, r.Line)
			}
			if !reflect.DeepEqual(codes, tt.codes) || !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("records %v at %v, want %v at %v", codes, lines, tt.codes, tt.lines)
			}
			if len(d.Problems) != len(tt.problems) {
				for _, p := range d.Problems {
					t.Log(p.Error())
				}
				t.Fatalf("%d problems, want %d", len(d.Problems), len(tt.problems))
			}
			for i, w := range tt.problems {
				p := d.Problems[i]
				if p.File != "f.csv" || p.Line != w.line || p.Code != w.code || p.Field != w.field || !strings.Contains(p.Message, w.fragment) {
					t.Errorf("problem %d = %+v, want line %d code %q field %q and %q", i, p, w.line, w.code, w.field, w.fragment)
				}
			}
		})
	}
}

func TestDecodeCSVValues(t *testing.T) {
	in := csvHeader + ",承诺办结时限,网办深度,到办事现场次数,是否进驻政务大厅,支持物流快递,是否收费,办理结果类型,主题分类\n" +
		"A,000111222000,事项,公共服务,610900,某局,15(自然日),全程网办,无,TRUE,0,否,批文,\"\r\n其他\r\n\r\n 就业创业\"\n"
	d := DecodeCSV(strings.NewReader(in), "f.csv")
	requireNoProblems(t, d)
	want := &catalog.Item{Code: "A", BaseCode: "000111222000", Name: "事项", Type: "公共服务", Region: "610900", Department: "某局",
		PromisedDays: catalog.Int(15), OnlineDepth: catalog.Int(4), InHall: catalog.Bool(true), Express: catalog.Bool(false),
		Fee: &catalog.Fee{Charged: false}, Result: &catalog.Result{Type: "批文"}, Themes: []string{"其他", " 就业创业"}}
	requireSameItems(t, decodedItems(t, d), []*catalog.Item{want})
}

func TestCSVRecordReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "a,b\nc,d", []string{"a,b", "c,d"}},
		{"quoted line breaks", "\"a\nb\",c\r\nd", []string{"\"a\nb\",c", "d"}},
		{"escaped quotes", "\"a\"\"\n\"\"b\",c\nd\n", []string{"\"a\"\"\n\"\"b\",c", "d"}},
		{"quote inside a field does not open quoting", "a\"b,c\nd", []string{"a\"b,c", "d"}},
		{"quote closing at the line end", "\"a\"\nb", []string{"\"a\"", "b"}},
		{"unclosed quote runs to the end", "\"a\nb\nc", []string{"\"a\nb\nc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := newCSVRecordReader(strings.NewReader(tt.in))
			var got []string
			for {
				raw, _, ok := cr.next()
				if !ok {
					break
				}
				got = append(got, string(raw))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("records %q, want %q", got, tt.want)
			}
		})
	}
}

func BenchmarkCSVEncode(b *testing.B) {
	it := codecRichItem()
	enc, _ := NewEncoder(io.Discard, "csv")
	for b.Loop() {
		if err := enc.Write(catalog.Record{Item: it}); err != nil {
			b.Fatal(err)
		}
	}
	enc.Close()
}
