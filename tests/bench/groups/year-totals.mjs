/**
 * Year totals by township and by format over M events on a phone (Chromium): the app's maintained
 * totals (when it has them) against the baseline, a full read-and-group — every event of the year
 * read through the [year+ym] index and tallied with domain/counts countEventsBy along both axes.
 * The M events are written through DexieLocalStore.applyPulled, as a sync would (not timed).
 */
import { interleave, pluck, row, summary } from '../lib.mjs';

export async function run(ctx) {
  const { page, M } = ctx;
  const years = await page.evaluate(([n, m]) => window.__bench.yearTotalsSetup(n, m), ['year-totals', M]);
  const year = Number(Object.entries(years).sort((a, b) => b[1] - a[1])[0][0]);
  ctx.log(`year totals: ${M} events by year ${JSON.stringify(years)}; measuring ${year}`);
  const probe = await page.evaluate(([n, y]) => window.__bench.yearTotalsOurs(n, y), ['year-totals', year]);
  const variants = [
    { name: 'read and group', run: async () => (await page.evaluate(([n, y]) => window.__bench.yearTotalsRead(n, y), ['year-totals', year])).ms },
  ];
  if (probe)
    variants.unshift({ name: 'ours', run: async () => (await page.evaluate(([n, y]) => window.__bench.yearTotalsOurs(n, y), ['year-totals', year])).ms });
  const runs = await interleave(variants, ctx.plan, ctx.log);
  await page.evaluate(() => indexedDB.deleteDatabase('year-totals'));
  const base = { name: `read ${years[year].toLocaleString('en-US')} events of ${year} + group`, value: summary(runs['read and group']), unit: 'ms' };
  if (!probe) {
    return [
      row({
        id: 'year-totals',
        value: null,
        unit: 'ms',
        baseline: base,
        note: 'not measured: the app keeps no year totals yet (expected: a module under src/app/db or src/app/reports with a name containing "totals", exporting read…Totals(db, year))',
      }),
    ];
  }
  const ours = summary(runs.ours);
  return [
    row({ id: 'year-totals', value: ours, unit: 'ms', baseline: base, pass: ours.median / base.value.median <= 0.1, note: `${probe.module} ${probe.fn}` }),
  ];
}
