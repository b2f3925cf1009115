import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ledgerDb, setLedgerDbFactory } from '../../../src/app/db/database';
import { useLedgerStore } from '../../../src/app/stores/ledger';
import { useSessionStore } from '../../../src/app/stores/session';
import { useSyncStore } from '../../../src/app/stores/sync';
import type { PushRequest } from '../../../src/sync/protocol';
import { freshDb, sampleContent } from '../db/helpers';

const EPOCH = '0123456789abcdef0123456789abcdef';
const SESSION = { userId: 'u-1', orgId: 'o-1', role: 'volunteer', name: '张', token: 'tok', serverUrl: '', username: 'zhang', orgName: '科协', expired: false };

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('useSyncStore', () => {
  let requests: string[];
  let status: number;

  beforeEach(async () => {
    setActivePinia(createPinia());
    setLedgerDbFactory(freshDb);
    requests = [];
    status = 200;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const method = init.method ?? 'GET';
      if (status !== 200) return new Response('{"error":"unauthenticated","message":"Sign in first"}', { status });
      if (method === 'POST') {
        const body = JSON.parse(String(init.body)) as PushRequest;
        requests.push(`POST ${url} ${body.mutations.map((m) => `${m.seq}:${m.op}`).join(',')}`);
        return new Response(
          JSON.stringify({
            v: 1,
            epoch: EPOCH,
            lastAppliedSeq: body.mutations.at(-1)!.seq,
            results: body.mutations.map((m, i) => ({ seq: m.seq, status: 'applied', rev: 10 + i })),
          }),
        );
      }
      requests.push(`GET ${url}`);
      return new Response(JSON.stringify({ v: 1, epoch: EPOCH, rows: [], cursor: 0, more: false }));
    });
    await ledgerDb().meta.put({ key: 'session', value: SESSION });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('syncs at start and again after each save, through the outbox hook', async () => {
    const sync = useSyncStore();
    await sync.start();
    await until(() => sync.lastSuccessAt !== null, 'the first run');
    expect(requests).toEqual(['GET /api/sync/pull?cursor=0&limit=2000&epoch=&scope=&awards=1']);
    const ledger = useLedgerStore();
    await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent(), 'submitted');
    await until(() => requests.length === 3, 'the run after the save');
    expect(requests.slice(1)).toEqual(['POST /api/sync/push 1:put', `GET /api/sync/pull?cursor=0&limit=2000&epoch=${EPOCH}&scope=&awards=1`]);
    await until(() => sync.pendingCount === 0, 'the pending count to drop');
    await until(async () => (await ledgerDb().meta.get('lastSyncAt'))?.value === sync.lastSuccessAt, 'the last sync time to be kept');
    expect(typeof sync.lastSuccessAt).toBe('number');
  });

  it('on a 401 marks the session expired, stops, and leaves the outbox alone', async () => {
    status = 401;
    const ledger = useLedgerStore();
    await ledger.repo.createEvent(ledger.repo.newEventId(), sampleContent(), 'submitted');
    const sync = useSyncStore();
    const session = useSessionStore();
    await sync.start();
    await until(() => session.expired, 'the session to expire');
    expect(sync.status?.state).toBe('stopped');
    expect(sync.errorKey).toBe('sync.error.unauthorized');
    expect(await ledgerDb().outbox.count()).toBe(1);
    expect(((await ledgerDb().meta.get('session'))?.value as { expired: boolean }).expired).toBe(true);
  });

  it('fetches a photo with the token even when asked before the session has loaded (a detail page opened by URL)', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1]);
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      const auth = new Headers(init.headers).get('authorization');
      asked.push(`${init.method ?? 'GET'} ${url} ${auth ?? 'no token'}`);
      return auth === 'Bearer tok'
        ? new Response(bytes, { headers: { 'content-type': 'image/jpeg' } })
        : new Response('{"error":"unauthenticated"}', { status: 401 });
    });
    // No start(): main.ts starts sync (and loads the session) only after the first screen.
    const session = useSessionStore();
    const photo = await useSyncStore().loadPhoto('a'.repeat(64));
    expect(asked).toEqual([`GET /api/blobs/${'a'.repeat(64)} Bearer tok`]);
    expect(photo.status).toBe('loaded');
    expect([session.loaded, session.expired]).toEqual([true, false]);
  });

  it('does not sync before anyone signed in', async () => {
    await ledgerDb().meta.delete('session');
    const sync = useSyncStore();
    await sync.start();
    sync.syncNow();
    await new Promise((r) => setTimeout(r, 50));
    expect([requests, sync.status]).toEqual([[], null]);
  });
});
