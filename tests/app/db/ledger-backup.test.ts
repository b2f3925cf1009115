import './node-blob';
import { describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { unzipSync, zipSync, strToU8 } from 'fflate';
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
const resizer: PhotoResizer = async (f) => ({
  blob: new Blob([await f.arrayBuffer()], { type: 'image/jpeg' }),
  thumb: new Blob([new Uint8Array([1, 2])], { type: 'image/jpeg' }),
  width: 800,
  height: 600,
});

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
  const photos = await Promise.all(
    (await db.photos.toArray()).map(async (p) => ({
      ...p,
      blob: [...new Uint8Array(await p.blob.arrayBuffer())],
      thumb: [...new Uint8Array(await p.thumb.arrayBuffer())],
    })),
  );
  return {
    events: await db.events.toArray(),
    outbox: await db.outbox.toArray(),
    drafts: await db.drafts.toArray(),
    photos,
    clientId: (await db.meta.get('clientId'))?.value,
    seq: (await db.meta.get('seq'))?.value,
  };
}

const fileOf = (x: unknown) => new Blob([typeof x === 'string' ? x : JSON.stringify(x)], { type: 'application/json' });

/** The JSON backup earlier versions wrote (format version 1, photos as base64): files people already saved. */
async function jsonBackupOf(
  db: LedgerDb,
): Promise<Record<string, unknown> & { events: Record<string, unknown>[]; outbox: Record<string, unknown>[]; photos: Record<string, unknown>[] }> {
  const b64 = async (b: Blob) => Buffer.from(await b.arrayBuffer()).toString('base64');
  return {
    format: 'kepu-ledger-backup',
    version: 1,
    exportedAt: '2023-09-20T00:00:00.000Z',
    clientId: (await db.meta.get('clientId'))?.value ?? null,
    seq: (await db.meta.get('seq'))?.value ?? 0,
    events: (await db.events.toArray()).map(({ year: _y, ym: _m, ...e }) => e),
    outbox: await db.outbox.toArray(),
    drafts: await db.drafts.toArray(),
    photos: await Promise.all((await db.photos.toArray()).map(async ({ blob, thumb, ...p }) => ({ ...p, data: await b64(blob), thumb: await b64(thumb) }))),
  };
}

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

  it('restores exactly the same from a JSON file of an earlier version (photos as base64)', async () => {
    const { db } = await filledLedger();
    const before = await snapshot(db);
    const file = fileOf(await jsonBackupOf(db));
    const name = db.name;
    await db.delete();
    const restored = new LedgerDb(name);
    await restored.meta.put({ key: 'clientId', value: OTHER });
    expect(await importLedger(restored, file)).toEqual({ events: 2, outbox: 4, photos: 2 });
    expect(await snapshot(restored)).toEqual(before);
  });

  it('writes a zip: manifest, the ledger as JSON lines, each photo and thumbnail as a file', async () => {
    const { db } = await filledLedger();
    const file = await exportLedger(db, Date.parse('2023-09-20T00:00:00Z'));
    expect(file.type).toBe('application/zip');
    const zip = await JSZip.loadAsync(await file.arrayBuffer());
    const photos = await db.photos.toArray();
    expect(Object.keys(zip.files).sort()).toEqual(
      [
        'drafts.jsonl',
        'events.jsonl',
        'kepu-ledger.json',
        'outbox.jsonl',
        'photos.jsonl',
        ...photos.flatMap((p) => [`photos/${p.hash}.jpg`, `thumbs/${p.hash}.jpg`]),
      ].sort(),
    );
    expect(JSON.parse(await zip.file('kepu-ledger.json')!.async('string'))).toEqual({
      format: 'kepu-ledger-backup',
      version: 2,
      exportedAt: '2023-09-20T00:00:00.000Z',
      clientId: CLIENT,
      seq: 4,
      counts: { events: 2, outbox: 4, drafts: 1, photos: 2 },
    });
    const lines = (await zip.file('events.jsonl')!.async('string'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; year?: number });
    expect(lines.map((e) => [e.id, e.year])).toEqual([
      [ID1, undefined],
      [ID2, undefined],
    ]);
    expect([...(await zip.file(`photos/${photos[0]!.hash}.jpg`)!.async('uint8array'))]).toEqual([...new Uint8Array(await photos[0]!.blob.arrayBuffer())]);
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

  it('that is neither a zip nor JSON is refused as notJson, nothing written', async () => {
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
    const good = await jsonBackupOf(db);
    good.events[1]!.attendance = -5;
    const err = await refused(freshDb(), fileOf(good));
    expect(err.problems).toEqual([{ field: 'events.1.attendance', code: 'negative' }]);
    expect(err.message).toBe('cannot import ledger file (invalid): events.1.attendance negative');
  });

  it('whose photo bytes do not match their hash is refused, nothing written', async () => {
    const { db } = await filledLedger();
    const good = await jsonBackupOf(db);
    good.photos[0]!.data = 'AAAA';
    const err = await refused(freshDb(), fileOf(good));
    expect(err.problems).toEqual([{ field: 'photos.0.data', code: 'hashMismatch' }]);
  });

  it('with a malformed outbox row is refused naming the row', async () => {
    const { db } = await filledLedger();
    const good = await jsonBackupOf(db);
    good.outbox[2]!.op = 'explode';
    const err = await refused(freshDb(), fileOf(good));
    expect(err.problems.map((p) => p.field)).toEqual(['outbox.2.op']);
  });
});

