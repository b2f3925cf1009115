/**
 * Issue 2 in a real browser: the BUILT app on a 390×844 phone, first visit online, then offline
 * (network emulation AND the server stopped): reload, log an event with a photo, find it in the
 * list after a reload and a browser restart on the same profile, edit, delete and undo, Chinese
 * errors for bad input with nothing saved, a restored draft, and "repeat last event".
 * Screenshots of every screen go to test-artifacts/ledger/.
 */
import JSZip from 'jszip';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import {
  auditA11y,
  collectErrors,
  launchBrowser,
  newProfileDir,
  removeProfileDir,
  screenshot,
  serveApp,
  waitForServiceWorkerControl,
  type AppServer,
} from './harness';
import { gradientPng } from './png';

const FEATURE = 'ledger';
const PINGSHAN = '441323001000'; // 平山街道; its seat is at 114.71311, 22.99376

let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

async function open(): Promise<void> {
  page = ctx.pages()[0] ?? (await ctx.newPage());
  errors = collectErrors(page);
}

/** Rows of an object store of the app's IndexedDB, read with the raw API (no app code). */
async function rows<T = Record<string, unknown>>(store: 'events' | 'outbox' | 'drafts' | 'photos'): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((ok, fail) => {
        const req = indexedDB.open('kepu-ledger');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const r = db.transaction(name, 'readonly').objectStore(name).getAll();
          r.onsuccess = () => {
            const out = (r.result as Record<string, unknown>[]).map((row) => {
              // Blobs do not cross evaluate(); keep their size instead.
              const copy: Record<string, unknown> = {};
              for (const [k, v] of Object.entries(row)) copy[k] = v instanceof Blob ? { blobSize: v.size, type: v.type } : v;
              return copy;
            });
            db.close();
            ok(out as T[]);
          };
          r.onerror = () => fail(r.error);
        };
      }),
    store,
  );
}

/** The error message Vant shows under the field that holds `selector`. */
async function fieldError(selector: string): Promise<string> {
  return page
    .locator('.van-field', { has: page.locator(selector) })
    .locator('.van-field__error-message')
    .innerText();
}

async function tab(name: string): Promise<void> {
  await page.locator('.van-tabbar-item', { hasText: name }).click();
}

beforeAll(async () => {
  server = await serveApp();
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  await open();
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  if (profile) removeProfileDir(profile);
});

