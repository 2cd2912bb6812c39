package catalog

// completeGuide returns a realistic, complete and consistent guide
// (居民身份证换领 at the 汉滨区 public security bureau): it has no structural
// error and no guide-quality finding. Tests change one thing of a fresh copy
// and assert exactly what that change produces.
func completeGuide() *Item {
	return &Item{
		Code:       "11610902016041925L4071000100001",
		BaseCode:   "071000100000",
		Name:       "居民身份证换领",
		Type:       "行政确认",
		Level:      "县级",
		Region:     "610902",
		Department: "安康市公安局汉滨分局",
		Audience:   []string{"自然人"},
		Themes:     []string{"身份证件", "户籍办理"},
		Basis: []Basis{
			{
				Title:  "《中华人民共和国居民身份证法》",
				Clause: "第十一条第一款",
				Text:   "居民身份证有效期满、公民姓名变更或者证件严重损坏不能辨认的，公民应当换领新证；居民身份证登记项目出现错误的，公安机关应当及时更正，换发新证；领取新证时，必须交回原证。",
			},
			{
				Title:  "《中华人民共和国居民身份证法》",
				Clause: "第十条",
				Text:   "申请领取居民身份证，应当填写《居民身份证申领登记表》，交验居民户口簿。",
			},
		},
		Conditions: "本区常住户口居民，居民身份证有效期满、证件严重损坏不能辨认或者登记项目需要更正的，可申请换领；居民身份证已丢失的应办理补领。",
		Materials: []Material{
			{Name: "原居民身份证", Required: "必要", Form: "原件", Copies: Int(1), Source: "政府部门核发", Notes: "领取新证时交回原证。"},
			{Name: "居民户口簿", Required: "必要", Form: "原件", Copies: Int(1), Source: "政府部门核发", Notes: "核对户籍信息后当场退还。"},
			{Name: "居民身份证申领登记表", Required: "必要", Form: "原件", Copies: Int(1), Source: "其他", Notes: "窗口免费提供，现场填写并签名。"},
		},
		Steps: []Step{
			{Name: "受理", Description: "申请人到户政窗口提交申请，现场采集人像和指纹信息，窗口当场受理。", Days: Int(0)},
			{Name: "审核", Description: "户政民警核对户籍信息和人像，签发意见。", Days: Int(2)},
			{Name: "制证", Description: "省公安厅制证中心制作居民身份证。", Days: Int(15)},
			{Name: "发证", Description: "申请人凭领证回执到窗口领取，或选择邮政快递送达。", Days: Int(1)},
		},
		LegalDays:     Int(60),
		PromisedDays:  Int(20),
		Handling:      "承诺件",
		Visits:        Int(1),
		VisitReason:   "需本人到场采集人像和指纹信息。",
		OnlineDepth:   Int(2),
		OnlineURL:     "https://zwfw.shaanxi.gov.cn/ak/hbq/item/11610902016041925L4071000100001",
		InHall:        Bool(true),
		Nearby:        Bool(false),
		Express:       Bool(true),
		Appointment:   Bool(true),
		OnlinePayment: Bool(true),
		CrossProvince: Bool(true),
		Commitment:    Bool(false),
		Scope:         "全国",
		Fee: &Fee{Charged: true, Items: []FeeItem{{
			Name:     "居民身份证工本费",
			Standard: "每证20元",
			Basis:    "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）",
		}}},
		Result:         &Result{Name: "中华人民共和国居民身份证", Type: "证照"},
		Location:       "安康市汉滨区政务服务中心一楼公安户政窗口（汉滨区兴安中路）",
		Hours:          "周一至周五上午8:30—12:00，下午14:30—18:00（法定节假日除外）",
		ConsultPhone:   "0915-3268110",
		ComplaintPhone: "0915-12345",
		FAQ: []FAQ{
			{Q: "身份证丢失了可以办理换领吗？", A: "不可以。居民身份证丢失的应申请补领，携带居民户口簿到户政窗口办理。"},
			{Q: "在外地工作能换领身份证吗？", A: "可以。居民身份证换领已实现跨省通办，可在全国任一公安机关户政窗口申请，并选择邮寄送达。"},
		},
		AskPhrases: []string{"身份证到期换新证", "身份证坏了怎么换", "身份证信息错了更正", "异地换身份证"},
	}
}
