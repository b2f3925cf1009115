// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { PulledRow, PullResponse, PushRequest, PushResponse } from '../../src/sync/protocol';
import { MemoryLocalStore } from '../../src/sync/memory-local-store';
import { runSync } from '../../src/sync/sync-engine';
import type { Transport } from '../../src/sync/transport';
import { sampleEvent } from './fixtures';

const PHONE = '11111111-1111-4111-8111-111111111111';
const EPOCH = 'e'.repeat(32);
const idOf = (i: number) => `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`;

/** A server holding events of revs 1..n; every request is logged with what the phone had committed then. */
function fakeServer(n: number, log: string[], committed: () => number) {
  const rows: PulledRow[] = Array.from({ length: n }, (_, i) => ({ entity: 'event', row: sampleEvent({ id: idOf(i + 1), rev: i + 1 }) }));
  const transport: Transport = {
    async pull(cursor: number, limit: number, _epoch: string | null): Promise<PullResponse> {
      log.push(`pull ${cursor} (committed ${committed()})`);
      const page = rows.filter((r) => r.row.rev > cursor).slice(0, limit);
      const last = page[page.length - 1];
      return { v: 1, epoch: EPOCH, rows: page, cursor: last ? last.row.rev : cursor, more: rows.some((r) => r.row.rev > (last?.row.rev ?? cursor)) };
    },
    async push(req: PushRequest): Promise<PushResponse> {
      log.push(`push ${req.mutations.map((m) => m.seq).join(',')}`);
      return {
        v: 1,
        epoch: EPOCH,
        lastAppliedSeq: req.mutations[req.mutations.length - 1]!.seq,
        results: req.mutations.map((m, i) => ({ seq: m.seq, status: 'applied', rev: 100 + i })),
      };
    },
    putBlob: async () => undefined,
    getBlob: async () => new Blob([]),
    recover: async () => ({ v: 1, epoch: EPOCH, results: [] }),
  };
  return transport;
}

describe('sync engine pipelining', () => {
  it('asks for the next pull page while the previous one is written, and commits pages in order', async () => {
    const log: string[] = [];
    const store = new MemoryLocalStore(PHONE);
    const applied: number[] = [];
    const inner = store.applyPulled.bind(store);
    store.applyPulled = async (rows, cursor, from) => {
      log.push(`apply ${from}→${cursor}`);
      await new Promise((r) => setTimeout(r, 5));
      await inner(rows, cursor, from);
      applied.push(cursor);
    };
    const report = await runSync(
      store,
      fakeServer(5, log, () => store.cursor),
      { pullLimit: 2 },
    );
    expect(report.pulled).toBe(5);
    expect(log).toEqual(['pull 0 (committed 0)', 'pull 2 (committed 0)', 'apply 0→2', 'pull 4 (committed 2)', 'apply 2→4', 'apply 4→5']);
    expect(applied).toEqual([2, 4, 5]);
    expect(store.cursor).toBe(5);
    expect(store.events.size).toBe(5);
  });

  it('drops the early page when the cursor was rewound while writing, and pulls again from the rewound cursor', async () => {
    const log: string[] = [];
    const store = new MemoryLocalStore(PHONE);
    const inner = store.applyPulled.bind(store);
    let rewound = false;
    store.applyPulled = async (rows, cursor, from) => {
      await inner(rows, cursor, from);
      // Another tab settles a push answer that rewinds the cursor right after the first page.
      if (!rewound) {
        rewound = true;
        store.cursor = 1;
      }
    };
    const report = await runSync(
      store,
      fakeServer(5, log, () => store.cursor),
      { pullLimit: 2 },
    );
    expect(log).toEqual(['pull 0 (committed 0)', 'pull 2 (committed 0)', 'pull 1 (committed 1)', 'pull 3 (committed 1)']);
    expect(report.pulled).toBe(2 + 2 + 2);
    expect(store.cursor).toBe(5);
    expect(store.events.size).toBe(5);
  });

  it('sends the next push page while the answer to the previous one is written, one push in flight at a time', async () => {
    const log: string[] = [];
    const store = new MemoryLocalStore(PHONE);
    for (let i = 1; i <= 5; i++) store.createEvent(sampleEvent({ id: idOf(i) }));
    const inner = store.applyPushResults.bind(store);
    store.applyPushResults = async (results) => {
      log.push(`apply ${results.map((r) => r.seq).join(',')} start`);
      await new Promise((r) => setTimeout(r, 5));
      await inner(results);
      log.push(`apply ${results.map((r) => r.seq).join(',')} done`);
    };
    const report = await runSync(
      store,
      fakeServer(0, log, () => store.cursor),
      { pushPageSize: 2 },
    );
    expect(report).toEqual({ blobsUploaded: 0, pushed: 5, quarantined: 0, pulled: 0, recovered: 0 });
    expect(log).toEqual([
      'push 1,2',
      'push 3,4',
      'apply 1,2 start',
      'push 5',
      'apply 1,2 done',
      'apply 3,4 start',
      'apply 3,4 done',
      'apply 5 start',
      'apply 5 done',
      'pull 0 (committed 0)',
    ]);
    expect(await store.pendingCount()).toBe(0);
  });
});
