/**
 * The authorisation matrix: anonymous / volunteer / another volunteer / staff / admin × every
 * route, each expected status asserted exactly, on SQLite and PostgreSQL. Below it, the same
 * roles × the rights checked inside a push (per-mutation results).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PushResponse } from '../../src/sync/protocol';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import {
  AT,
  bearer,
  eventFields,
  handleFor,
  newId,
  push,
  putEvent,
  SETUP_CODE,
  seedAccounts,
  testApp,
  type Account,
  type Accounts,
  type StoreHandle,
  type StoreKind,
} from './helpers';

type Who = 'anonymous' | 'volA' | 'volB' | 'staff' | 'admin';
const WHO: Who[] = ['anonymous', 'volA', 'volB', 'staff', 'admin'];

interface World {
  app: FastifyInstance;
  acc: Accounts;
  eventA: string;
  blob: string;
  inviteCode: string;
}

interface Row {
  route: string;
  /** Builds the request for one caller (may prepare state first). */
  request(w: World, who: Who, account: Account | null): Promise<InjectOptions> | InjectOptions;
  expect: Record<Who, number>;
}

const all = (s: number): Record<Who, number> => ({ anonymous: s, volA: s, volB: s, staff: s, admin: s });
const authed = (s: number): Record<Who, number> => ({ anonymous: 401, volA: s, volB: s, staff: s, admin: s });
const staffOnly = (s: number): Record<Who, number> => ({ anonymous: 401, volA: 403, volB: 403, staff: s, admin: s });
const adminOnly = (s: number): Record<Who, number> => ({ anonymous: 401, volA: 403, volB: 403, staff: 403, admin: s });

function jpeg(tag: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(tag)]);
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let counter = 0;
const unique = (p: string) => `${p}${Date.now().toString(36)}${(counter++).toString(36)}`;

function headers(a: Account | null): Record<string, string> {
  return a ? bearer(a) : {};
}

