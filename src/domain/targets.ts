/**
 * Performance targets (绩效目标): a count for a year along an axis ("科普大篷车巡展 ≥ 5 场次"),
 * or a coverage rule ("every township ≥ 2 events"). Stored and synced like events.
 *
 * A target is also an indicator of the scored 绩效自评表 (self-eval.ts): 分值 (`weight`), 指标值
 * text, where its 实际值 comes from (`source`: the events, a value staff enter with a note and
 * evidence — text and photos —, or an external figure the caller supplies), the scoring rule and 偏差原因及改进措施.
 * Those fields are optional: rows written before them still read (as an unscored, event-counted
 * target), and the server stores target rows as JSON, so no migration is needed.
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

/** Where an indicator's 实际值 comes from (absent: `events`). */
export const TARGET_SOURCES = ['events', 'manual', 'external'] as const;
export type TargetSource = (typeof TARGET_SOURCES)[number];

/**
 * How an indicator's 得分 follows its 完成率 (absent: `proportional`): `proportional` 分值 × 完成率
 * capped at 分值; `allOrNothing` 分值 when met, else 0; `bands` the share of 分值 of the highest
 * band reached (≥100% → 100%, ≥90% → 80% …); `manual` staff enter 得分.
 */
export const SCORING_RULES = ['proportional', 'allOrNothing', 'bands', 'manual'] as const;
export type ScoringRule = (typeof SCORING_RULES)[number];

/** A threshold band: 完成率 ≥ `atLeast` (a fraction, 0.9 = 90%) earns `share` of 分值 (a fraction). */
export interface ScoreBand {
  readonly atLeast: number;
  readonly share: number;
}

const instant = v.pipe(v.string(), v.isoTimestamp('badTime'));
const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'badPhotoHash'));
/** Most evidence photos an indicator keeps (as many as an award: AWARD_LIMITS.photosMax). */
export const TARGET_PHOTOS_MAX = 12;
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
  /** 分值: the indicator's weight in the 自评表 (absent: not scored). */
  weight: v.optional(v.nullable(v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(100, 'tooLarge')))),
  /** 指标值 as the table words it ("≥95%", "100%"); empty: "≥{min}{unit}". */
  goalText: v.optional(label(40)),
  source: v.optional(v.picklist(TARGET_SOURCES, 'badSource')),
  /** 实际值 entered by staff (`source` manual); null: not yet entered. */
  manualValue: v.optional(v.nullable(v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(100_000_000, 'tooLarge')))),
  /** The external figure's key (`source` external), e.g. 'feedback.onTimeRate' (external-figures.ts). */
  externalKey: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, 'badExternalKey'), v.maxLength(60, 'tooLong')))),
  /** How the manual value was arrived at (说明). */
  valueNote: v.optional(label(200)),
  /** Evidence for a manual value: a note and link text (文件名、网址、档案号). */
  evidence: v.optional(label(500)),
  /**
   * Evidence photos (佐证材料) of a manual value: content hashes, uploaded through the blob path
   * before the push that names them and kept by the server's sweep, as an award's photos are.
   * Optional beside the text `evidence`: targets written before it read and sync unchanged.
   */
  photos: v.optional(v.pipe(v.array(sha256, 'notList'), v.maxLength(TARGET_PHOTOS_MAX, 'tooMany'))),
  rule: v.optional(v.picklist(SCORING_RULES, 'badRule')),
  /** Threshold bands of the `bands` rule, any order (absent or empty: DEFAULT_BANDS). */
  bands: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          atLeast: v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(10, 'tooLarge')),
          share: v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(1, 'tooLarge')),
        }),
      ),
      v.maxLength(10, 'tooMany'),
    ),
  ),
  /** 得分 entered by staff (rule manual); null: not yet scored. */
  manualScore: v.optional(v.nullable(v.pipe(v.number('notNumber'), v.minValue(0, 'negative'), v.maxValue(100, 'tooLarge')))),
  /** 偏差原因及改进措施. */
  deviation: v.optional(label(500)),
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
