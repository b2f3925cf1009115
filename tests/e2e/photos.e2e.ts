/**
 * Issue 10, "photos that staff can always open", in a real browser: the BUILT app served by the
 * REAL server on SQLite. A volunteer's phone (played through the API: upload, then push) logs
 * events with photos; a staff phone signs in and syncs the events but not the photos (they are
 * fetched when someone looks at them), then:
 * - opens /events/<id> by URL, a fresh page load, and sees the photo (it used to ask for the photo
 *   before the session had loaded: 401, an empty 照片 section);
 * - offline, opens another event: the photo's place says 离线时无法加载照片; back online, the
 *   photo appears by itself;
 * - with the server down, a third photo says 照片加载失败 with 重试; once the server is back,
 *   a tap on 重试 shows it;
 * - when the association's photo storage is full, a volunteer's new event with a photo waits on
 *   the phone, and the badge and the settings screen say why in Chinese.
 * Screenshots go to test-artifacts/photos/.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  auditA11y,
  collectErrors,
  freePort,
  launchBrowser,
  newProfileDir,
  readStore,
  removeProfileDir,
  screenshot,
  startRealServer,
  waitForServiceWorkerControl,
} from './harness';
import { gradientPng } from './png';

const FEATURE = 'photos';
const PASSWORD = 'kepu-ledger-2026';
const PINGSHAN = '441323001000';

let base = '';
let port = 0;
let dataDir = '';
let proc: ChildProcess | null = null;
let profile = '';
let ctx: BrowserContext | null = null;
let page: Page;
let errors: string[] = [];
let volToken = '';
let pushSeq = 0;
const clientId = '5a0c3b8e-1f2d-4c5b-8a9e-0d1c2b3a4f50';

async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** What the volunteer's phone does: upload the photo, then push the event naming it. Answers the event id. */
async function volunteerLogsEventWithPhoto(title: string, seed: number): Promise<string> {
  const png = gradientPng(800, 600, seed);
  const hash = createHash('sha256').update(png).digest('hex');
  const up = await fetch(`${base}/api/blobs/${hash}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${volToken}`, 'content-type': 'image/png' },
    body: new Uint8Array(png),
  });
  expect(up.status).toBe(201);
  const id = crypto.randomUUID();
  const fields = {
    title,
    notes: '',
    startAt: '2026-03-05T09:30:00+08:00',
    endAt: '2026-03-05T11:30:00+08:00',
    format: 'caravan',
    venue: 'school',
    campaign: null,
    themes: [],
    townshipCode: PINGSHAN,
    villageCode: null,
    venueName: '平山中心小学',
    point: null,
    attendance: 150,
    onlineAttendance: null,
    audience: [],
    materials: [],
    volunteers: [],
    volunteerCount: null,
    partners: [],
    distanceKm: null,
    photos: [hash],
  };
  const res = await api<{ results: { status: string }[] }>('POST', '/api/sync/push', volToken, {
    v: 1,
    clientId,
    mutations: [{ entity: 'event', op: 'put', seq: ++pushSeq, eventId: id, fields, at: '2026-03-05T12:00:00+08:00' }],
  });
  expect(res.results.map((r) => r.status)).toEqual(['applied']);
  return id;
}

/** Waits until the staff phone holds `n` events and has synced since `since`. */
async function waitForEvents(n: number, since: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const events = await readStore<{ id: string }>(page, 'events');
    const meta = await readStore<{ key: string; value: unknown }>(page, 'meta');
    const last = meta.find((m) => m.key === 'lastSyncAt')?.value;
    if (events.length === n && typeof last === 'number' && last >= since) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`the phone never held ${n} events`);
}

