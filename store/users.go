package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// userRow is a row of the users table: an account with its password hash.
type userRow struct {
	ID           uint `gorm:"primaryKey"`
	Name         string
	PasswordHash string
	Role         string
	DepartmentID uint
	Region       string
	Demo         bool
	Disabled     bool
	CreatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

// NewUser describes an account to create.
type NewUser struct {
	Name       string
	Role       string
	Department string // editors: the department's name
	Region     string // editors: the department's region; reviewers: their region ("" = everywhere)
	Password   string
	Demo       bool // a clearly marked demonstration account
}

var userNameRE = regexp.MustCompile(`^[A-Za-z0-9_.\-\p{Han}]{2,32}$`)

// AddUser creates an account, hashing its password with Argon2id. Editors
// need an existing department; reviewers may have a region.
func (s *Store) AddUser(ctx context.Context, nu NewUser) (*catalog.User, error) {
	var errs []catalog.FieldError
	if !userNameRE.MatchString(nu.Name) {
		errs = append(errs, catalog.FieldError{Field: "name", Message: MsgUserName})
	}
	if !slices.Contains(catalog.Roles, nu.Role) {
		errs = append(errs, catalog.FieldError{Field: "role", Message: catalog.EnumMessage(catalog.Roles)})
	}
	if fe := passwordProblem(nu.Password); fe != nil {
		errs = append(errs, *fe)
	}
	row := userRow{Name: nu.Name, Role: nu.Role, Demo: nu.Demo, CreatedAt: s.Now().UTC()}
	deptID, region, serrs, err := s.accountScope(ctx, nu.Role, nu.Department, nu.Region)
	if err != nil {
		return nil, err
	}
	errs = append(errs, serrs...)
	row.DepartmentID, row.Region = deptID, region
	if len(errs) > 0 {
		return nil, &catalog.ValidationError{Errors: errs}
	}
	hash, err := hashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	row.PasswordHash = hash
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("name = ?", nu.Name).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("user %s: %w", nu.Name, catalog.ErrConflict)
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: row.CreatedAt, UserName: nu.Name, Action: OpUserAdd, Detail: nu.Role})
	})
	if err != nil {
		return nil, err
	}
	return s.userFromRow(ctx, row)
}

// accountScope checks the scope of an account or a system token of role:
// an editor needs an existing department (its name, in region); a
// reviewer may have a region ("" = everywhere); other roles have none. It
// returns the department's id and the region to store, or the fields
// that are wrong.
func (s *Store) accountScope(ctx context.Context, role, dept, region string) (uint, string, []catalog.FieldError, error) {
	switch role {
	case catalog.RoleEditor:
		if dept == "" || region == "" {
			return 0, region, []catalog.FieldError{{Field: "department", Message: MsgEditorDepartment}}, nil
		}
		var d departmentRow
		err := s.db.WithContext(ctx).Where("region = ? AND name = ?", region, dept).Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return 0, region, []catalog.FieldError{{Field: "department", Message: fmt.Sprintf(MsgUnknownDepartment, dept, region)}}, nil
		} else if err != nil {
			return 0, region, nil, err
		}
		return d.ID, region, nil, nil
	case catalog.RoleReviewer:
		if region != "" {
			if _, err := s.Region(ctx, region); err != nil {
				return 0, region, []catalog.FieldError{{Field: "region", Message: fmt.Sprintf(catalog.MsgUnknownRegion, region)}}, nil
			}
		}
		return 0, region, nil, nil
	}
	return 0, "", nil, nil
}

func (s *Store) userFromRow(ctx context.Context, row userRow) (*catalog.User, error) {
	u := &catalog.User{ID: row.ID, Name: row.Name, Role: row.Role, DepartmentID: row.DepartmentID, Region: row.Region}
	if row.DepartmentID != 0 {
		d, err := s.Department(ctx, row.DepartmentID)
		if err != nil {
			return nil, err
		}
		u.Department, u.Region = d.Name, d.Region
	}
	return u, nil
}

