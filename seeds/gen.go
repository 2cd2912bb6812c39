package seeds

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"zhinan/catalog"
	"zhinan/interchange"
)

// GenOptions configures Generate.
type GenOptions struct {
	// Items is the number of item records to write (≥ 0).
	Items int
	// Seed seeds every pseudo-random choice: the same Items and Seed give
	// the same bytes.
	Seed int64
	// Vary makes every item's texts its own, as real county guides are
	// (gen_vary.go): a local note in the conditions, local notes on
	// materials, its own window, address, consulting phone and hours,
	// sometimes a reworded or an extra material. The items' names, codes,
	// departments, regions, types, time limits and classifications are
	// those of plain mode (Vary false), where the items of one template
	// share their texts.
	Vary bool
}

// variantSuffixes name the 业务办理项 an entry of a type is split into in
// real catalogues: licences and filings into new, change, renewal,
// cancellation and reissue; penalties by the gravity of the case (裁量基准);
// inspections by their kind. The generator adds them to templates that are
// the single item of their entry, to reach catalogues larger than regions ×
// templates.
var variantSuffixes = map[string][]string{
	"行政许可": {"（新办）", "（变更）", "（延续）", "（注销）", "（补证）"},
	"行政备案": {"（新办）", "（变更）", "（延续）", "（注销）", "（补证）"},
	"行政处罚": {"（一般情节）", "（较重情节）", "（严重情节）"},
	"行政检查": {"（日常检查）", "（专项检查）", "（双随机抽查）"},
}

// maxVariants is the most variants a template gets: the number of rounds
// in which variants are added.
const maxVariants = 5

// noVariantWords mark names that already are one business of their entry
// (企业变更登记, 机动车驾驶证遗失补发 …) and get no variants.
var noVariantWords = []string{"设立", "成立", "注册", "变更", "注销", "补", "换", "迁", "首次", "申领"}

// variantsOf returns the variant suffixes of template t, given how many
// templates share its base code.
func variantsOf(t *Template, family int) []string {
	name := t.Item.Name
	if family > 1 || stripSuffix(name) != name {
		return nil
	}
	for _, w := range noVariantWords {
		if strings.Contains(name, w) {
			return nil
		}
	}
	return variantSuffixes[t.Item.Type]
}

// visitReasons are the reasons a region gives for a second or third visit.
var visitReasons = []string{
	"需现场核验申请材料原件，并对经营场所进行实地核查后方可作出决定",
	"需申请人本人到场采集人像、指纹等生物特征信息，并现场领取纸质证照",
	"需现场勘验并由申请人在勘验笔录上签字确认，审查通过后现场领取结果",
	"县级窗口尚未实现电子证照共享，需现场核验原件并于办结后现场领取",
}

// hoursVariants are the opening times generated halls publish.
var hoursVariants = []string{
	Hours,
	"周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除外）",
	"工作日 8:30-17:30，中午不休息（法定节假日除外）",
	"周一至周五 上午8:00-12:00，下午14:00-18:00；周六上午9:00-12:00（法定节假日除外）",
}

// Region classes: which templates a region implements and at what level.
const (
	classCity   = iota // prefecture (市级): the templates with 市级
	classCounty        // county-level division (县级): templates with 县级 and a county department
	classZone          // development zone: county templates of zoneDepts only
	numClasses
)

var classLevel = [numClasses]string{"市级", "县级", "县级"}

