/**
 * What a phone paints, and when, on a first visit: for each route, the largest-contentful-paint
 * candidates (element, size, time), the long tasks, the layout shifts with their sources and the
 * requests that began before the last LCP candidate — in real Chromium at 390×844 with the CPU
 * slowed 4× and the network at Lighthouse's slow 4G (150 ms, 1.6 Mbit/s) through CDP, a fresh
 * profile per route. Lighthouse 12.2.3 cannot name the LCP element with this Chromium (its audit
 * fails), and its simulated LCP follows the bytes requested before the observed one: this says
 * which element and which requests.
 *
 *   node tests/bench/paint-trace.mjs http://127.0.0.1:8080 [/,/map,/reports] [--fast]
 *
 * Serve the built app first (`npm run serve`, or dist-server/server/main.js with DATA_DIR and
 * STATIC_DIR). --fast: no throttling.
 */
import { chromium } from 'playwright-core';

const [base, routeList = '/,/map,/reports'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!base) {
  console.error('usage: node tests/bench/paint-trace.mjs <base URL> [routes] [--fast]');
  process.exit(2);
}
const throttle = !process.argv.includes('--fast');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const route of routeList.split(',')) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    if (throttle) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    }
    await page.addInitScript(() => {
      const seen = (window.__trace = { lcp: [], tasks: [], shifts: [] });
      const describe = (n) => (n ? `${n.nodeName}.${String(n.className || '').slice(0, 50)} "${(n.textContent || '').slice(0, 30)}"` : '(removed)');
      const watch = (type, each) => new PerformanceObserver((l) => l.getEntries().forEach(each)).observe({ type, buffered: true });
      watch('largest-contentful-paint', (e) => seen.lcp.push(`${Math.round(e.startTime)} ms, ${e.size} px²: ${describe(e.element)}`));
      watch('longtask', (e) => seen.tasks.push(`${Math.round(e.startTime)}+${Math.round(e.duration)}`));
      watch('layout-shift', (e) =>
        seen.shifts.push(
          `${Math.round(e.startTime)} ms ${e.value.toFixed(4)}: ${(e.sources || []).map((s) => `${describe(s.node)} y ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)}`).join(' / ')}`,
        ),
      );
    });
    page.on('pageerror', (e) => console.log('  page error:', e.message));
    await page.goto(base + route);
    await page.waitForTimeout(throttle ? 9000 : 4000);
    const r = await page.evaluate(() => ({
      ...window.__trace,
      fcp: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
      requests: performance
        .getEntriesByType('resource')
        .map((e) => ({ start: Math.round(e.startTime), end: Math.round(e.responseEnd), bytes: e.transferSize, url: e.name.replace(location.origin, '') })),
    }));
    const lastLcp = Number.parseInt(r.lcp.at(-1) ?? '0', 10);
    const before = r.requests.filter((q) => q.start < lastLcp);
    console.log(`== ${route}: FCP ${r.fcp} ms`);
    for (const l of r.lcp) console.log(`  LCP ${l}`);
    console.log(`  long tasks (start+ms): ${r.tasks.join(' ') || 'none'}`);
    for (const s of r.shifts) console.log(`  shift ${s}`);
    console.log(`  ${before.length} requests began before the last LCP candidate, ${before.reduce((n, q) => n + q.bytes, 0)} bytes:`);
    for (const q of before) console.log(`    ${q.start}–${q.end} ms ${q.bytes} B ${q.url}`);
    await ctx.close();
  }
} finally {
  await browser.close();
}
