/**
 * The PostgreSQL store (pg), chosen when DATABASE_URL is set: the path for a province-wide
 * deployment. Tables live in one schema (default `public`; tests use `kl_test_<random>`), set as
 * the connection's search_path. Pushes run side by side, draw their revs from a sequence and
 * commit in any order; a pull hands out rows only up to the rev barrier, below every rev a running
 * push may still commit, so it never skips a row (migration 007, pushOnce, pull).
 */
import pg from 'pg';
import type { LedgerEvent } from '../../domain/event.js';
import type { Target } from '../../domain/targets.js';
import type { Award } from '../../domain/awards.js';
import { accessChanges } from '../../domain/scope.js';
import type { Taxonomy } from '../../domain/taxonomy.js';
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
import { PostgresFeedback } from './feedback-postgres.js';
import { loadMigrations } from './migrations.js';
import { newlyNamedPhotos, photosAddedBy } from './photo-names.js';
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
  PushPlan,
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

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding the tables (a plain lower-case identifier); default `public`. */
  schema?: string;
  /** Create the schema in migrate() when missing (tests). */
  createSchema?: boolean;
  poolSize?: number;
}

function userOf(r: Row): UserRow {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    role: r.role as UserRow['role'],
    name: String(r.name),
    username: String(r.username),
    passwordHash: String(r.password_hash),
    disabled: r.disabled === true,
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
    revoked: r.revoked === true,
  };
}

function historyOf(r: Row): HistoryRow {
  return {
    entity: r.entity as HistoryRow['entity'],
    recordId: String(r.record_id),
    field: String(r.field),
    oldValue: r.old_value,
    newValue: r.new_value,
    rev: Number(r.rev),
    userId: String(r.user_id),
    clientId: String(r.client_id),
    at: String(r.at),
    clientAt: String(r.client_at),
  };
}

/** Tries of one push before a conflict is reported (each retry follows a concurrent write). */
const PUSH_ATTEMPTS = 5;

/** Another push created a record this push planned as new: rolled back and retried. */
class ConcurrentCreate extends Error {}

function isRetryablePushError(e: unknown): boolean {
  // 40P01 deadlock_detected, 40001 serialization_failure.
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof ConcurrentCreate || code === '40P01' || code === '40001';
}

/** Every row written as new (absent when read under lock) must really have been inserted. */
function assertCreated(written: Row[], before: ReadonlyMap<string, unknown>): void {
  for (const r of written) {
    if (r.inserted !== true && !before.has(String(r.id))) throw new ConcurrentCreate(`record ${String(r.id)} was created by a concurrent push`);
  }
}

/**
 * The plan with its provisional revs (those above `seen`, handed out in order from seen + 1) moved
 * onto the revs drawn from the sequence, in the same order (`drawn` ascending).
 */
