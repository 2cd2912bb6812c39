package catalog

import "time"

// Edition states (docs/contract.md#editions-and-workflow): every change to
// an item is a new edition, draft → submitted → published → superseded, or
// rejected; a published edition a reviewer takes out of the published
// catalogue (事项下架) is withdrawn.
const (
	StateDraft      = "draft"
	StateSubmitted  = "submitted"
	StatePublished  = "published"
	StateSuperseded = "superseded"
	StateRejected   = "rejected"
	StateWithdrawn  = "withdrawn"
)

// States lists every edition state.
var States = []string{StateDraft, StateSubmitted, StatePublished, StateSuperseded, StateRejected, StateWithdrawn}

// Published is an item's current published edition as citizens see it.
type Published struct {
	Item
	Flags     []string  `json:"flags"`
	Edition   int       `json:"edition"`
	UpdatedAt time.Time `json:"updated_at"`
	Seq       int64     `json:"-"`
}

// ExportFilter narrows the published items an export or a listing reads.
type ExportFilter struct {
	Region     string // only items of this region (not its children)
	Department string // only items of departments with this name
}

// Change is one item written since a point of the change sequence: a
// global, monotonically increasing number stamped on every item write, from
// which the search index and other processes catch up.
type Change struct {
	Code string
	Seq  int64
}
