package interchange

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhinan/catalog"
)

// DecodeNational decodes items in the national platform dialect (docs/interchange.md,
// "national platform dialect"): JSON Lines (or one JSON array) of objects
// with the national platform's field names, as provincial platforms hand
// them to a city. Every record is an item; fields the mapping does not name
// are ignored. The mapping, with the choices the specification leaves open:
//
//   - TASK_CODE → code; TASK_NAME → name; TASK_TYPE_TEXT → type;
//     DEPT_NAME → department; AREACODE → region; matter_level → level.
//   - CATAID → base_code, or parentCatalogId when CATAID is not 12
//     characters long.
//   - service_object_name (a list, or one string) → audience: 自然人 stays
//     自然人; any value containing 法人, 企业, 组织 or 机关 becomes 法人;
//     deduplicated, in the order 自然人, 法人. Any other value is a problem.
//   - theme_category (a list, or one string) → themes, kept as given.
//   - accept_standard → conditions.
//   - material_intro (a list of names, or one name) → materials with the
//     name only, required 必要, form 原件, source 申请人自备.
//   - handle_time → legal_days, handle_time_limit → promised_days: the
//     number of "30(工作日)" or "15(自然日)" (natural days are kept as the
//     number), or a bare integer.
//   - LIMIT_SCENE_NUM, else visit_number → visits (an integer, or a string
//     of digits).
//   - ONLINECHECK "1" or "是" → online_depth 4 when visits is 0, else 3;
//     any other value, or none, → 1 (the item's guide is published).
//   - courier_service 是 (or 支持) → express true; 否 or 不支持 → false.
//   - handle_location → location, without a leading "办理地点：";
//     "无线下办理窗口" (no offline window) is no location.
//   - consult_phone, complain_phone → consult_phone, complaint_phone;
//     URL → online_url.
//
// Text values are trimmed of surrounding white space, and "无" (none), an
// empty string or null is an absent value for every optional field. A
// value that cannot be mapped (a time limit in other units, a visit count
// that is not a number, an object where text belongs …) is a Problem naming
// the zhinan field and the source field.
func DecodeNational(r io.Reader, file string) catalog.Decoded {
	var d catalog.Decoded
	StreamNational(r, file, &d)
	return d
}

// StreamNational decodes as DecodeNational does, handing each record and
// problem to sink as it is read (see StreamJSONL).
func StreamNational(r io.Reader, file string, sink catalog.Sink) error {
	return streamJSON(r, file, recordDecoder{decode: decodeNationalRecord}, sink)
}

// nationalReader reads the fields of one national record, collecting
// problems.
type nationalReader struct {
	obj      map[string]json.RawMessage
	problems []catalog.Problem
}

func (n *nationalReader) fail(field, source, msg string) {
	n.problems = append(n.problems, catalog.Problem{Field: field, Message: fmt.Sprintf(msgNationalField, source, msg)})
}

// text returns source's value as trimmed text: a string, or a number or
// boolean spelt as in the JSON; "" when absent or null.
func (n *nationalReader) text(field, source string) string {
	raw, ok := n.obj[source]
	if !ok || isNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s)
	}
	switch raw[0] {
	case '{', '[':
		n.fail(field, source, fmt.Sprintf(msgWantText, describeJSON(raw)))
		return ""
	}
	return strings.TrimSpace(string(raw))
}

// optional is text with "无" (none) read as absent.
func (n *nationalReader) optional(field, source string) string {
	s := n.text(field, source)
	if s == nationalNone {
		return ""
	}
	return s
}

// list returns source's value as a list of trimmed texts, dropping empty
// values and "无"; a single string is a list of one.
func (n *nationalReader) list(field, source string) []string {
	raw, ok := n.obj[source]
	if !ok || isNull(raw) {
		return nil
	}
	var values []string
	var one string
	if err := json.Unmarshal(raw, &values); err != nil {
		if err := json.Unmarshal(raw, &one); err != nil {
			n.fail(field, source, fmt.Sprintf(msgWantTextOrList, describeJSON(raw)))
			return nil
		}
		values = []string{one}
	}
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" && v != nationalNone {
			out = append(out, v)
		}
	}
	return out
}

// nationalDaysRe matches a time limit such as "30(工作日)" or "15（自然日）".
var nationalDaysRe = regexp.MustCompile(`^(\d+)\s*[(` + nationalParenOpenFull + `]\s*(` +
	nationalWorkdays + `|` + nationalNaturalDays + `)\s*[)` + nationalParenEndFull + `]$`)

