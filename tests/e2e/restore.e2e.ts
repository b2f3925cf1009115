/**
 * A restore under two live phones, in a real browser: the BUILT app served by the REAL server on
 * SQLite (`node dist-server/server/main.js`), the project's own `backup.js` and `restore.js`, and
 * two phones (separate Chromium profiles) signed in as two volunteers.
 *
 * The server is backed up, both phones keep logging and syncing, the server is stopped and
 * restored from the backup, one phone logs another event, and both sync again by themselves. The
 * events logged after the backup are back on the server, and both phones and the server end with
 * the same ledger; before ledger epochs, those events were gone from the server for good and the
 * other phone never saw the restored server's new rows past its old cursor.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, readStore, screenshot, serverMainPath, startRealServer } from './harness';
import { Phones, go, serverApi, signIn as signInAt, syncNow, waitSynced, type Phone } from './phones';

const FEATURE = 'restore';
const PINGSHAN = '441323001000';
const PASSWORD = 'kepu-ledger-2026';

let port = 0;
let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
let adminToken = '';
const phones = new Phones();
const api = serverApi(() => base);
const signIn = (p: Phone, username: string) => signInAt(p, base, username, PASSWORD);

async function startServer(): Promise<string | null> {
  const s = await startRealServer(port, dataDir);
  proc = s.child;
  return s.setupCode;
}

function stopServer(): Promise<void> {
  const p = proc;
  proc = null;
  if (!p || p.exitCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    p.once('exit', () => ok());
    p.kill('SIGTERM');
  });
}

/** Runs one of the server's commands (backup.js, restore.js) as an operator would. */
function serverCommand(script: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [resolve(serverMainPath(), '..', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
  }).toString();
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

interface ServerEvent {
  id: string;
  title: string;
  createdBy: string;
  rev: number;
  deleted: boolean;
}

async function serverEvents(): Promise<ServerEvent[]> {
  const page = await api<{ rows: { entity: string; row: ServerEvent }[] }>('GET', '/api/sync/pull?cursor=0&limit=2000', adminToken);
  return page.rows.filter((r) => r.entity === 'event').map((r) => r.row);
}

/** Logs an event through the form and waits for it to reach the server. */
async function logEvent(p: Phone, title: string): Promise<string> {
  const since = Date.now();
  await go(p, '/events/new');
  await p.page.locator('#ev-title').fill(title);
  await p.page.locator('#ev-format').selectOption('caravan');
  await p.page.locator('#ev-venue').selectOption('school');
  await p.page.locator('#ev-township').selectOption(PINGSHAN);
  await p.page.locator('#ev-attendance').fill('80');
  await p.page.locator('#ev-startAt').fill('2026-03-05T09:30');
  await p.page.locator('#ev-endAt').fill('2026-03-05T11:30');
  await p.page.locator('[data-test=save]').click();
  await p.page.locator('[data-test=detail-title]').waitFor();
  const id = /\/events\/([0-9a-f-]{36})/.exec(p.page.url())?.[1];
  if (!id) throw new Error(`not on a detail page: ${p.page.url()}`);
  await waitSynced(p, since);
  return id;
}

/** The live events the phone holds, by id → title. */
async function phoneLedger(p: Phone): Promise<Map<string, string>> {
  const rows = await readStore<{ id: string; title: string; deleted: boolean }>(p.page, 'events');
  return new Map(rows.filter((r) => !r.deleted).map((r) => [r.id, r.title]));
}

beforeAll(async () => {
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-restore-e2e-'));
  const code = await startServer();
  adminToken = (
    await api<{ token: string }>('POST', '/api/setup', null, { code, orgName: '惠东县科协', adminName: '管理员', username: 'admin', password: PASSWORD })
  ).token;
  for (const [name, username] of [
    ['张志愿', 'zhang'],
    ['李志愿', 'lizy'],
  ] as const) {
    await api('POST', '/api/users', adminToken, { role: 'volunteer', name, username, password: PASSWORD });
  }
});

afterAll(async () => {
  await phones.closeAll();
  await stopServer();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a restore from a backup under two live phones', () => {
  it("brings back every event logged after the backup, and both phones end with the server's ledger", async () => {
    const a = await phones.open('A');
    const b = await phones.open('B');
    await signIn(a, 'zhang');
    await signIn(b, 'lizy');
    const early = [await logEvent(a, '备份前·甲'), await logEvent(b, '备份前·乙')];
    const backup = serverCommand('backup.js', []);
    expect(backup).toMatchObject({ events: 2, integrity: 'ok' });

    const late = [await logEvent(a, '备份后·甲1'), await logEvent(a, '备份后·甲2'), await logEvent(b, '备份后·乙')];
    await syncNow(a);
    // A volunteer's phone holds their own events (issue 13 §5): 甲's three.
    expect((await phoneLedger(a)).size).toBe(3);

    await stopServer();
    const restored = serverCommand('restore.js', [String(backup.file)]);
    expect(restored.epoch).not.toBe(restored.previousEpoch);
    await startServer();
    expect((await serverEvents()).map((e) => e.title).sort()).toEqual(['备份前·乙', '备份前·甲']);

    // B logs one more: its save syncs at once, meets the new epoch, sends back what it holds.
    const afterRestore = await logEvent(b, '恢复后·乙');
    await syncNow(a);
    await syncNow(b);

    const all = [...early, ...late, afterRestore].sort();
    expect((await serverEvents()).map((e) => e.id).sort()).toEqual(all);
    // Each phone ends with its scope of the server's ledger: its person's own events.
    const truthOf = async (p: Phone) => {
      const me = (await readStore<{ createdBy: string }>(p.page, 'events'))[0]!.createdBy;
      return new Map((await serverEvents()).filter((e) => e.createdBy === me).map((e) => [e.id, e.title]));
    };
    expect(await phoneLedger(a)).toEqual(await truthOf(a));
    expect(await phoneLedger(b)).toEqual(await truthOf(b));
    expect((await phoneLedger(a)).size + (await phoneLedger(b)).size).toBe(all.length);
    const epochOf = async (p: Phone) => (await readStore<{ key: string; value: unknown }>(p.page, 'meta')).find((m) => m.key === 'ledgerEpoch')?.value;
    expect([await epochOf(a), await epochOf(b)]).toEqual([restored.epoch, restored.epoch]);

    await go(a, '/events');
    await a.page.waitForTimeout(500);
    await screenshot(a.page, FEATURE, 'phone-a-after-restore');
    expect([...a.errors, ...b.errors].filter((e) => !/409|Failed to load resource/.test(e))).toEqual([]);
  });
});
