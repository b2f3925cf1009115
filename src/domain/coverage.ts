/**
 * Township coverage: which townships a set of events reached, by how much, and which it missed.
 * The map colours and the report's coverage lines both come from here, and both count through
 * `countEventsBy` (counts.ts), so a township's 场次 on the map is the 场次 in the report.
 *
 * Special zones (kind 其他, a Point with a `parentCode`, e.g. 巽寮滨海旅游度假区) have no area of
 * their own: their villages are listed under the parent town (平海镇) and their Point lies in its
 * polygon. Decision: a zone is shown as a marker with its OWN numbers, and for AREA coverage its
 * events also count for the parent town (`coverageCodeOf`). So an event at 巽寮 covers 平海镇,
 * and 平海镇's numbers on the map include 巽寮's.
 *
 * Pure: the caller passes the pack, the events (read through the [year+ym] index), the filter,
 * the clock reading and the time zone.
 */
import type { TownshipCode } from './ids.js';
import { hasArea, type RegionPack, type TownshipUnit } from './region.js';
import { countEventsBy, emptyTally, matchesFilter, mergeTallyInto, type CountableEvent, type EventFilter, type Tally } from './counts.js';
import { DEFAULT_TIME_ZONE, zonedParts } from './year.js';

/**
 * What the map colours by: 场次, 人次 (offline attendance), 资料份数, days since the last event, or
 * 满意度 (the public's average rating of the events, staff only and online: it is not counted from
 * the events on the phone but made by domain/satisfaction-map.ts from the server's ratings).
 */
export type CoverageMeasure = 'events' | 'attendance' | 'materials' | 'daysSince' | 'satisfaction';
/** The measures counted from events (every phone, offline). */
export const COVERAGE_MEASURES: readonly CoverageMeasure[] = ['events', 'attendance', 'materials', 'daysSince'];

/** The public's ratings of a unit's events (满意度): how many, and their mean (null: 无评价). */
export interface UnitRating {
  readonly answered: number;
  readonly mean: number;
}

/** One township-level unit's numbers under a filter. */
export interface UnitCoverage {
  readonly code: TownshipCode;
  readonly name: string;
  readonly shortName: string;
  /** Whether the unit has an area (a polygon): only those can be gaps, have a class, a rank. */
  readonly hasArea: boolean;
  /** Special zones only: the town their events also count for. */
  readonly parentCode: TownshipCode | null;
  /** Events logged under this very code. */
  readonly own: Tally;
  /** What the map shows: own events plus those of the special zones inside it (area units). */
  readonly tally: Tally;
  /** Codes whose events are in `tally` (the unit itself first, then its zones). */
  readonly codes: readonly TownshipCode[];
  /** The measure's value; for `daysSince`, null when the unit had no event. */
  readonly value: number | null;
  /** The unit's part of the county total of the measure (daysSince: of 场次), 0..1. */
  readonly share: number;
  /** 1 = most (most recent for daysSince); ties share a rank; null for gaps and point units. */
  readonly rank: number | null;
  /** Index into `breaks`/colours; null for gaps and point units. */
  readonly classIndex: number | null;
  /** An area unit with no event under the filter. */
  readonly gap: boolean;
  /** Measure 'satisfaction' only: the ratings of the unit's events, or null (无评价, not a gap). */
  readonly rating?: UnitRating | null;
}

/** The whole picture for a filter and a measure. */
export interface CoverageResult {
  readonly measure: CoverageMeasure;
  /** Every event matching the filter, whichever township it names. */
  readonly total: Tally;
  /** All units of the pack, in pack order. */
  readonly units: readonly UnitCoverage[];
  /** Area units with no event, in pack order ("未覆盖乡镇"). */
  readonly gaps: readonly UnitCoverage[];
  readonly coveredCount: number;
  /** Number of area units (the M of "N / M 个乡镇"). */
  readonly areaCount: number;
  /** Matching events whose township code is not in the pack (e.g. after a region change). */
  readonly unassigned: Tally;
  /** Upper bounds of the classes, ascending; empty when nothing is covered. */
  readonly breaks: readonly number[];
  /** One fill colour per class, light → dark (darker = more, or more recent for daysSince). */
  readonly colours: readonly string[];
  /** Measure 'satisfaction' only: every rating of the matching events, all townships. */
  readonly rating?: UnitRating | null;
}

