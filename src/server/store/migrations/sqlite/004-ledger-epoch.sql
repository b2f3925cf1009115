-- Kepu Ledger, SQLite schema 4: the ledger's identity.
-- `epoch` names this copy of the ledger: restoring a backup gives it a new one (npm run restore),
-- and every push and pull answer carries it, so a phone that synced with the pre-restore server
-- notices, sends back what the backup lacks, and pulls again from rev 0.
-- `sign_key` signs every event and target row the server hands out (rows.sig), so that after a
-- restore the server can take back a row from ANY member's phone exactly as it once issued it,
-- without trusting the phone's word for it. It is in the database on purpose: a backup carries it.
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  epoch TEXT NOT NULL,
  sign_key TEXT NOT NULL,
  epoch_started_at TEXT NOT NULL
);
INSERT INTO ledger (id, epoch, sign_key, epoch_started_at)
  VALUES (1, lower(hex(randomblob(16))), lower(hex(randomblob(32))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
ALTER TABLE events ADD COLUMN sig TEXT;
ALTER TABLE targets ADD COLUMN sig TEXT;
