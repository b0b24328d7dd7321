package floor

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite"
)

// OpenSQLite starts a floor server on a new SQLite database at path. It uses
// the real store's settings: WAL, a busy timeout, as many connections.
// synchronous=FULL makes each insert durable when it returns.
func OpenSQLite(ctx context.Context, path string) (*Server, error) {
	dsn := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	conns := max(4, 2*runtime.NumCPU())
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS floor_sessions (
		id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body BLOB NOT NULL)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("floor sqlite %s: %w", path, err)
	}
	s, err := newServer(&sqliteStore{db})
	if err != nil {
		db.Close()
	}
	return s, err
}

type sqliteStore struct{ db *sql.DB }

func (s *sqliteStore) kind() string { return "sqlite" }
func (s *sqliteStore) Close() error { return s.db.Close() }

func (s *sqliteStore) insert(ctx context.Context, id string, created time.Time, body []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO floor_sessions (id, created_at, body) VALUES (?, ?, ?)`, id, created.UnixMilli(), body)
	return err
}

func (s *sqliteStore) created(ctx context.Context, id string) (time.Time, error) {
	var ms int64
	err := s.db.QueryRowContext(ctx, `SELECT created_at FROM floor_sessions WHERE id = ?`, id).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, errNotFound
	}
	return time.UnixMilli(ms), err
}

// OpenPostgres starts a floor server on a schema of its own in the database
// at databaseURL; Close drops the schema.
func OpenPostgres(ctx context.Context, databaseURL string) (*Server, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("floor postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("floor postgres: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "idproof_floor_" + hex.EncodeToString(b)
	st := &pgStore{pool: pool, schema: schema, table: pgx.Identifier{schema, "sessions"}.Sanitize()}
	if _, err := pool.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()+`;
		CREATE TABLE `+st.table+` (id TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, body BYTEA NOT NULL)`); err != nil {
		pool.Close()
		return nil, fmt.Errorf("floor postgres: %w", err)
	}
	s, err := newServer(st)
	if err != nil {
		st.Close()
	}
	return s, err
}

type pgStore struct {
	pool          *pgxpool.Pool
	schema, table string
}

func (s *pgStore) kind() string { return "postgresql" }

func (s *pgStore) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.pool.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{s.schema}.Sanitize()+` CASCADE`)
	s.pool.Close()
	return err
}

func (s *pgStore) insert(ctx context.Context, id string, created time.Time, body []byte) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.table+` (id, created_at, body) VALUES ($1, $2, $3)`, id, created, body)
	return err
}

func (s *pgStore) created(ctx context.Context, id string) (time.Time, error) {
	var t time.Time
	err := s.pool.QueryRow(ctx, `SELECT created_at FROM `+s.table+` WHERE id = $1`, id).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, errNotFound
	}
	return t, err
}
