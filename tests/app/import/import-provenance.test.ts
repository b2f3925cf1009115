/**
 * An imported event's batch (event.importBatch) in every store that holds events: the Dexie
 * ledger, the outbox, the phone's backup file, the sync stores (Dexie and in-memory) applying a
 * pulled row; and events stored before the field existed keep working in all of them.
 */
import '../db/node-blob';
import { describe, expect, test } from 'vitest';
import { exportLedger, importLedger } from '../../../src/app/db/ledger-backup';
import { DexieLocalStore } from '../../../src/app/db/dexie-local-store';
import { MemoryLocalStore } from '../../../src/sync/memory-local-store';
import type { LedgerEvent } from '../../../src/domain/event';
import { freshDb } from '../db/helpers';
import { sampleEvent } from '../../sync/fixtures';
import { SEED_BATCH, seedLedger } from './seed-ledger';

const REF = { ...SEED_BATCH, row: 2, key: 'b'.repeat(64) };
const imported = (over: Partial<LedgerEvent> = {}) => sampleEvent({ importBatch: REF, rev: 7, ...over });

describe("an imported event's batch", () => {
  test('is kept on the event and in its outbox put', async () => {
    const { db } = await seedLedger('reviewed');
    const events = await db.events.toArray();
    expect(new Set(events.map((e) => e.importBatch?.id))).toEqual(new Set([SEED_BATCH.id]));
    expect(events.map((e) => e.importBatch!.row).sort((a, b) => a - b)).toEqual(Array.from({ length: 53 }, (_, i) => i + 2));
    const puts = (await db.outbox.toArray()).filter((m) => m.entity === 'event' && m.op === 'put');
    expect(puts.map((m) => (m.op === 'put' && m.entity === 'event' ? m.fields.importBatch?.file : null))).toEqual(Array(53).fill('seed-2023.csv'));
  });

  test("survives the phone's backup file, export and import", async () => {
    const { db } = await seedLedger('reviewed');
    const file = await exportLedger(db, Date.parse('2024-01-06T00:00:00Z'));
    const target = freshDb();
    const counts = await importLedger(target, file);
    expect([counts.events, counts.outbox]).toEqual([53, 53]);
    const strip = (e: { importBatch?: unknown; id: string }) => [e.id, e.importBatch];
    expect((await target.events.toArray()).map(strip)).toEqual((await db.events.toArray()).map(strip));
  });

  test('arrives with a pulled row in the Dexie and the in-memory sync store; a row without one stays without', async () => {
    const db = freshDb();
    const dexie = new DexieLocalStore(db, { random16: () => new Uint8Array(16).fill(3), timeZone: 'Asia/Shanghai' });
    const memory = new MemoryLocalStore('0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70');
    const legacy = sampleEvent({ id: '018a9b7c-1d2e-7f00-8a00-000000000002', rev: 8 });
    const rows = [
      { entity: 'event' as const, row: imported() },
      { entity: 'event' as const, row: legacy },
    ];
    await dexie.applyPulled(rows, 8, 0);
    await memory.applyPulled(rows, 8, 0);
    const stored = await db.events.toArray();
    expect(stored.map((e) => [e.id, e.importBatch])).toEqual([
      [imported().id, REF],
      [legacy.id, undefined],
    ]);
    expect('importBatch' in stored[1]!).toBe(false);
    expect([...memory.events.values()].map((e) => e.importBatch)).toEqual([REF, undefined]);
  });

  test("goes out with the in-memory store's put of a new event", async () => {
    const memory = new MemoryLocalStore('0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70');
    memory.createEvent(imported({ rev: 0 }));
    memory.createEvent(sampleEvent({ id: '018a9b7c-1d2e-7f00-8a00-000000000002' }));
    const [withBatch, without] = await memory.pendingMutations(10);
    expect(withBatch!.entity === 'event' && withBatch!.op === 'put' && withBatch!.fields.importBatch).toEqual(REF);
    expect(without!.entity === 'event' && without!.op === 'put' && 'importBatch' in without!.fields).toBe(false);
  });
});
