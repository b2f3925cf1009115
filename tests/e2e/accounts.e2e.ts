/**
 * Accounts in a real browser (issue 10, item 7): the BUILT app served by the REAL server on SQLite.
 * - The server prints a 16-symbol setup code; the admin's invite shows its 16-symbol code in four
 *   groups; a volunteer types it in lower case without dashes and sees it grouped.
 * - The join form names the field and its rule for a short password (密码至少需要 8 位).
 * - The volunteer changes their password in 设置 → 修改密码: this phone stays signed in, another
 *   session ends, only the new password signs in.
 * - On a second server whose sign-ins last seconds (SESSION_MAX_DAYS), a sign-in expires: the event
 *   logged meanwhile stays in the outbox and the sign-in screen says the sign-in expired.
 * Screenshots go to test-artifacts/accounts/. KL_DIST and KL_SERVER_DIST point at private builds.
 */
import type { ChildProcess } from 'node:child_process';
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
  waitForAsync,
  waitForServiceWorkerControl,
} from './harness';

const FEATURE = 'accounts';
const PASSWORD = 'kepu-ledger-2026';
const NEW_PASSWORD = 'my-own-passphrase-2026';
const PINGSHAN = '441323001000';
const CODE = /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/;

interface Server {
  base: string;
  dataDir: string;
  proc: ChildProcess;
  setupCode: string;
}
interface Phone {
  name: string;
  profile: string;
  ctx: BrowserContext;
  page: Page;
  errors: string[];
}

const servers: Server[] = [];
const phones: Phone[] = [];

