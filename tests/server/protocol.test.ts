/**
 * The sync protocol over HTTP, on SQLite and PostgreSQL: idempotent push, paging pull,
 * tombstones, field-level merge and history, rejected mutations that do not block the rest.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PullResponse, PushResponse } from '../../src/sync/protocol';
import type { LedgerEvent } from '../../src/domain/event';
import { signRecord } from '../../src/server/sync/signature';
import {
  AT,
  bearer,
  eventFields,
  handleFor,
  newId,
  OTHER_TOWNSHIP,
  push,
  pushBody,
  putEvent,
  seedAccounts,
  testApp,
  type Accounts,
  type StoreHandle,
  type StoreKind,
} from './helpers';

const KINDS: StoreKind[] = ['sqlite', 'postgres'];

describe.each(KINDS)('sync protocol on %s', (kind) => {
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

  async function pullAll(who = acc.staff, limit = 100): Promise<PullResponse['rows']> {
    const rows: PullResponse['rows'] = [];
    let cursor = 0;
    for (;;) {
      const res = await app.inject({ url: `/api/sync/pull?cursor=${cursor}&limit=${limit}`, headers: bearer(who) });
      expect(res.statusCode).toBe(200);
      const body = res.json<PullResponse>();
      rows.push(...body.rows);
      cursor = body.cursor;
      if (!body.more) return rows;
    }
  }

  async function eventById(id: string): Promise<LedgerEvent> {
    const res = await app.inject({ url: `/api/events/${id}`, headers: bearer(acc.staff) });
    expect(res.statusCode).toBe(200);
    return res.json<{ event: LedgerEvent }>().event;
  }

  test('a retried push is skipped and changes nothing', async () => {
    const client = newId();
    const muts = [putEvent(1, newId(), eventFields()), putEvent(2, newId(), eventFields({ title: '讲座' }))];
    const first = await push(app, acc.volA, client, muts);
    expect(first.json<PushResponse>()).toEqual({
      v: 1,
      epoch,
      lastAppliedSeq: 2,
      results: [
        { seq: 1, status: 'applied', rev: 1 },
        { seq: 2, status: 'applied', rev: 2 },
      ],
    });
    const dump = await h.store.dump();
    const second = await push(app, acc.volA, client, muts);
    expect(second.statusCode).toBe(200);
    expect(second.json<PushResponse>()).toEqual({
      v: 1,
      epoch,
      lastAppliedSeq: 2,
      results: [
        { seq: 1, status: 'skipped' },
        { seq: 2, status: 'skipped' },
      ],
    });
    expect(await h.store.dump()).toEqual(dump);
  });

  test('a push that overlaps the last one applies only the new seqs', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields())]);
    const res = await push(app, acc.volA, client, [putEvent(1, e, eventFields({ title: '旧' })), putEvent(2, e, { title: '新' })]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 1, status: 'skipped' },
      { seq: 2, status: 'applied', rev: 2 },
    ]);
    expect((await eventById(e)).title).toBe('新');
  });

  test('an empty push answers the client’s last applied seq', async () => {
    const client = newId();
    await push(app, acc.volA, client, [putEvent(7, newId(), eventFields())]);
    const res = await push(app, acc.volA, client, []);
    expect(res.json<PushResponse>()).toEqual({ v: 1, epoch, lastAppliedSeq: 7, results: [] });
  });

  test('pull pages through every row once, in rev order, with the next cursor and the more flag', async () => {
    const client = newId();
    const ids = Array.from({ length: 25 }, () => newId());
    await push(
      app,
      acc.volA,
      client,
      ids.map((id, i) => putEvent(i + 1, id, eventFields({ title: `活动${i}` }))),
    );
    const pages: PullResponse[] = [];
    let cursor = 0;
    for (;;) {
      // Staff pull every row (a volunteer only their scope: scoped-pull.test.ts).
      const res = await app.inject({ url: `/api/sync/pull?cursor=${cursor}&limit=10`, headers: bearer(acc.staff) });
      const body = res.json<PullResponse>();
      pages.push(body);
      cursor = body.cursor;
      if (!body.more) break;
    }
    expect(pages.map((p) => [p.rows.length, p.cursor, p.more])).toEqual([
      [10, 10, true],
      [10, 20, true],
      [5, 25, false],
    ]);
    const all = pages.flatMap((p) => p.rows);
    expect(all.map((r) => r.row.id)).toEqual(ids);
    expect(all.map((r) => r.row.rev)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const empty = await app.inject({ url: '/api/sync/pull?cursor=25', headers: bearer(acc.staff) });
    expect(empty.json<PullResponse>()).toEqual({ v: 1, epoch, rows: [], cursor: 25, more: false, scope: 'all' });
  });

  test('the server sets orgId, createdBy and the timestamps; the pusher cannot', async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
    const ev = await eventById(e);
    expect(ev).toMatchObject({
      orgId: acc.volA.orgId,
      createdBy: acc.volA.userId,
      updatedBy: acc.volA.userId,
      createdAt: AT,
      rev: 1,
      deleted: false,
      status: 'submitted',
    });
    const sneaky = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: bearer(acc.volA),
      payload: pushBody(newId(), [{ ...putEvent(1, newId(), eventFields()), fields: { ...eventFields(), createdBy: acc.staff.userId } } as never]),
    });
    expect(sneaky.statusCode).toBe(400);
    expect(sneaky.json()).toMatchObject({ error: 'invalid', problems: [{ field: 'mutations.0.fields.createdBy', code: 'unknownField' }] });
  });

  test('a delete is a tombstone that pulls carry; the author and staff may undelete it', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields()), { entity: 'event', op: 'delete', seq: 2, eventId: e, at: AT }]);
    const rows = await pullAll();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).toMatchObject({ id: e, deleted: true, rev: 2, title: '科普大篷车进校园' });
    const byB = await push(app, acc.volB, newId(), [{ entity: 'event', op: 'undelete', seq: 1, eventId: e, at: AT }]);
    expect(byB.json<PushResponse>().results).toEqual([{ seq: 1, status: 'rejected', reason: 'notYourEvent' }]);
    const byA = await push(app, acc.volA, client, [{ entity: 'event', op: 'undelete', seq: 3, eventId: e, at: AT }]);
    expect(byA.json<PushResponse>().results).toEqual([{ seq: 3, status: 'applied', rev: 3 }]);
    await push(app, acc.staff, newId(), [
      { entity: 'event', op: 'delete', seq: 1, eventId: e, at: AT },
      { entity: 'event', op: 'undelete', seq: 2, eventId: e, at: AT },
    ]);
    expect(await eventById(e)).toMatchObject({ deleted: false, rev: 5, updatedBy: acc.staff.userId });
    const hist = (await app.inject({ url: `/api/events/${e}/history`, headers: bearer(acc.staff) })).json<{
      history: { field: string; oldValue: unknown; newValue: unknown; rev: number }[];
    }>().history;
    expect(hist.map((x) => [x.field, x.oldValue, x.newValue, x.rev])).toEqual([
      ['deleted', false, true, 2],
      ['deleted', true, false, 3],
      ['deleted', false, true, 4],
      ['deleted', true, false, 5],
    ]);
  });

  test('deleting an event that is already deleted applies without a new rev', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields()), { entity: 'event', op: 'delete', seq: 2, eventId: e, at: AT }]);
    const res = await push(app, acc.volA, client, [{ entity: 'event', op: 'delete', seq: 3, eventId: e, at: AT }]);
    expect(res.json<PushResponse>().results).toEqual([{ seq: 3, status: 'applied', rev: 2 }]);
  });

  test('two devices editing different fields offline both keep their change', async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
    const phone = newId();
    const desk = newId();
    await push(app, acc.volA, phone, [putEvent(1, e, { title: '手机改的标题' })]);
    await push(app, acc.staff, desk, [putEvent(1, e, { attendance: 450 })]);
    const ev = await eventById(e);
    expect([ev.title, ev.attendance, ev.rev]).toEqual(['手机改的标题', 450, 3]);
  });

  test('the same field edited twice: the last push wins and the loser stays in history for staff', async () => {
    const e = newId();
    const phone = newId();
    const desk = newId();
    await push(app, acc.volA, phone, [putEvent(1, e, eventFields({ attendance: 300 }))]);
    await push(app, acc.volA, phone, [putEvent(2, e, { attendance: 310 })]);
    await push(app, acc.staff, desk, [putEvent(1, e, { attendance: 305 })]);
    expect((await eventById(e)).attendance).toBe(305);
    const res = await app.inject({ url: `/api/events/${e}/history`, headers: bearer(acc.staff) });
    expect(res.statusCode).toBe(200);
    const hist = res.json<{ history: Record<string, unknown>[] }>().history;
    expect(hist.map((x) => [x.field, x.oldValue, x.newValue, x.userId, x.clientId, x.rev])).toEqual([
      ['attendance', 300, 310, acc.volA.userId, phone, 2],
      ['attendance', 310, 305, acc.staff.userId, desk, 3],
    ]);
  });

  test('a put that changes nothing applies without a new rev or history', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields())]);
    const res = await push(app, acc.volA, client, [putEvent(2, e, eventFields())]);
    expect(res.json<PushResponse>().results).toEqual([{ seq: 2, status: 'applied', rev: 1 }]);
    expect((await app.inject({ url: `/api/events/${e}/history`, headers: bearer(acc.volA) })).json()).toEqual({ history: [] });
  });

  test('a rejected mutation is answered with its reason and problems and does not block the ones after it', async () => {
    const client = newId();
    const good = newId();
    const bad = newId();
    const res = await push(app, acc.volA, client, [
      putEvent(1, bad, eventFields({ townshipCode: '441323999000', villageCode: null })),
      putEvent(2, good, eventFields()),
      putEvent(3, bad, { title: '只有标题' }),
      putEvent(4, good, { villageCode: '441323001001', townshipCode: OTHER_TOWNSHIP }),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json<PushResponse>()).toEqual({
      v: 1,
      epoch,
      lastAppliedSeq: 4,
      results: [
        { seq: 1, status: 'rejected', reason: 'invalid', problems: [{ field: 'townshipCode', code: 'unknownTownship' }] },
        { seq: 2, status: 'applied', rev: 1 },
        {
          seq: 3,
          status: 'rejected',
          reason: 'invalid',
          problems: expect.arrayContaining([
            { field: 'notes', code: 'required' },
            { field: 'startAt', code: 'required' },
          ]),
        },
        { seq: 4, status: 'rejected', reason: 'invalid', problems: [{ field: 'villageCode', code: 'villageNotInTownship' }] },
      ],
    });
    const rows = await pullAll();
    expect(rows.map((r) => r.row.id)).toEqual([good]);
    const retry = await push(app, acc.volA, client, [putEvent(5, bad, eventFields())]);
    expect(retry.json<PushResponse>().results).toEqual([{ seq: 5, status: 'applied', rev: 2 }]);
  });

  test('a retried push whose answer was lost gets the same rejection again, not skipped, and changes nothing', async () => {
    const client = newId();
    const good = newId();
    const bad = newId();
    const muts = [
      putEvent(1, bad, eventFields({ townshipCode: '441323999000', villageCode: null })),
      putEvent(2, good, eventFields()),
      { entity: 'target' as const, op: 'delete' as const, seq: 3, targetId: newId(), at: AT },
    ];
    const first = await push(app, acc.volA, client, muts);
    const expected: PushResponse = {
      v: 1,
      epoch,
      lastAppliedSeq: 3,
      results: [
        { seq: 1, status: 'rejected', reason: 'invalid', problems: [{ field: 'townshipCode', code: 'unknownTownship' }] },
        { seq: 2, status: 'applied', rev: 1 },
        { seq: 3, status: 'rejected', reason: 'staffOnly' },
      ],
    };
    expect(first.json<PushResponse>()).toEqual(expected);
    const dump = await h.store.dump();
    // The phone never saw that answer and pushes the same page again, then a page overlapping it.
    const again = await push(app, acc.volA, client, muts);
    expect(again.json<PushResponse>()).toEqual({ ...expected, results: [expected.results[0], { seq: 2, status: 'skipped' }, expected.results[2]] });
    expect(await h.store.dump()).toEqual(dump);
    const overlap = await push(app, acc.volA, client, [muts[2]!, putEvent(4, good, { title: '新标题' })]);
    expect(overlap.json<PushResponse>()).toEqual({ v: 1, epoch, lastAppliedSeq: 4, results: [expected.results[2], { seq: 4, status: 'applied', rev: 2 }] });
    // Rejections are per user and client: another phone of the same user with the same seqs is new.
    const other = await push(app, acc.volA, newId(), [putEvent(1, newId(), eventFields())]);
    expect(other.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 3 }]);
  });

  test('cross-field rules hold on the merged row: an end moved before the start is rejected', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields())]);
    const res = await push(app, acc.volA, client, [putEvent(2, e, { endAt: '2024-05-19T09:00:00+08:00' })]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 2, status: 'rejected', reason: 'invalid', problems: [{ field: 'endAt', code: 'endBeforeStart' }] },
    ]);
  });

  test('a volunteer edits only their own events', async () => {
    const e = newId();
    await push(app, acc.volA, newId(), [putEvent(1, e, eventFields())]);
    const res = await push(app, acc.volB, newId(), [putEvent(1, e, { title: '别人的' }), { entity: 'event', op: 'delete', seq: 2, eventId: e, at: AT }]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 1, status: 'rejected', reason: 'notYourEvent' },
      { seq: 2, status: 'rejected', reason: 'notYourEvent' },
    ]);
    expect(await eventById(e)).toMatchObject({ title: '科普大篷车进校园', deleted: false, rev: 1 });
  });

  test('only staff review: a volunteer setting reviewed or a review note is rejected; staff review records who and when', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields({ status: 'draft' }))]);
    const res = await push(app, acc.volA, client, [
      putEvent(2, e, { status: 'reviewed' }),
      putEvent(3, e, { reviewNote: '自己批准' }),
      putEvent(4, e, { status: 'submitted', reviewNote: null }),
    ]);
    expect(res.json<PushResponse>().results).toEqual([
      { seq: 2, status: 'rejected', reason: 'staffOnlyField', problems: [{ field: 'status', code: 'staffOnly' }] },
      { seq: 3, status: 'rejected', reason: 'staffOnlyField', problems: [{ field: 'reviewNote', code: 'staffOnly' }] },
      { seq: 4, status: 'applied', rev: 2 },
    ]);
    await push(app, acc.staff, newId(), [putEvent(1, e, { status: 'returned', reviewNote: '请补充照片' })]);
    expect(await eventById(e)).toMatchObject({ status: 'returned', reviewNote: '请补充照片', reviewedBy: acc.staff.userId, rev: 3 });
  });

  test('targets are set by staff only and pulled with the events', async () => {
    const t = newId();
    const fields = {
      year: 2024,
      kind: 'count',
      measure: 'events',
      axis: 'format',
      axisCode: 'caravan',
      min: 5,
      level1: '产出指标',
      level2: '数量指标',
      level3: '科普大篷车巡展',
      unit: '场次',
    } as const;
    const byVol = await push(app, acc.volA, newId(), [{ entity: 'target', op: 'put', seq: 1, targetId: t, fields, at: AT }]);
    expect(byVol.json<PushResponse>().results).toEqual([{ seq: 1, status: 'rejected', reason: 'staffOnly' }]);
    const byStaff = await push(app, acc.staff, newId(), [{ entity: 'target', op: 'put', seq: 1, targetId: t, fields, at: AT }]);
    expect(byStaff.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 1 }]);
    const rows = await pullAll(acc.volB);
    const row = {
      ...fields,
      id: t,
      orgId: acc.staff.orgId,
      createdBy: acc.staff.userId,
      createdAt: AT,
      updatedBy: acc.staff.userId,
      updatedAt: rows[0]?.row.updatedAt,
      deleted: false,
      rev: 1,
    };
    expect(rows).toEqual([{ entity: 'target', row, sig: signRecord((await h.store.ledger()).signKey, row) }]);
  });

  test('a gzip-compressed push is accepted', async () => {
    const e = newId();
    const res = await app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: { ...bearer(acc.volA), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify(pushBody(newId(), [putEvent(1, e, eventFields())]))),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<PushResponse>().results).toEqual([{ seq: 1, status: 'applied', rev: 1 }]);
  });

  test('a gzip body that inflates past the limit, broken gzip and other encodings are refused', async () => {
    const bomb = gzipSync(Buffer.alloc(6 * 1024 * 1024, 0x20));
    const headers = { ...bearer(acc.volA), 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const big = await app.inject({ method: 'POST', url: '/api/sync/push', headers, payload: bomb });
    expect([big.statusCode, big.json().error]).toEqual([413, 'payloadTooLarge']);
    const broken = await app.inject({ method: 'POST', url: '/api/sync/push', headers, payload: Buffer.from('not gzip at all') });
    expect(broken.statusCode).toBe(400);
    const br = await app.inject({ method: 'POST', url: '/api/sync/push', headers: { ...headers, 'content-encoding': 'br' }, payload: Buffer.from('{}') });
    expect([br.statusCode, br.json().error]).toEqual([415, 'unsupportedMediaType']);
  });

  test('a restarted server over the same database continues where it stopped', async () => {
    const client = newId();
    const e = newId();
    await push(app, acc.volA, client, [putEvent(1, e, eventFields())]);
    await app.close();
    const store2 = await h.reopen();
    app = await testApp(store2);
    const retry = await push(app, acc.volA, client, [putEvent(1, e, eventFields()), putEvent(2, e, { title: '重启后' })]);
    expect(retry.json<PushResponse>().results).toEqual([
      { seq: 1, status: 'skipped' },
      { seq: 2, status: 'applied', rev: 2 },
    ]);
    expect((await pullAll()).map((r) => [r.row.id, r.row.rev])).toEqual([[e, 2]]);
  });

  test('a pull cursor ahead of the server (a restored backup) gets every row again from rev 0', async () => {
    const ids = [newId(), newId()];
    await push(
      app,
      acc.volA,
      newId(),
      ids.map((id, i) => putEvent(i + 1, id, eventFields())),
    );
    const res = await app.inject({ url: '/api/sync/pull?cursor=900&limit=10', headers: bearer(acc.staff) });
    const body = res.json<PullResponse>();
    expect([body.rows.map((r) => r.row.id), body.cursor, body.more]).toEqual([ids, 2, false]);
    const atEnd = await app.inject({ url: '/api/sync/pull?cursor=2', headers: bearer(acc.staff) });
    expect(atEnd.json<PullResponse>()).toEqual({ v: 1, epoch, rows: [], cursor: 2, more: false, scope: 'all' });
    // A volunteer's phone from before epochs: the same, within its scope.
    const own = await app.inject({ url: '/api/sync/pull?cursor=900&limit=10', headers: bearer(acc.volA) });
    expect([own.json<PullResponse>().rows.map((r) => r.row.id), own.json<PullResponse>().cursor]).toEqual([ids, 2]);
    const none = await app.inject({ url: '/api/sync/pull?cursor=900&limit=10', headers: bearer(acc.volB) });
    expect([none.json<PullResponse>().rows, none.json<PullResponse>().cursor]).toEqual([[], 0]);
  });

  test('a photo is stored once under its SHA-256 and read back with private, immutable caching', async () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png body')]);
    const name = createHash('sha256').update(bytes).digest('hex');
    const put = (b: Buffer, type = 'image/png', n = name) =>
      app.inject({ method: 'PUT', url: `/api/blobs/${n}`, headers: { ...bearer(acc.volA), 'content-type': type }, payload: b });
    const first = await put(bytes);
    expect([first.statusCode, first.json()]).toEqual([201, { sha256: name, size: 16, contentType: 'image/png' }]);
    expect((await put(bytes)).statusCode).toBe(200);
    const got = await app.inject({ url: `/api/blobs/${name}`, headers: bearer(acc.volB) });
    expect([got.statusCode, got.headers['content-type'], got.headers['cache-control'], got.headers['x-content-type-options'], got.headers.etag]).toEqual([
      200,
      'image/png',
      'private, max-age=31536000, immutable',
      'nosniff',
      `"${name}"`,
    ]);
    expect(Buffer.compare(got.rawPayload, bytes)).toBe(0);
    const head = await app.inject({ method: 'HEAD', url: `/api/blobs/${name}`, headers: bearer(acc.staff) });
    expect([head.statusCode, head.headers['content-length'], head.body]).toEqual([200, '16', '']);
    const wrongHash = await put(bytes, 'image/png', 'a'.repeat(64));
    expect([wrongHash.statusCode, wrongHash.json().error]).toEqual([422, 'hashMismatch']);
    const notJpeg = await put(bytes, 'image/jpeg');
    expect([notJpeg.statusCode, notJpeg.json().message]).toEqual([400, 'The bytes are not an image of type image/jpeg.']);
    const missing = await app.inject({ url: `/api/blobs/${'b'.repeat(64)}`, headers: bearer(acc.volA) });
    expect(missing.statusCode).toBe(404);
  });

  test('extreme but valid values come back exactly as sent', async () => {
    const e = newId();
    const fields = eventFields({
      title: '🚀科普 "quotes" \\ back\\slash ' + 'ー'.repeat(60),
      notes: '长'.repeat(4000),
      point: { lat: -90, lon: 180, accuracyM: 0, source: 'map' },
      attendance: 1_000_000,
      audience: [{ kind: 'students', count: 0 }],
      volunteers: [{ name: '𠮷野', userId: null, hours: 0.1 + 0.2 }],
      distanceKm: 1e-7,
      materials: [{ kind: 'booklet', count: 10_000_000 }],
      startAt: '2000-01-01T08:00:00+08:00',
      endAt: '2000-12-31T23:59:59.999+08:00',
    });
    const res = await push(app, acc.volA, newId(), [putEvent(1, e, fields)]);
    expect(res.json<PushResponse>(), res.body).toEqual({ v: 1, epoch, lastAppliedSeq: 1, results: [{ seq: 1, status: 'applied', rev: 1 }] });
    const ev = await eventById(e);
    for (const [k, val] of Object.entries(fields)) expect(ev[k as keyof LedgerEvent], k).toEqual(val);
  });
});
