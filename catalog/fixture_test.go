package catalog

import (
	"encoding/json"
	"os"
)

// completeGuide returns a fresh copy of a realistic, complete and
// consistent guide (居民身份证换领 at the 汉滨区 public security bureau): it
// has no structural error and no guide-quality finding. Tests change one
// thing of it and assert exactly what that change produces. It is the
// guide of catalogtest.CompleteGuide, read from the same file (package
// catalogtest imports catalog, so catalog's own tests cannot import it).
func completeGuide() *Item {
	b, err := os.ReadFile("catalogtest/complete-guide.json")
	if err != nil {
		panic(err)
	}
	var it Item
	if err := json.Unmarshal(b, &it); err != nil {
		panic(err)
	}
	return &it
}
