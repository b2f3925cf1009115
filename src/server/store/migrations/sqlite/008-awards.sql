-- Kepu Ledger, SQLite schema 8: competition awards (issue 14 §4, src/domain/awards.ts), one row
-- per award batch, synced like targets: the whole validated award as JSON, its rev from the one
-- global counter, and the server's signature. Staff and admins write them; only phones that ask
-- (`awards=1`, never a volunteer's scoped pull) receive them. An award's evidence photos are
-- named in blob_refs under the award's id (column event_id), like an event's.
CREATE TABLE awards (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev INTEGER NOT NULL UNIQUE,
  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  data TEXT NOT NULL,
  sig TEXT
);
CREATE INDEX awards_org_rev ON awards(org_id, rev);

-- The history keeps awards' overwritten values too: SQLite cannot change a CHECK constraint, so
-- the table is copied into one that allows 'award' (ids kept, so its order is unchanged).
CREATE TABLE event_history_v8 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL CHECK (entity IN ('event', 'target', 'award')),
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  rev INTEGER NOT NULL,
  user_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  at TEXT NOT NULL,
  client_at TEXT NOT NULL
);
INSERT INTO event_history_v8 (id, entity, record_id, field, old_value, new_value, rev, user_id, client_id, at, client_at)
  SELECT id, entity, record_id, field, old_value, new_value, rev, user_id, client_id, at, client_at FROM event_history;
DROP TABLE event_history;
ALTER TABLE event_history_v8 RENAME TO event_history;
CREATE INDEX event_history_record ON event_history(entity, record_id, id);
