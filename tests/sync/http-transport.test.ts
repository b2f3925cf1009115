// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../src/sync/http-transport';
import { PROTOCOL_VERSION } from '../../src/sync/protocol';
import { ApiError } from '../../src/sync/api-error';
import type { EpochChangedError } from '../../src/sync/transport';
import { createOf, put, sampleEvent, EVENT_1 } from './fixtures';
import { startRealServer, type RealServer, type SimAccount } from './sim/real-server';

const CLIENT = '7c1f6a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

async function failureOf(p: Promise<unknown>): Promise<{ kind: string; status: number | null }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return { kind: e.kind, status: e.status };
    throw e;
  }
  throw new Error('expected a failure');
}

describe('HTTP transport against the real server', () => {
  let server: RealServer;
  let vol: SimAccount;
  let seen: { method: string; url: string; auth: string | null; encoding: string | null }[];
  let token: string | null;

  beforeEach(async () => {
    server = await startRealServer();
    vol = await server.makeUser('volunteer', 'vol-a');
    seen = [];
    token = vol.token;
  });
  afterEach(() => server.close());

  const transport = (gzip = true) =>
    createHttpTransport({
      baseUrl: () => '',
      token: () => token,
      gzip,
      fetch: async (input, init) => {
        const h = new Headers(init?.headers);
        seen.push({ method: init?.method ?? 'GET', url: String(input), auth: h.get('authorization'), encoding: h.get('content-encoding') });
        return server.fetch(input, init);
      },
    });

  it('pushes a gzipped body with the bearer token and reads the answer', async () => {
    const e = sampleEvent({ id: EVENT_1, createdBy: vol.userId, notes: '很长的备注'.repeat(100) });
    const epoch = await server.epoch();
    const res = await transport().push({ v: PROTOCOL_VERSION, clientId: CLIENT, epoch, mutations: [createOf(1, e)] });
    expect(res).toEqual({ v: 1, epoch, lastAppliedSeq: 1, results: [{ seq: 1, status: 'applied', rev: 1 }] });
    expect(seen).toEqual([{ method: 'POST', url: '/api/sync/push', auth: `Bearer ${vol.token}`, encoding: 'gzip' }]);
    const pulled = await transport().pull(0, 10, epoch);
    expect(pulled.rows.map((r) => [r.entity, r.row.id, r.row.rev])).toEqual([['event', EVENT_1, 1]]);
    expect([pulled.cursor, pulled.more]).toEqual([1, false]);
  });

  it('answers a push retried with the same seqs as skipped (harmless)', async () => {
    const m = createOf(1, sampleEvent({ id: EVENT_1 }));
    await transport(false).push({ v: PROTOCOL_VERSION, clientId: CLIENT, mutations: [m] });
    expect(await transport(false).push({ v: PROTOCOL_VERSION, clientId: CLIENT, mutations: [m] })).toEqual({
      v: 1,
      epoch: await server.epoch(),
      lastAppliedSeq: 1,
      results: [{ seq: 1, status: 'skipped' }],
    });
  });

  it('maps a revoked or unknown token to unauthorized (401) and nothing else', async () => {
    token = 'not-a-token';
    expect(await failureOf(transport().pull(0, 10, null))).toEqual({ kind: 'unauthorized', status: 401 });
  });

  it('maps a body the server refuses to rejected with its status and code, and keeps gzip on', async () => {
    const bad = { ...createOf(1, sampleEvent({ id: EVENT_1 })), fields: { title: 'x'.repeat(2000) } };
    const t = transport(true);
    const e = await t.push({ v: PROTOCOL_VERSION, clientId: CLIENT, mutations: [bad] }).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'rejected', status: 400, code: 'invalid' });
    await t.push({ v: PROTOCOL_VERSION, clientId: CLIENT, mutations: [createOf(1, sampleEvent({ id: EVENT_1, notes: '备注'.repeat(600) }))] });
    expect(seen.map((s) => s.encoding)).toEqual(['gzip', 'gzip']);
  });

  it('maps no answer to offline and a 5xx to server', async () => {
    const offline = createHttpTransport({
      baseUrl: () => '',
      token: () => token,
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    expect(await failureOf(offline.pull(0, 1, null))).toEqual({ kind: 'offline', status: null });
    const down = createHttpTransport({
      baseUrl: () => '',
      token: () => token,
      fetch: async () => new Response('{"error":"unavailable","message":"shutting down"}', { status: 503 }),
    });
    expect(await failureOf(down.pull(0, 1, null))).toEqual({ kind: 'server', status: 503 });
    const nonsense = createHttpTransport({ baseUrl: () => '', token: () => token, fetch: async () => new Response('<html>portal</html>', { status: 200 }) });
    expect(await failureOf(nonsense.pull(0, 1, null))).toEqual({ kind: 'server', status: 200 });
  });

  it('falls back to plain JSON for good when a server refuses the gzip encoding', async () => {
    const encodings: (string | null)[] = [];
    const t = createHttpTransport({
      baseUrl: () => 'http://old-server',
      token: () => token,
      gzip: true,
      fetch: async (input, init) => {
        const enc = new Headers(init?.headers).get('content-encoding');
        encodings.push(enc);
        if (enc) return new Response('{"error":"unsupportedMediaType","message":"no gzip"}', { status: 415 });
        return server.fetch(String(input).replace('http://old-server', ''), init);
      },
    });
    const big = sampleEvent({ id: EVENT_1, notes: '备注'.repeat(600) });
    await t.push({ v: PROTOCOL_VERSION, clientId: CLIENT, mutations: [createOf(1, big)] });
    await t.push({ v: PROTOCOL_VERSION, clientId: CLIENT, mutations: [put(2, EVENT_1, { notes: '再改'.repeat(600) })] });
    expect(encodings).toEqual(['gzip', null, null]);
  });

  it("turns a 409 epochChanged into EpochChangedError carrying the server's epoch, for push, pull and recover", async () => {
    const epoch = await server.epoch();
    const other = 'f'.repeat(32);
    const m = createOf(1, sampleEvent({ id: EVENT_1 }));
    const failures = await Promise.all([
      transport()
        .push({ v: PROTOCOL_VERSION, clientId: CLIENT, epoch: other, mutations: [m] })
        .catch((e: unknown) => e),
      transport()
        .pull(0, 10, other)
        .catch((e: unknown) => e),
      transport()
        .pull(3, 10, null)
        .catch((e: unknown) => e),
      transport()
        .recover({ v: PROTOCOL_VERSION, clientId: CLIENT, epoch: other, rows: [] })
        .catch((e: unknown) => e),
    ]);
    expect(failures.map((e) => [(e as Error).name, (e as EpochChangedError).epoch])).toEqual([
      ['EpochChangedError', epoch],
      ['EpochChangedError', epoch],
      ['EpochChangedError', epoch],
      ['EpochChangedError', epoch],
    ]);
    expect(await server.allEvents()).toEqual([]);
  });

  it('uploads a photo by its hash and fetches it back', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
    const hash = (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex');
    await transport().putBlob(hash, new Blob([bytes], { type: 'image/jpeg' }), 'image/jpeg');
    await transport().putBlob(hash, new Blob([bytes], { type: 'image/jpeg' }), 'image/jpeg');
    const back = await transport().getBlob(hash);
    expect([...new Uint8Array(await back.arrayBuffer())]).toEqual([...bytes]);
    expect(await failureOf(transport().getBlob('0'.repeat(64)))).toEqual({ kind: 'rejected', status: 404 });
  });
});