// days reads a time limit: "30(工作日)", "15(自然日)", a bare integer, or
// absent.
func (n *nationalReader) days(field, source string) *int {
	s := n.optional(field, source)
	if s == "" {
		return nil
	}
	if d, ok := parseDays(s); ok {
		return &d
	}
	n.fail(field, source, fmt.Sprintf(msgNationalDays, s))
	return nil
}

// parseDays reads a non-negative number of days, bare or in the national
// platform's "30(工作日)" / "15(自然日)" form.
func parseDays(s string) (int, bool) {
	if m := nationalDaysRe.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	d, err := strconv.Atoi(s)
	return d, err == nil && d >= 0
}

// visits reads LIMIT_SCENE_NUM, or visit_number when that is absent.
func (n *nationalReader) visits() *int {
	source := "LIMIT_SCENE_NUM"
	s := n.optional("visits", source)
	if s == "" {
		source = "visit_number"
		s = n.optional("visits", source)
	}
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		n.fail("visits", source, fmt.Sprintf(msgNationalVisits, s))
		return nil
	}
	return &v
}

func decodeNationalRecord(raw []byte, _ int) (catalog.Record, []catalog.Problem) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return catalog.Record{}, []catalog.Problem{{Message: fmt.Sprintf(msgNotObject, describeJSON(raw))}}
	}
	n := &nationalReader{obj: obj}
	it := &catalog.Item{
		Code:       n.text("code", "TASK_CODE"),
		Name:       n.text("name", "TASK_NAME"),
		Type:       n.text("type", "TASK_TYPE_TEXT"),
		Level:      n.optional("level", "matter_level"),
		Region:     n.text("region", "AREACODE"),
		Department: n.text("department", "DEPT_NAME"),
		Themes:     n.list("themes", "theme_category"),
		Conditions: n.optional("conditions", "accept_standard"),
		OnlineURL:  n.optional("online_url", "URL"),

		ConsultPhone:   n.optional("consult_phone", "consult_phone"),
		ComplaintPhone: n.optional("complaint_phone", "complain_phone"),
	}
	it.BaseCode = n.text("base_code", "CATAID")
	if utf8.RuneCountInString(it.BaseCode) != 12 {
		it.BaseCode = n.text("base_code", "parentCatalogId")
	}
	it.Audience = n.audience()
	for _, name := range n.list("materials", "material_intro") {
		it.Materials = append(it.Materials, catalog.Material{
			Name: name, Required: nationalMaterialReq, Form: nationalMaterialForm, Source: nationalMaterialSrc,
		})
	}
	it.LegalDays = n.days("legal_days", "handle_time")
	it.PromisedDays = n.days("promised_days", "handle_time_limit")
	it.Visits = n.visits()
	depth := 1
	switch n.text("online_depth", "ONLINECHECK") {
	case "1", nationalOnline:
		depth = 3
		if it.Visits != nil && *it.Visits == 0 {
			depth = 4
		}
	}
	it.OnlineDepth = &depth
	switch s := n.optional("express", "courier_service"); s {
	case "":
	case nationalYes, nationalSupported:
		it.Express = catalog.Bool(true)
	case nationalNo, nationalNotSupported:
		it.Express = catalog.Bool(false)
	default:
		n.fail("express", "courier_service", fmt.Sprintf(msgNationalExpress, s))
	}
	it.Location = nationalLocation(n.optional("location", "handle_location"))
	if len(n.problems) > 0 {
		for i := range n.problems {
			n.problems[i].Code = it.Code
		}
		return catalog.Record{}, n.problems
	}
	return catalog.Record{Kind: catalog.KindItem, Item: it}, nil
}

// audience maps service_object_name to 自然人 and 法人.
func (n *nationalReader) audience() []string {
	var person, organisation bool
	for _, v := range n.list("audience", "service_object_name") {
		switch {
		case v == nationalPerson:
			person = true
		case containsAny(v, nationalLegalPersonMarks):
			organisation = true
		default:
			n.fail("audience", "service_object_name", fmt.Sprintf(msgNationalAudience, v))
		}
	}
	var out []string
	if person {
		out = append(out, nationalPerson)
	}
	if organisation {
		out = append(out, nationalOrganisation)
	}
	return out
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// nationalLocation strips a leading "办理地点：" (or "办理地点:") and reads
// "无线下办理窗口" (no offline window) as no location.
func nationalLocation(s string) string {
	if rest, ok := strings.CutPrefix(s, nationalLocationLabel); ok {
		if r, ok := strings.CutPrefix(rest, nationalColonFull); ok {
			s = strings.TrimSpace(r)
		} else if r, ok := strings.CutPrefix(rest, ":"); ok {
			s = strings.TrimSpace(r)
		}
	}
	if s == nationalNoWindow || s == nationalNone {
		return ""
	}
	return s
}
