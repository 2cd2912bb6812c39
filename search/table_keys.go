package search

import (
	"encoding/binary"
	"hash/maphash"
)

// The table finds a group by its digest and an item's row by its code.
// At a million varied items Go maps of them took 41 and 50 MB of the
// heap (a key, a value and the map's own words per entry); these tables
// hold only the number (4 bytes a slot, at most half the slots used) and
// read the key from the table itself. Both probe linearly.

// slotTable is the slots of a lookup: an entry's number + 1, 0 for an
// empty slot; n are in use.
type slotTable struct {
	slots []int32
	n     int
}

// room makes room for one more entry: when it would fill more than half
// the slots, they double and reinsert places the old entries again.
func (st *slotTable) room(reinsert func(s int32)) {
	if 2*(st.n+1) <= len(st.slots) {
		return
	}
	old := st.slots
	st.slots = make([]int32, max(64, 2*len(old)))
	for _, s := range old {
		if s != 0 {
			reinsert(s)
		}
	}
}

// groupKeys finds a group's index by its id. Groups are never taken out
// of the table, so it only grows.
type groupKeys struct{ slotTable }

func (k *groupKeys) home(id groupID) int {
	return int(binary.LittleEndian.Uint64(id[:8]) & uint64(len(k.slots)-1))
}

// find returns the index of the group of id.
func (k *groupKeys) find(t *table, id groupID) (int32, bool) {
	if len(k.slots) == 0 {
		return -1, false
	}
	mask := len(k.slots) - 1
	for i := k.home(id); ; i = (i + 1) & mask {
		s := k.slots[i]
		if s == 0 {
			return -1, false
		}
		if t.Groups[s-1].ID == id {
			return s - 1, true
		}
	}
}

// add records group gi (whose id is not recorded yet).
func (k *groupKeys) add(t *table, gi int32) {
	k.room(func(s int32) { k.put(t.Groups[s-1].ID, s) })
	k.put(t.Groups[gi].ID, gi+1)
	k.n++
}

func (k *groupKeys) put(id groupID, s int32) {
	mask := len(k.slots) - 1
	i := k.home(id)
	for k.slots[i] != 0 {
		i = (i + 1) & mask
	}
	k.slots[i] = s
}

// codeKeys finds an item's row by its code. Rows are taken out (remove)
// and reused, so an entry is deleted by moving the entries after it back
// (no tombstones).
type codeKeys struct {
	seed maphash.Seed
	slotTable
}

func newCodeKeys() codeKeys { return codeKeys{seed: maphash.MakeSeed()} }

func (k *codeKeys) home(code string) int {
	return int(maphash.String(k.seed, code) & uint64(len(k.slots)-1))
}

// slot returns the slot of code, or of the empty slot where it would go.
func (k *codeKeys) slot(t *table, code string) int {
	mask := len(k.slots) - 1
	i := k.home(code)
	for k.slots[i] != 0 && t.Rows[k.slots[i]-1].Code != code {
		i = (i + 1) & mask
	}
	return i
}

// find returns the row of code.
func (k *codeKeys) find(t *table, code string) (int32, bool) {
	if len(k.slots) == 0 {
		return -1, false
	}
	s := k.slots[k.slot(t, code)]
	return s - 1, s != 0
}

// add records row ri under its code (not recorded yet).
func (k *codeKeys) add(t *table, ri int32) {
	k.room(func(s int32) { k.slots[k.slot(t, t.Rows[s-1].Code)] = s })
	k.slots[k.slot(t, t.Rows[ri].Code)] = ri + 1
	k.n++
}

// delete forgets code; the caller then clears or reuses its row.
func (k *codeKeys) delete(t *table, code string) {
	if len(k.slots) == 0 {
		return
	}
	mask := len(k.slots) - 1
	i := k.slot(t, code)
	if k.slots[i] == 0 {
		return
	}
	k.n--
	// Move back each later entry of the run that may take the freed
	// slot: one whose home is not after the hole, cyclically.
	for j := (i + 1) & mask; k.slots[j] != 0; j = (j + 1) & mask {
		h := k.home(t.Rows[k.slots[j]-1].Code)
		if i <= j && (h <= i || h > j) || i > j && h <= i && h > j {
			k.slots[i] = k.slots[j]
			i = j
		}
	}
	k.slots[i] = 0
}
