-- Kepu Ledger, PostgreSQL schema 7: revs from a sequence instead of the rev_counter row, whose
-- lock every push held from taking its revs to COMMIT, so pushes committed one at a time (issue 11).
--
-- Without that lock, pushes commit in any order, and a pull could see rev N+1 committed while
-- rev N is still in flight, move its cursor past N and never see it. The rev barrier keeps that
-- from happening:
-- - rev_lease(), called by a push before it draws any rev, takes a transaction-level SHARED
--   advisory lock whose key is the sequence's value at that moment (S0). Every rev the push draws
--   afterwards is above S0. The lock shows in pg_locks until the push commits or rolls back.
-- - rev_barrier(), called by a pull before it reads rows (in an earlier statement, so the rows are
--   read in a later snapshot), answers the sequence's value S, then the lowest S0 of any lease
--   still held, and the least of the two. Rows above it are not handed out yet.
--   Why no row at or below it is missed: a rev r ≤ S was drawn before S was read, so its push took
--   its lease before that; if the push is still running when pg_locks is read, the barrier is
--   ≤ its S0 < r; otherwise it has ended (a lock is released after the commit is visible), and
--   the rows, read later, include it if it committed.
-- - Keys: the two-int form (objsubid = 2): classid = 16 bits of the schema's hash then the rev's
--   bits 32–47, objid = the rev's low 32 bits. Another schema whose hash collides can only make
--   the barrier lower (a pull waits for a push of the other ledger), never higher.
--
-- record_claims: a push inserts the ids it names before it reads and locks them (and deletes
-- them before COMMIT). A second push naming an id a running push claimed waits on the unique
-- index until the first commits, then reads the row the first wrote: a record created by two
-- pushes at once no longer rolls one back after it drew its revs (which would leave a gap).
-- UNLOGGED: the rows live only inside a transaction, so a crash loses nothing.

CREATE SEQUENCE rev_seq AS BIGINT MINVALUE 1 START WITH 1;
SELECT setval('rev_seq', GREATEST(rev, 1), rev > 0) FROM rev_counter;
DROP TABLE rev_counter;

CREATE UNLOGGED TABLE record_claims (
  key TEXT PRIMARY KEY
);

-- The highest rev given out so far (0: none).
CREATE FUNCTION rev_current() RETURNS BIGINT LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM rev_seq
$$;

CREATE FUNCTION rev_lease() RETURNS VOID LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ns BIGINT := hashtext(current_schema()) & 65535;
  s BIGINT := rev_current();
BEGIN
  PERFORM pg_advisory_xact_lock_shared(((ns << 16) | (s >> 32))::bit(32)::int, (s & 4294967295)::bit(32)::int);
END
$$;

CREATE FUNCTION rev_barrier() RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ns BIGINT := hashtext(current_schema()) & 65535;
  s BIGINT;
  m BIGINT;
BEGIN
  -- Order matters (see above): the sequence first, then the leases.
  s := rev_current();
  SELECT min(((l.classid::bigint & 65535) << 32) | l.objid::bigint) INTO m
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND (l.classid::bigint >> 16) = ns;
  RETURN LEAST(s, COALESCE(m, s));
END
$$;
