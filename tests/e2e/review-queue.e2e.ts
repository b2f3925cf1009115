/**
 * Review with the evidence, and a return nobody can miss (issue 13 §1–§2), on two 390×844 phones
 * over the real server. A volunteer's events reach the server (their pushes, as their phone makes
 * them: one with a photo that staff already returned once and the volunteer fixed); another
 * volunteer's too. The staff member opens 审核 from the tab bar (its badge counts what waits),
 * sees the photo thumbnail, the submitter, the place and the change since the last review,
 * filters to the ten events of one volunteer in one month, approves them in one tap, undoes it
 * (撤销: the undo syncs), and returns the event with the photo; it is listed under 我退回的 at once.
 * The volunteer's home shows it first with the reason; one tap opens the form with the reason at
 * the top; they fix and save; the old reason is no longer shown anywhere as current, and staff
 * see it back in the queue with what was fixed. Taps and wall-clock times of the two flows are
 * printed (and kept in test-artifacts/review-queue/timings.json).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, auditA11y, freePort, readStore, screenshot, startRealServer } from './harness';
import { gradientPng } from './png';
import { Phones, go, serverApi, signIn as signInAt, syncNow, waitSynced, type Phone } from './phones';

const FEATURE = 'review-queue';
const PINGSHAN = '441323001000';
const BAIHUA = '441323102000';
const PASSWORD = 'kepu-ledger-2026';

let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
const phones = new Phones();
const api = serverApi(() => base);
const signIn = (p: Phone, username: string) => signInAt(p, base, username, PASSWORD);
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
const timings: Record<string, { taps: number; ms: number }> = {};
/** Parts of the screen other features own (their own tests judge them). */
const OTHERS = ['[data-testid=sync-badge]', '.van-tabbar', '.van-toast'];
const CLEAN = { unlabeled: [], smallTargets: [], lowContrast: [] };

/** A device of a person pushing as their phone would: its client id and its next seq. */
function device(username: string) {
  const clientId = randomUUID();
  let seq = 0;
  return async (eventId: string, fields: Record<string, unknown>) => {
    const res = await api<{ results: { status: string }[] }>('POST', '/api/sync/push', tokens[username]!, {
      v: 1,
      clientId,
      mutations: [{ entity: 'event', op: 'put', seq: ++seq, eventId, fields, at: '2026-04-30T12:00:00+08:00' }],
    });
    expect(res.results.map((r) => r.status)).toEqual(['applied']);
  };
}

function content(title: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title,
    notes: '',
    startAt: '2026-04-10T09:30:00+08:00',
    endAt: '2026-04-10T11:30:00+08:00',
    format: 'lecture',
    venue: 'school',
    campaign: null,
    themes: [],
    townshipCode: PINGSHAN,
    villageCode: null,
    venueName: '平山中心小学',
    point: null,
    attendance: 120,
    onlineAttendance: null,
    audience: [],
    materials: [{ kind: 'leaflet', count: 200 }],
    volunteers: [],
    volunteerCount: null,
    partners: [],
    distanceKm: null,
    photos: [],
    status: 'submitted',
    ...over,
  };
}

let photoEvent = '';
const tenIds: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-review-queue-e2e-'));
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  const admin = await api<{ token: string }>('POST', '/api/setup', null, {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password: PASSWORD,
  });
  for (const [role, name, username] of [
    ['volunteer', '张志愿', 'zhang'],
    ['volunteer', '李志愿', 'lili'],
    ['staff', '王干事', 'wang'],
  ] as const) {
    const { user } = await api<{ user: { id: string } }>('POST', '/api/users', admin.token, { role, name, username, password: PASSWORD });
    userIds[username] = user.id;
    tokens[username] = (await api<{ token: string }>('POST', '/api/login', null, { username, password: PASSWORD })).token;
  }

  const zhang = device('zhang');
  const li = device('lili');
  const wang = device('wang');
  // Ten lectures of 张志愿 in April at 平山: the set staff approve at once.
  for (let i = 1; i <= 10; i++) {
    const id = randomUUID();
    tenIds.push(id);
    await zhang(
      id,
      content(`平山小学科普讲座第${i}场`, {
        startAt: `2026-04-${String(i + 10).padStart(2, '0')}T09:30:00+08:00`,
        endAt: `2026-04-${String(i + 10).padStart(2, '0')}T11:30:00+08:00`,
        attendance: 100 + i,
      }),
    );
  }
  // Two of 李志愿 in April, at 白花.
  for (let i = 1; i <= 2; i++) await li(randomUUID(), content(`白花镇科普进村${i}`, { townshipCode: BAIHUA, venueName: '白花社区' }));
  // One of 张志愿 in March with a photo, returned once by 王干事 and fixed: its card shows the fix.
  const png = gradientPng(800, 600, 7);
  const hash = createHash('sha256').update(png).digest('hex');
  const up = await fetch(`${base}/api/blobs/${hash}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.zhang}`, 'content-type': 'image/png' },
    body: new Uint8Array(png),
  });
  expect(up.status).toBe(201);
  photoEvent = randomUUID();
  await zhang(
    photoEvent,
    content('科普大篷车进平山小学', {
      format: 'caravan',
      startAt: '2026-03-05T09:30:00+08:00',
      endAt: '2026-03-05T11:30:00+08:00',
      attendance: 500,
      photos: [hash],
    }),
  );
  await wang(photoEvent, { status: 'returned', reviewNote: '人次明显偏大，请核实', reviewedBy: userIds.wang, reviewedAt: '2026-03-06T10:00:00+08:00' });
  await zhang(photoEvent, { attendance: 50, status: 'submitted' });
});

