package catalog

// situationGuide returns the complete guide (居民身份证换领) with a
// situation guide of three questions: why the card is renewed (single
// choice; 登记项目更正 adds a proof), where the applicant is registered
// (single choice; 省内其他县区 removes the household register, takes
// longer, is less online and adds a step) and what the applicant wants
// besides (multiple choice; 邮寄送达 changes the fee and the online depth,
// 加急制证 promises less time than the guide, which a checklist does not
// take: the guide's figure counts too). It has no structural error and
// no guide-quality finding.
func situationGuide() *Item {
	it := completeGuide()
	it.Materials = append(it.Materials, Material{Name: "户籍登记项目变更更正证明", Required: "必要", Form: "原件",
		Copies: Int(1), Source: "政府部门核发", Notes: "由户籍所在地派出所出具。"})
	it.Situations = []Situation{
		{ID: "reason", Question: "换领原因", Options: []Option{
			{ID: "expired", Label: "有效期满"},
			{ID: "damaged", Label: "证件损坏不能辨认"},
			{ID: "correction", Label: "登记项目需要更正", Add: []string{"户籍登记项目变更更正证明"},
				Visits: Int(2), Note: "须先到户籍所在地派出所开具更正证明。"},
		}},
		{ID: "where", Question: "户籍所在地", Options: []Option{
			{ID: "local", Label: "汉滨区"},
			{ID: "province", Label: "省内其他县区", Remove: []string{"居民户口簿"}, PromisedDays: Int(30), OnlineDepth: Int(1),
				Note:  "异地换领可在全省任一受理点办理。",
				Steps: []Step{{Name: "户籍地核验", Description: "受理地公安机关向户籍地核验户籍信息。", Days: Int(5)}}},
		}},
		{ID: "extra", Question: "需要的服务", Multiple: true, Options: []Option{
			{ID: "mail", Label: "邮寄送达", Visits: Int(1), OnlineDepth: Int(3),
				Fee: &Fee{Charged: true, Items: []FeeItem{
					{Name: "居民身份证工本费", Standard: "20元/证", Basis: "《关于居民身份证收费标准及有关问题的通知》"},
					{Name: "邮寄费", Standard: "按邮政资费标准收取", Basis: "《快递市场管理办法》"}}}},
			{ID: "urgent", Label: "加急制证", PromisedDays: Int(7)},
		}},
	}
	return it
}
