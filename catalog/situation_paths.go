package catalog

import (
	"iter"
	"math"
)

// AnswerPaths returns every path of answers through the guide's questions
// — every combination of one option of each single-choice question and
// any subset (none included) of the options of each multiple-choice
// question — as complete Answers, at most limit of them; ok is false when
// there are more (the first limit are returned). Options are named by
// their ids in the question's order. A guide without situations has one
// path, no answer, which gives its full guide; a single-choice question
// without options leaves none. Tests and tools use it to check what every
// applicant can see (the union of the paths' checklists is the guide's
// full list of materials when Validate finds nothing); the guide's own
// validation never enumerates paths.
func (it *Item) AnswerPaths(limit int) (paths []Answers, ok bool) {
	if limit < 0 {
		limit = 0
	}
	for _, s := range it.Situations {
		if !s.Multiple && len(s.Options) == 0 {
			return nil, true
		}
	}
	// The number of paths, up to limit; more when there are more.
	count, more := 1, false
	for _, s := range it.Situations {
		for n := range ways(s) {
			if more = count > limit/n; more {
				break
			}
			count *= n
		}
		if more {
			break
		}
	}
	if more || count > limit {
		count, more = limit, true
	}
	paths = make([]Answers, 0, count)
	// choice[q] is the current choice of question q: an option's position
	// or, for a multiple-choice question, the bits of a subset.
	choice := make([]int, len(it.Situations))
	for len(paths) < count {
		a := make(Answers, len(it.Situations))
		for q, s := range it.Situations {
			if !s.Multiple {
				a[s.ID] = []string{s.Options[choice[q]].ID}
				continue
			}
			ids := []string{}
			for i, o := range s.Options {
				if choice[q]&(1<<i) != 0 {
					ids = append(ids, o.ID)
				}
			}
			a[s.ID] = ids
		}
		paths = append(paths, a)
		// The next choice, the last question turning fastest.
		for q := len(it.Situations) - 1; q >= 0; q-- {
			s := it.Situations[q]
			n := len(s.Options)
			if s.Multiple {
				n = math.MaxInt // more subsets than paths can be returned
				if len(s.Options) < 62 {
					n = 1 << len(s.Options)
				}
			}
			if choice[q]++; choice[q] < n {
				break
			}
			choice[q] = 0
		}
	}
	return paths, !more
}

// ways yields the factors of the number of ways to answer a question: its
// number of options for a single-choice question, 2 for each option of a
// multiple-choice one.
func ways(s Situation) iter.Seq[int] {
	return func(yield func(int) bool) {
		if !s.Multiple {
			yield(len(s.Options))
			return
		}
		for range s.Options {
			if !yield(2) {
				return
			}
		}
	}
}