export interface CoverageOptions {
  /** Clock reading (ms) for days-since-last-event. */
  readonly now: number;
  readonly timeZone?: string;
  /** Most classes wanted (default 5); fewer when the data has fewer distinct values. */
  readonly maxClasses?: number;
}

const DAY_MS = 86_400_000;

/** The value of a measure for a tally; daysSince is whole calendar days in the zone, or null. */
export function measureValue(t: Tally, measure: CoverageMeasure, now: number, timeZone = DEFAULT_TIME_ZONE): number | null {
  switch (measure) {
    case 'events':
      return t.events;
    case 'attendance':
      return t.attendance;
    case 'materials':
      return t.materials;
    case 'daysSince':
      return t.lastStartAt === null ? null : daysBetween(t.lastStartAt, now, timeZone);
    default:
      return null;
  }
}

/** Whole calendar days from an instant to `now` in a time zone (0 = same day; never negative). */
export function daysBetween(from: string | number, now: number, timeZone = DEFAULT_TIME_ZONE): number {
  const a = zonedParts(from, timeZone);
  const b = zonedParts(now, timeZone);
  const days = Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
  return Math.max(0, days);
}

/** Tallies events per unit, rolls special zones up into their towns, finds gaps, classes and ranks. */
export function computeCoverage(
  pack: RegionPack,
  events: Iterable<CountableEvent>,
  filter: EventFilter,
  measure: CoverageMeasure,
  options: CoverageOptions,
): CoverageResult {
  const { total, groups } = countEventsBy(events, 'township', filter, options.timeZone ?? DEFAULT_TIME_ZONE);
  return coverageOfTallies(pack, total, groups, measure, options);
}

/**
 * Whether coverage under `filter` and `measure` can be made from year totals by township (kept
 * or counted by the server): a whole year, of every or of reviewed events, by a summed measure
 * ('daysSince' needs each event's start).
 */
export function countsWholeYear(filter: EventFilter, measure: CoverageMeasure): boolean {
  if (measure === 'daysSince') return false;
  return Object.keys(filter).every((k) => k === 'year' || (k === 'reviewedOnly' && typeof filter.reviewedOnly === 'boolean'));
}

/**
 * The same from tallies already made per township code (countEventsBy's answer, or the year
 * totals the phone keeps as events are written). The 'daysSince' measure needs each tally's
 * lastStartAt, which the kept totals do not have.
 */
