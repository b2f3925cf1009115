-- Kepu Ledger, SQLite schema 7: scoped pulls (issue 13 §5). A volunteer's phone holds the events
-- they created or are listed on (src/domain/scope.ts). One row per (user, event) that was ever in
-- the user's scope: `member` 1 while it is, 0 once a write took it out (the volunteer was taken off
-- the event's list), and `rev` the rev of the last write that touched the user's access: for a
-- member the event's own rev, for a former member the rev of the write that removed them. A
-- volunteer's pull reads its rows with rev > cursor: members as rows, former members as `dropped`.
-- Staff and admins are not listed: they pull everything.
CREATE TABLE event_access (
  user_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev INTEGER NOT NULL,
  member INTEGER NOT NULL CHECK (member IN (0, 1)),
  PRIMARY KEY (user_id, event_id)
);
CREATE INDEX event_access_user_rev ON event_access(user_id, rev);

-- Every event as it stands: its author and each volunteer named by id.
INSERT OR IGNORE INTO event_access (user_id, event_id, org_id, rev, member)
  SELECT created_by, id, org_id, rev, 1 FROM events;
INSERT OR IGNORE INTO event_access (user_id, event_id, org_id, rev, member)
  SELECT json_extract(v.value, '$.userId'), e.id, e.org_id, e.rev, 1
  FROM events e, json_each(e.data, '$.volunteers') v
  WHERE json_type(v.value, '$.userId') = 'text';
