package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Edition states (SPEC §2).
const (
	StateDraft      = "draft"
	StateSubmitted  = "submitted"
	StatePublished  = "published"
	StateSuperseded = "superseded"
	StateRejected   = "rejected"
)

// DatabaseFile is the name of the SQLite database inside a data directory.
const DatabaseFile = "zhinan.db"

// lockWait is how long a writer waits for another connection's write
// transaction (an import's swap, another server's save) before giving up
// with an error IsBusy recognises: well within the server's write
// timeout, so that a request that cannot write is answered (503) rather
// than dropped.
const lockWait = 10 * time.Second

// Store is the catalogue's database: the source of truth from which the
// search index and every report are derived.
type Store struct {
	db  *gorm.DB
	dir string // the data directory; "" when opened on a dialector
	// Now is the store's clock; tests replace it to write history.
	Now func() time.Time
}

// Open opens (creating if needed) the SQLite database in the data
// directory dir and brings its schema up to date. SQLite runs in WAL mode
// with a busy timeout, so an import in one process and a server in another
// can share the directory.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	dsn := "file:" + filepath.Join(dir, DatabaseFile) +
		fmt.Sprintf("?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=%d&_txlock=immediate&_foreign_keys=on",
			lockWait.Milliseconds())
	s, err := OpenDialector(sqlite.Open(dsn))
	if err != nil {
		return nil, err
	}
	s.dir = dir
	removeStaleStages(dir)
	return s, nil
}

