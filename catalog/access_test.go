package catalog

import "testing"

func TestAccessPolicy(t *testing.T) {
	editor := &User{Role: RoleEditor, DepartmentID: 7}
	reviewer := &User{Role: RoleReviewer, Region: "610921"}
	cityReviewer := &User{Role: RoleReviewer}
	auditor := &User{Role: RoleAuditor}
	admin := &User{Role: RoleAdmin}
	for _, tc := range []struct {
		u        *User
		action   string
		dept     uint
		inRegion bool
		want     bool
	}{
		{nil, ActionRead, 7, true, false},
		{editor, ActionEdit, 7, false, true},
		{editor, ActionEdit, 8, true, false},
		{editor, ActionReview, 7, true, false},
		{editor, ActionAudit, 7, true, false},
		{reviewer, ActionReview, 1, true, true},
		{reviewer, ActionReview, 1, false, false},
		{reviewer, ActionEdit, 1, true, false},
		{cityReviewer, ActionReview, 1, false, true},
		{auditor, ActionRead, 1, false, true},
		{auditor, ActionAudit, 1, false, true},
		{auditor, ActionEdit, 1, true, false},
		{auditor, ActionReview, 1, true, false},
		{admin, ActionAccount, 0, false, true},
	} {
		if got := Allowed(tc.u, tc.action, tc.dept, tc.inRegion); got != tc.want {
			t.Errorf("Allowed(%+v, %s, %d, %v) = %v", tc.u, tc.action, tc.dept, tc.inRegion, got)
		}
	}
}

func TestBundleAccessPolicy(t *testing.T) {
	bundler := &User{Role: RoleBundle}
	editor := &User{Role: RoleEditor, DepartmentID: 7}
	countyReviewer := &User{Role: RoleReviewer, Region: "610921"}
	cityReviewer := &User{Role: RoleReviewer, Region: "610900"}
	anyReviewer := &User{Role: RoleReviewer}
	auditor := &User{Role: RoleAuditor}
	admin := &User{Role: RoleAdmin}
	for _, tc := range []struct {
		u      *User
		action string
		whole  bool
		want   bool
	}{
		{nil, ActionRead, true, false},
		{admin, ActionEdit, false, true},
		{admin, ActionReview, false, true},
		{bundler, ActionRead, false, true},
		{bundler, ActionEdit, false, true},
		{bundler, ActionReview, true, false},
		{editor, ActionRead, true, false},
		{editor, ActionEdit, true, false},
		{countyReviewer, ActionReview, false, false},
		{countyReviewer, ActionRead, false, false},
		{cityReviewer, ActionReview, true, true},
		{cityReviewer, ActionRead, true, true},
		{cityReviewer, ActionEdit, true, false},
		{anyReviewer, ActionReview, false, true},
		{auditor, ActionRead, false, true},
		{auditor, ActionEdit, true, false},
		{auditor, ActionReview, true, false},
	} {
		if got := AllowedBundle(tc.u, tc.action, tc.whole); got != tc.want {
			t.Errorf("AllowedBundle(%+v, %s, %v) = %v", tc.u, tc.action, tc.whole, got)
		}
	}
	// A bundle editor has no say over items.
	for _, a := range []string{ActionRead, ActionEdit, ActionReview} {
		if Allowed(bundler, a, 0, true) {
			t.Errorf("bundle editor may %s items", a)
		}
	}
}
