/**
 * Accounts and the org taxonomy in a real browser: the BUILT app served by the REAL server on
 * SQLite (a temp DATA_DIR). A desk sets the server up through 设置 → 初始化服务器 with the code
 * the server printed, adds a staff member and makes a volunteer invite; a volunteer joins with
 * the code on their phone; staff add a taxonomy entry on theirs; the volunteer's phone adopts it
 * and an event using it syncs (not refused). Without a network the admin screen says 需要联网.
 * Screenshots go to test-artifacts/admin/. KL_DIST and KL_SERVER_DIST point at private builds
 * (default dist/ and dist-server/, what `npm run build` writes); see sync.e2e.ts for how.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditA11y, freePort, readStore, startRealServer, screenshot, waitForAsync } from './harness';
import { Phones, go, serverApi, type Phone } from './phones';

const FEATURE = 'admin';
const PASSWORD = 'kepu-ledger-2026';
const PINGSHAN = '441323001000';

let base = '';
let dataDir = '';
let proc: ChildProcess | null = null;
let setupCode = '';
const phones = new Phones();
const api = serverApi(() => base);

/** Errors a test expects: requests refused while the phone was offline. */
const expectedError = (e: string) => /ERR_INTERNET_DISCONNECTED|Failed to load resource|net::ERR_/.test(e);

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'kl-admin-e2e-'));
  const server = await startRealServer(port, dataDir);
  proc = server.child;
  setupCode = server.setupCode!;
});

