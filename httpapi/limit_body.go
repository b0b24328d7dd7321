package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/idproof/idproof"
)

// smallBody is the size under which a body is read without asking the
// budget: a plain JSON request costs less than the bookkeeping.
const smallBody = 64 << 10

// budget is a weighted semaphore over the memory request bodies take
// while they are decoded and used: twice their size, for the body and the
// images it holds. It counts bytes, not requests: one slot per request would treat
// a 200 KiB selfie like a 60 MiB body, and either starve the first or let
// too many of the second in.
type budget struct {
	max  int64
	wait time.Duration

	mu   sync.Mutex
	used int64
	free chan struct{} // closed, and replaced, whenever bytes come back
}

func newBudget(max int64, wait time.Duration) *budget {
	return &budget{max: max, wait: wait, free: make(chan struct{})}
}

// acquire reserves n bytes, waiting up to b.wait for them. A body larger
// than the whole budget waits for all of it.
func (b *budget) acquire(ctx context.Context, n int64) (release func(), err error) {
	n = min(n, b.max)
	timer := time.NewTimer(b.wait)
	defer timer.Stop()
	for {
		b.mu.Lock()
		if b.used+n <= b.max {
			b.used += n
			b.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { b.release(n) }) }, nil
		}
		free := b.free
		b.mu.Unlock()
		select {
		case <-free:
		case <-timer.C:
			return nil, &retryLater{err: idproof.Errorf(idproof.EUNAVAILABLE, "the server is busy receiving other uploads; retry shortly"), after: time.Second}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *budget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	close(b.free)
	b.free = make(chan struct{})
	b.mu.Unlock()
}

// bodyHold is what a request holds of the budget. adapt gives it back when
// the handler returns: the decoded images live as long as the handler.
type bodyHold struct {
	limit   int64
	release func()
}

const holdKey ctxKey = 101

func (h *bodyHold) done() {
	if h.release != nil {
		h.release()
	}
}

// readBody reads the whole body of r within the route's limit, reserving
// its memory from the budget first. A declared length above the limit is
// refused before a byte is read, and a declared length is read into a
// buffer of exactly that size.
func (s *Server) readBody(r *http.Request) ([]byte, error) {
	h, _ := r.Context().Value(holdKey).(*bodyHold)
	limit := s.cfg.MaxBodyBytes
	if h != nil {
		limit = h.limit
	}
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	size := r.ContentLength
	if size < 0 {
		size = limit // chunked: it may be as large as the limit
	}
	// The body and what it decodes to: inline images add up to 3/4 of it.
	want := 2 * size
	if h != nil && h.release == nil && s.limits.bodies != nil && size > smallBody {
		release, err := s.limits.bodies.acquire(r.Context(), want)
		if err != nil {
			return nil, err
		}
		h.release = release
	}
	var body []byte
	var err error
	if r.ContentLength >= 0 {
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, body)
	} else {
		var buf bytes.Buffer
		_, err = buf.ReadFrom(r.Body)
		body = buf.Bytes()
	}
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, err
		}
		// The cause (a reset, a read deadline) names the connection's
		// addresses; it goes to the log, not to the caller.
		logger(r.Context(), s.log).Info("request body not read", "err", err)
		return nil, errorf(idproof.EINVALID, "the request body could not be read in full: the connection closed or was too slow")
	}
	return body, nil
}
