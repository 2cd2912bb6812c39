package catalog

// Classification flag ids (docs/contract.md#classifications).
const (
	FlagImmediate     = "immediate"
	FlagOnline        = "online"
	FlagFullOnline    = "full_online"
	FlagNearby        = "nearby"
	FlagOneVisit      = "one_visit"
	FlagZeroVisit     = "zero_visit"
	FlagInHall        = "in_hall"
	FlagCrossProvince = "cross_province"
	FlagCommitment    = "commitment"
)

// Classification is one derived list an item may belong to (马上办, 网上办 …).
type Classification struct {
	ID    string // stable id used in the API and the index
	Label string // full Chinese label, e.g. 最多跑一次（一次办）
	Short string // short Chinese label for badges
}

// FlagIDs lists every classification id in display order.
var FlagIDs = []string{
	FlagOneVisit, FlagOnline, FlagImmediate, FlagNearby, FlagZeroVisit,
	FlagFullOnline, FlagInHall, FlagCrossProvince, FlagCommitment,
}

// Classifications returns every classification in display order.
func Classifications() []Classification {
	out := make([]Classification, len(FlagIDs))
	for i, id := range FlagIDs {
		out[i] = Classification{ID: id, Label: classificationLabels[id], Short: classificationShort[id]}
	}
	return out
}

// FlagLabel returns the full Chinese label of a classification id, or ""
// when the id is unknown.
func FlagLabel(id string) string { return classificationLabels[id] }

// FlagShort returns the short Chinese label of a classification id.
func FlagShort(id string) string { return classificationShort[id] }

// IsFlag reports whether id names a classification.
func IsFlag(id string) bool { _, ok := classificationLabels[id]; return ok }

// Flags derives the classifications of an item from its guide fields, in
// the order of FlagIDs. It is the only place these rules are written: lists,
// search facets and coverage ratios all come from it, so a list can never
// contradict the guide. A rule on an absent field does not hold.
func Flags(it *Item) []string {
	var out []string
	for _, id := range FlagIDs {
		if HasFlag(it, id) {
			out = append(out, id)
		}
	}
	return out
}

// HasFlag reports whether the item belongs to the classification id.
func HasFlag(it *Item, id string) bool {
	switch id {
	case FlagImmediate:
		return it.Handling == Immediate
	case FlagOnline:
		return it.OnlineDepth != nil && *it.OnlineDepth >= 3
	case FlagFullOnline:
		return it.OnlineDepth != nil && *it.OnlineDepth == 4
	case FlagNearby:
		return isTrue(it.Nearby)
	case FlagOneVisit:
		return it.Visits != nil && *it.Visits <= 1
	case FlagZeroVisit:
		return it.Visits != nil && *it.Visits == 0
	case FlagInHall:
		return isTrue(it.InHall)
	case FlagCrossProvince:
		return isTrue(it.CrossProvince)
	case FlagCommitment:
		return isTrue(it.Commitment)
	}
	return false
}

// OnApplication reports whether items of type t are handled on application
// (依申请), the denominator of every coverage rate.
func OnApplication(t string) bool { return !exOfficioTypes[t] && contains(Types, t) }

func isTrue(b *bool) bool { return b != nil && *b }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