async function start(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'kl-accounts-e2e-'));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const s = await startRealServer(port, dataDir);
    const server = { base: `http://127.0.0.1:${port}`, dataDir, proc: s.child, setupCode: s.setupCode! };
    servers.push(server);
    return server;
  } finally {
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

async function api<T>(s: Server, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(s.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

/** Sets the server up through the API; answers the admin's token. */
async function setUp(s: Server): Promise<string> {
  const r = await api<{ token: string }>(s, 'POST', '/api/setup', null, {
    code: s.setupCode,
    orgName: '惠东县科协',
    adminName: '李管理',
    username: 'lee',
    password: PASSWORD,
  });
  expect(r.status).toBe(201);
  return r.body.token;
}

async function openPhone(s: Server, name: string): Promise<Phone> {
  const profile = newProfileDir();
  const ctx = await launchBrowser(profile);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const phone = { name, profile, ctx, page, errors: collectErrors(page) };
  phones.push(phone);
  await page.goto(`${s.base}/`);
  await waitForServiceWorkerControl(page);
  return phone;
}

async function go(p: Phone, path: string): Promise<void> {
  await p.page.evaluate((to) => {
    history.pushState({}, '', to);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

const fieldError = (p: Phone, id: string) => p.page.locator(`[data-testid=${id}] .van-field__error-message`);

afterAll(async () => {
  for (const p of phones) {
    await p.ctx.close();
    removeProfileDir(p.profile);
  }
  for (const s of servers) {
    if (s.proc.exitCode === null) {
      await new Promise((ok) => {
        s.proc.once('exit', ok);
        s.proc.kill('SIGTERM');
      });
    }
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

describe('accounts through the real server', () => {
  let server: Server;
  let volunteer: Phone;
  let invite = '';

  beforeAll(async () => {
    server = await start();
  });

  it('prints a 16-symbol setup code; the admin’s invite shows its code in four groups of four', async () => {
    expect(server.setupCode).toMatch(CODE);
    await setUp(server);
    const desk = await openPhone(server, 'desk');
    await go(desk, '/login');
    await desk.page.locator('[data-testid=login-username] input').fill('lee');
    await desk.page.locator('[data-testid=login-password] input').fill(PASSWORD);
    await desk.page.locator('[data-testid=login-submit]').click();
    await desk.page.waitForURL(`${server.base}/`);
    await go(desk, '/admin');
    await desk.page.locator('[data-testid=invite-max-uses] input').fill('5');
    await desk.page.locator('[data-testid=invite-submit]').click();
    const code = desk.page.locator('[data-testid=invite-code]');
    await code.waitFor();
    invite = (await code.getAttribute('data-code'))!;
    expect(invite).toMatch(CODE);
    // Two groups to a line, nothing cut or wrapped inside a group, all within the 390 px screen.
    const boxes = await desk.page.locator('[data-testid=invite-code] .kl-invites__group').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { text: e.textContent, top: Math.round(r.top), left: r.left, right: r.right, height: r.height };
      }),
    );
    expect(boxes.map((b) => b.text)).toEqual(invite.split('-').map((g, i) => (i < 3 ? `${g}-` : g)));
    expect([boxes[0]!.top === boxes[1]!.top, boxes[2]!.top === boxes[3]!.top, boxes[0]!.top < boxes[2]!.top]).toEqual([true, true, true]);
    expect(boxes.every((b) => b.left >= 0 && b.right <= 390 && b.height < 60)).toBe(true);
    expect(await code.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(32);
    await screenshot(desk.page, FEATURE, '1-invite-code', true);
    expect(await auditA11y(desk.page, ['[data-testid=sync-badge]', '.van-tabbar', '.van-toast'])).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
  });

  it('the join form names the field and its rule for a short password, then the volunteer joins', async () => {
    volunteer = await openPhone(server, 'volunteer');
    await go(volunteer, '/login?tab=join');
    await volunteer.page.locator('[data-testid=join-code] input').fill(invite.replace(/-/g, '').toLowerCase());
    expect(await volunteer.page.locator('[data-testid=join-code] input').inputValue()).toBe(invite);
    await volunteer.page.locator('[data-testid=join-name] input').fill('陈志愿');
    await volunteer.page.locator('[data-testid=join-username] input').fill('13800000001');
    await volunteer.page.locator('[data-testid=join-password] input').fill('short');
    await volunteer.page.locator('[data-testid=login-submit]').click();
    await fieldError(volunteer, 'join-password').waitFor();
    expect(await fieldError(volunteer, 'join-password').innerText()).toBe('密码至少需要 8 位');
    expect(await volunteer.page.locator('[data-testid=login-error]').innerText()).toBe('有 1 处需要修改：密码至少需要 8 位');
    await screenshot(volunteer.page, FEATURE, '2-join-short-password');
    expect(await auditA11y(volunteer.page, ['[data-testid=sync-badge]', '.van-tabbar'])).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await volunteer.page.locator('[data-testid=join-password] input').fill(PASSWORD);
    await volunteer.page.locator('[data-testid=login-submit]').click();
    await volunteer.page.waitForURL(`${server.base}/`);
  });

  it('the volunteer changes their password in 设置: this phone stays signed in, another session ends', async () => {
    const other = await api<{ token: string }>(server, 'POST', '/api/login', null, { username: '13800000001', password: PASSWORD });
    expect(other.status).toBe(200);
    await go(volunteer, '/settings');
    await volunteer.page.locator('[data-testid=password-open]').click();
    await volunteer.page.locator('[data-testid=password-current] input').fill('not my password');
    await volunteer.page.locator('[data-testid=password-new] input').fill(NEW_PASSWORD);
    await volunteer.page.locator('[data-testid=password-confirm] input').fill(NEW_PASSWORD);
    await volunteer.page.locator('[data-testid=password-submit]').click();
    await fieldError(volunteer, 'password-current').waitFor();
    expect(await fieldError(volunteer, 'password-current').innerText()).toBe('当前密码不对');
    await volunteer.page.locator('[data-testid=password-change]').scrollIntoViewIfNeeded();
    await screenshot(volunteer.page, FEATURE, '3-password-wrong-current');
    // The password section only: the other settings sections belong to other features.
    const others = ['[data-testid=sync-badge]', '.van-tabbar', '.kl-settings > :not([data-testid=password-change])'];
    expect(await auditA11y(volunteer.page, others)).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await volunteer.page.locator('[data-testid=password-current] input').fill(PASSWORD);
    await volunteer.page.locator('[data-testid=password-submit]').click();
    await volunteer.page.locator('[data-testid=password-open]').waitFor();
    expect((await api(server, 'GET', '/api/me', other.body.token)).status).toBe(401);
    expect((await api(server, 'POST', '/api/login', null, { username: '13800000001', password: PASSWORD })).status).toBe(401);
    expect((await api(server, 'POST', '/api/login', null, { username: '13800000001', password: NEW_PASSWORD })).status).toBe(200);
    const session = (await readStore<{ key: string; value: { token: string; expired: boolean } }>(volunteer.page, 'meta')).find(
      (m) => m.key === 'session',
    )!.value;
    expect((await api(server, 'GET', '/api/me', session.token)).status).toBe(200);
    expect(session.expired).toBe(false);
    // The wrong current password's 403 is the one expected console line.
    for (const p of phones)
      expect(
        p.errors.filter((e) => !/status of 403/.test(e)),
        p.name,
      ).toEqual([]);
  });
});

describe('a sign-in that expires', () => {
  it('keeps the event logged meanwhile and the sign-in screen says the sign-in expired', async () => {
    // Sign-ins on this server last 3 seconds (SESSION_MAX_DAYS is a number of days).
    const server = await start({ SESSION_MAX_DAYS: String(3 / 86_400) });
    await setUp(server);
    const staffToken = (await api<{ token: string }>(server, 'POST', '/api/login', null, { username: 'lee', password: PASSWORD })).body.token;
    const inv = await api<{ code: string }>(server, 'POST', '/api/invites', staffToken, {
      role: 'volunteer',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      maxUses: 1,
    });
    const phone = await openPhone(server, 'expiring');
    await go(phone, '/login?tab=join');
    await phone.page.locator('[data-testid=join-code] input').fill(inv.body.code);
    await phone.page.locator('[data-testid=join-name] input').fill('王志愿');
    await phone.page.locator('[data-testid=join-username] input').fill('13800000009');
    await phone.page.locator('[data-testid=join-password] input').fill(PASSWORD);
    await phone.page.locator('[data-testid=login-submit]').click();
    await phone.page.waitForURL(`${server.base}/`);
    // Wait out the sign-in, then log an event: its push is refused with 401 sessionExpired.
    await phone.page.waitForTimeout(3500);
    await go(phone, '/events/new');
    await phone.page.locator('#ev-title').fill('过期后记录的活动');
    await phone.page.locator('#ev-format').selectOption('lecture');
    await phone.page.locator('#ev-venue').selectOption('village');
    await phone.page.locator('#ev-township').selectOption(PINGSHAN);
    await phone.page.locator('#ev-attendance').fill('40');
    await phone.page.locator('#ev-startAt').fill('2026-03-05T19:30');
    await phone.page.locator('#ev-endAt').fill('2026-03-05T21:00');
    await phone.page.locator('[data-test=save]').click();
    await phone.page.locator('[data-test=detail-title]').waitFor();
    await waitForAsync(
      phone.page,
      async () => {
        const db = await new Promise<IDBDatabase>((ok) => {
          const r = indexedDB.open('kepu-ledger');
          r.onsuccess = () => ok(r.result);
        });
        const row = await new Promise<{ value?: { expired?: boolean } } | undefined>((ok) => {
          const r = db.transaction('meta').objectStore('meta').get('session');
          r.onsuccess = () => ok(r.result as { value?: { expired?: boolean } } | undefined);
        });
        db.close();
        return row?.value?.expired === true;
      },
      undefined,
      { timeout: 30_000, what: 'the session marked expired' },
    );
    const session = (await readStore<{ key: string; value: { expired: boolean; expiredReason: string } }>(phone.page, 'meta')).find(
      (m) => m.key === 'session',
    )!.value;
    expect([session.expired, session.expiredReason]).toEqual([true, 'sessionExpired']);
    const events = await readStore<{ title: string }>(phone.page, 'events');
    const outbox = await readStore<{ state: string }>(phone.page, 'outbox');
    expect([events.map((e) => e.title), outbox.map((m) => m.state)]).toEqual([['过期后记录的活动'], ['pending']]);
    await go(phone, '/login');
    await phone.page.locator('[data-testid=login-again]').waitFor();
    expect(await phone.page.locator('[data-testid=login-again]').innerText()).toBe(
      '登录已过期（长时间未使用，或登录时间已久），请重新登录。本机的记录、未同步的修改和草稿都保留，登录后继续同步。',
    );
    await screenshot(phone.page, FEATURE, '4-session-expired');
    // Signing in again sends what waited.
    await phone.page.locator('[data-testid=login-password] input').fill(PASSWORD);
    await phone.page.locator('[data-testid=login-submit]').click();
    await phone.page.waitForURL(`${server.base}/`);
    const adminToken = (await api<{ token: string }>(server, 'POST', '/api/login', null, { username: 'lee', password: PASSWORD })).body.token;
    const deadline = Date.now() + 30_000;
    for (;;) {
      // The admin's own sign-in lasts 3 seconds too: a fresh one each round.
      const token = (await api<{ token: string }>(server, 'POST', '/api/login', null, { username: 'lee', password: PASSWORD })).body.token ?? adminToken;
      const pulled = await api<{ rows: { entity: string; row: { title: string } }[] }>(server, 'GET', '/api/sync/pull?cursor=0', token);
      if (pulled.body.rows?.some((r) => r.row.title === '过期后记录的活动')) break;
      if (Date.now() > deadline) throw new Error('the event never reached the server after signing in again');
      await phone.page.waitForTimeout(300);
    }
    // The 401 answers of the expired session are expected console errors; nothing else.
    expect(phone.errors.filter((e) => !/401|Failed to load resource/.test(e))).toEqual([]);
  });
});
