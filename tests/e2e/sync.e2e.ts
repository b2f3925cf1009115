/**
 * Issue 3 in a real browser: the BUILT app served by the REAL server on SQLite
 * (`node dist-server/server/main.js`, STATIC_DIR = the build, a temp DATA_DIR), two phones
 * (separate Chromium profiles):
 * - A logs an event offline, comes online, and B sees it;
 * - A and B edit different fields of one event offline, both sync, both changes survive;
 * - the server is killed (SIGKILL) in the middle of a push and restarted: nothing lost, nothing
 *   duplicated;
 * - a volunteer cannot change another volunteer's event: the server refuses, the badge and
 *   settings say why in Chinese, and discarding brings the server's version back.
 * Screenshots go to test-artifacts/sync/. KL_DIST and KL_SERVER_DIST point at private builds
 * (default dist/ and dist-server/, what `npm run build` writes). A private server build must sit
 * inside the repository (so Node finds node_modules) with its SQL migrations beside it, e.g.:
 *   npx tsc -p src/server/tsconfig.json --outDir test-artifacts/sync/server-dist
 *   cp -r src/server/store/migrations test-artifacts/sync/server-dist/server/store/
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, readStore, startRealServer, screenshot } from './harness';
import { Phones, go, serverApi, signIn as signInAt, waitSynced, type Phone } from './phones';

const FEATURE = 'sync';
const PINGSHAN = '441323001000';
const PASSWORD = 'kepu-ledger-2026';

let port = 0;
let proxyPort = 0;
let proxy: Server | null = null;
/** Set to make the proxy kill the server as soon as it starts answering the next push. */
let killOnNextPush = false;
let pushesSeen = 0;
let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
let adminToken = '';
const userIds = new Map<string, string>();
const phones = new Phones();
const api = serverApi(() => base);
const signIn = (p: Phone, username: string) => signInAt(p, base, username, PASSWORD);

/** Starts the real server on `port` over `dataDir`; resolves with the setup code (null once set up). */
async function startServer(): Promise<string | null> {
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  return server.setupCode;
}

/**
 * The phones reach the server through this TCP proxy (their origin is the proxy's port). It can
 * kill the server while a push is in flight: the request has reached the server and been applied,
 * the answer is on its way, and the process dies before the phone receives a byte of it.
 */
function startProxy(): Promise<void> {
  proxy = createServer((client: Socket) => {
    const upstream = connect(port, '127.0.0.1');
    let pushInFlight = false;
    client.on('data', (chunk) => {
      if (chunk.toString('latin1').startsWith('POST /api/sync/push')) {
        pushesSeen++;
        pushInFlight = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (pushInFlight && killOnNextPush) {
        killOnNextPush = false;
        upstream.pause();
        void killServer().then(() => client.destroy());
        return;
      }
      pushInFlight = false;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end);
    upstream.on('close', end);
    client.on('error', end);
    client.on('close', end);
  });
  return new Promise((ok) => proxy!.listen(proxyPort, '127.0.0.1', () => ok()));
}

/** Kills the server at once (no graceful shutdown): what a crash or a pulled plug does. */
function killServer(): Promise<void> {
  const p = proc;
  proc = null;
  if (!p || p.exitCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    p.once('exit', () => ok());
    p.kill('SIGKILL');
  });
}

interface ServerEvent {
  id: string;
  title: string;
  attendance: number;
  venueName: string;
  createdBy: string;
  rev: number;
  deleted: boolean;
}

/** Every event on the server, read through pull as the admin. */
async function serverEvents(): Promise<ServerEvent[]> {
  const out: ServerEvent[] = [];
  let cursor = 0;
  for (;;) {
    const page = await api<{ rows: { entity: string; row: ServerEvent }[]; cursor: number; more: boolean }>(
      'GET',
      `/api/sync/pull?cursor=${cursor}&limit=2000`,
      adminToken,
    );
    out.push(...page.rows.filter((r) => r.entity === 'event').map((r) => r.row));
    cursor = page.cursor;
    if (!page.more) return out;
  }
}

async function badge(p: Phone): Promise<string> {
  const headline = await p.page.locator('[data-testid=sync-headline]').innerText();
  const details = await p.page.locator('[data-testid=sync-details]').innerText();
  return `${headline} | ${details}`;
}

/** Logs an event through the form; answers its id. */
async function logEvent(p: Phone, title: string, attendance: number): Promise<string> {
  await go(p, '/events/new');
  await p.page.locator('#ev-title').fill(title);
  await p.page.locator('#ev-format').selectOption('caravan');
  await p.page.locator('#ev-venue').selectOption('school');
  await p.page.locator('#ev-township').selectOption(PINGSHAN);
  await p.page.locator('#ev-attendance').fill(String(attendance));
  await p.page.locator('#ev-startAt').fill('2026-03-05T09:30');
  await p.page.locator('#ev-endAt').fill('2026-03-05T11:30');
  await p.page.locator('#ev-venueName').fill('平山中心小学');
  await p.page.locator('[data-test=save]').click();
  await p.page.locator('[data-test=detail-title]').waitFor();
  const match = /\/events\/([0-9a-f-]{36})/.exec(p.page.url());
  if (!match) throw new Error(`not on a detail page: ${p.page.url()}`);
  return match[1]!;
}

/** Opens an event's edit form inside the app (works offline: no page load). */
async function editEvent(p: Phone, id: string, field: '#ev-attendance' | '#ev-venueName' | '#ev-title', value: string): Promise<void> {
  await go(p, `/events/${id}/edit`);
  await p.page.locator(field).waitFor();
  await p.page.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value !== '', field);
  await p.page.locator(field).fill(value);
  await p.page.locator('[data-test=save]').click();
  await p.page.locator('[data-test=detail-title]').waitFor();
}

