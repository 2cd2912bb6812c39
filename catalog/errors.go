package catalog

import "errors"

// Sentinel errors of the domain. Callers test them with errors.Is; the web
// layer maps them to HTTP statuses and the CLI to exit messages.
var (
	// ErrNotFound means the region, department, entry, item or edition
	// asked for does not exist (HTTP 404).
	ErrNotFound = errors.New("not found")

	// ErrConflict means the change was made against a stale edition or
	// would break a uniqueness rule (HTTP 409).
	ErrConflict = errors.New("conflict")

	// ErrInvalid means the input breaks a structural rule; a
	// *ValidationError wraps it with every field error (HTTP 422).
	ErrInvalid = errors.New("invalid")

	// ErrForbidden means the user may not act on this item, department or
	// region (HTTP 403).
	ErrForbidden = errors.New("forbidden")
)
