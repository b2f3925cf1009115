/**
 * Approval means the numbers were checked, in a real browser over the real server: staff approve a
 * volunteer's event on /review; the volunteer then raises its attendance on their phone (the form
 * warns that this sends it back to review); the event is back in the staff's queue as 已提交, and
 * its detail on the staff's phone shows what changed since the approval, with who and when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, screenshot } from './harness';
import { go, type OrgServer, type Phone, Phones, serverApi, signIn as signInAt, startOrg, syncNow, waitSynced } from './phones';

const FEATURE = 'approval';
const PINGSHAN = '441323001000';
const PASSWORD = 'kepu-ledger-2026';

let base = '';
let org: OrgServer | null = null;
const phones = new Phones();
const api = serverApi(() => base);
const signIn = (p: Phone, username: string) => signInAt(p, base, username, PASSWORD);

beforeAll(async () => {
  org = await startOrg('approval', PASSWORD, [
    { role: 'volunteer', name: '张志愿', username: 'zhang' },
    { role: 'staff', name: '王干事', username: 'wang' },
  ]);
  base = org.base;
});

afterAll(async () => {
  await phones.closeAll();
  await org?.stop();
});

describe('an approved event changed by its author goes back to review', () => {
  it('staff see it in the queue again, with what changed since their approval', async () => {
    const vol = await phones.open('volunteer');
    const staff = await phones.open('staff');
    await signIn(vol, 'zhang');
    await signIn(staff, 'wang');

    let since = Date.now();
    await go(vol, '/events/new');
    await vol.page.locator('#ev-title').fill('科普大篷车进平山小学');
    await vol.page.locator('#ev-format').selectOption('caravan');
    await vol.page.locator('#ev-venue').selectOption('school');
    await vol.page.locator('#ev-township').selectOption(PINGSHAN);
    await vol.page.locator('#ev-attendance').fill('80');
    await vol.page.locator('#ev-startAt').fill('2026-03-05T09:30');
    await vol.page.locator('#ev-endAt').fill('2026-03-05T11:30');
    await vol.page.locator('[data-test=save]').click();
    await vol.page.locator('[data-test=detail-title]').waitFor();
    const id = /\/events\/([0-9a-f-]{36})/.exec(vol.page.url())![1]!;
    await waitSynced(vol, since);

    await syncNow(staff);
    await go(staff, '/review');
    await staff.page.locator(`[data-testid=review-item][data-event-id="${id}"] button.row`).click();
    since = Date.now();
    await staff.page.locator('[data-testid=review-approve]').click();
    await staff.page.locator(`[data-testid=review-item][data-event-id="${id}"]`).waitFor({ state: 'detached' });
    await waitSynced(staff, since);

    await syncNow(vol);
    await go(vol, `/events/${id}/edit`);
    await vol.page.locator('[data-test=approved-notice]').waitFor();
    await vol.page.waitForFunction(() => (document.querySelector('#ev-attendance') as HTMLInputElement | null)?.value === '80');
    await screenshot(vol.page, FEATURE, '1-volunteer-edits-approved');
    await vol.page.locator('#ev-attendance').fill('500');
    since = Date.now();
    await vol.page.locator('[data-test=save]').click();
    await vol.page.locator('[data-test=detail-title]').waitFor();
    await waitSynced(vol, since);
    const local = (await readStore<{ id: string; status: string; attendance: number }>(vol.page, 'events')).find((e) => e.id === id);
    expect([local?.status, local?.attendance]).toEqual(['submitted', 500]);

    await syncNow(staff);
    await go(staff, '/review');
    await staff.page.locator(`[data-testid=review-item][data-event-id="${id}"]`).waitFor();
    await go(staff, `/events/${id}`);
    const since2 = staff.page.locator('[data-test=since-approval]');
    await since2.waitFor();
    expect((await since2.innerText()).replace(/\s+/g, ' ')).toMatch(
      /审核通过后的修改.*惠及群众（人次）：80 → 500 张志愿 于 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 修改$/,
    );
    await screenshot(staff.page, FEATURE, '2-staff-sees-changes');
    expect([...vol.errors, ...staff.errors]).toEqual([]);
  });
});