describe('a bad zip backup', () => {
  async function tampered(edit: (files: Record<string, Uint8Array>) => void): Promise<Blob> {
    const { db } = await filledLedger();
    const files = unzipSync(new Uint8Array(await (await exportLedger(db)).arrayBuffer()));
    edit(files);
    return new Blob([zipSync(files)]);
  }
  async function refused(file: Blob): Promise<ImportError> {
    const db = freshDb();
    const err = await importLedger(db, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect([await db.events.count(), await db.outbox.count(), await db.photos.count(), await db.meta.count()]).toEqual([0, 0, 0, 0]);
    return err as ImportError;
  }

  it('with a photo whose bytes do not match its hash is refused, nothing written', async () => {
    const file = await tampered((files) => {
      const name = Object.keys(files).find((n) => n.startsWith('photos/'))!;
      files[name] = new Uint8Array([0xff, 0xd8, 0xff, 0]);
    });
    expect((await refused(file)).problems).toEqual([{ field: 'photos.0.data', code: 'hashMismatch' }]);
  });

  it('with a bad event line is refused naming it, nothing written', async () => {
    const file = await tampered((files) => {
      const lines = new TextDecoder()
        .decode(files['events.jsonl'])
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      lines[1]!.attendance = -5;
      files['events.jsonl'] = strToU8(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    });
    expect((await refused(file)).problems).toEqual([{ field: 'events.1.attendance', code: 'negative' }]);
  });

  it('without its manifest, or cut short, is refused', async () => {
    expect(
      (
        await refused(
          await tampered((files) => {
            delete files['kepu-ledger.json'];
          }),
        )
      ).problems,
    ).toEqual([{ field: 'kepu-ledger.json', code: 'required' }]);
    const { db } = await filledLedger();
    const whole = await exportLedger(db);
    expect((await refused(whole.slice(0, Math.floor(whole.size / 2)))).code).toMatch(/^(notZip|invalid)$/);
  });
});

describe('a backup of 500 photos', () => {
  it('streams out and back in holding one photo and one part of the zip at a time, every photo intact', async () => {
    const db = freshDb();
    const { deps } = testDeps();
    await db.meta.put({ key: 'clientId', value: CLIENT });
    await createEventRepository(db, deps).createEvent(ID1, sampleContent(), 'submitted');
    const PHOTO = 24 * 1024;
    const THUMB = 2400;
    const photos = [];
    for (let i = 0; i < 500; i++) {
      // Incompressible bytes, as a JPEG's are; a thumbnail a tenth of the size.
      const bytes = new Uint8Array(PHOTO);
      for (let j = 0; j < PHOTO; j += 4) new DataView(bytes.buffer).setUint32(j, Math.imul(i + 1, 2654435761) ^ Math.imul(j + 7, 40503), true);
      const hash = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
      photos.push({
        hash,
        blob: new Blob([bytes], { type: 'image/jpeg' }),
        thumb: new Blob([bytes.subarray(0, THUMB)], { type: 'image/jpeg' }),
        width: 1600,
        height: 1200,
        type: 'image/jpeg',
        uploaded: (i % 2) as 0 | 1,
        createdAt: '2023-09-16T02:00:00.000Z',
      });
    }
    await db.photos.bulkAdd(photos);

    const PART = 512 * 1024;
    const out = { peakHeldBytes: 0 };
    const file = await exportLedger(db, Date.parse('2023-09-20T00:00:00Z'), { partBytes: PART, stats: out });
    const photoBytes = 500 * (PHOTO + THUMB);
    expect(file.size).toBeGreaterThan(photoBytes);
    // Held at once: less than one part of the zip plus two photos' worth, against 13 MB of photos.
    expect(out.peakHeldBytes).toBeGreaterThan(PHOTO);
    expect(out.peakHeldBytes).toBeLessThan(PART + 2 * PHOTO + 4096);

    const target = freshDb();
    const back = { peakHeldBytes: 0 };
    expect(await importLedger(target, file, 'Asia/Shanghai', back)).toEqual({ events: 1, outbox: 1, photos: 500 });
    expect(back.peakHeldBytes).toBeGreaterThan(PHOTO);
    expect(back.peakHeldBytes).toBeLessThan(1024 * 1024);
    const kept = await target.photos.toArray();
    expect(kept.map((p) => [p.hash, p.uploaded]).sort()).toEqual(photos.map((p) => [p.hash, p.uploaded]).sort());
    for (const p of kept) expect(Buffer.from(await crypto.subtle.digest('SHA-256', await p.blob.arrayBuffer())).toString('hex')).toBe(p.hash);
    expect((await kept[7]!.thumb.arrayBuffer()).byteLength).toBe(THUMB);
    console.info(
      `500 photos: zip ${(file.size / 1e6).toFixed(1)} MB; held at most ${(out.peakHeldBytes / 1024).toFixed(0)} KB writing, ${(back.peakHeldBytes / 1024).toFixed(0)} KB reading`,
    );
  });
});
