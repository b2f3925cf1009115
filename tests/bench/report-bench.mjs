#!/usr/bin/env node
/**
 * Issue 5 figures (printed, no asserts): `node tests/bench/report-bench.mjs`
 * - aggregating a year of 100,000 events for the report in Node (buildYearReport: six tables and
 *   the roster; and the whole bundle: tables + targets + narrative + coverage), median of 7 runs,
 *   against a plain index-only count of the same data (counting the [year+ym] keys of the year,
 *   what `db.events.where('[year+ym]').between(...).count()` does) as the baseline ratio;
 * - XLSX export of 10,000 events (all six sheets): time (median of 5) and file size; DOCX and CSV too.
 * Sizes: REPORT_BENCH_N (default 100000), REPORT_BENCH_X (default 10000).
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.env.REPORT_BENCH_N ?? 100_000);
const X = Number(process.env.REPORT_BENCH_X ?? 10_000);
const REPS = 7;

// 1. Bundle the TypeScript under test for Node (inside the repo so node_modules resolve).
const outDir = join(ROOT, 'test-artifacts/report-bench-build');
mkdirSync(outDir, { recursive: true });
const { build } = await import('vite');
await build({
  root: ROOT, configFile: false, logLevel: 'warn',
  build: { ssr: 'tests/bench/report-bench-entry.ts', outDir, emptyOutDir: true, rollupOptions: { output: { entryFileNames: 'entry.mjs', format: 'esm' } } },
});
const m = await import(pathToFileURL(join(outDir, 'entry.mjs')).href);

// 2. The region pack and a seeded year of events (rows as IndexedDB holds them, with year/ym).
const dir = join(ROOT, 'public/regions/huidong');
const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const pack = m.buildRegionPack(read('region.json'), read('townships.geojson'), read('villages.json'), read('county.geojson'));
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const T = m.DEFAULT_TAXONOMY;
const NAMES = ['陈志强', '李秀梅', '王海燕', '张伟', '刘丽娟', '黄建国', '林小红', '吴晓东', '郑文静', '何俊杰'];
function makeEvents(n, year) {
  const start = Date.UTC(year, 0, 1) - 8 * 3600_000;
  const span = 365 * 86400_000;
  const out = [];
  for (let i = 0; i < n; i++) {
    const ms = start + Math.floor(rnd() * span);
    const startAt = m.toZonedIso(ms);
    const twp = pick(pack.townships);
    const nv = Math.floor(rnd() * 4);
    out.push({
      id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`, title: `${pick(['科普大篷车', '防灾减灾', '急救培训'])}活动${i}`, notes: '',
      startAt, endAt: startAt, format: pick(T.formats).code, venue: pick(T.venues).code, campaign: rnd() < 0.2 ? pick(T.campaigns).code : null,
      themes: [pick(T.themes).code], townshipCode: twp.code, villageCode: null, venueName: `场所${i % 500}`, point: null,
      attendance: 20 + Math.floor(rnd() * 500), onlineAttendance: rnd() < 0.1 ? Math.floor(rnd() * 1000) : null, audience: [],
      materials: rnd() < 0.7 ? [{ kind: pick(T.materialKinds).code, count: 1 + Math.floor(rnd() * 800) }] : [],
      volunteers: Array.from({ length: nv }, (_, k) => ({ name: NAMES[(i + k) % NAMES.length], userId: null, hours: 1 + Math.floor(rnd() * 6) / 2 })),
      volunteerCount: null, partners: [], distanceKm: null, photos: [],
      status: rnd() < 0.9 ? 'reviewed' : 'submitted', reviewNote: null, reviewedBy: null, reviewedAt: null,
      orgId: 'org', createdBy: 'u', createdAt: startAt, updatedBy: 'u', updatedAt: startAt, deleted: false, rev: 1,
      year, ym: m.yearMonthOf(ms),
    });
  }
  return out;
}
const events = makeEvents(N, 2023);
const ctx = { taxonomy: T, pack, timeZone: 'Asia/Shanghai' };
const targets = [
  { year: 2023, kind: 'count', measure: 'events', axis: 'format', axisCode: 'caravan', min: 5, level1: '产出指标', level2: '数量指标', level3: '科普大篷车', unit: '场次' },
  { year: 2023, kind: 'count', measure: 'materials', axis: 'all', axisCode: null, min: 20000, level1: '产出指标', level2: '数量指标', level3: '资料', unit: '份' },
  { year: 2023, kind: 'coverage', measure: 'events', axis: 'all', axisCode: null, min: 2, level1: '效益指标', level2: '社会效益', level3: '覆盖', unit: '场次' },
].map((t, i) => ({ ...t, id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`, orgId: 'org', createdBy: 'u', createdAt: '2023-01-01T00:00:00+08:00', updatedBy: 'u', updatedAt: '2023-01-01T00:00:00+08:00', deleted: false, rev: 1 }));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn, reps = REPS) {
  await fn(); // warm-up
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

// Baseline: the index-only count — the [year+ym] keys of the year, counted.
const index = events.map((e) => [e.year, e.ym]);
let sink = 0;
const baseline = await time(() => { let n = 0; for (const k of index) if (k[0] === 2023) n++; sink += n; }, 21);
const tables = await time(() => { sink += m.buildYearReport(events, 2023, true, ctx).total.events; });
const bundle = await time(() => { sink += m.buildReportBundle(events, targets, { year: 2023, reviewedOnly: true, round: true, taxonomy: T, pack }).report.total.events; });

// Exports of X events.
const small = makeEvents(X, 2023).map((e) => ({ ...e, status: 'reviewed' }));
const sb = m.buildReportBundle(small, targets, { year: 2023, reviewedOnly: true, round: true, taxonomy: T, pack });
let xlsxBytes = 0;
const xlsx = await time(async () => { xlsxBytes = (await m.reportXlsxBytes(sb)).byteLength; }, 5);
let docxBytes = 0;
const docx = await time(async () => { docxBytes = (await m.reportDocxBytes(sb)).byteLength; }, 5);
let csvBytes = 0;
const csv = await time(async () => { csvBytes = (await m.eventDetailCsv(sb)).size; }, 5);

const f = (ms) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, Node ${process.version}`);
console.log(`aggregate ${N.toLocaleString('en-US')} events of a year (Node, median of ${REPS}):`);
console.log(`  baseline index-only count ([year+ym] keys)       ${f(baseline)}`);
console.log(`  report tables (buildYearReport)                  ${f(tables)}   ratio ${(tables / baseline).toFixed(0)}×`);
console.log(`  whole bundle (tables+targets+narrative+coverage) ${f(bundle)}   ratio ${(bundle / baseline).toFixed(0)}×`);
console.log(`exports of ${X.toLocaleString('en-US')} events (median of 5):`);
console.log(`  XLSX (6 sheets)  ${f(xlsx)}  ${kib(xlsxBytes)}`);
console.log(`  DOCX             ${f(docx)}  ${kib(docxBytes)}`);
console.log(`  CSV (detail)     ${f(csv)}  ${kib(csvBytes)}`);
if (sink < 0) console.log(sink);
