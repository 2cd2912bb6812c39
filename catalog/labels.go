package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Label returns the Chinese name of an interchange field, or the field
// itself when it has none. A list element such as "materials[2].form" is
// named by its list and position: "申请材料第3项材料形式".
func Label(field string) string {
	if l, ok := FieldLabels[field]; ok {
		return l
	}
	return labelPath(field)
}

// SubLabel returns the Chinese name of a field of a list element
// (materials, steps, basis, fee items, FAQ).
func SubLabel(field string) string {
	if l, ok := subLabels[field]; ok {
		return l
	}
	return field
}

// labelPath names a list element's field, e.g. "materials[2].form" →
// "申请材料第3项材料形式".
func labelPath(field string) string {
	list, rest, ok := strings.Cut(field, "[")
	if !ok {
		return field
	}
	idx, sub, _ := strings.Cut(rest, "]")
	n, err := strconv.Atoi(idx)
	if err != nil {
		return field
	}
	out := fmt.Sprintf(msgListItem, Label(list), n+1)
	if sub = strings.TrimPrefix(sub, "."); sub != "" {
		out += SubLabel(sub)
	}
	return out
}
