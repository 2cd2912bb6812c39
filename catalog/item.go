package catalog

// Item is one catalogue entry as implemented by one department in one region,
// with its complete guide. Its JSON form is the interchange shape of docs/contract.md#guide-fields.
//
// AskPhrases are the everyday words citizens and 12345 hotline callers ask
// for the service with (常见问法): "房本加名字", "执照遗失补办".
//
// Optional numbers and booleans are pointers: an absent value is not zero, and
// a classification rule on an absent field does not hold.
type Item struct {
	Code           string     `json:"code"`
	BaseCode       string     `json:"base_code"`
	Name           string     `json:"name"`
	Type           string     `json:"type"`
	Level          string     `json:"level,omitempty"`
	Region         string     `json:"region"`
	Department     string     `json:"department"`
	Audience       []string   `json:"audience,omitempty"`
	Themes         []string   `json:"themes,omitempty"`
	Basis          []Basis    `json:"basis,omitempty"`
	Conditions     string     `json:"conditions,omitempty"`
	Materials      []Material `json:"materials,omitempty"`
	Steps          []Step     `json:"steps,omitempty"`
	LegalDays      *int       `json:"legal_days,omitempty"`
	PromisedDays   *int       `json:"promised_days,omitempty"`
	Handling       string     `json:"handling,omitempty"`
	Visits         *int       `json:"visits,omitempty"`
	VisitReason    string     `json:"visit_reason,omitempty"`
	OnlineDepth    *int       `json:"online_depth,omitempty"`
	OnlineURL      string     `json:"online_url,omitempty"`
	InHall         *bool      `json:"in_hall,omitempty"`
	Nearby         *bool      `json:"nearby,omitempty"`
	Express        *bool      `json:"express,omitempty"`
	Appointment    *bool      `json:"appointment,omitempty"`
	OnlinePayment  *bool      `json:"online_payment,omitempty"`
	CrossProvince  *bool      `json:"cross_province,omitempty"`
	Commitment     *bool      `json:"commitment,omitempty"`
	Scope          string     `json:"scope,omitempty"`
	Fee            *Fee       `json:"fee,omitempty"`
	Result         *Result    `json:"result,omitempty"`
	Location       string     `json:"location,omitempty"`
	Hours          string     `json:"hours,omitempty"`
	ConsultPhone   string     `json:"consult_phone,omitempty"`
	ComplaintPhone string     `json:"complaint_phone,omitempty"`
	FAQ            []FAQ      `json:"faq,omitempty"`
	AskPhrases     []string   `json:"ask_phrases,omitempty"`
	// Situations are the questions that narrow the guide to the
	// applicant's case (situation.go); none for a guide that fits every case.
	Situations []Situation `json:"situations,omitempty"`
}

// Basis is one legal basis (设定依据) of an item.
type Basis struct {
	Title  string `json:"title"`
	Clause string `json:"clause,omitempty"`
	Text   string `json:"text,omitempty"`
}

// Material is one application material (申请材料).
type Material struct {
	Name     string `json:"name"`
	Required string `json:"required,omitempty"` // 必要 / 非必要 / 容缺后补
	Form     string `json:"form,omitempty"`     // 原件 / 复印件 / 原件和复印件 / 电子证照
	Copies   *int   `json:"copies,omitempty"`
	Source   string `json:"source,omitempty"` // 申请人自备 / 政府部门核发 / 其他
	Notes    string `json:"notes,omitempty"`
}

// Step is one step of the handling process (办理流程).
type Step struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Days        *int   `json:"days,omitempty"`
}

// Fee says whether an item is charged for and by which standards (收费).
type Fee struct {
	Charged bool      `json:"charged"`
	Items   []FeeItem `json:"items,omitempty"`
}

// FeeItem is one charge with its standard and legal basis.
type FeeItem struct {
	Name     string `json:"name"`
	Standard string `json:"standard,omitempty"`
	Basis    string `json:"basis,omitempty"`
}

// Result is what the applicant receives (办理结果).
type Result struct {
	Name   string `json:"name"`
	Type   string `json:"type,omitempty"` // 证照 / 批文 / 其他
	Sample string `json:"sample,omitempty"`
}

// FAQ is one frequently asked question (常见问题).
type FAQ struct {
	Q string `json:"q"`
	A string `json:"a"`
}

// Region is an administrative division (行政区划) with its 6-digit code.
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Level  string `json:"level"` // 省 / 市 / 县 / 乡 / 村
	Parent string `json:"parent,omitempty"`
}

// Department is an implementing body (实施主体). Its name is unique within
// its region.
type Department struct {
	ID         uint   `json:"-"`
	Name       string `json:"name"`
	Region     string `json:"region"`
	CreditCode string `json:"credit_code,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

// Entry is a basic catalogue entry (基本目录事项), the key of 三级四同: items
// in every region that implement one entry should share its name, type and
// basis.
type Entry struct {
	BaseCode string   `json:"base_code"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Basis    []Basis  `json:"basis,omitempty"`
	Levels   []string `json:"levels,omitempty"`
}

// Int returns a pointer to n, for optional numeric guide fields.
func Int(n int) *int { return &n }

// Bool returns a pointer to b, for optional boolean guide fields.
func Bool(b bool) *bool { return &b }
