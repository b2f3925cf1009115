/**
 * The "新版本可用 — 刷新" prompt: a new build's service worker waits (registerType 'prompt') until
 * the person taps 刷新; then it takes over and the page reloads onto it. The new build is the
 * built app with a changed sw.js, served from a copy so dist/ is never touched.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { distDir, launchBrowser, newProfileDir, removeProfileDir, screenshot, serveApp, waitForServiceWorkerControl, type AppServer } from './harness';

let copy: string;
let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'kl-dist-'));
  cpSync(distDir(), copy, { recursive: true });
  server = await serveApp(copy);
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  if (profile) removeProfileDir(profile);
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('the reload prompt', () => {
  it('offers 刷新 when a new version waits, and 刷新 moves the page onto it', async () => {
    await page.goto(`${server.url}/`);
    await waitForServiceWorkerControl(page);
    await page.locator('[data-test=log-event]').waitFor();
    expect(await page.locator('[data-test=reload-prompt]').count()).toBe(0);

    // A new version: same app, a changed service worker.
    const sw = join(copy, 'sw.js');
    writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// next version\n`);
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg?.update();
    });
    await page.locator('[data-test=reload-prompt]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-test=reload-prompt]').innerText()).toContain('新版本可用');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null)).toBe(true);
    await screenshot(page, 'ledger', '12-reload-prompt');

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '刷新' }).click()]);
    await page.locator('[data-test=log-event]').waitFor();
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBe(null);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await page.locator('[data-test=reload-prompt]').count()).toBe(0);
  });
});
