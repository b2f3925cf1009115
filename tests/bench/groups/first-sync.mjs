/**
 * First sync of N events into a fresh phone, in Chromium: our sync engine pulling from our server
 * into an empty LedgerDb, against PouchDB replicating the same N events from express-pouchdb into
 * an empty IndexedDB PouchDB, and against the physical limit: one raw IndexedDB readwrite
 * transaction writing the same N rows into a store with the same indexes. Interleaved run by run.
 * Requests and bytes on the wire are counted by the front proxy (kept for the wire-bytes and
 * round-trips groups).
 */
import { interleave, pluck, row, summary } from '../lib.mjs';

export async function run(ctx) {
  const { page, front, N } = ctx;
  let k = 0;
  const variants = [
    {
      name: 'PouchDB pull',
      run: async () => {
        front.take();
        const r = await ctx.prof('first-sync PouchDB', () => page.evaluate(([n]) => window.__bench.pouchPull(n, '/couch/pull-src'), [`pouch-pull-${k++}`]));
        const w = front.take();
        if (r.docs !== N) throw new Error(`PouchDB pulled ${r.docs} of ${N}`);
        return { ms: r.ms, requests: w.requests, bytes: w.reqBytes + w.resBytes };
      },
    },
    {
      name: 'raw IndexedDB write',
      run: async () => ctx.prof('first-sync raw IndexedDB', () => page.evaluate(([n]) => window.__bench.rawBulk(n, 'rows.json'), [`raw-bulk-${k++}`])),
    },
  ];
  if (ctx.ours.ok) {
    variants.unshift({
      name: 'ours',
      run: async () => {
        front.take();
        const r = await ctx.prof('first-sync ours', () => page.evaluate(([n]) => window.__bench.firstSync(n), [`first-sync-${k++}`]));
        const w = front.take();
        if (r.events !== N) throw new Error(`first sync stored ${r.events} of ${N} events`);
        return { ms: r.ms, requests: w.requests, bytes: w.reqBytes + w.resBytes };
      },
    });
  }
  const runs = await interleave(variants, ctx.plan, ctx.log);
  const pouch = summary(pluck(runs['PouchDB pull'], 'ms'));
  const raw = summary(runs['raw IndexedDB write']);
  ctx.shared.pouchPull = { requests: summary(pluck(runs['PouchDB pull'], 'requests')), bytes: summary(pluck(runs['PouchDB pull'], 'bytes')) };
  if (!ctx.ours.ok) {
    const note = `not measured: ${ctx.ours.reason}`;
    return [
      row({ id: 'first-sync-vs-pouch', value: null, unit: 'ms', baseline: { name: 'PouchDB pull', value: pouch, unit: 'ms' }, note }),
      row({ id: 'first-sync-vs-raw', value: null, unit: 'ms', baseline: { name: 'raw IndexedDB bulk write', value: raw, unit: 'ms' }, note }),
    ];
  }
  const ours = summary(pluck(runs.ours, 'ms'));
  ctx.shared.oursPull = { requests: summary(pluck(runs.ours, 'requests')), bytes: summary(pluck(runs.ours, 'bytes')) };
  return [
    row({
      id: 'first-sync-vs-pouch',
      value: ours,
      unit: 'ms',
      baseline: { name: 'PouchDB pull', value: pouch, unit: 'ms' },
      pass: ours.median / pouch.median <= 0.33,
    }),
    row({
      id: 'first-sync-vs-raw',
      value: ours,
      unit: 'ms',
      baseline: { name: 'raw IndexedDB bulk write', value: raw, unit: 'ms' },
      pass: ours.median / raw.median <= 2.5,
    }),
  ];
}
