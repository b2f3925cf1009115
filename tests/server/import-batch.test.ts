/**
 * Imported events on the server, on SQLite and PostgreSQL: an event's import batch
 * (event.importBatch) round-trips through push and pull; the same row imported on two staff
 * devices (one id, made from the row) is one event; an undone batch imported again comes back
 * (put + undelete from a device that knows the tombstone; put, then 恢复, from one that does
 * not); events never imported keep their wire form (no importBatch key) and a put that changes
 * nothing keeps its rev.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LedgerEvent } from '../../src/domain/event';
import type { Mutation, PullResponse, PushResponse } from '../../src/sync/protocol';
import { importedEventId } from '../../src/domain/import-key';
import { AT, bearer, eventFields, handleFor, newId, push, putEvent, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
const KEY = 'c'.repeat(64);
const batch = (id: string, by: string) => ({ id, file: '2023年活动.csv', row: 2, key: KEY, at: '2024-05-20T10:00:00+08:00', by });
const undelete = (seq: number, eventId: string): Mutation => ({ entity: 'event', op: 'undelete', seq, eventId, at: AT });
const del = (seq: number, eventId: string): Mutation => ({ entity: 'event', op: 'delete', seq, eventId, at: AT });

describe.each(KINDS)('imported events on %s', (kind) => {
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

  async function pullAll(): Promise<LedgerEvent[]> {
    const res = await app.inject({ url: '/api/sync/pull?cursor=0&limit=100', headers: bearer(acc.staff) });
    expect(res.statusCode).toBe(200);
    return res.json<PullResponse>().rows.flatMap((r) => (r.entity === 'event' ? [r.row] : []));
  }
  const history = async (id: string) =>
    (await app.inject({ url: `/api/events/${id}/history`, headers: bearer(acc.staff) })).json<{
      history: { field: string; oldValue: unknown; newValue: unknown }[];
    }>().history;

  test('an imported event and its batch round-trip through push and pull', async () => {
    const id = importedEventId(acc.staff.orgId, KEY);
    const b1 = batch(newId(), '工作人员');
    const res = await push(app, acc.staff, newId(), [putEvent(1, id, eventFields({ status: 'reviewed', importBatch: b1 }))]);
    expect(res.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 1 }]);
    const [row] = await pullAll();
    expect([row!.id, row!.importBatch, row!.deleted, row!.rev]).toEqual([id, b1, false, 1]);
    const one = await app.inject({ url: `/api/events/${id}`, headers: bearer(acc.staff) });
    expect(one.json<{ event: LedgerEvent }>().event.importBatch).toEqual(b1);
  });

  test('the same row imported on two staff devices is one event; the later batch names it, the earlier stays in history', async () => {
    const id = importedEventId(acc.staff.orgId, KEY);
    const b1 = batch(newId(), '工作人员');
    const b2 = batch(newId(), '管理员');
    await push(app, acc.staff, newId(), [putEvent(1, id, eventFields({ status: 'reviewed', importBatch: b1 }))]);
    const second = await push(app, acc.admin, newId(), [putEvent(1, id, eventFields({ status: 'reviewed', importBatch: b2 }))]);
    expect(second.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 2 }]);
    const rows = await pullAll();
    expect(rows.map((r) => [r.id, r.importBatch?.id, r.createdBy])).toEqual([[id, b2.id, acc.staff.userId]]);
    expect((await history(id)).map((c) => [c.field, (c.oldValue as { id: string }).id, (c.newValue as { id: string }).id])).toEqual([
      ['importBatch', b1.id, b2.id],
    ]);
  });

  test("an import on a device that never saw a batch's undo names the tombstone with its batch; 恢复 (undelete) brings it back", async () => {
    const id = importedEventId(acc.staff.orgId, KEY);
    const b1 = batch(newId(), '工作人员');
    const deviceA = newId();
    await push(app, acc.staff, deviceA, [putEvent(1, id, eventFields({ importBatch: b1 }))]);
    await push(app, acc.staff, deviceA, [del(2, id)]);
    const b2 = batch(newId(), '管理员');
    const deviceB = newId();
    const res = await push(app, acc.admin, deviceB, [putEvent(1, id, eventFields({ importBatch: b2 }))]);
    expect(res.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 3 }]);
    expect((await pullAll()).map((r) => [r.id, r.deleted, r.importBatch?.id, r.rev])).toEqual([[id, true, b2.id, 3]]);
    await push(app, acc.admin, deviceB, [undelete(2, id)]);
    expect((await pullAll()).map((r) => [r.id, r.deleted, r.importBatch?.id, r.rev])).toEqual([[id, false, b2.id, 4]]);
  });

  test('a batch undone and imported again on the same device revives its events with put and undelete', async () => {
    const id = importedEventId(acc.staff.orgId, KEY);
    const device = newId();
    await push(app, acc.staff, device, [putEvent(1, id, eventFields({ importBatch: batch(newId(), '工作人员') })), del(2, id)]);
    const b2 = batch(newId(), '工作人员');
    const res = await push(app, acc.staff, device, [putEvent(3, id, eventFields({ importBatch: b2 })), undelete(4, id)]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 3, status: 'applied', rev: 3 },
      { seq: 4, status: 'applied', rev: 4 },
    ]);
    expect((await pullAll()).map((r) => [r.deleted, r.importBatch?.id])).toEqual([[false, b2.id]]);
  });

  test('an event never imported has no importBatch on the wire, and a put that changes nothing keeps its rev', async () => {
    const id = newId();
    const client = newId();
    await push(app, acc.volA, client, [putEvent(1, id, eventFields())]);
    const again = await push(app, acc.volA, client, [putEvent(2, id, eventFields())]);
    expect(again.json<PushResponse>().results).toEqual([{ seq: 2, status: 'applied', rev: 1 }]);
    const [row] = await pullAll();
    expect(row && 'importBatch' in row).toBe(false);
    expect(await h.store.getEvent(id)).not.toHaveProperty('importBatch');
  });

  test('a malformed batch is refused with the whole push, naming the field', async () => {
    const res = await push(app, acc.staff, newId(), [putEvent(1, newId(), eventFields({ importBatch: { ...batch(newId(), ''), key: 'not-hex' } }))]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid', problems: [{ field: 'mutations.0.fields.importBatch.key', code: 'invalid' }] });
  });
});