// Generate writes a synthetic but realistic catalogue of opt.Items items to
// w as canonical JSON Lines (docs/contract.md#interchange, the output of `zhinan gen`): first the
// department records the items use (kind "department"), then the catalogue
// entries they implement (kind "entry"), then the item records.
//
// The items are the seed templates (Templates) implemented in real regions
// (Regions): 安康市 and its counties first, exactly as the seed catalogue
// names and codes them (Load), then every other prefecture and county-level
// division of China in an order drawn from the seed, each region with its
// whole catalogue; departments elsewhere are named like the seeds' with the
// region's name (市公安局 → 西安市公安局, {c}公安局 → 长安区公安局). Past one
// item per template and region, templates that are the only item of their
// entry add 业务办理项: licences and filings （新办）（变更）（延续）（注销）
// （补证）, penalties by gravity and inspections by kind, which keeps ex
// officio items near a tenth of the catalogue. Each region has a "maturity"
// drawn from the seed that shapes its visits, online depth, promised days,
// hall presence and the like, from 100% 最多跑一次 to about half, always
// consistent with the guide-quality rules 3–6 (docs/contract.md#guide-quality-rules).
//
// With opt.Vary every item's texts are its own (GenOptions.Vary).
//
// The output is deterministic in Items, Seed and Vary, and Generate streams it:
// its memory does not grow with Items. It fails when Items is negative, and
// with ErrGenTooMany when Items is more than the templates and regions can
// form (about 1.27 million with the bundled templates).
func Generate(w io.Writer, opt GenOptions) error {
	tmpls, err := Templates()
	if err != nil {
		return err
	}
	kinds, err := deptKinds()
	if err != nil {
		return err
	}
	regions, err := Regions()
	if err != nil {
		return err
	}
	g, err := newGenerator(tmpls, kinds, regions, opt)
	if err != nil {
		return err
	}
	return g.write(w)
}

// genTemplate is a template prepared for output: what its items share is
// worked out once.
type genTemplate struct {
	t         *Template
	kind      int      // index into generator.kinds
	suffix    string   // code suffix of a 业务办理项 of a shared base code ("01" …)
	variants  []string // suffixes of its 业务办理项 variants
	exOfficio bool
	levels    [numClasses]bool

	names    []string // the name of the template and of each variant
	reason   string   // the visit reason of a template with two visits or more, or ""
	legal    int      // -1 when absent
	promised int      // the template's promised days, never absent
	stepDays int      // the days of the steps, 0 when not all given
	visits   int      // the template's visits (1 when absent)
	depth    int      // the template's online depth (1 when absent)
	charged  bool
	inHallNo bool    // the template says the item is not in the hall
	flags    [7]int8 // the template's booleans: -1 absent, 0 false, 1 true
}

// Boolean guide fields, in interchange order.
const (
	bInHall = iota
	bNearby
	bExpress
	bAppointment
	bOnlinePayment
	bCrossProvince
	bCommitment
)

// genKind is a department kind with what is fixed about it.
type genKind struct {
	deptKind
	floor string
	zone  bool
}

// genRegion is one implementing region in output order.
type genRegion struct {
	code   string
	name   string // the name departments are formed with
	parent string // the parent region's name
	class  int
	place  *place // the seed place, for 安康市 and its counties
	quota  int    // items this region contributes
}

type generator struct {
	opt     GenOptions
	tmpls   []genTemplate
	kinds   []genKind
	regions []genRegion
	// list[c] are the templates regions of class c implement, in template
	// order; vlist[c][j] those of them with a variant in round j. A template
	// with fewer variants than rounds has them in the last rounds, so that
	// ex officio items (three variants) keep about their share of the
	// templates as the catalogue grows.
	list    [numClasses][]int
	vlist   [numClasses][maxVariants][]int
	reasons []string // visitReasons
	hours   []string // hoursVariants
	varier  *varier  // the vary mode's, nil in plain mode
}

// ErrGenTooMany is returned (wrapped) when more items are asked for than the
// templates and regions can form.
var ErrGenTooMany = errors.New("seeds: more items than the synthetic catalogue can hold")

