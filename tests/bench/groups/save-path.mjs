/**
 * One save, whole save path: the event repository's createEvent (validation, event row, outbox
 * row and seq in one Dexie transaction) against a raw IndexedDB put of the same row in its own
 * readwrite transaction, in the same Chromium page, interleaved run by run.
 */
import { interleave, row, summary } from '../lib.mjs';

export async function run(ctx) {
  const count = ctx.quick ? 20 : 200;
  const p95 = { ours: [], raw: [] };
  const p50 = { ours: [], raw: [] };
  let k = 0;
  const runs = await interleave([
    { name: 'save path', run: async () => {
      const t = await ctx.page.evaluate(([n, c]) => window.__bench.savePath(n, 'contents.json', c), [`save-${k++}`, count]);
      const s = summary(t);
      p95.ours.push(s.p95); p50.ours.push(s.median);
      return { p50: s.median, p95: s.p95 };
    } },
    { name: 'raw put', run: async () => {
      const t = await ctx.page.evaluate(([n, c]) => window.__bench.rawSingles(n, 'rows.json', c), [`raw1-${k++}`, count]);
      const s = summary(t);
      p95.raw.push(s.p95); p50.raw.push(s.median);
      return { p50: s.median, p95: s.p95 };
    } },
  ], ctx.plan, ctx.log);
  // Warm-up values were dropped by interleave(); drop them here too.
  const keep = (xs) => xs.slice(xs.length - runs['save path'].length);
  const ours95 = summary(keep(p95.ours));
  const raw95 = summary(keep(p95.raw));
  const ours50 = summary(keep(p50.ours));
  const raw50 = summary(keep(p50.raw));
  const ratio = ours95.median / raw95.median;
  return [
    row({ id: 'save-p95', value: ours95, unit: 'ms', baseline: { name: 'raw single put p95', value: raw95, unit: 'ms' },
      pass: ratio <= 2 && ours95.median <= 30, note: `${count} saves per run` }),
    row({ id: 'save-p50', value: ours50, unit: 'ms', baseline: { name: 'raw single put p50', value: raw50, unit: 'ms' } }),
  ];
}
