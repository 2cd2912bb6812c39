package web

import (
	"fmt"
	"net/url"
	"strings"

	"zhinan/catalog"
)

// The citizen checklist (情形引导) of a guide page: a guide with situations
// asks its questions in a plain GET form on the page itself (s_<question
// id>=<option id>, catalog.ParseAnswers), and with answers the page, its
// print view and the counter brief show the applicant's own checklist
// (catalog.Item.Checklist). The answers live in the URL only, so that a
// checklist can be shared, printed and read out on the phone; static/app.js
// updates the page in place from the same URL.

// situationView is the 情形引导 of one guide page.
type situationView struct {
	Questions []questionView
	// Answered is set when at least one question is answered: the page
	// shows the applicant's checklist rather than the full guide.
	Answered bool
	Complete bool             // every question is answered
	Chosen   []catalog.Chosen // the answered questions, in order
	// Query is the answers as URL parameters ("s_agent=agent"), "" without.
	Query string
	// when: a material's name → when it is to be handed in, or not, under
	// the guide's situations (shown beside the material).
	when  map[string]string
	check catalog.Checklist
}

// questionView is one question of the form.
type questionView struct {
	ID       string
	Name     string // the form field, s_<id>
	Question string
	Multiple bool
	Options  []optionView
}

// optionView is one option of a question, as a radio button or checkbox.
type optionView struct {
	ID      string
	InputID string // the element id of its input, for its label
	Label   string
	Checked bool
}

// newSituationView reads the answers to it's situations from q (unknown
// questions, options and parameters are ignored) and narrows the guide to
// them. It returns nil for a guide without situations.
func newSituationView(it *catalog.Item, q url.Values) *situationView {
	if len(it.Situations) == 0 {
		return nil
	}
	a := catalog.ParseAnswers(it.Situations, q)
	v := &situationView{Answered: len(a) > 0, check: it.Checklist(a), when: materialWhen(it)}
	v.Complete, v.Chosen = v.check.Complete, v.check.Chosen
	v.Query = answersQuery(it.Situations, a)
	for _, s := range it.Situations {
		qv := questionView{ID: s.ID, Name: catalog.AnswerParam + s.ID, Question: s.Question, Multiple: s.Multiple}
		for _, o := range s.Options {
			chosen := false
			for _, id := range a[s.ID] {
				chosen = chosen || id == o.ID
			}
			qv.Options = append(qv.Options, optionView{ID: o.ID, InputID: "s-" + s.ID + "-" + o.ID, Label: o.Label, Checked: chosen})
		}
		v.Questions = append(v.Questions, qv)
	}
	return v
}

// answersQuery is the answers as URL parameters in the guide's question
// order (Answers.Values; url.Values.Encode would sort them by name).
func answersQuery(sits []catalog.Situation, a catalog.Answers) string {
	v := a.Values(sits)
	var b strings.Builder
	for _, s := range sits {
		name := catalog.AnswerParam + s.ID
		for _, id := range v[name] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(name) + "=" + url.QueryEscape(id))
		}
	}
	return b.String()
}

// materialWhen says, for each material some option adds or removes, when
// it is to be handed in ("选择「是否委托他人办理：委托他人办理」时提交") or
// when not.
func materialWhen(it *catalog.Item) map[string]string {
	out := map[string]string{}
	for name, conds := range it.MaterialConditions() {
		out[name] = fmt.Sprintf(label("sit.mat.when"), strings.Join(conds, label("sit.mat.or")))
	}
	removed := map[string][]string{}
	var order []string
	for _, s := range it.Situations {
		for _, o := range s.Options {
			for _, m := range o.Remove {
				if removed[m] == nil {
					order = append(order, m)
				}
				removed[m] = append(removed[m], strings.TrimSpace(s.Question)+"："+o.Label)
			}
		}
	}
	for _, name := range order {
		text := fmt.Sprintf(label("sit.mat.unless"), strings.Join(removed[name], label("sit.mat.or")))
		if out[name] != "" {
			text = out[name] + label("sit.mat.sep") + text
		}
		out[name] = text
	}
	return out
}