func newGenerator(tmpls []Template, kindMap map[string]deptKind, regions []catalog.Region, opt GenOptions) (*generator, error) {
	if opt.Items < 0 {
		return nil, fmt.Errorf("seeds: gen: items must not be negative, got %d", opt.Items)
	}
	if len(tmpls) == 0 {
		return nil, errors.New("seeds: gen: no templates")
	}
	g := &generator{opt: opt}
	kindIndex := map[string]int{}
	keys := make([]string, 0, len(kindMap))
	for k := range kindMap {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kindIndex[k] = len(g.kinds)
		g.kinds = append(g.kinds, genKind{deptKind: kindMap[k], floor: floor(k), zone: zoneDepts[k]})
	}
	g.reasons, g.hours = visitReasons, hoursVariants

	family := map[string]int{}
	for _, t := range tmpls {
		family[t.Item.BaseCode]++
	}
	member := map[string]int{}
	for i := range tmpls {
		t := &tmpls[i]
		ki, ok := kindIndex[t.Dept]
		if !ok {
			return nil, fmt.Errorf("seeds: gen: template %d (%s): unknown dept %q", i+1, t.Item.Name, t.Dept)
		}
		gt := genTemplate{t: t, kind: ki, exOfficio: !catalog.OnApplication(t.Item.Type)}
		if family[t.Item.BaseCode] > 1 {
			member[t.Item.BaseCode]++
			gt.suffix = fmt.Sprintf("%02d", member[t.Item.BaseCode])
		}
		gt.variants = variantsOf(t, family[t.Item.BaseCode])
		k := g.kinds[ki]
		gt.levels[classCity] = contains(t.Levels, "市级") && k.City != ""
		gt.levels[classCounty] = contains(t.Levels, "县级") && k.County != ""
		gt.levels[classZone] = gt.levels[classCounty] && k.zone
		gt.prepare()
		for c := range numClasses {
			if gt.levels[c] {
				g.list[c] = append(g.list[c], i)
				for j := maxVariants - len(gt.variants); j < maxVariants; j++ {
					g.vlist[c][j] = append(g.vlist[c][j], i)
				}
			}
		}
		g.tmpls = append(g.tmpls, gt)
	}
	g.orderRegions(regions)
	if opt.Vary {
		g.varier = newVarier(regions)
	}
	return g, g.assignQuotas()
}

// prepare works out what the template's items share.
func (gt *genTemplate) prepare() {
	it := &gt.t.Item
	gt.names = append(gt.names, it.Name)
	for _, s := range gt.variants {
		gt.names = append(gt.names, it.Name+s)
	}
	if intOr(it.Visits, 0) >= 2 && strings.TrimSpace(it.VisitReason) != "" {
		gt.reason = it.VisitReason
	}
	gt.legal = intOr(it.LegalDays, -1)
	gt.stepDays = max(stepDays(it), 0)
	switch {
	case it.PromisedDays != nil:
		gt.promised = *it.PromisedDays
	case it.Handling == catalog.Immediate:
		gt.promised = 0
	case gt.legal >= 0:
		gt.promised = gt.legal
	default:
		gt.promised = max(gt.stepDays, 1)
	}
	gt.visits = intOr(it.Visits, 1)
	gt.depth = intOr(it.OnlineDepth, 1)
	gt.charged = it.Fee != nil && it.Fee.Charged
	gt.inHallNo = it.InHall != nil && !*it.InHall
	for i, b := range []*bool{it.InHall, it.Nearby, it.Express, it.Appointment, it.OnlinePayment, it.CrossProvince, it.Commitment} {
		switch {
		case b == nil:
			gt.flags[i] = -1
		case *b:
			gt.flags[i] = 1
		}
	}
}

