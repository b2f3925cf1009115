/**
 * A seeded fuzz of malformed push, pull and blob requests on SQLite and PostgreSQL: every answer
 * is a 4xx (never a 5xx, never a 2xx) and the database is unchanged (a dump before and after).
 * Replay a failure with FUZZ_SEED=<seed> (printed in the failure message); FUZZ_N sets the count.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_PUSH_MUTATIONS, type Mutation, type PushResponse } from '../../src/sync/protocol';
import { AT, bearer, eventFields, handleFor, newId, push, putEvent, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2024);
const N = Number(process.env.FUZZ_N ?? 1100);

/** mulberry32: a small, good-enough seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Case {
  desc: string;
  req: InjectOptions;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function makeFuzzer(rand: () => number, acc: Accounts, existing: string[]) {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => '0123456789abcdef'[int(16)]).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
  };
  const who = () => pick([acc.volA, acc.volB, acc.staff, acc.admin]);
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

  function validMutation(seq: number): Mutation {
    if (rand() < 0.15) {
      return {
        entity: 'target',
        op: 'put',
        seq,
        targetId: uuid(),
        at: AT,
        fields: { year: 2024, kind: 'count', measure: 'events', axis: 'all', axisCode: null, min: 3, level1: 'a', level2: 'b', level3: 'c', unit: '场次' },
      };
    }
    if (rand() < 0.2) return { entity: 'event', op: pick(['delete', 'undelete'] as const), seq, eventId: pick(existing), at: AT };
    const id = rand() < 0.5 ? pick(existing) : uuid();
    return putEvent(seq, id, rand() < 0.5 ? eventFields({ title: `活动${int(1000)}` }) : { attendance: int(500) + 300 });
  }

  function validBody(): { v: number; clientId: string; mutations: Mutation[] } {
    const n = 1 + int(3);
    const start = 1 + int(5);
    return { v: 1, clientId: uuid(), mutations: Array.from({ length: n }, (_, i) => validMutation(start + i)) };
  }

  function wrongTypeFor(value: unknown): Json {
    if (value === null) return pick([true, {}, []] as Json[]);
    if (typeof value === 'string') return pick([42, true, {}, ['x']] as Json[]);
    if (typeof value === 'number') return pick(['12', true, {}, []] as Json[]);
    if (Array.isArray(value)) return pick(['x', 3, {}] as Json[]);
    return pick(['x', 3, []] as Json[]);
  }

  const ABSURD: [string, Json][] = [
    ['attendance', 1_000_000_001],
    ['attendance', -1],
    ['attendance', 1.5],
    ['startAt', '1899-12-31T00:00:00+08:00'],
    ['endAt', '2300-01-01T00:00:00Z'],
    ['startAt', '2024-13-45T99:00:00+08:00'],
    ['title', 'x'.repeat(101)],
    ['title', '   '],
    ['notes', 'n'.repeat(4001)],
    ['materials', [{ kind: 'booklet', count: 0 }]],
    ['materials', [{ kind: 'booklet', count: 1e12 }]],
    ['materials', [{ kind: 'Booklet!', count: 1 }]],
    ['themes', ['sci-tech', 'sci-tech']],
    ['photos', ['not-a-hash']],
    ['point', { lat: 91, lon: 114, accuracyM: 5, source: 'gps' }],
    ['point', { lat: 22, lon: 114, accuracyM: 5, source: 'wifi' }],
    ['volunteers', [{ name: '张三', userId: null, hours: 1000 }]],
    ['volunteers', [{ name: '', userId: null, hours: 1 }]],
    ['audience', Array.from({ length: 21 }, () => ({ kind: 'students', count: 1 }))],
    ['distanceKm', -1],
    ['townshipCode', '4413230010'],
    ['villageCode', 'abc'],
    ['status', 'approved'],
    ['onlineAttendance', -5],
    ['volunteerCount', 10_001],
    ['format', ''],
  ];

  function pushReq(body: unknown, extra: Partial<InjectOptions> = {}): InjectOptions {
    return {
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...bearer(who()), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
      ...extra,
    };
  }

  const breakers: ((b: ReturnType<typeof validBody>) => Case)[] = [
    (b) => {
      const m = b.mutations.find((x) => x.op === 'put') as { fields: Record<string, unknown> } | undefined;
      if (!m) return { desc: 'bad version', req: pushReq({ ...b, v: 2 }) };
      const keys = Object.keys(m.fields);
      const k = pick(keys);
      m.fields[k] = wrongTypeFor(m.fields[k]);
      return { desc: `wrong type for fields.${k}`, req: pushReq(b) };
    },
    (b) => {
      const where = int(4);
      const o = clone(b) as unknown as Record<string, Json>;
      const m = (o.mutations as Record<string, Json>[])[0]!;
      if (where === 0)
        Object.defineProperty(o, pick(['extra', '__proto__', 'constructor', 'V']), { value: 1, enumerable: true, writable: true, configurable: true });
      else if (where === 1) m[pick(['extra', 'clientId', 'rev', 'user'])] = 'x';
      else if (where === 2 && m.fields && typeof m.fields === 'object')
        (m.fields as Record<string, Json>)[pick(['rev', 'createdBy', 'orgId', 'deleted', 'id', 'zzz'])] = 'x';
      else m.entity = pick(['Event', 'photo', 'user', '']);
      return { desc: `unknown key or value at level ${where}`, req: pushReq(o) };
    },
    (b) => {
      const o = clone(b) as unknown as Record<string, Json>;
      if (rand() < 0.4) {
        const k = pick(['v', 'clientId', 'mutations']);
        delete o[k];
        return { desc: `missing ${k}`, req: pushReq(o) };
      }
      const m = (o.mutations as Record<string, Json>[])[0]!;
      const k = pick(Object.keys(m).filter((x) => x !== 'fields' || m.op === 'put'));
      delete m[k];
      return { desc: `mutation missing ${k}`, req: pushReq(o) };
    },
    (b) => ({ desc: 'bad version', req: pushReq({ ...b, v: pick([0, 2, '1', null, 1.5]) }) }),
    (b) => ({ desc: 'bad clientId', req: pushReq({ ...b, clientId: pick(['abc', '', 123, null, uuid().slice(1), `${uuid()}x`]) }) }),
    (b) => {
      const o = clone(b) as unknown as { mutations: Record<string, Json>[] };
      const kind = int(4);
      if (kind === 0 && o.mutations.length > 1) o.mutations[1]!.seq = o.mutations[0]!.seq ?? null;
      else if (kind === 1) o.mutations[0]!.seq = pick([0, -1, 1.5, '2', 2 ** 60, null] as Json[]);
      else o.mutations = [...o.mutations, { ...o.mutations[0]!, seq: 0 }];
      return { desc: 'seqs not rising or not positive integers', req: pushReq(o) };
    },
    (b) => {
      const o = clone(b) as unknown as { mutations: Record<string, Json>[] };
      o.mutations[0]!.at = pick(['yesterday', '', 12, '2024-05-20', null] as Json[]);
      return { desc: 'bad mutation time', req: pushReq(o) };
    },
    (b) => {
      const [k, val] = pick(ABSURD);
      const body = { ...b, mutations: [putEvent(b.mutations[0]!.seq, uuid(), { ...eventFields(), [k]: val })] };
      return { desc: `absurd ${k}`, req: pushReq(body) };
    },
    (b) => {
      const [k, val] = pick(ABSURD);
      const body = { ...b, mutations: [putEvent(b.mutations[0]!.seq, pick(existing), { [k]: val })] };
      return { desc: `absurd edit of ${k}`, req: pushReq(body) };
    },
    (b) => ({
      desc: `more than ${MAX_PUSH_MUTATIONS} mutations`,
      req: pushReq({
        ...b,
        mutations: Array.from({ length: MAX_PUSH_MUTATIONS + 1 }, (_, i) => ({ entity: 'event', op: 'delete', seq: i + 1, eventId: pick(existing), at: AT })),
      }),
    }),
    (b) => {
      const text = JSON.stringify(b);
      const variant = int(8);
      const bodies = [
        text.slice(0, Math.max(1, int(text.length - 1))),
        `${text}}`,
        `${text}garbage`,
        '',
        pick(['null', '[]', '"str"', '123', 'true', '{}']),
        '['.repeat(20_000) + ']'.repeat(20_000),
        text.replace(/"/, "'"),
        `{"v":1,"clientId":"${uuid()}","mutations":[{"entity":"event","op":"put","seq":1,"eventId":"${uuid()}","at":"${AT}","fields":{"title":NaN}}]}`,
      ];
      return {
        desc: `malformed JSON #${variant}`,
        req: { method: 'POST', url: '/api/sync/push', headers: { ...bearer(who()), 'content-type': 'application/json' }, payload: bodies[variant]! },
      };
    },
    (b) => ({
      desc: 'wrong content type',
      req: {
        method: 'POST',
        url: '/api/sync/push',
        headers: {
          ...bearer(who()),
          'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'image/jpeg', 'multipart/form-data; boundary=x']),
        },
        payload: JSON.stringify(b),
      },
    }),
    (b) => {
      const variant = int(3);
      const payload = variant === 0 ? Buffer.from('definitely not gzip') : variant === 1 ? gzipSync('{"v":1,') : gzipSync(JSON.stringify(b)).subarray(0, 20);
      return {
        desc: `bad gzip #${variant}`,
        req: { method: 'POST', url: '/api/sync/push', headers: { ...bearer(who()), 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload },
      };
    },
    (b) => ({
      desc: 'unsupported content encoding',
      req: {
        method: 'POST',
        url: '/api/sync/push',
        headers: { ...bearer(who()), 'content-type': 'application/json', 'content-encoding': pick(['deflate', 'br', 'zstd', 'gzip, gzip', 'x']) },
        payload: JSON.stringify(b),
      },
    }),
    (b) => {
      const evil = pick(['\u0000', '\ud800', 'a\udc00b', 'x\u0000y']);
      return {
        desc: 'NUL or lone surrogate in text',
        req: pushReq({ ...b, mutations: [putEvent(b.mutations[0]!.seq, uuid(), eventFields({ title: `标题${evil}` }))] }),
      };
    },
    (b) => ({
      desc: 'no or bad token',
      req: {
        method: 'POST',
        url: '/api/sync/push',
        headers: pick([{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${'a'.repeat(43)}` }, { authorization: acc.volA.token }]),
        payload: b,
      },
    }),
    () => ({
      desc: 'bad pull query',
      req: {
        method: 'GET',
        url: `/api/sync/pull?${pick(['', 'cursor=', 'cursor=-1', 'cursor=abc', 'cursor=1e3', 'cursor=0&limit=0', 'cursor=0&limit=99999', 'cursor=0&limit=2001', 'cursor=0&x=1', 'cursor=1234567890123456', 'cursor=0&cursor=1'])}`,
        headers: bearer(who()),
      },
    }),
    () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(uuid())]);
      const variant = int(7);
      const base = { method: 'PUT' as const, headers: { ...bearer(who()), 'content-type': 'image/jpeg' } };
      if (variant === 0) return { desc: 'blob hash mismatch', req: { ...base, url: `/api/blobs/${sha(Buffer.from(uuid()))}`, payload: bytes } };
      if (variant === 1)
        return {
          desc: 'blob bad name',
          req: { ...base, url: `/api/blobs/${pick([sha(bytes).toUpperCase(), sha(bytes).slice(1), 'x', `${sha(bytes)}0`, '..%2F..%2Fetc'])}`, payload: bytes },
        };
      if (variant === 2) {
        return {
          desc: 'blob wrong content type',
          req: {
            ...base,
            headers: { ...bearer(who()), 'content-type': pick(['image/gif', 'text/plain', 'application/octet-stream', 'application/json', 'image/svg+xml']) },
            url: `/api/blobs/${sha(bytes)}`,
            payload: bytes,
          },
        };
      }
      if (variant === 3) return { desc: 'blob empty', req: { ...base, url: `/api/blobs/${sha(Buffer.alloc(0))}`, payload: Buffer.alloc(0) } };
      if (variant === 4) {
        const notImage = Buffer.from(`GIF89a ${uuid()}`);
        return {
          desc: 'blob bytes not the claimed type',
          req: {
            ...base,
            headers: { ...bearer(who()), 'content-type': pick(['image/jpeg', 'image/png', 'image/webp']) },
            url: `/api/blobs/${sha(notImage)}`,
            payload: notImage,
          },
        };
      }
      if (variant === 5)
        return {
          desc: 'blob without a token',
          req: { method: 'PUT', url: `/api/blobs/${sha(bytes)}`, headers: { 'content-type': 'image/jpeg' }, payload: bytes },
        };
      return {
        desc: 'blob get of a bad name',
        req: { method: pick(['GET', 'HEAD'] as const), url: `/api/blobs/${pick(['abc', sha(bytes).toUpperCase(), 'z'.repeat(64)])}`, headers: bearer(who()) },
      };
    },
  ];

  return {
    next(): Case {
      return pick(breakers)(validBody());
    },
    /** The rare big ones, a few times per run (they cost a few MB each). */
    oversized(): Case[] {
      const bigJpeg = Buffer.alloc(8 * 1024 * 1024 + 1, 0);
      bigJpeg.set([0xff, 0xd8, 0xff]);
      return [
        { desc: 'push body over 4 MiB', req: pushReq({ ...validBody(), pad: 'x'.repeat(4 * 1024 * 1024) }) },
        {
          desc: 'blob over 8 MiB',
          req: { method: 'PUT', url: `/api/blobs/${sha(bigJpeg)}`, headers: { ...bearer(who()), 'content-type': 'image/jpeg' }, payload: bigJpeg },
        },
      ];
    },
  };
}

