package seeds

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhinan/catalog"
)

// The vary mode of the generator (GenOptions.Vary, `zhinan gen --vary`):
// every item's guide reads like its own county's, as real catalogues do,
// where no two items share a text. Each item gets a local note in its
// conditions naming its region, a local note on a material or two (copies,
// 公章, 本地户籍 …), its own window and address, its own consulting phone
// and its own opening hours; one in five rewords a material's name
// (身份证 → 居民身份证, 复印件 → 影印件 …) and one in six adds a local
// material. Names, codes, base codes, departments, regions, types, levels,
// time limits, visits, online depth, flags, steps, fees and results stay
// those of plain mode: only texts change, and the plain draws (the
// region's random source) are not touched. Every choice comes from a
// random source seeded from the seed and the item's code (the region's
// and the department's for what they share: the hall's address, the towns,
// the office's address), so an item reads the same whatever else is
// generated and in whatever order.

// Probabilities of the rarer variations, as one in n.
const (
	varyRewordOneIn = 5 // a material's name reworded
	varyExtraOneIn  = 6 // a local material added
)

// varyTownsAnkang are towns and streets (镇、街道) of 安康's county-level
// regions, for their local notes; regions elsewhere draw from varyTowns.
var varyTownsAnkang = map[string][]string{
	"610900": {"老城街道", "新城街道", "江北街道", "建民街道"},
	"610902": {"老城街道", "新城街道", "江北街道", "建民街道", "关庙镇", "五里镇", "张滩镇", "瀛湖镇"},
	"610921": {"城关镇", "涧池镇", "蒲溪镇", "平梁镇", "双乳镇", "铁佛寺镇", "漩涡镇", "汉阳镇"},
	"610922": {"城关镇", "饶峰镇", "两河镇", "迎丰镇", "池河镇", "后柳镇", "喜河镇", "曾溪镇"},
	"610923": {"城关镇", "四亩地镇", "江口回族镇", "广货街镇", "筒车湾镇", "皇冠镇", "梅子镇", "新场镇"},
	"610924": {"城关镇", "蒿坪镇", "汉王镇", "焕古镇", "向阳镇", "洞河镇", "高桥镇", "毛坝镇"},
	"610925": {"城关镇", "佐龙镇", "滔河镇", "官元镇", "石门镇", "民主镇", "蔺河镇", "南宫山镇"},
	"610926": {"城关镇", "兴隆镇", "老县镇", "大贵镇", "洛河镇", "广佛镇", "八仙镇", "长安镇"},
	"610927": {"城关镇", "曾家镇", "牛头店镇", "钟宝镇", "上竹镇", "华坪镇", "曙坪镇"},
	"610929": {"城关镇", "中厂镇", "构扒镇", "卡子镇", "茅坪镇", "宋家镇", "西营镇", "冷水镇"},
	"610981": {"城关镇", "棕溪镇", "关口镇", "蜀河镇", "双河镇", "吕河镇", "神河镇", "赵湾镇"},
}

// varyTowns are the towns (counties) and streets (districts) regions
// elsewhere than 安康 draw their local notes' places from.
var varyTowns = [2][]string{
	{"城关镇", "新集镇", "马坊镇", "高桥镇", "石门镇", "双河镇", "龙泉镇", "太平镇", "永安镇", "新店镇",
		"白沙镇", "黄龙镇", "青山镇", "官庄镇", "三河镇", "东关镇", "大河镇", "柳林镇", "红旗镇", "兴隆镇"},
	{"东城街道", "西城街道", "南关街道", "北关街道", "新华街道", "人民路街道", "建设街道", "文化街道", "胜利街道",
		"和平街道", "光明街道", "新城街道", "城南街道", "城北街道", "江北街道", "河西街道", "站前街道", "育才街道"},
}

// varyStreets are the streets of the halls' and offices' addresses.
var varyStreets = []string{
	"人民路", "解放路", "建设路", "中山路", "新华路", "文化路", "和平路", "胜利路", "长征路", "兴安路",
	"滨江大道", "府前街", "政府街", "迎宾大道", "朝阳路", "东风路", "育才路", "振兴路", "复兴路", "北环路",
	"南环路", "健康路", "青年路", "公园路", "站前路", "新民路", "团结路", "金州路", "巴山路", "江南大道",
}

