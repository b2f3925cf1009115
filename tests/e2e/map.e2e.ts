/**
 * Issue 4 in a real browser: the BUILT app on a 390×844 phone, offline (network emulation AND the
 * server stopped, no tiles at all), with the 2023 seed-pattern events written into IndexedDB
 * through the page. /map draws the 14 township polygons, the legend and the gaps; tapping 平山
 * opens its sheet with 23 场次; switching the measure recolours. Screenshots of each state go to
 * test-artifacts/map/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchBrowser, newProfileDir, removeProfileDir, screenshot, serveApp, waitForServiceWorkerControl, type AppServer } from './harness';
import { coverage2023Events, fixtureId, T } from '../fixtures/coverage-2023';
import { yearMonthOf, yearOf } from '../../src/domain/year';
import type { CountableEvent } from '../../src/domain/counts';
import { totalsOf, type TotalsRow } from '../../src/domain/totals';

const FEATURE = 'map';
const GAPS = ['大岭街道', '白花镇', '铁涌镇', '多祝镇', '安墩镇', '高潭镇', '白盆珠镇'];
const GAP_FILL = 'url(#kl-gap-hatch)';

let server: AppServer;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let errors: string[] = [];

/** Writes rows into the app's own IndexedDB (opened first by the app, so its schema exists). */
let seeded = 0;
async function seedEvents(rows: CountableEvent[]): Promise<void> {
  // As the app's own writers do: the events and their year-totals change in one transaction (the
  // change as log rows, one per year, which the app folds when it reads the totals).
  const byYear = new Map<number, TotalsRow[]>();
  for (const r of totalsOf(rows)) byYear.set(r.year, [...(byYear.get(r.year) ?? []), r]);
  const logs = [...byYear].map(([year, changes]) => ({ year, axis: 'log', key: `seed-${++seeded}`, changes }));
  await page.evaluate(
    ([list, logRows]) =>
      new Promise<void>((ok, fail) => {
        const req = indexedDB.open('kepu-ledger');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['events', 'totals'], 'readwrite');
          for (const row of list) tx.objectStore('events').put(row);
          for (const log of logRows) tx.objectStore('totals').put(log);
          tx.oncomplete = () => {
            db.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
    [rows, logs] as const,
  );
}

/** Waits until the map has painted at least `n` times (CoverageMap counts its paints). */
async function paintedAtLeast(n: number): Promise<void> {
  await page.waitForFunction((min) => Number(document.querySelector<HTMLElement>('[data-testid=coverage-map]')?.dataset.paints ?? '0') >= min, n);
}
const paints = () => page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-testid=coverage-map]')?.dataset.paints ?? '0'));

/** Township code → fill attribute of its SVG path. */
function fills(): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const p of document.querySelectorAll<SVGPathElement>('path.kl-town')) {
      const code = [...p.classList].find((c) => /^kl-town-\d{12}$/.test(c))!.slice('kl-town-'.length);
      out[code] = p.getAttribute('fill') ?? '';
    }
    return out;
  });
}

/**
 * Taps a township where a finger would land on its polygon: the label's centre when nothing
 * covers it there (labels let taps through), else the first point of a grid over the polygon
 * that hits the polygon itself (not a zone marker, a cluster, an overlay or the attribution).
 */
async function tapTownship(code: string): Promise<void> {
  const label = await page.locator(`.kl-label-${code} .kl-label__box`).boundingBox();
  const shape = await page.locator(`path.kl-town-${code}`).boundingBox();
  if (!label || !shape) throw new Error(`no polygon for ${code}`);
  const found = await page.waitForFunction(
    ([lx, ly, bx, by, bw, bh, c]) => {
      const hits = (x: number, y: number) => document.elementFromPoint(x, y)?.classList.contains(`kl-town-${c}`) ?? false;
      if (hits(lx as number, ly as number)) return [lx, ly];
      for (let i = 1; i < 10; i++) {
        for (let j = 1; j < 10; j++) {
          const x = (bx as number) + ((bw as number) * i) / 10;
          const y = (by as number) + ((bh as number) * j) / 10;
          if (hits(x, y)) return [x, y];
        }
      }
      return null;
    },
    [label.x + label.width / 2, label.y + label.height / 2, shape.x, shape.y, shape.width, shape.height, code] as const,
    { timeout: 5000 },
  );
  const [x, y] = (await found.jsonValue()) as [number, number];
  await page.mouse.click(x, y);
}

beforeAll(async () => {
  server = await serveApp();
  profile = newProfileDir();
  ctx = await launchBrowser(profile);
  page = ctx.pages()[0] ?? (await ctx.newPage());
  errors = collectErrors(page);
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  if (profile) removeProfileDir(profile);
});

