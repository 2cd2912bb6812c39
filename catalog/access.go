package catalog

// Roles of accounts (docs/contract.md#users-and-roles).
const (
	RoleAdmin    = "admin"
	RoleReviewer = "reviewer"
	RoleEditor   = "editor"
	RoleAuditor  = "auditor"
	// RoleBundle (一件事编辑) edits the city's bundles (一件事一次办) and
	// nothing else: bundles are city-wide, not a department's.
	RoleBundle = "bundle"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleReviewer, RoleEditor, RoleAuditor, RoleBundle}

// User is an account as the domain sees it: who acts, in which role and
// scope. Editors are scoped to one department, reviewers to a region and
// its descendants (or everything when Region is empty).
type User struct {
	ID           uint   `json:"-"`
	Name         string `json:"user"`
	Role         string `json:"role"`
	DepartmentID uint   `json:"-"`
	Department   string `json:"department,omitempty"` // the editor's department name
	Region       string `json:"region,omitempty"`     // the editor's department region, or the reviewer's region
}

// Actions a user may take on an item.
const (
	ActionRead    = "read"    // read drafts, history and findings
	ActionEdit    = "edit"    // create, save and submit drafts
	ActionReview  = "review"  // publish or reject submitted editions
	ActionAudit   = "audit"   // read the change log (操作日志) and reports
	ActionReport  = "report"  // read the conformance and quality reports
	ActionAccount = "account" // manage accounts
)

// Allowed is the one place where the access policy is written: whether u
// may take action on an item of department deptID in region, where
// inRegion reports whether region lies within the user's region (the
// caller resolves the region tree). Anonymous users (nil) may do none of
// these: they see only published guides.
func Allowed(u *User, action string, deptID uint, inRegion bool) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleAuditor:
		return action == ActionRead || action == ActionAudit || action == ActionReport
	case RoleReviewer:
		if action == ActionReport { // docs/contract.md#users-and-roles: reviewers, auditors and admins read the findings
			return true
		}
		return (action == ActionRead || action == ActionReview) && (u.Region == "" || inRegion)
	case RoleEditor:
		return (action == ActionRead || action == ActionEdit) && u.DepartmentID != 0 && deptID == u.DepartmentID
	}
	return false
}

// AllowedBundle is the access policy of bundles (一件事一次办), which are
// city-wide: no department owns one. An admin may do everything; a bundle
// editor (RoleBundle) may read and edit (create, save, submit); a reviewer
// may read and review (publish, reject) only when their scope is the whole
// catalogue — no region (Region == ""), or a region that is the root of the
// catalogue, which the caller reports as wholeCatalogue (the store: the
// region is the seed city 610900 or has no parent among the regions of the
// stored items, see store.Store.ReviewsWholeCatalogue); an auditor may read;
// editors of items, anonymous users (nil) and anyone else may do none of
// these: the public sees published bundles only.
func AllowedBundle(u *User, action string, wholeCatalogue bool) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleBundle:
		return action == ActionRead || action == ActionEdit
	case RoleReviewer:
		return (action == ActionRead || action == ActionReview) && (u.Region == "" || wholeCatalogue)
	case RoleAuditor:
		return action == ActionRead
	}
	return false
}

// AccessError is the ErrForbidden of an item the user may not act on: it
// names the department and region that own the item, so that a page can
// say why (errors.Is(err, ErrForbidden) holds).
type AccessError struct {
	Department string // the owning department's name
	Region     string // the item's region code
}

func (e *AccessError) Error() string { return "forbidden: the item is " + e.Department + "'s" }

// Is makes an AccessError an ErrForbidden.
func (e *AccessError) Is(target error) bool { return target == ErrForbidden }