/** Navigates inside the app (no page load, so it works offline like a tap would). */
async function go(path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState({}, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** Resolves once the detail page shows a decoded photo; answers its natural width. */
async function shownPhotoWidth(): Promise<number> {
  await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-test=detail-photo]')?.naturalWidth ?? 0) > 0, undefined, {
    timeout: 20_000,
  });
  return page.locator('[data-test=detail-photo]').evaluate((img: HTMLImageElement) => img.naturalWidth);
}

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-photos-e2e-'));
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  const setup = await api<{ token: string }>('POST', '/api/setup', null, {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password: PASSWORD,
  });
  await api('POST', '/api/users', setup.token, { role: 'staff', name: '王干事', username: 'wang', password: PASSWORD });
  await api('POST', '/api/users', setup.token, { role: 'volunteer', name: '张志愿', username: 'zhang', password: PASSWORD });
  volToken = (await api<{ token: string }>('POST', '/api/login', null, { username: 'zhang', password: PASSWORD })).token;
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  if (profile) removeProfileDir(profile);
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const p = proc;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a staff phone opens photos made on another phone', () => {
  let first = '';
  let second = '';
  let third = '';

  it('syncs the events, then opens one by URL (a fresh page load) and sees its photo', async () => {
    first = await volunteerLogsEventWithPhoto('大篷车进平山中心小学', 1);
    second = await volunteerLogsEventWithPhoto('科普讲座进社区', 2);
    third = await volunteerLogsEventWithPhoto('急救技术科普进村', 3);
    await page.goto(`${base}/`);
    await waitForServiceWorkerControl(page);
    await go('/login');
    await page.locator('[data-testid=login-username] input').fill('wang');
    await page.locator('[data-testid=login-password] input').fill(PASSWORD);
    const since = Date.now();
    await page.locator('[data-testid=login-submit]').click();
    await page.waitForURL(`${base}/`);
    await waitForEvents(3, since);
    expect(await readStore(page, 'photos')).toEqual([]);

    await page.goto(`${base}/events/${first}`);
    await page.locator('[data-test=detail-title]').waitFor();
    expect(await shownPhotoWidth()).toBe(800);
    expect(await page.locator('[data-test=detail-photo-missing]').count()).toBe(0);
    // Fetched once, kept on the phone for next time.
    expect((await readStore<{ hash: string; uploaded: number }>(page, 'photos')).map((p) => p.uploaded)).toEqual([1]);
    await page.locator('[data-test=detail-photo]').scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '01-detail-by-url-photo');
  });

  it('offline, a photo not yet on the phone says so in its place, and appears when the network is back', async () => {
    await ctx!.setOffline(true);
    await go(`/events/${second}`);
    await page.locator('[data-test=detail-title]', { hasText: '科普讲座进社区' }).waitFor();
    const missing = page.locator('[data-test=detail-photo-missing][data-state=offline]');
    await missing.waitFor();
    expect(await missing.innerText()).toBe('离线时无法加载照片');
    await missing.scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '02-detail-offline-photo');
    const audit = await auditA11y(page, ['[data-testid=sync-badge]', '.van-tabbar']);
    expect(audit).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });

    await ctx!.setOffline(false);
    expect(await shownPhotoWidth()).toBe(800);
    await screenshot(page, FEATURE, '03-detail-online-again');
  });

  it('with the server down a photo says it failed, and 重试 shows it once the server is back', async () => {
    const p = proc!;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGKILL');
    });
    await go(`/events/${third}`);
    await page.locator('[data-test=detail-title]', { hasText: '急救技术科普进村' }).waitFor();
    const failed = page.locator('[data-test=detail-photo-missing][data-state=failed]');
    await failed.waitFor();
    expect(await failed.innerText()).toBe('照片加载失败\n重试');
    await failed.scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '04-detail-server-down');
    expect(await auditA11y(page, ['[data-testid=sync-badge]', '.van-tabbar'])).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    // The edit form's thumbnail says the same in its square, with a 重试 of its own.
    await go(`/events/${third}/edit`);
    const thumb = page.locator('[data-test=field-photo-missing][data-state=failed]');
    await thumb.waitFor();
    expect(await thumb.locator('[data-test=photo-retry]').getAttribute('aria-label')).toBe('照片加载失败 · 重新加载第 1 张照片');
    await thumb.scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '05-form-server-down');
    expect(await auditA11y(page, ['[data-testid=sync-badge]', '.van-tabbar'])).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await go(`/events/${third}`);
    await page.locator('[data-test=detail-photo-missing][data-state=failed]').waitFor();
    proc = (await startRealServer(port, dataDir)).child;
    // 重试, unless the photo came back first: a sync run that rewrites the event's row (the app's
    // own timer, now that the server answers) reloads its photos too, and the button goes.
    const retry = page.locator('[data-test=detail-photo-missing] [data-test=photo-retry]');
    await retry.evaluate((el) => el.scrollIntoView({ block: 'center' })).catch(() => undefined);
    await retry.click({ timeout: 10_000 }).catch(async (e: unknown) => {
      if ((await retry.count()) > 0) throw e;
    });
    expect(await shownPhotoWidth()).toBe(800);
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });

  it('with the photo storage full, a volunteer’s event with a photo waits on the phone and the app says why', async () => {
    const p = proc!;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
    process.env.BLOB_ORG_QUOTA_MB = '0.1';
    try {
      proc = (await startRealServer(port, dataDir)).child;
    } finally {
      delete process.env.BLOB_ORG_QUOTA_MB;
    }
    // The volunteer's own phone: a second browser profile.
    const volProfile = newProfileDir();
    const volCtx = await launchBrowser(volProfile);
    try {
      const vp = volCtx.pages()[0] ?? (await volCtx.newPage());
      await vp.goto(`${base}/login`);
      await vp.locator('[data-testid=login-username] input').fill('zhang');
      await vp.locator('[data-testid=login-password] input').fill(PASSWORD);
      await vp.locator('[data-testid=login-submit]').click();
      await vp.waitForURL(`${base}/`);
      await vp.evaluate(() => {
        history.pushState({}, '', '/events/new');
        dispatchEvent(new PopStateEvent('popstate'));
      });
      await vp.locator('#ev-title').fill('防灾减灾宣传');
      await vp.locator('#ev-format').selectOption('caravan');
      await vp.locator('#ev-venue').selectOption('school');
      await vp.locator('#ev-township').selectOption(PINGSHAN);
      await vp.locator('#ev-attendance').fill('80');
      await vp.locator('#ev-startAt').fill('2026-03-06T09:30');
      await vp.locator('#ev-endAt').fill('2026-03-06T11:30');
      await vp.locator('[data-test=photo-pick]').setInputFiles({ name: 'drill.png', mimeType: 'image/png', buffer: gradientPng(1200, 900, 4) });
      await vp.locator('.kl-photos__img[src^="blob:"]').waitFor();
      await vp.locator('[data-test=save]').click();
      await vp.locator('[data-test=detail-title]').waitFor();
      const reason = vp.locator('[data-testid=sync-details]', { hasText: '单位照片存储已满' });
      await reason.waitFor({ timeout: 30_000 });
      const outbox = await readStore<{ state: string; rejection: { reason: string } | null }>(vp, 'outbox');
      expect(outbox.map((m) => [m.state, m.rejection?.reason])).toEqual([['quarantined', 'orgStorageFull']]);
      await screenshot(vp, FEATURE, '06-volunteer-storage-full-badge');
      await vp.evaluate(() => {
        history.pushState({}, '', '/settings');
        dispatchEvent(new PopStateEvent('popstate'));
      });
      const item = vp.locator('[data-testid=quarantined-reason]');
      await item.waitFor();
      expect(await item.innerText()).toBe('单位照片存储已满，修改暂存本机，管理员扩容后自动提交');
      await item.scrollIntoViewIfNeeded();
      await screenshot(vp, FEATURE, '07-volunteer-storage-full-settings');
    } finally {
      await volCtx.close();
      removeProfileDir(volProfile);
    }
  });
});
