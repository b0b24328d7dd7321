package proofing

import (
	"context"

	"github.com/idproof/idproof"
)

// Listed is one session of a listing with its data.
type Listed struct {
	Session *idproof.Session
	Data    *Data
}

// List returns a page of sessions. Statuses are shown as of now: a session
// past its expiry reads EXPIRED even before the sweeper has stored it (the
// filter itself works on stored statuses).
//
// Name and UID match whole values, case-insensitively (see
// idproof.SessionFilter): they are looked up by their keyed hashes, as the
// names themselves are stored sealed.
func (e *Engine) List(ctx context.Context, f idproof.SessionFilter) ([]Listed, int, error) {
	f, ok, err := e.listFilter(f)
	if err != nil || !ok {
		return nil, 0, err
	}
	list, total, err := e.Store.Sessions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	now := e.now()
	out := make([]Listed, 0, len(list))
	for _, s := range list {
		d, err := e.decode(s)
		if err != nil {
			return nil, 0, err
		}
		e.lapse(s, d, now)
		out = append(out, Listed{s, d})
	}
	return out, total, nil
}
