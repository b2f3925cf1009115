/**
 * The scored 绩效自评表 (整体绩效自评表): every target of the year as an indicator row —
 * 一级指标 | 二级指标 | 三级指标 | 分值 | 指标值 | 实际完成值 | 得分 | 偏差原因及改进措施 — with its 得分
 * under its scoring rule, the subtotal of each 一级指标 and the table's total ("93.5 of 100").
 *
 * Read off the target evaluations (targets-eval.ts), so 实际值 is the same figure as everywhere
 * else. Scores are kept in hundredths and summed as integers, so half points (39.5) add up
 * exactly; a computed score is rounded half up to 0.01. A target without 分值 is listed but not
 * scored. The Chinese here is the table's wording, not UI text. Pure.
 */
import type { ScoreBand, ScoringRule, Target, TargetFields } from './targets.js';
import type { TargetEvaluation } from './targets-eval.js';

/** The bands of the `bands` rule when an indicator gives none: ≥100% full, ≥90% 80%, ≥80% 60%, ≥60% 40%. */
export const DEFAULT_BANDS: readonly ScoreBand[] = [
  { atLeast: 1, share: 1 },
  { atLeast: 0.9, share: 0.8 },
  { atLeast: 0.8, share: 0.6 },
  { atLeast: 0.6, share: 0.4 },
];

/** `scored`; `missing`: 实际值 not entered / not supplied (scored 0, or staff's 得分 under the manual rule); `unscored`: manual rule without 得分 yet, or no 分值. */
export type ScoreStatus = 'scored' | 'missing' | 'unscored';

/** One row of the table. */
export interface SelfEvalRow {
  readonly evaluation: TargetEvaluation;
  readonly target: Target;
  /** 分值, or null when the target has none (not scored). */
  readonly weight: number | null;
  /** 指标值 as printed. */
  readonly goalText: string;
  /** 实际完成值 as printed ("27场次", "95%", "未取得"). */
  readonly actualText: string;
  readonly rule: ScoringRule;
  /** 得分, or null while unscored. */
  readonly score: number | null;
  readonly status: ScoreStatus;
  /** 偏差原因及改进措施. */
  readonly deviation: string;
}

/** The subtotal of one 一级指标. */
export interface SelfEvalGroup {
  readonly level1: string;
  readonly weight: number;
  readonly score: number;
}

/** The table. */
export interface SelfEvalTable {
  readonly rows: readonly SelfEvalRow[];
  /** Per 一级指标, in order of first appearance. */
  readonly groups: readonly SelfEvalGroup[];
  /** The sum of 分值 (usually 100). */
  readonly weight: number;
  /** The total 得分 (unscored rows count 0). */
  readonly score: number;
  /** Rows with 分值 still unscored (manual rule without 得分). */
  readonly unscored: number;
}

/** Hundredths, rounded half up (a tiny epsilon absorbs binary error: 8.505 → 8.51). */
function hundredths(x: number): number {
  return Math.round(x * 100 + 1e-7);
}

/** A score rounded half up to 0.01. */
export function roundScore(x: number): number {
  return hundredths(x) / 100;
}

/** The sum of scores, exact in hundredths (21.5 + 5 + 13 = 39.5, never 39.49999). */
export function sumScores(xs: Iterable<number>): number {
  let n = 0;
  for (const x of xs) n += hundredths(x);
  return n / 100;
}

/** What scoring reads of an evaluation. */
export type Scorable = Pick<TargetEvaluation, 'rate' | 'met' | 'missing'>;

/**
 * 得分 of one indicator: null only for the manual rule without 得分. A missing 实际值 scores 0
 * under a computed rule. Never above 分值 nor below 0. A rate without a goal (目标值 0) counts as
 * 100% when met.
 */
export function scoreIndicator(
  rule: ScoringRule,
  weight: number,
  e: Scorable,
  bands: readonly ScoreBand[] | undefined,
  manualScore: number | null | undefined,
): number | null {
  const cap = (x: number) => roundScore(Math.min(weight, Math.max(0, x)));
  if (rule === 'manual') return manualScore === null || manualScore === undefined ? null : cap(manualScore);
  if (e.missing) return 0;
  const rate = e.rate ?? (e.met ? 1 : 0);
  switch (rule) {
    case 'proportional':
      return cap(weight * Math.min(1, rate));
    case 'allOrNothing':
      return e.met ? cap(weight) : 0;
    case 'bands': {
      const list = [...(bands && bands.length > 0 ? bands : DEFAULT_BANDS)].sort((a, b) => b.atLeast - a.atLeast);
      const band = list.find((b) => rate + 1e-9 >= b.atLeast);
      return band ? cap(weight * band.share) : 0;
    }
  }
}

