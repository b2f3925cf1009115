/**
 * Drafts and joining by scanning, in a real browser at 390×844 against the BUILT app served by the
 * REAL server on SQLite (a temp DATA_DIR):
 * - staff make an invite and read its link and QR code (the QR decoded by jsqr reads the link);
 * - a fresh phone opens the link (online, then offline from its service worker), sees the code
 *   filled and no server field unless 高级设置 is opened, and joins;
 * - the volunteer keeps two drafts (one on purpose with 存为草稿, one by leaving the form), finds
 *   both in 草稿箱 after a reload, resumes and saves one (its draft goes), repeats the last event
 *   while another unsaved draft exists (nothing is lost), and deletes drafts (after a confirmation);
 * - taps and time for logging a new event and for repeating the last one (printed; see the report).
 * Screenshots go to test-artifacts/drafts-join/. KL_DIST and KL_SERVER_DIST point at private builds.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditA11y, freePort, readStore, screenshot, startRealServer, waitForServiceWorkerControl } from './harness';
import { Phones, go, serverApi, signIn, type Phone } from './phones';
import { modulesFromSvg, readQr } from '../app/components/admin/qr-read';

const FEATURE = 'drafts-join';
const PASSWORD = 'kepu-ledger-2026';
const PINGSHAN = '441323001000';
const CLEAN = { unlabeled: [], smallTargets: [], lowContrast: [] };
/** Other features' parts of the screen, judged by their own tests. */
const OTHERS = ['[data-testid=sync-badge]', '.van-tabbar', '.van-toast'];

let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
const phones = new Phones();
const api = serverApi(() => base);

type DraftRowSeen = { key: string; mode?: string; content: { title: string }; savedAt: string };
const draftTitles = async (p: Page) => (await readStore<DraftRowSeen>(p, 'drafts')).map((d) => d.content.title).sort();

/** Counts what a person does: a tap, a choice from a native picker (two taps), typing into a field (one tap). */
class Taps {
  n = 0;
  async tap(l: Locator): Promise<void> {
    this.n += 1;
    await l.click();
  }
  async choose(l: Locator, value: string): Promise<void> {
    this.n += 2;
    await l.selectOption(value);
  }
  async type(l: Locator, text: string): Promise<void> {
    this.n += 1;
    await l.fill(text);
  }
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-drafts-join-e2e-'));
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  const admin = await api<{ token: string }>('POST', '/api/setup', null, {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '李管理',
    username: 'lee',
    password: PASSWORD,
  });
  await api('POST', '/api/users', admin.token, { role: 'staff', name: '王干事', username: 'wang', password: PASSWORD });
});

