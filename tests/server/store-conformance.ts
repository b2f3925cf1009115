/**
 * The storage conformance suite, written once and run against every Store implementation
 * (store-sqlite.test.ts, store-postgres.test.ts). It talks to the Store interface only.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import type { ReferenceContext } from '../../src/domain/event';
import type { Target } from '../../src/domain/targets';
import { planPush } from '../../src/server/sync/plan';
import { signRecord, verifyRecord } from '../../src/server/sync/signature';
import type { Actor, InviteRow, OrgRow, PushPlan, Store, UserRow } from '../../src/server/store/store';
import type { Mutation } from '../../src/sync/protocol';
import { AT, eventFields, newId, putEvent, TOWNSHIP, VILLAGE, type StoreHandle } from './helpers';

const NOW = '2024-06-01T08:00:00.000Z';
const refs: ReferenceContext = {
  taxonomy: DEFAULT_TAXONOMY,
  townshipCodes: new Set([TOWNSHIP, '441323002000']),
  villageTownship: new Map([[VILLAGE, TOWNSHIP]]),
};

function org(id = newId()): OrgRow {
  return { id, name: '惠东县科协', createdAt: NOW };
}

function user(orgId: string, role: UserRow['role'], username: string): UserRow {
  return { id: newId(), orgId, role, name: username, username, passwordHash: 'scrypt$1024$8$1$c2FsdA$aGFzaA', disabled: false, createdAt: NOW };
}

function invite(orgId: string, createdBy: string, over: Partial<InviteRow> = {}): InviteRow {
  return {
    id: newId(),
    orgId,
    codeHash: createHash('sha256').update(newId()).digest('hex'),
    role: 'volunteer',
    createdBy,
    createdAt: NOW,
    expiresAt: '2024-07-01T00:00:00.000Z',
    maxUses: 2,
    uses: 0,
    revoked: false,
    ...over,
  };
}

function targetPut(seq: number, targetId: string, min: number): Mutation {
  return {
    entity: 'target',
    op: 'put',
    seq,
    targetId,
    at: AT,
    fields: {
      year: 2024,
      kind: 'count',
      measure: 'events',
      axis: 'format',
      axisCode: 'caravan',
      min,
      level1: '产出指标',
      level2: '数量指标',
      level3: '科普大篷车巡展',
      unit: '场次',
    },
  };
}

export function storeConformance(name: string, makeHandle: () => Promise<StoreHandle>): void {
  describe(`Store conformance: ${name}`, () => {
    let h: StoreHandle;
    let store: Store;
    let o: OrgRow;
    let admin: UserRow;
    let staff: UserRow;
    let vol: UserRow;

    const actorOf = (u: UserRow): Actor => ({ userId: u.id, orgId: u.orgId, role: u.role });
    const doPush = (u: UserRow, clientId: string, mutations: Mutation[], now = NOW) =>
      store.push({ actor: actorOf(u), clientId, mutations }, (state) => planPush({ actor: actorOf(u), clientId, mutations, now, refs }, state));

    beforeEach(async () => {
      h = await makeHandle();
      store = h.store;
      o = org();
      admin = user(o.id, 'admin', `admin-${newId().slice(0, 8)}`);
      expect(await store.setup(o, admin)).toBe(true);
      staff = user(o.id, 'staff', `staff-${newId().slice(0, 8)}`);
      vol = user(o.id, 'volunteer', `vol-${newId().slice(0, 8)}`);
      expect(await store.createUser(staff)).toBe(true);
      expect(await store.createUser(vol)).toBe(true);
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test('migrating again changes nothing', async () => {
      const before = await store.dump();
      await store.migrate();
      expect(await store.dump()).toEqual(before);
    });

    test('setup creates the association and its admin once; a second setup is refused', async () => {
      expect(await store.hasAdmin()).toBe(true);
      expect(await store.getOrg(o.id)).toEqual(o);
      expect(await store.getUser(admin.id)).toEqual(admin);
      expect(await store.setup(org(), user(o.id, 'admin', 'second-admin'))).toBe(false);
      expect(await store.getUserByUsername('second-admin')).toBeNull();
    });

    test('a fresh store has no admin', async () => {
      const fresh = await makeHandle();
      try {
        expect(await fresh.store.hasAdmin()).toBe(false);
        expect(await fresh.store.getOrg(o.id)).toBeNull();
      } finally {
        await fresh.cleanup();
      }
    });

    test('usernames are unique; users are found by id and username and listed per org', async () => {
      expect(await store.createUser({ ...user(o.id, 'volunteer', vol.username) })).toBe(false);
      expect(await store.getUserByUsername(vol.username)).toEqual(vol);
      expect(await store.getUser(staff.id)).toEqual(staff);
      expect(await store.getUser(newId())).toBeNull();
      const ids = (await store.listUsers(o.id)).map((u) => u.id).sort();
      expect(ids).toEqual([admin.id, staff.id, vol.id].sort());
      expect(await store.listUsers(newId())).toEqual([]);
    });

    /** Lookup times at `now` with 30 days idle, 180 in all, a touch at most once a minute. */
    const timesAt = (now: string) => {
      const t = Date.parse(now);
      const iso = (ms: number) => new Date(ms).toISOString();
      return { now, idleSince: iso(t - 30 * 86_400_000), createdSince: iso(t - 180 * 86_400_000), touchBefore: iso(t - 60_000) };
    };
    const session = (hash: string, now = NOW) => store.tokenSession(hash, timesAt(now));
    const lastUse = async (hash: string) =>
      ((await store.dump()).tokens as { token_hash: string; last_used_at: string }[]).find((t) => t.token_hash === hash)?.last_used_at;

    test('tokens resolve to their user and times until deleted', async () => {
      await store.createToken('a'.repeat(64), vol.id, NOW);
      expect(await session('a'.repeat(64))).toEqual({ user: vol, createdAt: NOW, lastUsedAt: NOW });
      expect(await session('b'.repeat(64))).toBeNull();
      await store.deleteToken('a'.repeat(64));
      expect(await session('a'.repeat(64))).toBeNull();
    });

    test('a lookup records the last use at most once per touch interval, and never revives an expired token', async () => {
      const t = 'c'.repeat(64);
      await store.createToken(t, vol.id, '2024-06-01T08:00:00.000Z');
      // Within the minute: nothing is written.
      expect((await session(t, '2024-06-01T08:00:59.000Z'))?.lastUsedAt).toBe('2024-06-01T08:00:00.000Z');
      expect(await lastUse(t)).toBe('2024-06-01T08:00:00.000Z');
      // After it: the lookup answers the previous use and records this one.
      expect((await session(t, '2024-06-01T08:01:00.001Z'))?.lastUsedAt).toBe('2024-06-01T08:00:00.000Z');
      expect(await lastUse(t)).toBe('2024-06-01T08:01:00.001Z');
      // 30 days and a moment later it has expired: answered as it was, not touched.
      const late = '2024-07-01T08:01:00.002Z';
      expect(await session(t, late)).toEqual({ user: vol, createdAt: '2024-06-01T08:00:00.000Z', lastUsedAt: '2024-06-01T08:01:00.001Z' });
      expect(await lastUse(t)).toBe('2024-06-01T08:01:00.001Z');
      // Used every 20 days, a token is touched each time until it is 180 days old, then no more.
      const old = 'd'.repeat(64);
      await store.createToken(old, vol.id, '2023-12-01T00:00:00.000Z');
      for (let day = 20; day < 180; day += 20) await session(old, new Date(Date.parse('2023-12-01T00:00:00.000Z') + day * 86_400_000).toISOString());
      expect(await lastUse(old)).toBe('2024-05-09T00:00:00.000Z');
      expect((await session(old, '2024-05-30T00:00:00.000Z'))?.lastUsedAt).toBe('2024-05-09T00:00:00.000Z');
      expect(await lastUse(old)).toBe('2024-05-09T00:00:00.000Z');
    });

    test('disabling a user or resetting the password revokes all their tokens; renaming does not', async () => {
      await store.createToken('1'.repeat(64), vol.id, NOW);
      await store.createToken('2'.repeat(64), vol.id, NOW);
      await store.createToken('3'.repeat(64), staff.id, NOW);
      const renamed = await store.updateUser(vol.id, { name: '新名字' });
      expect(renamed?.name).toBe('新名字');
      expect((await session('1'.repeat(64)))?.user.name).toBe('新名字');
      const disabled = await store.updateUser(vol.id, { disabled: true });
      expect(disabled?.disabled).toBe(true);
      expect(await session('1'.repeat(64))).toBeNull();
      expect(await session('2'.repeat(64))).toBeNull();
      expect((await session('3'.repeat(64)))?.user.id).toBe(staff.id);
      await store.updateUser(staff.id, { passwordHash: 'scrypt$new' });
      expect(await session('3'.repeat(64))).toBeNull();
      expect((await store.getUser(staff.id))?.passwordHash).toBe('scrypt$new');
      expect(await store.updateUser(newId(), { name: 'x' })).toBeNull();
    });

    test('a password change keeps the asking token and revokes the user’s others only', async () => {
      const [keep, other, someoneElse] = ['6'.repeat(64), '7'.repeat(64), '8'.repeat(64)];
      await store.createToken(keep, vol.id, NOW);
      await store.createToken(other, vol.id, NOW);
      await store.createToken(someoneElse, staff.id, NOW);
      expect(await store.changePassword(vol.id, 'scrypt$changed', keep)).toEqual({ ...vol, passwordHash: 'scrypt$changed' });
      expect([(await session(keep))?.user.passwordHash, await session(other), (await session(someoneElse))?.user.id]).toEqual([
        'scrypt$changed',
        null,
        staff.id,
      ]);
      expect(await store.changePassword(newId(), 'scrypt$x', keep)).toBeNull();
    });

    test('a token deleted or a user disabled through another store object is refused by the next lookup', async () => {
      const other = await h.reopen();
      const t1 = '4'.repeat(64);
      const t2 = '5'.repeat(64);
      await store.createToken(t1, vol.id, NOW);
      await store.createToken(t2, staff.id, NOW);
      expect((await other.tokenSession(t1, timesAt(NOW)))?.user.id).toBe(vol.id);
      await store.deleteToken(t1);
      expect(await other.tokenSession(t1, timesAt(NOW))).toBeNull();
      expect((await other.tokenSession(t2, timesAt(NOW)))?.user.disabled).toBe(false);
      await store.updateUser(staff.id, { name: '改过的名字' });
      expect((await other.tokenSession(t2, timesAt(NOW)))?.user.name).toBe('改过的名字');
      await store.updateUser(staff.id, { disabled: true });
      expect(await other.tokenSession(t2, timesAt(NOW))).toBeNull();
    });

    test('attempt counters count in a window from the first attempt, start over after it, and reset on demand', async () => {
      const W = 900_000;
      const t0 = 1_700_000_000_000;
      expect(await store.hitLimit('login:account:a', t0, W)).toEqual({ hits: 1, resetAt: t0 + W });
      expect(await store.hitLimit('login:account:a', t0 + 1000, W)).toEqual({ hits: 2, resetAt: t0 + W });
      expect(await store.hitLimit('login:account:b', t0 + 1000, W)).toEqual({ hits: 1, resetAt: t0 + 1000 + W });
      expect(await store.hitLimit('login:account:a', t0 + W - 1, W)).toEqual({ hits: 3, resetAt: t0 + W });
      expect(await store.hitLimit('login:account:a', t0 + W, W)).toEqual({ hits: 1, resetAt: t0 + 2 * W });
      await store.resetLimit('login:account:a');
      expect(await store.hitLimit('login:account:a', t0 + W + 5, W)).toEqual({ hits: 1, resetAt: t0 + 2 * W + 5 });
      await store.pruneAuth({ windowStartBefore: t0 + W, tokensUsedBefore: '2000-01-01T00:00:00.000Z', tokensCreatedBefore: '2000-01-01T00:00:00.000Z' });
      expect((await store.dump()).auth_limits).toEqual([{ key: 'login:account:a', window_start: t0 + W + 5, hits: 1 }]);
    });

    test('attempts counted at once through two store objects are each counted once', async () => {
      const other = await h.reopen();
      const t0 = 1_700_000_000_000;
      const hits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).hitLimit('login:address:10.0.0.1', t0 + i, 900_000)));
      expect(hits.map((x) => x.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    test('pruning drops tokens unused or issued before the given instants, and keeps the rest', async () => {
      await store.createToken('e'.repeat(64), vol.id, '2024-01-01T00:00:00.000Z');
      await store.createToken('f'.repeat(64), vol.id, '2024-05-01T00:00:00.000Z');
      await store.createToken('9'.repeat(64), vol.id, '2024-05-20T00:00:00.000Z');
      await store.pruneAuth({ windowStartBefore: 0, tokensUsedBefore: '2024-04-01T00:00:00.000Z', tokensCreatedBefore: '2024-05-10T00:00:00.000Z' });
      expect(((await store.dump()).tokens as { token_hash: string }[]).map((t) => t.token_hash)).toEqual(['9'.repeat(64)]);
    });

    test('the secret fingerprint is stored once: the first one given is the answer ever after', async () => {
      expect(await store.secretFingerprint('fp-1')).toBe('fp-1');
      expect(await store.secretFingerprint('fp-2')).toBe('fp-1');
      expect(await (await h.reopen()).secretFingerprint('fp-3')).toBe('fp-1');
    });

    test('an invite is redeemed up to maxUses, then refused', async () => {
      const inv = invite(o.id, staff.id, { maxUses: 2 });
      await store.createInvite(inv);
      const a = await store.redeemInvite(inv.codeHash, NOW, (i) => user(i.orgId, i.role, 'joiner-a'));
      const b = await store.redeemInvite(inv.codeHash, NOW, (i) => user(i.orgId, i.role, 'joiner-b'));
      const c = await store.redeemInvite(inv.codeHash, NOW, (i) => user(i.orgId, i.role, 'joiner-c'));
      expect(a.ok && a.user.role).toBe('volunteer');
      expect(b.ok && b.user.orgId).toBe(o.id);
      expect(c).toEqual({ ok: false, reason: 'badInvite' });
      expect(await store.getUserByUsername('joiner-c')).toBeNull();
      expect((await store.listInvites(o.id))[0]?.uses).toBe(2);
    });

    test('expired, revoked and unknown invites are refused', async () => {
      const expired = invite(o.id, staff.id, { expiresAt: '2024-05-01T00:00:00.000Z' });
      const revoked = invite(o.id, staff.id);
      await store.createInvite(expired);
      await store.createInvite(revoked);
      expect(await store.revokeInvite(o.id, revoked.id)).toBe(true);
      expect(await store.revokeInvite(newId(), revoked.id)).toBe(false);
      for (const hash of [expired.codeHash, revoked.codeHash, 'f'.repeat(64)]) {
        expect(await store.redeemInvite(hash, NOW, (i) => user(i.orgId, i.role, 'nobody'))).toEqual({ ok: false, reason: 'badInvite' });
      }
      expect(await store.getUserByUsername('nobody')).toBeNull();
    });

    test('redeeming with a taken username counts no use and creates no user', async () => {
      const inv = invite(o.id, staff.id, { maxUses: 1 });
      await store.createInvite(inv);
      expect(await store.redeemInvite(inv.codeHash, NOW, (i) => user(i.orgId, i.role, vol.username))).toEqual({ ok: false, reason: 'usernameTaken' });
      expect((await store.listInvites(o.id))[0]?.uses).toBe(0);
      const ok = await store.redeemInvite(inv.codeHash, NOW, (i) => user(i.orgId, i.role, 'free-name'));
      expect(ok.ok).toBe(true);
    });

    test('a push stores rows with consecutive global revs, the client seq and the counter', async () => {
      const client = newId();
      const e1 = newId();
      const e2 = newId();
      const t1 = newId();
      const res = await doPush(staff, client, [putEvent(1, e1, eventFields()), targetPut(2, t1, 5), putEvent(3, e2, eventFields({ title: '第二场' }))]);
      expect(res).toEqual({
        v: 1,
        epoch: (await store.ledger()).epoch,
        lastAppliedSeq: 3,
        results: [
          { seq: 1, status: 'applied', rev: 1 },
          { seq: 2, status: 'applied', rev: 2 },
          { seq: 3, status: 'applied', rev: 3 },
        ],
      });
      const ev = await store.getEvent(e2);
      expect(ev).toMatchObject({
        id: e2,
        orgId: o.id,
        title: '第二场',
        rev: 3,
        createdBy: staff.id,
        updatedBy: staff.id,
        deleted: false,
        createdAt: AT,
        updatedAt: NOW,
      });
      const again = await doPush(staff, client, [putEvent(3, e2, eventFields({ title: '重试' })), putEvent(4, e1, eventFields({ title: '改' }))]);
      expect(again.results).toEqual([
        { seq: 3, status: 'skipped' },
        { seq: 4, status: 'applied', rev: 4 },
      ]);
      expect((await store.getEvent(e2))?.title).toBe('第二场');
      expect((await store.dump()).rev_counter).toEqual([{ id: 1, rev: expect.anything() }]);
    });

    test('the planner sees the stored rows, the last seq and the rev counter', async () => {
      const client = newId();
      const e1 = newId();
      await doPush(vol, client, [putEvent(1, e1, eventFields())]);
      let seen: { lastSeq: number; rev: number; ids: string[] } | null = null;
      await store.push({ actor: actorOf(vol), clientId: client, mutations: [putEvent(2, e1, { title: 'x' })] }, (state): PushPlan => {
        seen = { lastSeq: state.lastSeq, rev: state.rev, ids: [...state.events.keys()] };
        return {
          response: { v: 1, epoch: state.epoch, lastAppliedSeq: state.lastSeq, results: [] },
          lastSeq: state.lastSeq,
          rev: state.rev,
          events: [],
          targets: [],
          awards: [],
          history: [],
        };
      });
      expect(seen).toEqual({ lastSeq: 1, rev: 1, ids: [e1] });
    });

    test('a planner that throws writes nothing', async () => {
      const before = await store.dump();
      await expect(
        store.push({ actor: actorOf(vol), clientId: newId(), mutations: [putEvent(1, newId(), eventFields())] }, () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.dump()).toEqual(before);
    });

    test('history keeps every overwritten value with who, which client and when', async () => {
      const cA = newId();
      const cS = newId();
      const e = newId();
      await doPush(vol, cA, [putEvent(1, e, eventFields({ title: '甲' }))]);
      await doPush(staff, cS, [putEvent(1, e, { title: '乙', attendance: 320 })], '2024-06-02T00:00:00.000Z');
      const hist = await store.history('event', e);
      expect(hist).toEqual([
        {
          entity: 'event',
          recordId: e,
          field: 'title',
          oldValue: '甲',
          newValue: '乙',
          rev: 2,
          userId: staff.id,
          clientId: cS,
          at: '2024-06-02T00:00:00.000Z',
          clientAt: AT,
        },
        {
          entity: 'event',
          recordId: e,
          field: 'attendance',
          oldValue: 300,
          newValue: 320,
          rev: 2,
          userId: staff.id,
          clientId: cS,
          at: '2024-06-02T00:00:00.000Z',
          clientAt: AT,
        },
      ]);
      expect(await store.history('event', newId())).toEqual([]);
    });

    test('a pull returns the org’s events and targets after the cursor in rev order, tombstones included, page by page', async () => {
      const client = newId();
      const ids = Array.from({ length: 5 }, () => newId());
      const t = newId();
      await doPush(staff, client, [
        ...ids.map((id, i) => putEvent(i + 1, id, eventFields({ title: `活动${i}` }))),
        targetPut(6, t, 3),
        { entity: 'event', op: 'delete', seq: 7, eventId: ids[0]!, at: AT },
      ]);
      const page1 = await store.pull(o.id, 0, 3);
      expect(page1.more).toBe(true);
      expect(page1.rows.map((r) => r.row.rev)).toEqual([2, 3, 4]);
      const page2 = await store.pull(o.id, 4, 3);
      expect(page2.rows.map((r) => [r.entity, r.row.rev])).toEqual([
        ['event', 5],
        ['target', 6],
        ['event', 7],
      ]);
      expect(page2.more).toBe(false);
      const tomb = page2.rows[2]!.row;
      expect(tomb).toMatchObject({ id: ids[0], deleted: true, rev: 7 });
      expect((page2.rows[1]!.row as Target).min).toBe(3);
      const { epoch, signKey } = await store.ledger();
      expect(await store.pull(o.id, 7, 10)).toEqual({ rows: [], dropped: [], more: false, epoch });
      expect(await store.currentRev()).toBe(7);
      // Every row comes with the signature of exactly its stored content (the key is the ledger's).
      expect(page2.rows.map((r) => r.sig)).toEqual(page2.rows.map((r) => signRecord(signKey, r.row)));
      expect(page2.rows.every((r) => verifyRecord(signKey, r.row, r.sig) && !verifyRecord(signKey, { ...r.row, deleted: !r.row.deleted }, r.sig))).toBe(true);
      // Another association sees none of them.
      expect(await store.pull(newId(), 0, 10)).toEqual({ rows: [], dropped: [], more: false, epoch });
    });

    test('an indicator of the 自评表: a target written before the indicator fields takes them by a later put, reads back whole, and a bad one changes nothing', async () => {
      const client = newId();
      const t = newId();
      await doPush(staff, client, [targetPut(1, t, 5)]);
      const fields = {
        weight: 3,
        goalText: '按时办结率100%',
        source: 'external' as const,
        externalKey: 'feedback.onTimeRate',
        rule: 'bands' as const,
        bands: [
          { atLeast: 1, share: 1 },
          { atLeast: 0.5, share: 0.5 },
        ],
        manualScore: null,
        valueNote: '说明',
        evidence: '佐证：信访台账（档案号 2024-03）',
        deviation: '开通群众意见反馈渠道',
      };
      const put = await doPush(staff, client, [{ entity: 'target', op: 'put', seq: 2, targetId: t, at: AT, fields }]);
      expect(put.results).toEqual([{ seq: 2, status: 'applied', rev: expect.any(Number) }]);
      const rows = (await store.pull(o.id, 0, 10)).rows.filter((r) => r.row.id === t);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.row).toMatchObject({ ...fields, min: 5, level3: '科普大篷车巡展', rev: put.results[0]!.status === 'applied' ? put.results[0]!.rev : -1 });
      expect((await store.history('target', t)).map((h) => h.field)).toEqual(expect.arrayContaining(['weight', 'source', 'bands', 'deviation']));
      // A 分值 below 0 is refused with its field and code; the stored row stays as it was.
      const bad = await doPush(staff, client, [{ entity: 'target', op: 'put', seq: 3, targetId: t, at: AT, fields: { weight: -1, deviation: '改' } }]);
      expect(bad.results).toEqual([{ seq: 3, status: 'rejected', reason: expect.any(String), problems: [{ field: 'weight', code: 'negative' }] }]);
      expect((await store.pull(o.id, 0, 10)).rows.find((r) => r.row.id === t)!.row).toMatchObject({ weight: 3, deviation: '开通群众意见反馈渠道' });
    });

    test('a scoped pull gives the user’s own events, those listing them and every target; a removal is `dropped` at its rev', async () => {
      const client = newId();
      const [mine, listed, other] = [newId(), newId(), newId()];
      const t = newId();
      const vol2 = user(o.id, 'volunteer', `vol2-${newId().slice(0, 8)}`);
      expect(await store.createUser(vol2)).toBe(true);
      const listing = (...us: UserRow[]) => us.map((u) => ({ name: u.name, userId: u.id, hours: 2 }));
      await doPush(vol, newId(), [putEvent(1, mine, eventFields({ title: '我的' }))]); // rev 1
      await doPush(staff, client, [
        putEvent(1, listed, eventFields({ title: '列名', volunteers: listing(vol, vol2) })), // rev 2
        putEvent(2, other, eventFields({ title: '别人的', volunteers: listing(vol2) })), // rev 3
        targetPut(3, t, 3), // rev 4
      ]);
      const scoped = { userId: vol.id };
      const all = await store.pull(o.id, 0, 10, scoped);
      expect(all.rows.map((r) => [r.entity, r.row.id, r.row.rev])).toEqual([
        ['event', mine, 1],
        ['event', listed, 2],
        ['target', t, 4],
      ]);
      expect(all.dropped).toEqual([]);
      expect(all.more).toBe(false);
      const { signKey } = await store.ledger();
      expect(all.rows.every((r) => verifyRecord(signKey, r.row, r.sig))).toBe(true);
      // The other volunteer's phone: the listed event and their own, never the first volunteer's.
      expect((await store.pull(o.id, 0, 10, { userId: vol2.id })).rows.map((r) => r.row.id)).toEqual([listed, other, t]);
      // Paged one at a time: the same rows, the same order.
      const paged: string[] = [];
      for (let cursor = 0, more = true; more;) {
        const p = await store.pull(o.id, cursor, 1, scoped);
        paged.push(...p.rows.map((r) => r.row.id));
        cursor = Math.max(cursor, ...p.rows.map((r) => r.row.rev), ...p.dropped.map((d) => d.rev));
        more = p.more;
      }
      expect(paged).toEqual([mine, listed, t]);
      // Staff take the volunteer off the list (rev 5), then edit it again (rev 6): dropped once, at rev 5.
      await doPush(staff, client, [putEvent(4, listed, { volunteers: listing(vol2) })]);
      await doPush(staff, client, [putEvent(5, listed, { title: '列名（改）' })]);
      const after = await store.pull(o.id, 4, 10, scoped);
      expect(after).toMatchObject({ rows: [], dropped: [{ id: listed, rev: 5 }], more: false });
      expect(await store.pull(o.id, 5, 10, scoped)).toMatchObject({ rows: [], dropped: [] });
      // A limit cuts the one rev-ordered list of rows and drops.
      const cut = await store.pull(o.id, 3, 1, scoped);
      expect(cut).toMatchObject({ rows: [{ entity: 'target' }], dropped: [], more: true });
      // Listed again (rev 7): the row comes back; the old drop at rev 5 is below the phone's cursor.
      await doPush(staff, client, [putEvent(6, listed, { volunteers: listing(vol) })]);
      const back = await store.pull(o.id, 5, 10, scoped);
      expect(back.rows.map((r) => [r.row.id, r.row.rev])).toEqual([[listed, 7]]);
      expect(back.dropped).toEqual([]);
      // vol2 was taken off at rev 7.
      expect((await store.pull(o.id, 6, 10, { userId: vol2.id })).dropped).toEqual([{ id: listed, rev: 7 }]);
      // An unscoped pull (staff) still has every row.
      expect((await store.pull(o.id, 0, 10)).rows.map((r) => r.row.id)).toEqual([mine, other, t, listed]);
      // The author deletes their own event: the tombstone reaches them.
      await doPush(vol, newId(), [{ entity: 'event', op: 'delete', seq: 1, eventId: mine, at: AT }]);
      expect((await store.pull(o.id, 7, 10, scoped)).rows.map((r) => [r.row.id, r.row.deleted])).toEqual([[mine, true]]);
    });

    test('live events and the rev sum: every write of an org’s event raises the sum; tombstones are not live', async () => {
      const client = newId();
      const [a, b] = [newId(), newId()];
      expect(await store.eventRevSum(o.id)).toBe(0);
      expect(await store.liveEvents(o.id)).toEqual({ events: [], revSum: 0 });
      await doPush(staff, client, [putEvent(1, a, eventFields()), putEvent(2, b, eventFields({ title: '二' }))]);
      const s1 = await store.eventRevSum(o.id);
      expect(s1).toBe(1 + 2);
      await doPush(staff, client, [putEvent(3, a, { title: '改' })]);
      const s2 = await store.eventRevSum(o.id);
      expect(s2).toBe(3 + 2);
      await doPush(staff, client, [{ entity: 'event', op: 'delete', seq: 4, eventId: b, at: AT }]);
      const live = await store.liveEvents(o.id);
      expect(live.revSum).toBe(3 + 4);
      expect(live.revSum).toBe(await store.eventRevSum(o.id));
      expect(live.events.map((e) => [e.id, e.title])).toEqual([[a, '改']]);
      expect(await store.eventRevSum(newId())).toBe(0);
    });

    test('concurrent pushes from many clients get distinct consecutive revs', async () => {
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, () => doPush(vol, newId(), [putEvent(1, newId(), eventFields()), putEvent(2, newId(), eventFields())])),
      );
      const revs = results.flatMap((r) => r.results.map((x) => (x.status === 'applied' ? x.rev : -1))).sort((a, b) => a - b);
      expect(revs).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 1));
      const pulled = await store.pull(o.id, 0, 1000);
      expect(pulled.rows.map((r) => r.row.rev)).toEqual(revs);
    });

    test('concurrent edits of one event from many clients each merge onto the previous one, in rev order', async () => {
      const e = newId();
      await doPush(staff, newId(), [putEvent(1, e, eventFields({ title: 't0' }))]);
      const n = 8;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => doPush(staff, newId(), [putEvent(1, e, { title: `t${i + 1}` })])));
      expect(results.map((r) => r.results[0]!.status)).toEqual(Array(n).fill('applied'));
      const revs = results.map((r) => (r.results[0]!.status === 'applied' ? r.results[0]!.rev : -1)).sort((a, b) => a - b);
      expect(revs).toEqual(Array.from({ length: n }, (_, i) => i + 2));
      const hist = (await store.history('event', e)).filter((x) => x.field === 'title').sort((a, b) => a.rev - b.rev);
      expect(hist.map((x) => x.rev)).toEqual(revs);
      // Each change saw the value the one before it wrote: no push merged from a stale row.
      expect(hist.map((x) => x.oldValue)).toEqual(['t0', ...hist.slice(0, -1).map((x) => x.newValue)]);
      expect(await store.getEvent(e)).toMatchObject({ rev: n + 1, title: hist.at(-1)!.newValue });
    });

    test('concurrent creates of the same new event from several clients: one creates it, the others merge onto it', async () => {
      const e = newId();
      const n = 5;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => doPush(staff, newId(), [putEvent(1, e, eventFields({ title: `c${i}` }))])));
      expect(results.map((r) => r.results[0]!.status)).toEqual(Array(n).fill('applied'));
      const hist = (await store.history('event', e)).filter((x) => x.field === 'title').sort((a, b) => a.rev - b.rev);
      expect(hist.map((x) => x.rev)).toEqual([2, 3, 4, 5]);
      expect(hist.slice(1).map((x) => x.oldValue)).toEqual(hist.slice(0, -1).map((x) => x.newValue));
      expect(await store.currentRev()).toBe(n);
      expect((await store.pull(o.id, 0, 100)).rows.map((r) => [r.row.id, r.row.rev])).toEqual([[e, n]]);
    });

    test('the org taxonomy is absent until put, then read back per org; a refusing decision writes nothing', async () => {
      expect(await store.getTaxonomy(o.id)).toBeNull();
      const added = { ...DEFAULT_TAXONOMY, formats: [...DEFAULT_TAXONOMY.formats, { code: 'film', zh: '科普电影放映' }] };
      const seen: unknown[] = [];
      const first = await store.putTaxonomy(o.id, (current) => {
        seen.push(current);
        return { taxonomy: added, updatedBy: staff.id, updatedAt: NOW };
      });
      expect(first).toEqual({ taxonomy: added, updatedBy: staff.id, updatedAt: NOW });
      expect(await store.getTaxonomy(o.id)).toEqual({ taxonomy: added, updatedBy: staff.id, updatedAt: NOW });
      const before = await store.dump();
      const kept = await store.putTaxonomy(o.id, (current) => {
        seen.push(current);
        return null;
      });
      expect(kept).toEqual({ taxonomy: added, updatedBy: staff.id, updatedAt: NOW });
      expect(seen).toEqual([null, { taxonomy: added, updatedBy: staff.id, updatedAt: NOW }]);
      expect(await store.dump()).toEqual(before);
      const renamed = { ...added, formats: added.formats.map((e) => (e.code === 'film' ? { ...e, zh: '科普电影', retired: true } : e)) };
      await store.putTaxonomy(o.id, () => ({ taxonomy: renamed, updatedBy: admin.id, updatedAt: '2024-06-02T08:00:00.000Z' }));
      expect(await store.getTaxonomy(o.id)).toEqual({ taxonomy: renamed, updatedBy: admin.id, updatedAt: '2024-06-02T08:00:00.000Z' });
      const other = org();
      expect(await store.getTaxonomy(other.id)).toBeNull();
      const again = await h.reopen();
      expect((await again.getTaxonomy(o.id))?.taxonomy.formats.at(-1)).toEqual({ code: 'film', zh: '科普电影', retired: true });
    });

    test('a reopened store (a restarted server) holds the same data and continues the counters', async () => {
      const client = newId();
      const e = newId();
      await doPush(vol, client, [putEvent(1, e, eventFields())]);
      const before = await store.dump();
      const again = await h.reopen();
      expect(await again.dump()).toEqual(before);
      const res = await again.push(
        { actor: actorOf(vol), clientId: client, mutations: [putEvent(1, e, { title: 'retry' }), putEvent(2, newId(), eventFields())] },
        (state) =>
          planPush(
            { actor: actorOf(vol), clientId: client, mutations: [putEvent(1, e, { title: 'retry' }), putEvent(2, newId(), eventFields())], now: NOW, refs },
            state,
          ),
      );
      expect(res.results.map((r) => r.status)).toEqual(['skipped', 'applied']);
      expect(res.results[1]).toMatchObject({ rev: 2 });
    });
  });
}
