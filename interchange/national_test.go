package interchange

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"zhinan/catalog"
)

const realNationalFile = "../testdata/gdzwfw-2021/items.jsonl"

func TestDecodeNationalRealFile(t *testing.T) {
	f, err := os.Open(realNationalFile)
	if err != nil {
		t.Fatalf("the real data is part of the repository: %v", err)
	}
	defer f.Close()
	d := DecodeNational(f, "items.jsonl")
	requireNoProblems(t, d)
	if len(d.Records) != 2262 {
		t.Fatalf("%d records, want 2262", len(d.Records))
	}
	byLine := map[int]*catalog.Item{}
	for _, r := range d.Records {
		if r.Kind != catalog.KindItem || r.Item == nil {
			t.Fatalf("line %d: not an item", r.Line)
		}
		byLine[r.Line] = r.Item
	}

	// Line 536: "无" time limits, no offline window, no URL, material_intro
	// "无", courier_service 不支持, ONLINECHECK "0", several themes.
	want536 := &catalog.Item{
		Code:           "11440000696453330X2442104018000",
		BaseCode:       "442104018000",
		Name:           "工业和信息化领域重大政策宣传",
		Type:           "公共服务",
		Level:          "省级",
		Region:         "440000",
		Department:     "广东省工业和信息化厅",
		Audience:       []string{"自然人", "法人"},
		Themes:         []string{"纳税", "社会保障（社会保险、社会救助）", "规划建设", "其他", "创业"},
		Conditions:     "需要了解工信领域重大政策的人员。",
		Visits:         catalog.Int(0),
		OnlineDepth:    catalog.Int(1),
		Express:        catalog.Bool(false),
		ConsultPhone:   "020-83135814",
		ComplaintPhone: "020-83135862",
	}
	// Line 980: natural days, one visit with online handling (depth 3), a
	// location after "办理地点：".
	want980 := &catalog.Item{
		Code:       "11440000553612461J2442111796000",
		BaseCode:   "442111796000",
		Name:       "劳动能力再次鉴定申请",
		Type:       "公共服务",
		Level:      "省级",
		Region:     "440000",
		Department: "广东省人力资源和社会保障厅",
		Audience:   []string{"自然人", "法人"},
		Themes:     []string{"社会保障（社会保险、社会救助）"},
		Conditions: "用人单位、工伤职工或其近亲属对各地级以上市劳动能力鉴定委员会作出的劳动能力鉴定结论不服的，可以自收到鉴定结论之日起十五日内向省劳动能力鉴定委员会申请再次鉴定。",
		Materials: []catalog.Material{
			{Name: "《广东省劳动能力再次鉴定申请表》", Required: "必要", Form: "原件", Source: "申请人自备"},
		},
		LegalDays:      catalog.Int(60),
		PromisedDays:   catalog.Int(30),
		Visits:         catalog.Int(1),
		OnlineDepth:    catalog.Int(3),
		OnlineURL:      "http://ggfw.gdhrss.gov.cn/gdggfw-qy-service/service/ywslpt/service_details.shtml?developCode=GT_SI_P_GSBXYWRS_19&is=0",
		Express:        catalog.Bool(false),
		Location:       "广州市教育路88号省人力资源和社会保障厅综合服务大厅综合窗口",
		ConsultPhone:   "12333-9-0",
		ComplaintPhone: "12333-9-3",
	}
	for line, want := range map[int]*catalog.Item{536: want536, 980: want980} {
		t.Run(fmt.Sprintf("line %d", line), func(t *testing.T) {
			requireSameItems(t, []*catalog.Item{byLine[line]}, []*catalog.Item{want})
		})
	}
	// Department names are trimmed (line 1472 has a trailing space).
	if got := byLine[1472].Department; got != "中华人民共和国黄埔海关" {
		t.Errorf("line 1472 department %q", got)
	}
	// Properties over the whole file.
	for _, r := range d.Records {
		it := r.Item
		if it.OnlineDepth == nil || (*it.OnlineDepth == 4) != (it.Visits != nil && *it.Visits == 0 && *it.OnlineDepth >= 3) {
			t.Fatalf("line %d: online depth %v with visits %v", r.Line, it.OnlineDepth, it.Visits)
		}
		if strings.HasPrefix(it.Location, "办理地点") || it.Location == "无线下办理窗口" || it.ConsultPhone == "无" || it.Conditions == "无" {
			t.Fatalf("line %d: unmapped text %+v", r.Line, it)
		}
		if len(it.BaseCode) != 12 || len(it.Audience) == 0 || it.Audience[0] != "自然人" {
			t.Fatalf("line %d: base code %q audience %v", r.Line, it.BaseCode, it.Audience)
		}
	}
}

