/**
 * First push of N events from a phone, in Chromium: N events logged offline through the event
 * repository (not timed), then one sync run pushing the outbox to our server; against a PouchDB
 * holding the same N documents replicating them to a new express-pouchdb database. Also from
 * Node: a protocol client pushing/pulling N events against PouchDB (memory adapter) replicating
 * to/from express-pouchdb. Interleaved run by run; a fresh server database for every push.
 */
import { interleave, pluck, row, summary } from '../lib.mjs';

export async function run(ctx) {
  const { page, front, N } = ctx;
  let k = 0;
  const variants = [
    {
      name: 'PouchDB push',
      run: async () => {
        const db = `push-${k++}`;
        front.take();
        const stored = await page.evaluate(([n, c]) => window.__bench.pouchPushSetup(n, 'docs.json', c), [`pouch-push-${k}`, N]);
        if (stored !== N) throw new Error(`PouchDB holds ${stored} of ${N} before the push`);
        front.take();
        const r = await ctx.prof('first-push PouchDB', () =>
          page.evaluate(([n, remote]) => window.__bench.pouchPushRun(n, remote), [`pouch-push-${k}`, `/couch/${db}`]),
        );
        const w = front.take();
        await ctx.peer.drop(db);
        if (r.docs !== N) throw new Error(`PouchDB pushed ${r.docs} of ${N}`);
        return { ms: r.ms, requests: w.requests, bytes: w.reqBytes + w.resBytes };
      },
    },
    { name: 'PouchDB Node push', run: async () => (await ctx.peer.nodePush(`node-push-${k++}`)).ms },
    { name: 'PouchDB Node pull', run: async () => (await ctx.peer.nodePull('pull-src')).ms },
  ];
  if (ctx.ours.ok) {
    variants.unshift({
      name: 'ours',
      run: async () => {
        await ctx.ours.resetPushServer();
        const name = `first-push-${k++}`;
        const pending = await page.evaluate(([n, c]) => window.__bench.firstPushSetup(n, 'rows.json', c), [name, N]);
        if (pending !== N) throw new Error(`the outbox holds ${pending} of ${N} before the push`);
        front.take();
        let r, w;
        try {
          r = await ctx.prof('first-push ours', () => page.evaluate(([n]) => window.__bench.firstPushRun(n), [name]));
          w = front.take();
        } finally {
          await ctx.ours.usePull();
        }
        if (r.left !== 0 || r.pushed !== N) throw new Error(`push left ${r.left} in the outbox, pushed ${r.pushed} of ${N}`);
        // Only the pushes count for the push's wire bytes and requests (the run then pulls its events back).
        const pushes = w.log.filter((x) => x.url.startsWith('/api/sync/push'));
        return { ms: r.ms, runMs: r.runMs, requests: pushes.length, bytes: pushes.reduce((a, x) => a + x.inBytes + x.outBytes, 0) };
      },
    });
    variants.push(
      { name: 'ours Node push', run: async () => (await ctx.ours.nodePush()).ms },
      { name: 'ours Node pull', run: async () => (await ctx.ours.nodePull()).ms },
    );
  }
  const runs = await interleave(variants, ctx.plan, ctx.log);
  const pouch = summary(pluck(runs['PouchDB push'], 'ms'));
  const pNodePush = summary(runs['PouchDB Node push']);
  const pNodePull = summary(runs['PouchDB Node pull']);
  ctx.shared.pouchPush = { requests: summary(pluck(runs['PouchDB push'], 'requests')), bytes: summary(pluck(runs['PouchDB push'], 'bytes')) };
  if (!ctx.ours.ok) {
    const note = `not measured: ${ctx.ours.reason}`;
    return [
      row({ id: 'first-push', value: null, unit: 'ms', baseline: { name: 'PouchDB push', value: pouch, unit: 'ms' }, note }),
      row({ id: 'node-push', value: null, unit: 'ms', baseline: { name: 'PouchDB Node push', value: pNodePush, unit: 'ms' }, note }),
      row({ id: 'node-pull', value: null, unit: 'ms', baseline: { name: 'PouchDB Node pull', value: pNodePull, unit: 'ms' }, note }),
    ];
  }
  const ours = summary(pluck(runs.ours, 'ms'));
  ctx.shared.oursPush = { requests: summary(pluck(runs.ours, 'requests')), bytes: summary(pluck(runs.ours, 'bytes')) };
  return [
    row({
      id: 'first-push',
      value: ours,
      unit: 'ms',
      baseline: { name: 'PouchDB push', value: pouch, unit: 'ms' },
      pass: ours.median / pouch.median <= 0.33,
      note: `until the last push is answered, ${ctx.shared.oursPush.requests.median} pushes; the whole sync run (then pulling the ${N} events back with their revs) took ${summary(pluck(runs.ours, 'runMs')).median.toFixed(0)} ms`,
    }),
    row({ id: 'node-push', value: summary(runs['ours Node push']), unit: 'ms', baseline: { name: 'PouchDB Node push', value: pNodePush, unit: 'ms' } }),
    row({ id: 'node-pull', value: summary(runs['ours Node pull']), unit: 'ms', baseline: { name: 'PouchDB Node pull', value: pNodePull, unit: 'ms' } }),
  ];
}