afterAll(async () => {
  await phones.closeAll();
  if (proc && proc.exitCode === null) {
    const p = proc;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('joining by scanning', () => {
  let staff: Phone;
  let volunteer: Phone;
  let code = '';
  let link = '';

  it('staff make an invite and see its link and a QR code that reads as the link', async () => {
    staff = await phones.open('staff');
    await signIn(staff, base, 'wang', PASSWORD);
    await go(staff, '/admin');
    await staff.page.locator('[data-testid=invite-max-uses] input').fill('5');
    await staff.page.locator('[data-testid=invite-submit]').click();
    code = (await staff.page.locator('[data-testid=invite-code]').getAttribute('data-code'))!;
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    link = await staff.page.locator('[data-testid=invite-link]').innerText();
    expect(link).toBe(`${base}/join?code=${code}`);
    const qr = staff.page.locator('[data-testid=invite-qr]');
    await qr.waitFor();
    const [viewBox, d] = await qr.evaluate((svg) => [svg.getAttribute('viewBox')!, svg.querySelector('path')!.getAttribute('d')!]);
    expect(readQr(modulesFromSvg(viewBox, d))).toBe(link);
    // Big enough to scan off a phone held up to another: at least 200 CSS px across.
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(200);
    await qr.scrollIntoViewIfNeeded();
    await screenshot(staff.page, FEATURE, '01-invite-qr');
    await screenshot(staff.page, FEATURE, '01-invite-full', true);
    expect(await auditA11y(staff.page, OTHERS)).toEqual(CLEAN);
  });

  it('a fresh phone opens the link — online, then offline from its cache — with the code filled and no server field', async () => {
    volunteer = await phones.open('volunteer');
    await volunteer.page.goto(link);
    await waitForServiceWorkerControl(volunteer.page);
    const codeInput = volunteer.page.locator('[data-testid=join-code] input');
    await codeInput.waitFor();
    expect(await codeInput.inputValue()).toBe(code);
    // The link works offline like /login: the service worker answers the navigation.
    await volunteer.ctx.setOffline(true);
    await volunteer.page.reload({ waitUntil: 'load' });
    await codeInput.waitFor();
    expect(await codeInput.inputValue()).toBe(code);
    await volunteer.ctx.setOffline(false);

    expect(await volunteer.page.getByRole('tab', { name: '邀请码加入', selected: true }).count()).toBe(1);
    expect(await volunteer.page.locator('[data-testid=join-from-link]').innerText()).toBe('邀请码已从邀请链接填好，请填写姓名、用户名和密码。');
    expect(await volunteer.page.locator('[data-testid=login-server]').count()).toBe(0);
    expect(await volunteer.page.getByText('服务器地址').count()).toBe(0);
    await screenshot(volunteer.page, FEATURE, '02-join-from-link');
    expect(await auditA11y(volunteer.page, OTHERS)).toEqual(CLEAN);

    const advanced = volunteer.page.locator('[data-testid=login-advanced]');
    expect(await advanced.getAttribute('aria-expanded')).toBe('false');
    await advanced.click();
    expect(await advanced.getAttribute('aria-expanded')).toBe('true');
    expect(await volunteer.page.locator('[data-testid=login-server] input').inputValue()).toBe('');
    await screenshot(volunteer.page, FEATURE, '03-join-advanced');
    expect(await auditA11y(volunteer.page, OTHERS)).toEqual(CLEAN);
    await advanced.click();
    expect(await volunteer.page.locator('[data-testid=login-server]').count()).toBe(0);
  });

  it('joins with the code from the link, and the invite counts one use', async () => {
    await volunteer.page.locator('[data-testid=join-name] input').fill('陈志愿');
    await volunteer.page.locator('[data-testid=join-username] input').fill('13800000001');
    await volunteer.page.locator('[data-testid=join-password] input').fill(PASSWORD);
    await volunteer.page.locator('[data-testid=login-submit]').click();
    await volunteer.page.waitForURL(`${base}/`);
    const session = (await readStore<{ key: string; value: { name?: string; role?: string; serverUrl?: string } }>(volunteer.page, 'meta')).find(
      (m) => m.key === 'session',
    )?.value;
    expect([session?.name, session?.role, session?.serverUrl]).toEqual(['陈志愿', 'volunteer', '']);
    await staff.page.reload();
    await staff.page.locator('[data-testid=invite-item]').first().waitFor();
    expect(await staff.page.locator('[data-testid=invite-item]').first().innerText()).toContain('已用 1/5 次');
  });
});

describe('the draft box', () => {
  let page: Page;
  const home = async () => {
    await page.locator('.van-tabbar-item', { hasText: '首页' }).click();
    await page.locator('[data-test=log-event]').waitFor();
  };
  const waitDrafts = (titles: string[]) => expect.poll(() => draftTitles(page), { timeout: 10_000 }).toEqual([...titles].sort());
  const item = (title: string) => page.locator('[data-test=draft-item]', { hasText: title });

  beforeAll(() => {
    page = phones.all.find((p) => p.name === 'volunteer')!.page;
  });

  it('keeps one draft on purpose (存为草稿, incomplete) and another by leaving the form', async () => {
    expect(await page.locator('[data-test=home-drafts]').count()).toBe(0);
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').fill('科普讲座（写了一半）');
    await page.locator('#ev-format').selectOption('lecture');
    await page.locator('[data-test=keep-draft]').click();
    await page.waitForURL(/\/drafts$/);
    await item('科普讲座（写了一半）').waitFor();
    await waitDrafts(['科普讲座（写了一半）']);

    await home();
    expect(await page.locator('[data-test=home-drafts]').innerText()).toBe('草稿箱 · 1 份未完成');
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').waitFor();
    // The new form is empty and says the other draft is kept.
    expect(await page.locator('#ev-title').inputValue()).toBe('');
    expect(await page.locator('[data-test=other-drafts]').innerText()).toContain('草稿箱里还有 1 份未完成的草稿，都保留着。');
    await page.locator('#ev-title').fill('大篷车进村（未完成）');
    await page.locator('#ev-attendance').fill('80');
    await waitDrafts(['大篷车进村（未完成）', '科普讲座（写了一半）']);
    await home();
    expect(await page.locator('[data-test=home-drafts]').innerText()).toBe('草稿箱 · 2 份未完成');
    await screenshot(page, FEATURE, '04-home-with-drafts');
  });

  it('lists both in 草稿箱, last touched first, with format and time, after a reload too', async () => {
    await page.locator('[data-test=home-drafts]').click();
    await page.locator('[data-test=draft-item]').nth(1).waitFor();
    await page.reload({ waitUntil: 'load' });
    await page.locator('[data-test=draft-item]').nth(1).waitFor();
    expect(await page.locator('.kl-drafts__title').allInnerTexts()).toEqual(['大篷车进村（未完成）', '科普讲座（写了一半）']);
    expect(await item('科普讲座（写了一半）').locator('.kl-drafts__meta').first().innerText()).toBe('新活动 · 科普讲座/报告会');
    expect(await item('大篷车进村（未完成）').locator('.kl-drafts__meta').nth(1).innerText()).toMatch(/^最后修改 /);
    await screenshot(page, FEATURE, '05-draft-box');
    expect(await auditA11y(page, OTHERS)).toEqual(CLEAN);
  });

  it('resumes a draft, saves it as an event, and its draft goes while the other stays', async () => {
    await item('科普讲座（写了一半）').locator('[data-test=draft-resume]').click();
    await page.locator('#ev-title').waitFor();
    await expect.poll(() => page.locator('#ev-title').inputValue()).toBe('科普讲座（写了一半）');
    expect(await page.locator('#ev-format').inputValue()).toBe('lecture');
    await page.getByText('已恢复上次未保存的内容').waitFor();
    await page.locator('#ev-title').fill('科普讲座进社区');
    await page.locator('#ev-venue').selectOption('community');
    await page.locator('#ev-township').selectOption(PINGSHAN);
    await page.locator('#ev-attendance').fill('60');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-title]').waitFor();
    expect(await page.locator('[data-test=detail-title]').innerText()).toBe('科普讲座进社区');
    await waitDrafts(['大篷车进村（未完成）']);
    const events = await readStore<{ title: string; format: string; status: string }>(page, 'events');
    expect(events.map((e) => [e.title, e.format, e.status])).toEqual([['科普讲座进社区', 'lecture', 'submitted']]);
  });

  it('repeats the last event while an unsaved draft exists, and loses nothing', async () => {
    await home();
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').fill('急救培训（未保存）');
    await waitDrafts(['大篷车进村（未完成）', '急救培训（未保存）']);
    await home();
    await page.locator('[data-test=repeat-last]').click();
    await expect.poll(() => page.locator('#ev-format').inputValue()).toBe('lecture');
    expect(await page.locator('#ev-township').inputValue()).toBe(PINGSHAN);
    expect(await page.locator('#ev-title').inputValue()).toBe('');
    expect(await page.locator('[data-test=other-drafts]').innerText()).toContain('草稿箱里还有 2 份未完成的草稿，都保留着。');
    // Both earlier drafts are still there, word for word, beside the repeat's own.
    await expect.poll(async () => (await readStore<DraftRowSeen>(page, 'drafts')).length, { timeout: 10_000 }).toBe(3);
    expect(await draftTitles(page)).toEqual(['', '大篷车进村（未完成）', '急救培训（未保存）']);
    await screenshot(page, FEATURE, '06-repeat-keeps-drafts');
    // One tap on the banner's link goes to the latest draft; back to the repeat afterwards.
    expect(await page.locator('[data-test=continue-latest]').innerText()).toBe('继续“急救培训（未保存）”');
    await page.locator('#ev-title').fill('科普讲座进校园');
    await page.locator('#ev-attendance').fill('90');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-title]').waitFor();
    await waitDrafts(['大篷车进村（未完成）', '急救培训（未保存）']);
  });

  it('deletes drafts only after a confirmation', async () => {
    await home();
    await page.locator('[data-test=home-drafts]').click();
    await item('急救培训（未保存）').waitFor();
    await item('急救培训（未保存）').locator('[data-test=draft-delete]').click();
    await page.locator('.van-dialog').getByText('删除草稿“急救培训（未保存）”？删除后无法恢复。').waitFor();
    await screenshot(page, FEATURE, '07-delete-confirm');
    await page.locator('.van-dialog').getByRole('button', { name: '取消' }).click();
    await page.locator('.van-dialog').waitFor({ state: 'hidden' });
    expect(await page.locator('[data-test=draft-item]').count()).toBe(2);
    await item('急救培训（未保存）').locator('[data-test=draft-delete]').click();
    await page.locator('.van-dialog').getByRole('button', { name: '删除' }).click();
    await item('急救培训（未保存）').waitFor({ state: 'detached' });
    await waitDrafts(['大篷车进村（未完成）']);
    await item('大篷车进村（未完成）').locator('[data-test=draft-delete]').click();
    await page.locator('.van-dialog').getByRole('button', { name: '删除' }).click();
    await page.locator('[data-test=drafts-empty]').waitFor();
    await waitDrafts([]);
    await screenshot(page, FEATURE, '08-box-empty');
    const events = await readStore<{ title: string }>(page, 'events');
    expect(events.map((e) => e.title).sort()).toEqual(['科普讲座进校园', '科普讲座进社区']);
  });
});

describe('taps and time', () => {
  let page: Page;
  beforeAll(async () => {
    page = phones.all.find((p) => p.name === 'volunteer')!.page;
    await page.locator('.van-tabbar-item', { hasText: '首页' }).click();
    await page.locator('[data-test=log-event]').waitFor();
  });

  it('logs a new event from home', async () => {
    const t = new Taps();
    const start = Date.now();
    await t.tap(page.locator('[data-test=log-event]'));
    await t.type(page.locator('#ev-title'), '科普大篷车进校园');
    await t.choose(page.locator('#ev-format'), 'caravan');
    await t.choose(page.locator('#ev-venue'), 'school');
    await t.choose(page.locator('#ev-township'), PINGSHAN);
    await t.type(page.locator('#ev-attendance'), '120');
    await t.tap(page.locator('[data-test=save]'));
    await page.locator('[data-test=detail-title]').waitFor();
    const ms = Date.now() - start;
    console.log(`log a new event: ${t.n} taps, ${ms} ms (machine time, typing instant)`);
    expect(t.n).toBe(10);
    expect(await page.locator('[data-test=detail-title]').innerText()).toBe('科普大篷车进校园');
  });

  it('repeats the last event from home', async () => {
    await page.locator('.van-tabbar-item', { hasText: '首页' }).click();
    await page.locator('[data-test=repeat-last]').waitFor();
    const t = new Taps();
    const start = Date.now();
    await t.tap(page.locator('[data-test=repeat-last]'));
    await expect.poll(() => page.locator('#ev-format').inputValue()).toBe('caravan');
    await t.type(page.locator('#ev-title'), '科普大篷车进乡村');
    await t.type(page.locator('#ev-attendance'), '150');
    await t.tap(page.locator('[data-test=save]'));
    await page.locator('[data-test=detail-title]').waitFor();
    const ms = Date.now() - start;
    console.log(`repeat the last event: ${t.n} taps, ${ms} ms (machine time, typing instant)`);
    expect(t.n).toBe(4);
    const events = await readStore<{ title: string; format: string; venue: string; townshipCode: string; attendance: number }>(page, 'events');
    expect(events.find((e) => e.title === '科普大篷车进乡村')).toMatchObject({ format: 'caravan', venue: 'school', townshipCode: PINGSHAN, attendance: 150 });
    expect(await readStore(page, 'drafts')).toEqual([]);
  });
});
