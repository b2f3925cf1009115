/**
 * Targets against actuals (绩效目标 → 目标值 / 实际完成值 / 完成率), and coverage rules ("every
 * township ≥ N events") with the townships short of them. Read off the year's counts
 * (report-counts.ts) and coverage, which report.ts makes once: a count target on one axis is that
 * axis's group, a coverage rule over all events is the coverage's units. Only a rule or a
 * township count restricted to one format, venue, campaign or theme needs a split the counts do
 * not keep; it counts the year's events under its filter (computeCoverage). A target whose 实际值
 * staff enter (source manual) or an external figure gives (source external) reads that value
 * instead, or is `missing` (未取得). Scoring is self-eval.ts. Pure.
 */
import { computeCoverage, type CoverageResult } from './coverage.js';
import { emptyTally, type CountableEvent, type EventFilter, type Tally } from './counts.js';
import { externalFigure, type ExternalFigures } from './external-figures.js';
import type { RegionPack } from './region.js';
import type { ReportCounts } from './report-counts.js';
import type { LineCounts } from './report-lines.js';
import type { Target, TargetAxis, TargetMeasure, TargetSource } from './targets.js';
import { DEFAULT_TIME_ZONE } from './year.js';

/** A township below a coverage rule's minimum, with its value. */
export interface TownshipShortfall {
  readonly code: string;
  readonly name: string;
  readonly value: number;
}

/** One row of the 目标完成情况 table. */
export interface TargetEvaluation {
  readonly target: Target;
  /** 目标值: the minimum, or for a coverage rule the number of townships that must meet it. */
  readonly goal: number;
  /** 实际完成值: the count, or for a coverage rule the number of townships that meet it. */
  readonly actual: number;
  /** 完成率 as a fraction (1 = 100%); null when the goal is 0. */
  readonly rate: number | null;
  readonly met: boolean;
  /** Coverage rules: the townships below the minimum, in pack order; empty for counts. */
  readonly shortfalls: readonly TownshipShortfall[];
  /** Where 实际值 came from (the target's `source`, absent → events). */
  readonly source: TargetSource;
  /**
   * A value staff have not entered yet, or an external figure not supplied (未取得): `actual` is
   * 0, `rate` null and `met` false.
   */
  readonly missing: boolean;
}

/** The year's counted events, their counts and coverage (report.ts buildReport makes them once). */
export interface CountedYear {
  readonly year: number;
  readonly counted: readonly CountableEvent[];
  readonly counts: ReportCounts;
  readonly coverage: CoverageResult;
  readonly pack: RegionPack;
  readonly timeZone?: string;
  /** The report lines counted over the same events (a target on axis `line` reads its line's tally). */
  readonly lineCounts?: LineCounts;
  /** External figures by key, for targets whose 实际值 is one (external-figures.ts). */
  readonly externals?: ExternalFigures;
}

/** The filter that picks the events a target is taken over, within the year's counted events. */
export function axisFilter(axis: TargetAxis, code: string | null): EventFilter {
  if (axis === 'all' || axis === 'line' || code === null || code === '') return {};
  switch (axis) {
    case 'format':
      return { formats: [code] };
    case 'venue':
      return { venues: [code] };
    case 'campaign':
      return { campaigns: [code] };
    case 'theme':
      return { themes: [code] };
    case 'township':
      return { townships: [code] };
  }
}

/** The value of a measure in a tally (townshipsCovered is computed from groups, not a tally). */
export function measureOf(t: Tally, measure: Exclude<TargetMeasure, 'townshipsCovered'>): number {
  switch (measure) {
    case 'events':
      return t.events;
    case 'attendance':
      return t.attendance;
    case 'materials':
      return t.materials;
    case 'volunteerHours':
      return Math.round(t.volunteerHours * 100) / 100;
  }
}

/** The tally of a count target's events: the year's total, its axis group, or its report line's count. */
function tallyOf(t: Target, year: CountedYear): Tally {
  const counts = year.counts;
  if (t.axis === 'all' || t.axisCode === null || t.axisCode === '') return counts.total;
  if (t.axis === 'line') return year.lineCounts?.rows.find((r) => r.line.code === t.axisCode)?.tally ?? emptyTally();
  return counts.groups[t.axis].get(t.axisCode) ?? emptyTally();
}

/**
 * Per coverage unit (a township with an area; special zones count for their parent town, as on
 * the map), the value of a measure, every unit present: off the year's coverage for a target over
 * all events, else from the events under the target's filter.
 */
function coverageValues(t: Target, year: CountedYear, measure: TargetMeasure): Map<string, number> {
  const filter = axisFilter(t.axis, t.axisCode);
  const options = { now: 0, timeZone: year.timeZone ?? DEFAULT_TIME_ZONE };
  const code = t.axisCode;
  const units =
    t.axis === 'line' && code !== null && code !== ''
      ? computeCoverage(
          year.pack,
          year.counted.filter((e) => year.lineCounts?.linesOf.get(e.id)?.includes(code) ?? false),
          {},
          'events',
          options,
        ).units
      : Object.keys(filter).length === 0
        ? year.coverage.units
        : computeCoverage(year.pack, year.counted, filter, 'events', options).units;
  return new Map(units.filter((u) => u.hasArea).map((u) => [u.code, measure === 'townshipsCovered' ? u.tally.events : measureOf(u.tally, measure)]));
}

/** Evaluates each live target of the year, in the targets' given order. */
export function evaluateTargets(targets: readonly Target[], year: CountedYear): TargetEvaluation[] {
  return targets.filter((t) => !t.deleted && t.year === year.year).map((t) => evaluateTarget(t, year));
}

function evaluateTarget(t: Target, year: CountedYear): TargetEvaluation {
  const source = t.source ?? 'events';
  if (source !== 'events') {
    const value = source === 'manual' ? (t.manualValue ?? null) : externalFigure(year.externals, t.externalKey);
    if (value === null) return { target: t, goal: t.min, actual: 0, rate: null, met: false, shortfalls: [], source, missing: true };
    return { target: t, goal: t.min, actual: value, rate: t.min === 0 ? null : value / t.min, met: value >= t.min, shortfalls: [], source, missing: false };
  }
  if (t.kind === 'coverage') {
    const values = coverageValues(t, year, t.measure);
    const shortfalls: TownshipShortfall[] = [];
    for (const unit of year.pack.townships) {
      const v = values.get(unit.code);
      if (v !== undefined && v < t.min) shortfalls.push({ code: unit.code, name: unit.name, value: v });
    }
    const goal = values.size;
    const actual = goal - shortfalls.length;
    return { target: t, goal, actual, rate: goal === 0 ? null : actual / goal, met: shortfalls.length === 0, shortfalls, source, missing: false };
  }
  const actual =
    t.measure === 'townshipsCovered' ? [...coverageValues(t, year, 'events').values()].filter((n) => n > 0).length : measureOf(tallyOf(t, year), t.measure);
  return { target: t, goal: t.min, actual, rate: t.min === 0 ? null : actual / t.min, met: actual >= t.min, shortfalls: [], source, missing: false };
}

/** 完成率 as the 自评表 prints it: "120%", "83.3%", or "—" without a goal. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const pct = Math.round(rate * 1000) / 10;
  return `${pct}%`;
}
