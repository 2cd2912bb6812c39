package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// maxPostgresConns bounds a replica's connections to PostgreSQL: every
// replica of a deployment takes up to this many of the server's
// max_connections (100 by default).
const maxPostgresConns = 16

// OpenPostgres opens (migrating if needed) the store in the PostgreSQL
// database url (postgres://user:password@host:port/database?sslmode=…).
// dir is the local data directory, where an import stages its rows; ""
// stages in the system's temporary directory. Every connection waits at
// most lockWait for a lock (lock_timeout) and works in UTC.
func OpenPostgres(url, dir string) (*Store, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	cfg.RuntimeParams["lock_timeout"] = strconv.FormatInt(lockWait.Milliseconds(), 10)
	cfg.RuntimeParams["timezone"] = "UTC"
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(maxPostgresConns)
	sqlDB.SetMaxIdleConns(maxPostgresConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s, err := OpenDialector(postgres.New(postgres.Config{Conn: sqlDB}))
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	s.dir, s.pg = dir, cfg
	return s, nil
}

// WatchChanges calls wake whenever a transaction that advanced the change
// sequence commits, in any process sharing the database, until ctx ends.
// On PostgreSQL it listens for the notification every such commit sends
// (and calls wake each time it (re)connects, for what it missed); on
// SQLite there are no notifications and it returns at once: followers
// poll. Either way a follower must still poll now and then, since a
// notification can be lost with its connection.
func (s *Store) WatchChanges(ctx context.Context, wake func()) {
	if s.pg == nil {
		return
	}
	const retry = time.Second
	for {
		err := s.listen(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("listen for store changes; polling until it reconnects", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
	}
}

// listen holds one connection listening on changeChannel until it fails.
func (s *Store) listen(ctx context.Context, wake func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pg.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}

// loadPostgresStage creates the pinned connection's temporary table
// staged and copies into it, with COPY, the rows of the SQLite stage file
// path: PostgreSQL's swap reads them as pg_temp.staged.
func loadPostgresStage(ctx context.Context, conn *gorm.DB, path string) error {
	create := strings.Replace(stageTable, "CREATE TABLE", "CREATE TEMP TABLE", 1)
	if err := conn.Exec(`DROP TABLE IF EXISTS pg_temp.staged`).Error; err != nil {
		return err
	}
	if err := dialectOf(conn).execDDL(conn, create); err != nil {
		return fmt.Errorf("create import stage: %w", err)
	}
	// The guides are compressed with lz4 where the server has it: pglz,
	// the default, took 39 % of the COPY's server time (BENCHMARKS.md).
	// The edition rows the swap inserts keep the compressed values.
	var lz4 bool
	if err := conn.Raw(`SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'`).
		Scan(&lz4).Error; err != nil {
		return err
	}
	if lz4 {
		if err := conn.Exec(`ALTER TABLE pg_temp.staged ALTER COLUMN guide SET COMPRESSION lz4`).Error; err != nil {
			return fmt.Errorf("create import stage: %w", err)
		}
	}
	src, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open import stage: %w", err)
	}
	defer src.Close()
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(stageColumns, ", ")+` FROM staged ORDER BY ord`)
	if err != nil {
		return fmt.Errorf("read import stage: %w", err)
	}
	defer rows.Close()
	sc, ok := conn.Statement.ConnPool.(*sql.Conn)
	if !ok {
		return fmt.Errorf("import stage: not a pinned connection")
	}
	err = sc.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("import stage: connection is %T, not pgx", dc)
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"staged"}, stageColumns, &stageRowSource{rows: rows})
		return err
	})
	if err != nil {
		return fmt.Errorf("copy import stage: %w", err)
	}
	return conn.Exec(`ANALYZE pg_temp.staged`).Error
}

// stageRowSource feeds the rows of a SQLite stage to COPY, each value
// typed as its column is (booleans as bool, ord as int64, text as string).
type stageRowSource struct {
	rows *sql.Rows
	vals []any
	err  error
}

func (r *stageRowSource) Next() bool {
	if !r.rows.Next() {
		return false
	}
	if r.vals == nil {
		r.vals = make([]any, len(stageColumns))
		for i, c := range stageColumns {
			switch stageColumnKind(c) {
			case "ord":
				r.vals[i] = new(int64)
			case "bool":
				r.vals[i] = new(bool)
			default:
				r.vals[i] = new(string)
			}
		}
	}
	if err := r.rows.Scan(r.vals...); err != nil {
		r.err = err
		return false
	}
	return true
}

func (r *stageRowSource) Values() ([]any, error) {
	out := make([]any, len(r.vals))
	for i, p := range r.vals {
		switch v := p.(type) {
		case *int64:
			out[i] = *v
		case *bool:
			out[i] = *v
		case *string:
			out[i] = *v
		}
	}
	return out, nil
}

func (r *stageRowSource) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// Exclusive runs fn while holding the store-wide lock named key, so that
// processes sharing a PostgreSQL database (replicas starting together) do
// a one-time setup — loading the seed catalogue into an empty store — one
// after the other: the second finds it done. It waits for the lock as long
// as ctx lets it (a seeding takes longer than lockWait). On SQLite, where a
// data directory has one server, fn just runs.
func (s *Store) Exclusive(ctx context.Context, key string, fn func() error) error {
	if s.pg == nil {
		return fn()
	}
	return s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := advisoryLock(ctx, conn, key); err != nil {
			return err
		}
		defer conn.WithContext(context.WithoutCancel(ctx)).Exec(`SELECT pg_advisory_unlock(hashtext(?))`, key)
		return fn()
	})
}

// advisoryLockPoll is how often advisoryLock tries a lock another holds.
const advisoryLockPoll = 100 * time.Millisecond

// advisoryLock takes the session-level advisory lock named key on the
// pinned connection conn, waiting until it is free or ctx ends. It polls
// with pg_try_advisory_lock rather than waiting in pg_advisory_lock, which
// the connection's lock_timeout (lockWait) would cut short.
func advisoryLock(ctx context.Context, conn *gorm.DB, key string) error {
	for {
		var got bool
		if err := conn.Raw(`SELECT pg_try_advisory_lock(hashtext(?))`, key).Scan(&got).Error; err != nil {
			return fmt.Errorf("take lock %s: %w", key, err)
		}
		if got {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for lock %s: %w", key, ctx.Err())
		case <-time.After(advisoryLockPoll):
		}
	}
}
