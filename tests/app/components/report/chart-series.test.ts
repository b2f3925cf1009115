/**
 * The reports screen's charts draw the report the tables show: the 按统计口径 chart has each report
 * line's 场次 from its one definition (the seed's eight lines, 24 / 5 / 7 / 4 / 3 / 5 / 2 / 3), so it
 * says 24 where the 按活动形式 share of the same format says 27 — as the table and narrative do.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_TAXONOMY } from '../../../../src/domain/taxonomy';
import { buildReportBundle, type ReportBundle } from '../../../../src/app/export/report-bundle';
import { chartSeries } from '../../../../src/app/components/report/chart-series';
import { pack, seedLedger } from '../../import/seed-ledger';

let bundle: ReportBundle;
beforeAll(async () => {
  const { db } = await seedLedger('reviewed');
  bundle = buildReportBundle(await db.events.toArray(), [], {
    year: 2023,
    reviewedOnly: true,
    round: true,
    taxonomy: DEFAULT_TAXONOMY,
    pack,
    orgName: '惠东县科学技术协会',
    issuedAt: Date.parse('2024-01-15T10:00:00+08:00'),
  });
});

describe('chartSeries', () => {
  test('the report-line chart counts each line from its definition, as the 按统计口径 table does', () => {
    const s = chartSeries(bundle);
    expect(s.lines.labels).toEqual(bundle.lines.map((l) => l.label));
    expect(s.lines.data).toEqual([24, 5, 7, 4, 3, 5, 2, 3]);
    expect(s.lines.data.reduce((a, b) => a + b, 0)).toBe(53);
  });

  test('the format share is of the formats, which part the events: its slices add up to the year', () => {
    const s = chartSeries(bundle);
    expect(s.share.data.reduce((a, b) => a + b, 0)).toBe(bundle.report.total.events);
    expect(s.monthly.data.reduce((a, b) => a + b, 0)).toBe(bundle.report.total.events);
  });

  test('townships are ranked by 场次, and only those the year reached', () => {
    const s = chartSeries(bundle);
    expect(s.ranking.data.every((n) => n > 0)).toBe(true);
    expect([...s.ranking.data]).toEqual([...s.ranking.data].sort((a, b) => b - a));
    expect(s.ranking.data.reduce((a, b) => a + b, 0)).toBe(bundle.report.byTownship.reduce((a, r) => a + r.tally.events, 0));
  });
});
