#!/usr/bin/env node
/**
 * Issue 5 figures (printed, no asserts): `node tests/bench/report-bench.mjs`
 * - aggregating a year of 100,000 events for the report — the six tables and roster
 *   (buildReport without targets) and the whole bundle the screen and exports use (tables + targets +
 *   narrative + coverage) — median of 7 runs after a warm-up, in Node and in Debian Chromium,
 *   against a plain index-only count of the same data (counting the year's [year+ym] index keys,
 *   what `db.events.where('[year+ym]').between(...).count()` does) as the baseline ratio;
 * - XLSX export of 10,000 events (all six sheets): time (median of 5) and file size; DOCX, CSV too.
 * Sizes: REPORT_BENCH_N (default 100000), REPORT_BENCH_X (default 10000). CHROMIUM_PATH, or
 * REPORT_BENCH_CHROMIUM=off to skip the browser.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.env.REPORT_BENCH_N ?? 100_000);
const X = Number(process.env.REPORT_BENCH_X ?? 10_000);
const REPS = 7;

// 1. Bundle the TypeScript under test, for Node (inside the repo so node_modules resolve) and for
// the browser, in a child process: Vite's module graph left in this heap slows every GC, which
// the allocation-heavy report then pays for (×5 in a first version of this bench).
const outDir = join(ROOT, 'test-artifacts/report-bench-build');
const browserOut = join(outDir, 'browser');
if (process.argv.includes('--build')) {
  mkdirSync(outDir, { recursive: true });
  const { build } = await import('vite');
  await build({
    root: ROOT, configFile: false, logLevel: 'warn',
    build: { ssr: 'tests/bench/report-bench-node-entry.ts', outDir, emptyOutDir: true, rollupOptions: { output: { entryFileNames: 'entry.mjs', format: 'esm' } } },
  });
  await build({
    root: ROOT, configFile: false, logLevel: 'warn',
    build: { outDir: browserOut, emptyOutDir: true, lib: { entry: join(ROOT, 'tests/bench/report-bench-entry.ts'), formats: ['iife'], name: 'ReportBench', fileName: () => 'bench.js' } },
  });
  process.exit(0);
}
execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--build'], { stdio: 'inherit' });
const m = await import(pathToFileURL(join(outDir, 'entry.mjs')).href);

const dir = join(ROOT, 'public/regions/huidong');
const raw = Object.fromEntries(['region.json', 'townships.geojson', 'villages.json', 'county.geojson'].map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]));
const pack = m.buildRegionPack(raw['region.json'], raw['townships.geojson'], raw['villages.json'], raw['county.geojson']);
const T = m.DEFAULT_TAXONOMY;

// 2. Node.
const node = await m.aggregationFigures(m, pack, T, N, REPS);

// 3. Exports of X events.
const sb = m.buildReportBundle(m.makeBenchEvents(pack, T, X, 2023).map((e) => ({ ...e, status: 'reviewed' })), m.benchTargets(2023),
  { year: 2023, reviewedOnly: true, round: true, taxonomy: T, pack });
let xlsxBytes = 0;
const xlsx = await m.medianMs(async () => { xlsxBytes = (await m.reportXlsxBytes(sb)).byteLength; }, 5);
let docxBytes = 0;
const docx = await m.medianMs(async () => { docxBytes = (await m.reportDocxBytes(sb)).byteLength; }, 5);
let csvBytes = 0;
const csv = await m.medianMs(async () => { csvBytes = (await m.eventDetailCsv(sb)).size; }, 5);

// 4. Chromium: the same aggregation in a page.
let chrome = null;
if (process.env.REPORT_BENCH_CHROMIUM !== 'off') {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'kl-report-bench-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.setContent('<!doctype html><meta charset="utf-8"><body></body>');
    await page.addScriptTag({ content: readFileSync(join(browserOut, 'bench.js'), 'utf8') });
    chrome = await page.evaluate(async ({ raw, n, reps }) => {
      const b = globalThis.ReportBench;
      const p = b.buildRegionPack(raw['region.json'], raw['townships.geojson'], raw['villages.json'], raw['county.geojson']);
      return b.aggregationFigures(b, p, b.DEFAULT_TAXONOMY, n, reps);
    }, { raw, n: N, reps: REPS });
    chrome.version = ctx.browser()?.version() ?? '';
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const f = (ms) => `${ms.toFixed(ms < 1 ? 3 : ms < 10 ? 2 : 0)} ms`;
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const row = (label, r) => `  ${label.padEnd(10)} index-only count ${f(r.baseline).padStart(9)} | tables ${f(r.tables).padStart(8)} (${(r.tables / r.baseline).toFixed(0)}×) | whole bundle ${f(r.bundle).padStart(8)} (${(r.bundle / r.baseline).toFixed(0)}×)`;
console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, Node ${process.version}`);
console.log(`aggregate ${N.toLocaleString('en-US')} events of a year (median of ${REPS} after a warm-up):`);
console.log(row('Node', node));
if (chrome) console.log(row(`Chromium ${chrome.version.split('.')[0]}`, chrome));
console.log(`exports of ${X.toLocaleString('en-US')} events (Node, median of 5):`);
console.log(`  XLSX (6 sheets)  ${f(xlsx).padStart(9)}  ${kib(xlsxBytes)}`);
console.log(`  DOCX             ${f(docx).padStart(9)}  ${kib(docxBytes)}`);
console.log(`  CSV (detail)     ${f(csv).padStart(9)}  ${kib(csvBytes)}`);
