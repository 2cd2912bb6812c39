package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

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
