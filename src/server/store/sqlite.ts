/**
 * The embedded store: one SQLite file (better-sqlite3, WAL, foreign keys on). better-sqlite3 is
 * synchronous, so every method runs to completion before another request's code can run, and a
 * push is one `BEGIN IMMEDIATE` transaction.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LedgerEvent } from '../../domain/event.js';
import type { Target } from '../../domain/targets.js';
import type { Award } from '../../domain/awards.js';
import { accessChanges } from '../../domain/scope.js';
import type { PulledRow, PushResponse, RecordEntity } from '../../sync/protocol.js';
import { signRecord } from '../sync/signature.js';
import type { FeedbackRecord } from '../../domain/feedback.js';
import type {
  CreateFeedbackResult,
  FeedbackDecider,
  FeedbackFilter,
  FeedbackKey,
  FeedbackSettingsRow,
  NewFeedback,
  UpdateFeedbackResult,
} from './feedback-store.js';
import { SqliteFeedback } from './feedback-sqlite.js';
import { loadMigrations } from './migrations.js';
import { newlyNamedPhotos, photosAddedBy } from './photo-names.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';
import type {
  BlobMeta,
  BlobPut,
  BlobPutDecider,
  BlobPutResult,
  BlobSweep,
  HistoryRow,
  InviteRow,
  LedgerIdentity,
  LimitCount,
  OrgRow,
  OrgTaxonomyRow,
  PullOptions,
  PullPage,
  PullScopeFilter,
  PushInput,
  PushPlanner,
  RejectedResult,
  Store,
  TaxonomyDecider,
  TokenSession,
  TokenTimes,
  UserPatch,
  UserRow,
} from './store.js';

type Row = Record<string, unknown>;

function userOf(r: Row): UserRow {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    role: r.role as UserRow['role'],
    name: String(r.name),
    username: String(r.username),
    passwordHash: String(r.password_hash),
    disabled: Number(r.disabled) === 1,
    createdAt: String(r.created_at),
  };
}

function inviteOf(r: Row): InviteRow {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    codeHash: String(r.code_hash),
    role: r.role as InviteRow['role'],
    createdBy: String(r.created_by),
    createdAt: String(r.created_at),
    expiresAt: String(r.expires_at),
    maxUses: Number(r.max_uses),
    uses: Number(r.uses),
    revoked: Number(r.revoked) === 1,
  };
}

function historyOf(r: Row): HistoryRow {
  return {
    entity: r.entity as HistoryRow['entity'],
    recordId: String(r.record_id),
    field: String(r.field),
    oldValue: JSON.parse(String(r.old_value)) as unknown,
    newValue: JSON.parse(String(r.new_value)) as unknown,
    rev: Number(r.rev),
    userId: String(r.user_id),
    clientId: String(r.client_id),
    at: String(r.at),
    clientAt: String(r.client_at),
  };
}

export interface SqliteStoreOptions {
  /** Path of the database file; ':memory:' for a throwaway store. */
  file: string;
  /**
   * WAL checkpoints on a worker thread every this many ms (sqlite-checkpointer.ts); default 1000.
   * 0: SQLite's automatic checkpoints, inside the COMMIT that fills the WAL.
   */
  checkpointEveryMs?: number;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;

  constructor(opts: SqliteStoreOptions) {
    if (opts.file !== ':memory:') mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
    this.db = new Database(opts.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.feedback = new SqliteFeedback(this.db, (sql) => this.stmt(sql));
    const every = opts.checkpointEveryMs ?? 1000;
    if (opts.file !== ':memory:' && every > 0) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = startCheckpointer(path.resolve(opts.file), every, () => {
        // No worker: back to checkpoints inside commits (SQLite's default).
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      });
    }
  }

  private readonly checkpointer: Checkpointer | null = null;

  private readonly feedback: SqliteFeedback;

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per SQL text (preparing is the costly part). */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  async migrate(): Promise<void> {
    const db = this.db;
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((this.stmt('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)));
    // All pending migrations in ONE transaction (as on PostgreSQL): an upgrade that fails at any
    // of them leaves the database exactly as the previous release left it.
    db.transaction(() => {
      for (const m of loadMigrations('sqlite')) {
        if (done.has(m.version)) continue;
        db.exec(m.sql);
        this.stmt('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      }
    }).immediate();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    // The last connection to close checkpoints the whole WAL and removes it.
    if (this.db.open) this.db.close();
  }

  async hasAdmin(): Promise<boolean> {
    return this.stmt("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1").get() !== undefined;
  }

  async setup(org: OrgRow, admin: UserRow): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.stmt("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1").get() !== undefined) return false;
        this.stmt('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)').run(org.id, org.name, org.createdAt);
        this.insertUser(admin);
        return true;
      })
      .immediate();
  }

  async getOrg(id: string): Promise<OrgRow | null> {
    const r = this.stmt('SELECT * FROM orgs WHERE id = ?').get(id) as Row | undefined;
    return r ? { id: String(r.id), name: String(r.name), createdAt: String(r.created_at) } : null;
  }

  private insertUser(u: UserRow): void {
    this.stmt('INSERT INTO users (id, org_id, role, name, username, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      u.id,
      u.orgId,
      u.role,
      u.name,
      u.username,
      u.passwordHash,
      u.disabled ? 1 : 0,
      u.createdAt,
    );
  }

  private usernameTaken(username: string): boolean {
    return this.stmt('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined;
  }

  async createUser(user: UserRow): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.usernameTaken(user.username)) return false;
        this.insertUser(user);
        return true;
      })
      .immediate();
  }

  async getUser(id: string): Promise<UserRow | null> {
    const r = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return r ? userOf(r) : null;
  }

  async getUserByUsername(username: string): Promise<UserRow | null> {
    const r = this.stmt('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return r ? userOf(r) : null;
  }

  async listUsers(orgId: string): Promise<UserRow[]> {
    return (this.stmt('SELECT * FROM users WHERE org_id = ? ORDER BY created_at, id').all(orgId) as Row[]).map(userOf);
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRow | null> {
    return this.db
      .transaction(() => {
        const r = this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
        if (!r) return null;
        if (patch.name !== undefined) this.stmt('UPDATE users SET name = ? WHERE id = ?').run(patch.name, id);
        if (patch.role !== undefined) this.stmt('UPDATE users SET role = ? WHERE id = ?').run(patch.role, id);
        if (patch.disabled !== undefined) this.stmt('UPDATE users SET disabled = ? WHERE id = ?').run(patch.disabled ? 1 : 0, id);
        if (patch.passwordHash !== undefined) this.stmt('UPDATE users SET password_hash = ? WHERE id = ?').run(patch.passwordHash, id);
        if (patch.disabled === true || patch.passwordHash !== undefined) this.stmt('DELETE FROM tokens WHERE user_id = ?').run(id);
        return userOf(this.stmt('SELECT * FROM users WHERE id = ?').get(id) as Row);
      })
      .immediate();
  }

  // ── Accounts: tokens, attempt limits, the secret's fingerprint (migration 005) ──

  async createToken(tokenHash: string, userId: string, createdAt: string): Promise<void> {
    this.stmt('INSERT INTO tokens (token_hash, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)').run(tokenHash, userId, createdAt, createdAt);
  }

  async tokenSession(tokenHash: string, times: TokenTimes): Promise<TokenSession | null> {
    const r = this.stmt(
      'SELECT u.*, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?',
    ).get(tokenHash) as Row | undefined;
    if (!r) return null;
    const createdAt = String(r.token_created_at);
    const lastUsedAt = String(r.token_last_used_at);
    if (lastUsedAt < times.touchBefore && lastUsedAt >= times.idleSince && createdAt >= times.createdSince) {
      // Guarded again in SQL: another process may have touched (or deleted) it meanwhile.
      this.stmt('UPDATE tokens SET last_used_at = ? WHERE token_hash = ? AND last_used_at < ? AND last_used_at >= ?').run(
        times.now,
        tokenHash,
        times.touchBefore,
        times.idleSince,
      );
    }
    return { user: userOf(r), createdAt, lastUsedAt };
  }

  async deleteToken(tokenHash: string): Promise<void> {
    this.stmt('DELETE FROM tokens WHERE token_hash = ?').run(tokenHash);
  }

  async changePassword(userId: string, passwordHash: string, keepTokenHash: string): Promise<UserRow | null> {
    return this.db
      .transaction(() => {
        if (this.stmt('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId).changes === 0) return null;
        this.stmt('DELETE FROM tokens WHERE user_id = ? AND token_hash <> ?').run(userId, keepTokenHash);
        return userOf(this.stmt('SELECT * FROM users WHERE id = ?').get(userId) as Row);
      })
      .immediate();
  }

  async hitLimit(key: string, nowMs: number, windowMs: number): Promise<LimitCount> {
    // One statement: SQLite runs it under the write lock, so no two processes read the same count.
    // Every right-hand side sees the row as it was, so both CASEs test the old window_start.
    const r = this.stmt(
      'INSERT INTO auth_limits (key, window_start, hits) VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET ' +
        'hits = CASE WHEN auth_limits.window_start <= ? THEN 1 ELSE auth_limits.hits + 1 END, ' +
        'window_start = CASE WHEN auth_limits.window_start <= ? THEN excluded.window_start ELSE auth_limits.window_start END ' +
        'RETURNING hits, window_start',
    ).get(key, nowMs, nowMs - windowMs, nowMs - windowMs) as Row;
    return { hits: Number(r.hits), resetAt: Number(r.window_start) + windowMs };
  }

  async resetLimit(key: string): Promise<void> {
    this.stmt('DELETE FROM auth_limits WHERE key = ?').run(key);
  }

  async pruneAuth(before: { windowStartBefore: number; tokensUsedBefore: string; tokensCreatedBefore: string }): Promise<void> {
    this.db
      .transaction(() => {
        this.stmt('DELETE FROM auth_limits WHERE window_start < ?').run(before.windowStartBefore);
        this.stmt('DELETE FROM tokens WHERE last_used_at < ? OR created_at < ?').run(before.tokensUsedBefore, before.tokensCreatedBefore);
      })
      .immediate();
  }

  async secretFingerprint(fingerprint: string): Promise<string> {
    this.stmt("INSERT INTO server_keys (name, value) VALUES ('secret', ?) ON CONFLICT (name) DO NOTHING").run(fingerprint);
    return String((this.stmt("SELECT value FROM server_keys WHERE name = 'secret'").get() as Row).value);
  }

  async createInvite(i: InviteRow): Promise<void> {
    this.stmt(
      'INSERT INTO invites (id, org_id, code_hash, role, created_by, created_at, expires_at, max_uses, uses, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(i.id, i.orgId, i.codeHash, i.role, i.createdBy, i.createdAt, i.expiresAt, i.maxUses, i.uses, i.revoked ? 1 : 0);
  }

  async listInvites(orgId: string): Promise<InviteRow[]> {
    return (this.stmt('SELECT * FROM invites WHERE org_id = ? ORDER BY created_at, id').all(orgId) as Row[]).map(inviteOf);
  }

  async revokeInvite(orgId: string, id: string): Promise<boolean> {
    return this.stmt('UPDATE invites SET revoked = 1 WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }

  async redeemInvite(
    codeHash: string,
    now: string,
    makeUser: (invite: InviteRow) => UserRow,
  ): Promise<{ ok: true; user: UserRow } | { ok: false; reason: 'badInvite' | 'usernameTaken' }> {
    return this.db
      .transaction((): { ok: true; user: UserRow } | { ok: false; reason: 'badInvite' | 'usernameTaken' } => {
        const r = this.stmt('SELECT * FROM invites WHERE code_hash = ?').get(codeHash) as Row | undefined;
        if (!r) return { ok: false, reason: 'badInvite' };
        const invite = inviteOf(r);
        if (invite.revoked || invite.uses >= invite.maxUses || Date.parse(invite.expiresAt) <= Date.parse(now)) {
          return { ok: false, reason: 'badInvite' };
        }
        const user = makeUser(invite);
        if (this.usernameTaken(user.username)) return { ok: false, reason: 'usernameTaken' };
        this.stmt('UPDATE invites SET uses = uses + 1 WHERE id = ?').run(invite.id);
        this.insertUser(user);
        return { ok: true, user };
      })
      .immediate();
  }

  async push<R = PushResponse>(input: PushInput, plan: PushPlanner<R>): Promise<R> {
    const db = this.db;
    return db
      .transaction((): R => {
        const { actor, clientId, mutations } = input;
        const c = this.stmt('SELECT last_seq FROM clients WHERE user_id = ? AND client_id = ?').get(actor.userId, clientId) as Row | undefined;
        const head = this.stmt('SELECT r.rev, l.epoch, l.sign_key FROM rev_counter r, ledger l WHERE r.id = 1 AND l.id = 1').get() as Row;
        const rev = Number(head.rev);
        const signKey = String(head.sign_key);
        const events = new Map<string, LedgerEvent>();
        const targets = new Map<string, Target>();
        const awards = new Map<string, Award>();
        const deletedBy = new Map<string, string>();
        const getEvent = this.stmt('SELECT data FROM events WHERE id = ?');
        const getTarget = this.stmt('SELECT data FROM targets WHERE id = ?');
        const getAward = this.stmt('SELECT data FROM awards WHERE id = ?');
        const readEvent = (id: string): void => {
          if (events.has(id)) return;
          const r = getEvent.get(id) as Row | undefined;
          if (r) events.set(id, JSON.parse(String(r.data)) as LedgerEvent);
        };
        const readTarget = (id: string): void => {
          if (targets.has(id)) return;
          const r = getTarget.get(id) as Row | undefined;
          if (r) targets.set(id, JSON.parse(String(r.data)) as Target);
        };
        const readAward = (id: string): void => {
          if (awards.has(id)) return;
          const r = getAward.get(id) as Row | undefined;
          if (r) awards.set(id, JSON.parse(String(r.data)) as Award);
        };
        for (const m of mutations) {
          if (m.entity === 'event') readEvent(m.eventId);
          else if (m.entity === 'award') readAward(m.awardId);
          else readTarget(m.targetId);
        }
        for (const id of input.records?.awards ?? []) readAward(id);
        for (const id of input.records?.events ?? []) readEvent(id);
        for (const id of input.records?.targets ?? []) readTarget(id);
        const deleter = this.stmt("SELECT user_id FROM event_history WHERE entity = 'event' AND record_id = ? AND field = 'deleted' ORDER BY id DESC LIMIT 1");
        for (const [id, e] of events) {
          if (!e.deleted) continue;
          const r = deleter.get(id) as Row | undefined;
          if (r) deletedBy.set(id, String(r.user_id));
        }
        const lastSeq = c ? Number(c.last_seq) : 0;
        const rejections = new Map<number, RejectedResult>();
        const first = mutations[0];
        if (first && first.seq <= lastSeq) {
          const rows = this.stmt('SELECT seq, result FROM push_rejections WHERE user_id = ? AND client_id = ? AND seq BETWEEN ? AND ?').all(
            actor.userId,
            clientId,
            first.seq,
            lastSeq,
          ) as Row[];
          for (const r of rows) rejections.set(Number(r.seq), JSON.parse(String(r.result)) as RejectedResult);
        }
        const named = newlyNamedPhotos(mutations, events, awards, targets);
        const storedPhotos = named.length ? this.heldPhotos(actor.orgId, named) : undefined;
        const taxonomy = this.taxonomyRow(actor.orgId)?.taxonomy ?? null;
        const out = plan({
          epoch: String(head.epoch),
          lastSeq,
          rev,
          events,
          targets,
          awards,
          rejections,
          deletedBy,
          taxonomy,
          ...(storedPhotos ? { storedPhotos } : {}),
        });
        const putEvent = this.stmt(
          'INSERT INTO events (id, org_id, rev, created_by, deleted, data, sig) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
            'ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data, sig = excluded.sig',
        );
        for (const e of out.events) putEvent.run(e.id, e.orgId, e.rev, e.createdBy, e.deleted ? 1 : 0, JSON.stringify(e), signRecord(signKey, e));
        // Who holds each written event (scoped pulls, migration 007): in the same transaction.
        const putAccess = this.stmt(
          'INSERT INTO event_access (user_id, event_id, org_id, rev, member) VALUES (?, ?, ?, ?, ?) ' +
            'ON CONFLICT (user_id, event_id) DO UPDATE SET rev = excluded.rev, member = excluded.member',
        );
        for (const e of out.events) for (const a of accessChanges(events.get(e.id), e)) putAccess.run(a.userId, e.id, e.orgId, e.rev, a.member ? 1 : 0);
        const refs = [...photosAddedBy(out.events, events), ...photosAddedBy(out.awards, awards), ...photosAddedBy(out.targets, targets)];
        if (refs.length) {
          const putRef = this.stmt('INSERT INTO blob_refs (org_id, sha256, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
          for (const r of refs) putRef.run(r.orgId, r.sha256, r.eventId);
        }
        const putTarget = this.stmt(
          'INSERT INTO targets (id, org_id, rev, deleted, data, sig) VALUES (?, ?, ?, ?, ?, ?) ' +
            'ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data, sig = excluded.sig',
        );
        for (const t of out.targets) putTarget.run(t.id, t.orgId, t.rev, t.deleted ? 1 : 0, JSON.stringify(t), signRecord(signKey, t));
        if (out.awards.length) {
          const putAward = this.stmt(
            'INSERT INTO awards (id, org_id, rev, deleted, data, sig) VALUES (?, ?, ?, ?, ?, ?) ' +
              'ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data, sig = excluded.sig',
          );
          for (const a of out.awards) putAward.run(a.id, a.orgId, a.rev, a.deleted ? 1 : 0, JSON.stringify(a), signRecord(signKey, a));
        }
        const putHistory = this.stmt(
          'INSERT INTO event_history (entity, record_id, field, old_value, new_value, rev, user_id, client_id, at, client_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
        for (const h of out.history) {
          putHistory.run(
            h.entity,
            h.recordId,
            h.field,
            JSON.stringify(h.oldValue ?? null),
            JSON.stringify(h.newValue ?? null),
            h.rev,
            h.userId,
            h.clientId,
            h.at,
            h.clientAt,
          );
        }
        if (out.rev !== rev) this.stmt('UPDATE rev_counter SET rev = ? WHERE id = 1').run(out.rev);
        if (c ? out.lastSeq !== Number(c.last_seq) : mutations.length > 0) {
          this.stmt(
            'INSERT INTO clients (user_id, client_id, last_seq, updated_at) VALUES (?, ?, ?, ?) ' +
              'ON CONFLICT (user_id, client_id) DO UPDATE SET last_seq = excluded.last_seq, updated_at = excluded.updated_at',
          ).run(actor.userId, clientId, out.lastSeq, new Date().toISOString());
        }
        if (out.rejections?.length) {
          const putRejection = this.stmt(
            'INSERT INTO push_rejections (user_id, client_id, seq, result, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, client_id, seq) DO NOTHING',
          );
          const at = new Date().toISOString();
          for (const r of out.rejections) putRejection.run(actor.userId, clientId, r.seq, JSON.stringify(r), at);
        }
        return out.response;
      })
      .immediate();
  }

  async pull(orgId: string, cursor: number, limit: number, scope?: PullScopeFilter, options: PullOptions = {}): Promise<PullPage> {
    const rows = scope
      ? (this.stmt(
          "SELECT 'event' AS entity, a.rev, a.member, a.event_id AS id, CASE WHEN a.member = 1 THEN e.data END AS data, CASE WHEN a.member = 1 THEN e.sig END AS sig " +
            'FROM event_access a JOIN events e ON e.id = a.event_id WHERE a.user_id = ? AND a.org_id = ? AND a.rev > ? ' +
            "UNION ALL SELECT 'target' AS entity, rev, 1, id, data, sig FROM targets WHERE org_id = ? AND rev > ? " +
            'ORDER BY rev LIMIT ?',
        ).all(scope.userId, orgId, cursor, orgId, cursor, limit + 1) as Row[])
      : options.awards
        ? (this.stmt(
            "SELECT 'event' AS entity, rev, 1 AS member, id, data, sig FROM events WHERE org_id = ? AND rev > ? " +
              "UNION ALL SELECT 'target' AS entity, rev, 1 AS member, id, data, sig FROM targets WHERE org_id = ? AND rev > ? " +
              "UNION ALL SELECT 'award' AS entity, rev, 1 AS member, id, data, sig FROM awards WHERE org_id = ? AND rev > ? " +
              'ORDER BY rev LIMIT ?',
          ).all(orgId, cursor, orgId, cursor, orgId, cursor, limit + 1) as Row[])
        : (this.stmt(
            "SELECT 'event' AS entity, rev, 1 AS member, id, data, sig FROM events WHERE org_id = ? AND rev > ? " +
              "UNION ALL SELECT 'target' AS entity, rev, 1 AS member, id, data, sig FROM targets WHERE org_id = ? AND rev > ? " +
              'ORDER BY rev LIMIT ?',
          ).all(orgId, cursor, orgId, cursor, limit + 1) as Row[]);
    const more = rows.length > limit;
    const epoch = String((this.stmt('SELECT epoch FROM ledger WHERE id = 1').get() as Row).epoch);
    const page: PullPage = { rows: [], dropped: [], more, epoch };
    for (const r of rows.slice(0, limit)) {
      if (Number(r.member) !== 1) {
        page.dropped.push({ id: String(r.id), rev: Number(r.rev) });
        continue;
      }
      const pulled: PulledRow =
        r.entity === 'event'
          ? { entity: 'event', row: JSON.parse(String(r.data)) as LedgerEvent }
          : r.entity === 'award'
            ? { entity: 'award', row: JSON.parse(String(r.data)) as Award }
            : { entity: 'target', row: JSON.parse(String(r.data)) as Target };
      if (typeof r.sig === 'string') pulled.sig = r.sig;
      page.rows.push(pulled);
    }
    return page;
  }

  async liveEvents(orgId: string): Promise<{ events: LedgerEvent[]; revSum: number }> {
    const rows = this.stmt('SELECT rev, CASE WHEN deleted = 0 THEN data END AS data FROM events WHERE org_id = ?').all(orgId) as Row[];
    let revSum = 0;
    const events: LedgerEvent[] = [];
    for (const r of rows) {
      revSum += Number(r.rev);
      if (r.data !== null) events.push(JSON.parse(String(r.data)) as LedgerEvent);
    }
    return { events, revSum };
  }

  async eventRevSum(orgId: string): Promise<number> {
    return Number((this.stmt('SELECT coalesce(sum(rev), 0) AS s FROM events WHERE org_id = ?').get(orgId) as Row).s);
  }

  async currentRev(): Promise<number> {
    return Number((this.stmt('SELECT rev FROM rev_counter WHERE id = 1').get() as Row).rev);
  }

  async ledger(): Promise<LedgerIdentity> {
    const r = this.stmt('SELECT epoch, sign_key FROM ledger WHERE id = 1').get() as Row;
    return { epoch: String(r.epoch), signKey: String(r.sign_key) };
  }

  async renewEpoch(epoch: string, at: string): Promise<string> {
    this.stmt('UPDATE ledger SET epoch = ?, epoch_started_at = ? WHERE id = 1').run(epoch, at);
    return epoch;
  }

  async getEvent(id: string): Promise<LedgerEvent | null> {
    const r = this.stmt('SELECT data FROM events WHERE id = ?').get(id) as Row | undefined;
    return r ? (JSON.parse(String(r.data)) as LedgerEvent) : null;
  }

  async history(entity: RecordEntity, recordId: string): Promise<HistoryRow[]> {
    return (this.stmt('SELECT * FROM event_history WHERE entity = ? AND record_id = ? ORDER BY id').all(entity, recordId) as Row[]).map(historyOf);
  }

  private taxonomyRow(orgId: string): OrgTaxonomyRow | null {
    const r = this.stmt('SELECT data, updated_by, updated_at FROM org_taxonomy WHERE org_id = ?').get(orgId) as Row | undefined;
    return r ? { taxonomy: JSON.parse(String(r.data)) as OrgTaxonomyRow['taxonomy'], updatedBy: String(r.updated_by), updatedAt: String(r.updated_at) } : null;
  }

  async getTaxonomy(orgId: string): Promise<OrgTaxonomyRow | null> {
    return this.taxonomyRow(orgId);
  }

  async putTaxonomy(orgId: string, decide: TaxonomyDecider): Promise<OrgTaxonomyRow | null> {
    return this.db
      .transaction((): OrgTaxonomyRow | null => {
        const current = this.taxonomyRow(orgId);
        const next = decide(current);
        if (!next) return current;
        this.stmt(
          'INSERT INTO org_taxonomy (org_id, data, updated_by, updated_at) VALUES (?, ?, ?, ?) ' +
            'ON CONFLICT (org_id) DO UPDATE SET data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at',
        ).run(orgId, JSON.stringify(next.taxonomy), next.updatedBy, next.updatedAt);
        return next;
      })
      .immediate();
  }

  // ---- Blobs (migration 006): one row of bytes per hash, a holding per org, names per event ----

  /** Which of `hashes` the org holds (inside the push transaction). */
  private heldPhotos(orgId: string, hashes: readonly string[]): Set<string> {
    const rows = this.stmt('SELECT sha256 FROM blob_owners WHERE org_id = ? AND sha256 IN (SELECT value FROM json_each(?))').all(
      orgId,
      JSON.stringify(hashes),
    ) as Row[];
    return new Set(rows.map((r) => String(r.sha256)));
  }

  async putBlob(put: BlobPut, decide: BlobPutDecider): Promise<BlobPutResult> {
    // BEGIN IMMEDIATE takes the write lock first: the usage read and the write are one step.
    return this.db
      .transaction((): BlobPutResult => {
        const held = this.stmt('SELECT 1 FROM blob_owners WHERE org_id = ? AND sha256 = ?').get(put.orgId, put.sha256) !== undefined;
        const orgBytes = Number((this.stmt('SELECT COALESCE(SUM(size), 0) AS n FROM blob_owners WHERE org_id = ?').get(put.orgId) as Row).n);
        const userBytesToday = Number(
          (this.stmt('SELECT COALESCE(SUM(size), 0) AS n FROM blob_owners WHERE uploaded_by = ? AND uploaded_at >= ?').get(put.userId, put.dayStart) as Row).n,
        );
        const refused = decide({ held, orgBytes, userBytesToday });
        if (refused) return { status: 'refused', reason: refused };
        if (held) {
          this.stmt('UPDATE blob_owners SET touched_at = ? WHERE org_id = ? AND sha256 = ?').run(put.at, put.orgId, put.sha256);
          return { status: 'held' };
        }
        const created =
          this.stmt('INSERT INTO blobs (sha256, content_type, size, created_at, bytes) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING').run(
            put.sha256,
            put.contentType,
            put.bytes.length,
            put.at,
            put.bytes,
          ).changes > 0;
        this.stmt('INSERT INTO blob_owners (org_id, sha256, size, uploaded_by, uploaded_at, touched_at) VALUES (?, ?, ?, ?, ?, ?)').run(
          put.orgId,
          put.sha256,
          put.bytes.length,
          put.userId,
          put.at,
          put.at,
        );
        return { status: created ? 'created' : 'added' };
      })
      .immediate();
  }

  /** The readable-by-org condition on `blobs b` (two `?`: the org id twice). */
  private static readonly READABLE =
    'EXISTS (SELECT 1 FROM blob_owners o WHERE o.org_id = ? AND o.sha256 = b.sha256) OR EXISTS (SELECT 1 FROM blob_refs r WHERE r.org_id = ? AND r.sha256 = b.sha256)';

  async blobMeta(orgId: string, sha256: string): Promise<BlobMeta | null> {
    const r = this.stmt(`SELECT content_type, size FROM blobs b WHERE sha256 = ? AND (${SqliteStore.READABLE})`).get(sha256, orgId, orgId) as Row | undefined;
    return r ? { contentType: String(r.content_type), size: Number(r.size) } : null;
  }

  async getBlob(orgId: string, sha256: string): Promise<(BlobMeta & { bytes: Buffer }) | null> {
    const r = this.stmt(`SELECT content_type, size, bytes FROM blobs b WHERE sha256 = ? AND (${SqliteStore.READABLE})`).get(sha256, orgId, orgId) as
      Row | undefined;
    return r ? { contentType: String(r.content_type), size: Number(r.size), bytes: r.bytes as Buffer } : null;
  }

  async sweepBlobs(cutoff: string): Promise<BlobSweep> {
    return this.db
      .transaction((): BlobSweep => {
        const owners = this.stmt(
          'DELETE FROM blob_owners WHERE touched_at < ? ' +
            'AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.org_id = blob_owners.org_id AND r.sha256 = blob_owners.sha256)',
        ).run(cutoff).changes;
        const gone = this.stmt(
          'DELETE FROM blobs WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM blob_owners o WHERE o.sha256 = blobs.sha256) RETURNING size',
        ).all(cutoff) as Row[];
        return { owners, blobs: gone.length, bytes: gone.reduce((n, r) => n + Number(r.size), 0) };
      })
      .immediate();
  }

  async dump(): Promise<Record<string, unknown[]>> {
    const q = (sql: string): unknown[] => this.stmt(sql).all();
    return {
      orgs: q('SELECT * FROM orgs ORDER BY id'),
      users: q('SELECT * FROM users ORDER BY id'),
      tokens: q('SELECT * FROM tokens ORDER BY token_hash'),
      auth_limits: q('SELECT * FROM auth_limits ORDER BY key'),
      server_keys: q('SELECT * FROM server_keys ORDER BY name'),
      invites: q('SELECT * FROM invites ORDER BY id'),
      rev_counter: q('SELECT * FROM rev_counter'),
      clients: q('SELECT * FROM clients ORDER BY user_id, client_id'),
      ledger: q('SELECT epoch FROM ledger'),
      events: (q('SELECT id, org_id, rev, created_by, deleted, data FROM events ORDER BY id') as Row[]).map((r) => ({
        ...r,
        data: JSON.parse(String(r.data)) as unknown,
      })),
      targets: (q('SELECT id, org_id, rev, deleted, data FROM targets ORDER BY id') as Row[]).map((r) => ({
        ...r,
        data: JSON.parse(String(r.data)) as unknown,
      })),
      awards: (q('SELECT id, org_id, rev, deleted, data FROM awards ORDER BY id') as Row[]).map((r) => ({
        ...r,
        data: JSON.parse(String(r.data)) as unknown,
      })),
      event_history: q('SELECT * FROM event_history ORDER BY id'),
      blobs: q('SELECT sha256, content_type, size, created_at FROM blobs ORDER BY sha256'),
      blob_owners: q('SELECT * FROM blob_owners ORDER BY org_id, sha256'),
      blob_refs: q('SELECT * FROM blob_refs ORDER BY org_id, sha256, event_id'),
      org_taxonomy: (q('SELECT org_id, data, updated_by, updated_at FROM org_taxonomy ORDER BY org_id') as Row[]).map((r) => ({
        ...r,
        data: JSON.parse(String(r.data)) as unknown,
      })),
      push_rejections: (q('SELECT user_id, client_id, seq, result, at FROM push_rejections ORDER BY user_id, client_id, seq') as Row[]).map((r) => ({
        ...r,
        result: JSON.parse(String(r.result)) as unknown,
      })),
      feedback: (q('SELECT * FROM feedback ORDER BY id') as Row[]).map((r) => ({ ...r, data: JSON.parse(String(r.data)) as unknown })),
      feedback_seq: q('SELECT * FROM feedback_seq ORDER BY org_id, year'),
      feedback_codes: q('SELECT * FROM feedback_codes ORDER BY code'),
      feedback_settings: (q('SELECT * FROM feedback_settings ORDER BY org_id') as Row[]).map((r) => ({ ...r, data: JSON.parse(String(r.data)) as unknown })),
    };
  }

  // Feedback (issue 15, feedback-store.ts): delegated to the feedback part of the store.
  listOrgs(): Promise<{ id: string; name: string }[]> {
    return this.feedback.listOrgs();
  }
  feedbackEventByCode(code: string): Promise<{ eventId: string; orgId: string } | null> {
    return this.feedback.feedbackEventByCode(code);
  }
  recordFeedbackCodes(codes: readonly { code: string; eventId: string }[]): Promise<number> {
    return this.feedback.recordFeedbackCodes(codes);
  }
  eventsWithoutFeedbackCode(limit: number): Promise<string[]> {
    return this.feedback.eventsWithoutFeedbackCode(limit);
  }
  createFeedback(input: NewFeedback): Promise<CreateFeedbackResult> {
    return this.feedback.createFeedback(input);
  }
  getFeedback(key: FeedbackKey): Promise<FeedbackRecord | null> {
    return this.feedback.getFeedback(key);
  }
  listFeedback(orgId: string, filter: FeedbackFilter): Promise<FeedbackRecord[]> {
    return this.feedback.listFeedback(orgId, filter);
  }
  feedbackByPhone(orgId: string, phone: string): Promise<FeedbackRecord[]> {
    return this.feedback.feedbackByPhone(orgId, phone);
  }
  updateFeedback(key: FeedbackKey, decide: FeedbackDecider): Promise<UpdateFeedbackResult> {
    return this.feedback.updateFeedback(key, decide);
  }
  feedbackToAnonymise(orgId: string, closedBefore: string, limit: number): Promise<FeedbackRecord[]> {
    return this.feedback.feedbackToAnonymise(orgId, closedBefore, limit);
  }
  getFeedbackSettings(orgId: string): Promise<FeedbackSettingsRow | null> {
    return this.feedback.getFeedbackSettings(orgId);
  }
  putFeedbackSettings(orgId: string, row: FeedbackSettingsRow): Promise<void> {
    return this.feedback.putFeedbackSettings(orgId, row);
  }
}