// ErrBadCredentials means the name or the password is wrong (which one is
// not said).
var ErrBadCredentials = errors.New("wrong user name or password")

// dummyHash is checked when the user does not exist, so that a wrong name
// takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("zhinan-timing-equaliser")
	return h
})

// Authenticate checks a name and password.
func (s *Store) Authenticate(ctx context.Context, name, password string) (*catalog.User, error) {
	var row userRow
	err := gorm.ErrRecordNotFound // a name that cannot be stored names nobody
	if storableText(name) {
		err = s.db.WithContext(ctx).Where("name = ? AND disabled = ?", name, false).Take(&row).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		checkPassword(dummyHash(), password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := checkPassword(row.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	return s.userFromRow(ctx, row)
}

// MaxPasswordBytes is the longest password accepted, and the longest a
// login may send: Argon2 hashes whatever it is given.
const MaxPasswordBytes = 1024

// passwordProblem returns what is wrong with a new password, or nil.
func passwordProblem(password string) *catalog.FieldError {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordRunes:
		return &catalog.FieldError{Field: "password", Message: fmt.Sprintf(MsgPasswordShort, MinPasswordRunes)}
	case len(password) > MaxPasswordBytes:
		return &catalog.FieldError{Field: "password", Message: fmt.Sprintf(MsgPasswordLong, MaxPasswordBytes)}
	}
	return nil
}

// userByName returns the account row of name (disabled or not), or
// catalog.ErrNotFound.
func userByName(tx *gorm.DB, name string) (userRow, error) {
	var row userRow
	err := gorm.ErrRecordNotFound // a name that cannot be stored names nobody
	if storableText(name) {
		err = tx.Where("name = ?", name).Take(&row).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, fmt.Errorf("user %s: %w", name, catalog.ErrNotFound)
	}
	return row, err
}

// SetPassword replaces an account's password and ends all its sessions.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	_, err := s.ChangePassword(ctx, name, password, "")
	return err
}

// ChangePassword replaces an account's password and, in the same
// transaction, ends every session of the account except the one of
// keepToken (the session that changed it; "" for none): whoever held the
// old password is signed out. It returns how many sessions ended.
func (s *Store) ChangePassword(ctx context.Context, name, password, keepToken string) (int, error) {
	if fe := passwordProblem(password); fe != nil {
		return 0, &catalog.ValidationError{Errors: []catalog.FieldError{*fe}}
	}
	hash, err := hashPassword(password)
	if err != nil {
		return 0, err
	}
	ended := 0
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		row, err := userByName(tx, name)
		if err != nil {
			return err
		}
		if err := tx.Model(&userRow{}).Where("id = ?", row.ID).Update("password_hash", hash).Error; err != nil {
			return err
		}
		if ended, err = endSessions(tx, row.ID, keepToken); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: s.Now().UTC(), UserName: name, Action: OpPassword,
			Detail: fmt.Sprintf(MsgSessionsEnded, ended)})
	})
	return ended, err
}

// SetDisabled disables or enables an account. A disabled account cannot
// sign in and its sessions end at once (SessionUser also refuses a
// disabled account's session). It returns how many sessions ended.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) (int, error) {
	ended := 0
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		row, err := userByName(tx, name)
		if err != nil {
			return err
		}
		if err := tx.Model(&userRow{}).Where("id = ?", row.ID).Update("disabled", disabled).Error; err != nil {
			return err
		}
		action, detail := OpUserEnable, ""
		if disabled {
			if ended, err = endSessions(tx, row.ID, ""); err != nil {
				return err
			}
			action, detail = OpUserDisable, fmt.Sprintf(MsgSessionsEnded, ended)
		}
		return appendChange(tx, ChangeEntry{At: s.Now().UTC(), UserName: name, Action: action, Detail: detail})
	})
	return ended, err
}

// UserDisabled reports whether the account name is disabled (catalog.ErrNotFound
// when there is none).
func (s *Store) UserDisabled(ctx context.Context, name string) (bool, error) {
	row, err := userByName(s.db.WithContext(ctx), name)
	return row.Disabled, err
}
