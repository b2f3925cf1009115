/**
 * Phones for the browser tests that run the real server: each a Chromium profile of its own at
 * phone size, driven as a person would (sign in, navigate by tapping, wait for the sync badge's
 * data to settle), plus the operator's view of the server (its JSON API). One module, so every
 * feature's test says the same thing the same way.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { collectErrors, freePort, launchBrowser, newProfileDir, readStore, removeProfileDir, startRealServer, waitForServiceWorkerControl } from './harness';

/** One phone: its profile, browser, page and the errors the page reported. */
export interface Phone {
  readonly name: string;
  readonly profile: string;
  readonly ctx: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** The phones a test file opened, closed together at the end. */
export class Phones {
  readonly all: Phone[] = [];

  /** Opens a phone (a fresh profile); `base` given: loads the app there and waits for its service worker. */
  async open(name: string, base?: string): Promise<Phone> {
    const profile = newProfileDir();
    const ctx = await launchBrowser(profile);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const phone: Phone = { name, profile, ctx, page, errors: collectErrors(page) };
    this.all.push(phone);
    if (base) {
      await page.goto(`${base}/`);
      await waitForServiceWorkerControl(page);
    }
    return phone;
  }

  async close(p: Phone): Promise<void> {
    await p.ctx.close();
    removeProfileDir(p.profile);
    this.all.splice(this.all.indexOf(p), 1);
  }

  async closeAll(): Promise<void> {
    for (const p of [...this.all]) await this.close(p);
  }
}

/** Navigates inside the app as a tap would (no page load, so it works offline too). */
export async function go(p: Phone, path: string): Promise<void> {
  await p.page.evaluate((to) => {
    history.pushState({}, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/**
 * Waits until the phone has synced after `since` (ms) with nothing left in its outbox but
 * `quarantined` quarantined rows.
 */
export async function waitSynced(p: Phone, since: number, quarantined = 0, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const meta = await readStore<{ key: string; value: unknown }>(p.page, 'meta');
    const last = meta.find((m) => m.key === 'lastSyncAt')?.value;
    const outbox = await readStore<{ state: string }>(p.page, 'outbox');
    if (typeof last === 'number' && last >= since && outbox.length === quarantined && outbox.every((m) => m.state === 'quarantined')) return;
    if (Date.now() > deadline) throw new Error(`${p.name} did not sync: lastSyncAt ${String(last)}, outbox ${JSON.stringify(outbox.map((m) => m.state))}`);
    await p.page.waitForTimeout(200);
  }
}

/** Asks the phone's app to sync now, as its own `online` trigger does, and waits for it. */
export async function syncNow(p: Phone): Promise<void> {
  const since = Date.now();
  await p.page.evaluate(() => dispatchEvent(new Event('online')));
  await waitSynced(p, since);
}

/** Opens the app at `base`, signs in on 登录 and waits for the first sync. */
export async function signIn(p: Phone, base: string, username: string, password: string): Promise<void> {
  await p.page.goto(`${base}/`);
  await waitForServiceWorkerControl(p.page);
  await go(p, '/login');
  await p.page.locator('[data-testid=login-username] input').fill(username);
  await p.page.locator('[data-testid=login-password] input').fill(password);
  const since = Date.now();
  await p.page.locator('[data-testid=login-submit]').click();
  await p.page.waitForURL(`${base}/`);
  await waitSynced(p, since);
}

/** A JSON call to the server at `base` as an operator's script makes it; throws on any non-2xx. */
export function serverApi(base: () => string) {
  return async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const res = await fetch(base() + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/** An association on a real server of its own: what the browser tests that need accounts start from. */
export interface OrgServer {
  readonly base: string;
  readonly adminToken: string;
  readonly child: ChildProcess;
  /** Stops the server (SIGTERM, waits for it) and removes its data dir. */
  stop(): Promise<void>;
}

/**
 * Starts the real server on a free port over a temp DATA_DIR, sets the association up (惠东县科协,
 * admin `admin`) and creates `users` — all with `password`.
 */
export async function startOrg(
  feature: string,
  password: string,
  users: readonly { role: 'staff' | 'volunteer'; name: string; username: string }[] = [],
): Promise<OrgServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), `kl-${feature}-e2e-`));
  const server = await startRealServer(port, dataDir);
  const api = serverApi(() => base);
  const admin = await api<{ token: string }>('POST', '/api/setup', null, {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password,
  });
  for (const u of users) await api('POST', '/api/users', admin.token, { ...u, password });
  return {
    base,
    adminToken: admin.token,
    child: server.child,
    async stop() {
      const p = server.child;
      if (p.exitCode === null)
        await new Promise((ok) => {
          p.once('exit', ok);
          p.kill('SIGTERM');
        });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