export function coverageOfTallies(
  pack: RegionPack,
  total: Tally,
  groups: ReadonlyMap<string, Tally>,
  measure: CoverageMeasure,
  options: CoverageOptions,
): CoverageResult {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;

  const known = new Set(pack.townships.map((t) => t.code));
  const unassigned = emptyTally();
  for (const [code, t] of groups) if (!known.has(code)) mergeTallyInto(unassigned, t);

  const zonesOf = new Map<TownshipCode, TownshipUnit[]>();
  for (const t of pack.townships) {
    if (t.parentCode === null || hasArea(t)) continue;
    const list = zonesOf.get(t.parentCode) ?? [];
    list.push(t);
    zonesOf.set(t.parentCode, list);
  }

  const base = pack.townships.map((t) => {
    const own = groups.get(t.code) ?? emptyTally();
    const area = hasArea(t);
    const codes = [t.code, ...(area ? (zonesOf.get(t.code) ?? []).map((z) => z.code) : [])];
    const tally = emptyTally();
    for (const c of codes) {
      const g = groups.get(c);
      if (g) mergeTallyInto(tally, g);
    }
    return { unit: t, area, own, tally, codes, value: measureValue(tally, measure, options.now, timeZone) };
  });

  const rankable = base.filter((b) => b.area && b.tally.events > 0);
  const values = rankable.map((b) => b.value ?? 0);
  const breaks = classBreaks(values, options.maxClasses ?? 5);
  // For days-since, fewer days is better: rank ascending, and the ramp runs dark → light.
  const better = (a: number, b: number) => (measure === 'daysSince' ? a < b : a > b);
  const denominator = measure === 'daysSince' ? total.events : (measureValue(total, measure, options.now, timeZone) ?? 0);
  const shareBasis = (t: Tally) => (measure === 'daysSince' ? t.events : (measureValue(t, measure, options.now, timeZone) ?? 0));
  const colours = rampFor(breaks.length);

  const units: UnitCoverage[] = base.map((b) => {
    const ranked = b.area && b.tally.events > 0;
    const v = b.value ?? 0;
    const cls = ranked ? classOf(v, breaks) : null;
    return {
      code: b.unit.code,
      name: b.unit.name,
      shortName: b.unit.shortName,
      hasArea: b.area,
      parentCode: b.unit.parentCode,
      own: b.own,
      tally: b.tally,
      codes: b.codes,
      value: b.value,
      share: denominator > 0 ? shareBasis(b.tally) / denominator : 0,
      rank: ranked ? 1 + values.filter((o) => better(o, v)).length : null,
      classIndex: cls === null ? null : measure === 'daysSince' ? breaks.length - 1 - cls : cls,
      gap: b.area && b.tally.events === 0,
    };
  });
  const gaps = units.filter((u) => u.gap);
  const areaCount = units.filter((u) => u.hasArea).length;
  return {
    measure,
    total,
    units,
    gaps,
    coveredCount: areaCount - gaps.length,
    areaCount,
    unassigned,
    breaks,
    colours,
  };
}

/**
 * Class breaks for a small set of skewed counts: Jenks natural breaks, computed exactly with
 * Fisher's dynamic programme (the 1-D partition into k runs of sorted values with the least
 * within-class sum of squared deviations; Fisher 1958, "On grouping for maximum homogeneity").
 * Counts per township are skewed (the county seat has many events, remote towns a few), and
 * quantiles would split equal values or lump an outlier with the middle; equal intervals would
 * put almost everything in the first class. Returns the upper bound of each class, ascending;
 * k is min(maxClasses, number of distinct values), so each distinct value gets its own class
 * when there are few.
 */
export function classBreaks(values: readonly number[], maxClasses = 5): number[] {
  const xs = [...values].sort((a, b) => a - b);
  const distinct = [...new Set(xs)];
  const k = Math.min(maxClasses, distinct.length);
  if (k === 0) return [];
  if (k === distinct.length) return distinct;
  const n = xs.length;
  // Prefix sums give the squared deviation of any run xs[i..j] in O(1).
  const s1 = [0];
  const s2 = [0];
  for (const x of xs) {
    s1.push(s1[s1.length - 1]! + x);
    s2.push(s2[s2.length - 1]! + x * x);
  }
  const ssd = (i: number, j: number) => {
    const m = j - i + 1;
    const s = s1[j + 1]! - s1[i]!;
    return s2[j + 1]! - s2[i]! - (s * s) / m;
  };
  // cost[c][j]: best cost of xs[0..j] in c+1 classes; from[c][j]: start of the last class.
  const cost: number[][] = [];
  const from: number[][] = [];
  cost.push(xs.map((_, j) => ssd(0, j)));
  from.push(xs.map(() => 0));
  for (let c = 1; c < k; c++) {
    const row: number[] = [];
    const back: number[] = [];
    for (let j = 0; j < n; j++) {
      let best = Infinity;
      let arg = j;
      for (let i = c; i <= j; i++) {
        // A class may not start inside a run of equal values, so equal counts share a class.
        if (xs[i] === xs[i - 1]) continue;
        const v = cost[c - 1]![i - 1]! + ssd(i, j);
        if (v < best) {
          best = v;
          arg = i;
        }
      }
      row.push(best);
      back.push(arg);
    }
    cost.push(row);
    from.push(back);
  }
  const bounds: number[] = [];
  let j = n - 1;
  for (let c = k - 1; c >= 0; c--) {
    bounds.unshift(xs[j]!);
    j = from[c]![j]! - 1;
  }
  return bounds;
}