// orderRegions lists the implementing regions in output order: the seed
// places of 安康 first, then every other prefecture and county-level
// division in an order drawn from the seed.
func (g *generator) orderRegions(regions []catalog.Region) {
	names := make(map[string]string, len(regions))
	for _, r := range regions {
		names[r.Code] = r.Name
	}
	seedPlaces := map[string]*place{}
	for i := range places {
		p := &places[i]
		seedPlaces[p.code] = p
		class := classCounty
		switch {
		case p.code == CityRegion:
			class = classCity
		case p.zone:
			class = classZone
		}
		g.regions = append(g.regions, genRegion{code: p.code, name: p.name, parent: names[CityRegion], class: class, place: p})
	}
	var rest []genRegion
	for _, r := range regions {
		if seedPlaces[r.Code] != nil {
			continue
		}
		switch r.Level {
		case "市":
			rest = append(rest, genRegion{code: r.Code, name: r.Name, parent: names[r.Parent], class: classCity})
		case "县":
			rest = append(rest, genRegion{code: r.Code, name: r.Name, parent: names[r.Parent], class: classCounty})
		}
	}
	rng := rand.New(rand.NewPCG(uint64(g.opt.Seed), 0x7a68696e616e))
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	g.regions = append(g.regions, rest...)
}

// assignQuotas decides how many items each region contributes. Up to one
// item per template and region, regions contribute their whole catalogue
// in order (the last one a part of it); beyond that every region has its
// whole catalogue and the 业务办理项 variants are added round by round (the
// first variant of every template that has one, then the second …), the
// last round to the first regions only.
func (g *generator) assignQuotas() error {
	base, capacity := 0, 0
	for _, r := range g.regions {
		base += len(g.list[r.class])
		capacity += len(g.list[r.class])
		for _, v := range g.vlist[r.class] {
			capacity += len(v)
		}
	}
	if g.opt.Items > capacity {
		return fmt.Errorf("%w: %d asked, at most %d", ErrGenTooMany, g.opt.Items, capacity)
	}
	n := g.opt.Items
	for i := range g.regions {
		r := &g.regions[i]
		r.quota = min(n, len(g.list[r.class]))
		n -= r.quota
	}
	for j := 0; n > 0; j++ {
		for i := range g.regions {
			r := &g.regions[i]
			q := min(n, len(g.vlist[r.class][j]))
			r.quota += q
			n -= q
		}
	}
	return nil
}

// template returns the template and variant (0: none) of a region's k-th
// item.
func (g *generator) template(r *genRegion, k int) (ti, variant int) {
	list := g.list[r.class]
	if k < len(list) {
		return list[k], 0
	}
	k -= len(list)
	for j, v := range g.vlist[r.class] {
		if k < len(v) {
			ti = v[k]
			return ti, j - (maxVariants - len(g.tmpls[ti].variants)) + 1
		}
		k -= len(v)
	}
	panic("seeds: gen: item beyond the region's catalogue")
}

// departmentName forms the name of a department of kind k in region r the
// way the seeds do; elsewhere than in 安康 the city form's "市" becomes the
// prefecture's name (市公安局 → 西安市公安局) and a county form's leading
// "市" the parent's (市生态环境局{c}分局 → 西安市生态环境局长安区分局).
func (g *generator) departmentName(r *genRegion, k *genKind) string {
	if r.class == classCity {
		switch {
		case r.place != nil:
			return k.City
		case strings.HasPrefix(k.City, "市"):
			return r.name + strings.TrimPrefix(k.City, "市")
		case strings.Contains(k.City, "安康市"):
			return strings.ReplaceAll(k.City, "安康市", r.name)
		default:
			return strings.ReplaceAll(k.City, "安康", strings.TrimSuffix(r.name, "市"))
		}
	}
	name := strings.ReplaceAll(k.County, "{c}", r.name)
	if r.place == nil && strings.HasPrefix(name, "市") {
		name = r.parent + strings.TrimPrefix(name, "市")
	}
	return name
}

// regionPhones returns the area code and the exchange prefix of a region's
// phone numbers: the seeds' for 安康, made up (but stable) elsewhere.
func regionPhones(r *genRegion) (area, exchange string) {
	if r.place != nil {
		return "0915", r.place.phone
	}
	prefecture := r.code[:4] + "00"
	area = fmt.Sprintf("0%03d", 310+hash("area", prefecture)%690)
	exchange = strconv.Itoa(int(200 + hash("exchange", r.code)%700))
	return area, exchange
}