// varyNote is a local note of the conditions: {R} the region (always
// there, so that no two regions' notes read alike), {D} the department,
// {T1} {T2} two of the region's towns; when says for which items it fits.
type varyNote struct {
	text string
	when func(it *catalog.Item) bool
}

func onApp(it *catalog.Item) bool { return catalog.OnApplication(it.Type) }
func hasAudience(it *catalog.Item, a string) bool {
	return contains(it.Audience, a)
}

// varyNotes are the conditions' local notes. A note never says more than
// the item's classifications: the town halls take an application only
// where the item is 就近办, the 跨省通办 and 告知承诺 notes only stand on
// items so classified.
var varyNotes = []varyNote{
	{"{R}户籍居民可在户籍所在镇（街道）便民服务中心提交申请，{T1}、{T2}便民服务中心可当场受理，由代办员统一转报{D}办理。",
		func(it *catalog.Item) bool { return onApp(it) && it.Nearby != nil && *it.Nearby }},
	{"{R}户籍居民及持有{R}居住证的常住人员均可申请；非本地户籍的，另需提交有效期内的居住证。",
		func(it *catalog.Item) bool { return onApp(it) && hasAudience(it, "自然人") }},
	{"住所（主要经营场所）在{R}行政区域内的申请人向{D}提出申请；{T1}、{T2}的申请人也可通过{R}政务服务中心综合受理窗口提交。",
		func(it *catalog.Item) bool { return onApp(it) && hasAudience(it, "法人") }},
	{"{R}政务服务中心对本事项实行“一次告知、一窗受理”，申请材料齐全、符合法定形式的，{D}当场出具受理通知书。", onApp},
	{"{R}政务服务中心为老年人、残疾人等行动不便的申请人提供帮办代办服务，可提前致电窗口联系。", onApp},
	{"{T1}、{T2}等距城区较远的申请人，可先将材料交所在镇（街道）便民服务中心初审，再由{D}在{R}政务服务中心统一受理。",
		func(it *catalog.Item) bool { return onApp(it) && it.Nearby != nil && *it.Nearby }},
	{"本事项已纳入{R}“跨省通办”事项清单，外省申请人可在{R}政务服务中心“跨省通办”专窗提交申请。",
		func(it *catalog.Item) bool { return onApp(it) && it.CrossProvince != nil && *it.CrossProvince }},
	{"{R}对本事项实行告知承诺制，申请人书面承诺符合条件并提交材料的，{D}当场作出决定。",
		func(it *catalog.Item) bool { return onApp(it) && it.Commitment != nil && *it.Commitment }},
	{"{R}行政区域内发生的违法行为由{D}管辖；跨县（区）的案件，由共同的上一级主管部门指定管辖。",
		func(it *catalog.Item) bool { return it.Type == "行政处罚" || it.Type == "行政强制" }},
	{"对{R}范围内首次违法、危害后果轻微并及时改正的，依照{R}轻微违法行为不予处罚清单可以不予处罚。",
		func(it *catalog.Item) bool { return it.Type == "行政处罚" }},
	{"{D}按照{R}年度“双随机、一公开”抽查计划实施检查，{T1}、{T2}等镇（街道）的检查对象按片区轮流抽取，检查结果在{R}人民政府网站公示。",
		func(it *catalog.Item) bool { return it.Type == "行政检查" }},
	{"{R}辖区内的缴纳义务人可到{R}政务服务中心或委托银行网点缴纳，缴费凭证当场出具。",
		func(it *catalog.Item) bool { return it.Type == "行政征收" }},
	{"当事人对{D}作出的决定不服的，可以依法向{R}人民政府申请行政复议，或者依法提起行政诉讼。",
		func(it *catalog.Item) bool { return !onApp(it) }},
}