// Mine is the guide as the page shows it: the applicant's checklist when
// questions are answered, the full guide otherwise (and on the preview of
// an edit, which has no answers).
func (d itemPage) Mine() catalog.Checklist {
	if d.Sit != nil {
		return d.Sit.check
	}
	return d.Published.Item.Checklist(nil)
}

// MaterialWhen is when the named material is to be handed in, "" for a
// material every applicant hands in.
func (d itemPage) MaterialWhen(name string) string {
	if d.Sit == nil {
		return ""
	}
	return d.Sit.when[name]
}

// withAnswers is the page's address (path) with the answers and extra
// parameters (such as print=1) first.
func (d itemPage) withAnswers(path, extra string) string {
	q := extra
	if d.Sit != nil && d.Sit.Query != "" {
		if q != "" {
			q += "&"
		}
		q += d.Sit.Query
	}
	if q == "" {
		return path
	}
	return path + "?" + q
}

// ItemURL is the guide page with the answers.
func (d itemPage) ItemURL() string { return d.withAnswers("/items/"+url.PathEscape(d.Code), "") }

// PrintURL is the print view with the answers.
func (d itemPage) PrintURL() string {
	return d.withAnswers("/items/"+url.PathEscape(d.Code), "print=1")
}

// BriefURL is the counter brief with the answers.
func (d itemPage) BriefURL() string {
	return d.withAnswers("/items/"+url.PathEscape(d.Code)+"/brief", "")
}

// ResetURL is the guide page without answers (重新选择), in the view it is in.
func (d itemPage) ResetURL() string {
	u := "/items/" + url.PathEscape(d.Code)
	if d.Print {
		u += "?print=1"
	}
	return u + "#situations"
}

// checklistJSON is the "checklist" member of GET /api/v1/items/{code} when
// the request carries answers (s_… parameters).
type checklistJSON struct {
	Complete     bool               `json:"complete"`
	Answers      catalog.Answers    `json:"answers"`
	Chosen       []chosenJSON       `json:"chosen"`
	Materials    []catalog.Material `json:"materials"`
	Steps        []catalog.Step     `json:"steps"`
	PromisedDays *int               `json:"promised_days,omitempty"`
	Visits       *int               `json:"visits,omitempty"`
	OnlineDepth  *int               `json:"online_depth,omitempty"`
	Fee          *catalog.Fee       `json:"fee,omitempty"`
}

type chosenJSON struct {
	Question string   `json:"question"`
	Labels   []string `json:"labels"`
	Notes    []string `json:"notes,omitempty"`
}

// itemResponse is the body of GET /api/v1/items/{code}: the published
// guide, and with answers in q (any s_… parameter) to a guide with
// situations, its "checklist" for them (unknown answers are ignored, as on
// the page).
func itemResponse(p *catalog.Published, q url.Values) any {
	if len(p.Situations) == 0 || !hasAnswerParam(q) {
		return p
	}
	a := catalog.ParseAnswers(p.Situations, q)
	c := p.Item.Checklist(a)
	out := &checklistJSON{Complete: c.Complete, Answers: a, Chosen: []chosenJSON{}, Materials: c.Materials,
		Steps: c.Steps, PromisedDays: c.PromisedDays, Visits: c.Visits, OnlineDepth: c.OnlineDepth, Fee: c.Fee}
	for _, ch := range c.Chosen {
		labels := ch.Labels
		if labels == nil {
			labels = []string{}
		}
		out.Chosen = append(out.Chosen, chosenJSON{Question: ch.Question, Labels: labels, Notes: ch.Notes})
	}
	if out.Materials == nil {
		out.Materials = []catalog.Material{}
	}
	if out.Steps == nil {
		out.Steps = []catalog.Step{}
	}
	return struct {
		*catalog.Published
		Checklist *checklistJSON `json:"checklist"`
	}{p, out}
}

// hasAnswerParam reports whether q has an s_… parameter.
func hasAnswerParam(q url.Values) bool {
	for k := range q {
		if strings.HasPrefix(k, catalog.AnswerParam) {
			return true
		}
	}
	return false
}
