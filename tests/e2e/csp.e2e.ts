/**
 * The Content-Security-Policy against the real app: the BUILT app served by the REAL server (its
 * security headers, SQLite in a temp DATA_DIR) in Chromium, through every route — / , /events,
 * /events/new (with a photo), /events/<id>, /map with the 高德 base map chosen (its tiles answered
 * by a route here, so they load), /reports (charts and the XLSX, DOCX and CSV exports), /settings,
 * /review, /login, /admin (setup, users, invites) — each also loaded afresh from the service
 * worker's cache. Any CSP violation or page error fails it: `securitypolicyviolation` events of
 * every document and of the service worker (whose tile fetches fall under connect-src of its own
 * policy, and whose reports never reach the page), and console messages of the page naming the
 * Content Security Policy or the Permissions-Policy.
 *
 * The expected policy is built from the same environment the server reads, so the test can be
 * pointed at a policy that is too strict to show that it catches violations:
 *   CSP_TILE_SOURCES=none npx vitest run -c tests/e2e/vitest.config.ts tests/e2e/csp.e2e.ts
 * fails on the 高德 tiles (img-src).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, ConsoleMessage, Page, Response } from 'playwright-core';
import { appContentSecurityPolicy, DEFAULT_TILE_SOURCES, parseCspSources, PERMISSIONS_POLICY } from '../../src/server/http/security-headers';
import {
  collectErrors,
  freePort,
  launchBrowser,
  newProfileDir,
  readStore,
  removeProfileDir,
  screenshot,
  startRealServer,
  waitForAsync,
  waitForServiceWorkerControl,
} from './harness';
import { gradientPng } from './png';

const FEATURE = 'csp';
const PASSWORD = 'kepu-ledger-2026';
const PINGSHAN = '441323001000';
const YEAR = new Date().getFullYear();

/** The policy the server sends with this environment (the same parse as config.ts). */
const EXPECTED_CSP = appContentSecurityPolicy({
  tileSources: parseCspSources('CSP_TILE_SOURCES', process.env.CSP_TILE_SOURCES, DEFAULT_TILE_SOURCES),
  connectSources: parseCspSources('CSP_CONNECT_SOURCES', process.env.CSP_CONNECT_SOURCES, []),
});

let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
let setupCode = '';
let profile = '';
let downloads = '';
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];
/** Every CSP or Permissions-Policy report, from any document or the service worker. */
const violations: string[] = [];
let tilesServed = 0;