// varyMaterialNotes are the local notes on a material: {R} the region,
// {N} a number of copies; when says for which materials they fit.
var varyMaterialNotes = []struct {
	text string
	when func(it *catalog.Item, m *catalog.Material) bool
}{
	{"窗口留存复印件{N}份，请使用A4纸复印", func(_ *catalog.Item, m *catalog.Material) bool { return strings.Contains(m.Form, "复印件") }},
	{"申请人为单位的，复印件须加盖单位公章", func(it *catalog.Item, m *catalog.Material) bool {
		return strings.Contains(m.Form, "复印件") && hasAudience(it, "法人")
	}},
	{"原件经窗口现场核验后当场退还", func(_ *catalog.Item, m *catalog.Material) bool { return strings.Contains(m.Form, "原件") }},
	{"非{R}户籍的申请人，另需提供本地居住证或户籍所在地村（社区）出具的居住证明", func(it *catalog.Item, _ *catalog.Material) bool {
		return onApp(it) && hasAudience(it, "自然人")
	}},
	{"已在{R}政务服务中心办理过其他事项、材料仍在有效期内的，免于重复提交", func(*catalog.Item, *catalog.Material) bool { return true }},
	{"可通过{R}政务数据共享平台在线核验的，窗口直接调取，免于提交纸质材料", func(_ *catalog.Item, m *catalog.Material) bool {
		return m.Source == "政府部门核发" && !strings.Contains(m.Notes, "核验") && !strings.Contains(m.Notes, "调取")
	}},
}

// varyCopies are the copies a material note may ask for.
var varyCopies = [...]int{1, 2, 3}

// varyReword is a rewording of material names: old (the first occurrence)
// becomes new, unless the name holds one of skip; end: only at the end of
// the name.
type varyReword struct {
	old, new string
	end      bool
	skip     []string
}

var varyRewords = []varyReword{
	{old: "居民身份证", new: "身份证"},
	{old: "身份证明", new: "身份证件"},
	{old: "居民户口簿", new: "户口本"},
	{old: "户口簿", new: "户口本", skip: []string{"居民户口簿"}},
	{old: "社会保障卡", new: "社保卡"},
	{old: "复印件", new: "影印件"},
	{old: "申请表", new: "申请书"},
	{old: "申请书", new: "申请表"},
	{old: "授权委托书", new: "委托书"},
	{old: "营业执照", new: "营业执照副本", end: true},
	{old: "结婚证", new: "结婚证书", end: true},
	{old: "照片", new: "相片"},
	{old: "承诺书", new: "承诺函"},
	{old: "不动产权证书", new: "不动产权属证书"},
	{old: "证明", new: "证明材料", end: true},
	{old: "报告", new: "报告书", end: true},
	{old: "登记表", new: "登记申请表", skip: []string{"申请表"}},
}

// apply returns the reworded name, or "" when the rewording does not fit.
func (r *varyReword) apply(name string) string {
	for _, s := range r.skip {
		if strings.Contains(name, s) {
			return ""
		}
	}
	if r.end {
		if !strings.HasSuffix(name, r.old) {
			return ""
		}
		return strings.TrimSuffix(name, r.old) + r.new
	}
	if !strings.Contains(name, r.old) {
		return ""
	}
	return strings.Replace(name, r.old, r.new, 1)
}

// varyExtras are the local materials an item may add: {R} the region, {T1}
// {T2} two of its towns.
var varyExtras = []struct {
	m    catalog.Material
	when func(it *catalog.Item) bool
}{
	{catalog.Material{Name: "{R}居住证", Required: "非必要", Form: "原件", Source: "政府部门核发",
		Notes: "非本地户籍的申请人提供，现场核验后退还"},
		func(it *catalog.Item) bool { return onApp(it) && hasAudience(it, "自然人") }},
	{catalog.Material{Name: "村（社区）居住情况证明", Required: "非必要", Form: "原件", Source: "其他",
		Notes: "由申请人居住地村（社区）居民委员会出具；{T1}、{T2}的申请人可在镇便民服务中心开具，{R}城区的在社区服务站开具"},
		func(it *catalog.Item) bool { return onApp(it) && hasAudience(it, "自然人") }},
	{catalog.Material{Name: "市场主体信用承诺书", Required: "必要", Form: "原件", Source: "申请人自备",
		Notes: "按{R}政务服务中心统一格式填写，加盖单位公章"},
		func(it *catalog.Item) bool { return onApp(it) && hasAudience(it, "法人") }},
	{catalog.Material{Name: "申请材料真实性承诺书", Required: "必要", Form: "原件", Source: "申请人自备",
		Notes: "{R}政务服务中心统一格式，窗口领取或在网上办理页面下载"}, onApp},
	{catalog.Material{Name: "送达地址确认书", Required: "必要", Form: "原件", Source: "申请人自备",
		Notes: "填写在{R}行政区域内能接收文书的地址和联系电话"},
		func(*catalog.Item) bool { return true }},
}

