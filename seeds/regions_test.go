package seeds

import (
	"slices"
	"strings"
	"testing"

	"zhinan/catalog"
)

func regionIndex(t *testing.T) ([]catalog.Region, map[string]catalog.Region) {
	t.Helper()
	regions, err := Regions()
	if err != nil {
		t.Fatalf("Regions: %v", err)
	}
	byCode := make(map[string]catalog.Region, len(regions))
	for _, r := range regions {
		byCode[r.Code] = r
	}
	return regions, byCode
}

func TestRegionsShape(t *testing.T) {
	regions, byCode := regionIndex(t)
	if len(regions) < 3000 {
		t.Fatalf("only %d regions, want every province, prefecture and county of China", len(regions))
	}
	t.Run("codes are 6 digits and unique", func(t *testing.T) {
		seen := map[string]bool{}
		for _, r := range regions {
			if len(r.Code) != 6 || strings.Trim(r.Code, "0123456789") != "" {
				t.Errorf("%q %s: not a 6-digit code", r.Code, r.Name)
			}
			if seen[r.Code] {
				t.Errorf("%s %s: duplicate code", r.Code, r.Name)
			}
			seen[r.Code] = true
		}
	})
	t.Run("sorted by code", func(t *testing.T) {
		if !slices.IsSortedFunc(regions, func(a, b catalog.Region) int { return strings.Compare(a.Code, b.Code) }) {
			t.Error("regions are not sorted by code")
		}
	})
	t.Run("every parent exists", func(t *testing.T) {
		for _, r := range regions {
			if r.Level == "省" {
				if r.Parent != "" {
					t.Errorf("province %s %s has parent %s", r.Code, r.Name, r.Parent)
				}
				continue
			}
			p, ok := byCode[r.Parent]
			if !ok {
				t.Errorf("%s %s: parent %q does not exist", r.Code, r.Name, r.Parent)
				continue
			}
			if p.Level == r.Level || p.Level == "县" {
				t.Errorf("%s %s (%s): parent %s %s is %s", r.Code, r.Name, r.Level, p.Code, p.Name, p.Level)
			}
		}
	})
	t.Run("levels", func(t *testing.T) {
		count := map[string]int{}
		for _, r := range regions {
			count[r.Level]++
		}
		for _, c := range []struct {
			level    string
			min, max int
		}{{"省", 34, 34}, {"市", 300, 400}, {"县", 2800, 3000}} {
			if n := count[c.level]; n < c.min || n > c.max {
				t.Errorf("%d regions of level %s, want %d–%d", n, c.level, c.min, c.max)
			}
		}
		if n := count["乡"] + count["村"]; n != 0 {
			t.Errorf("%d regions of level 乡/村, want none", n)
		}
	})
	t.Run("copy", func(t *testing.T) {
		mine, _ := Regions()
		mine[0].Name = "changed"
		again, _ := Regions()
		if again[0].Name == "changed" {
			t.Error("Regions returns a shared slice")
		}
	})
}

func TestRegionsKnown(t *testing.T) {
	_, byCode := regionIndex(t)
	for _, c := range []struct {
		test                      string
		code, name, level, parent string
	}{
		{"陕西省", "610000", "陕西省", "省", ""},
		{"安康市", "610900", "安康市", "市", "610000"},
		{"广东省", "440000", "广东省", "省", ""},
		{"广州市", "440100", "广州市", "市", "440000"},
		{"district of 广州", "440106", "天河区", "县", "440100"},
		{"municipality", "110000", "北京市", "省", ""},
		{"district of a municipality", "110101", "东城区", "县", "110000"},
		{"county of 重庆", "500229", "城口县", "县", "500000"},
		{"province-administered city", "429004", "仙桃市", "县", "420000"},
		{"prefecture without counties", "441900", "东莞市", "市", "440000"},
		{"zone 高新区", "610971", "安康高新技术产业开发区", "县", "610900"},
		{"zone 恒口", "610972", "安康市恒口示范区", "县", "610900"},
		{"香港", "810000", "香港特别行政区", "省", ""},
	} {
		t.Run(c.test, func(t *testing.T) {
			want := catalog.Region{Code: c.code, Name: c.name, Level: c.level, Parent: c.parent}
			if got, ok := byCode[c.code]; !ok {
				t.Errorf("%s missing", c.code)
			} else if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
	for _, c := range []struct{ test, code string }{
		{"pseudo prefecture 市辖区", "110100"},
		{"pseudo prefecture 省直辖县级行政区划", "429000"},
		{"old 旬阳县", "610928"},
		{"statistical zone", "130171"},
	} {
		t.Run("absent "+c.test, func(t *testing.T) {
			if r, ok := byCode[c.code]; ok {
				t.Errorf("%s %s present", r.Code, r.Name)
			}
		})
	}
}

func TestRegionsAnkang(t *testing.T) {
	regions, _ := regionIndex(t)
	children := map[string]string{}
	for _, r := range regions {
		if r.Parent == "610900" {
			children[r.Code] = r.Name
		}
	}
	want := map[string]string{
		"610902": "汉滨区",
		"610921": "汉阴县",
		"610922": "石泉县",
		"610923": "宁陕县",
		"610924": "紫阳县",
		"610925": "岚皋县",
		"610926": "平利县",
		"610927": "镇坪县",
		"610929": "白河县",
		"610981": "旬阳市",
		"610971": "安康高新技术产业开发区",
		"610972": "安康市恒口示范区",
	}
	for code, name := range want {
		t.Run(code+" "+name, func(t *testing.T) {
			if children[code] != name {
				t.Errorf("child of 安康市 %s: got %q, want %s", code, children[code], name)
			}
		})
	}
	t.Run("no other children", func(t *testing.T) {
		for code, name := range children {
			if _, ok := want[code]; !ok {
				t.Errorf("unexpected child of 安康市: %s %s", code, name)
			}
		}
	})
}

func TestParseRegionsRejects(t *testing.T) {
	for _, c := range []struct{ test, data string }{
		{"empty", ""},
		{"wrong header", "code,name,level\n"},
		{"short code", "code,name,level,parent\n6109,安康市,市,610000\n"},
		{"bad level", "code,name,level,parent\n610900,安康市,地级市,610000\n"},
		{"missing field", "code,name,level,parent\n610900,安康市,市\n"},
	} {
		t.Run(c.test, func(t *testing.T) {
			if _, err := parseRegions(c.data); err == nil {
				t.Error("no error")
			}
		})
	}
}