/** The class of a value: the first class whose upper bound holds it (the last for larger values). */
export function classOf(value: number, breaks: readonly number[]): number {
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i]!) return i;
  return breaks.length - 1;
}

/**
 * Sequential blue ramps, light → dark (ColorBrewer "Blues", Cynthia Brewer, Apache-2.0), one per
 * class count; light enough at the low end that a covered township never looks like a gap.
 */
export const COVERAGE_RAMPS: Readonly<Record<number, readonly string[]>> = {
  1: ['#3182bd'],
  2: ['#9ecae1', '#3182bd'],
  3: ['#c6dbef', '#6baed6', '#2171b5'],
  4: ['#c6dbef', '#6baed6', '#2171b5', '#08519c'],
  5: ['#deebf7', '#9ecae1', '#4292c6', '#2171b5', '#08306b'],
};
/** The warning colour gaps are outlined and hatched in (orange, distinct from the blue ramp). */
export const GAP_COLOUR = '#d9480f';

/** The ramp for a number of classes (clamped to 1..5). */
export function rampFor(classes: number): readonly string[] {
  if (classes <= 0) return [];
  return COVERAGE_RAMPS[Math.min(5, classes)]!;
}

/** The fill colour of a unit, or null for gaps and point units (painted by their own style). */
export function fillColourOf(u: UnitCoverage, result: Pick<CoverageResult, 'colours'>): string | null {
  return u.classIndex === null ? null : (result.colours[u.classIndex] ?? null);
}

/** The legend's rows: the value range of each class, in display order (darkest last). */
export function legendRows(result: Pick<CoverageResult, 'breaks' | 'colours' | 'measure'>): { from: number; to: number; colour: string }[] {
  const rows = result.breaks.map((to, i) => ({
    from: i === 0 ? (result.measure === 'daysSince' ? 0 : 1) : nextAbove(result.breaks[i - 1]!),
    to,
    colour: result.colours[result.measure === 'daysSince' ? result.breaks.length - 1 - i : i]!,
  }));
  return rows;
}

function nextAbove(x: number): number {
  return Number.isInteger(x) ? x + 1 : x;
}

/** The events a unit's numbers are made of (its own and its zones'), newest first. */
export function eventsOfUnit<E extends CountableEvent>(
  unit: Pick<UnitCoverage, 'codes'>,
  events: Iterable<E>,
  filter: EventFilter,
  timeZone = DEFAULT_TIME_ZONE,
): E[] {
  const codes = new Set(unit.codes);
  const out: E[] = [];
  for (const e of events) if (codes.has(e.townshipCode) && matchesFilter(e, filter, timeZone)) out.push(e);
  return out.sort((a, b) => Date.parse(b.startAt) - Date.parse(a.startAt));
}

/** Matching events that carry a GPS or map point, for the point layer. */
export function locatedEvents<E extends CountableEvent & { readonly point: { lat: number; lon: number } | null }>(
  events: Iterable<E>,
  filter: EventFilter,
  timeZone = DEFAULT_TIME_ZONE,
): E[] {
  const out: E[] = [];
  for (const e of events) if (e.point !== null && matchesFilter(e, filter, timeZone)) out.push(e);
  return out;
}
