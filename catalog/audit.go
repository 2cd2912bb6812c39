package catalog

import (
	"context"
	"fmt"
	"time"

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

// Audit appends one entry outside any other write (logins, logouts).
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.Now().UTC()
	}
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