const ROWS: Row[] = [
  { route: 'GET /api/health', request: () => ({ method: 'GET', url: '/api/health' }), expect: all(200) },
  {
    route: 'POST /api/setup (already set up)',
    request: (_w, _who, a) => ({
      method: 'POST',
      url: '/api/setup',
      headers: headers(a),
      payload: { code: SETUP_CODE, orgName: 'x', adminName: 'x', password: 'long enough pw' },
    }),
    expect: all(409),
  },
  {
    route: 'POST /api/login (own credentials; anonymous: wrong password)',
    request: (w, who, a) => ({
      method: 'POST',
      url: '/api/login',
      payload: a ? { username: a.username, password: a.password } : { username: w.acc.volA.username, password: 'wrong password' },
    }),
    expect: { anonymous: 401, volA: 200, volB: 200, staff: 200, admin: 200 },
  },
  { route: 'GET /api/me', request: (_w, _who, a) => ({ method: 'GET', url: '/api/me', headers: headers(a) }), expect: authed(200) },
  {
    route: 'POST /api/logout (a fresh session)',
    async request(w, _who, a) {
      if (!a) return { method: 'POST', url: '/api/logout' };
      const s = await w.app.inject({ method: 'POST', url: '/api/login', payload: { username: a.username, password: a.password } });
      return { method: 'POST', url: '/api/logout', headers: bearer(s.json<{ token: string }>().token) };
    },
    expect: authed(204),
  },
  {
    // Every role may change its own password; a wrong current one is 403 (never 401: the session is fine).
    route: 'POST /api/me/password (wrong current password)',
    request: (_w, _who, a) => ({
      method: 'POST',
      url: '/api/me/password',
      headers: headers(a),
      payload: { currentPassword: 'not the password', newPassword: 'another long password' },
    }),
    expect: authed(403),
  },
  {
    route: 'POST /api/join (valid invite)',
    request: (w, _who, a) => ({
      method: 'POST',
      url: '/api/join',
      headers: headers(a),
      payload: { code: w.inviteCode, name: '新志愿者', phoneOrUsername: unique('j'), password: 'long enough pw' },
    }),
    expect: all(201),
  },
  { route: 'GET /api/users', request: (_w, _who, a) => ({ method: 'GET', url: '/api/users', headers: headers(a) }), expect: staffOnly(200) },
  {
    route: 'POST /api/users',
    request: (_w, _who, a) => ({
      method: 'POST',
      url: '/api/users',
      headers: headers(a),
      payload: { role: 'staff', name: '新员工', username: unique('s'), password: 'long enough pw' },
    }),
    expect: adminOnly(201),
  },
  {
    route: 'PATCH /api/users/:id (volB to volunteer: a role change that changes nothing)',
    request: (w, _who, a) => ({ method: 'PATCH', url: `/api/users/${w.acc.volB.userId}`, headers: headers(a), payload: { role: 'volunteer' } }),
    expect: adminOnly(200),
  },
  {
    route: 'PATCH /api/users/:id (rename volB)',
    request: (w, _who, a) => ({ method: 'PATCH', url: `/api/users/${w.acc.volB.userId}`, headers: headers(a), payload: { name: '志愿者乙' } }),
    expect: adminOnly(200),
  },
  { route: 'GET /api/invites', request: (_w, _who, a) => ({ method: 'GET', url: '/api/invites', headers: headers(a) }), expect: staffOnly(200) },
  {
    route: 'POST /api/invites (volunteer)',
    request: (_w, _who, a) => ({
      method: 'POST',
      url: '/api/invites',
      headers: headers(a),
      payload: { role: 'volunteer', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 5 },
    }),
    expect: staffOnly(201),
  },
  {
    route: 'POST /api/invites (staff)',
    request: (_w, _who, a) => ({
      method: 'POST',
      url: '/api/invites',
      headers: headers(a),
      payload: { role: 'staff', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1 },
    }),
    expect: adminOnly(201),
  },
  {
    route: 'DELETE /api/invites/:id',
    async request(w, _who, a) {
      const made = await w.app.inject({
        method: 'POST',
        url: '/api/invites',
        headers: bearer(w.acc.staff),
        payload: { role: 'volunteer', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1 },
      });
      return { method: 'DELETE', url: `/api/invites/${made.json<{ id: string }>().id}`, headers: headers(a) };
    },
    expect: staffOnly(204),
  },
  {
    route: 'POST /api/sync/push (a new event)',
    request: (_w, _who, a) => ({
      method: 'POST',
      url: '/api/sync/push',
      headers: headers(a),
      payload: { v: 1, clientId: newId(), mutations: [putEvent(1, newId(), eventFields())] },
    }),
    expect: authed(200),
  },
  { route: 'GET /api/sync/pull', request: (_w, _who, a) => ({ method: 'GET', url: '/api/sync/pull?cursor=0', headers: headers(a) }), expect: authed(200) },
  {
    route: 'GET /api/events/:id (volA’s)',
    request: (w, _who, a) => ({ method: 'GET', url: `/api/events/${w.eventA}`, headers: headers(a) }),
    // Another volunteer is not told it exists (issue 13 §5: a volunteer reads their scope only).
    expect: { anonymous: 401, volA: 200, volB: 404, staff: 200, admin: 200 },
  },
  {
    route: 'GET /api/events/:id/history (volA’s)',
    request: (w, _who, a) => ({ method: 'GET', url: `/api/events/${w.eventA}/history`, headers: headers(a) }),
    expect: { anonymous: 401, volA: 200, volB: 403, staff: 200, admin: 200 },
  },
  {
    route: 'PUT /api/blobs/:sha256 (a new photo)',
    request(_w, who, a) {
      const b = jpeg(unique(who));
      return { method: 'PUT', url: `/api/blobs/${sha(b)}`, headers: { ...headers(a), 'content-type': 'image/jpeg' }, payload: b };
    },
    expect: authed(201),
  },
  {
    route: 'PUT /api/blobs/:sha256 (already stored)',
    request(_w, _who, a) {
      const b = jpeg('shared photo');
      return { method: 'PUT', url: `/api/blobs/${sha(b)}`, headers: { ...headers(a), 'content-type': 'image/jpeg' }, payload: b };
    },
    expect: authed(200),
  },
  { route: 'GET /api/blobs/:sha256', request: (w, _who, a) => ({ method: 'GET', url: `/api/blobs/${w.blob}`, headers: headers(a) }), expect: authed(200) },
  { route: 'HEAD /api/blobs/:sha256', request: (w, _who, a) => ({ method: 'HEAD', url: `/api/blobs/${w.blob}`, headers: headers(a) }), expect: authed(200) },
  { route: 'GET /api/org/taxonomy', request: (_w, _who, a) => ({ method: 'GET', url: '/api/org/taxonomy', headers: headers(a) }), expect: authed(200) },
  {
    route: 'PUT /api/org/taxonomy (adds an entry)',
    request: (_w, who, a) => ({
      method: 'PUT',
      url: '/api/org/taxonomy',
      headers: headers(a),
      // Each caller adds its own entry on top of every entry any earlier caller may have added.
      payload: {
        ...DEFAULT_TAXONOMY,
        themes: [...DEFAULT_TAXONOMY.themes, ...WHO.slice(0, WHO.indexOf(who) + 1).map((w) => ({ code: `t-${w.toLowerCase()}`, zh: w }))],
      },
    }),
    expect: staffOnly(200),
  },
  { route: 'GET /api/unknown', request: (_w, _who, a) => ({ method: 'GET', url: '/api/unknown', headers: headers(a) }), expect: all(404) },
];

/** Rights inside a push: the per-mutation result each caller gets. */
interface RightsRow {
  name: string;
  mutations(w: World): Parameters<typeof push>[3];
  expect: Record<Exclude<Who, 'anonymous'>, string>;
}

