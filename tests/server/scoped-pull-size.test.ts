/**
 * What a volunteer's phone pulls before and after scoped pulls (issue 13 §5), on a realistic
 * org: the 53 events of the 2023 fixture logged by 10 volunteers (each event by one, every third
 * also listing the next volunteer), on SQLite and PostgreSQL. "Before" is what every phone pulled
 * until now: the whole ledger, as staff still do. Prints rows, bytes and the median pull time;
 * asserts the volunteer's share and that nothing of another volunteer's is in it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventFieldsOf } from '../../src/domain/event';
import type { PullResponse, PushResponse } from '../../src/sync/protocol';
import { seed2023Events } from '../fixtures/seed-2023';
import { bearer, handleFor, newId, push, putEvent, seedAccounts, testApp, type Account, type StoreHandle, type StoreKind } from './helpers';

const VOLUNTEERS = 10;
const TIMED_PULLS = 15;

describe.each<StoreKind>(['sqlite', 'postgres'])('pull size on %s', (kind) => {
  let h: StoreHandle;
  let app: FastifyInstance;
  let staff: Account;
  const vols: Account[] = [];

  beforeAll(async () => {
    h = await handleFor(kind);
    app = await testApp(h.store);
    const acc = await seedAccounts(app);
    staff = acc.staff;
    vols.push(acc.volA, acc.volB);
    const inv = await app.inject({
      method: 'POST',
      url: '/api/invites',
      headers: bearer(staff),
      payload: { role: 'volunteer', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: VOLUNTEERS },
    });
    const code = inv.json<{ code: string }>().code;
    for (let i = vols.length; i < VOLUNTEERS; i++) {
      const username = `1390000${String(i).padStart(4, '0')}`;
      const r = await app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code, name: `志愿者${i}`, phoneOrUsername: username, password: 'correct horse battery' },
      });
      const s = r.json<{ token: string; user: { id: string; orgId: string } }>();
      vols.push({ token: s.token, userId: s.user.id, orgId: s.user.orgId, username, password: '' });
    }
    const events = seed2023Events('submitted');
    expect(events.length).toBe(53);
    for (const [i, e] of events.entries()) {
      const author = vols[i % VOLUNTEERS]!;
      const fields = eventFieldsOf(e);
      const listed = i % 3 === 0 ? [{ name: '同行志愿者', userId: vols[(i + 1) % VOLUNTEERS]!.userId, hours: 2 }] : [];
      const r = await push(app, author, newId(), [
        putEvent(1, e.id, { ...fields, volunteers: [...fields.volunteers.map((v) => ({ ...v, userId: null })), ...listed] }),
      ]);
      expect(r.json<PushResponse>().results[0]?.status).toBe('applied');
    }
  });
  afterAll(async () => {
    await app?.close();
    await h?.cleanup();
  });

  async function pullAll(who: Account, query: string): Promise<{ rows: number; bytes: number; ms: number; body: PullResponse }> {
    const t0 = performance.now();
    const r = await app.inject({ method: 'GET', url: `/api/sync/pull?cursor=0&limit=2000&epoch=${query}`, headers: bearer(who) });
    const ms = performance.now() - t0;
    const body = r.json<PullResponse>();
    return { rows: body.rows.length, bytes: Buffer.byteLength(r.body), ms, body };
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  test('a volunteer pulls a tenth of the ledger and the org totals; staff pull it all', async () => {
    const before = await pullAll(staff, '&scope=');
    const after = await pullAll(vols[0]!, '&scope=');
    const own = after.body.rows.filter((r) => r.entity === 'event' && r.row.createdBy === vols[0]!.userId).length;
    const listed = after.rows - own;
    expect(before.rows).toBe(53);
    expect(after.rows).toBeLessThan(before.rows / 4);
    for (const r of after.body.rows) if (r.entity === 'event') expect([r.row.createdBy, ...r.row.volunteers.map((v) => v.userId)]).toContain(vols[0]!.userId);
    for (const v of vols.slice(1))
      expect(
        after.body.rows.some((r) => r.entity === 'event' && r.row.createdBy === v.userId && !r.row.volunteers.some((x) => x.userId === vols[0]!.userId)),
      ).toBe(false);
    const totalsBytes = Buffer.byteLength(JSON.stringify(after.body.totals));
    const year = after.body.totals!.find((t) => t.axis === 'all')!;
    expect(year.all.events).toBe(53);
    // Warm, then time the median of several pulls each way.
    const timeOf = async (who: Account) => {
      const ms: number[] = [];
      for (let i = 0; i < TIMED_PULLS; i++) ms.push((await pullAll(who, '&scope=')).ms);
      return median(ms);
    };
    const staffMs = await timeOf(staff);
    const volMs = await timeOf(vols[0]!);
    // A write to the org makes the next volunteer pull count the totals again (the cache misses).
    const missMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      await push(app, staff, newId(), [putEvent(1, newId(), { ...eventFieldsOf(seed2023Events('submitted')[i]!), volunteers: [] })]);
      missMs.push((await pullAll(vols[0]!, '&scope=')).ms);
    }
    console.log(
      `[${kind}] pull from 0 — before (whole ledger, as staff): ${before.rows} rows, ${before.bytes} B, median ${staffMs.toFixed(1)} ms; ` +
        `after (volunteer 1 of ${VOLUNTEERS}): ${after.rows} rows (${own} own, ${listed} listed), ${after.bytes} B of which totals ${totalsBytes} B, ` +
        `median ${volMs.toFixed(1)} ms (${median(missMs).toFixed(1)} ms when the totals are counted afresh)`,
    );
  });
});
