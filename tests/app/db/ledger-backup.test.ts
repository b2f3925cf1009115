import './node-blob';
import { describe, expect, it } from 'vitest';
import { exportLedger, importLedger } from '../../../src/app/db/ledger-backup';
import { ImportError } from '../../../src/app/db/errors';
import { saveDraft } from '../../../src/app/db/draft-repository';
import { addPhoto } from '../../../src/app/db/photo-repository';
import { createEventRepository } from '../../../src/app/db/event-repository';
import { LedgerDb } from '../../../src/app/db/ledger-db';
import type { PhotoResizer } from '../../../src/app/photos/resize';
import { ID1, ID2, freshDb, sampleContent, testDeps } from './helpers';


const CLIENT = '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70';
const OTHER = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const resizer: PhotoResizer = async (f) => ({ blob: new Blob([await f.arrayBuffer()], { type: 'image/jpeg' }), thumb: new Blob([new Uint8Array([1, 2])], { type: 'image/jpeg' }), width: 800, height: 600 });

/** A ledger with two events (one edited, one deleted), a draft and two photos (one uploaded). */
async function filledLedger() {
  const db = freshDb();
  const { deps, clock } = testDeps();
  const repo = createEventRepository(db, deps);
  await db.meta.put({ key: 'clientId', value: CLIENT });
  await repo.createEvent(ID1, sampleContent(), 'submitted');
  await repo.createEvent(ID2, sampleContent({ title: '第二场' }), 'draft');
  clock.ms += 60_000;
  await repo.updateEvent(ID1, { attendance: 300 });
  await repo.deleteEvent(ID2);
  await saveDraft(db, 'new', sampleContent({ title: '没写完' }), clock.ms);
  const p1 = await addPhoto(db, new Blob([new Uint8Array([9, 8, 7, 6])]), clock.ms, resizer);
  await addPhoto(db, new Blob([new Uint8Array([1, 1, 2, 3, 5])]), clock.ms, resizer);
  await db.photos.update(p1.hash, { uploaded: 1 });
  return { db, repo, clock };
}

async function snapshot(db: LedgerDb) {
  const photos = await Promise.all((await db.photos.toArray()).map(async (p) => ({
    ...p, blob: [...new Uint8Array(await p.blob.arrayBuffer())], thumb: [...new Uint8Array(await p.thumb.arrayBuffer())],
  })));
  return {
    events: await db.events.toArray(), outbox: await db.outbox.toArray(), drafts: await db.drafts.toArray(), photos,
    clientId: (await db.meta.get('clientId'))?.value, seq: (await db.meta.get('seq'))?.value,
  };
}

const fileOf = (x: unknown) => new Blob([typeof x === 'string' ? x : JSON.stringify(x)], { type: 'application/json' });