function placeRevs<R>(p: PushPlan<R>, seen: number, drawn: readonly number[]): PushPlan<R> {
  const shift = (rev: number): number => (rev > seen ? drawn[rev - seen - 1]! : rev);
  // Push and recovery answers both list results; those that name a rev gave one out.
  const answer = p.response as { results: { rev?: number }[] };
  return {
    ...p,
    rev: shift(p.rev),
    events: p.events.map((e) => ({ ...e, rev: shift(e.rev) })),
    targets: p.targets.map((t) => ({ ...t, rev: shift(t.rev) })),
    awards: p.awards.map((a) => ({ ...a, rev: shift(a.rev) })),
    history: p.history.map((h) => ({ ...h, rev: shift(h.rev) })),
    response: { ...p.response, results: answer.results.map((r) => (typeof r.rev === 'number' ? { ...r, rev: shift(r.rev) } : r)) },
  };
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly schema: string;
  private readonly createSchema: boolean;
  private readonly feedback = new PostgresFeedback(
    (sql, params, name) => this.q(sql, params, name),
    (fn) => this.tx(fn),
  );

  constructor(opts: PostgresStoreOptions) {
    const schema = opts.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name "${schema}"`);
    this.schema = schema;
    this.createSchema = opts.createSchema ?? false;
    this.pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: opts.poolSize ?? 10,
      options: `-c search_path=${schema}`,
    });
    // An idle client's error (the database restarted) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  /**
   * One statement on the pool. A `name` makes it a prepared statement, parsed and planned once per
   * connection instead of on every call: for the statements every push, pull or request runs.
   */
  private async q(sql: string, params: unknown[] = [], name?: string): Promise<Row[]> {
    return (await this.pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params })).rows as Row[];
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async migrate(): Promise<void> {
    if (this.createSchema) await this.q(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r: Row) => Number(r.version)));
      for (const m of loadMigrations('postgres')) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      }
    });
  }

  /** Drops the whole schema (tests). */
  async dropSchema(): Promise<void> {
    if (this.schema === 'public') throw new Error('refusing to drop the public schema');
    await this.q(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.q("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1")).length > 0;
  }

  async setup(org: OrgRow, admin: UserRow): Promise<boolean> {
    return this.tx(async (c) => {
      await c.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      if ((await c.query("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1")).rowCount) return false;
      await c.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)', [org.id, org.name, org.createdAt]);
      await this.insertUser(c, admin);
      return true;
    });
  }

  async getOrg(id: string): Promise<OrgRow | null> {
    const r = (await this.q('SELECT * FROM orgs WHERE id = $1', [id]))[0];
    return r ? { id: String(r.id), name: String(r.name), createdAt: String(r.created_at) } : null;
  }

  private async insertUser(c: pg.PoolClient, u: UserRow): Promise<boolean> {
    const r = await c.query(
      'INSERT INTO users (id, org_id, role, name, username, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING',
      [u.id, u.orgId, u.role, u.name, u.username, u.passwordHash, u.disabled, u.createdAt],
    );
    return r.rowCount === 1;
  }

  async createUser(user: UserRow): Promise<boolean> {
    return this.tx((c) => this.insertUser(c, user));
  }

  async getUser(id: string): Promise<UserRow | null> {
    const r = (await this.q('SELECT * FROM users WHERE id = $1', [id]))[0];
    return r ? userOf(r) : null;
  }

  async getUserByUsername(username: string): Promise<UserRow | null> {
    const r = (await this.q('SELECT * FROM users WHERE username = $1', [username]))[0];
    return r ? userOf(r) : null;
  }

  async listUsers(orgId: string): Promise<UserRow[]> {
    return (await this.q('SELECT * FROM users WHERE org_id = $1 ORDER BY created_at, id', [orgId])).map(userOf);
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRow | null> {
    return this.tx(async (c) => {
      const r = (await c.query('SELECT * FROM users WHERE id = $1 FOR UPDATE', [id])).rows[0] as Row | undefined;
      if (!r) return null;
      if (patch.name !== undefined) await c.query('UPDATE users SET name = $1 WHERE id = $2', [patch.name, id]);
      if (patch.role !== undefined) await c.query('UPDATE users SET role = $1 WHERE id = $2', [patch.role, id]);
      if (patch.disabled !== undefined) await c.query('UPDATE users SET disabled = $1 WHERE id = $2', [patch.disabled, id]);
      if (patch.passwordHash !== undefined) await c.query('UPDATE users SET password_hash = $1 WHERE id = $2', [patch.passwordHash, id]);
      if (patch.disabled === true || patch.passwordHash !== undefined) await c.query('DELETE FROM tokens WHERE user_id = $1', [id]);
      return userOf((await c.query('SELECT * FROM users WHERE id = $1', [id])).rows[0] as Row);
    });
  }

  // ── Accounts: tokens, attempt limits, the secret's fingerprint (migration 005) ──
  // Times are ISO text compared with COLLATE "C" (byte order), whatever the database's collation.

  async createToken(tokenHash: string, userId: string, createdAt: string): Promise<void> {
    await this.q('INSERT INTO tokens (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)', [tokenHash, userId, createdAt]);
  }

  async tokenSession(tokenHash: string, times: TokenTimes): Promise<TokenSession | null> {
    // One round trip: the data-modifying CTE always runs, and the SELECT reads the snapshot taken
    // before it (so it answers the previous last use). The UPDATE finds nothing to change on all
    // but about one request a minute per token.
    const r = (
      await this.q(
        'WITH touched AS (UPDATE tokens SET last_used_at = $2 WHERE token_hash = $1 ' +
          'AND last_used_at COLLATE "C" < $3 AND last_used_at COLLATE "C" >= $4 AND created_at COLLATE "C" >= $5 RETURNING 1) ' +
          'SELECT u.*, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1',
        [tokenHash, times.now, times.touchBefore, times.idleSince, times.createdSince],
        'kl-token-session',
      )
    )[0];
    if (!r) return null;
    return { user: userOf(r), createdAt: String(r.token_created_at), lastUsedAt: String(r.token_last_used_at) };
  }

  async deleteToken(tokenHash: string): Promise<void> {
    await this.q('DELETE FROM tokens WHERE token_hash = $1', [tokenHash]);
  }

  async changePassword(userId: string, passwordHash: string, keepTokenHash: string): Promise<UserRow | null> {
    return this.tx(async (c) => {
      const r = (await c.query('UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING *', [passwordHash, userId])).rows[0] as Row | undefined;
      if (!r) return null;
      await c.query('DELETE FROM tokens WHERE user_id = $1 AND token_hash <> $2', [userId, keepTokenHash]);
      return userOf(r);
    });
  }

  async hitLimit(key: string, nowMs: number, windowMs: number): Promise<LimitCount> {
    // One statement: the conflicting row is locked while it is updated, so concurrent hits from
    // any process queue up and each reads the count the one before it wrote.
    const r = (
      await this.q(
        'INSERT INTO auth_limits (key, window_start, hits) VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE SET ' +
          'hits = CASE WHEN auth_limits.window_start <= $3 THEN 1 ELSE auth_limits.hits + 1 END, ' +
          'window_start = CASE WHEN auth_limits.window_start <= $3 THEN EXCLUDED.window_start ELSE auth_limits.window_start END ' +
          'RETURNING hits, window_start',
        [key, nowMs, nowMs - windowMs],
      )
    )[0]!;
    return { hits: Number(r.hits), resetAt: Number(r.window_start) + windowMs };
  }

  async resetLimit(key: string): Promise<void> {
    await this.q('DELETE FROM auth_limits WHERE key = $1', [key]);
  }

  async pruneAuth(before: { windowStartBefore: number; tokensUsedBefore: string; tokensCreatedBefore: string }): Promise<void> {
    await this.q('DELETE FROM auth_limits WHERE window_start < $1', [before.windowStartBefore]);
    await this.q('DELETE FROM tokens WHERE last_used_at COLLATE "C" < $1 OR created_at COLLATE "C" < $2', [
      before.tokensUsedBefore,
      before.tokensCreatedBefore,
    ]);
  }

  async secretFingerprint(fingerprint: string): Promise<string> {
    await this.q("INSERT INTO server_keys (name, value) VALUES ('secret', $1) ON CONFLICT (name) DO NOTHING", [fingerprint]);
    return String((await this.q("SELECT value FROM server_keys WHERE name = 'secret'"))[0]!.value);
  }

  async createInvite(i: InviteRow): Promise<void> {
    await this.q(
      'INSERT INTO invites (id, org_id, code_hash, role, created_by, created_at, expires_at, max_uses, uses, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [i.id, i.orgId, i.codeHash, i.role, i.createdBy, i.createdAt, i.expiresAt, i.maxUses, i.uses, i.revoked],
    );
  }

  async listInvites(orgId: string): Promise<InviteRow[]> {
    return (await this.q('SELECT * FROM invites WHERE org_id = $1 ORDER BY created_at, id', [orgId])).map(inviteOf);
  }

  async revokeInvite(orgId: string, id: string): Promise<boolean> {
    return ((await this.pool.query('UPDATE invites SET revoked = TRUE WHERE org_id = $1 AND id = $2', [orgId, id])).rowCount ?? 0) > 0;
  }

  async redeemInvite(
    codeHash: string,
    now: string,
    makeUser: (invite: InviteRow) => UserRow,
  ): Promise<{ ok: true; user: UserRow } | { ok: false; reason: 'badInvite' | 'usernameTaken' }> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = (await c.query('SELECT * FROM invites WHERE code_hash = $1 FOR UPDATE', [codeHash])).rows[0] as Row | undefined;
      const invite = r ? inviteOf(r) : null;
      if (!invite || invite.revoked || invite.uses >= invite.maxUses || Date.parse(invite.expiresAt) <= Date.parse(now)) {
        await c.query('ROLLBACK');
        return { ok: false, reason: 'badInvite' };
      }
      const user = makeUser(invite);
      if (!(await this.insertUser(c, user))) {
        await c.query('ROLLBACK');
        return { ok: false, reason: 'usernameTaken' };
      }
      await c.query('UPDATE invites SET uses = uses + 1 WHERE id = $1', [invite.id]);
      await c.query('COMMIT');
      return { ok: true, user };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async push<R = PushResponse>(input: PushInput, plan: PushPlanner<R>): Promise<R> {
    // A concurrent create of the same record, or a deadlock PostgreSQL broke, rolls the push back
    // and runs it again from the start (the planner is pure, so a rerun decides afresh).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tx((c) => this.pushOnce(c, input, plan));
      } catch (e) {
        if (attempt >= PUSH_ATTEMPTS || !isRetryablePushError(e)) throw e;
      }
    }
  }

  /**
   * One push transaction (READ COMMITTED). Pushes run side by side from start to COMMIT:
   *
   * - Every record the push names is claimed first (`record_claims`, in the statement that locks
   *   the client's row, an upsert that creates it when new): a push naming a record another
   *   running push claimed waits on the claim's unique index until that one commits, so a record
   *   created by two pushes at once is created by one and merged onto by the other. Then the
   *   named rows are locked in one global order, events then targets, each `ORDER BY id FOR
   *   UPDATE`. Two pushes never merge from the same stale row.
   * - The planner runs before the revs are known, counting from the sequence's value as read
   *   after the rows are locked: every locked row was committed before that read, so its rev is
   *   at most that value, and every rev above it is one this push made up; those are moved onto
   *   revs drawn from `rev_seq` right before the rows are written (placeRevs).
   * - Before drawing, the push takes its rev lease (`rev_lease()`, migration 007): held to COMMIT
   *   or ROLLBACK, it keeps every pull's rev barrier below the revs this push draws, so pulls
   *   never hand out a row above a rev that may still commit. A push that writes nothing draws
   *   no rev. A push rolled back after drawing (a database error) leaves a gap in the revs,
   *   which no reader minds: a cursor is "rev > N", not a count.
   * - The claims are deleted in the push's last statement, so the table stays empty.
   */
  private async pushOnce<R>(c: pg.PoolClient, input: PushInput, plan: PushPlanner<R>): Promise<R> {
    const { actor, clientId, mutations } = input;
    // Prepared statements (see q): each push runs these, so each is parsed and planned once per connection.
    const run = (name: string, text: string, values: unknown[]) => c.query({ name, text, values });
    const eventIds = [...new Set([...mutations.flatMap((m) => (m.entity === 'event' ? [m.eventId] : [])), ...(input.records?.events ?? [])])];
    const targetIds = [...new Set([...mutations.flatMap((m) => (m.entity === 'target' ? [m.targetId] : [])), ...(input.records?.targets ?? [])])];
    const awardIds = [...new Set([...mutations.flatMap((m) => (m.entity === 'award' ? [m.awardId] : [])), ...(input.records?.awards ?? [])])];
    const claims = [...eventIds.map((id) => `e:${id}`), ...targetIds.map((id) => `t:${id}`), ...awardIds.map((id) => `a:${id}`)];
    // In key order, so two pushes naming the same records wait for each other in one order (a
    // deadlock PostgreSQL breaks is retried, before any rev is drawn).
    const claim = (p: number): string => `cm AS (INSERT INTO record_claims (key) SELECT k FROM unnest($${p}::text[]) AS k ORDER BY k ON CONFLICT DO NOTHING)`;
    let lastSeq = 0;
    let clientIsNew = false;
    if (mutations.length) {
      const cr = (
        await run(
          'kl-push-client',
          'WITH cl AS (INSERT INTO clients (user_id, client_id, last_seq, updated_at) VALUES ($1, $2, 0, $3) ' +
            'ON CONFLICT (user_id, client_id) DO UPDATE SET last_seq = clients.last_seq RETURNING last_seq, (xmax = 0) AS inserted), ' +
            `${claim(4)} SELECT last_seq, inserted FROM cl`,
          [actor.userId, clientId, new Date().toISOString(), claims],
        )
      ).rows[0] as Row;
      lastSeq = Number(cr.last_seq);
      clientIsNew = cr.inserted === true;
    } else {
      const cr = (
        await run('kl-push-client-recover', `WITH ${claim(3)} SELECT last_seq FROM clients WHERE user_id = $1 AND client_id = $2`, [
          actor.userId,
          clientId,
          claims,
        ])
      ).rows[0] as Row | undefined;
      lastSeq = cr ? Number(cr.last_seq) : 0;
    }
    // One statement: the named rows locked in one global order (events, then targets, then awards, each by
    // id), then — after every lock is held (UNION ALL arms run in order) — the rev lease, the
    // sequence's value, the ledger's epoch and sign key and the org's taxonomy.
    const events = new Map<string, LedgerEvent>();
    const targets = new Map<string, Target>();
    const awards = new Map<string, Award>();
    const deletedIds: string[] = [];
    let head: Row | undefined;
    const read = await run(
      'kl-push-read',
      'WITH le AS (SELECT id, data, deleted FROM events WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE), ' +
        'lt AS (SELECT id, data FROM targets WHERE id = ANY($2::text[]) ORDER BY id FOR UPDATE), ' +
        'la AS (SELECT id, data FROM awards WHERE id = ANY($4::text[]) ORDER BY id FOR UPDATE) ' +
        "SELECT 'event' AS k, id, data, deleted, NULL::bigint AS rev, NULL AS epoch, NULL AS sign_key, NULL::jsonb AS taxonomy FROM le " +
        "UNION ALL SELECT 'target', id, data, NULL, NULL, NULL, NULL, NULL FROM lt " +
        "UNION ALL SELECT 'award', id, data, NULL, NULL, NULL, NULL, NULL FROM la " +
        "UNION ALL SELECT 'head', NULL, NULL, NULL, rev_current(), l.epoch, l.sign_key, (SELECT data FROM org_taxonomy WHERE org_id = $3) " +
        'FROM ledger l, LATERAL (SELECT rev_lease()) AS lease WHERE l.id = 1',
      [eventIds, targetIds, actor.orgId, awardIds],
    );
    for (const r of read.rows as Row[]) {
      if (r.k === 'event') {
        events.set(String(r.id), r.data as LedgerEvent);
        if (r.deleted === true) deletedIds.push(String(r.id));
      } else if (r.k === 'target') targets.set(String(r.id), r.data as Target);
      else if (r.k === 'award') awards.set(String(r.id), r.data as Award);
      else head = r;
    }
    if (!head) throw new Error('the ledger row is missing');
    const rejections = new Map<number, RejectedResult>();
    const first = mutations[0];
    if (first && first.seq <= lastSeq) {
      const rows = (
        await run('kl-push-rejections', 'SELECT seq, result FROM push_rejections WHERE user_id = $1 AND client_id = $2 AND seq BETWEEN $3 AND $4', [
          actor.userId,
          clientId,
          first.seq,
          lastSeq,
        ])
      ).rows as Row[];
      for (const r of rows) rejections.set(Number(r.seq), r.result as RejectedResult);
    }
    // Photos the push names anew: held by the org? FOR SHARE keeps each holding until COMMIT and
    // takes the table lock the sweep waits for (see sweepBlobs), so none is swept meanwhile.
    const named = newlyNamedPhotos(mutations, events, awards, targets);
    let storedPhotos: Set<string> | undefined;
    if (named.length) {
      const held = await run('kl-push-photos', 'SELECT sha256 FROM blob_owners WHERE org_id = $1 AND sha256 = ANY($2::text[]) ORDER BY sha256 FOR SHARE', [
        actor.orgId,
        named,
      ]);
      storedPhotos = new Set((held.rows as Row[]).map((r) => String(r.sha256)));
    }
    const deletedBy = new Map<string, string>();
    if (deletedIds.length) {
      const rows = (
        await run(
          'kl-push-deleted-by',
          "SELECT DISTINCT ON (record_id) record_id, user_id FROM event_history WHERE entity = 'event' AND field = 'deleted' AND record_id = ANY($1::text[]) ORDER BY record_id, id DESC",
          [deletedIds],
        )
      ).rows as Row[];
      for (const r of rows) deletedBy.set(String(r.record_id), String(r.user_id));
    }
    const seen = Number(head.rev);
    const signKey = String(head.sign_key);
    const taxonomy = (head.taxonomy as Taxonomy | null) ?? null;
    const planned = plan({
      epoch: String(head.epoch),
      lastSeq,
      rev: seen,
      events,
      targets,
      awards,
      rejections,
      deletedBy,
      taxonomy,
      ...(storedPhotos ? { storedPhotos } : {}),
    });
    const clientChanged = clientIsNew || planned.lastSeq !== lastSeq;
    const clientRow = [actor.userId, clientId, planned.lastSeq, new Date().toISOString()];
    if (planned.rejections?.length) {
      const rs = planned.rejections;
      await run(
        'kl-push-reject',
        'INSERT INTO push_rejections (user_id, client_id, seq, result, at) ' +
          'SELECT $1, $2, s, r, $5 FROM unnest($3::bigint[], $4::jsonb[]) AS x(s, r) ON CONFLICT (user_id, client_id, seq) DO NOTHING',
        [actor.userId, clientId, rs.map((r) => r.seq), rs.map((r) => JSON.stringify(r)), new Date().toISOString()],
      );
    }
    const n = planned.rev - seen;
    if (n === 0) {
      await run(
        'kl-push-unchanged',
        'WITH cl AS (UPDATE clients SET last_seq = $3, updated_at = $4 WHERE user_id = $1 AND client_id = $2 AND $5::boolean) ' +
          'DELETE FROM record_claims WHERE key = ANY($6::text[])',
        [...clientRow, clientChanged, claims],
      );
      return planned.response;
    }
    // One statement writes everything, whatever the push's size (a round trip is the slow part):
    // it draws the revs (`r`: the provisional rev p, seen < p ≤ seen + n, gets the p-th value
    // drawn, in order), writes the rows with their revs in place of the provisional ones (the
    // signatures, computed here, leave rev out), updates the client's row and drops the claims.
    const es = planned.events;
    const ts = planned.targets;
    const as = planned.awards;
    const h = planned.history;
    const access = es.flatMap((e) => accessChanges(events.get(e.id), e).map((a) => ({ ...a, eventId: e.id, orgId: e.orgId, rev: e.rev })));
    const written = await run(
      'kl-push-write',
      "WITH r AS MATERIALIZED (SELECT p, nextval('rev_seq') AS rev FROM generate_series($24::bigint + 1, $24::bigint + $25) AS p), " +
        'e AS (INSERT INTO events (id, org_id, rev, created_by, deleted, data, sig) ' +
        "SELECT x.id, x.org_id, r.rev, x.created_by, x.deleted, jsonb_set(x.data, '{rev}', to_jsonb(r.rev)), x.sig " +
        'FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::boolean[], $6::jsonb[], $22::text[]) AS x(id, org_id, p, created_by, deleted, data, sig) JOIN r ON r.p = x.p ' +
        'ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data, sig = excluded.sig RETURNING id, (xmax = 0) AS inserted), ' +
        't AS (INSERT INTO targets (id, org_id, rev, deleted, data, sig) ' +
        "SELECT x.id, x.org_id, r.rev, x.deleted, jsonb_set(x.data, '{rev}', to_jsonb(r.rev)), x.sig " +
        'FROM unnest($7::text[], $8::text[], $9::bigint[], $10::boolean[], $11::jsonb[], $23::text[]) AS x(id, org_id, p, deleted, data, sig) JOIN r ON r.p = x.p ' +
        'ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data, sig = excluded.sig RETURNING id, (xmax = 0) AS inserted), ' +
        'h AS (INSERT INTO event_history (entity, record_id, field, old_value, new_value, rev, user_id, client_id, at, client_at) ' +
        'SELECT x.entity, x.record_id, x.field, x.old_value, x.new_value, r.rev, x.user_id, x.client_id, x.at, x.client_at ' +
        'FROM unnest($12::text[], $13::text[], $14::text[], $15::jsonb[], $16::jsonb[], $17::bigint[], $18::text[], $19::text[], $20::text[], $21::text[]) ' +
        'AS x(entity, record_id, field, old_value, new_value, p, user_id, client_id, at, client_at) JOIN r ON r.p = x.p), ' +
        'cl AS (UPDATE clients SET last_seq = $28, updated_at = $29 WHERE user_id = $26 AND client_id = $27 AND $30::boolean), ' +
        'cm AS (DELETE FROM record_claims WHERE key = ANY($31::text[])), ' +
        // Who holds each written event (scoped pulls, migration 008), under the event's drawn rev.
        'a AS (INSERT INTO event_access (user_id, event_id, org_id, rev, member) ' +
        'SELECT x.user_id, x.event_id, x.org_id, r.rev, x.member ' +
        'FROM unnest($32::text[], $33::text[], $34::text[], $35::bigint[], $36::boolean[]) AS x(user_id, event_id, org_id, p, member) JOIN r ON r.p = x.p ' +
        'ON CONFLICT (user_id, event_id) DO UPDATE SET rev = excluded.rev, member = excluded.member), ' +
        // Awards (migration 009), like targets.
        'aw AS (INSERT INTO awards (id, org_id, rev, deleted, data, sig) ' +
        "SELECT x.id, x.org_id, r.rev, x.deleted, jsonb_set(x.data, '{rev}', to_jsonb(r.rev)), x.sig " +
        'FROM unnest($37::text[], $38::text[], $39::bigint[], $40::boolean[], $41::jsonb[], $42::text[]) AS x(id, org_id, p, deleted, data, sig) JOIN r ON r.p = x.p ' +
        'ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted, data = excluded.data, sig = excluded.sig RETURNING id, (xmax = 0) AS inserted) ' +
        "SELECT 'event' AS entity, id, inserted, NULL::bigint[] AS revs FROM e UNION ALL SELECT 'target', id, inserted, NULL FROM t " +
        "UNION ALL SELECT 'award', id, inserted, NULL FROM aw " +
        "UNION ALL SELECT 'revs', NULL, NULL, (SELECT array_agg(rev ORDER BY p) FROM r)",
      [
        es.map((e) => e.id),
        es.map((e) => e.orgId),
        es.map((e) => e.rev),
        es.map((e) => e.createdBy),
        es.map((e) => e.deleted),
        es.map((e) => JSON.stringify(e)),
        ts.map((t) => t.id),
        ts.map((t) => t.orgId),
        ts.map((t) => t.rev),
        ts.map((t) => t.deleted),
        ts.map((t) => JSON.stringify(t)),
        h.map((x) => x.entity),
        h.map((x) => x.recordId),
        h.map((x) => x.field),
        h.map((x) => JSON.stringify(x.oldValue ?? null)),
        h.map((x) => JSON.stringify(x.newValue ?? null)),
        h.map((x) => x.rev),
        h.map((x) => x.userId),
        h.map((x) => x.clientId),
        h.map((x) => x.at),
        h.map((x) => x.clientAt),
        es.map((e) => signRecord(signKey, e)),
        ts.map((t) => signRecord(signKey, t)),
        seen,
        n,
        ...clientRow,
        clientChanged,
        claims,
        access.map((a) => a.userId),
        access.map((a) => a.eventId),
        access.map((a) => a.orgId),
        access.map((a) => a.rev),
        access.map((a) => a.member),
        as.map((a) => a.id),
        as.map((a) => a.orgId),
        as.map((a) => a.rev),
        as.map((a) => a.deleted),
        as.map((a) => JSON.stringify(a)),
        as.map((a) => signRecord(signKey, a)),
      ],
    );
    const rows = written.rows as Row[];
    const drawn = (rows.find((r) => r.entity === 'revs')!.revs as string[]).map(Number);
    const out = placeRevs(planned, seen, drawn);
    assertCreated(
      rows.filter((r) => r.entity === 'event'),
      events,
    );
    assertCreated(
      rows.filter((r) => r.entity === 'target'),
      targets,
    );
    assertCreated(
      rows.filter((r) => r.entity === 'award'),
      awards,
    );
    const refs = [...photosAddedBy(out.events, events), ...photosAddedBy(out.awards, awards), ...photosAddedBy(out.targets, targets)];
    if (refs.length) {
      await run(
        'kl-push-photo-names',
        'INSERT INTO blob_refs (org_id, sha256, event_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING',
        [refs.map((r) => r.orgId), refs.map((r) => r.sha256), refs.map((r) => r.eventId)],
      );
    }
    return out.response;
  }

  /**
   * Rows up to the rev barrier only (migration 007): read in a statement after the barrier's, so
   * every rev at or below it that will ever commit has committed. Rows above it wait for the next
   * pull (`more` says only whether rows below it were left out by the limit), so a cursor never
   * passes a rev a running push may still commit.
   */
  async pull(orgId: string, cursor: number, limit: number, scope?: PullScopeFilter, options: PullOptions = {}): Promise<PullPage> {
    const head = (await this.q('SELECT epoch, rev_barrier() AS barrier FROM ledger WHERE id = 1', [], 'kl-pull-head'))[0]!;
    const rows = scope
      ? await this.q(
          "(SELECT 'event' AS entity, a.rev, a.member, a.event_id AS id, CASE WHEN a.member THEN e.data END AS data, CASE WHEN a.member THEN e.sig END AS sig " +
            'FROM event_access a JOIN events e ON e.id = a.event_id WHERE a.user_id = $5 AND a.org_id = $1 AND a.rev > $2 AND a.rev <= $4 ORDER BY a.rev LIMIT $3) ' +
            "UNION ALL (SELECT 'target' AS entity, rev, TRUE, id, data, sig FROM targets WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
            'ORDER BY rev LIMIT $3',
          [orgId, cursor, limit + 1, head.barrier, scope.userId],
          'kl-pull-scoped',
        )
      : options.awards
        ? await this.q(
            "(SELECT 'event' AS entity, rev, TRUE AS member, id, data, sig FROM events WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
              "UNION ALL (SELECT 'target' AS entity, rev, TRUE, id, data, sig FROM targets WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
              "UNION ALL (SELECT 'award' AS entity, rev, TRUE, id, data, sig FROM awards WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
              'ORDER BY rev LIMIT $3',
            [orgId, cursor, limit + 1, head.barrier],
            'kl-pull-rows-awards',
          )
        : await this.q(
            "(SELECT 'event' AS entity, rev, TRUE AS member, id, data, sig FROM events WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
              "UNION ALL (SELECT 'target' AS entity, rev, TRUE, id, data, sig FROM targets WHERE org_id = $1 AND rev > $2 AND rev <= $4 ORDER BY rev LIMIT $3) " +
              'ORDER BY rev LIMIT $3',
            [orgId, cursor, limit + 1, head.barrier],
            'kl-pull-rows',
          );
    const more = rows.length > limit;
    const page: PullPage = { rows: [], dropped: [], more, epoch: String(head.epoch) };
    for (const r of rows.slice(0, limit)) {
      if (r.member !== true) {
        page.dropped.push({ id: String(r.id), rev: Number(r.rev) });
        continue;
      }
      const pulled: PulledRow =
        r.entity === 'event'
          ? { entity: 'event', row: r.data as LedgerEvent }
          : r.entity === 'award'
            ? { entity: 'award', row: r.data as Award }
            : { entity: 'target', row: r.data as Target };
      if (typeof r.sig === 'string') pulled.sig = r.sig;
      page.rows.push(pulled);
    }
    return page;
  }

  async liveEvents(orgId: string): Promise<{ events: LedgerEvent[]; revSum: number }> {
    const rows = await this.q('SELECT rev, CASE WHEN NOT deleted THEN data END AS data FROM events WHERE org_id = $1', [orgId], 'kl-live-events');
    let revSum = 0;
    const events: LedgerEvent[] = [];
    for (const r of rows) {
      revSum += Number(r.rev);
      if (r.data !== null) events.push(r.data as LedgerEvent);
    }
    return { events, revSum };
  }

  async eventRevSum(orgId: string): Promise<number> {
    return Number((await this.q('SELECT coalesce(sum(rev), 0) AS s FROM events WHERE org_id = $1', [orgId], 'kl-event-rev-sum'))[0]!.s);
  }

  async currentRev(): Promise<number> {
    return Number((await this.q('SELECT rev_current() AS rev'))[0]!.rev);
  }

  async ledger(): Promise<LedgerIdentity> {
    const r = (await this.q('SELECT epoch, sign_key FROM ledger WHERE id = 1'))[0]!;
    return { epoch: String(r.epoch), signKey: String(r.sign_key) };
  }

  async renewEpoch(epoch: string, at: string): Promise<string> {
    await this.q('UPDATE ledger SET epoch = $1, epoch_started_at = $2 WHERE id = 1', [epoch, at]);
    return epoch;
  }

  async getEvent(id: string): Promise<LedgerEvent | null> {
    const r = (await this.q('SELECT data FROM events WHERE id = $1', [id]))[0];
    return r ? (r.data as LedgerEvent) : null;
  }

  async history(entity: RecordEntity, recordId: string): Promise<HistoryRow[]> {
    return (await this.q('SELECT * FROM event_history WHERE entity = $1 AND record_id = $2 ORDER BY id', [entity, recordId])).map(historyOf);
  }

  async getTaxonomy(orgId: string): Promise<OrgTaxonomyRow | null> {
    const r = (await this.q('SELECT data, updated_by, updated_at FROM org_taxonomy WHERE org_id = $1', [orgId], 'kl-taxonomy'))[0];
    return r ? { taxonomy: r.data as OrgTaxonomyRow['taxonomy'], updatedBy: String(r.updated_by), updatedAt: String(r.updated_at) } : null;
  }

  async putTaxonomy(orgId: string, decide: TaxonomyDecider): Promise<OrgTaxonomyRow | null> {
    return this.tx(async (c) => {
      // Lock the org row: serialises PUTs of one org even when none is stored yet.
      await c.query('SELECT 1 FROM orgs WHERE id = $1 FOR UPDATE', [orgId]);
      const r = (await c.query('SELECT data, updated_by, updated_at FROM org_taxonomy WHERE org_id = $1', [orgId])).rows[0] as Row | undefined;
      const current: OrgTaxonomyRow | null = r
        ? { taxonomy: r.data as OrgTaxonomyRow['taxonomy'], updatedBy: String(r.updated_by), updatedAt: String(r.updated_at) }
        : null;
      const next = decide(current);
      if (!next) return current;
      await c.query(
        'INSERT INTO org_taxonomy (org_id, data, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, $4) ' +
          'ON CONFLICT (org_id) DO UPDATE SET data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at',
        [orgId, JSON.stringify(next.taxonomy), next.updatedBy, next.updatedAt],
      );
      return next;
    });
  }

  // ---- Blobs (migration 006): one row of bytes per hash, a holding per org, names per event ----

  /**
   * One upload transaction. Lock order: the org's row (FOR NO KEY UPDATE: uploads of one org take
   * turns, so parallel uploads cannot all pass the budget; pushes' foreign-key checks on the org
   * are not blocked), then blob_owners in ROW EXCLUSIVE mode before any blob row is read or
   * written, so a sweep (EXCLUSIVE on blob_owners) runs wholly before or after this upload and
   * never deletes bytes this upload is about to claim.
   */
  async putBlob(put: BlobPut, decide: BlobPutDecider): Promise<BlobPutResult> {
    return this.tx(async (c): Promise<BlobPutResult> => {
      await c.query('SELECT 1 FROM orgs WHERE id = $1 FOR NO KEY UPDATE', [put.orgId]);
      await c.query('LOCK TABLE blob_owners IN ROW EXCLUSIVE MODE');
      const u = (
        await c.query(
          'SELECT EXISTS (SELECT 1 FROM blob_owners WHERE org_id = $1 AND sha256 = $2) AS held, ' +
            '(SELECT COALESCE(SUM(size), 0) FROM blob_owners WHERE org_id = $1) AS org_bytes, ' +
            '(SELECT COALESCE(SUM(size), 0) FROM blob_owners WHERE uploaded_by = $3 AND uploaded_at >= $4) AS user_bytes',
          [put.orgId, put.sha256, put.userId, put.dayStart],
        )
      ).rows[0] as Row;
      const held = u.held === true;
      const refused = decide({ held, orgBytes: Number(u.org_bytes), userBytesToday: Number(u.user_bytes) });
      if (refused) return { status: 'refused', reason: refused };
      if (held) {
        await c.query('UPDATE blob_owners SET touched_at = $3 WHERE org_id = $1 AND sha256 = $2', [put.orgId, put.sha256, put.at]);
        return { status: 'held' };
      }
      const created = await c.query(
        'INSERT INTO blobs (sha256, content_type, size, created_at, bytes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING',
        [put.sha256, put.contentType, put.bytes.length, put.at, put.bytes],
      );
      await c.query('INSERT INTO blob_owners (org_id, sha256, size, uploaded_by, uploaded_at, touched_at) VALUES ($1, $2, $3, $4, $5, $5)', [
        put.orgId,
        put.sha256,
        put.bytes.length,
        put.userId,
        put.at,
      ]);
      return { status: created.rowCount === 1 ? 'created' : 'added' };
    });
  }

  /** The readable-by-org condition on `blobs b` ($1 the org). */
  private static readonly READABLE =
    'EXISTS (SELECT 1 FROM blob_owners o WHERE o.org_id = $1 AND o.sha256 = b.sha256) OR EXISTS (SELECT 1 FROM blob_refs r WHERE r.org_id = $1 AND r.sha256 = b.sha256)';

  async blobMeta(orgId: string, sha256: string): Promise<BlobMeta | null> {
    const r = (await this.q(`SELECT content_type, size FROM blobs b WHERE sha256 = $2 AND (${PostgresStore.READABLE})`, [orgId, sha256]))[0];
    return r ? { contentType: String(r.content_type), size: Number(r.size) } : null;
  }

  async getBlob(orgId: string, sha256: string): Promise<(BlobMeta & { bytes: Buffer }) | null> {
    const r = (await this.q(`SELECT content_type, size, bytes FROM blobs b WHERE sha256 = $2 AND (${PostgresStore.READABLE})`, [orgId, sha256]))[0];
    return r ? { contentType: String(r.content_type), size: Number(r.size), bytes: r.bytes as Buffer } : null;
  }

  /**
   * EXCLUSIVE on blob_owners waits for every upload (ROW EXCLUSIVE) and every push that checked a
   * holding (FOR SHARE: ROW SHARE) to commit, and holds new ones off until this commits: the
   * names it reads are complete, and no upload claims bytes it deletes. Plain reads (GET) go on.
   */
  async sweepBlobs(cutoff: string): Promise<BlobSweep> {
    return this.tx(async (c): Promise<BlobSweep> => {
      await c.query('LOCK TABLE blob_owners IN EXCLUSIVE MODE');
      const owners = await c.query(
        'DELETE FROM blob_owners o WHERE touched_at < $1 AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.org_id = o.org_id AND r.sha256 = o.sha256)',
        [cutoff],
      );
      const gone = (
        await c.query('DELETE FROM blobs b WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM blob_owners o WHERE o.sha256 = b.sha256) RETURNING size', [
          cutoff,
        ])
      ).rows as Row[];
      return { owners: owners.rowCount ?? 0, blobs: gone.length, bytes: gone.reduce((n, r) => n + Number(r.size), 0) };
    });
  }

  async dump(): Promise<Record<string, unknown[]>> {
    return {
      orgs: await this.q('SELECT * FROM orgs ORDER BY id'),
      users: await this.q('SELECT * FROM users ORDER BY id'),
      tokens: await this.q('SELECT * FROM tokens ORDER BY token_hash'),
      auth_limits: (await this.q('SELECT * FROM auth_limits ORDER BY key COLLATE "C"')).map((r) => ({ ...r, window_start: Number(r.window_start) })),
      server_keys: await this.q('SELECT * FROM server_keys ORDER BY name'),
      invites: await this.q('SELECT * FROM invites ORDER BY id'),
      // The rev sequence's value, under the name of the table it replaced (migration 007).
      rev_counter: await this.q('SELECT 1 AS id, rev_current() AS rev'),
      ledger: await this.q('SELECT epoch FROM ledger'),
      clients: await this.q('SELECT * FROM clients ORDER BY user_id, client_id'),
      events: await this.q('SELECT id, org_id, rev, created_by, deleted, data FROM events ORDER BY id'),
      targets: await this.q('SELECT id, org_id, rev, deleted, data FROM targets ORDER BY id'),
      awards: await this.q('SELECT id, org_id, rev, deleted, data FROM awards ORDER BY id'),
      event_history: await this.q('SELECT * FROM event_history ORDER BY id'),
      blobs: await this.q('SELECT sha256, content_type, size, created_at FROM blobs ORDER BY sha256'),
      blob_owners: await this.q('SELECT * FROM blob_owners ORDER BY org_id, sha256'),
      blob_refs: await this.q('SELECT * FROM blob_refs ORDER BY org_id, sha256, event_id'),
      org_taxonomy: await this.q('SELECT org_id, data, updated_by, updated_at FROM org_taxonomy ORDER BY org_id'),
      push_rejections: await this.q('SELECT user_id, client_id, seq, result, at FROM push_rejections ORDER BY user_id, client_id, seq'),
      feedback: await this.q('SELECT * FROM feedback ORDER BY id'),
      feedback_seq: await this.q('SELECT * FROM feedback_seq ORDER BY org_id, year'),
      feedback_codes: await this.q('SELECT * FROM feedback_codes ORDER BY code COLLATE "C"'),
      feedback_settings: await this.q('SELECT * FROM feedback_settings ORDER BY org_id'),
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
