/**
 * The first sync of N events with 100 ms of round-trip time added by the front proxy (50 ms each
 * way on every request), ours against PouchDB's pull, interleaved run by run, in Chromium.
 */
import { interleave, pluck, row, summary } from '../lib.mjs';

export async function run(ctx) {
  const { page, front, N } = ctx;
  let k = 0;
  const variants = [
    {
      name: 'PouchDB pull +100 ms',
      run: async () => {
        front.take();
        const r = await page.evaluate(([n]) => window.__bench.pouchPull(n, '/couch/pull-src'), [`lat-pouch-${k++}`]);
        const w = front.take();
        if (r.docs !== N) throw new Error(`PouchDB pulled ${r.docs} of ${N}`);
        return { ms: r.ms, requests: w.requests };
      },
    },
  ];
  if (ctx.ours.ok) {
    variants.unshift({
      name: 'ours +100 ms',
      run: async () => {
        front.take();
        const r = await page.evaluate(([n]) => window.__bench.firstSync(n), [`lat-ours-${k++}`]);
        const w = front.take();
        if (r.events !== N) throw new Error(`first sync stored ${r.events} of ${N}`);
        return { ms: r.ms, requests: w.requests };
      },
    });
  }
  front.setDelay(100);
  let runs;
  try {
    runs = await interleave(variants, ctx.plan, ctx.log);
  } finally {
    front.setDelay(0);
  }
  const pouch = summary(pluck(runs['PouchDB pull +100 ms'], 'ms'));
  const pouchReq = summary(pluck(runs['PouchDB pull +100 ms'], 'requests')).median;
  if (!ctx.ours.ok)
    return [row({ id: 'latency', value: null, unit: 'ms', baseline: { name: 'PouchDB pull', value: pouch }, note: `not measured: ${ctx.ours.reason}` })];
  const ours = summary(pluck(runs['ours +100 ms'], 'ms'));
  const oursReq = summary(pluck(runs['ours +100 ms'], 'requests')).median;
  return [
    row({
      id: 'latency',
      value: ours,
      unit: 'ms',
      baseline: { name: 'PouchDB pull', value: pouch, unit: 'ms' },
      pass: ours.median / pouch.median <= 0.2,
      note: `${oursReq} requests vs PouchDB's ${pouchReq}`,
    }),
  ];
}
