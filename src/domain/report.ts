/**
 * A year's report (统计报表 and 绩效自评报告): the tables — 场次 / 人次 / 资料份数 by format, venue,
 * campaign, theme, township and month, and the volunteer roster with hours — the targets against
 * actuals, township coverage and the narrative, built by `buildReport` from ONE selection and ONE
 * counting pass (report-counts.ts). Every figure comes from `addToTally` in counts.ts, the same
 * code the map and the home card use, so the screen, the map and every file show the same
 * numbers. Pure: events, targets, region pack and taxonomy come in as arguments.
 */
import { coverageOfTallies, type CoverageResult } from './coverage.js';
import { countEventsBy, emptyTally, type CountableEvent, type EventFilter, type Tally } from './counts.js';
import type { RegionPack } from './region.js';
import { countReport, selectEvents, yearFilter, type ReportCounts, type VolunteerRosterRow } from './report-counts.js';
import { countLines, crossTableOf, DEFAULT_REPORT_LINES, describeLine, lineName, type CrossTable, type LineCounts, type ReportLine } from './report-lines.js';
import { applyClauseEdits, byStart, narrativeOf, withAwardsClause, type ClauseEdit, type Narrative, type NarratableEvent } from './report-text.js';
import type { Target } from './targets.js';
import { evaluateTargets, type TargetEvaluation } from './targets-eval.js';
import { labelOf, type Taxonomy, type TaxonomyListName } from './taxonomy.js';
import { DEFAULT_TIME_ZONE } from './year.js';

export type { VolunteerRosterRow } from './report-counts.js';

/** One row of a report table: a group key, its label and its totals. */
export interface ReportRow {
  readonly key: string;
  readonly label: string;
  readonly tally: Tally;
}

/** The year's tables. */
export interface YearReport {
  readonly year: number;
  readonly reviewedOnly: boolean;
  readonly total: Tally;
  readonly byFormat: readonly ReportRow[];
  readonly byVenue: readonly ReportRow[];
  readonly byCampaign: readonly ReportRow[];
  readonly byTheme: readonly ReportRow[];
  /** Every township of the pack in pack order, zeros included (a zero is a gap). */
  readonly byTownship: readonly ReportRow[];
  /** Twelve rows, "YYYY-01" … "YYYY-12". */
  readonly byMonth: readonly ReportRow[];
  readonly volunteers: readonly VolunteerRosterRow[];
}

/** What a report needs besides the events and targets. */
export interface ReportOptions {
  readonly year: number;
  /** Count reviewed events only (审核通过). */
  readonly reviewedOnly: boolean;
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  /** Default: the pack's zone. */
  readonly timeZone?: string;
  readonly locale?: 'zh-CN' | 'en';
  /** The narrative writes "20000多份" rather than "20345份". */
  readonly round?: boolean;
  /** The report lines (统计口径), in order; default: DEFAULT_REPORT_LINES. */
  readonly lines?: readonly ReportLine[];
  /** Staff edits of narrative clauses (any years; the report's year applies). */
  readonly clauseEdits?: readonly ClauseEdit[];
  /**
   * The year's generated awards sentence (award-report.ts awardsSentence, made by staff code that
   * holds the awards): the narrative's clause AWARDS_CLAUSE_KEY. Absent or '': none.
   */
  readonly awardsSentence?: string;
  /** External figures for indicators that take one (external-figures.ts); missing → 未取得. */
  readonly externals?: Readonly<Record<string, number>>;
}

/** One row of the 按统计口径 table. */
export interface LineRow {
  readonly code: string;
  readonly label: string;
  readonly tally: Tally;
  /** How many of the line's events are also in another line, and which lines (labels). */
  readonly shared: number;
  readonly sharedWith: readonly string[];
  /** The definition in words (describeLine). */
  readonly definition: string;
}

/** Everything a year's report shows, all from the same counted events. */
export interface ReportParts<E extends NarratableEvent = NarratableEvent> {
  readonly year: number;
  readonly reviewedOnly: boolean;
  /** The tables. */
  readonly report: YearReport;
  /** The live targets of the year against actuals, in the given order. */
  readonly targets: readonly TargetEvaluation[];
  readonly narrative: Narrative;
  /** Township coverage as the map computes it (zones count for their town); `gaps` = 未覆盖. */
  readonly coverage: CoverageResult;
  /** The counted events, by start time: the rows of 活动明细 and 志愿者名册. */
  readonly events: readonly E[];
  /** The 按统计口径 table: each report line counted from its one definition. */
  readonly lines: readonly LineRow[];
  /** Events in no line. */
  readonly outsideLines: Tally;
  /** The format × campaign table. */
  readonly cross: CrossTable;
}

/**
 * Builds a year's report from the ledger's events (any order, any years, tombstones included):
 * selects the ones that count once, counts them once, and reads tables, coverage, targets and the
 * narrative off those counts.
 */
