/**
 * Targets against actuals (绩效目标 → 目标值 / 实际完成值 / 完成率), and coverage rules ("every
 * township ≥ N events") with the townships that fail them. Counting goes through counts.ts.
 * Pure: the caller passes the events, the targets and the region pack.
 */
import { countEventsBy, type CountableEvent, type EventFilter, type Tally } from './counts.js';
import { computeCoverage } from './coverage.js';
import type { RegionPack } from './region.js';
import { selectEvents, yearFilter } from './report.js';
import type { Target, TargetAxis, TargetMeasure } from './targets.js';
import { DEFAULT_TIME_ZONE } from './year.js';

/** A township below a coverage rule's minimum, with its value. */
export interface CoverageGap {
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
  readonly gaps: readonly CoverageGap[];
}

/** What evaluating targets needs besides the events. */
export interface TargetContext {
  readonly year: number;
  readonly reviewedOnly: boolean;
  readonly pack: RegionPack;
  readonly timeZone?: string;
}

/** The filter that picks the events a count target is taken over, within already selected events. */
export function axisFilter(axis: TargetAxis, code: string | null): EventFilter {
  if (axis === 'all' || code === null || code === '') return {};
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

/**
 * Per coverage unit (a township with an area; special zones count for their parent town, as on
 * the map: computeCoverage in coverage.ts), the value of a measure, every unit present.
 */
export function coverageValues(
  events: readonly CountableEvent[],
  filter: EventFilter,
  measure: TargetMeasure,
  pack: RegionPack,
  timeZone = DEFAULT_TIME_ZONE,
): Map<string, number> {
  const { units } = computeCoverage(pack, events, filter, 'events', { now: 0, timeZone });
  return new Map(
    units
      .filter((u) => u.hasArea)
      .map((u) => [u.code, measure === 'townshipsCovered' ? u.tally.events : measureOf(u.tally, measure)]),
  );
}

/** Evaluates each live target of the year against the events, in the targets' given order. */
export function evaluateTargets(
  targets: readonly Target[],
  events: Iterable<CountableEvent>,
  ctx: TargetContext,
): TargetEvaluation[] {
  const tz = ctx.timeZone ?? DEFAULT_TIME_ZONE;
  return evaluateTargetsOfSelected(targets, selectEvents(events, yearFilter(ctx.year, ctx.reviewedOnly), tz), ctx);
}

/** Evaluates targets over events already selected with `yearFilter(ctx.year, ctx.reviewedOnly)`. */
export function evaluateTargetsOfSelected(
  targets: readonly Target[],
  selected: readonly CountableEvent[],
  ctx: TargetContext,
): TargetEvaluation[] {
  const tz = ctx.timeZone ?? DEFAULT_TIME_ZONE;
  return targets
    .filter((t) => !t.deleted && t.year === ctx.year)
    .map((t) => evaluateTarget(t, selected, ctx.pack, tz));
}

/** Evaluates one target over events already selected for its year. */
export function evaluateTarget(t: Target, selected: readonly CountableEvent[], pack: RegionPack, timeZone = DEFAULT_TIME_ZONE): TargetEvaluation {
  const filter = axisFilter(t.axis, t.axisCode);
  if (t.kind === 'coverage') {
    const values = coverageValues(selected, filter, t.measure, pack, timeZone);
    const gaps: CoverageGap[] = [];
    for (const unit of pack.townships) {
      const v = values.get(unit.code);
      if (v !== undefined && v < t.min) gaps.push({ code: unit.code, name: unit.name, value: v });
    }
    const goal = values.size;
    const actual = goal - gaps.length;
    return { target: t, goal, actual, rate: goal === 0 ? null : actual / goal, met: gaps.length === 0, gaps };
  }
  let actual: number;
  if (t.measure === 'townshipsCovered') {
    actual = [...coverageValues(selected, filter, 'events', pack, timeZone).values()].filter((n) => n > 0).length;
  } else {
    actual = measureOf(countEventsBy(selected, 'format', filter, timeZone).total, t.measure);
  }
  return { target: t, goal: t.min, actual, rate: t.min === 0 ? null : actual / t.min, met: actual >= t.min, gaps: [] };
}

/** 完成率 as the 自评表 prints it: "120%", "83.3%", or "—" without a goal. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const pct = Math.round(rate * 1000) / 10;
  return `${pct}%`;
}
