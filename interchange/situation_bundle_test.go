package interchange

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhinan/catalog"
)

// codecSituationItem has situations exercising every option field and the
// escaping of list cells: a single-choice and a multiple-choice question,
// an option with nothing but its id and label, and text with | \ and line
// breaks.
func codecSituationItem() *catalog.Item {
	it := codecMinimalItem()
	it.Code = "AK-0100"
	it.Materials = []catalog.Material{{Name: "居民身份证"}, {Name: "委托书|授权"}, {Name: `C:\证明`}, {Name: "户口簿"}}
	it.Situations = []catalog.Situation{
		{ID: "who", Question: "谁来办理？\n（请选择）", Options: []catalog.Option{
			{ID: "self", Label: "本人办理"},
			{ID: "agent", Label: "委托他人办理", Add: []string{"委托书|授权", `C:\证明`}, Remove: []string{"户口簿"},
				Note: "受托人需携带本人身份证\n原件", PromisedDays: catalog.Int(0), Visits: catalog.Int(2), OnlineDepth: catalog.Int(1),
				Fee:   &catalog.Fee{Charged: true, Items: []catalog.FeeItem{{Name: "工本费", Standard: "10元|本", Basis: "陕价费〔2019〕1号"}}},
				Steps: []catalog.Step{{Name: "核验委托", Description: "核对委托书\n及受托人身份", Days: catalog.Int(1)}, {Name: "告知"}}},
		}},
		{ID: "where_1", Question: "户籍在哪里？", Multiple: true, Options: []catalog.Option{
			{ID: "local", Label: "本地", Fee: &catalog.Fee{Charged: false}},
			{ID: "other", Label: "=异地", Note: "  前后有空格  ", Remove: []string{"居民身份证"}},
		}},
	}
	return it
}

// codecBundles are a bundle with every field (a step with alternatives,
// material links, text that needs escaping) and one with only what it
// must have.
func codecBundles() []*catalog.Bundle {
	return []*catalog.Bundle{
		{Code: "birth", Name: "新生儿出生一件事", Description: "出生医学证明、预防接种证、户口登记、医保参保、社保卡\n一次办", Themes: []string{"生育收养", "户籍|办理"},
			AskPhrases: []string{"生孩子", "宝宝上户口"}, Form: "出生一件事联办申请表",
			Steps: []catalog.BundleStep{
				{BaseCode: "071001000000", Name: "出生登记", Stage: 1},
				{BaseCode: "000111222000", Or: []string{"000111222001", "000111222002"}, Stage: 2},
				{BaseCode: "000111222003", Name: "社保卡|申领", Stage: 2},
			},
			Links: []catalog.MaterialLink{{Name: "居民身份证", Same: []string{"身份证", `身份证\复印件`}}, {Name: "出生医学证明", Same: []string{"出生证"}}}},
		{Code: "YJS-2", Name: "最少一件事", Steps: []catalog.BundleStep{{BaseCode: "000111222004", Stage: 1}}},
	}
}

func bundleRecords(bs []*catalog.Bundle) []catalog.Record {
	var out []catalog.Record
	for _, b := range bs {
		out = append(out, catalog.Record{Kind: catalog.KindBundle, Bundle: b})
	}
	return out
}

// encodeRecords writes records in format and returns the bytes.
func encodeRecords(t *testing.T, format string, records []catalog.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, format)
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
	return buf.Bytes()
}

