/**
 * The logging route on an emulated slow phone: Chromium CPU ×4 (Emulation.setCPUThrottlingRate)
 * and DevTools' "Slow 4G" (562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up:
 * Network.emulateNetworkConditions), on the built app served by our server.
 * Interactive = the later of (a) the form's title field painted and (b) the end of the last long
 * task (> 50 ms) before a 1 s window without one — a simplified Lighthouse TTI.
 * First visit: a cold profile. Repeat visit: the same profile after the service worker has taken
 * control, navigating to /events/new again. Each run uses a new profile; runs are interleaved
 * (first, repeat, first, repeat, …).
 */
import { launchChromium, row, summary, pluck } from '../lib.mjs';

const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 };

const INIT = () => {
  window.__lt = [];
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__lt.push([e.startTime, e.startTime + e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no long task API: TTI is the paint alone */
  }
  const mark = () => {
    if (document.querySelector('#ev-title')) {
      requestAnimationFrame(() => {
        window.__formPaint ??= performance.now();
      });
      return true;
    }
    return false;
  };
  new MutationObserver((_, obs) => {
    if (mark()) obs.disconnect();
  }).observe(document, { childList: true, subtree: true });
};

async function visit(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => typeof window.__formPaint === 'number', null, { timeout: 120_000 });
  // Wait until 1 s has passed without a long task (bounded at 15 s).
  const t = await page.evaluate(async () => {
    const quiet = 1000;
    const start = performance.now();
    for (;;) {
      const last = window.__lt.reduce((m, [, e]) => Math.max(m, e), 0);
      const now = performance.now();
      if (now - Math.max(last, window.__formPaint) >= quiet || now - start > 15000) {
        // The request waterfall before the form painted: a request's level is 1 + the deepest
        // level among requests that had finished when it started (the chain the latency multiplies).
        const res = performance.getEntriesByType('resource').filter((e) => e.startTime < window.__formPaint);
        const nav = performance.getEntriesByType('navigation')[0];
        const items = [{ start: 0, end: nav ? nav.responseEnd : 0, level: 1 }];
        for (const e of [...res].sort((a, b) => a.startTime - b.startTime)) {
          const level = 1 + Math.max(...items.filter((x) => x.end <= e.startTime + 1).map((x) => x.level));
          items.push({ start: e.startTime, end: e.responseEnd, level });
        }
        return {
          paint: window.__formPaint,
          lastLong: last,
          longTasks: window.__lt.length,
          controlled: !!navigator.serviceWorker?.controller,
          requests: res.length,
          depth: Math.max(...items.map((x) => x.level)),
          htmlEnd: nav ? nav.responseEnd : 0,
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  return { tti: Math.max(t.paint, t.lastLong), ...t };
}

/** Main-thread time Chromium counted for the page so far (CDP Performance.getMetrics), in ms. */
async function mainThread(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000, layout: (m.LayoutDuration + m.RecalcStyleDuration) * 1000 };
}

/** Where the time went, as measured: HTML, request chain, main-thread work (throttled). */
function where(r) {
  return (
    `HTML in ${r.html.toFixed(0)} ms, form painted at ${r.paint.toFixed(0)} ms after ${r.requests} requests in a chain ${r.depth} deep; ` +
    `main thread busy ${r.task.toFixed(0)} ms (script ${r.script.toFixed(0)}, style+layout ${r.layout.toFixed(0)})`
  );
}

export async function run(ctx) {
  const app = await ctx.getAppServer();
  const url = `${app.base}/events/new`;
  const pending = [];
  const profiles = [];
  const variants = [
    {
      name: 'first visit',
      run: async () => {
        const browser = await launchChromium();
        const page = browser.pages()[0] ?? (await browser.newPage());
        await page.addInitScript(INIT);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
        await cdp.send('Performance.enable');
        const r = await visit(page, url);
        const cpu = await mainThread(cdp);
        // Keep the profile for a repeat visit once its service worker controls the page.
        await page
          .evaluate(async () => {
            await navigator.serviceWorker?.ready;
          })
          .catch(() => {});
        profiles.push({ browser, page, cdp });
        return { ms: r.tti, paint: r.paint, html: r.htmlEnd, requests: r.requests, depth: r.depth, ...cpu };
      },
    },
    {
      name: 'repeat visit',
      run: async () => {
        const p = profiles.shift();
        if (!p) throw new Error('no profile from a first visit');
        try {
          await p.cdp.send('Performance.disable');
          await p.cdp.send('Performance.enable');
          const r = await visit(p.page, url);
          const cpu = await mainThread(p.cdp);
          pending.push(r.controlled);
          return { ms: r.tti, paint: r.paint, sw: r.controlled ? 1 : 0, html: r.htmlEnd, requests: r.requests, depth: r.depth, ...cpu };
        } finally {
          await p.browser.close();
        }
      },
    },
  ];
  // Not interleave()'s rotation: a repeat visit needs the first visit of its own profile before it.
  const runs = { 'first visit': [], 'repeat visit': [] };
  for (let i = 0; i < ctx.plan.warmup + ctx.plan.reps; i++) {
    for (const v of variants) {
      const r = await v.run();
      ctx.log(
        `${i < ctx.plan.warmup ? 'warm-up' : `run ${i - ctx.plan.warmup + 1}`} ${v.name}: TTI ${r.ms.toFixed(0)} ms (${where(r)}${'sw' in r ? `, service worker ${r.sw ? 'in control' : 'NOT in control'}` : ''})`,
      );
      if (i >= ctx.plan.warmup) runs[v.name].push(r);
    }
  }
  for (const p of profiles) await p.browser.close();
  const med = (rs) => Object.fromEntries(['paint', 'html', 'requests', 'depth', 'task', 'script', 'layout'].map((k) => [k, summary(pluck(rs, k)).median]));
  const first = summary(pluck(runs['first visit'], 'ms'));
  const repeat = summary(pluck(runs['repeat visit'], 'ms'));
  const swOk = pending.every(Boolean);
  return [
    row({ id: 'slow-first', value: first, unit: 'ms', pass: first.median <= 4000, note: where(med(runs['first visit'])) }),
    row({
      id: 'slow-repeat',
      value: repeat,
      unit: 'ms',
      baseline: { name: 'first visit', value: first, unit: 'ms' },
      pass: repeat.median <= 1500,
      note: `${swOk ? 'served by the service worker' : 'the service worker did NOT control the repeat visit'}; ${where(med(runs['repeat visit']))}`,
    }),
  ];
}
