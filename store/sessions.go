package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
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

// sessionRow is a row of the sessions table: a live session, known by the
// hash of its token only.
type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    uint
	Kind      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// tokenBytes is the entropy of a session token.
const tokenBytes = 32

// CreateSession starts a session for u and returns its token; only the
// token's hash is stored.
func (s *Store) CreateSession(ctx context.Context, u *catalog.User, kind string) (string, time.Time, error) {
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
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return pruneSessions(tx, u.ID, now)
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, row.ExpiresAt, nil
}

// MaxSessionsPerUser bounds the live sessions of one account: a new one
// ends the oldest beyond it, so that logging in again and again cannot
// grow the store without bound.
const MaxSessionsPerUser = 50

// pruneSessions deletes the expired sessions of a user and, newest kept,
// those beyond MaxSessionsPerUser.
func pruneSessions(tx *gorm.DB, userID uint, now time.Time) error {
	var hashes []string
	err := tx.Raw(`SELECT token_hash FROM sessions WHERE user_id = ? AND expires_at > ?
		ORDER BY created_at DESC, token_hash`, userID, now).Scan(&hashes).Error
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	q := tx.Where("user_id = ?", userID)
	if len(hashes) > MaxSessionsPerUser {
		q = q.Where("expires_at <= ? OR token_hash IN ?", now, hashes[MaxSessionsPerUser:])
	} else {
		q = q.Where("expires_at <= ?", now)
	}
	if err := q.Delete(&sessionRow{}).Error; err != nil {
		return fmt.Errorf("end old sessions: %w", err)
	}
	return nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SessionUser returns the user of a live session token, or catalog.ErrNotFound.
func (s *Store) SessionUser(ctx context.Context, token string) (*catalog.User, string, error) {
	if token == "" {
		return nil, "", catalog.ErrNotFound
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
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		row, err := userByName(tx, name)
		if err != nil {
			return err
		}
		if ended, err = endSessions(tx, row.ID, ""); err != nil {
			return err
		}
		return appendChange(tx, ChangeEntry{At: s.Now().UTC(), UserName: name, Action: OpSessionsRevoke,
			Detail: fmt.Sprintf(MsgSessionsEnded, ended)})
	})
	return ended, err
}
