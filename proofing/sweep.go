package proofing

import (
	"context"
	"time"

	"github.com/idproof/idproof"
)

// SweepBatch is how many due sessions one sweep pass claims.
const SweepBatch = 200

// sweepLease is how long a claimed batch stays out of other sweepers' way;
// if this replica dies mid-batch, the sessions are due again after it.
const sweepLease = 2 * time.Minute

// SweepResult counts what one sweep did.
type SweepResult struct {
	Expired, Abandoned, Purged int
	Skipped                    int // changed by another replica or user in between
}

// Sweep applies the transitions that are due (expiry, abandonment, end of
// retention) to up to limit sessions. Several replicas may sweep at once:
// each claims a disjoint batch, and every change is a version-checked
// update, so a session moves once; a session changed by its user between
// claim and update is skipped (the user's change rescheduled it).
func (e *Engine) Sweep(ctx context.Context, limit int) (SweepResult, error) {
	start := time.Now() // see Observer
	r, err := e.sweep(ctx, limit)
	e.observer().Swept(r, time.Since(start), err)
	return r, err
}

func (e *Engine) sweep(ctx context.Context, limit int) (SweepResult, error) {
	var r SweepResult
	now := e.now()
	due, err := e.Store.ClaimSessionsDue(ctx, now, now.Add(sweepLease), limit)
	if err != nil {
		return r, err
	}
	for _, s := range due {
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		before := s.Status
		d, err := e.decode(s)
		if err != nil {
			return r, err
		}
		wasPurged := d.Purged
		d.caller = Caller{Who: "system"}
		now := e.now()
		e.lapse(s, d, now)
		n, err := e.sweepObjects(ctx, s, d, now)
		if err != nil {
			e.log().Warn("delete session objects", "session", s.ID, "err", err)
			r.Skipped++
			continue // due again when the claim's lease ends
		}
		r.Purged += n
		// The claim moved DueAt to the lease; put back the real one even
		// when nothing lapsed (another replica's clock ran ahead of ours).
		e.schedule(s, d)
		err = e.write(ctx, s, d, false)
		if idproof.ErrorCode(err) == idproof.ECONFLICT || idproof.IsNotFound(err) {
			r.Skipped++
			continue
		}
		if err != nil {
			return r, err
		}
		e.observeChange(before, s)
		switch {
		case before != s.Status && s.Status == idproof.StatusExpired:
			r.Expired++
		case before != s.Status && s.Status == idproof.StatusAbandoned:
			r.Abandoned++
		}
		if !wasPurged && d.Purged {
			r.Purged++
			e.observer().SessionPurged()
		}
	}
	return r, nil
}

// sweepObjects makes the deletions that are due on s: its objects after an
// upload was cancelled, its personal data at the end of retention (images
// first: a record marked purged must not point at images still there),
// uploads made after a purge through URLs issued before it, and the
// biometric images at the end of their own retention. It returns how many
// of the deletions were of objects ahead of a purge or of biometric data;
// a purge the caller counts itself.
func (e *Engine) sweepObjects(ctx context.Context, s *idproof.Session, d *Data, now time.Time) (int, error) {
	n := 0
	if d.DeleteObjects && !purgeDue(s, d, now) {
		if err := e.deleteObjects(ctx, s); err != nil {
			return n, err
		}
		d.DeleteObjects = false
		n++
	}
	if purgeDue(s, d, now) {
		if err := e.deleteObjects(ctx, s); err != nil {
			return n, err
		}
		e.purge(s, d, now, CauseRetention, "")
	}
	if d.Purged && d.FinalSweepTS != 0 && !now.Before(time.UnixMilli(d.FinalSweepTS)) {
		if err := e.deleteObjects(ctx, s); err != nil {
			return n, err
		}
		d.FinalSweepTS = 0
	}
	if biometricDue(s, d, now) {
		if err := e.purgeBiometric(ctx, s, d, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RunSweeper sweeps every interval until ctx ends, draining the queue in
// batches. It returns when ctx is done. Its first pass seals the personal
// data of sessions stored before it was sealed (SealLegacy), again on
// later passes until that has succeeded once.
func (e *Engine) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	legacySealed := false
	for {
		if !legacySealed {
			n, err := e.SealLegacy(ctx)
			if err != nil && ctx.Err() == nil {
				e.log().Warn("seal personal data of older sessions", "sealed", n, "err", err)
			}
			if n > 0 {
				e.log().Info("sealed the personal data of older sessions", "sessions", n)
			}
			legacySealed = err == nil
		}
		for {
			r, err := e.Sweep(ctx, SweepBatch)
			if err != nil {
				if ctx.Err() == nil {
					e.log().Warn("sweep", "err", err)
				}
				break
			}
			if r.Expired+r.Abandoned+r.Purged > 0 {
				e.log().Info("swept sessions", "expired", r.Expired, "abandoned", r.Abandoned, "purged", r.Purged, "skipped", r.Skipped)
			}
			if r.Expired+r.Abandoned+r.Purged+r.Skipped < SweepBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.kickChan():
		}
	}
}
