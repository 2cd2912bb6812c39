package catalog

import (
	"reflect"
	"testing"
)

func TestHasFlag(t *testing.T) {
	cases := []struct {
		name string
		flag string
		item Item
		want bool
	}{
		{"immediate", FlagImmediate, Item{Handling: "即办件"}, true},
		{"immediate: promised", FlagImmediate, Item{Handling: "承诺件"}, false},
		{"immediate: absent", FlagImmediate, Item{}, false},

		{"online: depth 3", FlagOnline, Item{OnlineDepth: Int(3)}, true},
		{"online: depth 4", FlagOnline, Item{OnlineDepth: Int(4)}, true},
		{"online: depth 2", FlagOnline, Item{OnlineDepth: Int(2)}, false},
		{"online: absent", FlagOnline, Item{}, false},

		{"full online: depth 4", FlagFullOnline, Item{OnlineDepth: Int(4)}, true},
		{"full online: depth 3", FlagFullOnline, Item{OnlineDepth: Int(3)}, false},
		{"full online: absent", FlagFullOnline, Item{}, false},

		{"nearby", FlagNearby, Item{Nearby: Bool(true)}, true},
		{"nearby: false", FlagNearby, Item{Nearby: Bool(false)}, false},
		{"nearby: absent", FlagNearby, Item{}, false},

		{"one visit: 0", FlagOneVisit, Item{Visits: Int(0)}, true},
		{"one visit: 1", FlagOneVisit, Item{Visits: Int(1)}, true},
		{"one visit: 2", FlagOneVisit, Item{Visits: Int(2)}, false},
		{"one visit: absent", FlagOneVisit, Item{}, false},

		{"zero visit: 0", FlagZeroVisit, Item{Visits: Int(0)}, true},
		{"zero visit: 1", FlagZeroVisit, Item{Visits: Int(1)}, false},
		{"zero visit: absent", FlagZeroVisit, Item{}, false},

		{"in hall", FlagInHall, Item{InHall: Bool(true)}, true},
		{"in hall: false", FlagInHall, Item{InHall: Bool(false)}, false},
		{"in hall: absent", FlagInHall, Item{}, false},

		{"cross province", FlagCrossProvince, Item{CrossProvince: Bool(true)}, true},
		{"cross province: false", FlagCrossProvince, Item{CrossProvince: Bool(false)}, false},
		{"cross province: absent", FlagCrossProvince, Item{}, false},

		{"commitment", FlagCommitment, Item{Commitment: Bool(true)}, true},
		{"commitment: false", FlagCommitment, Item{Commitment: Bool(false)}, false},
		{"commitment: absent", FlagCommitment, Item{}, false},

		{"unknown flag", "fast", Item{Handling: "即办件", Visits: Int(0)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := HasFlag(&tc.item, tc.flag); got != tc.want {
				t.Errorf("HasFlag(%s) = %v, want %v", tc.flag, got, tc.want)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	all := Item{
		Handling: "即办件", OnlineDepth: Int(4), Nearby: Bool(true), Visits: Int(0),
		InHall: Bool(true), CrossProvince: Bool(true), Commitment: Bool(true),
	}
	cases := []struct {
		name string
		item *Item
		want []string
	}{
		{"absent fields never hold", &Item{}, nil},
		{"false and low values", &Item{
			Handling: "承诺件", OnlineDepth: Int(0), Nearby: Bool(false), Visits: Int(3),
			InHall: Bool(false), CrossProvince: Bool(false), Commitment: Bool(false),
		}, nil},
		{"every flag, in display order", &all, FlagIDs},
		{"complete guide", completeGuide(), []string{FlagOneVisit, FlagInHall, FlagCrossProvince}},
		{"online, not full", &Item{OnlineDepth: Int(3), Visits: Int(1)}, []string{FlagOneVisit, FlagOnline}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Flags(tc.item); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Flags = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFlagLabels(t *testing.T) {
	if len(Classifications()) != 9 || len(FlagIDs) != 9 {
		t.Fatalf("want 9 classifications, got %d", len(Classifications()))
	}
	for _, c := range Classifications() {
		if !IsFlag(c.ID) || c.Label == "" || c.Short == "" || FlagLabel(c.ID) != c.Label || FlagShort(c.ID) != c.Short {
			t.Errorf("classification %+v is incomplete", c)
		}
	}
	if IsFlag("fast") || FlagLabel("fast") != "" {
		t.Error("an unknown id is a flag")
	}
}

func TestOnApplication(t *testing.T) {
	want := map[string]bool{
		"行政许可": true, "行政处罚": false, "行政强制": false, "行政征收": false,
		"行政给付": true, "行政检查": false, "行政确认": true, "行政奖励": true,
		"行政裁决": true, "行政备案": true, "其他行政权力": true, "公共服务": true,
	}
	if len(want) != len(Types) {
		t.Fatalf("the test covers %d types, Types has %d", len(want), len(Types))
	}
	for _, typ := range Types {
		t.Run(typ, func(t *testing.T) {
			w, ok := want[typ]
			if !ok {
				t.Fatalf("type %s is not covered by the test", typ)
			}
			if got := OnApplication(typ); got != w {
				t.Errorf("OnApplication(%s) = %v, want %v", typ, got, w)
			}
		})
	}
	for _, typ := range []string{"", "行政许可证", "其他"} {
		t.Run("unknown "+typ, func(t *testing.T) {
			if OnApplication(typ) {
				t.Errorf("OnApplication(%q) = true for an unknown type", typ)
			}
		})
	}
}