func decodeBytes(t *testing.T, format string, data []byte) catalog.Decoded {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book."+format)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := DecodeFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// situationRecords are the records of the situation and bundle tests:
// items with and without situations, then bundles.
func situationRecords() []catalog.Record {
	var recs []catalog.Record
	for _, it := range []*catalog.Item{codecRichItem(), codecSituationItem(), codecMinimalItem()} {
		recs = append(recs, catalog.Record{Kind: catalog.KindItem, Item: it})
	}
	return append(recs, bundleRecords(codecBundles())...)
}

// TestSituationsAndBundlesRoundTrip: every format gives back the items with
// their situations (and JSON Lines and XLSX the bundles) field for field,
// and encoding what it decoded gives the same bytes (XLSX: the same values).
func TestSituationsAndBundlesRoundTrip(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			recs := situationRecords()
			first := encodeRecords(t, format, recs)
			d := decodeBytes(t, format, first)
			requireNoProblems(t, d)
			var items []*catalog.Item
			var bundles []*catalog.Bundle
			for _, r := range d.Records {
				switch r.Kind {
				case catalog.KindItem:
					items = append(items, r.Item)
				case catalog.KindBundle:
					bundles = append(bundles, r.Bundle)
				default:
					t.Fatalf("record of kind %q", r.Kind)
				}
			}
			requireSameItems(t, items, []*catalog.Item{codecRichItem(), codecSituationItem(), codecMinimalItem()})
			wantBundles := codecBundles()
			if format == "csv" {
				wantBundles = nil // CSV holds items only
			}
			if len(bundles) != len(wantBundles) {
				t.Fatalf("%d bundles, want %d", len(bundles), len(wantBundles))
			}
			for i := range wantBundles {
				if !reflect.DeepEqual(bundles[i], wantBundles[i]) {
					t.Errorf("bundle %d:\n got %+v\nwant %+v", i, bundles[i], wantBundles[i])
				}
			}
			second := encodeRecords(t, format, d.Records)
			if format == "xlsx" {
				if a, b := sheetValues(t, first), sheetValues(t, second); a != b {
					t.Fatalf("second XLSX differs:\n%s\n---\n%s", a, b)
				}
				return
			}
			if !bytes.Equal(first, second) {
				t.Fatalf("second encoding differs:\n%s\n---\n%s", first, second)
			}
		})
	}
}

// sheetValues lists every cell of every sheet of a workbook.
func sheetValues(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "[%s]\n", name)
		for _, r := range rows {
			fmt.Fprintf(&b, "%q\n", r)
		}
	}
	return b.String()
}

func TestJSONLBundleLine(t *testing.T) {
	out := string(encodeRecords(t, "jsonl", bundleRecords(codecBundles()[1:])))
	want := `{"kind":"bundle","code":"YJS-2","name":"最少一件事","steps":[{"base_code":"000111222004","stage":1}]}` + "\n"
	if out != want {
		t.Fatalf("bundle line %s, want %s", out, want)
	}
}

func TestXLSXSheetsOfSituationsAndBundles(t *testing.T) {
	data := encodeRecords(t, "xlsx", situationRecords())
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"事项", "情形", "一件事"}) {
		t.Fatalf("sheets %v", got)
	}
	items, _ := f.GetRows("事项")
	if len(items) != 4 || items[0][len(items[0])-1] != "常见问法" {
		t.Errorf("item sheet: %d rows, header %v (no 情形引导 column)", len(items), items[0])
	}
	rows, _ := f.GetRows("情形")
	want := [][]string{
		situationSheet.header(),
		{"AK-0100", "who", "谁来办理？\n（请选择）", "否", "self", "本人办理"},
		{"AK-0100", "who", "", "", "agent", "委托他人办理", "委托书\\|授权\nC:\\\\证明", "户口簿", "受托人需携带本人身份证\n原件", "0", "2", "1", "是",
			"工本费 | 10元\\|本 | 陕价费〔2019〕1号", "核验委托 | 核对委托书\\n及受托人身份 | 1\n告知"},
		{"AK-0100", "where_1", "户籍在哪里？", "是", "local", "本地", "", "", "", "", "", "", "否"},
		{"AK-0100", "where_1", "", "", "other", "=异地", "", "居民身份证", "  前后有空格  "},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("情形 rows\n%q\nwant\n%q", rows, want)
	}
	rows, _ = f.GetRows("一件事")
	want = [][]string{
		bundleSheet.header(),
		{"birth", "新生儿出生一件事", "出生医学证明、预防接种证、户口登记、医保参保、社保卡\n一次办", "生育收养\n户籍\\|办理", "生孩子\n宝宝上户口", "出生一件事联办申请表",
			"居民身份证 | 身份证 | 身份证\\\\复印件\n出生医学证明 | 出生证", "1", "071001000000", "", "出生登记"},
		{"birth", "", "", "", "", "", "", "2", "000111222000", "000111222001\n000111222002"},
		{"birth", "", "", "", "", "", "", "2", "000111222003", "", "社保卡|申领"},
		{"YJS-2", "最少一件事", "", "", "", "", "", "1", "000111222004"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("一件事 rows\n%q\nwant\n%q", rows, want)
	}
	// Numbers are numeric cells.
	if typ, _ := f.GetCellType("一件事", "H2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("stage cell type %v, want number", typ)
	}
	d := DecodeXLSX(bytes.NewReader(data), "book.xlsx")
	requireNoProblems(t, d)
	for _, r := range d.Records {
		switch {
		case r.Kind == catalog.KindBundle && r.Bundle.Code == "birth":
			if r.Line != 2 || r.File != "book.xlsx 工作表“一件事”" {
				t.Errorf("bundle at %s row %d", r.File, r.Line)
			}
		case r.Kind == catalog.KindItem && r.File != "book.xlsx":
			t.Errorf("item at %s", r.File)
		}
	}
}

