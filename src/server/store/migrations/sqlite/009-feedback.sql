-- Kepu Ledger, SQLite schema 9 (issue 15): 群众意见反映渠道 — the public's feedback on events and the
-- association's 意见箱, what staff log from calls, letters and visits, and each org's deadlines.

-- One item. `data` is the whole record as domain/feedback.ts FeedbackRecord (JSON); the columns
-- beside it are copies of what lists, lookups and the retention sweep select on.
CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  ref TEXT NOT NULL,                -- 编号 "2026-0001", per org and year
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  event_id TEXT,                    -- null: not an event item, or its event has not synced yet
  event_code TEXT,                  -- the code the public used (channel event)
  client_id TEXT UNIQUE,            -- the public page's idempotence key (null: logged by staff)
  query_hash TEXT UNIQUE,           -- HMAC of the 查询码 keyed with the server secret (null: staff-logged)
  dup_key TEXT,                     -- code + address + content digest (duplicate suppression)
  received_at TEXT NOT NULL,
  closed_at TEXT,
  anonymised_at TEXT,
  phone TEXT,
  data TEXT NOT NULL,
  UNIQUE (org_id, ref)
);
CREATE INDEX feedback_org_received ON feedback(org_id, received_at);
CREATE INDEX feedback_pending_code ON feedback(event_code) WHERE event_id IS NULL;
CREATE INDEX feedback_dup ON feedback(dup_key, received_at);
CREATE INDEX feedback_phone ON feedback(org_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX feedback_event ON feedback(event_id) WHERE event_id IS NOT NULL;

-- The last 编号 given out per org and year.
CREATE TABLE feedback_seq (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (org_id, year)
);

-- The public code (domain/feedback.ts feedbackCodeOf) of every event the server has ingested, so a
-- code resolves in one indexed read. The first event to claim a code keeps it.
CREATE TABLE feedback_codes (
  code TEXT PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL
);

-- Each org's deadlines and retention (absent: the defaults of the 信访工作条例).
CREATE TABLE feedback_settings (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  data TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
