package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestTextAlignsCJK(t *testing.T) {
	r := Percent(719, 787)
	tables := []Table{{
		Name:    "示例",
		Columns: []Column{{ID: "name", Label: "名称", Kind: KindText}, {ID: "n", Label: "事项数", Kind: KindInt}, {ID: "r", Label: "网上可办率", Kind: KindPercent}, {ID: "b", Label: "合计行", Kind: KindBool}},
		Rows:    [][]any{{"安康市（本级）", 787, r, false}, {"ab", 5, Rate(nil), true}},
	}}
	var b bytes.Buffer
	if err := WriteText(&b, tables); err != nil {
		t.Fatal(err)
	}
	want := "示例\n" +
		"名称            事项数  网上可办率  合计行\n" +
		"--------------  ------  ----------  ------\n" +
		"安康市（本级）     787      91.36%  否\n" +
		"ab                   5           —  是\n"
	if b.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	for s, w := range map[string]int{"安康": 4, "ab": 2, "（）": 4, "91.36%": 6, "—": 1, "é": 1, "e\u0301": 1} {
		if got := displayWidth(s); got != w {
			t.Errorf("displayWidth(%q) = %d, want %d", s, got, w)
		}
	}
	b.Reset()
	WriteText(&b, []Table{{Name: "空", Columns: tables[0].Columns}})
	if !strings.Contains(b.String(), labelNoRows) {
		t.Errorf("empty table: %q", b.String())
	}
}
