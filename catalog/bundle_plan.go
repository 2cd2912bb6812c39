package catalog

// BundleMember is one step of a bundle resolved in a region: the step and
// the published item of its entry in that region or the nearest region
// above it that has one (nil when neither the region nor any region above
// it has an item of the entry).
type BundleMember struct {
	Step BundleStep `json:"step"`
	Item *Item      `json:"item,omitempty"`
}

// CriticalPath is how many working days the bundle takes at most when every
// step keeps its promise: the sum over the stages, in order, of the longest
// promised_days among the stage's steps (steps of one stage run in
// parallel). complete is false when a member has no item or its item no
// promised_days: the number is then a lower bound.
func CriticalPath(members []BundleMember) (days int, complete bool) {
	return stageSum(members, func(it *Item) *int { return it.PromisedDays })
}

// TotalVisits is how many times the citizen goes to an office for the whole
// bundle: the sum over the stages of the most visits any step of the stage
// needs (the steps of one stage are done together, in one visit to the
// hall). complete is false when a member has no item or its item no visits.
func TotalVisits(members []BundleMember) (visits int, complete bool) {
	return stageSum(members, func(it *Item) *int { return it.Visits })
}

// stageSum sums, over the stages of members in ascending order, the largest
// value of field among the stage's items.
func stageSum(members []BundleMember, field func(*Item) *int) (sum int, complete bool) {
	complete = true
	most := map[int]int{} // stage → its largest value
	for _, m := range members {
		var v *int
		if m.Item != nil {
			v = field(m.Item)
		}
		if v == nil {
			complete = false
			if _, ok := most[m.Step.Stage]; !ok {
				most[m.Step.Stage] = 0
			}
			continue
		}
		if cur, ok := most[m.Step.Stage]; !ok || *v > cur {
			most[m.Step.Stage] = *v
		}
	}
	for _, v := range most {
		sum += v
	}
	return sum, complete
}

// Entries returns the base codes the step may be done by: its entry, then
// its alternatives.
func (s BundleStep) Entries() []string {
	return append([]string{s.BaseCode}, s.Or...)
}
