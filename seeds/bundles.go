package seeds

import (
	"bytes"
	"encoding/json"
	"fmt"

	"zhinan/catalog"
)

// bundlesFile holds the seed bundles (一件事一次办), one JSON object a line
// (data/TEMPLATES.md).
const bundlesFile = "data/bundles.jsonl"

// Bundles returns the seed catalogue's bundles (一件事一次办) in file order:
// life events such as a birth or opening a restaurant, each naming the
// catalogue entries of the seed templates it joins.
func Bundles() ([]catalog.Bundle, error) {
	b, err := dataFS.ReadFile(bundlesFile)
	if err != nil {
		return nil, err
	}
	var out []catalog.Bundle
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var bd catalog.Bundle
		if err := dec.Decode(&bd); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", bundlesFile, i+1, err)
		}
		out = append(out, bd)
	}
	return out, nil
}
