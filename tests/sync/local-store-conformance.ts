/**
 * ONE conformance suite for every LocalStore (src/sync/local-store.ts states the contract):
 * run by tests/sync/memory-local-store.test.ts and tests/app/db/dexie-local-store.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventPatch, LedgerEvent } from '../../src/domain/event';
import type { Target } from '../../src/domain/targets';
import type { Award, AwardFields, AwardPatch } from '../../src/domain/awards';
import type { LocalStore } from '../../src/sync/local-store';
import type { OutboxMutation } from '../../src/sync/protocol';
import { EVENT_1, EVENT_2, EVENT_3, sampleEvent } from './fixtures';

/** What the suite needs besides the store: local edits made the way the app makes them. */
export interface LocalStoreHarness {
  store: LocalStore;
  /** Creates an event locally (event + 'put' of all fields in the outbox). */
  create(id: string, overrides?: Partial<LedgerEvent>): Promise<void>;
  update(id: string, patch: EventPatch): Promise<void>;
  remove(id: string): Promise<void>;
  /** The stored event, without any storage-only keys. */
  event(id: string): Promise<LedgerEvent | undefined>;
  target(id: string): Promise<Target | undefined>;
  /** Creates, edits and deletes an award locally (row + outbox mutation), as staff do. */
  createAward(id: string, fields: AwardFields): Promise<void>;
  updateAward(id: string, patch: AwardPatch): Promise<void>;
  removeAward(id: string): Promise<void>;
  /** The stored award, without the signature. */
  award(id: string): Promise<Award | undefined>;
  addPhoto(hash: string, bytes: Uint8Array<ArrayBuffer>, type: string): Promise<void>;
}

const HASH_A = 'a'.repeat(64);

/** A target every scope holds. */
const TARGET_ROW: Target = {
  id: '018a9b7c-1d2e-7f00-8a00-0000000000f1',
  orgId: 'org-1',
  year: 2023,
  kind: 'count',
  measure: 'events',
  axis: 'all',
  axisCode: null,
  min: 12,
  level1: '产出指标',
  level2: '数量指标',
  level3: '科普活动场次',
  unit: '场次',
  createdBy: 'u-staff',
  createdAt: '2023-01-01T00:00:00+08:00',
  updatedBy: 'u-staff',
  updatedAt: '2023-01-01T00:00:00+08:00',
  deleted: false,
  rev: 4,
};
const HASH_B = 'b'.repeat(64);

const AWARD_1 = '018a9b7c-1d2e-7f00-8a00-0000000000a1';
const AWARD_2 = '018a9b7c-1d2e-7f00-8a00-0000000000a2';
const AWARD_FIELDS: AwardFields = {
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
};
/** An award as the server hands it out. */
const awardRow = (over: Partial<Award> = {}): Award => ({
  ...AWARD_FIELDS,
  id: AWARD_1,
  orgId: 'org-1',
  createdBy: 'u-staff',
  createdAt: '2023-03-01T00:00:00+08:00',
  updatedBy: 'u-staff',
  updatedAt: '2023-03-01T00:00:00+08:00',
  deleted: false,
  rev: 5,
  ...over,
});

const bookkeeping = (e: LedgerEvent | undefined) => e && { updatedAt: e.updatedAt, updatedBy: e.updatedBy };
const seqs = (ms: OutboxMutation[]) => ms.map((m) => m.seq);

