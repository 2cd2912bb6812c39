package feedback

import (
	"slices"
	"testing"
)

// State.Next offers exactly the moves CheckMove accepts, and a copy.
func TestStateNextIsWhatCheckMoveAccepts(t *testing.T) {
	all := []State{StateOpen, StateWorking, StateFixed, StateDeclined, StateVisited}
	for _, from := range all {
		next := from.Next()
		for _, to := range all {
			ok := CheckMove(from, Move{To: to, Reply: "理由"}) == nil
			if ok != slices.Contains(next, to) {
				t.Errorf("%s → %s: CheckMove accepts %v, Next offers %v", from, to, ok, next)
			}
		}
	}
	if n := StateVisited.Next(); len(n) != 0 {
		t.Errorf("a visited ticket moves on to %v", n)
	}
	n := StateOpen.Next()
	n[0] = StateVisited
	if StateOpen.Next()[0] != StateWorking {
		t.Error("Next hands out the table itself")
	}
}