// dept is what an item record needs of its region's department of one kind.
type dept struct {
	ready      bool
	name       string
	org        string    // 9-digit organisation code for item codes
	location   [2]string // outside the hall, in the hall
	consult    string    // consulting phone
	complaint  string    // complaint phone
	deptRecord catalog.Department
	vary       varyDept // the vary mode's
}

// regionState is what the generator knows of the region it is writing.
type regionState struct {
	r         *genRegion
	rng       *rand.Rand
	maturity  float64 // 0 … 1: how far the region's reform has come
	allOne    bool    // every item 最多跑一次
	hallRate  float64 // share of items in the hall
	level     string  // the level of the region's items
	hours     string
	hall      string
	area, exc string
	complaint string
	depts     []dept
	vregion   varyRegion // the vary mode's
}

// enter makes s the state of region r: its random source (seeded from the
// seed and the region, so a region's items do not depend on the others),
// its maturity and its hall, phones and opening hours.
func (g *generator) enter(s *regionState, r *genRegion) {
	s.r = r
	s.rng = rand.New(rand.NewPCG(uint64(g.opt.Seed), uint64(hash("region", r.code))<<16|0x6765))
	u := s.rng.Float64()
	s.allOne = u < 0.25
	if s.allOne {
		s.maturity = 0.6 + 0.4*s.rng.Float64()
	} else {
		s.maturity = 0.15 + 0.85*s.rng.Float64()
	}
	s.hallRate = 0.55 + 0.45*s.rng.Float64()
	if s.rng.Float64() < 0.2 {
		s.hallRate = 1
	}
	s.hours = g.hours[s.rng.IntN(len(g.hours))]
	if p := r.place; p != nil {
		s.allOne = p.allOneVisit
		if p.allInHall {
			s.hallRate = 1
		}
		s.hours = g.hours[0]
		s.hall = p.hall
	} else {
		s.hall = r.name + "政务服务中心"
	}
	s.level = classLevel[r.class]
	s.area, s.exc = regionPhones(r)
	s.complaint = s.area + "-12345"
	if r.class != classCity {
		s.complaint = s.area + "-" + s.exc + "2345"
	}
	if s.depts == nil {
		s.depts = make([]dept, len(g.kinds))
	}
	for i := range s.depts {
		s.depts[i].ready = false
	}
	if g.varier != nil {
		g.varier.region(&s.vregion, g.opt.Seed, r)
	}
}

// department returns the region's department of kind ki, forming it on
// first use.
func (g *generator) department(s *regionState, ki int) *dept {
	d := &s.depts[ki]
	if d.ready {
		return d
	}
	k := &g.kinds[ki]
	name := g.departmentName(s.r, k)
	d.ready = true
	d.name = name
	d.org = orgCode(s.r.code, name)
	d.complaint = s.complaint
	if p := s.r.place; p != nil {
		d.consult, d.complaint = phones(*p, name)
	} else {
		n := hash(s.r.code, name) % 10000
		if n == 2345 { // the county's complaint line
			n++
		}
		d.consult = fmt.Sprintf("%s-%s%04d", s.area, s.exc, n)
	}
	d.location[1] = fmt.Sprintf("%s%s楼%s", s.hall, k.floor, k.Window)
	d.location[0] = fmt.Sprintf("%s办公楼一楼%s", name, k.Window)
	d.deptRecord = catalog.Department{Name: name, Region: s.r.code, CreditCode: creditCode(s.r.code, name), Phone: d.consult}
	if g.varier != nil {
		g.varier.dept(&d.vary, g.opt.Seed, s.r, name)
	}
	return d
}