func TestCSVSituationsColumn(t *testing.T) {
	data := encodeRecords(t, "csv", situationRecords())
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][len(rows[0])-1] != "情形引导" {
		t.Fatalf("%d rows (bundles are not CSV rows), header %v", len(rows), rows[0])
	}
	cell := rows[2][len(rows[2])-1]
	if !strings.HasPrefix(cell, `[{"id":"who","question":"谁来办理？\n（请选择）","options":[{"id":"self","label":"本人办理"},`) {
		t.Errorf("situations cell %s", cell)
	}
	if rows[1][len(rows[1])-1] != "" || rows[3][len(rows[3])-1] != "" {
		t.Error("an item without situations has a situations cell")
	}
}

// problemFields lists "line field" of every problem, and fails unless
// each message contains its fragment.
func problemFields(t *testing.T, d catalog.Decoded, fragments map[string]string) []string {
	t.Helper()
	var out []string
	for _, p := range d.Problems {
		key := fmt.Sprintf("%d %s", p.Line, p.Field)
		out = append(out, key)
		if f, ok := fragments[key]; ok && !strings.Contains(p.Message, f) {
			t.Errorf("%s: message %q, want it to contain %q", key, p.Message, f)
		}
	}
	return out
}

func TestDecodeJSONLSituationAndBundleProblems(t *testing.T) {
	in := strings.Join([]string{
		`{"code":"A","situations":[{"id":"who","multiple":"yes","options":[{"id":"a","label":"本人","add":"身份证"},{"id":"b","label":"委托","visits":"1","fee":{"charged":true,"items":[{"name":1}]},"steps":[{"name":"核验","days":1.5}]}]}]}`,
		`{"code":"B","situations":{"id":"who"}}`,
		`{"code":"C","situations":[{"id":"who","optons":[]}]}`,
		`{"kind":"bundle","code":"birth","name":"出生","steps":[{"base_code":1,"stage":"1","or":"x"}],"links":[{"name":"身份证","same":"证"}],"colour":"红"}`,
		`{"kind":"bundle","code":"x","steps":[],"steps":[]}`,
		`{"kind":"bundel","code":"y"}`,
		`{"kind":"bundle","code":"ok","name":"好","steps":[{"base_code":"000111222000","stage":1}]}`,
	}, "\n")
	d := DecodeJSONL(strings.NewReader(in), "x.jsonl")
	got := problemFields(t, d, map[string]string{
		"1 situations[0].multiple":                     "应为 true 或 false",
		"1 situations[0].options[0].add":               "应为列表",
		"1 situations[0].options[1].visits":            "应为整数",
		"1 situations[0].options[1].fee.items[0].name": "应为文本",
		"1 situations[0].options[1].steps[0].days":     "应为整数",
		"2 situations":           "应为列表",
		"3 situations[0].optons": "options",
		"4 steps[0].base_code":   "应为文本",
		"4 steps[0].stage":       "应为整数",
		"4 steps[0].or":          "应为列表",
		"4 links[0].same":        "应为列表",
		"4 colour":               "未知字段",
		"5 steps":                "重复",
		"6 kind":                 "bundle",
	})
	want := []string{"1 situations[0].multiple", "1 situations[0].options[0].add", "1 situations[0].options[1].visits",
		"1 situations[0].options[1].fee.items[0].name", "1 situations[0].options[1].steps[0].days",
		"2 situations", "3 situations[0].optons",
		"4 steps[0].base_code", "4 steps[0].or", "4 steps[0].stage", "4 links[0].same", "4 colour", "5 steps", "6 kind"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n%v\nwant\n%v", got, want)
	}
	for _, p := range d.Problems {
		if p.Line == 4 && p.Code != "birth" {
			t.Errorf("bundle problem without the bundle's code: %+v", p)
		}
	}
	if len(d.Records) != 1 || d.Records[0].Bundle == nil || d.Records[0].Bundle.Code != "ok" || d.Records[0].Line != 7 {
		t.Fatalf("records %+v", d.Records)
	}
}

