/**
 * What a volunteer's phone downloads on its first visit, read from a build (dist/sw.js and the
 * files beside it): the service worker, its workbox runtime, and every file the worker precaches
 * (the page, the app's scripts and styles, icons, the region pack). Files the worker does not
 * precache (staff-only code: exports, charts, review, admin) are listed apart: a phone fetches
 * them on first use and the worker caches them at run time.
 *
 * Bytes are gzip (zlib default level, what our server's @fastify/compress sends a gzip-only
 * client; below its 1 KB threshold, or when gzip does not help — PNG, WOFF2 — the raw size).
 * Browsers that accept Brotli get less. API answers are not counted.
 *
 *   node tests/bench/precache.mjs [dist]        prints the table
 *   node tests/bench/precache.mjs [dist] --json prints the measurement as JSON
 *
 * The budget (≤ 500 KB) is held by tests/build/vite-build.test.ts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** The budget of a volunteer's first visit, gzip bytes (issue 11: ≤ 500 KB). */
export const FIRST_VISIT_BUDGET = 500 * 1024;

const COMPRESS_THRESHOLD = 1024;

/** Bytes the server sends for one file: gzip when it helps and the file is over the threshold. */
export function wireBytes(buf) {
  if (buf.length < COMPRESS_THRESHOLD) return buf.length;
  return Math.min(buf.length, gzipSync(buf).length);
}

/** Every file under dir, as '/'-separated paths relative to it. */
function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path).split(sep).join('/')];
  });
}

/** The URLs sw.js precaches (workbox's precacheAndRoute list) and the scripts it imports. */
export function readServiceWorker(dist) {
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const list = sw.match(/precacheAndRoute\(\s*\[([\s\S]*?)\]\s*,/);
  if (!list) throw new Error(`${dist}/sw.js: no precacheAndRoute([...]) list`);
  const precached = [...list[1].matchAll(/"?url"?:\s*"([^"]+)"/g)].map((m) => m[1].replace(/^\//, ''));
  const imported = [...sw.matchAll(/define\(\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1].matchAll(/"\.\/([^"]+)"/g)].map((x) => `${x[1]}.js`));
  return { precached, imported };
}

/**
 * The first visit of a fresh phone, measured from a build: the precached files, sw.js, the
 * workbox runtime it imports and the manifest with its icons (which the browser fetches itself
 * when they are not precached). Returns entries with bytes, totals, and the files left to runtime.
 */
export function measureFirstVisit(dist) {
  const { precached, imported } = readServiceWorker(dist);
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.webmanifest'), 'utf8'));
  const alsoFetched = ['sw.js', ...imported, 'manifest.webmanifest', ...(manifest.icons ?? []).map((i) => String(i.src).replace(/^\//, ''))];
  const firstVisit = [...new Set([...precached, ...alsoFetched])];
  const size = (file) => {
    const buf = readFileSync(join(dist, file));
    return { file, raw: buf.length, wire: wireBytes(buf) };
  };
  const entries = firstVisit.map(size);
  const counted = new Set(firstVisit);
  const runtime = listFiles(dist)
    .filter((f) => !counted.has(f))
    .map(size);
  const sum = (xs) => xs.reduce((s, x) => s + x.wire, 0);
  return {
    precacheEntries: precached.length,
    precacheBytes: sum(entries.filter((e) => precached.includes(e.file))),
    totalBytes: sum(entries),
    entries: entries.sort((a, b) => b.wire - a.wire),
    runtime: runtime.sort((a, b) => b.wire - a.wire),
    runtimeBytes: sum(runtime),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The measurement as a printable table. */
export function formatFirstVisit(m, top = 15) {
  return [
    `precache: ${m.precacheEntries} entries, ${kb(m.precacheBytes)} gzip`,
    `first visit in all (precache, sw.js, workbox, manifest and its icons): ${kb(m.totalBytes)} gzip (budget ${kb(FIRST_VISIT_BUDGET)})`,
    `largest first-visit files:`,
    ...m.entries.slice(0, top).map((e) => `  ${kb(e.wire).padStart(9)}  ${e.file}`),
    `not precached (fetched on first use, cached at run time): ${m.runtime.length} files, ${kb(m.runtimeBytes)} gzip`,
    ...m.runtime.slice(0, top).map((e) => `  ${kb(e.wire).padStart(9)}  ${e.file}`),
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dist = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
  const m = measureFirstVisit(dist);
  console.log(args.includes('--json') ? JSON.stringify(m, null, 2) : formatFirstVisit(m));
}
