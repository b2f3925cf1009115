-- Kepu Ledger, PostgreSQL schema 9: competition awards (issue 14 §4); SQLite's 008, which explains
-- the table. Rows are written by the push's one statement with the revs it draws, so the rev
-- barrier (migration 007) covers them as it covers events and targets.
CREATE TABLE awards (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev BIGINT NOT NULL UNIQUE,
  deleted BOOLEAN NOT NULL,
  data JSONB NOT NULL,
  sig TEXT
);
CREATE INDEX awards_org_rev ON awards(org_id, rev);

ALTER TABLE event_history DROP CONSTRAINT event_history_entity_check;
ALTER TABLE event_history ADD CONSTRAINT event_history_entity_check CHECK (entity IN ('event', 'target', 'award'));
