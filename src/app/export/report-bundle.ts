/**
 * One aggregation of a year, shared by the screen and every export (XLSX, CSV, DOCX, print):
 * the tables, the targets against actuals and the narrative, all computed once from the same
 * events by src/domain, so a figure on screen is the figure in the file.
 */
import { computeCoverage, type CoverageResult } from '../../domain/coverage';
import type { LedgerEvent } from '../../domain/event';
import type { RegionPack } from '../../domain/region';
import { selectEvents, yearFilter, yearReportOfSelected, type YearReport } from '../../domain/report';
import { byStart, narrativeOfSelected, type Narrative } from '../../domain/report-text';
import type { Target } from '../../domain/targets';
import { evaluateTargetsOfSelected, type TargetEvaluation } from '../../domain/targets-eval';
import type { Taxonomy } from '../../domain/taxonomy';
import { DEFAULT_TIME_ZONE } from '../../domain/year';

/** Everything a report shows or writes for one year. */
export interface ReportBundle {
  readonly year: number;
  readonly reviewedOnly: boolean;
  readonly round: boolean;
  readonly report: YearReport;
  readonly targets: readonly TargetEvaluation[];
  readonly narrative: Narrative;
  /** Township coverage as the map computes it (zones count for their town); `gaps` = 未覆盖. */
  readonly coverage: CoverageResult;
  /** The counted events, by start time: the rows of 活动明细 and 志愿者名册. */
  readonly events: readonly LedgerEvent[];
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  /** e.g. 惠东县 — from the region pack. */
  readonly regionName: string;
}

/** What building a bundle needs besides the events and targets. */
export interface ReportBundleOptions {
  readonly year: number;
  readonly reviewedOnly: boolean;
  readonly round: boolean;
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
}

/** Builds a year's bundle from every event of the ledger (any year; tombstones are skipped). */
export function buildReportBundle(events: readonly LedgerEvent[], targets: readonly Target[], o: ReportBundleOptions): ReportBundle {
  const timeZone = o.pack.meta.timeZone || DEFAULT_TIME_ZONE;
  const ctx = { taxonomy: o.taxonomy, pack: o.pack, timeZone };
  const counted = byStart(selectEvents(events, yearFilter(o.year, o.reviewedOnly), timeZone));
  const coverage = computeCoverage(o.pack, counted, {}, 'events', { now: 0, timeZone });
  return {
    year: o.year,
    reviewedOnly: o.reviewedOnly,
    round: o.round,
    report: yearReportOfSelected(counted, o.year, o.reviewedOnly, ctx),
    targets: evaluateTargetsOfSelected(targets, counted, { year: o.year, reviewedOnly: o.reviewedOnly, pack: o.pack, timeZone }),
    narrative: narrativeOfSelected(counted, o.year, { ...ctx, round: o.round }, coverage),
    coverage,
    events: counted,
    taxonomy: o.taxonomy,
    pack: o.pack,
    regionName: o.pack.meta.name,
  };
}

/** The file name stem of a year's exports: 惠东县科普活动统计_2023. */
export function exportFileStem(b: Pick<ReportBundle, 'regionName' | 'year'>): string {
  return `${b.regionName}科普活动统计_${b.year}`;
}
