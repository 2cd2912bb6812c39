package catalog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// minimalGuide has only the fields docs/contract.md#guide-fields marks required.
func minimalGuide() *Item {
	return &Item{
		Code:       "A-1",
		BaseCode:   "44010200200Y",
		Name:       "临时价格干预范围事项提价申报",
		Type:       "行政许可",
		Region:     "610900",
		Department: "安康市发展和改革委员会",
	}
}

// askPhrases returns n distinct ask phrases of the given number of
// characters (at least 4).
func askPhrases(n, runes int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("问法%02d", i) + strings.Repeat("问", runes-4)
	}
	return out
}

func fieldsOf(errs []FieldError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		base   func() *Item
		change func(it *Item)
		want   []string // field paths, in order
	}{
		{"complete guide", completeGuide, func(*Item) {}, nil},
		{"only required fields", minimalGuide, func(*Item) {}, nil},
		{"fee not charged, no result type", minimalGuide, func(it *Item) {
			it.Fee = &Fee{}
			it.Result = &Result{Name: "批复"}
		}, nil},

		{"code empty", completeGuide, func(it *Item) { it.Code = "" }, []string{"code"}},
		{"code with space", completeGuide, func(it *Item) { it.Code = "AB 12" }, []string{"code"}},
		{"code with underscore", completeGuide, func(it *Item) { it.Code = "AB_12" }, []string{"code"}},
		{"code with Chinese", completeGuide, func(it *Item) { it.Code = "编码1" }, []string{"code"}},
		{"code of 64", completeGuide, func(it *Item) { it.Code = strings.Repeat("a", 64) }, nil},
		{"code of 65", completeGuide, func(it *Item) { it.Code = strings.Repeat("a", 65) }, []string{"code"}},

		{"base code empty", completeGuide, func(it *Item) { it.BaseCode = "" }, []string{"base_code"}},
		{"base code of 11", completeGuide, func(it *Item) { it.BaseCode = "07100010000" }, []string{"base_code"}},
		{"base code of 13", completeGuide, func(it *Item) { it.BaseCode = "0710001000000" }, []string{"base_code"}},
		{"base code of 12 with Chinese", completeGuide, func(it *Item) { it.BaseCode = "07100010000号" }, []string{"base_code"}},

		{"name empty", completeGuide, func(it *Item) { it.Name = "" }, []string{"name"}},
		{"name blank", completeGuide, func(it *Item) { it.Name = " \t " }, []string{"name"}},
		{"name of 200", completeGuide, func(it *Item) { it.Name = strings.Repeat("证", 200) }, nil},
		{"name of 201", completeGuide, func(it *Item) { it.Name = strings.Repeat("证", 201) }, []string{"name"}},

		{"type empty", completeGuide, func(it *Item) { it.Type = "" }, []string{"type"}},
		{"type unknown", completeGuide, func(it *Item) { it.Type = "行政许可证" }, []string{"type"}},
		{"level unknown", completeGuide, func(it *Item) { it.Level = "县" }, []string{"level"}},
		{"level absent", completeGuide, func(it *Item) { it.Level = "" }, nil},

		{"region empty", completeGuide, func(it *Item) { it.Region = "" }, []string{"region"}},
		{"region of 5", completeGuide, func(it *Item) { it.Region = "61090" }, []string{"region"}},
		{"region not digits", completeGuide, func(it *Item) { it.Region = "61090a" }, []string{"region"}},
		{"department blank", completeGuide, func(it *Item) { it.Department = "  " }, []string{"department"}},

		{"audience unknown", completeGuide, func(it *Item) { it.Audience = []string{"自然人", "企业"} }, []string{"audience[1]"}},
		{"theme empty", completeGuide, func(it *Item) { it.Themes = []string{"身份证件", " "} }, []string{"themes[1]"}},
		{"theme not in the usual list", completeGuide, func(it *Item) { it.Themes = []string{"价格监管"} }, nil},
		{"basis without title", completeGuide, func(it *Item) { it.Basis[1].Title = "" }, []string{"basis[1].title"}},

		{"material fields", completeGuide, func(it *Item) {
			it.Materials[2] = Material{Required: "必须", Form: "扫描件", Copies: Int(-1), Source: "自备"}
		}, []string{"materials[2].name", "materials[2].required", "materials[2].form", "materials[2].copies", "materials[2].source"}},
		{"material with name only", completeGuide, func(it *Item) { it.Materials[0] = Material{Name: "申请书"} }, nil},
		{"material zero copies", completeGuide, func(it *Item) { it.Materials[0].Copies = Int(0) }, nil},

		{"step without name, negative days", completeGuide, func(it *Item) { it.Steps[1] = Step{Days: Int(-1)} }, []string{"steps[1].name", "steps[1].days"}},
		{"step days too many", completeGuide, func(it *Item) { it.Steps[0].Days = Int(MaxDays + 1) }, []string{"steps[0].days"}},

		{"legal days negative", completeGuide, func(it *Item) { it.LegalDays = Int(-1) }, []string{"legal_days"}},
		{"legal days 3650", completeGuide, func(it *Item) { it.LegalDays = Int(3650) }, nil},
		{"legal days 3651", completeGuide, func(it *Item) { it.LegalDays = Int(3651) }, []string{"legal_days"}},
		{"promised days negative", completeGuide, func(it *Item) { it.PromisedDays = Int(-5) }, []string{"promised_days"}},
		{"handling unknown", completeGuide, func(it *Item) { it.Handling = "当场办" }, []string{"handling"}},
		{"visits negative", completeGuide, func(it *Item) { it.Visits = Int(-1) }, []string{"visits"}},
		{"visits 10", completeGuide, func(it *Item) { it.Visits = Int(10) }, nil},
		{"visits 11", completeGuide, func(it *Item) { it.Visits = Int(11) }, []string{"visits"}},
		{"online depth 0", completeGuide, func(it *Item) { it.OnlineDepth = Int(0) }, nil},
		{"online depth 5", completeGuide, func(it *Item) { it.OnlineDepth = Int(5) }, []string{"online_depth"}},
		{"online depth -1", completeGuide, func(it *Item) { it.OnlineDepth = Int(-1) }, []string{"online_depth"}},

		{"url without scheme", completeGuide, func(it *Item) { it.OnlineURL = "zwfw.shaanxi.gov.cn/ak" }, []string{"online_url"}},
		{"url ftp", completeGuide, func(it *Item) { it.OnlineURL = "ftp://zwfw.shaanxi.gov.cn/" }, []string{"online_url"}},
		{"url javascript", completeGuide, func(it *Item) { it.OnlineURL = "javascript:alert(1)" }, []string{"online_url"}},
		{"url without host", completeGuide, func(it *Item) { it.OnlineURL = "https:///path" }, []string{"online_url"}},
		{"url with surrounding space", completeGuide, func(it *Item) { it.OnlineURL = " https://a.cn/" }, []string{"online_url"}},
		{"url upper-case http", completeGuide, func(it *Item) { it.OnlineURL = "HTTP://ZWFW.SHAANXI.GOV.CN/a?b=1#c" }, nil},

		{"scope unknown", completeGuide, func(it *Item) { it.Scope = "全区" }, []string{"scope"}},
		{"fee item without name", completeGuide, func(it *Item) { it.Fee.Items[0].Name = "" }, []string{"fee.items[0].name"}},
		{"result without name", completeGuide, func(it *Item) { it.Result.Name = "" }, []string{"result.name"}},
		{"result type unknown", completeGuide, func(it *Item) { it.Result.Type = "证书" }, []string{"result.type"}},
		{"faq empty", completeGuide, func(it *Item) { it.FAQ[1] = FAQ{} }, []string{"faq[1].q", "faq[1].a"}},

		{"30 ask phrases of 40 characters", completeGuide, func(it *Item) { it.AskPhrases = askPhrases(MaxAskPhrases, MaxAskPhraseRunes) }, nil},
		{"31 ask phrases", completeGuide, func(it *Item) { it.AskPhrases = askPhrases(MaxAskPhrases+1, 8) }, []string{"ask_phrases"}},
		{"ask phrase of 41 characters", completeGuide, func(it *Item) {
			it.AskPhrases = []string{"房本加名字", strings.Repeat("问", MaxAskPhraseRunes+1)}
		}, []string{"ask_phrases[1]"}},
		{"spaces around a phrase do not count", completeGuide, func(it *Item) {
			it.AskPhrases = []string{" " + strings.Repeat("问", MaxAskPhraseRunes) + "　"}
		}, nil},
		{"ask phrase blank", completeGuide, func(it *Item) { it.AskPhrases = []string{"房本加名字", " ", ""} }, []string{"ask_phrases[1]", "ask_phrases[2]"}},
		{"ask phrase repeated", completeGuide, func(it *Item) {
			it.AskPhrases = []string{"房本加名字", "执照遗失补办", " 房本加名字", "房本加名字"}
		}, []string{"ask_phrases[2]", "ask_phrases[3]"}},
		{"ask phrase of two lines", completeGuide, func(it *Item) { it.AskPhrases = []string{"房本\n加名字", "执照\t补办"} }, []string{"ask_phrases[0]", "ask_phrases[1]"}},
		{"control character in an ask phrase", completeGuide, func(it *Item) { it.AskPhrases = []string{"房本\x1b"} }, []string{"ask_phrases[0]"}},

		{"bell in conditions", completeGuide, func(it *Item) { it.Conditions = "符合\a条件" }, []string{"conditions"}},
		{"NUL in material notes", completeGuide, func(it *Item) { it.Materials[1].Notes = "a\x00b" }, []string{"materials[1].notes"}},
		{"C1 control in hours", completeGuide, func(it *Item) { it.Hours = "周一\u0085周五" }, []string{"hours"}},
		{"lone CR in location", completeGuide, func(it *Item) { it.Location = "一楼\r窗口" }, []string{"location"}},
		{"invalid UTF-8 in step description", completeGuide, func(it *Item) { it.Steps[0].Description = "受理\xff" }, []string{"steps[0].description"}},
		{"invalid UTF-8 in name is one error", completeGuide, func(it *Item) { it.Name = "\xfe\xff" }, []string{"name"}},
		{"control character in department", completeGuide, func(it *Item) { it.Department = "公安\x1b局" }, []string{"department"}},
		{"newline, tab and CRLF are text", completeGuide, func(it *Item) {
			it.Conditions = "一、年满16周岁；\n二、\t有效期满。\r\n三、其他。"
		}, nil},

		// Lists are bounded: at the limit is fine, one more is one error on
		// the list, whose elements are then not looked at.
		{"100 materials", completeGuide, func(it *Item) { it.Materials = materials(MaxMaterials) }, nil},
		{"101 materials", completeGuide, func(it *Item) { it.Materials = materials(MaxMaterials + 1) }, []string{"materials"}},
		{"the elements beyond the limit are not checked", completeGuide, func(it *Item) {
			it.Materials = make([]Material, 5000)
			it.Materials[0].Name = "申请书"
			it.Materials[1].Form = "传真件"
		}, func() []string {
			want := []string{"materials", "materials[1].name", "materials[1].form"}
			for i := 2; i < MaxMaterials; i++ {
				want = append(want, fmt.Sprintf("materials[%d].name", i))
			}
			return want
		}()},
		{"51 steps", completeGuide, func(it *Item) {
			it.Steps = slices.Repeat([]Step{{Name: "受理"}}, MaxSteps+1)
		}, []string{"steps"}},
		{"51 bases", completeGuide, func(it *Item) {
			it.Basis = slices.Repeat([]Basis{{Title: "《条例》"}}, MaxBasis+1)
		}, []string{"basis"}},
		{"51 fee items", completeGuide, func(it *Item) {
			it.Fee.Items = slices.Repeat([]FeeItem{{Name: "工本费"}}, MaxFeeItems+1)
		}, []string{"fee.items"}},
		{"51 questions", completeGuide, func(it *Item) {
			it.FAQ = slices.Repeat([]FAQ{{Q: "问", A: "答"}}, MaxFAQ+1)
		}, []string{"faq"}},
		{"20 themes", completeGuide, func(it *Item) { it.Themes = slices.Repeat([]string{"户籍"}, MaxThemes) }, nil},
		{"21 themes", completeGuide, func(it *Item) { it.Themes = slices.Repeat([]string{"户籍"}, MaxThemes+1) }, []string{"themes"}},
		{"11 audiences", completeGuide, func(it *Item) {
			it.Audience = slices.Repeat([]string{"自然人"}, MaxAudience+1)
		}, []string{"audience"}},
		{"55,000 materials", completeGuide, func(it *Item) { it.Materials = materials(55000) }, []string{"materials"}},

		// Texts are bounded.
		{"conditions of 10,000", completeGuide, func(it *Item) { it.Conditions = strings.Repeat("条", MaxConditionsRunes) }, nil},
		{"conditions of 10,001", completeGuide, func(it *Item) {
			it.Conditions = strings.Repeat("条", MaxConditionsRunes+1)
		}, []string{"conditions"}},
		{"material notes of 2,001", completeGuide, func(it *Item) {
			it.Materials[1].Notes = strings.Repeat("注", MaxNotesRunes+1)
		}, []string{"materials[1].notes"}},
		{"material name of 501", completeGuide, func(it *Item) {
			it.Materials[0].Name = strings.Repeat("材", MaxLineRunes+1)
		}, []string{"materials[0].name"}},
		{"basis text of 10,001", completeGuide, func(it *Item) {
			it.Basis[0].Text = strings.Repeat("法", MaxBasisTextRunes+1)
		}, []string{"basis[0].text"}},
		{"step description, fee standard, answer too long", completeGuide, func(it *Item) {
			long := strings.Repeat("长", MaxNotesRunes+1)
			it.Steps[0].Description, it.Fee.Items[0].Standard, it.FAQ[0].A = long, long, long
		}, []string{"steps[0].description", "fee.items[0].standard", "faq[0].a"}},
		{"department of 501", completeGuide, func(it *Item) { it.Department = strings.Repeat("局", MaxLineRunes+1) }, []string{"department"}},
		{"ASCII text is counted in bytes first", completeGuide, func(it *Item) {
			it.Conditions = strings.Repeat("a", MaxConditionsRunes)
		}, nil},

		// Invisible characters: names and one-line fields hold none;
		// reordering controls and Unicode line separators are refused in
		// any text.
		{"bidi override in name", completeGuide, func(it *Item) { it.Name = "居民身份证\u202e领换" }, []string{"name"}},
		{"line separator in name", completeGuide, func(it *Item) { it.Name = "居民身份证\u2028换领" }, []string{"name"}},
		{"paragraph separator in department", completeGuide, func(it *Item) { it.Department = "公安\u2029局" }, []string{"department"}},
		{"zero-width space in department", completeGuide, func(it *Item) { it.Department = "安康市公安局汉滨分局\u200b" }, []string{"department"}},
		{"byte order mark in a material name", completeGuide, func(it *Item) { it.Materials[0].Name = "\ufeff户口簿" }, []string{"materials[0].name"}},
		{"direction mark in a step name", completeGuide, func(it *Item) { it.Steps[0].Name = "受理\u200f" }, []string{"steps[0].name"}},
		{"isolate in a theme", completeGuide, func(it *Item) { it.Themes = []string{"\u2066户籍\u2069"} }, []string{"themes[0]"}},
		{"soft hyphen in a basis title", completeGuide, func(it *Item) { it.Basis[0].Title = "《条\u00ad例》" }, []string{"basis[0].title"}},
		{"word joiner in a fee item name", completeGuide, func(it *Item) { it.Fee.Items[0].Name = "工本\u2060费" }, []string{"fee.items[0].name"}},
		{"zero-width joiner in the result name", completeGuide, func(it *Item) { it.Result.Name = "身份\u200d证" }, []string{"result.name"}},
		{"line break in a name", completeGuide, func(it *Item) { it.Name = "居民身份证\n换领" }, []string{"name"}},
		{"tab in a material name", completeGuide, func(it *Item) { it.Materials[0].Name = "户口\t簿" }, []string{"materials[0].name"}},
		{"format character in an ask phrase", completeGuide, func(it *Item) { it.AskPhrases = []string{"房本\u200b加名字"} }, []string{"ask_phrases[0]"}},
		{"bidi override in conditions", completeGuide, func(it *Item) { it.Conditions = "年满\u202e61\u202c周岁" }, []string{"conditions"}},
		{"line separator in conditions", completeGuide, func(it *Item) { it.Conditions = "一、\u2028二、" }, []string{"conditions"}},
		{"noncharacter in hours", completeGuide, func(it *Item) { it.Hours = "周一\uffff" }, []string{"hours"}},
		{"zero-width space in long text is kept", completeGuide, func(it *Item) { it.Conditions = "符合\u200b条件" }, nil},
		{"emoji and rare characters are text", completeGuide, func(it *Item) {
			it.Name = "𠮷野家营业执照"
			it.Department = "安康市公安局汉滨分局"
			it.Conditions = "👍 符合条件"
		}, nil},

		{"every error in interchange order", minimalGuide, func(it *Item) {
			it.Code = ""
			it.Type = "许可"
			it.Region = "6109"
			it.Materials = []Material{{Name: "申请书"}, {Form: "照片"}}
			it.LegalDays = Int(-1)
			it.Visits = Int(99)
			it.OnlineDepth = Int(9)
			it.Fee = &Fee{Charged: true, Items: []FeeItem{{}}}
			it.FAQ = []FAQ{{Q: "问"}}
			it.AskPhrases = []string{""}
		}, []string{"code", "type", "region", "materials[1].name", "materials[1].form", "legal_days", "visits", "online_depth", "fee.items[0].name", "faq[0].a", "ask_phrases[0]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := tc.base()
			tc.change(it)
			errs := Validate(it)
			if got := fieldsOf(errs); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("fields = %q, want %q\nerrors: %v", got, tc.want, errs)
			}
			for _, e := range errs {
				if e.Message == "" {
					t.Errorf("%s: empty message", e.Field)
				}
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	cases := []struct {
		name   string
		change func(it *Item)
		want   string // the Error() of the only field error
	}{
		{"negative days", func(it *Item) { it.LegalDays = Int(-1) }, "法定办结时限(legal_days)：应为不小于0的整数"},
		{"too many days", func(it *Item) { it.PromisedDays = Int(4000) }, "承诺办结时限(promised_days)：不能大于3650"},
		{"handling names its values", func(it *Item) { it.Handling = "立即办" }, "办件类型(handling)：应为以下之一：即办件、承诺件"},
		{"list element is named by position", func(it *Item) { it.Materials[2].Form = "传真件" },
			"申请材料第3项材料形式(materials[2].form)：应为以下之一：原件、复印件、原件和复印件、电子证照"},
		{"fee item", func(it *Item) { it.Fee.Items[0].Name = " " }, "收费项目第1项名称(fee.items[0].name)：不能为空"},
		{"required", func(it *Item) { it.Department = "" }, "实施主体(department)：不能为空"},
		{"base code length", func(it *Item) { it.BaseCode = "0710" }, "基本编码(base_code)：应为12个字符，实为4个"},
		{"control character", func(it *Item) { it.Hours = "8:30\x0b18:00" }, "办理时间(hours)：含有不可见的控制字符（U+000B）"},
		{"too many ask phrases", func(it *Item) { it.AskPhrases = askPhrases(31, 6) },
			"常见问法(ask_phrases)：不能超过30项，实为31项"},
		{"ask phrase too long", func(it *Item) { it.AskPhrases[1] = strings.Repeat("问", 41) },
			"常见问法第2项(ask_phrases[1])：不能超过40个字"},
		{"ask phrase repeated", func(it *Item) { it.AskPhrases[2] = it.AskPhrases[0] },
			"常见问法第3项(ask_phrases[2])：与第1项重复"},
		{"ask phrase of two lines", func(it *Item) { it.AskPhrases[0] = "房本\r\n加名字" },
			"常见问法第1项(ask_phrases[0])：应为一行文字，不能含有换行或制表符"},
		{"too many materials", func(it *Item) { it.Materials = materials(101) },
			"申请材料(materials)：不能超过100项，实为101项"},
		{"conditions too long", func(it *Item) { it.Conditions = strings.Repeat("条", 10001) },
			"受理条件(conditions)：不能超过10000个字"},
		{"material notes too long", func(it *Item) { it.Materials[0].Notes = strings.Repeat("注", 2001) },
			"申请材料第1项填报说明(materials[0].notes)：不能超过2000个字"},
		{"bidi override in a name", func(it *Item) { it.Name = "证\u202e领换" },
			"事项名称(name)：含有不可见的格式字符（U+202E），请删除"},
		{"zero-width space in a material name", func(it *Item) { it.Materials[1].Name = "户口\u200b簿" },
			"申请材料第2项名称(materials[1].name)：含有不可见的格式字符（U+200B），请删除"},
		{"line separator", func(it *Item) { it.Department = "公安\u2028局" },
			"实施主体(department)：含有 Unicode 行分隔符或段分隔符（U+2028），请改用普通换行"},
		{"line break in a name", func(it *Item) { it.Name = "居民\n身份证" },
			"事项名称(name)：应为一行文字，不能含有换行或制表符"},
		{"online depth legend", func(it *Item) { it.OnlineDepth = Int(7) },
			"网办深度(online_depth)：应为0至4之间的整数（0 不可网办、1 信息公开、2 在线预约/表格下载、3 在线申报/预审、4 全程网办）"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := completeGuide()
			tc.change(it)
			errs := Validate(it)
			if len(errs) != 1 {
				t.Fatalf("got %d errors %v, want 1", len(errs), errs)
			}
			if got := errs[0].Error(); got != tc.want {
				t.Errorf("Error() = %q\nwant      %q", got, tc.want)
			}
		})
	}
}

// materials returns n distinct complete materials.
func materials(n int) []Material {
	out := make([]Material, n)
	for i := range out {
		out[i] = Material{Name: fmt.Sprintf("材料%05d", i), Required: "必要", Form: "原件", Copies: Int(1), Source: "申请人自备"}
	}
	return out
}

// TestValidateContext: validation gives up when its context has ended.
func TestValidateContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	it := completeGuide()
	it.Materials = materials(MaxMaterials)
	if errs, err := ValidateContext(ctx, it); !errors.Is(err, context.Canceled) || errs != nil {
		t.Fatalf("ValidateContext with an ended context = %v, %v", errs, err)
	}
	if errs, err := ValidateContext(context.Background(), it); err != nil || errs != nil {
		t.Fatalf("ValidateContext = %v, %v", errs, err)
	}
}

