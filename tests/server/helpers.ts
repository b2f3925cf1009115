/**
 * Shared fixtures for the server tests (and the sync-client convergence simulation): stores,
 * an app over them, seeded accounts, valid events and mutations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../../src/server/app';
import { SqliteStore } from '../../src/server/store/sqlite';
import { PostgresStore } from '../../src/server/store/postgres';
import type { Store } from '../../src/server/store/store';
import type { EventPatch } from '../../src/domain/event';
import type { Mutation, PushRequest } from '../../src/sync/protocol';
import type { SessionResponse } from '../../src/domain/account';

export const SETUP_CODE = 'TEST-SETU';
export const TOWNSHIP = '441323001000';
export const VILLAGE = '441323001001';
export const OTHER_TOWNSHIP = '441323002000';

/** The PostgreSQL the tests use; override with TEST_DATABASE_URL. */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreHandle {
  store: Store;
  /** Opens a second store over the same data (a restarted server). */
  reopen(): Promise<Store>;
  /** Closes and removes everything (the temp file, the schema). */
  cleanup(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'postgres';

/** A fresh, migrated SQLite store in a temp directory. */
export async function sqliteHandle(): Promise<StoreHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kl-sqlite-'));
  const file = path.join(dir, 'ledger.sqlite');
  const opened: Store[] = [];
  const open = async () => {
    const s = new SqliteStore({ file });
    await s.migrate();
    opened.push(s);
    return s;
  };
  const store = await open();
  return {
    store,
    reopen: open,
    async cleanup() {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Schemas this test file made and emptied, ready for the next test: creating and migrating a
 * schema costs far more than emptying one. Dropped when the file's tests end.
 */
const spareSchemas: string[] = [];
const madeSchemas = new Set<string>();
afterAll(async () => {
  if (madeSchemas.size === 0) return;
  const s = new PostgresStore({ connectionString: TEST_PG_URL, poolSize: 1 });
  try {
    for (const schema of madeSchemas) await s.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await s.close();
  }
  madeSchemas.clear();
  spareSchemas.length = 0;
});

const PG_TABLES =
  'orgs, users, tokens, invites, clients, events, targets, event_history, blobs, auth_limits, server_keys, blob_owners, blob_refs, record_claims, feedback, feedback_seq, feedback_codes, feedback_settings';

/**
 * A migrated, empty PostgreSQL store in its own schema `kl_test_<random>` (so parallel runs never
 * collide); cleanup empties it for the next test of this file, and all are dropped at the end.
 */
export async function postgresHandle(): Promise<StoreHandle> {
  const schema = spareSchemas.pop() ?? `kl_test_${randomBytes(6).toString('hex')}`;
  madeSchemas.add(schema);
  const opened: PostgresStore[] = [];
  const open = async () => {
    const s = new PostgresStore({ connectionString: TEST_PG_URL, schema, createSchema: true, poolSize: 4 });
    await s.migrate();
    opened.push(s);
    return s;
  };
  const store = await open();
  return {
    store,
    reopen: open,
    async cleanup() {
      await opened[0]!.pool.query(`TRUNCATE ${PG_TABLES} RESTART IDENTITY CASCADE; SELECT setval('rev_seq', 1, false)`);
      for (const s of opened) await s.close();
      spareSchemas.push(schema);
    },
  };
}

export function handleFor(kind: StoreKind): Promise<StoreHandle> {
  return kind === 'sqlite' ? sqliteHandle() : postgresHandle();
}

/** An app over a store, with the cheapest scrypt (tests only) and a fixed setup code. */
export function testApp(store: Store, extra: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  return buildApp({ store, setupCode: SETUP_CODE, scryptN: 16, staticDir: null, ...extra });
}

export interface Account {
  token: string;
  userId: string;
  orgId: string;
  username: string;
  password: string;
}

export interface Accounts {
  admin: Account;
  staff: Account;
  volA: Account;
  volB: Account;
}

export function bearer(a: Account | string): Record<string, string> {
  return { authorization: `Bearer ${typeof a === 'string' ? a : a.token}` };
}

function session(res: LightMyRequestResponse, username: string, password: string): Account {
  if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`expected a session, got ${res.statusCode}: ${res.body}`);
  const s = res.json<SessionResponse>();
  return { token: s.token, userId: s.user.id, orgId: s.user.orgId, username, password };
}

/** Sets up the association; the admin creates staff; staff invite two volunteers who join. */
export async function seedAccounts(app: FastifyInstance): Promise<Accounts> {
  const pw = 'correct horse battery';
  const admin = session(
    await app.inject({
      method: 'POST',
      url: '/api/setup',
      payload: { code: SETUP_CODE, orgName: '惠东县科协', adminName: '管理员', username: 'admin', password: pw },
    }),
    'admin',
    pw,
  );
  const created = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers: bearer(admin),
    payload: { role: 'staff', name: '工作人员', username: 'staff1', password: pw },
  });
  if (created.statusCode !== 201) throw new Error(`create staff: ${created.statusCode} ${created.body}`);
  const staff = session(await app.inject({ method: 'POST', url: '/api/login', payload: { username: 'staff1', password: pw } }), 'staff1', pw);
  const inv = await app.inject({
    method: 'POST',
    url: '/api/invites',
    headers: bearer(staff),
    payload: { role: 'volunteer', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), maxUses: 10 },
  });
  if (inv.statusCode !== 201) throw new Error(`invite: ${inv.statusCode} ${inv.body}`);
  const code = inv.json<{ code: string }>().code;
  const join = async (username: string, name: string) =>
    session(await app.inject({ method: 'POST', url: '/api/join', payload: { code, name, phoneOrUsername: username, password: pw } }), username, pw);
  return { admin, staff, volA: await join('13800000001', '志愿者甲'), volB: await join('13800000002', '志愿者乙') };
}

/** A complete, valid set of event fields (content and review). */
export function eventFields(overrides: EventPatch = {}): EventPatch {
  return {
    title: '科普大篷车进校园',
    notes: '',
    startAt: '2024-05-20T09:00:00+08:00',
    endAt: '2024-05-20T11:30:00+08:00',
    format: 'caravan',
    venue: 'school',
    campaign: null,
    themes: ['sci-tech'],
    townshipCode: TOWNSHIP,
    villageCode: VILLAGE,
    venueName: '吉隆中心小学',
    point: null,
    attendance: 300,
    onlineAttendance: null,
    audience: [{ kind: 'students', count: 280 }],
    materials: [{ kind: 'booklet', count: 500 }],
    volunteers: [{ name: '张三', userId: null, hours: 3 }],
    volunteerCount: null,
    partners: [],
    distanceKm: 42,
    photos: [],
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    ...overrides,
  };
}

export const AT = '2024-05-20T12:00:00+08:00';

let idCounter = 0;
/** A fresh UUID (v4 shape; the server accepts any UUID). */
export function newId(): string {
  idCounter++;
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function putEvent(seq: number, eventId: string, fields: EventPatch): Mutation {
  return { entity: 'event', op: 'put', seq, eventId, fields, at: AT };
}

export function pushBody(clientId: string, mutations: Mutation[]): PushRequest {
  return { v: 1, clientId, mutations };
}

export async function push(app: FastifyInstance, who: Account, clientId: string, mutations: Mutation[]): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/sync/push', headers: bearer(who), payload: pushBody(clientId, mutations) });
}
