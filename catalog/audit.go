package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Audit actions recorded in the append-only audit log.
const (
	AuditLogin       = "login"
	AuditLoginFailed = "login_failed"
	AuditLogout      = "logout"
	AuditCreate      = "create"
	AuditSaveDraft   = "save_draft"
	AuditSubmit      = "submit"
	AuditPublish     = "publish"
	AuditReject      = "reject"
	AuditImport      = "import"
	AuditUserAdd     = "user_add"
	// Account administration (zhinan user …).
	AuditPassword       = "user_passwd"
	AuditUserDisable    = "user_disable"
	AuditUserEnable     = "user_enable"
	AuditSessionsRevoke = "sessions_revoke"
)

// AuditEntry is one line of the audit log: who did what, when, to which
// item and edition, from where.
type AuditEntry struct {
	ID       uint      `json:"id"`
	At       time.Time `json:"at"`
	UserName string    `json:"user"`
	Action   string    `json:"action"`
	ItemCode string    `json:"item,omitempty"`
	Edition  int       `json:"edition,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	Remote   string    `json:"remote,omitempty"`
}

func (AuditEntry) TableName() string { return "audit_log" }

// appendAudit writes an audit entry inside the caller's transaction, so
// the log records exactly the changes that were committed. The log is
// append-only: nothing in zhinan updates or deletes its rows.
func appendAudit(tx *gorm.DB, e AuditEntry) error {
	e.ID = 0
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// MaxAuditInputRunes bounds a text an unauthenticated client chose (the
// user name of a failed login) in the audit log.
const MaxAuditInputRunes = 64

// auditEllipsis marks a text ClipAuditText cut.
const auditEllipsis = "…"

// ClipAuditText makes text sent by a client fit for the audit log: invalid
// UTF-8 and control characters become U+FFFD, and a text longer than
// MaxAuditInputRunes runes keeps its first MaxAuditInputRunes followed by
// "…". It reads no more of s than it keeps, so a megabyte costs nothing.
func ClipAuditText(s string) string {
	var b strings.Builder
	for i, n := 0, 0; i < len(s); n++ {
		if n == MaxAuditInputRunes {
			b.WriteString(auditEllipsis)
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsControl(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r) // an invalid byte decodes as RuneError, size 1
		i += size
	}
	return b.String()
}

// Audit appends one entry outside any other write (logins, logouts). Its
// texts may come from anonymous clients (a failed login's user name), so
// they are clipped with ClipAuditText.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.Now().UTC()
	}
	e.UserName, e.Detail, e.Remote = ClipAuditText(e.UserName), ClipAuditText(e.Detail), ClipAuditText(e.Remote)
	return appendAudit(s.db.WithContext(ctx), e)
}

// AuditFilter narrows an audit log read.
type AuditFilter struct {
	Since time.Time
	User  string
	Item  string
	Limit int
}

// maxAuditRows bounds one read of the audit log.
const maxAuditRows = 1000

// AuditLog returns audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := s.db.WithContext(ctx).Order("id DESC")
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if f.User != "" {
		q = q.Where("user_name = ?", f.User)
	}
	if f.Item != "" {
		q = q.Where("item_code = ?", f.Item)
	}
	limit := f.Limit
	if limit <= 0 || limit > maxAuditRows {
		limit = maxAuditRows
	}
	var out []AuditEntry
	err := q.Limit(limit).Find(&out).Error
	return out, err
}
