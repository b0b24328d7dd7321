package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit.
//
// SQLite runs one write transaction at a time, and with synchronous=FULL
// each commit waits for an fsync of the WAL. Committed one by one, writes
// queue behind each other's fsync while the CPU idles. Here every write
// goes to one goroutine, which runs the writes waiting at that moment in
// a single transaction, each under a SAVEPOINT of its own (a failing write
// rolls back only its own work), commits once, and only then answers each
// caller: every write acknowledged is durable, and one fsync serves the
// whole batch. Writes that arrive while a batch commits form the next one,
// so a lone write waits for nobody.

// maxBatch bounds the writes of one transaction, and so the wait of the
// last of them.
const maxBatch = 128

// errClosed answers writes sent after Close.
var errClosed = errors.New("sqlite store is closed")

// writeReq is one caller's write.
type writeReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

// writer runs the writes of a Store.
type writer struct {
	db      *sql.DB
	reqs    chan *writeReq
	mu      sync.RWMutex // held to send on reqs; Close takes it to close reqs
	closed  bool
	stopped chan struct{}
	spStmts [3]*sql.Stmt // SAVEPOINT, RELEASE, ROLLBACK TO

	// commits and writes count the transactions committed and the writes
	// they held, to see how much batching the load gives.
	commits, writes atomic.Int64
}

func newWriter(ctx context.Context, db *sql.DB) (*writer, error) {
	w := &writer{db: db, reqs: make(chan *writeReq, maxBatch), stopped: make(chan struct{})}
	for i, q := range []string{`SAVEPOINT w`, `RELEASE w`, `ROLLBACK TO w`} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", q, err)
		}
		w.spStmts[i] = st
	}
	go w.run()
	return w, nil
}

// do runs fn in a write transaction and returns once that transaction is
// committed (nil) or fn's work undone (an error). fn must use only tx, and
// the context it is given: that one carries ctx's values but not its
// cancellation, as interrupting a statement would roll back the whole
// batch.
func (w *writer) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	w.reqs <- r
	w.mu.RUnlock()
	// Wait whatever ctx does: once fn has run, its work may still commit
	// with the batch, and the caller must not take that for a failure
	// it could retry.
	return <-r.done
}

// close finishes the writes queued and stops the writer.
func (w *writer) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.reqs)
	}
	w.mu.Unlock()
	<-w.stopped
	for _, st := range w.spStmts {
		st.Close()
	}
}

func (w *writer) run() {
	defer close(w.stopped)
	var batch []*writeReq
	for {
		if len(batch) == 0 {
			r, ok := <-w.reqs
			if !ok {
				return
			}
			batch = append(batch, r)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-w.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		batch = w.commit(batch)
	}
}

// commit runs batch in one transaction and answers its callers. It returns
// the writes it did not get to when the transaction broke (SQLite rolls a
// whole transaction back on some errors, such as a full disk), to go in
// the next one.
func (w *writer) commit(batch []*writeReq) (rest []*writeReq) {
	// The transaction's context is not any caller's: a caller giving up
	// must not interrupt the others' statements.
	ctx := context.Background()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("begin: %w", err)
		}
		return nil
	}
	sp := func(i int) *sql.Stmt { return tx.StmtContext(ctx, w.spStmts[i]) }
	var ok []*writeReq
	// A write that failed is answered after the commit too: its failure
	// may come from an earlier write of the batch (a unique key taken),
	// and the caller's next read must find that write committed.
	type failure struct {
		r   *writeReq
		err error
	}
	var failed []failure
	// answerFailed answers the failed writes once the transaction ended;
	// when it did not commit, with why not.
	answerFailed := func(txErr error) {
		for _, f := range failed {
			if txErr != nil {
				f.err = fmt.Errorf("write transaction: %w", txErr)
			}
			f.r.done <- f.err
		}
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		if _, err := sp(0).ExecContext(ctx); err != nil {
			rest = batch[i:]
			w.fail(tx, ok, err)
			answerFailed(err)
			return rest
		}
		if ferr := w.call(r, tx); ferr != nil {
			// Undo this write only; the transaction goes on.
			if _, err := sp(2).ExecContext(ctx); err != nil {
				r.done <- ferr
				w.fail(tx, ok, err)
				answerFailed(err)
				return batch[i+1:]
			}
			if _, err := sp(1).ExecContext(ctx); err != nil {
				r.done <- ferr
				w.fail(tx, ok, err)
				answerFailed(err)
				return batch[i+1:]
			}
			failed = append(failed, failure{r, ferr})
			continue
		}
		if _, err := sp(1).ExecContext(ctx); err != nil {
			w.fail(tx, append(ok, r), err)
			answerFailed(err)
			return batch[i+1:]
		}
		ok = append(ok, r)
	}
	err = tx.Commit()
	if err != nil {
		err = fmt.Errorf("commit: %w", err)
	} else {
		w.commits.Add(1)
		w.writes.Add(int64(len(ok)))
	}
	for _, r := range ok {
		r.done <- err
	}
	answerFailed(err)
	return nil
}

// call runs r's function; a panic becomes r's error rather than stopping
// every write of the store.
func (w *writer) call(r *writeReq, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return r.fn(context.WithoutCancel(r.ctx), tx)
}

// fail rolls tx back and answers the writes done in it with err.
func (w *writer) fail(tx *sql.Tx, done []*writeReq, err error) {
	tx.Rollback()
	for _, r := range done {
		r.done <- fmt.Errorf("write transaction: %w", err)
	}
}