describe('the offline event ledger on a phone', () => {
  it('serves the built app online and the service worker takes control', async () => {
    await page.goto(`${server.url}/`);
    await waitForServiceWorkerControl(page);
    await page.locator('[data-test=log-event]').waitFor();
    expect(await page.locator('[data-test=log-event]').innerText()).toContain('记录活动');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await screenshot(page, FEATURE, '01-home-empty');
  });

  it('is installable: Chromium finds the manifest, its icons and the service worker sufficient', async () => {
    const cdp = await ctx.newCDPSession(page);
    const result = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(result.installabilityErrors).toEqual([]);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    expect(manifest.errors).toEqual([]);
    await cdp.detach();
  });

  it('reloads offline with the server stopped, from the service worker cache', async () => {
    await ctx.setOffline(true);
    await server.stop();
    await page.reload({ waitUntil: 'load' });
    await page.locator('[data-test=log-event]').waitFor();
    expect(await page.locator('.kl-home__title').innerText()).toBe('科普台账');
  });

  it('shows Chinese errors next to the fields for bad input and saves nothing', async () => {
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').waitFor();
    await page.locator('#ev-attendance').fill('abc');
    await page.locator('[data-test=save]').click();
    await page.locator('.van-field__error-message').first().waitFor();
    expect(await fieldError('#ev-title')).toBe('必填');
    expect(await fieldError('#ev-format')).toBe('必填');
    expect(await fieldError('#ev-venue')).toBe('必填');
    expect(await fieldError('#ev-township')).toBe('必填');
    expect(await fieldError('#ev-attendance')).toBe('请输入数字');
    await screenshot(page, FEATURE, '02-form-errors');

    // Fields right, times wrong: the cross-field check speaks, still nothing saved.
    await page.locator('#ev-title').fill('科普大篷车进校园');
    await page.locator('#ev-format').selectOption('caravan');
    await page.locator('#ev-venue').selectOption('school');
    await page.locator('#ev-township').selectOption(PINGSHAN);
    await page.locator('#ev-attendance').fill('120');
    await page.locator('#ev-startAt').fill('2026-03-05T09:30');
    await page.locator('#ev-endAt').fill('2026-03-05T08:00');
    await page.locator('[data-test=save]').click();
    await page.locator('.van-field__error-message').first().waitFor();
    expect(await fieldError('#ev-endAt')).toBe('结束时间不能早于开始时间');
    expect(await page.locator('.van-field__error-message').count()).toBe(1);
    expect(await rows('events')).toEqual([]);
    expect(await rows('outbox')).toEqual([]);
  });

  it('suggests the township from a GPS fix and the person confirms it', async () => {
    await ctx.grantPermissions(['geolocation'], { origin: server.url });
    await ctx.setGeolocation({ latitude: 22.99376, longitude: 114.71311, accuracy: 35 });
    await page.locator('#ev-township').selectOption('441323103000'); // 梁化镇, the wrong one
    await page.getByRole('button', { name: '使用我的位置' }).click();
    await page.getByText('按位置推测在：平山街道').waitFor();
    expect(await page.locator('[data-test=geo-accuracy]').innerText()).toContain('定位精度 ±35 米');
    expect(await page.locator('#ev-township').inputValue()).toBe('441323103000');
    await page.getByRole('button', { name: '采用' }).click();
    expect(await page.locator('#ev-township').inputValue()).toBe(PINGSHAN);
  });

  it('logs an event with a photo offline, and a double-tapped save stores one event', async () => {
    await page.locator('#ev-endAt').fill('2026-03-05T11:30');
    await page.locator('#ev-village').selectOption({ index: 1 });
    await page.locator('#ev-venueName').fill('平山中心小学');
    await page.locator('.van-checkbox', { hasText: '科技知识' }).click();
    await page.locator('.van-checkbox', { hasText: '防灾减灾' }).click();
    await page.getByRole('button', { name: '添加资料' }).click();
    await page.locator('#ev-materials-0-kind').selectOption('booklet');
    await page.locator('#ev-materials-0-count').fill('200');
    await page.locator('[data-test=photo-pick]').setInputFiles({ name: 'caravan.png', mimeType: 'image/png', buffer: gradientPng(1200, 900, 1) });
    await page.locator('.kl-photos__img[src^="blob:"]').waitFor();
    await screenshot(page, FEATURE, '03-form-filled', true);

    await page.locator('[data-test=save]').dblclick();
    await page.locator('[data-test=detail-title]').waitFor();
    expect(await page.locator('[data-test=detail-title]').innerText()).toBe('科普大篷车进校园');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-test=detail-photo]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await page.locator('[data-test=detail-photo]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
    await screenshot(page, FEATURE, '04-detail', true);

    const events = await rows<{
      id: string;
      title: string;
      startAt: string;
      endAt: string;
      townshipCode: string;
      themes: string[];
      materials: unknown;
      photos: string[];
      attendance: number;
      status: string;
      year: number;
    }>('events');
    expect(events.length).toBe(1);
    const e = events[0]!;
    expect([e.title, e.startAt, e.endAt, e.townshipCode, e.attendance, e.status, e.year]).toEqual([
      '科普大篷车进校园',
      '2026-03-05T09:30:00+08:00',
      '2026-03-05T11:30:00+08:00',
      PINGSHAN,
      120,
      'submitted',
      2026,
    ]);
    expect(e.themes).toEqual(['sci-tech', 'disaster-prevention']);
    expect(e.materials).toEqual([{ kind: 'booklet', count: 200 }]);
    expect(e.photos.length).toBe(1);
    const photos = await rows<{ hash: string; width: number; height: number }>('photos');
    expect(photos.map((p) => [p.hash, p.width, p.height])).toEqual([[e.photos[0], 1200, 900]]);
    const outbox = await rows<{ seq: number; op: string; eventId: string }>('outbox');
    expect(outbox.map((m) => [m.seq, m.op, m.eventId])).toEqual([[1, 'put', e.id]]);
    expect(await rows('drafts')).toEqual([]);
  });

  it('lists the event, and keeps it after a reload and after a browser restart on the same profile', async () => {
    await tab('活动');
    await page.locator('.kl-card').first().waitFor();
    expect(await page.locator('[data-test=list-count]').innerText()).toBe('共 1 场');
    expect(await page.locator('.kl-card__title').allInnerTexts()).toEqual(['科普大篷车进校园']);
    expect(await page.locator('.kl-card [data-test=unsynced]').allInnerTexts()).toEqual(['未同步']);
    await screenshot(page, FEATURE, '05-list');

    await page.reload({ waitUntil: 'load' });
    await page.locator('.kl-card').first().waitFor();
    expect(await page.locator('.kl-card__title').allInnerTexts()).toEqual(['科普大篷车进校园']);

    await ctx.close();
    ctx = await launchBrowser(profile);
    await ctx.setOffline(true);
    await open();
    await page.goto(`${server.url}/events`);
    await page.locator('.kl-card').first().waitFor();
    expect(await page.locator('.kl-card__title').allInnerTexts()).toEqual(['科普大篷车进校园']);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  });

  it('edits the event, and the outbox carries only the changed field', async () => {
    await page.locator('.kl-card').first().click();
    await page.locator('[data-test=edit]').click();
    await page.locator('#ev-attendance').waitFor();
    expect(await page.locator('#ev-title').inputValue()).toBe('科普大篷车进校园');
    await page.locator('#ev-attendance').fill('150');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-attendance]').waitFor();
    expect(await page.locator('[data-test=detail-attendance] .van-cell__value').innerText()).toBe('150 人次');
    const outbox = await rows<{ seq: number; op: string; fields?: Record<string, unknown> }>('outbox');
    expect(outbox.map((m) => [m.seq, m.op, m.fields ? Object.keys(m.fields) : null])).toEqual([
      [1, 'put', expect.any(Array)],
      [2, 'put', ['attendance']],
    ]);
    expect(outbox[1]!.fields).toEqual({ attendance: 150 });
  });

  it('deletes the event and 撤销 brings it back', async () => {
    await page.locator('[data-test=delete]').click();
    await page.locator('.van-dialog__confirm').click();
    await page.locator('[data-testid=undo-bar]').waitFor();
    // The count is a live query of its own: it follows the delete a moment after the snackbar
    // shows (read once, it raced the query and left the event deleted for every later test).
    await expect.poll(() => page.locator('[data-test=list-count]').innerText()).toBe('共 0 场');
    await screenshot(page, FEATURE, '06-deleted-undo');
    let events = await rows<{ deleted: boolean }>('events');
    expect(events.map((e) => e.deleted)).toEqual([true]);

    await page.getByRole('button', { name: '撤销' }).click();
    await page.locator('.kl-card').first().waitFor();
    expect(await page.locator('.kl-card__title').allInnerTexts()).toEqual(['科普大篷车进校园']);
    events = await rows<{ deleted: boolean }>('events');
    expect(events.map((e) => e.deleted)).toEqual([false]);
    const outbox = await rows<{ op: string }>('outbox');
    expect(outbox.map((m) => m.op)).toEqual(['put', 'put', 'delete', 'undelete']);
  });

  it('restores an unsaved form after a reload, from the draft', async () => {
    await tab('首页');
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').fill('急救培训（未保存）');
    await page.locator('#ev-venueName').fill('大岭社区');
    // The draft is written ~300 ms after the last change.
    await expect
      .poll(async () => (await rows<{ content: { title: string } }>('drafts')).map((d) => d.content.title), { timeout: 10_000 })
      .toEqual(['急救培训（未保存）']);
    await page.reload({ waitUntil: 'load' });
    await page.locator('#ev-title').waitFor();
    await page.getByText('已恢复上次未保存的内容').waitFor();
    expect(await page.locator('#ev-title').inputValue()).toBe('急救培训（未保存）');
    expect(await page.locator('#ev-venueName').inputValue()).toBe('大岭社区');
    await page.getByRole('button', { name: '放弃草稿' }).click();
    await page.getByText('已恢复上次未保存的内容').waitFor({ state: 'detached' });
    expect(await page.locator('#ev-title').inputValue()).toBe('');
    await page.waitForTimeout(600); // an untouched form is not a draft
    expect(await rows('drafts')).toEqual([]);
    expect(await rows('events').then((r) => r.length)).toBe(1);
  });

  it('repeat last event prefills format, place, themes and materials with a new date', async () => {
    await tab('首页');
    await page.locator('[data-test=repeat-last]').waitFor();
    await screenshot(page, FEATURE, '07-home');
    await page.locator('[data-test=repeat-last]').click();
    await page.locator('#ev-format').waitFor();
    await page.waitForFunction(() => (document.querySelector<HTMLSelectElement>('#ev-format')?.value ?? '') !== '');
    expect(await page.locator('#ev-format').inputValue()).toBe('caravan');
    expect(await page.locator('#ev-venue').inputValue()).toBe('school');
    expect(await page.locator('#ev-township').inputValue()).toBe(PINGSHAN);
    expect(await page.locator('#ev-venueName').inputValue()).toBe('平山中心小学');
    expect(await page.locator('#ev-materials-0-kind').inputValue()).toBe('booklet');
    expect(await page.locator('#ev-materials-0-count').inputValue()).toBe('200');
    expect(await page.locator('.van-checkbox[aria-checked=true]').allInnerTexts()).toEqual(['科技知识', '防灾减灾']);
    expect(await page.locator('#ev-title').inputValue()).toBe('');
    const today = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
    expect((await page.locator('#ev-startAt').inputValue()).slice(0, 10)).toBe(today);
    await screenshot(page, FEATURE, '08-repeat-prefilled');
  });

  it('shows the settings screen with storage status and backup, and the device id under 管理设置', async () => {
    await tab('设置');
    // The backup part renders with the screen's later parts: wait for it, then count.
    await page.getByRole('button', { name: '导出全部数据' }).waitFor();
    expect(await page.getByRole('button', { name: '导出全部数据' }).count()).toBe(1);
    await page.locator('[data-testid=staff-settings-link]').click();
    await page.locator('[data-test=client-id]').waitFor();
    expect(await page.locator('[data-test=client-id] .van-cell__label').innerText()).toMatch(/^[0-9a-f-]{36}$/);
    await screenshot(page, FEATURE, '09-settings', true);
    await tab('设置');
  });

  it('switches to English and back, and remembers the choice across a reload', async () => {
    await page.getByRole('radio', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('.van-tabbar-item').allInnerTexts()).toEqual(['Home', 'Events', 'Map', 'Reports', 'Settings']);
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('.kl-settings__title').innerText()).toBe('Settings');
    await screenshot(page, FEATURE, '13-settings-en');
    await page.getByRole('radio', { name: '简体中文' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await page.locator('.kl-settings__title').innerText()).toBe('设置');
  });

  it('searches and filters the list', async () => {
    await tab('活动');
    await page.locator('.kl-card').first().waitFor();
    await page.locator('#ev-search').fill('中心小学');
    await page.waitForFunction(() => document.querySelector('[data-test=list-count]')?.textContent === '共 1 场');
    await page.locator('#ev-search').fill('没有这个词');
    await page.waitForFunction(() => document.querySelector('[data-test=list-count]')?.textContent === '共 0 场');
    await page.locator('#ev-search').fill('');
    await page.locator('#flt-status').selectOption('reviewed');
    await page.waitForFunction(() => document.querySelector('[data-test=list-count]')?.textContent === '共 0 场');
    await page.locator('#flt-status').selectOption('submitted');
    await page.locator('#flt-year').selectOption('2026');
    await page.locator('#flt-township').selectOption(PINGSHAN);
    await page.waitForFunction(() => document.querySelector('[data-test=list-count]')?.textContent === '共 1 场');
    await page.getByRole('button', { name: '清除筛选' }).click();
    expect(await page.locator('#flt-status').inputValue()).toBe('');
  });

  it('lists 5,000 events newest first, 50 rows at a time', async () => {
    // Seed straight into IndexedDB: the list's job is reading, not the repository's writing.
    await page.evaluate(async () => {
      const req = indexedDB.open('kepu-ledger');
      const db: IDBDatabase = await new Promise((ok, fail) => {
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const tx = db.transaction('events', 'readwrite');
      const store = tx.objectStore('events');
      const base = Date.UTC(2025, 0, 1, 1, 0);
      for (let i = 0; i < 5000; i++) {
        const ms = base + i * 3 * 3600_000;
        const d = new Date(ms + 8 * 3600_000);
        const iso = d.toISOString().slice(0, 19) + '+08:00';
        const id = `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;
        store.put({
          id,
          title: `批量活动 ${i}`,
          notes: '',
          startAt: iso,
          endAt: iso,
          format: 'lecture',
          venue: 'school',
          campaign: null,
          themes: [],
          townshipCode: '441323002000',
          villageCode: null,
          venueName: '大岭小学',
          point: null,
          attendance: 30,
          onlineAttendance: null,
          audience: [],
          materials: [],
          volunteers: [],
          volunteerCount: null,
          partners: [],
          distanceKm: null,
          photos: [],
          status: 'reviewed',
          reviewNote: null,
          reviewedBy: null,
          reviewedAt: null,
          orgId: '',
          createdBy: 'someone-else',
          createdAt: iso,
          updatedBy: 'someone-else',
          updatedAt: iso,
          deleted: false,
          rev: 1,
          year: d.getUTCFullYear(),
          ym: iso.slice(0, 7),
        });
      }
      await new Promise((ok, fail) => {
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    });
    await tab('首页');
    const t0 = Date.now();
    await tab('活动');
    await page.locator('.kl-card').first().waitFor();
    const firstRows = Date.now() - t0;
    await page.waitForFunction(() => document.querySelector('[data-test=list-count]')?.textContent === '共 5001 场');
    const counted = Date.now() - t0;
    console.log(`list of 5,001 events: first rows after ${firstRows} ms, total counted after ${counted} ms`);
    expect(await page.locator('.kl-card').count()).toBe(50);
    expect(await page.locator('.kl-card__title').first().innerText()).toBe('批量活动 4999');
    await page.mouse.wheel(0, 20_000);
    await page.waitForFunction(() => document.querySelectorAll('.kl-card').length >= 100);
    await screenshot(page, FEATURE, '10-list-5000');
  });

  it('fits a desktop window', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await tab('首页');
    await page.locator('[data-test=log-event]').click();
    await page.locator('#ev-title').waitFor();
    const box = await page.locator('.kl-edit__main').boundingBox();
    expect(box && Math.round(box.width)).toBe(720);
    expect(box && Math.round(box.x)).toBe(280);
    await screenshot(page, FEATURE, '11-desktop-form');
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('labels every control, keeps touch targets at 44 px and text at AA contrast on the ledger screens', async () => {
    // Other features' parts of these screens are judged by their own tests.
    const others = ['.kl-sync-badge', '.kl-sync-settings', '.kl-coverage-card', '.kl-region', '.kl-basemap', '.kl-target-settings'];
    const found: Record<string, unknown> = {};
    const screens: [string, () => Promise<void>][] = [
      [
        'home',
        async () => {
          await tab('首页');
          await page.locator('[data-test=log-event]').waitFor();
        },
      ],
      [
        'form',
        async () => {
          await page.locator('[data-test=log-event]').click();
          await page.locator('#ev-title').waitFor();
        },
      ],
      [
        'list',
        async () => {
          await tab('活动');
          await page.locator('.kl-card').first().waitFor();
        },
      ],
      [
        'detail',
        async () => {
          await page.locator('.kl-card').first().click();
          await page.locator('[data-test=detail-title]').waitFor();
        },
      ],
      [
        'settings',
        async () => {
          await tab('设置');
          await page.locator('[data-testid=staff-settings-link]').click();
          await page.locator('[data-test=client-id]').waitFor();
        },
      ],
    ];
    for (const [name, go] of screens) {
      await go();
      await page.waitForTimeout(2500); // let toasts fade: they are not part of the screen
      const f = await auditA11y(page, others);
      if (f.unlabeled.length || f.smallTargets.length || f.lowContrast.length) found[name] = f;
    }
    expect(found).toEqual({});
  });

  it('exports the whole ledger to a file that a fresh phone imports, photos included', async () => {
    await tab('设置');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出全部数据' }).click()]);
    const file = join(profile, 'backup.zip');
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^kepu-ledger-\d{12}\.zip$/);
    const zip = await JSZip.loadAsync(readFileSync(file));
    const lines = async (name: string) =>
      (await zip.file(name)!.async('string'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { title?: string });
    expect((await lines('events.jsonl')).filter((e) => e.title === '科普大篷车进校园').length).toBe(1);
    expect((await lines('photos.jsonl')).length).toBe(1);
    expect(Object.keys(zip.files).filter((n) => n.startsWith('photos/')).length).toBe(1);

    // A new phone: another profile, online for its first visit.
    await server.restart();
    const fresh = newProfileDir();
    const other = await launchBrowser(fresh);
    try {
      const p2 = other.pages()[0] ?? (await other.newPage());
      await p2.goto(`${server.url}/settings`);
      await p2.locator('[data-test=import]').setInputFiles(file);
      await p2.locator('[data-test=backup-result]').waitFor();
      expect(await p2.locator('[data-test=backup-result]').innerText()).toMatch(/^已导入：活动 5001 条，待同步 \d+ 条，照片 1 张$/);
      await p2.locator('.van-tabbar-item', { hasText: '活动' }).click();
      await p2.locator('#ev-search').fill('中心小学');
      await p2.waitForFunction(() => document.querySelector('[data-test=list-count]')?.textContent === '共 1 场');
      await p2.locator('.kl-card').first().click();
      await p2.waitForFunction(() => (document.querySelector<HTMLImageElement>('[data-test=detail-photo]')?.naturalWidth ?? 0) === 1200);
    } finally {
      await other.close();
      removeProfileDir(fresh);
      await server.stop();
    }
  });

  it('logged no page errors', () => {
    // No API server runs here, so failed requests (offline, or /api on the static server) are
    // weather; anything else the page logs as an error is a defect.
    expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED') && !e.includes('Failed to load resource'))).toEqual([]);
  });
});
