/**
 * Performance targets (绩效目标): a count for a year along an axis ("科普大篷车巡展 ≥ 5 场次"),
 * or a coverage rule ("every township ≥ 2 events"). Stored and synced like events.
 */
import * as v from 'valibot';

/** What a target counts. */
export const TARGET_MEASURES = ['events', 'attendance', 'materials', 'volunteerHours', 'townshipsCovered'] as const;
export type TargetMeasure = (typeof TARGET_MEASURES)[number];

/**
 * The axis a count target is taken along; `all` counts every event of the year; `line` takes a
 * report line (统计口径, axisCode = the line's code): its 实际值 is that line's count.
 */
export const TARGET_AXES = ['all', 'format', 'venue', 'campaign', 'theme', 'township', 'line'] as const;
export type TargetAxis = (typeof TARGET_AXES)[number];

const instant = v.pipe(v.string(), v.isoTimestamp('badTime'));
const label = (max: number) => v.pipe(v.string(), v.trim(), v.maxLength(max, 'tooLong'));

/** The fields staff edit on a target. */
export const targetFieldEntries = {
  year: v.pipe(v.number('notNumber'), v.integer('notInteger'), v.minValue(2000, 'implausibleYear'), v.maxValue(2100, 'implausibleYear')),
  /** `count`: measure along axis ≥ min; `coverage`: every township ≥ min events. */
  kind: v.picklist(['count', 'coverage'], 'badTargetKind'),
  measure: v.picklist(TARGET_MEASURES, 'badMeasure'),
  axis: v.picklist(TARGET_AXES, 'badAxis'),
  /** The taxonomy or township code along the axis; null for `all`. */
  axisCode: v.nullable(v.pipe(v.string(), v.maxLength(40, 'tooLong'))),
  min: v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(100_000_000, 'tooLarge')),
  /** The row of the 绩效自评表: 一级/二级/三级指标 and the indicator's own wording. */
  level1: label(40),
  level2: label(40),
  level3: label(100),
  unit: label(10),
} as const;

/** Bookkeeping on a target, kept by app and server. */
export const targetBookkeepingEntries = {
  id: v.pipe(v.string(), v.uuid('badId')),
  orgId: v.pipe(v.string(), v.maxLength(64)),
  createdBy: v.pipe(v.string(), v.maxLength(64)),
  createdAt: instant,
  updatedBy: v.pipe(v.string(), v.maxLength(64)),
  updatedAt: instant,
  deleted: v.boolean(),
  rev: v.pipe(v.number(), v.integer(), v.minValue(0)),
} as const;

/** A stored target. */
export const targetSchema = v.strictObject({ ...targetFieldEntries, ...targetBookkeepingEntries });
export type Target = v.InferOutput<typeof targetSchema>;
export type TargetFields = Pick<Target, keyof typeof targetFieldEntries>;

/** A partial set of target fields, as a mutation carries it. */
export const targetPatchSchema = v.partial(v.strictObject(targetFieldEntries));
export type TargetPatch = v.InferOutput<typeof targetPatchSchema>;

/** Field names a target mutation may set. */
export const TARGET_MUTABLE_FIELDS = Object.keys(targetFieldEntries) as (keyof TargetFields)[];
