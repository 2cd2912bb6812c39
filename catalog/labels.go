package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Label returns the Chinese name of an interchange field, or the field
// itself when it has none. A list element such as "materials[2].form" is
// named by its list and position: "申请材料第3项材料形式"; lists within list
// elements too: "situations[0].options[1].add[0]" is
// "情形第1项选项第2项增加材料第1项".
func Label(field string) string {
	if l, ok := FieldLabels[field]; ok {
		return l
	}
	return labelPath(field)
}

// SubLabel returns the Chinese name of a field of a list element
// (materials, steps, basis, fee items, FAQ, situations and their options).
func SubLabel(field string) string {
	if l, ok := subLabels[field]; ok {
		return l
	}
	return field
}

// labelPath names a list element's field, e.g. "materials[2].form" →
// "申请材料第3项材料形式", the list named by Label and what follows the
// element by SubLabel, a list in it by position again. A path it cannot
// read is returned as it is.
func labelPath(field string) string {
	list, rest, ok := strings.Cut(field, "[")
	if !ok {
		return field
	}
	out := Label(list)
	for {
		idx, sub, ok := strings.Cut(rest, "]")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 {
			return field
		}
		out = fmt.Sprintf(msgListItem, out, n+1)
		sub = strings.TrimPrefix(sub, ".")
		if sub == "" {
			return out
		}
		name, more, inner := strings.Cut(sub, "[")
		if !inner {
			return out + SubLabel(sub)
		}
		out += SubLabel(name)
		rest = more
	}
}