afterAll(async () => {
  mkdirSync(join(ROOT, 'test-artifacts', FEATURE), { recursive: true });
  writeFileSync(join(ROOT, 'test-artifacts', FEATURE, 'timings.json'), JSON.stringify(timings, null, 2) + '\n');
  await phones.closeAll();
  const p = proc;
  if (p && p.exitCode === null)
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Counts the taps of a scripted flow: a tap, a select (open + pick = 2), a field (1 tap, then typing). */
function tapCounter(p: Phone) {
  let taps = 0;
  return {
    get taps() {
      return taps;
    },
    tap: async (selector: string) => {
      taps += 1;
      await p.page.locator(selector).click();
    },
    pick: async (selector: string, value: string) => {
      taps += 2;
      await p.page.locator(selector).selectOption(value);
    },
    type: async (selector: string, text: string) => {
      taps += 1;
      await p.page.locator(selector).fill(text);
    },
  };
}

const statusesOf = async (p: Phone, ids: readonly string[]) => {
  const rows = await readStore<{ id: string; status: string }>(p.page, 'events');
  return ids.map((id) => rows.find((r) => r.id === id)?.status);
};

describe('staff review with the evidence; a returned event cannot be missed', () => {
  let staff: Phone;
  let vol: Phone;

  it('staff see the photo, the submitter and the change since the last review on the card', async () => {
    staff = await phones.open('staff');
    await signIn(staff, 'wang');
    const tab = staff.page.locator('[data-testid=tab-review]');
    await tab.locator('.van-badge').filter({ hasText: '13' }).waitFor();
    expect((await tab.innerText()).replace(/\s+/g, ' ').trim()).toBe('13 审核');
    expect(await staff.page.locator('[data-test=home-review-waiting]').innerText()).toContain('13 条待审核');

    await tab.click();
    await staff.page.waitForURL(`${base}/review`);
    const card = staff.page.locator(`[data-testid=review-item][data-event-id="${photoEvent}"]`);
    await card.waitFor();
    expect(await staff.page.locator('[data-testid=review-queue-title]').innerText()).toBe('待审核（13）');
    expect(await card.locator('[data-testid=review-meta]').innerText()).toBe('提交人：张志愿 · 平山街道 · 2026年3月5日 09:30');
    expect(await card.locator('[data-testid=review-reach]').innerText()).toBe('科普大篷车巡展 · 50 人次 · 200 份');
    await card.locator('[data-testid=review-change]').first().waitFor();
    expect(await card.locator('[data-testid=review-change]').allInnerTexts()).toEqual(['惠及群众（人次）：500 → 50']);
    // The photo comes from the server (it was taken on the volunteer's phone), through the signed-in fetch.
    await staff.page.waitForFunction(
      (id) => (document.querySelector<HTMLImageElement>(`[data-event-id="${id}"] [data-testid=review-photo] img`)?.naturalWidth ?? 0) > 0,
      photoEvent,
      { timeout: 20_000 },
    );
    const thumb = await card.locator('[data-testid=review-photo]').boundingBox();
    expect([thumb?.width, thumb?.height]).toEqual([88, 88]);
    await card.scrollIntoViewIfNeeded();
    await screenshot(staff.page, FEATURE, '1-staff-card-with-evidence');
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);

    await card.locator('[data-testid=review-photo]').click();
    const big = staff.page.locator('.van-image-preview img');
    await big.waitFor();
    await staff.page.waitForFunction(() => (document.querySelector<HTMLImageElement>('.van-image-preview img')?.naturalWidth ?? 0) === 800);
    expect((await big.boundingBox())!.width).toBeGreaterThan(300);
    // The preview fades in over 300 ms: shoot it once it is opaque.
    await staff.page.waitForFunction(() => [...document.querySelectorAll('.van-overlay')].some((o) => getComputedStyle(o).opacity === '1'));
    await staff.page.waitForTimeout(350);
    await screenshot(staff.page, FEATURE, '2-staff-photo-enlarged');
    await staff.page.locator('.van-image-preview__close-icon').click();
    await big.waitFor({ state: 'detached' });
  });

  it('staff filter to ten events, approve them in one tap, and undo it (the undo syncs)', async () => {
    await go(staff, '/');
    const started = Date.now();
    const c = tapCounter(staff);
    await c.tap('[data-testid=tab-review]');
    await c.pick('[data-testid=review-filter-submitter]', userIds.zhang!);
    await c.pick('[data-testid=review-filter-month]', '2026-04');
    expect(await staff.page.locator('[data-testid=review-shown]').innerText()).toBe('显示 10 / 13 条');
    expect(await staff.page.locator('[data-testid=review-approve-shown]').innerText()).toBe('全部通过（显示的 10 条）');
    await c.tap('[data-testid=review-approve-shown]');
    await staff.page.locator('[data-testid=review-queue-title]', { hasText: '待审核（3）' }).waitFor();
    timings.approveTen = { taps: c.taps, ms: Date.now() - started };
    expect(await statusesOf(staff, tenIds)).toEqual(Array(10).fill('reviewed'));
    expect(await staff.page.locator('[data-testid=undo-bar]').innerText()).toMatch(/^已审核通过 10 条\s*撤销$/);
    await screenshot(staff.page, FEATURE, '3-staff-approved-ten-undo-offered');

    const since = Date.now();
    await staff.page.locator('[data-testid=undo-action]').click();
    await staff.page.locator('[data-testid=review-queue-title]', { hasText: '待审核（13）' }).waitFor();
    expect(await staff.page.locator('[data-testid=review-status]').innerText()).toBe('已撤销，10 条回到待审核');
    expect(await statusesOf(staff, tenIds)).toEqual(Array(10).fill('submitted'));
    await waitSynced(staff, since);
    // On the server: approved, then back to submitted — two edits in its history, the undo included.
    const { history } = await api<{ history: { field: string; newValue: unknown; rev: number }[] }>('GET', `/api/events/${tenIds[0]}/history`, tokens.wang!);
    expect(
      history
        .filter((h) => h.field === 'status')
        .sort((a, b) => a.rev - b.rev)
        .map((h) => h.newValue),
    ).toEqual(['reviewed', 'submitted']);
  });

  it('staff return the event with the photo; it is listed under 我退回的 at once', async () => {
    await staff.page.locator('[data-testid=review-filter-clear]').click();
    const card = staff.page.locator(`[data-testid=review-item][data-event-id="${photoEvent}"]`);
    await card.locator('button.row').click();
    expect(await card.locator('[data-testid=review-detail]').innerText()).toContain('上次退回原因');
    await card.locator('[data-testid=review-reason]').fill('请补充现场照片的说明，并核实人次');
    const since = Date.now();
    await card.locator('[data-testid=review-return]').click();
    await staff.page.locator('[data-testid=returned-by-me-title]', { hasText: '我退回的（1）' }).waitFor();
    await staff.page.locator('[data-testid=review-queue-title]', { hasText: '待审核（12）' }).waitFor();
    expect(await staff.page.locator('[data-testid=returned-by-me-item]').innerText()).toContain('退回原因：请补充现场照片的说明，并核实人次');
    expect(await staff.page.locator('[data-testid=returned-to-me-title]').innerText()).toBe('退回给我的（0）');
    expect(await staff.page.locator('main').innerText()).not.toContain('被退回的活动');
    await staff.page.locator('[data-testid=returned-by-me-list]').scrollIntoViewIfNeeded();
    await screenshot(staff.page, FEATURE, '4-staff-returned-by-me');
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);
    await waitSynced(staff, since);
  });

  it('the volunteer sees it first on home with the reason, fixes it from the form, and the old reason is gone', async () => {
    vol = await phones.open('volunteer');
    await signIn(vol, 'zhang');
    const card = vol.page.locator('[data-test=home-returned]');
    await card.waitFor();
    expect(await card.locator('h2').innerText()).toBe('1 条被退回，请修改后重新提交');
    expect(await card.locator('[data-test=home-returned-reason]').innerText()).toBe('退回原因：请补充现场照片的说明，并核实人次');
    const logButton = await vol.page.locator('[data-test=log-event]').boundingBox();
    expect((await card.boundingBox())!.y).toBeLessThan(logButton!.y);
    // A volunteer's tab bar has no 审核 tab (it is staff's), and home offers no queue.
    expect(await vol.page.locator('.van-tabbar-item').allInnerTexts()).toEqual(['首页', '活动', '地图', '报告', '设置']);
    expect(await vol.page.locator('[data-test=home-review-waiting]').count()).toBe(0);
    await screenshot(vol.page, FEATURE, '5-volunteer-home-returned-first');
    expect(await auditA11y(vol.page, [...OTHERS, '[data-testid=coverage-card]'])).toEqual(CLEAN);

    const started = Date.now();
    const c = tapCounter(vol);
    await c.tap('[data-test=home-returned-item] a');
    const notice = vol.page.locator('[data-test=returned-notice]');
    await notice.waitFor();
    expect((await notice.innerText()).replace(/\s+/g, ' ')).toBe(
      '工作人员退回了这条活动 退回原因：请补充现场照片的说明，并核实人次 按退回原因修改后点“保存”，即重新提交审核。',
    );
    // At the top: nothing of the form above it.
    expect((await notice.boundingBox())!.y).toBeLessThan((await vol.page.locator('#ev-title').boundingBox())!.y);
    await vol.page.waitForFunction(() => (document.querySelector('#ev-attendance') as HTMLInputElement | null)?.value === '50');
    await screenshot(vol.page, FEATURE, '6-volunteer-form-reason-on-top');
    expect(await auditA11y(vol.page, [...OTHERS, '.kl-form'])).toEqual(CLEAN);
    await c.type('#ev-notes', '现场照片为平山小学操场，人次按签到表核实为 45');
    await c.type('#ev-attendance', '45');
    const since = Date.now();
    await c.tap('[data-test=save]');
    await vol.page.locator('[data-test=detail-title]').waitFor();
    timings.fixReturned = { taps: c.taps, ms: Date.now() - started };
    expect(await vol.page.locator('.kl-detail__status').first().innerText()).toBe('已提交');
    expect(await vol.page.locator('[data-test=detail-returned-reason]').count()).toBe(0);
    expect(await vol.page.locator('main').innerText()).not.toContain('请补充现场照片的说明');
    await screenshot(vol.page, FEATURE, '7-volunteer-resubmitted');
    await waitSynced(vol, since);

    await go(vol, '/');
    await vol.page.locator('[data-test=log-event]').waitFor();
    expect(await vol.page.locator('[data-test=home-returned]').count()).toBe(0);
    await go(vol, `/events/${photoEvent}/edit`);
    await vol.page.waitForFunction(() => (document.querySelector('#ev-attendance') as HTMLInputElement | null)?.value === '45');
    expect(await vol.page.locator('[data-test=returned-notice]').count()).toBe(0);

    await syncNow(staff);
    await go(staff, '/review');
    const back = staff.page.locator(`[data-testid=review-item][data-event-id="${photoEvent}"]`);
    await back.locator('[data-testid=review-change]').first().waitFor();
    // One save, two fields: the lines of one revision come in the server's order of fields.
    expect((await back.locator('[data-testid=review-change]').allInnerTexts()).sort()).toEqual(
      ['备注：— → 现场照片为平山小学操场，人次按签到表核实为 45', '惠及群众（人次）：50 → 45'].sort(),
    );
    expect(await staff.page.locator('[data-testid=returned-by-me-title]').innerText()).toBe('我退回的（0）');
    await back.scrollIntoViewIfNeeded();
    await screenshot(staff.page, FEATURE, '8-staff-sees-the-fix');
    console.log(`review-queue timings: ${JSON.stringify(timings)}`);
    expect([...vol.errors, ...staff.errors]).toEqual([]);
  });
});