// varyRegion is what the vary mode shares across a region's items.
type varyRegion struct {
	name  string   // the region as notes name it: 汉阴县, 西安市长安区 where 长安区 is ambiguous
	hall  string   // the government service hall with its address
	towns []string // towns or streets the notes name
	hours string   // the hall's opening hours
}

// varyDept is what the vary mode shares across a department's items.
type varyDept struct {
	office string // the department's own office, with its address; {W} is the window
	window int    // the number of its first window in the hall
}

// varier holds the vary mode's random source and scratch space.
type varier struct {
	pcg  rand.PCG
	rng  *rand.Rand
	mats []catalog.Material
	buf  []byte
	// ambiguous are the names of county-level regions that more than one
	// prefecture has (朝阳区, 长安区 …): notes name them with their parent.
	ambiguous map[string]bool
}

func newVarier(regions []catalog.Region) *varier {
	v := &varier{ambiguous: map[string]bool{}}
	v.rng = rand.New(&v.pcg)
	seen := map[string]bool{}
	for _, r := range regions {
		if r.Level != "县" {
			continue
		}
		if seen[r.Name] {
			v.ambiguous[r.Name] = true
		}
		seen[r.Name] = true
	}
	return v
}

// seed seeds the random source from the generator's seed and keys.
func (v *varier) seed(seed int64, keys ...string) {
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	v.pcg.Seed(uint64(seed), h.Sum64())
}

// region works out the vary mode's state of region r.
func (v *varier) region(vr *varyRegion, seed int64, r *genRegion) {
	v.seed(seed, "vary-region", r.code)
	rng := v.rng
	vr.name = r.name
	if r.class != classCity && v.ambiguous[r.name] {
		vr.name = r.parent + r.name
	}
	street := varyStreets[rng.IntN(len(varyStreets))]
	num := 1 + rng.IntN(300)
	if p := r.place; p != nil {
		// The seeds' halls name their street: add a number to it.
		vr.hall = p.hall
		if addr := strings.TrimSuffix(p.hall, "）"); addr != p.hall && (strings.HasSuffix(addr, "路") || strings.HasSuffix(addr, "街") || strings.HasSuffix(addr, "大道")) {
			vr.hall = addr + strconv.Itoa(num) + "号）"
		}
	} else {
		vr.hall = fmt.Sprintf("%s政务服务中心（%s%d号）", r.name, street, num)
	}
	pool := varyTownsAnkang[r.code]
	if pool == nil {
		urban := 0
		if strings.HasSuffix(r.name, "区") || r.class == classCity {
			urban = 1
		}
		pool = varyTowns[urban]
	}
	vr.towns = vr.towns[:0]
	for _, i := range rng.Perm(len(pool))[:min(4, len(pool))] {
		vr.towns = append(vr.towns, pool[i])
	}
	vr.hours = varyHours(rng)
}

// dept works out the vary mode's state of the department named name, whose
// kind sits on the hall's floor.
func (v *varier) dept(vd *varyDept, seed int64, r *genRegion, name string) {
	v.seed(seed, "vary-dept", r.code, name)
	rng := v.rng
	vd.window = 1 + rng.IntN(40)
	floors := []string{"一", "二", "三", "四", "五"}
	street := varyStreets[rng.IntN(len(varyStreets))]
	switch rng.IntN(3) {
	case 0:
		vd.office = fmt.Sprintf("%s（%s%d号）%s楼%d室", name, street, 1+rng.IntN(300), floors[rng.IntN(len(floors))], 100+rng.IntN(20))
	case 1:
		vd.office = fmt.Sprintf("%s办公楼%s楼{W}（%s%d号）", name, floors[rng.IntN(3)], street, 1+rng.IntN(300))
	default:
		vd.office = fmt.Sprintf("%s%d号%s办公楼%s楼{W}", street, 1+rng.IntN(300), name, floors[rng.IntN(3)])
	}
}