export function describeLocalStoreConformance(name: string, make: () => Promise<LocalStoreHarness>): void {
  describe(`LocalStore conformance: ${name}`, () => {
    let h: LocalStoreHarness;
    beforeEach(async () => {
      h = await make();
    });

    it('keeps one client id for the life of the store', async () => {
      const a = await h.store.clientId();
      expect(a).toMatch(/^[0-9a-f-]{36}$/);
      expect(await h.store.clientId()).toBe(a);
    });

    it('lists pending mutations in rising seq order, at most limit, each carrying the client id', async () => {
      await h.create(EVENT_1);
      await h.update(EVENT_1, { title: '改过的标题' });
      await h.create(EVENT_2);
      const all = await h.store.pendingMutations(10);
      expect(all.map((m) => [m.seq, m.op, m.entity === 'event' ? m.eventId : ''])).toEqual([
        [1, 'put', EVENT_1],
        [2, 'put', EVENT_1],
        [3, 'put', EVENT_2],
      ]);
      expect(all[1]).toMatchObject({ entity: 'event', op: 'put', fields: { title: '改过的标题' }, clientId: await h.store.clientId() });
      expect(all[1]).not.toHaveProperty('state');
      expect(seqs(await h.store.pendingMutations(2))).toEqual([1, 2]);
      expect(await h.store.pendingCount()).toBe(3);
    });

    it('drops applied and skipped mutations, quarantines rejected ones and leaves the unanswered pending', async () => {
      await h.create(EVENT_1);
      await h.create(EVENT_2);
      await h.create(EVENT_3);
      await h.update(EVENT_3, { attendance: 7 });
      await h.store.applyPushResults([
        { seq: 1, status: 'applied', rev: 10 },
        { seq: 2, status: 'skipped' },
        { seq: 3, status: 'rejected', reason: 'invalid', problems: [{ field: 'title', code: 'tooLong' }] },
        { seq: 99, status: 'applied', rev: 11 },
      ]);
      expect(seqs(await h.store.pendingMutations(10))).toEqual([4]);
      expect(await h.store.pendingCount()).toBe(1);
      const q = await h.store.quarantined();
      expect(q.map((m) => [m.seq, m.rejection])).toEqual([
        [3, { seq: 3, status: 'rejected', reason: 'invalid', problems: [{ field: 'title', code: 'tooLong' }] }],
      ]);
      // The local copies stay as the user left them.
      expect((await h.event(EVENT_3))?.attendance).toBe(7);
    });

    it('settles a long answer: applied and skipped dropped, rejected quarantined, a quarantined row inside the run kept as it was', async () => {
      const ids = Array.from({ length: 80 }, (_, i) => `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`);
      for (const id of ids) await h.create(id);
      await h.store.applyPushResults([{ seq: 5, status: 'rejected', reason: 'notYourEvent' }]);
      const answer = ids
        .slice(0, 79)
        .map((_, i) => i + 1)
        .filter((seq) => seq !== 5)
        .map((seq) =>
          seq === 40
            ? { seq, status: 'rejected' as const, reason: 'invalid' }
            : seq === 41
              ? { seq, status: 'skipped' as const }
              : { seq, status: 'applied' as const, rev: 100 + seq },
        );
      await h.store.applyPushResults(answer);
      expect(seqs(await h.store.pendingMutations(100))).toEqual([80]);
      expect((await h.store.quarantined()).map((m) => [m.seq, m.rejection.reason])).toEqual([
        [5, 'notYourEvent'],
        [40, 'invalid'],
      ]);
      expect(await h.store.pullCursor()).toBe(0);
    });

    it('merges a long pulled page with the few events the phone holds and writes the rest verbatim', async () => {
      const ids = Array.from({ length: 100 }, (_, i) => `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: ids[10]!, rev: 1, title: '旧标题' }) }], 1, 0);
      await h.update(ids[10]!, { title: '新标题' });
      const mine = bookkeeping(await h.event(ids[10]!));
      const page = ids.map((id, i) => ({ entity: 'event' as const, row: sampleEvent({ id, rev: 2 + i, attendance: i }) }));
      await h.store.applyPulled(page, 101, 1);
      expect(await h.event(ids[10]!)).toEqual(sampleEvent({ id: ids[10]!, rev: 12, attendance: 10, title: '新标题', ...mine }));
      expect(await h.event(ids[11]!)).toEqual(page[11]!.row);
      expect(await h.event(ids[99]!)).toEqual(page[99]!.row);
      expect(await h.store.pullCursor()).toBe(101);
    });

    it('ignores a duplicated answer for a mutation already settled', async () => {
      await h.create(EVENT_1);
      await h.store.applyPushResults([{ seq: 1, status: 'rejected', reason: 'notYourEvent' }]);
      await h.store.applyPushResults([{ seq: 1, status: 'skipped' }]);
      expect(seqs(await h.store.quarantined())).toEqual([1]);
      expect(await h.store.pendingCount()).toBe(0);
    });

    it('writes pulled rows verbatim, tombstones included, and advances the cursor', async () => {
      expect(await h.store.pullCursor()).toBe(0);
      const e1 = sampleEvent({ id: EVENT_1, rev: 4, title: '服务器上的活动' });
      const e2 = sampleEvent({ id: EVENT_2, rev: 5, deleted: true });
      await h.store.applyPulled(
        [
          { entity: 'event', row: e1 },
          { entity: 'event', row: e2 },
        ],
        5,
        0,
      );
      expect(await h.event(EVENT_1)).toEqual(e1);
      expect(await h.event(EVENT_2)).toEqual(e2);
      expect(await h.store.pullCursor()).toBe(5);
    });

    it('writes pulled targets', async () => {
      const t: Target = {
        id: EVENT_3,
        orgId: 'org-1',
        year: 2023,
        kind: 'count',
        measure: 'events',
        axis: 'all',
        axisCode: null,
        min: 12,
        level1: '产出指标',
        level2: '数量指标',
        level3: '科普活动场次',
        unit: '场次',
        createdBy: 'u-staff',
        createdAt: '2023-01-01T00:00:00+08:00',
        updatedBy: 'u-staff',
        updatedAt: '2023-01-01T00:00:00+08:00',
        deleted: false,
        rev: 2,
      };
      await h.store.applyPulled([{ entity: 'target', row: t }], 2, 0);
      expect(await h.target(EVENT_3)).toEqual(t);
    });

    it('keeps a local edit when a pull brings an older version of the same event', async () => {
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 3, title: '旧标题', attendance: 100 }) }], 3, 0);
      await h.update(EVENT_1, { title: '新标题' });
      const mine = bookkeeping(await h.event(EVENT_1));
      // Someone else changed attendance meanwhile; the server does not know our title yet.
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 8, title: '旧标题', attendance: 300, updatedBy: 'u-staff' }) }], 8, 3);
      expect(await h.event(EVENT_1)).toEqual(sampleEvent({ id: EVENT_1, rev: 8, title: '新标题', attendance: 300, ...mine }));
    });

    it('keeps a quarantined edit on screen over a pulled row until the user decides', async () => {
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 3 }) }], 3, 0);
      await h.update(EVENT_1, { venueName: '我写的场所' });
      const [m] = await h.store.pendingMutations(1);
      await h.store.applyPushResults([{ seq: m!.seq, status: 'rejected', reason: 'notYourEvent' }]);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 9, notes: '员工补充' }) }], 9, 3);
      expect(await h.event(EVENT_1)).toMatchObject({ venueName: '我写的场所', notes: '员工补充', rev: 9 });
    });

    it('keeps the lower cursor when a rewind happened while a pull page was in flight', async () => {
      await h.store.applyPulled([], 20, 0);
      await h.create(EVENT_1);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 15 }) }], 20, 20);
      await h.store.applyPushResults([{ seq: 1, status: 'skipped' }]);
      expect(await h.store.pullCursor()).toBe(14);
      await h.store.applyPulled([], 30, 20);
      expect(await h.store.pullCursor()).toBe(14);
    });

    it('rewinds the cursor so the next pull re-delivers a record whose push answer was lost and then skipped', async () => {
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 6, title: 'A' }) }], 6, 0);
      await h.update(EVENT_1, { title: 'B' });
      // The push was applied (rev 7), its answer lost; another device then set title C (rev 8).
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 8, title: 'C' }) }], 8, 6);
      expect((await h.event(EVENT_1))?.title).toBe('B');
      await h.store.applyPushResults([{ seq: 1, status: 'skipped' }]);
      expect(await h.store.pullCursor()).toBe(7);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 8, title: 'C' }) }], 8, 7);
      expect(await h.event(EVENT_1)).toEqual(sampleEvent({ id: EVENT_1, rev: 8, title: 'C' }));
    });

    it('does not move the cursor after a normal push applied above the local rev', async () => {
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 6 }) }], 6, 0);
      await h.update(EVENT_1, { title: 'B' });
      await h.store.applyPushResults([{ seq: 1, status: 'applied', rev: 7 }]);
      expect(await h.store.pullCursor()).toBe(6);
      expect(await h.store.pendingCount()).toBe(0);
    });

    it('retries a quarantined mutation as pending under a new, higher seq', async () => {
      await h.create(EVENT_1);
      await h.create(EVENT_2);
      await h.store.applyPushResults([{ seq: 1, status: 'rejected', reason: 'invalid' }]);
      await h.store.retryQuarantined(1);
      const pending = await h.store.pendingMutations(10);
      expect(pending.map((m) => [m.seq, m.entity === 'event' ? m.eventId : ''])).toEqual([
        [2, EVENT_2],
        [3, EVENT_1],
      ]);
      expect(await h.store.quarantined()).toEqual([]);
      // The next local edit takes the seq after it.
      await h.update(EVENT_2, { attendance: 1 });
      expect(seqs(await h.store.pendingMutations(10))).toEqual([2, 3, 4]);
    });

    it('discards a quarantined edit and rewinds so the next pull restores the server version', async () => {
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 12, title: '服务器版' }) }], 30, 0);
      await h.update(EVENT_1, { title: '被拒绝的改动' });
      await h.store.applyPushResults([{ seq: 1, status: 'rejected', reason: 'notYourEvent' }]);
      await h.store.discardQuarantined(1);
      expect(await h.store.quarantined()).toEqual([]);
      expect(await h.store.pullCursor()).toBe(11);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 12, title: '服务器版' }) }], 30, 11);
      expect((await h.event(EVENT_1))?.title).toBe('服务器版');
    });

    it('discards a refused create by deleting the local copy the server never had', async () => {
      await h.create(EVENT_1);
      await h.store.applyPushResults([{ seq: 1, status: 'rejected', reason: 'invalid' }]);
      await h.store.discardQuarantined(1);
      expect(await h.event(EVENT_1)).toBeUndefined();
      expect(await h.store.pullCursor()).toBe(0);
    });

    it('keeps a never-synced event on discard while another of its mutations is unsettled', async () => {
      await h.create(EVENT_1);
      await h.update(EVENT_1, { attendance: 5 });
      await h.store.applyPushResults([{ seq: 2, status: 'rejected', reason: 'invalid' }]);
      await h.store.discardQuarantined(2);
      expect((await h.event(EVENT_1))?.id).toBe(EVENT_1);
      expect(seqs(await h.store.pendingMutations(10))).toEqual([1]);
    });

    it('changes the reason of a quarantined mutation, keeping its problems, and nothing else', async () => {
      await h.create(EVENT_1, { photos: [HASH_A] });
      await h.create(EVENT_2);
      await h.store.applyPushResults([{ seq: 1, status: 'rejected', reason: 'photoMissing', problems: [{ field: 'photos.0', code: 'photoMissing' }] }]);
      await h.store.setRejectionReason(1, 'orgStorageFull');
      await h.store.setRejectionReason(2, 'orgStorageFull');
      await h.store.setRejectionReason(9, 'orgStorageFull');
      expect((await h.store.quarantined()).map((q) => [q.seq, q.rejection])).toEqual([
        [1, { seq: 1, status: 'rejected', reason: 'orgStorageFull', problems: [{ field: 'photos.0', code: 'photoMissing' }] }],
      ]);
      expect(seqs(await h.store.pendingMutations(10))).toEqual([2]);
    });

    it('lists photos not yet uploaded, reads their bytes and forgets them once uploaded', async () => {
      await h.addPhoto(HASH_B, new Uint8Array([1, 2, 3]), 'image/jpeg');
      await h.addPhoto(HASH_A, new Uint8Array([4, 5]), 'image/png');
      expect((await h.store.pendingBlobHashes()).sort()).toEqual([HASH_A, HASH_B]);
      const b = await h.store.readBlob(HASH_B);
      expect(b?.type).toBe('image/jpeg');
      expect([...new Uint8Array(await b!.blob.arrayBuffer())]).toEqual([1, 2, 3]);
      await h.store.markBlobUploaded(HASH_B);
      await h.store.markBlobUploaded('c'.repeat(64));
      expect(await h.store.pendingBlobHashes()).toEqual([HASH_A]);
      expect(await h.store.readBlob('c'.repeat(64))).toBeNull();
    });

    it('caches a photo fetched from the server as already uploaded', async () => {
      await h.store.storeFetchedBlob(HASH_A, { blob: new Blob([new Uint8Array([9, 8])], { type: 'image/jpeg' }), type: 'image/jpeg' });
      expect(await h.store.pendingBlobHashes()).toEqual([]);
      const b = await h.store.readBlob(HASH_A);
      expect([...new Uint8Array(await b!.blob.arrayBuffer())]).toEqual([9, 8]);
    });

    it("keeps the server's signature of a row written verbatim, forgets it for a merged row and after a local change", async () => {
      await h.store.applyPulled(
        [
          { entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 2 }), sig: 'sig-1' },
          { entity: 'event', row: sampleEvent({ id: EVENT_2, rev: 3 }), sig: 'sig-2' },
          { entity: 'event', row: sampleEvent({ id: EVENT_3, rev: 4 }) },
        ],
        4,
        0,
      );
      const sigs = async () => new Map((await h.store.recoveryRows(null, 10)).map((r) => [r.row.id, r.sig]));
      expect(await sigs()).toEqual(
        new Map([
          [EVENT_1, 'sig-1'],
          [EVENT_2, 'sig-2'],
          [EVENT_3, null],
        ]),
      );
      await h.update(EVENT_1, { title: '本机改过' });
      await h.update(EVENT_2, { notes: '本机改过' });
      // EVENT_2's edit is still pending when a newer version arrives: the merge is not the server's row.
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_2, rev: 5, attendance: 9 }), sig: 'sig-2b' }], 5, 4);
      expect(await sigs()).toEqual(
        new Map([
          [EVENT_1, null],
          [EVENT_2, null],
          [EVENT_3, null],
        ]),
      );
      await h.store.applyPushResults([
        { seq: 1, status: 'applied', rev: 6 },
        { seq: 2, status: 'applied', rev: 7 },
      ]);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 6, title: '本机改过' }), sig: 'sig-1b' }], 7, 5);
      expect((await sigs()).get(EVENT_1)).toBe('sig-1b');
    });

    it("pages every event, then every target, in id order for a recovery: the record's own fields, tombstones and local rows included", async () => {
      const t: Target = {
        id: EVENT_2,
        orgId: 'org-1',
        year: 2023,
        kind: 'count',
        measure: 'events',
        axis: 'all',
        axisCode: null,
        min: 12,
        level1: '产出指标',
        level2: '数量指标',
        level3: '科普活动场次',
        unit: '场次',
        createdBy: 'u-staff',
        createdAt: '2023-01-01T00:00:00+08:00',
        updatedBy: 'u-staff',
        updatedAt: '2023-01-01T00:00:00+08:00',
        deleted: false,
        rev: 2,
      };
      const e3 = sampleEvent({ id: EVENT_3, rev: 3, deleted: true });
      await h.store.applyPulled(
        [
          { entity: 'target', row: t, sig: 'sig-t' },
          { entity: 'event', row: e3, sig: 'sig-3' },
        ],
        3,
        0,
      );
      await h.create(EVENT_1);
      const first = await h.store.recoveryRows(null, 2);
      expect(first.map((r) => [r.entity, r.row.id, r.sig])).toEqual([
        ['event', EVENT_1, null],
        ['event', EVENT_3, 'sig-3'],
      ]);
      expect(first[1]!.row).toEqual(e3);
      expect(first[0]!.row).toEqual(await h.event(EVENT_1));
      const rest = await h.store.recoveryRows({ entity: 'event', id: EVENT_3 }, 2);
      expect(rest).toEqual([{ entity: 'target', row: t, sig: 'sig-t' }]);
      expect(await h.store.recoveryRows({ entity: 'target', id: EVENT_2 }, 2)).toEqual([]);
    });

    it('adopts an epoch only while it has none and has never pulled', async () => {
      expect(await h.store.ledgerEpoch()).toEqual({ epoch: null, recovering: null });
      await h.store.applyPulled([], 5, 0);
      await h.store.adoptEpoch('a'.repeat(32));
      expect((await h.store.ledgerEpoch()).epoch).toBeNull();
      await h.store.beginRecovery('b'.repeat(32));
      await h.store.finishRecovery('b'.repeat(32));
      await h.store.adoptEpoch('c'.repeat(32));
      expect(await h.store.ledgerEpoch()).toEqual({ epoch: 'b'.repeat(32), recovering: null });
    });

    it('begins a recovery by marking every photo for upload again; finishing it takes the epoch and pulls from 0', async () => {
      await h.addPhoto(HASH_A, new Uint8Array([4, 5]), 'image/png');
      await h.store.markBlobUploaded(HASH_A);
      await h.store.storeFetchedBlob(HASH_B, { blob: new Blob([new Uint8Array([9, 8])], { type: 'image/jpeg' }), type: 'image/jpeg' });
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 40 }) }], 40, 0);
      await h.create(EVENT_2);
      await h.store.beginRecovery('b'.repeat(32));
      expect(await h.store.ledgerEpoch()).toEqual({ epoch: null, recovering: 'b'.repeat(32) });
      expect((await h.store.pendingBlobHashes()).sort()).toEqual([HASH_A, HASH_B]);
      // A newer restore overtakes it; finishing the older one changes nothing.
      await h.store.beginRecovery('c'.repeat(32));
      await h.store.finishRecovery('b'.repeat(32));
      expect([await h.store.ledgerEpoch(), await h.store.pullCursor()]).toEqual([{ epoch: null, recovering: 'c'.repeat(32) }, 40]);
      await h.store.finishRecovery('c'.repeat(32));
      expect([await h.store.ledgerEpoch(), await h.store.pullCursor()]).toEqual([{ epoch: 'c'.repeat(32), recovering: null }, 0]);
      // The rows and the outbox are untouched: the next pull merges over them as always.
      expect((await h.event(EVENT_1))?.rev).toBe(40);
      expect(seqs(await h.store.pendingMutations(10))).toEqual([1]);
    });

    it('deletes locally as a pending tombstone that survives a pull of the live row', async () => {
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 2 }) }], 2, 0);
      await h.remove(EVENT_1);
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 5, attendance: 9 }) }], 5, 2);
      expect(await h.event(EVENT_1)).toMatchObject({ deleted: true, attendance: 9, rev: 5 });
      expect((await h.store.pendingMutations(5)).map((m) => m.op)).toEqual(['delete']);
    });

    it('drops events that left its scope before the page’s rows, keeping any with unsynced changes', async () => {
      await h.store.applyPulled(
        [1, 2, 3].map((rev, i) => ({ entity: 'event' as const, row: sampleEvent({ id: [EVENT_1, EVENT_2, EVENT_3][i]!, rev }) })),
        3,
        0,
      );
      await h.update(EVENT_2, { title: '还没同步' });
      // EVENT_1 dropped and listed again later in the same page; EVENT_2 dropped with a pending edit; EVENT_3 dropped.
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 7, title: '又列名' }) }], 7, 3, {
        dropped: [EVENT_1, EVENT_2, EVENT_3],
      });
      expect(await h.event(EVENT_1)).toMatchObject({ title: '又列名', rev: 7 });
      expect(await h.event(EVENT_2)).toMatchObject({ title: '还没同步' });
      expect(await h.event(EVENT_3)).toBeUndefined();
      expect(await h.store.pullCursor()).toBe(7);
      // A drop of something never held, and the same page again: nothing else changes.
      await h.store.applyPulled([{ entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 7, title: '又列名' }) }], 7, 7, { dropped: [EVENT_3, EVENT_1] });
      expect(await h.event(EVENT_1)).toMatchObject({ title: '又列名', rev: 7 });
      expect(await h.store.pullCursor()).toBe(7);
    });

    it('keeps the org totals a scoped pull brings, and forgets them when the scope becomes all', async () => {
      expect(await h.store.orgTotals()).toBeNull();
      const totals = [
        {
          year: 2023,
          axis: 'all' as const,
          key: '',
          all: { events: 9, attendance: 900, onlineAttendance: 0, materials: 10, volunteers: 3, volunteerMicroHours: 0 },
          reviewed: { events: 4, attendance: 400, onlineAttendance: 0, materials: 5, volunteers: 1, volunteerMicroHours: 0 },
        },
      ];
      await h.store.changeScope('own:u-vol-1');
      await h.store.applyPulled([], 0, 0, { totals, totalsKey: 'k1' });
      expect([await h.store.orgTotals(), await h.store.orgTotalsKey()]).toEqual([totals, 'k1']);
      // An answer without totals (the server's are the phone's) keeps both.
      await h.store.applyPulled([], 0, 0, { totalsKey: 'k1' });
      expect([await h.store.orgTotals(), await h.store.orgTotalsKey()]).toEqual([totals, 'k1']);
      // Another volunteer on this phone: the totals are asked for afresh.
      await h.store.changeScope('own:u-vol-2');
      expect([await h.store.orgTotals(), await h.store.orgTotalsKey()]).toEqual([totals, null]);
      await h.store.changeScope('all');
      expect([await h.store.orgTotals(), await h.store.orgTotalsKey()]).toEqual([null, null]);
    });

    it('changing scope stores it, pulls from 0, and narrowed keeps only its own, listed and unsynced events', async () => {
      expect(await h.store.pullScope()).toBeNull();
      const listed = { volunteers: [{ name: '张三', userId: 'u-vol-1', hours: 2 }] };
      await h.store.applyPulled(
        [
          { entity: 'event', row: sampleEvent({ id: EVENT_1, rev: 1, createdBy: 'u-vol-1' }) },
          { entity: 'event', row: sampleEvent({ id: EVENT_2, rev: 2, createdBy: 'u-staff', ...listed }) },
          { entity: 'event', row: sampleEvent({ id: EVENT_3, rev: 3, createdBy: 'u-vol-2', volunteers: [] }) },
          { entity: 'target', row: TARGET_ROW },
        ],
        4,
        0,
      );
      await h.store.changeScope('all');
      expect(await h.store.pullScope()).toBe('all');
      expect(await h.store.pullCursor()).toBe(0);
      expect(await h.event(EVENT_3)).toBeDefined();
      await h.store.applyPulled([], 4, 0);
      // Demoted to a volunteer: the other volunteer's event goes; the target stays.
      await h.store.changeScope('own:u-vol-1');
      expect([await h.store.pullScope(), await h.store.pullCursor()]).toEqual(['own:u-vol-1', 0]);
      expect(await h.event(EVENT_1)).toBeDefined();
      expect(await h.event(EVENT_2)).toBeDefined();
      expect(await h.event(EVENT_3)).toBeUndefined();
      expect(await h.target(TARGET_ROW.id)).toBeDefined();
      // Another volunteer's scope on the same phone: an event with unsynced changes is kept.
      await h.update(EVENT_1, { title: '还没同步' });
      await h.store.changeScope('own:u-vol-9');
      expect(await h.event(EVENT_1)).toMatchObject({ title: '还没同步' });
      expect(await h.event(EVENT_2)).toBeUndefined();
    });

    it('writes pulled awards verbatim and keeps an unsynced local award edit over a pulled row (issue 14 §4)', async () => {
      const pulled = awardRow();
      await h.store.applyPulled([{ entity: 'award', row: pulled, sig: 'sig-a' }], 5, 0);
      expect(await h.award(AWARD_1)).toEqual(pulled);
      expect(await h.store.pullCursor()).toBe(5);
      await h.updateAward(AWARD_1, { note: '本地备注' });
      const pending = await h.store.pendingMutations(10);
      expect(pending.map((m) => [m.entity, m.op, m.entity === 'award' ? m.awardId : ''])).toEqual([['award', 'put', AWARD_1]]);
      // Someone else raised the count meanwhile: both changes stay.
      await h.store.applyPulled([{ entity: 'award', row: awardRow({ rev: 9, count: 9, updatedBy: 'u-other' }) }], 9, 5);
      expect(await h.award(AWARD_1)).toMatchObject({ rev: 9, count: 9, note: '本地备注' });
      // Once settled, the server's row is written as it comes: devices converge.
      await h.store.applyPushResults([{ seq: pending[0]!.seq, status: 'applied', rev: 10 }]);
      const final = awardRow({ rev: 10, count: 9, note: '本地备注' });
      await h.store.applyPulled([{ entity: 'award', row: final }], 10, 9);
      expect(await h.award(AWARD_1)).toEqual(final);
    });

    it('settles award mutations like any record: a refused create is quarantined, and discarding it deletes the never-synced copy', async () => {
      await h.createAward(AWARD_2, AWARD_FIELDS);
      expect(await h.award(AWARD_2)).toMatchObject({ ...AWARD_FIELDS, id: AWARD_2, rev: 0, deleted: false });
      const [m] = await h.store.pendingMutations(10);
      expect(m).toMatchObject({ entity: 'award', op: 'put', awardId: AWARD_2, fields: AWARD_FIELDS });
      await h.store.applyPushResults([{ seq: m!.seq, status: 'rejected', reason: 'staffOnly' }]);
      expect((await h.store.quarantined()).map((q) => [q.entity, q.rejection.reason])).toEqual([['award', 'staffOnly']]);
      await h.store.discardQuarantined(m!.seq);
      expect(await h.award(AWARD_2)).toBeUndefined();
      expect(await h.store.pendingCount()).toBe(0);
    });

    it('discards a refused award edit and rewinds so the next pull restores the server version', async () => {
      await h.store.applyPulled([{ entity: 'award', row: awardRow({ rev: 7 }) }], 20, 0);
      await h.removeAward(AWARD_1);
      expect(await h.award(AWARD_1)).toMatchObject({ deleted: true });
      const [m] = await h.store.pendingMutations(10);
      expect(m).toMatchObject({ entity: 'award', op: 'delete', awardId: AWARD_1 });
      await h.store.applyPushResults([{ seq: m!.seq, status: 'rejected', reason: 'staffOnly' }]);
      await h.store.discardQuarantined(m!.seq);
      expect(await h.store.pullCursor()).toBe(6);
      await h.store.applyPulled([{ entity: 'award', row: awardRow({ rev: 7 }) }], 20, 6);
      expect(await h.award(AWARD_1)).toEqual(awardRow({ rev: 7 }));
    });

    it('pages awards after events and targets for a recovery, with their signatures', async () => {
      await h.store.applyPulled(
        [
          { entity: 'target', row: TARGET_ROW, sig: 'sig-t' },
          { entity: 'award', row: awardRow(), sig: 'sig-a' },
        ],
        5,
        0,
      );
      await h.createAward(AWARD_2, AWARD_FIELDS);
      await h.create(EVENT_1);
      const all = await h.store.recoveryRows(null, 10);
      expect(all.map((r) => [r.entity, r.row.id, r.sig])).toEqual([
        ['event', EVENT_1, null],
        ['target', TARGET_ROW.id, 'sig-t'],
        ['award', AWARD_1, 'sig-a'],
        ['award', AWARD_2, null],
      ]);
      expect(all[2]!.row).toEqual(awardRow());
      expect((await h.store.recoveryRows({ entity: 'target', id: TARGET_ROW.id }, 1)).map((r) => r.row.id)).toEqual([AWARD_1]);
      expect((await h.store.recoveryRows({ entity: 'award', id: AWARD_1 }, 5)).map((r) => r.row.id)).toEqual([AWARD_2]);
      expect(await h.store.recoveryRows({ entity: 'award', id: AWARD_2 }, 5)).toEqual([]);
    });

    it('narrowed to a volunteer’s scope, a phone keeps no award but those with unsynced changes', async () => {
      await h.store.applyPulled([{ entity: 'award', row: awardRow() }], 5, 0);
      await h.createAward(AWARD_2, AWARD_FIELDS);
      await h.store.changeScope('all');
      expect(await h.award(AWARD_1)).toBeDefined();
      await h.store.changeScope('own:u-vol-1');
      expect(await h.award(AWARD_1)).toBeUndefined();
      expect(await h.award(AWARD_2)).toMatchObject({ id: AWARD_2 });
    });
  });
}