// TestNameProblem: names of regions, departments and entries are one
// line of visible text.
func TestNameProblem(t *testing.T) {
	for _, ok := range []string{"安康市公安局", "𠮷", "A-1 局"} {
		if msg := NameProblem(ok); msg != "" {
			t.Errorf("NameProblem(%q) = %q", ok, msg)
		}
	}
	for _, bad := range []string{"公安\u202e局", "公安\u200b局", "公安\u2028局", "公安\u2029局", "公安\n局", "公安\t局", "公安\x00局", "\xff"} {
		if msg := NameProblem(bad); msg == "" {
			t.Errorf("NameProblem(%q) accepts it", bad)
		}
	}
}

func TestValidateNil(t *testing.T) {
	errs := Validate(nil)
	if len(errs) != 1 || errs[0].Field != "" || errs[0].Message == "" {
		t.Fatalf("Validate(nil) = %v, want one error without field", errs)
	}
}

func TestValidateDeterministic(t *testing.T) {
	it := minimalGuide()
	it.Code, it.Name, it.Region = "", "", "x"
	it.Materials = []Material{{Form: "x"}, {Source: "y"}}
	first := Validate(it)
	for i := 0; i < 20; i++ {
		if got := Validate(it); !reflect.DeepEqual(got, first) {
			t.Fatalf("run %d: %v, first %v", i, got, first)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check(completeGuide()); err != nil {
		t.Fatalf("Check(complete guide) = %v", err)
	}
	it := completeGuide()
	it.Code = ""
	it.Visits = Int(-2)
	err := Check(it)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Check = %v, want an error wrapping ErrInvalid", err)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Check = %T, want *ValidationError", err)
	}
	if got := fieldsOf(ve.Errors); !reflect.DeepEqual(got, []string{"code", "visits"}) {
		t.Errorf("fields = %q", got)
	}
	want := "办事指南有2处错误：实施编码(code)：不能为空；到办事现场次数(visits)：应为不小于0的整数"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
	if (&ValidationError{}).Error() == "" {
		t.Error("an empty ValidationError has no message")
	}
}