// varyHours draws opening hours: weekday mornings and afternoons, summer
// and winter afternoons (夏令时/冬令时), no lunch break, or Saturday hours.
func varyHours(rng *rand.Rand) string {
	mornings := []string{"8:00-12:00", "8:30-12:00", "9:00-12:00", "8:30-11:30", "9:00-12:30"}
	afternoons := []string{"13:30-17:00", "14:00-17:30", "14:30-17:30", "14:30-18:00", "14:00-18:00"}
	am, pm := mornings[rng.IntN(len(mornings))], afternoons[rng.IntN(len(afternoons))]
	days := []string{"周一至周五", "工作日", "每周一至周五"}[rng.IntN(3)]
	switch rng.IntN(6) {
	case 0:
		return fmt.Sprintf("%s 上午%s；下午夏季（5月1日至9月30日）15:00-18:00，冬季（10月1日至次年4月30日）14:30-17:30（法定节假日除外）", days, am)
	case 1:
		return fmt.Sprintf("夏令时（5月1日至9月30日）：%s 上午%s，下午15:00-18:00；冬令时（10月1日至次年4月30日）：%s 上午%s，下午%s；法定节假日除外", days, am, days, am, pm)
	case 2:
		return fmt.Sprintf("%s %s-%s，中午不休息（法定节假日除外）", days, am[:strings.IndexByte(am, '-')], pm[strings.IndexByte(pm, '-')+1:])
	case 3:
		return fmt.Sprintf("%s 上午%s，下午%s；周六上午9:00-12:00延时服务（法定节假日除外）", days, am, pm)
	default:
		return fmt.Sprintf("%s 上午%s，下午%s（法定节假日除外）", days, am, pm)
	}
}

// expand fills a text's placeholders: {R} the region, {D} the department,
// {T1} {T2} two towns, {N} a number, {W} a window.
func (v *varier) expand(s string, vr *varyRegion, dept string, towns [2]string, n int, window string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	b := v.buf[:0]
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[max(i, 0):], '}')
		if i < 0 || j < 0 {
			break
		}
		b = append(b, s[:i]...)
		switch key := s[i : i+j+1]; key {
		case "{R}":
			b = append(b, vr.name...)
		case "{D}":
			b = append(b, dept...)
		case "{T1}":
			b = append(b, towns[0]...)
		case "{T2}":
			b = append(b, towns[1]...)
		case "{N}":
			b = strconv.AppendInt(b, int64(n), 10)
		case "{W}":
			b = append(b, window...)
		default:
			b = append(b, key...)
		}
		s = s[i+j+1:]
	}
	b = append(b, s...)
	v.buf = b
	return string(b)
}

