// Package catalogtest holds the fixtures of the tests of the packages built
// on catalog (store, interchange, report …): a complete guide, variants of
// it, the regions they need and records of them. Only tests import it.
package catalogtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"zhinan/catalog"
)

//go:embed complete-guide.json
var completeGuide []byte

// CompleteGuide returns a fresh copy of a realistic, complete and
// consistent guide (居民身份证换领 at the 汉滨区 public security bureau,
// complete-guide.json): it has no structural error and no guide-quality
// finding. Tests change one thing of it and assert exactly what that change
// produces. The tests of package catalog read the same file.
func CompleteGuide() *catalog.Item {
	var it catalog.Item
	dec := json.NewDecoder(bytes.NewReader(completeGuide))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		panic("catalogtest: complete-guide.json: " + err.Error())
	}
	return &it
}

// Department is the department of CompleteGuide, in region 610902.
const Department = "安康市公安局汉滨分局"

// Regions are the regions the guides of this package need: 陕西省, 安康市
// and two of its counties, 汉滨区 (610902) and 汉阴县 (610921).
var Regions = []catalog.Region{
	{Code: "610000", Name: "陕西省", Level: "省"},
	{Code: "610900", Name: "安康市", Level: "市", Parent: "610000"},
	{Code: "610902", Name: "汉滨区", Level: "县", Parent: "610900"},
	{Code: "610921", Name: "汉阴县", Level: "县", Parent: "610900"},
}

// GuideVariant returns a complete guide with its own code and name:
// TEST0001, 居民身份证换领1 for i = 1.
func GuideVariant(i int) *catalog.Item {
	it := CompleteGuide()
	it.Code = fmt.Sprintf("TEST%04d", i)
	it.Name = fmt.Sprintf("%s%d", it.Name, i)
	return it
}

// ItemRecords returns the items as the records of a file t.jsonl, one a
// line.
func ItemRecords(items ...*catalog.Item) catalog.Decoded {
	var d catalog.Decoded
	for i, it := range items {
		d.Records = append(d.Records, catalog.Record{File: "t.jsonl", Line: i + 1, Kind: catalog.KindItem, Item: it})
	}
	return d
}