afterAll(async () => {
  await phones.closeAll();
  if (proc && proc.exitCode === null) {
    const p = proc;
    await new Promise((ok) => {
      p.once('exit', ok);
      p.kill('SIGTERM');
    });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('accounts and the org taxonomy through the real server', () => {
  let desk: Phone;
  let volunteer: Phone;
  let staff: Phone;
  let invite = '';
  let filmCode = '';

  it('a desk sets up the server with the printed code and is signed in as the admin', async () => {
    desk = await phones.open('desk', base);
    await go(desk, '/settings');
    await desk.page.locator('[data-testid=admin-link]', { hasText: '初始化服务器' }).click();
    await desk.page.locator('[data-testid=setup-form]').waitFor();
    await desk.page.locator('[data-testid=setup-code] input').fill(setupCode.toLowerCase());
    await desk.page.locator('[data-testid=setup-org] input').fill('惠东县科学技术协会');
    await desk.page.locator('[data-testid=setup-name] input').fill('李管理');
    await desk.page.locator('[data-testid=setup-username] input').fill('lee');
    await desk.page.locator('[data-testid=setup-password] input').fill(PASSWORD);
    await screenshot(desk.page, FEATURE, '1-setup');
    expect(await auditA11y(desk.page, ['[data-testid=sync-badge]', '.van-tabbar'])).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await desk.page.locator('[data-testid=setup-submit]').click();
    await desk.page.locator('[data-testid=admin-tabs]').waitFor();
    expect(await desk.page.locator('.kl-admin__who').innerText()).toBe('惠东县科学技术协会 · 李管理（管理员）');
    const health = await api<{ setupNeeded: boolean }>('GET', '/api/health', null);
    expect(health.setupNeeded).toBe(false);
  });

  it('the admin adds a staff member and makes a volunteer invite shown big', async () => {
    await desk.page.getByRole('tab', { name: '用户' }).click();
    await desk.page.locator('[data-testid=user-name] input').fill('王干事');
    await desk.page.locator('[data-testid=user-username] input').fill('wang');
    await desk.page.locator('[data-testid=user-password] input').fill(PASSWORD);
    await desk.page.locator('[data-testid=user-submit]').click();
    await desk.page.locator('[data-testid=user-item]', { hasText: '王干事' }).waitFor();
    const usersAudit = await auditA11y(desk.page, ['[data-testid=sync-badge]', '.van-tabbar', '.van-toast']);
    expect(usersAudit).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
    await desk.page.getByRole('tab', { name: '邀请码' }).click();
    await desk.page.locator('[data-testid=invite-max-uses] input').fill('5');
    await desk.page.locator('[data-testid=invite-submit]').click();
    invite = (await desk.page.locator('[data-testid=invite-code]').getAttribute('data-code'))!;
    expect(invite).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    const size = await desk.page.locator('[data-testid=invite-code]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(32);
    await screenshot(desk.page, FEATURE, '2-invite', true);
    const findings = await auditA11y(desk.page, ['[data-testid=sync-badge]', '.van-tabbar', '.van-toast']);
    expect(findings).toEqual({ unlabeled: [], smallTargets: [], lowContrast: [] });
  });

  it('a volunteer joins on their phone with the code', async () => {
    volunteer = await phones.open('volunteer', base);
    await go(volunteer, '/login?tab=join');
    await volunteer.page.locator('[data-testid=join-code] input').fill(invite.toLowerCase());
    await volunteer.page.locator('[data-testid=join-name] input').fill('陈志愿');
    await volunteer.page.locator('[data-testid=join-username] input').fill('13800000001');
    await volunteer.page.locator('[data-testid=join-password] input').fill(PASSWORD);
    await volunteer.page.locator('[data-testid=login-submit]').click();
    await volunteer.page.waitForURL(`${base}/`);
    await desk.page.reload();
    await desk.page.locator('[data-testid=invite-item]').first().waitFor();
    expect(await desk.page.locator('[data-testid=invite-item]').first().innerText()).toContain('已用 1/5 次');
  });

  it('staff add a taxonomy entry on their phone and the server keeps it', async () => {
    staff = await phones.open('staff', base);
    await go(staff, '/login');
    await staff.page.locator('[data-testid=login-username] input').fill('wang');
    await staff.page.locator('[data-testid=login-password] input').fill(PASSWORD);
    await staff.page.locator('[data-testid=login-submit]').click();
    await staff.page.waitForURL(`${base}/`);
    await go(staff, '/settings/staff');
    await staff.page.locator('.kl-tax__input').last().fill('科普电影放映');
    await staff.page.locator('.kl-tax__add-btn').click();
    const { token } = await api<{ token: string }>('POST', '/api/login', null, { username: 'lee', password: PASSWORD });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const org = await api<{ taxonomy: { formats: { code: string; zh: string }[] } }>('GET', '/api/org/taxonomy', token);
      const film = org.taxonomy.formats.find((e) => e.zh === '科普电影放映');
      if (film) {
        filmCode = film.code;
        break;
      }
      if (Date.now() > deadline) throw new Error('the staff edit never reached the server');
      await staff.page.waitForTimeout(200);
    }
    const pending = (await readStore<{ key: string; value: unknown }>(staff.page, 'meta')).find((m) => m.key === 'taxonomyPending')?.value;
    expect(pending).toEqual([]);
  });

  it('the volunteer’s phone adopts it at start, and an event using it syncs without being refused', async () => {
    await volunteer.page.reload();
    await waitForAsync(
      volunteer.page,
      async (code) => {
        const db = await new Promise<IDBDatabase>((ok) => {
          const r = indexedDB.open('kepu-ledger');
          r.onsuccess = () => ok(r.result);
        });
        const row = await new Promise<{ value?: { formats?: { code: string }[] } } | undefined>((ok) => {
          const r = db.transaction('meta').objectStore('meta').get('taxonomy');
          r.onsuccess = () => ok(r.result as { value?: { formats?: { code: string }[] } } | undefined);
        });
        db.close();
        return !!row?.value?.formats?.some((e) => e.code === code);
      },
      filmCode,
      { timeout: 15_000, what: 'the new format in the stored taxonomy' },
    );
    await go(volunteer, '/events/new');
    await volunteer.page.locator('#ev-title').fill('科普电影进村');
    await volunteer.page.locator('#ev-format').selectOption(filmCode);
    await volunteer.page.locator('#ev-venue').selectOption('village');
    await volunteer.page.locator('#ev-township').selectOption(PINGSHAN);
    await volunteer.page.locator('#ev-attendance').fill('80');
    await volunteer.page.locator('#ev-startAt').fill('2026-03-05T19:30');
    await volunteer.page.locator('#ev-endAt').fill('2026-03-05T21:00');
    await volunteer.page.locator('#ev-venueName').fill('平山村文化广场');
    await volunteer.page.locator('[data-test=save]').click();
    await volunteer.page.locator('[data-test=detail-title]').waitFor();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const outbox = await readStore<{ state: string }>(volunteer.page, 'outbox');
      if (outbox.length === 0) break;
      if (outbox.some((m) => m.state === 'quarantined')) throw new Error('the event was refused by the server');
      if (Date.now() > deadline) throw new Error('the event never synced');
      await volunteer.page.waitForTimeout(200);
    }
    const { token } = await api<{ token: string }>('POST', '/api/login', null, { username: 'lee', password: PASSWORD });
    const pulled = await api<{ rows: { entity: string; row: { title: string; format: string } }[] }>('GET', '/api/sync/pull?cursor=0', token);
    expect(pulled.rows.filter((r) => r.entity === 'event').map((r) => [r.row.title, r.row.format])).toEqual([['科普电影进村', filmCode]]);
  });

  it('without a network the admin screen says 需要联网', async () => {
    await go(desk, '/settings');
    // 设置 has rendered (its chunk came while online) before the network goes.
    await desk.page.locator('[data-testid=admin-link]').waitFor();
    await desk.ctx.setOffline(true);
    await go(desk, '/admin');
    await desk.page.locator('[data-testid=admin-offline]').waitFor();
    expect(await desk.page.locator('[data-testid=admin-offline]').innerText()).toContain('需要联网');
    await screenshot(desk.page, FEATURE, '3-offline');
    await desk.ctx.setOffline(false);
    await desk.page.locator('[data-testid=admin-retry]').click();
    await desk.page.locator('[data-testid=admin-tabs]').waitFor();
    for (const p of phones.all)
      expect(
        p.errors.filter((e) => !expectedError(e)),
        p.name,
      ).toEqual([]);
  });
});
