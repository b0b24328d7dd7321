// Package sqlite implements idproof.Store on a single SQLite database file,
// for single-node deployments and tests. It uses the pure-Go driver
// modernc.org/sqlite, so binaries build without cgo.
//
// Times are stored as INTEGER unix milliseconds (0 for the zero time) and come
// back in UTC. Byte slices and JSON documents are stored as BLOBs and come
// back byte for byte; an empty value comes back nil.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/idproof/idproof"
)

// Store is an idproof.Store backed by SQLite. It is safe for concurrent use.
type Store struct {
	db *sql.DB
	w  *writer   // every write goes through it: see writer.go
	q  *prepared // the hot statements, parsed once
}

var _ idproof.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and applies pending
// migrations. The path ":memory:" gives a private in-memory database on a
// single connection, which is only suitable for tests.
//
// Write transactions begin IMMEDIATE: a deferred transaction that reads and
// then writes can fail with SQLITE_BUSY when another writer (another process
// on the same file) got there first, and busy_timeout cannot help it; taking
// the write lock up front turns that into an ordinary wait.
//
// The file is in WAL mode with synchronous=FULL (SQLite's default, said
// explicitly): a commit returns once the WAL is on disk, so a write
// acknowledged survives a crash of the process or of the machine.
// temp_store(MEMORY) keeps the savepoint journals of group commit
// (writer.go) in memory; on disk they cost a write per page touched.
func Open(ctx context.Context, path string) (*Store, error) {
	const params = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	var dsn string
	conns := max(4, 2*runtime.NumCPU())
	if path == ":memory:" {
		// Every connection to :memory: is a separate database.
		dsn, conns = "file::memory:?"+params, 1
	} else {
		dsn = "file:" + escapePath(path) + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&" + params
		if err := createPrivate(path); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if s.q, err = prepare(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if s.w, err = newWriter(ctx, db); err != nil {
		s.q.close()
		db.Close()
		return nil, err
	}
	return s, nil
}

// createPrivate creates the database file, mode 0600, if it does not exist
// yet. SQLite would create it 0644 (less the umask), readable by every
// local user, and it holds sessions' personal data; it gives the -wal and
// -shm files the mode of the database file, so they follow. An existing
// file keeps the mode its operator gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return f.Close()
}

// escapePath quotes the characters that would end or garble the path part of
// a SQLite URI filename.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

// Close finishes the writes under way and closes the database.
func (s *Store) Close() error {
	s.w.close()
	s.q.close()
	return s.db.Close()
}

// inTx runs fn in a write transaction and returns once it is committed
// (nil) or undone (fn's error). The transaction may be shared with other
// callers' writes (writer.go); fn must use only tx and the ctx it is given.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return s.w.do(ctx, fn)
}

// exec runs one write statement, prepared when st is not nil (query is
// then unused).
func (s *Store) exec(ctx context.Context, st *sql.Stmt, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if st != nil {
			res, err = tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, query, args...)
		}
		return err
	})
	return res, err
}

// directTx runs fn in a transaction of its own, outside the writer; only
// migrations use it, before the writer starts.
func (s *Store) directTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// millis converts t to the stored form.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis converts a stored time back.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// blob converts b to the stored form: empty values are NULL, so that nil and
// empty read back the same.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// fromBlob converts a stored BLOB back.
func fromBlob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// conflicts maps the columns a unique constraint covers, as SQLite names
// them ("table.col, table.col"), to the message for violating it. The entry
// under "" is the message for any other constraint.
type conflicts map[string]string

// writeErr turns a unique violation into ECONFLICT and wraps anything else.
func writeErr(op string, err error, c conflicts) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		msg, ok := c[violatedColumns(se.Error())]
		if !ok {
			msg = c[""]
		}
		return &idproof.Error{Code: idproof.ECONFLICT, Message: msg}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// violatedColumns extracts "table.col, ..." from a unique violation message
// such as "constraint failed: UNIQUE constraint failed: tenants.dns (2067)".
func violatedColumns(msg string) string {
	const marker = "constraint failed: "
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	msg = msg[i+len(marker):]
	if j := strings.LastIndex(msg, " ("); j >= 0 {
		msg = msg[:j]
	}
	return msg
}

// isForeignKey reports whether err is a foreign key violation.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// notFound is the error for a missing entity; an empty id is left out of
// the message.
func notFound(entity, id string) error {
	if id == "" {
		return idproof.Errorf(idproof.ENOTFOUND, "%s not found", entity)
	}
	return idproof.Errorf(idproof.ENOTFOUND, "%s %q not found", entity, id)
}

// readErr maps sql.ErrNoRows to ENOTFOUND and wraps anything else.
func readErr(op string, err error, entity, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(entity, id)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// mustAffect returns ENOTFOUND when res touched no row.
func mustAffect(op string, res sql.Result, entity, id string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return notFound(entity, id)
	}
	return nil
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (*T, error), op string) ([]*T, error) {
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}
