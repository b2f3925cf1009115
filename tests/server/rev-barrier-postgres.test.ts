/**
 * PostgreSQL pushes draw revs from a sequence and commit in any order (migration 007), so a push
 * can commit rev 3 while rev 1 is still in flight. A pull must then not hand out rev 3: the phone's
 * cursor would pass rev 1, which it would never see. These tests make two pushes commit out of
 * order for real — the first is held after it drew its rev and wrote its row, at its last
 * statement (the photo names, blocked by a table lock a test connection holds) — and check what
 * a pull hands out meanwhile and afterwards; then many pushes race a phone pulling in a loop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ReferenceContext } from '../../src/domain/event';
import { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
import type { PostgresStore } from '../../src/server/store/postgres';
import type { Actor, OrgRow, UserRow } from '../../src/server/store/store';
import { planPush } from '../../src/server/sync/plan';
import type { Mutation } from '../../src/sync/protocol';
import { eventFields, newId, postgresHandle, putEvent, TOWNSHIP, VILLAGE, type StoreHandle } from './helpers';

const NOW = '2024-06-01T08:00:00.000Z';
const refs: ReferenceContext = { taxonomy: DEFAULT_TAXONOMY, townshipCodes: new Set([TOWNSHIP]), villageTownship: new Map([[VILLAGE, TOWNSHIP]]) };

describe('the rev barrier (PostgreSQL): a pull never passes a rev that may still commit', () => {
  let h: StoreHandle;
  let store: PostgresStore;
  let org: OrgRow;
  let vol: UserRow;

  beforeEach(async () => {
    h = await postgresHandle();
    store = h.store as PostgresStore;
    org = { id: newId(), name: '惠东县科协', createdAt: NOW };
    vol = {
      id: newId(),
      orgId: org.id,
      role: 'volunteer',
      name: 'v',
      username: `v-${newId().slice(0, 8)}`,
      passwordHash: 'x',
      disabled: false,
      createdAt: NOW,
    };
    const admin = { ...vol, id: newId(), role: 'admin' as const, username: `a-${newId().slice(0, 8)}` };
    expect(await store.setup(org, admin)).toBe(true);
    expect(await store.createUser(vol)).toBe(true);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const actor = (): Actor => ({ userId: vol.id, orgId: org.id, role: vol.role });
  const doPush = (clientId: string, mutations: Mutation[]) =>
    store.push({ actor: actor(), clientId, mutations }, (state) => planPush({ actor: actor(), clientId, mutations, now: NOW, refs }, state));

  /** Resolves once some other backend of this database waits for a lock. */
  async function someoneWaitsForALock(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const r = await store.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if ((r.rows[0] as { n: number }).n > 0) return;
      await new Promise((ok) => setTimeout(ok, 10));
    }
    throw new Error('no backend ever waited for a lock');
  }

  /** What a phone does: pull from `cursor` while more wait; answers the revs it got and its cursor. */
  async function pullAll(cursor: number, scoped = false): Promise<{ revs: number[]; cursor: number }> {
    const revs: number[] = [];
    for (;;) {
      const page = await store.pull(org.id, cursor, 2, scoped ? { userId: vol.id } : undefined);
      revs.push(...page.rows.map((r) => r.row.rev));
      cursor = page.rows.at(-1)?.row.rev ?? cursor;
      if (!page.more) return { revs, cursor };
    }
  }

  test('a push committing rev 2 and 3 while rev 1 is in flight: the pull waits for rev 1, then hands out all three', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(61)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(await store.putBlob({ sha256: sha, contentType: 'image/jpeg', bytes, orgId: org.id, userId: vol.id, at: NOW, dayStart: NOW }, () => null)).toEqual({
      status: 'created',
    });
    const [eA, eB1, eB2] = [newId(), newId(), newId()];
    const gate = await store.pool.connect();
    try {
      await gate.query('BEGIN');
      // Push A names a photo anew, so its last statement records the name in blob_refs: held there.
      await gate.query('LOCK TABLE blob_refs IN SHARE MODE');
      const a = doPush(newId(), [putEvent(1, eA, eventFields({ photos: [sha] }))]);
      await someoneWaitsForALock();
      // Push B names no photo: it draws revs 2 and 3 and commits while A is still open.
      const b = await doPush(newId(), [putEvent(1, eB1, eventFields()), putEvent(2, eB2, eventFields())]);
      expect(b.results).toEqual([
        { seq: 1, status: 'applied', rev: 2 },
        { seq: 2, status: 'applied', rev: 3 },
      ]);
      // Out of order for real: B's rows are committed and visible, A's rev 1 is not.
      const visible = await store.pool.query('SELECT id, rev::int AS rev FROM events ORDER BY rev');
      expect(visible.rows).toEqual([
        { id: eB1, rev: 2 },
        { id: eB2, rev: 3 },
      ]);
      // The pull hands out nothing above A's rev while A may still commit.
      const during = await pullAll(0);
      expect(during).toEqual({ revs: [], cursor: 0 });
      // So does a volunteer's scoped pull (the access rows commit with their events).
      expect(await pullAll(0, true)).toEqual({ revs: [], cursor: 0 });
      await gate.query('COMMIT');
      expect((await a).results).toEqual([{ seq: 1, status: 'applied', rev: 1 }]);
      expect(await pullAll(during.cursor)).toEqual({ revs: [1, 2, 3], cursor: 3 });
      expect(await pullAll(0, true)).toEqual({ revs: [1, 2, 3], cursor: 3 });
    } finally {
      gate.release();
    }
  });

  test('a push rolled back after it drew its rev leaves a gap the pull steps over', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(61)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(await store.putBlob({ sha256: sha, contentType: 'image/jpeg', bytes, orgId: org.id, userId: vol.id, at: NOW, dayStart: NOW }, () => null)).toEqual({
      status: 'created',
    });
    const gate = await store.pool.connect();
    try {
      await gate.query('BEGIN');
      await gate.query('LOCK TABLE blob_refs IN SHARE MODE');
      const a = doPush(newId(), [putEvent(1, newId(), eventFields({ photos: [sha] }))]);
      await someoneWaitsForALock();
      const b = await doPush(newId(), [putEvent(1, newId(), eventFields())]);
      expect(b.results).toEqual([{ seq: 1, status: 'applied', rev: 2 }]);
      expect(await pullAll(0)).toEqual({ revs: [], cursor: 0 });
      // A fails at its last statement: PostgreSQL cancels it (as a dropped connection would).
      await store.pool.query(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO blob_refs%'",
      );
      await expect(a).rejects.toThrow(/cancel/);
      await gate.query('COMMIT');
      expect(await pullAll(0)).toEqual({ revs: [2], cursor: 2 });
      expect(await store.currentRev()).toBe(2);
    } finally {
      gate.release();
    }
  });

  test('many pushes racing a phone that pulls in a loop: the phone ends with every row, each once, in rev order', async () => {
    const pushes = 40;
    let done = false;
    const got: number[] = [];
    const phone = (async () => {
      let cursor = 0;
      while (!done) {
        const r = await pullAll(cursor);
        got.push(...r.revs);
        cursor = r.cursor;
      }
      got.push(...(await pullAll(cursor)).revs);
    })();
    const clients = Array.from({ length: 8 }, () => ({ id: newId(), seq: 0 }));
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < pushes / clients.length; i++) {
          const n = 1 + ((i * 7 + c.seq) % 3);
          await doPush(
            c.id,
            Array.from({ length: n }, (_, k) => putEvent(c.seq + k + 1, newId(), eventFields())),
          );
          c.seq += n;
        }
      }),
    );
    done = true;
    await phone;
    const all = (await store.pool.query('SELECT rev::int AS rev FROM events ORDER BY rev')).rows.map((r: { rev: number }) => r.rev);
    expect(all.length).toBe(clients.reduce((s, c) => s + c.seq, 0));
    expect(got).toEqual(all);
  });
});
