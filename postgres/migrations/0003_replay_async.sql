-- Replay records are written without waiting for the WAL flush (see
-- replay.go), so a crash of the database server, or a failover to a
-- standby, can lose the last ones written. These two tables let every
-- replica notice that and refuse what could be a replay of a lost record.
--
-- replay_epoch is UNLOGGED: PostgreSQL empties it on crash recovery, and a
-- promoted standby has it empty. Its one row, present while nothing can
-- have been lost, is the guard every replay insert checks in the same
-- statement; refuse_through is the expiry at or before which request ids
-- are refused, set when the row is put back after a loss.
CREATE UNLOGGED TABLE replay_epoch (
	refuse_through timestamptz NOT NULL
);
INSERT INTO replay_epoch (refuse_through) VALUES ('-infinity');

-- replay_horizon is an ordinary, durable table. Its one row bounds the
-- expiry of every replay record written so far: a record is written only
-- after the horizon covering it has been committed and flushed, so after a
-- loss every lost record expired at or before it.
CREATE TABLE replay_horizon (
	horizon timestamptz NOT NULL
);
INSERT INTO replay_horizon (horizon) VALUES ('-infinity');
