package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// The change log (操作日志, the table audit_log) records every change of
// the catalogue, every login, failed login and logout and every account
// command: who did what, when, to which item and edition, from where. It
// is append-only: nothing in zhinan updates or deletes its rows.

// Operations recorded in the change log (ChangeEntry.Action).
const (
	OpLogin       = "login"
	OpLoginFailed = "login_failed"
	OpLogout      = "logout"
	OpCreate      = "create"
	OpSaveDraft   = "save_draft"
	OpSubmit      = "submit"
	OpPublish     = "publish"
	OpReject      = "reject"
	OpWithdraw    = "withdraw" // a published item taken out of the catalogue (Withdraw)
	OpImport      = "import"
	OpUserAdd     = "user_add"
	// Account administration (zhinan user …).
	OpPassword       = "user_passwd"
	OpUserDisable    = "user_disable"
	OpUserEnable     = "user_enable"
	OpSessionsRevoke = "sessions_revoke"
	// OpTicket is a step on a feedback ticket (store.MoveTicket).
	OpTicket = "ticket"
	// System tokens (store/tokens.go): created, revoked, and one entry
	// per window of a token's reads (the writes are logged as anyone's,
	// with the token as actor).
	OpTokenAdd    = "token_add"
	OpTokenRevoke = "token_revoke"
	OpTokenReads  = "token_reads"
)

// Ops lists every operation of the change log.
var Ops = []string{OpLogin, OpLoginFailed, OpLogout, OpCreate, OpSaveDraft, OpSubmit, OpPublish, OpReject, OpWithdraw,
	OpImport, OpUserAdd, OpPassword, OpUserDisable, OpUserEnable, OpSessionsRevoke,
	OpBundleCreate, OpBundleSave, OpBundleSubmit, OpBundlePublish, OpBundleReject, OpTicket,
	OpTokenAdd, OpTokenRevoke, OpTokenReads}

// ChangeEntry is one line of the change log: who did what, when, to which
// item and edition, from where.
type ChangeEntry struct {
	ID       uint      `json:"id"`
	At       time.Time `json:"at"`
	UserName string    `json:"user"`
	Action   string    `json:"action"`
	ItemCode string    `json:"item,omitempty"`
	Edition  int       `json:"edition,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	Remote   string    `json:"remote,omitempty"`
}

// TableName is the change log's table, named audit_log since schema
// version 3.
func (ChangeEntry) TableName() string { return "audit_log" }

// appendChange writes a change-log entry inside the caller's transaction,
// so the log records exactly the changes that were committed.
func appendChange(tx *gorm.DB, e ChangeEntry) error {
	e.ID = 0
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("write change log: %w", err)
	}
	return nil
}

// publishDetail is the change-log detail of a publish: the edition's
// change note, then one line per warning rule (in rules' order) the
// reviewer overrode, with the reason.
func publishDetail(note string, rules []string, overrides map[string]string) string {
	lines := []string{}
	if note != "" {
		lines = append(lines, note)
	}
	for _, r := range rules {
		if reason, ok := overrides[r]; ok {
			lines = append(lines, fmt.Sprintf(catalog.MsgOverrideLog, catalog.CheckTitle(r), r, reason))
		}
	}
	return strings.Join(lines, "\n")
}

// MaxChangeLogInputRunes bounds a text an unauthenticated client chose (the
// user name of a failed login) in the change log.
const MaxChangeLogInputRunes = 64

// ClipChangeLogText makes text sent by a client fit for the change log:
// invalid UTF-8 and control characters become U+FFFD, and a text longer
// than MaxChangeLogInputRunes runes keeps its first MaxChangeLogInputRunes
// followed by "…". It reads no more of s than it keeps, so a megabyte costs
// nothing.
func ClipChangeLogText(s string) string {
	var b strings.Builder
	for i, n := 0, 0; i < len(s); n++ {
		if n == MaxChangeLogInputRunes {
			b.WriteString(clipEllipsis)
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

// LogChange appends one entry outside any other write (logins, logouts). Its
// texts may come from anonymous clients (a failed login's user name), so
// they are clipped with ClipChangeLogText.
func (s *Store) LogChange(ctx context.Context, e ChangeEntry) error {
	if e.At.IsZero() {
		e.At = s.Now().UTC()
	}
	e.UserName, e.Detail, e.Remote = ClipChangeLogText(e.UserName), ClipChangeLogText(e.Detail), ClipChangeLogText(e.Remote)
	return appendChange(s.db.WithContext(ctx), e)
}

// ChangeFilter narrows a change log read.
type ChangeFilter struct {
	Since time.Time
	User  string
	Item  string
	Limit int
}

// maxChangeLogRows bounds one read of the change log.
const maxChangeLogRows = 1000

// ChangeLog returns change-log entries, newest first.
func (s *Store) ChangeLog(ctx context.Context, f ChangeFilter) ([]ChangeEntry, error) {
	if !storableText(f.User, f.Item) {
		return []ChangeEntry{}, nil
	}
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
	if limit <= 0 || limit > maxChangeLogRows {
		limit = maxChangeLogRows
	}
	var out []ChangeEntry
	err := q.Limit(limit).Find(&out).Error
	return out, err
}
