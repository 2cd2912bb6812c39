package catalog

import "time"

// Bundles (一件事一次办): a life event — a birth, opening a restaurant, a
// retirement — is several catalogue entries in several departments that a
// citizen does as one service (docs/contract.md#bundles). A bundle names the
// entries, not items: each step is resolved to the item of the citizen's
// region (ResolveStep), so one bundle serves the city and every county.

// Bundle is one life event as the catalogue publishes it.
type Bundle struct {
	// Code is the bundle's key in URLs and interchange: letters, digits,
	// '-' and '_' ("birth", "YJS-001").
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Themes      []string `json:"themes,omitempty"`
	// AskPhrases are how citizens name the life event ("生孩子", "开饭店"):
	// search finds the bundle by them.
	AskPhrases []string       `json:"ask_phrases,omitempty"`
	Steps      []BundleStep   `json:"steps"`
	Form       string         `json:"form,omitempty"`  // the merged application form (一表申请), its name or address
	Links      []MaterialLink `json:"links,omitempty"` // materials known to be the same under different names
}

// BundleStep is one step of a bundle: a catalogue entry (基本目录事项) by its
// base code, or one of several alternative entries (Or: 个体工商户登记 or 企业设立登记).
// Steps of one Stage may run in parallel; stages follow each other in
// ascending order.
type BundleStep struct {
	BaseCode string   `json:"base_code"`
	Or       []string `json:"or,omitempty"`   // alternative entries that serve instead
	Name     string   `json:"name,omitempty"` // the step's label; the entry's name when empty
	Stage    int      `json:"stage"`
}

// MaterialLink says that materials written under different names in the
// member guides are one material of the merged list, shown as Name.
type MaterialLink struct {
	Name string   `json:"name"`
	Same []string `json:"same"`
}

// PublishedBundle is a bundle's current published edition.
type PublishedBundle struct {
	Bundle
	Edition   int       `json:"edition"`
	UpdatedAt time.Time `json:"updated_at"`
}
