/**
 * Each phone holds what its person needs (issue 13 §5), in a real browser over the real server:
 * two volunteers each log an event (in different townships); each one's 活动 list shows only
 * their own, while the home coverage card counts both (the server's org totals), as staff's does.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFields } from '../server/helpers';
import { readStore, screenshot } from './harness';
import { go, type OrgServer, type Phone, Phones, serverApi, signIn as signInAt, startOrg } from './phones';

const FEATURE = 'scoped';
const PINGSHAN = '441323001000';
const DALING = '441323002000';
const PASSWORD = 'kepu-ledger-2026';

let base = '';
let org: OrgServer | null = null;
const phones = new Phones();
const api = serverApi(() => base);
const signIn = (p: Phone, username: string) => signInAt(p, base, username, PASSWORD);

beforeAll(async () => {
  org = await startOrg('scoped', PASSWORD, [
    { role: 'volunteer', name: '李志愿', username: 'lizy' },
    { role: 'volunteer', name: '陈志愿', username: 'chenzy' },
  ]);
  base = org.base;
  // Each volunteer logs one event this year, from a phone of their own (the sync API).
  for (const [username, title, townshipCode] of [
    ['lizy', '李的科普讲座', PINGSHAN],
    ['chenzy', '陈的防灾宣传', DALING],
  ] as const) {
    const s = await api<{ token: string }>('POST', '/api/login', null, { username, password: PASSWORD });
    const fields = eventFields({ title, townshipCode, villageCode: null, startAt: '2026-03-05T09:30:00+08:00', endAt: '2026-03-05T11:30:00+08:00' });
    const res = await api<{ results: { status: string }[] }>('POST', '/api/sync/push', s.token, {
      v: 1,
      clientId: randomUUID(),
      mutations: [{ entity: 'event', op: 'put', seq: 1, eventId: randomUUID(), fields, at: '2026-03-05T12:00:00+08:00' }],
    });
    if (res.results[0]?.status !== 'applied') throw new Error(`${username}'s event was refused: ${JSON.stringify(res.results)}`);
  }
});

afterAll(async () => {
  await phones.closeAll();
  await org?.stop();
});

describe('a volunteer’s phone holds their own events and the org’s numbers', () => {
  it('each list shows only its own event; each home card counts both townships', async () => {
    for (const [username, mine, theirs] of [
      ['lizy', '李的科普讲座', '陈的防灾宣传'],
      ['chenzy', '陈的防灾宣传', '李的科普讲座'],
    ] as const) {
      const p = await phones.open(username);
      await signIn(p, username);
      const held = await readStore<{ title: string }>(p.page, 'events');
      expect(held.map((e) => e.title)).toEqual([mine]);
      await go(p, '/events');
      await p.page.getByText(mine).first().waitFor();
      expect(await p.page.getByText(theirs).count()).toBe(0);
      await screenshot(p.page, FEATURE, `${username}-1-list`);
      await go(p, '/');
      const card = p.page.locator('[data-testid=coverage-card]');
      await p.page.waitForFunction(() => /今年已覆盖 2 \//.test(document.querySelector('[data-testid=coverage-card]')?.textContent ?? ''));
      expect(await card.innerText()).toMatch(/今年已覆盖 2 \/ \d+ 个乡镇/);
      await screenshot(p.page, FEATURE, `${username}-2-home`);
      expect(p.errors).toEqual([]);
      await phones.close(p);
    }
  });
});