const RIGHTS: RightsRow[] = [
  {
    name: 'edit volA’s event',
    mutations: (w) => [putEvent(1, w.eventA, { notes: '补充说明' })],
    expect: { volA: 'applied', volB: 'rejected:notYourEvent', staff: 'applied', admin: 'applied' },
  },
  {
    name: 'review volA’s event',
    mutations: (w) => [putEvent(1, w.eventA, { status: 'reviewed' })],
    expect: { volA: 'rejected:staffOnlyField', volB: 'rejected:notYourEvent', staff: 'applied', admin: 'applied' },
  },
  {
    name: 'delete volA’s event',
    mutations: (w) => [{ entity: 'event', op: 'delete', seq: 1, eventId: w.eventA, at: AT }],
    expect: { volA: 'applied', volB: 'rejected:notYourEvent', staff: 'applied', admin: 'applied' },
  },
  {
    name: 'undelete volA’s event',
    mutations: (w) => [{ entity: 'event', op: 'undelete', seq: 1, eventId: w.eventA, at: AT }],
    expect: { volA: 'applied', volB: 'rejected:notYourEvent', staff: 'applied', admin: 'applied' },
  },
  {
    name: 'set a target',
    mutations: () => [
      {
        entity: 'target',
        op: 'put',
        seq: 1,
        targetId: newId(),
        at: AT,
        fields: {
          year: 2024,
          kind: 'coverage',
          measure: 'events',
          axis: 'township',
          axisCode: null,
          min: 2,
          level1: '产出指标',
          level2: '覆盖',
          level3: '每个乡镇',
          unit: '场次',
        },
      },
    ],
    expect: { volA: 'rejected:staffOnly', volB: 'rejected:staffOnly', staff: 'applied', admin: 'applied' },
  },
];

describe.each<StoreKind>(['sqlite', 'postgres'])('authorisation matrix on %s', (kind) => {
  let h: StoreHandle;
  const w = {} as World;

  beforeAll(async () => {
    h = await handleFor(kind);
    w.app = await testApp(h.store);
    w.acc = await seedAccounts(w.app);
    w.eventA = newId();
    const r = await push(w.app, w.acc.volA, newId(), [putEvent(1, w.eventA, eventFields())]);
    expect(r.json<PushResponse>().results[0]?.status).toBe('applied');
    const b = jpeg('shared photo');
    w.blob = sha(b);
    await w.app.inject({ method: 'PUT', url: `/api/blobs/${w.blob}`, headers: { ...bearer(w.acc.staff), 'content-type': 'image/jpeg' }, payload: b });
    const inv = await w.app.inject({
      method: 'POST',
      url: '/api/invites',
      headers: bearer(w.acc.staff),
      payload: { role: 'volunteer', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 100 },
    });
    w.inviteCode = inv.json<{ code: string }>().code;
  });
  afterAll(async () => {
    await w.app.close();
    await h.cleanup();
  });

  for (const row of ROWS) {
    for (const who of WHO) {
      test(`${row.route} as ${who} → ${row.expect[who]}`, async () => {
        const account = who === 'anonymous' ? null : w.acc[who];
        const res = await w.app.inject(await row.request(w, who, account));
        expect(res.statusCode, res.body).toBe(row.expect[who]);
      });
    }
  }

  for (const row of RIGHTS) {
    for (const who of ['volA', 'volB', 'staff', 'admin'] as const) {
      test(`push: ${row.name} as ${who} → ${row.expect[who]}`, async () => {
        const res = await push(w.app, w.acc[who], newId(), row.mutations(w));
        expect(res.statusCode).toBe(200);
        const r = res.json<PushResponse>().results[0]!;
        expect(r.status === 'rejected' ? `rejected:${r.reason}` : r.status).toBe(row.expect[who]);
      });
    }
  }

  test('a disabled user’s tokens stop working everywhere and they cannot sign in', async () => {
    const pw = 'long enough pw';
    const made = await w.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(w.acc.admin),
      payload: { role: 'staff', name: '临时', username: 'temp-staff', password: pw },
    });
    const id = made.json<{ user: { id: string } }>().user.id;
    const s1 = (await w.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'temp-staff', password: pw } })).json<{ token: string }>().token;
    const s2 = (await w.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'temp-staff', password: pw } })).json<{ token: string }>().token;
    expect((await w.app.inject({ url: '/api/me', headers: bearer(s1) })).statusCode).toBe(200);
    const dis = await w.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(w.acc.admin), payload: { disabled: true } });
    expect(dis.statusCode).toBe(200);
    expect((await w.app.inject({ url: '/api/me', headers: bearer(s1) })).statusCode).toBe(401);
    expect((await w.app.inject({ url: '/api/sync/pull?cursor=0', headers: bearer(s2) })).statusCode).toBe(401);
    const login = await w.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'temp-staff', password: pw } });
    expect([login.statusCode, login.json().error]).toEqual([403, 'userDisabled']);
  });

  test('a made-up or malformed bearer token is 401', async () => {
    for (const auth of ['Bearer ' + 'x'.repeat(43), 'Bearer short', 'Basic abc', w.acc.volA.token]) {
      const res = await w.app.inject({ url: '/api/me', headers: { authorization: auth } });
      expect([res.statusCode, res.json().error]).toEqual([401, 'unauthenticated']);
    }
  });
});
