package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// System tokens (系统令牌) let other systems — the 12345 hotline's
// knowledge base, the province platform, a hall's queue screens — call the
// API without a person's account: a named pseudo-account with a role and
// the scope of a user of that role (an editor's department, a reviewer's
// region), which catalog.Allowed judges as it judges a user. An admin
// creates one (zhinan token add, /admin/tokens), sees its secret once, and
// may revoke it; it may expire.
//
// The secret is stored as its SHA-256 only. A password needs a slow,
// salted hash (Argon2id, password.go) because people choose guessable
// ones; a token's secret is 32 random bytes from crypto/rand, so no
// dictionary or brute force can reach it from its hash and a fast hash is
// as safe — and lets a request find its token by the hash's index, one
// lookup, instead of comparing against every row (no timing to measure:
// the database compares hashes, and knowing where two hashes differ tells
// nothing about a secret).

// TokenPrefix begins every system token's secret, so that a client, a
// log scanner and authenticate tell it from a session token.
const TokenPrefix = "zn_"

// tokenActorPrefix names a token as an actor: editions' authors and the
// change log record "token:NAME".
const tokenActorPrefix = "token:"

// TokenActor is the actor name of token name in editions and the change
// log.
func TokenActor(name string) string { return tokenActorPrefix + name }

// MaxTokens bounds the tokens kept, revoked and expired ones included
// (their rows stay: the change log names them).
const MaxTokens = 1000

// ErrBadToken means a bearer token is unknown, revoked or expired (which
// one is said in the wrapping error, for the log only).
var ErrBadToken = errors.New("unknown, revoked or expired token")

// tokenRow is a row of api_tokens.
type tokenRow struct {
	ID           uint `gorm:"primaryKey"`
	Name         string
	SecretHash   string
	Role         string
	DepartmentID uint
	Region       string
	CreatedBy    string
	CreatedAt    time.Time
	ExpiresAt    *time.Time
	RevokedAt    *time.Time
	LastUsedAt   *time.Time
	LastUsedFrom string
}

func (tokenRow) TableName() string { return "api_tokens" }

// NewToken describes a system token to create.
type NewToken struct {
	Name       string
	Role       string
	Department string    // editors: the department's name
	Region     string    // editors: the department's region; reviewers: their region ("" = everywhere)
	ExpiresAt  time.Time // zero: never
	By         string    // the admin who creates it; "" from the command line
}

