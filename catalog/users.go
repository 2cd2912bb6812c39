package catalog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Session kinds: a browser session (HttpOnly cookie) or an API token for
// scripts (Authorization: Bearer).
const (
	SessionCookie = "cookie"
	SessionToken  = "token"
)

// Session lifetimes.
const (
	CookieSessionTTL = 12 * time.Hour
	TokenSessionTTL  = 30 * 24 * time.Hour
)

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

type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    uint
	Kind      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

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
func (s *Store) AddUser(ctx context.Context, nu NewUser) (*User, error) {
	var errs []FieldError
	if !userNameRE.MatchString(nu.Name) {
		errs = append(errs, FieldError{Field: "name", Message: MsgUserName})
	}
	if !slices.Contains(Roles, nu.Role) {
		errs = append(errs, FieldError{Field: "role", Message: enumMessage(Roles)})
	}
	if utf8.RuneCountInString(nu.Password) < MinPasswordRunes {
		errs = append(errs, FieldError{Field: "password", Message: fmt.Sprintf(MsgPasswordShort, MinPasswordRunes)})
	}
	row := userRow{Name: nu.Name, Role: nu.Role, Region: nu.Region, Demo: nu.Demo, CreatedAt: s.Now().UTC()}
	switch nu.Role {
	case RoleEditor:
		if nu.Department == "" || nu.Region == "" {
			errs = append(errs, FieldError{Field: "department", Message: MsgEditorDepartment})
			break
		}
		var d departmentRow
		err := s.db.WithContext(ctx).Where("region = ? AND name = ?", nu.Region, nu.Department).Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			errs = append(errs, FieldError{Field: "department", Message: fmt.Sprintf(MsgUnknownDepartment, nu.Department, nu.Region)})
		} else if err != nil {
			return nil, err
		}
		row.DepartmentID = d.ID
	case RoleReviewer:
		if nu.Region != "" {
			if _, err := s.Region(ctx, nu.Region); err != nil {
				errs = append(errs, FieldError{Field: "region", Message: fmt.Sprintf(MsgUnknownRegion, nu.Region)})
			}
		}
	default:
		row.Region = ""
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Errors: errs}
	}
	hash, err := hashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	row.PasswordHash = hash
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("name = ?", nu.Name).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("user %s: %w", nu.Name, ErrConflict)
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return appendAudit(tx, AuditEntry{At: row.CreatedAt, UserName: nu.Name, Action: AuditUserAdd, Detail: nu.Role})
	})
	if err != nil {
		return nil, err
	}
	return s.userFromRow(ctx, row)
}

func (s *Store) userFromRow(ctx context.Context, row userRow) (*User, error) {
	u := &User{ID: row.ID, Name: row.Name, Role: row.Role, DepartmentID: row.DepartmentID, Region: row.Region}
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
func (s *Store) Authenticate(ctx context.Context, name, password string) (*User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Where("name = ? AND disabled = ?", name, false).Take(&row).Error
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

// tokenBytes is the entropy of a session token.
const tokenBytes = 32

// CreateSession starts a session for u and returns its token; only the
// token's hash is stored.
func (s *Store) CreateSession(ctx context.Context, u *User, kind string) (string, time.Time, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.Now().UTC()
	ttl := CookieSessionTTL
	if kind == SessionToken {
		ttl = TokenSessionTTL
	}
	row := sessionRow{TokenHash: tokenHash(token), UserID: u.ID, Kind: kind, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return "", time.Time{}, err
	}
	return token, row.ExpiresAt, nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SessionUser returns the user of a live session token, or ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, token string) (*User, string, error) {
	if token == "" {
		return nil, "", ErrNotFound
	}
	var sess sessionRow
	err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_at > ?", tokenHash(token), s.Now().UTC()).Take(&sess).Error
	if err != nil {
		return nil, "", notFound(err)
	}
	var row userRow
	if err := s.db.WithContext(ctx).Where("id = ? AND disabled = ?", sess.UserID, false).Take(&row).Error; err != nil {
		return nil, "", notFound(err)
	}
	u, err := s.userFromRow(ctx, row)
	return u, sess.Kind, err
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("token_hash = ?", tokenHash(token)).Delete(&sessionRow{}).Error
}

// SetPassword replaces an account's password.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordRunes {
		return &ValidationError{Errors: []FieldError{{Field: "password", Message: fmt.Sprintf(MsgPasswordShort, MinPasswordRunes)}}}
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("name = ?", name).Update("password_hash", hash)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