// write writes the department records, the entry records and the items.
func (g *generator) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc, err := interchange.NewEncoder(bw, "jsonl")
	if err != nil {
		return err
	}
	var s regionState
	// Departments, in region order, each region's in order of first use.
	levels := make([][numClasses]bool, len(g.tmpls))
	used := make([]bool, len(g.tmpls))
	seen := make([]bool, len(g.kinds))
	for i := range g.regions {
		r := &g.regions[i]
		if r.quota == 0 {
			continue
		}
		g.enter(&s, r)
		clear(seen)
		list := g.list[r.class]
		for _, ti := range list[:min(r.quota, len(list))] {
			levels[ti][r.class] = true
			used[ti] = true
			if ki := g.tmpls[ti].kind; !seen[ki] {
				seen[ki] = true
				if err := enc.Write(catalog.Record{Kind: catalog.KindDepartment, Department: &g.department(&s, ki).deptRecord}); err != nil {
					return err
				}
			}
		}
	}
	// Catalogue entries, by base code.
	entries := map[string]*catalog.Entry{}
	for ti := range g.tmpls {
		if !used[ti] {
			continue
		}
		it := &g.tmpls[ti].t.Item
		e := entries[it.BaseCode]
		if e == nil {
			name := it.Name
			if g.tmpls[ti].suffix != "" {
				name = stripSuffix(name)
			}
			e = &catalog.Entry{BaseCode: it.BaseCode, Name: name, Type: it.Type, Basis: it.Basis}
			entries[it.BaseCode] = e
		}
		for c := range numClasses {
			if levels[ti][c] && !contains(e.Levels, classLevel[c]) {
				e.Levels = append(e.Levels, classLevel[c])
			}
		}
	}
	codes := make([]string, 0, len(entries))
	for c := range entries {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		e := entries[c]
		slices.SortFunc(e.Levels, func(a, b string) int {
			return slices.Index(catalog.Levels, a) - slices.Index(catalog.Levels, b)
		})
		if err := enc.Write(catalog.Record{Kind: catalog.KindEntry, Entry: e}); err != nil {
			return err
		}
	}
	// Items.
	var it catalog.Item
	var x item
	for i := range g.regions {
		r := &g.regions[i]
		if r.quota == 0 {
			continue
		}
		g.enter(&s, r)
		for k := range r.quota {
			ti, variant := g.template(r, k)
			g.item(&it, &x, &s, &g.tmpls[ti], variant)
			if err := enc.Write(catalog.Record{Kind: catalog.KindItem, Item: &it}); err != nil {
				return err
			}
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// item holds the varying guide fields of one generated item.
type item struct {
	legal, promised, visits, depth int
	reason                         string
	flags                          [7]bool
}

// vary draws the region's implementation of template gt: the template's
// values shaped by the region's maturity, then made consistent with the
// guide-quality rules 2–6, 9 and 10. reasons are the visitReasons.
func (s *regionState) vary(gt *genTemplate, reasons []string) item {
	rng, m := s.rng, s.maturity
	it := item{promised: gt.promised, visits: gt.visits, depth: gt.depth}
	for i, f := range gt.flags {
		it.flags[i] = f == 1
	}
	if !gt.exOfficio {
		// Visits: immature regions ask for a second (or third) visit,
		// mature ones drop the last visit of items that can be done online.
		switch u := rng.Float64(); {
		case s.allOne:
			it.visits = min(it.visits, 1)
		case u < (1-m)*0.85:
			if it.visits == 0 {
				it.visits = 1
			} else {
				it.visits = max(it.visits, 2)
				if u < (1-m)*0.2 {
					it.visits = 3
				}
			}
		case u > 1-m*0.3 && it.visits == 1 && gt.depth >= 3:
			it.visits = 0
		}
		// Online depth: immature regions one or two steps shallower,
		// mature ones a step deeper.
		switch u := rng.Float64(); {
		case u < (1-m)*0.15:
			it.depth = max(it.depth-2, 1)
		case u < (1-m)*0.55:
			it.depth = max(it.depth-1, 1)
		case u > 1-m*0.35:
			it.depth = min(it.depth+1, 4)
		}
		// Promised days: mature regions promise less, down to the days of
		// the steps; 即办 where nothing is left.
		if u := rng.Float64(); u < m*0.5 && it.promised > gt.stepDays {
			it.promised -= rng.IntN((it.promised-gt.stepDays)/2 + 1)
			if it.promised == 1 && gt.stepDays == 0 && u < m*0.2 {
				it.promised = 0
			}
		}
		inHall := !gt.inHallNo && rng.Float64() < s.hallRate
		it.flags[bInHall] = inHall
		if !it.flags[bNearby] && rng.Float64() < m*0.2 {
			it.flags[bNearby] = true
		} else if it.flags[bNearby] && rng.Float64() < (1-m)*0.3 {
			it.flags[bNearby] = false
		}
		if !it.flags[bExpress] && rng.Float64() < m*0.3 {
			it.flags[bExpress] = true
		}
		it.flags[bAppointment] = it.flags[bAppointment] || rng.Float64() < 0.3+0.6*m
		if gt.charged && !it.flags[bOnlinePayment] {
			it.flags[bOnlinePayment] = rng.Float64() < m
		}
	}
	// Consistency (docs/contract.md#guide-quality-rules).
	if !gt.charged {
		it.flags[bOnlinePayment] = false // rule 10
	}
	if it.depth == 4 && it.visits > 0 { // rule 5
		if it.visits == 1 && rng.Float64() < m {
			it.visits = 0
		} else {
			it.depth = 3
		}
	}
	if it.visits == 0 && it.depth < 3 && !it.flags[bExpress] { // rule 4
		if rng.IntN(2) == 0 {
			it.depth = 3
		} else {
			it.flags[bExpress] = true
		}
	}
	if it.visits >= 2 { // rule 6
		it.reason = gt.reason
		if it.reason == "" {
			it.reason = reasons[rng.IntN(len(reasons))]
		}
	}
	return it
}

// item makes it the item of template gt, variant v, in the current region,
// drawing its varying fields into x, which it points to: both are scratch
// space the caller encodes at once. Its lists, fee and result are the
// template's own.
func (g *generator) item(it *catalog.Item, x *item, s *regionState, gt *genTemplate, v int) {
	d := g.department(s, gt.kind)
	*x = s.vary(gt, g.reasons)
	t := &gt.t.Item
	code := "11" + s.r.code + d.org + "B2" + t.BaseCode + gt.suffix
	if v > 0 {
		code += "0" + strconv.Itoa(v)
	}
	handling := catalog.Handlings[1] // 承诺件
	if x.promised == 0 {
		handling = catalog.Immediate
	}
	location := d.location[0]
	if x.flags[bInHall] {
		location = d.location[1]
	}
	*it = catalog.Item{
		Code: code, BaseCode: t.BaseCode, Name: gt.names[v], Type: t.Type, Level: s.level,
		Region: s.r.code, Department: d.name, Audience: t.Audience, Themes: t.Themes, Basis: t.Basis,
		Conditions: t.Conditions, Materials: t.Materials, Steps: t.Steps,
		PromisedDays: &x.promised, Handling: handling, Visits: &x.visits, VisitReason: x.reason,
		OnlineDepth: &x.depth, OnlineURL: t.OnlineURL,
		InHall: &x.flags[bInHall], Nearby: &x.flags[bNearby], Express: &x.flags[bExpress],
		Appointment: &x.flags[bAppointment], OnlinePayment: &x.flags[bOnlinePayment],
		CrossProvince: &x.flags[bCrossProvince], Commitment: &x.flags[bCommitment],
		Scope: t.Scope, Fee: t.Fee, Result: t.Result, Location: location, Hours: s.hours,
		ConsultPhone: d.consult, ComplaintPhone: d.complaint, FAQ: t.FAQ, AskPhrases: t.AskPhrases,
	}
	if gt.legal >= 0 {
		x.legal = gt.legal
		it.LegalDays = &x.legal
	}
	if g.varier != nil {
		k := &g.kinds[gt.kind]
		g.varier.item(it, g.opt.Seed, &s.vregion, &d.vary, s.area, s.exc, k.floor, k.Window, x.flags[bInHall])
	}
}