beforeAll(async () => {
  port = await freePort();
  proxyPort = await freePort();
  base = `http://127.0.0.1:${proxyPort}`;
  await startProxy();
  dataDir = mkdtempSync(join(tmpdir(), 'kl-sync-e2e-'));
  const code = await startServer();
  const setup = await api<{ token: string }>('POST', '/api/setup', null, {
    code,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password: PASSWORD,
  });
  adminToken = setup.token;
  for (const [role, name, username] of [
    ['volunteer', '张志愿', 'zhang'],
    ['volunteer', '李志愿', 'lizy'],
    ['staff', '王干事', 'wang'],
  ] as const) {
    const { user } = await api<{ user: { id: string } }>('POST', '/api/users', adminToken, { role, name, username, password: PASSWORD });
    userIds.set(username, user.id);
  }
});

afterAll(async () => {
  await phones.closeAll();
  await killServer();
  await new Promise((ok) => (proxy ? proxy.close(() => ok(null)) : ok(null)));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('two phones share one ledger through the real server', () => {
  let a: Phone;
  let b: Phone;
  let offlineId = '';

  it('A logs an event offline, comes online, and B sees it', async () => {
    a = await phones.open('A');
    b = await phones.open('B');
    await signIn(a, 'zhang');
    await signIn(b, 'wang');
    expect(await badge(a)).toMatch(/^已同步 \| 上次同步 \d\d:\d\d$/);

    await a.ctx.setOffline(true);
    offlineId = await logEvent(a, '离线记录的大篷车', 120);
    await a.page.locator('[data-testid=sync-headline]', { hasText: '离线' }).waitFor();
    expect(await badge(a)).toMatch(/^离线，联网后自动同步 \| 1 条未同步 · 上次同步 \d\d:\d\d$/);
    await screenshot(a.page, FEATURE, '01-a-offline-pending');

    const since = Date.now();
    await a.ctx.setOffline(false);
    await waitSynced(a, since);
    await a.page.locator('[data-testid=sync-headline]', { hasText: '已同步' }).waitFor();
    await screenshot(a.page, FEATURE, '02-a-synced');

    const server = await serverEvents();
    expect(server.map((e) => [e.id, e.title, e.attendance])).toEqual([[offlineId, '离线记录的大篷车', 120]]);

    const sinceB = Date.now();
    await go(b, '/settings');
    await b.page.locator('[data-testid=sync-now]').click();
    await waitSynced(b, sinceB);
    await go(b, '/events');
    await b.page.locator('.kl-card__title', { hasText: '离线记录的大篷车' }).waitFor();
    expect(await b.page.locator('.kl-card__title').allInnerTexts()).toEqual(['离线记录的大篷车']);
    await screenshot(b.page, FEATURE, '03-b-sees-it');
  });

  it('A and B edit different fields of one event offline; after both sync, both changes survive', async () => {
    await a.ctx.setOffline(true);
    await b.ctx.setOffline(true);
    await editEvent(a, offlineId, '#ev-attendance', '333');
    await editEvent(b, offlineId, '#ev-venueName', '吉隆中心小学');

    let since = Date.now();
    await a.ctx.setOffline(false);
    await waitSynced(a, since);
    since = Date.now();
    await b.ctx.setOffline(false);
    await waitSynced(b, since);
    // A hears B's change on its next run (立即同步).
    since = Date.now();
    await go(a, '/settings');
    await a.page.locator('[data-testid=sync-now]').click();
    await waitSynced(a, since);

    const [server] = await serverEvents();
    expect([server!.attendance, server!.venueName]).toEqual([333, '吉隆中心小学']);
    for (const p of [a, b]) {
      const [row] = await readStore<ServerEvent>(p.page, 'events');
      expect([p.name, row!.attendance, row!.venueName, row!.rev]).toEqual([p.name, 333, '吉隆中心小学', server!.rev]);
    }
    await go(b, `/events/${offlineId}`);
    await b.page.locator('[data-test=detail-attendance]').waitFor();
    expect(await b.page.locator('[data-test=detail-attendance] .van-cell__value').innerText()).toBe('333 人次');
    await screenshot(b.page, FEATURE, '04-b-both-changes');
  });

  it('loses nothing and duplicates nothing when the server is killed in the middle of a push', async () => {
    await a.ctx.setOffline(true);
    await logEvent(a, '断电前的讲座一', 40);
    await logEvent(a, '断电前的讲座二', 50);
    await a.page.locator('[data-testid=sync-headline]', { hasText: '离线' }).waitFor();

    // The push reaches the server and is applied; the server dies before the phone hears back.
    pushesSeen = 0;
    killOnNextPush = true;
    await a.ctx.setOffline(false);
    await a.page.locator('[data-testid=sync-retry]').waitFor({ timeout: 30_000 });
    // The server is gone; the phone may already have tried again (backoff) and failed to connect.
    expect(proc).toBeNull();
    expect(pushesSeen).toBeGreaterThanOrEqual(1);
    const pushesBeforeRestart = pushesSeen;
    expect(await a.page.locator('[data-testid=sync-details]').innerText()).toMatch(/^2 条未同步 · 上次同步 \d\d:\d\d$/);
    await screenshot(a.page, FEATURE, '05-a-server-killed');

    await startServer();
    const since = Date.now();
    // 重试 (unless the backoff timer got there first).
    await a.page
      .locator('[data-testid=sync-retry]')
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await waitSynced(a, since);
    expect(pushesSeen).toBeGreaterThan(pushesBeforeRestart);

    const titles = (await serverEvents()).map((e) => e.title).sort();
    expect(titles).toEqual(['断电前的讲座一', '断电前的讲座二', '离线记录的大篷车']);
    const sinceB = Date.now();
    await go(b, '/settings');
    await b.page.locator('[data-testid=sync-now]').click();
    await waitSynced(b, sinceB);
    expect((await readStore<ServerEvent>(b.page, 'events')).map((e) => e.title).sort()).toEqual(titles);
    expect((await readStore<ServerEvent>(a.page, 'events')).map((e) => e.title).sort()).toEqual(titles);
  });

  it('a volunteer cannot change another volunteer’s event: the server refuses and the app says why', async () => {
    await phones.close(b);
    // Staff list 李志愿 on 张志愿's event, so her phone holds it (issue 13 §5: a volunteer's phone
    // holds their own events and those listing them), though she may not change it.
    const listed = await api<{ results: { status: string }[] }>('POST', '/api/sync/push', adminToken, {
      v: 1,
      clientId: '0b6f1c1e-6a43-4c1e-9a7e-2f3c4d5e6f7a',
      mutations: [
        {
          entity: 'event',
          op: 'put',
          seq: 1,
          eventId: offlineId,
          fields: { volunteers: [{ name: '李志愿', userId: userIds.get('lizy')!, hours: 2 }] },
          at: new Date().toISOString(),
        },
      ],
    });
    expect(listed.results.map((r) => r.status)).toEqual(['applied']);
    const c = await phones.open('C');
    await signIn(c, 'lizy');
    let since = Date.now();
    await editEvent(c, offlineId, '#ev-title', '李志愿改了张志愿的活动');
    await c.page.locator('[data-testid=sync-headline]', { hasText: '1 条同步被拒' }).waitFor({ timeout: 30_000 });
    await waitSynced(c, since, 1);
    expect(await badge(c)).toMatch(/^1 条同步被拒 \| 只能修改自己记录的活动 · 上次同步 \d\d:\d\d$/);
    await screenshot(c.page, FEATURE, '06-c-refused-badge');

    await c.page.locator('[data-testid=sync-badge] a').click();
    await c.page.locator('[data-testid=quarantined-item]').waitFor();
    expect(await c.page.locator('[data-testid=quarantined-reason]').allInnerTexts()).toEqual(['只能修改自己记录的活动']);
    await screenshot(c.page, FEATURE, '07-c-quarantine', true);
    expect((await serverEvents()).find((e) => e.id === offlineId)?.title).toBe('离线记录的大篷车');

    since = Date.now();
    await c.page.locator('[data-testid=quarantined-item] .van-button--danger').click();
    await c.page.locator('.van-dialog__confirm').click();
    await waitSynced(c, since);
    const row = (await readStore<ServerEvent>(c.page, 'events')).find((e) => e.id === offlineId);
    expect(row?.title).toBe('离线记录的大篷车');
    expect(await c.page.locator('[data-testid=quarantined-item]').count()).toBe(0);
    expect(c.errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED') && !e.includes('Failed to load resource'))).toEqual([]);
  });
});