export function buildReport<E extends NarratableEvent>(events: Iterable<E>, targets: readonly Target[], o: ReportOptions): ReportParts<E> {
  const timeZone = o.timeZone ?? (o.pack.meta.timeZone || DEFAULT_TIME_ZONE);
  const counted = byStart(selectEvents(events, yearFilter(o.year, o.reviewedOnly ? 'reviewed' : 'submitted'), timeZone));
  const counts = countReport(counted, timeZone);
  const coverage = coverageOfTallies(o.pack, counts.total, counts.groups.township, 'events', { now: 0, timeZone });
  const ctx = { taxonomy: o.taxonomy, pack: o.pack, timeZone, round: o.round ?? false };
  const lines = o.lines ?? DEFAULT_REPORT_LINES;
  const lineCounts = countLines(counted, lines);
  const generated = narrativeOf(counted, counts, coverage, o.year, ctx, lines, lineCounts);
  const narrative = o.awardsSentence ? withAwardsClause(generated, o.year, o.awardsSentence) : generated;
  return {
    year: o.year,
    reviewedOnly: o.reviewedOnly,
    report: tablesOf(counts, o.year, o.reviewedOnly, { ...ctx, locale: o.locale }),
    targets: evaluateTargets(targets, { year: o.year, counted, counts, coverage, pack: o.pack, timeZone, lineCounts, externals: o.externals }),
    narrative: o.clauseEdits ? applyClauseEdits(narrative, o.year, o.clauseEdits) : narrative,
    coverage,
    events: counted,
    lines: lineRows(lineCounts, o.taxonomy, o.locale),
    outsideLines: lineCounts.outside,
    cross: crossTableOf(
      counted,
      o.taxonomy.formats.map((f) => f.code),
      o.taxonomy.campaigns.map((c) => c.code),
    ),
  };
}

/** The 按统计口径 rows of counted lines. */
function lineRows(c: LineCounts, taxonomy: Taxonomy, locale: 'zh-CN' | 'en' | undefined): LineRow[] {
  const byCode = new Map(c.rows.map((r) => [r.line.code, r.line]));
  const label = (list: TaxonomyListName, code: string) => labelOf(taxonomy, list, code, locale);
  return c.rows.map((r) => ({
    code: r.line.code,
    label: lineName(r.line, locale),
    tally: r.tally,
    shared: r.shared,
    sharedWith: r.sharedWith.map((code) => lineName(byCode.get(code)!, locale)),
    definition: describeLine(r.line, label, locale),
  }));
}

interface LabelContext {
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  readonly locale?: 'zh-CN' | 'en' | undefined;
}

/** The tables of a year from its counts. */
function tablesOf(counts: ReportCounts, year: number, reviewedOnly: boolean, ctx: LabelContext): YearReport {
  const { groups } = counts;
  return {
    year,
    reviewedOnly,
    total: counts.total,
    byFormat: taxonomyRows(groups.format, 'format', ctx),
    byVenue: taxonomyRows(groups.venue, 'venue', ctx),
    byCampaign: taxonomyRows(groups.campaign, 'campaign', ctx),
    byTheme: taxonomyRows(groups.theme, 'theme', ctx),
    byTownship: townshipTableRows(groups.township, ctx),
    byMonth: monthTableRows(groups.month, year, ctx),
    volunteers: counts.roster,
  };
}

/** One axis's groups, labelled, in taxonomy order (only groups with events). */
function taxonomyRows(groups: Map<string, Tally>, axis: 'format' | 'venue' | 'campaign' | 'theme', ctx: LabelContext): ReportRow[] {
  const list: TaxonomyListName = ({ format: 'formats', venue: 'venues', campaign: 'campaigns', theme: 'themes' } as const)[axis];
  const order = ctx.taxonomy[list].map((x) => x.code);
  const rank = (k: string) => (k === 'none' ? order.length + 1 : order.indexOf(k) === -1 ? order.length : order.indexOf(k));
  return [...groups.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))
    .map(([key, tally]) => ({
      key,
      label: key === 'none' ? (ctx.locale === 'en' ? 'No campaign' : '无专项') : labelOf(ctx.taxonomy, list, key, ctx.locale),
      tally,
    }));
}

/** Every township of the pack with its tally (zeros kept), then any unknown codes seen. */
function townshipTableRows(groups: Map<string, Tally>, ctx: LabelContext): ReportRow[] {
  const rows: ReportRow[] = ctx.pack.townships.map((t) => ({ key: t.code, label: t.name, tally: groups.get(t.code) ?? emptyTally() }));
  const known = new Set(ctx.pack.townships.map((t) => t.code));
  for (const [key, tally] of groups) if (!known.has(key)) rows.push({ key, label: key, tally });
  return rows;
}

/** The twelve months of `year`, zeros kept. */
function monthTableRows(groups: Map<string, Tally>, year: number, ctx: LabelContext): ReportRow[] {
  return Array.from({ length: 12 }, (_, i) => {
    const key = `${year}-${String(i + 1).padStart(2, '0')}`;
    return { key, label: ctx.locale === 'en' ? key : `${i + 1}月`, tally: groups.get(key) ?? emptyTally() };
  });
}

/** Totals of any series (e.g. campaign 全国科普日 in 2023), and its split by format. */
export function countSeries(
  events: Iterable<CountableEvent>,
  filter: EventFilter,
  timeZone = DEFAULT_TIME_ZONE,
): { total: Tally; byFormat: Map<string, Tally> } {
  const { total, groups } = countEventsBy(events, 'format', filter, timeZone);
  return { total, byFormat: groups };
}
