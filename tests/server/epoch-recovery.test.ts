/**
 * The ledger epoch and recovery after a restore, over HTTP on SQLite and PostgreSQL: every answer
 * carries the epoch; a phone under another epoch is refused (409) with nothing applied; rows sent
 * back are taken when the server lacks them or holds an older version, as issued when they carry
 * the server's signature, as the sender's own change when not.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LedgerEvent } from '../../src/domain/event';
import type { PullResponse, PushResponse, RecoverResponse, RecoveredRow } from '../../src/sync/protocol';
import {
  bearer,
  eventFields,
  handleFor,
  newId,
  push,
  putEvent,
  seedAccounts,
  testApp,
  type Account,
  type Accounts,
  type StoreHandle,
  type StoreKind,
} from './helpers';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const OTHER_EPOCH = '0'.repeat(32);

describe.each(KINDS)('ledger epoch and recovery on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  let epoch: string;

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    acc = await seedAccounts(app);
    epoch = (await h.store.ledger()).epoch;
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  async function pull(
    who: Account,
    cursor: number,
    ep: string | null | undefined,
  ): Promise<{ status: number; body: PullResponse & { error?: string; epoch: string } }> {
    const q = ep === undefined ? '' : `&epoch=${ep ?? ''}`;
    const res = await app.inject({ url: `/api/sync/pull?cursor=${cursor}&limit=500${q}`, headers: bearer(who) });
    return { status: res.statusCode, body: res.json() };
  }

  async function recover(who: Account, rows: RecoveredRow[], ep = epoch): Promise<{ status: number; body: RecoverResponse & { error?: string } }> {
    const res = await app.inject({ method: 'POST', url: '/api/sync/recover', headers: bearer(who), payload: { v: 1, clientId: newId(), epoch: ep, rows } });
    return { status: res.statusCode, body: res.json() };
  }

  /**
   * The server's rows as a phone pulls them: row and signature. By default every row, as staff
   * pull them — and as a volunteer's phone held them before scoped pulls (issue 13 §5), which is
   * what such a phone sends back after a restore.
   */
  async function pulledRows(who: Account = acc.staff): Promise<RecoveredRow[]> {
    const r = await pull(who, 0, epoch);
    expect(r.status).toBe(200);
    return r.body.rows.map((x) => ({ entity: x.entity, row: x.row as unknown as RecoveredRow['row'], sig: x.sig ?? null }));
  }

  async function eventOf(id: string): Promise<LedgerEvent | null> {
    return h.store.getEvent(id);
  }

  /** A different database's rows: what the restored server lacks. Empties the ledger (a restore to before everything). */
  async function wipeEvents(): Promise<void> {
    const s = h.store as unknown as { db?: { exec(sql: string): void }; pool?: { query(sql: string): Promise<unknown> } };
    if (s.db) s.db.exec('DELETE FROM event_history; DELETE FROM event_access; DELETE FROM events; DELETE FROM targets;');
    else await s.pool!.query('DELETE FROM event_history; DELETE FROM event_access; DELETE FROM events; DELETE FROM targets;');
  }

  test('every push and pull answer carries the epoch; a push or pull under another epoch is a 409 naming it, and changes nothing', async () => {
    const ok = await push(app, acc.volA, newId(), [putEvent(1, newId(), eventFields())]);
    expect(ok.json<PushResponse>().epoch).toBe(epoch);
    expect((await pull(acc.volA, 0, epoch)).body.epoch).toBe(epoch);
    const before = await h.store.dump();
    const res = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: bearer(acc.volA),
      payload: { v: 1, clientId: newId(), epoch: OTHER_EPOCH, mutations: [putEvent(1, newId(), eventFields())] },
    });
    expect([res.statusCode, res.json()]).toEqual([409, { error: 'epochChanged', message: expect.stringContaining('restored'), epoch }]);
    expect(await pull(acc.volA, 0, OTHER_EPOCH)).toEqual({ status: 409, body: { error: 'epochChanged', message: expect.any(String), epoch } });
    // A phone that knows no epoch but holds rows (cursor > 0) must recover too; a fresh one may pull.
    expect((await pull(acc.volA, 1, null)).status).toBe(409);
    expect((await pull(acc.volA, 0, null)).status).toBe(200);
    // A phone older than epochs (no epoch parameter) pulls as before.
    expect((await pull(acc.volA, 1, undefined)).status).toBe(200);
    expect((await recover(acc.volA, [], OTHER_EPOCH)).status).toBe(409);
    expect(await h.store.dump()).toEqual(before);
  });

  test('renewEpoch gives the ledger a new epoch that the next answers carry, and refuses the old one', async () => {
    const next = 'a'.repeat(32);
    await h.store.renewEpoch(next, new Date().toISOString());
    expect((await pull(acc.volA, 0, next)).body.epoch).toBe(next);
    expect((await pull(acc.volA, 0, epoch)).body).toMatchObject({ error: 'epochChanged', epoch: next });
  });

  test("signed rows a volunteer's phone sends back are restored exactly as issued: other people's events, review decisions and tombstones", async () => {
    const [e1, e2, e3] = [newId(), newId(), newId()];
    await push(app, acc.volB, newId(), [putEvent(1, e1, eventFields({ title: '乙的活动' })), putEvent(2, e2, eventFields({ title: '乙的讲座' }))]);
    await push(app, acc.staff, newId(), [
      putEvent(1, e1, { status: 'reviewed' }),
      putEvent(2, e3, eventFields({ title: '工作人员的活动' })),
      { entity: 'event', op: 'delete', seq: 3, eventId: e2, at: '2024-05-21T09:00:00+08:00' },
    ]);
    const phone = await pulledRows();
    const issued = new Map(phone.map((r) => [r.row.id, r.row]));
    await wipeEvents();

    const r = await recover(acc.volA, phone);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => [x.id, x.status])).toEqual([
      [e1, 'restored'],
      [e3, 'restored'],
      [e2, 'restored'],
    ]);
    for (const id of [e1, e2, e3]) {
      const { rev: _a, ...stored } = (await eventOf(id))!;
      const { rev: _b, ...sent } = issued.get(id) as unknown as LedgerEvent;
      expect(stored).toEqual(sent);
    }
    expect(await eventOf(e1)).toMatchObject({ status: 'reviewed', reviewedBy: acc.staff.userId, createdBy: acc.volB.userId });
    expect(await eventOf(e2)).toMatchObject({ deleted: true, updatedBy: acc.staff.userId });
    // The deletion is the staff member's in the history, so the author still cannot undo it.
    const undo = await push(app, acc.volB, newId(), [{ entity: 'event', op: 'undelete', seq: 1, eventId: e2, at: '2024-05-22T09:00:00+08:00' }]);
    expect(undo.json<PushResponse>().results).toEqual([{ seq: 1, status: 'rejected', reason: 'deletedByStaff' }]);
    // Sending the same rows again (another phone, or a retry) finds them there: nothing written.
    const dump = await h.store.dump();
    expect((await recover(acc.volB, phone)).body.results.map((x) => x.status)).toEqual(['kept', 'kept', 'kept']);
    expect(await h.store.dump()).toEqual(dump);
  });

  test("a row whose signature does not match its content counts as the sender's change: a volunteer cannot restore someone else's event, nor approve their own", async () => {
    const [mine, theirs] = [newId(), newId()];
    await push(app, acc.volA, newId(), [putEvent(1, mine, eventFields({ attendance: 300 }))]);
    await push(app, acc.volB, newId(), [putEvent(1, theirs, eventFields({ attendance: 300 }))]);
    await push(app, acc.staff, newId(), [putEvent(1, mine, { status: 'reviewed' })]);
    const phone = await pulledRows();
    await wipeEvents();
    // The volunteer inflates both events before sending them back, keeping the server's signatures.
    const forged = phone.map((r) => ({ ...r, row: { ...r.row, attendance: 500_000 } }));
    const r = await recover(acc.volA, forged);
    expect(new Map(r.body.results.map((x) => [x.id, [x.status, x.status === 'rejected' ? x.reason : '']]))).toEqual(
      new Map([
        [mine, ['restored', '']],
        [theirs, ['rejected', 'notYourEvent']],
      ]),
    );
    // Their own event comes back as their change: counted again only after staff check it.
    expect(await eventOf(mine)).toMatchObject({ attendance: 500_000, status: 'submitted', reviewedBy: null, reviewedAt: null, updatedBy: acc.volA.userId });
    expect(await eventOf(theirs)).toBeNull();
    // Staff's own unsigned rows go through staff's rights: restored with the review kept.
    const staffRow = { ...forged.find((r) => r.row.id === theirs)!, sig: null };
    expect((await recover(acc.staff, [staffRow])).body.results.map((x) => x.status)).toEqual(['restored']);
    expect(await eventOf(theirs)).toMatchObject({ attendance: 500_000, createdBy: acc.volB.userId });
  });

  test("the server keeps a version newer than the one sent back, and takes an older one's place only with a newer one", async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields({ title: '旧标题' }))]);
    const old = await pulledRows();
    await push(app, acc.volA, newId(), [putEvent(1, e, { title: '新标题' })]);
    const dump = await h.store.dump();
    expect((await recover(acc.volA, old)).body.results).toEqual([{ entity: 'event', id: e, status: 'kept' }]);
    expect(await h.store.dump()).toEqual(dump);
    const newer = await pulledRows();
    await push(app, acc.volA, newId(), [putEvent(1, e, { title: '旧标题' })]);
    // The server now holds a still newer version (written after `newer` was pulled): kept.
    expect((await recover(acc.volA, newer)).body.results.map((x) => x.status)).toEqual(['kept']);
    expect((await eventOf(e))!.title).toBe('旧标题');
  });

  test('recovery refuses rows of another association and rows that are not whole records, one by one', async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
    const [row] = await pulledRows();
    await wipeEvents();
    const stranger = { ...row!, row: { ...row!.row, id: newId(), orgId: newId() } };
    const broken = { entity: 'event' as const, row: { id: newId(), title: '只有标题' }, sig: null };
    const r = await recover(acc.volA, [stranger, broken, row!]);
    expect(r.body.results.map((x) => [x.status, x.status === 'rejected' ? x.reason : ''])).toEqual([
      ['rejected', 'notFound'],
      ['rejected', 'invalid'],
      ['restored', ''],
    ]);
  });
});