// OpenDialector opens a store on any gorm dialector (SQLite by default; the
// schema is kept portable to PostgreSQL).
func OpenDialector(d gorm.Dialector) (*Store, error) {
	db, err := gorm.Open(d, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if d.Name() == "sqlite" {
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	if err := migrate(db); err != nil {
		return nil, err
	}
	return &Store{db: db, Now: func() time.Time { return time.Now().UTC() }}, nil
}

// bulkCacheKiB is the page cache, in KiB, of the connection that swaps an
// import in (see import_stage.go): room for the index pages being written.
// The table pages, written once, spill to the WAL when the cache is full
// rather than all being held in memory until commit.
const bulkCacheKiB = 64 << 10

// bulkTransaction runs fn in one transaction tuned for writing many rows,
// with the SQLite file stage (when not "") attached as the database
// "stage". It pins a connection and, for the transaction only, keeps
// statement journals in memory (every multi-row INSERT of a transaction
// otherwise writes the prior content of the pages it touches to a
// temporary file) and enlarges the page cache; the connection's settings
// are restored and the stage detached before it goes back to the pool.
func (s *Store) bulkTransaction(ctx context.Context, stage string, fn func(tx *gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	if db.Dialector.Name() != "sqlite" {
		// The swap copies from an attached SQLite stage; other databases
		// get their own swap with issue [4/9].
		return fmt.Errorf("bulk import needs SQLite, not %s", db.Dialector.Name())
	}
	return db.Connection(func(pinned *gorm.DB) error {
		conn := pinned.Session(&gorm.Session{NewDB: true})
		var cache int64
		if err := conn.Raw(`PRAGMA cache_size`).Scan(&cache).Error; err != nil {
			return err
		}
		if err := execAll(conn, `PRAGMA temp_store = MEMORY`, fmt.Sprintf(`PRAGMA cache_size = %d`, -bulkCacheKiB)); err != nil {
			return err
		}
		var err error
		if stage != "" {
			err = conn.Exec(`ATTACH DATABASE ? AS stage`, stage).Error
		}
		if err == nil {
			err = conn.Transaction(fn)
		}
		// A connection that cannot be restored is closed rather than
		// returned to the pool with the bulk settings or the stage.
		restore := []string{`PRAGMA temp_store = DEFAULT`, fmt.Sprintf(`PRAGMA cache_size = %d`, cache)}
		if stage != "" {
			restore = append(restore, `DETACH DATABASE stage`)
		}
		if rerr := execAll(conn, restore...); rerr != nil {
			if sc, ok := conn.Statement.ConnPool.(*sql.Conn); ok {
				_ = sc.Raw(func(any) error { return driver.ErrBadConn })
			}
			if err == nil {
				err = rerr
			}
		}
		return err
	})
}

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return s.db.WithContext(ctx).Raw(`SELECT 1`).Scan(&n).Error
}

// Row types of the gorm store. They are the store's own: the domain types
// of item.go are what the rest of the program sees.

type regionRow struct {
	Code   string `gorm:"primaryKey"`
	Name   string
	Level  string
	Parent string
}

func (regionRow) TableName() string { return "regions" }

type departmentRow struct {
	ID         uint `gorm:"primaryKey"`
	Name       string
	Region     string
	CreditCode string
	Phone      string
}

func (departmentRow) TableName() string { return "departments" }

type entryRow struct {
	BaseCode string `gorm:"primaryKey"`
	Name     string
	Type     string
	Basis    string
	Levels   string
}

func (entryRow) TableName() string { return "entries" }

type itemRow struct {
	Code         string `gorm:"primaryKey"`
	BaseCode     string
	Name         string
	Region       string
	DepartmentID uint
	Published    int
	Latest       int
	Seq          int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (itemRow) TableName() string { return "items" }

type editionRow struct {
	ID            uint `gorm:"primaryKey"`
	ItemCode      string
	Number        int
	State         string
	Guide         string
	Digest        string
	Note          string
	Author        string
	Reviewer      string
	Reason        string
	CreatedAt     time.Time
	SubmittedAt   *time.Time
	PublishedAt   *time.Time
	SupersededAt  *time.Time
	Region        string
	DepartmentID  uint
	Type          string
	OnApplication bool
	Online        bool
	FullOnline    bool
	OneVisit      bool
	ZeroVisit     bool
	Immediate     bool
	InHall        bool
	Nearby        bool
}

func (editionRow) TableName() string { return "editions" }

// newEdition builds an edition row for a guide, with its canonical JSON,
// digest and the derived classification columns used by coverage reports.
func newEdition(it *Item, number int, state string, deptID uint, at time.Time) (editionRow, error) {
	bp := guideBuffers.Get().(*[]byte)
	guide := appendGuide((*bp)[:0], it)
	ed := editionOf(it, string(guide), digest(guide), number, state, deptID, at)
	*bp = guide
	guideBuffers.Put(bp)
	return ed, nil
}

// editionOf builds the edition row of it from its canonical JSON and the
// JSON's digest.
func editionOf(it *Item, guide, digest string, number int, state string, deptID uint, at time.Time) editionRow {
	return editionRow{
		ItemCode:      it.Code,
		Number:        number,
		State:         state,
		Guide:         guide,
		Digest:        digest,
		CreatedAt:     at,
		Region:        it.Region,
		DepartmentID:  deptID,
		Type:          it.Type,
		OnApplication: OnApplication(it.Type),
		Online:        HasFlag(it, FlagOnline),
		FullOnline:    HasFlag(it, FlagFullOnline),
		OneVisit:      HasFlag(it, FlagOneVisit),
		ZeroVisit:     HasFlag(it, FlagZeroVisit),
		Immediate:     HasFlag(it, FlagImmediate),
		InHall:        HasFlag(it, FlagInHall),
		Nearby:        HasFlag(it, FlagNearby),
	}
}

// guideDigest returns the digest of an item's canonical JSON, the Digest
// newEdition gives its edition, without keeping the JSON.
func guideDigest(it *Item) string {
	bp := guideBuffers.Get().(*[]byte)
	guide := appendGuide((*bp)[:0], it)
	d := digest(guide)
	*bp = guide
	guideBuffers.Put(bp)
	return d
}

// guideBuffers hold the buffers newEdition and guideDigest write canonical
// JSON into.
var guideBuffers = sync.Pool{New: func() any { return new([]byte) }}

// canonicalJSON is the stored form of a guide: compact JSON in struct field
// order, HTML characters unescaped (see appendGuide).
func canonicalJSON(it *Item) ([]byte, error) {
	return appendGuide(nil, it), nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func decodeGuide(s string) (*Item, error) {
	var it Item
	if err := json.Unmarshal([]byte(s), &it); err != nil {
		return nil, fmt.Errorf("decode stored guide: %w", err)
	}
	return &it, nil
}

// nextSeq reserves n values of the global change sequence inside tx and
// returns the first. The sequence row is updated before anything else is
// written, so the write lock it takes orders commits by sequence: a reader
// that has seen sequence k has seen every change numbered below k.
func nextSeq(tx *gorm.DB, n int) (int64, error) {
	if err := tx.Exec(`UPDATE sequences SET value = value + ? WHERE name = 'change'`, n).Error; err != nil {
		return 0, fmt.Errorf("advance change sequence: %w", err)
	}
	var v int64
	if err := tx.Raw(`SELECT value FROM sequences WHERE name = 'change'`).Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read change sequence: %w", err)
	}
	return v - int64(n) + 1, nil
}

// Seq returns the current value of the global change sequence: every write
// to an item stamps it with a larger number.
func (s *Store) Seq(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.WithContext(ctx).Raw(`SELECT value FROM sequences WHERE name = 'change'`).Scan(&v).Error
	return v, err
}

// Setting returns a value of the settings table, or "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var vals []string
	err := s.db.WithContext(ctx).Raw(`SELECT value FROM settings WHERE key = ?`, key).Scan(&vals).Error
	if err != nil || len(vals) == 0 {
		return "", err
	}
	return vals[0], nil
}

// SetSetting stores a value in the settings table.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE settings SET value = ? WHERE key = ?`, value, key)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, key, value).Error
		}
		return nil
	})
}

// notFound maps gorm's not-found error to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}
