/**
 * Lighthouse performance of every route, several runs each, medians — and, with --why, what the
 * main thread did (the long tasks and the scripts' CPU time, Lighthouse's own audits). The same
 * set-up as tests/e2e/lighthouse.e2e.ts (Lighthouse 12.2.3, default mobile emulation, simulated
 * slow 4G and 4× CPU, Debian Chromium, the built app served by the real server over a temp
 * DATA_DIR); that test records one run per route, this one is for finding what to cut.
 *
 *   node tests/bench/lighthouse-routes.mjs [--runs=3] [--routes=/,/map] [--why]
 *
 * The public feedback page (issue 15): `--routes=/f/:box,/f/q/:query` sets the association up
 * first (the setup code the server prints), then opens its 意见箱 page and the status page of one
 * submission; a stranger's first visit, so no storage is kept between runs.
 *
 * Environment: KL_DIST (default dist/), KL_SERVER_DIST (default dist-server/), CHROMIUM_PATH.
 * Scores swing with the machine's load: compare medians taken side by side.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? true]),
);
const RUNS = Number(args.runs ?? 3);
const ROUTES = String(args.routes ?? '/,/events,/events/new,/map,/reports,/settings,/review,/login,/events/:id').split(',');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=zh-CN',
];

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

async function startServer(port, dataDir) {
  const child = spawn(process.execPath, [resolve(ROOT, process.env.KL_SERVER_DIST ?? 'dist-server', 'server', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STATIC_DIR: resolve(ROOT, process.env.KL_DIST ?? 'dist'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (b) => {
    out += b.toString();
    const m = /One-time setup code: ([A-Z0-9-]+)/.exec(out);
    if (m) child.setupCode = m[1];
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok && child.setupCode) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not start');
}

/** Logs one event through the form in Lighthouse's Chrome (as the e2e test does); its id. */
async function logOneEvent(port, base) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0].newPage();
    await page.goto(`${base}/events/new`);
    await page.locator('#ev-title').fill('科普大篷车进校园');
    await page.locator('#ev-format').selectOption('caravan');
    await page.locator('#ev-venue').selectOption('school');
    await page.locator('#ev-township').selectOption('441323001000');
    await page.locator('#ev-attendance').fill('120');
    await page.locator('#ev-startAt').fill('2026-03-05T09:30');
    await page.locator('#ev-endAt').fill('2026-03-05T11:30');
    await page.locator('[data-test=save]').click();
    await page.locator('[data-test=detail-title]').waitFor();
    const id = new URL(page.url()).pathname.split('/').pop();
    await page.close();
    return id;
  } finally {
    await browser.close();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'kl-lhb-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = await startServer(port, dataDir);
const chrome = await launch({ chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', chromeFlags: CHROMIUM_ARGS, logLevel: 'error' });
const rows = [];
const stop = () => {
  void chrome.kill();
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(130);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
/** Sets the association up (issue 15 routes): its 意见箱 code and one submission's 查询码. */
async function feedbackCodes() {
  const post = (path, body) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const setup = await post('/api/setup', {
    code: server.setupCode,
    orgName: '惠东县科协',
    adminName: '管理员',
    username: 'admin',
    password: 'lighthouse-pass-1',
  });
  const { org } = await setup.json();
  const { feedbackCodeOf } = await import(resolve(ROOT, process.env.KL_SERVER_DIST ?? 'dist-server', 'domain', 'feedback.js'));
  const box = feedbackCodeOf(org.id);
  const sent = await post('/api/public/feedback', { code: box, clientId: crypto.randomUUID(), category: 'suggestion', text: '希望周末多办活动' });
  return { box, query: (await sent.json()).queryCode };
}

try {
  let eventId = null;
  let fb = null;
  for (let run = 0; run < RUNS; run++) {
    for (const route of ROUTES) {
      const detail = route.includes(':id');
      if (detail) eventId ??= await logOneEvent(chrome.port, base);
      if (route.includes(':box') || route.includes(':query')) fb ??= await feedbackCodes();
      const url = `${base}${detail ? route.replace(':id', eventId) : fb ? route.replace(':box', fb.box).replace(':query', fb.query) : route}`;
      const result = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        disableStorageReset: detail,
      });
      const { lhr } = result;
      const a = (id) => lhr.audits[id]?.numericValue ?? NaN;
      let row = rows.find((r) => r.route === route);
      if (!row) rows.push((row = { route, perf: [], fcp: [], lcp: [], tbt: [], tti: [], si: [], cls: [], why: [] }));
      row.perf.push(lhr.categories.performance.score);
      row.fcp.push(a('first-contentful-paint'));
      row.lcp.push(a('largest-contentful-paint'));
      row.tbt.push(a('total-blocking-time'));
      row.tti.push(a('interactive'));
      row.si.push(a('speed-index'));
      row.cls.push(a('cumulative-layout-shift'));
      if (args.why) {
        const boot = (lhr.audits['bootup-time']?.details?.items ?? [])
          .slice(0, 6)
          .map((i) => `${String(i.url).replace(base, '')} ${Math.round(i.total)}ms (script ${Math.round(i.scripting)})`);
        const tasks = (lhr.audits['long-tasks']?.details?.items ?? [])
          .slice(0, 6)
          .map((i) => `${String(i.url).replace(base, '')}@${Math.round(i.startTime)}:${Math.round(i.duration)}ms`);
        const work = (lhr.audits['mainthread-work-breakdown']?.details?.items ?? []).map((i) => `${i.group} ${Math.round(i.duration)}`).join(', ');
        if (args.dump) writeFileSync(join(String(args.dump), `${route.replace(/[^a-z]/g, '_')}-${run}.json`), JSON.stringify(lhr));
        const lcpItems = lhr.audits['largest-contentful-paint-element']?.details?.items ?? [];
        const lcpNode = lcpItems[0]?.items?.[0]?.node;
        const phases = (lcpItems[1]?.items ?? []).map((i) => `${i.phase} ${Math.round(i.timing)}`).join(', ');
        const lcp = `${lcpNode?.selector ?? '?'} "${String(lcpNode?.nodeLabel ?? '').slice(0, 30)}" (${phases})`;
        row.why.push(`run ${run + 1}: main thread ${work}\n    LCP element: ${lcp}\n    bootup: ${boot.join(' | ')}\n    long tasks: ${tasks.join(' | ')}`);
      }
    }
  }
} finally {
  await chrome.kill();
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

const ms = (v) => String(Math.round(v)).padStart(6);
console.log(`Lighthouse performance, median of ${RUNS} run(s) per route [min–max]`);
console.log('route            perf [min–max]      FCP    LCP    TBT    TTI     SI    CLS');
for (const r of rows) {
  console.log(
    `${r.route.padEnd(16)} ${median(r.perf).toFixed(2)} [${Math.min(...r.perf).toFixed(2)}–${Math.max(...r.perf).toFixed(2)}] ${ms(median(r.fcp))} ${ms(median(r.lcp))} ${ms(median(r.tbt))} ${ms(median(r.tti))} ${ms(median(r.si))} ${median(r.cls).toFixed(3).padStart(6)}`,
  );
  for (const w of r.why) console.log(`  ${w}`);
}