describe.each(KINDS)('approval means the numbers were checked, on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  const at = '2024-05-21T09:00:00+08:00';

  test("an author's change to the counts of a reviewed event sends it back to submitted, with the history of what changed since the approval", async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
    await push(app, acc.staff, newId(), [putEvent(1, e, { status: 'reviewed' })]);
    expect(await h.store.getEvent(e)).toMatchObject({ status: 'reviewed', reviewedBy: acc.staff.userId });
    const inflated = await push(app, acc.volA, newId(), [putEvent(1, e, { attendance: 500000, materials: [{ kind: 'booklet', count: 9000000 }] })]);
    expect(inflated.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 3 }]);
    expect(await h.store.getEvent(e)).toMatchObject({ status: 'submitted', reviewedBy: null, reviewedAt: null, attendance: 500000 });
    const history = (await h.store.history('event', e)).filter((x) => x.rev === 3).map((x) => [x.field, x.oldValue, x.newValue, x.userId]);
    expect(history).toEqual([
      ['attendance', 300, 500000, acc.volA.userId],
      ['materials', [{ kind: 'booklet', count: 500 }], [{ kind: 'booklet', count: 9000000 }], acc.volA.userId],
      ['status', 'reviewed', 'submitted', acc.volA.userId],
      ['reviewedBy', acc.staff.userId, null, acc.volA.userId],
      ['reviewedAt', expect.any(String), null, acc.volA.userId],
    ]);
  });

  test('every field a report counts or shows ends the approval; the notes and the map point do not', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['title', { title: '改过的标题' }, 'submitted'],
      ['startAt', { startAt: '2024-05-19T09:00:00+08:00', endAt: '2024-05-19T11:00:00+08:00' }, 'submitted'],
      ['format', { format: 'lecture' }, 'submitted'],
      ['townshipCode', { townshipCode: '441323002000', villageCode: null }, 'submitted'],
      ['venueName', { venueName: '另一所学校' }, 'submitted'],
      ['volunteers', { volunteers: [{ name: '李四', userId: null, hours: 8 }] }, 'submitted'],
      ['photos', { photos: [] }, 'reviewed'], // unchanged value: no change at all
      ['notes', { notes: '补充说明' }, 'reviewed'],
      ['point', { point: { lat: 22.9, lon: 114.7, accuracyM: 10, source: 'gps' } }, 'reviewed'],
    ];
    for (const [name, fields, expected] of cases) {
      const e = newId();
      await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
      await push(app, acc.staff, newId(), [putEvent(1, e, { status: 'reviewed' })]);
      const r = await push(app, acc.volA, newId(), [putEvent(1, e, fields)]);
      expect([name, r.json<PushResponse>().results[0]!.status, (await h.store.getEvent(e))!.status]).toEqual([name, 'applied', expected]);
    }
  });

  test("staff editing a reviewed event keeps it reviewed; an author's own withdrawal clears the reviewer", async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
    await push(app, acc.staff, newId(), [putEvent(1, e, { status: 'reviewed' })]);
    await push(app, acc.staff, newId(), [putEvent(1, e, { attendance: 310 })]);
    expect(await h.store.getEvent(e)).toMatchObject({ status: 'reviewed', reviewedBy: acc.staff.userId, attendance: 310 });
    await push(app, acc.volA, newId(), [putEvent(1, e, { status: 'draft' })]);
    expect(await h.store.getEvent(e)).toMatchObject({ status: 'draft', reviewedBy: null, reviewedAt: null });
  });

  test('a volunteer may not undelete an event staff deleted, but may undo their own delete', async () => {
    const [byStaff, byMe] = [newId(), newId()];
    await push(app, acc.volA, newId(), [putEvent(1, byStaff, eventFields()), putEvent(2, byMe, eventFields())]);
    await push(app, acc.staff, newId(), [{ entity: 'event', op: 'delete', seq: 1, eventId: byStaff, at }]);
    const c = newId();
    const r = await push(app, acc.volA, c, [
      { entity: 'event', op: 'undelete', seq: 1, eventId: byStaff, at },
      { entity: 'event', op: 'delete', seq: 2, eventId: byMe, at },
      { entity: 'event', op: 'undelete', seq: 3, eventId: byMe, at },
    ]);
    expect(r.json<PushResponse>().results).toEqual([
      { seq: 1, status: 'rejected', reason: 'deletedByStaff' },
      { seq: 2, status: 'applied', rev: 4 },
      { seq: 3, status: 'applied', rev: 5 },
    ]);
    // An edit in between does not make the deletion the author's.
    await push(app, acc.volA, c, [putEvent(4, byStaff, { title: '删除后又改' })]);
    expect((await push(app, acc.volA, c, [{ entity: 'event', op: 'undelete', seq: 5, eventId: byStaff, at }])).json<PushResponse>().results).toEqual([
      { seq: 5, status: 'rejected', reason: 'deletedByStaff' },
    ]);
    expect(
      (await push(app, acc.staff, newId(), [{ entity: 'event', op: 'undelete', seq: 1, eventId: byStaff, at }])).json<PushResponse>().results[0]!.status,
    ).toBe('applied');
  });
});
