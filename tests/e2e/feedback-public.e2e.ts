/**
 * Issue 15, the public side in a browser: the BUILT feedback page served by the REAL server
 * (SQLite in a temp DATA_DIR), on a phone (390 × 844), as a person who scanned an event's QR code.
 * - /f/<code> of a synced event shows the event; the person rates, writes, leaves a phone with
 *   consent and gets a 查询码;
 * - again with the network cut before 提交: the text waits on the page (localStorage) and is sent
 *   when the network returns — stored once;
 * - staff reply through the API; /f/q/<查询码> shows the reply (HTML in it stays text) and takes
 *   回访满意度, after which the item is closed.
 * Screenshots in test-artifacts/feedback-public/.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { feedbackCodeOf } from '../../src/domain/feedback';
import { auditA11y, collectErrors, freePort, launchBrowser, newProfileDir, removeProfileDir, screenshot, startRealServer } from './harness';

const FEATURE = 'feedback-public';
const PASSWORD = 'kepu-ledger-2026';
const EVENT_ID = '0190f5a4-1c2b-7d3e-8f40-123456789abc';
const CODE = feedbackCodeOf(EVENT_ID);

let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
let profile = '';
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];
let token = '';
let orgId = '';
let firstQueryCode = '';

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface ListItem {
  id: string;
  ref: string;
  satisfaction: number | null;
  phone: string | null;
  state: string;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kl-e2e-fb-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  const setup = await api<{ token: string; org: { id: string } }>('POST', '/api/setup', {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password: PASSWORD,
  });
  expect(setup.status).toBe(201);
  token = setup.body.token;
  orgId = setup.body.org.id;
  // The volunteer's phone synced the event (an admin's push here).
  const push = await api<{ results: { status: string }[] }>('POST', '/api/sync/push', {
    v: 1,
    clientId: '0190f5a4-0000-7000-8000-000000000001',
    mutations: [
      {
        entity: 'event',
        op: 'put',
        seq: 1,
        eventId: EVENT_ID,
        at: '2026-05-20T12:00:00+08:00',
        fields: {
          title: '科普大篷车进校园',
          notes: '',
          startAt: '2026-05-20T09:00:00+08:00',
          endAt: '2026-05-20T11:30:00+08:00',
          format: 'caravan',
          venue: 'school',
          campaign: null,
          themes: ['sci-tech'],
          townshipCode: '441323001000',
          villageCode: null,
          venueName: '吉隆中心小学',
          point: null,
          attendance: 300,
          onlineAttendance: null,
          audience: [{ kind: 'students', count: 280 }],
          materials: [],
          volunteers: [],
          volunteerCount: null,
          partners: [],
          distanceKm: null,
          photos: [],
          status: 'submitted',
          reviewNote: null,
          reviewedBy: null,
          reviewedAt: null,
        },
      },
    ],
  });
  expect(push.status).toBe(200);
  expect(push.body.results[0]!.status).toBe('applied');
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = await ctx.newPage();
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  if (profile) removeProfileDir(profile);
  if (proc) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function items(): Promise<ListItem[]> {
  return (await api<{ items: ListItem[] }>('GET', '/api/feedback')).body.items;
}

describe('the public feedback page on a phone', () => {
  it('shows the event, takes a rating, words and a phone with consent, and gives a 查询码', async () => {
    const res = await page.goto(`${base}/f/${CODE}`);
    expect(res!.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByText('科普大篷车进校园').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe('活动评价');
    expect(await page.textContent('.fb-sub')).toContain('平山街道');
    await page.getByText('非常满意', { exact: true }).click();
    await page.getByLabel('您喜欢什么？（选填）').fill('实验很有趣 <script>alert(1)</script>');
    await page.getByLabel('您有什么建议？（选填）').fill('希望多来几次');
    await page.getByLabel('联系电话（选填）').fill('13812341234');
    await screenshot(page, FEATURE, '01-form', true);
    expect(await auditA11y(page)).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    // A phone without consent is refused on the page, the text kept.
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('留电话需要勾选同意').waitFor();
    await page.getByText('我同意按上述目的使用我的电话号码').click();
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('#query-code').waitFor();
    firstQueryCode = (await page.textContent('#query-code'))!.trim();
    expect(firstQueryCode).toMatch(/^[A-Z2-9]{10}$/);
    await screenshot(page, FEATURE, '02-query-code');
    expect(await auditA11y(page)).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    const stored = await items();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ satisfaction: 5, phone: '138****1234', state: 'received' });
  });

  it('with the network cut before 提交, keeps the words and sends them once when it returns', async () => {
    await page.goto(`${base}/f/${CODE}`);
    await page.getByText('科普大篷车进校园').first().waitFor();
    await page.getByText('满意', { exact: true }).click();
    await page.getByLabel('您有什么建议？（选填）').fill('信号不好时写的建议');
    await ctx.setOffline(true);
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('网络不佳，您的意见已保存在本机').waitFor();
    const kept = await page.evaluate((c) => localStorage.getItem(`kl-fb-pending:${c}`), CODE);
    expect(kept).toContain('信号不好时写的建议');
    expect(await page.textContent('#kept')).toContain('建议：信号不好时写的建议');
    await screenshot(page, FEATURE, '03-offline-kept');
    await page.waitForTimeout(2500); // a retry while still offline
    await ctx.setOffline(false);
    await page.locator('#query-code').waitFor({ timeout: 30_000 });
    expect(await page.evaluate((c) => localStorage.getItem(`kl-fb-pending:${c}`), CODE)).toBeNull();
    await screenshot(page, FEATURE, '04-sent-after-reconnect');
    const stored = await items();
    expect(stored).toHaveLength(2);
    expect(stored.filter((i) => i.satisfaction === 4)).toHaveLength(1);
  });

  it('shows the reply on the status page (HTML as text) and takes 回访满意度', async () => {
    const first = (await items()).find((i) => i.satisfaction === 5)!;
    expect((await api('POST', `/api/feedback/${first.id}/actions`, { action: 'accept' })).status).toBe(200);
    const reply = '感谢您的建议！下学期我们再来吉隆中心小学。<b>不是粗体</b>';
    expect((await api('POST', `/api/feedback/${first.id}/actions`, { action: 'reply', text: reply })).status).toBe(200);
    await page.goto(`${base}/f/q/${firstQueryCode}`);
    await page.locator('#reply').waitFor();
    expect(await page.textContent('#reply')).toBe(reply);
    expect(await page.locator('#reply b').count()).toBe(0);
    expect(await page.textContent('#state')).toBe('已答复');
    await screenshot(page, FEATURE, '05-status-replied', true);
    expect(await auditA11y(page)).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await page.getByText('满意', { exact: true }).click();
    await page.getByRole('button', { name: '提交回访评价' }).click();
    await page.locator('#follow-up-done').waitFor();
    expect(await page.textContent('#state')).toBe('已办结');
    expect(await page.textContent('#follow-up-done')).toContain('满意');
    await screenshot(page, FEATURE, '06-follow-up-done');
    expect((await items()).find((i) => i.id === first.id)!.state).toBe('closed');
    // An unknown 查询码 says so.
    await page.goto(`${base}/f/q/ABCDEFGHJK`);
    await page.getByText('没有找到这个查询码').waitFor();
    expect(await auditA11y(page)).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
  });

  it('the 意见箱 asks for a category and the text', async () => {
    await page.goto(`${base}/f/${feedbackCodeOf(orgId)}`);
    await page.getByText('意见箱', { exact: true }).waitFor();
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('请写下您的意见。').waitFor();
    await page.getByText('投诉', { exact: true }).click();
    await page.getByLabel('您的意见').fill('活动现场音响太吵');
    expect(await page.getByText('请写下您的意见。').count()).toBe(0);
    expect(await auditA11y(page)).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await screenshot(page, FEATURE, '07-box');
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('#query-code').waitFor();
    expect((await items()).filter((i) => i.satisfaction === null)).toHaveLength(1);
  });

  it('ran without page errors (the offline fetch failures aside)', () => {
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|404 \(Not Found\)/.test(e))).toEqual([]);
  });
});