describe('the township coverage map on a phone with no signal', () => {
  it('loads online once, takes the 2023 events into IndexedDB, then reloads offline with the server stopped', async () => {
    await page.goto(`${server.url}/map?year=2023`);
    await waitForServiceWorkerControl(page);
    await paintedAtLeast(1);
    await seedEvents(coverage2023Events());
    await ctx.setOffline(true);
    await server.stop();
    await page.reload({ waitUntil: 'load' });
    await paintedAtLeast(1);
    await page.getByText('已覆盖 7 / 14 个乡镇').waitFor();
  });

  it('draws all 14 township polygons with no tiles, the legend, and the gaps hatched and listed', async () => {
    expect(await page.locator('path.kl-town').count()).toBe(14);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
    const legend = page.locator('[data-testid=map-legend]');
    expect(await legend.locator('h2').innerText()).toBe('场次（场）');
    expect(await legend.locator('li').allInnerTexts()).toEqual([
      '1–2',
      '3',
      '4–5',
      '6–8',
      '9–23',
      '未覆盖（无活动）',
      '特殊区域（计入所在镇）',
      '有定位的活动',
    ]);
    expect(await page.locator('[data-testid=gap-list] h2').innerText()).toBe('未覆盖乡镇 (7)');
    expect(await page.locator('[data-testid=gap-list] li').allInnerTexts()).toEqual(GAPS);

    const f = await fills();
    expect(f[T.daling]).toBe(GAP_FILL);
    expect(f[T.pinghai]).toBe('#deebf7'); // covered through 巽寮
    expect(f[T.pingshan]).toBe('#08306b');
    expect(Object.values(f).filter((x) => x === GAP_FILL).length).toBe(7);
    expect(await page.locator(`path.kl-town-${T.daling}`).getAttribute('stroke')).toBe('#d9480f');
    expect(await page.locator('#kl-gap-hatch').count()).toBe(1);
    expect(await page.locator(`.kl-zone-${T.xunliao} .kl-zone__badge`).innerText()).toBe('2');
    expect(await page.locator('[data-testid=map-source]').innerText()).toContain('乡镇边界为近似范围');
    expect(await page.locator('[data-testid=map-source]').innerText()).toContain('GeoNames');
    expect(await page.getByRole('button', { name: '放大' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '缩小' }).count()).toBe(1);
    const table = page.locator('[data-testid=township-table] button');
    expect(await table.count()).toBe(16);
    expect((await table.first().innerText()).replace(/\s+/g, ' ')).toBe('1 平山街道 23 场');
    await screenshot(page, FEATURE, '01-events-offline');
    await screenshot(page, FEATURE, '02-events-offline-full', true);
  });

  it("opens 平山街道's sheet with its numbers and events when the township is tapped", async () => {
    await tapTownship(T.pingshan);
    const sheet = page.locator('[data-testid=township-sheet]');
    await sheet.waitFor();
    expect(await sheet.locator('h2').innerText()).toBe('平山街道');
    expect(await sheet.locator('[data-stat=events] dd').innerText()).toBe('23');
    expect(await sheet.locator('[data-stat=attendance] dd').innerText()).toBe('4,640');
    expect(await sheet.locator('[data-stat=materials] dd').innerText()).toBe('17,500');
    expect(await sheet.locator('[data-stat=last] dd').innerText()).toMatch(/^2023年12月31日/);
    expect(await sheet.locator('[data-stat=share] dd').innerText()).toBe('43.4%');
    expect(await sheet.locator('[data-stat=rank] dd').innerText()).toBe('第 1 / 14');
    expect(await sheet.locator('.van-cell').count()).toBe(23);
    await screenshot(page, FEATURE, '03-sheet-pingshan');
    await page.locator('.van-popup__close-icon').click();
    await sheet.waitFor({ state: 'hidden' });
  });

  it('opens a gap township from the list with its warning', async () => {
    await page.locator(`[data-testid=gap-list] button[data-code="${T.gaotan}"]`).click();
    const sheet = page.locator('[data-testid=township-sheet]');
    await sheet.waitFor();
    expect(await sheet.locator('h2').innerText()).toBe('高潭镇');
    expect(await sheet.locator('.kl-sheet__gap').innerText()).toBe('所选范围内该乡镇没有活动');
    expect(await sheet.locator('[data-stat=events] dd').innerText()).toBe('0');
    await page.locator('.van-popup__close-icon').click();
    await sheet.waitFor({ state: 'hidden' });
  });

  it('recolours when the measure switches to 人次, and to days since the last event', async () => {
    const before = await fills();
    const n = await paints();
    await page.getByRole('radio', { name: '人次' }).click();
    await paintedAtLeast(n + 1);
    const after = await fills();
    expect(after).not.toEqual(before);
    expect(page.url()).toContain('measure=attendance');
    expect(await page.locator('[data-testid=map-legend] h2').innerText()).toBe('人次（人次）');
    // 人次: 平山 4,640 alone in the top class; 梁化 595 is now above 吉隆 490.
    expect(after[T.pingshan]).toBe('#08306b');
    expect(after[T.daling]).toBe(GAP_FILL);
    await screenshot(page, FEATURE, '04-attendance');

    const m = await paints();
    await page.getByRole('radio', { name: '距上次活动天数' }).click();
    await paintedAtLeast(m + 1);
    const days = await fills();
    expect(days[T.pingshan]).toBe('#08306b'); // visited most recently (2023-12-31): darkest
    expect(days[T.huangbu]).toBe('#deebf7'); // last visited 2023-10-14, the longest ago
    await screenshot(page, FEATURE, '05-days-since');
  });

  it("follows the counting basis (计入：已审核): 平海 becomes a gap without 巽寮's submitted events", async () => {
    await page.goto(`${page.url().split('?')[0]}?year=2023`).catch(() => undefined);
    // Offline, navigation is served by the service worker.
    await paintedAtLeast(1);
    expect(await page.locator('[data-testid=covered-basis]').innerText()).toBe('按全部已提交计');
    await page.locator('.kl-basis__option', { hasText: '已审核' }).click();
    await page.getByText('已覆盖 6 / 14 个乡镇').waitFor();
    expect(await page.locator('[data-testid=covered-basis]').innerText()).toBe('按已审核计');
    expect((await fills())[T.pinghai]).toBe(GAP_FILL);
    expect(await page.locator('[data-testid=gap-list] h2').innerText()).toBe('未覆盖乡镇 (8)');
    await screenshot(page, FEATURE, '06-basis-reviewed');
    await page.locator('.kl-basis__option', { hasText: '全部已提交' }).click();
    await page.locator('[data-testid=covered-basis]').filter({ hasText: '按全部已提交计' }).waitFor();
  });

  it('shows 巽寮 as a marker with its own numbers, its sheet naming the town it counts for', async () => {
    await page.goto(`${page.url().split('?')[0]}?year=2023`);
    await paintedAtLeast(1);
    await page.locator(`.kl-zone-${T.xunliao}`).click();
    const sheet = page.locator('[data-testid=township-sheet]');
    await sheet.waitFor();
    expect(await sheet.locator('h2').innerText()).toBe('巽寮滨海旅游度假区');
    expect(await sheet.locator('.kl-sheet__note').innerText()).toBe('特殊区域，活动计入平海');
    expect(await sheet.locator('[data-stat=events] dd').innerText()).toBe('2');
    expect(await sheet.locator('[data-stat=rank] dd').innerText()).toBe('—');
    await screenshot(page, FEATURE, '07-sheet-xunliao');
    await page.locator('.van-popup__close-icon').click();
    await sheet.waitFor({ state: 'hidden' });
    await tapTownship(T.pinghai);
    await sheet.waitFor();
    expect(await sheet.locator('.kl-sheet__note').innerText()).toBe('含巽寮滨海旅游度假区的活动');
    expect(await sheet.locator('[data-stat=events] dd').innerText()).toBe('2');
    await page.locator('.van-popup__close-icon').click();
    await sheet.waitFor({ state: 'hidden' });
  });

  it('counts this year on the home card, "今年已覆盖 N / M 个乡镇", and opens the map from it', async () => {
    const now = Date.now();
    const [a, b] = coverage2023Events().filter((e) => e.townshipCode === T.pingshan || e.townshipCode === T.xunliao);
    const thisYear = [a!, b!].map((e, i) => {
      const startAt = new Date(now - (i + 1) * 3_600_000).toISOString();
      return {
        ...e,
        id: fixtureId(900 + i),
        townshipCode: i === 0 ? T.pingshan : T.xunliao,
        startAt,
        endAt: startAt,
        year: yearOf(startAt),
        ym: yearMonthOf(startAt),
      };
    });
    await seedEvents(thisYear);
    await page.goto(`${page.url().split('/map')[0]}/`);
    const card = page.locator('[data-testid=coverage-card]');
    await card.getByText('今年已覆盖 2 / 14 个乡镇').waitFor();
    expect(await card.innerText()).toContain('未覆盖：大岭、白花、梁化、稔山、铁涌、吉隆、黄埠、多祝、安墩、高潭、宝口、白盆珠');
    await screenshot(page, FEATURE, '08-home-card');
    await card.click();
    await paintedAtLeast(1);
    expect(new URL(page.url()).pathname).toBe('/map');
    await page.getByText('已覆盖 2 / 14 个乡镇').waitFor();
  });

  it('refuses a bad region file in settings with a Chinese message and keeps the map; a good one replaces it', async () => {
    const origin = page.url().split('/map')[0];
    await page.goto(`${origin}/settings/staff`);
    const input = page.locator('[data-testid=region-file]');
    await input.setInputFiles({
      name: 'roads.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: '441302001000', name: '桥东街道' },
              geometry: {
                type: 'LineString',
                coordinates: [
                  [114, 23],
                  [115, 23],
                ],
              },
            },
          ],
        }),
      ),
    });
    const problems = page.locator('[data-testid=region-problems]');
    await problems.waitFor();
    expect(await problems.innerText()).toContain('文件未导入，原区域数据保持不变');
    expect(await problems.locator('li').allInnerTexts()).toEqual(['第 1 个要素：几何类型须为 Polygon 或 MultiPolygon（特殊区域可为 Point）']);
    await problems.scrollIntoViewIfNeeded();
    await screenshot(page, FEATURE, '09-region-import-refused');

    const sq = (x: number) => [
      [
        [x, 23.0],
        [x + 0.1, 23.0],
        [x + 0.1, 23.1],
        [x, 23.1],
        [x, 23.0],
      ],
    ];
    await input.setInputFiles({
      name: 'huicheng.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(
        JSON.stringify({
          type: 'FeatureCollection',
          name: '测试区',
          features: [
            { type: 'Feature', properties: { code: '441302001000', name: '桥东街道' }, geometry: { type: 'Polygon', coordinates: sq(114.4) } },
            { type: 'Feature', properties: { code: '441302100000', name: '横沥镇' }, geometry: { type: 'Polygon', coordinates: sq(114.5) } },
          ],
        }),
      ),
    });
    await page.getByText('已导入 测试区，共 2 个乡镇').waitFor();
    await page.goto(`${origin}/map?year=2023`);
    await paintedAtLeast(1);
    expect(await page.locator('path.kl-town').count()).toBe(2);
    await page.getByText('已覆盖 0 / 2 个乡镇').waitFor();
    expect(await page.locator('[data-testid=map-source]').innerText()).toContain('乡镇范围来自导入文件 huicheng.geojson');
    await screenshot(page, FEATURE, '10-imported-region');

    await page.goto(`${origin}/settings/staff`);
    await page.locator('.kl-region__restore').click();
    await page.getByText('已恢复默认区域').waitFor();
    await page.goto(`${origin}/map?year=2023`);
    await paintedAtLeast(1);
    expect(await page.locator('path.kl-town').count()).toBe(14);
  });

  it('with the 高德 base map chosen, shifts the polygons to GCJ-02 and still draws them when no tile loads', async () => {
    const origin = page.url().split('/map')[0];
    const centre = async () => (await page.locator('[data-testid=coverage-map]').getAttribute('data-center'))!.split(',').map(Number) as [number, number];
    const before = await centre();
    await page.goto(`${origin}/settings/staff`);
    const form = page.locator('[data-testid=basemap-settings]');
    await form.getByLabel('高德地图').check();
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('已保存').waitFor();
    await page.goto(`${origin}/map?year=2023`);
    await paintedAtLeast(1);
    expect(await page.locator('path.kl-town').count()).toBe(14);
    await page.locator('img.leaflet-tile').first().waitFor({ state: 'attached' });
    const after = await centre();
    // Fitted to the shifted polygons, the view moves by the GCJ-02 offset here (PROVENANCE.md:
    // about +0.0045° lon, −0.0029° lat).
    expect(after[0] - before[0]).toBeGreaterThan(0.004);
    expect(after[0] - before[0]).toBeLessThan(0.0055);
    expect(after[1] - before[1]).toBeGreaterThan(-0.0035);
    expect(after[1] - before[1]).toBeLessThan(-0.0022);
    expect(await page.locator('.leaflet-control-attribution').innerText()).toContain('高德地图');
    await screenshot(page, FEATURE, '11-amap-offline-no-tiles');
    await page.goto(`${origin}/settings/staff`);
    await form.getByLabel('无底图（离线可用）').check();
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByText('已保存').waitFor();
  });

  it('logged no errors in the page', () => {
    // Tile requests fail offline by design (the 高德 step); nothing else may.
    expect(errors.filter((e) => !/favicon|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
  });
});