function watchConsole(m: ConsoleMessage): void {
  if (/Content[- ]Security[- ]Policy|Permissions[- ]Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
}

type ViolationLog = { klViolations?: string[] } & EventTarget;

/**
 * Moves the service worker's violations into `violations`, and (again, should the browser have
 * restarted the worker since) listens for its next ones. Its reports go to its own global scope.
 */
async function drainServiceWorker(): Promise<void> {
  for (const w of ctx.serviceWorkers()) {
    const found = await w.evaluate(() => {
      const g = self as unknown as ViolationLog;
      if (!g.klViolations) {
        g.klViolations = [];
        g.addEventListener('securitypolicyviolation', (ev) => {
          const e = ev as SecurityPolicyViolationEvent;
          g.klViolations!.push(`${e.effectiveDirective} blocked ${e.blockedURI}`);
        });
      }
      return g.klViolations.splice(0);
    });
    violations.push(...found.map((v) => `service worker: ${v}`));
  }
}

/** Navigates inside the app (no page load). */
async function go(path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState({}, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** Loads `path` afresh and checks that the document came with the app's security headers. */
async function load(path: string): Promise<Response> {
  const res = (await page.goto(`${base}${path}`, { waitUntil: 'load' }))!;
  const h = res.headers();
  expect([path, h['content-security-policy'], h['permissions-policy'], h['x-content-type-options']]).toEqual([
    path,
    EXPECTED_CSP,
    PERMISSIONS_POLICY,
    'nosniff',
  ]);
  await drainServiceWorker();
  return res;
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-csp-e2e-'));
  downloads = mkdtempSync(join(tmpdir(), 'kl-csp-dl-'));
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  setupCode = server.setupCode!;

  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  // 高德 tiles, answered here (the machine has no route to them): the policy decides whether the
  // page may show them and the service worker may fetch them to cache; the network never does.
  const tile = gradientPng(256, 256, 3);
  await ctx.route(/^https:\/\/webrd0[1-4]\.is\.autonavi\.com\//, (route) => {
    tilesServed++;
    return route.fulfill({ status: 200, contentType: 'image/png', body: tile });
  });
  await ctx.exposeBinding('klReportViolation', (_source, text: string) => {
    violations.push(text);
  });
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { klReportViolation(t: string): void }).klReportViolation(
        `${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`,
      );
    });
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('console', watchConsole);
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  if (profile) removeProfileDir(profile);
  if (proc && proc.exitCode === null) {
    const p = proc;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

describe('the content security policy on every route of the real app', () => {
  let eventId = '';

  it('/ comes with the policy, and the service worker installs under it and takes control', async () => {
    await load('/');
    await page.locator('[data-test=log-event]').waitFor();
    await waitForServiceWorkerControl(page);
    await drainServiceWorker();
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${base}/sw.js`);
  });

  it('/admin: setting up the association, adding a user and an invite', async () => {
    await go('/admin');
    await page.locator('[data-testid=setup-form]').waitFor();
    await page.locator('[data-testid=setup-code] input').fill(setupCode);
    await page.locator('[data-testid=setup-org] input').fill('惠东县科学技术协会');
    await page.locator('[data-testid=setup-name] input').fill('李管理');
    await page.locator('[data-testid=setup-username] input').fill('lee');
    await page.locator('[data-testid=setup-password] input').fill(PASSWORD);
    await page.locator('[data-testid=setup-submit]').click();
    await page.locator('[data-testid=admin-tabs]').waitFor();
    await page.getByRole('tab', { name: '用户' }).click();
    await page.locator('[data-testid=user-name] input').fill('王干事');
    await page.locator('[data-testid=user-username] input').fill('wang');
    await page.locator('[data-testid=user-password] input').fill(PASSWORD);
    await page.locator('[data-testid=user-submit]').click();
    await page.locator('[data-testid=user-item]', { hasText: '王干事' }).waitFor();
    await page.getByRole('tab', { name: '邀请码' }).click();
    await page.locator('[data-testid=invite-max-uses] input').fill('5');
    await page.locator('[data-testid=invite-submit]').click();
    expect((await page.locator('[data-testid=invite-code]').innerText()).replace(/\s+/g, '')).toMatch(/^([A-Z0-9]{4}-){3}[A-Z0-9]{4}$/);
    await screenshot(page, FEATURE, '01-admin');
  });

  it('/events/new: an event with a photo (resized on the page, shown from a blob: URL)', async () => {
    await go('/events/new');
    await page.locator('#ev-title').waitFor();
    await page.locator('#ev-title').fill('科普大篷车进校园');
    await page.locator('#ev-format').selectOption('caravan');
    await page.locator('#ev-venue').selectOption('school');
    await page.locator('#ev-township').selectOption(PINGSHAN);
    await page.locator('#ev-attendance').fill('120');
    await page.locator('#ev-startAt').fill(`${YEAR}-03-05T09:30`);
    await page.locator('#ev-endAt').fill(`${YEAR}-03-05T11:30`);
    await page.locator('[data-test=photo-pick]').setInputFiles({ name: 'caravan.png', mimeType: 'image/png', buffer: gradientPng(1200, 900, 1) });
    await page.locator('.kl-photos__img[src^="blob:"]').waitFor();
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-title]').waitFor();
    eventId = new URL(page.url()).pathname.split('/')[2]!;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/events/<id>: the detail with its photo, synced to the server (push and photo upload)', async () => {
    await load(`/events/${eventId}`);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-test=detail-photo]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await page.locator('[data-test=detail-photo]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
    await page.locator('[data-test=unsynced]').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await readStore(page, 'outbox')).toEqual([]);
    await screenshot(page, FEATURE, '02-detail');
  });

  it('/events: the list', async () => {
    await load('/events');
    await page.locator('.kl-card').first().waitFor();
    expect(await page.locator('.kl-card__title').allInnerTexts()).toEqual(['科普大篷车进校园']);
  });

  it('/settings/staff: choosing the 高德 base map', async () => {
    await load('/settings/staff');
    const form = page.locator('[data-testid=basemap-settings]');
    await form.getByLabel('高德地图').check();
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('已保存').waitFor();
    await screenshot(page, FEATURE, '03-settings');
  });

  it('/map: the polygons and the 高德 tiles, fetched through the service worker', async () => {
    await load(`/map?year=${YEAR}`);
    await page.locator('path.kl-town').first().waitFor();
    expect(await page.locator('path.kl-town').count()).toBe(14);
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>('img.leaflet-tile')].some((i) => i.complete && i.naturalWidth === 256),
      undefined,
      { timeout: 15_000 },
    );
    expect(tilesServed).toBeGreaterThan(0);
    // The worker fetched them (under its own connect-src) and kept them for offline use.
    await waitForAsync(page, async () => (await (await caches.open('kl-map-tiles')).keys()).some((r) => r.url.includes('.is.autonavi.com/')), undefined, {
      what: 'a 高德 tile in the kl-map-tiles cache',
    });
    await drainServiceWorker();
    expect(await page.locator('.leaflet-control-attribution').innerText()).toContain('高德地图');
    await screenshot(page, FEATURE, '04-map');
  });

  it('/review: the queue, and approving the event', async () => {
    await load('/review');
    await page.locator('[data-testid=review-item] button.row').first().click();
    await page.locator('[data-testid=review-approve]').click();
    await page.locator('[data-testid=review-item]').waitFor({ state: 'detached' });
    await screenshot(page, FEATURE, '05-review');
  });

  it('/reports: tables, charts and the XLSX, DOCX and CSV exports', async () => {
    await load(`/reports?year=${YEAR}`);
    await page.locator('[data-testid=reports-view]').waitFor();
    await page.locator('canvas').first().waitFor();
    for (const id of ['export-xlsx', 'export-docx', 'export-csv']) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid=${id}]`).click()]);
      await dl.saveAs(join(downloads, dl.suggestedFilename()));
      expect(await dl.failure()).toBe(null);
    }
    await screenshot(page, FEATURE, '06-reports');
  });

  it('/login and /admin load with the policy too', async () => {
    await load('/login');
    await page.locator('[data-testid=login-username]').waitFor();
    await load('/admin');
    await page.locator('[data-testid=admin-tabs]').waitFor();
  });

  it('/ again, from the service worker', async () => {
    const res = await load('/');
    expect(res.fromServiceWorker()).toBe(true);
    await page.locator('[data-test=log-event]').waitFor();
  });

  it('reported no CSP or Permissions-Policy violation and no page error', async () => {
    await drainServiceWorker();
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
