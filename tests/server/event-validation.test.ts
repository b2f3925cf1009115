/**
 * Input that cannot be true is refused by the server as by the phone, on SQLite and PostgreSQL:
 * a date that does not exist, a start more than a day past the SERVER's clock (the phone's may be
 * wrong), a title of only invisible characters. Each is a rejected mutation ('invalid' with the
 * problem code) that blocks nothing after it.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PullResponse, PushResponse } from '../../src/sync/protocol';
import type { LedgerEvent } from '../../src/domain/event';
import { bearer, eventFields, handleFor, newId, push, putEvent, seedAccounts, testApp, type Accounts, type StoreHandle, type StoreKind } from './helpers';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];
/** The server's clock: the day after the fixtures' event (2024-05-20). */
const SERVER_NOW = '2024-05-21T09:00:00+08:00';

describe.each(KINDS)('event validation on push, on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  let clock: number;

  beforeEach(async () => {
    // Accounts are made on today's clock (an invite may not expire too far from the server's now).
    clock = Date.now();
    h = await handleFor(kind);
    app = await testApp(h.store, { now: () => new Date(clock) });
    acc = await seedAccounts(app);
    clock = Date.parse(SERVER_NOW);
  });
  afterEach(async () => {
    await app.close();
    await h.cleanup();
  });

  async function pulledIds(): Promise<string[]> {
    const res = await app.inject({ url: '/api/sync/pull?cursor=0&limit=100', headers: bearer(acc.staff) });
    return res.json<PullResponse>().rows.map((r) => r.row.id);
  }
  async function eventById(id: string): Promise<LedgerEvent> {
    return (await app.inject({ url: `/api/events/${id}`, headers: bearer(acc.staff) })).json<{ event: LedgerEvent }>().event;
  }

  test('refuses 30 February, a start two days ahead and an invisible title, each on its own, and applies the rest', async () => {
    const [good1, feb30, ahead, invisible, good2] = [newId(), newId(), newId(), newId(), newId()];
    const res = await push(app, acc.volA, newId(), [
      putEvent(1, good1, eventFields()),
      putEvent(2, feb30, eventFields({ startAt: '2024-02-30T09:00:00+08:00', endAt: '2024-02-30T11:30:00+08:00' })),
      putEvent(3, ahead, eventFields({ startAt: '2024-05-23T09:00:00+08:00', endAt: '2024-05-23T11:30:00+08:00' })),
      putEvent(4, invisible, eventFields({ title: '\u200B\u3000\u2060\uFEFF' })),
      putEvent(5, good2, eventFields({ title: '\u200B科普讲座' })),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json<PushResponse>()).toEqual({
      v: 1,
      epoch: (await h.store.ledger()).epoch,
      lastAppliedSeq: 5,
      results: [
        { seq: 1, status: 'applied', rev: 1 },
        {
          seq: 2,
          status: 'rejected',
          reason: 'invalid',
          problems: [
            { field: 'startAt', code: 'noSuchDate' },
            { field: 'endAt', code: 'noSuchDate' },
          ],
        },
        { seq: 3, status: 'rejected', reason: 'invalid', problems: [{ field: 'startAt', code: 'startInFuture' }] },
        { seq: 4, status: 'rejected', reason: 'invalid', problems: [{ field: 'title', code: 'required' }] },
        { seq: 5, status: 'applied', rev: 2 },
      ],
    });
    expect(await pulledIds()).toEqual([good1, good2]);
    expect((await eventById(good2)).title).toBe('\u200B科普讲座');
  });

  test('refuses an edit that sets a date that does not exist or blanks a name with invisible characters', async () => {
    const e = newId();
    const client = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields())]);
    const res = await push(app, acc.volA, client, [
      putEvent(2, e, { endAt: '2024-04-31T11:30:00+08:00' }),
      putEvent(3, e, { volunteers: [{ name: '\u200D\u200C', userId: null, hours: 2 }], partners: ['\u3000\u200B'] }),
    ]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 2, status: 'rejected', reason: 'invalid', problems: [{ field: 'endAt', code: 'noSuchDate' }] },
      {
        seq: 3,
        status: 'rejected',
        reason: 'invalid',
        problems: [
          { field: 'volunteers.0.name', code: 'required' },
          { field: 'partners.0', code: 'required' },
        ],
      },
    ]);
    expect(await eventById(e)).toMatchObject({
      endAt: '2024-05-20T11:30:00+08:00',
      volunteers: [{ name: '张三', userId: null, hours: 3 }],
      partners: [],
      rev: 1,
    });
  });

  test('the server’s clock decides, not the time the phone claims', async () => {
    const client = newId();
    const [fastPhone, slowPhone] = [newId(), newId()];
    // A phone three days fast logs "today" by its clock: two days ahead of the server's.
    const fast = {
      ...putEvent(1, fastPhone, eventFields({ startAt: '2024-05-24T08:00:00+08:00', endAt: '2024-05-24T10:00:00+08:00' })),
      at: '2024-05-24T09:00:00+08:00',
    };
    // A phone a year slow logs an event of this morning: in its future, in the server's past.
    const slow = {
      ...putEvent(2, slowPhone, eventFields({ startAt: '2024-05-21T08:00:00+08:00', endAt: '2024-05-21T08:30:00+08:00' })),
      at: '2023-05-21T09:00:00+08:00',
    };
    const res = await push(app, acc.volA, client, [fast, slow]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 1, status: 'rejected', reason: 'invalid', problems: [{ field: 'startAt', code: 'startInFuture' }] },
      { seq: 2, status: 'applied', rev: 1 },
    ]);
    // Two days later by the server's clock the same event is in the past and goes through.
    clock += 2 * 86_400_000;
    const retry = await push(app, acc.volA, client, [{ ...fast, seq: 3 }]);
    expect(retry.json<PushResponse>().results).toEqual([{ seq: 3, status: 'applied', rev: 2 }]);
  });

  test('an event whose start lies ahead stays editable and reviewable; only a start moved more than a day ahead is refused', async () => {
    const e = newId();
    const client = newId();
    // Logged when the server's clock read 12 June (or before this rule): its start is now three weeks ahead.
    clock = Date.parse('2024-06-12T09:00:00+08:00');
    await push(app, acc.volA, client, [putEvent(1, e, eventFields({ startAt: '2024-06-12T09:00:00+08:00', endAt: '2024-06-12T11:00:00+08:00' }))]);
    clock = Date.parse(SERVER_NOW);
    const edit = await push(app, acc.volA, client, [putEvent(2, e, { title: '科普大篷车进校园（补记）' })]);
    expect(edit.json<PushResponse>().results).toEqual([{ seq: 2, status: 'applied', rev: 2 }]);
    const review = await push(app, acc.staff, newId(), [putEvent(1, e, { status: 'reviewed' })]);
    expect(review.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 3 }]);
    expect(await eventById(e)).toMatchObject({ title: '科普大篷车进校园（补记）', startAt: '2024-06-12T09:00:00+08:00', status: 'reviewed', rev: 3 });
    const moves = await push(app, acc.volA, client, [
      putEvent(3, e, { startAt: '2024-06-13T09:00:00+08:00', endAt: '2024-06-13T11:00:00+08:00' }),
      putEvent(4, e, { startAt: '2024-05-20T09:00:00+08:00', endAt: '2024-05-20T11:00:00+08:00' }),
    ]);
    expect(moves.json<PushResponse>().results).toEqual([
      { seq: 3, status: 'rejected', reason: 'invalid', problems: [{ field: 'startAt', code: 'startInFuture' }] },
      { seq: 4, status: 'applied', rev: 4 },
    ]);
    expect(await eventById(e)).toMatchObject({ startAt: '2024-05-20T09:00:00+08:00', endAt: '2024-05-20T11:00:00+08:00', rev: 4 });
  });
});
