#!/usr/bin/env node
/**
 * Issue 5 figures (printed, no asserts): `node tests/bench/report-bench.mjs`
 * - aggregating a year of 100,000 events for the report — the six tables and roster
 *   (buildReport without targets) and the whole bundle the screen and exports use (tables + targets +
 *   narrative + coverage) — median of 7 runs after a warm-up, in Node and in Debian Chromium,
 *   against a plain index-only count of the same data (counting the year's [year+ym] index keys,
 *   what `db.events.where('[year+ym]').between(...).count()` does) as the baseline ratio;
 * - XLSX export of 10,000 events (all six sheets): time (median of 5) and file size; DOCX, CSV too;
 * - the XLSX libraries side by side in this process (issue 11): the app's (@cj-tech-master/excelts)
 *   against exceljs (what the app used before) and SheetJS CE (@e965/xlsx), both from tests/bench's
 *   own install (`npm run bench:deps`): gzip bytes of the library as a browser chunk, time and size
 *   of the same workbook written by each (src/app/export/xlsx.ts with the library's Workbook class
 *   passed in; SheetJS through report-bench-sheetjs.mjs, without the styles it cannot write), and
 *   time to read our file back into a workbook. Runs interleaved, median of 5 after a warm-up.
 * Sizes: REPORT_BENCH_N (default 100000), REPORT_BENCH_X (default 10000). CHROMIUM_PATH, or
 * REPORT_BENCH_CHROMIUM=off to skip the browser.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.env.REPORT_BENCH_N ?? 100_000);
const X = Number(process.env.REPORT_BENCH_X ?? 10_000);
const REPS = 7;
const XLSX_LIBS = ['excelts', 'exceljs', 'sheetjs'];

// 1. Bundle the TypeScript under test, for Node (inside the repo so node_modules resolve) and for
// the browser, in a child process: Vite's module graph left in this heap slows every GC, which
// the allocation-heavy report then pays for (×5 in a first version of this bench).
const outDir = join(ROOT, 'test-artifacts/report-bench-build');
const browserOut = join(outDir, 'browser');
if (process.argv.includes('--build')) {
  mkdirSync(outDir, { recursive: true });
  const { build } = await import('vite');
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: 'tests/bench/report-bench-node-entry.ts',
      outDir,
      emptyOutDir: true,
      rollupOptions: { output: { entryFileNames: 'entry.mjs', format: 'esm' } },
    },
  });
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: browserOut,
      emptyOutDir: true,
      lib: { entry: join(ROOT, 'tests/bench/report-bench-entry.ts'), formats: ['iife'], name: 'ReportBench', fileName: () => 'bench.js' },
    },
  });
  // Each XLSX library alone as a minified browser chunk, to weigh what a staff phone downloads.
  for (const lib of XLSX_LIBS) {
    await build({
      root: ROOT,
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: join(outDir, 'xlsx-chunks', lib),
        emptyOutDir: true,
        lib: { entry: join(ROOT, `tests/bench/xlsx-chunks/${lib}.mjs`), formats: ['iife'], name: 'XlsxLib', fileName: () => 'chunk.js' },
      },
    });
  }
  process.exit(0);
}
execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--build'], { stdio: 'inherit' });
const m = await import(pathToFileURL(join(outDir, 'entry.mjs')).href);

const dir = join(ROOT, 'public/regions/huidong');
const raw = Object.fromEntries(
  ['region.json', 'townships.geojson', 'villages.json', 'county.geojson'].map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
);
const pack = m.buildRegionPack(raw['region.json'], raw['townships.geojson'], raw['villages.json'], raw['county.geojson']);
const T = m.DEFAULT_TAXONOMY;

// 2. Node.
const node = await m.aggregationFigures(m, pack, T, N, REPS);

// 3. Exports of X events.
const sb = m.buildReportBundle(
  m.makeBenchEvents(pack, T, X, 2023).map((e) => ({ ...e, status: 'reviewed' })),
  m.benchTargets(2023),
  { year: 2023, reviewedOnly: true, round: true, taxonomy: T, pack },
);
let xlsxBytes = 0;
const xlsx = await m.medianMs(async () => {
  xlsxBytes = (await m.reportXlsxBytes(sb)).byteLength;
}, 5);
let docxBytes = 0;
const docx = await m.medianMs(async () => {
  docxBytes = (await m.reportDocxBytes(sb)).byteLength;
}, 5);
let csvBytes = 0;
const csv = await m.medianMs(async () => {
  csvBytes = (await m.eventDetailCsv(sb)).size;
}, 5);

// 3b. The XLSX libraries in this process: the same workbook written by each, our file read by each.
const ExcelJS = (await import('exceljs')).default;
const SheetJS = await import('@e965/xlsx');
const { sheetJsWorkbookClass } = await import('./report-bench-sheetjs.mjs');
const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const libs = {
  excelts: {
    label: `excelts ${version(join(ROOT, 'node_modules/@cj-tech-master/excelts'))} (ours)`,
    Workbook: m.ExceltsWorkbook,
    read: async (bytes) => {
      const wb = new m.ExceltsWorkbook();
      await wb.xlsx.load(bytes);
      return wb.worksheets.length;
    },
  },
  exceljs: {
    label: `exceljs ${version(join(ROOT, 'tests/bench/node_modules/exceljs'))}`,
    Workbook: ExcelJS.Workbook,
    read: async (bytes) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes);
      return wb.worksheets.length;
    },
  },
  sheetjs: {
    label: `SheetJS CE ${version(join(ROOT, 'tests/bench/node_modules/@e965/xlsx'))} ¹`,
    Workbook: sheetJsWorkbookClass(SheetJS),
    read: async (bytes) => SheetJS.read(bytes, { type: 'array', cellDates: true }).SheetNames.length,
  },
};
const ours = await m.reportXlsxBytes(sb);
const xlsxLib = Object.fromEntries(
  XLSX_LIBS.map((lib) => {
    const chunk = readFileSync(join(outDir, 'xlsx-chunks', lib, 'chunk.js'));
    return [lib, { chunkGzip: gzipSync(chunk, { level: 9 }).length, write: [], read: [], bytes: 0, sheets: 0 }];
  }),
);
for (let rep = 0; rep <= 5; rep++) {
  // Interleaved, a different library first each run; run 0 is the warm-up and is dropped.
  const order = XLSX_LIBS.map((_, i) => XLSX_LIBS[(i + rep) % XLSX_LIBS.length]);
  for (const lib of order) {
    const r = xlsxLib[lib];
    let t0 = performance.now();
    r.bytes = (await m.reportXlsxBytes(sb, libs[lib].Workbook)).byteLength;
    const w = performance.now() - t0;
    t0 = performance.now();
    r.sheets = await libs[lib].read(ours);
    const rd = performance.now() - t0;
    if (rep > 0) {
      r.write.push(w);
      r.read.push(rd);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 4. Chromium: the same aggregation in a page.
let chrome = null;
if (process.env.REPORT_BENCH_CHROMIUM !== 'off') {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'kl-report-bench-profile-'));
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
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.setContent('<!doctype html><meta charset="utf-8"><body></body>');
    await page.addScriptTag({ content: readFileSync(join(browserOut, 'bench.js'), 'utf8') });
    chrome = await page.evaluate(
      async ({ raw, n, reps }) => {
        const b = globalThis.ReportBench;
        const p = b.buildRegionPack(raw['region.json'], raw['townships.geojson'], raw['villages.json'], raw['county.geojson']);
        return b.aggregationFigures(b, p, b.DEFAULT_TAXONOMY, n, reps);
      },
      { raw, n: N, reps: REPS },
    );
    chrome.version = ctx.browser()?.version() ?? '';
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const f = (ms) => `${ms.toFixed(ms < 1 ? 3 : ms < 10 ? 2 : 0)} ms`;
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const row = (label, r) =>
  `  ${label.padEnd(10)} index-only count ${f(r.baseline).padStart(9)} | tables ${f(r.tables).padStart(8)} (${(r.tables / r.baseline).toFixed(0)}×) | whole bundle ${f(r.bundle).padStart(8)} (${(r.bundle / r.baseline).toFixed(0)}×)`;
console.log(
  `machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}, Node ${process.version}`,
);
console.log(`aggregate ${N.toLocaleString('en-US')} events of a year (median of ${REPS} after a warm-up):`);
console.log(row('Node', node));
if (chrome) console.log(row(`Chromium ${chrome.version.split('.')[0]}`, chrome));
console.log(`exports of ${X.toLocaleString('en-US')} events (Node, median of 5):`);
console.log(`  XLSX (6 sheets)  ${f(xlsx).padStart(9)}  ${kib(xlsxBytes)}`);
console.log(`  DOCX             ${f(docx).padStart(9)}  ${kib(docxBytes)}`);
console.log(`  CSV (detail)     ${f(csv).padStart(9)}  ${kib(csvBytes)}`);
console.log(`XLSX libraries, the same ${X.toLocaleString('en-US')}-event workbook in this process (Node, interleaved, median of 5; ratio to exceljs):`);
console.log(`  ${'library'.padEnd(28)} ${'chunk (gzip)'.padStart(12)} ${'write'.padStart(16)} ${'file'.padStart(9)} ${'read our file'.padStart(18)}`);
const base = { chunk: xlsxLib.exceljs.chunkGzip, write: median(xlsxLib.exceljs.write), read: median(xlsxLib.exceljs.read) };
for (const lib of XLSX_LIBS) {
  const r = xlsxLib[lib];
  const [w, rd] = [median(r.write), median(r.read)];
  const x = (a, b) => `(${(a / b).toFixed(2)}×)`;
  console.log(
    `  ${libs[lib].label.padEnd(28)} ${`${(r.chunkGzip / 1024).toFixed(1)} KiB`.padStart(12)} ${`${f(w)} ${x(w, base.write)}`.padStart(16)} ${kib(r.bytes).padStart(9)} ${`${f(rd)} ${x(rd, base.read)}`.padStart(18)}   chunk ${x(r.chunkGzip, base.chunk)}, ${r.sheets} sheets read`,
  );
}
console.log('  ¹ SheetJS CE writes the values, widths, merges and number formats, not the bold headers, fills, borders or frozen header rows.');
