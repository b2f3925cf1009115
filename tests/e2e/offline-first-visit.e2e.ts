/**
 * Offline from the very first visit: a volunteer opens the app once on Wi-Fi, the service worker
 * installs, and the signal goes — with no reload in between. The first install must take control
 * of the page it was installed from, or every lazy route chunk is still fetched from the network
 * and 活动 / 地图 / 报告 / 设置 fail offline ("Unable to preload CSS …"). The app is never reloaded
 * in the first part of this file: a marker set on the window after the first load must survive.
 *
 * Staff-only code (review, admin, charts, exports) is not precached (src/build/pwa-options.ts):
 * the second part shows a staff screen working offline after it was opened once online.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  collectErrors,
  launchBrowser,
  newProfileDir,
  readStore,
  removeProfileDir,
  screenshot,
  serveApp,
  waitForServiceWorkerControl,
  type AppServer,
} from './harness';

const FEATURE = 'offline-first-visit';
const PINGSHAN = '441323001000'; // 平山街道

let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

async function tab(name: string): Promise<void> {
  await page.locator('.van-tabbar-item', { hasText: name }).click();
}

/** True while the document is the one the first visit loaded (a reload drops the marker). */
function sameDocument(): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __klFirstVisit?: boolean }).__klFirstVisit === true);
}

beforeAll(async () => {
  server = await serveApp();
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  if (profile) removeProfileDir(profile);
});

describe('offline from the first visit, without a reload', () => {
  it('the first install takes control of the page that installed it', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('[data-test=log-event]').waitFor();
    await page.evaluate(() => {
      (window as unknown as { __klFirstVisit?: boolean }).__klFirstVisit = true;
    });
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBe(null);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Installed and active; a worker that does not claim its clients leaves this page uncontrolled
    // until the next load, however long we wait.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.url}/sw.js`);
    expect(await sameDocument()).toBe(true);
    // A first install shows no update prompt.
    expect(await page.locator('[data-test=reload-prompt]').count()).toBe(0);
  });

  it('opens every tab offline with the server stopped', async () => {
    await ctx.setOffline(true);
    await server.stop();

    await tab('活动');
    await page.locator('[data-test=list-count]').waitFor();
    // The count reads 加载中… until the list's first IndexedDB read answers.
    await expect.poll(() => page.locator('[data-test=list-count]').innerText(), { timeout: 10_000 }).toBe('共 0 场');
    await screenshot(page, FEATURE, '01-events');

    await tab('地图');
    await page.locator('[data-testid=coverage-map] path.kl-town').first().waitFor();
    expect(await page.locator('[data-testid=coverage-map] path.kl-town').count()).toBe(14);
    expect(await page.locator('.kl-map-page__title').innerText()).toBe('覆盖地图');
    await screenshot(page, FEATURE, '02-map');

    await tab('报告');
    await page.locator('[data-testid=reports-view]').waitFor();
    await page.locator('[data-testid=report-year]').waitFor();
    await screenshot(page, FEATURE, '03-reports');

    await tab('设置');
    await page.locator('.kl-settings__title').waitFor();
    expect(await page.locator('.kl-settings__title').innerText()).toBe('设置');
    await screenshot(page, FEATURE, '04-settings');

    await tab('首页');
    await page.locator('[data-test=log-event]').waitFor();
    expect(await page.evaluate(() => location.pathname)).toBe('/');
    expect(await sameDocument()).toBe(true);
  });

  it('logs a new event offline on /events/new', async () => {
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').waitFor();
    expect(await page.evaluate(() => location.pathname)).toBe('/events/new');
    await page.locator('#ev-title').fill('首次访问后离线记录');
    await page.locator('#ev-format').selectOption('caravan');
    await page.locator('#ev-venue').selectOption('school');
    await page.locator('#ev-township').selectOption(PINGSHAN);
    await page.locator('#ev-attendance').fill('80');
    await page.locator('#ev-startAt').fill('2026-03-05T09:30');
    await page.locator('#ev-endAt').fill('2026-03-05T11:00');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-title]').waitFor();
    expect(await page.locator('[data-test=detail-title]').innerText()).toBe('首次访问后离线记录');
    await screenshot(page, FEATURE, '05-saved');

    const events = await readStore<{ id: string; title: string; townshipCode: string; attendance: number }>(page, 'events');
    expect(events.map((e) => [e.title, e.townshipCode, e.attendance])).toEqual([['首次访问后离线记录', PINGSHAN, 80]]);
    const outbox = await readStore<{ seq: number; op: string; eventId: string }>(page, 'outbox');
    expect(outbox.map((m) => [m.seq, m.op, m.eventId])).toEqual([[1, 'put', events[0]!.id]]);

    await tab('活动');
    await page.locator('.kl-card').first().waitFor();
    expect(await page.locator('.kl-card__title').allInnerTexts()).toEqual(['首次访问后离线记录']);
    expect(await sameDocument()).toBe(true);
  });

  it('logged no page errors (a failed lazy chunk shows up here)', () => {
    // Offline, the sync loop's requests fail as network errors: weather, not faults.
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
  });
});