describe('export and import', () => {
  it('restores events, outbox, drafts, photos, device id and seq exactly after the ledger is wiped', async () => {
    const { db } = await filledLedger();
    const before = await snapshot(db);
    expect([before.events.length, before.outbox.length, before.photos.length, before.seq]).toEqual([2, 4, 2, 4]);
    const file = await exportLedger(db, Date.parse('2023-09-20T00:00:00Z'));
    const name = db.name;
    await db.delete();
    const restored = new LedgerDb(name);
    await restored.meta.put({ key: 'clientId', value: OTHER }); // the app made a new id on start
    expect(await importLedger(restored, file)).toEqual({ events: 2, outbox: 4, photos: 2 });
    expect(await snapshot(restored)).toEqual(before);
  });

  it('imports the same file twice without duplicating anything', async () => {
    const { db } = await filledLedger();
    const file = await exportLedger(db);
    const target = freshDb();
    await importLedger(target, file);
    expect(await importLedger(target, file)).toEqual({ events: 0, outbox: 0, photos: 0 });
    expect([await target.events.count(), await target.outbox.count(), await target.photos.count()]).toEqual([2, 4, 2]);
  });

  it('keeps a local event edited later than the file and takes one the file has newer', async () => {
    const { db, repo, clock } = await filledLedger();
    const file = await exportLedger(db);
    clock.ms += 60_000;
    await repo.updateEvent(ID1, { attendance: 400 });
    await db.events.update(ID2, { updatedAt: '2023-09-16T09:00:00+08:00', deleted: false });
    const counts = await importLedger(db, file);
    expect(counts).toEqual({ events: 1, outbox: 0, photos: 0 });
    expect((await db.events.get(ID1))?.attendance).toBe(400);
    expect((await db.events.get(ID2))?.deleted).toBe(true);
    expect((await db.meta.get('seq'))?.value).toBe(5);
  });

  it("queues another device's pending rows again under this device's id with new seqs", async () => {
    const { db } = await filledLedger();
    const file = await exportLedger(db);
    const mine = freshDb();
    const { deps } = testDeps({ clientId: async () => OTHER });
    await mine.meta.put({ key: 'clientId', value: OTHER });
    await createEventRepository(mine, deps).createEvent('018a9b7c-1d2e-7f00-8a00-0000000000ff', sampleContent(), 'draft');
    expect(await importLedger(mine, file)).toEqual({ events: 2, outbox: 4, photos: 2 });
    expect((await mine.outbox.toArray()).map((m) => [m.seq, m.clientId])).toEqual([1, 2, 3, 4, 5].map((s) => [s, OTHER]));
    expect((await mine.meta.get('clientId'))?.value).toBe(OTHER);
    expect((await mine.meta.get('seq'))?.value).toBe(5);
    expect(await importLedger(mine, file)).toEqual({ events: 0, outbox: 0, photos: 0 });
    expect(await mine.outbox.count()).toBe(5);
  });
});

describe('a bad import file', () => {
  async function refused(db: LedgerDb, file: Blob): Promise<ImportError> {
    const err = await importLedger(db, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect([await db.events.count(), await db.outbox.count(), await db.photos.count(), await db.meta.count()]).toEqual([0, 0, 0, 0]);
    return err as ImportError;
  }

  it('that is not JSON is refused as notJson, nothing written', async () => {
    const err = await refused(freshDb(), fileOf('{"format": "kepu-ledger-backup", '));
    expect(err.code).toBe('notJson');
    expect(err.message).toBe('cannot import ledger file (notJson)');
  });

  it('that is some other JSON is refused naming the format field', async () => {
    const err = await refused(freshDb(), fileOf({ hello: 'world' }));
    expect(err.problems[0]).toEqual({ field: 'format', code: 'notBackup' });
  });

  it('with one bad event among good ones is refused naming that event and field, nothing written', async () => {
    const { db } = await filledLedger();
    const good = JSON.parse(await (await exportLedger(db)).text()) as { events: Record<string, unknown>[] };
    good.events[1]!.attendance = -5;
    const err = await refused(freshDb(), fileOf(good));
    expect(err.problems).toEqual([{ field: 'events.1.attendance', code: 'negative' }]);
    expect(err.message).toBe('cannot import ledger file (invalid): events.1.attendance negative');
  });

  it('whose photo bytes do not match their hash is refused, nothing written', async () => {
    const { db } = await filledLedger();
    const good = JSON.parse(await (await exportLedger(db)).text()) as { photos: { data: string }[] };
    good.photos[0]!.data = 'AAAA';
    const err = await refused(freshDb(), fileOf(good));
    expect(err.problems).toEqual([{ field: 'photos.0.data', code: 'hashMismatch' }]);
  });

  it('with a malformed outbox row is refused naming the row', async () => {
    const { db } = await filledLedger();
    const good = JSON.parse(await (await exportLedger(db)).text()) as { outbox: Record<string, unknown>[] };
    good.outbox[2]!.op = 'explode';
    const err = await refused(freshDb(), fileOf(good));
    expect(err.problems.map((p) => p.field)).toEqual(['outbox.2.op']);
  });
});