// TestTooManyQuestions: JSON Lines decodes a guide with more questions than
// it may have, and validation reports it; the 情形 sheet reports it on the
// row of the first question too many and yields no record of the item.
func TestTooManyQuestions(t *testing.T) {
	max, ok := catalog.ListLimit("situations")
	if !ok {
		t.Fatal("no limit of situations")
	}
	it := codecMinimalItem()
	for i := range max + 1 {
		it.Situations = append(it.Situations, catalog.Situation{ID: fmt.Sprintf("q%d", i), Question: "问题",
			Options: []catalog.Option{{ID: "a", Label: "是"}, {ID: "b", Label: "否"}}})
	}
	recs := []catalog.Record{{Kind: catalog.KindItem, Item: it}}
	d := DecodeJSONL(bytes.NewReader(encodeRecords(t, "jsonl", recs)), "x.jsonl")
	requireNoProblems(t, d)
	if errs := catalog.Validate(d.Records[0].Item); len(errs) == 0 || errs[0].Field != "situations" {
		t.Errorf("validation: %v, want too many situations", errs)
	}
	d = DecodeXLSX(bytes.NewReader(encodeRecords(t, "xlsx", recs)), "book.xlsx")
	if len(d.Records) != 0 || len(d.Problems) != 1 {
		t.Fatalf("xlsx: %d records, problems %v", len(d.Records), d.Problems)
	}
	p := d.Problems[0]
	if p.File != "book.xlsx 工作表“情形”" || p.Line != 2+2*max || p.Field != "situations" || p.Code != it.Code ||
		!strings.Contains(p.Message, "列“问题编号”") {
		t.Errorf("problem %+v", p)
	}
}

