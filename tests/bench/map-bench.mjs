/**
 * Issue 4 figures (prints them; asserts nothing). Real Chromium on the BUILT app (KL_DIST or
 * dist/), phone viewport, 10,000 events of this year written into IndexedDB through the page:
 *
 *   1. /map from route entry (tap on the 地图 tab, home already loaded, new document each run)
 *      to the township polygons painted with their colours (CoverageMap's 'kl-map-paint' mark,
 *      taken two animation frames after the layers are styled), with the split: chunk + setup,
 *      rows ready, compute + paint, and the main-thread CPU time; also /map opened directly
 *      (navigation start → painted, including app boot and a cold read of the year);
 *   2. re-filter to repaint: switch measure (场次 → 人次), toggle 只统计已审核 (re-count, same rows),
 *      set a month range (re-read through the index, re-count);
 *   3. bytes the map route adds, gzip level 9 of the built files: the JS/CSS requested after the
 *      tap, plus the region pack (townships, county, villages, manifest) whether or not the home
 *      card already fetched it.
 *
 * Usage: node tests/bench/map-bench.mjs [--runs 7] [--events 10000]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = resolve(ROOT, process.env.KL_DIST ?? 'dist');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 7);
const EVENTS = arg('events', 10_000);
const WARMUP = 1;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (all) => {
  // A run can lack a mark (e.g. no outline-only frame when the rows beat Leaflet's chunk).
  const xs = all.filter((x) => Number.isFinite(x));
  if (!xs.length) return 'n/a';
  return `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;
};
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

const server = await preview({
  root: ROOT,
  configFile: false,
  logLevel: 'warn',
  appType: 'spa',
  build: { outDir: DIST },
  preview: { host: '127.0.0.1', port: 0, open: false },
});
const addr = server.httpServer.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 4173}`;
const profile = mkdtempSync(join(tmpdir(), 'kl-map-bench-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: { width: 390, height: 844 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
// Main-thread CPU time (CDP Performance.ThreadTime): less sensitive than wall time to other
// processes competing for the CPU, which on a shared 2-core box can dominate the wall figures.
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable');
const cpu = async () => {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
};

async function openHome() {
  await page.goto(`${base}/`);
  await page.locator('[data-testid=coverage-card]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=coverage-card]')?.textContent?.includes('今年已覆盖'));
}

/** Writes `n` events of this year (Asia/Shanghai) straight into the app's IndexedDB. */
async function seed(n) {
  return page.evaluate(async (count) => {
    const codes = [
      '441323001000',
      '441323002000',
      '441323102000',
      '441323103000',
      '441323104000',
      '441323105000',
      '441323106000',
      '441323109000',
      '441323110000',
      '441323113000',
      '441323115000',
      '441323118000',
      '441323120000',
      '441323121000',
      '441323570000',
    ];
    const formats = ['caravan', 'lecture', 'open-class', 'experiment-class', 'square-campaign', 'volunteer-service', 'first-aid'];
    const venues = ['school', 'community', 'village', 'public-space'];
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
    let x = 12345;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows = [];
    for (let i = 0; i < count; i++) {
      // Skewed like real outreach: the county seat gets most, 3 towns none (gaps).
      const r = rnd();
      const code = r < 0.45 ? codes[0] : codes[1 + Math.floor(rnd() * 11)];
      const month = 1 + Math.floor(rnd() * 10);
      const day = 1 + Math.floor(rnd() * 28);
      const startAt = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T09:30:00+08:00`;
      const hex = i.toString(16).padStart(12, '0');
      rows.push({
        id: `0190b000-0000-7000-8000-${hex}`,
        title: `基准活动 ${i}`,
        notes: '',
        startAt,
        endAt: startAt,
        format: formats[i % formats.length],
        venue: venues[i % venues.length],
        campaign: i % 9 === 0 ? 'science-day' : null,
        themes: ['sci-tech'],
        townshipCode: code,
        villageCode: null,
        venueName: '',
        point: i % 5 === 0 ? { lat: 22.99 + rnd() * 0.05, lon: 114.7 + rnd() * 0.05, accuracyM: 20, source: 'gps' } : null,
        attendance: 20 + Math.floor(rnd() * 300),
        onlineAttendance: null,
        audience: [],
        materials: i % 3 === 0 ? [{ kind: 'booklet', count: 50 + Math.floor(rnd() * 500) }] : [],
        volunteers: [],
        volunteerCount: 3,
        partners: [],
        distanceKm: null,
        photos: [],
        status: i % 4 === 0 ? 'submitted' : 'reviewed',
        reviewNote: null,
        reviewedBy: null,
        reviewedAt: null,
        orgId: 'org',
        createdBy: 'bench',
        createdAt: startAt,
        updatedBy: 'bench',
        updatedAt: startAt,
        deleted: false,
        rev: 1,
        year,
        ym: `${year}-${String(month).padStart(2, '0')}`,
      });
    }
    await new Promise((ok, fail) => {
      const req = indexedDB.open('kepu-ledger');
      req.onerror = () => fail(req.error);
      req.onsuccess = () => {
        const db = req.result;
        const tx = db.transaction('events', 'readwrite');
        for (const row of rows) tx.objectStore('events').put(row);
        tx.oncomplete = () => {
          db.close();
          ok();
        };
        tx.onerror = () => fail(tx.error);
      };
    });
    return { year, count };
  }, n);
}

const lastPaint = () => page.evaluate(() => performance.getEntriesByName('kl-map-paint').length);
/** Clicks `selector` at in-page time t0 and resolves with the ms to the next 'kl-map-paint'. */
async function timeToNextPaint(selector) {
  const before = await lastPaint();
  await page.evaluate((sel) => {
    window.__t0 = performance.now();
    document.querySelector(sel).click();
  }, selector);
  await page.waitForFunction((n) => performance.getEntriesByName('kl-map-paint').length > n, before);
  return page.evaluate((n) => performance.getEntriesByName('kl-map-paint')[n].startTime - window.__t0, before);
}

await openHome();
const seeded = await seed(EVENTS);
console.log(`seeded ${seeded.count} events in ${seeded.year}; app ${DIST}; ${RUNS} runs after ${WARMUP} warm-up`);

const entry = [];
const split = { setup: [], read: [], paint: [] };
const measureSwitch = [];
const reviewedToggle = [];
const monthRange = [];
const entryCpuMs = [];
const measureCpuMs = [];
let routeBytes = null;

for (let i = 0; i < WARMUP + RUNS; i++) {
  await openHome();
  await page.waitForTimeout(300);
  const cpu0 = await cpu();
  const t = await page.evaluate(async () => {
    performance.clearMarks();
    performance.clearResourceTimings();
    const t0 = performance.now();
    document.querySelector('a.van-tabbar-item[href="/map"], .van-tabbar-item:nth-child(3)').click();
    await new Promise((ok) => {
      const poll = () => (performance.getEntriesByName('kl-map-paint').length ? ok() : requestAnimationFrame(poll));
      poll();
    });
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    return {
      t0,
      setup: at('kl-map-setup') - t0,
      rows: at('kl-map-rows') - t0,
      paint: at('kl-map-paint') - t0,
      paths: document.querySelectorAll('path.kl-town').length,
      resources: performance.getEntriesByType('resource').map((e) => e.name),
    };
  });
  const entryCpu = (await cpu()) - cpu0;
  if (t.paths !== 14) throw new Error(`expected 14 township paths, got ${t.paths}`);
  // Re-filter to repaint (the points layer has settled by now).
  await page.waitForTimeout(1000);
  if (i === 0) {
    // Everything the route fetched, the clustering plugin of the points layer included.
    const names = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    routeBytes = names.filter((n) => /\.(m?js|css)(\?|$)/.test(new URL(n).pathname)).map((n) => new URL(n).pathname);
  }
  const cpu1 = await cpu();
  const ms = await timeToNextPaint('[data-measure=attendance]');
  const measureCpu = (await cpu()) - cpu1;
  await page.locator('[data-testid=open-filters]').click();
  await page.locator('input[name=reviewedOnly]').waitFor();
  await page.waitForTimeout(400);
  const rv = await timeToNextPaint('input[name=reviewedOnly]');
  const before = await lastPaint();
  const mr = await page.evaluate(async (n) => {
    const sel = document.querySelector('select[name=monthFrom]');
    const t0 = performance.now();
    sel.value = '6';
    sel.dispatchEvent(new Event('change'));
    await new Promise((ok) => {
      const poll = () => (performance.getEntriesByName('kl-map-paint').length > n ? ok() : requestAnimationFrame(poll));
      poll();
    });
    return performance.getEntriesByName('kl-map-paint')[n].startTime - t0;
  }, before);
  console.log(
    `${i < WARMUP ? 'warm-up' : `run ${i - WARMUP + 1}`}: entry→painted ${t.paint.toFixed(1)} ms (setup ${t.setup.toFixed(1)}, rows ${t.rows.toFixed(1)}, main-thread CPU ${entryCpu.toFixed(1)}); ` +
      `measure ${ms.toFixed(1)} ms, reviewed-only ${rv.toFixed(1)} ms, month range ${mr.toFixed(1)} ms`,
  );
  if (i < WARMUP) continue;
  entry.push(t.paint);
  entryCpuMs.push(entryCpu);
  measureCpuMs.push(measureCpu);
  split.setup.push(t.setup);
  split.read.push(t.rows - t.setup);
  split.paint.push(t.paint - t.rows);
  measureSwitch.push(ms);
  reviewedToggle.push(rv);
  monthRange.push(mr);
}

// /map opened directly (a new document at /map: app boot, no rows read before, a cold read).
const direct = [];
const directRows = [];
const directOutline = [];
for (let i = 0; i < WARMUP + RUNS; i++) {
  await page.goto(`${base}/map`);
  const d = await page.evaluate(async () => {
    await new Promise((ok) => {
      const poll = () => (performance.getEntriesByName('kl-map-paint').length ? ok() : requestAnimationFrame(poll));
      poll();
    });
    return {
      paint: performance.getEntriesByName('kl-map-paint')[0].startTime,
      rows: performance.getEntriesByName('kl-map-rows')[0]?.startTime ?? NaN,
      outline: performance.getEntriesByName('kl-map-outline')[0]?.startTime ?? NaN,
    };
  });
  console.log(
    `${i < WARMUP ? 'warm-up' : `run ${i - WARMUP + 1}`}: direct /map navigation start → outlines ${d.outline.toFixed(1)} ms, coloured ${d.paint.toFixed(1)} ms (rows read at ${d.rows.toFixed(1)})`,
  );
  if (i < WARMUP) continue;
  direct.push(d.paint);
  directOutline.push(d.outline);
  directRows.push(d.rows);
}

const file = (p) => readFileSync(join(DIST, decodeURIComponent(p)));
const chunks = (routeBytes ?? []).map((p) => ({ p, gz: gz(file(p)) }));
const region = ['region.json', 'townships.geojson', 'county.geojson', 'villages.json'].map((f) => ({
  p: `/regions/huidong/${f}`,
  gz: gz(file(`/regions/huidong/${f}`)),
}));
const kb = (xs) => (xs.reduce((s, x) => s + x.gz, 0) / 1024).toFixed(1);

const { loadavg } = await import('node:os');
console.log('\n== Issue 4 map figures ==');
console.log(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
);
console.log(`events in the year: ${seeded.count}`);
console.log(`/map route entry → polygons painted: ${fmt(entry)}  (target ≤ 500 ms)`);
console.log(`  main-thread CPU time over that span (CDP ThreadTime, includes the points layer if it ran): ${fmt(entryCpuMs)}`);
console.log(`  of which tap → view setup (chunk load): ${fmt(split.setup)}`);
console.log(`  of which rows ready (0 when the home card's read of this year is reused): ${fmt(split.read)}`);
console.log(`  of which coverage + Leaflet paint: ${fmt(split.paint)}`);
console.log(
  `/map opened directly (new document; boot + cold [year+ym] read of all ${seeded.count}): navigation start → coloured ${fmt(direct)}; rows ready at ${fmt(directRows)}; outlines (neutral, before the numbers) at ${fmt(directOutline)}`,
);
console.log(`re-filter → repaint, measure 场次→人次: ${fmt(measureSwitch)}  (target ≤ 100 ms)`);
console.log(`  main-thread CPU for the measure switch: ${fmt(measureCpuMs)}`);
console.log(`re-filter → repaint, 只统计已审核 on: ${fmt(reviewedToggle)}  (target ≤ 100 ms)`);
console.log(`re-filter → repaint, month range (re-read via index): ${fmt(monthRange)}`);
console.log(
  `bytes the map route adds (gzip -9): JS/CSS ${kb(chunks)} KB [${chunks.map((c) => `${c.p.replace('/assets/', '')} ${(c.gz / 1024).toFixed(1)}`).join(', ')}]`,
);
console.log(`  + region pack ${kb(region)} KB [${region.map((c) => `${c.p.replace('/regions/huidong/', '')} ${(c.gz / 1024).toFixed(1)}`).join(', ')}]`);
console.log(`  = ${((chunks.reduce((s, x) => s + x.gz, 0) + region.reduce((s, x) => s + x.gz, 0)) / 1024).toFixed(1)} KB`);

await ctx.close();
await server.close();
rmSync(profile, { recursive: true, force: true });
