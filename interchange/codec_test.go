package interchange

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"zhinan/catalog"
)

// codecRichItem has every field set, with text that exercises the cell
// escaping of spreadsheets: |, backslashes, line breaks, quotes, commas and
// spaces next to separators.
func codecRichItem() *catalog.Item {
	return &catalog.Item{
		Code:       "11610900MB2C91234X4000111222000",
		BaseCode:   "000111222000",
		Name:       "食品经营许可（新办）",
		Type:       "行政许可",
		Level:      "市级",
		Region:     "610900",
		Department: "安康市行政审批服务局",
		Audience:   []string{"自然人", "法人"},
		Themes:     []string{"准营准办", "设立变更"},
		Basis: []catalog.Basis{
			{Title: "《中华人民共和国食品安全法》", Clause: "第三十五条", Text: "国家对食品生产经营实行许可制度。\n从事食品生产、食品销售、餐饮服务，应当依法取得许可。"},
			{Title: "《食品经营许可和备案管理办法》"},
		},
		Conditions: "1. 具有与经营的食品品种、数量相适应的场所；\n2. 具有食品安全管理人员，\"持证\"上岗。",
		Materials: []catalog.Material{
			{Name: "食品经营许可申请书", Required: "必要", Form: "原件", Copies: catalog.Int(1), Source: "申请人自备", Notes: "法定代表人签字 | 加盖公章"},
			{Name: "营业执照", Required: "必要", Form: "电子证照", Source: "政府部门核发"},
			{Name: "场所平面图", Required: "容缺后补", Form: "复印件", Copies: catalog.Int(2), Source: "其他", Notes: `路径 C:\材料\平面图.pdf`},
			{Name: " 前后有空格 ", Notes: "末尾反斜杠\\"},
		},
		Steps: []catalog.Step{
			{Name: "申请", Description: "网上提交或窗口递交", Days: catalog.Int(0)},
			{Name: "受理", Description: "审查材料\n当场决定是否受理", Days: catalog.Int(1)},
			{Name: "决定"},
		},
		LegalDays:     catalog.Int(20),
		PromisedDays:  catalog.Int(5),
		Handling:      "承诺件",
		Visits:        catalog.Int(0),
		VisitReason:   "无需到现场",
		OnlineDepth:   catalog.Int(4),
		OnlineURL:     "https://zwfw.shaanxi.gov.cn/ak/item?code=1&x=<y>",
		InHall:        catalog.Bool(true),
		Nearby:        catalog.Bool(false),
		Express:       catalog.Bool(true),
		Appointment:   catalog.Bool(false),
		OnlinePayment: catalog.Bool(true),
		CrossProvince: catalog.Bool(false),
		Commitment:    catalog.Bool(true),
		Scope:         "全市",
		Fee: &catalog.Fee{Charged: true, Items: []catalog.FeeItem{
			{Name: "工本费", Standard: "10元/本", Basis: "陕价费发〔2019〕1号"},
			{Name: "加急费|特殊", Standard: "5,00"},
		}},
		Result:         &catalog.Result{Name: "食品经营许可证", Type: "证照", Sample: "https://example.org/sample.pdf"},
		Location:       "安康市政务服务中心二楼 B 区 12 号窗口",
		Hours:          "周一至周五 8:30-12:00, 14:30-18:00（法定节假日除外）",
		ConsultPhone:   "0915-3212345",
		ComplaintPhone: "12345",
		FAQ: []catalog.FAQ{
			{Q: "可以网上办理吗？", A: "可以，全程网办。"},
			{Q: "证件丢了怎么办?", A: "申请补办 | 见“补证”事项\n或拨打 12345"},
		},
		AskPhrases: []string{"开饭店办什么证", "食品经营许可证|新办", `C:\证照\`, " 前后有空格 ", "“引号”,逗号"},
	}
}

// codecMinimalItem has only the required fields: every optional number and
// boolean is absent and must stay absent through every format.
func codecMinimalItem() *catalog.Item {
	return &catalog.Item{
		Code: "AK-0001", BaseCode: "000111222001", Name: "最少字段事项", Type: "公共服务",
		Region: "610902", Department: "汉滨区民政局",
	}
}

// codecFeeItems covers the fee and result variants: not charged, charged
// without items, a result without type.
func codecFeeItems() []*catalog.Item {
	a := codecMinimalItem()
	a.Code, a.Fee = "AK-0002", &catalog.Fee{Charged: false}
	b := codecMinimalItem()
	b.Code, b.Fee, b.Result = "AK-0003", &catalog.Fee{Charged: true}, &catalog.Result{Name: "批复"}
	c := codecMinimalItem()
	c.Code, c.Visits, c.OnlineDepth, c.LegalDays, c.Nearby = "AK-0004", catalog.Int(0), catalog.Int(0), catalog.Int(0), catalog.Bool(false)
	return []*catalog.Item{a, b, c}
}

func codecItems() []*catalog.Item {
	return append([]*catalog.Item{codecRichItem(), codecMinimalItem()}, codecFeeItems()...)
}

func decodedItems(t *testing.T, d catalog.Decoded) []*catalog.Item {
	t.Helper()
	var out []*catalog.Item
	for _, r := range d.Records {
		if r.Kind != catalog.KindItem || r.Item == nil {
			t.Fatalf("record at line %d: kind %q, item %v", r.Line, r.Kind, r.Item)
		}
		out = append(out, r.Item)
	}
	return out
}

func requireNoProblems(t *testing.T, d catalog.Decoded) {
	t.Helper()
	for _, p := range d.Problems {
		t.Errorf("unexpected problem: %s", p.Error())
	}
	if len(d.Problems) > 0 {
		t.FailNow()
	}
}

func requireSameItems(t *testing.T, got, want []*catalog.Item) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			g, _ := catalog.CanonicalJSON(got[i])
			w, _ := catalog.CanonicalJSON(want[i])
			t.Errorf("item %d differs:\n got %s\nwant %s", i, g, w)
		}
	}
}

// encodeItems writes items in format to a file in a temporary directory
// and returns its path.
func encodeItems(t *testing.T, format string, items []*catalog.Item) string {
	t.Helper()
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, format)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := enc.Write(catalog.Record{Kind: catalog.KindItem, Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "items."+format)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jsonl := write("a.jsonl", `{"code":"A","name":"甲"}`+"\n")
	upper := write("b.JSON", `[{"code":"B"}]`)
	csvFile := write("c.csv", "实施编码,基本编码,事项名称,事项类型,行政区划代码,实施主体\nC,000111222000,丙,公共服务,610900,某局\n")
	national := write("n.jsonl", `{"TASK_CODE":"N1","CATAID":"000111222000"}`+"\n")
	xlsxFile := encodeItems(t, "xlsx", []*catalog.Item{codecMinimalItem()})
	txt := write("d.txt", "x")

	tests := []struct {
		name, path, dialect string
		wantErr             string // part of the error; "" for none
		wantCode            string // code of the only record
	}{
		{"jsonl", jsonl, "", "", "A"},
		{"json array, upper-case extension", upper, "", "", "B"},
		{"csv", csvFile, "", "", "C"},
		{"xlsx", xlsxFile, "", "", "AK-0001"},
		{"national", national, "national", "", "N1"},
		{"unknown extension", txt, "", "无法识别的文件类型", ""},
		{"unknown dialect", jsonl, "provincial", "无法识别的格式方言", ""},
		{"national csv", csvFile, "national", "国家平台格式只支持", ""},
		{"missing file", filepath.Join(dir, "none.jsonl"), "", "文件不存在", ""},
		{"directory", filepath.Join(dir, "sub.csv"), "", "这是一个目录", ""},
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecodeFile(tt.path, tt.dialect)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			requireNoProblems(t, d)
			if len(d.Records) != 1 || d.Records[0].Item.Code != tt.wantCode {
				t.Fatalf("records %+v, want one with code %s", d.Records, tt.wantCode)
			}
			if d.Records[0].File != tt.path {
				t.Errorf("record file %q, want %q", d.Records[0].File, tt.path)
			}
		})
	}
}

func TestNewEncoderUnknownFormat(t *testing.T) {
	if _, err := NewEncoder(&bytes.Buffer{}, "xml"); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Fatalf("error %v, want one naming the format", err)
	}
	for _, f := range Formats {
		enc, err := NewEncoder(&bytes.Buffer{}, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := enc.Close(); err != nil {
			t.Fatalf("%s: close: %v", f, err)
		}
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes+1)
	exact := strings.Repeat("y", MaxRecordBytes)
	tests := []struct {
		name  string
		in    string
		lines []string // "" with size>0 stands for a line too long
		sizes []int
	}{
		{"lf", "a\nb\n", []string{"a", "b"}, []int{1, 1}},
		{"crlf, no final newline", "a\r\nb", []string{"a", "b"}, []int{1, 1}},
		{"bom", "\xEF\xBB\xBFa\n", []string{"a"}, []int{1}},
		{"empty lines", "\n\na\n", []string{"", "", "a"}, []int{0, 0, 1}},
		{"exactly the limit", exact + "\r\nz", []string{exact, "z"}, []int{MaxRecordBytes, 1}},
		{"over the limit", "a\n" + long + "\nb", []string{"a", "", "b"}, []int{1, MaxRecordBytes + 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := newLineReader(strings.NewReader(tt.in))
			var lines []string
			var sizes []int
			for {
				line, size, ok := lr.next()
				if !ok {
					break
				}
				lines, sizes = append(lines, string(line)), append(sizes, size)
			}
			if lr.err != nil {
				t.Fatal(lr.err)
			}
			if !reflect.DeepEqual(lines, tt.lines) || !reflect.DeepEqual(sizes, tt.sizes) {
				t.Fatalf("got %d lines sizes %v, want %d lines sizes %v", len(lines), sizes, len(tt.lines), tt.sizes)
			}
		})
	}
}
