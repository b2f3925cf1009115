/**
 * A year's report counted in ONE pass: the events that count are selected once (selectEvents),
 * then countReport walks them once and makes every tally the report shows — the total, each axis
 * (format, venue, campaign, theme, township, month) and the volunteer roster. The report lines
 * (统计口径) the narrative's clauses follow are counted by report-lines.ts countLines over the
 * same selected events. Tables, coverage, targets and the
 * narrative are all read off these counts (report.ts), so no figure is counted twice and every
 * figure comes from `addToTally` in counts.ts, like the map's and the home card's.
 */
import {
  addToTally,
  basisFilter,
  emptyTally,
  eventYearMonth,
  keysAlong,
  matchesFilter,
  type CountAxis,
  type CountBasis,
  type CountableEvent,
  type EventFilter,
  type Tally,
} from './counts.js';
import { DEFAULT_TIME_ZONE } from './year.js';

/** One volunteer's line in the roster (志愿者名册): name, events joined and hours. */
export interface VolunteerRosterRow {
  readonly name: string;
  readonly events: number;
  readonly hours: number;
}

/** The axes a year's tables group by. */
export const REPORT_AXES = ['format', 'venue', 'campaign', 'theme', 'township', 'month'] as const satisfies readonly CountAxis[];

/** Every tally of a year's report. */
export interface ReportCounts {
  readonly total: Tally;
  readonly groups: Readonly<Record<(typeof REPORT_AXES)[number], Map<string, Tally>>>;
  /** Named volunteers: events joined and hours, most hours first. */
  readonly roster: readonly VolunteerRosterRow[];
}

/** The filter of a year's report: the year, on a counting basis (reviewed events only, or every submitted one). */
export function yearFilter(year: number, basis: CountBasis): EventFilter {
  return { year, ...basisFilter(basis) };
}

/**
 * Keeps the events that count under `filter`, each with its "YYYY-MM" key, so that counting
 * after it does no time-zone work again.
 */
export function selectEvents<E extends CountableEvent>(events: Iterable<E>, filter: EventFilter, timeZone = DEFAULT_TIME_ZONE): E[] {
  const out: E[] = [];
  for (const e of events) {
    if (!matchesFilter(e, filter, timeZone)) continue;
    out.push(e.ym === undefined ? { ...e, ym: eventYearMonth(e, timeZone) } : e);
  }
  return out;
}

/** The narrative clause of an event in no report line: its campaign (专项) if any, else its format. */
export function clauseKeyOf(e: Pick<CountableEvent, 'campaign' | 'format'>): string {
  return e.campaign !== null ? `campaign:${e.campaign}` : `format:${e.format}`;
}

/** Hours summed from halves and quarters print without float dust (2.3000000000000003). */
export function roundHours(h: number): number {
  return Math.round(h * 100) / 100;
}

/** Counts events already selected with `yearFilter` (each with its ym), in one pass; see the file comment. */
export function countReport(selected: readonly CountableEvent[], timeZone = DEFAULT_TIME_ZONE): ReportCounts {
  const total = emptyTally();
  const groups = Object.fromEntries(REPORT_AXES.map((a) => [a, new Map<string, Tally>()])) as Record<(typeof REPORT_AXES)[number], Map<string, Tally>>;
  const byName = new Map<string, { events: number; hours: number }>();
  const add = (m: Map<string, Tally>, k: string, e: CountableEvent) => {
    let t = m.get(k);
    if (!t) m.set(k, (t = emptyTally()));
    addToTally(t, e);
  };
  for (const e of selected) {
    addToTally(total, e);
    for (const axis of REPORT_AXES) for (const k of keysAlong(axis, e, timeZone)) add(groups[axis], k, e);
    for (const v of e.volunteers) {
      const r = byName.get(v.name) ?? { events: 0, hours: 0 };
      r.events += 1;
      r.hours += v.hours;
      byName.set(v.name, r);
    }
  }
  total.volunteerHours = roundHours(total.volunteerHours);
  const roster = [...byName.entries()]
    .map(([name, r]) => ({ name, events: r.events, hours: roundHours(r.hours) }))
    .sort((a, b) => b.hours - a.hours || b.events - a.events || a.name.localeCompare(b.name, 'zh-CN'));
  return { total, groups, roster };
}