// TokenInfo describes a token without its secret.
type TokenInfo struct {
	Name         string     `json:"name"`
	Role         string     `json:"role"`
	Department   string     `json:"department,omitempty"`
	Region       string     `json:"region,omitempty"`
	CreatedBy    string     `json:"created_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
	LastUsedFrom string     `json:"last_used_from,omitempty"`
}

// Token states (TokenInfo.State).
const (
	TokenActive  = "active"
	TokenExpired = "expired"
	TokenRevoked = "revoked"
)

// State says whether the token works at now.
func (t TokenInfo) State(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return TokenRevoked
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return TokenExpired
	}
	return TokenActive
}

// AddToken creates a system token and returns its secret, which is
// stored nowhere: the caller shows it once.
func (s *Store) AddToken(ctx context.Context, nt NewToken) (string, *TokenInfo, error) {
	now := s.Now().UTC()
	var errs []catalog.FieldError
	if !userNameRE.MatchString(nt.Name) {
		errs = append(errs, catalog.FieldError{Field: "name", Message: MsgUserName})
	}
	if !slices.Contains(catalog.Roles, nt.Role) {
		errs = append(errs, catalog.FieldError{Field: "role", Message: catalog.EnumMessage(catalog.Roles)})
	}
	deptID, region, serrs, err := s.accountScope(ctx, nt.Role, nt.Department, nt.Region)
	if err != nil {
		return "", nil, err
	}
	errs = append(errs, serrs...)
	row := tokenRow{Name: nt.Name, Role: nt.Role, DepartmentID: deptID, Region: region, CreatedBy: nt.By, CreatedAt: now}
	if !nt.ExpiresAt.IsZero() {
		if !nt.ExpiresAt.After(now) {
			errs = append(errs, catalog.FieldError{Field: "expires", Message: MsgTokenExpiresPast})
		}
		e := nt.ExpiresAt.UTC()
		row.ExpiresAt = &e
	}
	if len(errs) > 0 {
		return "", nil, &catalog.ValidationError{Errors: errs}
	}
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	row.SecretHash = tokenHash(secret)
	err = s.writeTx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&tokenRow{}).Where("name = ?", nt.Name).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("token %s: %w", nt.Name, catalog.ErrConflict)
		}
		if err := tx.Model(&tokenRow{}).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxTokens {
			return &catalog.ValidationError{Errors: []catalog.FieldError{{Field: "name", Message: fmt.Sprintf(MsgTooManyTokens, MaxTokens)}}}
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: TokenActor(nt.Name), Action: OpTokenAdd,
			Detail: tokenAddDetail(row, nt.Department, nt.By)})
	})
	if err != nil {
		return "", nil, err
	}
	info, err := s.tokenInfo(ctx, row)
	return secret, info, err
}

// tokenAddDetail is the change-log detail of a token's creation: its
// role, scope, expiry and who created it.
func tokenAddDetail(row tokenRow, dept, by string) string {
	parts := []string{row.Role}
	if dept != "" && row.DepartmentID != 0 {
		parts = append(parts, dept)
	}
	if row.Region != "" {
		parts = append(parts, row.Region)
	}
	if row.ExpiresAt != nil {
		parts = append(parts, fmt.Sprintf(MsgTokenExpiresDetail, row.ExpiresAt.Format(time.DateOnly)))
	}
	return strings.Join(parts, " ") + "；" + byWhom(by)
}

// byWhom says who administered a token: the admin, or the command line.
func byWhom(by string) string {
	if by == "" {
		return MsgByCommandLine
	}
	return fmt.Sprintf(MsgByAdmin, by)
}

func (s *Store) tokenInfo(ctx context.Context, row tokenRow) (*TokenInfo, error) {
	t := &TokenInfo{Name: row.Name, Role: row.Role, Region: row.Region, CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt,
		ExpiresAt: row.ExpiresAt, RevokedAt: row.RevokedAt, LastUsedAt: row.LastUsedAt, LastUsedFrom: row.LastUsedFrom}
	if row.DepartmentID != 0 {
		d, err := s.Department(ctx, row.DepartmentID)
		if err != nil {
			return nil, err
		}
		t.Department, t.Region = d.Name, d.Region
	}
	return t, nil
}

// Tokens lists every token (at most MaxTokens), oldest first.
func (s *Store) Tokens(ctx context.Context) ([]TokenInfo, error) {
	var rows []tokenRow
	if err := s.db.WithContext(ctx).Order("created_at, id").Limit(MaxTokens).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]TokenInfo, 0, len(rows))
	for _, r := range rows {
		t, err := s.tokenInfo(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// TokenUser returns the pseudo-user of a token's secret at now: its
// actor name (TokenActor), role and scope, and the token's name. An
// unknown, revoked or expired token is ErrBadToken.
func (s *Store) TokenUser(ctx context.Context, secret string, now time.Time) (*catalog.User, string, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || !storableText(secret) {
		return nil, "", fmt.Errorf("%w: not a system token", ErrBadToken)
	}
	var row tokenRow
	err := s.db.WithContext(ctx).Where("secret_hash = ?", tokenHash(secret)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, "", fmt.Errorf("%w: unknown", ErrBadToken)
	}
	if err != nil {
		return nil, "", err
	}
	switch (TokenInfo{RevokedAt: row.RevokedAt, ExpiresAt: row.ExpiresAt}).State(now) {
	case TokenRevoked:
		return nil, row.Name, fmt.Errorf("%w: %s revoked", ErrBadToken, row.Name)
	case TokenExpired:
		return nil, row.Name, fmt.Errorf("%w: %s expired", ErrBadToken, row.Name)
	}
	u, err := s.userFromRow(ctx, userRow{Name: TokenActor(row.Name), Role: row.Role, DepartmentID: row.DepartmentID, Region: row.Region})
	return u, row.Name, err
}

// RevokeToken revokes a token at once: its next request is refused. A
// token already revoked is catalog.ErrConflict, an unknown one
// catalog.ErrNotFound. by is the admin ("" from the command line).
func (s *Store) RevokeToken(ctx context.Context, name, by string) error {
	now := s.Now().UTC()
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		var row tokenRow
		err := gorm.ErrRecordNotFound
		if storableText(name) {
			err = tx.Where("name = ?", name).Take(&row).Error
		}
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("token %s: %w", name, catalog.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if row.RevokedAt != nil {
			return fmt.Errorf("token %s is revoked: %w", name, catalog.ErrConflict)
		}
		if err := tx.Model(&tokenRow{}).Where("id = ?", row.ID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: now, UserName: TokenActor(name), Action: OpTokenRevoke, Detail: byWhom(by)})
	})
}

// TouchToken records a token's last use (time and client address) when
// it is later than the recorded one. The web layer calls it at most once
// a minute per token, not on every request.
func (s *Store) TouchToken(ctx context.Context, name string, at time.Time, from string) error {
	at = at.UTC()
	return s.db.WithContext(ctx).Model(&tokenRow{}).
		Where("name = ? AND (last_used_at IS NULL OR last_used_at < ?)", name, at).
		Updates(map[string]any{"last_used_at": at, "last_used_from": ClipChangeLogText(from)}).Error
}

// TokenReads is a window of a token's reads, coalesced into one change-log
// entry so that the log stays bounded however often a system reads.
type TokenReads struct {
	Name     string
	From, To time.Time // the window
	Count    int
	Remotes  []string // the client addresses, at most the caller's bound
	More     int      // addresses beyond Remotes
}

// LogTokenReads writes one change-log entry for a window of a token's
// reads: the count, the window and the addresses. The texts are the
// server's own (a token name, addresses it resolved), bounded by the
// caller, so they are not clipped as LogChange clips a client's.
func (s *Store) LogTokenReads(ctx context.Context, r TokenReads) error {
	remotes := strings.Join(r.Remotes, ", ")
	if r.More > 0 {
		remotes += fmt.Sprintf(MsgMoreAddresses, r.More)
	}
	detail := fmt.Sprintf(MsgTokenReads, r.Count, r.From.In(chinaTime).Format("2006-01-02 15:04"), r.To.In(chinaTime).Format("15:04"))
	e := ChangeEntry{At: s.Now().UTC(), UserName: TokenActor(r.Name), Action: OpTokenReads, Detail: detail, Remote: remotes}
	return appendChange(s.db.WithContext(ctx), e)
}

// MaxTokenDays bounds a token's lifetime given in days (ten years).
const MaxTokenDays = 3650

// ParseTokenExpiry reads a token's expiry as `zhinan token add --expires`
// and the admin page take it: "" for never, "90d" for that many days from
// now, or a day, 2027-06-30, through which the token works (it expires at
// the next midnight, China time). A wrong one is a field error on
// "expires".
func ParseTokenExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	bad := &catalog.ValidationError{Errors: []catalog.FieldError{{Field: "expires", Message: fmt.Sprintf(MsgTokenExpiresFormat, MaxTokenDays)}}}
	switch {
	case s == "":
		return time.Time{}, nil
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 1 || n > MaxTokenDays {
			return time.Time{}, bad
		}
		return now.Add(time.Duration(n) * 24 * time.Hour), nil
	}
	day, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
	if err != nil {
		return time.Time{}, bad
	}
	return day.AddDate(0, 0, 1), nil
}
