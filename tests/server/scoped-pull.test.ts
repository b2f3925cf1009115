/**
 * Scoped pulls over HTTP (issue 13 §5), on SQLite and PostgreSQL: a volunteer's pull holds their
 * own events and those listing them, every target, and the org's year totals — never another
 * volunteer's event, name or phone number; staff pull everything. Scope changes: a volunteer taken
 * off an event's list gets it as `dropped`; a promotion or demotion changes the answer's scope.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PullResponse, PushResponse } from '../../src/sync/protocol';
import type { EventPatch } from '../../src/domain/event';
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

describe.each<StoreKind>(['sqlite', 'postgres'])('scoped pulls on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  const ids = { aOwn: newId(), bOwn: newId(), staffListsA: newId(), staffOnly: newId() };
  const target = newId();
  let seq = 100;

  const pull = async (who: Account, query: string): Promise<{ status: number; body: string; json: PullResponse }> => {
    const r = await app.inject({ method: 'GET', url: `/api/sync/pull?${query}`, headers: bearer(who) });
    return { status: r.statusCode, body: r.body, json: r.json<PullResponse>() };
  };
  const pushOk = async (who: Account, eventId: string, fields: EventPatch) => {
    const r = await push(app, who, who === acc.staff ? staffClient : newId(), [putEvent(seq++, eventId, fields)]);
    expect(r.json<PushResponse>().results[0]?.status).toBe('applied');
  };
  const staffClient = newId();
  const listing = (...who: { a: Account; name: string }[]) => who.map((w) => ({ name: w.name, userId: w.a.userId, hours: 2 }));

  beforeAll(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    acc = await seedAccounts(app);
    await pushOk(acc.volA, ids.aOwn, eventFields({ title: '甲的活动', volunteers: [{ name: '甲', userId: acc.volA.userId, hours: 1 }] }));
    await pushOk(acc.volB, ids.bOwn, eventFields({ title: '乙的活动', format: 'lecture', volunteers: listing({ a: acc.volB, name: '志愿者乙' }) }));
    await pushOk(acc.staff, ids.staffListsA, eventFields({ title: '列名甲', volunteers: listing({ a: acc.volA, name: '志愿者甲' }) }));
    await pushOk(acc.staff, ids.staffOnly, eventFields({ title: '员工的', status: 'reviewed', volunteers: [] }));
    const t = await push(app, acc.staff, staffClient, [
      {
        entity: 'target',
        op: 'put',
        seq: seq++,
        targetId: target,
        at: '2024-05-20T12:00:00+08:00',
        fields: {
          year: 2024,
          kind: 'count',
          measure: 'events',
          axis: 'format',
          axisCode: 'caravan',
          min: 3,
          level1: '产出指标',
          level2: '数量指标',
          level3: '大篷车',
          unit: '场次',
        },
      },
    ]);
    expect(t.json<PushResponse>().results[0]?.status).toBe('applied');
  });
  afterAll(async () => {
    await app?.close();
    await h?.cleanup();
  });

  test('a volunteer pulls own + listed events and every target, with the whole org’s totals; nothing of another volunteer', async () => {
    const { status, body, json } = await pull(acc.volA, 'cursor=0&epoch=&scope=');
    expect(status).toBe(200);
    expect(json.scope).toBe(`own:${acc.volA.userId}`);
    expect(json.rows.map((r) => r.row.id).sort()).toEqual([ids.aOwn, ids.staffListsA, target].sort());
    expect(json.dropped).toEqual([]);
    expect(json.more).toBe(false);
    // Not another volunteer's event, name or phone number (their username), anywhere in the answer.
    for (const secret of [ids.bOwn, ids.staffOnly, '乙的活动', '志愿者乙', acc.volB.userId, acc.volB.username, acc.volA.username])
      expect(body).not.toContain(secret);
    // The org's totals: all four events, one of them reviewed; by format too.
    const year = json.totals!.find((r) => r.axis === 'all' && r.year === 2024)!;
    expect(year.all.events).toBe(4);
    expect(year.reviewed.events).toBe(1);
    expect(json.totals!.find((r) => r.axis === 'format' && r.key === 'lecture')!.all.events).toBe(1);
  });

  test('staff and the admin pull everything, without totals; a phone from before scopes gets its scope only, without drops or totals', async () => {
    for (const who of [acc.staff, acc.admin]) {
      const { json } = await pull(who, 'cursor=0&epoch=&scope=');
      expect(json.scope).toBe('all');
      expect(json.rows.map((r) => r.row.id).sort()).toEqual([...Object.values(ids), target].sort());
      expect(json.totals).toBeUndefined();
    }
    const old = await pull(acc.volB, 'cursor=0&epoch=');
    expect(old.json.rows.map((r) => r.row.id).sort()).toEqual([ids.bOwn, target].sort());
    expect(old.json.dropped).toBeUndefined();
    expect(old.json.totals).toBeUndefined();
    const older = await pull(acc.volB, 'cursor=0');
    expect(older.json.rows.map((r) => r.row.id).sort()).toEqual([ids.bOwn, target].sort());
  });

  test('a volunteer reads an event by id only in scope', async () => {
    const get = (who: Account, id: string) => app.inject({ method: 'GET', url: `/api/events/${id}`, headers: bearer(who) });
    expect((await get(acc.volA, ids.staffListsA)).statusCode).toBe(200);
    expect((await get(acc.volA, ids.bOwn)).statusCode).toBe(404);
    expect((await get(acc.volA, ids.staffOnly)).statusCode).toBe(404);
    expect((await get(acc.staff, ids.bOwn)).statusCode).toBe(200);
  });

  test('taken off a list: dropped from the cursor on; listed: pulled; the totals follow every write', async () => {
    const first = await pull(acc.volA, 'cursor=0&epoch=&scope=');
    const epoch = first.json.epoch;
    const scope = encodeURIComponent(first.json.scope!);
    let cursor = first.json.cursor;
    await pushOk(acc.staff, ids.staffListsA, { volunteers: listing({ a: acc.volB, name: '志愿者乙' }) });
    const off = await pull(acc.volA, `cursor=${cursor}&epoch=${epoch}&scope=${scope}`);
    expect(off.json.rows).toEqual([]);
    expect(off.json.dropped).toEqual([ids.staffListsA]);
    expect(off.json.cursor).toBeGreaterThan(cursor);
    expect(off.body).not.toContain('志愿者乙');
    cursor = off.json.cursor;
    // volB now holds it.
    const b = await pull(acc.volB, 'cursor=0&epoch=&scope=');
    expect(b.json.rows.map((r) => r.row.id)).toContain(ids.staffListsA);
    // volA listed on volB's event by staff: it appears on volA's phone.
    await pushOk(acc.staff, ids.bOwn, { volunteers: listing({ a: acc.volB, name: '志愿者乙' }, { a: acc.volA, name: '志愿者甲' }) });
    const on = await pull(acc.volA, `cursor=${cursor}&epoch=${epoch}&scope=${scope}`);
    expect(on.json.rows.map((r) => r.row.id)).toEqual([ids.bOwn]);
    expect(on.json.dropped).toEqual([]);
    // Totals counted afresh after a write (reviewing volA's event), and the same when nothing changed.
    const before = on.json.totals!.find((r) => r.axis === 'all' && r.year === 2024)!;
    await pushOk(acc.staff, ids.aOwn, { status: 'reviewed' });
    const again = await pull(acc.volA, `cursor=${on.json.cursor}&epoch=${epoch}&scope=${scope}`);
    const after = again.json.totals!.find((r) => r.axis === 'all' && r.year === 2024)!;
    expect(after.reviewed.events).toBe(before.reviewed.events + 1);
    expect(after.all.events).toBe(before.all.events);
    // Restore what the next test expects.
    await pushOk(acc.staff, ids.bOwn, { volunteers: listing({ a: acc.volB, name: '志愿者乙' }) });
    await pushOk(acc.staff, ids.staffListsA, { volunteers: listing({ a: acc.volA, name: '志愿者甲' }) });
  });

  test('promoted to staff the answer’s scope is `all` and a pull from 0 holds everything; demoted, `own` again', async () => {
    const mine = await pull(acc.volA, 'cursor=0&epoch=&scope=');
    const ownScope = mine.json.scope!;
    const promote = await app.inject({ method: 'PATCH', url: `/api/users/${acc.volA.userId}`, headers: bearer(acc.admin), payload: { role: 'staff' } });
    expect(promote.statusCode).toBe(200);
    // The same session: the phone asks under its old scope and learns the new one.
    const next = await pull(acc.volA, `cursor=${mine.json.cursor}&epoch=${mine.json.epoch}&scope=${encodeURIComponent(ownScope)}`);
    expect(next.json.scope).toBe('all');
    const all = await pull(acc.volA, `cursor=0&epoch=${mine.json.epoch}&scope=all`);
    expect(all.json.rows.map((r) => r.row.id).sort()).toEqual([...Object.values(ids), target].sort());
    const demote = await app.inject({ method: 'PATCH', url: `/api/users/${acc.volA.userId}`, headers: bearer(acc.admin), payload: { role: 'volunteer' } });
    expect(demote.statusCode).toBe(200);
    const back = await pull(acc.volA, `cursor=${all.json.cursor}&epoch=${all.json.epoch}&scope=all`);
    expect(back.json.scope).toBe(ownScope);
    // The administrator's own role is not changed this way.
    const self = await app.inject({ method: 'PATCH', url: `/api/users/${acc.admin.userId}`, headers: bearer(acc.admin), payload: { role: 'staff' } });
    expect(self.statusCode).toBe(403);
  });

  test('totals the phone holds (its totalsKey) are not sent again until an event of the org changes', async () => {
    const first = await pull(acc.volA, 'cursor=0&epoch=&scope=');
    const key = first.json.totalsKey!;
    expect(key).toMatch(new RegExp(`^${first.json.epoch}\\.\\d+$`));
    const q = `cursor=${first.json.cursor}&epoch=${first.json.epoch}&scope=${encodeURIComponent(first.json.scope!)}`;
    const same = await pull(acc.volA, `${q}&totalsKey=${key}`);
    expect([same.json.totals, same.json.totalsKey]).toEqual([undefined, key]);
    // Another volunteer's write (outside volA's scope) changes the org's numbers: sent again.
    await pushOk(acc.volB, newId(), eventFields({ title: '乙的新活动', volunteers: [] }));
    const changed = await pull(acc.volA, `${q}&totalsKey=${key}`);
    expect(changed.json.rows).toEqual([]);
    expect(changed.json.totalsKey).not.toBe(key);
    expect(changed.json.totals!.find((r) => r.axis === 'all' && r.year === 2024)!.all.events).toBe(
      first.json.totals!.find((r) => r.axis === 'all' && r.year === 2024)!.all.events + 1,
    );
    expect((await app.inject({ method: 'GET', url: `/api/sync/pull?${q}&totalsKey=x1`, headers: bearer(acc.volA) })).statusCode).toBe(400);
  });

  test('a malformed scope is refused and changes nothing', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/sync/pull?cursor=0&scope=own:%27%3B', headers: bearer(acc.volA) });
    expect(r.statusCode).toBe(400);
  });
});
