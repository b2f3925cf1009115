-- Kepu Ledger, SQLite schema 1. Migrations are numbered and append-only: never edit a shipped file.
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
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
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
  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX invites_org ON invites(org_id);

-- One global rev counter across events and targets.
CREATE TABLE rev_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  rev INTEGER NOT NULL
);
INSERT INTO rev_counter (id, rev) VALUES (1, 0);

-- Each device's last applied seq, per signed-in user.
CREATE TABLE clients (
  user_id TEXT NOT NULL REFERENCES users(id),
  client_id TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);

-- The whole validated event as JSON, plus the columns queries need.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev INTEGER NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  data TEXT NOT NULL
);
CREATE INDEX events_org_rev ON events(org_id, rev);

CREATE TABLE targets (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  rev INTEGER NOT NULL UNIQUE,
  deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  data TEXT NOT NULL
);
CREATE INDEX targets_org_rev ON targets(org_id, rev);

-- Every overwritten value (events and targets), never deleted.
CREATE TABLE event_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL CHECK (entity IN ('event', 'target')),
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
CREATE INDEX event_history_record ON event_history(entity, record_id, id);

CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  bytes BLOB NOT NULL
);
