-- Kepu Ledger, SQLite schema 2: the org-level taxonomy (one JSON document per association).
-- Codes in it are never removed (events point at them); entries are added, renamed, retired.
CREATE TABLE org_taxonomy (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  data TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
