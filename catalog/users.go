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
	if fe := passwordProblem(nu.Password); fe != nil {
		errs = append(errs, *fe)
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

// DeleteSession ends a session. An error means the session may still be
// live: the caller must say so rather than report a logout.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("token_hash = ?", tokenHash(token)).Delete(&sessionRow{}).Error
}

// MaxPasswordBytes is the longest password accepted, and the longest a
// login may send: Argon2 hashes whatever it is given.
const MaxPasswordBytes = 1024

// passwordProblem returns what is wrong with a new password, or nil.
func passwordProblem(password string) *FieldError {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordRunes:
		return &FieldError{Field: "password", Message: fmt.Sprintf(MsgPasswordShort, MinPasswordRunes)}
	case len(password) > MaxPasswordBytes:
		return &FieldError{Field: "password", Message: fmt.Sprintf(MsgPasswordLong, MaxPasswordBytes)}
	}
	return nil
}

// userByName returns the account row of name (disabled or not), or
// ErrNotFound.
func userByName(tx *gorm.DB, name string) (userRow, error) {
	var row userRow
	err := tx.Where("name = ?", name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, fmt.Errorf("user %s: %w", name, ErrNotFound)
	}
	return row, err
}

// endSessions deletes the sessions of a user but the one of keepToken
// ("" keeps none) and returns how many ended.
func endSessions(tx *gorm.DB, userID uint, keepToken string) (int, error) {
	q := tx.Where("user_id = ?", userID)
	if keepToken != "" {
		q = q.Where("token_hash <> ?", tokenHash(keepToken))
	}
	res := q.Delete(&sessionRow{})
	return int(res.RowsAffected), res.Error
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
		return 0, &ValidationError{Errors: []FieldError{*fe}}
	}
	hash, err := hashPassword(password)
	if err != nil {
		return 0, err
	}
	ended := 0
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
		return appendAudit(tx, AuditEntry{At: s.Now().UTC(), UserName: name, Action: AuditPassword,
			Detail: fmt.Sprintf(MsgSessionsEnded, ended)})
	})
	return ended, err
}

// SetDisabled disables or enables an account. A disabled account cannot
// sign in and its sessions end at once (SessionUser also refuses a
// disabled account's session). It returns how many sessions ended.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) (int, error) {
	ended := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := userByName(tx, name)
		if err != nil {
			return err
		}
		if err := tx.Model(&userRow{}).Where("id = ?", row.ID).Update("disabled", disabled).Error; err != nil {
			return err
		}
		action, detail := AuditUserEnable, ""
		if disabled {
			if ended, err = endSessions(tx, row.ID, ""); err != nil {
				return err
			}
			action, detail = AuditUserDisable, fmt.Sprintf(MsgSessionsEnded, ended)
		}
		return appendAudit(tx, AuditEntry{At: s.Now().UTC(), UserName: name, Action: action, Detail: detail})
	})
	return ended, err
}

// UserDisabled reports whether the account name is disabled (ErrNotFound
// when there is none).
func (s *Store) UserDisabled(ctx context.Context, name string) (bool, error) {
	row, err := userByName(s.db.WithContext(ctx), name)
	return row.Disabled, err
}

// SessionInfo describes a live session without its token: ID is the
// first characters of the token's hash, enough to tell sessions apart.
type SessionInfo struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// sessionIDLen is how many hex digits of a token hash name a session.
const sessionIDLen = 12

// Sessions lists the live sessions of an account, oldest first.
func (s *Store) Sessions(ctx context.Context, name string) ([]SessionInfo, error) {
	db := s.db.WithContext(ctx)
	row, err := userByName(db, name)
	if err != nil {
		return nil, err
	}
	var rows []sessionRow
	if err := db.Where("user_id = ? AND expires_at > ?", row.ID, s.Now().UTC()).Order("created_at, token_hash").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]SessionInfo, len(rows))
	for i, r := range rows {
		out[i] = SessionInfo{ID: r.TokenHash[:min(sessionIDLen, len(r.TokenHash))], Kind: r.Kind, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
	}
	return out, nil
}

// RevokeSessions ends every session of an account and returns how many
// ended.
func (s *Store) RevokeSessions(ctx context.Context, name string) (int, error) {
	ended := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := userByName(tx, name)
		if err != nil {
			return err
		}
		if ended, err = endSessions(tx, row.ID, ""); err != nil {
			return err
		}
		return appendAudit(tx, AuditEntry{At: s.Now().UTC(), UserName: name, Action: AuditSessionsRevoke,
			Detail: fmt.Sprintf(MsgSessionsEnded, ended)})
	})
	return ended, err
}
