/**
 * Competition awards (issue 14 §4) over every Store implementation, through the real planner:
 * staff write them, they take global revs like events and targets, pulls hand them out only to
 * phones that ask (never in a volunteer's scoped pull), a retried push changes nothing, the
 * history keeps every overwritten value, concurrent edits merge in rev order, and an award's
 * evidence photo must be held by the org and, once named, is never swept — and so must a target's
 * (a manual indicator's 佐证 photos, issue 14 §3).
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Award, AwardPatch } from '../../src/domain/awards';
import type { TargetPatch } from '../../src/domain/targets';
import type { ReferenceContext } from '../../src/domain/event';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { planRecovery } from '../../src/server/sync/plan-recovery';
import { planPush } from '../../src/server/sync/plan';
import { signRecord, verifyRecord } from '../../src/server/sync/signature';
import type { Actor, OrgRow, Store, UserRow } from '../../src/server/store/store';
import type { Mutation } from '../../src/sync/protocol';
import { AT, eventFields, newId, putEvent, TOWNSHIP, VILLAGE, type StoreHandle } from './helpers';

const NOW = '2024-06-01T08:00:00.000Z';
const refs: ReferenceContext = { taxonomy: DEFAULT_TAXONOMY, townshipCodes: new Set([TOWNSHIP]), villageTownship: new Map([[VILLAGE, TOWNSHIP]]) };

const FIELDS: AwardPatch = {
  year: 2024,
  month: 2,
  competition: '第22届惠州市青少年科技创新大赛',
  level: 'city',
  category: 'studentProject',
  prize: 'first',
  count: 8,
  recipients: '平山第三小学、吉隆中心小学',
  photos: [],
  note: '',
};

const putAward = (seq: number, awardId: string, fields: AwardPatch, at = AT): Mutation => ({ entity: 'award', op: 'put', seq, awardId, fields, at });

export function awardConformance(name: string, makeHandle: () => Promise<StoreHandle>): void {
  describe(`Award conformance: ${name}`, () => {
    let h: StoreHandle;
    let store: Store;
    let o: OrgRow;
    let staff: UserRow;
    let vol: UserRow;
    const actorOf = (u: UserRow): Actor => ({ userId: u.id, orgId: u.orgId, role: u.role });
    const doPush = (u: UserRow, clientId: string, mutations: Mutation[], now = NOW) =>
      store.push({ actor: actorOf(u), clientId, mutations }, (state) => planPush({ actor: actorOf(u), clientId, mutations, now, refs }, state));
    const mk = (orgId: string, role: UserRow['role']): UserRow => ({
      id: newId(),
      orgId,
      role,
      name: role,
      username: `${role}-${newId().slice(0, 8)}`,
      passwordHash: 'scrypt$1024$8$1$c2FsdA$aGFzaA',
      disabled: false,
      createdAt: NOW,
    });

    beforeEach(async () => {
      h = await makeHandle();
      store = h.store;
      o = { id: newId(), name: '惠东县科协', createdAt: NOW };
      expect(await store.setup(o, mk(o.id, 'admin'))).toBe(true);
      staff = mk(o.id, 'staff');
      vol = mk(o.id, 'volunteer');
      expect(await store.createUser(staff)).toBe(true);
      expect(await store.createUser(vol)).toBe(true);
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test('staff write awards with global revs; pulls that ask get them in rev order, signed; others and volunteers get none', async () => {
      const c = newId();
      const [a1, a2, e1] = [newId(), newId(), newId()];
      const res = await doPush(staff, c, [putAward(1, a1, FIELDS), putEvent(2, e1, eventFields()), putAward(3, a2, { ...FIELDS, prize: 'second', count: 29 })]);
      expect(res.results).toEqual([
        { seq: 1, status: 'applied', rev: 1 },
        { seq: 2, status: 'applied', rev: 2 },
        { seq: 3, status: 'applied', rev: 3 },
      ]);
      const page = await store.pull(o.id, 0, 10, undefined, { awards: true });
      expect(page.rows.map((r) => [r.entity, r.row.id, r.row.rev])).toEqual([
        ['award', a1, 1],
        ['event', e1, 2],
        ['award', a2, 3],
      ]);
      const first = page.rows[0]!.row as Award;
      expect(first).toMatchObject({ ...FIELDS, id: a1, orgId: o.id, createdBy: staff.id, updatedBy: staff.id, deleted: false, rev: 1 });
      const { signKey } = await store.ledger();
      expect(page.rows.every((r) => verifyRecord(signKey, r.row, r.sig))).toBe(true);
      expect(page.rows[0]!.sig).toBe(signRecord(signKey, first));
      // Paged: no row skipped, none twice.
      const p1 = await store.pull(o.id, 0, 2, undefined, { awards: true });
      const p2 = await store.pull(o.id, p1.rows.at(-1)!.row.rev, 2, undefined, { awards: true });
      expect([p1.more, p2.more]).toEqual([true, false]);
      expect([...p1.rows, ...p2.rows].map((r) => r.row.rev)).toEqual([1, 2, 3]);
      // Phones from before awards, and a volunteer's scoped pull even when asking, get none.
      expect((await store.pull(o.id, 0, 10)).rows.map((r) => r.entity)).toEqual(['event']);
      const scoped = await store.pull(o.id, 0, 10, { userId: vol.id }, { awards: true });
      expect(scoped.rows.filter((r) => r.entity === 'award')).toEqual([]);
      // Another association sees none.
      expect((await store.pull(newId(), 0, 10, undefined, { awards: true })).rows).toEqual([]);
    });

    test('a retried push is skipped and writes nothing; a volunteer’s award is refused and changes nothing', async () => {
      const c = newId();
      const a = newId();
      await doPush(staff, c, [putAward(1, a, FIELDS)]);
      const before = await store.dump();
      const again = await doPush(staff, c, [putAward(1, a, { ...FIELDS, count: 99 })]);
      expect(again.results).toEqual([{ seq: 1, status: 'skipped' }]);
      expect(await store.dump()).toEqual(before);
      const refused = await doPush(vol, newId(), [putAward(1, newId(), FIELDS), { entity: 'award', op: 'delete', seq: 2, awardId: a, at: AT }]);
      expect(refused.results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual(['staffOnly', 'staffOnly']);
      const after = await store.dump();
      expect(after.awards).toEqual(before.awards);
      expect(await store.currentRev()).toBe(1);
    });

    test('bad awards are refused with their problems: a project without a prize, an honour with one, a zero count', async () => {
      const res = await doPush(staff, newId(), [
        putAward(1, newId(), { ...FIELDS, prize: null }),
        putAward(2, newId(), { ...FIELDS, category: 'organization' }),
        putAward(3, newId(), { ...FIELDS, count: 0 }),
        putAward(4, newId(), { ...FIELDS, competition: '  ' }),
        // The wire leaves award fields to the planner: bookkeeping and malformed photo lists are refused there.
        putAward(5, newId(), { ...FIELDS, orgId: 'another-org' } as AwardPatch),
        putAward(6, newId(), { ...FIELDS, photos: 'abc' } as unknown as AwardPatch),
        putAward(7, newId(), { ...FIELDS, photos: [5] } as unknown as AwardPatch),
      ]);
      expect(res.results.map((r) => (r.status === 'rejected' ? [r.reason, r.problems] : r.status))).toEqual([
        ['invalid', [{ field: 'prize', code: 'prizeMismatch' }]],
        ['invalid', [{ field: 'prize', code: 'prizeMismatch' }]],
        ['invalid', [{ field: 'count', code: 'notPositive' }]],
        ['invalid', [{ field: 'competition', code: 'required' }]],
        ['invalid', [{ field: 'orgId', code: 'unknownField' }]],
        ['invalid', [{ field: 'photos', code: 'notList' }]],
        ['invalid', [{ field: 'photos.0', code: 'invalid' }]],
      ]);
      expect((await store.dump()).awards).toEqual([]);
    });

    test('history keeps every overwritten award value; a delete is a tombstone pulled like any row', async () => {
      const a = newId();
      const c = newId();
      await doPush(staff, c, [putAward(1, a, FIELDS)]);
      await doPush(
        staff,
        c,
        [putAward(2, a, { count: 9, note: '补录' }), { entity: 'award', op: 'delete', seq: 3, awardId: a, at: AT }],
        '2024-06-02T00:00:00.000Z',
      );
      const hist = await store.history('award', a);
      expect(hist.map((x) => [x.field, x.oldValue, x.newValue, x.rev])).toEqual([
        ['count', 8, 9, 2],
        ['note', '', '补录', 2],
        ['deleted', false, true, 3],
      ]);
      expect(hist.every((x) => x.entity === 'award' && x.userId === staff.id && x.clientId === c)).toBe(true);
      const page = await store.pull(o.id, 1, 10, undefined, { awards: true });
      expect(page.rows.map((r) => [r.entity, r.row.rev, r.row.deleted])).toEqual([['award', 3, true]]);
    });

    test('concurrent edits of one award from many clients each merge onto the previous one, in rev order', async () => {
      const a = newId();
      await doPush(staff, newId(), [putAward(1, a, { ...FIELDS, note: 'n0' })]);
      const n = 6;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => doPush(staff, newId(), [putAward(1, a, { note: `n${i + 1}` })])));
      expect(results.map((r) => r.results[0]!.status)).toEqual(Array(n).fill('applied'));
      const hist = (await store.history('award', a)).sort((x, y) => x.rev - y.rev);
      expect(hist.map((x) => x.rev)).toEqual(Array.from({ length: n }, (_, i) => i + 2));
      expect(hist.map((x) => x.oldValue)).toEqual(['n0', ...hist.slice(0, -1).map((x) => x.newValue)]);
      const pulled = await store.pull(o.id, 0, 100, undefined, { awards: true });
      expect(pulled.rows.map((r) => [r.row.id, r.row.rev, (r.row as Award).note])).toEqual([[a, n + 1, hist.at(-1)!.newValue]]);
    });

    test('an award’s evidence photo must be held by the org; once named it is readable and never swept', async () => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(61)]);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const a = newId();
      const c = newId();
      const missing = await doPush(staff, c, [putAward(1, a, { ...FIELDS, photos: [sha] })]);
      expect(missing.results).toEqual([{ seq: 1, status: 'rejected', reason: 'photoMissing', problems: [{ field: 'photos.0', code: 'photoMissing' }] }]);
      const put = await store.putBlob(
        { sha256: sha, contentType: 'image/jpeg', bytes, orgId: o.id, userId: staff.id, at: '2024-05-01T00:00:00.000Z', dayStart: '2024-04-30T00:00:00.000Z' },
        () => null,
      );
      expect(put.status).toBe('created');
      const ok = await doPush(staff, c, [putAward(2, a, { ...FIELDS, photos: [sha] })]);
      expect(ok.results).toEqual([{ seq: 2, status: 'applied', rev: 1 }]);
      expect((await store.dump()).blob_refs).toEqual([expect.objectContaining({ org_id: o.id, sha256: sha, event_id: a })]);
      // Long past the grace period: the named photo stays.
      expect(await store.sweepBlobs('2030-01-01T00:00:00.000Z')).toEqual({ owners: 0, blobs: 0, bytes: 0 });
      expect(await store.blobMeta(o.id, sha)).toEqual({ contentType: 'image/jpeg', size: bytes.length });
    });

    test('a target’s evidence photo is refused until the org holds it, as an event’s; once named it survives the sweep, and an unnamed one does not', async () => {
      const photo = () => {
        const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(61)]);
        return { bytes, sha: createHash('sha256').update(bytes).digest('hex') };
      };
      const upload = (p: { bytes: Buffer; sha: string }) =>
        store.putBlob(
          {
            sha256: p.sha,
            contentType: 'image/jpeg',
            bytes: p.bytes,
            orgId: o.id,
            userId: staff.id,
            at: '2024-05-01T00:00:00.000Z',
            dayStart: '2024-04-30T00:00:00.000Z',
          },
          () => null,
        );
      const named = photo();
      const unnamed = photo();
      const indicator: TargetPatch = {
        year: 2024,
        kind: 'count',
        measure: 'events',
        axis: 'all',
        axisCode: null,
        min: 95,
        level1: '产出指标',
        level2: '质量指标',
        level3: '资金支出率',
        unit: '%',
        source: 'manual',
        manualValue: 97,
        evidence: '2024年决算表.xlsx',
      };
      const t = newId();
      const c = newId();
      const putTarget = (seq: number, fields: TargetPatch): Mutation => ({ entity: 'target', op: 'put', seq, targetId: t, fields, at: AT });
      // A target from before photos (no photos field) is written and edited as ever.
      expect((await doPush(staff, c, [putTarget(1, indicator)])).results).toEqual([{ seq: 1, status: 'applied', rev: 1 }]);
      const missing = await doPush(staff, c, [putTarget(2, { photos: [named.sha] })]);
      expect(missing.results).toEqual([{ seq: 2, status: 'rejected', reason: 'photoMissing', problems: [{ field: 'photos.0', code: 'photoMissing' }] }]);
      expect((await upload(named)).status).toBe('created');
      expect((await upload(unnamed)).status).toBe('created');
      expect((await doPush(staff, c, [putTarget(3, { photos: [named.sha] })])).results).toEqual([{ seq: 3, status: 'applied', rev: 2 }]);
      const dump = await store.dump();
      expect(dump.blob_refs).toEqual([{ org_id: o.id, sha256: named.sha, event_id: t }]);
      // Editing other fields later never re-checks a photo the target already names.
      expect((await doPush(staff, c, [putTarget(4, { manualValue: 98, photos: [named.sha] })])).results).toEqual([{ seq: 4, status: 'applied', rev: 3 }]);
      const pulled = await store.pull(o.id, 0, 10);
      expect(pulled.rows.map((r) => [r.entity, (r.row as { photos?: string[] }).photos])).toEqual([['target', [named.sha]]]);
      // Long past the grace period: the named photo stays, the one nothing names goes.
      expect(await store.sweepBlobs('2030-01-01T00:00:00.000Z')).toEqual({ owners: 1, blobs: 1, bytes: unnamed.bytes.length });
      expect(await store.blobMeta(o.id, named.sha)).toEqual({ contentType: 'image/jpeg', size: named.bytes.length });
      expect(await store.blobMeta(o.id, unnamed.sha)).toBeNull();
    });

    test('a recovery keeps the stored version of a signed award and refuses a volunteer’s unsigned one', async () => {
      const a = newId();
      await doPush(staff, newId(), [putAward(1, a, FIELDS)]);
      const issued = (await store.pull(o.id, 0, 10, undefined, { awards: true })).rows[0]!;
      const { epoch } = await store.ledger();
      const fresh = await h.reopen();
      const recover = (u: UserRow, rows: { entity: 'award'; row: Award; trusted: boolean }[]) =>
        fresh.push({ actor: actorOf(u), clientId: newId(), mutations: [], records: { events: [], targets: [], awards: rows.map((r) => r.row.id) } }, (state) =>
          planRecovery({ actor: actorOf(u), clientId: newId(), now: NOW, refs, epoch, rows }, state),
        );
      const stranger = { ...(issued.row as Award), id: newId(), createdBy: vol.id };
      const res = await recover(vol, [
        { entity: 'award', row: issued.row as Award, trusted: true },
        { entity: 'award', row: stranger, trusted: false },
      ]);
      expect(res.results).toEqual([
        { entity: 'award', id: a, status: 'kept' },
        { entity: 'award', id: stranger.id, status: 'rejected', reason: 'staffOnly' },
      ]);
    });

    test('a reopened store (a restarted server) holds the awards and continues the counters', async () => {
      const a = newId();
      await doPush(staff, newId(), [putAward(1, a, FIELDS)]);
      const again = await h.reopen();
      expect((await again.pull(o.id, 0, 10, undefined, { awards: true })).rows.map((r) => [r.entity, r.row.id])).toEqual([['award', a]]);
      expect(await again.currentRev()).toBe(1);
    });
  });
}
