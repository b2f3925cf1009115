/**
 * The upgrade path: data written by each earlier schema version must read back through the
 * current LedgerDb. New versions appended to LEDGER_DB_VERSIONS are covered automatically; a
 * version whose upgrade rewrites rows adds its expected rewrite to `expectedAfterUpgrade`.
 */
import './node-blob';
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { LEDGER_DB_VERSIONS, LedgerDb, type DraftRow, type EventRow, type OutboxRow } from '../../../src/app/db/ledger-db';
import { isFreeEventId, listDrafts } from '../../../src/app/db/draft-repository';
import { ID1, freshDb, sampleContent } from './helpers';

const VERSIONS = Object.keys(LEDGER_DB_VERSIONS)
  .map(Number)
  .sort((a, b) => a - b);
const CURRENT = VERSIONS.at(-1)!;

/** A Dexie opened with the schema as it was at `version` (every version up to it declared). */
function openAtVersion(name: string, version: number): Dexie {
  const db = new Dexie(name);
  for (const v of VERSIONS.filter((x) => x <= version)) db.version(v).stores(LEDGER_DB_VERSIONS[v]!);
  return db;
}

/** The id the new-event form had taken for its single draft (versions 1 and 2 kept it in meta). */
const NEW_DRAFT_ID = '018a9b7c-1d2e-7f00-8a00-0000000000dd';

/** Rows as `version` wrote them: version 3 keys a new event's draft by its id, in the draft box. */
function fixtures(version: number) {
  const event: EventRow = {
    ...sampleContent(),
    status: 'submitted',
    reviewNote: null,
    reviewedBy: null,
    reviewedAt: null,
    id: ID1,
    orgId: 'org-huidong',
    createdBy: 'u-1',
    createdAt: '2023-09-16T10:00:00+08:00',
    updatedBy: 'u-1',
    updatedAt: '2023-09-16T10:00:00+08:00',
    deleted: false,
    rev: 0,
    year: 2023,
    ym: '2023-09',
  };
  const outbox: OutboxRow = {
    clientId: '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f70',
    seq: 1,
    entity: 'event',
    op: 'delete',
    eventId: ID1,
    at: '2023-09-16T10:05:00+08:00',
    state: 'pending',
    rejection: null,
  };
  return {
    events: [event],
    outbox: [outbox],
    drafts:
      version < 3
        ? [{ key: 'new', content: sampleContent({ title: '草稿' }), savedAt: '2023-09-16T02:00:00.000Z' } as DraftRow]
        : [{ key: NEW_DRAFT_ID, mode: 'new' as const, content: sampleContent({ title: '草稿' }), savedAt: '2023-09-16T02:00:00.000Z' }],
    meta: [{ key: 'seq', value: 1 }, { key: 'clientId', value: outbox.clientId }, ...(version < 3 ? [{ key: 'draft-event-id:new', value: NEW_DRAFT_ID }] : [])],
    photos: [
      {
        hash: 'a'.repeat(64),
        blob: new Blob([new Uint8Array([255, 216, 255])], { type: 'image/jpeg' }),
        thumb: new Blob([new Uint8Array([255, 216])], { type: 'image/jpeg' }),
        width: 1600,
        height: 1200,
        type: 'image/jpeg',
        uploaded: 0 as const,
        createdAt: '2023-09-16T02:00:00.000Z',
      },
    ],
    targets: [
      {
        id: '018a9b7c-1d2e-7f00-8a00-0000000000aa',
        year: 2023,
        kind: 'count',
        measure: 'events',
        axis: 'all',
        axisCode: null,
        min: 180,
        orgId: 'org-huidong',
        createdBy: 'u-1',
        updatedBy: 'u-1',
        deleted: false,
        rev: 3,
      },
    ],
  };
}

/** What the current version should read back from data written at `version`. */
function expectedAfterUpgrade(version: number, written: ReturnType<typeof fixtures>) {
  // Version 3 moves the single new-event draft into the box under its event's id.
  return version < 3 ? { ...written, drafts: fixtures(3).drafts, meta: fixtures(3).meta } : written;
}

