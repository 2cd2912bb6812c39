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
	// RoleDesk (办不成事窗口) is a clerk of the hall's 办不成事 window: files
	// 办不成事 reports for citizens and answers the tickets no department
	// owns (reports naming no item, ratings of bundles).
	RoleDesk = "desk"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleReviewer, RoleEditor, RoleAuditor, RoleBundle, RoleDesk}

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

// ActionHandle is the action of answering a feedback ticket: taking it up,
// settling it (整改 or not) and recording the return visit (回访).
const ActionHandle = "handle"

// AllowedTicket is the access policy of feedback tickets (好差评,
// 指南有误, 办不成事; docs/contract.md#feedback): whether u may take
// action (ActionRead or ActionHandle) on a ticket of department deptID —
// 0 for the hall's 办不成事 desk — in a region inRegion reports as within
// the user's. The owning department's editors read and handle its
// tickets, the desk's clerks (RoleDesk) the desk's; reviewers read those
// of their region; auditors read all; admins do everything.
func AllowedTicket(u *User, action string, deptID uint, inRegion bool) bool {
	if u == nil || action != ActionRead && action != ActionHandle {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleAuditor:
		return action == ActionRead
	case RoleReviewer:
		return action == ActionRead && (u.Region == "" || inRegion)
	case RoleEditor:
		return deptID != 0 && u.DepartmentID != 0 && deptID == u.DepartmentID
	case RoleDesk:
		return deptID == 0
	}
	return false
}

// SeesContact says whether u may read the contact (phone) a citizen left
// on a ticket of department deptID: only those who answer it and the
// auditors (issue 17: never the public, never another department).
func SeesContact(u *User, deptID uint) bool {
	return u != nil && (u.Role == RoleAuditor || AllowedTicket(u, ActionHandle, deptID, false))
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
