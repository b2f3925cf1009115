-- Kepu Ledger, PostgreSQL schema 5 (accounts): sessions that expire, login limits every server
-- process shares, and invite codes keyed with the server secret.

-- A token's last use, written at most about once a minute per token (idle expiry). Tokens issued
-- before this migration count as used now: nobody is signed out by the upgrade for idleness.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
UPDATE tokens SET last_used_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

-- Attempt counters (login per account and per address, setup/join per address): one row per key,
-- a window of fixed length that starts at its first attempt. Kept here, not in process memory, so
-- every server over this database counts the same attempts, and a restart forgets none.
CREATE TABLE auth_limits (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL, -- ms since the epoch
  hits INTEGER NOT NULL
);
CREATE INDEX auth_limits_window ON auth_limits(window_start);

-- Invite codes were stored as the unsalted SHA-256 of 8 symbols (≈ 40 bits): anyone holding a copy
-- of the database can recover the active ones by brute force in minutes. New codes are longer and
-- stored as HMAC-SHA-256 keyed with a secret kept outside the database. The old hashes are dropped
-- and the invites still usable are revoked (staff make new ones; joining with an old code is
-- refused with its own message).
UPDATE invites SET revoked = TRUE
  WHERE NOT revoked AND uses < max_uses AND expires_at > to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
UPDATE invites SET code_hash = 'legacy:' || id;

-- A fingerprint of the server secret (an HMAC of a fixed text; it reveals nothing of the secret),
-- so a server started with a different secret than the others over this database can say so.
CREATE TABLE server_keys (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
