/**
 * The photo part of the storage conformance suite (migration 006), run against every Store
 * (store-sqlite.test.ts, store-postgres.test.ts): holdings per org, the budgets' usage, the read
 * rule, the names a push records, the push's view of held photos, and the sweep — including
 * uploads, pushes and sweeps running side by side.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ReferenceContext } from '../../src/domain/event';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import { sweepUnnamedBlobs } from '../../src/server/blob-sweep';
import { budgetDecider } from '../../src/server/routes/blobs';
import type { PostgresStore } from '../../src/server/store/postgres';
import type { SqliteStore } from '../../src/server/store/sqlite';
import type { Actor, BlobPutDecider, BlobPutResult, BlobUsage, OrgRow, PushState, Store, UserRow } from '../../src/server/store/store';
import { planPush } from '../../src/server/sync/plan';
import type { Mutation } from '../../src/sync/protocol';
import { AT, eventFields, newId, putEvent, TOWNSHIP, VILLAGE, type StoreHandle } from './helpers';

const T0 = '2024-06-01T08:00:00.000Z';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const refs: ReferenceContext = {
  taxonomy: DEFAULT_TAXONOMY,
  townshipCodes: new Set([TOWNSHIP]),
  villageTownship: new Map([[VILLAGE, TOWNSHIP]]),
};

/** T0 plus `ms`, as ISO. */
const at = (ms: number): string => new Date(Date.parse(T0) + ms).toISOString();

/** A JPEG-looking blob of `size` bytes and its name. */
function jpeg(size = 64): { bytes: Buffer; sha: string } {
  const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(size - 3)]);
  return { bytes, sha: createHash('sha256').update(bytes).digest('hex') };
}

const allow: BlobPutDecider = () => null;

function user(orgId: string, role: UserRow['role'], username: string): UserRow {
  return { id: newId(), orgId, role, name: username, username, passwordHash: 'scrypt$1024$8$1$c2FsdA$aGFzaA', disabled: false, createdAt: T0 };
}

/** A second association: the Store makes only the first (setup), so the test writes the row. */
async function insertOrg(store: Store, org: OrgRow): Promise<void> {
  if (store.kind === 'sqlite') {
    (store as SqliteStore).db.prepare('INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?)').run(org.id, org.name, org.createdAt);
  } else {
    await (store as PostgresStore).pool.query('INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)', [org.id, org.name, org.createdAt]);
  }
}

