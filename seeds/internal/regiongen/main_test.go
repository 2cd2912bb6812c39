package main

import (
	"strings"
	"testing"
)

// fixture is a small package-shaped input with every quirk convert handles.
func fixture() ([]pkgProvince, []pkgCity, []pkgArea) {
	provinces := []pkgProvince{{"11", "北京市"}, {"42", "湖北省"}, {"44", "广东省"}, {"61", "陕西省"}}
	cities := []pkgCity{
		{"1101", "市辖区", "11"},
		{"4290", "省直辖县级行政区划", "42"},
		{"4401", "广州市", "44"},
		{"4419", "东莞市", "44"},
		{"6109", "安康市", "61"},
	}
	areas := []pkgArea{
		{"110101", "东城区", "1101", "11"},
		{"429004", "仙桃市", "4290", "42"},
		{"440106", "天河区", "4401", "44"},
		{"440171", "某某开发区", "4401", "44"},
		{"441900", "东莞市", "4419", "44"},
	}
	for _, a := range [][2]string{
		{"610902", "汉滨区"}, {"610921", "汉阴县"}, {"610922", "石泉县"}, {"610923", "宁陕县"},
		{"610924", "紫阳县"}, {"610925", "岚皋县"}, {"610926", "平利县"}, {"610927", "镇坪县"},
		{"610928", "旬阳县"}, {"610929", "白河县"},
	} {
		areas = append(areas, pkgArea{a[0], a[1], "6109", "61"})
	}
	return provinces, cities, areas
}

func TestConvert(t *testing.T) {
	regions, err := convert(fixture())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Write(&b, regions); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, c := range []struct{ test, line string }{
		{"header", "code,name,level,parent\n"},
		{"municipality", "\n110000,北京市,省,\n"},
		{"district of a municipality", "\n110101,东城区,县,110000\n"},
		{"province-administered city", "\n429004,仙桃市,县,420000\n"},
		{"prefecture", "\n440100,广州市,市,440000\n"},
		{"prefecture without counties", "\n441900,东莞市,市,440000\n"},
		{"correction", "\n610981,旬阳市,县,610900\n"},
		{"zone", "\n610971,安康高新技术产业开发区,县,610900\n"},
		{"extra province", "\n810000,香港特别行政区,省,\n"},
	} {
		t.Run(c.test, func(t *testing.T) {
			if !strings.Contains(got, c.line) {
				t.Errorf("missing %q in\n%s", strings.TrimSpace(c.line), got)
			}
		})
	}
	for _, c := range []struct{ test, prefix string }{
		{"pseudo prefecture 市辖区", "\n110100,"},
		{"pseudo prefecture 省直辖", "\n429000,"},
		{"statistical zone", "\n440171,"},
		{"old code", "\n610928,"},
	} {
		t.Run("absent "+c.test, func(t *testing.T) {
			if strings.Contains(got, c.prefix) {
				t.Errorf("%q present", strings.TrimSpace(c.prefix))
			}
		})
	}
	if strings.Count(got, "\n441900,") != 1 {
		t.Error("东莞市 441900 not exactly once")
	}
}

func TestConvertZoneClash(t *testing.T) {
	for _, c := range []struct {
		test, name string
		ok         bool
	}{
		{"same zone", "安康市恒口示范区", true},
		{"another zone", "安康某某新区", false},
	} {
		t.Run(c.test, func(t *testing.T) {
			p, ci, a := fixture()
			a = append(a, pkgArea{"610972", c.name, "6109", "61"})
			_, err := convert(p, ci, a)
			if (err == nil) != c.ok {
				t.Errorf("err = %v, want ok %v", err, c.ok)
			}
		})
	}
}

func TestConvertMissingAnkangChild(t *testing.T) {
	p, c, a := fixture()
	a = a[:len(a)-1] // drop 白河县
	if _, err := convert(p, c, a); err == nil || !strings.Contains(err.Error(), "610929") {
		t.Errorf("got %v, want an error about 610929", err)
	}
}
