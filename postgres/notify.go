package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// cacheChannel is the channel the triggers of 0004_cache_notify.sql notify
// on, with the payload schema.table.
const cacheChannel = "idproof_cache"

// Timing of Follow's listener. A replica's cache may serve entries only
// while its listener has confirmed the connection recently, so these bound
// how late it notices that it has lost the connection.
const (
	heartbeat   = 500 * time.Millisecond // a ping when no notice came for this long
	pingTimeout = time.Second            // a ping slower than this counts as a lost connection
	retryDelay  = time.Second            // between attempts to reconnect
)

// Follow reports the writes that every process sharing the database makes
// to the tenants, communities, licenses and verification_configs tables,
// until ctx ends. It calls changed with the table's name after each
// committed write, and with "" when writes may have gone unreported: on
// the first connection and after every reconnection. It calls alive(t)
// each time it has confirmed that every write committed before t has been
// reported, and alive with the zero time as soon as it knows it has lost
// the connection. Callers (storecache) stop trusting what they cached when
// alive has not been called for a while. changed and alive are called from
// one goroutine, never at once.
//
// Follow holds one connection of its own, outside the pool.
func (s *Store) Follow(ctx context.Context, changed func(table string), alive func(time.Time)) {
	for ctx.Err() == nil {
		// The caller sees a lost connection as alive calls ceasing; why
		// it was lost changes nothing here.
		_ = s.follow(ctx, changed, alive)
		alive(time.Time{})
		select {
		case <-ctx.Done():
		case <-time.After(retryDelay):
		}
	}
}

// follow runs one listening connection until it fails or ctx ends.
func (s *Store) follow(ctx context.Context, changed func(string), alive func(time.Time)) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, s.pool.Config().ConnConfig.Copy())
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// The name tells operators, in pg_stat_activity, whose listener
	// this is.
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema(),
		set_config('application_name', 'idproof cache listener ' || current_schema(), false)`).Scan(&schema, nil); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+cacheChannel); err != nil {
		return err
	}
	// Every write committed from here on is reported; those before may
	// not have been.
	since := time.Now()
	changed("")
	alive(since)
	prefix := schema + "."
	report := func(n *pgconn.Notification) {
		if table, ok := strings.CutPrefix(n.Payload, prefix); ok {
			changed(table)
		}
	}
	done, stop := context.WithCancel(ctx)
	stop() // a done context: WaitForNotification then only hands out what is buffered
	for {
		wctx, cancel := context.WithTimeout(ctx, heartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			report(n)
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case !pgconn.Timeout(err):
			return err
		}
		// Quiet for a heartbeat: a round trip proves the connection
		// still delivers. The backend sends pending notices before it
		// reads the next query, so those committed before sent arrive
		// before the reply; pgx buffers them, and they are reported
		// before alive is.
		sent := time.Now()
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		err = conn.Ping(pctx)
		cancel()
		if err != nil {
			return err
		}
		for {
			n, _ := conn.WaitForNotification(done)
			if n == nil {
				break
			}
			report(n)
		}
		alive(sent)
	}
}
