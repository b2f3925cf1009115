-- Kepu Ledger, PostgreSQL schema 1. Migrations are numbered and append-only: never edit a shipped file.
-- Tables are created in the connection's current schema (search_path).
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'volunteer')),
  name TEXT NOT NULL,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE invites (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  code_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('staff', 'volunteer')),
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  max_uses INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX invites_org ON invites(org_id);

-- One global rev counter across events and targets; its row lock serialises pushes, so revs
-- become visible in rev order.
CREATE TABLE rev_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  rev BIGINT NOT NULL
);
INSERT INTO rev_counter (id, rev) VALUES (1, 0);

CREATE TABLE clients (
  user_id TEXT NOT NULL REFERENCES users(id),
  client_id TEXT NOT NULL,
  last_seq BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);

CREATE TABLE events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev BIGINT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  deleted BOOLEAN NOT NULL,
  data JSONB NOT NULL
);
CREATE INDEX events_org_rev ON events(org_id, rev);

CREATE TABLE targets (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev BIGINT NOT NULL UNIQUE,
  deleted BOOLEAN NOT NULL,
  data JSONB NOT NULL
);
CREATE INDEX targets_org_rev ON targets(org_id, rev);

CREATE TABLE event_history (
  id BIGSERIAL PRIMARY KEY,
  entity TEXT NOT NULL CHECK (entity IN ('event', 'target')),
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value JSONB NOT NULL,
  new_value JSONB NOT NULL,
  rev BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  at TEXT NOT NULL,
  client_at TEXT NOT NULL
);
CREATE INDEX event_history_record ON event_history(entity, record_id, id);

CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  bytes BYTEA NOT NULL
);
