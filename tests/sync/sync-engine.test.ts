// @vitest-environment node
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../src/sync/http-transport';
import { MemoryLocalStore } from '../../src/sync/memory-local-store';
import { loadBlob, runSync } from '../../src/sync/sync-engine';
import { ApiError } from '../../src/sync/api-error';
import { EVENT_1, EVENT_2, EVENT_3, sampleEvent } from './fixtures';
import { startRealServer, type RealServer, type SimAccount } from './sim/real-server';

const AT = '2023-09-17T08:00:00+08:00';
const PHONE_A = '11111111-1111-4111-8111-111111111111';
const PHONE_B = '22222222-2222-4222-8222-222222222222';
const PHONE_C = '33333333-3333-4333-8333-333333333333';

describe('sync engine over the real server', () => {
  let server: RealServer;
  let v1: SimAccount;
  let v2: SimAccount;
  let log: string[];
  let drop: ((method: string, url: string) => 'request' | 'response' | null) | null;

  beforeEach(async () => {
    server = await startRealServer();
    v1 = await server.makeUser('volunteer', 'v-one');
    v2 = await server.makeUser('volunteer', 'v-two');
    log = [];
    drop = null;
  });
  afterEach(() => server.close());

  function phone(clientId: string, account: SimAccount) {
    const store = new MemoryLocalStore(clientId);
    const transport = createHttpTransport({
      baseUrl: () => '',
      token: () => account.token,
      gzip: false,
      fetch: async (input, init) => {
        const method = init?.method ?? 'GET';
        const url = String(input);
        const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { mutations?: { seq: number }[] }) : null;
        log.push(
          `${clientId === PHONE_A ? 'A' : 'B'} ${method} ${url
            .replace(/[0-9a-f]{64}/, '<hash>')
            .replace(/epoch=[0-9a-f]{32}/, 'epoch=<epoch>')
            .replace(/scope=own%3A[0-9a-f-]+/, 'scope=own:<me>')}${body?.mutations ? ` seqs=${body.mutations.map((m) => m.seq).join(',')}` : ''}`,
        );
        const d = drop?.(method, url) ?? null;
        if (d === 'request') throw new TypeError('Failed to fetch');
        const res = await server.fetch(input, init);
        if (d === 'response') throw new TypeError('Failed to fetch');
        return res;
      },
    });
    return { store, transport, sync: () => runSync(store, transport, { pushPageSize: 2, pullLimit: 2 }) };
  }

  it('uploads photos first, pushes the outbox in pages in seq order, then pulls until nothing more', async () => {
    const a = phone(PHONE_A, v1);
    const bytes = Uint8Array.from([0xff, 0xd8, 0xff, 7, 7, 7]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    a.store.addPhoto(hash, { blob: new Blob([bytes], { type: 'image/jpeg' }), type: 'image/jpeg' });
    a.store.createEvent(sampleEvent({ id: EVENT_1, photos: [hash] }));
    a.store.createEvent(sampleEvent({ id: EVENT_2 }));
    a.store.updateEvent(EVENT_1, { attendance: 5 }, AT, v1.userId);
    a.store.createEvent(sampleEvent({ id: EVENT_3 }));
    a.store.createEvent(sampleEvent({ id: EVENT_3 })); // a double tap writes nothing
    expect(await a.sync()).toEqual({ blobsUploaded: 1, pushed: 4, quarantined: 0, pulled: 3, recovered: 0 });
    expect(log).toEqual([
      'A PUT /api/blobs/<hash>',
      'A POST /api/sync/push seqs=1,2',
      'A POST /api/sync/push seqs=3,4',
      'A GET /api/sync/pull?cursor=0&limit=2&epoch=&scope=&awards=1',
      'A GET /api/sync/pull?cursor=3&limit=2&epoch=<epoch>&scope=own:<me>&awards=1',
    ]);
    expect(await a.store.pendingBlobHashes()).toEqual([]);
    expect([a.store.cursor, a.store.events.get(EVENT_1)?.rev, a.store.events.get(EVENT_1)?.attendance]).toEqual([4, 3, 5]);
  });

  it('A logs offline, comes online, and staff see the event; another volunteer does not (scoped pulls)', async () => {
    const a = phone(PHONE_A, v1);
    const b = phone(PHONE_B, await server.makeUser('staff', 's-one'));
    const c = phone(PHONE_C, v2);
    a.store.createEvent(sampleEvent({ id: EVENT_1, title: '离线记录的活动' }));
    drop = () => 'request';
    await expect(a.sync()).rejects.toBeInstanceOf(ApiError);
    drop = null;
    await a.sync();
    await b.sync();
    await c.sync();
    expect(b.store.events.get(EVENT_1)).toEqual(await server.allEvents().then((es) => es[0]));
    expect(b.store.events.get(EVENT_1)?.title).toBe('离线记录的活动');
    expect([b.store.scope, c.store.scope]).toEqual(['all', `own:${v2.userId}`]);
    expect(c.store.events.size).toBe(0);
    // The volunteer's phone still knows the org's numbers: the server's totals count the event.
    expect(c.store.totals?.find((t) => t.axis === 'all')?.all.events).toBe(1);
    expect(b.store.totals).toBeNull();
  });

  it('quarantines a mutation the server refuses (another volunteer’s event) and still pushes the ones behind it', async () => {
    const a = phone(PHONE_A, v1);
    const b = phone(PHONE_B, v2);
    // Listed on it, B's phone holds A's event, but may not change it.
    a.store.createEvent(sampleEvent({ id: EVENT_1, volunteers: [{ name: '乙', userId: v2.userId, hours: 1 }] }));
    await a.sync();
    await b.sync();
    b.store.updateEvent(EVENT_1, { title: '我改别人的活动' }, AT, v2.userId);
    b.store.createEvent(sampleEvent({ id: EVENT_2, title: '我自己的活动' }));
    expect(await b.sync()).toEqual({ blobsUploaded: 0, pushed: 1, quarantined: 1, pulled: 1, recovered: 0 });
    expect((await b.store.quarantined()).map((q) => [q.seq, q.rejection.reason])).toEqual([[1, 'notYourEvent']]);
    expect(b.store.events.get(EVENT_1)?.title).toBe('我改别人的活动');
    expect((await server.allEvents()).map((e) => e.title).sort()).toEqual(['全国科普日进校园', '我自己的活动']);
    // The user discards it: the server's version comes back.
    await b.store.discardQuarantined(1);
    await b.sync();
    expect(b.store.events.get(EVENT_1)?.title).toBe('全国科普日进校园');
  });

  it('splits a page the server refuses as a whole and quarantines only the malformed mutation', async () => {
    const a = phone(PHONE_A, v1);
    a.store.createEvent(sampleEvent({ id: EVENT_1 }));
    a.store.updateEvent(EVENT_1, { title: '太长'.repeat(80) }, AT, v1.userId);
    a.store.createEvent(sampleEvent({ id: EVENT_2 }));
    a.store.createEvent(sampleEvent({ id: EVENT_3 }));
    expect(await a.sync()).toEqual({ blobsUploaded: 0, pushed: 3, quarantined: 1, pulled: 3, recovered: 0 });
    expect(log.filter((l) => l.includes('push'))).toEqual([
      'A POST /api/sync/push seqs=1,2',
      'A POST /api/sync/push seqs=1',
      'A POST /api/sync/push seqs=2',
      'A POST /api/sync/push seqs=3,4',
    ]);
    expect((await a.store.quarantined()).map((q) => [q.seq, q.rejection.reason])).toEqual([[2, 'The request body or parameters are invalid; see problems.']]);
  });

  it('quarantines a refused edit whose answer was lost: the server answers the retry with the same rejection', async () => {
    const a = phone(PHONE_A, v1);
    const b = phone(PHONE_B, v2);
    a.store.createEvent(sampleEvent({ id: EVENT_1, attendance: 120, volunteers: [{ name: '乙', userId: v2.userId, hours: 1 }] }));
    await a.sync();
    await b.sync();
    b.store.updateEvent(EVENT_1, { attendance: 999 }, AT, v2.userId);
    drop = (method) => (method === 'POST' ? 'response' : null);
    await expect(b.sync()).rejects.toBeInstanceOf(ApiError);
    drop = null;
    expect(await b.sync()).toEqual({ blobsUploaded: 0, pushed: 0, quarantined: 1, pulled: 0, recovered: 0 });
    expect((await b.store.quarantined()).map((q) => [q.seq, q.rejection.reason])).toEqual([[1, 'notYourEvent']]);
    expect(b.store.events.get(EVENT_1)?.attendance).toBe(999);
    expect((await server.allEvents()).map((e) => e.attendance)).toEqual([120]);
  });

  it('loses nothing and duplicates nothing when a push answer is lost and the push is retried', async () => {
    const a = phone(PHONE_A, v1);
    a.store.createEvent(sampleEvent({ id: EVENT_1 }));
    a.store.createEvent(sampleEvent({ id: EVENT_2 }));
    drop = (method) => (method === 'POST' ? 'response' : null);
    await expect(a.sync()).rejects.toBeInstanceOf(ApiError);
    drop = null;
    expect(await a.sync()).toEqual({ blobsUploaded: 0, pushed: 2, quarantined: 0, pulled: 2, recovered: 0 });
    expect((await server.allEvents()).map((e) => [e.id, e.rev])).toEqual([
      [EVENT_1, 1],
      [EVENT_2, 2],
    ]);
  });

  it('resumes safely after a run cut (tab closed) between the push and recording its answer, or between pull pages', async () => {
    const a = phone(PHONE_A, v1);
    a.store.createEvent(sampleEvent({ id: EVENT_1 }));
    a.store.createEvent(sampleEvent({ id: EVENT_2 }));
    a.store.createEvent(sampleEvent({ id: EVENT_3 }));
    const realApply = a.store.applyPushResults.bind(a.store);
    const realPulled = a.store.applyPulled.bind(a.store);
    a.store.applyPushResults = async () => {
      throw new Error('tab closed');
    };
    await expect(a.sync()).rejects.toThrow('tab closed');
    a.store.applyPushResults = realApply;
    let pages = 0;
    a.store.applyPulled = async (rows, cursor, from) => {
      if (++pages === 2) throw new Error('tab closed');
      return realPulled(rows, cursor, from);
    };
    await expect(a.sync()).rejects.toThrow('tab closed');
    a.store.applyPulled = realPulled;
    await a.sync();
    expect((await server.allEvents()).map((e) => [e.id, e.rev])).toEqual([
      [EVENT_1, 1],
      [EVENT_2, 2],
      [EVENT_3, 3],
    ]);
    expect([a.store.cursor, await a.store.pendingCount(), [...a.store.events.values()].map((e) => e.rev)]).toEqual([3, 0, [1, 2, 3]]);
  });

  it('leaves the outbox and the ledger untouched when the token is refused', async () => {
    const a = phone(PHONE_A, { ...v1, token: 'revoked' });
    a.store.createEvent(sampleEvent({ id: EVENT_1 }));
    const before = structuredClone([...a.store.events.values()]);
    await expect(a.sync()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect([...a.store.events.values()]).toEqual(before);
    expect(await a.store.pendingCount()).toBe(1);
  });

  it('fetches a photo made on another phone once, then serves it from the local cache', async () => {
    const a = phone(PHONE_A, v1);
    const b = phone(PHONE_B, v2);
    const bytes = Uint8Array.from([0xff, 0xd8, 0xff, 9]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    a.store.addPhoto(hash, { blob: new Blob([bytes], { type: 'image/jpeg' }), type: 'image/jpeg' });
    await a.sync();
    log = [];
    const first = await loadBlob(b.store, b.transport, hash);
    const second = await loadBlob(b.store, b.transport, hash);
    if (first.status !== 'loaded' || second.status !== 'loaded') throw new Error(`not loaded: ${first.status}, ${second.status}`);
    expect([...new Uint8Array(await first.blob.arrayBuffer())]).toEqual([...bytes]);
    expect(second.blob).toBe(first.blob);
    expect(log).toEqual(['B GET /api/blobs/<hash>']);
  });
});
