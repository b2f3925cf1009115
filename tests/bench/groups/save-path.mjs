/**
 * One save, whole save path: the event repository's createEvent (validation, event row, outbox
 * row, seq and year-totals log row in one Dexie transaction over four stores) against a raw
 * IndexedDB put of the same row in its own readwrite transaction, in the same Chromium page,
 * interleaved run by run. For the decomposition, a third variant makes the save path's IndexedDB
 * requests raw (get event + get seq; then add event, add outbox row, put seq, put totals log, in
 * one transaction over the same four stores): the gap between it and the single put is
 * IndexedDB's, the gap between it and the save path is Dexie's and ours.
 */
import { interleave, pluck, row, summary } from '../lib.mjs';

export async function run(ctx) {
  // 1,000 saves a run: the p95 of 200 swung 4× from run to run on this machine (the 10th-largest of 200 is one stall).
  const count = ctx.quick ? 20 : 1000;
  let k = 0;
  const measure = (fn, rowsName) => async () => {
    const t = await ctx.prof(`save ${fn}`, () => ctx.page.evaluate(([f, n, r, c]) => window.__bench[f](n, r, c), [fn, `save-${fn}-${k++}`, rowsName, count]));
    const s = summary(t);
    return { p50: s.median, p95: s.p95 };
  };
  const runs = await interleave(
    [
      { name: 'save path', run: measure('savePath', 'contents.json') },
      { name: 'raw put', run: measure('rawSingles', 'rows.json') },
      { name: 'raw save ops', run: measure('rawSaveOps', 'rows.json') },
    ],
    ctx.plan,
    ctx.log,
  );
  const s = (name, key) => summary(pluck(runs[name], key));
  const ours95 = s('save path', 'p95');
  const raw95 = s('raw put', 'p95');
  const ops95 = s('raw save ops', 'p95');
  const ratio = ours95.median / raw95.median;
  return [
    row({
      id: 'save-p95',
      value: ours95,
      unit: 'ms',
      baseline: { name: 'raw single put p95', value: raw95, unit: 'ms' },
      pass: ratio <= 2 && ours95.median <= 30,
      note: `${count} saves per run; p95 of each run, median over runs`,
    }),
    row({ id: 'save-p50', value: s('save path', 'p50'), unit: 'ms', baseline: { name: 'raw single put p50', value: s('raw put', 'p50'), unit: 'ms' } }),
    row({
      id: 'save-raw-ops',
      value: ops95,
      unit: 'ms',
      baseline: { name: 'raw single put p95', value: raw95, unit: 'ms' },
      note: `p50 ${s('raw save ops', 'p50').median.toFixed(2)} ms; what IndexedDB alone charges for the save path's requests`,
    }),
  ];
}