func TestDecodeNationalMapping(t *testing.T) {
	base := `"TASK_CODE":"N1","CATAID":"000111222000","TASK_NAME":"事项","TASK_TYPE_TEXT":"公共服务","DEPT_NAME":"某局","AREACODE":"610900"`
	tests := []struct {
		name  string
		extra string // more members of the object
		check func(t *testing.T, it *catalog.Item)
	}{
		{"CATAID of another length falls back to parentCatalogId", `"CATAID":"0001112220001","parentCatalogId":"00011122200Y"`, func(t *testing.T, it *catalog.Item) {
			if it.BaseCode != "00011122200Y" {
				t.Errorf("base code %q", it.BaseCode)
			}
		}},
		{"time limits", `"handle_time":"15(自然日)","handle_time_limit":"7（工作日）"`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.LegalDays, catalog.Int(15)) || !reflect.DeepEqual(it.PromisedDays, catalog.Int(7)) {
				t.Errorf("days %v %v", it.LegalDays, it.PromisedDays)
			}
		}},
		{"无 and absent values are absent", `"handle_time":"无","handle_time_limit":null,"consult_phone":"无","complain_phone":"","URL":null,"material_intro":"无","accept_standard":"无","matter_level":"无","courier_service":"无","theme_category":["无"]`, func(t *testing.T, it *catalog.Item) {
			if it.LegalDays != nil || it.PromisedDays != nil || it.ConsultPhone != "" || it.ComplaintPhone != "" || it.OnlineURL != "" ||
				it.Materials != nil || it.Conditions != "" || it.Level != "" || it.Express != nil || it.Themes != nil || it.Visits != nil {
				t.Errorf("not absent: %+v", it)
			}
		}},
		{"visit_number when LIMIT_SCENE_NUM is absent; numbers may be numbers", `"visit_number":2,"ONLINECHECK":1`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Visits, catalog.Int(2)) || !reflect.DeepEqual(it.OnlineDepth, catalog.Int(3)) {
				t.Errorf("visits %v depth %v", it.Visits, it.OnlineDepth)
			}
		}},
		{"LIMIT_SCENE_NUM first; 是 online with 0 visits is depth 4", `"LIMIT_SCENE_NUM":"0","visit_number":"3","ONLINECHECK":"是"`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Visits, catalog.Int(0)) || !reflect.DeepEqual(it.OnlineDepth, catalog.Int(4)) {
				t.Errorf("visits %v depth %v", it.Visits, it.OnlineDepth)
			}
		}},
		{"online with unknown visits is depth 3", `"ONLINECHECK":"1"`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.OnlineDepth, catalog.Int(3)) {
				t.Errorf("depth %v", it.OnlineDepth)
			}
		}},
		{"ONLINECHECK 0", `"ONLINECHECK":"0","LIMIT_SCENE_NUM":"0"`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.OnlineDepth, catalog.Int(1)) {
				t.Errorf("depth %v", it.OnlineDepth)
			}
		}},
		{"courier 是", `"courier_service":"是"`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Express, catalog.Bool(true)) {
				t.Errorf("express %v", it.Express)
			}
		}},
		{"courier 否", `"courier_service":"否"`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Express, catalog.Bool(false)) {
				t.Errorf("express %v", it.Express)
			}
		}},
		{"audience deduplicated in order", `"service_object_name":["企业法人","行政机关","自然人","其他组织","非法人企业"]`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Audience, []string{"自然人", "法人"}) {
				t.Errorf("audience %v", it.Audience)
			}
		}},
		{"audience of organisations only", `"service_object_name":["社会组织法人"]`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Audience, []string{"法人"}) {
				t.Errorf("audience %v", it.Audience)
			}
		}},
		{"themes kept as given, materials as names", `"theme_category":["出境入境","外国人"],"material_intro":["申请表"," 身份证 ",""]`, func(t *testing.T, it *catalog.Item) {
			if !reflect.DeepEqual(it.Themes, []string{"出境入境", "外国人"}) {
				t.Errorf("themes %v", it.Themes)
			}
			want := []catalog.Material{
				{Name: "申请表", Required: "必要", Form: "原件", Source: "申请人自备"},
				{Name: "身份证", Required: "必要", Form: "原件", Source: "申请人自备"},
			}
			if !reflect.DeepEqual(it.Materials, want) {
				t.Errorf("materials %+v", it.Materials)
			}
		}},
		{"location prefix stripped", `"handle_location":"办理地点：安康市政务服务中心 3 号窗口"`, func(t *testing.T, it *catalog.Item) {
			if it.Location != "安康市政务服务中心 3 号窗口" {
				t.Errorf("location %q", it.Location)
			}
		}},
		{"no offline window is no location", `"handle_location":"无线下办理窗口"`, func(t *testing.T, it *catalog.Item) {
			if it.Location != "" {
				t.Errorf("location %q", it.Location)
			}
		}},
		{"other fields ignored, text trimmed", `"_id":{"$oid":"x"},"TASK_STATE":null,"DEPT_NAME":" 某局 ","matter_level":"市级"`, func(t *testing.T, it *catalog.Item) {
			if it.Department != "某局" || it.Level != "市级" || it.Code != "N1" || it.Name != "事项" || it.Type != "公共服务" || it.Region != "610900" {
				t.Errorf("item %+v", it)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecodeNational(strings.NewReader("{"+base+","+tt.extra+"}\n"), "n.jsonl")
			requireNoProblems(t, d)
			if len(d.Records) != 1 {
				t.Fatalf("%d records", len(d.Records))
			}
			tt.check(t, d.Records[0].Item)
		})
	}
}

