package catalog

import (
	"net/url"
	"slices"
	"strings"
)

// Answers are a citizen's answers to a guide's situation questions: the
// chosen option IDs by question ID. A question absent from Answers is not
// answered.
type Answers map[string][]string

// AnswerParam is the prefix of an answer's URL parameter: s_<question
// id>=<option id>, once per chosen option, so that a checklist is a plain
// GET form and its URL can be shared, printed and read out.
const AnswerParam = "s_"

// ParseAnswers reads the answers to the guide's questions from URL
// parameters, keeping only known questions and options: one option for a
// single-choice question (the first known one), the known ones in the
// question's order for a multiple-choice question. Anything else in q is
// ignored, so a hand-edited or stale link still gives a checklist.
func ParseAnswers(sits []Situation, q url.Values) Answers {
	a := Answers{}
	for _, s := range sits {
		given, ok := q[AnswerParam+s.ID]
		if !ok {
			continue
		}
		var chosen []string
		for _, o := range s.Options {
			if slices.Contains(given, o.ID) {
				chosen = append(chosen, o.ID)
			}
		}
		if !s.Multiple && len(chosen) > 1 {
			for _, g := range given { // the first given known option
				if slices.Contains(chosen, g) {
					chosen = []string{g}
					break
				}
			}
		}
		if len(chosen) > 0 || s.Multiple {
			a[s.ID] = chosen
		}
	}
	return a
}

// Values returns the answers as URL parameters (ParseAnswers reads them
// back), in the guide's question order. A multiple-choice question
// answered with none is one empty parameter (s_<id>=), so that it stays
// answered.
func (a Answers) Values(sits []Situation) url.Values {
	v := url.Values{}
	for _, s := range sits {
		ids, ok := a[s.ID]
		if ok && len(ids) == 0 && s.Multiple {
			v.Add(AnswerParam+s.ID, "")
		}
		for _, id := range ids {
			v.Add(AnswerParam+s.ID, id)
		}
	}
	return v
}

// chosen returns the options of the question the answers choose and
// whether it is answered: for a single-choice question, the option the
// first of its answers that names one names (unanswered when none does);
// for a multiple-choice question, the options its answers name, in the
// question's order (none when answered with none).
func (s *Situation) chosen(a Answers) ([]*Option, bool) {
	ids, ok := a[s.ID]
	if !ok {
		return nil, false
	}
	var out []*Option
	if !s.Multiple {
		for _, id := range ids {
			for i := range s.Options {
				if s.Options[i].ID == id {
					return append(out, &s.Options[i]), true
				}
			}
		}
		return nil, false
	}
	for i := range s.Options {
		if slices.Contains(ids, s.Options[i].ID) {
			out = append(out, &s.Options[i])
		}
	}
	return out, true
}

// Chosen is one answered question as the checklist shows it.
type Chosen struct {
	Question string
	Labels   []string // the chosen options' labels; none for a multiple-choice question answered with none
	Notes    []string // the chosen options' notes
}

// Checklist is a guide narrowed to one applicant's answers: the materials,
// steps, promised time, visits, online depth and fee of their case.
type Checklist struct {
	Complete     bool     // every question is answered
	Chosen       []Chosen // the answered questions, in order
	Materials    []Material
	Steps        []Step
	PromisedDays *int
	Visits       *int
	OnlineDepth  *int
	Fee          *Fee
}

// Checklist applies the answers to the guide. Materials, in the guide's
// order: every material no option adds, those a chosen option adds and
// those an option of a question not answered yet may add (the applicant
// may still need them: an unanswered question changes nothing), less
// those a chosen option removes. A figure a chosen option sets (promised
// time, visits, online depth) is the applicant's figure in place of the
// guide's; where several chosen options set one, the least favourable
// holds: the longest promised time, the most visits, the shallowest online
// depth. Figures no chosen option sets stay the guide's, and so an option
// may shorten a case (加急) as well as lengthen it (异地).
// A fee set by a chosen option replaces the guide's (the last
// answered question's wins). Chosen options' steps follow the guide's steps. A
// guide without situations, or with none answered, gives its full guide.
// A single-choice question counts as answered only when an answer names
// one of its options (the first such is the choice).
func (it *Item) Checklist(a Answers) Checklist {
	c := Checklist{Complete: true, Steps: it.Steps, PromisedDays: it.PromisedDays,
		Visits: it.Visits, OnlineDepth: it.OnlineDepth, Fee: it.Fee}
	if len(it.Situations) == 0 {
		c.Materials = it.Materials
		return c
	}
	added := map[string]bool{}       // by a chosen option, or possibly by an unanswered question
	removed := map[string]bool{}     // by a chosen option
	conditional := map[string]bool{} // by any option
	var extra []Step
	var days, visits, depth *int // the figures chosen options set
	for i := range it.Situations {
		s := &it.Situations[i]
		for _, o := range s.Options {
			for _, m := range o.Add {
				conditional[m] = true
			}
		}
		chosen, ok := s.chosen(a)
		if !ok {
			c.Complete = false
			for _, o := range s.Options {
				for _, m := range o.Add {
					added[m] = true
				}
			}
			continue
		}
		ch := Chosen{Question: s.Question}
		for _, o := range chosen {
			ch.Labels = append(ch.Labels, o.Label)
			if o.Note != "" {
				ch.Notes = append(ch.Notes, o.Note)
			}
			for _, m := range o.Add {
				added[m] = true
			}
			for _, m := range o.Remove {
				removed[m] = true
			}
			days = maxInt(days, o.PromisedDays)
			visits = maxInt(visits, o.Visits)
			depth = minInt(depth, o.OnlineDepth)
			if o.Fee != nil {
				c.Fee = o.Fee
			}
			extra = append(extra, o.Steps...)
		}
		c.Chosen = append(c.Chosen, ch)
	}
	c.PromisedDays = orGuide(days, c.PromisedDays)
	c.Visits = orGuide(visits, c.Visits)
	c.OnlineDepth = orGuide(depth, c.OnlineDepth)
	for _, m := range it.Materials {
		if (!conditional[m.Name] || added[m.Name]) && !removed[m.Name] {
			c.Materials = append(c.Materials, m)
		}
	}
	if len(extra) > 0 {
		c.Steps = append(slices.Clip(it.Steps), extra...)
	}
	return c
}

// orGuide returns the figure chosen options set, else the guide's.
func orGuide(set, guide *int) *int {
	if set != nil {
		return set
	}
	return guide
}

// maxInt returns the larger of two optional figures, an absent one
// changing nothing.
func maxInt(cur, opt *int) *int {
	if opt == nil {
		return cur
	}
	if cur == nil || *opt > *cur {
		return opt
	}
	return cur
}

// minInt returns the smaller of two optional figures, an absent one
// changing nothing.
func minInt(cur, opt *int) *int {
	if opt == nil {
		return cur
	}
	if cur == nil || *opt < *cur {
		return opt
	}
	return cur
}

// MaterialConditions returns, for each conditional material of the guide,
// when it applies: the labels of the options that add it ("委托他人办理：是").
// The full guide shows them beside the materials before any answer.
func (it *Item) MaterialConditions() map[string][]string {
	out := map[string][]string{}
	for _, s := range it.Situations {
		for _, o := range s.Options {
			for _, m := range o.Add {
				out[m] = append(out[m], strings.TrimSpace(s.Question)+"："+o.Label)
			}
		}
	}
	return out
}
