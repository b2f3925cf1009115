/**
 * The year's report tables (统计报表): 场次 / 人次 / 资料份数 by format, venue, campaign, theme,
 * township and month, and the volunteer roster with hours. Every figure comes from
 * `countEventsBy` in counts.ts, the same code the map and the exports use, so that the screen,
 * the map and every file show the same numbers. Pure: events, region pack and taxonomy come in
 * as arguments.
 */
import { countEventsBy, countEventsByAxes, emptyTally, eventYearMonth, matchesFilter, type CountAxis, type CountableEvent, type EventFilter, type Tally } from './counts.js';
import type { RegionPack, TownshipUnit, Village } from './region.js';
import { labelOf, type Taxonomy, type TaxonomyListName } from './taxonomy.js';
import { DEFAULT_TIME_ZONE } from './year.js';

/** One row of a report table: a group key, its label and its totals. */
export interface ReportRow {
  readonly key: string;
  readonly label: string;
  readonly tally: Tally;
}

/** One volunteer's line in the roster (志愿者名册): name, events joined and hours. */
export interface VolunteerRosterRow {
  readonly name: string;
  readonly events: number;
  readonly hours: number;
}

/** The whole year at a glance. */
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

/** What a report needs besides the events. */
export interface ReportContext {
  readonly taxonomy: Taxonomy;
  readonly pack: RegionPack;
  readonly timeZone?: string;
  readonly locale?: 'zh-CN' | 'en';
}

/** The filter of a year's report: the year, and reviewed events only unless asked otherwise. */
export function yearFilter(year: number, reviewedOnly: boolean): EventFilter {
  return { year, reviewedOnly };
}

/**
 * Keeps the events that count under `filter`, each with its "YYYY-MM" key, so that the six
 * tables after it do no time-zone work again.
 */
export function selectEvents<E extends CountableEvent>(
  events: Iterable<E>,
  filter: EventFilter,
  timeZone = DEFAULT_TIME_ZONE,
): E[] {
  const out: E[] = [];
  for (const e of events) {
    if (!matchesFilter(e, filter, timeZone)) continue;
    out.push(e.ym === undefined ? { ...e, ym: eventYearMonth(e, timeZone) } : e);
  }
  return out;
}

/** Tallies selected events along one axis, labelled, in taxonomy order (only groups with events). */
export function tableAlong(
  events: readonly CountableEvent[],
  axis: Exclude<CountAxis, 'township' | 'month'>,
  ctx: ReportContext,
): ReportRow[] {
  return labelledRows(countEventsBy(events, axis, {}, ctx.timeZone).groups, axis, ctx);
}

function labelledRows(groups: Map<string, Tally>, axis: Exclude<CountAxis, 'township' | 'month'>, ctx: ReportContext): ReportRow[] {
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
export function townshipTable(events: readonly CountableEvent[], ctx: ReportContext): ReportRow[] {
  return townshipRows(countEventsBy(events, 'township', {}, ctx.timeZone).groups, ctx);
}

function townshipRows(groups: Map<string, Tally>, ctx: ReportContext): ReportRow[] {
  const rows: ReportRow[] = ctx.pack.townships.map((t) => ({
    key: t.code,
    label: t.name,
    tally: groups.get(t.code) ?? emptyTally(),
  }));
  for (const [key, tally] of groups) if (!ctx.pack.townships.some((t) => t.code === key)) rows.push({ key, label: key, tally });
  return rows;
}

/** The twelve months of `year`, zeros kept. */
export function monthTable(events: readonly CountableEvent[], year: number, ctx: ReportContext): ReportRow[] {
  return monthRows(countEventsBy(events, 'month', {}, ctx.timeZone).groups, year, ctx);
}

function monthRows(groups: Map<string, Tally>, year: number, ctx: ReportContext): ReportRow[] {
  return Array.from({ length: 12 }, (_, i) => {
    const key = `${year}-${String(i + 1).padStart(2, '0')}`;
    return { key, label: ctx.locale === 'en' ? key : `${i + 1}月`, tally: groups.get(key) ?? emptyTally() };
  });
}

/** The roster of named volunteers: events joined and hours, most hours first. */
export function volunteerRoster(events: readonly CountableEvent[]): VolunteerRosterRow[] {
  const byName = new Map<string, { events: number; hours: number }>();
  for (const e of events) {
    for (const v of e.volunteers) {
      const r = byName.get(v.name) ?? { events: 0, hours: 0 };
      r.events += 1;
      r.hours += v.hours;
      byName.set(v.name, r);
    }
  }
  return [...byName.entries()]
    .map(([name, r]) => ({ name, events: r.events, hours: roundHours(r.hours) }))
    .sort((a, b) => b.hours - a.hours || b.events - a.events || a.name.localeCompare(b.name, 'zh-CN'));
}

/** Builds every table of a year's report from the events (any order, any years, tombstones included). */
export function buildYearReport(
  events: Iterable<CountableEvent>,
  year: number,
  reviewedOnly: boolean,
  ctx: ReportContext,
): YearReport {
  return yearReportOfSelected(selectEvents(events, yearFilter(year, reviewedOnly), ctx.timeZone), year, reviewedOnly, ctx);
}

/** The year's tables from events already selected with `yearFilter` (each with its ym). */
export function yearReportOfSelected(
  selected: readonly CountableEvent[],
  year: number,
  reviewedOnly: boolean,
  ctx: ReportContext,
): YearReport {
  const { total, groups } = countEventsByAxes(selected, ['format', 'venue', 'campaign', 'theme', 'township', 'month'] as const, {}, ctx.timeZone);
  total.volunteerHours = roundHours(total.volunteerHours);
  return {
    year,
    reviewedOnly,
    total,
    byFormat: labelledRows(groups.format, 'format', ctx),
    byVenue: labelledRows(groups.venue, 'venue', ctx),
    byCampaign: labelledRows(groups.campaign, 'campaign', ctx),
    byTheme: labelledRows(groups.theme, 'theme', ctx),
    byTownship: townshipRows(groups.township, ctx),
    byMonth: monthRows(groups.month, year, ctx),
    volunteers: volunteerRoster(selected),
  };
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

/** Hours summed from halves and quarters print without float dust (2.3000000000000003). */
export function roundHours(h: number): number {
  return Math.round(h * 100) / 100;
}

/** How the report names a township: 街道 in full (平山街道), a town by its short name (吉隆). */
export function townshipReportName(t: TownshipUnit): string {
  return t.kind === '街道' ? t.name : t.shortName;
}

/** A village's everyday name: 平江村民委员会 → 平江村, 王公社区居民委员会 → 王公社区. */
export function villageShortName(v: Pick<Village, 'name'>): string {
  return v.name.replace(/(居民委员会|居委会)$/, '').replace(/(村民委员会|村委会)$/, '村');
}