// A catalogue entry's base code obeys the rule of an item's: 12 letters
// and digits.
func TestEntryBaseCodeAsAnItems(t *testing.T) {
	for code, want := range map[string]string{
		"000111222000": "",
		"00011122200":  fmt.Sprintf(MsgBaseCodeLen, BaseCodeLen, 11),
		"00011122200号": MsgBaseCodeChars,
		"000111-22200": MsgBaseCodeChars,
	} {
		r := Record{File: "e.jsonl", Line: 1, Kind: KindEntry, Entry: &Entry{BaseCode: code, Name: "某事项", Type: "公共服务"}}
		var got string
		for _, p := range EntryProblems(r) {
			if p.Field == "base_code" {
				got = p.Message
			}
		}
		if got != want {
			t.Errorf("entry base code %q: %q, want %q", code, got, want)
		}
		it := &Item{BaseCode: code}
		var itemMsg string
		for _, e := range Validate(it) {
			if e.Field == "base_code" {
				itemMsg = e.Message
			}
		}
		if itemMsg != want {
			t.Errorf("item base code %q: %q, want %q as an entry's", code, itemMsg, want)
		}
	}
}

// textProblemTwoPasses is textProblem as it was written first: the UTF-8
// checked in a pass of its own, then every character. The one-pass
// textProblem must give the same message for every text.
func textProblemTwoPasses(s string) string {
	if !utf8.ValidString(s) {
		return MsgBadUTF8
	}
	for i, r := range s {
		if r < 0x80 {
			if r >= 0x20 && r != 0x7f || r == '\n' || r == '\t' {
				continue
			}
			if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			return fmt.Sprintf(MsgControlChar, r)
		}
		switch {
		case unicode.IsControl(r):
			return fmt.Sprintf(MsgControlChar, r)
		case bidiControl(r):
			return fmt.Sprintf(MsgFormatChar, r)
		case r == '\u2028' || r == '\u2029':
			return fmt.Sprintf(MsgLineSeparator, r)
		case unicode.Is(unicode.Noncharacter_Code_Point, r):
			return fmt.Sprintf(MsgNonCharacter, r)
		}
	}
	return ""
}

