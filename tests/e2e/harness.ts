/**
 * Browser-test harness: Debian Chromium through playwright-core, a persistent profile per test
 * file (so a "browser restart" can reopen the same one), the BUILT app served by Vite's preview
 * server on a free port, and screenshots into test-artifacts/<feature>/.
 *
 * The app directory is `KL_DIST` when set (a helper's private build), else `dist/` (what
 * `npm run build` writes, as `npm test` and CI use).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The phone the app is designed for first. */
export const PHONE = { width: 390, height: 844 } as const;

/** Chromium flags for a headless run as root on a closed network (see STACK.md). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The built app folder to serve. */
export function distDir(): string {
  return resolve(ROOT, process.env.KL_DIST ?? 'dist');
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** The built app served over HTTP on 127.0.0.1; `stop()` closes it (to prove the app runs offline). */
export interface AppServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Serves again on the same port (same origin, so the same service worker and storage). */
  restart(): Promise<void>;
}

/** Serves `dir` (default distDir()) with Vite's preview server: SPA fallback, no config file. */
export async function serveApp(dir = distDir(), port?: number): Promise<AppServer> {
  const p = port ?? (await freePort());
  const start = () =>
    preview({
      root: ROOT,
      configFile: false,
      logLevel: 'warn',
      appType: 'spa',
      build: { outDir: dir },
      preview: { host: '127.0.0.1', port: p, strictPort: true, open: false },
    });
  let server: PreviewServer | null = await start();
  const close = async () => {
    if (!server) return;
    const s = server;
    server = null;
    // Drop idle keep-alive sockets too, or close() waits for them.
    const http = s.httpServer;
    if ('closeAllConnections' in http) http.closeAllConnections();
    await s.close();
  };
  return {
    url: `http://127.0.0.1:${p}`,
    port: p,
    stop: close,
    restart: async () => {
      await close();
      server = await start();
    },
  };
}

/** A Chromium profile folder that outlives one browser launch. */
export function newProfileDir(): string {
  return mkdtempSync(join(tmpdir(), 'kl-e2e-'));
}

/** Launches Chromium on `profileDir` at phone size. */
export async function launchBrowser(profileDir: string, viewport: { width: number; height: number } = PHONE): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
}

/** Removes a profile folder (after the last launch on it). */
export function removeProfileDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes a screenshot to test-artifacts/<feature>/<name>.png and returns its path. */
export async function screenshot(page: Page, feature: string, name: string, fullPage = false): Promise<string> {
  const dir = join(ROOT, 'test-artifacts', feature);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Resolves once a service worker controls the page (reloading once if the first visit is not controlled). */
export async function waitForServiceWorkerControl(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (!controlled) {
    // A 'prompt' worker does not claim the page that installed it; the next load is controlled.
    await page.reload({ waitUntil: 'load' });
  }
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: timeoutMs });
}

/** Collects the page's console errors and uncaught exceptions (assert none at the end). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
