-- Kepu Ledger, PostgreSQL schema 3: the answer given to every rejected mutation, per (user,
-- client, seq), so a retried push whose first answer was lost gets "rejected" again, not "skipped".
CREATE TABLE push_rejections (
  user_id TEXT NOT NULL REFERENCES users(id),
  client_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  result JSONB NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (user_id, client_id, seq)
);