// TestTextProblemOnePass: every code point alone, before and after a
// Chinese text, and texts mixing two problems (the invalid byte after a
// control character is still what is reported) get the message of the
// two-pass check.
func TestTextProblemOnePass(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := textProblem(s), textProblemTwoPasses(s); got != want {
			t.Fatalf("textProblem(%q) = %q, want %q", s, got, want)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		c := string(r) // surrogates become U+FFFD, which is valid
		check(c)
		check("身份证" + c + "补办")
	}
	for _, s := range []string{"", "a\rb", "a\r\nb", "a\r", "\x01\xff", "\u202e\xc3", "\ufffe\x80", "a\u2028\u0001",
		"\xe4\xb8", "身份\xe8\xaf", "ok\u00a0ok", "\x7f", "\u0085", "\U0010ffff", "\U0001fffe", "\ufdd0", "\ufdef", "\ufdf0"} {
		check(s)
	}
}

func FuzzTextProblem(f *testing.F) {
	for _, s := range []string{"", "居民身份证补办\n材料：户口簿", "a\r\nb\x01", "\xff", "\u202e", "\ufffe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := textProblem(s), textProblemTwoPasses(s); got != want {
			t.Fatalf("textProblem(%q) = %q, want %q", s, got, want)
		}
	})
}