// situationWorkbook builds a workbook of one item sheet and the given
// other sheets (name, then rows).
func situationWorkbook(t *testing.T, sheets map[string][][]string, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName(f.GetSheetName(0), "事项")
	itemRows := [][]string{
		{"实施编码", "基本编码", "事项名称", "事项类型", "行政区划代码", "实施主体", "申请材料"},
		{"A-1", "000111222000", "事项一", "公共服务", "610900", "某局", "身份证\n委托书"},
		{"A-2", "000111222001", "事项二", "公共服务", "610900", "某局"},
	}
	write := func(sheet string, rows [][]string) {
		for i, r := range rows {
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := f.SetCellStr(sheet, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	write("事项", itemRows)
	for _, name := range order {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		write(name, sheets[name])
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeXLSXSituationSheet(t *testing.T) {
	header := []string{"实施编码", "问题编号", "问题", "多选", "选项编号", "选项", "增加材料", "到办事现场次数"}
	t.Run("hand-made", func(t *testing.T) {
		data := situationWorkbook(t, map[string][][]string{
			"说明": {{"填写说明"}},
			"情形": {
				{"选项编号", "选项", "实施编码", "问题编号", "问题", "增加材料"}, // any order, optional columns left out
				{"o1", "本人", "A-1", "q1", "谁来办？"},
				{"o3", "是", "A-1", "q2", "是否异地？"},
				{"o2", "委托", "A-1", "q1", "谁来办？", "委托书"}, // the question repeated exactly, rows of two questions mixed
				{},
				{"", "", "A-1", "q3", "只有问题"},
			},
		}, "说明", "情形")
		d := DecodeXLSX(bytes.NewReader(data), "h.xlsx")
		requireNoProblems(t, d)
		if len(d.Records) != 2 {
			t.Fatalf("%d records", len(d.Records))
		}
		got := d.Records[0].Item.Situations
		want := []catalog.Situation{
			{ID: "q1", Question: "谁来办？", Options: []catalog.Option{{ID: "o1", Label: "本人"}, {ID: "o2", Label: "委托", Add: []string{"委托书"}}}},
			{ID: "q2", Question: "是否异地？", Options: []catalog.Option{{ID: "o3", Label: "是"}}},
			{ID: "q3", Question: "只有问题"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("situations %+v\nwant %+v", got, want)
		}
		if d.Records[1].Item.Situations != nil {
			t.Error("A-2 got situations")
		}
	})
	t.Run("problems", func(t *testing.T) {
		data := situationWorkbook(t, map[string][][]string{
			"情形": {
				header,
				{"A-1", "q1", "谁来办？", "否", "o1", "本人", "", "两次"},
				{"A-1", "q1", "谁来办理？", "是", "o2", "委托"},
				{"A-9", "q1", "谁来办？", "", "o1", "本人"},
				{"", "q1", "", "", "o1"},
				{"A-2", "q1", "问题", "也许", "o1", "本人"},
			},
		}, "情形")
		d := DecodeXLSX(bytes.NewReader(data), "p.xlsx")
		got := problemFields(t, d, map[string]string{
			"2 situations[0].options[0].visits": "列“到办事现场次数”：应为整数，实际为“两次”",
			"3 situations[0].question":          "与第2行不一致",
			"3 situations[0].multiple":          "与第2行不一致",
			"5 code":                            "不能为空",
			"6 situations[0].multiple":          "应为“是”或“否”",
			"4 code":                            "没有该实施编码的事项",
		})
		want := []string{"2 situations[0].options[0].visits", "3 situations[0].question", "3 situations[0].multiple",
			"5 code", "6 situations[0].multiple", "4 code"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("problems\n%v\nwant\n%v", got, want)
		}
		for _, p := range d.Problems {
			if p.File != "p.xlsx 工作表“情形”" {
				t.Errorf("problem in %q", p.File)
			}
		}
		if len(d.Records) != 0 {
			t.Errorf("items with problems in the 情形 sheet yield records: %+v", d.Records)
		}
	})
	t.Run("header", func(t *testing.T) {
		data := situationWorkbook(t, map[string][][]string{"情形": {{"实施编码", "问题编号", "选项名"}, {"A-1", "q1", "x"}}}, "情形")
		d := DecodeXLSX(bytes.NewReader(data), "h.xlsx")
		if len(d.Records) != 0 || len(d.Problems) != 1 || d.Problems[0].Line != 1 ||
			!strings.Contains(d.Problems[0].Message, "未知的列：“选项名”") || !strings.Contains(d.Problems[0].Message, "选项编号（option_id）") {
			t.Fatalf("records %d, problems %v", len(d.Records), d.Problems)
		}
	})
	t.Run("both ways", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName(f.GetSheetName(0), "事项")
		for i, row := range [][]string{
			{"实施编码", "基本编码", "事项名称", "事项类型", "行政区划代码", "实施主体", "情形引导"},
			{"A-1", "000111222000", "事项一", "公共服务", "610900", "某局", `[{"id":"q","question":"问","options":[{"id":"a","label":"甲"}]}]`},
		} {
			for j, v := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				f.SetCellStr("事项", cell, v)
			}
		}
		f.NewSheet("情形")
		for j, v := range header[:6] {
			cell, _ := excelize.CoordinatesToCellName(j+1, 1)
			f.SetCellStr("情形", cell, v)
			cell, _ = excelize.CoordinatesToCellName(j+1, 2)
			f.SetCellStr("情形", cell, []string{"A-1", "q", "问", "", "a", "甲"}[j])
		}
		var buf bytes.Buffer
		f.WriteTo(&buf)
		d := DecodeXLSX(bytes.NewReader(buf.Bytes()), "b.xlsx")
		if len(d.Records) != 0 || len(d.Problems) != 1 || d.Problems[0].Field != "situations" {
			t.Fatalf("records %d, problems %v", len(d.Records), d.Problems)
		}
	})
}

func TestDecodeXLSXBundleSheet(t *testing.T) {
	data := situationWorkbook(t, map[string][][]string{
		"一件事": {
			bundleSheet.header(),
			{"birth", "出生一件事", "", "生育收养", "", "", "身份证 | 居民身份证", "1", "071001000000"},
			{"birth", "出生一件事", "", "", "", "", "", "x", "000111222000", "a\nb"},
			{"shop", "开饭店", "", "", "", "", "", "1", "000111222000"},
			{"shop", "开餐馆", "", "", "", "", "", "2", "000111222001"},
			{"ok", "好", "", "", "", "", "", "1", "000111222000", "", "环节"},
		},
	}, "一件事")
	d := DecodeXLSX(bytes.NewReader(data), "b.xlsx")
	got := problemFields(t, d, map[string]string{
		"3 steps[1].stage": "列“阶段”：应为整数",
		"5 name":           "与第4行不一致",
	})
	if want := []string{"3 steps[1].stage", "5 name"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	var bundles []catalog.Record
	for _, r := range d.Records {
		if r.Bundle != nil {
			bundles = append(bundles, r)
		}
	}
	if len(bundles) != 1 || bundles[0].Line != 6 || !reflect.DeepEqual(bundles[0].Bundle,
		&catalog.Bundle{Code: "ok", Name: "好", Steps: []catalog.BundleStep{{BaseCode: "000111222000", Name: "环节", Stage: 1}}}) {
		t.Errorf("bundles %+v", bundles)
	}
}

func TestDecodeCSVSituationsCell(t *testing.T) {
	in := csvHeader + ",情形引导\n" +
		"A,000111222000,事项,公共服务,610900,某局,\"[{\"\"id\"\":\"\"q\"\",\"\"options\"\":[{\"\"id\"\":\"\"a\"\",\"\"add\"\":[1]}]}]\"\n" +
		"B,000111222000,事项,公共服务,610900,某局,\"[{\"\"id\"\":\"\n" +
		"C,000111222000,事项,公共服务,610900,某局,\"[{\"\"id\"\":\"\"q\"\",\"\"question\"\":\"\"问\"\",\"\"options\"\":[{\"\"id\"\":\"\"a\"\",\"\"label\"\":\"\"甲\"\"}]}]\"\n"
	d := DecodeCSV(strings.NewReader(in), "s.csv")
	got := problemFields(t, d, map[string]string{
		"2 situations[0].options[0].add[0]": "应为文本",
		"3 situations":                      "JSON 不完整",
	})
	if want := []string{"2 situations[0].options[0].add[0]", "3 situations"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if len(d.Records) != 1 || len(d.Records[0].Item.Situations) != 1 || d.Records[0].Item.Situations[0].Options[0].Label != "甲" {
		t.Fatalf("records %+v", d.Records)
	}
}

// TestSituationsGolden compares the encoding of situationRecords in every
// format with testdata/situations-bundles.* (run with -update after an
// intended change): JSON Lines and CSV byte for byte, XLSX by its cells.
func TestSituationsGolden(t *testing.T) {
	update := flag.Lookup("update")
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			got := encodeRecords(t, format, situationRecords())
			golden := filepath.Join("testdata", "situations-bundles."+format)
			if update != nil && update.Value.String() == "true" {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./interchange -run TestSituationsGolden -update)", err)
			}
			if format == "xlsx" {
				if a, b := sheetValues(t, got), sheetValues(t, want); a != b {
					t.Fatalf("xlsx differs from %s:\n%s\n---\n%s", golden, a, b)
				}
				return
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from %s:\n%s", format, golden, got)
			}
			// Decoding the golden file and encoding it again gives it back.
			if again := encodeRecords(t, format, decodeBytes(t, format, want).Records); !bytes.Equal(again, want) {
				t.Fatalf("%s: decode → encode of the golden file differs", format)
			}
		})
	}
}
