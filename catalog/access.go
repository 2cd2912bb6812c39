package catalog

// Roles of accounts (docs/contract.md#users-and-roles).
const (
	RoleAdmin    = "admin"
	RoleReviewer = "reviewer"
	RoleEditor   = "editor"
	RoleAuditor  = "auditor"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleReviewer, RoleEditor, RoleAuditor}

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
