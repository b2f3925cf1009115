/**
 * Lighthouse (12.2.3, node API, its default mobile emulation and simulated throttling) on every
 * route of the BUILT app served by the real server (`node dist-server/server/main.js`, STATIC_DIR
 * = the build, a temp DATA_DIR): accessibility and best practices must score ≥ 0.95 on each.
 * Performance (≥ 0.9 wanted) is noisy on a shared machine, so it is written down, not asserted.
 * All scores go to test-artifacts/lighthouse/scores.json (with the failing audits of each route)
 * and are printed.
 *
 * One Chromium (Debian's, through chrome-launcher), runs in sequence. Every run but the event
 * detail page starts from empty storage (Lighthouse's default); the detail page needs an event,
 * so one is logged through the form first and that run keeps storage.
 *
 * Inputs: KL_DIST (default dist/), KL_SERVER_DIST (default dist-server/), CHROMIUM_PATH.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// From tests/bench's own install (`npm run bench:deps`), not the root one.
import { lighthouse, launch, type LaunchedChrome } from '../bench/lighthouse.mjs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ROOT, freePort, startRealServer } from './harness';

const OUT = join(ROOT, 'test-artifacts', 'lighthouse');
const MIN_A11Y = 0.95;
const MIN_BEST_PRACTICES = 0.95;
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
type Category = (typeof CATEGORIES)[number];

/** The routes judged; `:id` is replaced by the event logged before the detail run. */
const ROUTES = ['/', '/events', '/events/new', '/map', '/reports', '/settings', '/review', '/login', '/events/:id'] as const;

interface RouteScores {
  route: string;
  url: string;
  scores: Record<Category, number | null>;
  /** Lab metrics behind the performance score (ms; CLS unitless). */
  metrics: Record<string, number | null>;
  /** Audits of the category scored below 1 (weight > 0), with the elements Lighthouse names. */
  failing: Record<Category, { id: string; title: string; score: number | null; items: string[] }[]>;
}

let proc: ChildProcess | null = null;
let chrome: LaunchedChrome | null = null;
let dataDir = '';
let base = '';
const results: RouteScores[] = [];

/** Logs one event through the form (in Lighthouse's Chrome, over CDP) and returns its id. */
async function logOneEvent(): Promise<string> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome!.port}`);
  try {
    const context = browser.contexts()[0]!;
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
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
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await page.close();
    return id;
  } finally {
    // A CDP-connected browser only disconnects: Lighthouse's Chrome stays up.
    await browser.close();
  }
}

function itemLabel(item: Record<string, unknown>): string {
  const node = item.node as { selector?: string; snippet?: string; nodeLabel?: string } | undefined;
  if (node) return `${node.selector ?? ''} ${node.snippet ?? ''}`.trim().slice(0, 200);
  for (const k of ['url', 'source', 'description', 'label']) {
    const v = item[k];
    if (typeof v === 'string') return v.slice(0, 200);
    if (v && typeof v === 'object' && 'url' in v) return String((v as { url: unknown }).url).slice(0, 200);
  }
  return JSON.stringify(item).slice(0, 200);
}

async function audit(route: string, url: string, keepStorage: boolean): Promise<RouteScores> {
  const result = await lighthouse(url, {
    port: chrome!.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: [...CATEGORIES],
    disableStorageReset: keepStorage,
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const scores = {} as RouteScores['scores'];
  const failing = {} as RouteScores['failing'];
  for (const c of CATEGORIES) {
    const cat = lhr.categories[c]!;
    scores[c] = cat.score;
    failing[c] = cat.auditRefs
      .filter((ref) => ref.weight > 0)
      .map((ref) => lhr.audits[ref.id]!)
      .filter((a) => a.score !== null && a.score < 1)
      .map((a) => {
        const details = a.details as { items?: Record<string, unknown>[] } | undefined;
        return { id: a.id, title: a.title, score: a.score, items: (details?.items ?? []).slice(0, 8).map(itemLabel) };
      });
  }
  const metrics: Record<string, number | null> = {};
  for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'speed-index', 'total-blocking-time', 'cumulative-layout-shift', 'interactive']) {
    const v = lhr.audits[id]?.numericValue;
    metrics[id] = typeof v === 'number' ? Math.round(v * 1000) / 1000 : null;
  }
  return { route, url, scores, metrics, failing };
}

describe('Lighthouse on every route', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kl-lh-data-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = (await startRealServer(port, dataDir)).child;
    chrome = await launch({
      chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      chromeFlags: [...CHROMIUM_ARGS, '--lang=zh-CN'],
      logLevel: 'error',
    });
  }, 60_000);

  afterAll(async () => {
    await chrome?.kill();
    proc?.kill('SIGTERM');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`scores accessibility and best practices at least ${MIN_A11Y} on each route, and records performance`, async () => {
    for (const route of ROUTES) {
      const detail = route.includes(':id');
      const path = detail ? route.replace(':id', await logOneEvent()) : route;
      results.push(await audit(route, `${base}${path}`, detail));
    }
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'scores.json'), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
    const fmt = (v: number | null) => (v === null ? '  –  ' : v.toFixed(2));
    const ms = (v: number | null | undefined) => (typeof v === 'number' ? String(Math.round(v)).padStart(6) : '     –');
    console.log(
      [
        'route            perf  a11y  best     FCP    LCP     TBT     TTI (ms, simulated slow 4G + 4x CPU)',
        ...results.map(
          (r) =>
            `${r.route.padEnd(16)} ${fmt(r.scores.performance)}  ${fmt(r.scores.accessibility)}  ${fmt(r.scores['best-practices'])}  ` +
            `${ms(r.metrics['first-contentful-paint'])} ${ms(r.metrics['largest-contentful-paint'])} ${ms(r.metrics['total-blocking-time'])}  ${ms(r.metrics.interactive)}`,
        ),
      ].join('\n'),
    );
    for (const r of results) {
      for (const c of ['accessibility', 'best-practices'] as const) {
        for (const f of r.failing[c]) console.log(`${r.route} ${c}: ${f.id} (${f.score}) ${f.items.join(' | ')}`);
      }
    }
    const below = results.flatMap((r) => [
      ...((r.scores.accessibility ?? 0) < MIN_A11Y
        ? [`${r.route} accessibility ${r.scores.accessibility}: ${r.failing.accessibility.map((f) => f.id).join(', ')}`]
        : []),
      ...((r.scores['best-practices'] ?? 0) < MIN_BEST_PRACTICES
        ? [`${r.route} best-practices ${r.scores['best-practices']}: ${r.failing['best-practices'].map((f) => f.id).join(', ')}`]
        : []),
    ]);
    expect(below).toEqual([]);
  }, 300_000);
});