describe('LedgerDb upgrade path', () => {
  it('declares versions 1..N without gaps', () => {
    expect(VERSIONS).toEqual(Array.from({ length: CURRENT }, (_, i) => i + 1));
  });

  for (const version of VERSIONS) {
    it(`reads back data written at schema version ${version} through the current LedgerDb (v${CURRENT})`, async () => {
      const name = freshDb().name;
      const old = openAtVersion(name, version);
      const written = fixtures(version);
      await old.transaction('rw', ['events', 'outbox', 'drafts', 'meta', 'photos', 'targets'], async () => {
        await old.table('photos').bulkAdd(written.photos);
        await old.table('targets').bulkAdd(written.targets);
        await old.table('events').bulkAdd(written.events);
        await old.table('outbox').bulkAdd(written.outbox);
        await old.table('drafts').bulkAdd(written.drafts);
        await old.table('meta').bulkAdd(written.meta);
      });
      expect(old.verno).toBe(version);
      old.close();

      const db = new LedgerDb(name);
      await db.open();
      expect(db.verno).toBe(CURRENT);
      const want = expectedAfterUpgrade(version, written);
      expect(await db.events.toArray()).toEqual(want.events);
      expect(await db.outbox.toArray()).toEqual(want.outbox);
      expect(await db.drafts.toArray()).toEqual(want.drafts);
      expect(await db.meta.orderBy('key').toArray()).toEqual([...want.meta].sort((a, b) => a.key.localeCompare(b.key)));
      expect(await db.targets.toArray()).toEqual(want.targets);
      const photos = await db.photos.toArray();
      expect(photos.map(({ blob: _b, thumb: _t, ...p }) => p)).toEqual(want.photos.map(({ blob: _b, thumb: _t, ...p }) => p));
      expect([...new Uint8Array(await photos[0]!.blob.arrayBuffer())]).toEqual([255, 216, 255]);
      expect(await db.photos.where('uploaded').equals(0).count()).toBe(1);
      expect(await db.events.where('[townshipCode+year]').equals(['441323001000', 2023]).primaryKeys()).toEqual([ID1]);
      expect(await db.outbox.where('eventId').equals(ID1).count()).toBe(1);
      db.close();
    });
  }
});

describe('LedgerDb version 3: the single draft joins the draft box', () => {
  /** Writes `drafts` and `meta` (and `events`) at schema version 2, then opens the current LedgerDb. */
  async function upgradeFrom2(rows: { drafts: DraftRow[]; meta?: { key: string; value: unknown }[]; events?: EventRow[] }): Promise<LedgerDb> {
    const name = freshDb().name;
    const old = openAtVersion(name, 2);
    await old.transaction('rw', ['drafts', 'meta', 'events'], async () => {
      await old.table('drafts').bulkAdd(rows.drafts);
      await old.table('meta').bulkAdd(rows.meta ?? []);
      await old.table('events').bulkAdd(rows.events ?? []);
    });
    old.close();
    const db = new LedgerDb(name);
    await db.open();
    return db;
  }
  const typed = sampleContent({ title: '写了一半的大篷车', attendance: 120 });

  it("shows an old database's one draft in the box, under the id its form had taken", async () => {
    const db = await upgradeFrom2({
      drafts: [{ key: 'new', content: typed, savedAt: '2023-09-16T02:00:00.000Z' }],
      meta: [{ key: 'draft-event-id:new', value: NEW_DRAFT_ID }],
    });
    expect(await listDrafts(db)).toEqual([{ key: NEW_DRAFT_ID, mode: 'new', content: typed, savedAt: '2023-09-16T02:00:00.000Z' }]);
    expect(await db.meta.get('draft-event-id:new')).toBeUndefined();
    expect(await isFreeEventId(db, NEW_DRAFT_ID)).toBe(true);
    db.close();
  });

  it('gives the draft a fresh id when its id was lost or already saved as an event, keeping every word', async () => {
    for (const meta of [[], [{ key: 'draft-event-id:new', value: ID1 }]]) {
      const saved = { ...fixtures(2).events[0]!, id: ID1 };
      const db = await upgradeFrom2({ drafts: [{ key: 'new', content: typed, savedAt: '2023-09-16T02:00:00.000Z' }], meta, events: [saved] });
      const box = await listDrafts(db);
      expect(box.map((d) => [d.mode, d.content, d.savedAt])).toEqual([['new', typed, '2023-09-16T02:00:00.000Z']]);
      expect(box[0]!.key).not.toBe(ID1);
      expect(await isFreeEventId(db, box[0]!.key)).toBe(true);
      db.close();
    }
  });

  it("marks the draft of an edit as one, under its event's id", async () => {
    const db = await upgradeFrom2({ drafts: [{ key: ID1, content: typed, savedAt: '2023-09-16T02:00:00.000Z' }] });
    expect(await listDrafts(db)).toEqual([{ key: ID1, mode: 'edit', content: typed, savedAt: '2023-09-16T02:00:00.000Z' }]);
    db.close();
  });
});