func TestDecodeNationalProblems(t *testing.T) {
	tests := []struct {
		name, in, field, fragment string
	}{
		{"time in other units", `{"TASK_CODE":"N1","handle_time":"3个月"}`, "legal_days", "3个月"},
		{"visits not a number", `{"TASK_CODE":"N1","LIMIT_SCENE_NUM":"一"}`, "visits", "LIMIT_SCENE_NUM"},
		{"unknown audience", `{"TASK_CODE":"N1","service_object_name":["外国游客"]}`, "audience", "外国游客"},
		{"unknown courier value", `{"TASK_CODE":"N1","courier_service":"视情况"}`, "express", "视情况"},
		{"object for text", `{"TASK_CODE":"N1","TASK_NAME":{"zh":"x"}}`, "name", "TASK_NAME"},
		{"number for list", `{"TASK_CODE":"N1","theme_category":5}`, "themes", "应为文本或文本列表"},
		{"malformed", `{"TASK_CODE":"N1",}`, "", "JSON 格式错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `{"TASK_CODE":"OK"}` + "\n" + tt.in + "\n" + `{"TASK_CODE":"OK2"}`
			d := DecodeNational(strings.NewReader(in), "n.jsonl")
			if len(d.Records) != 2 || len(d.Problems) != 1 {
				t.Fatalf("records %d problems %+v", len(d.Records), d.Problems)
			}
			p := d.Problems[0]
			wantCode := "N1"
			if tt.field == "" {
				wantCode = ""
			}
			if p.Line != 2 || p.Field != tt.field || p.Code != wantCode || !strings.Contains(p.Message, tt.fragment) {
				t.Errorf("problem %+v, want line 2 field %q code %q and %q", p, tt.field, wantCode, tt.fragment)
			}
		})
	}
}
