/**
 * What each chart of the reports screen draws, from the report the tables show (one counting):
 * events per month, share by format (formats part the events, so a doughnut), townships ranked,
 * and 按统计口径 — each report line's 场次 from its one definition. Lines may share events, so they
 * are bars, never shares of a whole.
 */
import type { ReportParts } from '../../../domain/report';

export interface ChartSeries {
  readonly labels: readonly string[];
  readonly data: readonly number[];
}

export function chartSeries({ report: r, lines }: Pick<ReportParts, 'report' | 'lines'>): {
  monthly: ChartSeries;
  share: ChartSeries;
  ranking: ChartSeries;
  lines: ChartSeries;
} {
  const ranked = [...r.byTownship].filter((x) => x.tally.events > 0).sort((x, y) => y.tally.events - x.tally.events);
  return {
    monthly: { labels: r.byMonth.map((x) => x.label), data: r.byMonth.map((x) => x.tally.events) },
    share: { labels: r.byFormat.map((x) => x.label), data: r.byFormat.map((x) => x.tally.events) },
    ranking: { labels: ranked.map((x) => x.label), data: ranked.map((x) => x.tally.events) },
    lines: { labels: lines.map((x) => x.label), data: lines.map((x) => x.tally.events) },
  };
}
