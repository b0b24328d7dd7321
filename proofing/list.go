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
func (e *Engine) List(ctx context.Context, f idproof.SessionFilter) ([]Listed, int, error) {
	list, total, err := e.Store.Sessions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	now := e.now()
	out := make([]Listed, 0, len(list))
	for _, s := range list {
		d, err := decodeData(s)
		if err != nil {
			return nil, 0, err
		}
		e.lapse(s, d, now)
		out = append(out, Listed{s, d})
	}
	return out, total, nil
}