describe('LedgerDb version 4: competition awards (issue 14 §4)', () => {
  /** Writes `meta` and `outbox` at schema version 3, then opens the current LedgerDb. */
  async function upgradeFrom3(meta: { key: string; value: unknown }[], outbox: OutboxRow[] = []): Promise<LedgerDb> {
    const name = freshDb().name;
    const old = openAtVersion(name, 3);
    await old.transaction('rw', ['meta', 'outbox'], async () => {
      await old.table('meta').bulkAdd(meta);
      await old.table('outbox').bulkAdd(outbox);
    });
    old.close();
    const db = new LedgerDb(name);
    await db.open();
    return db;
  }

  it('a staff phone (or one from before scopes) pulls once more from 0, so it misses no award its earlier build was not sent', async () => {
    for (const scope of [[{ key: 'pullScope', value: 'all' }], []]) {
      const db = await upgradeFrom3([{ key: 'pullCursor', value: 57 }, { key: 'ledgerEpoch', value: 'e'.repeat(32) }, ...scope]);
      expect((await db.meta.get('pullCursor'))?.value).toBe(0);
      // The epoch stays: the rows and the cursor still belong to the same ledger.
      expect((await db.meta.get('ledgerEpoch'))?.value).toBe('e'.repeat(32));
      expect(await db.awards.count()).toBe(0);
      db.close();
    }
  });

  it('a volunteer’s phone keeps its cursor (it receives no awards); a fresh phone gets none set', async () => {
    const vol = await upgradeFrom3([
      { key: 'pullCursor', value: 57 },
      { key: 'pullScope', value: 'own:u-1' },
    ]);
    expect((await vol.meta.get('pullCursor'))?.value).toBe(57);
    vol.close();
    const fresh = await upgradeFrom3([]);
    expect(await fresh.meta.get('pullCursor')).toBeUndefined();
    fresh.close();
  });

  it('stores awards by year and finds an award’s outbox rows by its id, beside the old rows', async () => {
    const old: OutboxRow = {
      clientId: 'c',
      seq: 1,
      entity: 'event',
      op: 'delete',
      eventId: ID1,
      at: '2023-09-16T10:05:00+08:00',
      state: 'pending',
      rejection: null,
    };
    const db = await upgradeFrom3([{ key: 'seq', value: 1 }], [old]);
    const awardId = '018a9b7c-1d2e-7f00-8a00-0000000000a1';
    await db.outbox.add({ clientId: 'c', seq: 2, entity: 'award', op: 'delete', awardId, at: '2023-09-16T10:06:00+08:00', state: 'pending', rejection: null });
    expect(await db.outbox.where('awardId').equals(awardId).primaryKeys()).toEqual([2]);
    expect(await db.outbox.where('eventId').equals(ID1).primaryKeys()).toEqual([1]);
    await db.awards.add({
      id: awardId,
      orgId: 'org-huidong',
      year: 2023,
      month: 2,
      competition: '第21届惠州市青少年科技创新大赛',
      level: 'city',
      category: 'studentProject',
      prize: 'first',
      count: 8,
      recipients: '',
      photos: [],
      note: '',
      createdBy: 'u-1',
      createdAt: '2023-03-01T00:00:00+08:00',
      updatedBy: 'u-1',
      updatedAt: '2023-03-01T00:00:00+08:00',
      deleted: false,
      rev: 0,
    });
    expect(await db.awards.where('year').equals(2023).primaryKeys()).toEqual([awardId]);
    db.close();
  });
});
