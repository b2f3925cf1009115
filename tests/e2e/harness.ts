/**
 * Browser-test harness: Debian Chromium through playwright-core, a persistent profile per test
 * file (so a "browser restart" can reopen the same one), the BUILT app served by Vite's preview
 * server on a free port, and screenshots into test-artifacts/<feature>/.
 *
 * The app directory is `KL_DIST` when set (a helper's private build), else `dist/` (what
 * `npm run build` writes, as `npm test` and CI use).
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
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

/** What the page audit found: controls without a name, touch targets under 44 px, low-contrast text. */
export interface A11yFindings {
  unlabeled: string[];
  smallTargets: string[];
  lowContrast: string[];
}

/**
 * A small accessibility audit run in the page (no axe-core in the tree): every visible form
 * control has an accessible name; every visible control is at least 44 × 44 CSS px (a control
 * inside a label counts the label); visible text has WCAG AA contrast (4.5:1, 3:1 when large).
 * `skip` selects subtrees owned by other features that a test does not judge.
 */
export async function auditA11y(page: Page, skip: string[] = []): Promise<A11yFindings> {
  return page.evaluate((skipSelectors) => {
    const skipped = (el: Element) => skipSelectors.some((s) => el.closest(s));
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return r.width > 1 && r.height > 1 && cs.visibility !== 'hidden' && cs.display !== 'none' && Number(cs.opacity) > 0.05;
    };
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '';
      const text = (el.textContent ?? '').trim().slice(0, 20);
      return `${el.tagName.toLowerCase()}${id}${cls}${text ? ` "${text}"` : ''}`;
    };
    const unlabeled: string[] = [];
    const smallTargets: string[] = [];
    const lowContrast: string[] = [];

    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (skipped(el) || (el as HTMLInputElement).type === 'hidden') continue;
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length || el.getAttribute('title');
      if (!named) unlabeled.push(describe(el));
    }

    const controls = document.querySelectorAll('a[href], button, input, select, textarea, [role=button], [role=checkbox], [role=radio], [role=tab]');
    for (const el of controls) {
      if (skipped(el)) continue;
      // A visually hidden input is operated through its label.
      const target = !visible(el) && el.closest('label') ? el.closest('label')! : el;
      if (!visible(target)) continue;
      if (el.closest('[role=checkbox], [role=radio]') && el.closest('[role=checkbox], [role=radio]') !== el) continue;
      const r = target.getBoundingClientRect();
      if (Math.round(r.height) < 44 || Math.round(r.width) < 44) smallTargets.push(`${describe(target)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }

    const parse = (c: string): [number, number, number, number] => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p.length > 3 ? p[3]! : 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0.9) return c;
        if (getComputedStyle(e).backgroundImage !== 'none' && e.tagName !== 'SELECT') return [];
      }
      return [255, 255, 255, 1];
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !(n.textContent ?? '').trim() || skipped(el) || !visible(el)) continue;
      seen.add(el);
      if (el.closest('[disabled], [aria-disabled=true], .van-button--disabled, .van-toast, .van-overlay')) continue;
      const cs = getComputedStyle(el);
      const fg = parse(cs.color);
      const bg = background(el);
      if (bg.length === 0) continue; // text on an image or gradient: not judged here
      const a = fg[3];
      const mixed = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a));
      const l1 = lum(mixed);
      const l2 = lum(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) lowContrast.push(`${describe(el)} ${ratio.toFixed(2)}`);
    }
    return { unlabeled, smallTargets, lowContrast };
  }, skip);
}

/** The compiled server's entry: `KL_SERVER_DIST` when set (a private build), else `dist-server/`. */
export function serverMainPath(): string {
  return resolve(ROOT, process.env.KL_SERVER_DIST ?? 'dist-server', 'server', 'main.js');
}

/** A running real server process and the setup code it printed (null when already set up). */
export interface RealServer {
  readonly child: ChildProcess;
  readonly setupCode: string | null;
}

/**
 * Starts the real server (`node dist-server/server/main.js`) on `port` over `dataDir`, serving the
 * built app, and resolves once /api/health answers — and, on a fresh data dir, once the one-time
 * setup code has been printed.
 */
export function startRealServer(port: number, dataDir: string): Promise<RealServer> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [serverMainPath()], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: distDir(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let code: string | null = null;
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /One-time setup code: ([A-Z0-9-]+)/.exec(out);
      if (m) code = m[1]!;
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (c) => fail(new Error(`server exited (${c}) before it was ready:\n${out}`)));
    const deadline = Date.now() + 20_000;
    const poll = async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.ok) {
          const health = (await res.json()) as { setupNeeded: boolean };
          if (!health.setupNeeded || code) {
            child.removeAllListeners('exit');
            ok({ child, setupCode: code });
            return;
          }
        }
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) fail(new Error(`server did not start:\n${out}`));
      else setTimeout(() => void poll(), 100);
    };
    void poll();
  });
}

/** Rows of an object store of the app's IndexedDB, read with the raw API (no app code). */
export async function readStore<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((ok, fail) => {
        const req = indexedDB.open('kepu-ledger');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const r = db.transaction(name, 'readonly').objectStore(name).getAll();
          r.onsuccess = () => {
            db.close();
            ok(r.result as T[]);
          };
          r.onerror = () => fail(r.error);
        };
      }),
    store,
  );
}

/**
 * Waits until `fn` (run in the page, may be async) returns true, evaluating it again every
 * `intervalMs`. Playwright's page.waitForFunction cannot do this for an async predicate: the
 * Promise it returns is truthy, so it resolves after ONE evaluation with whatever that gave
 * (the lint rule in src/build/eslint.config.js refuses such calls).
 */
export async function waitForAsync<A>(
  page: Page,
  fn: (arg: A) => Promise<boolean>,
  arg: A,
  { timeout = 30_000, intervalMs = 100, what = 'condition' }: { timeout?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    // A plain (JSON) argument arrives as it was sent, so the cast is only for playwright's Unboxed<A>.
    if ((await page.evaluate(fn as (arg: unknown) => Promise<boolean>, arg as unknown)) === true) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
