-- Kepu Ledger, PostgreSQL schema 4: the ledger's identity (see the SQLite migration 004 for why).
-- gen_random_uuid() draws from pg_strong_random (PostgreSQL 13+, no extension needed).
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch TEXT NOT NULL,
  sign_key TEXT NOT NULL,
  epoch_started_at TEXT NOT NULL
);
INSERT INTO ledger (id, epoch, sign_key, epoch_started_at)
  VALUES (
    1,
    replace(gen_random_uuid()::text, '-', ''),
    encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'),
    to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  );
ALTER TABLE events ADD COLUMN sig TEXT;
ALTER TABLE targets ADD COLUMN sig TEXT;
