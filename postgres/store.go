// Package postgres implements idproof.Store on PostgreSQL with pgx, for
// deployments with several replicas sharing one database.
//
// Times are stored as timestamptz truncated to milliseconds and come back in
// UTC; the zero time is stored as itself. Byte slices and JSON documents are
// stored as bytea and come back byte for byte; an empty value comes back nil.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/idproof/idproof"
)

// Store is an idproof.Store backed by PostgreSQL. It is safe for concurrent
// use.
type Store struct {
	pool   *pgxpool.Pool
	replay replayState
}

var _ idproof.Store = (*Store)(nil)

// Open connects to databaseURL and applies pending migrations. Connection
// parameters in the URL apply to every connection; a search_path parameter
// selects the schema, which must exist.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	return open(ctx, cfg, "")
}

// OpenSchema is Open with every table in schema, which it creates if needed.
// Stores opened on the same database and schema share their data, as the
// replicas of one deployment do.
func OpenSchema(ctx context.Context, databaseURL, schema string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	return open(ctx, cfg, schema)
}

func open(ctx context.Context, cfg *pgxpool.Config, schema string) (*Store, error) {
	cfg.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		// Scanned times are UTC, as the idproof.Store contract requires.
		c.TypeMap().RegisterType(&pgtype.Type{
			Name:  "timestamptz",
			OID:   pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx, schema); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close closes every connection, waiting for those in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// ts converts t to the stored form.
func ts(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}

// blob converts b to the stored form: empty values are NULL, so that nil and
// empty read back the same.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// fromBlob converts a stored bytea back.
func fromBlob(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// conflicts maps the name of a unique constraint or index to the message for
// violating it. The entry under "" is the message for any other constraint.
type conflicts map[string]string

// SQLSTATE codes the store reacts to.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
	// Text PostgreSQL refuses: NUL or invalid UTF-8 (22021), a character
	// the database's encoding lacks or a \u0000 in JSON (22P05), and text
	// that is not the form of the type it is read as (22P02).
	characterNotInRepertoire  = "22021"
	untranslatableCharacter   = "22P05"
	invalidTextRepresentation = "22P02"
)

// badText returns EINVALID for text the database refused, and nil for any
// other error. SQLite stores such text, so the API checks it before it
// gets here; this is the answer for text that gets past those checks. The
// store passes text only as it was given (other values go in binary form),
// so the fault is the caller's input, not the server's.
func badText(err error, what string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case characterNotInRepertoire, untranslatableCharacter, invalidTextRepresentation:
		return idproof.Errorf(idproof.EINVALID, "%s: the text given holds NUL, invalid UTF-8 or a character that cannot be stored", what)
	}
	return nil
}

// writeErr turns a unique violation into ECONFLICT, text the database
// refuses into EINVALID, and wraps anything else.
func writeErr(op string, err error, c conflicts) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == uniqueViolation {
		msg, ok := c[pe.ConstraintName]
		if !ok {
			msg = c[""]
		}
		return &idproof.Error{Code: idproof.ECONFLICT, Message: msg}
	}
	if e := badText(err, op); e != nil {
		return e
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isForeignKey reports whether err is a foreign key violation.
func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == foreignKeyViolation
}

// notFound is the error for a missing entity; an empty id is left out of
// the message.
func notFound(entity, id string) error {
	if id == "" {
		return idproof.Errorf(idproof.ENOTFOUND, "%s not found", entity)
	}
	return idproof.Errorf(idproof.ENOTFOUND, "%s %q not found", entity, id)
}

// readErr maps pgx.ErrNoRows to ENOTFOUND, text the database refuses to
// EINVALID, and wraps anything else.
func readErr(op string, err error, entity, id string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound(entity, id)
	}
	if e := badText(err, op); e != nil {
		return e
	}
	return fmt.Errorf("%s: %w", op, err)
}

// mustAffect returns ENOTFOUND when tag reports no row touched.
func mustAffect(tag pgconn.CommandTag, entity, id string) error {
	if tag.RowsAffected() == 0 {
		return notFound(entity, id)
	}
	return nil
}

// collect scans every row with scan and closes rows.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (*T, error), op string) ([]*T, error) {
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

// querier is the pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