export function blobConformance(name: string, makeHandle: () => Promise<StoreHandle>): void {
  describe(`Store conformance, photos: ${name}`, () => {
    let h: StoreHandle;
    let store: Store;
    let org: OrgRow;
    let other: OrgRow;
    let vol: UserRow;
    let staff: UserRow;
    let otherVol: UserRow;

    const actorOf = (u: UserRow): Actor => ({ userId: u.id, orgId: u.orgId, role: u.role });
    const put = (u: UserRow, b: { bytes: Buffer; sha: string }, when = T0, decide = allow): Promise<BlobPutResult> =>
      store.putBlob(
        {
          sha256: b.sha,
          contentType: 'image/jpeg',
          bytes: b.bytes,
          orgId: u.orgId,
          userId: u.id,
          at: when,
          dayStart: new Date(Date.parse(when) - DAY).toISOString(),
        },
        decide,
      );
    /** Pushes through the real planner; `seen` receives the state the store read. */
    const doPush = (u: UserRow, clientId: string, mutations: Mutation[], seen?: (s: PushState) => void) =>
      store.push({ actor: actorOf(u), clientId, mutations }, (state) => {
        seen?.(state);
        return planPush({ actor: actorOf(u), clientId, mutations, now: T0, refs }, state);
      });
    const owners = async () =>
      ((await store.dump()).blob_owners as Record<string, unknown>[]).map((r) => [
        r.org_id,
        r.sha256,
        Number(r.size),
        r.uploaded_by,
        r.uploaded_at,
        r.touched_at,
      ]);
    const names = async () => ((await store.dump()).blob_refs as Record<string, unknown>[]).map((r) => [r.org_id, r.sha256, r.event_id]);

    beforeEach(async () => {
      h = await makeHandle();
      store = h.store;
      org = { id: newId(), name: '惠东县科协', createdAt: T0 };
      expect(await store.setup(org, user(org.id, 'admin', `admin-${newId().slice(0, 8)}`))).toBe(true);
      other = { id: newId(), name: '博罗县科协', createdAt: T0 };
      await insertOrg(store, other);
      vol = user(org.id, 'volunteer', `vol-${newId().slice(0, 8)}`);
      staff = user(org.id, 'staff', `staff-${newId().slice(0, 8)}`);
      otherVol = user(other.id, 'volunteer', `ovol-${newId().slice(0, 8)}`);
      for (const u of [vol, staff, otherVol]) expect(await store.createUser(u)).toBe(true);
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test('a blob is stored once per hash and read back byte for byte by its org; another org reads it only once it holds it', async () => {
      const a = jpeg(9);
      expect(await put(vol, a)).toEqual({ status: 'created' });
      expect(await put(vol, a, at(HOUR))).toEqual({ status: 'held' });
      expect(await store.blobMeta(org.id, a.sha)).toEqual({ contentType: 'image/jpeg', size: 9 });
      const got = await store.getBlob(org.id, a.sha);
      expect([got?.contentType, got?.size, Buffer.compare(got!.bytes, a.bytes)]).toEqual(['image/jpeg', 9, 0]);
      expect([await store.getBlob(other.id, a.sha), await store.blobMeta(other.id, a.sha)]).toEqual([null, null]);
      expect(await put(otherVol, a, at(2 * HOUR))).toEqual({ status: 'added' });
      expect(Buffer.compare((await store.getBlob(other.id, a.sha))!.bytes, a.bytes)).toBe(0);
      expect(await store.getBlob(org.id, '0'.repeat(64))).toBeNull();
      expect((await store.dump()).blobs).toEqual([{ sha256: a.sha, content_type: 'image/jpeg', size: 9, created_at: T0 }]);
      expect(await owners()).toEqual(
        [
          [org.id, a.sha, 9, vol.id, T0, at(HOUR)],
          [other.id, a.sha, 9, otherVol.id, at(2 * HOUR), at(2 * HOUR)],
        ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      );
    });

    test('the decider sees what the org holds and what the uploader added in the last 24 hours; a repeat upload is charged nothing', async () => {
      const seen: BlobUsage[] = [];
      const spy: BlobPutDecider = (u) => {
        seen.push(u);
        return null;
      };
      const [a, b, c, d] = [jpeg(100), jpeg(50), jpeg(30), jpeg(7)];
      await put(vol, a, T0, spy);
      await put(staff, b, at(HOUR), spy);
      await put(vol, c, at(2 * HOUR), spy);
      await put(staff, a, at(3 * HOUR), spy);
      await put(otherVol, d, at(3 * HOUR), spy);
      await put(vol, d, at(25 * HOUR), spy);
      expect(seen).toEqual([
        { held: false, orgBytes: 0, userBytesToday: 0 },
        { held: false, orgBytes: 100, userBytesToday: 0 },
        { held: false, orgBytes: 150, userBytesToday: 100 },
        { held: true, orgBytes: 180, userBytesToday: 50 },
        { held: false, orgBytes: 0, userBytesToday: 0 },
        // 24 hours on, a's upload (T0) is outside vol's window and c's (T0 + 2 h) inside it.
        { held: false, orgBytes: 180, userBytesToday: 30 },
      ]);
    });

    test('a refused upload writes nothing and says why', async () => {
      await put(vol, jpeg(20));
      const before = await store.dump();
      expect(await put(vol, jpeg(20), at(HOUR), () => 'orgStorageFull')).toEqual({ status: 'refused', reason: 'orgStorageFull' });
      expect(await put(staff, jpeg(20), at(HOUR), () => 'dailyUploadLimit')).toEqual({ status: 'refused', reason: 'dailyUploadLimit' });
      expect(await store.dump()).toEqual(before);
    });

    test('parallel uploads racing the org budget: exactly as many as fit are stored', async () => {
      const size = 1000;
      const blobs = Array.from({ length: 12 }, () => jpeg(size));
      const decide = budgetDecider({ orgBytes: 5 * size, userDailyBytes: 100 * size }, size);
      const results = await Promise.all(blobs.map((b, i) => put(i % 2 ? vol : staff, b, T0, decide)));
      const tally = (rs: BlobPutResult[]) => rs.map((r) => (r.status === 'refused' ? r.reason : r.status)).sort();
      expect(tally(results)).toEqual([...Array(5).fill('created'), ...Array(7).fill('orgStorageFull')].sort());
      const held = await owners();
      expect([held.length, held.reduce((n, r) => n + Number(r[2]), 0), (await store.dump()).blobs!.length]).toEqual([5, 5 * size, 5]);
    });

    test('parallel uploads racing one user’s daily budget: exactly as many as fit are stored', async () => {
      const size = 1000;
      const blobs = Array.from({ length: 10 }, () => jpeg(size));
      const decide = budgetDecider({ orgBytes: 1000 * size, userDailyBytes: 3 * size }, size);
      const results = await Promise.all(blobs.map((b) => put(vol, b, T0, decide)));
      expect(results.filter((r) => r.status === 'created').length).toBe(3);
      expect(results.filter((r) => r.status === 'refused' && r.reason === 'dailyUploadLimit').length).toBe(7);
      // Another user of the org still has their own budget.
      expect(await put(staff, jpeg(size), T0, decide)).toEqual({ status: 'created' });
      expect((await owners()).length).toBe(4);
    });

    test('a push is told which of the photos it names anew its org holds, and records the names it writes', async () => {
      const [p1, p2, p3] = [jpeg(), jpeg(), jpeg()];
      await put(vol, p1);
      await put(otherVol, p2);
      const e = newId();
      const client = newId();
      const states: (string[] | undefined)[] = [];
      const record = (s: PushState) => states.push(s.storedPhotos ? [...s.storedPhotos].sort() : undefined);

      const refused = await doPush(vol, client, [putEvent(1, e, eventFields({ photos: [p1.sha, p2.sha, p3.sha] }))], record);
      expect(refused.results).toEqual([
        {
          seq: 1,
          status: 'rejected',
          reason: 'photoMissing',
          problems: [
            { field: 'photos.1', code: 'photoMissing' },
            { field: 'photos.2', code: 'photoMissing' },
          ],
        },
      ]);
      expect(await store.getEvent(e)).toBeNull();
      expect(await names()).toEqual([]);

      const made = await doPush(vol, client, [putEvent(2, e, eventFields({ photos: [p1.sha] }))], record);
      expect(made.results).toEqual([{ seq: 2, status: 'applied', rev: 1 }]);
      // Editing other fields, or repeating a photo the stored row has, names nothing anew.
      await doPush(vol, client, [putEvent(3, e, { title: '改了标题' }), putEvent(4, e, { photos: [p1.sha], attendance: 7 })], record);
      expect(states).toEqual([[p1.sha], [p1.sha], undefined]);
      expect(await names()).toEqual([[org.id, p1.sha, e]]);
      // The other org's reader cannot read p1 by naming it: the push is refused first.
      const theirs = newId();
      const stolen = await doPush(otherVol, newId(), [putEvent(1, theirs, eventFields({ photos: [p1.sha] }))]);
      expect(stolen.results[0]).toMatchObject({ status: 'rejected', reason: 'photoMissing' });
      expect(await store.getBlob(other.id, p1.sha)).toBeNull();
    });

    test('a photo an event once named stays named: removed from the event, or the event deleted', async () => {
      const [p1, p2] = [jpeg(), jpeg()];
      await put(vol, p1);
      await put(vol, p2);
      const e = newId();
      const client = newId();
      await doPush(vol, client, [putEvent(1, e, eventFields({ photos: [p1.sha] }))]);
      await doPush(vol, client, [putEvent(2, e, { photos: [p2.sha] }), { entity: 'event', op: 'delete', seq: 3, eventId: e, at: AT }]);
      expect(await names()).toEqual(
        [
          [org.id, p1.sha, e],
          [org.id, p2.sha, e],
        ].sort((x, y) => x[1]!.localeCompare(y[1]!)),
      );
      expect(await sweepUnnamedBlobs(store, new Date(Date.parse(T0) + 365 * DAY), 7)).toEqual({ owners: 0, blobs: 0, bytes: 0 });
      expect([(await store.getBlob(org.id, p1.sha))?.size, (await store.getBlob(org.id, p2.sha))?.size]).toEqual([64, 64]);
    });

    test('the sweep drops holdings no event of the org names once the grace period has passed, then bytes no org holds', async () => {
      const [a, b, c] = [jpeg(100), jpeg(200), jpeg(300)];
      await put(vol, a);
      await put(vol, b);
      await put(otherVol, a);
      await put(otherVol, c);
      await doPush(vol, newId(), [putEvent(1, newId(), eventFields({ photos: [a.sha] }))]);
      await put(vol, b, at(6 * DAY)); // uploaded again: its grace period starts over
      expect(await sweepUnnamedBlobs(store, new Date(Date.parse(T0) + 7 * DAY), 7)).toEqual({ owners: 0, blobs: 0, bytes: 0 });
      // One millisecond later the other org's unnamed copies of a and c are 7 days old.
      expect(await sweepUnnamedBlobs(store, new Date(Date.parse(T0) + 7 * DAY + 1), 7)).toEqual({ owners: 2, blobs: 1, bytes: 300 });
      expect([await store.getBlob(other.id, a.sha), await store.getBlob(other.id, c.sha)]).toEqual([null, null]);
      expect((await store.getBlob(org.id, a.sha))?.size).toBe(100);
      expect((await store.getBlob(org.id, b.sha))?.size).toBe(200);
      expect(await sweepUnnamedBlobs(store, new Date(Date.parse(T0) + 13 * DAY + 1), 7)).toEqual({ owners: 1, blobs: 1, bytes: 200 });
      expect(await store.getBlob(org.id, b.sha)).toBeNull();
      expect((await store.dump()).blobs!.map((r) => (r as { sha256: string }).sha256)).toEqual([a.sha]);
      expect(await owners()).toEqual([[org.id, a.sha, 100, vol.id, T0, T0]]);
      // A phone that uploaded b and was away for two weeks: its push is refused, it uploads b again.
      expect(await put(vol, b, at(14 * DAY))).toEqual({ status: 'created' });
    });

    test('sweeps racing pushes and uploads never leave an event naming a photo the server cannot give', async () => {
      const rounds = 8;
      const photos = Array.from({ length: rounds }, () => jpeg(80));
      for (const p of photos) await put(vol, p);
      const late = new Date(Date.parse(T0) + 30 * DAY);
      const events = photos.map(() => newId());
      const outcomes = await Promise.all(
        photos.flatMap((p, i) => [
          doPush(vol, newId(), [putEvent(1, events[i]!, eventFields({ photos: [p.sha] }))]),
          sweepUnnamedBlobs(store, late, 7),
          // The same bytes from the other org, uploaded while the sweep runs: never half-stored.
          put(otherVol, p, late.toISOString()),
        ]),
      );
      for (let i = 0; i < rounds; i++) {
        const res = outcomes[3 * i] as Awaited<ReturnType<typeof doPush>>;
        const stored = await store.getBlob(org.id, photos[i]!.sha);
        if (res.results[0]!.status === 'applied') expect(stored?.size, `round ${i}`).toBe(80);
        else expect([res.results[0], stored], `round ${i}`).toEqual([expect.objectContaining({ reason: 'photoMissing' }), null]);
        expect(['created', 'added', 'held'], `round ${i}`).toContain((outcomes[3 * i + 2] as BlobPutResult).status);
        expect((await store.getBlob(other.id, photos[i]!.sha))?.size, `round ${i}`).toBe(80);
      }
      // Every holding has its bytes (the foreign key says so too).
      const heldShas = new Set((await owners()).map((r) => r[1]));
      const blobShas = new Set(((await store.dump()).blobs as { sha256: string }[]).map((r) => r.sha256));
      expect([...heldShas].filter((s) => !blobShas.has(String(s)))).toEqual([]);
    });
  });
}