// item varies it, the plain item of the region vr of department d, keyed
// by its code. It replaces the texts it changes and the materials list
// (with scratch space of v), never the template's own values.
func (v *varier) item(it *catalog.Item, seed int64, vr *varyRegion, vd *varyDept, area, exchange, floor, window string, inHall bool) {
	v.seed(seed, "vary-item", it.Code)
	rng := v.rng
	var towns [2]string
	i := rng.IntN(len(vr.towns))
	towns[0] = vr.towns[i]
	towns[1] = vr.towns[(i+1+rng.IntN(len(vr.towns)-1))%len(vr.towns)]

	// Conditions: one local note, sometimes two.
	var fit [16]int
	nfit := 0
	for j := range varyNotes {
		if varyNotes[j].when(it) && nfit < len(fit) {
			fit[nfit] = j
			nfit++
		}
	}
	var b strings.Builder
	b.Grow(len(it.Conditions) + 512)
	b.WriteString(it.Conditions)
	if it.Conditions != "" && !strings.HasSuffix(it.Conditions, "。") {
		b.WriteString("。")
	}
	first := fit[rng.IntN(nfit)]
	b.WriteString(v.expand(varyNotes[first].text, vr, it.Department, towns, 0, ""))
	if nfit > 1 && rng.IntN(5) < 2 {
		second := fit[rng.IntN(nfit)]
		if second != first {
			b.WriteString(v.expand(varyNotes[second].text, vr, it.Department, towns, 0, ""))
		}
	}
	it.Conditions = b.String()

	// Materials: the template's, with local notes, maybe a rewording and
	// an extra material.
	v.mats = append(v.mats[:0], it.Materials...)
	mats := v.mats
	for range 1 + rng.IntN(2) {
		if len(mats) == 0 {
			break
		}
		m := &mats[rng.IntN(len(mats))]
		nfit = 0
		for j := range varyMaterialNotes {
			if varyMaterialNotes[j].when(it, m) && nfit < len(fit) {
				fit[nfit] = j
				nfit++
			}
		}
		note := varyMaterialNotes[fit[rng.IntN(nfit)]]
		n := varyCopies[rng.IntN(len(varyCopies))]
		text := v.expand(note.text, vr, it.Department, towns, n, "")
		if strings.Contains(m.Notes, text) {
			continue
		}
		if strings.Contains(note.text, "{N}") {
			m.Copies = &varyCopies[n-1]
		}
		if m.Notes == "" {
			m.Notes = text
		} else if utf8.RuneCountInString(m.Notes)+utf8.RuneCountInString(text) < catalog.MaxNotesRunes-1 {
			m.Notes = strings.TrimRight(m.Notes, "。；") + "；" + text
		}
	}
	if rng.IntN(varyRewordOneIn) == 0 && len(mats) > 0 {
		v.reword(it, mats, rng)
	}
	if rng.IntN(varyExtraOneIn) == 0 {
		start := rng.IntN(len(varyExtras))
		for k := range varyExtras {
			x := &varyExtras[(start+k)%len(varyExtras)]
			if !x.when(it) {
				continue
			}
			m := x.m
			m.Name = v.expand(m.Name, vr, it.Department, towns, 0, "")
			m.Notes = v.expand(m.Notes, vr, it.Department, towns, 0, "")
			if hasMaterial(mats, m.Name) {
				continue
			}
			mats = append(mats, m)
			break
		}
	}
	v.mats = mats
	it.Materials = mats

	// Where to go, whom to ask, when.
	if inHall {
		n := vd.window + rng.IntN(3)
		switch rng.IntN(3) {
		case 0:
			it.Location = fmt.Sprintf("%s%s楼%d号%s", vr.hall, floor, n, window)
		case 1:
			it.Location = fmt.Sprintf("%s%s楼%s区%d号窗口（%s）", vr.hall, floor, string(rune('A'+rng.IntN(4))), n, window)
		default:
			it.Location = fmt.Sprintf("%s%s楼%s%d号、%d号窗口", vr.hall, floor, strings.TrimSuffix(window, "窗口"), n, n+1)
		}
	} else {
		it.Location = v.expand(vd.office, vr, it.Department, towns, 0, window)
	}
	if rng.IntN(2) == 0 {
		it.Hours = vr.hours
	} else {
		it.Hours = varyHours(rng)
	}
	for {
		n := rng.IntN(10000)
		phone := fmt.Sprintf("%s-%s%04d", area, exchange, n)
		if n != 2345 && digits(phone) != digits(it.ComplaintPhone) {
			it.ConsultPhone = phone
			break
		}
	}
}

// reword rewords the name of one of the materials, choosing among the
// rewordings that fit, and renames it in the situations that refer to it.
func (v *varier) reword(it *catalog.Item, mats []catalog.Material, rng *rand.Rand) {
	type cand struct {
		i    int
		name string
	}
	var cands [32]cand
	n := 0
	for i := range mats {
		for r := range varyRewords {
			name := varyRewords[r].apply(mats[i].Name)
			if name == "" || hasMaterial(mats, name) || n == len(cands) {
				continue
			}
			cands[n] = cand{i, name}
			n++
		}
	}
	if n == 0 {
		return
	}
	c := cands[rng.IntN(n)]
	old := mats[c.i].Name
	mats[c.i].Name = c.name
	it.Situations = renameMaterial(it.Situations, old, c.name)
}

// renameMaterial returns situations whose options name material old as
// new; the situations given are not changed (a copy is made when a name
// changes).
func renameMaterial(sits []catalog.Situation, old, new string) []catalog.Situation {
	refers := false
	for _, s := range sits {
		for _, o := range s.Options {
			if contains(o.Add, old) || contains(o.Remove, old) {
				refers = true
			}
		}
	}
	if !refers {
		return sits
	}
	out := make([]catalog.Situation, len(sits))
	for i, s := range sits {
		s.Options = append([]catalog.Option(nil), s.Options...)
		for j := range s.Options {
			o := &s.Options[j]
			o.Add = renamed(o.Add, old, new)
			o.Remove = renamed(o.Remove, old, new)
		}
		out[i] = s
	}
	return out
}

func renamed(list []string, old, new string) []string {
	if !contains(list, old) {
		return list
	}
	out := make([]string, len(list))
	for i, s := range list {
		if s == old {
			s = new
		}
		out[i] = s
	}
	return out
}

func hasMaterial(mats []catalog.Material, name string) bool {
	for i := range mats {
		if mats[i].Name == name {
			return true
		}
	}
	return false
}

// digits returns the ASCII digits of s.
func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
