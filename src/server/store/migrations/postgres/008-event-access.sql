-- Kepu Ledger, PostgreSQL schema 8: scoped pulls (issue 13 §5); SQLite's 007, which explains the
-- table. Rows are written by the push's one statement, with the revs it draws, so an access row
-- commits with its event and the rev barrier covers both.
CREATE TABLE event_access (
  user_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev BIGINT NOT NULL,
  member BOOLEAN NOT NULL,
  PRIMARY KEY (user_id, event_id)
);
CREATE INDEX event_access_user_rev ON event_access(user_id, rev);

INSERT INTO event_access (user_id, event_id, org_id, rev, member)
  SELECT created_by, id, org_id, rev, TRUE FROM events
  ON CONFLICT DO NOTHING;
INSERT INTO event_access (user_id, event_id, org_id, rev, member)
  SELECT v->>'userId', e.id, e.org_id, e.rev, TRUE
  FROM events e, jsonb_array_elements(e.data->'volunteers') v
  WHERE jsonb_typeof(v->'userId') = 'string'
  ON CONFLICT DO NOTHING;