/** A number as the table prints it: at most two decimals, no trailing zeros. */
export function formatFigure(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** 指标值: the target's own text, else "≥{min}{unit}" (a coverage rule: "各镇街≥{min}场次"). */
export function goalTextOf(t: Target): string {
  if (t.goalText && t.goalText.trim() !== '') return t.goalText.trim();
  if (t.kind === 'coverage' && (t.source ?? 'events') === 'events') return `各镇街≥${formatFigure(t.min)}场次`;
  return `≥${formatFigure(t.min)}${t.unit}`;
}

/** 实际完成值: the value with its unit; a coverage rule "13/15个镇街达标"; 未填报 / 未取得 when missing. */
export function actualTextOf(e: TargetEvaluation): string {
  if (e.missing) return e.source === 'external' ? '未取得' : '未填报';
  if (e.target.kind === 'coverage' && e.source === 'events') return `${e.actual}/${e.goal}个镇街达标`;
  return `${formatFigure(e.actual)}${e.target.unit}`;
}

/** The scored table of a year's target evaluations (in their order). */
export function buildSelfEval(evals: readonly TargetEvaluation[]): SelfEvalTable {
  const rows = evals.map((e): SelfEvalRow => {
    const t = e.target;
    const weight = t.weight ?? null;
    const rule = t.rule ?? 'proportional';
    const score = weight === null ? null : scoreIndicator(rule, weight, e, t.bands, t.manualScore);
    const status: ScoreStatus = weight === null || score === null ? 'unscored' : e.missing ? 'missing' : 'scored';
    return { evaluation: e, target: t, weight, goalText: goalTextOf(t), actualText: actualTextOf(e), rule, score, status, deviation: t.deviation ?? '' };
  });
  const weighted = rows.filter((r) => r.weight !== null);
  const groups = new Map<string, { weights: number[]; scores: number[] }>();
  for (const r of weighted) {
    let g = groups.get(r.target.level1);
    if (!g) groups.set(r.target.level1, (g = { weights: [], scores: [] }));
    g.weights.push(r.weight!);
    g.scores.push(r.score ?? 0);
  }
  return {
    rows,
    groups: [...groups.entries()].map(([level1, g]) => ({ level1, weight: sumScores(g.weights), score: sumScores(g.scores) })),
    weight: sumScores(weighted.map((r) => r.weight!)),
    score: sumScores(weighted.map((r) => r.score ?? 0)),
    unscored: weighted.filter((r) => r.score === null).length,
  };
}

/** What makes two indicators the same one across years: their 一级/二级/三级指标. */
export function indicatorKey(t: Pick<Target, 'level1' | 'level2' | 'level3'>): string {
  return [t.level1, t.level2, t.level3].map((s) => s.trim()).join('\u0000');
}

/**
 * "Copy last year's indicators": the definitions of `from` (live rows) as new fields for `year` —
 * levels, 分值, 指标值, source, rule, bands, measure and axis — without last year's values
 * (实际值 entered, 得分, note, evidence, 偏差原因), skipping any indicator `existing` already has
 * for that year (same levels) and any repeated in `from`. In `from`'s order.
 */
export function copyIndicatorDefinitions(from: readonly Target[], existing: readonly Target[], year: number): TargetFieldsOf[] {
  const have = new Set(existing.filter((t) => !t.deleted && t.year === year).map(indicatorKey));
  const out: TargetFieldsOf[] = [];
  for (const t of from) {
    if (t.deleted) continue;
    const key = indicatorKey(t);
    if (have.has(key)) continue;
    have.add(key);
    const fields: TargetFieldsOf = {
      year,
      kind: t.kind,
      measure: t.measure,
      axis: t.axis,
      axisCode: t.axisCode,
      min: t.min,
      level1: t.level1,
      level2: t.level2,
      level3: t.level3,
      unit: t.unit,
    };
    if (t.weight !== undefined) fields.weight = t.weight;
    if (t.goalText !== undefined) fields.goalText = t.goalText;
    if (t.source !== undefined) fields.source = t.source;
    if (t.source === 'manual') fields.manualValue = null;
    if (t.externalKey !== undefined) fields.externalKey = t.externalKey;
    if (t.rule !== undefined) fields.rule = t.rule;
    if (t.rule === 'manual') fields.manualScore = null;
    if (t.bands !== undefined) fields.bands = t.bands.map((b) => ({ ...b }));
    out.push(fields);
  }
  return out;
}

/** The editable fields of a target (targets.ts TargetFields), mutable while being built. */
type TargetFieldsOf = { -readonly [K in keyof TargetFields]: TargetFields[K] };