/** The paths each Cache Storage cache of the page's origin holds, by cache name. */
function cachedPaths(p: Page): Promise<Record<string, string[]>> {
  return p.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    return out;
  });
}

describe('a staff screen works offline after one use online', () => {
  let staffServer: AppServer;
  let staffProfile: string;
  let staffCtx: BrowserContext;
  let staffPage: Page;
  let staffErrors: string[] = [];

  beforeAll(async () => {
    staffServer = await serveApp();
    staffProfile = newProfileDir();
    staffCtx = await launchBrowser(staffProfile);
    staffPage = staffCtx.pages()[0] ?? (await staffCtx.newPage());
    staffErrors = collectErrors(staffPage);
  });

  afterAll(async () => {
    await staffCtx?.close();
    await staffServer?.stop();
    if (staffProfile) removeProfileDir(staffProfile);
  });

  it('is left out of the precache and cached by the service worker when first opened', async () => {
    await staffPage.goto(`${staffServer.url}/`);
    await staffPage.locator('[data-test=log-event]').waitFor();
    await waitForServiceWorkerControl(staffPage);
    const installed = await cachedPaths(staffPage);
    const precache = Object.entries(installed).find(([name]) => name.startsWith('workbox-precache'))?.[1] ?? [];
    expect(precache.some((p) => /^\/assets\/HomeView-.*\.js$/.test(p))).toBe(true);
    expect(precache.filter((p) => /^\/assets\/(ReviewView|AdminView|ReportCharts|exceljs|xlsx|docx)[.-]/.test(p))).toEqual([]);

    // 审核 (a fresh phone not signed in counts as local staff and sees the queue), online once.
    await staffPage.goto(`${staffServer.url}/review`);
    await staffPage.locator('[data-testid=review-view] h2').first().waitFor();
    await expect
      .poll(async () => ((await cachedPaths(staffPage))['kl-staff-assets'] ?? []).filter((p) => /^\/assets\/ReviewView-.*\.js$/.test(p)).length, {
        timeout: 10_000,
      })
      .toBe(1);
  });

  it('opens offline with the server stopped, after that one use', async () => {
    await staffCtx.setOffline(true);
    await staffServer.stop();
    await staffPage.reload();
    await staffPage.locator('[data-testid=review-view] h2').first().waitFor();
    expect(await staffPage.locator('[data-testid=review-view] h1').innerText()).toBe('活动审核');
    expect(await staffPage.locator('[data-testid=review-view] h2').first().innerText()).toBe('待审核（0）');
    await screenshot(staffPage, FEATURE, '06-review-offline-after-one-use');
    // The admin screen was never opened: it is in no cache (nothing staff-only is fetched ahead).
    const cached = Object.values(await cachedPaths(staffPage)).flat();
    expect(cached.filter((p) => /\/assets\/AdminView-/.test(p))).toEqual([]);
  });

  it('logged no page errors', () => {
    expect(staffErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
  });
});
