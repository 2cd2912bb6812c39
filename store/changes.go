package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zhinan/catalog"
)

// The change feed (docs/api.md#change-feed): the published changes of
// items, in change-sequence order, for the systems that copy the
// published catalogue (the 12345 hotline's knowledge base, the province
// platform). Every transaction that changes what the public sees of an
// item — a publish (PublishWith), an import's new published editions
// (swapStaged), a withdrawal (Withdraw) — writes one row of the table
// item_feed with the sequence value it stamps the item with, in the same
// transaction. Drafts, submits and rejects change nothing the public sees
// and write none.

// Kinds of published changes (FeedEntry.Kind).
const (
	// FeedCreated: the item enters the published catalogue — its first
	// publication, or its first after a withdrawal.
	FeedCreated = "created"
	// FeedUpdated: a new published edition replaces the item's published
	// edition.
	FeedUpdated = "updated"
	// FeedWithdrawn: the item was taken out of the published catalogue.
	FeedWithdrawn = "withdrawn"
)

// FeedKinds lists every kind of published change.
var FeedKinds = []string{FeedCreated, FeedUpdated, FeedWithdrawn}

// MaxFeedPage bounds one read of the change feed.
const MaxFeedPage = 1000

// FeedEntry is one published change of an item.
type FeedEntry struct {
	// Seq is the change sequence value of the write that made it.
	Seq  int64  `json:"seq"`
	Code string `json:"code"`
	// Edition is the published edition (created, updated); 0 for a
	// withdrawal.
	Edition int       `json:"edition,omitempty"`
	Kind    string    `json:"kind"`
	At      time.Time `json:"time"`
}

// feedRow is a row of the table item_feed.
type feedRow struct {
	Seq     int64 `gorm:"primaryKey;autoIncrement:false"`
	Code    string
	Edition int
	Kind    string
	At      time.Time
}

func (feedRow) TableName() string { return "item_feed" }

// publishKind is the kind of a publication of an item whose published
// edition was published (0: none) before it.
func publishKind(published int) string {
	if published > 0 {
		return FeedUpdated
	}
	return FeedCreated
}

// appendFeed writes one published change inside the caller's transaction.
func appendFeed(tx *gorm.DB, seq int64, code string, edition int, kind string, at time.Time) error {
	if err := tx.Create(&feedRow{Seq: seq, Code: code, Edition: edition, Kind: kind, At: at.UTC()}).Error; err != nil {
		return fmt.Errorf("write change feed: %w", err)
	}
	return nil
}

// PublishedChanges returns up to limit (at most MaxFeedPage) published
// changes numbered above since, in sequence order.
func (s *Store) PublishedChanges(ctx context.Context, since int64, limit int) ([]FeedEntry, error) {
	limit = feedLimit(limit)
	var rows []feedRow
	if err := s.db.WithContext(ctx).Where("seq > ?", since).Order("seq").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read change feed: %w", err)
	}
	out := make([]FeedEntry, len(rows))
	for i, r := range rows {
		out[i] = FeedEntry{Seq: r.Seq, Code: r.Code, Edition: r.Edition, Kind: r.Kind, At: r.At.UTC()}
	}
	return out, nil
}

// FeedChange is a published change with, for a created or updated one,
// the guide of the edition it published.
type FeedChange struct {
	FeedEntry
	Item *catalog.Item // nil for a withdrawal
}

// PublishedChangeDocuments is PublishedChanges with the guide of each
// published edition, for `zhinan export --since`.
func (s *Store) PublishedChangeDocuments(ctx context.Context, since int64, limit int) ([]FeedChange, error) {
	limit = feedLimit(limit)
	var rows []struct {
		Seq     int64
		Code    string
		Edition int
		Kind    string
		At      time.Time
		Guide   *string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT f.seq, f.code, f.edition, f.kind, f.at, e.guide FROM item_feed f
		LEFT JOIN editions e ON e.item_code = f.code AND e.number = f.edition AND f.edition > 0
		WHERE f.seq > ? ORDER BY f.seq LIMIT ?`, since, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read change feed: %w", err)
	}
	out := make([]FeedChange, len(rows))
	for i, r := range rows {
		out[i].FeedEntry = FeedEntry{Seq: r.Seq, Code: r.Code, Edition: r.Edition, Kind: r.Kind, At: r.At.UTC()}
		if r.Kind == FeedWithdrawn {
			continue
		}
		if r.Guide == nil {
			return nil, fmt.Errorf("change %d: item %s has no edition %d", r.Seq, r.Code, r.Edition)
		}
		it, err := catalog.DecodeGuide(*r.Guide)
		if err != nil {
			return nil, fmt.Errorf("item %s edition %d: %w", r.Code, r.Edition, err)
		}
		out[i].Item = it
	}
	return out, nil
}

// feedLimit is limit within 1..MaxFeedPage (MaxFeedPage when not
// positive).
func feedLimit(limit int) int {
	if limit <= 0 || limit > MaxFeedPage {
		return MaxFeedPage
	}
	return limit
}
