-- Kepu Ledger, PostgreSQL schema 6: who holds each photo and which events name it, for the
-- storage budgets, the read rule (an org reads what it uploaded or names) and the sweep of photos
-- nobody names. The bytes stay in `blobs`, once per hash, however many orgs upload them.

-- One row per org that uploaded a blob (two orgs sending the same bytes: two rows, one blob).
-- `size` is what the org is charged; `uploaded_by`/`uploaded_at` feed the per-user daily budget
-- (NULL: held before this migration); `touched_at` is the last upload, from which the grace
-- period of an unnamed photo runs.
CREATE TABLE blob_owners (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  size BIGINT NOT NULL,
  uploaded_by TEXT,
  uploaded_at TEXT NOT NULL,
  touched_at TEXT NOT NULL,
  PRIMARY KEY (org_id, sha256)
);
CREATE INDEX blob_owners_user ON blob_owners(uploaded_by, uploaded_at);
CREATE INDEX blob_owners_sha ON blob_owners(sha256);

-- Every (org, photo, event) an event row has ever named, tombstones included: written in the
-- push transaction, never deleted, because a deleted event can be restored and an overwritten
-- photo list stays in event_history (nothing is ever lost).
CREATE TABLE blob_refs (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  sha256 TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (org_id, sha256, event_id)
);

INSERT INTO blob_refs (org_id, sha256, event_id)
  SELECT DISTINCT e.org_id, p.sha, e.id
  FROM events e CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(e.data->'photos', '[]'::jsonb)) AS p(sha);

-- Photos already named by an org's events belong to that org. A stored photo no event names has
-- no owner: the sweep removes it after the grace period (a phone that still means to name it is
-- told so by the push and uploads it again).
INSERT INTO blob_owners (org_id, sha256, size, uploaded_by, uploaded_at, touched_at)
  SELECT DISTINCT r.org_id, b.sha256, b.size, NULL, b.created_at, b.created_at
  FROM blob_refs r JOIN blobs b ON b.sha256 = r.sha256;
