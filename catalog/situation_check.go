package catalog

import (
	"fmt"
	"strings"
)

// The structural validation of a guide's situations (情形引导), part of
// Validate: the questions and options themselves (situations), and whether
// every material is needed on some path of answers (reachable). A guide
// without situations costs a length test: nothing here allocates for it.
//
// Reachability is decided per material, never by enumerating the paths
// (there are up to 2^64 of them): questions are independent, a
// single-choice question takes exactly one option on every path and a
// multiple-choice question any subset, none included. So a material that
// no option adds is on some path unless a single-choice question removes
// it with every option (a multiple-choice question is answered with none);
// a material that options add is on some path when one of them adds it
// without removing it and, again, no single-choice question removes it
// with every option (the adding option's own question then has an option
// that keeps it, the adding one). TestReachabilityAgreesWithPaths checks
// this against the enumeration of AnswerPaths.

// IsSituationID reports whether s is a well-formed id of a situation
// question or option: 1 to MaxSituationIDLen ASCII letters, digits, '-'
// and '_'.
func IsSituationID(s string) bool {
	if len(s) < 1 || len(s) > MaxSituationIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// materialNames indexes the names of the materials Validate checks (at
// most MaxMaterials): each name's first position and how many materials
// bear it.
type materialNames struct {
	first map[string]int
	count []int // by first position
}

func indexMaterials(list []Material) materialNames {
	list = list[:min(len(list), MaxMaterials)]
	m := materialNames{first: make(map[string]int, len(list)), count: make([]int, len(list))}
	for i, x := range list {
		j, ok := m.first[x.Name]
		if !ok {
			j = i
			m.first[x.Name] = i
		}
		m.count[j]++
	}
	return m
}

// situations checks the questions of the guide and their options: ids,
// texts, the number of options, the materials options add and remove, and
// the option's figures, fee and steps as the guide's own.
func (v *guideChecker) situations(it *Item) {
	n := v.list("situations", len(it.Situations))
	if n == 0 {
		return
	}
	names := indexMaterials(it.Materials)
	// marks tells, by a material's first position, which option last named
	// it in add (addMark) and where in the current list (listMark, pos).
	r := refChecker{names: names, addMark: make([]int, len(names.count)), listMark: make([]int, len(names.count)),
		pos: make([]int, len(names.count))}
	questions := make(map[string]int, n)
	for i, s := range it.Situations[:n] {
		f := elemPath("situations", i, "")
		v.situationID(f+".id", s.ID, questions, i, MsgDuplicateQuestionID)
		v.requiredLine(f+".question", s.Question, MaxLineRunes)
		of := f + ".options"
		no := v.listMax(of, len(s.Options), MaxOptions)
		if len(s.Options) < MinOptions {
			v.add(of, fmt.Sprintf(MsgTooFewOptions, MinOptions, len(s.Options)))
		}
		options := make(map[string]int, no)
		for j, o := range s.Options[:no] {
			g := elemPath(of, j, "")
			v.situationID(g+".id", o.ID, options, j, MsgDuplicateOptionID)
			v.requiredLine(g+".label", o.Label, MaxLineRunes)
			r.option++
			v.refs(&r, g+".add", o.Add, false)
			v.refs(&r, g+".remove", o.Remove, true)
			v.long(g+".note", o.Note, MaxNotesRunes)
			v.count(g+".promised_days", o.PromisedDays, MaxDays)
			v.count(g+".visits", o.Visits, MaxVisits)
			v.depth(g+".online_depth", o.OnlineDepth)
			if !v.fee(g+".fee", o.Fee) || !v.steps(g+".steps", o.Steps) {
				return
			}
		}
	}
}

// situationID checks the id of a question or option at position i:
// present, well formed and not the id of an earlier one in seen (by which
// it is recorded), dupMsg naming the earlier one.
func (v *guideChecker) situationID(field, id string, seen map[string]int, i int, dupMsg string) {
	switch j, dup := seen[id]; {
	case id == "":
		v.add(field, MsgRequired)
	case !IsSituationID(id):
		v.add(field, fmt.Sprintf(MsgSituationID, MaxSituationIDLen))
	case dup:
		v.add(field, fmt.Sprintf(dupMsg, j+1))
	default:
		seen[id] = i
	}
}

// refChecker is the state of checking the material names options add and
// remove. Marks are stamps rather than sets, so that nothing is cleared
// between options and lists: addMark[m] == option when the current option
// adds material m; listMark[m] == list when the current list names m, at
// position pos[m].
type refChecker struct {
	names             materialNames
	option, list      int
	addMark, listMark []int
	pos               []int
}

// refs checks an option's add or remove list: at most MaxMaterials names,
// each an exact name of one material of the guide, not repeated, and, in
// remove, not one the option adds.
func (v *guideChecker) refs(r *refChecker, field string, list []string, remove bool) {
	n := v.listMax(field, len(list), MaxMaterials)
	r.list++
	for k, name := range list[:n] {
		e := elemPath(field, k, "")
		if !v.line(e, name, MaxLineRunes) {
			continue
		}
		m, ok := r.names.first[name]
		switch {
		case strings.TrimSpace(name) == "":
			v.add(e, MsgEmptyElement)
		case !ok:
			v.add(e, fmt.Sprintf(MsgUnknownMaterial, name))
		case r.names.count[m] > 1:
			v.add(e, fmt.Sprintf(MsgAmbiguousMaterial, r.names.count[m], name))
		case r.listMark[m] == r.list:
			v.add(e, fmt.Sprintf(MsgRepeated, r.pos[m]+1))
		case remove && r.addMark[m] == r.option:
			v.add(e, fmt.Sprintf(MsgAddAndRemove, name))
		default:
			r.listMark[m], r.pos[m] = r.list, k
			if !remove {
				r.addMark[m] = r.option
			}
		}
	}
}

// reachable reports, on materials[i], each material of the guide that no
// path of answers keeps (see the top of this file). It reads the questions
// and options within their limits; a single-choice question without
// options leaves no path at all, which its own error reports, and no
// material is reported then.
func (v *guideChecker) reachable(it *Item) {
	sits := it.Situations[:min(len(it.Situations), MaxSituations)]
	mats := it.Materials[:min(len(it.Materials), MaxMaterials)]
	if len(sits) == 0 || len(mats) == 0 {
		return
	}
	for _, s := range sits {
		if !s.Multiple && len(s.Options) == 0 {
			return
		}
	}
	u := unreachableMaterials(it)
	for i := range mats {
		switch q := u[i]; {
		case q >= 0:
			v.add(elemPath("materials", i, ""), fmt.Sprintf(MsgUnreachableRemoved, strings.TrimSpace(sits[q].Question)))
		case q == unreachableAdded:
			v.add(elemPath("materials", i, ""), MsgUnreachableAdded)
		}
	}
}

// The verdicts of unreachableMaterials besides a question's position.
const (
	reachableMaterial = -1 // on some path
	unreachableAdded  = -2 // every option that adds it removes it too
)

// unreachableMaterials returns, for each material of the guide (within
// MaxMaterials), reachableMaterial, unreachableAdded or the position of
// the first single-choice question each option of which removes it. It
// reads questions, options and their lists within their limits; materials are named
// by their exact name, the first of a repeated name standing for all.
func unreachableMaterials(it *Item) []int {
	sits := it.Situations[:min(len(it.Situations), MaxSituations)]
	names := indexMaterials(it.Materials)
	nm := len(names.count)
	blocked := make([]int, nm) // by first position: the first question removing it with every option, or -1
	for i := range blocked {
		blocked[i] = reachableMaterial
	}
	added := make([]bool, nm)   // some option adds it
	addable := make([]bool, nm) // some option adds it and does not remove it
	removals := make([]int, nm) // in the current question: how many options remove it
	mark := make([]int, nm)     // the last option (from 1) that removed it, so that a name repeated counts once
	option := 0
	for q, s := range sits {
		opts := s.Options[:min(len(s.Options), MaxOptions)]
		clear(removals)
		for _, o := range opts {
			option++
			for _, name := range o.Remove[:min(len(o.Remove), MaxMaterials)] {
				if m, ok := names.first[name]; ok && mark[m] != option {
					mark[m] = option
					removals[m]++
				}
			}
			for _, name := range o.Add[:min(len(o.Add), MaxMaterials)] {
				if m, ok := names.first[name]; ok {
					added[m] = true
					if mark[m] != option {
						addable[m] = true
					}
				}
			}
		}
		if s.Multiple {
			continue
		}
		for m, n := range removals {
			if n == len(opts) && blocked[m] == reachableMaterial {
				blocked[m] = q
			}
		}
	}
	out := make([]int, nm)
	for i, x := range it.Materials[:nm] {
		m := names.first[x.Name]
		switch {
		case blocked[m] != reachableMaterial:
			out[i] = blocked[m]
		case added[m] && !addable[m]:
			out[i] = unreachableAdded
		default:
			out[i] = reachableMaterial
		}
	}
	return out
}
