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
// back), in the guide's question order.
func (a Answers) Values(sits []Situation) url.Values {
	v := url.Values{}
	for _, s := range sits {
		for _, id := range a[s.ID] {
			v.Add(AnswerParam+s.ID, id)
		}
	}
	return v
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

// Checklist applies the answers to the guide. Materials: every material no
// option adds, and those a chosen option adds, less those a chosen option
// removes, in the guide's order. Where several chosen options change one
// figure, the applicant's case is the least favourable: the longest
// promised time, the most visits, the shallowest online depth; a fee set by
// an option replaces the guide's (the last answered question's wins).
// Chosen options' steps follow the guide's steps. A guide without
// situations, or with none answered, gives its full guide.
func (it *Item) Checklist(a Answers) Checklist {
	c := Checklist{Complete: true, Steps: it.Steps, PromisedDays: it.PromisedDays,
		Visits: it.Visits, OnlineDepth: it.OnlineDepth, Fee: it.Fee}
	added := map[string]bool{}
	removed := map[string]bool{}
	conditional := map[string]bool{}
	var extra []Step
	var depth *int // the shallowest depth a chosen option sets
	answered := false
	for _, s := range it.Situations {
		for _, o := range s.Options {
			for _, m := range o.Add {
				conditional[m] = true
			}
		}
		ids, ok := a[s.ID]
		if !ok {
			c.Complete = false
			continue
		}
		answered = true
		ch := Chosen{Question: s.Question}
		for _, o := range s.Options {
			if !slices.Contains(ids, o.ID) {
				continue
			}
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
			c.PromisedDays = maxInt(c.PromisedDays, o.PromisedDays)
			c.Visits = maxInt(c.Visits, o.Visits)
			depth = minInt(depth, o.OnlineDepth)
			if o.Fee != nil {
				c.Fee = o.Fee
			}
			extra = append(extra, o.Steps...)
		}
		c.Chosen = append(c.Chosen, ch)
	}
	if !answered {
		c.Complete = len(it.Situations) == 0
		c.Materials = it.Materials
		return c
	}
	if depth != nil {
		c.OnlineDepth = depth
	}
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

// maxInt returns the larger of the guide's figure and an option's, an
// absent option figure changing nothing.
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