describe.each<StoreKind>(['sqlite', 'postgres'])('fuzz on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  const existing: string[] = [];

  beforeAll(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    acc = await seedAccounts(app);
    for (let i = 0; i < 4; i++) existing.push(newId());
    const r = await push(
      app,
      acc.volA,
      newId(),
      existing.map((id, i) => putEvent(i + 1, id, eventFields())),
    );
    expect(r.json<PushResponse>().results.every((x) => x.status === 'applied')).toBe(true);
  });
  afterAll(async () => {
    await app.close();
    await h.cleanup();
  });

  test(`${N} malformed push, pull and blob requests: each a 4xx, nothing written (seed ${SEED})`, async () => {
    const fuzz = makeFuzzer(prng(SEED), acc, existing);
    const before = await h.store.dump();
    const cases = [...fuzz.oversized(), ...Array.from({ length: N }, () => fuzz.next())];
    const statuses = new Map<number, number>();
    for (const [i, c] of cases.entries()) {
      const res = await app.inject(c.req);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode < 400 || res.statusCode >= 500) {
        throw new Error(`FUZZ_SEED=${SEED} case ${i} (${c.desc}): expected a 4xx, got ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
      if (c.req.method === 'HEAD') continue;
      const body = res.json<{ error?: unknown; message?: unknown }>();
      if (typeof body.error !== 'string' || typeof body.message !== 'string') {
        throw new Error(`FUZZ_SEED=${SEED} case ${i} (${c.desc}): the error body lacks error/message: ${res.body.slice(0, 300)}`);
      }
    }
    expect(await h.store.dump(), `FUZZ_SEED=${SEED}: the database changed`).toEqual(before);
    // Every family of refusal was exercised.
    expect([...statuses.keys()].sort()).toEqual([400, 401, 413, 415, 422]);
  });

  test(`schema-valid mutations the domain refuses are all rejected and write no row (seed ${SEED})`, async () => {
    const rand = prng(SEED + 1);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const before = await h.store.dump();
    const client = newId();
    const bad: [string, () => Mutation][] = [
      ['unknown township', () => putEvent(1, newId(), eventFields({ townshipCode: '441323999000', villageCode: null }))],
      ['unknown village', () => putEvent(1, newId(), eventFields({ villageCode: '441323001999' }))],
      ['village of another township', () => putEvent(1, newId(), eventFields({ townshipCode: '441323002000' }))],
      ['unknown format', () => putEvent(1, newId(), eventFields({ format: 'rocket-launch' }))],
      ['unknown theme', () => putEvent(1, newId(), eventFields({ themes: ['sci-tech', 'astrology'] }))],
      ['unknown material', () => putEvent(1, newId(), eventFields({ materials: [{ kind: 'gold-bar', count: 3 }] }))],
      ['end before start', () => putEvent(1, newId(), eventFields({ endAt: '2024-05-19T00:00:00+08:00' }))],
      ['audience over attendance', () => putEvent(1, newId(), eventFields({ attendance: 10 }))],
      ['create with a few fields', () => putEvent(1, newId(), { title: '半截' })],
      ['volunteer self-review', () => putEvent(1, newId(), eventFields({ status: 'reviewed' }))],
      ['edit another volunteer’s event', () => putEvent(1, pick(existing), { title: '改别人的' })],
      ['delete a missing event', () => ({ entity: 'event', op: 'delete', seq: 1, eventId: newId(), at: AT })],
      [
        'volunteer target',
        () => ({
          entity: 'target',
          op: 'put',
          seq: 1,
          targetId: newId(),
          at: AT,
          fields: { year: 2024, kind: 'count', measure: 'events', axis: 'all', axisCode: null, min: 1, level1: '', level2: '', level3: '', unit: '' },
        }),
      ],
    ];
    let seq = 0;
    for (let batch = 0; batch < 20; batch++) {
      const mutations = Array.from({ length: 10 }, () => ({ ...pick(bad)[1](), seq: ++seq }) as Mutation);
      const res = await push(app, acc.volB, client, mutations);
      expect(res.statusCode, `FUZZ_SEED=${SEED}`).toBe(200);
      const body = res.json<PushResponse>();
      expect(
        body.results.map((r) => r.status),
        `FUZZ_SEED=${SEED} batch ${batch}`,
      ).toEqual(Array(10).fill('rejected'));
      expect(body.lastAppliedSeq).toBe(seq);
    }
    const after = await h.store.dump();
    expect({ ...after, clients: [], push_rejections: [] }).toEqual({ ...before, clients: [], push_rejections: [] });
    // Only the answers are remembered (a retry whose answer was lost gets them again).
    expect(after.push_rejections).toHaveLength(200);
  });
});
