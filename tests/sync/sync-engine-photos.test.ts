// @vitest-environment node
/**
 * The sync engine and photos the server does not hold, over the real server: a push naming such
 * a photo is refused (`photoMissing`); the phone that still has the photo uploads it again and
 * re-sends the edit in the same run; a photo the server refuses for its budget leaves the edit
 * waiting with that reason until the budget allows; a photo lost on the phone too leaves the edit
 * quarantined as `photoLost`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepUnnamedBlobs } from '../../src/server/blob-sweep';
import { createHttpTransport } from '../../src/sync/http-transport';
import { MemoryLocalStore } from '../../src/sync/memory-local-store';
import { runSync } from '../../src/sync/sync-engine';
import { EVENT_1, EVENT_2, sampleEvent } from './fixtures';
import { startRealServer, type RealServer, type RealServerOptions, type SimAccount } from './sim/real-server';

const AT = '2023-09-17T08:00:00+08:00';
const PHONE = '11111111-1111-4111-8111-111111111111';
const DAY = 86_400_000;

function jpeg(size = 200): { bytes: Uint8Array<ArrayBuffer>; hash: string } {
  const bytes = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(size - 3)]));
  return { bytes, hash: createHash('sha256').update(bytes).digest('hex') };
}

describe('sync engine: edits naming photos the server does not hold', () => {
  let server: RealServer;
  let vol: SimAccount;
  let log: string[];
  let dropPushRequest: boolean;

  async function start(opts: RealServerOptions = {}): Promise<void> {
    server = await startRealServer(opts);
    vol = await server.makeUser('volunteer', 'v-photo');
    log = [];
    dropPushRequest = false;
  }
  afterEach(() => server.close());

  function phone() {
    const store = new MemoryLocalStore(PHONE);
    const transport = createHttpTransport({
      baseUrl: () => '',
      token: () => vol.token,
      gzip: false,
      fetch: async (input, init) => {
        const method = init?.method ?? 'GET';
        const url = String(input);
        const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { mutations?: { seq: number }[] }) : null;
        if (method === 'POST' && dropPushRequest) throw new TypeError('Failed to fetch');
        const res = await server.fetch(input, init);
        log.push(
          `${method} ${url.replace(/[0-9a-f]{64}/, '<photo>').replace(/\?.*/, '')}${body?.mutations ? ` seqs=${body.mutations.map((m) => m.seq).join(',')}` : ''} → ${res.status}`,
        );
        return res;
      },
    });
    return { store, sync: () => runSync(store, transport) };
  }

  const reasons = async (store: MemoryLocalStore) => (await store.quarantined()).map((q) => [q.seq, q.rejection.reason]);

  it('uploads again a photo the server swept while the phone was away, and re-sends the edit in the same run', async () => {
    await start();
    const a = phone();
    const p = jpeg();
    a.store.addPhoto(p.hash, { blob: new Blob([p.bytes], { type: 'image/jpeg' }), type: 'image/jpeg' });
    a.store.createEvent(sampleEvent({ id: EVENT_1, photos: [p.hash] }));
    // The photo goes up, then the network drops before the push: the phone is away for two weeks.
    dropPushRequest = true;
    await expect(a.sync()).rejects.toMatchObject({ kind: 'offline' });
    expect(await a.store.pendingBlobHashes()).toEqual([]);
    expect(await sweepUnnamedBlobs(server.store(), new Date(Date.now() + 14 * DAY), 7)).toEqual({ owners: 1, blobs: 1, bytes: 200 });
    dropPushRequest = false;
    log = [];
    expect(await a.sync()).toEqual({ blobsUploaded: 1, pushed: 1, quarantined: 1, pulled: 1, recovered: 0 });
    expect(log).toEqual(['POST /api/sync/push seqs=1 → 200', 'PUT /api/blobs/<photo> → 201', 'POST /api/sync/push seqs=2 → 200', 'GET /api/sync/pull → 200']);
    expect([await reasons(a.store), await a.store.pendingCount()]).toEqual([[], 0]);
    expect((await server.allEvents()).map((e) => [e.id, e.photos])).toEqual([[EVENT_1, [p.hash]]]);
    const got = await server.fetch(`/api/blobs/${p.hash}`, { headers: { authorization: `Bearer ${vol.token}` } });
    expect([got.status, [...new Uint8Array(await got.arrayBuffer())]]).toEqual([200, [...p.bytes]]);
  });

  it('an edit whose photo is refused for the storage budget waits with that reason, and goes once the budget allows', async () => {
    await start({ blobBudget: { orgBytes: 300, userDailyBytes: 10_000 } });
    const a = phone();
    const [small, big] = [jpeg(200), jpeg(350)]; // big never fits, whichever goes first
    for (const p of [small, big]) a.store.addPhoto(p.hash, { blob: new Blob([p.bytes], { type: 'image/jpeg' }), type: 'image/jpeg' });
    a.store.createEvent(sampleEvent({ id: EVENT_1, photos: [small.hash] }));
    a.store.createEvent(sampleEvent({ id: EVENT_2, title: '第二场', photos: [big.hash] }));
    a.store.updateEvent(EVENT_2, { attendance: 88 }, AT, vol.userId);
    expect(await a.sync()).toEqual({ blobsUploaded: 1, pushed: 1, quarantined: 2, pulled: 1, recovered: 0 });
    // The create is refused for its photo; the edit after it fails with it (no such event yet).
    expect(await reasons(a.store)).toEqual([
      [2, 'orgStorageFull'],
      [3, 'invalid'],
    ]);
    expect(a.store.events.get(EVENT_2)?.attendance).toBe(88);
    log = [];
    expect(await a.sync()).toEqual({ blobsUploaded: 0, pushed: 0, quarantined: 0, pulled: 0, recovered: 0 });
    expect(log).toEqual(['PUT /api/blobs/<photo> → 403', 'GET /api/sync/pull → 200']);
    expect(await reasons(a.store)).toEqual([
      [2, 'orgStorageFull'],
      [3, 'invalid'],
    ]);
    // The administrator raises the budget.
    await server.restart({ blobBudget: { orgBytes: 10_000, userDailyBytes: 10_000 } });
    log = [];
    expect(await a.sync()).toEqual({ blobsUploaded: 1, pushed: 2, quarantined: 0, pulled: 1, recovered: 0 });
    expect(log).toEqual(['PUT /api/blobs/<photo> → 201', 'POST /api/sync/push seqs=4,5 → 200', 'GET /api/sync/pull → 200']);
    expect([await reasons(a.store), await a.store.pendingCount()]).toEqual([[], 0]);
    expect((await server.allEvents()).map((e) => [e.title, e.photos, e.attendance])).toEqual([
      ['全国科普日进校园', [small.hash], 120],
      ['第二场', [big.hash], 88],
    ]);
  });

  it('an edit whose photo is on neither the phone nor the server is quarantined as photoLost and not sent again', async () => {
    await start();
    const a = phone();
    a.store.createEvent(sampleEvent({ id: EVENT_1, photos: [jpeg().hash] }));
    expect(await a.sync()).toEqual({ blobsUploaded: 0, pushed: 0, quarantined: 1, pulled: 0, recovered: 0 });
    expect(await reasons(a.store)).toEqual([[1, 'photoLost']]);
    log = [];
    await a.sync();
    expect(log).toEqual(['GET /api/sync/pull → 200']);
    expect(await server.allEvents()).toEqual([]);
  });
});
