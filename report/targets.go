package report

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

//go:embed data/targets.json
var defaultTargets []byte

// TargetsFile is the name of a data directory's own targets, which
// replace the defaults when present.
const TargetsFile = "targets.json"

// Targets are the minimum rates (percent) by rate id, e.g. one_visit_rate
// 60; a rate without a target is not judged.
type Targets map[string]float64

// LoadTargets reads DIR/targets.json, or the embedded defaults when the
// data directory has none.
func LoadTargets(dataDir string) (Targets, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, TargetsFile))
	if errors.Is(err, os.ErrNotExist) {
		b = defaultTargets
	} else if err != nil {
		return nil, err
	}
	return parseTargets(b)
}

func parseTargets(b []byte) (Targets, error) {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	t := Targets{}
	for k, v := range raw {
		if k == "_comment" {
			continue
		}
		f, ok := v.(float64)
		if !ok || f < 0 || f > 100 || !slices.Contains(RateIDs, k) {
			return nil, fmt.Errorf("targets: %s: want one of %v with a percentage", k, RateIDs)
		}
		t[k] = f
	}
	return t, nil
}

// below returns the rate ids of a row under their target.
func (t Targets) below(r *Row) []string {
	var out []string
	for _, id := range RateIDs {
		target, ok := t[id]
		if !ok {
			continue
		}
		if v := r.Rate(id); v != nil && *v < target {
			out = append(out, id)
		}
	}
	return out
}
