/**
 * Issue 15, the feedback routes on SQLite and PostgreSQL: the public page's round trip (submit,
 * status, follow-up), the staff inbox, and the abuse cases: inert HTML, oversize bodies, rate
 * limits with Retry-After, the honeypot, duplicates, idempotent retries, 查询码 guessing, parallel
 * submissions, malformed bodies, and limits shared by two servers over one database.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { feedbackCodeOf, type FeedbackItem, type FeedbackListItem, type PublicFeedbackStatus } from '../../src/domain/feedback';
import { sweepFeedback } from '../../src/server/routes/feedback';
import {
  bearer,
  eventFields,
  handleFor,
  newId,
  OTHER_TOWNSHIP,
  push,
  putEvent,
  seedAccounts,
  testApp,
  TOWNSHIP,
  type Accounts,
  type StoreHandle,
  type StoreKind,
} from './helpers';

function tally(rs: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of rs) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

const XSS = '<img src=x onerror=alert(1)><script>alert("x")</script>';

describe.each<StoreKind>(['sqlite', 'postgres'])('feedback routes on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let acc: Accounts;
  const apps: FastifyInstance[] = [];

  beforeEach(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    apps.push(app);
    acc = await seedAccounts(app);
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    await h.cleanup();
  });

  const submit = (body: Record<string, unknown>, ip = '10.20.0.1', on = app) =>
    on.inject({ method: 'POST', url: '/api/public/feedback', payload: { clientId: newId(), ...body }, remoteAddress: ip });
  const status = (code: string, ip = '10.30.0.1') => app.inject({ url: `/api/public/feedback/${code}`, remoteAddress: ip });
  const act = (id: string, body: Record<string, unknown>, who = acc.staff) =>
    app.inject({ method: 'POST', url: `/api/feedback/${id}/actions`, headers: bearer(who), payload: body });
  const rows = async () => ((await h.store.dump()).feedback ?? []).length;
  const boxCode = () => feedbackCodeOf(acc.admin.orgId);

  async function syncedEvent(): Promise<string> {
    const id = newId();
    const r = await push(app, acc.volA, newId(), [putEvent(1, id, eventFields({ title: '科普大篷车进校园' }))]);
    expect(r.statusCode).toBe(200);
    return id;
  }

  test('a person rates an event, staff accept, assign and reply, the person reads it and gives 回访满意度', async () => {
    const eventId = await syncedEvent();
    const code = feedbackCodeOf(eventId);
    const target = await app.inject({ url: `/api/public/feedback/target/${code.toLowerCase()}` });
    expect(target.json()).toEqual({ kind: 'event', orgName: '惠东县科协', event: { title: '科普大篷车进校园', date: '2024-05-20', townshipName: '平山街道' } });
    expect((await app.inject({ url: `/api/public/feedback/target/${boxCode()}` })).json()).toEqual({ kind: 'box', orgName: '惠东县科协' });

    const sent = await submit({ code, satisfaction: 5, liked: '实验很有趣', suggest: '多来几次', phone: '138 1234 1234', consent: true });
    expect(sent.statusCode).toBe(201);
    const { queryCode, ref } = sent.json<{ queryCode: string; ref: string }>();
    expect(queryCode).toMatch(/^[A-Z2-9]{10}$/);
    expect(ref).toMatch(/^\d{4}-0001$/);
    // Only the HMAC of the 查询码 is stored.
    expect(JSON.stringify(await h.store.dump())).not.toContain(queryCode);

    const s1 = (await status(queryCode)).json<PublicFeedbackStatus>();
    expect(s1).toMatchObject({
      ref,
      state: 'received',
      channel: 'event',
      category: 'suggestion',
      event: { title: '科普大篷车进校园', date: '2024-05-20' },
      canFollowUp: false,
    });
    expect(s1).not.toHaveProperty('reply');

    const list = await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) });
    const [row] = list.json<{ items: FeedbackListItem[] }>().items;
    expect(row).toMatchObject({ ref, phone: '138****1234', state: 'received', eventTitle: '科普大篷车进校园', overdue: false });
    expect(list.body).not.toContain('13812341234');
    expect((await app.inject({ url: '/api/feedback', headers: bearer(acc.volA) })).statusCode).toBe(403);
    const full = (await app.inject({ url: `/api/feedback/${row!.id}`, headers: bearer(acc.staff) })).json<FeedbackItem>();
    expect(full.phone).toBe('13812341234');
    expect(full.acceptDueAt).toBeTruthy();

    expect((await act(row!.id, { action: 'reply', text: '谢谢' })).json().error).toBe('badTransition');
    expect((await app.inject({ url: '/api/feedback/counts', headers: bearer(acc.staff) })).json()).toEqual({ open: 1, overdue: 0, dueSoon: 0 });
    expect((await act(row!.id, { action: 'accept' })).json<FeedbackItem>().state).toBe('accepted');
    const assigned = await act(row!.id, { action: 'assign', assigneeId: acc.staff.userId });
    expect(assigned.json<FeedbackItem>()).toMatchObject({ state: 'inProgress', assigneeName: '工作人员' });
    expect((await act(row!.id, { action: 'assign', assigneeId: acc.volA.userId })).statusCode).toBe(400);
    expect((await act(row!.id, { action: 'note', text: '已电话联系' })).json<FeedbackItem>().notes).toHaveLength(1);
    const replied = (await act(row!.id, { action: 'reply', text: '感谢您的建议，下月再来。' })).json<FeedbackItem>();
    expect(replied.state).toBe('replied');
    expect(replied.history.map((x) => x.action)).toEqual(['submit', 'accept', 'assign', 'note', 'reply']);
    expect(replied.history[1]).toMatchObject({ byId: acc.staff.userId, byName: '工作人员' });
    // Without ?year the list holds every year; the register's 办理结果 reads replyText.
    const listed = (await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) })).json<{ items: FeedbackListItem[] }>().items;
    expect(listed[0]).toMatchObject({ replyText: '感谢您的建议，下月再来。', rejectReason: null });

    const s2 = (await status(queryCode.toLowerCase())).json<PublicFeedbackStatus>();
    expect(s2).toMatchObject({ state: 'replied', reply: { text: '感谢您的建议，下月再来。' }, canFollowUp: true });
    const fu = await app.inject({
      method: 'POST',
      url: `/api/public/feedback/${queryCode}/follow-up`,
      payload: { satisfaction: 4 },
      remoteAddress: '10.30.0.1',
    });
    expect(fu.statusCode).toBe(200);
    expect(fu.json<PublicFeedbackStatus>()).toMatchObject({ state: 'closed', followUp: { satisfaction: 4 }, canFollowUp: false });
    const again = await app.inject({
      method: 'POST',
      url: `/api/public/feedback/${queryCode}/follow-up`,
      payload: { satisfaction: 1 },
      remoteAddress: '10.30.0.1',
    });
    expect([again.statusCode, again.json().error]).toEqual([409, 'followUpClosed']);

    const year = new Date().getUTCFullYear();
    const fig = (await app.inject({ url: `/api/feedback/figures?year=${year}`, headers: bearer(acc.staff) })).json();
    expect(fig).toMatchObject({
      received: 1,
      accepted: 1,
      acceptedOnTime: 1,
      replied: 1,
      repliedOnTime: 1,
      replySatisfaction: { answered: 1, satisfiedRate: 1 },
    });
    // The rating is of an event held on 2024-05-20: the register counts it this year, event
    // satisfaction in its event's year (as the map and the event's detail do).
    expect(fig.eventSatisfaction.byFormat).toEqual({});
    const fig2024 = (await app.inject({ url: '/api/feedback/figures?year=2024', headers: bearer(acc.staff) })).json();
    expect(fig2024).toMatchObject({ received: 0 });
    expect(fig2024.eventSatisfaction.byFormat.caravan).toEqual({ answered: 1, mean: 5, satisfiedRate: 1 });
    // Volunteers see their own events' satisfaction, never text or people — asked by the EVENT's
    // year, as the detail page asks (the event is of 2024-05-20, rated now): the old route picked
    // ratings by the year they came in and the detail of a past year's event showed none.
    const own = await app.inject({ url: '/api/feedback/event-satisfaction?year=2024', headers: bearer(acc.volA) });
    expect(own.json()).toEqual({ events: [{ eventId, answered: 1, mean: 5 }] });
    expect((await app.inject({ url: '/api/feedback/event-satisfaction?year=2024', headers: bearer(acc.volB) })).json()).toEqual({ events: [] });
    expect((await app.inject({ url: `/api/feedback/event-satisfaction?year=${year}`, headers: bearer(acc.volA) })).json()).toEqual({ events: [] });
    // One person's records on request (admin only).
    expect((await app.inject({ url: '/api/feedback/person?phone=13812341234', headers: bearer(acc.staff) })).statusCode).toBe(403);
    const person = await app.inject({ url: '/api/feedback/person?phone=%2B8613812341234', headers: bearer(acc.admin) });
    expect(person.json<{ items: FeedbackItem[] }>().items.map((i) => i.ref)).toEqual([ref]);
  });

  test('staff log a call; reject needs received; extension once and within the settings; settings are the admin’s', async () => {
    const logged = await app.inject({
      method: 'POST',
      url: '/api/feedback',
      headers: bearer(acc.staff),
      payload: { channel: 'phone', category: 'complaint', text: '讲座太吵', phone: '0752-1234567', consent: true },
    });
    expect(logged.statusCode).toBe(201);
    const item = logged.json<FeedbackItem>();
    expect(item).toMatchObject({ channel: 'phone', createdBy: acc.staff.userId, state: 'received' });
    expect(
      (await app.inject({ method: 'POST', url: '/api/feedback', headers: bearer(acc.volA), payload: { channel: 'phone', category: 'inquiry', text: 'x' } }))
        .statusCode,
    ).toBe(403);
    await act(item.id, { action: 'accept' });
    expect((await act(item.id, { action: 'reject', reason: '不属于职责' })).statusCode).toBe(409);
    expect((await act(item.id, { action: 'extend', days: 31, reason: '调查' })).statusCode).toBe(400);
    expect((await act(item.id, { action: 'extend', days: 30, reason: '调查' })).json<FeedbackItem>().extensionDays).toBe(30);
    expect((await act(item.id, { action: 'extend', days: 5, reason: '再延' })).statusCode).toBe(409);

    expect((await app.inject({ url: '/api/org/feedback-settings', headers: bearer(acc.staff) })).json()).toEqual({
      acceptDays: 15,
      replyDays: 60,
      extensionMaxDays: 30,
      retentionDays: 1095,
    });
    const put = (who = acc.admin, body: Record<string, unknown> = { acceptDays: 10, replyDays: 30, extensionMaxDays: 10, retentionDays: 365 }) =>
      app.inject({ method: 'PUT', url: '/api/org/feedback-settings', headers: bearer(who), payload: body });
    expect((await put(acc.staff)).statusCode).toBe(403);
    expect((await put(acc.admin, { acceptDays: 0, replyDays: 30, extensionMaxDays: 10, retentionDays: 365 })).statusCode).toBe(400);
    expect((await put()).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/feedback/${item.id}`, headers: bearer(acc.staff) })).json<FeedbackItem>().replyDueAt).toBeTruthy();
  });

  test('feedback on an event not synced yet is kept and linked when the event arrives', async () => {
    const eventId = newId();
    const code = feedbackCodeOf(eventId);
    expect((await app.inject({ url: `/api/public/feedback/target/${code}` })).json()).toEqual({ kind: 'event', orgName: '惠东县科协' });
    const sent = await submit({ code, satisfaction: 3 });
    expect(sent.statusCode).toBe(201);
    const before = (await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) })).json<{ items: FeedbackListItem[] }>().items[0]!;
    expect(before.eventId).toBeNull();
    await push(app, acc.volA, newId(), [putEvent(1, eventId, eventFields())]);
    const after = (await app.inject({ url: `/api/feedback/${before.id}`, headers: bearer(acc.staff) })).json<FeedbackItem>();
    expect(after.eventId).toBe(eventId);
    expect(after.event?.title).toBe('科普大篷车进校园');
    // A code that is neither an event nor a box of this server with two orgs → 404 is covered by
    // the store; a malformed code is refused here.
    expect((await app.inject({ url: '/api/public/feedback/target/not-a-code' })).statusCode).toBe(404);
  });

  test('满意度 by township: the ratings of the events matching the map’s filter, by the event’s year and township; staff only', async () => {
    const ev = async (fields: Record<string, unknown>) => {
      const id = newId();
      expect((await push(app, acc.volA, newId(), [putEvent(1, id, eventFields(fields))])).statusCode).toBe(200);
      return id;
    };
    const e1 = await ev({});
    const e2 = await ev({ townshipCode: OTHER_TOWNSHIP, villageCode: null, format: 'lecture' });
    // Rated now (years later): it counts in its event's year, 2024.
    const e3 = await ev({ startAt: '2024-12-31T20:00:00+08:00', endAt: '2024-12-31T21:00:00+08:00' });
    const e4 = await ev({ startAt: '2025-01-02T09:00:00+08:00', endAt: '2025-01-02T11:00:00+08:00' });
    await ev({ title: '无人评价的活动' });
    let ip = 0;
    const rate = async (eventId: string, satisfaction: number | null, extra: Record<string, unknown> = {}) =>
      expect((await submit({ code: feedbackCodeOf(eventId), satisfaction, ...extra }, `10.40.0.${++ip}`)).statusCode).toBe(201);
    await rate(e1, 5);
    await rate(e1, 4);
    await rate(e1, null, { liked: '只留了文字' });
    await rate(e2, 3);
    await rate(e3, 2);
    await rate(e4, 1);
    expect((await submit({ code: boxCode(), category: 'praise', text: '很好' }, '10.40.1.1')).statusCode).toBe(201);

    const get = (q: string, who = acc.staff) => app.inject({ url: `/api/feedback/township-satisfaction?${q}`, headers: bearer(who) });
    const year = await get('year=2024');
    expect(year.statusCode).toBe(200);
    expect(year.json()).toEqual({
      year: 2024,
      total: { answered: 4, sum: 14, events: 3 },
      byTownship: { [TOWNSHIP]: { answered: 3, sum: 11 }, [OTHER_TOWNSHIP]: { answered: 1, sum: 3 } },
    });
    expect((await get('year=2024&format=caravan&from=12&to=12&basis=submitted')).json()).toEqual({
      year: 2024,
      total: { answered: 1, sum: 2, events: 1 },
      byTownship: { [TOWNSHIP]: { answered: 1, sum: 2 } },
    });
    expect((await get('year=2025', acc.admin)).json()).toEqual({
      year: 2025,
      total: { answered: 1, sum: 1, events: 1 },
      byTownship: { [TOWNSHIP]: { answered: 1, sum: 1 } },
    });
    // Nothing is reviewed yet: on the 已审核 basis no event counts, so no rating does.
    expect((await get('year=2024&basis=reviewed')).json()).toEqual({ year: 2024, total: { answered: 0, sum: 0, events: 0 }, byTownship: {} });
    expect((await get('year=2024', acc.volA)).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/feedback/township-satisfaction?year=2024' })).statusCode).toBe(401);
    for (const bad of ['', 'year=24', 'year=2024&format=Caravan', 'year=2024&from=13', 'year=2024&basis=all', 'year=2024&phone=1']) {
      expect((await get(bad)).statusCode, bad).toBe(400);
    }
  });

  test('HTML and script stay inert text: stored as typed, answered as JSON with a CSP that allows nothing', async () => {
    const sent = await submit({ code: boxCode(), text: XSS, category: 'complaint' });
    const { queryCode } = sent.json<{ queryCode: string }>();
    const list = await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) });
    expect(list.headers['content-type']).toMatch(/^application\/json/);
    expect(list.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(list.json<{ items: FeedbackListItem[] }>().items[0]!.text).toBe(XSS);
    const id = list.json<{ items: FeedbackListItem[] }>().items[0]!.id;
    expect((await app.inject({ url: `/api/feedback/${id}`, headers: bearer(acc.staff) })).json<FeedbackItem>().text).toBe(XSS);
    await act(id, { action: 'accept' });
    await act(id, { action: 'reply', text: XSS });
    const st = await status(queryCode);
    expect(st.headers['content-type']).toMatch(/^application\/json/);
    expect(st.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(st.json<PublicFeedbackStatus>().reply?.text).toBe(XSS);
  });

  test('bodies over 8 KB are 413 and store nothing; 1,000 malformed bodies are 4xx and store nothing', async () => {
    const big = await submit({ code: boxCode(), text: 'x'.repeat(9000) });
    expect(big.statusCode).toBe(413);
    const bad: unknown[] = [
      null,
      [],
      'text',
      {},
      { code: boxCode() },
      { code: boxCode(), clientId: 'nope', text: 'a' },
      { code: boxCode(), clientId: newId(), text: 'a', extra: 1 },
      { code: boxCode(), clientId: newId(), satisfaction: 9 },
      { code: boxCode(), clientId: newId(), text: 'a', phone: '13812341234' },
      { code: boxCode(), clientId: newId(), text: 'a', category: 'spam' },
      { code: 'ZZZZ', clientId: newId(), text: 'a' },
      { code: boxCode(), clientId: newId(), text: { $gt: '' } },
      { code: boxCode(), clientId: newId(), text: 'a\u0000b' },
    ];
    const answers: LightMyRequestResponse[] = [];
    // The figure: 1,000 malformed bodies, each refused, nothing written.
    for (let i = 0; i < 1000; i++) {
      answers.push(
        await app.inject({
          method: 'POST',
          url: '/api/public/feedback',
          payload: JSON.stringify(bad[i % bad.length]),
          headers: { 'content-type': 'application/json' },
          remoteAddress: `10.40.${i % 250}.1`,
        }),
      );
    }
    answers.push(await app.inject({ method: 'POST', url: '/api/public/feedback', payload: '{"code":', headers: { 'content-type': 'application/json' } }));
    answers.push(
      await app.inject({ method: 'POST', url: '/api/public/feedback', payload: 'code=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    expect(answers.every((r) => r.statusCode >= 400 && r.statusCode < 500)).toBe(true);
    expect(await rows()).toBe(0);
  });

  test('1000 spam submissions from one address: 10 stored, the rest 429 with Retry-After; the inbox stays usable', async () => {
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 20; i++)
      answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => submit({ code: boxCode(), text: `广告 ${i}-${j}` }, '10.50.0.1')))));
    expect(tally(answers)).toEqual({ 201: 10, 429: 990 });
    const limited = answers.find((r) => r.statusCode === 429)!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json().error).toBe('rateLimited');
    expect(await rows()).toBe(10);
    const inbox = await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) });
    expect(inbox.json<{ items: unknown[] }>().items).toHaveLength(10);
    // Another address is not held back.
    expect((await submit({ code: boxCode(), text: '正常意见' }, '10.50.0.2')).statusCode).toBe(201);
  });

  test('a refused flood costs the store nothing: once over, an address is refused in memory until its window ends', async () => {
    // The sync routes share the process with the public ones: a spammer's 429s must not each be a
    // database write (tests/bench/feedback-bench.mjs measures the sync pushes beside the flood).
    let clock = Date.parse('2026-03-01T08:00:00.000Z');
    const timed = await testApp(h.store, { now: () => new Date(clock) });
    apps.push(timed);
    let writes = 0;
    const hit = h.store.hitLimit.bind(h.store);
    h.store.hitLimit = async (...a: Parameters<typeof hit>) => {
      writes += 1;
      return hit(...a);
    };
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 20; i++)
      answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => submit({ code: boxCode(), text: `广告 ${i}-${j}` }, '10.51.0.1', timed)))));
    expect(tally(answers)).toEqual({ 201: 10, 429: 990 });
    // 10 accepted (minute + day key each) and the first batch's refusals; every later one in memory.
    // Before: one write per refused request (1,010 in all).
    expect(writes).toBeLessThanOrEqual(2 * 10 + 50);
    const inMemory = answers.at(-1)!;
    expect(inMemory.json().error).toBe('rateLimited');
    expect(Number(inMemory.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(inMemory.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The minute's window ends: the address is counted by the store again, and accepted.
    clock += 61_000;
    expect((await submit({ code: boxCode(), text: '过了一分钟的正常意见' }, '10.51.0.1', timed)).statusCode).toBe(201);
    expect(await rows()).toBe(11);
  });

  test('the honeypot answers like a success and stores nothing', async () => {
    const r = await submit({ code: boxCode(), text: '买药', website: 'http://spam.example' });
    expect(r.statusCode).toBe(201);
    expect(r.json<{ queryCode: string }>().queryCode).toMatch(/^[A-Z2-9]{10}$/);
    expect(await rows()).toBe(0);
    expect((await status(r.json<{ queryCode: string }>().queryCode)).statusCode).toBe(404);
  });

  test('a retry with the same clientId and a duplicate text get the first answer and store nothing new', async () => {
    const clientId = newId();
    const first = await submit({ code: boxCode(), clientId, text: '希望增加周末活动' });
    const retry = await submit({ code: boxCode(), clientId, text: '希望增加周末活动' });
    const dup = await submit({ code: boxCode(), text: '希望增加周末活动' });
    expect(retry.json()).toEqual(first.json());
    expect(dup.json()).toEqual(first.json());
    expect(await rows()).toBe(1);
    // The same text from another address is another person.
    expect((await submit({ code: boxCode(), text: '希望增加周末活动' }, '10.20.0.9')).json().ref).not.toBe(first.json().ref);
  });

  test('50 parallel submissions (distinct people) are each stored exactly once; 50 parallel retries of one store one', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => ({ code: boxCode(), clientId: newId(), satisfaction: (i % 5) + 1, text: `意见 ${i}` }));
    const answers = await Promise.all(bodies.map((b, i) => submit(b, `10.60.${i}.1`)));
    expect(tally(answers)).toEqual({ 201: 50 });
    expect(new Set(answers.map((a) => a.json().queryCode)).size).toBe(50);
    expect(await rows()).toBe(50);
    // The same body sent 50 times at once (a flaky network's retries from one phone, many exits).
    const one = { code: boxCode(), clientId: newId(), text: '重试' };
    const retries = await Promise.all(Array.from({ length: 50 }, (_, i) => submit(one, `10.61.${i}.1`)));
    expect(new Set(retries.map((r) => r.json().queryCode)).size).toBe(1);
    expect(await rows()).toBe(51);
  });

  test('guessing 查询码 finds nothing and is limited per address', async () => {
    await submit({ code: boxCode(), text: '真实意见' });
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => status(`ABCDEFGH${'23456789AB'[i % 10]}${'CDEFGHJKMN'[Math.floor(i / 10)]}`, '10.70.0.1')),
    );
    expect(tally(guesses)).toEqual({ 404: 30, 429: 10 });
    expect(guesses.find((g) => g.statusCode === 429)!.headers['retry-after']).toBeTruthy();
  });

  test('two servers over one database share the limits', async () => {
    const b = await testApp(await h.reopen());
    apps.push(b);
    const answers: LightMyRequestResponse[] = [];
    for (let i = 0; i < 14; i++) answers.push(await submit({ code: boxCode(), text: `两台 ${i}` }, '10.80.0.1', i % 2 ? app : b));
    expect(tally(answers)).toEqual({ 201: 10, 429: 4 });
  });

  test('the retention sweep drops phone and consent of items closed long ago, keeps the text', async () => {
    const sent = await submit({ code: boxCode(), text: '留电话', phone: '13900001111', consent: true });
    const id = (await app.inject({ url: '/api/feedback', headers: bearer(acc.staff) })).json<{ items: FeedbackListItem[] }>().items[0]!.id;
    await act(id, { action: 'accept' });
    await act(id, { action: 'reply', text: '已处理' });
    await act(id, { action: 'close' });
    expect((await sweepFeedback(h.store, new Date())).anonymised).toBe(0);
    const later = new Date(Date.now() + 1096 * 86_400_000);
    expect((await sweepFeedback(h.store, later)).anonymised).toBe(1);
    const item = (await app.inject({ url: `/api/feedback/${id}`, headers: bearer(acc.staff) })).json<FeedbackItem>();
    expect(item).toMatchObject({ phone: null, consent: false, text: '留电话' });
    expect(item.anonymisedAt).toBeTruthy();
    expect(JSON.stringify(await h.store.dump())).not.toContain('13900001111');
    expect(sent.statusCode).toBe(201);
  });
});
